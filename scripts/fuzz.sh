#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Runs libFuzzer targets one after the other and prints a summary table.
#
# Usage: scripts/fuzz.sh build/fuzz/fuzz-uart [build/fuzz/fuzz-bus ...]
#
# For each target (the binary's name):
#   1. replays every tests/fuzz/regress/<target>-*.bin once: these are
#      minimised reproducers of findings, kept so a fix stays fixed;
#   2. fuzzes for FUZZ_SECONDS (default 60) from the corpus
#      build/fuzz/corpus/<target>/ (new entries go there) and the seeds
#      in tests/fuzz/corpus/<target>/ (read only), with the dictionary
#      tests/fuzz/<target>.dict when there is one.
# A target passes when both steps finish with no finding: crash,
# sanitizer report, leak, timeout (-timeout=5) or excess memory use.
# Logs: build/fuzz/log/<target>.log; reproducers of new findings:
# build/fuzz/artifacts/<target>/. Extra libFuzzer flags: FUZZ_ARGS.
#
# The last line is "fuzz: N passed, N failed"; the exit status is 0 only
# when nothing failed.
set -euo pipefail

seconds=${FUZZ_SECONDS:-60}
extra=${FUZZ_ARGS:-}
out=build/fuzz
src=tests/fuzz

# Stack traces for UBSan; LSan on (libFuzzer checks leaks per input).
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1}
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}

die() { echo "fuzz: $*" >&2; exit 2; }

[ "$#" -gt 0 ] || die "usage: $0 <fuzz target binary>..."
if ! [[ "$seconds" =~ ^[0-9]+$ ]] || [ "$seconds" -eq 0 ]; then
	die "FUZZ_SECONDS must be a positive number of seconds, not '$seconds'"
fi

common=(-timeout=5 -rss_limit_mb=2048 -detect_leaks=1)

# What went wrong, from a libFuzzer log; empty when nothing did.
classify() {
	local log=$1
	if grep -q 'ERROR: libFuzzer: timeout' "$log"; then echo timeout
	elif grep -q 'ERROR: LeakSanitizer' "$log"; then echo leak
	elif grep -qE 'ERROR: libFuzzer: (out-of-memory|malloc limit)' "$log"; then echo oom
	elif grep -qE 'ERROR: (Address|Undefined)Sanitizer|runtime error:' "$log"; then echo sanitizer
	elif grep -q 'invariant violated' "$log"; then echo invariant
	elif grep -q 'ERROR: libFuzzer' "$log"; then echo crash
	fi
}

# The value of libFuzzer's final "stat::<name>: <n>" line, or "-".
stat_of() {
	local v
	v=$(sed -n "s/^stat::$2: *\([0-9]*\)$/\1/p" "$1" | tail -n 1) || true
	echo "${v:--}"
}

# Corpus size from the last status line ("corp: 123/4567b"), or "-".
corpus_of() {
	local v
	v=$(grep -oE 'corp: [0-9]+' "$1" | tail -n 1 | cut -d' ' -f2) || true
	echo "${v:--}"
}

# Replays the committed reproducers; prints the result word on failure.
replay() {
	local bin=$1 name=$2 log=$3
	local files=()

	shopt -s nullglob
	files=("$src"/regress/"$name"-*.bin)
	shopt -u nullglob
	[ "${#files[@]}" -gt 0 ] || return 0
	if ! "$bin" "${common[@]}" "${files[@]}" >"$log" 2>&1; then
		local why
		why=$(classify "$log")
		echo "regress-${why:-fail}"
		echo "  $name: a committed reproducer fails again; see $log" >&2
		grep -E '^Running: ' "$log" | tail -n 1 | sed 's/^/  /' >&2 || true
	fi
	return 0
}

passed=0
failed=0
total_execs=0
rows=()

for bin in "$@"; do
	[ -x "$bin" ] || die "$bin: no such fuzz target; build it with 'make fuzz-build'"
	name=$(basename "$bin")
	corpus=$out/corpus/$name
	artifacts=$out/artifacts/$name/
	log=$out/log/$name.log
	mkdir -p "$corpus" "$artifacts" "$out/log"

	args=("${common[@]}" -max_total_time="$seconds" -print_final_stats=1
	      -artifact_prefix="$artifacts")
	[ -f "$src/$name.dict" ] && args+=(-dict="$src/$name.dict")
	seeds=()
	[ -d "$src/corpus/$name" ] && seeds=("$src/corpus/$name")

	echo "fuzz: $name for ${seconds} s" >&2
	result=$(replay "$bin" "$name" "$out/log/$name-regress.log")
	execs=- rate=- size=-
	if [ -z "$result" ]; then
		rc=0
		# shellcheck disable=SC2086 # FUZZ_ARGS is a list of flags
		"$bin" "${args[@]}" $extra "$corpus" "${seeds[@]}" >"$log" 2>&1 || rc=$?
		execs=$(stat_of "$log" number_of_executed_units)
		rate=$(stat_of "$log" average_exec_per_sec)
		size=$(corpus_of "$log")
		result=$(classify "$log")
		[ -z "$result" ] && [ "$rc" -ne 0 ] && result="exit-$rc"
		if [ -n "$result" ]; then
			echo "  $name: $result; log $log" >&2
			unit=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -n 1)
			if [ -n "$unit" ]; then
				echo "  reproducer: $unit" >&2
				echo "  replay:     $bin $unit" >&2
				echo "  minimise:   $bin -minimize_crash=1 -runs=200000 $unit" >&2
			fi
		fi
	fi
	[[ "$execs" =~ ^[0-9]+$ ]] && total_execs=$((total_execs + execs))
	if [ -z "$result" ]; then
		result=pass
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
	fi
	rows+=("$(printf '%-14s | %12s | %8s | %6s | %s' "$name" "$execs" "$rate" "$size" "$result")")
done

printf '%-14s | %12s | %8s | %6s | %s\n' target executions exec/s corpus result
for r in "${rows[@]}"; do
	echo "$r"
done
printf '%-14s | %12s | %8s | %6s |\n' total "$total_execs" "" ""
echo "fuzz: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
