// SPDX-License-Identifier: GPL-2.0
/*
 * The control socket's protocols: lkvm's request lines and kvmtool's
 * binary messages, what is accepted, answered and refused.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "tests/unit.h"
#include "host/control-proto.h"
#include "host/control-kvmtool.h"

static int parse(const char *s, struct control_cmd *c, char *err)
{
	return control_parse(s, strlen(s), c, err, 96);
}

/* A VM as the server's handler sees it: what it was asked, what it says. */
struct fake_vm {
	const char *status;
	int calls;
	enum control_op last;
	int fail;
};

static int fake_handler(void *opaque, const struct control_cmd *cmd,
			char *msg, size_t len)
{
	struct fake_vm *vm = opaque;

	vm->calls++;
	vm->last = cmd->op;
	snprintf(msg, len, "%s", cmd->op == CONTROL_STATUS ? vm->status : "done");
	return vm->fail;
}

/* n headers of types[], no bodies, into buf; returns their length. */
static size_t msgs(uint8_t *buf, const uint32_t *types, int n)
{
	int i;

	for (i = 0; i < n; i++)
		kvmipc_header(buf + i * KVMIPC_HDR_LEN, types[i], 0);
	return n * KVMIPC_HDR_LEN;
}

static int serve(struct fake_vm *vm, const uint8_t *in, size_t len,
		 uint8_t *out, size_t out_max, struct kvmipc_served *res)
{
	return kvmipc_serve(in, len, fake_handler, vm, out, out_max, res);
}

static void test_kvmipc_frame(struct unit *u)
{
	uint8_t b[80] = { 0 };
	uint32_t type, len;

	CHECK(u, !kvmipc_starts(0) && kvmipc_starts(1) && kvmipc_starts(8));
	CHECK(u, !kvmipc_starts(9) && !kvmipc_starts('S') && !kvmipc_starts(' '));
	CHECK_EQ(u, kvmipc_frame(b, 0, &type, &len), 0);
	b[0] = KVMIPC_PID;
	CHECK_EQ(u, kvmipc_frame(b, 3, &type, &len), 0);	/* not yet a header */
	CHECK_EQ(u, kvmipc_frame(b, 8, &type, &len), 8);
	CHECK(u, type == KVMIPC_PID && len == 0);
	b[2] = 1;	/* type 0x10007: refused as soon as it shows */
	CHECK_EQ(u, kvmipc_frame(b, 3, &type, &len), -EPROTO);
	b[2] = 0;
	b[0] = 9;
	CHECK_EQ(u, kvmipc_frame(b, 1, &type, &len), -EPROTO);
	b[0] = 0;
	CHECK_EQ(u, kvmipc_frame(b, 8, &type, &len), -EPROTO);
	kvmipc_header(b, KVMIPC_DEBUG, 12);
	CHECK_EQ(u, kvmipc_frame(b, 19, &type, &len), 0);	/* body not all in */
	CHECK_EQ(u, kvmipc_frame(b, 20, &type, &len), 20);
	CHECK(u, type == KVMIPC_DEBUG && len == 12);
	kvmipc_header(b, KVMIPC_BALLOON, KVMIPC_BODY_MAX);
	CHECK_EQ(u, kvmipc_frame(b, 8, &type, &len), 0);
	kvmipc_header(b, KVMIPC_BALLOON, KVMIPC_BODY_MAX + 1);
	CHECK_EQ(u, kvmipc_frame(b, 8, &type, &len), -EMSGSIZE);
	kvmipc_header(b, KVMIPC_STAT, 0xffffffff);
	CHECK_EQ(u, kvmipc_frame(b, 8, &type, &len), -EMSGSIZE);
	/* The wire is little-endian, as kvmtool's on arm64. */
	kvmipc_header(b, KVMIPC_VMSTATE, 0x01020304);
	CHECK(u, !memcmp(b, "\x08\0\0\0\x04\x03\x02\x01", 8));
	CHECK_EQ(u, kvmipc_get_u32(b + 4), 0x01020304);
}

static void test_kvmipc_status(struct unit *u)
{
	int32_t state, pid;

	CHECK_EQ(u, kvmipc_status_parse("running vm1 1234", &state, &pid), 0);
	CHECK(u, state == KVMIPC_RUNNING && pid == 1234);
	CHECK_EQ(u, kvmipc_status_parse("paused a 7", &state, &pid), 0);
	CHECK_EQ(u, state, KVMIPC_PAUSED);
	CHECK_EQ(u, kvmipc_status_parse("panicked a 7", &state, &pid), 0);
	CHECK_EQ(u, state, KVMIPC_PANICKED);
	CHECK_EQ(u, kvmipc_status_parse("sleeping a 7", &state, &pid), -EINVAL);
	CHECK_EQ(u, kvmipc_status_parse("running a", &state, &pid), -EINVAL);
	CHECK_EQ(u, kvmipc_status_parse("running a 0", &state, &pid), -EINVAL);
	CHECK_EQ(u, kvmipc_status_parse("running a 12x", &state, &pid), -EINVAL);
	CHECK_EQ(u, kvmipc_status_parse("running a 99999999999", &state, &pid), -EINVAL);
	CHECK_EQ(u, kvmipc_status_parse("", &state, &pid), -EINVAL);
	CHECK(u, !strcmp(kvmipc_state_name(KVMIPC_PAUSED), "paused"));
	CHECK(u, !strcmp(kvmipc_state_name(KVMIPC_PANICKED), "panicked"));
	CHECK(u, !strcmp(kvmipc_state_name(KVMIPC_RUNNING), "running"));
	CHECK(u, !strcmp(kvmipc_state_name(77), "running"));	/* as kvmtool's list */
}

