#!/bin/sh
# /init of the emulated arm64 host that runs kvm-unit-tests' own runner
# (scripts/kut-run.sh; docs/testing.md, "kvm-unit-tests' runner"). busybox sh.
#
# Gives the runner what a busybox initramfs lacks (bash, GNU timeout,
# getconf, /dev/fd and /dev/std*, HOME), then runs ./run_tests.sh in the
# test build once per VMM named in /kut/config, with KVMTOOL=that VMM.
# Prints on the console:
#
#   HOST-INFO ...                              kernel, CPUs, GIC, KVM, MAX_SMP
#   KUT <vmm> PASS|FAIL|SKIP <test> <detail>   one per test, as the runner says it
#   KUT-RETRY <vmm> FAIL <test> <detail>       a first run's failure; the test
#                                              runs again and a KUT line follows
#   KUT-LOG <vmm> <test> | <line>              the essence of a failed test's log
#   KUT-WHY <vmm> <test> | SKIP: ...           why a test skipped itself
#   KUT-NOTE <vmm> pci-test | <line>           pci-test's tests, as it names them
#   KUT-DONE <vmm> seconds=N                   the runner's time
#   HOST-ERROR <message>                       the runner could not run
#   HOST-DONE rc=N                             always the last line before poweroff
#
# Settings (/kut/config, written by scripts/mk-kut-initramfs.sh): VMMS, the
# VMM names under /kut-vmm; KUT_TESTS, the tests to run (empty: all);
# KUT_CAP_SMP_V2, on a GICv2 host, a MAX_SMP above the 8 vCPUs its KVM
# allows, for one more run of selftest-smp (empty: none). Kernel command line:
# lkvm.host_gic=v2|v3 (a mismatch with the GIC found is an error),
# lkvm.shell=1 (a shell on the console after the run).

PATH=/usr/local/bin:/bin:/sbin:/usr/bin:/usr/sbin
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
echo 4 >/proc/sys/kernel/printk 2>/dev/null

# bash's process substitution and the runner's "tee /dev/stderr" need these.
ln -sf /proc/self/fd /dev/fd
ln -sf /proc/self/fd/0 /dev/stdin
ln -sf /proc/self/fd/1 /dev/stdout
ln -sf /proc/self/fd/2 /dev/stderr
export HOME=/tmp

