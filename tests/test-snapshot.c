// SPDX-License-Identifier: GPL-2.0
/*
 * The snapshot file's format (lib/snapshot.c): a file built as lkvm
 * snapshot builds one parses back; every truncation, every flipped
 * byte of the header and state, a foreign file, a newer version,
 * lengths that lie and MTE tags out of RAM, cut short or in a file of
 * a VM without MTE are refused with a message, never read past; the
 * device models' state comes back as saved.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "devices/device-snap.h"
#include "lib/snapshot.h"
#include "tests/unit.h"

#define RAM_SIZE	(2 * SNAPSHOT_PAGE)

struct file {
	uint8_t *buf;
	size_t len;		/* header and state */
	uint64_t size;		/* the whole file, RAM included */
};

static void put_strings(struct snapshot *s, uint32_t type, const char *a, size_t n)
{
	size_t at = snapshot_section_begin(s, type, 0);

	snapshot_put(s, a, n);
	snapshot_section_end(s, at);
}

/* A two-vCPU file with a UART, as machine/snapshot.c lays one out. */
static void build(struct file *f, struct snapshot *s)
{
	struct snapshot_header h = {
		.shape = { .irqchip = 2, .nr_cpus = 2, .ram_base = 0x80000000,
			   .ram_size = RAM_SIZE, .ipa_bits = 32 },
		.version = "test",
	};
	unsigned int i;
	size_t at;

	memset(s, 0, sizeof(*s));
	put_strings(s, SNAPSHOT_CONFIG, "-c\0" "2\0", 5);
	put_strings(s, SNAPSHOT_DEVLIST, "UART\0", 5);
	for (i = 0; i < 2; i++) {
		at = snapshot_section_begin(s, SNAPSHOT_VCPU, i);
		snapshot_put_u32(s, 0);
		snapshot_put_u32(s, 1);
		snapshot_put_u64(s, 0x6030000000100000ULL + i);
		snapshot_put_u64(s, 0x1234 + i);
		snapshot_section_end(s, at);
	}
	at = snapshot_section_begin(s, SNAPSHOT_DEVICE, 0);
	snapshot_put(s, "abc", 3);	/* an odd length: padded */
	snapshot_section_end(s, at);
	h.ram_offset = SNAPSHOT_PAGE;
	at = snapshot_section_begin(s, SNAPSHOT_RAM, 0);
	snapshot_put_u64(s, h.ram_offset);
	snapshot_put_u64(s, RAM_SIZE);
	snapshot_section_end(s, at);
	h.state_size = s->len;
	f->len = SNAPSHOT_HDR_SIZE + s->len;
	f->size = h.ram_offset + RAM_SIZE;
	f->buf = calloc(1, f->len);
	snapshot_header_build(&h, s->buf, f->buf);
	memcpy(f->buf + SNAPSHOT_HDR_SIZE, s->buf, s->len);
}

static int parse(const struct file *f, size_t len, uint64_t size, char *err)
{
	static struct snapshot_index idx;

	return snapshot_parse(f->buf, len, size, &idx, err, 200);
}

static void test_good(struct unit *u, const struct file *f)
{
	static struct snapshot_index idx;
	const struct snapshot_section *sec;
	struct snapshot r;
	char err[200] = "";

	CHECK_EQ(u, snapshot_parse(f->buf, f->len, f->size, &idx, err, sizeof(err)), 0);
	CHECK_EQ(u, idx.nr, 6u);
	CHECK_EQ(u, idx.hdr.shape.nr_cpus, 2u);
	CHECK(u, !strcmp(idx.hdr.version, "test"));
	sec = snapshot_find(&idx, SNAPSHOT_VCPU, 1);
	CHECK(u, sec != NULL);
	if (!sec)
		return;
	snapshot_open(&r, f->buf + SNAPSHOT_HDR_SIZE, sec);
	CHECK_EQ(u, snapshot_get_u32(&r), 0u);
	CHECK_EQ(u, snapshot_get_u32(&r), 1u);
	CHECK_EQ(u, snapshot_get_u64(&r), 0x6030000000100001ULL);
	CHECK_EQ(u, snapshot_get_u64(&r), 0x1235ULL);
	CHECK_EQ(u, snapshot_left(&r), 0u);
	CHECK_EQ(u, snapshot_get_u32(&r), 0u);	/* past the end: zero, and an error */
	CHECK_EQ(u, snapshot_error(&r), -EINVAL);
	sec = snapshot_find(&idx, SNAPSHOT_DEVICE, 0);
	CHECK(u, sec && sec->len == 3);
	CHECK(u, snapshot_find(&idx, SNAPSHOT_VCPU, 2) == NULL);
}

