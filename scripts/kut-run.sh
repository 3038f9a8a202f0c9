#!/bin/bash
# kvm-unit-tests' own runner, unchanged, against lkvm (and kvmtool), in the
# emulated arm64 hosts: GICv3, then GICv2 (docs/testing.md, "kvm-unit-tests'
# runner").
#
# Usage: scripts/kut-run.sh            lkvm alone: make kut-test
#        scripts/kut-run.sh --compare  lkvm and kvmtool, side by side: make kut-compare
# Env:
#   VMM=path        lkvm (default ./lkvm)
#   PEER=path       kvmtool, static arm64 (default ../shared/peers/kvmtool)
#   GICS="3 2"      GIC versions of the emulated hosts, in this order
#   KUT_TESTS="a b" only these tests (names of arm/unittests.cfg)
#   KUT_CAP_SMP_V2=N   on the GICv2 host, also selftest-smp with MAX_SMP=N (default 9)
#   HOST_TIMEOUT=s  limit for one emulated host (default 900 s per VMM + 120 s)
#   QEMU_CPU, QEMU_SMP, QEMU_MEM, QEMU_MACHINE_EXTRA (default mte=on)
#                      the emulated host (as scripts/system-test.sh)
#   LOGDIR=dir      console logs and results (default build/kut)
#   KUT_TARBALL=file   the source (scripts/kut-build.sh)
#
# Prints one "<host> <vmm> PASS|FAIL|SKIP <test> <detail>" line per test as
# the runner reports it (a test that fails runs once more, and its second
# run gives the result, marked so), the essence of each failed test's log,
# then (with --compare) the table. The last line counts lkvm's results:
# "N passed, N failed": PASS passed, FAIL failed, SKIP neither, and a FAIL
# that tests/kut/expected-fail.txt lists for the host (kvmtool fails it
# there too) is an XFAIL, neither; a host that did not finish, or a VMM it
# did not report, is one failure more.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
compare=0
[ "${1:-}" = --compare ] && compare=1
abspath() { case "$1" in /*) printf '%s' "$1" ;; *) printf '%s' "$PWD/$1" ;; esac; }
VMM=$(abspath "${VMM:-$ROOT/lkvm}")
PEER=$(abspath "${PEER:-$ROOT/../shared/peers/kvmtool}")
cd "$ROOT"
GICS=${GICS:-3 2}
QEMU_CPU=${QEMU_CPU:-max,pauth-impdef=on}
# 4 CPUs: its-trigger wants 4 vCPUs, and the runner gives at most the host's.
QEMU_SMP=${QEMU_SMP:-4}
QEMU_MEM=${QEMU_MEM:-3072}
# The CPU gets MTE, so that kvm-unit-tests' mte-* tests run (as system-test.sh).
QEMU_MACHINE_EXTRA=${QEMU_MACHINE_EXTRA-mte=on}
LOGDIR=${LOGDIR:-$ROOT/build/kut}
export LKVM_ASSETS=${LKVM_ASSETS:-$ROOT/build/assets}

die() { echo "kut: $*" >&2; exit 2; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

t_start=$(now)
command -v qemu-system-aarch64 >/dev/null || die "qemu-system-aarch64 not found; run scripts/setup-deps.sh"
vmms=(lkvm="$VMM")
[ "$compare" = 1 ] && vmms+=(kvmtool="$PEER")
names=$(printf '%s\n' "${vmms[@]}" | sed 's/=.*//' | tr '\n' ' ')
HOST_TIMEOUT=${HOST_TIMEOUT:-$((900 * ${#vmms[@]} + 120))}

scripts/kut-build.sh
scripts/fetch-assets.sh
mkdir -p "$LOGDIR"
cpio=$LOGDIR/host-initramfs.cpio
scripts/mk-kut-initramfs.sh "$cpio" "${vmms[@]}"

# Failures the emulated hosts cause whatever the VMM: "host test" -> why.
declare -A xfail
while read -r h t why; do
	[[ -z $h || $h == \#* ]] || xfail["$h $t"]=$why
done <"$ROOT/tests/kut/expected-fail.txt"

# One emulated host: the console goes to host-vN.log; the result lines
# stream to the terminal as "<host> <vmm> ...", lkvm's expected failures
# as XFAIL.
boot_host() {
	local g=$1 log=$LOGDIR/host-v$1.log qrc

	echo "kut: booting the GICv$g host (limit $HOST_TIMEOUT s), console log $log"
	rm -f "$log.tmp"
	set +e
	timeout -k 10 "$HOST_TIMEOUT" qemu-system-aarch64 \
		-M "virt,virtualization=on,gic-version=$g${QEMU_MACHINE_EXTRA:+,$QEMU_MACHINE_EXTRA}" \
		-cpu "$QEMU_CPU" -smp "$QEMU_SMP" -m "$QEMU_MEM" \
		-kernel "$LKVM_ASSETS/Image" -initrd "$cpio" \
		-append "console=ttyAMA0 quiet lkvm.host_gic=v$g" \
		-nodefaults -display none -monitor none -serial stdio -no-reboot \
		</dev/null 2>&1 \
	| while IFS= read -r line; do
		line=${line%$'\r'}
		printf '%s\n' "$line" >>"$log.tmp"
		case "$line" in
		"KUT lkvm FAIL "*)
			read -r _ _ _ t _ <<<"$line"
			if [ -n "${xfail["v$g $t"]:-}" ]; then
				printf 'v%s lkvm XFAIL %s [expected here: %s]\n' "$g" \
					"${line#KUT lkvm FAIL }" "${xfail["v$g $t"]}"
			else
				printf 'v%s %s\n' "$g" "${line#KUT }"
			fi ;;
		"KUT "*)	printf 'v%s %s\n' "$g" "${line#KUT }" ;;
		"KUT-RETRY "*)
			read -r _ v _ t rest <<<"$line"
			# A failure the host always causes is not run again.
			[ -n "${xfail["v$g $t"]:-}" ] ||
				printf 'v%s %s %s did not pass its first run %s; running it again\n' \
					"$g" "$v" "$t" "$rest" ;;
		"KUT-WHY "*)
			read -r _ v t _ rest <<<"$line"
			printf 'v%s %s   %s: %s\n' "$g" "$v" "$t" "$rest" ;;
		HOST-*|KUT-DONE*|*"Kernel panic"*|qemu-system-*) printf '%s\n' "$line" ;;
		esac
	done
	qrc=${PIPESTATUS[0]}
	set -e
	mv "$log.tmp" "$log"
	if ! grep -q '^HOST-DONE' "$log"; then
		echo "HOST v$g FAIL did not reach HOST-DONE (qemu exit $qrc); last console lines:"
		tail -n 15 "$log" | sed 's/^/  | /'
		return 1
	fi
}

for g in $GICS; do
	case "$g" in 2|3) ;; *) die "GICS: '$g' is not a GIC version (2 or 3)" ;; esac
	t0=$(now)
	boot_host "$g" || :
	echo "HOST v$g done in $(since "$t0") s"
