/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_VM_LOADER_H
#define LKVM_VM_LOADER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ARM64_IMAGE_MAGIC	0x644d5241U	/* "ARM\x64" */
#define ARM64_IMAGE_HDR_SIZE	64
#define LOADER_RAW_OFFSET	0x80000ULL	/* where a header-less binary goes */
#define LOADER_FDT_MAX		0x10000ULL	/* room reserved for the DTB */

/*
 * The least RAM loader_plan() can fill: even a tiny kernel sits in the
 * first 2 MiB block (at its base or at 0x80000) and the DTB needs the
 * next 2 MiB aligned slot, so RAM must reach past 2 MiB + LOADER_FDT_MAX.
 * -m counts in whole MiB, hence 3 MiB.
 */
#define LOADER_RAM_MIN		0x300000ULL

/* What the arm64 Image header (Documentation/arch/arm64/booting.rst) says. */
struct image_info {
	bool has_header;
	uint64_t text_offset;
	uint64_t image_size;	/* memory the kernel needs, bss included */
};

struct load_request {
	uint64_t ram_base;	/* 2 MiB aligned */
	uint64_t ram_size;
	uint64_t kernel_file_size;
	struct image_info image;
	uint64_t initrd_size;	/* 0: no initrd */
};

struct load_plan {
	uint64_t kernel_addr;	/* load address, also the entry point */
	uint64_t kernel_end;	/* end of what the kernel may use */
	uint64_t dtb_addr;
	uint64_t initrd_addr;
};

/*
 * -f: a firmware loaded whole at one address and entered at its first
 * byte. The vCPU starts there, so it is an instruction's alignment; the
 * DTB follows the firmware, at the next 2 MiB boundary, as kvmtool's.
 */
#define LOADER_FW_ALIGN		4ULL
#define LOADER_FW_DTB_ALIGN	0x200000ULL

struct fw_request {
	uint64_t ram_base;
	uint64_t ram_size;
	uint64_t addr;		/* where it goes; 0: RAM's start, as kvmtool */
	uint64_t file_size;
	uint64_t image_size;	/* an arm64 Image header's, 0 without one */
};

/* Files that are clearly not something lkvm can boot, by their magic. */
struct kernel_misfit {
	const char *what;	/* "a gzip-compressed file" */
	const char *fix;	/* "decompress it (gunzip) to get the Image" */
};

#define LOADER_SNIFF_SIZE	64

int loader_parse_header(const void *buf, size_t len, struct image_info *info);
const struct kernel_misfit *loader_misfit(const void *buf, size_t len);
int loader_plan(const struct load_request *req, struct load_plan *plan,
		const char **what);
int loader_plan_firmware(const struct fw_request *req, struct load_plan *plan);

#endif
