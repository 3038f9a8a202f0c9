# Sourced by run-vm-scenarios.sh: one scenario's run. run_one fills in
# the placeholders, starts the VMM with its stdin on a FIFO, types the
# input line, waits and hands over to the check_* functions; run_script
# runs a host-side script (tests/system/ctl-*.sh and the like). Both add
# the time the VMM or script ran to vm_cs. POSIX sh.

# A host-side script (tests/system/ctl-*.sh) that drives the VMM itself,
# e.g. through its control socket. Passes when it exits 0.
run_script() {
	# The script, then its arguments.
	trim_to sargs "$1"
	subst_in sargs @SYSTEM@ "$SYSTEM_DIR"
	set -f
	set -- $sargs
	set +f
	case "$limit" in
	""|*[!0-9]*) result FAIL "bad limit column '$limit' (seconds)"; return ;;
	esac
	t0=$(now_cs)
	(VMM=$VMM KERNEL=$KERNEL GUEST_INITRD=$GUEST_INITRD GUEST_TESTS=$GUEST_TESTS \
	 WORK=$d timeout -s TERM -k 5 "$limit" sh "$@" >"$d/stdout" 2>&1) 2>/dev/null
	rc=$?
	el=$(($(now_cs) - t0))
	vm_cs=$((vm_cs + el))
	secs=$(fmt_cs "$el")
	if [ "$rc" = 0 ]; then
		result PASS "$(grep -c '^ok ' "$d/stdout") steps ok; $secs s"
		# The steps' figures (RSS, timings), for the record.
		[ "$VERBOSE" != 1 ] || show_log steps "$d/stdout"
	else
		result FAIL "exit $rc: $(grep -v '^ok ' "$d/stdout" | tail -n 3 | tr '\n' ' ' | cut -c1-300); $secs s"
	fi
}

