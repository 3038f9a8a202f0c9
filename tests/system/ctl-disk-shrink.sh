#!/bin/sh
# A disk image cut short under a running VM (docs/virtio.md, "I/O
# engine", "When a mapped page fails"): the second disk, served through
# its mapping, is truncated to 64 KiB on the host once lkvm has opened
# it; the guest's read of the whole disk ("disk2" check) then fails with
# an I/O error, lkvm says so once and does not die, and the guest powers
# off as usual (exit 0).
# Usage: ctl-disk-shrink.sh [@ROOTFS@ @DISK2@ @DISKINITRD@]
# (the placeholders only make the harness pack the images)
. "$(dirname "$0")/st-common.sh"
rootfs_gz=${ROOTFS:-/lkvm-test/disk/rootfs.img.gz}
disk2_gz=${DISK2:-/lkvm-test/disk/disk2.img.gz}
initrd=${DISK_INITRD:-/lkvm-test/disk/disk-initramfs.cpio.gz}
rootfs=$WORK/rootfs.img
disk2=$WORK/disk2.img
[ -r "$rootfs_gz" ] && [ -r "$disk2_gz" ] && [ -r "$initrd" ] ||
	fail "no $rootfs_gz, $disk2_gz or $initrd (the scenario list names @ROOTFS@ and @DISK2@ for them)"
gunzip -c "$rootfs_gz" >"$rootfs" && gunzip -c "$disk2_gz" >"$disk2" || fail "cannot unpack the images"

"$VMM" run -k "$KERNEL" -i "$initrd" -d "$rootfs" -d "$disk2" -c 1 -m 256 \
	--irqchip=gicv3 --virtio-transport=mmio --debug \
	-p "console=ttyS0 panic=-1 lkvm.disk_checks=disk2" \
	</dev/null >"$WORK/a.out" 2>"$WORK/a.err" &
pid=$!
wait_for 60 grep -q "virtio-blk 1: I/O engine mmap" "$WORK/a.err" ||
	fail "the second disk is not on the mmap engine: $(grep 'I/O engine' "$WORK/a.err")"
# dd with seek and no input truncates the file there.
dd if=/dev/null of="$disk2" bs=65536 seek=1 2>/dev/null || fail "cannot truncate $disk2"
ok "the second disk mapped, cut to $(wc -c <"$disk2") bytes under the VM"
wait_gone 240 "$pid" || fail "the guest did not power off: $(tail -n 5 "$WORK/a.out" "$WORK/a.err")"
wait "$pid"
rc=$?
pid=
[ "$rc" = 0 ] || fail "lkvm exited $rc: $(tail -n 5 "$WORK/a.err")"
grep -q "GUEST-CHECK disk2 FAIL" "$WORK/a.out" ||
	fail "the guest read the cut disk whole: $(grep GUEST- "$WORK/a.out")"
grep -q "GUEST-DONE passed=0 failed=1" "$WORK/a.out" ||
	fail "the guest did not finish its checks: $(tail -n 5 "$WORK/a.out")"
msg=$(grep "virtio-blk 1: read at byte [0-9]* of '$disk2' failed: Input/output error; the guest sees an I/O error" "$WORK/a.err") ||
	fail "lkvm did not report the failed read: $(tail -n 5 "$WORK/a.err")"
ok "the guest's read failed with an I/O error, lkvm went on and exited 0: ${msg#*: }"
