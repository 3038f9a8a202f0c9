// SPDX-License-Identifier: GPL-2.0
/*
 * Device tree assembly with libfdt's sequential writer. The machine
 * nodes (memory, CPUs, PSCI, timer) are written here; the GIC and each
 * device write their own node.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <libfdt.h>

#include "boot/fdt.h"
#include "lib/util.h"
#include "vcpu/vcpu.h"
#include "machine/memmap.h"
#include "machine/vm.h"

#define FDT_FIRST_TRY		4096	/* a DTB of up to some 25 vCPUs */
#define GIC_FDT_IRQ_TYPE_PPI	1
#define IRQ_TYPE_LEVEL_HIGH	4
#define IRQ_TYPE_LEVEL_LOW	8
/* The architected timer PPIs: secure, non-secure physical, virtual, hyp. */
static const uint32_t timer_ppis[] = { 13, 14, 11, 10 };

/*
 * The chosen binding (dt-schema) gives the initrd bounds one cell;
 * Linux takes one or two. lkvm places the initrd in lowmem, below
 * 4 GiB, so one cell always holds it; two are kept for the general case.
 */
static int fdt_initrd(struct vm *vm, void *fdt)
{
	uint64_t start = vm->plan.initrd_addr, end = start + vm->initrd_size;
	int ret;

	if (end <= UINT32_MAX) {
		ret = fdt_property_u32(fdt, "linux,initrd-start", start);
		return ret ?: fdt_property_u32(fdt, "linux,initrd-end", end);
	}
	ret = fdt_property_u64(fdt, "linux,initrd-start", start);
	return ret ?: fdt_property_u64(fdt, "linux,initrd-end", end);
}

static int fdt_chosen(struct vm *vm, void *fdt, const char *cmdline)
{
	char stdout_path[48];
	int ret;

	snprintf(stdout_path, sizeof(stdout_path), "/serial@%llx",
		 (unsigned long long)MEMMAP_UART_BASE);
	ret = fdt_begin_node(fdt, "chosen");
	ret = ret ?: fdt_property_string(fdt, "bootargs", cmdline);
	/* Always, 0 unless --kaslr-seed, as kvmtool: a kernel with KASLR reads and zeroes it. */
	ret = ret ?: fdt_property_u64(fdt, "kaslr-seed", vm->cfg.kaslr_seed);
	/* hvc0 has no DT path: Linux takes console=hvc0 from bootargs. */
	if (!ret && vm->cfg.console != CONSOLE_VIRTIO)
		ret = fdt_property_string(fdt, "stdout-path", stdout_path);
	if (!ret && vm->initrd_size)
		ret = fdt_initrd(vm, fdt);
	return ret ?: fdt_end_node(fdt);
}

static int fdt_memory(struct vm *vm, void *fdt)
{
	fdt64_t reg[] = { cpu_to_fdt64(vm->ram_base), cpu_to_fdt64(vm->ram_size) };
	char name[32];
	int ret;

	snprintf(name, sizeof(name), "memory@%llx", (unsigned long long)vm->ram_base);
	ret = fdt_begin_node(fdt, name);
	ret = ret ?: fdt_property_string(fdt, "device_type", "memory");
	ret = ret ?: fdt_property(fdt, "reg", reg, sizeof(reg));
	return ret ?: fdt_end_node(fdt);
}

/* reg is the MPIDR affinity KVM gave each vCPU. */
static int fdt_cpus(struct vm *vm, void *fdt)
{
	unsigned int i;
	int ret;

	ret = fdt_begin_node(fdt, "cpus");
	ret = ret ?: fdt_property_u32(fdt, "#address-cells", 2);
	ret = ret ?: fdt_property_u32(fdt, "#size-cells", 0);
	for (i = 0; i < vm->nr_cpus && !ret; i++) {
		uint64_t mpidr = vm->vcpus[i].mpidr;
		char name[32];

		snprintf(name, sizeof(name), "cpu@%llx", (unsigned long long)mpidr);
		ret = fdt_begin_node(fdt, name);
		ret = ret ?: fdt_property_string(fdt, "device_type", "cpu");
		/* The cpus binding's name; Linux does not read it. */
		ret = ret ?: fdt_property_string(fdt, "compatible", "arm,armv8");
		ret = ret ?: fdt_property_string(fdt, "enable-method", "psci");
		ret = ret ?: fdt_property_u64(fdt, "reg", mpidr);
		ret = ret ?: fdt_end_node(fdt);
	}
	return ret ?: fdt_end_node(fdt);
}

static int fdt_psci(struct vm *vm, void *fdt)
{
	/* A string list: "arm,psci-1.0\0arm,psci-0.2". */
	static const char v1[] = "arm,psci-1.0\0arm,psci-0.2";
	static const char v02[] = "arm,psci-0.2";
	bool is_v1 = vm->psci_version >= 0x10000;
	int ret;

	ret = fdt_begin_node(fdt, "psci");
	ret = ret ?: fdt_property(fdt, "compatible", is_v1 ? v1 : v02,
				  is_v1 ? sizeof(v1) : sizeof(v02));
	/* A guest at EL2 (--nested) owns HVC: it calls EL3's firmware, as kvmtool. */
	ret = ret ?: fdt_property_string(fdt, "method", vm->cfg.nested ? "smc" : "hvc");
	return ret ?: fdt_end_node(fdt);
}

