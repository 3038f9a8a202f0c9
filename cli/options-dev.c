// SPDX-License-Identifier: GPL-2.0
/*
 * The device options of lkvm run, kvmtool's names: -d/--disk, --rng,
 * --console and --virtio-transport. Pure, as the rest of the parser.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli/options-dev.h"

#define fail(...) ({ snprintf(err, err_len, __VA_ARGS__); -EINVAL; })

/*
 * The spec stays as given: the disk's own parser (devices/virtio/disk.c)
 * reads its options when the disk is opened, and
 * options_check_disks() runs it early so that a typo fails at once.
 */
int options_set_disk(struct vm_config *cfg, const char *v, char *err, size_t err_len)
{
	if (!*v)
		return fail("-d/--disk: no image file given; use -d <file>[,ro][,direct]");
	if (cfg->nr_disks >= CONFIG_MAX_DISKS)
		return fail("-d/--disk: at most %d disks; give fewer", CONFIG_MAX_DISKS);
	cfg->disks[cfg->nr_disks++] = v;
	return 0;
}

int options_set_console(struct vm_config *cfg, const char *v, char *err, size_t err_len)
{
	if (!strcmp(v, "serial"))
		cfg->console = CONSOLE_SERIAL;
	else if (!strcmp(v, "virtio"))
		cfg->console = CONSOLE_VIRTIO;
	else if (!strcmp(v, "hv"))
		return fail("--console hv: there is no hypervisor console on arm64; use --console serial or --console virtio");
	else
		return fail("--console %s: unknown console; use serial or virtio", v);
	return 0;
}

int options_set_transport(struct vm_config *cfg, const char *v, char *err,
			  size_t err_len)
{
	if (!strcmp(v, "mmio"))
		cfg->virtio_transport = VIRTIO_MMIO;
	else if (!strcmp(v, "mmio-legacy"))
		cfg->virtio_transport = VIRTIO_MMIO_LEGACY;
	else if (!strcmp(v, "pci"))
		cfg->virtio_transport = VIRTIO_PCI;
	else if (!strcmp(v, "pci-legacy"))
		return fail("--virtio-transport=pci-legacy: legacy virtio-pci (an I/O port BAR) is not there; use pci, mmio or mmio-legacy");
	else
		return fail("--virtio-transport=%s: unknown transport; use mmio, mmio-legacy or pci", v);
	return 0;
}
