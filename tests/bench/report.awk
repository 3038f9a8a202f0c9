# SPDX-License-Identifier: GPL-2.0
#
# The tables of "make bench" (scripts/bench.sh), in Markdown, from the
# BENCH-RUN, BENCH-INFO and BENCH-NOTE lines of the emulated hosts'
# consoles (tests/bench/bench-host-init.sh). POSIX awk.
#
# Variables: peer=1 when kvmtool was measured, cbytes (console guest's
# bytes), nexits (exit-floor guest's writes), cpus_list and mems_list
# (the scaling), gics ("3 2": the hosts, in order).
#
# Statistics are over the runs that did their job (ok=1). Net figures
# subtract, within one host boot, the mean start/stop time of the same
# variant (console, floor) or of the no-op binary (start/stop).
#
# BENCH-RATE (exits to lkvm per second of a running VM) and BENCH-IRQ
# (irqcost.bin: the guest's own clock and lkvm's exit counts) go into
# the same arrays under the metrics "R:<metric>" and "I:<metric>".
# The block I/O tables are blk-report.awk's, loaded with this file.

function key(h, m, v, c, mem) { return h SUBSEP m SUBSEP v SUBSEP c SUBSEP mem }

function sorted(k, what, n,    i, j, t) {
	for (i = 1; i <= n; i++)
		tmp[i] = vals[k, what, i] + 0
	for (i = 2; i <= n; i++) {
		t = tmp[i]
		for (j = i - 1; j >= 1 && tmp[j] > t; j--)
			tmp[j + 1] = tmp[j]
		tmp[j + 1] = t
	}
}

# Statistics of one key's wall_us or maxrss_kb; "" when there is no run.
function median(k, what,    n) {
	n = cnt[k] + 0
	if (!n)
		return ""
	sorted(k, what, n)
	return n % 2 ? tmp[(n + 1) / 2] : (tmp[n / 2] + tmp[n / 2 + 1]) / 2
}
function mean(k, what,    n, i, s) {
	n = cnt[k] + 0
	if (!n)
		return ""
	for (i = 1; i <= n; i++)
		s += vals[k, what, i]
	return s / n
}
function minimum(k, what) { if (!cnt[k]) return ""; sorted(k, what, cnt[k]); return tmp[1] }
function maximum(k, what) { if (!cnt[k]) return ""; sorted(k, what, cnt[k]); return tmp[cnt[k]] }

function fmt(x, f) { return x == "" ? "-" : sprintf(f, x) }
function div(a, b) { return (a == "" || b == "" || b + 0 == 0) ? "" : a / b }
function mul(a, b) { return (a == "" || b == "") ? "" : a * b }
function sub_(a, b) { return (a == "" || b == "") ? "" : a - b }

# A failed or killed key says so instead of a number.
function shown(k, x, f) {
	if (x != "")
		return sprintf(f, x)
	if (tmo[k])
		return sprintf("killed at %d s", limit[k])
	if (fails[k])
		return "failed"
	return "-"
}

