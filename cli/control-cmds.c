// SPDX-License-Identifier: GPL-2.0
/*
 * The client commands: lkvm list, stop, pause, resume, stat, irq, in
 * kvmtool's shapes. list, stop, pause and resume speak kvmtool's binary
 * messages, which lkvm's and kvmtool's VMs both answer, so they work on
 * either VMM's VMs in the shared directory; stat, irq and debug are
 * lkvm's own lines (debug has kvmtool's options).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/control-cmds.h"
#include "host/control.h"
#include "host/control-client.h"
#include "host/control-kvmtool.h"

#define EXIT_FAIL	1
#define EXIT_USAGE	2
#define CLIENT_NAME_MAX	64

/* Which commands take an option. */
#define FOR_CTL		(1u << 0)	/* stop, pause, resume */
#define FOR_STAT	(1u << 1)
#define FOR_IRQ		(1u << 2)
#define FOR_LIST	(1u << 3)
#define FOR_DEBUG	(1u << 4)

struct client_args {
	const char *name;
	const char *spi;
	const char *level;
	const char *sysrq;
	bool dump;
	bool all;
	bool run;
	bool rootfs;
};

struct client_opt {
	char short_name;	/* or 0 */
	const char *long_name;
	unsigned int cmds;
	bool flag;		/* a bool in client_args, else a const char * */
	size_t off;		/* where in client_args */
};

#define OPT_VALUE(s, l, c, f) { s, l, c, false, offsetof(struct client_args, f) }
#define OPT_FLAG(s, l, c, f) { s, l, c, true, offsetof(struct client_args, f) }

/* kvmtool's names: -n/--name, -a/--all, list's -i/--run and -r/--rootfs. */
static const struct client_opt client_opts[] = {
	OPT_VALUE('n', "name", FOR_CTL | FOR_STAT | FOR_IRQ | FOR_DEBUG, name),
	OPT_VALUE(0, "spi", FOR_IRQ, spi),
	OPT_VALUE(0, "level", FOR_IRQ, level),
	OPT_FLAG('a', "all", FOR_CTL, all),
	OPT_FLAG('i', "run", FOR_LIST, run),
	OPT_FLAG('r', "rootfs", FOR_LIST, rootfs),
	OPT_FLAG('d', "dump", FOR_DEBUG, dump),
	OPT_VALUE('s', "sysrq", FOR_DEBUG, sysrq),
};

static const char *client_hint(unsigned int cmds)
{
	if (cmds & FOR_IRQ)
		return "use -n NAME --spi N --level 0|1|pulse";
	if (cmds & FOR_DEBUG)
		return "use -n NAME with --dump and/or --sysrq C";
	if (cmds & FOR_LIST)
		return "use -i/--run, -r/--rootfs or neither";
	if (cmds & FOR_CTL)
		return "use -n NAME or -a/--all";
	return "use -n NAME";
}

static const struct client_opt *client_opt_find(char short_name,
						const char *long_name,
						size_t long_len,
						unsigned int cmds)
{
	unsigned int i;

	for (i = 0; i < sizeof(client_opts) / sizeof(client_opts[0]); i++) {
		const struct client_opt *o = &client_opts[i];

		if (!(o->cmds & cmds))
			continue;
		if (short_name && o->short_name == short_name)
			return o;
		if (long_name && strlen(o->long_name) == long_len &&
		    !strncmp(o->long_name, long_name, long_len))
			return o;
	}
	return NULL;
}

/* Sets o from val (NULL for a flag). */
static int client_opt_set(const struct client_opt *o, struct client_args *a,
			  const char *val, const char *as_given)
{
	if (o->flag && val) {
		fprintf(stderr, "lkvm: error: option %s takes no value; remove '%s'\n",
			as_given, val);
		return -EINVAL;
	}
	if (o->flag)
		*(bool *)((char *)a + o->off) = true;
	else
		*(const char **)((char *)a + o->off) = val;
	return 0;
}

/* --long or --long=value: how many arguments it took, or -errno. */
static int client_parse_long(char **argv, int left, unsigned int cmds,
			     struct client_args *a)
{
	const char *arg = argv[0], *eq = strchr(arg, '=');
	size_t len = eq ? (size_t)(eq - arg - 2) : strlen(arg + 2);
	const struct client_opt *o = client_opt_find(0, arg + 2, len, cmds);
	char name[24];

