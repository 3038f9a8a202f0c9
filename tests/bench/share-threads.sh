# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh disable=SC2154	# sourced: its variables are share-bench.sh's
#
# Context switches per thread of a net run's VMM, for one job, sourced
# by bench-host-init.sh with share-bench.sh (busybox, POSIX sh).
#
# The guest waits a second after its BENCH-SHARE-UP line (share-init.sh),
# so a sample taken once that line is seen comes before the first job;
# the second is taken when the job's SHAREBENCH line is seen. Every
# thread of the VMM and of its children (lkvm-net-user) is read from
# /proc; threads are told apart by process, creation order and where
# they sleep (wchan), as lkvm does not name them. A line per thread,
# the switches of the job's window per 1000 of its units (exchanges):
#   BENCH-SHARE-CS host=.. vmm=.. mode=.. round=N name=JOB proc=COMM
#     thread=K wchan=W vol=N nonvol=N units=N vol_k=R nonvol_k=R
# A second of idle guest and the poweroff's first steps are in the
# window too: a few hundred switches at most, next to thousands of
# exchanges.

# share_cs_tree PID: PID and its descendants, one a line.
share_cs_tree() {
	echo "$1"
	# shellcheck disable=SC2013	# the file is one line of PIDs
	for c in $(cat "/proc/$1/task/$1/children" 2>/dev/null); do
		share_cs_tree "$c"
	done
}

# share_cs_sample PID: "comm tid wchan vol nonvol" for every thread of
# the processes under PID (the runner's own left out).
share_cs_sample() {
	for p in $(share_cs_tree "$1"); do
		[ "$p" = "$1" ] && continue
		comm=$(cat "/proc/$p/comm" 2>/dev/null) || continue
		for t in /proc/"$p"/task/*; do
			w=$(cat "$t/wchan" 2>/dev/null)
			awk -v c="$comm" -v t="${t##*/}" -v w="${w:-0}" '
				/^voluntary_ctxt_switches/ { v = $2 }
				/^nonvoluntary_ctxt_switches/ { n = $2 }
				END { if (v != "") print c, t, w, v, n }' "$t/status" 2>/dev/null
		done
	done
}

# share_cs_report A B OUT: the lines above, from samples A and B and the
# job's SHAREBENCH line in OUT.
share_cs_report() {
	tr -d '\r' <"$3" | awk -v h="$HOST" -v vmm="$vmm" -v mode="$mode" -v r="$round" \
		-v a="$1" -v b="$2" '
		BEGIN {
			while ((getline l < a) > 0) { split(l, f, " "); va[f[2]] = f[4]; na[f[2]] = f[5] }
			k = 0
			while ((getline l < b) > 0) {
				split(l, f, " ")
				if (!(f[2] in va)) continue
				if (f[1] != last) { last = f[1]; k = 0 }
				line[++nl] = sprintf("proc=%s thread=%d wchan=%s vol=%d nonvol=%d",
						     f[1], k++, f[3], f[4] - va[f[2]], f[5] - na[f[2]])
				dv[nl] = f[4] - va[f[2]]; dn[nl] = f[5] - na[f[2]]
			}
		}
		$1 == "SHAREBENCH" && !job {
			for (i = 2; i <= NF; i++) {
				split($i, kv, "=")
				if (kv[1] == "name") job = kv[2]
				if (kv[1] == "units") units = kv[2]
			}
		}
		END {
			if (!job || units <= 0) exit
			for (i = 1; i <= nl; i++)
				printf "BENCH-SHARE-CS host=%s vmm=%s mode=%s round=%s name=%s %s units=%d vol_k=%.0f nonvol_k=%.0f\n",
				       h, vmm, mode, r, job, line[i], units, dv[i] * 1000 / units, dn[i] * 1000 / units
		}'
}
