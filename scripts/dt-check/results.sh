# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# The results of scripts/dt-check.sh, sourced by it: assertions print
# "ok TAG" or "not ok TAG: why" on stdout (ok, notok, expect); the caller
# adds them up with count (so that a broken tree's failures can be
# captured).

PASSED=0
FAILED=0

count() {	# count NAME < ok/not-ok lines
	local name=$1 line p=0 f=0

	while IFS= read -r line; do
		case "$line" in
		"ok "*)
			p=$((p + 1))
			[ "$VERBOSE" = 0 ] || echo "  $name: $line"
			;;
		"not ok "*)
			f=$((f + 1))
			echo "  $name: FAIL: ${line#not ok }"
			;;
		"# "*)
			echo "    ${line#\# }"
			;;
		*)
			echo "  $name: $line"
			;;
		esac
	done
	PASSED=$((PASSED + p))
	FAILED=$((FAILED + f))
	echo "dt-check: $name: $p of $((p + f)) checks passed"
}

ok() { echo "ok $1"; }
notok() { echo "not ok $1: $2"; }

expect() {	# expect TAG WHAT EXPECTED ACTUAL
	if [ "$3" == "$4" ]; then
		ok "$1"
	else
		notok "$1" "$2: expected $3, got ${4:-(absent)}"
	fi
}
