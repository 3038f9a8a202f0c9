/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_LIB_IOV_H
#define LKVM_LIB_IOV_H

#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

/*
 * Helpers for the iovec arrays a virtqueue chain maps to: devices copy
 * their small headers in and out and hand the rest to preadv/pwritev.
 */

/* Copies the first len bytes of iov into buf; returns the bytes copied. */
size_t iov_to_buf(const struct iovec *iov, unsigned int cnt, void *buf, size_t len);
/* Copies len bytes of buf to the start of iov; returns the bytes copied. */
size_t iov_from_buf(const struct iovec *iov, unsigned int cnt, const void *buf,
		    size_t len);
/*
 * Drops the first skip bytes, in place: returns the first iovec left,
 * cnt updated (0 when skip covers them all).
 */
struct iovec *iov_skip(struct iovec *iov, unsigned int *cnt, uint64_t skip);
/* Keeps the first len bytes, in place: returns the new count. */
unsigned int iov_trunc(struct iovec *iov, unsigned int cnt, size_t len);

#endif
