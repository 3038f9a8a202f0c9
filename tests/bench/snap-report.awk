# SPDX-License-Identifier: GPL-2.0
#
# The snapshot rows' tables (scripts/bench.sh, BENCH_PHASES=snap) from
# the BENCH-SNAP lines of tests/bench/snap-bench.sh on standard input.
# -v peer=1 when kvmtool was measured; -v rounds=N for the heading.
# Medians, with the minimum in parentheses; runs with ok=0 left out.

function median(k,    n, i, j, t, a) {
	n = cnt[k]
	if (!n)
		return ""
	for (i = 1; i <= n; i++)
		a[i] = val[k, i]
	for (i = 2; i <= n; i++)
		for (j = i; j > 1 && a[j - 1] > a[j]; j--) {
			t = a[j]; a[j] = a[j - 1]; a[j - 1] = t
		}
	return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
function minimum(k,    i, m) {
	if (!cnt[k])
		return ""
	m = val[k, 1]
	for (i = 2; i <= cnt[k]; i++)
		if (val[k, i] < m)
			m = val[k, i]
	return m
}
function div(a, b) { return (a == "" || b == "" || b + 0 == 0) ? "" : a / b }
function fmt(x, f) { return x == "" ? "-" : sprintf(f, x) }
# shown METRIC VARIANT WHAT SCALE FORMAT: "median (min)" in SCALE units.
function shown(m, v, w, scale, f,    k) {
	k = m SUBSEP v SUBSEP w
	if (!cnt[k])
		return "-"
	return fmt(median(k) / scale, f) " (" fmt(minimum(k) / scale, f) ")"
}
function med(m, v, w) { return median(m SUBSEP v SUBSEP w) }
function ratio_cell(a, b,    r) { r = div(a, b); return r == "" ? "-" : sprintf("%.3fx", r) }

{
	delete f
	for (i = 2; i <= NF; i++) {
		eq = index($i, "=")
		if (eq)
			f[substr($i, 1, eq - 1)] = substr($i, eq + 1)
	}
	if (f["ok"] != 1)
		next
	m = f["metric"]
	v = f["variant"]
	if (m == "write") {
		w = f["mem"] SUBSEP f["fill"]
		if (!(w in wseen))
			worder[++nw] = w
		wseen[w] = 1
		wtime[w] = f["write_us"]; wapp[w] = f["apparent_kb"]; wdisk[w] = f["disk_kb"]
		# The snapshot the many VMs are restored from, and its cold VM.
		if (f["mem"] == 512 && f["fill"] == 0) {
			file_kb = f["disk_kb"]; cold_rss = f["rss_kb"]; cold_anon = f["anon_kb"]
		}
		next
	}
	if (m == "many") {
		n = f["vms"]
		if (!(n in mseen))
			morder[++nm] = n
		mseen[n] = 1
		mpss[n] = f["pss_kb"]; mrss[n] = f["rss_kb"]; manon[n] = f["anon_kb"]; mdrop[n] = f["avail_drop_kb"]; mall[n] = f["all_us"]
		next
	}
	if (v ~ /_restore$/)
		lk = substr(v, 1, length(v) - 8)
	else if (v ~ /^kvmtool/)
		kt = v
	for (w in f) {
		if (w !~ /_us$/)
			continue
		k = m SUBSEP v SUBSEP w
		val[k, ++cnt[k]] = f[w] + 0
	}
}

END {
	if (lk == "" && !nw && !nm)
		exit
	r = lk "_restore"
	print ""
	print "## Snapshot and restore (GICv3 host)"
	print ""
	printf "lkvm restored from a snapshot against a cold boot of the same guest, %s round(s), median (min).\n", rounds
	print ""
	printf "| | lkvm restore | lkvm cold boot |%s restore / lkvm cold |%s\n",
		peer ? " kvmtool cold boot |" : "", peer ? " restore / kvmtool cold |" : ""
	printf "| --- | --- | --- |%s --- |%s\n", peer ? " --- |" : "", peer ? " --- |" : ""
	printf "| console.bin: first guest output, ms | %s | %s |%s %s |%s\n",
		shown("first", r, "first_us", 1e3, "%.1f"), shown("first", lk, "first_us", 1e3, "%.1f"),
		peer ? " " shown("first", kt, "first_us", 1e3, "%.1f") " |" : "",
		ratio_cell(med("first", r, "first_us"), med("first", lk, "first_us")),
		peer ? " " ratio_cell(med("first", r, "first_us"), med("first", kt, "first_us")) " |" : ""
	printf "| Linux 512 MiB at its prompt: start to `echo` answered, s | %s | %s |%s %s |%s\n",
		shown("prompt", r, "answer_us", 1e6, "%.3f"), shown("prompt", lk, "answer_us", 1e6, "%.3f"),
		peer ? " " shown("prompt", kt, "answer_us", 1e6, "%.3f") " |" : "",
		ratio_cell(med("prompt", r, "answer_us"), med("prompt", lk, "answer_us")),
		peer ? " " ratio_cell(med("prompt", r, "answer_us"), med("prompt", kt, "answer_us")) " |" : ""
	printf "| restore set-up (start to \"restored from\"), ms: console.bin / Linux | %s / %s | | |%s\n",
		shown("first", r, "setup_us", 1e3, "%.1f"), shown("prompt", r, "setup_us", 1e3, "%.1f"),
		peer ? " | |" : ""
	x = div(med("prompt", r, "answer_us"), med("prompt", lk, "answer_us"))
	if (x != "")
		printf "\nTarget: a restore answers at the prompt within 0.05x lkvm's cold boot: %.3fx, %s.\n",
			x, x <= 0.05 ? "met" : "NOT met"
	if (nw) {
		print ""
		print "| snapshot (`lkvm snapshot --stop`) of | write, s | file size, MiB | on disk, MiB |"
		print "| --- | --- | --- | --- |"
		for (i = 1; i <= nw; i++) {
			w = worder[i]
			split(w, mf, SUBSEP)
			printf "| Linux at its prompt, -m %s%s | %.3f | %.0f | %.1f |\n", mf[1],
				mf[2] ? ", " mf[2] " MiB written first" : "",
				wtime[w] / 1e6, wapp[w] / 1024, wdisk[w] / 1024
		}
	}
	if (nm >= 1) {
		one = morder[1]; many = morder[nm]
		print ""
		printf "| restored from one snapshot at once | 1 VM | %s VMs | %s VMs / 1 VM |\n", many, many
		print "| --- | --- | --- | --- |"
		printf "| lkvm Pss (sum), MiB | %.1f | %.1f | %s |\n", mpss[one] / 1024, mpss[many] / 1024,
			ratio_cell(mpss[many], mpss[one])
		printf "| lkvm Rss (sum), MiB | %.1f | %.1f | %s |\n", mrss[one] / 1024, mrss[many] / 1024,
			ratio_cell(mrss[many], mrss[one])
		printf "| lkvm Anonymous (sum): the VMs' own pages, MiB | %.1f | %.1f | %s |\n", manon[one] / 1024,
			manon[many] / 1024, ratio_cell(manon[many], manon[one])
		printf "| host MemAvailable drop, MiB | %.1f | %.1f | %s |\n", mdrop[one] / 1024, mdrop[many] / 1024,
			ratio_cell(mdrop[many], mdrop[one])
		if (file_kb != "") {
			tot1 = file_kb + mdrop[one]; totn = file_kb + mdrop[many]
			printf "| in all: the snapshot's pages (%.1f MiB, once) + the MemAvailable drop, MiB | %.1f | %.1f | %s |\n",
				file_kb / 1024, tot1 / 1024, totn / 1024, ratio_cell(totn, tot1)
		}
		printf "| start to the last answer, s | %.3f | %.3f | |\n", mall[one] / 1e6, mall[many] / 1e6
		if (cold_rss != "")
			printf "\nThe cold-booted lkvm VM the snapshot was taken of, at its prompt: Rss %.1f MiB, Anonymous %.1f MiB.\n",
				cold_rss / 1024, cold_anon / 1024
		x = div(totn, tot1)
		if (x != "" && nm > 1)
			printf "\nTarget: %s restored VMs use less than twice one VM's memory (in all, as above): %.2fx, %s",
				many, x, x < 2 ? "met" : "NOT met"
		x = div(totn, cold_rss)
		if (x != "" && nm > 1)
			printf "; against the cold-booted VM's Rss: %.2fx, %s", x, x < 2 ? "met" : "NOT met"
		if (nm > 1)
			print "."
	}
}
