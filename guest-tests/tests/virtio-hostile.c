// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-hostile: a guest that does to lkvm's virtio-mmio devices what
 * no driver should, for as long as it is told, and checks every so
 * often that lkvm is still there and its devices still work:
 *
 *  - reads and writes of every width (1, 2, 4, 8 bytes) at every
 *    offset of each window, config space included, with values that
 *    matter (0, all ones, queue indexes, single bits) and random ones;
 *  - handshakes cut short at any step, with random feature bits,
 *    status bits the driver may not set, resets at any moment;
 *  - queues made ready with rings anywhere: in RAM, past its ends, over
 *    MMIO windows (the device's own, the GIC's), unaligned, near 2^64;
 *    sizes of 0, not powers of 2, above QueueNumMax, changed after
 *    DRIVER_OK; rings in RAM full of hostile descriptors (loops, chains
 *    longer than the queue, indirect tables inside indirect tables,
 *    huge and wrapping lengths, addresses outside RAM) and avail index
 *    jumps (virtio-hostile-ring.c);
 *  - notifications for queues that do not exist and before DRIVER_OK;
 *    legacy registers on a version 2 device and version 2 ones on a
 *    legacy device.
 *
 * Every hostile.check-every operations, and at the start and the end, a
 * sanity round: each window still reads its magic value, version,
 * device and vendor ID; a virtio-rng gets random bytes back and a
 * virtio-blk writes and reads back a sector, through a proper handshake
 * and a well-formed ring, with the interrupt that says so.
 *
 * The guest keeps to itself: the only memory it touches is its own
 * image and RAM outside it, and the rings and buffers it hands the
 * devices may lie anywhere but on its image and the DTB (range_unsafe());
 * its MMIO accesses are all aligned, to the windows of the DT's
 * virtio-mmio nodes. Whatever happens, it happens in lkvm.
 *
 * Parameters:
 *   hostile.ms=N           how long to go on (8000)
 *   hostile.ops=N          stop after N operations instead (0: no limit)
 *   hostile.seed=N         the generator's seed (default: the counter;
 *                          printed, so that a failure can be repeated)
 *   hostile.check-every=N  a sanity round every N operations (200)
 *   hostile.devices=N      the number of devices there must be
 *   hostile.timeout-ms=N   for each sanity request (5000)
 *   hostile.linger-ms=N    idle that long after the abuse, before the
 *                          last sanity round (0)
 * "HOSTILE-BEGIN ..." marks the start of the abuse, "HOSTILE-END ..." its
 * end: the host script samples lkvm's memory from one to the other, and
 * once more while the guest lingers.
 */
#include "guest.h"
#include "testdev.h"
#include "virtio-hostile.h"

const char test_name[] = "virtio-hostile";

#define SCRATCH_SIZE	SZ_2M
#define PROGRESS_US	1000000

struct hmem mem;
static struct hdev devs[VIRTIO_MAX_DEVS];
static int nr_devs;

static u32 guarded;		/* writes the guards changed or held back */
static u32 magic_reads, magic_bad;
static u32 needs_reset;		/* Status reads with DEVICE_NEEDS_RESET */
static u64 slowest;		/* counter ticks of the slowest operation */
static int slowest_op;

/* The run, as CPU 0 leads it and the others join in. */
static struct {
	u64 ms, max_ops, every, timeout_us;
	u64 ops, us;		/* CPU 0's */
	volatile int done;	/* CPU 0 is through: the others stop */
	volatile int pause;	/* CPU 0 wants the devices to itself */
	atomic_t paused;	/* the other CPUs that are waiting */
	u64 racer_ops[NR_CPUS];
	u32 stuck;		/* pauses the other CPUs did not reach */
} run;

/* Values a register write may take: those that mean something, mostly. */
u64 rand_val(void)
{
	switch (rnd_below(10)) {
	case 0:	return 0;
	case 1:	return rnd_below(17);
	case 2:	return 0xffffffffUL;
	case 3:	return ~0UL;
	case 4:	return 1UL << rnd_below(64);
	case 5:	return 0xffUL << (8 * rnd_below(4));
	case 6:	return rand_addr();
	case 7:	return (u32)rnd();
	default: return rnd();
	}
}

/* ---- memory ---- */

bool range_unsafe(u64 addr, u64 len)
{
	u64 end = addr + (len ? len : 1);
	int i;

	for (i = 0; i < 2; i++) {
		u64 s = mem.own[i][0], e = mem.own[i][1];

		/* A range that wraps is [addr, 2^64) and [0, end). */
		if (end <= addr ? (addr < e || s < end) : (addr < e && s < end))
			return true;
	}
	return false;
}