static void test_truncated(struct unit *u, const struct file *f)
{
	unsigned int bad = 0;
	uint64_t n;
	char err[200];

	for (n = 0; n < f->size; n += n < f->len ? 1 : 512)
		if (parse(f, n < f->len ? n : f->len, n, err) == 0)
			bad++;
	CHECK_EQ(u, bad, 0u);
	CHECK_EQ(u, parse(f, f->len, f->size - 1, err), -EINVAL);
	CHECK(u, strstr(err, "truncated") != NULL);
	CHECK_EQ(u, parse(f, 100, 100, err), -EINVAL);
	CHECK(u, strstr(err, "not an lkvm snapshot") != NULL);
	/* The header whole, the state not yet read: asks for more. */
	CHECK_EQ(u, parse(f, SNAPSHOT_HDR_SIZE, f->size, err), -ENODATA);
}

static void test_flipped(struct unit *u, const struct file *f)
{
	unsigned int accepted = 0;
	size_t i;
	char err[200];

	for (i = 0; i < f->len; i++) {
		f->buf[i] ^= 0x10;
		if (parse(f, f->len, f->size, err) == 0)
			accepted++;
		f->buf[i] ^= 0x10;
	}
	CHECK_EQ(u, accepted, 0u);
	f->buf[SNAPSHOT_HDR_SIZE + 20] ^= 1;
	CHECK_EQ(u, parse(f, f->len, f->size, err), -EINVAL);
	CHECK(u, strstr(err, "checksum does not match") != NULL);
	f->buf[SNAPSHOT_HDR_SIZE + 20] ^= 1;
	f->buf[0] = 'X';
	CHECK_EQ(u, parse(f, f->len, f->size, err), -EINVAL);
	CHECK(u, strstr(err, "no LKVMSNAP magic") != NULL);
	f->buf[0] = 'L';
	f->buf[8] = 3;
	CHECK_EQ(u, parse(f, f->len, f->size, err), -EINVAL);
	CHECK(u, strstr(err, "format version is 3") != NULL);
	f->buf[8] = 2;
	CHECK_EQ(u, parse(f, f->len, f->size, err), 0);
}

/* A section whose length lies, under a checksum that is right. */
static void test_lying_length(struct unit *u)
{
	struct snapshot_header h = { .state_size = 24, .ram_offset = SNAPSHOT_PAGE };
	uint8_t state[24] = { 1, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f };
	uint8_t buf[SNAPSHOT_HDR_SIZE + 24];
	static struct snapshot_index idx;
	char err[200];

	snapshot_header_build(&h, state, buf);
	memcpy(buf + SNAPSHOT_HDR_SIZE, state, sizeof(state));
	CHECK_EQ(u, snapshot_parse(buf, sizeof(buf), SNAPSHOT_PAGE, &idx, err, sizeof(err)), -EINVAL);
	CHECK(u, strstr(err, "overruns") != NULL);
	/* No RAM section at all. */
	h.state_size = 0;
	snapshot_header_build(&h, state, buf);
	CHECK_EQ(u, snapshot_parse(buf, SNAPSHOT_HDR_SIZE, SNAPSHOT_PAGE, &idx, err, sizeof(err)), -EINVAL);
	CHECK(u, strstr(err, "no guest RAM") != NULL);
}

/* The header's version byte and CRC32C rewritten, as another writer would. */
static void set_format(uint8_t *buf, size_t len, uint8_t format)
{
	uint32_t crc;
	int i;

	buf[8] = format;
	memset(buf + 104, 0, 4);
	crc = crc32c(crc32c(0, buf, SNAPSHOT_HDR_SIZE), buf + SNAPSHOT_HDR_SIZE,
		     len - SNAPSHOT_HDR_SIZE);
	for (i = 0; i < 4; i++)
		buf[104 + i] = crc >> (8 * i);
}

/*
 * A file of a VM with MTE and 4 pages of RAM: tags records for the
 * pages given (n of them), each page's tags its number + 1.
 */
