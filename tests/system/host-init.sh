#!/bin/sh
# /init of the emulated arm64 host (busybox, POSIX sh).
#
# Mounts the usual file systems, checks /dev/kvm, runs the VM scenarios with
# run-vm-scenarios.sh and powers off. Prints on the console:
#
#   HOST-INFO ...                            kernel, CPUs, GIC, KVM
#   SCENARIO <name> PASS|FAIL <reason>       one per scenario (from the runner)
#   HOST-ERROR <message>                     the scenarios could not run
#   HOST-DONE rc=N                           always the last line before poweroff
#
# Settings come from /lkvm-test/config (written by mk-host-initramfs.sh) and
# from the kernel command line: lkvm.host_gic=v2|v3 (the GIC QEMU was asked
# for; a mismatch is an error), lkvm.shell=1 (a shell on the console after
# the run, for debugging by hand).

PATH=/bin:/sbin:/usr/bin:/usr/sbin
export PATH

/bin/busybox mkdir -p /proc /sys /dev /tmp
/bin/busybox mount -t proc proc /proc
/bin/busybox mount -t sysfs sysfs /sys
/bin/busybox mount -t devtmpfs devtmpfs /dev 2>/dev/null
/bin/busybox mount -t tmpfs tmpfs /tmp
/bin/busybox mkdir -p /dev/pts
/bin/busybox mount -t devpts devpts /dev/pts
/bin/busybox --install -s

if [ ! -e /proc/self/fd/1 ]; then
	exec </dev/console >/dev/console 2>&1
fi

# Only warnings and worse from the kernel: the console carries the results.
echo 4 >/proc/sys/kernel/printk 2>/dev/null

export HOME=/tmp
T=/lkvm-test

host_gic=
shell=0
demo=0
demo_shell=1
for w in $(cat /proc/cmdline); do
	case "$w" in
	lkvm.host_gic=*)	host_gic=${w#*=} ;;
	lkvm.shell=*)		shell=${w#*=} ;;
	lkvm.demo=*)		demo=${w#*=} ;;
	lkvm.demo_shell=*)	demo_shell=${w#*=} ;;
	esac
done

finish() {
	echo "HOST-DONE rc=$1"
	if [ "$shell" = 1 ]; then
		setsid cttyhack sh
	fi
	poweroff -f
	while :; do sleep 60; done
}

if [ -r "$T/config" ]; then
	set -a	# every setting is exported to the runner
	. "$T/config"
	set +a
else
	echo "HOST-ERROR $T/config missing"
	finish 2
fi

# The chip column of /proc/interrupts: "GICv3", or "GICv2" / "GIC-N".
detected=unknown
if grep -q ' GICv3 ' /proc/interrupts; then
	detected=v3
elif grep -Eq ' (GICv2|GIC-[0-9]+) ' /proc/interrupts; then
	detected=v2
fi
kvm=no
[ -c /dev/kvm ] && kvm=yes
echo "HOST-INFO kernel=$(uname -r) cpus=$(nproc) gic=$detected kvm=$kvm vmm=$(basename "$VMM")"

if [ "$kvm" != yes ]; then
	echo "HOST-ERROR /dev/kvm is missing: the host kernel did not bring up KVM (is virtualization=on?)"
	dmesg | grep -i kvm | tail -n 5 | sed 's/^/  | /'
	finish 2
fi
if [ -n "$host_gic" ] && [ "$host_gic" != "$detected" ]; then
	echo "HOST-ERROR asked for a GIC$host_gic host but /proc/interrupts shows '$detected':"
	head -n 4 /proc/interrupts | sed 's/^/  | /'
	finish 2
fi

# scripts/demo.sh: one guest on the console, its shell yours until poweroff.
if [ "$demo" = 1 ]; then
	echo "HOST-INFO demo: $(basename "$VMM") run -k Image -i guest-initramfs -c 2 -m 512"
	"$VMM" run -k "$KERNEL" -i "$GUEST_INITRD" -c 2 -m 512 -p "quiet lkvm.input=0 lkvm.shell=$demo_shell" --loglevel=info
	rc=$?
	echo "HOST-INFO demo: $(basename "$VMM") exited with status $rc"
	finish $rc
fi

export HOST_GIC=$detected WORKDIR=/tmp/scenarios
sh "$T/run-vm-scenarios.sh"
finish $?
