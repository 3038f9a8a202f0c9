// SPDX-License-Identifier: GPL-2.0
/*
 * lkvm run --restore FILE (docs/snapshot.md). Before set-up, the file's
 * header and state are read whole and checked (magic, version, sizes,
 * CRC32C, every section's bounds), and its run's options become the
 * VM's: a bad file fails here, before any KVM work. Set-up then builds
 * the VM with the usual stages, guest RAM mapped from the file
 * (MAP_PRIVATE: the guest's writes are its own copies, pages it never
 * touches are never read, and VMs restored from one file share the
 * page cache), skips loading a kernel, and the last stage loads the
 * state in order: the vCPUs' registers and MP states, the guest's
 * counter, the GIC, the devices. A failure there fails the set-up: no
 * vCPU runs a half-restored VM.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/options.h"
#include "gic/gicv2-state.h"
#include "lib/log.h"
#include "lib/util.h"
#include "machine/snapshot.h"
#include "machine/vm.h"
#include "vcpu/vcpu.h"

#define SNAPSHOT_ARGS_MAX	256

void snapshot_file_close(struct snapshot_file *f)
{
	if (!f)
		return;
	snapshot_ram_stop(f);
	if (f->fd >= 0)
		close(f->fd);
	free(f->argv);
	free(f->head);
	free(f);
}

/* The header and state, read whole and checked; err says what is wrong. */
static int snap_file_load(struct snapshot_file *f, const char *path,
			  char *err, size_t err_len)
{
	struct snapshot_header h;
	uint8_t hdr[SNAPSHOT_HDR_SIZE];
	struct stat st;
	size_t len;
	int ret;

	f->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (f->fd < 0 || fstat(f->fd, &st)) {
		ret = -errno;
		snprintf(err, err_len, "%s; check the path given to --restore",
			 strerror(-ret));
		return ret;
	}
	f->size = st.st_size;
	if (f->size < SNAPSHOT_HDR_SIZE)
		return snprintf(err, err_len, "it is not an lkvm snapshot: shorter than its %d-byte header; give a file 'lkvm snapshot' wrote",
				SNAPSHOT_HDR_SIZE), -EINVAL;
	ret = snapshot_file_pread(f->fd, hdr, sizeof(hdr), 0);
	if (ret)
		return snprintf(err, err_len, "%s", strerror(-ret)), ret;
	ret = snapshot_parse_header(hdr, sizeof(hdr), &h, err, err_len);
	if (ret)
		return ret;
	if (f->size < SNAPSHOT_HDR_SIZE + h.state_size)
		return snprintf(err, err_len, "it is truncated: %llu bytes, its state alone takes %llu; the snapshot was not written out whole",
				(unsigned long long)f->size,
				(unsigned long long)(SNAPSHOT_HDR_SIZE + h.state_size)), -EINVAL;
	len = SNAPSHOT_HDR_SIZE + h.state_size;
	f->head = malloc(len);
	if (!f->head)
		return snprintf(err, err_len, "out of memory"), -ENOMEM;
	ret = snapshot_file_pread(f->fd, f->head, len, 0);
	if (ret)
		return snprintf(err, err_len, "%s", strerror(-ret)), ret;
	return snapshot_parse(f->head, len, f->size, &f->idx, err, err_len);
}

static const uint8_t *snap_state(const struct snapshot_file *f)
{
	return f->head + SNAPSHOT_HDR_SIZE;
}

/* A section of NUL-terminated strings into v (pointing into the state). */
static int snap_strings(const struct snapshot_file *f, uint32_t type, char **v,
			unsigned int max, unsigned int *n)
{
	const struct snapshot_section *sec = snapshot_find(&f->idx, type, 0);
	char *p, *end;

	*n = 0;
	if (!sec)
		return -EINVAL;
	p = (char *)snap_state(f) + sec->off;
	end = p + sec->len;
	if (sec->len && end[-1] != '\0')
		return -EINVAL;
	while (p < end) {
		if (*n == max)
			return -E2BIG;
		v[(*n)++] = p;
		p += strlen(p) + 1;
	}
	return 0;
}

static int snap_config(struct vm *vm, struct snapshot_file *f, int argc,
		       char *const argv[], char *err, size_t err_len)
{
	char **sargv = calloc(SNAPSHOT_ARGS_MAX + 2, sizeof(char *));
	unsigned int n;
	int ret;

	if (!sargv)
		return snprintf(err, err_len, "out of memory"), -ENOMEM;
	sargv[0] = "run";
	ret = snap_strings(f, SNAPSHOT_CONFIG, sargv + 1, SNAPSHOT_ARGS_MAX, &n);
	if (ret) {
		free(sargv);
		return snprintf(err, err_len, "its saved options are unreadable: the file is corrupt"), ret;
	}
	ret = options_restore_merge(&vm->cfg, argc, argv, n + 1, sargv, err, err_len);
	if (ret) {
		free(sargv);
		return ret;
	}
	f->argv = sargv;	/* the VM's cfg points into it */
	return 0;
}

