#!/bin/sh
# /init of the nested test guest (busybox, POSIX sh).
#
# Reads its instructions from the kernel command line, runs one check per
# item and prints one line per check:
#
#   GUEST-PLAN <check> <check> ...          the checks that will be reported
#   GUEST-CHECK <name> PASS|FAIL <detail>   one per check
#   GUEST-CLOCK <s>                         date +%s, just before reading it
#   GUEST-READY-FOR-INPUT                   the console is being read now
#   GUEST-CLOCK-AFTER <s>                   date +%s, once the line came
#   GUEST-ECHO <line>                       the line read from the console
#   GUEST-DONE passed=N failed=M            all checks ran
#
# then powers the VM off. Command-line parameters (all optional):
#
#   lkvm.expect_cpus=N       exactly N CPUs must be online
#   lkvm.expect_gic=GICv3|GICv2|<chip>
#                            the interrupt controller named in /proc/interrupts
#   lkvm.input=0|1           read one line from the console and echo it (default 1)
#   lkvm.input_timeout=S     seconds to wait for that line (default 20)
#   lkvm.sleep_max=CS        upper bound for "sleep 2", centiseconds (default 350)
#   lkvm.dump=1              print /proc/interrupts and the CPU list as well
#   lkvm.cpufeat=a,b,...     each must be on the Features line of /proc/cpuinfo
#   lkvm.nocpufeat=a,b,...   none of them may be there (e.g. sve,paca,pacg,mte)
#   lkvm.sve_max_vl=BITS     the largest SVE vector length the guest can set
#   lkvm.steal=1|0           the kernel uses stolen time (pvtime), or does not
#   lkvm.pmu=1               the guest's PMU driver found the PMU (armv8_pmuv3)
#   lkvm.serials=N           ttyS0..ttyS(N-1) exist, each an 8250 with a port
#   lkvm.mem_base=0xADDR     RAM starts there: /proc/iomem's System RAM and the
#                            DT's memory node (-m SIZE@ADDR)
#   lkvm.pci_testdev=1       the PCI test device (1b36:0005) is on the PCI bus,
#                            BAR 0 4 KiB of memory, BAR 1 256 bytes of I/O
#   lkvm.tty_echo=ttySN      write GUEST-TTY-HELLO to /dev/ttySN, then read one
#                            line from it and print it as GUEST-TTY-GOT <line>
#   lkvm.shell=1             start a shell on the console instead of powering off
#   lkvm.crash=sysrq         make the kernel panic (echo c >/proc/sysrq-trigger)
#                            instead of running the checks

PATH=/bin:/sbin:/usr/bin:/usr/sbin
export PATH

/bin/busybox mkdir -p /proc /sys /dev /tmp
/bin/busybox mount -t proc proc /proc
/bin/busybox mount -t sysfs sysfs /sys
/bin/busybox mount -t devtmpfs devtmpfs /dev 2>/dev/null
/bin/busybox mount -t tmpfs tmpfs /tmp
/bin/busybox --install -s

# Without a /dev/console node in the initramfs the kernel starts init with
# no standard streams: attach them to the console now.
if [ ! -e /proc/self/fd/1 ]; then
	exec </dev/console >/dev/console 2>&1
fi

# A kernel panic from a running system, for the VMM's panic handling.
case " $(cat /proc/cmdline) " in
*" lkvm.crash=sysrq "*)
	echo "GUEST-CRASH sysrq"
	echo c >/proc/sysrq-trigger
	echo "GUEST-CRASH-FAILED the kernel did not panic"
	poweroff -f ;;
esac

