// SPDX-License-Identifier: GPL-2.0
/*
 * Writes the device tree lkvm would give a guest, without KVM: the VM
 * state that vm_setup() would get from KVM (vCPU MPIDRs, PSCI version,
 * GIC frames) is filled in by hand from the command line, then the
 * real fdt_build() runs. scripts/dt-check.sh decompiles and checks the
 * result and validates it against the kernel's bindings.
 *
 *   test-fdt [--gic=v2|v2m|v3|v3-its] [--cpus=N] [--mpidr=A,B,...] [--ram=BYTES]
 *            [--initrd=ADDR,SIZE] [--psci=VERSION] [--cmdline=STRING]
 *            OUT.dtb
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libfdt.h>

#include "boot/fdt.h"
#include "cli/options.h"
#include "cli/options-dev.h"
#include "gic/irqchip.h"
#include "vcpu/vcpu.h"
#include "boot/loader.h"
#include "machine/memmap.h"
#include "machine/vm.h"

#define MAX_CPUS	512

struct args {
	const struct irqchip_ops *gic;
	unsigned int nr_cpus;
	uint64_t mpidr[MAX_CPUS];
	unsigned int nr_mpidr;	/* 0: derive them as KVM does */
	uint64_t ram_size;
	uint64_t ram_base;
	uint64_t initrd_addr;
	uint64_t initrd_size;
	uint32_t psci_version;
	const char *cmdline;
	const char *out;
	struct vm_config cfg;	/* the devices, as lkvm run's options set them */
};

static int usage(void)
{
	fprintf(stderr,
		"usage: test-fdt [--gic=v2|v2m|v3|v3-its] [--cpus=N] [--mpidr=A,B,...] [--ram=BYTES]\n"
		"                [--ram-base=ADDR]\n"
		"                [--initrd=ADDR,SIZE] [--psci=VERSION] [--cmdline=STRING]\n"
		"                [--disk=SPEC]... [--rng] [--console=virtio] [--test-device]\n"
		"                [--virtio-transport=mmio|mmio-legacy|pci] [--pci-testdev] OUT.dtb\n");
	return 2;
}

/* Whole-string numbers only: a typo must not become a silent zero. */
static int parse_u64(const char *s, uint64_t *v, char **end)
{
	char *e;

	errno = 0;
	*v = strtoull(s, &e, 0);
	if (errno || e == s)
		return -1;
	if (end)
		*end = e;
	else if (*e)
		return -1;
	return 0;
}

static int parse_pair(const char *s, uint64_t *a, uint64_t *b)
{
	char *e;

	if (parse_u64(s, a, &e) || *e != ',')
		return -1;
	return parse_u64(e + 1, b, NULL);
}

static int parse_mpidrs(const char *s, struct args *a)
{
	char *e;

	for (a->nr_mpidr = 0; a->nr_mpidr < MAX_CPUS; ) {
		if (parse_u64(s, &a->mpidr[a->nr_mpidr++], &e))
			return -1;
		if (!*e)
			return 0;
		if (*e != ',')
			return -1;
		s = e + 1;
	}
	return -1;
}

static int parse_gic(const char *s, struct args *a)
{
	if (!strcmp(s, "v3"))
		a->gic = &kvm_gicv3_ops;
	else if (!strcmp(s, "v3-its"))
		a->gic = &kvm_gicv3_its_ops;
	else if (!strcmp(s, "v2"))
		a->gic = &kvm_gicv2_ops;
	else if (!strcmp(s, "v2m"))
		a->gic = &kvm_gicv2m_ops;
	else
		return -1;
	return 0;
}

static int parse_args(int argc, char **argv, struct args *a)
{
	static const struct option opts[] = {
		{ "gic",	required_argument, NULL, 'g' },
		{ "cpus",	required_argument, NULL, 'c' },
		{ "mpidr",	required_argument, NULL, 'M' },
		{ "ram",	required_argument, NULL, 'm' },
		{ "ram-base",	required_argument, NULL, 'B' },
		{ "initrd",	required_argument, NULL, 'i' },
		{ "psci",	required_argument, NULL, 'p' },
		{ "cmdline",	required_argument, NULL, 'k' },
		{ "disk",	required_argument, NULL, 'd' },
		{ "rng",	no_argument, NULL, 'r' },
		{ "console",	required_argument, NULL, 'C' },
		{ "test-device", no_argument, NULL, 't' },
		{ "pmu",	no_argument, NULL, 'P' },
		{ "cntfrq",	required_argument, NULL, 'F' },
		{ "virtio-transport", required_argument, NULL, 'T' },
		{ "pci-testdev", no_argument, NULL, 'X' },
		{ NULL, 0, NULL, 0 },
	};
	char err[OPTIONS_ERR_MAX];
	uint64_t v = 0;
	int c, bad = 0;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'g':
			bad |= parse_gic(optarg, a);
			break;
		case 'c':
			bad |= parse_u64(optarg, &v, NULL) || !v || v > MAX_CPUS;
			a->nr_cpus = v;
			break;
		case 'M':
			bad |= parse_mpidrs(optarg, a);
			break;
		case 'm':
			bad |= parse_u64(optarg, &a->ram_size, NULL);
			break;
		case 'B':
			bad |= parse_u64(optarg, &a->ram_base, NULL);
			break;
		case 'i':
			bad |= parse_pair(optarg, &a->initrd_addr, &a->initrd_size);
			break;
		case 'p':
			bad |= parse_u64(optarg, &v, NULL) || v > UINT32_MAX;
			a->psci_version = v;
			break;
		case 'k':
			a->cmdline = optarg;
			break;
		case 'd':
			bad |= !!options_set_disk(&a->cfg, optarg, err, sizeof(err));
			break;
		case 'r':
			a->cfg.rng = true;
			break;
		case 'C':
			bad |= !!options_set_console(&a->cfg, optarg, err, sizeof(err));
			break;
		case 't':
			a->cfg.test_device = true;
			break;
		case 'P':
			a->cfg.pmu = true;
			break;
		case 'F':
			bad |= parse_u64(optarg, &v, NULL) || !v || v > UINT32_MAX;
			a->cfg.cntfrq_override = v;
			break;
		case 'T':
			bad |= !!options_set_transport(&a->cfg, optarg, err, sizeof(err));
			break;
		case 'X':
			a->cfg.pci_testdev = true;
			break;
		default:
			return -1;
		}
	}
	if (bad || optind != argc - 1)
		return -1;
	if (a->nr_mpidr && a->nr_mpidr != a->nr_cpus) {
		fprintf(stderr, "test-fdt: %u MPIDRs given for %u CPUs\n",
			a->nr_mpidr, a->nr_cpus);
		return -1;
	}
	a->out = argv[optind];
	return 0;
}

