// SPDX-License-Identifier: GPL-2.0
#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gic/irqchip.h"
#include "lib/log.h"
#include "lib/util.h"
#include "boot/loader.h"
#include "cli/options.h"
#include "cli/options-dev.h"
#include "cli/options-cpu.h"
#include "cli/options-mem.h"
#include "cli/options-net.h"

/* kvmtool's limit; KVM's own (KVM_CAP_MAX_VCPUS) is checked later. */
#define OPTIONS_MAX_CPUS	512
/* SVE vector lengths, in bits (the architecture's range). */
#define OPTIONS_SVE_VL_MIN	128
#define OPTIONS_SVE_VL_MAX	2048

enum opt_id {
	OPT_KERNEL, OPT_INITRD, OPT_PARAMS, OPT_CPUS, OPT_MEM, OPT_IRQCHIP,
	OPT_DUMP_DTB, OPT_NAME, OPT_NODEFAULTS, OPT_LOGLEVEL, OPT_VERBOSE,
	OPT_DEBUG, OPT_NETWORK, OPT_CONSOLE, OPT_TEST_DEVICE, OPT_SANDBOX, OPT_HELP,
	OPT_DISK, OPT_RNG, OPT_9P, OPT_TRANSPORT, OPT_PMU, OPT_SVE_MAX_VL, OPT_NO_MTE,
	OPT_NO_PVTIME, OPT_AARCH32, OPT_NESTED, OPT_VCPU_AFFINITY, OPT_KASLR_SEED, OPT_TTY,
	OPT_DEV, OPT_FORCE_PCI, OPT_VIRTIO_LEGACY, OPT_CNTFRQ, OPT_DEBUG_MMIO,
	OPT_DEBUG_IOPORT, OPT_DEBUG_IODELAY, OPT_SINGLE_STEP, OPT_FIRMWARE,
	OPT_FIRMWARE_ADDR, OPT_HUGETLBFS, OPT_PCI_TESTDEV, OPT_VSOCK, OPT_RESTORE, OPT_GROUP,
};

struct opt_desc {
	enum opt_id id;
	char short_name;
	const char *long_name;
	const char *arg;	/* NULL: takes no value */
	const char *help;
};

/*
 * In kvmtool's order and under its headings, so that a kvmtool user
 * finds an option where they expect it. A row without a long name is a
 * heading.
 */
#define OPT_HEADING(text)	{ OPT_GROUP, 0, NULL, NULL, text }