expect_cpus=
expect_gic=
want_input=1
input_timeout=20
sleep_max=350
dump=0
shell=0
cpufeat=
nocpufeat=
sve_max_vl=
steal=
pmu=
serials=
pci_testdev=
tty_echo=
mem_base=
for w in $(cat /proc/cmdline); do
	case "$w" in
	lkvm.expect_cpus=*)	expect_cpus=${w#*=} ;;
	lkvm.expect_gic=*)	expect_gic=${w#*=} ;;
	lkvm.input=*)		want_input=${w#*=} ;;
	lkvm.input_timeout=*)	input_timeout=${w#*=} ;;
	lkvm.sleep_max=*)	sleep_max=${w#*=} ;;
	lkvm.dump=*)		dump=${w#*=} ;;
	lkvm.shell=*)		shell=${w#*=} ;;
	lkvm.cpufeat=*)		cpufeat=${w#*=} ;;
	lkvm.nocpufeat=*)	nocpufeat=${w#*=} ;;
	lkvm.sve_max_vl=*)	sve_max_vl=${w#*=} ;;
	lkvm.steal=*)		steal=${w#*=} ;;
	lkvm.pmu=*)		pmu=${w#*=} ;;
	lkvm.serials=*)		serials=${w#*=} ;;
	lkvm.pci_testdev=*)	pci_testdev=${w#*=} ;;
	lkvm.tty_echo=*)	tty_echo=${w#*=} ;;
	lkvm.mem_base=*)	mem_base=${w#*=} ;;
	esac
done

passed=0
failed=0
check() {	# check <name> PASS|FAIL <detail...>
	name=$1 result=$2
	shift 2
	echo "GUEST-CHECK $name $result $*"
	if [ "$result" = PASS ]; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
	fi
}

# Number of CPUs in a kernel CPU list such as "0-3,5".
count_cpulist() {
	echo "$1" | awk -F, '{
		n = 0
		for (i = 1; i <= NF; i++) {
			if (split($i, r, "-") == 2) n += r[2] - r[1] + 1
			else if ($i != "") n++
		}
		print n
	}'
}

# The CPU numbers in a kernel CPU list, one per line.
expand_cpulist() {
	echo "$1" | awk -F, '{
		for (i = 1; i <= NF; i++) {
			if (split($i, r, "-") == 2) for (c = r[1]; c <= r[2]; c++) print c
			else if ($i != "") print $i
		}
	}'
}

# The CPU columns of /proc/interrupts are the online CPUs, in order.
# Prints the per-CPU counts of the row whose last field is $1.
irq_row_counts() {
	awk -v want="$1" '
		NR == 1 { ncpu = NF; next }
		$NF == want {
			s = ""
			for (i = 2; i <= ncpu + 1; i++) s = s (s == "" ? "" : " ") $i
			print s
			exit
		}' /proc/interrupts
}

# Chip name (the column after the counts) of the row whose last field is $1.
irq_row_chip() {
	awk -v want="$1" '
		NR == 1 { ncpu = NF; next }
		$NF == want { print $(ncpu + 2); exit }' /proc/interrupts
}

# Per-CPU sums over all IPI rows ("IPI0:", "IPI1:", ...).
ipi_counts() {
	awk '
		NR == 1 { ncpu = NF; next }
		$1 ~ /^IPI[0-9]+:$/ { for (i = 2; i <= ncpu + 1; i++) c[i] += $i }
		END {
			s = ""
			for (i = 2; i <= ncpu + 1; i++) s = s (s == "" ? "" : " ") c[i] + 0
			print s
		}' /proc/interrupts
}

sum_words() { echo "$*" | awk '{ s = 0; for (i = 1; i <= NF; i++) s += $i; print s }'; }

# Uptime in centiseconds.
uptime_cs() { awk '{ split($1, t, "."); print t[1] * 100 + t[2] }' /proc/uptime; }

online=$(cat /sys/devices/system/cpu/online 2>/dev/null)
ncpus=$(count_cpulist "$online")

plan="cpus gic timer"
[ "$ncpus" -gt 1 ] && plan="$plan ipi"
[ -n "$cpufeat$nocpufeat" ] && plan="$plan cpufeat"
[ -n "$sve_max_vl" ] && plan="$plan sve-vl"
[ -n "$steal" ] && plan="$plan steal"
[ "$pmu" = 1 ] && plan="$plan pmu"
[ -n "$serials" ] && plan="$plan serials"
[ -n "$mem_base" ] && plan="$plan mem-base"
[ "$pci_testdev" = 1 ] && plan="$plan pci-testdev"
[ -n "$tty_echo" ] && plan="$plan tty-echo"
plan="$plan sleep"
[ "$want_input" = 1 ] && plan="$plan uart-rx"
echo "GUEST-PLAN $plan"

