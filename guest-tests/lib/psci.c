// SPDX-License-Identifier: GPL-2.0
/*
 * PSCI client (ARM DEN 0022). The conduit, hvc or smc, is whatever the
 * DT's psci node says; PSCI 0.1 nodes name their own function IDs.
 */
#include "fdt.h"
#include "psci.h"
#include "string.h"

static bool use_smc;
static bool has_v02;
static u32 fn_cpu_on = PSCI_CPU_ON_64;

/* SMCCC: x0-x3 in, x0 out; x4-x17 are not preserved by callee. */
#define SMCCC_CLOBBERS "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11", \
	"x12", "x13", "x14", "x15", "x16", "x17", "memory"

static s64 call_hvc(u64 fn, u64 a1, u64 a2, u64 a3)
{
	register u64 x0 asm("x0") = fn;
	register u64 x1 asm("x1") = a1;
	register u64 x2 asm("x2") = a2;
	register u64 x3 asm("x3") = a3;

	asm volatile("hvc #0" : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3)
		     : : SMCCC_CLOBBERS);
	return x0;
}

static s64 call_smc(u64 fn, u64 a1, u64 a2, u64 a3)
{
	register u64 x0 asm("x0") = fn;
	register u64 x1 asm("x1") = a1;
	register u64 x2 asm("x2") = a2;
	register u64 x3 asm("x3") = a3;

	asm volatile("smc #0" : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3)
		     : : SMCCC_CLOBBERS);
	return x0;
}

s64 psci_call(u32 fn, u64 a1, u64 a2, u64 a3)
{
	return use_smc ? call_smc(fn, a1, a2, a3) : call_hvc(fn, a1, a2, a3);
}

/* Returns 0, or -1 when the DT has no usable psci node (hvc assumed). */
int psci_init(void)
{
	int node = fdt_find_compatible(-1, "arm,psci-0.2");
	const char *method;
	u32 v;

	if (node >= 0)
		has_v02 = true;
	else
		node = fdt_find_compatible(-1, "arm,psci");
	if (node < 0)
		return -1;
	method = fdt_getprop_str(node, "method");
	use_smc = method && !strcmp(method, "smc");
	if (!has_v02 && fdt_getprop_u32(node, "cpu_on", &v))
		fn_cpu_on = v;
	return 0;
}

bool psci_uses_smc(void)
{
	return use_smc;
}

/* major << 16 | minor; 0.1 has no PSCI_VERSION call. */
u32 psci_version(void)
{
	if (!has_v02)
		return 1;
	return psci_call(PSCI_VERSION, 0, 0, 0);
}

int psci_cpu_on(u64 mpidr, u64 entry, u64 context)
{
	return psci_call(fn_cpu_on, mpidr, entry, context);
}

void psci_system_off(void)
{
	psci_call(PSCI_SYSTEM_OFF, 0, 0, 0);
}

const char *psci_error_name(s64 err)
{
	switch (err) {
	case PSCI_SUCCESS:
		return "SUCCESS";
	case PSCI_NOT_SUPPORTED:
		return "NOT_SUPPORTED";
	case PSCI_INVALID_PARAMS:
		return "INVALID_PARAMETERS";
	case PSCI_DENIED:
		return "DENIED";
	case PSCI_ALREADY_ON:
		return "ALREADY_ON";
	case PSCI_ON_PENDING:
		return "ON_PENDING";
	default:
		return "error";
	}
}
