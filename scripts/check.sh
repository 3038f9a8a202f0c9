#!/bin/bash
# make check: every test suite in turn (host unit tests, bad input, device
# tree, the installation and Debian package: package-test, system tests
# under KVM, kvm-unit-tests' runner: kut-test), each to
# its end even when an earlier one failed, then one closing line adding up
# their "N passed, N failed" lines. The failures are repeated just above
# that line (with their "  | " log excerpts), since a CI log is often read
# from its tail.
set -uo pipefail
cd "$(dirname "$0")/.."

passed=0
failed=0
status=0
recap=$(mktemp)
trap 'rm -f "$recap"' EXIT
for suite in "$@"; do
	log=$(mktemp)
	echo "=== $suite"
	make --no-print-directory "$suite" 2>&1 | tee "$log"
	rc=${PIPESTATUS[0]}
	line=$(grep -E '(^|[: ])[0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1)
	awk -v s="$suite" '
		/(^| )FAIL( |$)/ { print s ": " $0; more = 1; next }
		more && /^  \| / { print s ": " $0; next }
		{ more = 0 }' "$log" >>"$recap"
	rm -f "$log"
	p=$(awk '{ for (i = 2; i <= NF; i++) if ($i == "passed,") print $(i - 1) }' <<<"$line")
	f=$(awk '{ for (i = 2; i <= NF; i++) if ($i == "failed") print $(i - 1) }' <<<"$line")
	if [ -z "$line" ]; then
		echo "check: $suite printed no result (exit $rc)"
		p=0
		f=1
	elif [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "check: $suite exited with status $rc"
		f=1
	fi
	[ "$rc" -eq 0 ] || status=1
	passed=$((passed + p))
	failed=$((failed + f))
done
if [ -s "$recap" ]; then
	echo "check: what failed:"
	head -n 60 "$recap"
fi
echo "check: $passed passed, $failed failed"
[ "$failed" -eq 0 ] && exit "$status"
exit 1
