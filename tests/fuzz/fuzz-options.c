// SPDX-License-Identifier: GPL-2.0
/*
 * The "lkvm run" command line parser.
 *
 * Input: the arguments after "run", separated by NUL bytes (the last
 * one needs no terminator). Each argument gets its own allocation of
 * exactly its length, so reading past one is an AddressSanitizer
 * report, as is writing past the error buffer.
 *
 * The parse runs twice: with the usual error buffer, and with one of a
 * few bytes, which must give the same result and a truncated message.
 * Every argument is also given to options_parse_size() and compared
 * with a plain reimplementation of the documented syntax.
 */
#include <ctype.h>
#include <errno.h>

#include "lib/log.h"
#include "lib/util.h"
#include "tests/fuzz/fuzz.h"
#include "machine/memmap.h"
#include "cli/options.h"
#include "cli/guest-root.h"
#include "cli/options-mem.h"

#define OPT_MAX_ARGS	256
#define OPT_MAX_CPUS	512

struct opt_args {
	int argc;
	char *argv[OPT_MAX_ARGS + 1];
};

static void opt_split(struct opt_args *a, const uint8_t *data, size_t size)
{
	size_t start = 0, i;

	a->argv[0] = strdup("run");
	FUZZ_CHECK(a->argv[0]);
	a->argc = 1;
	for (i = 0; i <= size && a->argc < OPT_MAX_ARGS; i++) {
		if (i < size && data[i])
			continue;
		if (i == size && start == size)
			break;		/* a trailing NUL ends the last one */
		a->argv[a->argc] = strndup((const char *)data + start,
					   i - start);
		FUZZ_CHECK(a->argv[a->argc]);
		a->argc++;
		start = i + 1;
	}
	a->argv[a->argc] = NULL;
}

static void opt_free(struct opt_args *a)
{
	int i;

	for (i = 0; i < a->argc; i++)
		free(a->argv[i]);
}

/* A string the config holds must be (the tail of) one of the arguments. */
static bool opt_from_args(const struct opt_args *a, const char *p)
{
	int i;

	if (!p)
		return true;
	for (i = 1; i < a->argc; i++)
		if (p >= a->argv[i] && p <= a->argv[i] + strlen(a->argv[i]))
			return true;
	return false;
}

/* --name becomes a socket file name: short, plain, no leading dot or dash. */
static bool opt_name_ok(const char *name)
{
	size_t len, i;

	if (!name)
		return true;
	len = strlen(name);
	if (!len || len > 40 || name[0] == '.' || name[0] == '-')
		return false;
	for (i = 0; i < len; i++)
		if (!isalnum((unsigned char)name[i]) && !strchr("._-", name[i]))
			return false;
	return true;
}

static void opt_check_config(const struct opt_args *a,
			     const struct vm_config *cfg)
{
	/*
	 * A kernel to boot, or with -f a firmware that loads its own, or
	 * with --restore a snapshot whose run names them (and no kernel).
	 */
	FUZZ_CHECK((cfg->kernel_path && *cfg->kernel_path) ||
		   (cfg->firmware_path && *cfg->firmware_path) ||
		   (cfg->restore_path && *cfg->restore_path && !cfg->kernel_path &&
		    !cfg->firmware_path));
	FUZZ_CHECK(opt_from_args(a, cfg->restore_path));
	FUZZ_CHECK(opt_from_args(a, cfg->kernel_path));
	FUZZ_CHECK(opt_from_args(a, cfg->firmware_path));
	FUZZ_CHECK(opt_from_args(a, cfg->initrd_path));
	FUZZ_CHECK(opt_from_args(a, cfg->params));
	FUZZ_CHECK(opt_from_args(a, cfg->dump_dtb_path));
	FUZZ_CHECK(opt_from_args(a, cfg->name));
	FUZZ_CHECK(opt_name_ok(cfg->name));
	FUZZ_CHECK(cfg->nr_cpus <= OPT_MAX_CPUS);
	FUZZ_CHECK(!cfg->ram_size || cfg->ram_size >= SZ_1M);
	FUZZ_CHECK(cfg->ram_size <= MEMMAP_RAM_MAX);
	FUZZ_CHECK(IS_ALIGNED(cfg->ram_size, SZ_1M));
	FUZZ_CHECK(!cfg->ram_base || (cfg->ram_base >= MEMMAP_RAM_BASE &&
				      IS_ALIGNED(cfg->ram_base, MEMMAP_RAM_ALIGN) &&
				      cfg->ram_base + cfg->ram_size <= MEMMAP_RAM_END_MAX));
	FUZZ_CHECK(opt_from_args(a, cfg->hugetlbfs));
	FUZZ_CHECK(cfg->irqchip <= IRQCHIP_GICV2M);
	FUZZ_CHECK(cfg->loglevel >= LOG_ERROR && cfg->loglevel <= LOG_DEBUG);
}

/* The error text is a C string inside the buffer; non-empty on failure. */
static size_t opt_check_err(const char *err, size_t err_len, int ret)
{
	const char *nul = memchr(err, '\0', err_len);

	FUZZ_CHECK(nul);
	if (ret < 0 && err_len > 1)
		FUZZ_CHECK(nul != err);
	if (ret >= 0)
		FUZZ_CHECK(nul == err);
	return nul - err;
}

