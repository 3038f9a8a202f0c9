// SPDX-License-Identifier: GPL-2.0
/* The control socket's request parser: pure, so tests and the fuzzer drive it. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host/control-proto.h"

static const char *const control_ops[] = {
	[CONTROL_STATUS] = "STATUS", [CONTROL_STOP] = "STOP",
	[CONTROL_PAUSE] = "PAUSE", [CONTROL_RESUME] = "RESUME",
	[CONTROL_IRQ] = "IRQ", [CONTROL_STATS] = "STATS",
	[CONTROL_SYSRQ] = "SYSRQ", [CONTROL_DUMP] = "DUMP",
	[CONTROL_SNAPSHOT] = "SNAPSHOT",
};

#define CONTROL_OPS_HINT "send STATUS, STOP, PAUSE, RESUME, IRQ, STATS, SYSRQ, DUMP or SNAPSHOT"

int control_parse_level(const char *s, enum control_level *level)
{
	if (!strcmp(s, "0"))
		*level = CONTROL_LEVEL_LOW;
	else if (!strcmp(s, "1"))
		*level = CONTROL_LEVEL_HIGH;
	else if (!strcmp(s, "pulse"))
		*level = CONTROL_LEVEL_PULSE;
	else
		return -EINVAL;
	return 0;
}

/* Splits at blanks; returns the number of words, at most max. */
static int control_split(char *buf, char **words, int max)
{
	int n = 0;
	char *p = buf;

	while (*p) {
		while (*p == ' ' || *p == '\t')
			*p++ = '\0';
		if (!*p)
			break;
		if (n == max)
			return max + 1;
		words[n++] = p;
		while (*p && *p != ' ' && *p != '\t')
			p++;
	}
	return n;
}

static int control_parse_irq(char **w, int n, struct control_cmd *cmd,
			     char *err, size_t err_len)
{
	unsigned long spi;
	char *end;

	if (n != 3) {
		snprintf(err, err_len, "IRQ takes a line and a level: IRQ <spi> <0|1|pulse>");
		return -EINVAL;
	}
	errno = 0;
	spi = strtoul(w[1], &end, 10);
	if (!isdigit((unsigned char)w[1][0]) || *end || errno || spi > 987) {
		snprintf(err, err_len, "'%.20s' is not an SPI number; give 0 to 987", w[1]);
		return -EINVAL;
	}
	if (control_parse_level(w[2], &cmd->level)) {
		snprintf(err, err_len, "'%.20s' is not a level; give 0, 1 or pulse", w[2]);
		return -EINVAL;
	}
	cmd->spi = spi;
	return 0;
}

/* A SysRq key is one printable character, as the guest's help lists them. */
int control_check_sysrq(const char *s)
{
	return (s[0] && !s[1] && isgraph((unsigned char)s[0])) ? 0 : -EINVAL;
}

static int control_parse_sysrq(char **w, int n, struct control_cmd *cmd,
			       char *err, size_t err_len)
{
	if (n != 2 || control_check_sysrq(w[1])) {
		snprintf(err, err_len, "SYSRQ takes one printable character: SYSRQ <c>");
		return -EINVAL;
	}
	cmd->sysrq = w[1][0];
	return 0;
}

/* line need not be terminated; a trailing newline is ignored. */
int control_parse(const char *line, size_t len, struct control_cmd *cmd,
		  char *err, size_t err_len)
{
	char buf[CONTROL_LINE_MAX], *w[4];
	unsigned int i;
	int n;

	memset(cmd, 0, sizeof(*cmd));
	while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
		len--;
	if (len >= sizeof(buf) || memchr(line, '\0', len) || memchr(line, '\n', len)) {
		snprintf(err, err_len, "malformed request; send one short line");
		return -EINVAL;
	}
	memcpy(buf, line, len);
	buf[len] = '\0';
	n = control_split(buf, w, 3);
	if (n == 0) {
		snprintf(err, err_len, "empty request; " CONTROL_OPS_HINT);
		return -EINVAL;
	}
	for (i = 0; i < sizeof(control_ops) / sizeof(control_ops[0]); i++) {
		if (strcmp(w[0], control_ops[i]))
			continue;
		cmd->op = i;
		if (i == CONTROL_IRQ)
			return control_parse_irq(w, n, cmd, err, err_len);
		if (i == CONTROL_SYSRQ)
			return control_parse_sysrq(w, n, cmd, err, err_len);
		if (i == CONTROL_SNAPSHOT && n == 2 && !strcmp(w[1], "stop")) {
			cmd->stop = true;
			return 0;
		}
		if (n == 1)
			return 0;
		snprintf(err, err_len, "%s takes no arguments", control_ops[i]);
		return -EINVAL;
	}
	snprintf(err, err_len, "unknown request '%.20s'; " CONTROL_OPS_HINT, w[0]);
	return -EINVAL;
}

/* The request line a client sends for cmd. */
int control_format(const struct control_cmd *cmd, char *buf, size_t len)
{
	static const char *const levels[] = { "0", "1", "pulse" };
	int n;

	if (cmd->op == CONTROL_IRQ)
		n = snprintf(buf, len, "IRQ %u %s\n", cmd->spi, levels[cmd->level]);
	else if (cmd->op == CONTROL_SYSRQ)
		n = snprintf(buf, len, "SYSRQ %c\n", cmd->sysrq);
	else if (cmd->op == CONTROL_SNAPSHOT && cmd->stop)
		n = snprintf(buf, len, "SNAPSHOT stop\n");
	else
		n = snprintf(buf, len, "%s\n", control_ops[cmd->op]);
	return (n < 0 || (size_t)n >= len) ? -ENOSPC : n;
}
