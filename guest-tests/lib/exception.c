// SPDX-License-Identifier: GPL-2.0
/*
 * Exceptions other than IRQs are fatal unless a test claimed them: the
 * report names the exception class, the syndrome and the faulting
 * address, with link-time addresses for addr2line on the .elf.
 */
#include "console.h"
#include "exception.h"
#include "irq.h"
#include "layout.h"
#include "printf.h"
#include "runtime.h"
#include "smp.h"
#include "test.h"

#define BACKTRACE_DEPTH	8

static sync_handler_t sync_handlers[NR_CPUS];

static const char *const vector_names[16] = {
	"sync (SP_EL0)", "irq (SP_EL0)", "fiq (SP_EL0)", "serror (SP_EL0)",
	"sync", "irq", "fiq", "serror",
	"sync (lower EL)", "irq (lower EL)", "fiq (lower EL)",
	"serror (lower EL)",
	"sync (lower EL32)", "irq (lower EL32)", "fiq (lower EL32)",
	"serror (lower EL32)",
};

sync_handler_t exception_set_sync_handler(sync_handler_t fn)
{
	int cpu = smp_processor_id();
	sync_handler_t old = sync_handlers[cpu];

	sync_handlers[cpu] = fn;
	return old;
}

static const char *ec_name(u32 ec)
{
	switch (ec) {
	case 0x00: return "unknown/undefined instruction";
	case 0x01: return "WFI/WFE trap";
	case 0x07: return "FP/SIMD access trap";
	case 0x0e: return "illegal execution state";
	case 0x15: return "SVC";
	case 0x16: return "HVC";
	case 0x17: return "SMC";
	case 0x18: return "system register trap";
	case 0x20: return "instruction abort (lower EL)";
	case 0x21: return "instruction abort";
	case 0x22: return "PC alignment";
	case 0x24: return "data abort (lower EL)";
	case 0x25: return "data abort";
	case 0x26: return "SP alignment";
	case 0x2f: return "SError";
	case 0x3c: return "BRK";
	default: return "other";
	}
}

/* Stack addresses only: a corrupt frame pointer must not fault again. */
static bool on_stack(u64 fp)
{
	extern char stacks[];
	u64 lo = (u64)stacks;

	return fp >= lo && fp + 16 <= lo + NR_CPUS * STACK_SIZE && !(fp & 15);
}

static void backtrace(u64 fp)
{
	int i;

	for (i = 0; i < BACKTRACE_DEPTH && on_stack(fp); i++) {
		const u64 *frame = (const u64 *)fp;

		printf("#   [%d] %#lx\n", i, frame[1] - load_offset());
		fp = frame[0];
	}
}

static void exception_report(int kind, struct exc_frame *f)
{
	u32 ec = ESR_EC(f->esr);
	int i;

	console_lock();
	printf("# cpu%d: unexpected exception: %s\n", smp_processor_id(),
	       vector_names[kind & 15]);
	printf("#   ESR %#lx (EC %#x %s) FAR %#lx\n", f->esr, ec, ec_name(ec),
	       f->far);
	printf("#   ELR %#lx (image offset %#lx) SPSR %#lx SP %#lx\n", f->elr,
	       f->elr - load_offset(), f->spsr, f->sp);
	for (i = 0; i < 30; i += 2)
		printf("#   x%-2d %016lx  x%-2d %016lx\n", i, f->x[i], i + 1,
		       f->x[i + 1]);
	printf("#   x30 %016lx (image offset %#lx)\n", f->x[30],
	       f->x[30] - load_offset());
	printf("#   backtrace (image offsets):\n");
	backtrace(f->x[29]);
	console_unlock();
}

void handle_exception(int kind, struct exc_frame *f)
{
	sync_handler_t fn;

	if (kind == EXC_IRQ_SPX) {
		irq_dispatch();
		return;
	}
	fn = sync_handlers[smp_processor_id()];
	if (kind == EXC_SYNC_SPX && fn && fn(f))
		return;
	exception_report(kind, f);
	test_abort("unexpected exception: %s, ESR %#lx ELR %#lx FAR %#lx",
		   vector_names[kind & 15], f->esr, f->elr, f->far);
}
