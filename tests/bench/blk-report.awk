# SPDX-License-Identifier: GPL-2.0
#
# The block I/O tables of "make bench" (the blk phase), for
# report.awk, which reads the lines (BENCH-BLK into bkeys, bval) and
# calls blk_tables() from its END. Loaded before it: awk -f blk-report.awk
# -f report.awk. POSIX awk.

# Each round's figures of a block I/O job from its slices: requests per
# second and MB/s over the slices' time, the mean latency; the counters
# only when every slice had them.
function blk_rounds(    i, kr, p, k, n, x) {
	for (i = 1; i <= nbkeys; i++) {
		kr = bkeys[i]
		split(kr, p, SUBSEP)
		k = key(p[1], p[2], p[3], p[4], p[5])
		n = ++cnt[k]
		bround[k, p[6]] = n
		bround_of[k, n] = p[6]
		vals[k, "ios", n] = bsum[kr, "ios"]
		vals[k, "iops", n] = bsum[kr, "us"] ? bsum[kr, "ios"] * 1e6 / bsum[kr, "us"] : 0
		vals[k, "mbps", n] = bsum[kr, "us"] ? bsum[kr, "bytes"] / bsum[kr, "us"] : 0
		vals[k, "lat", n] = bsum[kr, "ios"] ? bsum[kr, "lat"] / bsum[kr, "ios"] : 0
		if (bsum[kr, "slices_x"] == bsum[kr, "slices"])
			for (x = 1; x <= nxkeys; x++)
				vals[k, xkeys[x], n] = bsum[kr, xkeys[x]]
	}
}

# Block I/O: the median of what over a job's rounds; for n given, of
# the first n values (the derived ones below).
function bmed(h, job, v, what,    k) {
	k = key(h, "B:" job, v, "", "")
	return median(k, what)
}
function median_n(k, what, n) {
	if (!n)
		return ""
	sorted(k, what, n)
	return n % 2 ? tmp[(n + 1) / 2] : (tmp[n / 2] + tmp[n / 2 + 1]) / 2
}

# A counter of the VMM (x_exits, x_mmio, ...) in round i of a job (key
# k), net of the same round's idle window (the handshake's own counts);
# "" when that round has none.
function net(k, x, i,    ki, ni) {
	if (!((k, x, i) in vals))
		return ""
	ki = key(p_h, "B:idle", p_v, "", "")
	ni = bround[ki, bround_of[k, i]]
	return vals[k, x, i] - (ni && ((ki, x, ni) in vals) ? vals[ki, x, ni] : 0)
}

# A counter per request of a job, the median over the rounds: per guest
# I/O (den "ios", blkbench's count) or per request the device completed
# (den "x_dev_requests": the block layer merges adjacent I/Os).
function per_req(h, job, v, x, den,    k, i, m, a, b) {
	k = key(h, "B:" job, v, "", "")
	p_h = h; p_v = v
	m = 0
	for (i = 1; i <= cnt[k]; i++) {
		a = net(k, x, i)
		b = den == "ios" ? vals[k, "ios", i] : net(k, den, i)
		if (a != "" && b != "" && b + 0 > 0)
			vals[k, "pr_" x, ++m] = a / b
	}
	return median_n(k, "pr_" x, m)
}

# | job | variant | round 1 | ... | median | spread |: the spread is
# (max - min) / median, how far the rounds are apart.
function blk_rounds_row(h, job, v, what, f, nr,    k, i, line, lo, hi, m, x) {
	k = key(h, "B:" job, v, "", "")
	if (!cnt[k])
		return
	line = "| " job " | " v
	lo = hi = ""
	for (i = 1; i <= nr; i++) {
		x = (k, i) in bround ? vals[k, what, bround[k, i]] : ""
		line = line " | " fmt(x, f)
		if (x != "" && (lo == "" || x + 0 < lo + 0))
			lo = x
		if (x != "" && (hi == "" || x + 0 > hi + 0))
			hi = x
	}
	m = median(k, what)
	printf "%s | %s | %s |\n", line, fmt(m, f),
	    fmt(m + 0 ? (hi - lo) * 100 / m : "", "%.0f %%")
}