static size_t build_tags(uint8_t *buf, size_t room, uint32_t flags,
			 const uint64_t *pages, unsigned int n, size_t cut)
{
	struct snapshot_header h = {
		.shape = { .nr_cpus = 1, .ram_size = 4 * SNAPSHOT_PAGE, .flags = flags },
		.ram_offset = 2 * SNAPSHOT_PAGE,
	};
	struct snapshot s = { 0 };
	uint8_t tags[SNAPSHOT_TAG_BYTES];
	unsigned int i;
	size_t at, len;

	if (flags) {	/* flags 0: a file without the section */
		at = snapshot_section_begin(&s, SNAPSHOT_TAGS, 0);
		for (i = 0; i < n; i++) {
			memset(tags, (int)pages[i] + 1, sizeof(tags));
			snapshot_put_u64(&s, pages[i]);
			snapshot_put(&s, tags, sizeof(tags));
		}
		s.len -= cut;
		snapshot_section_end(&s, at);
	}
	at = snapshot_section_begin(&s, SNAPSHOT_RAM, 0);
	snapshot_put_u64(&s, h.ram_offset);
	snapshot_put_u64(&s, h.shape.ram_size);
	snapshot_section_end(&s, at);
	h.state_size = s.len;
	len = SNAPSHOT_HDR_SIZE + s.len;
	if (len <= room) {
		snapshot_header_build(&h, s.buf, buf);
		memcpy(buf + SNAPSHOT_HDR_SIZE, s.buf, s.len);
	}
	snapshot_free(&s);
	return len <= room ? len : 0;
}

static int parse_tags(uint8_t *buf, size_t len, char *err)
{
	static struct snapshot_index idx;

	return snapshot_parse(buf, len, 6 * SNAPSHOT_PAGE, &idx, err, 200);
}

static void test_tags(struct unit *u)
{
	static uint8_t buf[2 * SNAPSHOT_PAGE];
	static struct snapshot_index idx;
	const uint64_t good[] = { 0, 3 }, outside[] = { 1, 4 }, order[] = { 2, 1 };
	const struct snapshot_section *sec;
	const uint8_t *tags;
	char err[200];
	size_t len;

	len = build_tags(buf, sizeof(buf), SNAPSHOT_F_MTE, good, 2, 0);
	CHECK_EQ(u, snapshot_parse(buf, len, 6 * SNAPSHOT_PAGE, &idx, err, sizeof(err)), 0);
	sec = snapshot_find(&idx, SNAPSHOT_TAGS, 0);
	CHECK(u, sec && sec->len == 2 * SNAPSHOT_TAG_REC);
	CHECK_EQ(u, snapshot_tag_page(buf + SNAPSHOT_HDR_SIZE, sec, 1, &tags), 3ull);
	CHECK(u, tags[0] == 4 && tags[SNAPSHOT_TAG_BYTES - 1] == 4);
	/* No tags at all in a file with MTE: a VM that tagged nothing. */
	len = build_tags(buf, sizeof(buf), SNAPSHOT_F_MTE, good, 0, 0);
	CHECK_EQ(u, parse_tags(buf, len, err), 0);
	len = build_tags(buf, sizeof(buf), SNAPSHOT_F_MTE, outside, 2, 0);
	CHECK_EQ(u, parse_tags(buf, len, err), -EINVAL);
	CHECK(u, strstr(err, "page 4, outside its 4 pages") != NULL);
	len = build_tags(buf, sizeof(buf), SNAPSHOT_F_MTE, order, 2, 0);
	CHECK_EQ(u, parse_tags(buf, len, err), -EINVAL);
	CHECK(u, strstr(err, "out of order") != NULL);
	len = build_tags(buf, sizeof(buf), SNAPSHOT_F_MTE, good, 2, 8);
	CHECK_EQ(u, parse_tags(buf, len, err), -EINVAL);
	CHECK(u, strstr(err, "tags section is truncated") != NULL);
	len = build_tags(buf, sizeof(buf), SNAPSHOT_F_PVTIME, good, 2, 0);
	CHECK_EQ(u, parse_tags(buf, len, err), -EINVAL);
	CHECK(u, strstr(err, "ran without MTE") != NULL);
	/* Version 1 knew no tags; its files without them still parse. */
	len = build_tags(buf, sizeof(buf), SNAPSHOT_F_MTE, good, 2, 0);
	set_format(buf, len, 1);
	CHECK_EQ(u, parse_tags(buf, len, err), -EINVAL);
	CHECK(u, strstr(err, "ran without MTE") != NULL);
	len = build_tags(buf, sizeof(buf), 0, good, 0, 0);
	set_format(buf, len, 1);
	CHECK_EQ(u, parse_tags(buf, len, err), 0);
	/* The state's bound grows by the tags of every page, with MTE only. */
	idx.hdr.shape.ram_size = 1ull << 30;
	idx.hdr.shape.flags = 0;
	CHECK_EQ(u, snapshot_state_max(&idx.hdr.shape), (uint64_t)SNAPSHOT_STATE_MAX);
	idx.hdr.shape.flags = SNAPSHOT_F_MTE;
	CHECK_EQ(u, snapshot_state_max(&idx.hdr.shape),
		 SNAPSHOT_STATE_MAX + 262144ull * SNAPSHOT_TAG_REC + 16);
}