u64 rand_scratch(u64 len, u64 align)
{
	u64 off;

	len = MIN(len, mem.scratch_size);
	off = rnd() % (mem.scratch_size - len + 1);
	return mem.scratch + ALIGN_DOWN(off, align ? align : 1);
}

u64 rand_addr(void)
{
	u64 ram = mem.ram_end - mem.ram_base;
	int i;

	switch (rnd_below(13)) {
	case 0: case 1: case 2:
		return rand_scratch(1, 1UL << rnd_below(13));
	case 3:	return mem.ram_base + rnd() % ram;
	case 4:	return mem.ram_base - 1 - rnd_below(SZ_4K);
	case 5:	return mem.ram_end - rnd_below(2 * SZ_4K);
	case 6:	return mem.mmio[rnd_below(mem.nr_mmio)] + rnd_below(VIRTIO_MMIO_WINDOW);
	case 7:	return -(u64)(1 + rnd_below(SZ_64K));
	case 8:	return rnd();
	case 9:	return rnd() % mem.ram_base;
	case 10: return mem.ram_end + rnd_below(SZ_1G);
	case 11:	/* the guest's own: for the guards to keep out */
		i = rnd_below(2);
		return mem.own[i][0] + rnd() % (mem.own[i][1] - mem.own[i][0]);
	default: return rnd_below(2) ? 0 : rnd_below(256);
	}
}

u32 rand_len(void)
{
	switch (rnd_below(10)) {
	case 0:	return 0;
	case 1:	return 1 + rnd_below(16);
	case 2:	return 16;
	case 3:	return 512 * (1 + rnd_below(8));
	case 4:	return 512 * rnd_below(8) + 1 + rnd_below(511);
	case 5:	return rnd_below(SZ_64K);
	case 6:	return 0xffffffffU - rnd_below(16);
	case 7:	return 0x80000000U >> rnd_below(12);
	default: return 1 + rnd_below(SZ_4K);
	}
}

/* The most any queue of the device can span: descriptors, 16 * num. */
static u64 ring_span(const struct hdev *h)
{
	return VRING_DESC_SIZE * MAX(h->d.num_max, 256U) + 8;
}

/*
 * A legacy QueuePFN places all three rings (4.2.4): descriptors and
 * avail ring from PFN * GuestPageSize, the used ring at the next
 * multiple of QueueAlign. Unsafe when, for any queue size the device
 * may hold, some ring would cover the guest's own memory.
 */
static bool layout_unsafe(const struct hdev *h, u64 base, u64 align)
{
	u64 n = MAX(h->d.num_max, 256U), span = 18 * n + 6, used = 8 * n + 6;

	if (range_unsafe(base, span))
		return true;
	if (align <= 2 * SZ_4K)
		return range_unsafe(base, span + align + used);
	/* Larger alignments leave two places for the used ring. */
	return range_unsafe(ALIGN_UP(base + 6, align), used) ||
	       range_unsafe(ALIGN_UP(base + span, align), used);
}

/*
 * Whatever GuestPageSize and QueueAlign the device holds (a reset, or
 * another vCPU, may change them at any moment) and for whichever queue
 * QueuePFN lands on: every power of 2 is tried, as no other value
 * places a ring. RAM is far below 2^63, so a base at or above the
 * guest's memory is safe with any alignment, and one far enough below
 * it too.
 */
static bool pfn_unsafe(const struct hdev *h, u32 pfn)
{
	u64 lo = MIN(mem.own[0][0], mem.own[1][0]);
	u64 hi = MAX(mem.own[0][1], mem.own[1][1]), base;
	int p, a;

	for (p = 0; pfn && p < 32; p++) {
		base = (u64)pfn << p;
		if (base >= hi || base + SZ_64K + (1UL << 31) < lo)
			continue;
		for (a = 0; a < 32; a++)
			if (layout_unsafe(h, base, 1UL << a))
				return true;
	}
	return false;
}

/* ---- registers ---- */

/* Bytes that place rings: written only through the 32-bit guards. */
static bool guarded_byte(u32 off)
{
	return (off >= VM_GUEST_PAGE_SIZE && off < VM_GUEST_PAGE_SIZE + 4) ||
	       (off >= VM_QUEUE_ALIGN && off < VM_QUEUE_READY) ||
	       (off >= VM_QUEUE_DESC_LOW && off < VM_QUEUE_DESC_LOW + 4) ||
	       (off >= VM_QUEUE_DRIVER_LOW && off < VM_QUEUE_DRIVER_LOW + 4) ||
	       (off >= VM_QUEUE_DEVICE_LOW && off < VM_QUEUE_DEVICE_LOW + 4);
}

