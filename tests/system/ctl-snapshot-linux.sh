# Sourced by ctl-snapshot.sh linux: the Linux guest snapshotted at its
# prompt-like point (GUEST-READY-FOR-INPUT: tests/system/guest-init.sh),
# restored, then fed its line. Exits.
LSNAP=$WORK/linux.snap
CMD="console=ttyS0 quiet panic=-1 lkvm.expect_cpus=2 lkvm.expect_gic=GICv3 lkvm.input_timeout=60"
ready() { grep -q GUEST-READY-FOR-INPUT "$1"; }
echoed() { grep -q "GUEST-ECHO typed-after-restore" "$1"; }
done_ok() { grep -q "GUEST-DONE passed=[0-9]* failed=0" "$1"; }

mkfifo "$WORK/in-a" "$WORK/in-b" || fail "mkfifo"
t0=$(now_cs)
# MTE on (the default where the host has it): tags saved, RAM read at the restore.
"$VMM" run -k "$KERNEL" -i "$GUEST_INITRD" -c 2 -m 256 --irqchip=gicv3-its -n mode=none --name lin-a \
	-p "$CMD" <"$WORK/in-a" >"$WORK/la.out" 2>"$WORK/la.err" &
pid=$!
exec 7>"$WORK/in-a"
wait_for 200 ready "$WORK/la.out" || fail "the guest never got to its prompt: $(tail -n 5 "$WORK/la.out" "$WORK/la.err")"
boot=$(($(now_cs) - t0))
snapshot_stop lin-a "$LSNAP" "$pid" "$WORK/la.err"
pid=
exec 7>&-
! echoed "$WORK/la.out" || fail "the line came before the snapshot"
ok "Linux guest at its prompt after $(secs "$boot") s, snapshotted and stopped: $(cat "$WORK/lin-a.msg"), $(du -k "$LSNAP" | cut -f1) KiB on disk"

t0=$(now_cs)
"$VMM" run --restore "$LSNAP" --name lin-b -v <"$WORK/in-b" >"$WORK/lb.out" 2>"$WORK/lb.err" &
pid=$!
exec 7>"$WORK/in-b"
wait_for 60 grep -q "restored from" "$WORK/lb.err" || fail "no restore: $(cat "$WORK/lb.err")"
setup=$(($(now_cs) - t0))
sleep 1
echo "typed-after-restore" >&7
wait_for 60 echoed "$WORK/lb.out" || fail "the restored guest did not answer: $(tail -n 5 "$WORK/lb.out" "$WORK/lb.err")"
first=$(($(now_cs) - t0))
wait_gone 120 "$pid" || fail "the restored guest did not power off: $(tail -n 5 "$WORK/lb.out")"
wait "$pid"
rc=$?
pid=
exec 7>&-
done_ok "$WORK/lb.out" && [ "$rc" = 0 ] ||
	fail "restored guest: exit $rc, $(grep -E 'GUEST-CHECK.*FAIL|GUEST-DONE' "$WORK/lb.out") $(tail -n 3 "$WORK/lb.err")"
ok "restored in $(secs "$setup") s (set-up), answered the line typed after it ($(secs "$first") s after the start, 1 s of it waiting to type) and powered off with every check passed; cold boot to the prompt took $(secs "$boot") s"
exit 0
