#!/bin/sh
# --9p DIR,TAG as a guest's root (the disk initramfs mounts the tag and
# switch_roots into it), a second share read-only, a third for a shared
# writable mapping (cache=mmap): the guest
# (ctl-9p-guest.sh) creates, writes, reads, renames, links, unlinks,
# maps and lists files, and tries every way out of the share; then the
# host checks that the share holds what the guest made and that
# nothing outside it, nor the read-only share, changed.
# ctl-9p.sh <irqchip> <transport> [find|some [VM seconds]]: e.g. gicv3 mmio.
. "$(dirname "$0")/st-common.sh"
IC=${1:-gicv3}
TR=${2:-mmio}
MANY=find
[ "$IC" = user ] && MANY=some
MANY=${3:-$MANY}	# find (2100 files) or some (210)
DINITRD=/lkvm-test/disk/disk-initramfs.cpio.gz
R=$WORK/root
O=$WORK/outside
RO=$WORK/ro

[ -r "$DINITRD" ] || fail "no disk initramfs at $DINITRD (the scenario must name @DISKINITRD@)"
rm -rf "$R" "$O" "$RO"
mkdir -p "$R/bin" "$R/many" "$R/some" "$O" "$RO"
cp /bin/busybox "$R/bin/busybox" || fail "cannot copy the host's busybox"
cp "$here/ctl-9p-guest.sh" "$R/init" && chmod 755 "$R/init"
cp "$here/st-helper" "$R/bin/st-helper" || fail "no st-helper (mmap-write)"
mkdir -p "$WORK/mm" && echo 0123456789 >"$WORK/mm/mapped"
echo secret >"$O/secret"
echo victim >"$R/victim"
echo keep >"$RO/ro-file"
ln -s / "$R/to-host-root"
ln -s "$O" "$R/to-outside"
i=0
while [ $i -lt 2100 ]; do : >"$R/many/f$i"; i=$((i + 1)); done
i=0
while [ $i -lt 210 ]; do : >"$R/some/f$i"; i=$((i + 1)); done
# Names, modes, sizes, times and contents; not '..', which is $WORK.
snapshot() { { ls -lAR --full-time "$O" "$RO" 2>/dev/null || ls -lAR "$O" "$RO"; find "$O" "$RO" -type f -exec md5sum {} +; } | md5sum; }
outside_before=$(snapshot)
ok "share prepared: busybox, /init, 2100 files"

t0=$(now_cs)
timeout -s KILL "${4:-250}" "$VMM" run -c 1 -m 256 --irqchip="$IC" --virtio-transport="$TR" \
	-k "$KERNEL" -i "$DINITRD" --9p "$R,rootfs" --9p "$RO,rotag,ro" --9p "$WORK/mm,mmtag" \
	-p "console=ttyS0 root=rootfs rootfstype=9p rw quiet panic=-1 p9.many=$MANY" \
	</dev/null >"$WORK/console" 2>"$WORK/stderr"
rc=$?
cs=$(($(now_cs) - t0))
grep -q '^P9-DONE' "$WORK/console" ||
	fail "the guest did not finish (exit $rc): $(tail -n 5 "$WORK/console" "$WORK/stderr" | tr '\n' ' ')"
[ "$rc" = 0 ] || fail "lkvm exit $rc: $(tail -n 3 "$WORK/stderr")"
grep '^P9-FAIL' "$WORK/console" && fail "guest checks failed: $(grep '^P9-FAIL' "$WORK/console" | tr '\n' ' ')"
ok "guest: $(grep -c '^P9-OK' "$WORK/console") checks passed, $IC, $TR, $(secs $cs) s"

# The host's side of it.
[ "$(snapshot)" = "$outside_before" ] || fail "outside the share or the ro share changed: $(ls -lAR "$O" "$RO")"
ok "nothing outside the share, nor in the ro share, changed"
[ ! -e "$R/null" ] && [ ! -e "$R/stolen" ] || fail "a device node or an outside link was made"
[ -z "$(find "$R" -type b -o -type c)" ] || fail "device nodes in the share: $(find "$R" -type b -o -type c)"
ok "no device node, no link to an outside file"
[ "$(cat "$R/victim")" = victim ] || fail "victim changed"
[ "$(stat -c %s "$R/big")" = 5369757696 ] || fail "big is $(stat -c %s "$R/big") bytes"
[ "$(du -k "$R/big" | cut -f1)" -lt 4096 ] || fail "big is not sparse: $(du -k "$R/big")"
ok "the guest's sparse file: 5 GiB + 1 MiB, $(du -k "$R/big" | cut -f1) KiB used"
[ "$(cat "$WORK/mm/mapped")" = GUESTMAP89 ] || fail "the mapped file holds $(cat "$WORK/mm/mapped")"
ok "the guest's shared mapping reached the host's file"
[ "$(readlink "$R/esc")" = / ] || fail "the guest's symlink is $(readlink "$R/esc")"
[ "$(stat -c %u "$R/m")" = "$(id -u)" ] || fail "a guest file belongs to $(stat -c %u "$R/m")"
ok "guest files belong to lkvm's user; the guest's symlinks are only text"
exit 0
