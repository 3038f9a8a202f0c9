// SPDX-License-Identifier: GPL-2.0
/*
 * lkvm snapshot: the running VM's whole state into a file
 * (docs/snapshot.md). The main thread checks that every part can be
 * saved (the VM keeps running when one cannot), pauses the vCPUs as
 * lkvm pause does, has each read its own registers on its thread,
 * then writes the header, the state (vCPUs, GIC, devices) and guest
 * RAM to the file the client passed, and resumes the guest or stops
 * it. The main loop waits meanwhile: the guest is paused anyway.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/util.h"
#include "machine/snapshot.h"
#include "machine/vm.h"
#include "vcpu/vcpu.h"

/* How long the vCPUs have to stop and read their state (an emulated host is slow). */
#define SNAPSHOT_VCPU_MS	5000

void vm_snapshot_shape(struct vm *vm, struct snapshot_shape *sh)
{
	uint64_t last = vm->ram_base + vm->ram_size - 1;

	memset(sh, 0, sizeof(*sh));
	sh->irqchip = vm->irqchip.ops ? vm->irqchip.ops->kind : 0;
	sh->nr_cpus = vm->nr_cpus;
	sh->ram_base = vm->ram_base;
	sh->ram_size = vm->ram_size;
	sh->ipa_bits = MAX(32, 64 - __builtin_clzll(last));
	sh->sve_max_vq = vm->cpu.sve_max_vq;
	sh->features = vm->cpu.init;
	sh->flags = (vm->cpu.mte ? SNAPSHOT_F_MTE : 0) |
		    (vm->cpu.pvtime ? SNAPSHOT_F_PVTIME : 0);
}

/* Before anything stops: every part must be able to save itself. */
static int snap_check(struct vm *vm, char *msg, size_t len)
{
	unsigned int i;

	if (!vm->irqchip.ops->save) {
		snprintf(msg, len, "snapshots of a VM with the %s are not yet supported; run it with --irqchip=gicv3",
			 vm->irqchip.ops->name);
		return -EOPNOTSUPP;
	}
	/*
	 * Last first: a PCI function comes after the host bridge its board
	 * entry made, and the function (virtio-rng, say) is what the user
	 * added and can leave out; the bridge alone never stands.
	 */
	for (i = vm->board.list.nr; i-- > 0;) {
		struct device *dev = vm->board.list.devs[i];

		if (!dev->ops->save) {
			snprintf(msg, len, "snapshots of a VM with %s are not yet supported; run it without that device",
				 dev->name);
			return -EOPNOTSUPP;
		}
	}
	return 0;
}

static void snap_strings(struct snapshot *s, uint32_t type, char *const *v,
			 unsigned int n)
{
	size_t at = snapshot_section_begin(s, type, 0);
	unsigned int i;

	for (i = 0; i < n; i++)
		snapshot_put(s, v[i], strlen(v[i]) + 1);
	snapshot_section_end(s, at);
}

static void snap_devlist(struct vm *vm, struct snapshot *s)
{
	char *names[DEVICE_LIST_MAX];
	unsigned int i;

	for (i = 0; i < vm->board.list.nr; i++)
		names[i] = (char *)vm->board.list.devs[i]->name;
	snap_strings(s, SNAPSHOT_DEVLIST, names, vm->board.list.nr);
}

static int snap_devices(struct vm *vm, struct snapshot *s, char *msg, size_t len)
{
	unsigned int i;
	int ret;

	/*
	 * Last first: a PCI function comes after the host bridge its board
	 * entry made, and the function (virtio-rng, say) is what the user
	 * added and can leave out; the bridge alone never stands.
	 */
	for (i = vm->board.list.nr; i-- > 0;) {
		struct device *dev = vm->board.list.devs[i];
		size_t at = snapshot_section_begin(s, SNAPSHOT_DEVICE, i);

		ret = dev->ops->save(dev, s);
		if (ret) {
			snprintf(msg, len, "cannot save the %s: %s%s", dev->name, strerror(-ret),
				 ret == -EBUSY ? " (commands in flight); try again" : "");
			return ret;
		}
		snapshot_section_end(s, at);
	}
	return 0;
}