/*
 * The default root: only for a kernel with no root of the user's; its
 * shares fit or fail with a message, and the root's tag is there.
 */
static void opt_check_guest_root(struct vm_config *cfg)
{
	char err[OPTIONS_ERR_MAX];
	unsigned int before = cfg->nr_shares;
	int ret;

	if (!guest_root_wanted(cfg)) {
		FUZZ_CHECK(!cfg->kernel_path || cfg->nr_disks || cfg->initrd_path ||
			   cfg->firmware_path || cfg->nodefaults || cfg->restore_path ||
			   guest_root_params_have_root(cfg->params));
		return;
	}
	FUZZ_CHECK(cfg->kernel_path && !cfg->nr_disks && !cfg->initrd_path);
	ret = guest_root_add_shares(cfg, "/r,/dev/root", err, sizeof(err));
	FUZZ_CHECK(ret == 0 || ret == -EINVAL);
	FUZZ_CHECK(cfg->nr_shares <= CONFIG_MAX_SHARES);
	if (!ret)
		FUZZ_CHECK(cfg->nr_shares > before && cfg->nr_shares <= before + 2);
	else
		FUZZ_CHECK(*err);
}

/* A setup name: plain, as the reference says, or an error saying why. */
static void opt_fuzz_setup_name(const char *s)
{
	char err[OPTIONS_ERR_MAX];
	size_t i, len = strlen(s);
	bool plain = len && len <= GUEST_ROOT_NAME_MAX && s[0] != '.' && s[0] != '-';

	for (i = 0; plain && i < len; i++)
		plain = isalnum((unsigned char)s[i]) || strchr("._-", s[i]);
	err[0] = '\0';
	FUZZ_CHECK_EQ(guest_root_name_check(s, err, sizeof(err)), plain ? 0 : -EINVAL);
	FUZZ_CHECK(plain == !*err);
}

static int opt_parse(const struct opt_args *a, struct vm_config *cfg,
		     char *err, size_t err_len)
{
	memset(err, 0xff, err_len);
	return options_parse_run(a->argc, a->argv, cfg, err, err_len);
}

static void opt_fuzz_run(const struct opt_args *a, size_t small_len)
{
	struct vm_config cfg, cfg2;
	char *err, *err2;
	size_t len, len2;
	int ret, ret2;

	/* Exactly sized, so an overrun of either buffer is caught. */
	err = malloc(OPTIONS_ERR_MAX);
	err2 = malloc(small_len);
	FUZZ_CHECK(err && err2);

	ret = opt_parse(a, &cfg, err, OPTIONS_ERR_MAX);
	FUZZ_CHECK(ret == 0 || ret == 1 || ret == -EINVAL);
	len = opt_check_err(err, OPTIONS_ERR_MAX, ret);
	if (!ret)
		opt_check_config(a, &cfg);

	ret2 = opt_parse(a, &cfg2, err2, small_len);
	FUZZ_CHECK_EQ(ret2, ret);
	len2 = opt_check_err(err2, small_len, ret2);
	FUZZ_CHECK_EQ(len2, MIN(len, small_len - 1));
	FUZZ_CHECK(!memcmp(err, err2, len2));
	if (!ret)
		FUZZ_CHECK(!memcmp(&cfg, &cfg2, sizeof(cfg)));
	if (!ret)
		opt_check_guest_root(&cfg);

	free(err);
	free(err2);
}

/* The documented syntax: MiB, or digits and B/K/M/G/T/P (optionally KB...). */
static int opt_ref_size(const char *s, unsigned long long *bytes)
{
	unsigned long long v = 0, mult;
	const char *p = s;

	if (!isdigit((unsigned char)*p))
		return -EINVAL;
	for (; isdigit((unsigned char)*p); p++) {
		unsigned int d = *p - '0';

		if (v > (~0ULL - d) / 10)
			return -EINVAL;
		v = v * 10 + d;
	}
	switch (tolower((unsigned char)*p)) {
	case 'b': mult = 1; break;
	case 'k': mult = 1ULL << 10; break;
	case 'm': mult = 1ULL << 20; break;
	case 'g': mult = 1ULL << 30; break;
	case 't': mult = 1ULL << 40; break;
	case 'p': mult = 1ULL << 50; break;
	default: mult = 0; break;
	}
	/* "2G" and "2GB", "2B" bytes; no "2BB". */
	if (mult) {
		p++;
		if (mult > 1 && (*p == 'b' || *p == 'B'))
			p++;
	} else {
		mult = SZ_1M;
	}
	if (*p || v > ~0ULL / mult)
		return -EINVAL;
	*bytes = v * mult;
	return 0;
}

static void opt_fuzz_size(const char *s)
{
	unsigned long long got = 0, want = 0;
	int ret = options_parse_size(s, &got);

	FUZZ_CHECK_EQ(ret, opt_ref_size(s, &want));
	if (!ret)
		FUZZ_CHECK_EQ(got, want);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct opt_args a;
	int i;

	opt_split(&a, data, size);
	/* 1 to 32 bytes: from no room for a message to a truncated one. */
	opt_fuzz_run(&a, 1 + size % 32);
	for (i = 1; i < a.argc; i++) {
		opt_fuzz_size(a.argv[i]);
		opt_fuzz_setup_name(a.argv[i]);
	}
	opt_free(&a);
	return 0;
}