static const struct opt_desc run_opts[] = {
	OPT_HEADING("Basic options:"),
	{ OPT_NAME, 0, "name", "<name>", "name of the guest" },
	{ OPT_CPUS, 'c', "cpus", "<n>", "number of vCPUs (default: host CPUs)" },
	{ OPT_MEM, 'm', "mem", "<size[@addr]>", "guest RAM size and optional base address (RAM at 2G by default), MiB or with B/K/M/G/T/P" },
	{ OPT_DISK, 'd', "disk", "<file>[,ro][,direct]", "raw disk image (virtio-blk); several give vda, vdb, ..." },
	{ OPT_RNG, 0, "rng", NULL, "add a virtio-rng device (the guest's /dev/hwrng)" },
	{ OPT_9P, 0, "9p", "<dir_to_share>,<tag_name>", "share a host directory (virtio-9p; tag default kvm_9p; add ,ro for read-only)" },
	{ OPT_NODEFAULTS, 0, "nodefaults", NULL, "command line is exactly -p, no console=..." },
	{ OPT_CONSOLE, 0, "console", "<type>", "serial (ttyS0, default) or virtio (hvc0)" },
	{ OPT_VSOCK, 0, "vsock", "<cid>", "guest virtio socket CID (virtio-vsock over vhost-vsock), 3 to 4294967294" },
	{ OPT_DEV, 0, "dev", "<device_file>", "the KVM device file (default /dev/kvm)" },
	{ OPT_TTY, 0, "tty", "<n>", "UART n (ttySn, 1-3) on a new host pty; its path is printed" },
	{ OPT_SANDBOX, 0, "sandbox", "<on|off>", "system call allow-list per thread (default on)" },
	{ OPT_HUGETLBFS, 0, "hugetlbfs", "<dir>", "back guest RAM with huge pages from this hugetlbfs mount" },
	{ OPT_VIRTIO_LEGACY, 0, "virtio-legacy", NULL, "the legacy form of the transport: pci-legacy by default (deprecated, as kvmtool's)" },
	{ OPT_TRANSPORT, 0, "virtio-transport", "<type>", "pci (default, as kvmtool's), pci-legacy, mmio or mmio-legacy" },
	{ OPT_LOGLEVEL, 0, "loglevel", "<level>", "error, warning, info or debug" },
	{ OPT_TEST_DEVICE, 0, "test-device", NULL, "add lkvm's test device (exit status, SPI lines)" },
	{ OPT_PCI_TESTDEV, 0, "pci-testdev", NULL, "add a PCI test device as QEMU's pci-testdev (kvm-unit-tests' pci-test)" },
	{ OPT_RESTORE, 0, "restore", "<file>", "start from a snapshot that 'lkvm snapshot' wrote, with its options" },
	OPT_HEADING("Kernel options:"),
	{ OPT_KERNEL, 'k', "kernel", "<file>", "kernel Image (or raw binary) to boot" },
	{ OPT_INITRD, 'i', "initrd", "<file>", "initial RAM disk" },
	{ OPT_FIRMWARE, 'f', "firmware", "<file>", "firmware to boot instead of a kernel, x0 = the DTB" },
	{ OPT_PARAMS, 'p', "params", "<string>", "kernel command line, appended to the defaults" },
	OPT_HEADING("Networking options:"),
	{ OPT_NETWORK, 'n', "network", "<params>", "a NIC: mode=user|none, guest_ip=, host_ip=, guest_mac=, trans=mmio|pci, hostfwd=tcp:HOSTPORT:GUESTPORT (docs/network.md)" },
	OPT_HEADING("Debug options:"),
	{ OPT_DEBUG, 0, "debug", NULL, "same as --loglevel=debug" },
	{ OPT_VERBOSE, 'v', "verbose", NULL, "same as --loglevel=info" },
	{ OPT_SINGLE_STEP, 0, "debug-single-step", NULL, "stop after every guest instruction and print the PC (slow)" },
	{ OPT_DEBUG_IOPORT, 0, "debug-ioport", NULL, "warn of guest accesses to no device in the I/O port window" },
	{ OPT_DEBUG_MMIO, 0, "debug-mmio", NULL, "warn of guest MMIO accesses to no device" },
	{ OPT_DEBUG_IODELAY, 0, "debug-iodelay", "<n>", "delay every disk read and write by n ms (1-1000)" },
	OPT_HEADING("Arch-specific options:"),
	{ OPT_AARCH32, 0, "aarch32", NULL, "run an AArch32 (32-bit) guest kernel" },
	{ OPT_PMU, 0, "pmu", NULL, "give each vCPU a PMUv3 (performance counters)" },
	{ OPT_NO_MTE, 0, "disable-mte", NULL, "no Memory Tagging Extension for the guest" },
	{ OPT_VCPU_AFFINITY, 0, "vcpu-affinity", "<cpulist>", "pin the vCPU threads to these host CPUs (e.g. 0-3,6)" },
	{ OPT_KASLR_SEED, 0, "kaslr-seed", "<n>", "the kernel's KASLR seed, /chosen/kaslr-seed (default 0)" },
	{ OPT_NO_PVTIME, 0, "no-pvtime", NULL, "no stolen time (paravirtualised time)" },
	{ OPT_SVE_MAX_VL, 0, "sve-max-vl", "<bits>", "largest SVE vector length (default: the host's)" },
	{ OPT_DUMP_DTB, 0, "dump-dtb", "<file>", "write the generated device tree to a file" },
	{ OPT_CNTFRQ, 0, "override-bad-firmware-cntfrq", "<n>", "timer frequency in Hz for the DT, where firmware left CNTFRQ wrong" },
	{ OPT_FORCE_PCI, 0, "force-pci", NULL, "same as --virtio-transport=pci (deprecated, as kvmtool's)" },
	{ OPT_IRQCHIP, 0, "irqchip", "<type>", "auto, gicv2, gicv2m, gicv3, gicv3-its or user (default auto)" },
	{ OPT_NESTED, 0, "nested", NULL, "start the vCPUs at EL2 (nested virtualization)" },
	{ OPT_FIRMWARE_ADDR, 0, "firmware-address", "<addr>", "where in RAM -f goes (default: RAM's start)" },
	OPT_HEADING(""),
	{ OPT_HELP, 'h', "help", NULL, "show this help" },
};

