#!/bin/sh
# /init of the disk tests' root file system (scripts/mk-rootfs.sh; busybox,
# POSIX sh). The disk initramfs switch_root's into it. It checks, from inside
# the guest, the disks, console and rng the VMM gave it, and prints in the
# format of guest-init.sh:
#
#   GUEST-PLAN <check> <check> ...          the checks that will be reported
#   GUEST-CHECK <name> PASS|FAIL <detail>   one per check
#   GUEST-READY-FOR-INPUT                   (hvc-rx) /dev/hvc0 is read now
#   GUEST-ECHO <line>                       (hvc-rx) the line read from it
#   GUEST-DONE passed=N failed=M            all checks ran
#   GUEST-SYNCED <path>                     (fsync) the file is fsync'd: the
#                                           runner may kill the VMM now
#
# then powers the VM off; after "fsync" it waits to be killed instead.
# Command-line parameters:
#
#   lkvm.disk_checks=C,C,...  the checks to run, of:
#     root    / is mounted from lkvm.root_dev (default /dev/vda), ext4, rw,
#             is this root file system, and a file written there reads back;
#             the command line has root=<that device> (a VMM given a disk
#             adds "root=/dev/vda rw" unless -p has a root= of its own);
#             lkvm.expect_transport=mmio|pci|pci-legacy also checks the
#             disk's transport
#     write   writes lkvm.write=PATH:TEXT (default /lkvm-written:lkvm-disk-write)
#             and syncs; the runner's host_file= finds it in the image after
#             the poweroff
#     fsync   writes the same with fsync(2), prints GUEST-SYNCED and waits
#             for the runner to kill the VMM (kill_after=GUEST-SYNCED); always
#             the last check
#     ro      each of lkvm.ro_dev=DEV,DEV (default /dev/vdb) refuses a write
#             of its last 4 KiB, which read back unchanged; when DEV is the
#             root device, / must also be mounted ro and refuse a new file
#     disk2   lkvm.disk2_dev (default /dev/vdb) has the size and md5 that
#             /etc/lkvm-disk2 names (mk-rootfs.sh wrote both)
#     hvc-rx  /dev/hvc0 exists; one line typed into it is read back
#             within lkvm.input_timeout=S (default 20)
#     rng     /dev/hwrng exists, rng_current names a virtio rng, and 4096
#             bytes (not all alike) come from it within lkvm.rng_max=CS
#             centiseconds (default 500)
#     net     (with lkvm.modules=net) the parts of lkvm.net_parts (default
#             dhcp,tcp,dns,fwd), in order, one line for all: dhcp: eth0
#             gets lkvm.net_ip (default 192.168.33.15) by DHCP (static:
#             sets it on eth0 as /24, for a tap), router
#             lkvm.net_gw (192.168.33.1); tcp: http://GW:lkvm.net_http/net.txt
#             (default port 8080) reads "lkvm-net-tcp-ok"; dns: the DNS
#             server DHCP named resolves lkvm.net_name (lkvm-net.example)
#             to lkvm.net_addr (10.11.12.13); bulk (not by default):
#             fetches http://GW:lkvm.net_http/bulk.bin, says how fast;
#             xfer (not by default): the sha256 of the last 16 MiB of
#             http://GW:lkvm.net_http/rand.bin (down=SUM), then 16 MiB of
#             random bytes sent to GW:lkvm.net_up (8081) and their sha256
#             (up=SUM), each with its speed, for the runner to compare,
#             and the frames eth0 received during the download
#             (down_frames=N: large segments count one each); fwd: prints
#             GUEST-NET-LISTENING, answers "lkvm-net-fwd-ok" to one
#             connection on TCP port lkvm.net_listen (8080) within 60 s;
#             mq (not by default): eth0 has lkvm.net_mq receive and
#             transmit queues (the driver's VQ_PAIRS_SET: one pair per
#             vCPU, up to what the card offers);
#             snap (not by default): prints GUEST-NET-SNAP-READY (the
#             runner snapshots and restores the VM), then fetches
#             http://GW:lkvm.net_http/restored.txt until it reads
#             "lkvm-net-restored" (the runner writes it once the VM is
#             restored), and eth0 must still have the address and route
#             it had, with no DHCP run again; with lkvm.net_hold=PORT, a
#             connection to GW:PORT opened before the snapshot must be
#             gone after it (a line sent on it ends it within 30 s)
#     seq     appends the lines 1 to lkvm.seq_n (default 600) to /lkvm-seq,
#             one at a time, each followed by sync (so the disk is busy
#             throughout); prints GUEST-SEQ-RUNNING after line 20 (the
#             runner snapshots and restores the VM meanwhile), then
#             GUEST-SEQ-WRITTEN, and reads the file back from the disk
#             (caches dropped): every line, in order, no gap, no repeat
#     ptd-set, ptd  the PCI test device's count across a snapshot
#             (tests/system/rootfs-ptd.sh)
#   lkvm.expect_msi=ITS|v2m|none  adds the check msi, after the others:
#             the virtio devices' lines in /proc/interrupts are the ITS's
#             MSIs and they counted (ITS), MSIs through the GICv2m frame
#             (v2m: every line an MSI, none the ITS's), or none is an MSI
#             and the INTx lines counted (none: pci=nomsi, or no MSI frame)
#   lkvm.shell=1    a shell on the console instead of powering off