/* With MTE, guest RAM's tags: only the pages that have any. */
static int snap_tags(struct vm *vm, struct snapshot *s, uint64_t *tagged,
		     char *msg, size_t len)
{
	int ret;

	*tagged = 0;
	if (!vm->cpu.mte)
		return 0;
	ret = snapshot_tags_save(vm, s, tagged);
	if (ret == -EFBIG)
		snprintf(msg, len, "cannot save the MTE tags: the state would pass its bound");
	else if (ret)
		snprintf(msg, len, "cannot read the MTE tags of guest RAM: %s", strerror(-ret));
	return ret;
}

/* The state, vCPUs already read (vcpu->snap). RAM's section names its place. */
static int snap_build(struct vm *vm, struct snapshot *s, uint64_t *ram_off,
		      uint64_t *tagged, char *msg, size_t len)
{
	unsigned int i;
	size_t at;
	int ret;

	snap_strings(s, SNAPSHOT_CONFIG, vm->cfg.argv + 1, vm->cfg.argc - 1);
	snap_devlist(vm, s);
	for (i = 0; i < vm->nr_cpus; i++) {
		at = snapshot_section_begin(s, SNAPSHOT_VCPU, i);
		snapshot_put(s, vm->vcpus[i].snap.buf, vm->vcpus[i].snap.len);
		snapshot_section_end(s, at);
	}
	at = snapshot_section_begin(s, SNAPSHOT_IRQCHIP, 0);
	ret = irqchip_save(&vm->irqchip, s);
	if (ret) {
		snprintf(msg, len, "cannot read the %s's state: %s",
			 vm->irqchip.ops->name, strerror(-ret));
		return ret;
	}
	snapshot_section_end(s, at);
	ret = snap_devices(vm, s, msg, len);
	ret = ret ?: snap_tags(vm, s, tagged, msg, len);
	if (ret)
		return ret;
	/* RAM's own section is 32 bytes: its place follows from the state's size. */
	*ram_off = ALIGN_UP(SNAPSHOT_HDR_SIZE + s->len + 32, SNAPSHOT_PAGE);
	at = snapshot_section_begin(s, SNAPSHOT_RAM, 0);
	snapshot_put_u64(s, *ram_off);
	snapshot_put_u64(s, vm->ram_size);
	snapshot_section_end(s, at);
	if (s->err)
		snprintf(msg, len, "cannot build the snapshot: %s", strerror(-s->err));
	return s->err;
}

