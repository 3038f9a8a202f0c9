# Sourced by run-vm-scenarios.sh: a scenario's verdict. result prints
# the SCENARIO line (and counts it in passed and failed); the check_*
# functions read what run_one left in $d and decide. POSIX sh.

show_log() {	# show_log <label> <file>
	[ -s "$2" ] || return 0
	if [ "$VERBOSE" = 1 ]; then
		echo "  | --- $1 ---"
		tr -d '\r' <"$2" | sed 's/^/  | /'
	else
		echo "  | --- $1 (last 15 lines) ---"
		tail -n 15 "$2" | tr -d '\r' | sed 's/^/  | /'
	fi
}

result() {	# result PASS|FAIL reason
	echo "SCENARIO $name $1 $2"
	if [ "$1" = PASS ]; then
		passed=$((passed + 1))
		[ "$VERBOSE" = 1 ] || return 0
	else
		failed=$((failed + 1))
	fi
	[ -f "$d/cmd" ] && sed 's/^/  | cmd: /' "$d/cmd"
	show_log stderr "$d/stderr"
	show_log console "$d/console"
}

check_test() {
	why=
	if [ "$timed_out" = yes ]; then
		why="killed after the ${limit} s limit (exit $rc)"
	elif [ "$rc" != 0 ]; then
		why="exit status $rc"
	fi
	if grep -q '^CHECK [^ ]* FAIL' "$d/console"; then
		why="${why:+$why; }$(grep '^CHECK [^ ]* FAIL' "$d/console" | head -n 2 | cut -c1-120 | tr '\n' ' ')"
	fi
	grep -q '^TEST-RESULT PASS' "$d/console" || why="${why:+$why; }no TEST-RESULT PASS"
	summary=$(sed -n 's/^TEST [^ ]* //p' "$d/console" | head -n 1)
	skips=$(sed -n 's/^CHECK \([^ ]*\) SKIP \(.*\)$/\1: \2/p' "$d/console" \
		| awk '!seen[$0]++ { printf "%s%s", n++ ? "; " : "", substr($0, 1, 100) }')
	if [ -z "$why" ]; then
		result PASS "exit 0, $summary; $secs s${skips:+ (skipped: $skips)}"
	else
		result FAIL "$why; $secs s"
	fi
}