run_one() {	# run_one name gic expect limit detail args
	name=$1 gic=$2 expect=$3 limit=$4 detail=$5 args=$6
	d=$WORKDIR/bad-scenario
	case "$name" in
	""|*[!A-Za-z0-9._-]*)
		name="'$name'"
		result FAIL "bad name (letters, digits, '.', '_', '-')"; return ;;
	esac
	d=$WORKDIR/$name
	rm -rf "$d"
	mkdir -p "$d"
	case "$gic" in
	bad:*)	result FAIL "${gic#bad:}"; return ;;
	esac
	case "$expect" in
	ok|fail|test) ;;
	script) run_script "$args"; return ;;
	*) result FAIL "bad expect column '$expect' (ok, fail, test or script)"; return ;;
	esac
	case "$limit" in
	""|*[!0-9]*) result FAIL "bad limit column '$limit' (seconds)"; return ;;
	esac

	# Guest command line and how to talk to the VMM.
	cmdline=$GUEST_CMDLINE
	stdin_mode=pipe
	input_mode=ready
	host_files=''
	host_same=''
	kill_after=''
	max_dev_exits=''
	stat_note=''
	# An error scenario that boots after all should not wait for input.
	[ "$expect" = fail ] && input_mode=none cmdline="$cmdline lkvm.input=0"
	# A bare-metal test guest: its command line is the detail words.
	[ "$expect" = test ] && input_mode=none cmdline=$detail
	if [ "$expect" = ok ]; then
		for w in $detail; do
			case "$w" in
			cpus=*)		cmdline="$cmdline lkvm.expect_cpus=${w#*=}" ;;
			gic=*)		cmdline="$cmdline lkvm.expect_gic=${w#*=}" ;;
			stdin=*)	stdin_mode=${w#*=} ;;
			input=*)	input_mode=${w#*=} ;;
			host_file=/*:*)	host_files="$host_files ${w#*=}" ;;
			host_same=rootfs|host_same=disk2) host_same="$host_same ${w#*=}" ;;
			host_file=*|host_same=*)
				result FAIL "bad detail word '$w' (host_file=/PATH:TEXT, host_same=rootfs|disk2)"
				return ;;
			kill_after=?*)	kill_after=${w#*=} ;;
			max_dev_exits=[0-9]*) max_dev_exits=${w#*=} ;;
			# The guest's own console replaces the base one.
			console=*)	cmdline="$(drop_console "$cmdline") $w" ;;
			*)		cmdline="$cmdline $w" ;;
			esac
		done
		[ -n "$INPUT_MODE" ] && input_mode=$INPUT_MODE
		[ "$input_mode" = none ] && cmdline="$cmdline lkvm.input=0"
	fi
	[ -n "$STDIN_MODE" ] && stdin_mode=$STDIN_MODE
	case "$input_mode" in
	ready|early|none) ;;
	*) result FAIL "bad input mode '$input_mode' (ready, early or none)"; return ;;
	esac
	case "$stdin_mode" in
	pipe) ;;
	pty)	[ -x "$PTYRUN" ] || { result FAIL "stdin=pty needs the pty helper; '$PTYRUN' is not executable"; return; } ;;
	*)	result FAIL "bad stdin mode '$stdin_mode' (pipe or pty)"; return ;;
	esac

	# The disk images the arguments name: fresh copies in the scenario's dir.
	case "$args" in
	*@ROOTFS@*)
		unpack_image "$ROOTFS" "$d/rootfs.img" || { result FAIL "@ROOTFS@: $img_err"; return; } ;;
	esac
	case "$args" in
	*@DISK2@*)
		unpack_image "$DISK2" "$d/disk2.img" || { result FAIL "@DISK2@: $img_err"; return; } ;;
	esac
	case "$args" in
	*@DISKINITRD@*)
		[ -r "$DISK_INITRD" ] || { result FAIL "@DISKINITRD@: '$DISK_INITRD' not readable (scripts/mk-disk-initramfs.sh)"; return; } ;;
	esac
	if [ -n "$host_files" ] || [ -n "$host_same" ] || [ -n "$kill_after" ]; then
		# The harness's words on an error scenario would never be checked.
		[ "$expect" = ok ] || { result FAIL "host_file=, host_same= and kill_after= need expect ok"; return; }
	fi
	if [ -n "$max_dev_exits" ] && [ -z "$kill_after" ]; then
		result FAIL "max_dev_exits= needs kill_after= (lkvm stat asks a running VM)"
		return
	fi

	# The VMM's argv with the placeholders filled in.
	set -f
	set --
	envs=
	as=
	for w in $args; do
		# Leading NAME=value words set the VMM's environment; a leading
		# @NOBODY@ runs it as user 65534 (root may open anything).
		case "$#:$w" in
		0:[A-Z_]*=*) envs="$envs $w"; continue ;;
		0:@NOBODY@) as=$NOBODY; continue ;;
		esac
		subst_in w @KERNEL@ "$KERNEL"
		subst_in w @INITRD@ "$GUEST_INITRD"
		subst_in w @GARBAGE@ "$GARBAGE"
		subst_in w @VMM@ "$VMM"
		subst_in w @TESTS@ "$GUEST_TESTS"
		subst_in w @WORK@ "$d"
		subst_in w @ROOTFS@ "$d/rootfs.img"
		subst_in w @DISK2@ "$d/disk2.img"
		subst_in w @DISKINITRD@ "$DISK_INITRD"
		subst_in w @CMDLINE@ "$cmdline"
		set -- "$@" "$w"
	done
	set +f
	if [ -n "$as" ] && [ ! -x "$as" ]; then
		result FAIL "@NOBODY@ needs the nobody helper; '$as' is not executable"
		return
	fi
	set -f
	# kill_after= needs the VMM's own pid: a shell writes its pid and
	# becomes the VMM (timeout and ptyrun may or may not fork).
	pidfile=
	if [ -n "$kill_after" ]; then
		pidfile=$d/vmm.pid
		set -- sh -c 'echo $$ >"$0"; exec "$@"' "$pidfile" env $envs "$VMM" "$@"
	else
		set -- env $envs "$VMM" "$@"
	fi
	if [ "$stdin_mode" = pty ]; then
		set -- "$PTYRUN" $as "$@"
	else
		set -- $as "$@"
	fi
	set +f
	{
		for w in "$@"; do printf "'%s' " "$w"; done
		echo "(stdin=$stdin_mode input=$input_mode limit=${limit}s)"
	} >"$d/cmd"

	input="lkvm-echo-$name-$$"
	mkfifo "$d/stdin" || { result FAIL "mkfifo $d/stdin failed"; return; }
	# A read-write open of a FIFO does not block, and holding it open means
	# the VMM never sees end-of-file on its stdin.
	exec 3<>"$d/stdin"

	t0=$(now_cs)
	# The subshell keeps the shell's own "Terminated" notice off the console.
	(timeout -s TERM -k 5 "$limit" "$@" <"$d/stdin" >"$d/stdout" 2>"$d/stderr" 3>&-) 2>/dev/null &
	pid=$!

	fed=no
	killed=no
	if [ "$input_mode" = early ]; then
		printf '%s\n' "$input" >&3
		fed=yes
	fi
	# Watch the console while there is something to wait for: the input
	# prompt, or the line after which the VMM is to be killed.
	while kill -0 "$pid" 2>/dev/null; do
		if [ "$input_mode" = ready ] && [ "$fed" = no ] &&
		   grep -q 'GUEST-READY-FOR-INPUT' "$d/stdout" 2>/dev/null; then
			printf '%s\n' "$input" >&3
			fed=yes
		fi
		if [ -n "$kill_after" ] && [ "$killed" = no ] &&
		   grep -qF -- "$kill_after" "$d/stdout" 2>/dev/null; then
			[ -n "$max_dev_exits" ] && stat_before_kill
			kill -KILL "$(cat "$pidfile" 2>/dev/null)" 2>/dev/null && killed=yes
		fi
		{ [ "$input_mode" != ready ] || [ "$fed" = yes ]; } &&
			{ [ -z "$kill_after" ] || [ "$killed" = yes ]; } && break
		# The kill comes as soon after its line as we can make it: a VMM
		# that acknowledged a write it has not made gets no time to make it.
		if [ -n "$kill_after" ]; then sleep 0.05; else sleep 0.2; fi
	done
	# wait would print the shell's "Killed" notice for a VMM killed above.
	wait "$pid" 2>/dev/null
	rc=$?
	exec 3>&-
	el=$(($(now_cs) - t0))
	vm_cs=$((vm_cs + el))
	secs=$(fmt_cs "$el")
	echo "$rc" >"$d/status"
	tr -d '\r' <"$d/stdout" >"$d/console"

	# timeout(1) kills at the limit (busybox: exit 143, coreutils: 124, 137
	# after the follow-up SIGKILL); a VMM that handles SIGTERM may exit with
	# anything, so the elapsed time decides.
	timed_out=no
	[ "$el" -ge $((limit * 100 - 50)) ] && timed_out=yes

	case "$expect" in
	ok)	check_ok ;;
	test)	check_test ;;
	*)	check_fail ;;
	esac
}

# A bare-metal test guest: exit status 0 (set through the test device)
# and its own verdict line, with no failed check. Skipped checks