static bool snap_kind_v2(uint32_t kind)
{
	return kind == IRQCHIP_GICV2 || kind == IRQCHIP_GICV2M || kind == IRQCHIP_USER;
}

/* Whether the restore's own command line names a GIC. */
static bool snap_irqchip_given(int argc, char *const argv[])
{
	int i;

	for (i = 1; i < argc; i++)
		if (!strncmp(argv[i], "--irqchip", 9))
			return true;
	return false;
}

/*
 * The GIC the restore builds: without --irqchip, the snapshot's own. A GICv3's state restores onto the same
 * GICv3 only. A GICv2's (the architectural record) onto the in-kernel
 * GICv2 or lkvm's own, --irqchip choosing; its GICv2m frame goes with
 * it, since the guest's device tree and SPI numbers include it.
 */
static int snap_irqchip_kind(struct vm_config *cfg, uint32_t file, bool given,
			     bool frame, char *err, size_t err_len)
{
	enum irqchip_kind want = given ? cfg->irqchip : IRQCHIP_AUTO;

	if (!snap_kind_v2(file)) {
		if (want != IRQCHIP_AUTO && want != file)
			return snprintf(err, err_len, "it was taken on the %s and restores onto it only; leave out --irqchip=%s",
					irqchip_kind_name(file), irqchip_kind_name(want)), -EINVAL;
		cfg->irqchip = file;
		return 0;
	}
	if (want == IRQCHIP_GICV3 || want == IRQCHIP_GICV3_ITS)
		return snprintf(err, err_len, "it was taken on a GICv2 (%s), whose state restores onto a GICv2 only; use --irqchip=gicv2 or --irqchip=user",
				irqchip_kind_name(file)), -EINVAL;
	if (want == IRQCHIP_AUTO)
		want = file;
	if (want == IRQCHIP_USER)
		cfg->irqchip = IRQCHIP_USER;
	else
		cfg->irqchip = frame ? IRQCHIP_GICV2M : IRQCHIP_GICV2;
	cfg->no_msi_frame = cfg->irqchip == IRQCHIP_USER && !frame;
	return 0;
}

/* Whether a GICv2's record has the GICv2m frame (its flags say). */
static int snap_v2_frame(const struct snapshot_file *f, bool *frame,
			 char *err, size_t err_len)
{
	const struct snapshot_section *sec = snapshot_find(&f->idx, SNAPSHOT_IRQCHIP, 0);
	struct gicv2_state *st = malloc(sizeof(*st));
	struct snapshot s;
	int ret = -EINVAL;

	*frame = false;
	if (!snap_kind_v2(f->idx.hdr.shape.irqchip)) {
		free(st);
		return 0;
	}
	if (st && sec) {
		snapshot_open(&s, snap_state(f), sec);
		ret = gicv2_state_decode(st, &s);
		*frame = st->flags & GICV2_STATE_F_V2M;
	}
	free(st);
	if (ret)
		snprintf(err, err_len, "its GICv2 state is malformed: the file is corrupt");
	return ret;
}

int snapshot_restore_config(struct vm *vm, int argc, char *const argv[],
			    char *err, size_t err_len)
{
	const char *path = vm->cfg.restore_path;
	struct snapshot_file *f = calloc(1, sizeof(*f));
	bool frame;
	char why[200];
	int ret;

	if (!f)
		return snprintf(err, err_len, "out of memory"), -ENOMEM;
	f->fd = -1;
	ret = snap_file_load(f, path, why, sizeof(why));
	if (ret) {
		snprintf(err, err_len, "cannot restore '%s': %s", path, why);
		snapshot_file_close(f);
		return ret;
	}
	ret = snap_config(vm, f, argc, argv, why, sizeof(why));
	if (!ret)
		ret = snap_v2_frame(f, &frame, why, sizeof(why));
	if (!ret)
		ret = snap_irqchip_kind(&vm->cfg, f->idx.hdr.shape.irqchip,
					snap_irqchip_given(argc, argv), frame,
					why, sizeof(why));
	if (ret) {
		snprintf(err, err_len, "cannot restore '%s': %s", path, why);
		snapshot_file_close(f);
		return ret;
	}
	vm->restore = f;
	return 0;
}

/* The MTE tags, once RAM is in its memslot and before any vCPU runs. */
static int snap_tags(struct vm *vm)
{
	uint64_t n;
	int ret = snapshot_tags_restore(vm, snap_state(vm->restore), &n);

	if (ret)
		pr_err(vm->cfg.loglevel, "cannot restore the MTE tags from '%s': KVM refused them (%s)",
		       vm->cfg.restore_path, strerror(-ret));
	else if (vm->cpu.mte)
		pr_info(vm->cfg.loglevel, "MTE tags of %llu pages restored",
			(unsigned long long)n);
	return ret;
}

static int snap_check_shape(struct vm *vm, struct snapshot_file *f)
{
	struct snapshot_shape sh;
	char why[200];

	vm_snapshot_shape(vm, &sh);
	/* One GICv2 backend's record restores onto the other's. */
	if (snap_kind_v2(sh.irqchip) && snap_kind_v2(f->idx.hdr.shape.irqchip))
		sh.irqchip = f->idx.hdr.shape.irqchip;
	if (!snapshot_shape_diff(&f->idx.hdr.shape, &sh, why, sizeof(why)))
		return 0;
	pr_err(vm->cfg.loglevel, "cannot restore '%s': %s (it was written by lkvm %s); restore it on a host like the one that took it",
	       vm->cfg.restore_path, why, f->idx.hdr.version);
	return -EINVAL;
}

