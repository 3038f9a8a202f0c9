#!/bin/sh
# A hostile PCI guest leaves lkvm running, answering and its memory
# flat. The guest (guest-tests/tests/pci-hostile.c) abuses the PCI host
# bridge, a virtio-blk (on a scratch image) and a virtio-rng over
# virtio-pci, their MSI-X tables and the GIC's MSI frame for 8 s:
# config accesses of every width to existing and missing functions,
# BARs over RAM, the GIC, ECAM and each other, MSI-X messages anywhere,
# the virtio registers while MSI-X is on, random ITS commands or random
# v2m frame accesses; every 200 operations it checks its RAM, the
# timer, an SGI and the functions' IDs, and at the end the virtio-rng,
# set back as lkvm placed it, must give random bytes with an MSI-X
# message. Meanwhile, once a second, "lkvm list" must answer within
# 1 s and lkvm must be running; lkvm's RSS, sampled from the start of
# the abuse to its end, must not grow by more than 1 MiB (the guest
# touched all its RAM first); lkvm must exit 0 (no signal) with the
# guest's checks passed, having written next to nothing to stderr, and
# the image must keep its size.
# Usage: res-pci.sh IRQCHIP [VCPUS] (gicv3-its, user, gicv2m; 1 vCPU by
# default; with more the others abuse the same at the same time, the
# ITS's command queue aside).
. "$(dirname "$0")/st-common.sh"

irqchip=${1:?usage: res-pci.sh IRQCHIP [VCPUS]}
cpus=${2:-1}
MS=8000
# After HOSTILE-END the guest idles this long: time for the last looks.
LINGER=3000
name=res-pci
disk=$WORK/disk.img

# why: the console's and stderr's last lines, and the kernel's word on a
# crashed process, for a failure's message.
why() {
	echo "console: $(tail -n 3 "$WORK/vm.out" | tr -d '\r' | tr '\n' '|')" \
	     "stderr: $(tail -n 3 "$WORK/vm.err" | tr '\n' '|')" \
	     "dmesg: $(dmesg 2>/dev/null | grep -E 'segfault|lkvm' | tail -n 2 | tr '\n' '|')"
}
# rss <when>: lkvm's RSS in kB into $r, or a failure that says why there is none.
rss() {
	r=$("$H" rss "$pid" | cut -d' ' -f1)
	[ -n "$r" ] || fail "cannot read lkvm's RSS $1; $(why)"
}

truncate -s 8M "$disk" || fail "cannot make $disk"
size0=$(stat -c %s "$disk")
"$VMM" run -k "$GUEST_TESTS/pci-hostile.bin" -c "$cpus" -m 64 --test-device \
	--irqchip="$irqchip" --name "$name" -d "$disk" --rng --virtio-transport=pci -n mode=none \
	-p "pci-hostile.ms=$MS pci-hostile.functions=2 pci-hostile.linger-ms=$LINGER" \
	</dev/null >"$WORK/vm.out" 2>"$WORK/vm.err" &
pid=$!
wait_for 30 grep -q HOSTILE-BEGIN "$WORK/vm.out" ||
	fail "no HOSTILE-BEGIN: $(tail -n 2 "$WORK/vm.err") $(tail -n 2 "$WORK/vm.out")"
rss "at the start"
r0=$r
ok "guest abusing PCI on $irqchip, $cpus vCPU(s): $(grep HOSTILE-BEGIN "$WORK/vm.out" | tr -d '\r'), RSS $r0 kB"

worst=0
rmax=$r0
rounds=0
while ! grep -q HOSTILE-END "$WORK/vm.out"; do
	[ "$rounds" -lt $((MS / 1000 + 30)) ] || fail "no HOSTILE-END after $rounds s; $(why)"
	sleep 1
	grep -q HOSTILE-END "$WORK/vm.out" && break
	alive "$pid" || fail "lkvm ended during the abuse; $(why)"
	answers "$name" "during the abuse"
	[ "$ms" -gt "$worst" ] && worst=$ms
	rss "during the abuse"
	[ "$r" -gt "$rmax" ] && rmax=$r
	rounds=$((rounds + 1))
done
[ "$rounds" -ge 3 ] || fail "the abuse lasted only $rounds s of $((MS / 1000))"
alive "$pid" || fail "lkvm ended before the guest's last checks: $(tail -n 2 "$WORK/vm.err")"
answers "$name" "after the abuse"
rss "after the abuse"
[ "$r" -gt "$rmax" ] && rmax=$r
ok "lkvm list answered $rounds times during the abuse and once after, slowest $worst ms"
[ $((rmax - r0)) -le 1024 ] || fail "RSS grew from $r0 to $rmax kB during the abuse"
ok "RSS $r0 kB at the start, at most $rmax kB, $r kB at the end"

t=$((MS / 1000 + 30))
wait_for "$t" grep -q TEST-RESULT "$WORK/vm.out" || fail "the guest did not finish within $t s; $(why)"
wait "$pid"
rc=$?
pid=
tr -d '\r' <"$WORK/vm.out" >"$WORK/console"
[ "$rc" -lt 128 ] || fail "lkvm died of signal $((rc - 128)); $(tail -n 2 "$WORK/vm.err")"
grep -q '^CHECK .* FAIL' "$WORK/console" && fail "$(grep '^CHECK .* FAIL' "$WORK/console" | head -n 3)"
grep -q '^TEST-RESULT PASS' "$WORK/console" || fail "no TEST-RESULT PASS; $(tail -n 3 "$WORK/console")"
[ "$rc" = 0 ] || fail "exit status $rc; $(tail -n 2 "$WORK/vm.err")"
ok "guest done, exit 0: $(grep '^HOSTILE-END' "$WORK/console"), $(grep '^CHECK pci-hostile.ops' "$WORK/console" | cut -d' ' -f4-); $(grep '^CHECK pci-hostile.rng' "$WORK/console" | cut -d' ' -f4-)"
# What the guest did is never more than debug: a warning a BAR write
# or a table entry could repeat would flood the host's logs.
lines=$(wc -l <"$WORK/vm.err")
[ "$lines" -le 5 ] || fail "lkvm wrote $lines lines to stderr: $(sort "$WORK/vm.err" | uniq -c | sort -rn | head -n 3)"
ok "lkvm wrote $lines line(s) to stderr"
size1=$(stat -c %s "$disk")
[ "$size1" = "$size0" ] || fail "the image was $size0 bytes, now $size1"
ok "disk image still $size1 bytes"
