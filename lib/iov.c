// SPDX-License-Identifier: GPL-2.0
/* Copies to, from and cuts of iovec arrays (lib/iov.h). */
#include <string.h>

#include "lib/iov.h"
#include "lib/util.h"

size_t iov_to_buf(const struct iovec *iov, unsigned int cnt, void *buf, size_t len)
{
	size_t done = 0, n;
	unsigned int i;

	for (i = 0; i < cnt && done < len; i++) {
		n = MIN(iov[i].iov_len, len - done);
		memcpy((uint8_t *)buf + done, iov[i].iov_base, n);
		done += n;
	}
	return done;
}

size_t iov_from_buf(const struct iovec *iov, unsigned int cnt, const void *buf,
		    size_t len)
{
	size_t done = 0, n;
	unsigned int i;

	for (i = 0; i < cnt && done < len; i++) {
		n = MIN(iov[i].iov_len, len - done);
		memcpy(iov[i].iov_base, (const uint8_t *)buf + done, n);
		done += n;
	}
	return done;
}

struct iovec *iov_skip(struct iovec *iov, unsigned int *cnt, uint64_t skip)
{
	while (*cnt && skip >= iov->iov_len) {
		skip -= iov->iov_len;
		iov++;
		(*cnt)--;
	}
	if (*cnt) {
		iov->iov_base = (uint8_t *)iov->iov_base + skip;
		iov->iov_len -= skip;
	}
	return iov;
}

unsigned int iov_trunc(struct iovec *iov, unsigned int cnt, size_t len)
{
	unsigned int i;

	for (i = 0; i < cnt && len; i++) {
		if (iov[i].iov_len > len)
			iov[i].iov_len = len;
		len -= iov[i].iov_len;
	}
	return i;
}
