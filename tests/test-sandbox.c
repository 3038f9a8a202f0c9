// SPDX-License-Identifier: GPL-2.0
/* lkvm sandbox: the command line's split, the command file, the status file. */
#include <errno.h>
#include <string.h>

#include "cli/sandbox.h"
#include "tests/unit.h"

#define ARGV(...) ((char *[]){ "sandbox", __VA_ARGS__, NULL })
#define ARGC(...) ((int)(sizeof((char *[]){ "sandbox", __VA_ARGS__ }) / sizeof(char *)))

static void test_split(struct unit *u)
{
	char err[256], **cmd = NULL, **a;
	int run_argc = 0, cmd_argc = 0;

	a = ARGV("-k", "Image", "--", "sh", "-c", "exit 7");
	CHECK_EQ(u, sandbox_split(ARGC("-k", "Image", "--", "sh", "-c", "exit 7"), a,
				  &run_argc, &cmd, &cmd_argc, err, sizeof(err)), 0);
	CHECK_EQ(u, run_argc, 3);
	CHECK_EQ(u, cmd_argc, 3);
	CHECK(u, cmd == a + 4 && !strcmp(cmd[2], "exit 7"));
	a = ARGV("--", "--", "x");	/* the second "--" is the command's */
	CHECK_EQ(u, sandbox_split(4, a, &run_argc, &cmd, &cmd_argc, err, sizeof(err)), 0);
	CHECK_EQ(u, run_argc, 1);
	CHECK(u, !strcmp(cmd[0], "--") && cmd_argc == 2);
	a = ARGV("-k", "Image", "ls");
	CHECK_EQ(u, sandbox_split(4, a, &run_argc, &cmd, &cmd_argc, err, sizeof(err)), -EINVAL);
	CHECK(u, strstr(err, "no '--'"));
	a = ARGV("-k", "Image", "--");
	CHECK_EQ(u, sandbox_split(4, a, &run_argc, &cmd, &cmd_argc, err, sizeof(err)), -EINVAL);
	CHECK(u, strstr(err, "no command after"));
}

static void test_encode(struct unit *u)
{
	char *argv[] = { "sh", "-c", "echo 'a b'", "", NULL }, buf[64], *out[8];
	long n = sandbox_encode(4, argv, buf, sizeof(buf));

	CHECK_EQ(u, n, 3 + 3 + 11 + 1);
	CHECK_EQ(u, sandbox_decode(buf, n, out, 8), 4);
	CHECK(u, !strcmp(out[2], "echo 'a b'") && !out[3][0] && !out[4]);
	CHECK_EQ(u, sandbox_decode(buf, n, out, 4), -EINVAL);	/* too many words */
	CHECK_EQ(u, sandbox_decode(buf, n - 2, out, 8), -EINVAL);	/* no NUL at the end */
	CHECK_EQ(u, sandbox_decode(buf, 0, out, 8), -EINVAL);
	CHECK_EQ(u, sandbox_decode("\0x", 3, out, 8), -EINVAL);	/* an empty program */
	CHECK_EQ(u, sandbox_encode(4, argv, buf, 17), -E2BIG);
	CHECK_EQ(u, sandbox_encode(SANDBOX_ARGS_MAX + 1, argv, buf, sizeof(buf)), -E2BIG);
}

static void test_status(struct unit *u)
{
	CHECK_EQ(u, sandbox_parse_status("7\n", 2), 7);
	CHECK_EQ(u, sandbox_parse_status("0", 1), 0);
	CHECK_EQ(u, sandbox_parse_status("255\n", 4), 255);
	CHECK_EQ(u, sandbox_parse_status("256\n", 4), -EINVAL);
	CHECK_EQ(u, sandbox_parse_status("1000", 4), -EINVAL);
	CHECK_EQ(u, sandbox_parse_status("-1\n", 3), -EINVAL);
	CHECK_EQ(u, sandbox_parse_status("\n", 1), -EINVAL);
	CHECK_EQ(u, sandbox_parse_status("7 \n", 3), -EINVAL);
	CHECK_EQ(u, sandbox_name_check("sandbox-123"), 0);
	CHECK_EQ(u, sandbox_name_check("sandbox-"), -EINVAL);
	CHECK_EQ(u, sandbox_name_check("sandbox-1/../x"), -EINVAL);
	CHECK_EQ(u, sandbox_name_check("other-1"), -EINVAL);
	CHECK_EQ(u, sandbox_name_check("sandbox-12345678901234567890123456"), -EINVAL);
}

int main(void)
{
	struct unit u = { 0 };

	test_split(&u);
	test_encode(&u);
	test_status(&u);
	return unit_done(&u, "test-sandbox");
}