/*
 * A ring address's low half: with a high half of 0 it must not put a
 * ring on the guest's own memory, which lies below 4 GiB (the image and
 * the DTB are in the first 256 MiB of RAM), so that any other high half
 * is harmless. A legacy QueuePFN that could is not written: false.
 */
static bool guard32(struct hdev *h, u32 off, u64 *val)
{
	switch (off) {
	case VM_QUEUE_DESC_LOW:
	case VM_QUEUE_DRIVER_LOW:
	case VM_QUEUE_DEVICE_LOW:
		if (range_unsafe((u32)*val, ring_span(h))) {
			*val = (u32)(mem.ram_base - 1 - rnd_below(SZ_4K));
			if (range_unsafe(*val, ring_span(h)))
				*val = 0;
			STAT_INC(guarded);
		}
		return true;
	case VM_QUEUE_PFN:
		if (pfn_unsafe(h, *val)) {
			STAT_INC(guarded);
			return false;
		}
		return true;
	}
	return true;
}

void hw_write(struct hdev *h, u32 off, int width, u64 val)
{
	u64 a = h->d.base + off;
	int i;

	if (width == 4) {
		if (!guard32(h, off, &val))
			return;
		writel(val, a);
		return;
	}
	/* lkvm ignores these; were it not to, they could place a ring. */
	for (i = 0; i < width && off < VM_CONFIG; i++)
		if (guarded_byte(off + i))
			val &= ~(0xffUL << (8 * i));
	if (width == 1)
		writeb(val, a);
	else if (width == 2)
		writew(val, a);
	else
		writeq(val, a);
}

u64 hw_read(struct hdev *h, u32 off, int width)
{
	u64 a = h->d.base + off, v;

	if (width == 1)
		return readb(a);
	if (width == 2)
		return readw(a);
	if (width == 8)
		return readq(a);
	v = readl(a);
	if (off == VM_MAGIC) {
		STAT_INC(magic_reads);
		if (v != VIRTIO_MMIO_MAGIC_VALUE)
			STAT_INC(magic_bad);
	}
	if (off == VM_STATUS && (v & VIRTIO_ST_NEEDS_RESET))
		STAT_INC(needs_reset);
	return v;
}

/* ---- set-up ---- */

/* FNV-1a over the guest's code and read-only data, and the DTB. */
static u64 own_sum(void)
{
	const u8 *p;
	u64 h = 0xcbf29ce484222325UL;

	for (p = (const u8 *)_text; p < (const u8 *)_etext; p++)
		h = (h ^ *p) * 0x100000001b3UL;
	for (p = fdt_blob(); p < (const u8 *)fdt_blob() + fdt_total_size(); p++)
		h = (h ^ *p) * 0x100000001b3UL;
	return h;
}

static int mem_init(void)
{
	int node = fdt_find_device_type(-1, "memory"), i;
	u64 base, size, dtb = (u64)fdt_blob();

	if (node < 0 || !fdt_read_reg(node, 0, &base, &size))
		return -1;
	mem.ram_base = base;
	mem.ram_end = base + size;
	mem.own[0][0] = ALIGN_DOWN((u64)_text, SZ_4K);
	mem.own[0][1] = ALIGN_UP((u64)_end, SZ_4K);
	mem.own[1][0] = ALIGN_DOWN(dtb, SZ_4K);
	mem.own[1][1] = ALIGN_UP(dtb + fdt_total_size(), SZ_4K);
	mem.scratch = ALIGN_UP((u64)_end, SZ_64K) + SZ_64K;
	mem.scratch_size = SCRATCH_SIZE;
	if (mem.scratch + SCRATCH_SIZE > mem.ram_end ||
	    range_unsafe(mem.scratch, SCRATCH_SIZE) ||
	    !mmu_is_normal(mem.scratch, SCRATCH_SIZE))
		return -1;
	mem.mmio[mem.nr_mmio++] = console_info()->base;
	if (testdev_present())
		mem.mmio[mem.nr_mmio++] = testdev_base();
	for (i = 0; i < 3 && fdt_read_reg(gic_node(), i, &base, &size); i++)
		mem.mmio[mem.nr_mmio++] = base;
	return 0;
}

/*
 * Devices may write anywhere in RAM but the guest's own: touched once
 * here, so that lkvm's memory is all there before the abuse starts and
 * whatever it grows by afterwards is its own.
 */