if [ "$dump" = 1 ]; then
	echo "GUEST-DUMP-BEGIN"
	echo "cmdline: $(cat /proc/cmdline)"
	echo "online: $online possible: $(cat /sys/devices/system/cpu/possible)"
	cat /proc/interrupts
	echo "GUEST-DUMP-END"
fi

# --- cpus: the expected number of vCPUs came online -----------------------
detail="online=$online count=$ncpus nproc=$(nproc)"
if [ -z "$online" ] || [ "$ncpus" -lt 1 ]; then
	check cpus FAIL "cannot read /sys/devices/system/cpu/online"
elif [ -n "$expect_cpus" ] && [ "$ncpus" != "$expect_cpus" ]; then
	check cpus FAIL "$detail expected=$expect_cpus"
else
	check cpus PASS "$detail${expect_cpus:+ expected=$expect_cpus}"
fi

# --- gic: the interrupt controller the guest drives ------------------------
# /proc/interrupts names the chip of each row. Linux 6.1 prints "GICv3" for a
# GICv3; for a GICv2 it prints "GIC-0" in a guest at EL1, and "GICv2" when it
# runs at EL2 and uses split EOI/deactivate (as the emulated host does).
chip=$(irq_row_chip arch_timer)
case "$expect_gic" in
GICv3|gicv3|v3)	want_chip="GICv3" ;;
GICv2|gicv2|v2)	want_chip="GICv2 GIC-0" ;;
*)		want_chip=$expect_gic ;;
esac
chip_ok=no
for w in $want_chip; do
	[ "$chip" = "$w" ] && chip_ok=yes
done
if [ -z "$chip" ]; then
	check gic FAIL "no arch_timer row in /proc/interrupts"
elif [ -n "$want_chip" ] && [ "$chip_ok" != yes ]; then
	check gic FAIL "arch_timer is on '$chip', expected '$(echo $want_chip | sed 's/ /'"'"' or '"'"'/g')'"
else
	check gic PASS "arch_timer is on '$chip'${want_chip:+ as expected for $expect_gic}"
fi

# --- timer: the arch timer interrupt is counting, on every CPU -------------
t1=$(irq_row_counts arch_timer)
sleep 0.2
t2=$(irq_row_counts arch_timer)
s1=$(sum_words "$t1")
s2=$(sum_words "$t2")
zero=
i=0
for c in $t2; do
	[ "$c" -gt 0 ] || zero="$zero cpu$i"
	i=$((i + 1))
done
if [ -z "$t2" ]; then
	check timer FAIL "no arch_timer row in /proc/interrupts"
elif [ "$s2" -le "$s1" ]; then
	check timer FAIL "arch_timer total did not move in 0.2 s ($s1 -> $s2)"
elif [ -n "$zero" ]; then
	check timer FAIL "no timer interrupt on$zero (counts: $t2)"
else
	check timer PASS "total $s1 -> $s2 in 0.2 s, per cpu: $t2"
fi

# --- ipi: inter-processor interrupts reach every CPU -----------------------
# Moving short-lived tasks onto each CPU in turn makes the scheduler kick the
# idle target CPU (a reschedule IPI) and the exiting task wake its parent on
# another CPU. Every CPU's IPI count must grow.
if [ "$ncpus" -gt 1 ]; then
	i1=$(ipi_counts)
	round=0
	while [ $round -lt 3 ]; do
		for c in $(expand_cpulist "$online"); do
			taskset -c "$c" sh -c 'sleep 0.01' 2>/dev/null
		done
		round=$((round + 1))
	done
	i2=$(ipi_counts)
	set -- $i1
	stuck=
	i=0
	for c in $i2; do
		[ "$c" -gt "${1:-0}" ] || stuck="$stuck cpu$i"
		shift
		i=$((i + 1))
	done
	if [ -z "$i2" ]; then
		check ipi FAIL "no IPI rows in /proc/interrupts"
	elif [ -n "$stuck" ]; then
		check ipi FAIL "IPI count did not grow on$stuck ($i1 -> $i2)"
	else
		check ipi PASS "per-cpu IPIs $i1 -> $i2"
	fi
fi

