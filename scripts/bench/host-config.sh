# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash disable=SC2154	# sourced: its variables are bench.sh's
#
# Each emulated host's /bench/config for "make bench", sourced by
# scripts/bench.sh: which variants each phase of the host's init
# (tests/bench/bench-host-init.sh) runs, their commands, and the knobs.


# Variants are VMM + irqchip (+ options); CMD_<variant> is the command.
# KIND: core (every phase but blk), blk (blk alone) or all.
# only_modes "MODES": those of MODES that BENCH_SHARE_MODES names.
only_modes() {
	local m out=''
	for m in $1; do
		case " $SHARE_MODES_ONLY " in *" $m "*) out+=" $m" ;; esac
	done
	printf '%s' "$out"
}

write_config() {	# write_config GIC KIND
	local g=$1 kind=$2 ic lk kt all boot ss rss con scale irq rate blk warm sample busy trace null
	local snap='' snap_peers=''
	ic=gicv$g
	lk=lkvm_$ic kt=kvmtool_$ic
	if [ "$g" = 3 ]; then
		boot=$lk con=$lk scale=$lk rss=$lk
		ss="noop bare $lk"
	else
		# The GICv2 host is for the per-irqchip rows: no scaling there.
		boot=$lk con=$lk scale='' rss=''
		ss="noop bare $lk"
	fi
	# The userspace GIC's costs: irqcost.bin for every variant, the
	# exits per second for lkvm only (kvmtool does not count them).
	irq=$lk rate=$lk
	# MSI delivery, irqcost.bin's msi mode, through each backend's MSI
	# frame: the in-kernel ITS (GICv3; lkvm's messages from its test
	# device, kvmtool's run only finds and sets up the ITS), the gicv2m
	# frame (GICv2), lkvm's own GIC's v2m frame (either host).
	mic=gicv2m
	[ "$g" = 3 ] && mic=gicv3-its
	msi=lkvm_${mic/-/}
	# The frame's own cost against the device's hop: on GICv2 the test
	# device's messages through gicv2m's frame too.
	[ "$g" = 2 ] && msi+=" lkvm_gicv2m_td"
	if [ "$USER_GIC" = 1 ]; then
		boot+=" lkvm_user" con+=" lkvm_user" ss+=" lkvm_user"
		irq+=" lkvm_user" rate+=" lkvm_user" msi+=" lkvm_user"
	fi
	if [ -n "$PEER" ]; then
		boot+=" $kt" con+=" $kt" ss+=" $kt" irq+=" $kt" msi+=" kvmtool_${mic/-/}"
		[ -n "$scale" ] && scale+=" $kt"
		[ -n "$rss" ] && rss+=" $kt"
		if [ "$NONET" = 1 ] && [ "$g" = 3 ]; then
			ss+=" ${kt}_nonet" rss+=" ${kt}_nonet"
		fi
	fi
	# The block I/O rows: lkvm and kvmtool with their virtio devices on
	# BLK_TRANSPORT (kvmtool's default is PCI), in BLK_GIC's host only;
	# on GICv2 lkvm's own GIC too, its v2m frame taking the MSI-X.
	blk=
	if on blk && [ "$g" = "$BLK_GIC" ] && [ "$kind" != core ]; then
		blk=lkvm_blk
		[ "$g" = 2 ] && [ "$USER_GIC" = 1 ] && blk+=" lkvm_user_blk"
		[ -n "$PEER" ] && blk+=" kvmtool_blk"
	fi
	# The snapshot rows: lkvm's restore and cold boot, kvmtool's cold
	# boot, GICv3 host only.
	if on snap && [ "$g" = 3 ] && [ "$kind" != blk ]; then
		snap=$lk
		[ -n "$PEER" ] && snap_peers=$kt
	fi
	# shellcheck disable=SC2086	# lists of words
	all=$(printf '%s\n' $boot $ss $rss $blk $snap $snap_peers | grep -vx 'noop\|bare' | awk '!seen[$0]++' | tr '\n' ' ')
	# The start/stop warm-up runs whatever is selected: it warms the host.
	warm=$ss sample=$all busy=$con trace=$boot
	on startstop || ss=''
	on rss || rss=''
	on trace || trace=''
	on sample || sample='' busy=''
	null=''
	on null && null=$con
	on console || con=''
	on irq || irq='' msi=''
	on rate || rate=''
	on boot || boot=''
	on scale || scale=''
	# The 9p and network rows: GICv3 host, lkvm and kvmtool on virtio-mmio.
	share='' share_vmms=lkvm
	[ -n "$PEER" ] && share_vmms+=" kvmtool"
	if [ "$g" = 3 ] && [ "$kind" != core ]; then
		on p9 && share="p9 dboot dbooti"
		on net && share+=" user tap vhost"
		[ -n "$SHARE_MODES_ONLY" ] && share=$(only_modes "$share")
	fi
	if [ "$kind" = blk ]; then
		ss='' rss='' trace='' sample='' busy='' null='' con='' irq='' rate='' msi=''
		boot='' scale='' warm=''
		all=$blk
	fi
	cat <<-EOF
	# written by scripts/bench.sh
	HOST=v$g
	VARIANTS='$all'
	CMD_$lk='$vmm_in_host run --irqchip=$ic'
	CMD_lkvm_user='$vmm_in_host run --irqchip=user'
	CMD_$kt='/bench/bin/kvmtool run --irqchip=$ic'
	CMD_${kt}_nonet='/bench/bin/kvmtool run --irqchip=$ic --network mode=none'
	CMD_lkvm_${mic/-/}='$vmm_in_host run --irqchip=$mic$( [ "$g" = 3 ] && echo ' --test-device')'
	CMD_kvmtool_${mic/-/}='/bench/bin/kvmtool run --irqchip=$mic'
	CMD_lkvm_gicv2m_td='$vmm_in_host run --irqchip=gicv2m --test-device'
	ROUNDS=$ROUNDS
	SS_ROUNDS=$SS_ROUNDS
	WARM_ROUNDS=$( [ -n "$warm" ] && echo "$WARM_ROUNDS" || echo 0)
	RSS_ROUNDS=$RSS_ROUNDS
	SCALE_ROUNDS=$SCALE_ROUNDS
	RSS_MEMS='$( [ -n "$rss" ] && echo "$RSS_MEMS")'
	SCALE_CPUS='$( [ -n "$scale" ] && echo "$SCALE_CPUS")'
	BOOT_VARIANTS='$boot'
	SS_VARIANTS='$ss'
	RSS_VARIANTS='$rss'
	NULL_VARIANTS='$null'
	CONSOLE_VARIANTS='$con'
	SCALE_VARIANTS='$scale'
	SAMPLE_VARIANTS='$sample'
	BUSY_VARIANTS='$busy'
	TRACE_VARIANTS='$trace'
	WARM_VARIANTS='$warm'
	BLK_VARIANTS='$blk'
	SNAP_LKVM='$snap'
	SNAP_PEERS='$snap_peers'
	SNAP_ROUNDS=$SNAP_ROUNDS
	SNAP_MEMS='$SNAP_MEMS'
	SNAP_FILL_MB=$SNAP_FILL
	SNAP_VMS=$SNAP_VMS
	CMD_lkvm_blk='$vmm_in_host run --irqchip=$blk_ic --virtio-transport=$BLK_TRANSPORT'
	CMD_lkvm_user_blk='$vmm_in_host run --irqchip=user --virtio-transport=$BLK_TRANSPORT'
	CMD_kvmtool_blk='/bench/bin/kvmtool run --irqchip=$blk_ic --virtio-transport=$BLK_TRANSPORT'
	BLK_ROUNDS=$BLK_ROUNDS
	BLK_SLICES=$BLK_SLICES
	BLK_MS=$BLK_MS
	BLK_JOBS='$BLK_JOBS'
	BLK_MB=$BLK_MB
	BLK_BOOT_ROUNDS=$BLK_BOOT_ROUNDS
	BLK_LIMIT=$((BOOT_LIMIT + $(wc -w <<<"$BLK_JOBS") * BLK_SLICES * $(wc -w <<<"$blk") * (BLK_MS / 1000 + 15)))
	BLK_IMG=/tmp/bench/blk.img
	BLK_INITRD=/bench/blk/blk-initramfs.cpio.gz
	DISK_INITRD=/bench/blk/disk-initramfs.cpio.gz
	BLK_ROOTFS=/bench/blk/rootfs.img.gz
	TRACE_LINES=60
	SAMPLE_SECONDS=$SAMPLE_SECONDS
	IRQ_VARIANTS='$irq'
	IRQ_MSI_VARIANTS='$msi'
	IRQ_ROUNDS=$IRQ_ROUNDS
	IRQ_N=$IRQ_N
	IRQ_LIMIT=120
	RATE_VARIANTS='$rate'
	RATE_ROUNDS=$RATE_ROUNDS
	RATE_SECONDS=$RATE_SECONDS
	BOOT_LIMIT=$BOOT_LIMIT
	SCALE_LIMIT=$SCALE_LIMIT
	SHORT_LIMIT=300
	CONSOLE_BYTES=$CONSOLE_BYTES
	NULL_EXITS=$NULL_EXITS
	GUEST_PARAMS='$GUEST_PARAMS'
	SHARE_MODES='$share'
	SHARE_VMMS='$share_vmms'
	SHARE_CMD_lkvm='$vmm_in_host run --irqchip=gicv3 --virtio-transport=mmio'
	SHARE_CMD_kvmtool='/bench/bin/kvmtool run --irqchip=gicv3 --virtio-transport=mmio'
	SHARE_BIN_lkvm='$vmm_in_host'
	SHARE_BIN_kvmtool='$( [ -n "$PEER" ] && echo /bench/bin/kvmtool)'
	SHARE_ROUNDS=$SHARE_ROUNDS
	SHARE_FILES=$SHARE_FILES
	SHARE_MB=$SHARE_MB
	SHARE_MS=$SHARE_MS
	SHARE_P9_JOBS=$SHARE_P9_JOBS
	SHARE_NET_JOBS=$SHARE_NET_JOBS
	SHARE_INITRD=/bench/share-initramfs.cpio.gz
	SHARE_LIMIT=$BOOT_LIMIT
	EOF
	[ -z "${BENCH_CONFIG_EXTRA:-}" ] || printf '%s\n' "$BENCH_CONFIG_EXTRA"
}
