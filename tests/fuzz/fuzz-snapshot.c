// SPDX-License-Identifier: GPL-2.0
/*
 * The snapshot file's parser (lib/snapshot.c) and the device models'
 * state decoders (devices/device-snap.c; virtio-mmio and virtio-pci
 * devices, the virtio-net card: snapshot-virtio-fz.c; the PCI test
 * device) under any file.
 *
 * Input: a u32 of extra file size (the RAM the bytes do not hold),
 * then the file's first bytes: header and state. The CRC is made right
 * when the first input byte is odd, so that the fuzzer reaches the
 * section walk and the decoders instead of stopping at the checksum.
 *
 * Invariants: a file accepted has every section inside its state, its
 * RAM inside the file, page aligned and after the state; the decoders
 * read only their section and leave the models' FIFO and index in range.
 * A GICv2 record accepted has its counts in range, fills its section
 * exactly, and loads into lkvm's GIC model of that size, which saves it
 * back as a record that encodes and decodes to itself. MTE tags
 * accepted are in a file of a VM with MTE, whole records, each page
 * inside RAM and after the one before (seed: mte-tags).
 */
#include "devices/device-snap.h"
#include "devices/pci/host.h"
#include "devices/pci/pci-testdev.h"
#include "gic/gicv2-state.h"
#include "gic/ugic-snap.h"
#include "lib/snapshot.h"
#include "tests/fuzz/fuzz.h"
#include "tests/fuzz/snapshot-virtio-fz.h"

static void fuzz_gicv2(const uint8_t *state, const struct snapshot_section *sec)
{
	static struct gicv2_state st, again, back;
	struct ugic_config cfg = { 0 };
	struct snapshot s, out = { 0 };
	struct ugic *gic;

	snapshot_open(&s, state, sec);
	if (gicv2_state_decode(&st, &s))
		return;
	FUZZ_CHECK(st.nr_cpus >= 1 && st.nr_cpus <= GICV2_STATE_MAX_CPUS);
	FUZZ_CHECK(st.nr_irqs % 32 == 0 && st.nr_irqs <= GICV2_STATE_MAX_IRQS);
	FUZZ_CHECK(s.rd_off == s.rd_len);
	cfg.nr_cpus = st.nr_cpus;
	if (st.nr_irqs > UGIC_MAX_NR_IRQS || ugic_create(&gic, &cfg))
		return;
	if (!ugic_set_nr_irqs(gic, st.nr_irqs) && !ugic_init(gic) &&
	    !ugic_snap_restore(gic, &st)) {
		FUZZ_CHECK(!ugic_snap_save(gic, &again));
		gicv2_state_encode(&again, &out);
		s = (struct snapshot){ .rd = out.buf, .rd_len = out.len };
		FUZZ_CHECK(!out.err && !gicv2_state_decode(&back, &s));
		FUZZ_CHECK(!memcmp(&back, &again, sizeof(back)));
		snapshot_free(&out);
	}
	ugic_destroy(&gic);
}

/* As the PCI test device's, on a bridge: a test in range, BARs in their windows. */
static void fuzz_pci_testdev(const uint8_t *state, const struct snapshot_section *sec)
{
	static const struct pci_host_map map = {
		.cfg_base = 0x40000000, .cfg_size = 0x10000000,
		.mem_base = 0x50000000, .mem_size = 0x30000000,
		.io_size = 0x10000,
	};
	struct device_ctx ctx = { .loglevel = -1 };
	static struct pci_testdev t;
	static struct pci_host h;
	struct snapshot s;
	unsigned int b;

	if (pci_host_init(&h, &map, 1, -1))
		return;
	if (pci_testdev_init(&t, &ctx)) {
		pci_host_destroy(&h);
		return;
	}
	snapshot_open(&s, state, sec);
	if (!pci_host_add(&h, &t.pdev) && !pci_testdev_restore(&t, &s)) {
		FUZZ_CHECK(t.current >= PCI_TESTDEV_NONE && t.current < 2 * PCI_TESTDEV_TESTS);
		for (b = 0; b < 2; b++)
			FUZZ_CHECK(t.bar_at[b] == PCI_DECODE_NONE ||
				   t.bar_at[b] < map.mem_base + map.mem_size);
	}
	pci_testdev_destroy(&t);
	pci_host_destroy(&h);
}