# The applets' links go to a tmpfs: the root may be read-only, and the tests
# should not write to it more than they mean to.
PATH=/tmp/bin:/bin:/sbin:/usr/bin:/usr/sbin
export PATH

/bin/busybox mount -t proc proc /proc
/bin/busybox mount -t sysfs sysfs /sys
# The initramfs moved its devtmpfs here; mount one only if it did not.
[ -c /dev/null ] || /bin/busybox mount -t devtmpfs devtmpfs /dev 2>/dev/null
/bin/busybox mount -t tmpfs tmpfs /tmp
/bin/busybox mkdir -p /tmp/bin
/bin/busybox --install -s /tmp/bin

if [ ! -e /proc/self/fd/1 ]; then
	exec </dev/console >/dev/console 2>&1
fi

checks=
root_dev=/dev/vda
transport=
write_spec=/lkvm-written:lkvm-disk-write
ro_devs=/dev/vdb
disk2_dev=/dev/vdb
input_timeout=20
rng_max=500
expect_msi=
shell=0
net_parts="dhcp tcp dns fwd"
net_ip=192.168.33.15
net_gw=192.168.33.1
net_http=8080
net_name=lkvm-net.example
net_addr=10.11.12.13
net_listen=8080
net_up=8081
net_mq=1
net_hold=
seq_n=600
for w in $(cat /proc/cmdline); do
	case "$w" in
	lkvm.disk_checks=*)	checks=$(echo "${w#*=}" | tr ',' ' ') ;;
	lkvm.root_dev=*)	root_dev=${w#*=} ;;
	lkvm.expect_transport=*) transport=${w#*=} ;;
	lkvm.write=*)		write_spec=${w#*=} ;;
	lkvm.ro_dev=*)		ro_devs=$(echo "${w#*=}" | tr ',' ' ') ;;
	lkvm.disk2_dev=*)	disk2_dev=${w#*=} ;;
	lkvm.input_timeout=*)	input_timeout=${w#*=} ;;
	lkvm.rng_max=*)		rng_max=${w#*=} ;;
	lkvm.shell=*)		shell=${w#*=} ;;
	lkvm.expect_msi=*)	expect_msi=${w#*=} ;;
	lkvm.net_parts=*)	net_parts=$(echo "${w#*=}" | tr ',' ' ') ;;
	lkvm.net_ip=*)		net_ip=${w#*=} ;;
	lkvm.net_gw=*)		net_gw=${w#*=} ;;
	lkvm.net_http=*)	net_http=${w#*=} ;;
	lkvm.net_up=*)		net_up=${w#*=} ;;
	lkvm.net_name=*)	net_name=${w#*=} ;;
	lkvm.net_addr=*)	net_addr=${w#*=} ;;
	lkvm.net_listen=*)	net_listen=${w#*=} ;;
	lkvm.net_mq=*)		net_mq=${w#*=} ;;
	lkvm.net_hold=*)	net_hold=${w#*=} ;;
	lkvm.seq_n=*)		seq_n=${w#*=} ;;
	esac
done
write_path=${write_spec%%:*}
write_text=${write_spec#*:}

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

# Uptime in centiseconds (busybox date has no %N).
uptime_cs() { awk '{ split($1, t, "."); print t[1] * 100 + t[2] }' /proc/uptime; }

# The topmost mount on $1: "device fstype options".
mount_of() { awk -v m="$1" '$2 == m { l = $1 " " $3 " " $4 } END { print l }' /proc/mounts; }

# The virtio transport under a block device: its sysfs path names the bus;
# on PCI, the function's device ID tells legacy (a transitional ID,
# 0x1000-0x103f, which only virtio_pci_legacy takes) from modern.
transport_of() {	# transport_of vda
	p=$(readlink -f "/sys/block/$1" 2>/dev/null)
	case "$p" in
	*/pci*)
		id=$(cat "${p%/virtio*}/device" 2>/dev/null)
		case "$id" in
		0x10[0-3]?)	echo pci-legacy ;;
		*)		echo pci ;;
		esac ;;
	*virtio*)	echo mmio ;;
	*)		echo "unknown($p)" ;;
	esac
}