	if (!o)
		return -ENOENT;
	snprintf(name, sizeof(name), "--%s", o->long_name);
	if (o->flag || eq)
		return client_opt_set(o, a, eq ? eq + 1 : NULL, name) ?: 1;
	if (left < 2) {
		fprintf(stderr, "lkvm: error: option %s needs a value\n", arg);
		return -EINVAL;
	}
	return client_opt_set(o, a, argv[1], arg) ?: 2;
}

/* -s value, -svalue or bundled flags (-ir): as client_parse_long(). */
static int client_parse_short(char **argv, int left, unsigned int cmds,
			      struct client_args *a)
{
	const char *arg = argv[0];
	const struct client_opt *o;
	char as_given[3] = "-";

	while (*++arg) {
		o = client_opt_find(*arg, NULL, 0, cmds);
		if (!o)
			return -ENOENT;
		as_given[1] = *arg;
		if (!o->flag)
			break;
		client_opt_set(o, a, NULL, as_given);
	}
	if (!*arg)
		return 1;
	if (arg[1])
		return client_opt_set(o, a, arg + 1, as_given) ?: 1;
	if (left < 2) {
		fprintf(stderr, "lkvm: error: option %s needs a value\n", as_given);
		return -EINVAL;
	}
	return client_opt_set(o, a, argv[1], as_given) ?: 2;
}

static int client_unknown(const char *arg, const char *cmd, unsigned int cmds)
{
	fprintf(stderr, "lkvm: error: unknown option '%s' for 'lkvm %s'; %s\n",
		arg, cmd, client_hint(cmds));
	return -EINVAL;
}

static int client_parse(int argc, char *argv[], struct client_args *a,
			unsigned int cmds)
{
	int i, n;

	memset(a, 0, sizeof(*a));
	for (i = 1; i < argc; i += n) {
		const char *arg = argv[i];

		if (arg[0] != '-' || !arg[1]) {
			fprintf(stderr, "lkvm: error: unexpected argument '%s' for 'lkvm %s'; %s\n",
				arg, argv[0], client_hint(cmds));
			return -EINVAL;
		}
		if (arg[1] == '-')
			n = client_parse_long(argv + i, argc - i, cmds, a);
		else
			n = client_parse_short(argv + i, argc - i, cmds, a);
		if (n == -ENOENT)
			n = client_unknown(arg, argv[0], cmds);
		if (n < 0)
			return n;
	}
	if (cmds & FOR_LIST)
		return 0;
	if (a->all && a->name) {
		fprintf(stderr, "lkvm: error: 'lkvm %s' takes -n NAME or --all, not both\n",
			argv[0]);
		return -EINVAL;
	}
	if (!a->name && !a->all) {
		fprintf(stderr, "lkvm: error: which VM? use 'lkvm %s -n NAME'%s (see 'lkvm list')\n",
			argv[0], cmds & FOR_CTL ? " or --all" : "");
		return -EINVAL;
	}
	return 0;
}

/* A missing or stale VM, by name; a stale socket is removed. */
static int client_unreachable(const char *name, int err)
{
	char path[CONTROL_PATH_MAX] = "";

	control_path(name, path, sizeof(path));
	if (err == -ECONNREFUSED && !control_remove_stale(name))
		fprintf(stderr, "lkvm: error: VM '%s' is not running (removed its stale socket %s); see 'lkvm list' for those that are\n",
			name, path);
	else if (err == -ENOENT || err == -ECONNREFUSED)
		fprintf(stderr, "lkvm: error: no VM named '%s' is running; see 'lkvm list'\n",
			name);
	else if (err == -ETIMEDOUT || err == -EIO)
		fprintf(stderr, "lkvm: error: VM '%s' does not answer on %s (%s); it may be hung: kill its process if it stays so\n",
			name, path, err == -EIO ? "it closed the connection" : "no answer in time");
	else
		fprintf(stderr, "lkvm: error: cannot reach VM '%s': %s; check that its socket in $LKVM_HOME (or ~/.lkvm) is yours and that the VM is alive\n",
			name, strerror(-err));
	return EXIT_FAIL;
}