static void fuzz_decoders(const uint8_t *state, const struct snapshot_section *sec)
{
	static struct uart8250 u;
	static struct rtc_cmos r;
	struct irq_line line = { 0 };
	struct snapshot s;

	uart8250_init(&u, 0x1000000, &line, NULL, NULL);
	snapshot_open(&s, state, sec);
	if (!uart8250_restore(&u, &s))
		FUZZ_CHECK(u.rx_count <= UART8250_FIFO_SIZE && u.rx_head < UART8250_FIFO_SIZE);
	uart8250_destroy(&u);
	rtc_cmos_init(&r, 0x1010000, NULL, NULL);
	snapshot_open(&s, state, sec);
	rtc_cmos_restore(&r, &s);
	FUZZ_CHECK(s.rd_off <= s.rd_len && r.index < RTC_CMOS_RAM);
	rtc_cmos_destroy(&r);
	fuzz_snapshot_virtio_mmio(state, sec);
	fuzz_snapshot_virtio_pci(state, sec);
	fuzz_snapshot_virtio_net(state, sec);
	fuzz_snapshot_virtio_vsock(state, sec);
	fuzz_snapshot_virtio_9p(state, sec);
	fuzz_gicv2(state, sec);
	fuzz_pci_testdev(state, sec);
}

static void fuzz_tags(const struct snapshot_index *idx, const uint8_t *state)
{
	const struct snapshot_section *sec = snapshot_find(idx, SNAPSHOT_TAGS, 0);
	uint64_t i, page, prev = 0;
	const uint8_t *tags;

	if (!sec)
		return;
	FUZZ_CHECK(idx->hdr.shape.flags & SNAPSHOT_F_MTE);
	FUZZ_CHECK(sec->len % SNAPSHOT_TAG_REC == 0);
	for (i = 0; i < sec->len / SNAPSHOT_TAG_REC; i++) {
		page = snapshot_tag_page(state, sec, i, &tags);
		FUZZ_CHECK(page < idx->hdr.shape.ram_size / SNAPSHOT_PAGE);
		FUZZ_CHECK(!i || page > prev);
		FUZZ_CHECK(tags + SNAPSHOT_TAG_BYTES <= state + sec->off + sec->len);
		prev = page;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct snapshot_index idx;
	struct fuzz_input in;
	uint64_t extra, file_size;
	uint8_t *buf;
	char err[256];
	unsigned int i;
	size_t len;

	fuzz_input_init(&in, data, size);
	extra = fuzz_u32(&in);
	len = in.left;
	buf = malloc(len + 1);
	memcpy(buf, in.data, len);
	file_size = len + extra;
	if (size && (data[0] & 1) && len >= SNAPSHOT_HDR_SIZE) {
		struct snapshot_header h;

		if (!snapshot_parse_header(buf, len, &h, err, sizeof(err)) &&
		    h.state_size <= len - SNAPSHOT_HDR_SIZE)
			snapshot_header_build(&h, buf + SNAPSHOT_HDR_SIZE, buf);
	}
	if (!snapshot_parse(buf, len, file_size, &idx, err, sizeof(err))) {
		FUZZ_CHECK(idx.hdr.ram_offset % SNAPSHOT_PAGE == 0);
		FUZZ_CHECK(idx.hdr.ram_offset + idx.hdr.shape.ram_size <= file_size);
		FUZZ_CHECK(idx.hdr.ram_offset >= SNAPSHOT_HDR_SIZE + idx.hdr.state_size);
		for (i = 0; i < idx.nr; i++) {
			FUZZ_CHECK(idx.sec[i].off + idx.sec[i].len <= idx.hdr.state_size);
			fuzz_decoders(buf + SNAPSHOT_HDR_SIZE, &idx.sec[i]);
		}
		fuzz_tags(&idx, buf + SNAPSHOT_HDR_SIZE);
	} else {
		FUZZ_CHECK(err[0] != '\0');
	}
	free(buf);
	return 0;
}
