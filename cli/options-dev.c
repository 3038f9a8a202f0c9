// SPDX-License-Identifier: GPL-2.0
/*
 * The device options of lkvm run, kvmtool's names: -d/--disk, --rng,
 * --9p, --console, --tty and --virtio-transport. Pure, as the rest of the parser.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/options-dev.h"
#include "lib/util.h"
#include "machine/memmap.h"

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

/*
 * --tty N, kvmtool's: UART N (ttySN) on a new host pseudo-terminal.
 * kvmtool takes any atoi() value, and with 0 moves the console there;
 * lkvm's console stays on standard input and output, so 1 to 3 only,
 * each once.
 */
int options_set_tty(struct vm_config *cfg, const char *v, char *err, size_t err_len)
{
	unsigned long n;
	char *end;

	if (*v < '0' || *v > '9')
		return fail("--tty '%.32s' is not a number; give a UART from 1 to %d, e.g. --tty 1",
			    v, MEMMAP_UART_COUNT - 1);
	n = strtoul(v, &end, 10);
	if (*end)
		return fail("--tty '%.32s' is not a number; give a UART from 1 to %d, e.g. --tty 1",
			    v, MEMMAP_UART_COUNT - 1);
	if (n == 0)
		return fail("--tty 0: ttyS0 is the console, on lkvm's standard input and output; give a UART from 1 to %d",
			    MEMMAP_UART_COUNT - 1);
	if (n >= MEMMAP_UART_COUNT)
		return fail("--tty %.32s: the guest has %d UARTs, ttyS0 to ttyS%d; give a UART from 1 to %d",
			    v, MEMMAP_UART_COUNT, MEMMAP_UART_COUNT - 1, MEMMAP_UART_COUNT - 1);
	if (cfg->ttys & (1u << n))
		return fail("--tty %lu is given twice; a UART has one pseudo-terminal, give it once", n);
	cfg->ttys |= 1u << n;
	return 0;
}

/*
 * kvmtool's --virtio-legacy: the legacy form of the transport chosen so
 * far (the default's, pci-legacy, unless --virtio-transport came first).
 */
void options_set_legacy(struct vm_config *cfg)
{
	if (cfg->virtio_transport == VIRTIO_MMIO)
		cfg->virtio_transport = VIRTIO_MMIO_LEGACY;
	else if (cfg->virtio_transport == VIRTIO_PCI)
		cfg->virtio_transport = VIRTIO_PCI_LEGACY;
}

/*
 * --vsock CID, kvmtool's: the guest's address for AF_VSOCK, decimal.
 * vhost-vsock takes 3 to 2^32 - 2: 0 to 2 name the hypervisor, the
 * local loopback and the host, 2^32 - 1 is VMADDR_CID_ANY; kvmtool
 * hands anything on and fails in the kernel's ioctl instead.
 */
#define VSOCK_CID_MIN	3ULL
#define VSOCK_CID_MAX	0xfffffffeULL

int options_set_vsock(struct vm_config *cfg, const char *v, char *err, size_t err_len)
{
	unsigned long long cid;
	char *end;

	if (*v < '0' || *v > '9')
		return fail("--vsock '%.32s' is not a number; give the guest's CID, 3 to %llu, e.g. --vsock 3",
			    v, VSOCK_CID_MAX);
	errno = 0;
	cid = strtoull(v, &end, 10);
	if (*end)
		return fail("--vsock '%.32s' is not a number; give the guest's CID, 3 to %llu, e.g. --vsock 3",
			    v, VSOCK_CID_MAX);
	if (cid < VSOCK_CID_MIN)
		return fail("--vsock %llu: CIDs 0, 1 and 2 are reserved (hypervisor, local, host); give 3 or more",
			    cid);
	if (errno == ERANGE || cid > VSOCK_CID_MAX)
		return fail("--vsock %.32s: CIDs are 32 bits and 4294967295 means any; give 3 to %llu",
			    v, VSOCK_CID_MAX);
	cfg->vsock_cid = cid;
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
		cfg->virtio_transport = VIRTIO_PCI_LEGACY;
	else
		return fail("--virtio-transport=%s: unknown transport; use mmio, mmio-legacy, pci or pci-legacy", v);
	return 0;
}

/*
 * --9p DIR[,TAG[,ro]]: kvmtool's DIR,TAG (its first comma splits them,
 * and without one the tag is kvm_9p), with lkvm's ",ro" after the tag
 * for a read-only share. The directory itself is checked before any
 * KVM work (virtio_9p_check()).
 */
int options_set_9p(struct vm_config *cfg, const char *v, char *err, size_t err_len)
{
	struct share_config *s = &cfg->shares[cfg->nr_shares];
	const char *comma = strchr(v, ',');
	unsigned int i;
	size_t len;

	if (cfg->nr_shares >= CONFIG_MAX_SHARES)
		return fail("--9p: at most %d shares; give fewer", CONFIG_MAX_SHARES);
	*s = (struct share_config){ .spec = v, .dir_len = comma ? (size_t)(comma - v) : strlen(v),
				    .tag = CONFIG_9P_DEFAULT_TAG,
				    .tag_len = strlen(CONFIG_9P_DEFAULT_TAG) };
	if (!s->dir_len)
		return fail("--9p '%.64s': no directory given; use --9p <dir_to_share>,<tag_name>", v);
	if (comma) {
		s->tag = comma + 1;
		len = strlen(s->tag);
		if (len >= 3 && !strcmp(s->tag + len - 3, ",ro")) {
			s->ro = true;
			len -= 3;
		}
		s->tag_len = len;
		if (!len)
			return fail("--9p '%.64s': empty mount tag; give one after the comma, e.g. --9p %.*s,share", v,
				    (int)MIN(s->dir_len, 64), v);
		if (memchr(s->tag, ',', len))
			return fail("--9p '%.64s': unknown flag after the tag; the only one is ro (--9p <dir>,<tag>,ro)", v);
		if (len > CONFIG_9P_TAG_MAX)
			return fail("--9p '%.64s': the mount tag is %zu bytes; virtio-9p tags are at most %d, give a shorter one",
				    v, len, CONFIG_9P_TAG_MAX);
	}
	for (i = 0; i < cfg->nr_shares; i++)
		if (cfg->shares[i].tag_len == s->tag_len &&
		    !memcmp(cfg->shares[i].tag, s->tag, s->tag_len))
			return fail("--9p: the mount tag '%.*s' is given twice; give each share its own tag",
				    (int)s->tag_len, s->tag);
	cfg->nr_shares++;
	return 0;
}
