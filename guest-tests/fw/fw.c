// SPDX-License-Identifier: GPL-2.0
/*
 * The test firmware (docs/guest-tests.md, "The test firmware"): checks
 * what a firmware started by "lkvm run -f" relies on, then loads the
 * payload kernel packed after it (fw-pack.sh) as a boot loader does and
 * enters it. Runs with the MMU off on the boot CPU only: no atomics, no
 * locks (the console takes none with the MMU off), aligned accesses.
 *
 * Test parameters (bootargs): fw.address=A the address the firmware
 * must have been loaded at (default: RAM's start); fw.el=N the EL it
 * must have been entered at (default: 1 or 2).
 */
#include "bootargs.h"
#include "console.h"
#include "fdt.h"
#include "io.h"
#include "printf.h"
#include "psci.h"
#include "sysreg.h"
#include "testdev.h"
#include "types.h"

#define FDT_MAGIC_BE	0xd00dfeedU
#define FDT_SIZE_MAX	0x200000UL	/* no VMM's DTB comes near */
#define DTB_ALIGN	0x200000UL	/* kvmtool's, after the firmware */
#define KERNEL_ALIGN	0x200000UL	/* booting.rst: base + text_offset */
#define IMAGE_MAGIC	0x644d5241U	/* "ARM\x64" */
#define UART0		0x01000000UL	/* kvmtool's ttyS0, for a DTB-less end */

/* What head.S saw on entry. */
struct fw_entry {
	u64 x0, x1, x2, x3;
	u64 el;
	u64 load;		/* where _head runs */
};

/* Filled in by fw-pack.sh (head.S). */
extern const u64 fw_payload_desc[2];
/* The end of fw.bin's contents (fw.lds): the file, when nothing is packed. */
extern const char _end[];

const char test_name[] = "fw";

void fw_handover(u64 entry, u64 dtb) __noreturn;
void park(void) __noreturn;

static int passed, failed;

static bool fw_check(bool ok, const char *name, const char *fmt, ...)
{
	va_list ap;

	printf("CHECK %s %s ", name, ok ? "PASS" : "FAIL");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	if (ok)
		passed++;
	else
		failed++;
	return ok;
}

/* Never returns: the verdict, the test device's status, SYSTEM_OFF. */
static void __noreturn fw_fail(void)
{
	printf("TEST fw %d passed, %d failed\n", passed, failed);
	printf("TEST-RESULT FAIL\n");
	dsb(sy);
	if (!testdev_probe())
		testdev_exit(1);
	psci_system_off();
	park();
}

/* Without a DTB there is no console to find: kvmtool's UART0, raw. */
static void __noreturn fw_fail_raw(u64 dtb)
{
	static const char hex[] = "0123456789abcdef";
	const char *s = "CHECK fw.dtb FAIL x0 = 0x";
	int i;

	while (*s)
		writeb(*s++, UART0);
	for (i = 60; i >= 0; i -= 4)
		writeb(hex[(dtb >> i) & 15], UART0);
	for (s = " is no DTB\nTEST-RESULT FAIL\n"; *s; s++)
		writeb(*s, UART0);
	psci_system_off();	/* hvc until psci_init(): lkvm's conduit */
	park();
}

static u64 le64_at(u64 addr)
{
	return *(volatile u64 *)addr;	/* little-endian CPU, aligned */
}

static u32 le32_at(u64 addr)
{
	return *(volatile u32 *)addr;
}

static u32 be32_at(u64 addr)
{
	return be32((const void *)addr);
}

/* x0: a DTB the firmware can read (magic, version, size) before anything else. */
static void fw_check_dtb(const struct fw_entry *e)
{
	u64 dtb = e->x0;
	u32 size;

	if (!dtb || (dtb & 7) || be32_at(dtb) != FDT_MAGIC_BE)
		fw_fail_raw(dtb);
	size = be32_at(dtb + 4);
	if (size < 40 || size > FDT_SIZE_MAX || fdt_init((const void *)dtb))
		fw_fail_raw(dtb);
	console_init();
	psci_init();
	testdev_probe();
	fw_check(true, "fw.dtb", "x0 = %#lx: magic 0xd00dfeed, version %u, %u bytes",
		 dtb, be32_at(dtb + 20), size);
}

static void fw_check_entry(const struct fw_entry *e, u64 ram_base)
{
	u64 want_el = bootarg_u64("fw.el", 0);
	u64 want = bootarg_u64("fw.address", ram_base);

	fw_check(!e->x1 && !e->x2 && !e->x3, "fw.regs",
		 "x1 %#lx, x2 %#lx, x3 %#lx (booting.rst: 0)", e->x1, e->x2, e->x3);
	fw_check(want_el ? e->el == want_el : (e->el == 1 || e->el == 2),
		 "fw.el", "entered at EL%lu%s", e->el,
		 want_el ? " (fw.el given)" : "");
	fw_check(e->load == want, "fw.address", "entered at %#lx, expected %#lx%s",
		 e->load, want, bootarg_present("fw.address") ?
		 " (fw.address)" : " (RAM's start)");
}