# --- cpufeat: the CPU features the VMM gave (or withheld), as Linux sees them
# The Features line lists what the kernel found in the ID registers KVM
# shows the guest: sve, paca/pacg (pointer authentication), mte...
if [ -n "$cpufeat$nocpufeat" ]; then
	feats=" $(sed -n 's/^Features[^:]*: *//p' /proc/cpuinfo | head -n 1) "
	bad=
	for f in $(echo "$cpufeat" | tr , ' '); do
		case "$feats" in *" $f "*) ;; *) bad="$bad missing:$f" ;; esac
	done
	for f in $(echo "$nocpufeat" | tr , ' '); do
		case "$feats" in *" $f "*) bad="$bad unexpected:$f" ;; esac
	done
	if [ -n "$bad" ]; then
		check cpufeat FAIL "$bad; Features:$feats"
	else
		check cpufeat PASS "${cpufeat:+has $cpufeat}${nocpufeat:+ lacks $nocpufeat}"
	fi
fi

# --- sve-vl: the largest SVE vector length (writing -1 asks for it) --------
if [ -n "$sve_max_vl" ]; then
	f=/proc/sys/abi/sve_default_vector_length
	if echo -1 >"$f" 2>/dev/null; then
		bytes=$(cat "$f")
		if [ "$((bytes * 8))" = "$sve_max_vl" ]; then
			check sve-vl PASS "largest vector length $((bytes * 8)) bits"
		else
			check sve-vl FAIL "largest vector length $((bytes * 8)) bits, expected $sve_max_vl"
		fi
	else
		check sve-vl FAIL "cannot write $f (no SVE?)"
	fi
fi

# --- steal: stolen time (pvtime), found by the kernel through SMCCC -------
# Linux logs "arm-pv: using stolen time PV" when the hypervisor gave it a
# record; /proc/stat's steal column is shown, not checked (it moves only
# when the host is busy).
if [ -n "$steal" ]; then
	pv=$(dmesg | grep -c 'using stolen time PV')
	st=$(awk '$1 == "cpu" { print $9 }' /proc/stat)
	if [ "$steal" = 1 ] && [ "$pv" -gt 0 ]; then
		check steal PASS "kernel uses stolen time PV; steal ticks $st"
	elif [ "$steal" = 0 ] && [ "$pv" = 0 ]; then
		check steal PASS "no stolen time PV, as expected; steal ticks $st"
	elif [ "$steal" = 1 ]; then
		check steal FAIL "no 'using stolen time PV' in the kernel log"
	else
		check steal FAIL "the kernel uses stolen time PV, expected none"
	fi
fi

# --- pmu: the PMU from the DT's arm,armv8-pmuv3 node has a driver --------
if [ "$pmu" = 1 ]; then
	ev=$(ls /sys/bus/event_source/devices 2>/dev/null | tr '\n' ' ')
	case " $ev" in
	*" armv8_pmuv3"*)	check pmu PASS "event sources: $ev" ;;
	*)			check pmu FAIL "no armv8_pmuv3 event source (have: $ev)" ;;
	esac
fi

# --- mem-base: RAM where -m SIZE@ADDR put it, as the kernel sees it -------
if [ -n "$mem_base" ]; then
	want=$(echo "${mem_base#0x}" | sed 's/^0*//')
	ram=$(grep -m 1 ': System RAM$' /proc/iomem | sed 's/^ *//; s/-.*//; s/^0*//')
	node=$(ls /sys/firmware/devicetree/base 2>/dev/null | grep '^memory@' | tr '\n' ' ')
	if [ "$ram" = "$want" ] && [ "$node" = "memory@$want " ]; then
		check mem-base PASS "System RAM from 0x$ram, DT $node"
	else
		check mem-base FAIL "System RAM from 0x$ram, DT '$node', expected 0x$want"
	fi
fi

# --- serials: the VMM's 8250s, each with its registers mapped --------------
if [ -n "$serials" ]; then
	n=0
	while [ -e "/sys/class/tty/ttyS$n" ] &&
	      ! grep -q "^$n: uart:unknown" /proc/tty/driver/serial 2>/dev/null; do
		n=$((n + 1))
	done
	if [ "$n" = "$serials" ]; then
		check serials PASS "ttyS0..ttyS$((n - 1)): $(grep -c 'uart:16550A' /proc/tty/driver/serial 2>/dev/null) 16550A"
	else
		check serials FAIL "$n working 8250 port(s), expected $serials: $(tr '\n' ';' </proc/tty/driver/serial 2>/dev/null | cut -c1-200)"
	fi
