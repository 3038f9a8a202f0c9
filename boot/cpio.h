/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_BOOT_CPIO_H
#define LKVM_BOOT_CPIO_H

#include <stddef.h>

/*
 * An initramfs in memory: the "newc" cpio format the kernel unpacks
 * (Documentation/driver-api/early-userspace/buffer-format.rst),
 * uncompressed. The buffer grows up to max bytes; past it, -E2BIG.
 */
struct cpio_buf {
	unsigned char *data;
	size_t len, cap, max;
	unsigned int ino;
};

#define CPIO_HDR_SIZE	110

/* An entry: mode has the type (S_IFDIR, S_IFREG, S_IFCHR); rdev for a node. */
int cpio_add(struct cpio_buf *c, const char *name, unsigned int mode,
	     unsigned int rdev_major, unsigned int rdev_minor,
	     const void *data, size_t size);
/* The trailer; the archive is then complete. */
int cpio_finish(struct cpio_buf *c);
void cpio_free(struct cpio_buf *c);

#endif