static int snap_check_devices(struct vm *vm, struct snapshot_file *f)
{
	char *names[DEVICE_LIST_MAX];
	unsigned int i, n;
	int ret = snap_strings(f, SNAPSHOT_DEVLIST, names, DEVICE_LIST_MAX, &n);

	if (ret)
		n = (unsigned int)-1;
	for (i = 0; !ret && i < n && i < vm->board.list.nr; i++)
		if (strcmp(names[i], vm->board.list.devs[i]->name))
			break;
	if (!ret && i == n && n == vm->board.list.nr)
		return 0;
	pr_err(vm->cfg.loglevel, "cannot restore '%s': its devices differ from this VM's (at the %s); give the options the snapshot's VM ran with (--console too)",
	       vm->cfg.restore_path,
	       i < vm->board.list.nr ? vm->board.list.devs[i]->name : "end of the list");
	return -EINVAL;
}

static int snap_open(struct vm *vm, struct snapshot *s, uint32_t type, uint32_t id,
		     const char *what)
{
	struct snapshot_file *f = vm->restore;
	const struct snapshot_section *sec = snapshot_find(&f->idx, type, id);

	if (!sec) {
		pr_err(vm->cfg.loglevel, "cannot restore '%s': it has no state for the %s",
		       vm->cfg.restore_path, what);
		return -EINVAL;
	}
	snapshot_open(s, snap_state(f), sec);
	return 0;
}

static int snap_vcpus(struct vm *vm)
{
	uint64_t cnt = 0, reg = 0;
	unsigned int i;
	int ret;

	for (i = 0; i < vm->nr_cpus; i++) {
		struct snapshot s;

		ret = snap_open(vm, &s, SNAPSHOT_VCPU, i, "vCPUs");
		if (ret)
			return ret;
		ret = vcpu_snap_restore(&vm->vcpus[i], &s, &cnt, &reg);
		if (ret == -EPERM)
			pr_err(vm->cfg.loglevel, "cannot restore '%s': KVM refused vCPU %u's register 0x%llx; restore it on a host like the one that took it",
			       vm->cfg.restore_path, i, (unsigned long long)reg);
		else if (ret)
			pr_err(vm->cfg.loglevel, "cannot restore '%s': vCPU %u's state is malformed or refused (%s)",
			       vm->cfg.restore_path, i, strerror(-ret));
		if (ret)
			return ret;
	}
	ret = vcpus_snap_time(vm, cnt);
	if (ret)
		pr_err(vm->cfg.loglevel, "cannot restore the guest's counter: %s", strerror(-ret));
	return ret;
}

static int snap_irqchip(struct vm *vm)
{
	struct snapshot s = { .nr_cpus = vm->nr_cpus };
	int ret = snap_open(vm, &s, SNAPSHOT_IRQCHIP, 0, "interrupt controller");

	ret = ret ?: irqchip_restore(&vm->irqchip, &s);
	if (ret)
		pr_err(vm->cfg.loglevel, "cannot restore the %s's state from '%s': %s",
		       vm->irqchip.ops->name, vm->cfg.restore_path, strerror(-ret));
	return ret;
}

static int snap_devices(struct vm *vm)
{
	unsigned int i;
	int ret;

	for (i = 0; i < vm->board.list.nr; i++) {
		struct device *dev = vm->board.list.devs[i];
		struct snapshot s;

		ret = snap_open(vm, &s, SNAPSHOT_DEVICE, i, dev->name);
		if (ret)
			return ret;
		ret = dev->ops->restore ? dev->ops->restore(dev, &s) : -EOPNOTSUPP;
		if (ret == -EINVAL)
			pr_err(vm->cfg.loglevel, "cannot restore the %s from '%s': its state is malformed or another device's (transport, version, disk or queues differ); restore it with the lkvm and options that took it",
			       dev->name, vm->cfg.restore_path);
		else if (ret)
			pr_err(vm->cfg.loglevel, "cannot restore the %s from '%s': %s",
			       dev->name, vm->cfg.restore_path, strerror(-ret));
		if (ret)
			return ret;
	}
	return 0;
}

/* The last set-up stage of a restore; the vCPUs have not run. */
int vm_restore_state(struct vm *vm)
{
	int ret;

	if (!vm->restore)
		return 0;
	ret = snap_check_shape(vm, vm->restore);
	ret = ret ?: snap_check_devices(vm, vm->restore);
	ret = ret ?: snap_tags(vm);
	ret = ret ?: snap_vcpus(vm);
	ret = ret ?: snap_irqchip(vm);
	ret = ret ?: snap_devices(vm);
	if (!ret)
		pr_info(vm->cfg.loglevel, "restored from '%s'", vm->cfg.restore_path);
	return ret;
}