static void touch_ram(void)
{
	u64 a;

	for (a = ALIGN_UP(mem.ram_base, SZ_2M); a < ALIGN_DOWN(mem.ram_end, SZ_2M);
	     a += SZ_4K)
		if (!range_unsafe(a, SZ_4K))
			*(volatile u64 *)a = 0;
}

static void on_virtio_irq(u32 intid __unused, u32 iar __unused, void *arg)
{
	struct hdev *h = arg;
	u32 isr = readl(h->d.base + VM_INTERRUPT_STATUS);

	h->irqs++;
	if (isr & VIRTIO_ISR_QUEUE)
		h->irq_queue++;
	if (isr)
		writel(isr, h->d.base + VM_INTERRUPT_ACK);
}

static int find_devices(void)
{
	struct virtio_dev d[VIRTIO_MAX_DEVS];
	int n = virtio_find(d, VIRTIO_MAX_DEVS), i;
	struct hdev *h;

	for (i = 0; i < n; i++) {
		h = &devs[i];
		h->d = d[i];
		h->index = i;
		h->vendor = readl(h->d.base + VM_VENDOR_ID);
		if (h->d.device_id == VIRTIO_ID_BLOCK) {
			h->capacity = readq(h->d.base + VM_CONFIG);
			h->ro = virtio_dev_features(&h->d) & BIT(VIRTIO_BLK_F_RO);
		}
		if (mem.nr_mmio < (int)ARRAY_SIZE(mem.mmio))
			mem.mmio[mem.nr_mmio++] = h->d.base;
		pr_info("device %d: %#lx, version %u, ID %u, %u queue(s) of up to %u, INTID %u",
			i, h->d.base, h->d.version, h->d.device_id,
			h->d.nr_queues, h->d.num_max, h->d.intid);
		if (h->d.intid) {
			irq_set_handler(h->d.intid, on_virtio_irq, h);
			gic_irq_set_edge(h->d.intid, true);
			gic_irq_enable(h->d.intid);
		}
	}
	return n;
}

/* ---- the run ---- */

static void report(u64 ops, u64 us)
{
	char line[160];
	int op, len = 0;

	for (op = 0; op < NR_OPS; op++)
		len += snprintf(line + len, sizeof(line) - len, " %s=%u",
				op_names[op], op_count[op]);
	pr_info("operations:%s", line);
	pr_info("guarded writes %u, NEEDS_RESET seen %u times, magic read %u times",
		guarded, needs_reset, magic_reads);
	pr_info("slowest operation: %s, %lu us", op_names[slowest_op],
		timer_ticks_to_us(slowest));
	for (op = 0; op < nr_devs; op++)
		pr_info("device %d: %u interrupts, %u with the used-buffer bit",
			op, devs[op].irqs, devs[op].irq_queue);
	check(ops > 0 && !run.stuck, "virtio-hostile.ops",
	      "%lu operations in %lu ms on %d CPU(s), %u sanity rounds, %u pauses missed",
	      ops, us / 1000, nr_cpus_online(), san.rounds, run.stuck);
	check(!magic_bad && !san.magic_bad, "virtio-hostile.identity",
	      "MagicValue wrong in %u of %u reads, identity in %u sanity checks",
	      magic_bad, magic_reads, san.magic_bad);
	if (san.rng_ok + san.rng_bad)
		check(!san.rng_bad, "virtio-hostile.rng",
		      "%u of %u requests answered with random bytes",
		      san.rng_ok, san.rng_ok + san.rng_bad);
	else
		check_skip("virtio-hostile.rng", "no virtio-rng");
	if (san.blk_ok + san.blk_bad)
		check(!san.blk_bad, "virtio-hostile.blk",
		      "%u of %u sector write and read-back rounds", san.blk_ok,
		      san.blk_ok + san.blk_bad);
	else
		check_skip("virtio-hostile.blk", "no virtio-blk");
	if (san.net_ok + san.net_bad)
		check(!san.net_bad, "virtio-hostile.net",
		      "%u of %u ARP requests for the gateway answered",
		      san.net_ok, san.net_ok + san.net_bad);
	else
		check_skip("virtio-hostile.net", "no virtio-net");
	if (san.irq_ok + san.irq_bad)
		check(!san.irq_bad, "virtio-hostile.irq",
		      "%u of %u completions came with an interrupt", san.irq_ok,
		      san.irq_ok + san.irq_bad);
}