static int snap_pwrite(int fd, const void *buf, size_t n, uint64_t off)
{
	const uint8_t *p = buf;

	while (n) {
		ssize_t w = pwrite(fd, p, n, off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return w < 0 ? -errno : -EIO;
		p += w;
		n -= w;
		off += w;
	}
	return 0;
}

static bool snap_page_zero(const uint8_t *p)
{
	static const uint8_t zero[SNAPSHOT_PAGE];

	return !memcmp(p, zero, SNAPSHOT_PAGE);
}

/* Guest RAM, pages of zeros left as holes: a restore maps them as zeros. */
static int snap_write_ram(struct vm *vm, int fd, uint64_t off)
{
	uint64_t i = 0, n = vm->ram_size;
	int ret;

	while (i < n) {
		uint64_t start;

		while (i < n && snap_page_zero(vm->ram + i))
			i += SNAPSHOT_PAGE;
		start = i;
		while (i < n && !snap_page_zero(vm->ram + i) && i - start < 64 * SZ_1M)
			i += SNAPSHOT_PAGE;
		if (i > start) {
			ret = snap_pwrite(fd, vm->ram + start, i - start, off + start);
			if (ret)
				return ret;
		}
	}
	return ftruncate(fd, off + n) ? -errno : 0;
}

static int snap_write(struct vm *vm, int fd, struct snapshot *s, uint64_t ram_off,
		      char *msg, size_t len)
{
	struct snapshot_header h = { .state_size = s->len, .ram_offset = ram_off };
	uint8_t head[SNAPSHOT_HDR_SIZE];
	int ret;

	vm_snapshot_shape(vm, &h.shape);
	snprintf(h.version, sizeof(h.version), "%s", LKVM_VERSION);
	snapshot_header_build(&h, s->buf, head);
	ret = ftruncate(fd, 0) ? -errno : 0;
	ret = ret ?: snap_pwrite(fd, head, sizeof(head), 0);
	ret = ret ?: snap_pwrite(fd, s->buf, s->len, sizeof(head));
	ret = ret ?: snap_write_ram(vm, fd, ram_off);
	if (ret)
		snprintf(msg, len, "cannot write the snapshot file: %s; the file is incomplete, remove it",
			 strerror(-ret));
	return ret;
}

static void snap_release(struct vm *vm)
{
	unsigned int i;

	for (i = 0; i < vm->nr_cpus; i++)
		snapshot_free(&vm->vcpus[i].snap);
}

/*
 * The vCPUs stopped: every device's threads stop touching RAM and their
 * lines before the GIC is read, so the GIC, the devices and RAM are
 * read as one moment (a frame delivered after the GIC was read would
 * be in RAM with its interrupt lost).
 */
static void snap_begin(struct vm *vm)
{
	unsigned int i;

	for (i = 0; i < vm->board.list.nr; i++) {
		struct device *dev = vm->board.list.devs[i];

		if (dev->ops->snapshot_begin)
			dev->ops->snapshot_begin(dev);
	}
}

/* The file is written (or not): devices let go, the VM running on or stopping. */
static void snap_done(struct vm *vm, bool runs_on)
{
	unsigned int i;

	for (i = vm->board.list.nr; i-- > 0;) {
		struct device *dev = vm->board.list.devs[i];

		if (dev->ops->snapshot_done)
			dev->ops->snapshot_done(dev, runs_on);
	}
}

/* With the vCPUs paused: read everything, write it out. */
static int snap_take(struct vm *vm, int fd, bool runs_on, uint64_t *tagged,
		     char *msg, size_t len)
{
	uint64_t mpidr[vm->nr_cpus];
	struct snapshot s = { .mpidr = mpidr, .nr_cpus = vm->nr_cpus };
	struct snapshot_shape sh;
	uint64_t ram_off = 0;
	unsigned int i, late = 0;
	int ret;

	for (i = 0; i < vm->nr_cpus; i++)
		mpidr[i] = vm->vcpus[i].mpidr;
	vm_snapshot_shape(vm, &sh);
	s.max = snapshot_state_max(&sh);
	ret = vcpus_snap_collect(vm, SNAPSHOT_VCPU_MS, &late);
	if (ret == -ETIMEDOUT)
		snprintf(msg, len, "vCPU %u did not stop within %u ms; it may be stuck in KVM: try again",
			 late, SNAPSHOT_VCPU_MS);
	else if (ret)
		snprintf(msg, len, "cannot read vCPU %u's state: %s", late, strerror(-ret));
	if (!ret) {
		snap_begin(vm);
		ret = snap_build(vm, &s, &ram_off, tagged, msg, len);
		ret = ret ?: snap_write(vm, fd, &s, ram_off, msg, len);
		/* A failed snapshot leaves the VM running whatever was asked. */
		snap_done(vm, runs_on || ret);
	}
	snapshot_free(&s);
	snap_release(vm);
	return ret;
}

int vm_snapshot(struct vm *vm, const struct control_cmd *cmd, char *msg, size_t len)
{
	bool was_paused = atomic_load(&vm->paused);
	char tags[64] = "";
	uint64_t tagged;
	int ret;

	if (!cmd->has_fd) {
		snprintf(msg, len, "SNAPSHOT needs the file's descriptor with the request; use lkvm snapshot");
		return -EINVAL;
	}
	ret = snap_check(vm, msg, len);
	if (ret)
		return ret;
	vm_set_paused(vm, true);
	ret = snap_take(vm, cmd->fd, !cmd->stop, &tagged, msg, len);
	if (!ret && vm->cpu.mte)
		snprintf(tags, sizeof(tags), " (MTE tags of %llu of %llu pages)",
			 (unsigned long long)tagged,
			 (unsigned long long)(vm->ram_size / SNAPSHOT_PAGE));
	if (!ret && cmd->stop) {
		vm_request_stop(vm, VM_STOP_USER);
		snprintf(msg, len, "snapshot written%s; stopping", tags);
		return 0;
	}
	if (!was_paused)
		vm_set_paused(vm, false);
	if (!ret)
		snprintf(msg, len, "snapshot written%s; %s", tags, was_paused ? "paused" : "running");
	return ret;
}