check_ok() {
	why=
	if [ "$killed" = yes ]; then
		:	# the runner killed it on purpose (kill_after=)
	elif [ "$timed_out" = yes ]; then
		why="killed after the ${limit} s limit (exit $rc)"
	elif [ "$rc" != 0 ]; then
		why="exit status $rc"
	fi
	if [ -n "$kill_after" ] && [ "$killed" != yes ]; then
		why="${why:+$why; }'$kill_after' never came, so the VMM was not killed"
	fi
	plan=$(sed -n 's/^.*GUEST-PLAN //p' "$d/console" | head -n 1)
	if [ -z "$plan" ]; then
		why="${why:+$why; }the guest never started its checks (no GUEST-PLAN)"
		# The disk initramfs says why it could not reach the root's init.
		early=$(sed -n 's/^.*DISK-INITRAMFS-FAIL //p' "$d/console" | head -n 1)
		[ -n "$early" ] && why="$why: $early"
	fi
	for c in $plan; do
		if grep -q "GUEST-CHECK $c FAIL" "$d/console"; then
			why="${why:+$why; }$(sed -n "s/^.*GUEST-CHECK $c FAIL /check $c failed: /p" "$d/console" | head -n 1)"
		elif ! grep -q "GUEST-CHECK $c PASS" "$d/console"; then
			why="${why:+$why; }check $c not reported"
		fi
	done
	# Checks that read a typed line: the 8250's and the virtio console's.
	for c in uart-rx hvc-rx; do
		case " $plan " in
		*" $c "*) ;;
		*) continue ;;
		esac
		got=$(sed -n 's/^.*GUEST-ECHO //p' "$d/console" | head -n 1)
		if [ "$fed" != yes ]; then
			why="${why:+$why; }input never typed (no GUEST-READY-FOR-INPUT)"
		elif grep -q "GUEST-CHECK $c PASS" "$d/console" && [ "$got" != "$input" ]; then
			why="${why:+$why; }echo mismatch: typed '$input', guest read '$got'"
		fi
	done
	if [ -n "$plan" ] && ! grep -q 'GUEST-DONE' "$d/console"; then
		why="${why:+$why; }no GUEST-DONE"
	fi
	host_notes=
	# A guest that never ran says nothing about how the VMM writes.
	[ -n "$plan" ] && [ -n "$host_same$host_files" ] && check_images
	[ -n "$max_dev_exits" ] && check_dev_exits
	how="exit 0"
	[ "$killed" = yes ] && how="killed (exit $rc) after '$kill_after' as planned"
	if [ -z "$why" ]; then
		result PASS "$how, checks: $plan${host_notes:+; host:${host_notes#,}}; $secs s"
		# The images of a passed scenario are not needed; tmpfs is RAM.
		[ "$KEEP_IMAGES" = 1 ] || rm -f "$d"/*.img "$d"/*.img.md5
	else
		result FAIL "$why; $secs s"
	fi
}

# max_dev_exits=N: the devices' register accesses that exited to lkvm
# over the guest's whole life (lkvm stat, asked just before the planned
# kill), set-up included: a driver's reads come from memory and its
# notifications and interrupt acknowledgements go to KVM, so only its
# set-up writes exit, however much I/O it did.
stat_before_kill() {
	stat_exits=
	out=$("$VMM" stat -n "guest-$(cat "$pidfile" 2>/dev/null)" 2>&1)
	stat_exits=$(printf '%s' "$out" | sed -n 's/.*dev_exits=\([0-9]*\).*/\1/p')
	irqs=$(printf '%s' "$out" | sed -n 's/.*dev_irqs=\([0-9]*\).*/\1/p')
	reqs=$(printf '%s' "$out" | sed -n 's/.*dev_requests=\([0-9]*\).*/\1/p')
	if [ -n "$stat_exits" ] && [ -n "$irqs" ] && [ -n "$reqs" ]; then
		stat_note="dev_exits=$stat_exits dev_irqs=$irqs dev_requests=$reqs"
	else
		stat_exits=
		stat_note="no counts in '$(printf '%s' "$out" | head -n 1 | cut -c1-120)'"
	fi
}

check_dev_exits() {
	host_notes="$host_notes, lkvm stat: $stat_note"
	if [ -z "$stat_exits" ]; then
		why="${why:+$why; }lkvm stat before the kill: $stat_note"
	elif [ "$stat_exits" -gt "$max_dev_exits" ]; then
		why="${why:+$why; }$stat_exits exits to lkvm at the devices' registers, more than $max_dev_exits ($stat_note)"
	fi
}

# The line of stderr that best tells what went wrong.
stderr_gist() {
	l=$(grep -Ei 'fatal|error|fail|unable|cannot|invalid|warn' "$d/stderr" | head -n 1)
	[ -n "$l" ] || l=$(grep -v '^[[:space:]]*$' "$d/stderr" | tail -n 1)
	printf '%s' "$(trim "$l")" | tr -d '\r' | cut -c1-160
}

check_fail() {
	gist=$(stderr_gist)
	why=
	if [ "$timed_out" = yes ]; then
		why="killed after the ${limit} s limit (exit $rc), expected an error exit"
	elif [ "$rc" = 0 ]; then
		why="exit status 0, expected an error"
	elif [ "$rc" -ge 128 ]; then
		why="exit status $rc, expected 1..127"
	fi
	if ! grep -Eqi -- "$detail" "$d/stderr"; then
		why="${why:+$why; }stderr does not match /$detail/"
	fi
	if [ -z "$why" ]; then
		result PASS "exit $rc, stderr: '$gist'; $secs s"
	else
		result FAIL "$why; stderr: '${gist:-<empty>}'; $secs s"
	fi
}
