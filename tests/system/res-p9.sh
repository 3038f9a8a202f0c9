#!/bin/sh
# A hostile 9p guest leaves lkvm running, its memory, threads and fds
# flat, the share's test file intact and everything outside the share
# untouched. The guest (guest-tests/tests/p9-hostile.c) sends the
# virtio-9p device bursts of malformed 9P2000.L messages in malformed
# descriptor chains (sizes that lie, strings past the end, unknown
# types, fids reused and clunked twice, walks of 1,000 names and of
# "..", huge reads and writes, files h0..h7 created and written, junk),
# and after each burst reads the test file through a well-behaved
# session. From the first burst to the end, every 0.2 s, lkvm must be
# running and its RSS must not grow by more than 1 MiB nor its threads
# or open fds in number; "lkvm list" must answer; lkvm's exit status
# must be the guest's verdict (0 with TEST-RESULT PASS); the test file
# must hold its text, the tree next to the share be as it was and no
# h0..h7 appear outside the share.
# Usage: res-p9.sh IRQCHIP TRANSPORT [ROUNDS]
. "$(dirname "$0")/st-common.sh"

irqchip=${1:?usage: res-p9.sh IRQCHIP TRANSPORT [ROUNDS]}
transport=${2:?usage: res-p9.sh IRQCHIP TRANSPORT [ROUNDS]}
rounds=${3:-100}
# The guest idles this long, no fid open, before its first burst (the
# figures to hold to) and after its last: long enough for three samples
# after it on a loaded machine, where one sample (with "lkvm list")
# took up to 0.7 s.
LINGER=3000
TEXT='lkvm p9-hostile: this text must come back unchanged'
name=res-p9
top=$WORK/p9
share=$top/share

why() {
	echo "console: $(tail -n 3 "$WORK/vm.out" | tr -d '\r' | tr '\n' '|')" \
	     "stderr: $(tail -n 3 "$WORK/vm.err" | tr '\n' '|')" \
	     "dmesg: $(dmesg 2>/dev/null | grep -E 'segfault|lkvm' | tail -n 2 | tr '\n' '|')"
}
# outside: what lies next to the share, and any h0..h7 above it.
outside() {
	find "$top" -path "$share" -prune -o -print | sort | while read -r f; do
		[ -f "$f" ] && md5sum "$f" || echo "$f"
	done
	ls -d /h[0-7] /tmp/h[0-7] "$WORK"/h[0-7] "$top"/h[0-7] 2>/dev/null
}
# sample <when>: lkvm's RSS (kB), threads and fds into $r, $t, $f.
sample_try() {
	r=$("$H" rss "$pid" 2>/dev/null | cut -d' ' -f1)
	t=$(ls "/proc/$pid/task" 2>/dev/null | wc -l)
	f=$(ls "/proc/$pid/fd" 2>/dev/null | wc -l)
	[ -n "$r" ] && [ "$t" -gt 0 ] && [ "$f" -gt 0 ]
}
sample() {
	sample_try || fail "cannot read lkvm's RSS, threads or fds $1; $(why)"
}

mkdir -p "$share/sub" || fail "cannot make $share"
echo "$TEXT" >"$share/hostile.txt"
echo "next to the share: must stay" >"$top/outside.txt"
sum0=$(md5sum <"$share/hostile.txt")
outside >"$WORK/outside.0"

"$VMM" run -k "$GUEST_TESTS/p9-hostile.bin" -c 1 -m 64 --test-device \
	--irqchip="$irqchip" --name "$name" --9p "$share,hostile" \
	--virtio-transport="$transport" -n mode=none \
	-p "p9-hostile.rounds=$rounds p9-hostile.linger-ms=$LINGER" \
	</dev/null >"$WORK/vm.out" 2>"$WORK/vm.err" &
pid=$!
wait_for 30 grep -q HOSTILE-BEGIN "$WORK/vm.out" ||
	fail "no HOSTILE-BEGIN; $(why)"
sleep 0.5
sample "at the start"
r0=$r t0=$t f0=$f
ok "guest abusing virtio-9p on $irqchip over $transport: $(grep HOSTILE-BEGIN "$WORK/vm.out" | tr -d '\r'); RSS $r0 kB, $t0 threads, $f0 fds"