# Seconds / milliseconds / KiB of a key.
function boot_s(h, v, c, m) { return div(median(key(h, m == "" ? "boot" : m, v, c, 512), "wall"), 1e6) }
function boot_rss(h, v, c) { return median(key(h, "boot", v, c, 512), "rss") }
function boot_out(h, v, c) { return median(key(h, "boot", v, c, 512), "out") }
function ss_ms(h, v, mem) { return div(mean(key(h, "startstop", v, 1, mem), "wall"), 1e3) }
function rss(h, v, mem) { return median(key(h, "startstop", v, 1, mem), "rss") }
function noop_ms(h) { return ss_ms(h, "noop", 64) }
function net_ms(h, v) { return sub_(ss_ms(h, v, 64), noop_ms(h)) }
function run_s(h, m, v,    w, s) {	# console or null run, net of start/stop
	w = median(key(h, m, v, 1, 64), "wall")
	s = mean(key(h, "startstop", v, 1, 64), "wall")
	return div(sub_(w, s), 1e6)
}
function console_kibs(h, v,    t) { t = run_s(h, "console", v); return (t == "" || t <= 0) ? "" : cbytes / t / 1024 }
function console_us(h, v,    t) { t = run_s(h, "console", v); return t == "" ? "" : t * 1e6 / cbytes }
function floor_us(h, v,    t) { t = run_s(h, "null", v); return t == "" ? "" : t * 1e6 / nexits }
# CPU time (user + system, or system) of the VMM per byte / exit, net of start/stop.
function cpu_per(h, m, v, what, count,    c, s) {
	c = median(key(h, m, v, 1, 64), what)
	s = mean(key(h, "startstop", v, 1, 64), what)
	return div(sub_(c, s), count)
}
# Exits to lkvm per second (what: exits, mmio, signal), median of the windows.
function rate(h, m, v, what) { return median(key(h, "R:" m, v, "", ""), what) }
# irqcost.bin: microseconds per interrupt by the guest's clock (median).
function irq_us(h, m, v) { return div(median(key(h, "I:" m, v, "", ""), "ns"), 1e3) }
# Exits per interrupt: the run with interrupts minus the run without.
function irq_exits(h, m, v, what,    k, k0) {
	k = key(h, "I:" m, v, "", "")
	k0 = key(h, "I:" m "0", v, "", "")
	if (!hasexits[k] || !hasexits[k0])
		return ""
	return div(sub_(median(k, what), median(k0, what)), median(k, "irqs"))
}
# One figure of the per-irqchip table.
function per_irqchip(mt, h, v) {
	if (mt == "boot") return boot_s(h, v, 2)
	if (mt == "ss") return net_ms(h, v)
	if (mt == "console") return console_kibs(h, v)
	if (mt == "floor") return floor_us(h, v)
	if (mt == "irqself" || mt == "irqpp") return irq_us(h, mt, v)
	if (mt == "xself") return irq_exits(h, "irqself", v, "exits")
	if (mt == "xpp") return irq_exits(h, "irqpp", v, "exits")
	if (mt == "ridle") return rate(h, "rate-idle", v, "exits")
	if (mt == "rlidle") return rate(h, "rate-linux-idle", v, "exits")
	if (mt == "rlidle_sig") return rate(h, "rate-linux-idle", v, "signal")
	if (mt == "rlbusy") return rate(h, "rate-linux-busy", v, "exits")
	if (mt == "rlbusy_mmio") return rate(h, "rate-linux-busy", v, "mmio")
	if (mt == "rlbusy_sig") return rate(h, "rate-linux-busy", v, "signal")
	if (mt == "rcon") return rate(h, "rate-console", v, "exits")
	return ""
}

# Least-squares slope of a boot figure over the vCPU counts measured
# (cl[1..nc]): what each extra vCPU costs. what: "s" (time) or "rss".
function slope(h, v, what,    i, c, y, n, sx, sy, sxx, sxy) {
	n = sx = sy = sxx = sxy = 0
	for (i = 1; i <= nc; i++) {
		c = cl[i]
		y = what == "s" ? boot_s(h, v, c) : boot_rss(h, v, c)
		if (y == "")
			continue
		n++; sx += c; sy += y; sxx += c * c; sxy += c * y
	}
	if (n < 2 || n * sxx == sx * sx)
		return ""
	return (n * sxy - sx * sy) / (n * sxx - sx * sx)
}

# | label | lkvm | kvmtool | target | holds |: with a target, it holds
# when lkvm's is no higher.
function slope_row(label, a, b, f, target) {
	printf "| %s | %s | %s | %s | %s |\n", label, fmt(a, f), fmt(b, f),
		target ? "lkvm <= kvmtool" : "",
		(!target || a == "" || b == "") ? "" : (a <= b ? "yes" : "**no**")
}

