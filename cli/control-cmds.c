// SPDX-License-Identifier: GPL-2.0
/* The client commands: lkvm list, stop, pause, resume, stat, irq (kvmtool's shapes). */
#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/control-cmds.h"
#include "host/control.h"

#define EXIT_FAIL	1
#define EXIT_USAGE	2

struct client_args {
	const char *name;
	const char *spi;
	const char *level;
};

static int client_parse(int argc, char *argv[], struct client_args *a, bool irq)
{
	int i;

	memset(a, 0, sizeof(*a));
	for (i = 1; i < argc; i++) {
		const char *o = argv[i], **dst = NULL;

		if (!strcmp(o, "-n") || !strcmp(o, "--name"))
			dst = &a->name;
		else if (irq && !strcmp(o, "--spi"))
			dst = &a->spi;
		else if (irq && !strcmp(o, "--level"))
			dst = &a->level;
		if (!dst) {
			fprintf(stderr, "lkvm: error: unknown option '%s' for 'lkvm %s'; use -n NAME%s\n",
				o, argv[0], irq ? " --spi N --level 0|1|pulse" : "");
			return -EINVAL;
		}
		if (i + 1 == argc) {
			fprintf(stderr, "lkvm: error: option %s needs a value\n", o);
			return -EINVAL;
		}
		*dst = argv[++i];
	}
	if (!a->name) {
		fprintf(stderr, "lkvm: error: which VM? use 'lkvm %s -n NAME' (see 'lkvm list')\n",
			argv[0]);
		return -EINVAL;
	}
	return 0;
}

/* Sends one request; reports a missing or stale VM by name. */
static int client_send(const char *name, const struct control_cmd *cmd, bool quiet)
{
	char reply[256], path[CONTROL_PATH_MAX];
	int ret = control_request(name, cmd, reply, sizeof(reply));

	if (ret == -ENOENT || ret == -ECONNREFUSED) {
		control_path(name, path, sizeof(path));
		if (ret == -ECONNREFUSED && !unlink(path))
			fprintf(stderr, "lkvm: error: VM '%s' is not running (removed its stale socket %s); see 'lkvm list' for those that are\n",
				name, path);
		else
			fprintf(stderr, "lkvm: error: no VM named '%s' is running; see 'lkvm list'\n",
				name);
		return EXIT_FAIL;
	}
	if (ret) {
		fprintf(stderr, "lkvm: error: cannot reach VM '%s': %s; check that its socket in $LKVM_HOME (or ~/.lkvm) is yours and that the VM is alive\n",
			name, strerror(-ret));
		return EXIT_FAIL;
	}
	if (!strncmp(reply, "ERR ", 4)) {
		fprintf(stderr, "lkvm: error: %s\n", reply + 4);
		return EXIT_FAIL;
	}
	if (!quiet)
		printf("%s\n", reply + 3);
	return 0;
}

int cmd_control(int argc, char *argv[])
{
	struct control_cmd cmd = { 0 };
	struct client_args a;

	if (client_parse(argc, argv, &a, false))
		return EXIT_USAGE;
	if (!strcmp(argv[0], "stop"))
		cmd.op = CONTROL_STOP;
	else if (!strcmp(argv[0], "pause"))
		cmd.op = CONTROL_PAUSE;
	else if (!strcmp(argv[0], "stat"))
		cmd.op = CONTROL_STATS;
	else
		cmd.op = CONTROL_RESUME;
	return client_send(a.name, &cmd, false);
}

int cmd_irq(int argc, char *argv[])
{
	struct control_cmd cmd = { .op = CONTROL_IRQ };
	struct client_args a;
	char *end;

	if (client_parse(argc, argv, &a, true))
		return EXIT_USAGE;
	if (!a.spi || !a.level) {
		fprintf(stderr, "lkvm: error: lkvm irq needs --spi N and --level 0|1|pulse\n");
		return EXIT_USAGE;
	}
	cmd.spi = strtoul(a.spi, &end, 10);
	if (!*a.spi || *end || a.spi[0] == '-' || cmd.spi > 987) {
		fprintf(stderr, "lkvm: error: --spi '%s' is not an SPI number; give 0 to 987\n", a.spi);
		return EXIT_USAGE;
	}
	if (control_parse_level(a.level, &cmd.level)) {
		fprintf(stderr, "lkvm: error: --level '%s' is not a level; give 0, 1 or pulse\n", a.level);
		return EXIT_USAGE;
	}
	return client_send(a.name, &cmd, true);
}

/* kvmtool's list: one line per running VM; stale sockets are cleaned up. */
int cmd_list(int argc, char *argv[])
{
	struct control_cmd cmd = { .op = CONTROL_STATUS };
	char dir[CONTROL_PATH_MAX], reply[256];
	struct dirent *de;
	DIR *d;

	if (control_dir(dir, sizeof(dir))) {
		fprintf(stderr, "lkvm: error: neither LKVM_HOME nor HOME is set\n");
		return EXIT_FAIL;
	}
	printf("  PID NAME                 STATE\n------------------------------------\n");
	d = opendir(dir);
	if (!d)
		return 0;	/* no VM has ever run here */
	while ((de = readdir(d))) {
		size_t len = strlen(de->d_name);
		char name[64], state[16] = "", vmname[64] = "";
		int pid = 0;

		if (len < 6 || len - 5 >= sizeof(name) || strcmp(de->d_name + len - 5, ".sock"))
			continue;
		snprintf(name, sizeof(name), "%.*s", (int)(len - 5), de->d_name);
		if (control_request(name, &cmd, reply, sizeof(reply)) == -ECONNREFUSED) {
			char path[CONTROL_PATH_MAX];

			if (!control_path(name, path, sizeof(path)))
				unlink(path);
			continue;
		}
		if (sscanf(reply, "OK %15s %63s %d", state, vmname, &pid) == 3)
			printf("%5d %-20s %s\n", pid, vmname, state);
	}
	closedir(d);
	return 0;
}
