// SPDX-License-Identifier: GPL-2.0
/*
 * Kernel Image header parsing and kernel/initrd/DTB placement.
 *
 * Input: the start of a kernel file. loader_parse_header() and
 * loader_misfit() see all of it, as they see the first bytes of the
 * real file (placement does not depend on the misfit check, so the
 * plan is tried either way). When the input is
 * longer than a header, the bytes after the first 64 choose the plan:
 *   u8  mode   bit 0: ram is a u64 count of MiB (modulo the memory
 *                     map's limit), else bytes
 *              bit 1: kernel file size in bytes, else modulo 128 MiB
 *              bit 2: initrd size in bytes, else modulo 512 MiB
 *              bit 3: RAM base from the input (2 MiB aligned), else
 *                     the memory map's
 *   u64 ram, u64 kernel file size, u64 initrd size, u64 RAM base
 * A shorter input plans with 512 MiB of RAM at the usual base, the
 * input's length as the file size and no initrd.
 */
#include <endian.h>
#include <errno.h>

#include "lib/util.h"
#include "tests/fuzz/fuzz.h"
#include "boot/loader.h"
#include "machine/memmap.h"

static void loader_check_header(const uint8_t *data, size_t size,
				const struct image_info *info, int ret)
{
	uint32_t magic = 0;

	if (size >= ARM64_IMAGE_HDR_SIZE)
		memcpy(&magic, data + 56, sizeof(magic));
	FUZZ_CHECK_EQ(info->has_header, size >= ARM64_IMAGE_HDR_SIZE &&
					le32toh(magic) == ARM64_IMAGE_MAGIC);
	if (!info->has_header) {
		FUZZ_CHECK_EQ(ret, 0);
		FUZZ_CHECK_EQ(info->text_offset, LOADER_RAW_OFFSET);
		FUZZ_CHECK_EQ(info->image_size, 0);
		return;
	}
	FUZZ_CHECK(ret == 0 || ret == -EINVAL);
	if (!ret) {
		FUZZ_CHECK(info->text_offset < SZ_2M);
		FUZZ_CHECK(IS_ALIGNED(info->text_offset, SZ_4K));
	}
}

static void loader_read_request(struct fuzz_input *in,
				struct load_request *req, size_t size)
{
	uint8_t mode;
	uint64_t ram, kernel, initrd, base;

	req->ram_base = MEMMAP_RAM_BASE;
	req->ram_size = 512 * SZ_1M;
	req->kernel_file_size = size;
	req->initrd_size = 0;
	if (fuzz_input_done(in))
		return;

	mode = fuzz_u8(in);
	ram = fuzz_u64(in);
	kernel = fuzz_u64(in);
	initrd = fuzz_u64(in);
	base = fuzz_u64(in);
	req->ram_size = (mode & 1) ? (ram % ((MEMMAP_RAM_MAX >> 20) + 1)) << 20 :
				     ram;
	req->kernel_file_size = (mode & 2) ? kernel : kernel % (128 * SZ_1M);
	req->initrd_size = (mode & 4) ? initrd : initrd % (512 * SZ_1M);
	if (mode & 8)
		req->ram_base = ALIGN_DOWN(base, SZ_2M);
}

/* Everything inside RAM, nothing overlapping, DTB and initrd in lowmem. */
static void loader_check_plan(const struct load_request *req,
			      const struct load_plan *plan)
{
	uint64_t footprint = MAX(req->kernel_file_size, req->image.image_size);
	uint64_t ram_end = req->ram_base + req->ram_size;
	uint64_t lowmem_end = req->ram_base + MIN(req->ram_size, SZ_256M);

	FUZZ_CHECK_EQ(plan->kernel_addr, req->ram_base + req->image.text_offset);
	FUZZ_CHECK(plan->kernel_end >= plan->kernel_addr);
	FUZZ_CHECK_EQ(plan->kernel_end - plan->kernel_addr, footprint);
	FUZZ_CHECK(plan->kernel_end <= ram_end);

	FUZZ_CHECK(IS_ALIGNED(plan->dtb_addr, SZ_2M));
	FUZZ_CHECK(plan->dtb_addr >= plan->kernel_end);
	FUZZ_CHECK(plan->dtb_addr <= lowmem_end);
	FUZZ_CHECK(LOADER_FDT_MAX <= lowmem_end - plan->dtb_addr);

	if (!req->initrd_size) {
		FUZZ_CHECK_EQ(plan->initrd_addr, 0);
		return;
	}
	FUZZ_CHECK(plan->initrd_addr >= plan->kernel_end);
	FUZZ_CHECK(plan->initrd_addr <= plan->dtb_addr);
	FUZZ_CHECK(req->initrd_size <= plan->dtb_addr - plan->initrd_addr);
}

/*
 * Room to spare must never be refused: a 64 MiB kernel and a 64 MiB
 * initrd always fit in 256 MiB.
 */
static bool loader_must_fit(const struct load_request *req)
{
	uint64_t footprint = MAX(req->kernel_file_size, req->image.image_size);

	return req->ram_size >= SZ_256M && footprint <= 64 * SZ_1M &&
	       req->initrd_size <= 64 * SZ_1M;
}

/* An Image is never a misfit; a misfit always says what and how to fix it. */
static void loader_check_misfit(const uint8_t *data, size_t size,
				const struct image_info *info)
{
	const struct kernel_misfit *m = loader_misfit(data, size);

	if (info->has_header)
		FUZZ_CHECK(!m);
	if (!m)
		return;
	FUZZ_CHECK(m->what && *m->what);
	FUZZ_CHECK(m->fix && *m->fix);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct load_request req = { 0 };
	struct load_plan plan;
	struct fuzz_input in;
	const char *what = NULL;
	int ret;

	ret = loader_parse_header(data, size, &req.image);
	loader_check_misfit(data, size, &req.image);
	loader_check_header(data, size, &req.image, ret);
	if (ret)
		return 0;	/* boot/load.c stops here too */

	fuzz_input_init(&in, data, size);
	in.data += MIN(size, ARM64_IMAGE_HDR_SIZE);
	in.left -= MIN(size, ARM64_IMAGE_HDR_SIZE);
	loader_read_request(&in, &req, size);
	/* The caller's contract: RAM does not wrap the address space. */
	if (req.ram_base + req.ram_size < req.ram_base)
		return 0;

	memset(&plan, 0x5a, sizeof(plan));
	ret = loader_plan(&req, &plan, &what);
	FUZZ_CHECK(what);
	if (ret) {
		FUZZ_CHECK_EQ(ret, -ENOMEM);
		FUZZ_CHECK(!strcmp(what, "kernel") ||
			   !strcmp(what, "device tree") ||
			   !strcmp(what, "initrd"));
		FUZZ_CHECK(!loader_must_fit(&req));
		return 0;
	}
	loader_check_plan(&req, &plan);
	return 0;
}