# Peak RSS of poweroff.bin with 8 vCPUs against 1, per extra vCPU.
function rss_per_vcpu(h, v) {
	return div(sub_(median(key(h, "startstop", v, 8, 64), "rss"), rss(h, v, 64)), 7)
}

# | label | a | b | a/b | target | holds |
function row(label, a, b, f, op, target,    r, hold) {
	r = div(a, b)
	hold = ""
	if (op != "" && r != "")
		hold = (op == "<=" ? r <= target : r >= target) ? "yes" : "**no**"
	printf "| %s | %s | %s | %s | %s | %s |\n", label, fmt(a, f), fmt(b, f),
		fmt(r, "%.2f"), op == "" ? "" : op " " target, hold
}

# The per-irqchip table, over the hosts in hosts[1..nh].
function irqchip_table(    nmt, metrics, j, i, x, mt, h, ic, kv, r, ur) {
	print "## Per irqchip (lkvm); compare within one host only"
	print ""
	print "| metric | host | lkvm in-kernel | lkvm user | user / in-kernel | kvmtool | in-kernel / kvmtool |"
	print "| --- | --- | ---: | ---: | ---: | ---: | ---: |"
	nmt = split("boot ss console floor irqself xself irqpp xpp ridle rlidle rlidle_sig rlbusy rlbusy_mmio rlbusy_sig rcon", metrics, " ")
	label["boot"] = "Linux boot, 2 vCPUs (median, s)"
	label["ss"] = "Start/stop, net (mean, ms)"
	label["console"] = "Console throughput (KiB/s)"
	label["floor"] = "MMIO exit floor (us per exit)"
	label["irqself"] = "Interrupt to itself: self-SGI raised, taken, EOIed (us per interrupt)"
	label["xself"] = "  exits to lkvm per self-SGI"
	label["irqpp"] = "Interrupt to a vCPU in WFI: SGI ping-pong, 2 vCPUs (us per interrupt)"
	label["xpp"] = "  exits to lkvm per ping-pong SGI"
	label["ridle"] = "Exits to lkvm per s: idle.bin, WFI, no timer, 1 vCPU"
	label["rlidle"] = "Exits to lkvm per s: Linux idle in sleep, 2 vCPUs"
	label["rlidle_sig"] = "  of which KVM_EXIT_INTR: kicks and timer-level exits"
	label["rlbusy"] = "Exits to lkvm per s: Linux busy, a shell loop per vCPU, 2 vCPUs"
	label["rlbusy_mmio"] = "  of which MMIO (GIC registers)"
	label["rlbusy_sig"] = "  of which KVM_EXIT_INTR"
	label["rcon"] = "Exits to lkvm per s: console-long.bin, 1 vCPU"
	mf["boot"] = "%.2f"; mf["ss"] = "%.1f"; mf["console"] = "%.1f"; mf["floor"] = "%.1f"
	mf["irqself"] = "%.1f"; mf["irqpp"] = "%.1f"; mf["xself"] = "%.2f"; mf["xpp"] = "%.2f"
	mf["ridle"] = mf["rlidle"] = mf["rlidle_sig"] = mf["rlbusy"] = mf["rlbusy_mmio"] = mf["rlbusy_sig"] = mf["rcon"] = "%.1f"
	for (j = 1; j <= nmt; j++) {
		mt = metrics[j]
		for (i = 1; i <= nh; i++) {
			h = "v" hosts[i]
			ic = "gicv" hosts[i]
			kv[1] = "lkvm_" ic; kv[2] = "lkvm_user"; kv[3] = "kvmtool_" ic
			for (x = 1; x <= 3; x++)
				r[x] = per_irqchip(mt, h, kv[x])
			# Exit counts against next to none: no ratio.
			ur = div(r[2], r[1])
			if (mt ~ /^[xr]/ && r[1] < 1)
				ur = ""
			printf "| %s | %s | %s | %s | %s | %s | %s |\n", label[mt],
			    h " (" ic ")", fmt(r[1], mf[mt]), fmt(r[2], mf[mt]),
			    fmt(ur, "%.2f"), fmt(r[3], mf[mt]),
			    fmt(div(r[1], r[3]), "%.2f")
		}
	}
	print ""
	print "\"user\" is `--irqchip=user` (lkvm's userspace GICv2) on the same host; kvmtool"
	print "runs with the in-kernel GIC of that host. Interrupt costs: irqcost.bin by the"
	print "guest's clock, median; its exits are lkvm's count minus that of the same guest"
	print "without interrupts. Exits per s: \"lkvm stat\" over a window, median; lkvm only."
	print ""
}

