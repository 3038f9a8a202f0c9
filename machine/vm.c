// SPDX-License-Identifier: GPL-2.0
/*
 * The VM's set-up, as an ordered list of stages. The order is what the
 * kernel requires of the vGIC (docs/design.md): vCPUs exist before the
 * GIC is created (so the kernel checks their number), every device has
 * taken its SPIs before the GIC is sized and initialised, and all of it
 * precedes the first KVM_RUN, which maps the GIC's resources.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <libfdt.h>

#include "boot/fdt.h"
#include "lib/log.h"
#include "lib/util.h"
#include "vcpu/vcpu.h"
#include "machine/kvm.h"
#include "machine/memmap.h"
#include "machine/vm.h"

#define VM_CMDLINE_MAX	2048	/* arm64 COMMAND_LINE_SIZE */

struct vm_stage {
	const char *name;
	int (*run)(struct vm *vm);
};

/* Guest RAM is reserved lazily, so only a size beyond the host's RAM is refused. */
static int vm_check_ram(struct vm *vm)
{
	long pages = sysconf(_SC_PHYS_PAGES), psize = sysconf(_SC_PAGESIZE);
	uint64_t host = pages > 0 && psize > 0 ? (uint64_t)pages * psize : 0;

	if (host && vm->ram_size > host) {
		pr_err(vm->cfg.loglevel, "-m %llu MiB is more than this host's %llu MiB of RAM; give less",
		       (unsigned long long)(vm->ram_size >> 20),
		       (unsigned long long)(host >> 20));
		return -ENOMEM;
	}
	return 0;
}

static int vm_defaults(struct vm *vm)
{
	if (vm->cfg.name)
		snprintf(vm->name, sizeof(vm->name), "%s", vm->cfg.name);
	else
		snprintf(vm->name, sizeof(vm->name), "guest-%d", (int)getpid());

	/* As kvmtool: one vCPU per host CPU, 64 MiB per vCPU plus 192 MiB. */
	vm->nr_cpus = vm->cfg.nr_cpus;
	if (!vm->nr_cpus) {
		long host_cpus = sysconf(_SC_NPROCESSORS_ONLN);

		vm->nr_cpus = host_cpus > 0 ? host_cpus : 1;
	}
	vm->ram_size = vm->cfg.ram_size;
	if (!vm->ram_size)
		vm->ram_size = (vm->nr_cpus + 3) * 64 * SZ_1M;
	return vm_check_ram(vm);
}

static int vm_check_vcpus(struct vm *vm)
{
	int max = kvm_max_vcpus(vm);

	if (max > 0 && vm->nr_cpus > (unsigned int)max) {
		/* KVM on a GICv2 host caps VMs at GICv2's 8 CPUs. */
		pr_err(vm->cfg.loglevel, "%u vCPUs asked for, this host's KVM allows at most %d%s; use -c %d or fewer",
		       vm->nr_cpus, max,
		       max == GICV2_MAX_CPUS ? " (GICv2 host: a GICv2 addresses at most 8 CPUs)" : "",
		       max);
		return -E2BIG;
	}
	return 0;
}

/* Devices take their SPIs and MMIO ranges; the GIC is sized from them later. */
static int vm_devices(struct vm *vm)
{
	int spi, ret;

	spi = irqchip_alloc_spi(&vm->irqchip);
	if (spi < 0)
		return spi;
	vm_uart_init(vm, spi);
	ret = mmio_bus_register(&vm->bus, &vm->uart.region);
	if (ret) {
		pr_err(vm->cfg.loglevel, "cannot place the UART: %s", strerror(-ret));
		return ret;
	}
	return vm->cfg.test_device ? vm_testdev_init(vm) : 0;
}

static int vm_gic_create(struct vm *vm)
{
	int ret = irqchip_create(&vm->irqchip, vm);

	if (!ret)
		pr_info(vm->cfg.loglevel, "interrupt controller: %s",
			vm->irqchip.ops->name);
	return ret;
}

static int vm_gic_init(struct vm *vm)
{
	return vm->irqchip.ops->init(&vm->irqchip, vm);
}

static int vm_cmdline(struct vm *vm, char *buf, size_t len)
{
	const char *p = vm->cfg.params ? vm->cfg.params : "";
	int n;

	if (vm->cfg.nodefaults)
		n = snprintf(buf, len, "%s", p);
	else
		n = snprintf(buf, len, "console=ttyS0 earlycon=uart8250,mmio,0x%llx%s%s",
			     (unsigned long long)vm->uart.region.base, *p ? " " : "", p);
	if (n < 0 || (size_t)n >= len) {
		pr_err(vm->cfg.loglevel, "kernel command line is longer than %zu bytes; shorten -p",
		       len - 1);
		return -E2BIG;
	}
	return 0;
}

