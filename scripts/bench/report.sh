# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash disable=SC2154	# sourced: its variables are bench.sh's
#
# What "make bench" shows, sourced by scripts/bench.sh: a line of
# progress per run while an emulated host measures, and the report's
# tables, from the hosts' console logs, at the end.


# One line of progress per run, from its BENCH-RUN line.
show_run() {
	awk '{
		for (i = 2; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] }
		printf "  %-9s %-22s c%-2s m%-5s r%-2s %8.2f s %8d KiB%s\n", f["metric"],
			f["variant"], f["cpus"], f["mem"], f["round"], f["wall_us"] / 1e6,
			f["maxrss_kb"], f["ok"] == 1 ? "" : "  FAILED"
	}' <<<"$1"
}

# One line of progress per block I/O job, from its BENCH-BLK line.
show_blk() {
	awk '{
		for (i = 2; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] }
		printf "  blk       %-22s r%-2s s%-2s %-12s %8s IOPS %8s MB/s%s\n", f["variant"],
			f["round"], f["slice"], f["name"], f["iops"], f["mbps"],
			("x_exits" in f) ? "  exits " f["x_exits"] : ""
	}' <<<"$1"
}

# report_write LOG...: the report (Markdown) from the hosts' console logs.
report_write() {
	echo "# lkvm benchmark, $(date -u '+%Y-%m-%d %H:%M UTC')"
	echo
	echo "Emulated arm64 host: QEMU $(qemu-system-aarch64 --version | head -n 1 | awk '{ print $4 }') TCG," \
		"-cpu $QEMU_CPU -smp $QEMU_SMP -m $QEMU_MEM${HOST_ICOUNT:+ -icount $HOST_ICOUNT}, on $(uname -m) ($(nproc) CPUs)," \
		"kernel $(cat "$ASSETS/Image.version" 2>/dev/null || echo unknown) as host and guest."
	echo "lkvm: $(git describe --always --dirty 2>/dev/null || echo unknown) ($VMM);" \
		"peer: ${PEER:-none}."
	echo "Rounds: boot/console/floor $ROUNDS, start/stop $SS_ROUNDS, RSS $RSS_ROUNDS," \
		"scaling $SCALE_ROUNDS; console $CONSOLE_BYTES bytes, floor $NULL_EXITS exits;" \
		"irqcost.bin $IRQ_ROUNDS x $IRQ_N interrupts; exit rates $RATE_ROUNDS x $RATE_SECONDS s;" \
		"block I/O $BLK_ROUNDS x $BLK_SLICES x $BLK_MS ms per job (--irqchip=$blk_ic, virtio-$BLK_TRANSPORT${BLK_ICOUNT:+, -icount $BLK_ICOUNT}), boot on a disk $BLK_BOOT_ROUNDS. Phases: $PHASES."
	echo
	cat "$@" 2>/dev/null | tr -d '\r' | grep -E '^BENCH-(RUN|RATE|IRQ|BLK|INFO|NOTE|SAMPLE|TASK|TRACE) ' \
	| awk -v peer="${PEER:+1}" -v cbytes="$CONSOLE_BYTES" -v nexits="$NULL_EXITS" \
	      -v blk_ms="$BLK_MS" -v blk_slices="$BLK_SLICES" -v blk_mb="$BLK_MB" \
	      -v blk_icount="$BLK_ICOUNT" -v blk_gic="$BLK_GIC" -v blk_ic="$blk_ic" \
	      -v blk_transport="$BLK_TRANSPORT" \
	      -v cpus_list="$SCALE_CPUS" -v mems_list="$RSS_MEMS" -v gics="$GICS" \
	      -f tests/bench/blk-report.awk -f tests/bench/report.awk
	if on snap; then
		cat "$@" 2>/dev/null | tr -d '\r' | grep -E '^BENCH-SNAP ' |
			awk -v peer="${PEER:+1}" -v rounds="$SNAP_ROUNDS" -f tests/bench/snap-report.awk
	fi
	if on p9 || on net; then
		cat "$@" 2>/dev/null | tr -d '\r' | grep -E '^BENCH-SHARE ' \
		| awk -v peer="${PEER:+1}" -v files="$SHARE_FILES" -v mb="$SHARE_MB" -v ms="$SHARE_MS" \
		      -f tests/bench/share-report.awk
	fi
}
