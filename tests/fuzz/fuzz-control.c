// SPDX-License-Identifier: GPL-2.0
/*
 * The control socket's request parser: whatever a local client sends.
 *
 * Input: the bytes of one request, as read from the socket: not
 * NUL-terminated, in an allocation of exactly that size, so a read
 * past its end is an AddressSanitizer report.
 *
 * As a line (lkvm's protocol): on failure the message is non-empty and
 * ends inside the buffer (also when the buffer is a few bytes: the same
 * result, truncated). On success the command is valid, and formatting it
 * gives a line that parses back to the same command.
 *
 * As kvmtool's binary messages, which the same socket takes when the
 * first byte is 1..8: the bytes go through a model of the server's
 * buffer (host/control.c: CONTROL_LINE_MAX bytes, answered messages
 * taken off the front), once a byte per read and once in reads whose
 * sizes the input's last byte picks. Both must give the same answers,
 * the same requests to the VM, and end the same way; nothing is taken
 * past the bytes given, the answers are 4 bytes each and only PID and
 * VMSTATE get one, and a message that ends the connection ends it
 * whatever follows.
 */
#include <errno.h>

#include "tests/fuzz/fuzz.h"
#include "host/control-proto.h"
#include "host/control-kvmtool.h"

#define CONTROL_ERR_MAX	160
#define CONTROL_SPI_MAX	987

static size_t control_check_err(const char *err, size_t len, int ret)
{
	const char *nul = memchr(err, '\0', len);

	FUZZ_CHECK(nul);
	if (ret && len > 1)
		FUZZ_CHECK(nul != err);
	return nul - err;
}

static int control_parse_into(const char *line, size_t len,
			      struct control_cmd *cmd, char *err,
			      size_t err_len)
{
	memset(err, 0xff, err_len);
	err[0] = '\0';
	return control_parse(line, len, cmd, err, err_len);
}

static void control_check_cmd(const struct control_cmd *cmd)
{
	FUZZ_CHECK(cmd->op <= CONTROL_SNAPSHOT);	/* the last op */
	if (cmd->op != CONTROL_IRQ)
		return;
	FUZZ_CHECK(cmd->spi <= CONTROL_SPI_MAX);
	FUZZ_CHECK(cmd->level <= CONTROL_LEVEL_PULSE);
}

/* What the client sends for cmd must mean cmd to the server. */
static void control_check_round_trip(const struct control_cmd *cmd)
{
	struct control_cmd back;
	char line[CONTROL_LINE_MAX], err[CONTROL_ERR_MAX];
	int n;

	n = control_format(cmd, line, sizeof(line));
	FUZZ_CHECK(n > 0 && n < CONTROL_LINE_MAX);
	FUZZ_CHECK_EQ(strlen(line), n);
	FUZZ_CHECK_EQ(line[n - 1], '\n');
	FUZZ_CHECK_EQ(control_parse_into(line, n, &back, err, sizeof(err)), 0);
	FUZZ_CHECK_EQ(back.op, cmd->op);
	if (cmd->op == CONTROL_IRQ) {
		FUZZ_CHECK_EQ(back.spi, cmd->spi);
		FUZZ_CHECK_EQ(back.level, cmd->level);
	}
	/* Too small a buffer is refused, not overrun. */
	FUZZ_CHECK_EQ(control_format(cmd, line, n), -ENOSPC);
}

#define KVMIPC_LOG_MAX	512

/* What the server did for a connection: its answers and the VM's requests. */
struct kvmipc_run {
	uint8_t out[KVMIPC_LOG_MAX];	/* the first answers */
	size_t out_len;
	size_t out_total;		/* all answers' bytes */
	enum control_op ops[KVMIPC_LOG_MAX];	/* the first requests */
	size_t nops;
	size_t nstatus;			/* all STATUS requests */
	int end;		/* 0: still open; else the error, or 1 for a close */
};

static int kvmipc_fake_vm(void *opaque, const struct control_cmd *cmd,
			  char *msg, size_t len)
{
	struct kvmipc_run *run = opaque;

	/* kvmtool's LIST/STOP/PAUSE/RESUME, and DEBUG's SysRq. */
	FUZZ_CHECK(cmd->op <= CONTROL_RESUME || cmd->op == CONTROL_SYSRQ);
	run->nstatus += cmd->op == CONTROL_STATUS;
	if (run->nops < KVMIPC_LOG_MAX)
		run->ops[run->nops++] = cmd->op;
	snprintf(msg, len, "%s", cmd->op == CONTROL_STATUS ? "paused vm 4242" : "ok");
	return 0;
}