/* kvmtool's list: PID then VMSTATE, bare ints, no header. */
static void test_kvmipc_list(struct unit *u)
{
	static const uint32_t list[] = { KVMIPC_PID, KVMIPC_VMSTATE };
	struct fake_vm vm = { .status = "paused vm1 4660" };
	uint8_t in[64], out[64];
	struct kvmipc_served res;
	size_t n = msgs(in, list, 2);

	CHECK_EQ(u, serve(&vm, in, n, out, sizeof(out), &res), 0);
	CHECK(u, res.used == 16 && res.out_len == 8 && !res.close);
	CHECK_EQ(u, kvmipc_get_u32(out), 4660);
	CHECK_EQ(u, kvmipc_get_u32(out + 4), KVMIPC_PAUSED);
	CHECK(u, vm.calls == 2 && vm.last == CONTROL_STATUS);

	/* Room for one answer: the second message waits, untaken. */
	CHECK_EQ(u, serve(&vm, in, n, out, 4, &res), 0);
	CHECK(u, res.used == 8 && res.out_len == 4);

	/* A VM that cannot say its state: the connection ends. */
	vm.fail = -EIO;
	CHECK_EQ(u, serve(&vm, in, n, out, sizeof(out), &res), -EIO);
	CHECK(u, res.used == 0 && res.out_len == 0);
}

/* A header and a body split over several reads: nothing until all is in. */
static void test_kvmipc_split(struct unit *u)
{
	static const uint32_t two[] = { KVMIPC_VMSTATE, KVMIPC_PID };
	struct fake_vm vm = { .status = "running x 77" };
	uint8_t in[64], out[64];
	struct kvmipc_served res;
	size_t n = msgs(in, two, 2), i;
	int early = 0;

	for (i = 0; i < KVMIPC_HDR_LEN; i++) {
		early |= serve(&vm, in, i, out, sizeof(out), &res);
		early |= res.used | res.out_len;
	}
	CHECK_EQ(u, early, 0);
	CHECK_EQ(u, vm.calls, 0);
	/* The first message and half the second: one answer, 8 bytes taken. */
	CHECK_EQ(u, serve(&vm, in, 12, out, sizeof(out), &res), 0);
	CHECK(u, res.used == 8 && res.out_len == 4);
	CHECK_EQ(u, kvmipc_get_u32(out), KVMIPC_RUNNING);
	CHECK_EQ(u, serve(&vm, in + res.used, n - 8, out, sizeof(out), &res), 0);
	CHECK(u, res.used == 8 && res.out_len == 4);
	CHECK_EQ(u, kvmipc_get_u32(out), 77);
}

/* kvmtool's stop, pause and resume: lkvm's requests, no answer. */
static void test_kvmipc_control(struct unit *u)
{
	static const uint32_t pause[] = { KVMIPC_VMSTATE, KVMIPC_PAUSE };
	struct fake_vm vm = { .status = "running x 77" };
	uint8_t in[64], out[64];
	struct kvmipc_served res;
	uint32_t one;

	CHECK_EQ(u, serve(&vm, in, msgs(in, pause, 2), out, sizeof(out), &res), 0);
	CHECK(u, res.used == 16 && res.out_len == 4 && !res.close);
	CHECK(u, vm.calls == 2 && vm.last == CONTROL_PAUSE);
	one = KVMIPC_RESUME;
	CHECK_EQ(u, serve(&vm, in, msgs(in, &one, 1), out, sizeof(out), &res), 0);
	CHECK(u, vm.last == CONTROL_RESUME && res.out_len == 0 && res.used == 8);
	one = KVMIPC_STOP;
	CHECK_EQ(u, serve(&vm, in, msgs(in, &one, 1), out, sizeof(out), &res), 0);
	CHECK(u, vm.last == CONTROL_STOP && res.out_len == 0 && !res.close);
	/* A failed request still gets no answer: kvmtool's client reads none. */
	vm.fail = -EINVAL;
	CHECK_EQ(u, serve(&vm, in, msgs(in, &one, 1), out, sizeof(out), &res), 0);
	vm.fail = 0;
	/* STOP with a body is malformed (kvmtool's server refuses it too). */
	vm.calls = 0;
	kvmipc_header(in, KVMIPC_STOP, 4);
	memset(in + 8, 0, 4);
	CHECK_EQ(u, serve(&vm, in, 12, out, sizeof(out), &res), -EPROTO);
	CHECK_EQ(u, vm.calls, 0);
}

