// SPDX-License-Identifier: GPL-2.0
/* Image header parsing and kernel/initrd/DTB placement. */
#include <string.h>

#include "tests/unit.h"
#include "boot/loader.h"
#include "machine/memmap.h"

#define MiB (1ULL << 20)

static void put64(unsigned char *p, unsigned long long v)
{
	for (int i = 0; i < 8; i++)
		p[i] = v >> (8 * i);
}

static void make_header(unsigned char *h, unsigned long long text_offset,
			unsigned long long image_size, unsigned long long flags)
{
	memset(h, 0, 64);
	put64(h + 8, text_offset);
	put64(h + 16, image_size);
	put64(h + 24, flags);
	memcpy(h + 56, "ARM\x64", 4);
}

static void test_header(struct unit *u)
{
	unsigned char h[64];
	struct image_info info;

	/* Debian's 6.1 Image: text_offset 0, image_size 0x2010000, flags 0xa. */
	make_header(h, 0, 0x2010000, 0xa);
	CHECK_EQ(u, loader_parse_header(h, sizeof(h), &info), 0);
	CHECK(u, info.has_header);
	CHECK_EQ(u, info.text_offset, 0);
	CHECK_EQ(u, info.image_size, 0x2010000);

	/* image_size 0: a pre-3.17 kernel, which sits at 0x80000. */
	make_header(h, 0, 0, 0);
	CHECK_EQ(u, loader_parse_header(h, sizeof(h), &info), 0);
	CHECK_EQ(u, info.text_offset, 0x80000);

	make_header(h, 0x80000, 0x100000, 1);	/* big-endian */
	CHECK_EQ(u, loader_parse_header(h, sizeof(h), &info), -22);
	make_header(h, 0x200000, 0x100000, 0);	/* outside the 2 MiB window */
	CHECK_EQ(u, loader_parse_header(h, sizeof(h), &info), -22);
	make_header(h, 0x80010, 0x100000, 0);	/* not page aligned */
	CHECK_EQ(u, loader_parse_header(h, sizeof(h), &info), -22);

	/* No magic, or too short: a raw binary at RAM + 0x80000. */
	memset(h, 0xaa, sizeof(h));
	CHECK_EQ(u, loader_parse_header(h, sizeof(h), &info), 0);
	CHECK(u, !info.has_header);
	CHECK_EQ(u, info.text_offset, 0x80000);
	CHECK_EQ(u, loader_parse_header(h, 10, &info), 0);
	CHECK(u, !info.has_header);
}

static void test_plan(struct unit *u)
{
	struct load_request r = {
		.ram_base = MEMMAP_RAM_BASE, .ram_size = 512 * MiB,
		.kernel_file_size = 32954880,
		.image = { .has_header = true, .text_offset = 0, .image_size = 0x2010000 },
		.initrd_size = 1039773,
	};
	struct load_plan p;
	const char *what;

	CHECK_EQ(u, loader_plan(&r, &p, &what), 0);
	CHECK_EQ(u, p.kernel_addr, MEMMAP_RAM_BASE);
	CHECK_EQ(u, p.kernel_end, MEMMAP_RAM_BASE + 0x2010000);
	/* kvmtool: DTB 2 MiB aligned at the top of the first 256 MiB. */
	CHECK_EQ(u, p.dtb_addr, 0x8fe00000);
	CHECK(u, p.initrd_addr + r.initrd_size <= p.dtb_addr);
	CHECK(u, p.initrd_addr >= p.kernel_end);
	CHECK_EQ(u, p.initrd_addr % 4, 0);

	/* RAM moved by -m SIZE@ADDR: the same layout, from its base. */
	r.ram_base = 0x100000000ULL;
	CHECK_EQ(u, loader_plan(&r, &p, &what), 0);
	CHECK_EQ(u, p.kernel_addr, 0x100000000ULL);
	CHECK_EQ(u, p.dtb_addr, 0x10fe00000ULL);
	CHECK(u, p.initrd_addr >= p.kernel_end && p.initrd_addr + r.initrd_size <= p.dtb_addr);
	r.ram_base = MEMMAP_RAM_BASE;

	r.ram_size = 64 * MiB;
	CHECK_EQ(u, loader_plan(&r, &p, &what), 0);
	CHECK_EQ(u, p.dtb_addr, 0x83e00000);

	r.ram_size = 8 * MiB;
	CHECK_EQ(u, loader_plan(&r, &p, &what), -12);
	CHECK(u, !strcmp(what, "kernel"));

	r.ram_size = 34 * MiB;	/* kernel fits, DTB does not */
	CHECK_EQ(u, loader_plan(&r, &p, &what), -12);
	CHECK(u, !strcmp(what, "device tree"));

	r.ram_size = 64 * MiB;
	r.initrd_size = 40 * MiB;	/* no room between kernel and DTB */
	CHECK_EQ(u, loader_plan(&r, &p, &what), -12);
	CHECK(u, !strcmp(what, "initrd"));

	/* A raw binary with no initrd in 16 MiB. */
	r = (struct load_request) {
		.ram_base = MEMMAP_RAM_BASE, .ram_size = 16 * MiB,
		.kernel_file_size = 4096, .image = { .text_offset = 0x80000 },
	};
	CHECK_EQ(u, loader_plan(&r, &p, &what), 0);
	CHECK_EQ(u, p.kernel_addr, MEMMAP_RAM_BASE + 0x80000);
	CHECK_EQ(u, p.initrd_addr, 0);

	/* Sizes near the top of the range must not wrap. */
	r.kernel_file_size = ~0ULL - 10;
	CHECK_EQ(u, loader_plan(&r, &p, &what), -12);
	r.kernel_file_size = 4096;
	r.initrd_size = ~0ULL - 2;
	CHECK_EQ(u, loader_plan(&r, &p, &what), -12);
}

