// SPDX-License-Identifier: GPL-2.0
/*
 * A guest program that relies on its MTE tags (tests/system/ctl-snapshot-mte.sh).
 * It turns on synchronous tag checks for itself, maps a few pages with
 * PROT_MTE, gives each 16-byte granule a tag (neighbours differ, and
 * pages; tag_of() says where the CPU's tags are coarser) and a
 * value through the tagged pointer, prints MTE-TAGGED and waits for a
 * line on stdin, meanwhile the VM is snapshotted and restored. Then it
 * reads every granule's tag back (LDG), every value through its tagged
 * pointer, and makes one access with a wrong tag, which must fault
 * with SIGSEGV, SEGV_MTESERR. It prints MTE-CHECK-OK, or MTE-CHECK-FAIL
 * and why, and exits 0 or 1. With -v, the first granules' tags (read
 * against wanted) once tagged.
 *
 * Built static for arm64 with -march=armv8.5-a+memtag (Makefile).
 */
#include <setjmp.h>
#include <stdbool.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <unistd.h>

#ifndef PROT_MTE
#define PROT_MTE		0x20
#endif
#ifndef HWCAP2_MTE
#define HWCAP2_MTE		(1 << 18)
#endif
#ifndef PR_SET_TAGGED_ADDR_CTRL
#define PR_SET_TAGGED_ADDR_CTRL	55
#define PR_TAGGED_ADDR_ENABLE	(1UL << 0)
#endif
#ifndef PR_MTE_TCF_SYNC
#define PR_MTE_TCF_SYNC		(1UL << 1)
#endif
#ifndef PR_MTE_TAG_SHIFT
#define PR_MTE_TAG_SHIFT	3
#endif
#ifndef SEGV_MTESERR
#define SEGV_MTESERR		9
#endif

#define PAGES		4
#define PAGE		4096
#define GRANULE		16

static sigjmp_buf fault_jmp;
static volatile int fault_code;
static bool coarse;

/*
 * Each granule's tag: neighbours differ, and so do pages. Where the
 * CPU keeps one tag per page for even granules and one for odd ones
 * (QEMU 7.2's system emulation, the emulated test host's: its MTE
 * loses a tag address's offset in the page; fixed in QEMU 8.0), the
 * tags can only differ by page and by parity.
 */
static unsigned int tag_of(size_t granule)
{
	size_t page = granule / (PAGE / GRANULE);

	if (coarse)
		return 1 + (page * 2 + granule % 2) % 15;
	return 1 + (granule * 7 + page) % 15;
}

static uint64_t *tagged(uint8_t *base, size_t granule, unsigned int tag)
{
	uintptr_t p = (uintptr_t)(base + granule * GRANULE);

	return (uint64_t *)(p | (uintptr_t)tag << 56);
}

static void set_tag(uint64_t *p)
{
	asm volatile("stg %0, [%0]" : : "r"(p) : "memory");
}

static unsigned int get_tag(uint8_t *base, size_t granule)
{
	uintptr_t p = (uintptr_t)(base + granule * GRANULE);

	asm volatile("ldg %0, [%0]" : "+r"(p));
	return (p >> 56) & 0xf;
}

/* Whether granule 2's tag lands on granule 0's (the emulator's MTE above). */
static bool tags_coarse(uint8_t *base)
{
	bool c;

	set_tag(tagged(base, 0, 1));
	set_tag(tagged(base, 2, 2));
	c = get_tag(base, 0) == 2;
	if (c)
		printf("MTE-NOTE this CPU keeps one tag per page and granule parity: tags differ by page and parity only\n");
	return c;
}

static void on_segv(int sig, siginfo_t *si, void *uc)
{
	fault_code = si->si_code;
	siglongjmp(fault_jmp, 1);
}

static void tag_all(uint8_t *base)
{
	size_t g;

	for (g = 0; g < PAGES * PAGE / GRANULE; g++) {
		uint64_t *p = tagged(base, g, tag_of(g));

		set_tag(p);
		*p = 0x5a5a000000000000ull | g;
	}
}

static int check_all(uint8_t *base)
{
	size_t g, bad = 0;

	for (g = 0; g < PAGES * PAGE / GRANULE; g++) {
		unsigned int t = get_tag(base, g);

		if (t != tag_of(g) || *tagged(base, g, t) != (0x5a5a000000000000ull | g)) {
			if (!bad++)
				printf("MTE-CHECK-FAIL granule %zu: tag %u (want %u)\n",
				       g, t, tag_of(g));
		}
	}
	if (bad)
		printf("MTE-CHECK-FAIL %zu of %d granules lost their tag or value\n",
		       bad, PAGES * PAGE / GRANULE);
	return bad ? -1 : 0;
}

/* An access with a tag the granule does not have: a synchronous tag fault. */
static int check_fault(uint8_t *base)
{
	struct sigaction sa = { .sa_sigaction = on_segv, .sa_flags = SA_SIGINFO };
	volatile uint64_t *p = tagged(base, 5, tag_of(5) ^ 0x8);
	volatile uint64_t v = 0;

	sigaction(SIGSEGV, &sa, NULL);
	fault_code = 0;
	if (!sigsetjmp(fault_jmp, 1)) {
		v = *p;
		printf("MTE-CHECK-FAIL a wrong tag read 0x%llx without a fault\n",
		       (unsigned long long)v);
		return -1;
	}
	if (fault_code != SEGV_MTESERR) {
		printf("MTE-CHECK-FAIL the wrong tag faulted with si_code %d, not SEGV_MTESERR\n",
		       fault_code);
		return -1;
	}
	return 0;
}

/* -v: what the tags read back as, granule by granule, for the first few. */
static void show(uint8_t *base, const char *when)
{
	size_t g;

	printf("MTE-SHOW %s:", when);
	for (g = 0; g < 24; g++)
		printf(" %u/%u", get_tag(base, g), tag_of(g));
	printf("\n");
}

int main(int argc, char **argv)
{
	int verbose = argc > 1 && !strcmp(argv[1], "-v");
	unsigned long ctl = PR_TAGGED_ADDR_ENABLE | PR_MTE_TCF_SYNC |
			    (0xfffeUL << PR_MTE_TAG_SHIFT);
	char line[128];
	uint8_t *base;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!(getauxval(AT_HWCAP2) & HWCAP2_MTE)) {
		printf("MTE-CHECK-FAIL the CPU has no MTE (HWCAP2_MTE)\n");
		return 1;
	}
	if (prctl(PR_SET_TAGGED_ADDR_CTRL, ctl, 0, 0, 0)) {
		printf("MTE-CHECK-FAIL prctl(PR_SET_TAGGED_ADDR_CTRL): %m\n");
		return 1;
	}
	base = mmap(NULL, PAGES * PAGE, PROT_READ | PROT_WRITE | PROT_MTE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (base == MAP_FAILED) {
		printf("MTE-CHECK-FAIL mmap(PROT_MTE): %m\n");
		return 1;
	}
	coarse = tags_coarse(base);
	tag_all(base);
	if (verbose)
		show(base, "tagged");
	if (check_all(base) || check_fault(base))
		return 1;
	printf("MTE-TAGGED pages=%d granules=%d\n", PAGES, PAGES * PAGE / GRANULE);
	if (!fgets(line, sizeof(line), stdin)) {
		printf("MTE-CHECK-FAIL no line on stdin\n");
		return 1;
	}
	if (check_all(base) || check_fault(base))
		return 1;
	printf("MTE-CHECK-OK tags, values and a wrong tag's fault\n");
	return 0;
}