/* STAT, BALLOON: lkvm has no balloon; the connection ends. */
static void test_kvmipc_unsupported(struct unit *u)
{
	static const uint32_t types[] = { KVMIPC_STAT, KVMIPC_BALLOON };
	static const uint32_t after[] = { KVMIPC_PID, KVMIPC_STAT, KVMIPC_PID };
	struct fake_vm vm = { .status = "running x 77" };
	uint8_t in[64], out[64];
	struct kvmipc_served res;
	unsigned int i;

	for (i = 0; i < 2; i++) {
		kvmipc_header(in, types[i], i == 1 ? 4 : 0);
		memset(in + 8, 0xee, 12);
		CHECK_EQ(u, serve(&vm, in, 8 + 12, out, sizeof(out), &res), 0);
		CHECK(u, res.close && res.out_len == 0 && !res.dump);
	}
	CHECK_EQ(u, vm.calls, 0);
	/* What came before is answered; what comes after is not. */
	CHECK_EQ(u, serve(&vm, in, msgs(in, after, 3), out, sizeof(out), &res), 0);
	CHECK(u, res.close && res.out_len == 4 && res.used == 16);
	/* Garbage after a good message: its answer, then the end. */
	msgs(in, after, 1);
	memcpy(in + 8, "\x07\0\x01\0", 4);
	CHECK_EQ(u, serve(&vm, in, 12, out, sizeof(out), &res), -EPROTO);
	CHECK(u, res.out_len == 4 && res.used == 8);
}

/* kvmtool debug's DEBUG: a SysRq (lkvm's SYSRQ), a dump to follow, then the end. */
static void test_kvmipc_debug(struct unit *u)
{
	struct fake_vm vm = { .status = "running x 77" };
	uint8_t in[64], out[64];
	struct kvmipc_served res;

	kvmipc_header(in, KVMIPC_DEBUG, KVMIPC_DEBUG_LEN);
	memset(in + 8, 0, KVMIPC_DEBUG_LEN);
	kvmipc_put_u32(in + 8, KVMIPC_DEBUG_DUMP);
	CHECK_EQ(u, serve(&vm, in, 20, out, sizeof(out), &res), 0);
	CHECK(u, res.dump && res.close && res.out_len == 0 && res.used == 20);
	CHECK_EQ(u, vm.calls, 0);
	kvmipc_put_u32(in + 8, KVMIPC_DEBUG_SYSRQ | KVMIPC_DEBUG_NMI);
	in[16] = 'h';
	CHECK_EQ(u, serve(&vm, in, 20, out, sizeof(out), &res), 0);
	CHECK(u, !res.dump && res.close && vm.calls == 1 && vm.last == CONTROL_SYSRQ);
	/* Not kvmtool's 12 bytes: malformed. */
	kvmipc_header(in, KVMIPC_DEBUG, 8);
	CHECK_EQ(u, serve(&vm, in, 16, out, sizeof(out), &res), -EPROTO);
	CHECK_EQ(u, vm.calls, 1);
}

int main(void)
{
	struct unit u = { 0 };
	struct control_cmd c;
	char err[96], buf[64];

	test_kvmipc_frame(&u);
	test_kvmipc_status(&u);
	test_kvmipc_list(&u);
	test_kvmipc_split(&u);
	test_kvmipc_control(&u);
	test_kvmipc_unsupported(&u);
	test_kvmipc_debug(&u);

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
	CHECK_EQ(&u, parse("DUMP\n", &c, err), 0);
	CHECK_EQ(&u, c.op, CONTROL_DUMP);
	CHECK_EQ(&u, parse("DUMP 1", &c, err), -22);
	CHECK_EQ(&u, parse("SNAPSHOT\n", &c, err), 0);
	CHECK(&u, c.op == CONTROL_SNAPSHOT && !c.stop && !c.has_fd);
	CHECK_EQ(&u, parse("SNAPSHOT stop\n", &c, err), 0);
	CHECK(&u, c.op == CONTROL_SNAPSHOT && c.stop);
	CHECK_EQ(&u, parse("SNAPSHOT now", &c, err), -22);
	parse("SNAPSHOT stop", &c, err);
	CHECK_EQ(&u, control_format(&c, err, sizeof(err)), 14);
	CHECK(&u, !strcmp(err, "SNAPSHOT stop\n"));
	CHECK_EQ(&u, parse("SYSRQ h\n", &c, err), 0);
	CHECK(&u, c.op == CONTROL_SYSRQ && c.sysrq == 'h');
	CHECK_EQ(&u, parse("SYSRQ", &c, err), -22);
	CHECK_EQ(&u, parse("SYSRQ hh", &c, err), -22);
	CHECK(&u, strstr(err, "one printable character"));
	CHECK_EQ(&u, parse("SYSRQ h p", &c, err), -22);
	c.op = CONTROL_SYSRQ;
	c.sysrq = 's';
	CHECK_EQ(&u, control_format(&c, buf, sizeof(buf)), 8);
	CHECK(&u, !strcmp(buf, "SYSRQ s\n"));
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
