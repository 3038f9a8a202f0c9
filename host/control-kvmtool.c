// SPDX-License-Identifier: GPL-2.0
/*
 * kvmtool's control messages, framed and answered: pure, so the unit
 * tests and the fuzzer drive it; host/control.c moves the bytes.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "host/control-kvmtool.h"

#define KVMIPC_STATUS_MAX	224	/* host/control.c's reply text */

void kvmipc_put_u32(uint8_t *p, uint32_t v)
{
	p[0] = v;
	p[1] = v >> 8;
	p[2] = v >> 16;
	p[3] = v >> 24;
}

uint32_t kvmipc_get_u32(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

void kvmipc_header(uint8_t *p, uint32_t type, uint32_t body_len)
{
	kvmipc_put_u32(p, type);
	kvmipc_put_u32(p + 4, body_len);
}

/*
 * A kvmtool header's type is a small u32: its first byte is 1..8, a
 * control character that no lkvm request line starts with.
 */
bool kvmipc_starts(unsigned char first)
{
	return first >= KVMIPC_BALLOON && first <= KVMIPC_VMSTATE;
}

/* Whether the header's first len bytes (up to 4) can be a known type. */
static bool kvmipc_type_ok(const uint8_t *buf, size_t len)
{
	size_t i;

	if (len && !kvmipc_starts(buf[0]))
		return false;
	for (i = 1; i < len && i < 4; i++)
		if (buf[i])
			return false;
	return true;
}

/*
 * The message at the start of buf: returns its whole length, 0 while
 * more bytes are needed, -EPROTO for an unknown type and -EMSGSIZE for a
 * body longer than any of kvmtool's (both are refused as soon as the
 * bytes that show them are in, never waited on).
 */
int kvmipc_frame(const uint8_t *buf, size_t len, uint32_t *type,
		 uint32_t *body_len)
{
	if (!kvmipc_type_ok(buf, len))
		return -EPROTO;
	if (len < KVMIPC_HDR_LEN)
		return 0;
	*type = buf[0];
	*body_len = kvmipc_get_u32(buf + 4);
	if (*body_len > KVMIPC_BODY_MAX)
		return -EMSGSIZE;
	if (len < KVMIPC_HDR_LEN + *body_len)
		return 0;
	return KVMIPC_HDR_LEN + *body_len;
}

/* lkvm's STATUS text, "running|paused|panicked NAME PID", as kvmtool's numbers. */
int kvmipc_status_parse(const char *status, int32_t *state, int32_t *pid)
{
	static const char *const names[] = {
		[KVMIPC_RUNNING] = "running ", [KVMIPC_PAUSED] = "paused ",
		[KVMIPC_PANICKED] = "panicked ",
	};
	const char *last = strrchr(status, ' ');
	unsigned int i;
	char *end;
	long v;

	if (!last)
		return -EINVAL;
	v = strtol(last + 1, &end, 10);
	if (*end || end == last + 1 || v <= 0 || v > INT32_MAX)
		return -EINVAL;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (!strncmp(status, names[i], strlen(names[i]))) {
			*state = i;
			*pid = v;
			return 0;
		}
	}
	return -EINVAL;
}

const char *kvmipc_state_name(int32_t state)
{
	if (state == KVMIPC_PAUSED)
		return "paused";
	if (state == KVMIPC_PANICKED)
		return "panicked";
	return "running";	/* kvmtool's list: whatever is not paused */
}

/* PID or VMSTATE: lkvm's STATUS, told as kvmtool tells it. */
static int kvmipc_answer_status(uint32_t type, kvmipc_handler_t handler,
				void *opaque, uint8_t *out)
{
	struct control_cmd cmd = { .op = CONTROL_STATUS };
	char msg[KVMIPC_STATUS_MAX] = "";
	int32_t state, pid;

	if (handler(opaque, &cmd, msg, sizeof(msg)) ||
	    kvmipc_status_parse(msg, &state, &pid))
		return -EIO;
	kvmipc_put_u32(out, type == KVMIPC_PID ? (uint32_t)pid : (uint32_t)state);
	return KVMIPC_ANSWER_LEN;
}

/*
 * DEBUG, as kvmtool's server: a SysRq on the serial console, and with
 * DUMP the vCPUs' registers, which kvmtool's client reads until the
 * connection closes (the caller sends them: res->dump). NMI has no
 * meaning on arm64 and is ignored, as kvmtool does there.
 */
static int kvmipc_debug(const uint8_t *body, uint32_t body_len,
			kvmipc_handler_t handler, void *opaque,
			struct kvmipc_served *res)
{
	struct control_cmd cmd = { .op = CONTROL_SYSRQ };
	char msg[KVMIPC_STATUS_MAX];
	uint32_t type;

	if (body_len != KVMIPC_DEBUG_LEN)
		return -EPROTO;
	type = kvmipc_get_u32(body);
	cmd.sysrq = (char)body[8];
	if (type & KVMIPC_DEBUG_SYSRQ)
		handler(opaque, &cmd, msg, sizeof(msg));
	res->dump = type & KVMIPC_DEBUG_DUMP;
	res->close = true;	/* kvmtool's client reads nothing else */
	return 0;
}

/*
 * One message: returns the answer's length in out (0 or 4), or -errno.
 * STOP, PAUSE and RESUME take no body (kvmtool's server refuses one
 * too) and get no answer: kvmtool's clients read none.
 */
static int kvmipc_answer(uint32_t type, const uint8_t *body, uint32_t body_len,
			 kvmipc_handler_t handler, void *opaque, uint8_t *out,
			 struct kvmipc_served *res)
{
	struct control_cmd cmd = { 0 };
	char msg[KVMIPC_STATUS_MAX];

	switch (type) {
	case KVMIPC_PID:
	case KVMIPC_VMSTATE:
		return kvmipc_answer_status(type, handler, opaque, out);
	case KVMIPC_STOP:
	case KVMIPC_PAUSE:
	case KVMIPC_RESUME:
		if (body_len)
			return -EPROTO;
		cmd.op = type == KVMIPC_STOP ? CONTROL_STOP :
			 type == KVMIPC_PAUSE ? CONTROL_PAUSE : CONTROL_RESUME;
		handler(opaque, &cmd, msg, sizeof(msg));
		return 0;
	case KVMIPC_DEBUG:
		return kvmipc_debug(body, body_len, handler, opaque, res);
	}
	/*
	 * STAT and BALLOON need a virtio balloon, which lkvm does not
	 * have. kvmtool without a balloon never answers STAT, and its
	 * client waits forever; closing ends that wait.
	 */
	res->close = true;
	return 0;
}

/*
 * Answers the complete messages at the start of buf, in order, while
 * out has room. res says how much of buf was taken, what to send and
 * whether to close then. Returns 0, or -errno for a malformed message:
 * the answers before it are still in out, and the connection closes.
 */
int kvmipc_serve(const uint8_t *buf, size_t len, kvmipc_handler_t handler,
		 void *opaque, uint8_t *out, size_t out_max,
		 struct kvmipc_served *res)
{
	memset(res, 0, sizeof(*res));
	while (!res->close && res->out_len + KVMIPC_ANSWER_LEN <= out_max) {
		uint32_t type, body_len;
		int n, ret;

		n = kvmipc_frame(buf + res->used, len - res->used, &type, &body_len);
		if (n <= 0)
			return n;
		ret = kvmipc_answer(type, buf + res->used + KVMIPC_HDR_LEN,
				    body_len, handler, opaque,
				    out + res->out_len, res);
		if (ret < 0)
			return ret;
		res->out_len += ret;
		res->used += n;
	}
	return 0;
}