md5_of() { md5sum | cut -d' ' -f1; }

# net: virtio-net (lkvm.net_parts); ptd-set and ptd: the PCI test device.
. /rootfs-net.sh
. /rootfs-ptd.sh

# --- root: / is the disk, ext4, writable -------------------------------------
check_root() {
	set -- $(mount_of /)
	dev=$1 fstype=$2 opts=$3
	t=$(transport_of "${root_dev#/dev/}")
	detail="/ is $dev ($fstype, ${opts%%,*}), transport $t"
	probe=/lkvm-root-probe.$$
	arg=$(tr ' ' '\n' </proc/cmdline | sed -n 's/^root=//p' | tail -n 1)
	if [ "$dev" != "$root_dev" ]; then
		check root FAIL "$detail, expected $root_dev"
	elif [ "$arg" != "$root_dev" ]; then
		check root FAIL "$detail, but the command line says root='$arg', expected $root_dev"
	elif [ "$fstype" != ext4 ]; then
		check root FAIL "$detail, expected ext4"
	elif [ ! -r /etc/lkvm-rootfs ]; then
		check root FAIL "$detail, but no /etc/lkvm-rootfs: not the test root file system"
	elif [ -n "$transport" ] && [ "$t" != "$transport" ]; then
		check root FAIL "$detail, expected transport $transport"
	elif ! echo "root-probe $$" >"$probe" 2>/dev/null || ! sync; then
		check root FAIL "$detail, cannot write $probe"
	elif [ "$(cat "$probe")" != "root-probe $$" ]; then
		check root FAIL "$detail, $probe reads back '$(cat "$probe")'"
	else
		rm -f "$probe"
		check root PASS "$detail, a file written reads back"
	fi
}

# --- write: a file that the host finds in the image after the poweroff -------
check_write() {
	if ! printf '%s\n' "$write_text" >"$write_path" 2>/tmp/err || ! sync; then
		check write FAIL "cannot write $write_path: $(cat /tmp/err)"
	elif [ "$(cat "$write_path")" != "$write_text" ]; then
		check write FAIL "$write_path reads back '$(cat "$write_path")'"
	else
		check write PASS "wrote '$write_text' to $write_path and synced"
	fi
}