# MSI delivery (irqcost.bin irqcost.mode=msi): one row per host and
# variant, as they came; kvmtool's figure of the same host beside.
function msi_table(    i, h, v, r, e, k, kt, rk, src) {
	print "## MSI delivery: one message through the GIC's MSI frame to its handler, 1 vCPU"
	print ""
	print "| host | variant | source | us per MSI | exits to lkvm per MSI | / kvmtool |"
	print "| --- | --- | --- | ---: | ---: | ---: |"
	for (i = 1; i <= nmsiv; i++) {
		split(msiv[i], k, SUBSEP)
		h = k[1]; v = k[2]
		src = msisrc[h, v]
		kt = h == "v3" ? "kvmtool_gicv3its" : "kvmtool_gicv2m"
		r = irq_us(h, "irqmsi", v)
		rk = irq_us(h, "irqmsi", kt)
		e = irq_exits(h, "irqmsi", v, "exits")
		printf "| %s | %s | %s | %s | %s | %s |\n", h, v, src,
		    src == "none" || src == "ignored" ? "-" : fmt(r, "%.1f"), fmt(e, "%.2f"),
		    v == kt ? "" : fmt(div(r, rk), "%.2f")
	}
	print ""
	print "Sources: setspi, the guest's own write of the SPI to the v2m frame's MSI_SETSPI_NS (the"
	print "VMM's frame, in lkvm and kvmtool alike); testdev, a message of lkvm's test device"
	print "(--test-device: one MMIO write, then the device's thread sends it, KVM_SIGNAL_MSI with"
	print "the DeviceID into the in-kernel ITS, or the v2m frame's model); none, an ITS found and"
	print "set up but no device the guest can make send a message (KVM drops a vCPU's own"
	print "GITS_TRANSLATER write); ignored, a frame that raised nothing for the guest's write"
	print "(kvmtool's v2m frame only translates its devices' MSI-X routes). The guest's clock,"
	print "median; exits net of the same guest without MSIs."
	print ""
}

# Splits "KEY=value KEY=value ..." (after the first word) into f[].
function fields(line,    w, n, j, eq) {
	delete f
	n = split(line, w, " ")
	for (j = 2; j <= n; j++) {
		eq = index(w[j], "=")
		if (eq)
			f[substr(w[j], 1, eq - 1)] = substr(w[j], eq + 1)
	}
}

