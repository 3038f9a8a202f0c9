// SPDX-License-Identifier: GPL-2.0
/*
 * The start/stop floor: the least a VMM can do to run a guest that
 * powers off at once. It opens KVM, creates the VM, 64 MiB of RAM, one
 * vCPU and the in-kernel GIC (v3, else v2), loads the image, runs the
 * vCPU on the main thread until PSCI SYSTEM_OFF and closes everything:
 * no threads, no device tree, no console, no sandbox, no socket. The
 * start/stop benchmark measures it beside lkvm and kvmtool, so the
 * report shows how far each VMM is above what the kernel costs.
 *
 * Usage: bare-vm IMAGE. Exit status 0 when the guest powered off.
 */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#include <linux/kvm.h>

#include "machine/memmap.h"

#define BARE_RAM_SIZE	(64ULL << 20)
#define BARE_TEXT	0x80000ULL	/* where lkvm and kvmtool load an Image */
#define BARE_NR_IRQS	64

struct bare {
	int kvm, vm, vcpu, gic;
	void *ram;
	struct kvm_run *run;
	size_t run_size;
};

static int bare_fail(const char *what)
{
	fprintf(stderr, "bare-vm: %s: %s\n", what, strerror(errno));
	return 1;
}

static int bare_attr(int fd, uint32_t group, uint64_t attr, void *val)
{
	struct kvm_device_attr a = {
		.group = group, .attr = attr, .addr = (uint64_t)(uintptr_t)val,
	};

	return ioctl(fd, KVM_SET_DEVICE_ATTR, &a);
}

static int bare_ram(struct bare *b, const char *image)
{
	struct kvm_userspace_memory_region slot = {
		.guest_phys_addr = MEMMAP_RAM_BASE,
		.memory_size = BARE_RAM_SIZE,
	};
	ssize_t n;
	int fd;

	b->ram = mmap(NULL, BARE_RAM_SIZE, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (b->ram == MAP_FAILED)
		return bare_fail("mmap RAM");
	slot.userspace_addr = (uint64_t)(uintptr_t)b->ram;
	if (ioctl(b->vm, KVM_SET_USER_MEMORY_REGION, &slot))
		return bare_fail("KVM_SET_USER_MEMORY_REGION");
	fd = open(image, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return bare_fail(image);
	n = read(fd, (char *)b->ram + BARE_TEXT, BARE_RAM_SIZE - BARE_TEXT);
	close(fd);
	return n <= 0 ? bare_fail("read the image") : 0;
}

static int bare_vcpu(struct bare *b)
{
	struct kvm_vcpu_init init;
	uint64_t pc = MEMMAP_RAM_BASE + BARE_TEXT;
	struct kvm_one_reg reg = {
		.id = KVM_REG_ARM64 | KVM_REG_SIZE_U64 | KVM_REG_ARM_CORE |
		      KVM_REG_ARM_CORE_REG(regs.pc),
		.addr = (uint64_t)(uintptr_t)&pc,
	};

	b->vcpu = ioctl(b->vm, KVM_CREATE_VCPU, 0);
	if (b->vcpu < 0)
		return bare_fail("KVM_CREATE_VCPU");
	if (ioctl(b->vm, KVM_ARM_PREFERRED_TARGET, &init))
		return bare_fail("KVM_ARM_PREFERRED_TARGET");
	init.features[0] |= 1U << KVM_ARM_VCPU_PSCI_0_2;
	if (ioctl(b->vcpu, KVM_ARM_VCPU_INIT, &init))
		return bare_fail("KVM_ARM_VCPU_INIT");
	if (ioctl(b->vcpu, KVM_SET_ONE_REG, &reg))
		return bare_fail("KVM_SET_ONE_REG pc");
	b->run_size = ioctl(b->kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
	b->run = mmap(NULL, b->run_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		      b->vcpu, 0);
	if (b->run == MAP_FAILED)
		return bare_fail("mmap kvm_run");
	return 0;
}

/* GICv3 if the kernel has it, else GICv2; addresses as lkvm places them. */
static int bare_gic(struct bare *b)
{
	struct kvm_create_device dev = { .type = KVM_DEV_TYPE_ARM_VGIC_V3 };
	uint64_t dist = MEMMAP_GIC_DIST_BASE, other;
	uint64_t dist_attr = KVM_VGIC_V3_ADDR_TYPE_DIST;
	uint64_t other_attr = KVM_VGIC_V3_ADDR_TYPE_REDIST;
	uint32_t nr = BARE_NR_IRQS;

	other = memmap_gicv3_redist_base(1);
	if (ioctl(b->vm, KVM_CREATE_DEVICE, &dev)) {
		dev.type = KVM_DEV_TYPE_ARM_VGIC_V2;
		if (ioctl(b->vm, KVM_CREATE_DEVICE, &dev))
			return bare_fail("KVM_CREATE_DEVICE (vGIC)");
		other = MEMMAP_GICV2_CPU_BASE;
		dist_attr = KVM_VGIC_V2_ADDR_TYPE_DIST;
		other_attr = KVM_VGIC_V2_ADDR_TYPE_CPU;
	}
	b->gic = dev.fd;
	if (bare_attr(b->gic, KVM_DEV_ARM_VGIC_GRP_ADDR, dist_attr, &dist) ||
	    bare_attr(b->gic, KVM_DEV_ARM_VGIC_GRP_ADDR, other_attr, &other))
		return bare_fail("vGIC addresses");
	if (bare_attr(b->gic, KVM_DEV_ARM_VGIC_GRP_NR_IRQS, 0, &nr))
		return bare_fail("vGIC NR_IRQS");
	if (bare_attr(b->gic, KVM_DEV_ARM_VGIC_GRP_CTRL, KVM_DEV_ARM_VGIC_CTRL_INIT, NULL))
		return bare_fail("vGIC CTRL_INIT");
	return 0;
}

static int bare_run(struct bare *b)
{
	for (;;) {
		if (ioctl(b->vcpu, KVM_RUN, 0) && errno != EINTR)
			return bare_fail("KVM_RUN");
		if (b->run->exit_reason == KVM_EXIT_SYSTEM_EVENT)
			return 0;
		if (b->run->exit_reason != KVM_EXIT_INTR) {
			fprintf(stderr, "bare-vm: unexpected exit %u\n",
				b->run->exit_reason);
			return 1;
		}
	}
}

static void bare_close(struct bare *b)
{
	if (b->run && b->run != MAP_FAILED)
		munmap(b->run, b->run_size);
	if (b->vcpu >= 0)
		close(b->vcpu);
	if (b->gic >= 0)
		close(b->gic);
	if (b->ram && b->ram != MAP_FAILED)
		munmap(b->ram, BARE_RAM_SIZE);
	if (b->vm >= 0)
		close(b->vm);
	if (b->kvm >= 0)
		close(b->kvm);
}

int main(int argc, char *argv[])
{
	struct bare b = { .kvm = -1, .vm = -1, .vcpu = -1, .gic = -1 };
	int ret;

	if (argc != 2) {
		fprintf(stderr, "usage: bare-vm IMAGE\n");
		return 2;
	}
	b.kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (b.kvm < 0)
		return bare_fail("/dev/kvm");
	b.vm = ioctl(b.kvm, KVM_CREATE_VM, 0);
	if (b.vm < 0)
		ret = bare_fail("KVM_CREATE_VM");
	else
		ret = bare_ram(&b, argv[1]) || bare_vcpu(&b) || bare_gic(&b) ||
		      bare_run(&b);
	bare_close(&b);
	return ret;
}