done

# Results as "host vmm status test detail", from the console logs.
results=$LOGDIR/results.txt
for g in $GICS; do
	[ -r "$LOGDIR/host-v$g.log" ] || continue
	# A self-skipped test's reason joins its line: "[SKIP: ...]".
	tr -d '\r' <"$LOGDIR/host-v$g.log" | awk -v h="v$g" '
		$1 == "KUT-WHY" { w = $0; sub(/^[^|]*\| /, "", w); why[$2, $3] = w; next }
		$1 == "KUT" { $1 = h; line[++n] = $0; key[n] = $2 SUBSEP $4 }
		END { for (i = 1; i <= n; i++) print line[i] (key[i] in why ? " [" why[key[i]] "]" : "") }'
done >"$results"

# lkvm's results as counted: a FAIL that tests/kut/expected-fail.txt
# lists for the host is an XFAIL (kvmtool fails it there too), a PASS
# there an XPASS.
counted=$LOGDIR/lkvm-counted.txt
awk 'NR == FNR { if ($0 !~ /^[ \t]*(#|$)/) { w = $0; sub(/^[^ \t]+[ \t]+[^ \t]+[ \t]+/, "", w); why[$1, $2] = w }; next }
	$2 != "lkvm" { next }
	($1, $4) in why {
		if ($3 == "FAIL") { $3 = "XFAIL"; $0 = $0 " [expected here: " why[$1, $4] "]" }
		else if ($3 == "PASS") { $3 = "XPASS"; $0 = $0 " [listed in tests/kut/expected-fail.txt: remove the row]" }
	}
	{ print }' "$ROOT/tests/kut/expected-fail.txt" "$results" >"$counted"