/* lkvm's own request line: stat and irq. */
static int client_send(const char *name, const struct control_cmd *cmd, bool quiet)
{
	char reply[256];
	int ret = control_request(name, cmd, reply, sizeof(reply));

	if (ret == -EIO) {
		fprintf(stderr, "lkvm: error: VM '%s' did not answer lkvm's request: a kvmtool VM never does ('lkvm %s' works on lkvm's VMs only), an lkvm VM only when hung\n",
			name, cmd->op == CONTROL_IRQ ? "irq" :
			      cmd->op == CONTROL_SYSRQ ? "debug" : "stat");
		return EXIT_FAIL;
	}
	if (ret)
		return client_unreachable(name, ret);
	if (!strncmp(reply, "ERR ", 4)) {
		fprintf(stderr, "lkvm: error: %s\n", reply + 4);
		return EXIT_FAIL;
	}
	if (!quiet)
		printf("%s\n", reply + 3);
	return 0;
}

/*
 * stop, pause or resume on one VM, as kvmtool's: pause and resume ask
 * the state first and say so when there is nothing to do; a last
 * VMSTATE waits until the VM has taken the request (a server answers in
 * order). stop asks nothing back: the VM may be gone at once.
 */
static int client_ctl(const char *cmd, const char *name, int fd)
{
	bool pause = !strcmp(cmd, "pause");
	uint32_t req[2] = { pause ? KVMIPC_PAUSE : KVMIPC_RESUME, KVMIPC_VMSTATE };
	uint32_t ask = KVMIPC_VMSTATE, stop = KVMIPC_STOP;
	int32_t state;
	int ret;

	if (!strcmp(cmd, "stop"))
		return control_ask(fd, &stop, 1, NULL);
	ret = control_ask(fd, &ask, 1, &state);
	if (ret)
		return ret;
	if (pause && state == KVMIPC_PAUSED) {
		printf("Guest %s is already paused.\n", name);
		return 0;
	}
	if (!pause && state == KVMIPC_RUNNING) {
		printf("Guest %s is still running.\n", name);
		return 0;
	}
	ret = control_ask(fd, req, 2, &state);
	if (!ret)
		printf("Guest %s %s\n", name, pause ? "paused" : "resumed");
	return ret;
}

static int client_ctl_name(const char *cmd, const char *name)
{
	int fd = control_dial(name), ret;

	if (fd < 0)
		return client_unreachable(name, fd);
	ret = client_ctl(cmd, name, fd);
	close(fd);
	return ret ? client_unreachable(name, ret) : 0;
}

typedef int (*client_visit_t)(const char *name, void *arg);

/* Whether entry de of dir is of type (DT_SOCK, DT_DIR), asking stat when the directory does not say. */
static bool client_is(DIR *d, const struct dirent *de, unsigned char type)
{
	struct stat st;

	if (de->d_type != DT_UNKNOWN)
		return de->d_type == type;
	if (fstatat(dirfd(d), de->d_name, &st, 0))
		return false;
	return type == DT_SOCK ? S_ISSOCK(st.st_mode) : S_ISDIR(st.st_mode);
}

/* Calls visit for every NAME.sock socket in the directory, as kvmtool. */
static int client_each_socket(client_visit_t visit, void *arg)
{
	char dir[CONTROL_PATH_MAX];
	struct dirent *de;
	int ret = 0;
	DIR *d;

	if (control_dir(dir, sizeof(dir))) {
		fprintf(stderr, "lkvm: error: neither LKVM_HOME nor HOME is set\n");
		return EXIT_FAIL;
	}
	d = opendir(dir);
	if (!d)
		return 0;	/* no VM has ever run here */
	while ((de = readdir(d))) {
		size_t len = strlen(de->d_name);
		char name[CLIENT_NAME_MAX];

		if (len <= 5 || len - 5 >= sizeof(name) ||
		    strcmp(de->d_name + len - 5, ".sock") || !client_is(d, de, DT_SOCK))
			continue;
		snprintf(name, sizeof(name), "%.*s", (int)(len - 5), de->d_name);
		ret |= visit(name, arg);
	}
	closedir(d);
	return ret;
}

/* A stale socket goes quietly, as in lkvm list. */
static int client_ctl_visit(const char *name, void *arg)
{
	int fd = control_dial_live(name), ret;

	if (fd == -ENOENT)
		return 0;
	if (fd < 0)
		return client_unreachable(name, fd);
	ret = client_ctl(arg, name, fd);
	close(fd);
	return ret ? client_unreachable(name, ret) : 0;
}

int cmd_control(int argc, char *argv[])
{
	struct control_cmd cmd = { .op = CONTROL_STATS };
	bool stat = !strcmp(argv[0], "stat");
	struct client_args a;

	if (client_parse(argc, argv, &a, stat ? FOR_STAT : FOR_CTL))
		return EXIT_USAGE;
	if (stat)
		return client_send(a.name, &cmd, false);
	if (a.all)
		return client_each_socket(client_ctl_visit, argv[0]) ? EXIT_FAIL : 0;
	return client_ctl_name(argv[0], a.name);
}

