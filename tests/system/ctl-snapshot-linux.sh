# Sourced by ctl-snapshot.sh linux: the Linux guest snapshotted at its
# prompt-like point (GUEST-READY-FOR-INPUT: tests/system/guest-init.sh),
# restored, then fed its line. Exits.
LSNAP=$WORK/linux.snap
CMD="console=ttyS0 quiet panic=-1 lkvm.expect_cpus=2 lkvm.expect_gic=GICv3 lkvm.input_timeout=60"
ready() { grep -q GUEST-READY-FOR-INPUT "$1"; }
echoed() { grep -q "GUEST-ECHO typed-after-restore" "$1"; }
done_ok() { grep -q "GUEST-DONE passed=[0-9]* failed=0" "$1"; }

mkfifo "$WORK/in-a" "$WORK/in-b" "$WORK/in-c" || fail "mkfifo"
clock() { sed -n "s/^$1 \([0-9]*\).*/\1/p" "$2" | tr -d '\r' | head -n 1; }
t0=$(now_cs)
# MTE on (the default where the host has it): tags saved, RAM read at the restore.
"$VMM" run -k "$KERNEL" -i "$GUEST_INITRD" -c 2 -m 256 --irqchip=gicv3-its -n mode=none --name lin-a \
	-p "$CMD" <"$WORK/in-a" >"$WORK/la.out" 2>"$WORK/la.err" &
pid=$!
exec 7>"$WORK/in-a"
wait_for 200 ready "$WORK/la.out" || fail "the guest never got to its prompt: $(tail -n 5 "$WORK/la.out" "$WORK/la.err")"
t_ready=$(now_cs)
boot=$((t_ready - t0))
snapshot_stop lin-a "$LSNAP" "$pid" "$WORK/la.err"
t_snap=$(now_cs)
pid=
exec 7>&-
! echoed "$WORK/la.out" || fail "the line came before the snapshot"
ok "Linux guest at its prompt after $(secs "$boot") s, snapshotted and stopped: $(cat "$WORK/lin-a.msg"), $(du -k "$LSNAP" | cut -f1) KiB on disk"

# The file as a file for a while: the guest's time must not count it.
sleep 5
# Restored twice at once, under two names; each answers its own line.
t1=$(now_cs)
"$VMM" run --restore "$LSNAP" --name lin-b -v <"$WORK/in-b" >"$WORK/lb.out" 2>"$WORK/lb.err" &
pid_b=$!
"$VMM" run --restore "$LSNAP" --name lin-c -v <"$WORK/in-c" >"$WORK/lc.out" 2>"$WORK/lc.err" &
pid_c=$!
pid=$pid_b
exec 7>"$WORK/in-b" 8>"$WORK/in-c"
wait_for 60 grep -q "restored from" "$WORK/lb.err" || fail "no restore: $(cat "$WORK/lb.err")"
setup=$(($(now_cs) - t1))
pid=$pid_c
wait_for 60 grep -q "restored from" "$WORK/lc.err" || fail "no second restore: $(cat "$WORK/lc.err")"
sleep 1
echo "typed-after-restore" >&7
echo "typed-after-restore" >&8
pid=$pid_b
wait_for 60 echoed "$WORK/lb.out" || fail "the restored guest did not answer: $(tail -n 5 "$WORK/lb.out" "$WORK/lb.err")"
t_answer=$(now_cs)
first=$((t_answer - t1))
pid=$pid_c
wait_for 60 echoed "$WORK/lc.out" || fail "the second restored guest did not answer: $(tail -n 5 "$WORK/lc.out" "$WORK/lc.err")"
for v in b c; do
	eval "p=\$pid_$v"
	pid=$p
	wait_gone 120 "$p" || fail "lin-$v did not power off: $(tail -n 5 "$WORK/l$v.out")"
	wait "$p"
	rc=$?
	done_ok "$WORK/l$v.out" && [ "$rc" = 0 ] ||
		fail "restored guest lin-$v: exit $rc, $(grep -E 'GUEST-CHECK.*FAIL|GUEST-DONE' "$WORK/l$v.out") $(tail -n 3 "$WORK/l$v.err")"
done
pid=
exec 7>&- 8>&-
ok "restored twice at once (lin-b, lin-c) in $(secs "$setup") s (set-up), each answered the line typed after it ($(secs "$first") s after the start, 1 s of it waiting to type) and powered off with every check passed; cold boot to the prompt took $(secs "$boot") s"

# Its clock: from the line before the wait (lin-a) to the one after it
# (lin-b), the guest's date moved on by the time it ran, which is the
# real time less the 5 s and more the file spent between the two runs
# (docs/snapshot.md, "Time as the guest sees it"); 2 s for date's whole
# seconds and the polling.
before=$(clock GUEST-CLOCK "$WORK/la.out")
after=$(clock GUEST-CLOCK-AFTER "$WORK/lb.out")
[ -n "$before" ] && [ -n "$after" ] || fail "no GUEST-CLOCK lines: '$before' '$after'"
real=$(( (t_answer - t_ready) / 100 ))
paused=$(( (t1 - t_snap) / 100 ))
moved=$((after - before))
[ "$moved" -ge 0 ] && [ "$moved" -le $((real - paused + 2)) ] ||
	fail "the guest's date moved on $moved s across the snapshot; real time $real s, of it $paused s as a file: want 0..$((real - paused + 2))"
ok "the guest's date moved on $moved s across the snapshot: real time $real s, of which $paused s as a file did not count"
exit 0
