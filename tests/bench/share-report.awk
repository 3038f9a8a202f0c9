# SPDX-License-Identifier: GPL-2.0
#
# The 9p and network table of "make bench" (scripts/bench.sh), in
# Markdown, from the BENCH-SHARE lines of tests/bench/share-bench.sh:
# the median rate of each job over the rounds, lkvm against kvmtool.
# POSIX awk. Variables: peer=1 when kvmtool was measured, files, mb, ms.

function median(k,    n, i, j, t) {
	n = cnt[k] + 0
	if (!n)
		return ""
	for (i = 1; i <= n; i++)
		tmp[i] = vals[k, i] + 0
	for (i = 2; i <= n; i++) {
		t = tmp[i]
		for (j = i - 1; j >= 1 && tmp[j] > t; j--)
			tmp[j + 1] = tmp[j]
		tmp[j + 1] = t
	}
	return n % 2 ? tmp[(n + 1) / 2] : (tmp[n / 2] + tmp[n / 2 + 1]) / 2
}

# A job that never ran to its end says so instead of a number.
function fmt(x, k) {
	if (x == "")
		return failed[k] ? "fails" : "-"
	return sprintf(x >= 100 ? "%.0f" : "%.2f", x)
}

# row LABEL MODE JOB [LOWER [KMODE]]: LOWER set for a time (target
# <= 0.7); KMODE: kvmtool's figure from another mode than lkvm's.
function row(label, mode, job, lower, kmode,    l, k, lk, kk, ratio, holds, tg) {
	lk = mode SUBSEP job SUBSEP "lkvm"
	kk = (kmode == "" ? mode : kmode) SUBSEP job SUBSEP "kvmtool"
	l = median(lk)
	k = median(kk)
	if (l == "" && k == "" && !failed[lk] && !failed[kk])
		return
	ratio = (l == "" || k == "" || k + 0 == 0) ? "" : l / k
	tg = lower ? "<= 0.7" : ">= 1.2"
	holds = ratio == "" ? "-" : ((lower ? ratio <= 0.7 : ratio >= 1.2) ? "yes" : "no")
	if (l != "" && k == "" && failed[kk])
		holds = "yes"
	printf "| %s | %s | %s | %s | %s | %s |\n", label, fmt(l, lk), peer ? fmt(k, kk) : "-",
	    ratio == "" ? "-" : sprintf("%.2f", ratio), tg, holds
	rows++
}

/^BENCH-SHARE / {
	delete f
	for (i = 2; i <= NF; i++) {
		eq = index($i, "=")
		f[substr($i, 1, eq - 1)] = substr($i, eq + 1)
	}
	k = f["mode"] SUBSEP f["name"] SUBSEP f["vmm"]
	any = 1
	if (f["failed"]) {
		failed[k]++
		next
	}
	vals[k, ++cnt[k]] = f["rate"]
	any = 1
	unit[f["name"]] = f["unit"]
}

END {
	if (!any)
		exit
	print "## 9p and network: GICv3 host, in-kernel GICv3, virtio-mmio"
	print ""
	print "One 1-vCPU, 256 MiB guest at a time (the disk initramfs, tests/bench/share-init.sh),"
	print "lkvm and kvmtool in turns; rates by the guest's clock (sharebench), median of the rounds."
	print ""
	print "| metric | lkvm | kvmtool | ratio | target | holds |"
	print "| --- | ---: | ---: | ---: | --- | --- |"
	row(sprintf("9p: create empty files for %d ms (files/s)", ms), "p9", "create")
	row(sprintf("9p: write one %d MiB file, 128 KiB writes + fsync (MB/s)", mb), "p9", "write")
	row(sprintf("9p: read it back (MB/s)"), "p9", "read")
	row(sprintf("9p: tar c of a %d-file tree from the share (files/s)", files), "p9", "tarc")
	row(sprintf("9p: tar x of it into the share (files/s)"), "p9", "tarx")
	row("Default guest (run -k Image, each VMM's setup root) to its shell's answer (s)",
	    "dboot", "prompt", 1)
	row("  same roots, both with the disk initramfs and --9p (s)", "dbooti", "prompt", 1)
	row("  lkvm's default against kvmtool with the disk initramfs (s)", "dboot", "prompt", 1, "dbooti")
	nm = split("user tap vhost", modes, " ")
	for (i = 1; i <= nm; i++) {
		m = modes[i]
		d = m == "user" ? "user mode" : m == "tap" ? "tap" : "tap, vhost=1"
		row(sprintf("net %s: TCP guest->host, %d ms (MB/s)", d, ms), m, "tx")
		row(sprintf("net %s: TCP host->guest (MB/s)", d), m, "rx")
		row(sprintf("net %s: 64-byte request/response, one connection (req/s)", d), m, "rr")
		row(sprintf("net %s: a connection per request (conn/s)", d), m, "crr")
	}
	print ""
}
