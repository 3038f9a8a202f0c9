// SPDX-License-Identifier: GPL-2.0
/*
 * kvmtool's arm64 options about the vCPUs and the kernel's start:
 * --vcpu-affinity and --kaslr-seed. Pure, as the rest of the parser.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/options-cpu.h"

#define fail(...) ({ snprintf(err, err_len, __VA_ARGS__); -EINVAL; })

/* A CPU number of a list: digits only, below CPU_SETSIZE. */
static int cpulist_number(const char **p, unsigned long *cpu)
{
	char *end;

	if (!isdigit((unsigned char)**p))
		return -EINVAL;
	errno = 0;
	*cpu = strtoul(*p, &end, 10);
	if (errno || *cpu >= CPU_SETSIZE)
		return -ERANGE;
	*p = end;
	return 0;
}

/* "N" or "N-M", then ',' or the end; adds the CPUs to set. */
static int cpulist_range(const char **p, cpu_set_t *set)
{
	unsigned long first, last, cpu;
	int ret = cpulist_number(p, &first);

	last = first;
	if (!ret && **p == '-') {
		(*p)++;
		ret = cpulist_number(p, &last);
	}
	if (ret)
		return ret;
	if (last < first || (**p && **p != ','))
		return -EINVAL;
	for (cpu = first; cpu <= last; cpu++)
		CPU_SET(cpu, set);
	return 0;
}

/*
 * --vcpu-affinity CPULIST, kvmtool's: every vCPU thread may run on
 * these host CPUs only (the same set for all, as kvmtool pins them).
 * The list as kvmtool's cpulist_parse() reads it: "0-3,6,8-9".
 */
int options_set_vcpu_affinity(struct vm_config *cfg, const char *v, char *err,
			      size_t err_len)
{
	const char *p = v;
	int ret;

	CPU_ZERO(&cfg->vcpu_affinity);
	do {
		ret = cpulist_range(&p, &cfg->vcpu_affinity);
		if (ret == -ERANGE)
			return fail("--vcpu-affinity '%.32s': a CPU number is too large; give host CPU numbers below %d",
				    v, CPU_SETSIZE);
		if (ret)
			return fail("--vcpu-affinity '%.32s' is not a CPU list; give host CPUs as in 0-3,6 (see lscpu)",
				    v);
	} while (*p && *++p);
	if (p > v && p[-1] == ',')
		return fail("--vcpu-affinity '%.32s' ends with ','; give host CPUs as in 0-3,6", v);
	cfg->has_vcpu_affinity = true;
	return 0;
}

/*
 * --kaslr-seed N, kvmtool's: the 64-bit value of /chosen/kaslr-seed,
 * which a Linux kernel built with KASLR takes as its randomisation
 * seed. Decimal as kvmtool reads it, or 0x-prefixed hexadecimal.
 */
int options_set_kaslr_seed(struct vm_config *cfg, const char *v, char *err,
			   size_t err_len)
{
	unsigned long long seed;
	char *end;

	errno = 0;
	seed = strtoull(v, &end, 0);
	if (!isdigit((unsigned char)*v) || *end || errno ||
	    (v[0] == '0' && isdigit((unsigned char)v[1])))
		return fail("--kaslr-seed '%.32s' is not a 64-bit number; give one in decimal or 0x hexadecimal",
			    v);
	cfg->kaslr_seed = seed;
	return 0;
}