/*
 * LOADER_RAM_MIN, which -m enforces, is exactly where the smallest
 * kernels (a raw binary at 0x80000, an Image at the base) start to fit.
 */
static void test_ram_min(struct unit *u)
{
	struct load_request raw = {
		.ram_base = MEMMAP_RAM_BASE, .kernel_file_size = 4,
		.image = { .text_offset = LOADER_RAW_OFFSET },
	};
	struct load_request img = {
		.ram_base = MEMMAP_RAM_BASE, .kernel_file_size = 4096,
		.image = { .has_header = true, .image_size = 4096 },
	};
	struct load_plan p;
	const char *what;
	uint64_t mib;

	for (mib = 1; mib <= 8; mib++) {
		bool fits = mib * MiB >= LOADER_RAM_MIN;

		raw.ram_size = img.ram_size = mib * MiB;
		CHECK_EQ(u, loader_plan(&raw, &p, &what) == 0, fits);
		CHECK_EQ(u, loader_plan(&img, &p, &what) == 0, fits);
	}
	raw.ram_size = LOADER_RAM_MIN;
	CHECK_EQ(u, loader_plan(&raw, &p, &what), 0);
	CHECK(u, p.dtb_addr + LOADER_FDT_MAX <= MEMMAP_RAM_BASE + LOADER_RAM_MIN);
	CHECK(u, p.kernel_end <= p.dtb_addr);
}

static void test_misfits(struct unit *u)
{
	unsigned char b[0x210];
	const struct kernel_misfit *m;

	memset(b, 0, sizeof(b));
	memcpy(b, "\x7f" "ELF", 4);
	m = loader_misfit(b, sizeof(b));
	CHECK(u, m && strstr(m->what, "ELF"));
	memcpy(b, "\x1f\x8b\x08\x00", 4);
	m = loader_misfit(b, sizeof(b));
	CHECK(u, m && strstr(m->what, "gzip") && strstr(m->fix, "gunzip"));
	memset(b, 0, 8);
	memcpy(b + 0x202, "HdrS", 4);
	m = loader_misfit(b, sizeof(b));
	CHECK(u, m && strstr(m->what, "x86"));
	memset(b, 0, sizeof(b));
	memcpy(b + 0x24, "\x18\x28\x6f\x01", 4);
	m = loader_misfit(b, sizeof(b));
	CHECK(u, m && strstr(m->what, "32-bit ARM"));
	m = loader_misfit("root:x:0:0:root:/root:/bin/bash\n", 32);
	CHECK(u, m && strstr(m->what, "text"));

	/* An Image, even an EFI-stub one starting with "MZ", is bootable. */
	make_header(b, 0, 0x100000, 0xa);
	memcpy(b, "MZ", 2);
	CHECK(u, loader_misfit(b, sizeof(b)) == NULL);
	/* So is anything else: a raw binary (zeros, random code). */
	memset(b, 0, sizeof(b));
	CHECK(u, loader_misfit(b, sizeof(b)) == NULL);
	memcpy(b, "\x00\x00\x80\xd2\xc0\x03\x5f\xd6", 8);
	CHECK(u, loader_misfit(b, 8) == NULL);
	/* Short files are sniffed only as far as they go. */
	CHECK(u, loader_misfit("\x7f" "E", 2) == NULL);
	CHECK(u, loader_misfit("", 0) == NULL);
}

