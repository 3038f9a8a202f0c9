// SPDX-License-Identifier: GPL-2.0
/*
 * kvmtool's options about guest RAM: -m SIZE[@ADDR] and --hugetlbfs.
 * Pure, as the rest of the parser: whether the host can back the RAM
 * (its huge pages, its IPA size) is checked when the VM is made.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boot/loader.h"
#include "lib/util.h"
#include "machine/memmap.h"
#include "cli/options-mem.h"

#define fail(...) ({ snprintf(err, err_len, __VA_ARGS__); -EINVAL; })

/* A unit letter's shift (kvmtool's B, K, M, G, T, P), or -1. */
static int size_unit_shift(char c)
{
	switch (tolower((unsigned char)c)) {
	case 'b': return 0;
	case 'k': return 10;
	case 'm': return 20;
	case 'g': return 30;
	case 't': return 40;
	case 'p': return 50;
	}
	return -1;
}

/*
 * A size: plain numbers are MiB (as kvmtool's -m), or with a unit
 * letter, B for bytes; "512MB" as well as "512M".
 */
int options_parse_size(const char *s, unsigned long long *bytes)
{
	unsigned long long v, mult = SZ_1M;
	char *end;
	int shift;

	if (!isdigit((unsigned char)*s))
		return -EINVAL;		/* strtoull would take "-1" or " 1" */
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s)
		return -EINVAL;
	shift = *end ? size_unit_shift(*end) : 20;
	if (shift < 0)
		return -EINVAL;
	if (*end) {
		mult = 1ULL << shift;
		end++;
		if (shift && (*end == 'B' || *end == 'b'))
			end++;
	}
	if (*end || v > ~0ULL / mult)
		return -EINVAL;
	*bytes = v * mult;
	return 0;
}

static int check_size(unsigned long long bytes, const char *v,
		      char *err, size_t err_len)
{
	/* Below this nothing boots: kernel and device tree cannot both fit. */
	if (ALIGN_DOWN(bytes, SZ_1M) < LOADER_RAM_MIN)
		return fail("--mem '%s' is too small: kernel and device tree need at least %llu MiB; give -m %llu or more (e.g. -m 64)",
			    v, LOADER_RAM_MIN >> 20, LOADER_RAM_MIN >> 20);
	if (bytes > MEMMAP_RAM_MAX)
		return fail("--mem '%s' is larger than an arm64 guest can address (RAM ends below %llu TiB, 52 bits); give less",
			    v, MEMMAP_RAM_END_MAX >> 40);
	return 0;
}

/*
 * kvmtool's rule: nothing below 2 GiB, where the devices are. lkvm's
 * own: 2 MiB aligned, for the kernel (machine/memmap.h).
 */
static int check_base(unsigned long long base, unsigned long long size,
		      const char *v, char *err, size_t err_len)
{
	if (base < MEMMAP_RAM_BASE)
		return fail("--mem '%s': RAM at 0x%llx would overlap the devices below 2 GiB (UARTs, virtio, GIC, PCI); give a base of 2G or more, e.g. -m %llu@2G",
			    v, base, size >> 20);
	if (!IS_ALIGNED(base, MEMMAP_RAM_ALIGN))
		return fail("--mem '%s': RAM base 0x%llx is not 2 MiB aligned, which the arm64 kernel needs; give a multiple of 2 MiB, e.g. -m %llu@%lluM",
			    v, base, size >> 20,
			    (unsigned long long)ALIGN_UP(base, MEMMAP_RAM_ALIGN) >> 20);
	if (base > MEMMAP_RAM_END_MAX - size)
		return fail("--mem '%s': RAM would end beyond what an arm64 guest can address (%llu TiB, 52 bits); give a lower base or less RAM",
			    v, MEMMAP_RAM_END_MAX >> 40);
	return 0;
}

/* The address after '@': MiB by default, as the size (kvmtool's help). */
static int parse_base(const char *v, const char *at, unsigned long long size,
		      unsigned long long *base, char *err, size_t err_len)
{
	if (!at[1])
		return fail("--mem '%s': no address after '@'; give RAM's base, e.g. -m %llu@3G",
			    v, size >> 20);
	if (options_parse_size(at + 1, base))
		return fail("--mem '%s': '%s' is not an address; give it in decimal, MiB or with a unit (B, K, M, G, T, P), e.g. -m %llu@3G",
			    v, at + 1, size >> 20);
	return check_base(*base, ALIGN_DOWN(size, SZ_1M), v, err, err_len);
}

int options_set_mem(struct vm_config *cfg, const char *v, char *err, size_t err_len)
{
	unsigned long long bytes, base = 0;
	const char *at = strchr(v, '@');
	char size_str[32];
	size_t len = at ? (size_t)(at - v) : strlen(v);
	int ret;

	if (len >= sizeof(size_str))
		return fail("--mem '%.40s' is not a size; give MiB (e.g. -m 512) or use a suffix (-m 2G)", v);
	memcpy(size_str, v, len);
	size_str[len] = '\0';
	if (options_parse_size(size_str, &bytes))
		return fail("--mem '%s' is not a size; give MiB (e.g. -m 512) or use a suffix (-m 2G), and optionally a base (-m 512@3G)", v);
	ret = check_size(bytes, v, err, err_len);
	if (!ret && at)
		ret = parse_base(v, at, bytes, &base, err, err_len);
	if (ret)
		return ret;
	cfg->ram_size = ALIGN_DOWN(bytes, SZ_1M);
	cfg->ram_base = base;
	return 0;
}

/* An AArch32 kernel addresses RAM below 4 GiB only. */
int options_check_mem(const struct vm_config *cfg, char *err, size_t err_len)
{
	unsigned long long base = cfg->ram_base ? cfg->ram_base : MEMMAP_RAM_BASE;

	if (!cfg->aarch32 || base + cfg->ram_size <= MEMMAP_RAM_END_AARCH32)
		return 0;
	if (base >= MEMMAP_RAM_END_AARCH32)
		return fail("--mem base 0x%llx conflicts with --aarch32: an AArch32 guest's RAM must end below 4 GiB; give a lower base, e.g. -m %llu@2G",
			    base, (unsigned long long)(cfg->ram_size >> 20));
	return fail("--mem %llu MiB conflicts with --aarch32: an AArch32 guest's RAM must end below 4 GiB; give -m %llu or less",
		    (unsigned long long)(cfg->ram_size >> 20),
		    (MEMMAP_RAM_END_AARCH32 - base) >> 20);
}

int options_set_hugetlbfs(struct vm_config *cfg, const char *v, char *err,
			  size_t err_len)
{
	if (!*v)
		return fail("--hugetlbfs needs a directory: a hugetlbfs mount, e.g. --hugetlbfs /dev/hugepages");
	cfg->hugetlbfs = v;
	return 0;
}