# --- fsync: the file is durable once fsync returns; then the VMM is killed ---
# dd's conv=fsync is fsync(2) on the file before it exits. On ext4 with its
# journal the commit that fsync waits for also holds the new directory entry.
check_fsync() {
	if printf '%s\n' "$write_text" | dd of="$write_path" conv=fsync 2>/tmp/err; then
		check fsync PASS "wrote '$write_text' to $write_path, fsync returned"
		return 0
	fi
	check fsync FAIL "dd conv=fsync to $write_path: $(grep -v records /tmp/err | head -n 1)"
	return 1
}

# --- ro: a read-only disk refuses writes -------------------------------------
# Writes its last 4 KiB (free space on the ext4 root, if it came to that),
# then reads them back past the page cache: they must be unchanged.
ro_one() {	# ro_one /dev/vdX -> sets ro_ok, ro_detail
	dev=$1 b=${1#/dev/}
	ro_ok=no
	if [ ! -b "$dev" ]; then
		ro_detail="$dev: no such block device"
		return
	fi
	sectors=$(cat "/sys/block/$b/size")
	flag=$(cat "/sys/block/$b/ro")
	blk=$((sectors / 8 - 1))
	before=$(dd if="$dev" bs=4096 skip="$blk" count=1 2>/dev/null | md5_of)
	awk 'BEGIN { for (i = 0; i < 128; i++) printf "lkvm-ro-write-%017d\n", i }' >/tmp/pattern
	if dd if=/tmp/pattern of="$dev" bs=4096 seek="$blk" count=1 conv=notrunc,fsync 2>/tmp/err; then
		wr="the write succeeded"
	else
		wr="write refused: $(grep -v records /tmp/err | head -n 1 | sed 's/^dd: //')"
	fi
	blockdev --flushbufs "$dev" 2>/dev/null
	echo 3 >/proc/sys/vm/drop_caches
	after=$(dd if="$dev" bs=4096 skip="$blk" count=1 2>/dev/null | md5_of)
	ro_detail="$dev (sysfs ro=$flag): $wr"
	case "$wr" in
	"the write succeeded") ;;
	*) [ "$before" = "$after" ] && ro_ok=yes ;;
	esac
	[ "$before" = "$after" ] || ro_detail="$ro_detail; its last 4 KiB changed on the disk"
	[ "$after" = "$(md5_of </tmp/pattern)" ] && ro_detail="$ro_detail (they now hold the pattern)"
}

check_ro() {
	ok=yes details=
	for dev in $ro_devs; do
		ro_one "$dev"
		[ "$ro_ok" = yes ] || ok=no
		details="${details:+$details; }$ro_detail"
		set -- $(mount_of /)
		if [ "$1" = "$dev" ]; then
			opts=",$3,"
			probe=/lkvm-ro-probe
			if (echo x >"$probe") 2>/dev/null; then
				ok=no details="$details; / ($3) took a new file"
				rm -f "$probe"
			else
				details="$details; / refuses a new file"
			fi
			case "$opts" in
			*,ro,*) details="$details, mounted ro" ;;
			*)	ok=no details="$details, mounted '${3%%,*}', expected ro" ;;
			esac
		fi
	done
	if [ "$ok" = yes ]; then
		check ro PASS "$details"
	else
		check ro FAIL "$details"
	fi
}