# The block I/O tables: lkvm against kvmtool (the peer, or whatever ran
# as kvmtool_blk), targets, the floor, exits per request, every round.
function blk_tables(h,    L, K, U, nj, jl, jlist, i, j, what, f, nr, x, e, worst, worst2, den, w, v, line, sep) {
	L = "lkvm_blk"; K = "kvmtool_blk"; U = "lkvm_user_blk"
	printf "## Block I/O: virtio-blk on virtio-%s, GICv%d host, --irqchip=%s\n",
	    blk_transport, blk_gic, blk_ic
	print ""
	printf "A raw image of %d MiB in the emulated host's tmpfs (a copy per VM) is /dev/vda of a 1-vCPU,\n", blk_mb
	printf "256 MiB guest per VMM, the guests side by side; blkbench (O_DIRECT; QD 1 pread/pwrite, QD 16\n"
	printf "Linux AIO) runs each job %d time(s) %d ms per round on each, the VMs taking turns; median of\n", blk_slices, blk_ms
	printf "the rounds. Both VMMs run with --virtio-transport=%s.\n", blk_transport
	if (cnt[key(h, "B:floor", U, "", "")])
		print "lkvm user: `--irqchip=user`, lkvm's userspace GICv2 and its v2m frame (every figure in the rounds' table)."
	if (blk_icount != "")
		printf "Emulated host of its own, QEMU -icount %s: a ns is an instruction executed, of the guest,\nthe host kernel or the VMM, whatever else the machine runs.\n", blk_icount
	print ""
	print "| metric | lkvm | kvmtool | ratio | target | holds |"
	print "| --- | ---: | ---: | ---: | --- | --- |"
	jlist = "seqread1 seqread16 seqwrite1 seqwrite16 randread1 randread16 randwrite1 randwrite16"
	nj = split(jlist, jl, " ")
	for (i = 1; i <= nj; i++) {
		j = jl[i]
		what = j ~ /^seq/ ? "mbps" : "iops"
		f = what == "mbps" ? "%.1f" : "%.0f"
		row(sprintf("%s %s, %s KiB, QD %s (%s)", j ~ /^seq/ ? "Sequential" : "Random",
		    j ~ /read/ ? "read" : "write", j ~ /^seq/ ? 128 : 4, j ~ /16$/ ? 16 : 1,
		    what == "mbps" ? "MB/s" : "IOPS"),
		    bmed(h, j, L, what), bmed(h, j, K, what), f, ">=", 1.2)
	}
	row("Boot with the root on a disk (ext4, virtio-blk), 2 vCPUs, 512 MiB, exec to exit (median, s)",
	    boot_s(h, L, 2, "blkboot"), boot_s(h, K, 2, "blkboot"), "%.2f", "<=", 0.7)
	row("The floor: one virtqueue round trip, QD 1 4 KiB read of one block (us per request)",
	    bmed(h, "floor", L, "lat"), bmed(h, "floor", K, "lat"), "%.1f", "", "")
	row("The floor: flush, a request without data (us per request)",
	    bmed(h, "flush", L, "lat"), bmed(h, "flush", K, "lat"), "%.1f", "", "")
	# The worst I/O job's exits to lkvm per request: per request the
	# device completed where lkvm counts them, else per guest I/O. The
	# target is the disk's (dev_exits: notifications, interrupt status
	# and acknowledgement, any register access); all exits are shown
	# too, with the console's (each job's result line) among them.
	den = ("x_dev_requests" in xkey) ? "x_dev_requests" : "ios"
	worst = worst2 = ""
	for (i = 1; i <= nj; i++) {
		e = ""
		if ("x_dev_exits" in xkey)
			e = per_req(h, jl[i], L, "x_dev_exits", den)
		if (e != "" && (worst == "" || e > worst))
			worst = e
		e = per_req(h, jl[i], L, "x_exits", den)
		if (e != "" && (worst2 == "" || e > worst2))
			worst2 = e
	}
	if ("x_dev_exits" in xkey)
		printf "| Exits to lkvm at the disk's registers per %s, the highest over the I/O jobs (lkvm stat's dev_exits, net of the handshake) | %s | - | - | 0 | %s |\n",
		    den == "ios" ? "I/O" : "request", fmt(worst, "%.3f"),
		    worst == "" ? "" : (worst < 0.0005 ? "yes" : "**no**")
	printf "|   all exits to lkvm per %s, the console's among them (each job's result line), the highest over the jobs | %s | - | - |  |  |\n",
	    den == "ios" ? "I/O" : "request", fmt(worst2, "%.3f")
	print ""

	# exits first, then the other counters by name.
	for (i = 2; i <= nxkeys; i++) {
		x = xkeys[i]
		for (j = i - 1; j >= 1 && (x == "x_exits" || (xkeys[j] != "x_exits" && xkeys[j] > x)); j--)
			xkeys[j + 1] = xkeys[j]
		xkeys[j + 1] = x
	}
	if (nxkeys) {
		printf "Counters of the VMM per guest I/O (`lkvm stat` at each job's start and end, net of the\n"
		printf "same round's idle window, which has the handshake and no I/O; median of the rounds):\n"
		print ""
		line = "| job | variant | guest I/Os (median) "
		sep = "| --- | --- | ---: "
		for (x = 1; x <= nxkeys; x++) {
			line = line "| " substr(xkeys[x], 3) " "
			sep = sep "| ---: "
		}
		print line "|"
		print sep "|"
		for (i = 0; i <= nj + 1; i++) {
			j = i == 0 ? "floor" : i == nj + 1 ? "flush" : jl[i]
			for (w = 1; w <= nblkvar; w++) {
				v = blkvars[w]
				if (!cnt[key(h, "B:" j, v, "", "")] || !((key(h, "B:" j, v, "", ""), "x_exits", 1) in vals))
					continue
				line = "| " j " | " v " | " fmt(bmed(h, j, v, "ios"), "%d") " "
				for (x = 1; x <= nxkeys; x++)
					line = line "| " fmt(per_req(h, j, v, xkeys[x], "ios"), "%.3f") " "
				print line "|"
			}
		}
		print ""
	}

	nr = blkrounds
	print "Every round (MB/s for the sequential jobs, us per request for the floor and flush, IOPS for the rest):"
	print ""
	line = "| job | variant"
	sep = "| --- | ---"
	for (i = 1; i <= nr; i++) {
		line = line " | round " i
		sep = sep " | ---:"
	}
	print line " | median | spread |"
	print sep " | ---: | ---: |"
	for (i = 0; i <= nj + 1; i++) {
		j = i == 0 ? "floor" : i == nj + 1 ? "flush" : jl[i]
		what = j ~ /^seq/ ? "mbps" : j ~ /^rand/ ? "iops" : "lat"
		f = what == "mbps" ? "%.1f" : what == "iops" ? "%.0f" : "%.1f"
		blk_rounds_row(h, j, L, what, f, nr)
		blk_rounds_row(h, j, U, what, f, nr)
		blk_rounds_row(h, j, K, what, f, nr)
	}
	# Jobs outside the table above (BENCH_BLK_JOBS), as IOPS.
	for (i = 1; i <= nbjobs; i++) {
		j = bjobs[i]
		if (j == "idle" || j == "floor" || j == "flush" || (" " jlist " ") ~ (" " j " "))
			continue
		blk_rounds_row(h, j, L, "iops", "%.0f", nr)
		blk_rounds_row(h, j, U, "iops", "%.0f", nr)
		blk_rounds_row(h, j, K, "iops", "%.0f", nr)
	}
	print ""
}