/^BENCH-RUN / {
	fields($0)
	if (f["metric"] != "blkio" && f["metric"] != "blkboot" && f["metric"] !~ /^share-/)
		havecore = 1
	k = key(f["host"], f["metric"], f["variant"], f["cpus"], f["mem"])
	if (!(k in seen)) {
		seen[k] = 1
		order[++nkeys] = k
	}
	limit[k] = f["limit"]
	if (f["ok"] != 1) {
		fails[k]++
		if (f["timedout"] == 1)
			tmo[k]++
		next
	}
	n = ++cnt[k]
	vals[k, "wall", n] = f["wall_us"]
	vals[k, "rss", n] = f["maxrss_kb"]
	vals[k, "out", n] = f["out_bytes"]
	vals[k, "cpu", n] = f["utime_us"] + f["stime_us"]
	vals[k, "sys", n] = f["stime_us"]
	next
}
/^BENCH-RATE / {
	fields($0)
	havecore = 1
	if (f["ok"] != 1 || f["window_ms"] <= 0)
		next
	k = key(f["host"], "R:" f["metric"], f["variant"], "", "")
	n = ++cnt[k]
	vals[k, "exits", n] = f["exits"] * 1000 / f["window_ms"]
	vals[k, "mmio", n] = f["mmio"] * 1000 / f["window_ms"]
	vals[k, "signal", n] = f["signal"] * 1000 / f["window_ms"]
	next
}
/^BENCH-IRQ / {
	fields($0)
	havecore = 1
	k = key(f["host"], "I:" f["metric"], f["variant"], "", "")
	if (f["metric"] ~ /^irqmsi/) {
		havemsi = 1
		if (!((f["host"], f["variant"]) in msisrc))
			msiv[++nmsiv] = f["host"] SUBSEP f["variant"]
		msisrc[f["host"], f["variant"]] = f["src"]
		if (f["src"] == "none" || f["src"] == "ignored")
			next
	}
	n = ++cnt[k]
	vals[k, "irqs", n] = f["irqs"]
	vals[k, "ns", n] = (f["irqs"] > 0 && f["freq"] > 0) ? f["ticks"] * 1e9 / f["freq"] / f["irqs"] : 0
	hasexits[k] = ("exits" in f)
	vals[k, "exits", n] = f["exits"]
	vals[k, "mmio", n] = f["mmio"]
	vals[k, "signal", n] = f["signal"]
	next
}
# Block I/O jobs: one line per run of a job (a slice); the slices of a
# round are added up (requests, time, bytes, counters) in blk_rounds()
# at the end, which gives each round's figures under the metric
# "B:<job>" (iops, mbps, lat: mean latency, ios, x_*: counters).
/^BENCH-BLK / {
	fields($0)
	k = key(f["host"], "B:" f["name"], f["variant"], "", "")
	kr = k SUBSEP f["round"]
	if (!(kr in bsum)) {
		bkeys[++nbkeys] = kr
		bsum[kr] = 1
	}
	bsum[kr, "ios"] += f["ios"]
	bsum[kr, "us"] += f["us"]
	bsum[kr, "bytes"] += f["bytes"]
	bsum[kr, "lat"] += f["lat_us"] * f["ios"]
	if ("x_exits" in f)
		bsum[kr, "slices_x"]++
	bsum[kr, "slices"]++
	for (x in f)
		if (x ~ /^x_/) {
			bsum[kr, x] += f[x]
			if (!(x in xkey))
				xkeys[++nxkeys] = x
			xkey[x] = 1
		}
	if (!(f["variant"] in blkvar))
		blkvars[blkvar[f["variant"]] = ++nblkvar] = f["variant"]
	if (!(f["name"] in bjob))
		bjobs[bjob[f["name"]] = ++nbjobs] = f["name"]
	if (f["round"] + 0 > blkrounds)
		blkrounds = f["round"] + 0
	haveblk = 1
	next
}
/^BENCH-TRACE / {
	trace[++ntrace] = $0
	next
}
/^BENCH-SAMPLE / {
	sample[++nsample] = $0
	next
}
/^BENCH-TASK / {
	task[++ntask] = $0
	next
}
/^BENCH-(INFO|NOTE) / {
	notes[++nnotes] = substr($0, 7)
	next
}