# --- disk2: the second disk holds what the host put there --------------------
check_disk2() {
	b=${disk2_dev#/dev/}
	want_size=$(sed -n 's/.*size=\([0-9]*\).*/\1/p' /etc/lkvm-disk2 2>/dev/null)
	want_md5=$(sed -n 's/.*md5=\([0-9a-f]*\).*/\1/p' /etc/lkvm-disk2 2>/dev/null)
	if [ ! -b "$disk2_dev" ]; then
		check disk2 FAIL "$disk2_dev: no such block device (have: $(ls /sys/block | tr '\n' ' '))"
		return
	fi
	size=$(($(cat "/sys/block/$b/size") * 512))
	md5=$(dd if="$disk2_dev" bs=65536 2>/dev/null | md5_of)
	detail="$disk2_dev: $size bytes, md5 $md5"
	if [ -z "$want_md5" ]; then
		check disk2 FAIL "$detail; /etc/lkvm-disk2 does not say what to expect"
	elif [ "$size" != "$want_size" ]; then
		check disk2 FAIL "$detail; expected $want_size bytes"
	elif [ "$md5" != "$want_md5" ]; then
		first=$(dd if="$disk2_dev" bs=512 count=1 2>/dev/null | head -c 27)
		check disk2 FAIL "$detail; expected md5 $want_md5 (sector 0 starts '$first')"
	else
		check disk2 PASS "$detail as expected"
	fi
}

# --- hvc-rx: a line typed on the virtio console comes back -------------------
check_hvc() {
	if [ ! -c /dev/hvc0 ]; then
		check hvc-rx FAIL "no /dev/hvc0 (have: $(ls /dev | grep -E '^(hvc|ttyS|ttyAMA)' | tr '\n' ' '))"
		return
	fi
	active=$(cat /sys/class/tty/console/active 2>/dev/null)
	stty -F /dev/hvc0 -echo 2>/dev/null
	exec 5<>/dev/hvc0
	echo "GUEST-READY-FOR-INPUT" >&5
	line=
	# read -t (a time limit) is a busybox ash extension.
	if read -r -t "$input_timeout" line <&5; then
		echo "GUEST-ECHO $line" >&5
		check hvc-rx PASS "read ${#line} characters from /dev/hvc0 (console: $active)"
	else
		[ -n "$line" ] && echo "GUEST-ECHO $line" >&5
		check hvc-rx FAIL "no complete line on /dev/hvc0 within $input_timeout s (console: $active)"
	fi
	exec 5>&-
}

# --- seq: numbered lines written and synced one by one, read back -----------
check_seq() {
	f=/lkvm-seq
	t0=$(uptime_cs)
	if ! : >"$f" || ! sync; then
		check seq FAIL "cannot create $f"
		return
	fi
	i=1
	while [ "$i" -le "$seq_n" ]; do
		echo "$i" >>"$f" && sync || break
		[ "$i" = 20 ] && echo "GUEST-SEQ-RUNNING"
		i=$((i + 1))
	done
	echo "GUEST-SEQ-WRITTEN $((i - 1))"
	echo 3 >/proc/sys/vm/drop_caches
	# The first line that is not its own number, or past the end.
	bad=$(awk -v n="$seq_n" '$0 != NR { print NR; b = 1; exit } END { if (!b && NR != n) print NR + 1 }' "$f")
	if [ "$i" -le "$seq_n" ]; then
		check seq FAIL "writing line $i of $f failed"
	elif [ -n "$bad" ]; then
		check seq FAIL "$f: line $bad is '$(sed -n "${bad}p" "$f")' ($(wc -l <"$f") lines, expected 1 to $seq_n)"
	else
		check seq PASS "$seq_n lines written and synced one by one in $(( ($(uptime_cs) - t0) / 100 )) s, all read back in order"
	fi
}

# --- rng: the virtio entropy device feeds /dev/hwrng -------------------------
check_rng() {
	cur=$(cat /sys/class/misc/hw_random/rng_current 2>/dev/null)
	if [ ! -c /dev/hwrng ]; then
		check rng FAIL "no /dev/hwrng"
		return
	fi
	case "$cur" in
	virtio*) ;;
	*)	check rng FAIL "rng_current is '$cur' (available: $(cat /sys/class/misc/hw_random/rng_available 2>/dev/null))"
		return ;;
	esac
	a=$(uptime_cs)
	dd if=/dev/hwrng of=/tmp/rng bs=4096 count=1 iflag=fullblock 2>/dev/null &
	ddpid=$!
	# A device that never answers must not hang the check.
	while kill -0 "$ddpid" 2>/dev/null && [ $(($(uptime_cs) - a)) -le "$rng_max" ]; do
		sleep 0.05
	done
	kill "$ddpid" 2>/dev/null
	wait "$ddpid" 2>/dev/null
	dt=$(($(uptime_cs) - a))
	n=$(wc -c </tmp/rng)
	distinct=$(od -An -v -tx1 /tmp/rng | tr ' ' '\n' | grep . | sort -u | wc -l)
	detail="$cur: $n bytes in ${dt}0 ms, $distinct distinct byte values"
	if [ "$n" != 4096 ]; then
		check rng FAIL "$detail; expected 4096 within ${rng_max}0 ms"
	elif [ "$distinct" -lt 128 ]; then
		check rng FAIL "$detail; not random (4096 random bytes show about 256)"
	else
		check rng PASS "$detail"
	fi
}

