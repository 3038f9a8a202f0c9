// SPDX-License-Identifier: GPL-2.0
/*
 * newc: "070701", thirteen 8-digit hex fields, the name with its NUL,
 * padding to 4 bytes, the data, padding to 4 bytes.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boot/cpio.h"

static int cpio_reserve(struct cpio_buf *c, size_t more)
{
	size_t cap = c->cap ? c->cap : 65536;
	unsigned char *p;

	if (more > c->max || c->len > c->max - more)
		return -E2BIG;
	if (c->len + more <= c->cap)
		return 0;
	while (cap < c->len + more)
		cap *= 2;
	if (cap > c->max)
		cap = c->max;
	p = realloc(c->data, cap);
	if (!p)
		return -ENOMEM;
	c->data = p;
	c->cap = cap;
	return 0;
}

static void cpio_pad(struct cpio_buf *c)
{
	while (c->len & 3)
		c->data[c->len++] = 0;
}

static size_t padded(size_t n)
{
	return (n + 3) & ~(size_t)3;
}

int cpio_add(struct cpio_buf *c, const char *name, unsigned int mode,
	     unsigned int rdev_major, unsigned int rdev_minor,
	     const void *data, size_t size)
{
	size_t name_size = strlen(name) + 1;
	char hdr[CPIO_HDR_SIZE + 1];
	int ret;

	if (size > 0xffffffffU || name_size > 4096)
		return -E2BIG;
	ret = cpio_reserve(c, padded(CPIO_HDR_SIZE + name_size) + padded(size));
	if (ret)
		return ret;
	snprintf(hdr, sizeof(hdr),
		 "070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08zX%08X",
		 ++c->ino, mode, 0, 0, 1, 0, (unsigned int)size, 0, 0,
		 rdev_major, rdev_minor, name_size, 0);
	memcpy(c->data + c->len, hdr, CPIO_HDR_SIZE);
	c->len += CPIO_HDR_SIZE;
	memcpy(c->data + c->len, name, name_size);
	c->len += name_size;
	cpio_pad(c);
	if (size)
		memcpy(c->data + c->len, data, size);
	c->len += size;
	cpio_pad(c);
	return 0;
}

int cpio_finish(struct cpio_buf *c)
{
	return cpio_add(c, "TRAILER!!!", 0, 0, 0, NULL, 0);
}

void cpio_free(struct cpio_buf *c)
{
	free(c->data);
	c->data = NULL;
	c->len = c->cap = 0;
}
