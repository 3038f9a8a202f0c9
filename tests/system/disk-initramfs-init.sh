#!/bin/sh
# /init of the disk-boot initramfs (busybox, POSIX sh). Like a distribution's
# initramfs it loads the modules the root file system needs (virtio
# transports, virtio-blk, ext4; also virtio-console and virtio-rng, so that
# hvc0 and /dev/hwrng work when the VMM offers them), waits for the root
# device, mounts it and switch_root's into it.
#
# Kernel command line:
#   root=/dev/...        the root device (default /dev/vda)
#   ro | rw              mount it read-only or read-write (default rw; the
#                        last one given wins). A read-only device that
#                        refuses rw is mounted ro, as the kernel itself does
#   rootfstype=TYPE      (default ext4)
#   rootflags=OPTS       extra mount options
#   rootdelay=S          seconds to wait for the root device (default 30)
#   init=PATH            the program to run in the root (default /init, then
#                        /sbin/init)
#   lkvm.shell=1         a shell on the console instead of powering off when
#                        the root cannot be mounted
#   lkvm.modules=A,B     also load these sets of modules: 9p, net, vsock
#                        (mk-disk-initramfs.sh); rootfstype=9p loads 9p
#   rootfstype=9p        root= is then a virtio-9p mount tag, mounted with
#                        trans=virtio,version=9p2000.L once the tag appears
#
# It prints one line, "DISK-INITRAMFS root <dev> (<mode>) at <uptime> s,
# modules loaded at <uptime> s", before it switches; when it cannot boot,
# "DISK-INITRAMFS-FAIL <reason>", and powers the VM off, so that the VMM
# exits and the runner reports the reason.

PATH=/bin:/sbin:/usr/bin:/usr/sbin
export PATH

/bin/busybox mkdir -p /proc /sys /dev /root
/bin/busybox mount -t proc proc /proc
/bin/busybox mount -t sysfs sysfs /sys
/bin/busybox mount -t devtmpfs devtmpfs /dev 2>/dev/null
/bin/busybox --install -s

# With console=hvc0 the kernel has no console to give init until
# virtio_console is loaded: no standard streams at first. Opening
# /dev/console fails until then, and a failed "exec >" would end this shell,
# so it is tried in a subshell first.
attach_console() {
	[ -e /proc/self/fd/1 ] && return 0
	if (: >/dev/console) 2>/dev/null; then
		exec </dev/console >/dev/console 2>&1
		return 0
	fi
	return 1
}

# Messages from before the console is there wait in this file.
LOG=/initramfs.log
: >"$LOG"
say() { echo "$*" >>"$LOG"; }

root=/dev/vda
mode=rw
fstype=ext4
flags=
delay=30
init=
shell=0
sets=
for w in $(cat /proc/cmdline); do
	case "$w" in
	root=*)		root=${w#*=} ;;
	ro|rw)		mode=$w ;;
	rootfstype=*)	fstype=${w#*=} ;;
	rootflags=*)	flags=${w#*=} ;;
	rootdelay=*)	delay=${w#*=} ;;
	init=*)		init=${w#*=} ;;
	lkvm.shell=*)	shell=${w#*=} ;;
	lkvm.modules=*)	sets=$(echo "${w#*=}" | tr ',' ' ') ;;
	esac
done
[ "$fstype" = 9p ] && sets="$sets 9p"

fail() {
	attach_console
	cat "$LOG"
	echo "DISK-INITRAMFS-FAIL $*"
	echo "  devices: $(ls /dev | grep -E '^(vd|hvc|hwrng)' | tr '\n' ' ')"
	echo "  modules: $(cut -d' ' -f1 /proc/modules | tr '\n' ' ')"
	if [ "$shell" = 1 ]; then
		setsid cttyhack sh
	fi
	poweroff -f
	while :; do sleep 60; done
}

# Dependencies first: the order mk-disk-initramfs.sh wrote. A module that
# is already there (built in, or loaded) is not an error.
load_list() {
	while read -r ko; do
		out=$(insmod "/lib/modules/$ko" 2>&1) && continue
		case "$out" in
		*"File exists"*|*"already"*) ;;
		*) say "DISK-INITRAMFS-WARN insmod $ko: $out" ;;
		esac
	done <"$1"
}

load_modules() {
	load_list /lib/modules/load-order
	for set in $sets; do
		if [ -r "/lib/modules/load-order.$set" ]; then
			load_list "/lib/modules/load-order.$set"
		else
			say "DISK-INITRAMFS-WARN lkvm.modules: no set '$set' (9p, net, vsock)"
		fi
	done
}

# Uptime in centiseconds (busybox date has no %N).
uptime_cs() { awk '{ split($1, t, "."); print t[1] * 100 + t[2] }' /proc/uptime; }
uptime_s() { cut -d' ' -f1 /proc/uptime; }

# A 9p root is a tag, not a device: it is there once virtio-9p says so.
root_there() {
	if [ "$fstype" = 9p ]; then
		cat /sys/bus/virtio/drivers/9pnet_virtio/virtio*/mount_tag 2>/dev/null |
			tr '\0' '\n' | grep -qx -- "$root"
	else
		[ -b "$root" ]
	fi
}

wait_for_root() {
	end=$(($(uptime_cs) + delay * 100))
	while ! root_there; do
		[ "$(uptime_cs)" -lt "$end" ] || return 1
		sleep 0.1
	done
}

mount_root() {
	m=$mode
	if [ "$fstype" = 9p ]; then
		flags="trans=virtio,version=9p2000.L${flags:+,$flags}"
		mount -t 9p -o "$m,$flags" "$root" /root 2>>"$LOG"
		return
	fi
	# A read-only disk refuses a rw mount (EACCES), as the kernel's own root
	# mount finds, which then mounts it read-only: so does this, asking
	# sysfs first rather than having the kernel warn about the refusal.
	if [ "$m" = rw ] && [ "$(cat "/sys/class/block/${root##*/}/ro" 2>/dev/null)" = 1 ]; then
		m=ro
		say "DISK-INITRAMFS-NOTE $root is a read-only disk; mounting it read-only"
	fi
	mount -t "$fstype" -o "$m${flags:+,$flags}" "$root" /root 2>>"$LOG" && return 0
	[ "$m" = rw ] || return 1
	mount -t "$fstype" -o "ro${flags:+,$flags}" "$root" /root 2>>"$LOG" || return 1
	say "DISK-INITRAMFS-NOTE $root refused read-write; mounted read-only"
}

pick_init() {
	for i in $init /init /sbin/init; do
		if [ -x "/root$i" ] || [ -L "/root$i" ]; then
			echo "$i"
			return 0
		fi
	done
	return 1
}

attach_console
load_modules
t_mod=$(uptime_s)
attach_console || fail "no console after loading the modules"
wait_for_root || fail "root device $root did not appear within $delay s"
mount_root || fail "cannot mount $root ($fstype, $mode): $(tail -n 1 "$LOG")"
newinit=$(pick_init) || { umount /root; fail "no ${init:-/init or /sbin/init} in the root file system"; }
cat "$LOG"
# Where the time went, when a boot is slow.
echo "DISK-INITRAMFS root $root ($(awk '$2 == "/root" { split($4, o, ","); print o[1] }' /proc/mounts)) at $(uptime_s) s, modules loaded at $t_mod s"

# The root's init finds /dev populated; proc and sys it mounts itself.
mkdir -p /root/dev
mount --move /dev /root/dev || mount -t devtmpfs devtmpfs /root/dev
umount /sys /proc
exec switch_root -c /dev/console /root "$newinit"