/* KVM's reset value: Aff0 takes 4 bits of the vCPU index, Aff1 the next 8. */
static uint64_t kvm_mpidr(unsigned int i)
{
	return ((uint64_t)(i >> 4) & 0xff) << 8 | (i & 0xf);
}

/* The devices are made by lkvm's own board, against a host with no KVM. */
static int host_console_attach(void *host, const struct console_port *port)
{
	return 0;
}

static int host_ioeventfd(void *host, uint64_t addr, uint32_t len, bool match,
			  uint64_t datamatch, int fd, bool on)
{
	return -EOPNOTSUPP;
}

static const struct device_host_ops fake_host_ops = {
	.console_attach	= host_console_attach,
	.ioeventfd	= host_ioeventfd,
};

/* The GIC state as the backends' create() leaves it (gic/kvm-gic*.c). */
static void fake_irqchip(struct vm *vm, const struct irqchip_ops *ops)
{
	struct irqchip *ic = &vm->irqchip;

	ic->ops = ops;
	ic->dev_fd = -1;
	ic->vm_fd = -1;
	ic->nr_cpus = vm->nr_cpus;
	ic->phandle = 1;
	ic->dist_base = MEMMAP_GIC_DIST_BASE;
	if (ops->kind == IRQCHIP_GICV3 || ops->kind == IRQCHIP_GICV3_ITS) {
		ic->redist_size = (uint64_t)vm->nr_cpus * MEMMAP_GICV3_REDIST_SIZE;
		ic->redist_base = memmap_gicv3_redist_base(vm->nr_cpus);
	} else {
		ic->cpu_base = MEMMAP_GICV2_CPU_BASE;
	}
	if (ops->kind == IRQCHIP_GICV3_ITS) {	/* gic/kvm-its.c's create */
		ic->msi_base = memmap_gicv3_its_base(vm->nr_cpus);
		ic->msi_size = MEMMAP_GICV3_ITS_SIZE;
		ic->msi_phandle = IRQCHIP_MSI_PHANDLE;
		ic->msi_cells = 1;
	}
	if (ops->msi == &gicv2m_msi_ops) {	/* gic/gicv2m.c's create */
		/* irqchip_select(): the frame's SPIs before any device's. */
		ic->msi_spi_base = 0;
		ic->nr_spis = ops->msi->nr_spis;
		ic->msi_base = MEMMAP_GICV2M_BASE;
		ic->msi_size = MEMMAP_GICV2M_SIZE;
		ic->msi_phandle = IRQCHIP_MSI_PHANDLE;
	}
}

static void fake_vm(struct vm *vm, struct vcpu *vcpus, const struct args *a)
{
	unsigned int i;

	memset(vm, 0, sizeof(*vm));
	vm->nr_cpus = a->nr_cpus;
	vm->vcpus = vcpus;
	for (i = 0; i < a->nr_cpus; i++) {
		vcpus[i].vm = vm;
		vcpus[i].id = i;
		vcpus[i].fd = -1;
		vcpus[i].mpidr = a->nr_mpidr ? a->mpidr[i] : kvm_mpidr(i);
	}
	vm->ram_size = a->ram_size;
	vm->ram_base = a->ram_base;
	vm->initrd_size = a->initrd_size;
	vm->plan.initrd_addr = a->initrd_addr;
	vm->psci_version = a->psci_version;
	vm->cfg = a->cfg;
	fake_irqchip(vm, a->gic);
}

int main(int argc, char **argv)
{
	static struct vcpu vcpus[MAX_CPUS];
	static struct args a = {
		.gic = &kvm_gicv3_ops,
		.nr_cpus = 1,
		.ram_size = 256ULL << 20,
		.ram_base = MEMMAP_RAM_BASE,
		.psci_version = 0x10001,
		.cmdline = "console=ttyS0",
	};
	static char buf[LOADER_FDT_MAX];
	static struct vm vm;
	int ret;

	if (parse_args(argc, argv, &a))
		return usage();
	fake_vm(&vm, vcpus, &a);
	if (board_create(&vm.board, &vm.cfg, &vm.irqchip, &vm.bus, &vm.mem,
			 &fake_host_ops, &vm))
		return 1;
	ret = fdt_build(&vm, buf, sizeof(buf), a.cmdline);
	if (ret) {
		fprintf(stderr, "test-fdt: fdt_build: %s\n", fdt_strerror(ret));
		return 1;
	}
	ret = fdt_dump(buf, a.out);
	if (ret) {
		fprintf(stderr, "test-fdt: %s: %s\n", a.out, strerror(-ret));
		return 1;
	}
	board_destroy(&vm.board);
	return 0;
}