grep '^[^ ]* lkvm XPASS ' "$counted" || :

# The end of each failed test's log, under its FAIL line (not the XFAILs).
fails=$({ cat "$counted"; grep -v '^[^ ]* lkvm ' "$results" || :; } | awk '$3 == "FAIL"')
if [ -n "$fails" ]; then
	echo "kut: the failed tests, with the end of their logs:"
	while read -r h v s t rest; do
		echo "$h $v FAIL $t $rest"
		tr -d '\r' <"$LOGDIR/host-$h.log" | awk -v v="$v" -v t="$t" \
			'$1 == "KUT-LOG" && $2 == v && $3 == t { sub(/^KUT-LOG [^ ]+ [^ ]+ \| /, ""); print "  | " $0 }'
	done <<<"$fails"
fi

# Side by side: one row per test, in arm/unittests.cfg's order, one
# column per host and VMM; "(2nd)" where the second run gave the result,
# '*' where the VMMs differ on a host. Then the reasons of what did not pass.
table() {
	{ sed -n 's/^\[\(.*\)\]$/\1/p' build/kut/arm64/arm/unittests.cfg; cat "$results"; } |
	awk -v gics="$GICS" -v names="$names" '
	NF == 1 { if (!($1 in seen)) { seen[$1] = 1; order[++n] = $1 }; next }
	{
		key = $1 SUBSEP $2 SUBSEP $4
		st[key] = $3
		if ($0 ~ /\[run twice: /)
			st[key] = $3 "(2nd)"
		d = $0
		sub(/^[^ ]+ [^ ]+ [^ ]+ [^ ]+ ?/, "", d)
		why[key] = d
		if (!($4 in seen)) { seen[$4] = 1; order[++n] = $4 }
		ran[$4] = 1
	}
	END {
		ng = split(gics, g, " "); nv = split(names, v, " ")
		printf "%-34s", "kvm-unit-tests"
		for (i = 1; i <= ng; i++) printf "| %-*s", 10 * nv + 2, "GICv" g[i] " host"
		printf "\n%-34s", ""
		for (i = 1; i <= ng; i++) {
			printf "| "
			for (j = 1; j <= nv; j++) printf "%-10s", v[j]
			printf "  "
		}
		printf "\n"
		for (r = 1; r <= n; r++) {
			t = order[r]
			if (!(t in ran))
				continue
			printf "%-34s", t
			for (i = 1; i <= ng; i++) {
				printf "| "
				diff = 0
				for (j = 1; j <= nv; j++) {
					s = st["v" g[i], v[j], t]
					if (s == "") s = "-"
					printf "%-10s", s
					b = s
					sub(/\(2nd\)$/, "", b)
					if (j > 1 && b != first) diff = 1
					if (j == 1) first = b
				}
				printf "%s ", diff ? "*" : " "
				printf " "
			}
			printf "\n"
		}
		print "Reasons (SKIP and FAIL):"
		for (r = 1; r <= n; r++) {
			t = order[r]
			for (i = 1; i <= ng; i++)
				for (j = 1; j <= nv; j++) {
					key = "v" g[i] SUBSEP v[j] SUBSEP t
					if (st[key] ~ /^(SKIP|FAIL)/)
						printf "  v%s %-8s %-4s %s %s\n", g[i], v[j], st[key], t, why[key]
				}
		}
	}'
}
[ "$compare" = 1 ] && table

# lkvm's count; a host or VMM that did not report is a failure.
passed=$(awk '$3 == "PASS" || $3 == "XPASS"' "$counted" | wc -l)
failed=$(awk '$3 == "FAIL"' "$counted" | wc -l)
skipped=$(awk '$3 == "SKIP"' "$counted" | wc -l)
xfailed=$(awk '$3 == "XFAIL"' "$counted" | wc -l)
for g in $GICS; do
	if ! grep -q "^KUT-DONE lkvm " "$LOGDIR/host-v$g.log" 2>/dev/null; then
		echo "kut: FAIL the GICv$g host did not finish lkvm's run"
		failed=$((failed + 1))
	fi
done
echo "kut: lkvm: $passed passed, $failed failed, $skipped skipped (the SKIP lines give the reasons)," \
	"$xfailed failed as they do with kvmtool (XFAIL, tests/kut/expected-fail.txt)"
echo "kut: wall time $(since "$t_start") s"
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
