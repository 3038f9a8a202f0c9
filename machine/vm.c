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
#include "vcpu/features.h"
#include "vcpu/vcpu.h"
#include "machine/hugetlbfs.h"
#include "machine/kvm.h"
#include "devices/virtio/board.h"
#include "machine/memmap.h"
#include "machine/snapshot.h"
#include "machine/uart-port.h"
#include "machine/vm.h"
#include "cli/guest-root.h"

#define VM_CMDLINE_MAX	2048	/* arm64 COMMAND_LINE_SIZE */

struct vm_stage {
	const char *name;
	int (*run)(struct vm *vm);
	void (*undo)(struct vm *vm);	/* NULL: nothing to undo */
};

/*
 * Guest RAM is reserved lazily, so only a size beyond the host's RAM is
 * refused; huge pages (--hugetlbfs) are reserved with the mapping, at
 * the RAM stage, but their mount is looked at now.
 */
static int vm_check_ram(struct vm *vm)
{
	long pages = sysconf(_SC_PHYS_PAGES), psize = sysconf(_SC_PAGESIZE);
	uint64_t host = pages > 0 && psize > 0 ? (uint64_t)pages * psize : 0;
	unsigned long huge;

	if (host && vm->ram_size > host) {
		pr_err(vm->cfg.loglevel, "-m %llu MiB is more than this host's %llu MiB of RAM; give less",
		       (unsigned long long)(vm->ram_size >> 20),
		       (unsigned long long)(host >> 20));
		return -ENOMEM;
	}
	if (vm->cfg.hugetlbfs)
		return hugetlbfs_check(vm->cfg.hugetlbfs, vm->ram_size, &huge,
				       vm->cfg.loglevel);
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
	vm->ram_base = vm->cfg.ram_base ? vm->cfg.ram_base : MEMMAP_RAM_BASE;
	return vm_check_ram(vm);
}

static int vm_check_vcpus(struct vm *vm)
{
	int max = kvm_max_vcpus(vm);

	/*
	 * More than KVM allows runs with what it allows, said aloud, as on
	 * kvmtool: scripts written for it count on that (kvm-unit-tests'
	 * runner asks for one vCPU per host CPU; docs/usage.md). KVM on a
	 * GICv2 host caps VMs at GICv2's 8 CPUs.
	 */
	if (max > 0 && vm->nr_cpus > (unsigned int)max) {
		pr_warn(vm->cfg.loglevel, "%u vCPUs asked for, this host's KVM allows at most %d%s: running %d; give -c %d or fewer to silence this",
			vm->nr_cpus, max,
			max == GICV2_MAX_CPUS ? " (GICv2 host: a GICv2 addresses at most 8 CPUs)" : "",
			max, max);
		vm->nr_cpus = max;
	}
	return 0;
}

/*
 * The board makes every device: each takes its SPIs and MMIO range now,
 * and the GIC is sized from them later.
 */
static int vm_devices(struct vm *vm)
{
	return board_create(&vm->board, &vm->cfg, &vm->irqchip, &vm->bus,
			    &vm->mem, &vm_host_ops, vm);
}

static void vm_devices_undo(struct vm *vm)
{
	board_destroy(&vm->board);
}

static struct irqchip_host vm_gic_host(struct vm *vm)
{
	return (struct irqchip_host) {
		.vm_fd = vm->vm_fd, .loglevel = vm->cfg.loglevel,
		.nr_cpus = vm->nr_cpus, .kind = vm->cfg.irqchip,
		.no_kernel_gic = vm->cfg.no_kernel_gic,
		.no_msi_frame = vm->cfg.no_msi_frame,
		.wfi_kick_ms = vm->cfg.wfi_kick_ms, .bus = &vm->bus,
		.check_cap = vm_host_check_cap, .vcpu_kick = vm_host_vcpu_kick,
		.vcpu_in_kvm = vm_host_vcpu_in_kvm,
		.opaque = vm,
	};
}

/* The backend, before the devices: its MSI frame's SPIs come first. */
static int vm_gic_choose(struct vm *vm)
{
	struct irqchip_host host = vm_gic_host(vm);

	return irqchip_select(&vm->irqchip, &host);
}

static int vm_gic_create(struct vm *vm)
{
	struct irqchip_host host = vm_gic_host(vm);
	int ret = irqchip_create(&vm->irqchip, &host);

	if (!ret)
		pr_info(vm->cfg.loglevel, "interrupt controller: %s",
			vm->irqchip.ops->name);
	return ret;
}

static int vm_gic_init(struct vm *vm)
{
	return vm->irqchip.ops->init(&vm->irqchip);
}

/* As kvmtool: a disk is the root unless -p names one, else the default 9p root. */
static const char *vm_cmdline_root(struct vm *vm)
{
	const char *p = vm->cfg.params;

	if (vm->cfg.guest_root)
		return GUEST_ROOT_PARAMS;
	if (!vm->cfg.nr_disks || (p && (!strncmp(p, "root=", 5) || strstr(p, " root="))))
		return "";
	return " root=/dev/vda rw";
}

static int vm_cmdline(struct vm *vm, char *buf, size_t len)
{
	const char *p = vm->cfg.params ? vm->cfg.params : "";
	int n;

	if (vm->cfg.nodefaults)
		n = snprintf(buf, len, "%s", p);
	else if (vm->cfg.console == CONSOLE_VIRTIO)
		n = snprintf(buf, len, "console=hvc0%s%s%s", vm_cmdline_root(vm),
			     *p ? " " : "", p);
	else
		n = snprintf(buf, len, "console=ttyS0 earlycon=uart8250,mmio,0x%llx%s%s%s",
			     (unsigned long long)MEMMAP_UART_BASE, vm_cmdline_root(vm),
			     *p ? " " : "", p);
	if (n < 0 || (size_t)n >= len) {
		pr_err(vm->cfg.loglevel, "kernel command line is longer than %zu bytes; shorten -p",
		       len - 1);
		return -E2BIG;
	}
	return 0;
}

