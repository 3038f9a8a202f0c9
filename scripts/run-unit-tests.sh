#!/bin/sh
# Runs each unit test binary given, adds up their "N passed, N failed"
# lines and prints the total the same way.
set -u
passed=0
failed=0
for t in "$@"; do
	out=$("$t" 2>&1)
	rc=$?
	printf '%s\n' "$out"
	line=$(printf '%s\n' "$out" | grep -E '[0-9]+ passed, [0-9]+ failed' | tail -n 1)
	p=$(printf '%s\n' "$line" | awk '{ for (i = 2; i <= NF; i++) if ($i == "passed,") print $(i - 1) }')
	f=$(printf '%s\n' "$line" | awk '{ for (i = 2; i <= NF; i++) if ($i == "failed") print $(i - 1) }')
	if [ -z "$line" ]; then
		echo "$t: no result line (exit $rc)"
		p=0
		f=1
	elif [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "$t: exit status $rc"
		f=1
	fi
	passed=$((passed + p))
	failed=$((failed + f))
done
echo "unit: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