# The virtio devices' interrupts as the guest sees them: MSIs through the
# ITS ("ITS-MSI", or "ITS-PCI-MSIX-..." on newer kernels), or INTx lines.
check_msi() {
	counts=$(awk '/virtio/ {
			n = 0
			for (i = 2; i <= NF && $i ~ /^[0-9]+$/; i++) n += $i
			if ($0 ~ /ITS/) { its++; itsn += n } else { other++; othern += n }
			if ($0 ~ /MSI/) { msi++; msin += n }
		} END { printf "%d %d %d %d %d %d", its, itsn, other, othern, msi, msin }' /proc/interrupts)
	set -- $counts
	detail="virtio lines: $1 ITS ($2 interrupts), $3 other ($4 interrupts)"
	case "$expect_msi" in
	ITS)
		if [ "$1" -ge 2 ] && [ "$2" -gt 0 ] && [ "$3" -eq 0 ]; then
			check msi PASS "$detail"
		else
			check msi FAIL "$detail; expected ITS MSIs only, counting"
		fi ;;
	v2m)
		if [ "$5" -ge 2 ] && [ "$6" -gt 0 ] && [ "$1" -eq 0 ] && [ "$5" -eq "$3" ]; then
			check msi PASS "$detail, $5 MSIs"
		else
			check msi FAIL "$detail, $5 MSIs ($6 interrupts); expected GICv2m MSIs only, counting"
		fi ;;
	none)
		if [ "$5" -eq 0 ] && [ "$3" -gt 0 ] && [ "$4" -gt 0 ]; then
			check msi PASS "$detail"
		else
			check msi FAIL "$detail; expected INTx lines only, counting"
		fi ;;
	*)
		check msi FAIL "lkvm.expect_msi=$expect_msi: ITS, v2m or none" ;;
	esac
}

# fsync never returns to a poweroff: it goes last whatever the order given.
plan=
fsync=no
for c in $checks; do
	case "$c" in
	fsync)	fsync=yes ;;
	*)	plan="$plan $c" ;;
	esac
done
[ -n "$expect_msi" ] && plan="$plan msi"
[ "$fsync" = yes ] && plan="$plan fsync"
plan=${plan# }
echo "GUEST-PLAN $plan"

for c in $plan; do
	case "$c" in
	root)	check_root ;;
	write)	check_write ;;
	ro)	check_ro ;;
	disk2)	check_disk2 ;;
	hvc-rx)	check_hvc ;;
	rng)	check_rng ;;
	msi)	check_msi ;;
	net)	check_net ;;
	seq)	check_seq ;;
	ptd-set) check_ptd_set ;;
	ptd)	check_ptd ;;
	fsync)	;;
	*)	check "$c" FAIL "unknown check (lkvm.disk_checks)" ;;
	esac
done

if [ "$fsync" = yes ]; then
	synced=no
	check_fsync && synced=yes
	echo "GUEST-DONE passed=$passed failed=$failed"
	if [ "$synced" = yes ]; then
		echo "GUEST-SYNCED $write_path"
		# Nothing else touches the disk until the VMM is killed.
		while :; do sleep 60; done
	fi
else
	echo "GUEST-DONE passed=$passed failed=$failed"
fi

if [ "$shell" = 1 ]; then
	setsid cttyhack sh
fi
poweroff -f
# poweroff should not return; keep init alive so the kernel does not panic.
while :; do sleep 60; done