END {
	nh = split(gics, hosts, " ")
	has3 = 0
	for (i = 1; i <= nh; i++)
		if (hosts[i] == 3)
			has3 = 1

	blk_rounds()
	if (blk_gic == "")
		blk_gic = 3
	if (haveblk || cnt[key("v" blk_gic, "blkboot", "lkvm_blk", 2, 512)] ||
	    fails[key("v" blk_gic, "blkboot", "lkvm_blk", 2, 512)])
		blk_tables("v" blk_gic)

	if (has3 && havecore) {
		h = "v3"
		L = "lkvm_gicv3"; K = "kvmtool_gicv3"; KN = "kvmtool_gicv3_nonet"
		print "## lkvm vs kvmtool: GICv3 host, in-kernel GICv3"
		print ""
		print "| metric | lkvm | kvmtool | ratio | target | holds |"
		print "| --- | ---: | ---: | ---: | --- | --- |"
		row("Linux boot, 2 vCPUs, 512 MiB, exec to exit (median, s)",
		    boot_s(h, L, 2), peer ? boot_s(h, K, 2) : "", "%.2f", "<=", 0.95)
		row("Start/stop, poweroff.bin, 1 vCPU, 64 MiB, net of a no-op (mean, ms)",
		    net_ms(h, L), peer ? net_ms(h, K) : "", "%.1f", "<=", 0.6)
		if (peer && cnt[key(h, "startstop", KN, 1, 64)])
			row("  same, kvmtool with --network mode=none",
			    net_ms(h, L), net_ms(h, KN), "%.1f", "<=", 0.6)
		row("Start/stop, gross (mean, ms)",
		    ss_ms(h, L, 64), peer ? ss_ms(h, K, 64) : "", "%.1f", "", "")
		row("Peak RSS, poweroff.bin, -m 64 (median, KiB)",
		    rss(h, L, 64), peer ? rss(h, K, 64) : "", "%d", "<=", 0.6)
		if (peer && cnt[key(h, "startstop", KN, 1, 64)])
			row("  same, kvmtool with --network mode=none",
			    rss(h, L, 64), rss(h, KN, 64), "%d", "<=", 0.6)
		row("Peak RSS, poweroff.bin, -m 4096 (median, KiB)",
		    rss(h, L, 4096), peer ? rss(h, K, 4096) : "", "%d", "<=", 0.6)
		if (peer && cnt[key(h, "startstop", KN, 1, 4096)])
			row("  same, kvmtool with --network mode=none",
			    rss(h, L, 4096), rss(h, KN, 4096), "%d", "<=", 0.6)
		row("Linux boot: console output (median, bytes)",
		    boot_out(h, L, 2), peer ? boot_out(h, K, 2) : "", "%d", "", "")
		row("Linux boot: console share, output x cost per byte (est., s)",
		    div(mul(boot_out(h, L, 2), console_us(h, L)), 1e6),
		    peer ? div(mul(boot_out(h, K, 2), console_us(h, K)), 1e6) : "", "%.2f", "", "")
		row("Peak RSS, Linux boot, 2 vCPUs, 512 MiB (median, KiB)",
		    boot_rss(h, L, 2), peer ? boot_rss(h, K, 2) : "", "%d", "", "")
		row(sprintf("Console throughput, %d bytes polled (KiB/s)", cbytes),
		    console_kibs(h, L), peer ? console_kibs(h, K) : "", "%.1f", ">=", 1.5)
		row("Console cost per byte (us)",
		    console_us(h, L), peer ? console_us(h, K) : "", "%.1f", "", "")
		row("MMIO exit floor: write nobody claims (us per exit)",
		    floor_us(h, L), peer ? floor_us(h, K) : "", "%.1f", "", "")
		row("Console: VMM CPU time per byte, user + system (us)",
		    cpu_per(h, "console", L, "cpu", cbytes),
		    peer ? cpu_per(h, "console", K, "cpu", cbytes) : "", "%.1f", "", "")
		row("Console: of which system (us)",
		    cpu_per(h, "console", L, "sys", cbytes),
		    peer ? cpu_per(h, "console", K, "sys", cbytes) : "", "%.1f", "", "")
		row("Exit floor: VMM CPU time per exit, user + system (us)",
		    cpu_per(h, "null", L, "cpu", nexits),
		    peer ? cpu_per(h, "null", K, "cpu", nexits) : "", "%.1f", "", "")
		row("Exit floor: of which system (us)",
		    cpu_per(h, "null", L, "sys", nexits),
		    peer ? cpu_per(h, "null", K, "sys", nexits) : "", "%.1f", "", "")
		row("Console cost per byte in floor exits",
		    div(console_us(h, L), floor_us(h, L)),
		    peer ? div(console_us(h, K), floor_us(h, K)) : "", "%.2f", "", "")
		print ""
		printf "Starting a static no-op binary: %s ms (mean of %d, same rounds).\n",
		    fmt(noop_ms(h), "%.1f"), cnt[key(h, "startstop", "noop", 1, 64)]
		if (cnt[key(h, "startstop", "bare", 1, 64)])
			printf "The floor, bare-vm (KVM's own work: VM, RAM, GIC, one vCPU run on the main thread, close): %s ms net (mean of %d, same rounds); lkvm %s ms above it%s.\n",
			    fmt(net_ms(h, "bare"), "%.1f"), cnt[key(h, "startstop", "bare", 1, 64)],
			    fmt(sub_(net_ms(h, L), net_ms(h, "bare")), "%.1f"),
			    peer ? ", kvmtool " fmt(sub_(net_ms(h, K), net_ms(h, "bare")), "%.1f") : ""
		print ""

		print "## Scaling: GICv3 host"
		print ""
		print "| vCPUs | lkvm boot (s) | kvmtool boot (s) | ratio | lkvm RSS (KiB) | kvmtool RSS (KiB) | ratio | runs |"
		print "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
		nc = split(cpus_list, cl, " ")
		for (i = 1; i <= nc; i++) {
			c = cl[i]
			kl = key(h, "boot", L, c, 512); kk = key(h, "boot", K, c, 512)
			printf "| %d | %s | %s | %s | %s | %s | %s | %d |\n", c,
			    shown(kl, boot_s(h, L, c), "%.2f"),
			    peer ? shown(kk, boot_s(h, K, c), "%.2f") : "-",
			    fmt(div(boot_s(h, L, c), boot_s(h, K, c)), "%.2f"),
			    fmt(boot_rss(h, L, c), "%d"), fmt(boot_rss(h, K, c), "%d"),
			    fmt(div(boot_rss(h, L, c), boot_rss(h, K, c)), "%.2f"),
			    cnt[kl] + fails[kl]
		}
		print ""
		if (peer && nc > 1) {
			print "| cost per extra vCPU (least squares over " nc " vCPU counts) | lkvm | kvmtool | target | holds |"
			print "| --- | ---: | ---: | --- | --- |"
			slope_row("Linux boot, exec to exit (s per vCPU)",
			    slope(h, L, "s"), slope(h, K, "s"), "%.2f", 1)
			slope_row("Peak RSS of the VMM, poweroff.bin with 8 vCPUs against 1 (KiB per vCPU)",
			    rss_per_vcpu(h, L), rss_per_vcpu(h, K), "%.1f", 1)
			slope_row("Peak RSS, Linux boot: the guest's memory and the VMM's (KiB per vCPU)",
			    slope(h, L, "rss"), slope(h, K, "rss"), "%d", 0)
			print ""
		}
		print "| -m (MiB) | lkvm RSS (KiB) | kvmtool RSS (KiB) | ratio | kvmtool -n none RSS (KiB) | ratio | lkvm start/stop (ms) | kvmtool start/stop (ms) |"
		print "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
		nm = split(mems_list, ml, " ")
		for (i = 1; i <= nm; i++) {
			m = ml[i]
			printf "| %d | %s | %s | %s | %s | %s | %s | %s |\n", m,
			    fmt(rss(h, L, m), "%d"), fmt(rss(h, K, m), "%d"),
			    fmt(div(rss(h, L, m), rss(h, K, m)), "%.2f"),
			    fmt(rss(h, KN, m), "%d"),
			    fmt(div(rss(h, L, m), rss(h, KN, m)), "%.2f"),
			    fmt(ss_ms(h, L, m), "%.1f"), fmt(ss_ms(h, K, m), "%.1f")
		}
		print ""
	}

	if (havecore)
		irqchip_table()
	if (havemsi)
		msi_table()

	if (nsample) {
		print "## Running VMs sampled: /proc/PID/smaps_rollup and status after a few seconds"
		print ""
		print "idle: idle.bin (WFI forever); busy: console output without end (console.bin); 1 vCPU, 64 MiB."
		print ""
		print "| host | guest | variant | threads | RSS (KiB) | anonymous (KiB) | file and shmem (KiB) | VmSize (KiB) | CPU time (ms) | over (s) |"
		print "| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
		for (i = 1; i <= nsample; i++) {
			fields(sample[i])
			printf "| %s | %s | %s | %d | %d | %d | %d | %d | %.1f | %s |\n", f["host"],
			    f["metric"], f["variant"], f["threads"], f["rss_kb"], f["anon_kb"],
			    f["rss_kb"] - f["anon_kb"], f["vmsize_kb"], f["cpu_us"] / 1000,
			    f["seconds"]
		}
		print ""
	}
	if (ntask) {
		print "Their threads (CPU time in clock ticks of 10 ms; vcsw/nvcsw: voluntary and"
		print "involuntary context switches, i.e. sleeps and preemptions):"
		print ""
		print "| host | guest | variant | thread | user (ms) | system (ms) | vcsw | nvcsw |"
		print "| --- | --- | --- | --- | ---: | ---: | ---: | ---: |"
		for (i = 1; i <= ntask; i++) {
			fields(task[i])
			printf "| %s | %s | %s | %s | %d | %d | %d | %d |\n", f["host"], f["metric"],
			    f["variant"], f["comm"] " " f["tid"], f["utime_ticks"] * 10, f["stime_ticks"] * 10,
			    f["vcsw"], f["nvcsw"]
		}
		print ""
	}

	if (ntrace) {
		print "## Start/stop timelines: poweroff.bin with --loglevel=debug, one run each"
		print ""
		print "Milliseconds from fork to each line of the VMM's standard error; the last line is wait4()."
		print ""
		last = ""
		for (i = 1; i <= ntrace; i++) {
			split(trace[i], w, " ")
			hv = w[2] " " w[3]
			if (hv != last)
				printf "%s    %s %s\n", last == "" ? "" : "\n", substr(w[2], 6), substr(w[3], 9)
			last = hv
			line = trace[i]
			sub(/^BENCH-TRACE [^ ]* [^ ]* t_us=[0-9]* ?/, "", line)
			printf "    %9.2f  %s\n", substr(w[4], 6) / 1000, substr(line, 1, 110)
		}
		print ""
	}

	print "## Every group of runs"
	print ""
	print "| host | metric | variant | vCPUs | -m | runs ok | failed | wall median (s) | mean | min | max | CPU median (s) | sys median (s) | RSS median (KiB) |"
	print "| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
	for (i = 1; i <= nkeys; i++) {
		k = order[i]
		split(k, p, SUBSEP)
		printf "| %s | %s | %s | %s | %s | %d | %d | %s | %s | %s | %s | %s | %s | %s |\n",
		    p[1], p[2], p[3], p[4], p[5], cnt[k], fails[k],
		    fmt(div(median(k, "wall"), 1e6), "%.3f"), fmt(div(mean(k, "wall"), 1e6), "%.3f"),
		    fmt(div(minimum(k, "wall"), 1e6), "%.3f"), fmt(div(maximum(k, "wall"), 1e6), "%.3f"),
		    fmt(div(median(k, "cpu"), 1e6), "%.3f"), fmt(div(median(k, "sys"), 1e6), "%.3f"),
		    fmt(median(k, "rss"), "%d")
	}
	print ""
	print "## Hosts, versions, what the guests saw"
	print ""
	for (i = 1; i <= nnotes; i++)
		print "    " notes[i]
}