static int vm_fdt(struct vm *vm)
{
	void *fdt = guest_mem_ptr(&vm->mem, vm->plan.dtb_addr, LOADER_FDT_MAX);
	char cmdline[VM_CMDLINE_MAX];
	int ret;

	ret = vm_cmdline(vm, cmdline, sizeof(cmdline));
	if (ret)
		return ret;
	ret = fdt ? fdt_build(vm, fdt, LOADER_FDT_MAX, cmdline) : -FDT_ERR_NOSPACE;
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

static int vm_check_name(struct vm *vm)
{
	return control_check_name(vm->name, vm->cfg.loglevel);
}

/* Last, so that a name clash is reported only once all else is sound. */
static int vm_control_open(struct vm *vm)
{
	return control_open(&vm->control, vm->name, vm->cfg.loglevel, vm_control, vm);
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

/* A bad -d, --vsock or --9p fails here, before any KVM work, leaving nothing behind. */
static int vm_check_devices(struct vm *vm)
{
	return virtio_blk_check(&vm->cfg, vm->cfg.loglevel) ?:
	       virtio_vsock_check(&vm->cfg, vm->cfg.loglevel) ?:
	       virtio_9p_check(&vm->cfg, vm->cfg.loglevel);
}

static void vm_load_undo(struct vm *vm)
{
	if (vm->kernel_fd >= 0)
		close(vm->kernel_fd);
	if (vm->initrd_fd >= 0)
		close(vm->initrd_fd);
	vm->kernel_fd = vm->initrd_fd = -1;
}

static void vm_gic_undo(struct vm *vm)
{
	irqchip_destroy(&vm->irqchip);
}

static void vm_control_undo(struct vm *vm)
{
	control_close(&vm->control);
}

/*
 * The order of the set-up, each stage with its undo; a failed stage
 * unwinds those before it in reverse, and so does the teardown. The
 * console is not undone here: a run or a failed set-up stops it first,
 * so that the guest's last output reaches the terminal.
 */
static const struct vm_stage vm_stages[] = {
	{ "defaults",			vm_defaults,		NULL },
	{ "inspect kernel and initrd",	load_inspect,		vm_load_undo },
	{ "check devices",		vm_check_devices,	NULL },
	{ "name not taken",		vm_check_name,		NULL },
	{ "sandbox support",		sandbox_setup,		NULL },
	{ "console output",		vm_console,		NULL },
	{ "open KVM, create the VM",	kvm_open,		kvm_close },
	{ "vCPU limits",		vm_check_vcpus,		NULL },
	{ "CPU features",		cpu_features_setup,	cpu_features_teardown },
	{ "guest RAM",			ram_setup,		ram_teardown },
	{ "choose the GIC",		vm_gic_choose,		NULL },
	{ "devices",			vm_devices,		vm_devices_undo },
	{ "create vCPUs",		vcpus_create,		vcpus_destroy },
	{ "batched MMIO ring",		mmio_batch_init,	NULL },
	{ "UART register page",		uart_port_page_init,	NULL },
	{ "register mirrors",		reg_mirrors_setup,	reg_mirrors_teardown },
	{ "vCPU threads, parked",	vcpus_spawn,		vm_threads_stop },
	{ "create the GIC",		vm_gic_create,		vm_gic_undo },
	{ "size and init the GIC",	vm_gic_init,		NULL },
	{ "vCPU PMUs (--pmu)",		vcpus_init_pmu,		NULL },
	{ "PSCI version",		vm_read_psci_version,	NULL },
	{ "load kernel and initrd",	load_images,		NULL },
	{ "device tree",		vm_fdt,			NULL },
	{ "boot registers",		vm_boot_regs,		NULL },
	{ "restore the snapshot",	vm_restore_state,	NULL },
	{ "control socket",		vm_control_open,	vm_control_undo },
};

static void vm_unwind(struct vm *vm)
{
	while (vm->stages_done) {
		const struct vm_stage *st = &vm_stages[--vm->stages_done];

		if (st->undo) {
			pr_debug(vm->cfg.loglevel, "undo: %s", st->name);
			st->undo(vm);
		}
	}
}

/* The stages that boot a guest; a restore (--restore) skips them. */
static bool vm_stage_boots(const struct vm_stage *st)
{
	return st->run == load_inspect || st->run == load_images ||
	       st->run == vm_fdt || st->run == vm_boot_regs;
}

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
		ret = vm->restore && vm_stage_boots(&vm_stages[i]) ? 0 : vm_stages[i].run(vm);
		if (ret) {
			/* The threads started so far end here; nothing ran. */
			vm_threads_stop(vm);
			vm_console_stop(vm);
			return ret;	/* vm_teardown() unwinds the rest */
		}
		vm->stages_done = i + 1;
	}
	return 0;
}

void vm_teardown(struct vm *vm)
{
	pr_debug(vm->cfg.loglevel, "teardown");
	vm_unwind(vm);
	pr_debug(vm->cfg.loglevel, "teardown: the VM is closed");
	if (vm->event_fd >= 0)
		close(vm->event_fd);
	pthread_cond_destroy(&vm->pause_cond);
	pthread_mutex_destroy(&vm->pause_lock);
	snapshot_file_close(vm->restore);
	vm->restore = NULL;
}
