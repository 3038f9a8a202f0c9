// SPDX-License-Identifier: GPL-2.0
/* The control socket's request lines: what is accepted and what is refused. */
#include <string.h>

#include "tests/unit.h"
#include "host/control-proto.h"

static int parse(const char *s, struct control_cmd *c, char *err)
{
	return control_parse(s, strlen(s), c, err, 96);
}

int main(void)
{
	struct unit u = { 0 };
	struct control_cmd c;
	char err[96], buf[64];

	CHECK_EQ(&u, parse("STATUS\n", &c, err), 0);
	CHECK_EQ(&u, c.op, CONTROL_STATUS);
	CHECK_EQ(&u, parse("STOP", &c, err), 0);
	CHECK_EQ(&u, c.op, CONTROL_STOP);
	CHECK_EQ(&u, parse("  PAUSE \r\n", &c, err), 0);
	CHECK_EQ(&u, c.op, CONTROL_PAUSE);
	CHECK_EQ(&u, parse("IRQ 3 pulse\n", &c, err), 0);
	CHECK(&u, c.op == CONTROL_IRQ && c.spi == 3 && c.level == CONTROL_LEVEL_PULSE);
	CHECK_EQ(&u, parse("STATS\n", &c, err), 0);
	CHECK_EQ(&u, c.op, CONTROL_STATS);
	CHECK_EQ(&u, parse("STATS 1", &c, err), -22);
	CHECK_EQ(&u, parse("IRQ 0 1", &c, err), 0);
	CHECK(&u, c.level == CONTROL_LEVEL_HIGH);

	CHECK_EQ(&u, parse("", &c, err), -22);
	CHECK(&u, strstr(err, "empty"));
	CHECK_EQ(&u, parse("REBOOT\n", &c, err), -22);
	CHECK(&u, strstr(err, "unknown request 'REBOOT'"));
	CHECK_EQ(&u, parse("STOP now", &c, err), -22);
	CHECK_EQ(&u, parse("IRQ 3", &c, err), -22);
	CHECK_EQ(&u, parse("IRQ -1 1", &c, err), -22);
	CHECK_EQ(&u, parse("IRQ 988 1", &c, err), -22);
	CHECK_EQ(&u, parse("IRQ 3 2", &c, err), -22);
	CHECK(&u, strstr(err, "0, 1 or pulse"));
	CHECK_EQ(&u, parse("IRQ 3 1 extra", &c, err), -22);
	CHECK_EQ(&u, control_parse("STOP\0x", 6, &c, err, sizeof(err)), -22);
	CHECK_EQ(&u, parse("STOP\nSTOP", &c, err), -22);
	memset(buf, 'A', sizeof(buf));
	buf[sizeof(buf) - 1] = '\0';
	CHECK_EQ(&u, parse(buf, &c, err), -22);

	c = (struct control_cmd) { .op = CONTROL_IRQ, .spi = 7, .level = CONTROL_LEVEL_LOW };
	CHECK_EQ(&u, control_format(&c, buf, sizeof(buf)), 8);
	CHECK(&u, !strcmp(buf, "IRQ 7 0\n"));
	c.op = CONTROL_RESUME;
	CHECK_EQ(&u, control_format(&c, buf, 4), -28);
	return unit_done(&u, "test-control");
}