/* On GICv2 the PPI flags carry a mask of the CPUs the PPI reaches. */
static uint32_t fdt_ppi_cpus(struct vm *vm)
{
	if (vm->irqchip.ops->kind == IRQCHIP_GICV3 ||
	    vm->irqchip.ops->kind == IRQCHIP_GICV3_ITS)
		return 0;
	return ((1U << MIN(vm->nr_cpus, 8u)) - 1) << 8;
}

static int fdt_timer(struct vm *vm, void *fdt)
{
	uint32_t flags = IRQ_TYPE_LEVEL_LOW | fdt_ppi_cpus(vm);
	fdt32_t irqs[3 * ARRAY_SIZE(timer_ppis)];
	unsigned int i;
	int ret;

	for (i = 0; i < ARRAY_SIZE(timer_ppis); i++) {
		irqs[3 * i] = cpu_to_fdt32(GIC_FDT_IRQ_TYPE_PPI);
		irqs[3 * i + 1] = cpu_to_fdt32(timer_ppis[i]);
		irqs[3 * i + 2] = cpu_to_fdt32(flags);
	}
	ret = fdt_begin_node(fdt, "timer");
	ret = ret ?: fdt_property_string(fdt, "compatible", "arm,armv8-timer");
	ret = ret ?: fdt_property(fdt, "interrupts", irqs, sizeof(irqs));
	ret = ret ?: fdt_property(fdt, "always-on", NULL, 0);
	/* The binding's escape hatch for firmware that left CNTFRQ_EL0 wrong. */
	if (vm->cfg.cntfrq_override)
		ret = ret ?: fdt_property_u32(fdt, "clock-frequency",
					      vm->cfg.cntfrq_override);
	return ret ?: fdt_end_node(fdt);
}

/* --pmu: the PMUv3's overflow interrupt, one PPI for every vCPU. */
static int fdt_pmu(struct vm *vm, void *fdt)
{
	fdt32_t irq[] = {
		cpu_to_fdt32(GIC_FDT_IRQ_TYPE_PPI),
		cpu_to_fdt32(VCPU_PMU_PPI - 16),
		cpu_to_fdt32(IRQ_TYPE_LEVEL_HIGH | fdt_ppi_cpus(vm)),
	};
	int ret;

	if (!vm->cfg.pmu)
		return 0;
	ret = fdt_begin_node(fdt, "pmu");
	ret = ret ?: fdt_property_string(fdt, "compatible", "arm,armv8-pmuv3");
	ret = ret ?: fdt_property(fdt, "interrupts", irq, sizeof(irq));
	return ret ?: fdt_end_node(fdt);
}

static int fdt_root(struct vm *vm, void *fdt)
{
	int ret;

	ret = fdt_begin_node(fdt, "");
	ret = ret ?: fdt_property_string(fdt, "compatible", "linux,dummy-virt");
	ret = ret ?: fdt_property_string(fdt, "model", "linux,dummy-virt");
	ret = ret ?: fdt_property_u32(fdt, "#address-cells", 2);
	ret = ret ?: fdt_property_u32(fdt, "#size-cells", 2);
	ret = ret ?: fdt_property_u32(fdt, "interrupt-parent", vm->irqchip.phandle);
	return ret;
}

static int fdt_build_in(struct vm *vm, void *buf, size_t size, const char *cmdline)
{
	int ret;

	ret = fdt_create(buf, size);
	ret = ret ?: fdt_finish_reservemap(buf);
	ret = ret ?: fdt_root(vm, buf);
	ret = ret ?: fdt_chosen(vm, buf, cmdline);
	ret = ret ?: fdt_memory(vm, buf);
	ret = ret ?: fdt_cpus(vm, buf);
	ret = ret ?: fdt_psci(vm, buf);
	ret = ret ?: fdt_timer(vm, buf);
	ret = ret ?: fdt_pmu(vm, buf);
	ret = ret ?: vm->irqchip.ops->fdt_node(&vm->irqchip, buf);
	ret = ret ?: board_fdt(&vm->board, buf);
	ret = ret ?: fdt_end_node(buf);
	ret = ret ?: fdt_finish(buf);
	return ret;
}

/*
 * Returns 0, or a negative libfdt error (see fdt_strerror()).
 *
 * libfdt's writer zeroes all the room it is given: in guest RAM the
 * whole reservation would be faulted in, 16 pages, 64 KiB of lkvm's
 * RSS, for a DTB of 1 to 3 KiB. One page first; all of the room only
 * when that is too small (a few dozen vCPUs, a long command line).
 */
int fdt_build(struct vm *vm, void *buf, size_t size, const char *cmdline)
{
	int ret = -FDT_ERR_NOSPACE;

	if (size > FDT_FIRST_TRY)
		ret = fdt_build_in(vm, buf, FDT_FIRST_TRY, cmdline);
	if (ret == -FDT_ERR_NOSPACE)
		ret = fdt_build_in(vm, buf, size, cmdline);
	return ret;
}

int fdt_dump(const void *fdt, const char *path)
{
	size_t len = fdt_totalsize(fdt), done = 0;
	int fd, ret = 0;

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	while (done < len) {
		ssize_t n = write(fd, (const char *)fdt + done, len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			ret = n < 0 ? -errno : -EIO;
			break;
		}
		done += n;
	}
	if (close(fd) && !ret)
		ret = -errno;
	return ret;
}