/*
 * -f: kvmtool's placement, the firmware at its address and the DTB at
 * the next 2 MiB boundary after it (after image_size when the firmware
 * has an Image header that says more than its file).
 */
static void test_plan_firmware(struct unit *u)
{
	struct fw_request r = {
		.ram_base = MEMMAP_RAM_BASE, .ram_size = 64 * MiB,
		.file_size = 40000,
	};
	struct load_plan p;

	CHECK_EQ(u, loader_plan_firmware(&r, &p), 0);
	CHECK_EQ(u, p.kernel_addr, MEMMAP_RAM_BASE);
	CHECK_EQ(u, p.kernel_end, MEMMAP_RAM_BASE + 40000);
	CHECK_EQ(u, p.dtb_addr, MEMMAP_RAM_BASE + 2 * MiB);
	CHECK_EQ(u, p.initrd_addr, 0);

	r.image_size = 3 * MiB;
	CHECK_EQ(u, loader_plan_firmware(&r, &p), 0);
	CHECK_EQ(u, p.dtb_addr, MEMMAP_RAM_BASE + 4 * MiB);
	r.image_size = 0;

	r.addr = 0x81234000;	/* not 2 MiB aligned: the DTB still is */
	CHECK_EQ(u, loader_plan_firmware(&r, &p), 0);
	CHECK_EQ(u, p.kernel_addr, 0x81234000);
	CHECK_EQ(u, p.dtb_addr, 0x81400000);
	r.addr = 0x81200000 - 40000;	/* ends on a boundary: the DTB right there */
	CHECK_EQ(u, loader_plan_firmware(&r, &p), 0);
	CHECK_EQ(u, p.dtb_addr, 0x81200000);

	r.addr = 0x1000;
	CHECK_EQ(u, loader_plan_firmware(&r, &p), -34);
	r.addr = MEMMAP_RAM_BASE + 64 * MiB;
	CHECK_EQ(u, loader_plan_firmware(&r, &p), -34);
	r.addr = MEMMAP_RAM_BASE - 4;
	CHECK_EQ(u, loader_plan_firmware(&r, &p), -34);
	r.addr = MEMMAP_RAM_BASE + 2;
	CHECK_EQ(u, loader_plan_firmware(&r, &p), -22);
	r.addr = MEMMAP_RAM_BASE + 64 * MiB - 4096;	/* in RAM, 40000 bytes do not fit */
	CHECK_EQ(u, loader_plan_firmware(&r, &p), -27);
	r.addr = MEMMAP_RAM_BASE + 62 * MiB;	/* fits, the DTB's 2 MiB boundary is RAM's end */
	CHECK_EQ(u, loader_plan_firmware(&r, &p), -28);
	r.addr = MEMMAP_RAM_BASE + 62 * MiB - 40000;	/* ends on the last boundary: 2 MiB left */
	CHECK_EQ(u, loader_plan_firmware(&r, &p), 0);
	CHECK_EQ(u, p.dtb_addr, MEMMAP_RAM_BASE + 62 * MiB);

	r.addr = 0;
	r.file_size = 64 * MiB + 1;
	CHECK_EQ(u, loader_plan_firmware(&r, &p), -27);
	r.file_size = 64 * MiB;	/* fills RAM: no DTB */
	CHECK_EQ(u, loader_plan_firmware(&r, &p), -28);
	r.file_size = 4096;
	r.image_size = ~0ULL - 10;	/* a header's size must not wrap */
	CHECK_EQ(u, loader_plan_firmware(&r, &p), -27);
}

int main(void)
{
	struct unit u = { 0 };

	test_header(&u);
	test_misfits(&u);
	test_plan(&u);
	test_ram_min(&u);
	test_plan_firmware(&u);
	return unit_done(&u, "test-loader");
}