int cmd_irq(int argc, char *argv[])
{
	struct control_cmd cmd = { .op = CONTROL_IRQ };
	struct client_args a;
	char *end;

	if (client_parse(argc, argv, &a, FOR_IRQ))
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

/* The dump, after the SysRq if both are asked, as kvmtool's server does them. */
static int client_debug_dump(const char *name)
{
	char err[256];
	int ret = debug_dump(name, err, sizeof(err));

	if (ret == -EREMOTEIO) {
		fprintf(stderr, "lkvm: error: %s\n", err);
		return EXIT_FAIL;
	}
	if (ret == -EIO) {
		fprintf(stderr, "lkvm: error: VM '%s' did not answer the dump request: a kvmtool VM answers 'kvmtool debug' only, an lkvm VM only when hung\n",
			name);
		return EXIT_FAIL;
	}
	return ret ? client_unreachable(name, ret) : 0;
}

int cmd_debug(int argc, char *argv[])
{
	struct control_cmd cmd = { .op = CONTROL_SYSRQ };
	struct client_args a;
	int ret;

	if (client_parse(argc, argv, &a, FOR_DEBUG))
		return EXIT_USAGE;
	if (!a.dump && !a.sysrq) {
		fprintf(stderr, "lkvm: error: lkvm debug needs --dump, --sysrq C or both\n");
		return EXIT_USAGE;
	}
	if (a.sysrq && control_check_sysrq(a.sysrq)) {
		fprintf(stderr, "lkvm: error: --sysrq '%s' is not a SysRq key; give one printable character, such as h (the guest prints the list)\n",
			a.sysrq);
		return EXIT_USAGE;
	}
	if (a.sysrq) {
		cmd.sysrq = a.sysrq[0];
		ret = client_send(a.name, &cmd, true);
		if (ret)
			return ret;
	}
	return a.dump ? client_debug_dump(a.name) : 0;
}

/*
 * One line of lkvm list, kvmtool's "%5d %-20s %s". A socket nobody
 * listens on is stale and removed; one whose VM does not answer is
 * left out with a warning (kvmtool's list would wait for it forever).
 */
static int client_list_visit(const char *name, void *arg)
{
	uint32_t ask[2] = { KVMIPC_PID, KVMIPC_VMSTATE };
	int32_t ans[2];
	int fd = control_dial_live(name), ret;

	(void)arg;
	if (fd < 0)
		return 0;	/* stale, gone since readdir(), or not ours */
	ret = control_ask(fd, ask, 2, ans);
	close(fd);
	if (ret || ans[0] <= 0) {
		fprintf(stderr, "lkvm: warning: VM '%s' does not answer (%s); not listed\n",
			name, ret ? strerror(-ret) : "no PID");
		return 0;
	}
	printf("%5d %-20s %s\n", ans[0], name, kvmipc_state_name(ans[1]));
	return 0;
}

/* kvmtool's rootfs list: the directories that 'lkvm setup' (or kvmtool's) makes there. */
static void client_list_rootfs(void)
{
	char dir[CONTROL_PATH_MAX];
	struct dirent *de;
	DIR *d;

	if (control_dir(dir, sizeof(dir)))
		return;
	d = opendir(dir);
	if (!d)
		return;
	while ((de = readdir(d))) {
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..") &&
		    client_is(d, de, DT_DIR))
			printf("%5s %-20s %s\n", "", de->d_name, "shut off");
	}
	closedir(d);
}

/* kvmtool's list: running VMs, then rootfs directories; -i or -r one of them. */
int cmd_list(int argc, char *argv[])
{
	struct client_args a;
	char dir[CONTROL_PATH_MAX];

	if (client_parse(argc, argv, &a, FOR_LIST))
		return EXIT_USAGE;
	if (!a.run && !a.rootfs)
		a.run = a.rootfs = true;
	if (control_dir(dir, sizeof(dir))) {
		fprintf(stderr, "lkvm: error: neither LKVM_HOME nor HOME is set\n");
		return EXIT_FAIL;
	}
	printf("%6s %-20s %s\n", "PID", "NAME", "STATE");
	printf("------------------------------------\n");
	fflush(stdout);
	if (a.run)
		client_each_socket(client_list_visit, NULL);
	if (a.rootfs)
		client_list_rootfs();
	return 0;
}