rmax=$r0 tmax=$t0 fmax=$f0 samples=0 lingered=0 fend=
# The guest's hostile fids (0..11) may hold files open during a burst;
# each session's Tversion lets them all go.
FIDS=12
# Until the guest has lingered a while after its last burst.
while ! grep -q TEST-RESULT "$WORK/vm.out"; do
	[ "$samples" -lt 600 ] || fail "no TEST-RESULT after $samples samples; $(why)"
	alive "$pid" || break
	if grep -q HOSTILE-END "$WORK/vm.out"; then
		# Past HOSTILE-END (the sessions done, the guest idle): as at
		# the start. A sample lkvm's exit may have cut short (it could
		# not be read, or TEST-RESULT came meanwhile) ends the wait.
		sample_try || break
		grep -q TEST-RESULT "$WORK/vm.out" && break
		lingered=$((lingered + 1))
		[ "$f" = "$f0" ] || fend="$fend $f"
	else
		sample "during the abuse"
	fi
	[ "$r" -gt "$rmax" ] && rmax=$r
	[ "$t" -gt "$tmax" ] && tmax=$t
	[ "$f" -gt "$fmax" ] && fmax=$f
	samples=$((samples + 1))
	[ $((samples % 5)) = 0 ] && alive "$pid" && answers "$name" "during the abuse"
	sleep 0.2
done
wait "$pid"
rc=$?
pid=
tr -d '\r' <"$WORK/vm.out" >"$WORK/console"
[ "$rc" -lt 128 ] || fail "lkvm died of signal $((rc - 128)); $(why)"
grep -q '^HOSTILE-END' "$WORK/console" || fail "no HOSTILE-END; $(why)"
ok "$samples samples; $(grep '^HOSTILE-END' "$WORK/console")"
[ $((rmax - r0)) -le 1024 ] || fail "RSS grew from $r0 to $rmax kB during the abuse"
[ "$tmax" = "$t0" ] || fail "threads went from $t0 to $tmax during the abuse"
[ "$fmax" -le $((f0 + FIDS)) ] || fail "open fds went from $f0 to $fmax during the abuse: more than the guest's $FIDS fids"
[ "$lingered" -ge 3 ] || fail "only $lingered samples after HOSTILE-END"
[ -z "$fend" ] || fail "open fds $f0 at the start, after the last session:$fend"
ok "RSS $r0 kB at the start, at most $rmax kB; threads $t0 throughout; fds $f0, at most $fmax, $f0 in $lingered samples after the abuse"
grep '^CHECK .* FAIL' "$WORK/console" && fail "$(grep '^CHECK .* FAIL' "$WORK/console" | head -n 3)"
grep -q '^TEST-RESULT PASS' "$WORK/console" || fail "no TEST-RESULT PASS; $(why)"
[ "$rc" = 0 ] || fail "the guest passed but lkvm's exit status is $rc; $(why)"
ok "guest done, exit 0: $(grep '^CHECK p9-hostile.sessions' "$WORK/console" | cut -d' ' -f4-); $(grep '^CHECK p9-hostile.ops' "$WORK/console" | cut -d' ' -f4-)"
[ "$(md5sum <"$share/hostile.txt")" = "$sum0" ] ||
	fail "the share's test file changed: $(head -c 80 "$share/hostile.txt")"
outside >"$WORK/outside.1"
cmp -s "$WORK/outside.0" "$WORK/outside.1" ||
	fail "outside the share: $(diff "$WORK/outside.0" "$WORK/outside.1" | head -n 4 | tr '\n' '|')"
ok "test file intact, nothing outside the share changed; in it now: $(ls "$share" | tr '\n' ' ')"
lines=$(wc -l <"$WORK/vm.err")
[ "$lines" -le 5 ] || fail "lkvm wrote $lines lines to stderr: $(sort "$WORK/vm.err" | uniq -c | sort -rn | head -n 3)"
ok "lkvm wrote $lines line(s) to stderr"
