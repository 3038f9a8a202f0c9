// SPDX-License-Identifier: GPL-2.0
/*
 * The in-kernel GICv3 with its ITS in a snapshot, in the sequences
 * Documentation/virt/kvm/devices/arm-vgic-its.rst gives. Saving, with
 * every vCPU stopped: the LPIs' pending bits flushed into the guest's
 * pending tables (KVM_DEV_ARM_VGIC_SAVE_PENDING_TABLES), the ITS's
 * device, interrupt translation and collection tables flushed into
 * guest RAM (KVM_DEV_ARM_ITS_SAVE_TABLES), then the GICv3 (whose
 * redistributors carry GICR_PROPBASER and GICR_PENDBASER) and the ITS's
 * registers; guest RAM is written after, tables included. Restoring,
 * into guest RAM already in place: the GICv3 with its redistributors,
 * then GITS_IIDR, GITS_CBASER and the other registers but GITS_CTLR,
 * the tables read back (KVM_DEV_ARM_ITS_RESTORE_TABLES), GITS_CTLR
 * last. The ITS's MSI routes serve virtio-pci only, which snapshots do
 * not cover yet.
 */
#include <errno.h>
#include <sys/ioctl.h>

#include <linux/kvm.h>

#include "gic/kvm-its.h"
#include "gic/kvm-vgic.h"
#include "lib/snapshot.h"

#define GITS_CTLR	0x0000
#define GITS_IIDR	0x0004
#define GITS_CBASER	0x0080
#define GITS_CWRITER	0x0088
#define GITS_CREADR	0x0090
#define GITS_BASER	0x0100
#define GITS_NR_BASER	8

/* The restore's order; GITS_CTLR, last, goes after the tables. */
static const uint64_t its_regs[] = {
	GITS_IIDR, GITS_CBASER, GITS_CREADR, GITS_CWRITER,
	GITS_BASER + 0x00, GITS_BASER + 0x08, GITS_BASER + 0x10, GITS_BASER + 0x18,
	GITS_BASER + 0x20, GITS_BASER + 0x28, GITS_BASER + 0x30, GITS_BASER + 0x38,
	GITS_CTLR,
};
#define ITS_NR_REGS	(sizeof(its_regs) / sizeof(its_regs[0]))

static int its_ctrl(int fd, uint64_t attr)
{
	struct kvm_device_attr a = { .group = KVM_DEV_ARM_VGIC_GRP_CTRL, .attr = attr };

	return ioctl(fd, KVM_SET_DEVICE_ATTR, &a) ? -errno : 0;
}

static int its_reg(int fd, bool set, uint64_t attr, uint64_t *val)
{
	struct kvm_device_attr a = {
		.group = KVM_DEV_ARM_VGIC_GRP_ITS_REGS, .attr = attr,
		.addr = (uintptr_t)val,
	};

	return ioctl(fd, set ? KVM_SET_DEVICE_ATTR : KVM_GET_DEVICE_ATTR, &a) ? -errno : 0;
}

int kvm_gicv3_its_save(struct irqchip *ic, struct snapshot *s)
{
	int fd = kvm_its_fd(ic), ret;
	unsigned int i;

	if (fd < 0)
		return -ENODEV;
	ret = its_ctrl(ic->dev_fd, KVM_DEV_ARM_VGIC_SAVE_PENDING_TABLES);
	ret = ret ?: its_ctrl(fd, KVM_DEV_ARM_ITS_SAVE_TABLES);
	ret = ret ?: kvm_gicv3_save(ic, s);
	if (ret)
		return ret;
	snapshot_put_u32(s, ITS_NR_REGS);
	for (i = 0; i < ITS_NR_REGS; i++) {
		uint64_t val;

		ret = its_reg(fd, false, its_regs[i], &val);
		if (ret)
			return ret;
		snapshot_put_u64(s, its_regs[i]);
		snapshot_put_u64(s, val);
	}
	return snapshot_error(s);
}

int kvm_gicv3_its_restore(struct irqchip *ic, struct snapshot *s)
{
	int fd = kvm_its_fd(ic), ret;
	unsigned int i;

	if (fd < 0)
		return -ENODEV;
	ret = kvm_gicv3_restore_list(ic, s);
	if (ret)
		return ret;
	if (snapshot_get_u32(s) != ITS_NR_REGS || snapshot_left(s) != ITS_NR_REGS * 16)
		return -EINVAL;
	for (i = 0; i < ITS_NR_REGS; i++) {
		uint64_t attr = snapshot_get_u64(s), val = snapshot_get_u64(s);

		if (attr != its_regs[i])
			return -EINVAL;
		if (attr == GITS_CTLR) {
			ret = its_ctrl(fd, KVM_DEV_ARM_ITS_RESTORE_TABLES);
			if (ret)
				return ret;
		}
		ret = its_reg(fd, true, attr, &val);
		if (ret)
			return ret;
	}
	return 0;
}