void options_usage_run(void)
{
	unsigned int i;

	printf("\n usage: lkvm run [<options>] [<kernel image>]\n\n");
	for (i = 0; i < ARRAY_SIZE(run_opts); i++) {
		const struct opt_desc *o = &run_opts[i];
		char left[48];

		if (!o->long_name) {
			printf("%s%s%s", i ? "\n" : "", o->help, *o->help ? "\n" : "");
			continue;
		}
		if (o->short_name)
			snprintf(left, sizeof(left), "-%c, --%s %s", o->short_name,
				 o->long_name, o->arg ? o->arg : "");
		else
			snprintf(left, sizeof(left), "    --%s %s", o->long_name,
				 o->arg ? o->arg : "");
		printf("    %-36s%s\n", left, o->help);
	}
	printf("\n");
}

/*
 * An address, as kvmtool's --firmware-address reads it (strtoull base
 * 0: decimal, 0x hex or 0 octal), but whole: no sign, no trailing text.
 */
int options_parse_addr(const char *s, unsigned long long *addr)
{
	char *end;

	if (!isdigit((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	*addr = strtoull(s, &end, 0);
	return (errno || *end) ? -EINVAL : 0;
}

static int parse_uint(const char *s, unsigned long *out)
{
	char *end;

	if (!isdigit((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	*out = strtoul(s, &end, 10);
	return (errno || *end) ? -EINVAL : 0;
}

#define fail(...) ({ snprintf(err, err_len, __VA_ARGS__); -EINVAL; })

static int set_irqchip(struct vm_config *cfg, const char *v,
		       char *err, size_t err_len)
{
	static const char *const names[] = {
		[IRQCHIP_AUTO] = "auto", [IRQCHIP_GICV2] = "gicv2",
		[IRQCHIP_GICV3] = "gicv3", [IRQCHIP_USER] = "user",
		[IRQCHIP_GICV2M] = "gicv2m", [IRQCHIP_GICV3_ITS] = "gicv3-its",
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(names); i++) {
		if (!strcmp(v, names[i])) {
			cfg->irqchip = i;
			return 0;
		}
	}
	return fail("--irqchip=%s: unknown interrupt controller; use auto, gicv2, gicv2m, gicv3, gicv3-its or user", v);
}

/* One kernel, one initrd: a second, different file is a mistake, not an override. */
static int set_file(const char **slot, const struct opt_desc *o, const char *v,
		    char *err, size_t err_len)
{
	if (*slot && strcmp(*slot, v))
		return fail("-%c/--%s given twice ('%s', then '%s'); give one %s",
			    o->short_name, o->long_name, *slot, v, o->long_name);
	*slot = v;
	return 0;
}

/* Where the vCPU starts: an instruction, so 4-byte aligned (RAM is checked later). */
static int set_firmware_addr(struct vm_config *cfg, const char *v,
			     char *err, size_t err_len)
{
	unsigned long long a;

	if (options_parse_addr(v, &a))
		return fail("--firmware-address '%s' is not an address; give one in RAM, e.g. --firmware-address 0x80200000", v);
	if (!IS_ALIGNED(a, LOADER_FW_ALIGN))
		return fail("--firmware-address 0x%llx is not %llu-byte aligned: the vCPU starts there and arm64 instructions are 4-byte aligned; give an aligned address (e.g. 0x%llx)",
			    a, LOADER_FW_ALIGN, ALIGN_DOWN(a, LOADER_FW_ALIGN));
	cfg->firmware_addr = a;
	cfg->has_firmware_addr = true;
	return 0;
}

static int set_cpus(struct vm_config *cfg, const char *v, char *err, size_t err_len)
{
	unsigned long n;

	if (parse_uint(v, &n))
		return fail("--cpus '%s' is not a number; give a vCPU count, e.g. -c 2", v);
	if (n == 0 || n > OPTIONS_MAX_CPUS)
		return fail("--cpus %lu is out of range; give 1 to %d vCPUs",
			    n, OPTIONS_MAX_CPUS);
	cfg->nr_cpus = n;
	return 0;
}

/* The name becomes a socket file name: keep it short and plain. */
static int set_name(struct vm_config *cfg, const char *v, char *err, size_t err_len)
{
	size_t len = strlen(v);

	if (!len || len > 40 || strspn(v, "abcdefghijklmnopqrstuvwxyz"
				      "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") != len ||
	    v[0] == '.' || v[0] == '-')
		return fail("--name '%.48s' is not a usable name; use 1 to 40 letters, digits, '.', '_' or '-'", v);
	cfg->name = v;
	return 0;
}

static int set_loglevel(struct vm_config *cfg, const char *v, char *err, size_t err_len)
{
	int l = log_level_parse(v);

	if (l < 0)
		return fail("--loglevel=%s: unknown level; use error, warning, info or debug", v);
	cfg->loglevel = l;
	return 0;
}

static int set_sandbox(struct vm_config *cfg, const char *v, char *err, size_t err_len)
{
	/*
	 * kvmtool's --sandbox takes a script to run in a guest on a 9p
	 * root; lkvm's switches its seccomp filters. Say which is which.
	 */
	if (strcmp(v, "on") && strcmp(v, "off"))
		return fail("--sandbox=%s: unknown setting; use on or off (lkvm's --sandbox switches its system call filters; kvmtool's --sandbox SCRIPT, a script run in a guest on a 9p root, is not supported)",
			    v);
	cfg->sandbox_off = !strcmp(v, "off");
	return 0;
}

/*
 * As kvmtool: bits, a power of two. SVE's vector lengths run from 128 to
 * 2048 bits; whether the host has the one asked for is checked later.
 */
static int set_sve_max_vl(struct vm_config *cfg, const char *v,
			  char *err, size_t err_len)
{
	unsigned long bits;

	if (parse_uint(v, &bits))
		return fail("--sve-max-vl '%s' is not a number; give a vector length in bits, e.g. --sve-max-vl 256", v);
	if (bits < OPTIONS_SVE_VL_MIN || bits > OPTIONS_SVE_VL_MAX || (bits & (bits - 1)))
		return fail("--sve-max-vl %lu is not an SVE vector length; give a power of two from %d to %d bits",
			    bits, OPTIONS_SVE_VL_MIN, OPTIONS_SVE_VL_MAX);
	cfg->sve_max_vl = bits;
	return 0;
}

/* The DT's clock-frequency is one cell; 0 would mean "no override". */
static int set_cntfrq(struct vm_config *cfg, const char *v, char *err, size_t err_len)
{
	unsigned long hz;

	if (parse_uint(v, &hz) || hz == 0 || hz > UINT32_MAX)
		return fail("--override-bad-firmware-cntfrq '%s' is not a frequency; give the timer's rate in Hz, 1 to %u (e.g. 62500000)",
			    v, UINT32_MAX);
	cfg->cntfrq_override = hz;
	return 0;
}

/* A debugging aid: a second at most per access keeps the guest alive. */
static int set_iodelay(struct vm_config *cfg, const char *v, char *err, size_t err_len)
{
	unsigned long ms;

	if (parse_uint(v, &ms) || ms == 0 || ms > 1000)
		return fail("--debug-iodelay '%s' is not a delay; give milliseconds, 1 to 1000", v);
	cfg->debug_iodelay_ms = ms;
	return 0;
}

static int apply_opt(struct vm_config *cfg, const struct opt_desc *o,
		     const char *v, char *err, size_t err_len)
{
	switch (o->id) {
	case OPT_KERNEL:	return set_file(&cfg->kernel_path, o, v, err, err_len);
	case OPT_INITRD:	return set_file(&cfg->initrd_path, o, v, err, err_len);
	case OPT_FIRMWARE:	return set_file(&cfg->firmware_path, o, v, err, err_len);
	case OPT_FIRMWARE_ADDR:	return set_firmware_addr(cfg, v, err, err_len);
	case OPT_PARAMS:	cfg->params = v; return 0;
	case OPT_DUMP_DTB:	cfg->dump_dtb_path = v; return 0;
	case OPT_NAME:		return set_name(cfg, v, err, err_len);
	case OPT_NODEFAULTS:	cfg->nodefaults = true; return 0;
	case OPT_TEST_DEVICE:	cfg->test_device = true; return 0;
	case OPT_PCI_TESTDEV:	cfg->pci_testdev = true; return 0;
	case OPT_RESTORE:	cfg->restore_path = v; return 0;
	case OPT_VERBOSE:	cfg->loglevel = MAX(cfg->loglevel, LOG_INFO); return 0;
	case OPT_DEBUG:		cfg->loglevel = LOG_DEBUG; return 0;
	case OPT_CPUS:		return set_cpus(cfg, v, err, err_len);
	case OPT_MEM:		return options_set_mem(cfg, v, err, err_len);
	case OPT_HUGETLBFS:	return options_set_hugetlbfs(cfg, v, err, err_len);
	case OPT_IRQCHIP:	return set_irqchip(cfg, v, err, err_len);
	case OPT_LOGLEVEL:	return set_loglevel(cfg, v, err, err_len);
	case OPT_SANDBOX:	return set_sandbox(cfg, v, err, err_len);
	case OPT_NETWORK:	return options_set_network(cfg, v, err, err_len);
	case OPT_PMU:		cfg->pmu = true; return 0;
	case OPT_SVE_MAX_VL:	return set_sve_max_vl(cfg, v, err, err_len);
	case OPT_NO_MTE:	cfg->no_mte = true; return 0;
	case OPT_NO_PVTIME:	cfg->no_pvtime = true; return 0;
	case OPT_AARCH32:	cfg->aarch32 = true; return 0;
	case OPT_NESTED:	cfg->nested = true; return 0;
	case OPT_VCPU_AFFINITY:	return options_set_vcpu_affinity(cfg, v, err, err_len);
	case OPT_KASLR_SEED:	return options_set_kaslr_seed(cfg, v, err, err_len);
	case OPT_CONSOLE:	return options_set_console(cfg, v, err, err_len);
	case OPT_TTY:		return options_set_tty(cfg, v, err, err_len);
	case OPT_DISK:		return options_set_disk(cfg, v, err, err_len);
	case OPT_RNG:		cfg->rng = true; return 0;
	case OPT_VSOCK:		return options_set_vsock(cfg, v, err, err_len);
	case OPT_9P:		return options_set_9p(cfg, v, err, err_len);
	case OPT_TRANSPORT:	return options_set_transport(cfg, v, err, err_len);
	case OPT_HELP:
		return 1;
	case OPT_DEV:		cfg->kvm_dev = v; return 0;
	case OPT_FORCE_PCI:	cfg->virtio_transport = VIRTIO_PCI; return 0;
	case OPT_VIRTIO_LEGACY:	options_set_legacy(cfg); return 0;
	case OPT_CNTFRQ:	return set_cntfrq(cfg, v, err, err_len);
	case OPT_DEBUG_MMIO:	cfg->debug_mmio = true; return 0;
	case OPT_DEBUG_IOPORT:	cfg->debug_ioport = true; return 0;
	case OPT_SINGLE_STEP:	cfg->single_step = true; return 0;
	case OPT_DEBUG_IODELAY:	return set_iodelay(cfg, v, err, err_len);
	case OPT_GROUP:
		break;
	}
	return 0;
}

static const struct opt_desc *find_long(const char *name, size_t len)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(run_opts); i++)
		if (run_opts[i].long_name &&
		    strlen(run_opts[i].long_name) == len &&
		    !strncmp(run_opts[i].long_name, name, len))
			return &run_opts[i];
	return NULL;
}

static const struct opt_desc *find_short(char c)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(run_opts); i++)
		if (run_opts[i].short_name == c)
			return &run_opts[i];
	return NULL;
}

static void describe(const struct opt_desc *o, char *buf, size_t len)
{
	if (o->short_name)
		snprintf(buf, len, "-%c/--%s", o->short_name, o->long_name);
	else
		snprintf(buf, len, "--%s", o->long_name);
}

/*
 * Resolves one argument at argv[*i] to an option and its value,
 * consuming the next argument when the value is separate.
 */
static int parse_one(int argc, char *const argv[], int *i,
		     const struct opt_desc **out, const char **val,
		     char *err, size_t err_len)
{
	const char *a = argv[*i], *inl = NULL;
	const struct opt_desc *o;
	char name[40];

	if (a[1] == '-') {
		const char *eq = strchr(a + 2, '=');
		size_t len = eq ? (size_t)(eq - a - 2) : strlen(a + 2);

		o = find_long(a + 2, len);
		if (!o)
			return fail("unknown option '%s'; see 'lkvm run --help'", a);
		if (eq)
			inl = eq + 1;
	} else {
		o = find_short(a[1]);
		if (!o)
			return fail("unknown option '%s'; see 'lkvm run --help'", a);
		if (a[2])
			inl = a + 2;
	}
	describe(o, name, sizeof(name));
	if (!o->arg) {
		if (inl)
			return fail("option %s takes no value; remove '%s'", name, inl);
		*val = NULL;
	} else if (inl) {
		*val = inl;
	} else if (*i + 1 < argc) {
		*val = argv[++*i];
	} else {
		return fail("option %s needs a value: --%s %s", name,
			    o->long_name, o->arg);
	}
	*out = o;
	return 0;
}

/*
 * Options that parse on their own but cannot work together, caught
 * before any file or KVM work. The GIC backends check again, for what
 * only the host decides (the default vCPU count, auto's choice).
 */
static int check_conflicts(const struct vm_config *cfg, char *err, size_t err_len)
{
	if ((cfg->irqchip == IRQCHIP_GICV2 || cfg->irqchip == IRQCHIP_GICV2M ||
	     cfg->irqchip == IRQCHIP_USER) && cfg->nr_cpus > GICV2_MAX_CPUS)
		return fail("--cpus %u conflicts with --irqchip=%s: a GICv2 addresses at most %d vCPUs; use -c %d or fewer, or --irqchip=gicv3",
			    cfg->nr_cpus, cfg->irqchip == IRQCHIP_USER ? "user" :
			    cfg->irqchip == IRQCHIP_GICV2M ? "gicv2m" : "gicv2",
			    GICV2_MAX_CPUS, GICV2_MAX_CPUS);
	if (cfg->has_firmware_addr && !cfg->firmware_path)
		return fail("--firmware-address is given without -f/--firmware: it says where a firmware goes; add -f <file> or leave it out");
	if (cfg->aarch32 && cfg->nested)
		return fail("--aarch32 conflicts with --nested: KVM runs EL2 in AArch64 only; leave one out");
	return options_check_mem(cfg, err, err_len);
}

int options_parse_run(int argc, char *const argv[], struct vm_config *cfg,
		      char *err, size_t err_len)
{
	bool only_args = false;
	int i, ret;

	memset(cfg, 0, sizeof(*cfg));
	cfg->loglevel = LOG_WARNING;
	/* kvmtool's arm64 machine: virtio over PCI, MSI-X where the GIC can. */
	cfg->virtio_transport = VIRTIO_PCI;
	cfg->argc = argc;
	cfg->argv = argv;
	err[0] = '\0';
	for (i = 1; i < argc; i++) {
		const struct opt_desc *o;
		const char *v;

		if (only_args || argv[i][0] != '-' || !argv[i][1]) {
			if (cfg->kernel_path)
				return fail("unexpected argument '%s': the kernel is already '%s'",
					    argv[i], cfg->kernel_path);
			cfg->kernel_path = argv[i];
			continue;
		}
		if (!strcmp(argv[i], "--")) {
			only_args = true;
			continue;
		}
		ret = parse_one(argc, argv, &i, &o, &v, err, err_len);
		if (!ret)
			ret = apply_opt(cfg, o, v, err, err_len);
		if (ret)
			return ret;
	}
	if (cfg->firmware_path && !*cfg->firmware_path)
		return fail("the firmware file name is empty; use lkvm run -f <file>");
	if (cfg->restore_path && !*cfg->restore_path)
		return fail("the snapshot file name is empty; use lkvm run --restore <file>");
	if (cfg->restore_path)
		return cfg->kernel_path || cfg->firmware_path || cfg->initrd_path ?
			fail("--restore takes the guest from the snapshot, kernel and all; leave out -k, -i, -f and the kernel argument") : 0;
	if (!cfg->kernel_path && !cfg->firmware_path)
		return fail("no kernel given; use lkvm run -k <Image>");
	if (cfg->kernel_path && !*cfg->kernel_path)
		return fail("the kernel file name is empty; use lkvm run -k <Image>");
	return check_conflicts(cfg, err, err_len);
}

/* What may differ between a snapshot's run and its restore. */
static bool restore_may_differ(enum opt_id id)
{
	return id == OPT_NAME || id == OPT_CONSOLE || id == OPT_TTY ||
	       id == OPT_SANDBOX || id == OPT_LOGLEVEL || id == OPT_VERBOSE ||
	       id == OPT_DEBUG || id == OPT_RESTORE || id == OPT_IRQCHIP;
}

/* Whether the snapshot's run had option id with value v. */
static bool restore_saved_has(int sargc, char *const sargv[], enum opt_id id,
			      const char *v)
{
	char err[OPTIONS_ERR_MAX];
	size_t err_len = sizeof(err);
	int i;

	for (i = 1; i < sargc; i++) {
		const struct opt_desc *o;
		const char *sv;

		if (sargv[i][0] != '-' || !sargv[i][1] || !strcmp(sargv[i], "--"))
			continue;
		if (parse_one(sargc, sargv, &i, &o, &sv, err, err_len))
			return false;
		if (o->id == id && (!v || (sv && !strcmp(sv, v))))
			return true;
	}
	return false;
}

/*
 * lkvm run --restore: cfg becomes the snapshot's run (sargv, as it was
 * given), with the options of this one (argv) that may differ applied
 * on top. Any other option must repeat the snapshot's: the state in
 * the file depends on it.
 */
int options_restore_merge(struct vm_config *cfg, int argc, char *const argv[],
			  int sargc, char *const sargv[], char *err, size_t err_len)
{
	const char *path = cfg->restore_path;
	int i, ret;

	ret = options_parse_run(sargc, sargv, cfg, err, err_len);
	if (ret)
		return ret > 0 ? -EINVAL : ret;
	cfg->restore_path = path;
	for (i = 1; i < argc; i++) {
		const struct opt_desc *o;
		const char *v;
		char name[40];

		if (argv[i][0] != '-' || !argv[i][1] || !strcmp(argv[i], "--"))
			return fail("--restore takes the guest from the snapshot; leave out '%s'", argv[i]);
		ret = parse_one(argc, argv, &i, &o, &v, err, err_len);
		if (ret)
			return ret;
		if (o->id == OPT_RESTORE)
			continue;
		if (restore_may_differ(o->id)) {
			ret = apply_opt(cfg, o, v, err, err_len);
			if (ret)
				return ret;
			continue;
		}
		if (restore_saved_has(sargc, sargv, o->id, v))
			continue;
		describe(o, name, sizeof(name));
		return fail("%s%s%s differs from the snapshot's run, whose state depends on it; only --name, --console, --tty, --sandbox, --irqchip and the log level may change at a restore: leave it out",
			    name, v ? " " : "", v ? v : "");
	}
	return 0;
}

/*
 * Settings for testing and tuning rather than everyday use come from
 * the environment, so the command line stays kvmtool's.
 */
void options_read_env(struct vm_config *cfg)
{
	const char *v = getenv("LKVM_NO_KERNEL_GIC");
	unsigned long ms;

	cfg->no_kernel_gic = v && *v && strcmp(v, "0");
	v = getenv("LKVM_NO_MMIO_BATCH");
	cfg->no_batch = v && *v && strcmp(v, "0");
	v = getenv("LKVM_NO_REG_PAGE");
	cfg->no_reg_page = v && *v && strcmp(v, "0");
	v = getenv("LKVM_NO_IOEVENTFD");
	cfg->no_ioeventfd = v && *v && strcmp(v, "0");
	v = getenv("LKVM_NO_PANIC_WATCH");
	cfg->no_panic_watch = v && *v && strcmp(v, "0");
	cfg->wfi_kick_ms = OPTIONS_WFI_KICK_MS;
	v = getenv("LKVM_WFI_KICK_MS");
	if (v && !parse_uint(v, &ms) && ms <= 1000)
		cfg->wfi_kick_ms = ms;
	cfg->hide_caps = getenv("LKVM_HIDE_CAPS");
	cfg->sandbox_selftest = getenv("LKVM_SANDBOX_SELFTEST");
}
