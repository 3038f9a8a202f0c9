// SPDX-License-Identifier: GPL-2.0
/*
 * The control socket's request parser: whatever a local client sends.
 *
 * Input: the bytes of one request, as read from the socket: not
 * NUL-terminated, in an allocation of exactly that size, so a read
 * past its end is an AddressSanitizer report.
 *
 * On failure the message is non-empty and ends inside the buffer (also
 * when the buffer is a few bytes: the same result, truncated). On
 * success the command is valid, and formatting it gives a line that
 * parses back to the same command.
 */
#include <errno.h>

#include "tests/fuzz/fuzz.h"
#include "host/control-proto.h"

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
	FUZZ_CHECK(cmd->op <= CONTROL_STATS);
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
	return 0;
}