static int vm_fdt(struct vm *vm)
{
	void *fdt = vm_gpa_to_hva(vm, vm->plan.dtb_addr, LOADER_FDT_MAX);
	char cmdline[VM_CMDLINE_MAX];
	int ret;

	ret = vm_cmdline(vm, cmdline, sizeof(cmdline));
	if (ret)
		return ret;
	ret = fdt_build(vm, fdt, LOADER_FDT_MAX, cmdline);
	if (ret) {
		pr_err(vm->cfg.loglevel, "cannot build the device tree: %s",
		       fdt_strerror(ret));
		return -EINVAL;
	}
	if (!vm->cfg.dump_dtb_path)
		return 0;
	ret = fdt_dump(fdt, vm->cfg.dump_dtb_path);
	if (ret)
		pr_err(vm->cfg.loglevel, "cannot write the device tree to '%s': %s",
		       vm->cfg.dump_dtb_path, strerror(-ret));
	return ret;
}

static int vm_boot_regs(struct vm *vm)
{
	int ret = vcpu_set_boot_regs(&vm->vcpus[0], vm->plan.kernel_addr,
				     vm->plan.dtb_addr);

	if (ret)
		pr_err(vm->cfg.loglevel, "cannot set the boot vCPU's registers: %s",
		       strerror(-ret));
	return ret;
}

/* Last, so that a name clash is reported only once all else is sound. */
static int vm_control_open(struct vm *vm)
{
	return control_open(&vm->control, vm);
}

/*
 * The console's output ring. Its writer thread is made by the main
 * loop when the guest first writes (a guest that writes nothing never
 * costs one); the terminal goes raw only once the set-up succeeded
 * (main.c). lkvm exits soon after a stop: an idle writer is left to
 * end with the process rather than waited for.
 */
static int vm_console(struct vm *vm)
{
	int ret = console_init(&vm->console, STDIN_FILENO, STDOUT_FILENO);

	if (ret) {
		pr_err(vm->cfg.loglevel, "cannot set up the console: %s", strerror(-ret));
		return ret;
	}
	vm->console.thread_start = vm_console_thread_start;
	vm->console.leave_idle = true;
	console_start_lazy(&vm->console, vm_console_room, vm_wake_opaque, vm);
	return 0;
}

static const struct vm_stage vm_stages[] = {
	{ "defaults",			vm_defaults },
	{ "inspect kernel and initrd",	load_inspect },
	{ "name not taken",		control_check_name },
	{ "sandbox support",		sandbox_setup },
	{ "console output",		vm_console },
	{ "open KVM, create the VM",	kvm_open },
	{ "vCPU limits",		vm_check_vcpus },
	{ "guest RAM",			ram_setup },
	{ "devices",			vm_devices },
	{ "create vCPUs",		vcpus_create },
	{ "batched MMIO ring",		mmio_batch_init },
	{ "UART register page",		vm_uart_page_init },
	{ "vCPU threads, parked",	vcpus_spawn },
	{ "create the GIC",		vm_gic_create },
	{ "size and init the GIC",	vm_gic_init },
	{ "PSCI version",		vm_read_psci_version },
	{ "load kernel and initrd",	load_images },
	{ "device tree",		vm_fdt },
	{ "boot registers",		vm_boot_regs },
	{ "control socket",		vm_control_open },
};

/* Each stage reports its own failure: it knows the context. */
int vm_setup(struct vm *vm)
{
	unsigned int i;
	int ret;

	vm->kvm_fd = vm->vm_fd = vm->kernel_fd = vm->initrd_fd = -1;
	vm->irqchip.dev_fd = -1;
	pthread_mutex_init(&vm->pause_lock, NULL);
	pthread_cond_init(&vm->pause_cond, NULL);
	vm->control.listen_fd = -1;
	vm->event_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (vm->event_fd < 0)
		return -errno;
	for (i = 0; i < ARRAY_SIZE(vm_stages); i++) {
		pr_debug(vm->cfg.loglevel, "stage: %s", vm_stages[i].name);
		ret = vm_stages[i].run(vm);
		if (ret) {
			/* The threads started so far end here; nothing ran. */
			vm_threads_stop(vm);
			vm_console_stop(vm);
			return ret;
		}
	}
	return 0;
}

void vm_teardown(struct vm *vm)
{
	pr_debug(vm->cfg.loglevel, "teardown");
	vcpus_destroy(vm);
	irqchip_destroy(&vm->irqchip);
	ram_teardown(vm);
	kvm_close(vm);
	pr_debug(vm->cfg.loglevel, "teardown: the VM is closed");
	if (vm->kernel_fd >= 0)
		close(vm->kernel_fd);
	if (vm->initrd_fd >= 0)
		close(vm->initrd_fd);
	if (vm->event_fd >= 0)
		close(vm->event_fd);
	uart8250_destroy(&vm->uart);
	reg_page_destroy(&vm->uart_page);
	if (vm->cfg.test_device && vm->testdev.ops)
		testdev_destroy(&vm->testdev);
	control_close(&vm->control);
	pthread_cond_destroy(&vm->pause_cond);
	pthread_mutex_destroy(&vm->pause_lock);
}