/* The DTB in RAM, at the next 2 MiB boundary after the firmware's file. */
static void fw_check_dtb_place(const struct fw_entry *e, u64 ram_base,
			       u64 ram_end, u64 fw_end)
{
	u64 dtb = e->x0, end = dtb + fdt_total_size();

	fw_check(dtb >= ram_base && end <= ram_end, "fw.dtb-ram",
		 "DTB %#lx-%#lx in RAM %#lx-%#lx", dtb, end - 1, ram_base,
		 ram_end - 1);
	fw_check(dtb == ALIGN_UP(fw_end, DTB_ALIGN), "fw.dtb-place",
		 "DTB at %#lx; the firmware ends at %#lx, the next 2 MiB boundary is %#lx",
		 dtb, fw_end, ALIGN_UP(fw_end, DTB_ALIGN));
}

static bool overlaps(u64 a, u64 a_end, u64 b, u64 b_end)
{
	return a < b_end && b < a_end;
}

/*
 * A boot loader's choice: the lowest 2 MiB aligned base whose
 * base + text_offset leaves image_size bytes clear of the firmware (it
 * is running) and of the DTB. 0 when RAM has no such place.
 */
static u64 fw_place(u64 ram_base, u64 ram_end, u64 text_offset, u64 footprint,
		    u64 fw_start, u64 fw_end, u64 dtb, u64 dtb_end)
{
	u64 base;

	for (base = ALIGN_UP(ram_base, KERNEL_ALIGN); base < ram_end;
	     base += KERNEL_ALIGN) {
		u64 dst = base + text_offset;

		if (dst + footprint > ram_end)
			return 0;
		if (!overlaps(dst, dst + footprint, fw_start, fw_end) &&
		    !overlaps(dst, dst + footprint, dtb, dtb_end))
			return dst;
	}
	return 0;
}

/* Copy, then clean to the point of coherency: the payload starts with the MMU off. */
static void fw_copy(u64 dst, u64 src, u64 len)
{
	u64 line = 4UL << ((read_sysreg(ctr_el0) >> 16) & 15), a, i;

	for (i = 0; i + 8 <= len; i += 8)
		*(volatile u64 *)(dst + i) = *(volatile u64 *)(src + i);
	for (; i < len; i++)
		*(volatile u8 *)(dst + i) = *(volatile u8 *)(src + i);
	for (a = ALIGN_DOWN(dst, line); a < dst + len; a += line)
		asm volatile("dc cvac, %0" : : "r"(a) : "memory");
	dsb(sy);
	asm volatile("ic iallu" ::: "memory");
	dsb(sy);
	isb();
}

static void fw_boot_payload(const struct fw_entry *e, u64 ram_base, u64 ram_end)
{
	u64 src = e->load + fw_payload_desc[0], len = fw_payload_desc[1];
	u64 text_offset, image_size, dst;

	bool magic = len >= 64 && le32_at(src + 56) == IMAGE_MAGIC;

	if (!fw_check(magic, "fw.payload", "%lu bytes at %#lx, arm64 Image magic %s",
		      len, src, magic ? "found" : "missing"))
		return;
	text_offset = le64_at(src + 8);
	image_size = le64_at(src + 16);
	if (!image_size)	/* booting.rst: a pre-3.17 kernel */
		text_offset = 0x80000;
	if (!fw_check(!(text_offset & 0xfff) && text_offset < KERNEL_ALIGN &&
		      !(le64_at(src + 24) & 1), "fw.payload-header",
		      "text_offset %#lx, image_size %#lx, flags %#lx", text_offset,
		      image_size, le64_at(src + 24)))
		return;
	dst = fw_place(ram_base, ram_end, text_offset, MAX(len, image_size),
		       e->load, src + len, e->x0, e->x0 + fdt_total_size());
	if (!fw_check(dst, "fw.payload-place", "at %#lx (2 MiB base %#lx + text_offset %#lx)",
		      dst, dst - text_offset, text_offset))
		return;
	printf("# fw: %d checks passed; entering the payload at %#lx, x0 = DTB %#lx\n",
	       passed, dst, e->x0);
	fw_copy(dst, src, len);
	fw_handover(dst, e->x0);
}

void fw_main(const struct fw_entry *e)
{
	u64 fw_end = fw_payload_desc[0] ? e->load + fw_payload_desc[0] +
		     fw_payload_desc[1] : (u64)_end;
	u64 ram_base = 0, ram_size = 0;
	int mem;

	fw_check_dtb(e);
	printf("# lkvm test firmware at %#lx (%lu bytes with its payload), EL%lu\n",
	       e->load, fw_end - e->load, e->el);
	mem = fdt_find_device_type(-1, "memory");
	if (!fw_check(mem >= 0 && fdt_read_reg(mem, 0, &ram_base, &ram_size), "fw.memory",
		      "RAM %#lx, %lu MiB", ram_base, ram_size >> 20))
		fw_fail();
	fw_check_entry(e, ram_base);
	fw_check_dtb_place(e, ram_base, ram_base + ram_size, fw_end);
	if (fw_check(fw_payload_desc[0] && fw_payload_desc[1], "fw.packed",
		     "payload at +%#lx, %lu bytes", fw_payload_desc[0],
		     fw_payload_desc[1]) && !failed)
		fw_boot_payload(e, ram_base, ram_base + ram_size);
	fw_fail();
}