static void test_shape(struct unit *u)
{
	struct snapshot_shape a = { .nr_cpus = 1, .ram_size = 64 << 20 }, b = a;
	char msg[200];

	CHECK_EQ(u, snapshot_shape_diff(&a, &b, msg, sizeof(msg)), 0);
	b.nr_cpus = 2;
	CHECK_EQ(u, snapshot_shape_diff(&a, &b, msg, sizeof(msg)), -EINVAL);
	CHECK(u, strstr(msg, "1 vCPUs, this VM 2") != NULL);
	b = a;
	b.ram_size = 128 << 20;
	CHECK_EQ(u, snapshot_shape_diff(&a, &b, msg, sizeof(msg)), -EINVAL);
	CHECK(u, strstr(msg, "64 MiB") != NULL);
}

static void test_uart(struct unit *u)
{
	struct uart8250 a, b;
	struct snapshot s = { 0 }, r;
	struct snapshot_section sec = { .off = 0 };
	struct irq_line line = { 0 };

	uart8250_init(&a, 0x1000000, &line, NULL, NULL);
	uart8250_init(&b, 0x1000000, &line, NULL, NULL);
	a.lcr = 0x03;
	a.scr = 0x5a;
	a.dll = 12;
	/* Three bytes received, wrapping round the FIFO's end. */
	a.rx_head = UART8250_FIFO_SIZE - 1;
	a.rx_count = 3;
	a.rx[UART8250_FIFO_SIZE - 1] = 'x';
	a.rx[0] = 'y';
	a.rx[1] = 'z';
	CHECK_EQ(u, uart8250_save(&a, &s), 0);
	sec.len = s.len;
	snapshot_open(&r, s.buf, &sec);
	CHECK_EQ(u, uart8250_restore(&b, &r), 0);
	CHECK_EQ(u, b.lcr, 0x03);
	CHECK_EQ(u, b.scr, 0x5a);
	CHECK_EQ(u, b.dll, 12);
	CHECK_EQ(u, b.rx_count, 3u);
	CHECK(u, b.rx[b.rx_head] == 'x' && b.rx[b.rx_head + 2] == 'z');
	/* Cut short, or a FIFO count beyond the FIFO: refused. */
	sec.len = s.len - 1;
	snapshot_open(&r, s.buf, &sec);
	CHECK_EQ(u, uart8250_restore(&b, &r), -EINVAL);
	s.buf[9] = 0xff;
	sec.len = s.len;
	snapshot_open(&r, s.buf, &sec);
	CHECK_EQ(u, uart8250_restore(&b, &r), -EINVAL);
	snapshot_free(&s);
	uart8250_destroy(&a);
	uart8250_destroy(&b);
}

int main(void)
{
	struct unit u = { 0 };
	struct snapshot s;
	struct file f;

	CHECK_EQ(&u, crc32c(0, "123456789", 9), 0xe3069283u);
	build(&f, &s);
	CHECK_EQ(&u, snapshot_error(&s), 0);
	test_good(&u, &f);
	test_truncated(&u, &f);
	test_flipped(&u, &f);
	test_lying_length(&u);
	test_tags(&u);
	test_shape(&u);
	test_uart(&u);
	snapshot_free(&s);
	free(f.buf);
	return unit_done(&u, "snapshot");
}