shell=0
host_gic=
for w in $(cat /proc/cmdline); do
	case "$w" in
	lkvm.host_gic=*)	host_gic=${w#*=} ;;
	lkvm.shell=*)		shell=${w#*=} ;;
	esac
done

finish() {
	echo "HOST-DONE rc=$1"
	[ "$shell" = 1 ] && setsid cttyhack sh
	poweroff -f
	while :; do sleep 60; done
}

[ -r /kut/config ] || { echo "HOST-ERROR /kut/config missing"; finish 2; }
. /kut/config

detected=unknown
if grep -q ' GICv3 ' /proc/interrupts; then
	detected=v3
elif grep -Eq ' (GICv2|GIC-[0-9]+) ' /proc/interrupts; then
	detected=v2
fi
kvm=no
[ -c /dev/kvm ] && kvm=yes
echo "HOST-INFO kernel=$(uname -r) cpus=$(nproc) gic=$detected kvm=$kvm" \
	"MAX_SMP=$(getconf _NPROCESSORS_ONLN 2>&1) bash=$(bash -c 'echo $BASH_VERSION' 2>&1)" \
	"timeout=$(/usr/local/bin/timeout --version 2>&1 | head -n 1)"
[ "$kvm" = yes ] || { echo "HOST-ERROR /dev/kvm is missing (is virtualization=on?)"; finish 2; }
if [ -n "$host_gic" ] && [ "$host_gic" != "$detected" ]; then
	echo "HOST-ERROR asked for a GIC$host_gic host but /proc/interrupts shows '$detected'"
	finish 2
fi

# The runner prints "PASS name (summary)" with colour escapes; one
# "KUT <vmm> ..." line per test, without them. A first run's FAIL is held
# back as "KUT-RETRY <vmm> FAIL ...": the test runs once more (the timer
# test's 10 ms latency checks fail when the machine under the emulated
# host is busy), and its second run gives the result, saying so.
# report VMM first|again [NAME-SUFFIX]
report() {
	awk -v vmm="$1" -v mode="$2" -v sfx="$3" '{
		gsub(/\033\[[0-9;]*m/, "")
		if ($1 != "PASS" && $1 != "FAIL" && $1 != "SKIP") {
			print "KUT-NOTE " vmm " " $0
		} else {
			$2 = $2 sfx
			if (mode == "first" && $1 == "FAIL")
				print "KUT-RETRY " vmm " " $0
			else if (mode == "again")
				print "KUT " vmm " " $0 " [run twice: the first run failed]"
			else
				print "KUT " vmm " " $0
		}
		fflush()
	}'
}

# suite VMM LOGDIR first|again [NAME-SUFFIX] [TEST...]: the runner, once.
suite() {
	local vmm=$1 dir=$2 mode=$3 sfx=$4

	shift 4
	unittest_log_dir=$dir KVMTOOL=/kut-vmm/$vmm bash ./run_tests.sh "$@" 2>&1 \
		| report "$vmm" "$mode" "$sfx" | tee -a "/tmp/kut-$vmm.out"
}

# The essence of a failed test's log, for the report on the build machine
# (the logs stay in this host, in /kut/logs-*): the command, the checks
# that failed, and how it ended.
fail_log() {
	[ -r "$3" ] || return 0
	{
		head -n 1 "$3"
		grep -E '^(FAIL|ABORT|ERROR)' "$3" | head -n 8
		grep -v '^[[:space:]]*$' "$3" | tail -n 4
	} | sed "s/^/KUT-LOG $1 $2 | /"
}

# A test that skipped itself says why only in its log: its first SKIP
# line, as "KUT-WHY <vmm> <test> | SKIP: ...".
skip_reasons() {
	local vmm=$1 dir=$2 t

	for t in $(sed -n "s/^KUT $vmm SKIP \([^ ]*\) (.* skipped)\$/\1/p" "/tmp/kut-$vmm.out"); do
		[ -r "$dir/$t.log" ] || continue
		grep -m 1 '^SKIP: ' "$dir/$t.log" | sed "s/^/KUT-WHY $vmm $t | /"
	done
}

# Runs the first run's failures again: selftest-smp@MAX_SMP=N with that
# MAX_SMP, the others as they are. A failure this host always causes
# (/kut/expected-fail.txt) stands as it is.
retry() {
	local vmm=$1 t name

	for name in $(sed -n "s/^KUT-RETRY $vmm FAIL \([^ ]*\).*/\1/p" "/tmp/kut-$vmm.out"); do
		t=${name%%@*}
		if grep -Eq "^$detected[[:space:]]+$name[[:space:]]" /kut/expected-fail.txt; then
			sed -n "s/^KUT-RETRY $vmm FAIL $name /KUT $vmm FAIL $name /p" "/tmp/kut-$vmm.out" \
				| tee -a "/tmp/kut-$vmm.out"
			continue
		fi
		if [ "$t" != "$name" ]; then
			MAX_SMP=${name##*=} suite "$vmm" "logs-$vmm-again" again "@${name#*@}" "$t"
		else
			suite "$vmm" "logs-$vmm-again" again "" "$t"
		fi
		if grep -q "^KUT $vmm FAIL $name " "/tmp/kut-$vmm.out"; then
			fail_log "$vmm" "$name" "logs-$vmm-again/$t.log"
		fi
	done
}

# kvm-unit-tests' pci-test, run directly: the runner disables it for a
# kvmtool target (unittests.cfg: disabled_if TARGET != qemu), as kvmtool
# has no PCI test device; lkvm has QEMU's with --pci-testdev. The
# command line is the one the runner makes for a kvmtool target, plus
# that option and --loglevel=info (the device's summary: what exited,
# what KVM's ioeventfds took); kvmtool gets it without them (it has no
# such option), to show what it prints. "KUT <vmm> PASS|FAIL|SKIP
# pci-test@pci-testdev (...)", as the runner's lines. lkvm passes only
# with all 6 of the device's tests passed and the 64 writes of its 4
# eventfd tests (16 each) taken by KVM's ioeventfds, not by lkvm;
# anything else fails.
pci_test() {
	local vmm=$1 opt= out=/tmp/kut-$1-pci-test.log st summary why

	case " $KUT_TESTS " in "  "|*" pci-test "*) ;; *) return 0 ;; esac
	[ "$vmm" = lkvm ] && opt="--pci-testdev --loglevel=info"
	# shellcheck disable=SC2086
	/usr/local/bin/timeout --foreground 90s "/kut-vmm/$vmm" run --kernel arm/pci-test.flat \
		--cpus 1 --nodefaults --network mode=none --loglevel=warning $opt \
		2>&1 | tr -d '\r' >"$out"
	summary=$(sed -n 's/^SUMMARY: //p' "$out" | head -n 1)
	if grep -q '^PASS: pci: PCI test device passed 6/6 tests' "$out" &&
	   ! grep -q '^FAIL' "$out" && grep -q '^EXIT: STATUS=1$' "$out" &&
	   { [ "$vmm" != lkvm ] || grep -q "KVM's ioeventfds took 64 writes" "$out"; }; then
		st=PASS
	elif [ "$vmm" != lkvm ] && [ -n "$summary" ] && ! grep -q '^FAIL' "$out"; then
		st=SKIP
	else
		st=FAIL
	fi
	echo "KUT $vmm $st pci-test@pci-testdev (${summary:-no summary})" | tee -a "/tmp/kut-$vmm.out"
	grep -E '^pci-testdev +(mem|io): |^PASS|^SUMMARY|BAR#|^[0-9a-f]{2}\.[0-9a-f]{2}\.[0-7] |pci-testdev: .* exited' "$out" |
		sed "s/^/KUT-NOTE $vmm pci-test | /"
	[ "$st" = PASS ] && return 0
	why=$(grep -m 1 -E '^(SKIP|FAIL|ABORT)|Fatal|Error|not found' "$out" || tail -n 1 "$out")
	echo "KUT-WHY $vmm pci-test@pci-testdev | $why"
	{ grep -v '^[[:space:]]*$' "$out" | tail -n 8; } | sed "s/^/KUT-LOG $vmm pci-test@pci-testdev | /"
}

cap=
[ "$detected" = v2 ] && cap=$KUT_CAP_SMP_V2
cd /kut || finish 2
for vmm in $VMMS; do
	start=$(cut -d' ' -f1 /proc/uptime)
	: >"/tmp/kut-$vmm.out"
	# shellcheck disable=SC2086
	suite "$vmm" "logs-$vmm" first "" $KUT_TESTS
	skip_reasons "$vmm" "logs-$vmm"
	if [ -n "$cap" ]; then
		# More vCPUs than this host's KVM allows: kvmtool caps the count,
		# and the runner's kvmtool support counts on it (docs/usage.md).
		MAX_SMP=$cap suite "$vmm" "logs-$vmm-cap" first "@MAX_SMP=$cap" selftest-smp
	fi
	retry "$vmm"
	pci_test "$vmm"
	end=$(cut -d' ' -f1 /proc/uptime)
	echo "KUT-DONE $vmm seconds=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.0f", b - a }')"
done
finish 0