/* One read's worth of bytes into the server's buffer, then its answers. */
static void kvmipc_feed(struct kvmipc_run *run, uint8_t *buf, size_t *len,
			const uint8_t *in, size_t n)
{
	uint8_t out[CONTROL_LINE_MAX / KVMIPC_HDR_LEN * KVMIPC_ANSWER_LEN];
	struct kvmipc_served res;
	size_t room, keep;
	int ret;

	memcpy(buf + *len, in, n);
	*len += n;
	ret = kvmipc_serve(buf, *len, kvmipc_fake_vm, run, out, sizeof(out), &res);
	FUZZ_CHECK(ret == 0 || ret == -EPROTO || ret == -EMSGSIZE);
	FUZZ_CHECK(res.used <= *len && res.out_len <= sizeof(out));
	FUZZ_CHECK_EQ(res.out_len % KVMIPC_ANSWER_LEN, 0);
	room = sizeof(run->out) - run->out_len;
	keep = res.out_len < room ? res.out_len : room;
	memcpy(run->out + run->out_len, out, keep);
	run->out_len += keep;
	run->out_total += res.out_len;
	if (ret || res.close) {
		run->end = ret ?: 1;
		return;
	}
	/* What stays is less than a whole message: the buffer has room. */
	FUZZ_CHECK(*len - res.used < KVMIPC_HDR_LEN + KVMIPC_BODY_MAX);
	memmove(buf, buf + res.used, *len - res.used);
	*len -= res.used;
}

/* The server's reads: room-limited, step bytes at most (0: the room). */
static void kvmipc_run_all(struct kvmipc_run *run, const uint8_t *data,
			   size_t size, size_t step)
{
	uint8_t buf[CONTROL_LINE_MAX];
	size_t len = 0, at = 0;

	memset(run, 0, sizeof(*run));
	while (at < size && !run->end) {
		size_t n = sizeof(buf) - len;

		if (step && n > step)
			n = step;
		if (n > size - at)
			n = size - at;
		FUZZ_CHECK(n > 0);
		kvmipc_feed(run, buf, &len, data + at, n);
		at += n;
	}
}

static void kvmipc_check(const uint8_t *data, size_t size)
{
	static struct kvmipc_run bytewise, chunked;
	size_t i;

	if (!size || !kvmipc_starts(data[0]))
		return;
	kvmipc_run_all(&bytewise, data, size, 1);
	kvmipc_run_all(&chunked, data, size, data[size - 1] % 40);
	FUZZ_CHECK_EQ(bytewise.end, chunked.end);
	FUZZ_CHECK_EQ(bytewise.out_total, chunked.out_total);
	FUZZ_CHECK_EQ(bytewise.out_len, chunked.out_len);
	FUZZ_CHECK(!memcmp(bytewise.out, chunked.out, bytewise.out_len));
	FUZZ_CHECK_EQ(bytewise.nops, chunked.nops);
	FUZZ_CHECK(!memcmp(bytewise.ops, chunked.ops, bytewise.nops * sizeof(bytewise.ops[0])));
	/* Each answer is the PID or the state the VM gave: 4242 or paused. */
	for (i = 0; i < bytewise.out_len; i += KVMIPC_ANSWER_LEN) {
		uint32_t v = kvmipc_get_u32(bytewise.out + i);

		FUZZ_CHECK(v == 4242 || v == KVMIPC_PAUSED);
	}
	/* One STATUS asked of the VM per answer, no more. */
	FUZZ_CHECK_EQ(bytewise.out_total, bytewise.nstatus * KVMIPC_ANSWER_LEN);
	FUZZ_CHECK_EQ(chunked.nstatus, bytewise.nstatus);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct control_cmd cmd, cmd2;
	size_t small = 1 + size % 24, len, len2;
	char *line, *err, *err2;
	int ret, ret2;

	/* Exactly sized, and not terminated: the socket gives no NUL. */
	line = malloc(size ? size : 1);
	err = malloc(CONTROL_ERR_MAX);
	err2 = malloc(small);
	FUZZ_CHECK(line && err && err2);
	memcpy(line, data, size);

	ret = control_parse_into(line, size, &cmd, err, CONTROL_ERR_MAX);
	FUZZ_CHECK(ret == 0 || ret == -EINVAL);
	len = control_check_err(err, CONTROL_ERR_MAX, ret);
	if (!ret) {
		control_check_cmd(&cmd);
		control_check_round_trip(&cmd);
	}

	ret2 = control_parse_into(line, size, &cmd2, err2, small);
	FUZZ_CHECK_EQ(ret2, ret);
	len2 = control_check_err(err2, small, ret2);
	if (ret) {
		FUZZ_CHECK_EQ(len2, len < small - 1 ? len : small - 1);
		FUZZ_CHECK(!memcmp(err, err2, len2));
	}

	free(line);
	free(err);
	free(err2);
	kvmipc_check(data, size);
	return 0;
}