/*
 * A sanity round with the devices to CPU 0 alone: the others finish
 * the operation they are in first. One that does not within the time
 * of a request is stuck in lkvm (a vCPU that never returns from an
 * MMIO exit); the round goes ahead, and may fail for it.
 */
static void sanity(void)
{
	int others = nr_cpus_online() - 1;
	u64 deadline = timer_deadline_us(run.timeout_us);

	if (others) {
		WRITE_ONCE(run.pause, 1);
		dmb(ish);
		while (atomic_read(&run.paused) < others && !timer_expired(deadline))
			cpu_relax();
		if (atomic_read(&run.paused) < others)
			STAT_INC(run.stuck);
	}
	sanity_round(devs, nr_devs, run.timeout_us);
	dmb(ish);
	WRITE_ONCE(run.pause, 0);
}

/* The other CPUs: operations of their own, at the same time. */
static void racer(int cpu)
{
	while (!READ_ONCE(run.done)) {
		if (READ_ONCE(run.pause)) {
			atomic_inc(&run.paused);
			while (READ_ONCE(run.pause) && !READ_ONCE(run.done))
				cpu_relax();
			atomic_add_return(&run.paused, -1);
			continue;
		}
		run_op(devs, nr_devs);
		run.racer_ops[cpu]++;
	}
}

static void worker(void *arg __unused)
{
	u64 start, end, next, t, ops = 0;
	int op, cpu = smp_processor_id();

	if (cpu) {
		racer(cpu);
		return;
	}
	start = timer_now();
	end = start + timer_us_to_ticks(run.ms * 1000);
	next = start + timer_us_to_ticks(PROGRESS_US);
	while (timer_now() < end && (!run.max_ops || ops < run.max_ops)) {
		t = timer_now();
		op = run_op(devs, nr_devs);
		t = timer_now() - t;
		if (t > slowest) {
			slowest = t;
			slowest_op = op;
		}
		ops++;
		if (run.every && !(ops % run.every))
			sanity();
		if (timer_now() < next)
			continue;
		next += timer_us_to_ticks(PROGRESS_US);
		printf("HOSTILE-PROGRESS ops=%lu sanity=%u rng=%u blk=%u net=%u bad=%u\n",
		       ops, san.rounds, san.rng_ok, san.blk_ok, san.net_ok,
		       san.magic_bad + san.rng_bad + san.blk_bad + san.net_bad +
		       san.irq_bad);
	}
	run.ops = ops;
	run.us = timer_ticks_to_us(timer_now() - start);
	WRITE_ONCE(run.done, 1);
}

void test_main(void)
{
	u64 seed = timer_now() * 0x9e3779b97f4a7c15UL, others = 0, sum;
	int cpu;

	run.ms = bootarg_u64("hostile.ms", 8000);
	run.max_ops = bootarg_u64("hostile.ops", 0);
	run.every = bootarg_u64("hostile.check-every", 200);
	run.timeout_us = bootarg_u64("hostile.timeout-ms", 5000) * 1000;
	seed = bootarg_u64("hostile.seed", seed);
	rnd_seed(seed);
	pr_info("seed %#lx: hostile.seed=%#lx repeats this run", seed, seed);
	testdev_probe();
	if (mem_init())
		test_abort("RAM from the DT leaves no 2 MiB of scratch after the image");
	nr_devs = find_devices();
	if (bootarg_present("hostile.devices"))
		check(nr_devs == (int)bootarg_u64("hostile.devices", 0),
		      "virtio-hostile.devices", "%d virtio-mmio device(s) in the DT",
		      nr_devs);
	if (!nr_devs) {
		check_skip("virtio-hostile.devices", "no virtio-mmio device");
		return;
	}
	local_irq_enable();
	sum = own_sum();
	touch_ram();
	sanity_round(devs, nr_devs, run.timeout_us);
	printf("HOSTILE-BEGIN seed=%#lx devices=%d cpus=%d ms=%lu\n", seed,
	       nr_devs, nr_cpus(), run.ms);
	smp_run(worker, NULL);
	for (cpu = 1; cpu < NR_CPUS; cpu++)
		others += run.racer_ops[cpu];
	printf("HOSTILE-END ops=%lu others=%lu sanity=%u\n", run.ops, others,
	       san.rounds);
	mdelay(bootarg_u64("hostile.linger-ms", 0));
	sanity_round(devs, nr_devs, run.timeout_us);
	check(own_sum() == sum, "virtio-hostile.own-memory",
	      "the guest's code, read-only data and DTB %s", own_sum() == sum ?
	      "unchanged" : "changed: a device wrote where it was never pointed");
	report(run.ops + others, run.us);
}
