// SPDX-License-Identifier: GPL-2.0
/*
 * Talking to a VM's control socket in kvmtool's binary messages: both
 * lkvm's and kvmtool's VMs answer them, where kvmtool's would never
 * answer lkvm's request lines.
 */
#include <errno.h>
#include <sys/socket.h>
#include <unistd.h>

#include "host/control.h"
#include "host/control-client.h"
#include "host/control-kvmtool.h"

#define CONTROL_ASK_MAX		4

static int control_read_full(int fd, uint8_t *buf, size_t len)
{
	size_t got = 0;

	while (got < len) {
		ssize_t r = read(fd, buf + got, len - got);

		if (r == 0)
			return -EIO;	/* the VM closed: it does not know the message */
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return errno == EAGAIN ? -ETIMEDOUT : -errno;
		got += r;
	}
	return 0;
}

/*
 * Sends n messages without bodies in one write, then reads the answers
 * of those that have one (PID, VMSTATE) into answers, in order. One
 * write: kvmtool's server reads each header with a single read().
 * Returns 0 or -errno (-ETIMEDOUT: no answer in CONTROL_REPLY_S).
 */
int control_ask(int fd, const uint32_t *types, int n, int32_t *answers)
{
	uint8_t req[CONTROL_ASK_MAX * KVMIPC_HDR_LEN];
	uint8_t ans[CONTROL_ASK_MAX * KVMIPC_ANSWER_LEN];
	size_t len = n * KVMIPC_HDR_LEN;
	int i, nans = 0, ret;
	ssize_t sent;

	if (n < 1 || n > CONTROL_ASK_MAX)
		return -EINVAL;
	for (i = 0; i < n; i++) {
		kvmipc_header(req + i * KVMIPC_HDR_LEN, types[i], 0);
		nans += types[i] == KVMIPC_PID || types[i] == KVMIPC_VMSTATE;
	}
	/* MSG_NOSIGNAL: a VM that closed must not kill its client. */
	sent = send(fd, req, len, MSG_NOSIGNAL);
	if (sent < 0)
		return errno == EAGAIN ? -ETIMEDOUT : -errno;
	if ((size_t)sent != len)
		return -EIO;
	ret = control_read_full(fd, ans, nans * KVMIPC_ANSWER_LEN);
	if (ret)
		return ret;
	for (i = 0; i < nans; i++)
		answers[i] = (int32_t)kvmipc_get_u32(ans + i * KVMIPC_ANSWER_LEN);
	return 0;
}
