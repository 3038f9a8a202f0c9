// SPDX-License-Identifier: GPL-2.0
/*
 * Kernel, initrd and DTB placement. Pure computations, so host-side
 * tests and fuzzers exercise them; vm/load.c does the file I/O.
 */
#include <endian.h>
#include <errno.h>
#include <string.h>

#include "lib/util.h"
#include "vm/loader.h"
#include "vm/memmap.h"

static uint64_t get_le64(const unsigned char *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return le64toh(v);
}

static uint32_t get_le32(const unsigned char *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return le32toh(v);
}

/*
 * A file that is too short for a header, or lacks the magic, is a raw
 * binary: loaded at RAM + 0x80000 and entered at its first byte.
 * Returns -EINVAL for a header that promises the impossible (big-endian
 * kernel, or text_offset beyond any sane placement).
 */
int loader_parse_header(const void *buf, size_t len, struct image_info *info)
{
	const unsigned char *p = buf;
	uint64_t flags;

	memset(info, 0, sizeof(*info));
	if (len < ARM64_IMAGE_HDR_SIZE || get_le32(p + 56) != ARM64_IMAGE_MAGIC) {
		info->text_offset = LOADER_RAW_OFFSET;
		return 0;
	}
	info->has_header = true;
	info->text_offset = get_le64(p + 8);
	info->image_size = get_le64(p + 16);
	flags = get_le64(p + 24);
	/* booting.rst: image_size 0 means a pre-3.17 kernel at 0x80000. */
	if (!info->image_size)
		info->text_offset = LOADER_RAW_OFFSET;
	if (flags & 1)
		return -EINVAL;		/* big-endian kernel */
	if (info->text_offset >= SZ_2M || !IS_ALIGNED(info->text_offset, SZ_4K))
		return -EINVAL;
	return 0;
}

/*
 * kvmtool's layout: the kernel at the 2 MiB aligned start of RAM plus
 * text_offset; the DTB at the top of lowmem (the first 256 MiB, which
 * Linux requires for DTB and initrd), 2 MiB aligned; the initrd right
 * below the DTB. On failure, *what names the item that did not fit.
 */
int loader_plan(const struct load_request *req, struct load_plan *plan,
		const char **what)
{
	uint64_t limit, pos, footprint, gap;

	*what = "kernel";
	footprint = MAX(req->kernel_file_size, req->image.image_size);
	plan->kernel_addr = req->ram_base + req->image.text_offset;
	if (footprint > req->ram_size ||
	    req->image.text_offset > req->ram_size - footprint)
		return -ENOMEM;
	plan->kernel_end = plan->kernel_addr + footprint;

	*what = "device tree";
	limit = req->ram_base + MIN(req->ram_size, MEMMAP_LOWMEM_SIZE) - 1;
	if (limit - req->ram_base < LOADER_FDT_MAX + SZ_2M)
		return -ENOMEM;
	pos = limit - (LOADER_FDT_MAX + SZ_2M);
	plan->dtb_addr = ALIGN_UP(pos, SZ_2M);
	if (plan->dtb_addr < plan->kernel_end)
		return -ENOMEM;

	plan->initrd_addr = 0;
	if (!req->initrd_size)
		return 0;
	*what = "initrd";
	gap = plan->dtb_addr - plan->kernel_end;
	if (req->initrd_size > gap || gap - req->initrd_size < 4)
		return -ENOMEM;
	plan->initrd_addr = ALIGN_UP(plan->dtb_addr - req->initrd_size - 4, 4);
	return 0;
}
