// SPDX-License-Identifier: GPL-2.0
/*
 * Kernel, initrd and DTB placement. Pure computations, so host-side
 * tests and fuzzers exercise them; boot/load.c does the file I/O.
 */
#include <endian.h>
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "lib/util.h"
#include "boot/loader.h"
#include "machine/memmap.h"

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

struct magic {
	size_t off;
	size_t len;
	const char *bytes;
	struct kernel_misfit misfit;
};

/*
 * The usual wrong files handed to -k. Anything else without an Image
 * header is taken as a raw binary, as kvmtool does.
 */
static const struct magic misfits[] = {
	{ 0, 4, "\x7f" "ELF", { "an ELF file (vmlinux?)",
		"boot the arm64 Image instead (arch/arm64/boot/Image, or /boot/vmlinuz-* on Debian)" } },
	{ 0, 2, "\x1f\x8b", { "a gzip-compressed file (Image.gz?)",
		"decompress it first: gunzip -c Image.gz > Image" } },
	{ 0, 6, "\xfd" "7zXZ\0", { "an xz-compressed file",
		"decompress it first: xz -dc FILE > Image" } },
	{ 0, 4, "\x28\xb5\x2f\xfd", { "a zstd-compressed file",
		"decompress it first: zstd -dc FILE > Image" } },
	{ 0, 3, "BZh", { "a bzip2-compressed file",
		"decompress it first: bunzip2 -c FILE > Image" } },
	{ 0, 4, "\x02\x21\x4c\x18", { "an lz4-compressed file",
		"decompress it first: lz4 -dc FILE > Image" } },
	{ 0x24, 4, "\x18\x28\x6f\x01", { "a 32-bit ARM zImage",
		"use an arm64 kernel Image" } },
	{ 0x202, 4, "HdrS", { "an x86 bzImage", "use an arm64 kernel Image" } },
	/* An EFI-stub Image starts "MZ"; without its arm64 magic it is cut short. */
	{ 0, 2, "MZ", { "a PE/EFI file without an arm64 Image header (a truncated Image?)",
		"copy the whole arm64 Image again" } },
	{ 0, 2, "#!", { "a script", "give the kernel Image, not the script" } },
	{ 0, 8, "!<arch>\n", { "an ar archive (a .deb package?)",
		"extract the Image first: dpkg-deb -x PACKAGE DIR, then use DIR/boot/vmlinuz-*" } },
};

static bool loader_is_text(const unsigned char *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (!(p[i] == '\n' || p[i] == '\t' || p[i] == '\r' ||
		      (p[i] >= 0x20 && p[i] < 0x7f)))
			return false;
	return len >= 16;
}

/* NULL when buf might be bootable (an Image, or a raw binary). */
const struct kernel_misfit *loader_misfit(const void *buf, size_t len)
{
	static const struct kernel_misfit text = {
		"a text file", "give the kernel Image file",
	};
	const unsigned char *p = buf;
	unsigned int i;

	if (len >= ARM64_IMAGE_HDR_SIZE && get_le32(p + 56) == ARM64_IMAGE_MAGIC)
		return NULL;	/* an Image, EFI stub (MZ) or not */
	for (i = 0; i < sizeof(misfits) / sizeof(misfits[0]); i++) {
		const struct magic *m = &misfits[i];

		if (len >= m->off + m->len && !memcmp(p + m->off, m->bytes, m->len))
			return &m->misfit;
	}
	return loader_is_text(p, len < LOADER_SNIFF_SIZE ? len : LOADER_SNIFF_SIZE) ?
	       &text : NULL;
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

/*
 * kvmtool's layout for -f: the firmware at its address (RAM's start by
 * default), entered there; the DTB after it, 2 MiB aligned. The
 * firmware's end is its file's, or an Image header's image_size when
 * larger, so that the DTB stays clear of the firmware's .bss. Returns
 * -ERANGE for an address outside RAM, -EINVAL for a misaligned one,
 * -EFBIG when the firmware does not fit above its address, -ENOSPC
 * when the DTB does not fit after it.
 */
int loader_plan_firmware(const struct fw_request *req, struct load_plan *plan)
{
	uint64_t addr = req->addr ? req->addr : req->ram_base;
	uint64_t room, footprint = MAX(req->file_size, req->image_size);

	if (addr < req->ram_base || addr - req->ram_base >= req->ram_size)
		return -ERANGE;
	if (!IS_ALIGNED(addr, LOADER_FW_ALIGN))
		return -EINVAL;
	room = req->ram_size - (addr - req->ram_base);
	if (footprint > room)
		return -EFBIG;
	plan->kernel_addr = addr;
	plan->kernel_end = addr + footprint;
	plan->initrd_addr = 0;
	/* Both ends are below 2^64 - 2 MiB: RAM ends below 1 TiB. */
	plan->dtb_addr = ALIGN_UP(plan->kernel_end, LOADER_FW_DTB_ALIGN);
	if (plan->dtb_addr - addr > room || room - (plan->dtb_addr - addr) < LOADER_FDT_MAX)
		return -ENOSPC;
	return 0;
}