fi

# --- pci-testdev: QEMU's test device on the PCI bus (--pci-testdev) --------
# A BAR's line in sysfs' resource file: "start end flags"; its size and
# kind (IORESOURCE_IO 0x100, IORESOURCE_MEM 0x200).
bar_is() {	# bar_is <resource line> <size> <flag>
	set -- $1 "$2" "$3"
	[ "$(($2 - $1 + 1))" = "$(($4))" ] && [ "$(($3 & $5))" != 0 ]
}
if [ "$pci_testdev" = 1 ]; then
	found=
	for d in /sys/bus/pci/devices/*; do
		[ "$(cat "$d/vendor" 2>/dev/null):$(cat "$d/device" 2>/dev/null)" = 0x1b36:0x0005 ] &&
			found=$d
	done
	if [ -z "$found" ]; then
		check pci-testdev FAIL "no 1b36:0005 in /sys/bus/pci/devices: $(ls /sys/bus/pci/devices 2>/dev/null | tr '\n' ' ')"
	elif bar_is "$(sed -n 1p "$found/resource")" 0x1000 0x200 &&
	     bar_is "$(sed -n 2p "$found/resource")" 0x100 0x100; then
		check pci-testdev PASS "${found##*/} class $(cat "$found/class"): BAR 0 $(sed -n 1p "$found/resource" | cut -d' ' -f1) memory, BAR 1 $(sed -n 2p "$found/resource" | cut -d' ' -f1) I/O"
	else
		check pci-testdev FAIL "${found##*/}: BARs $(head -n 2 "$found/resource" | tr '\n' ';')"
	fi
fi

# --- tty-echo: a line each way through another UART (the VMM's --tty) -----
if [ -n "$tty_echo" ]; then
	dev=/dev/$tty_echo
	# Open once: a port nobody holds open drops what it receives.
	exec 3<>"$dev"
	stty raw -echo <&3 2>/dev/null
	echo "GUEST-TTY-HELLO" >&3
	echo "GUEST-TTY-READY"
	line=
	if read -r -t 30 line <&3; then
		echo "GUEST-TTY-GOT $line"
		check tty-echo PASS "wrote a line to $dev and read ${#line} characters"
	else
		check tty-echo FAIL "no line from $dev within 30 s"
	fi
	exec 3>&-
fi

# --- sleep: an idle "sleep 2" wakes up on time -----------------------------
a=$(uptime_cs)
sleep 2
b=$(uptime_cs)
dt=$((b - a))
if [ "$dt" -lt 195 ] || [ "$dt" -gt "$sleep_max" ]; then
	check sleep FAIL "sleep 2 took ${dt}0 ms (allowed 1950..${sleep_max}0)"
else
	check sleep PASS "sleep 2 took ${dt}0 ms"
fi

# --- uart-rx: one line typed into the VMM's stdin reaches the guest --------
if [ "$want_input" = 1 ]; then
	stty -echo 2>/dev/null
	# The guest's clock around the wait (a snapshot may fall in it).
	echo "GUEST-CLOCK $(date +%s)"
	echo "GUEST-READY-FOR-INPUT"
	line=
	# read -t (a time limit) is a busybox ash extension.
	if read -r -t "$input_timeout" line; then
		echo "GUEST-CLOCK-AFTER $(date +%s)"
		echo "GUEST-ECHO $line"
		check uart-rx PASS "read ${#line} characters"
	else
		[ -n "$line" ] && echo "GUEST-ECHO $line"
		check uart-rx FAIL "no complete line within ${input_timeout} s"
	fi
fi

echo "GUEST-DONE passed=$passed failed=$failed"

if [ "$shell" = 1 ]; then
	setsid cttyhack sh
fi
poweroff -f
# poweroff should not return; keep init alive so the kernel does not panic.
while :; do sleep 60; done
