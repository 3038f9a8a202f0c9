// SPDX-License-Identifier: GPL-2.0
/* lkvm: command dispatch. */
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/log.h"
#include "lib/util.h"
#include "cli/control-cmds.h"
#include "cli/guest-init.h"
#include "cli/guest-root.h"
#include "host/guest-root-setup.h"
#include "host/guest-sandbox.h"
#include "host/kernel-gz.h"
#include "machine/snapshot.h"
#include "cli/options.h"
#include "machine/vm.h"

#ifndef LKVM_VERSION
#define LKVM_VERSION "0.1.0"
#endif

/* Exit statuses; docs/usage.md lists them with the guest's own. */
#define EXIT_SETUP	1
#define EXIT_USAGE	2

/*
 * The one place a command's help lives: lkvm help, lkvm help NAME and
 * lkvm NAME --help print it, and the bash completion reads the option
 * names from that output (run's options are cli/options.c's table).
 */
struct command {
	const char *name;
	const char *args;	/* what follows "lkvm NAME" in its usage line */
	const char *help;	/* one line, in the list of commands */
	const char *details;	/* its options and more, or NULL */
	int (*run)(int argc, char *argv[]);
};

static int cmd_help(int argc, char *argv[]);

static int cmd_version(int argc, char *argv[])
{
	(void)argc;
	(void)argv;
	printf("lkvm version %s\n", LKVM_VERSION);
	return 0;
}

/*
 * SIGINT, SIGTERM and SIGHUP wait, blocked, for vm_run()'s signalfd,
 * which stops the guest cleanly. Left to their default action during
 * set-up they would kill lkvm after the control socket exists or the
 * terminal is raw, and leave both behind.
 */
static void run_block_signals(void)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	sigprocmask(SIG_BLOCK, &set, NULL);
}

/*
 * Set-up cut short (the loader stops reading for it) or failed with a
 * stop signal waiting: the status the signal gives a running VM.
 */
static int run_setup_status(void)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
	sigset_t p;
	unsigned int i;

	if (sigpending(&p))
		return EXIT_SETUP;
	for (i = 0; i < ARRAY_SIZE(sigs); i++)
		if (sigismember(&p, sigs[i]) == 1)
			return 128 + sigs[i];
	return EXIT_SETUP;
}

/* lkvm sandbox's command (cmd NULL for lkvm run). */
struct run_cmd {
	int argc;
	char **argv;
	struct sandbox_run sr;
};

/* Before the run: the default root is the only place a sandbox runs. */
static int run_sandbox_prepare(struct vm *vm, const char *root_spec,
			       struct run_cmd *cmd, char *err, size_t err_len)
{
	if (!vm->cfg.guest_root && guest_root_wanted(&vm->cfg)) {
		snprintf(err, err_len, "sandbox: kernel '%s' is not an arm64 Linux Image lkvm can read (an Image or an Image.gz); the command needs one",
			 vm->cfg.kernel_path);
		return -EINVAL;
	}
	if (!vm->cfg.guest_root) {
		snprintf(err, err_len, "sandbox: the command runs in the default 9p root of a Linux Image; give a Linux kernel with -k and leave out -d, -i, -f, --nodefaults, --restore and root=");
		return -EINVAL;
	}
	return sandbox_prepare(&vm->cfg, root_spec, cmd->argc, cmd->argv, &cmd->sr,
			       err, err_len);
}

static int run_vm(int argc, char *argv[], struct run_cmd *cmd)
{
	char err[OPTIONS_ERR_MAX];
	char *root_spec = NULL;
	struct vm *vm;
	int ret;

	vm = calloc(1, sizeof(*vm));
	if (!vm) {
		fprintf(stderr, "lkvm: error: out of memory\n");
		return cmd ? SANDBOX_EXIT_LKVM : EXIT_SETUP;
	}
	ret = options_parse_run(argc, argv, &vm->cfg, err, sizeof(err));
	if (ret) {
		if (ret > 0)
			options_usage_run();
		else
			pr_err(LOG_ERROR, "%s", err);
		free(vm);
		return ret > 0 ? 0 : cmd ? SANDBOX_EXIT_LKVM : EXIT_USAGE;
	}
	if (vm->cfg.restore_path && !cmd) {
		ret = snapshot_restore_config(vm, argc, argv, err, sizeof(err));
		if (ret) {
			pr_err(LOG_ERROR, "%s", err);
			free(vm);
			return EXIT_SETUP;
		}
	}
	options_read_env(&vm->cfg);
	ret = kernel_gunzip(&vm->cfg, err, sizeof(err));
	if (!ret && guest_root_wanted(&vm->cfg))
		ret = guest_root_prepare(&vm->cfg, &root_spec, err, sizeof(err));
	else if (!ret && guest_root_restored(&vm->cfg))
		ret = guest_root_prepare_restore(&vm->cfg, &root_spec, err, sizeof(err));
	if (!ret && cmd)
		ret = run_sandbox_prepare(vm, root_spec, cmd, err, sizeof(err));
	if (ret) {
		pr_err(LOG_ERROR, "%s", err);
		free(root_spec);
		free(vm);
		return cmd ? SANDBOX_EXIT_LKVM : EXIT_SETUP;
	}
	run_block_signals();
	ret = vm_setup(vm);
	if (!ret) {
		ret = console_raw(&vm->console);
		if (ret)
			pr_warn(vm->cfg.loglevel, "cannot put the terminal in raw mode: %s",
				strerror(-ret));
		ret = vm_run(vm);
		console_restore(&vm->console);
	} else {
		ret = run_setup_status();
	}
	vm_teardown(vm);
	if (cmd) {
		ret = sandbox_finish(&cmd->sr, ret, err, sizeof(err));
		if (ret == SANDBOX_EXIT_LKVM && err[0])
			pr_err(LOG_ERROR, "%s", err);
	}
	/* A console writer stuck on a dead terminal still points into vm. */
	if (!vm->console.abandoned) {
		free(vm);
		free(root_spec);
	}
	return ret;
}

static int cmd_run(int argc, char *argv[])
{
	return run_vm(argc, argv, NULL);
}

/* lkvm sandbox [run options] -- COMMAND [ARGS] (docs/guest-root.md). */
static int cmd_sandbox(int argc, char *argv[])
{
	char err[OPTIONS_ERR_MAX];
	struct run_cmd cmd = { 0 };
	int run_argc;

	if (sandbox_split(argc, argv, &run_argc, &cmd.argv, &cmd.argc, err, sizeof(err))) {
		pr_err(LOG_ERROR, "%s", err);
		return SANDBOX_EXIT_LKVM;
	}
	return run_vm(run_argc, argv, &cmd);
}

/* lkvm setup [NAME] or kvmtool's lkvm setup -n NAME. */
static int cmd_setup(int argc, char *argv[])
{
	char err[OPTIONS_ERR_MAX];
	const char *name = NULL;
	int i, ret;

	for (i = 1; i < argc; i++) {
		const char *v = argv[i];

		if (!strcmp(v, "-n") || !strcmp(v, "--name")) {
			if (++i == argc) {
				fprintf(stderr, "lkvm: error: %s needs a guest name; use lkvm setup [NAME]\n", v);
				return EXIT_USAGE;
			}
			v = argv[i];
		} else if (v[0] == '-' && v[1]) {
			fprintf(stderr, "lkvm: error: setup: unknown option '%s'; use lkvm setup [NAME]\n", v);
			return EXIT_USAGE;
		}
		if (name) {
			fprintf(stderr, "lkvm: error: setup takes one guest name; '%s' is a second\n", v);
			return EXIT_USAGE;
		}
		name = v;
	}
	if (!name)
		name = GUEST_ROOT_DEFAULT;
	ret = guest_root_create(name, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "lkvm: error: %s\n", err);
		return ret == -EINVAL ? EXIT_USAGE : EXIT_SETUP;
	}
	printf("A new rootfs '%s' has been created in $LKVM_HOME (or ~/.lkvm); 'lkvm run -k <Image>' boots 'default' with no disk given.\n", name);
	return 0;
}

#define HELP_NAME_OPT \
	"    -n, --name <name>      the VM, as 'lkvm list' names it\n"
#define HELP_ALL_OPT \
	"    -a, --all              every VM in $LKVM_HOME (or ~/.lkvm), lkvm's and kvmtool's\n"

static const struct command commands[] = {
	{ "run", "[<options>] [<kernel image>]", "Start the virtual machine", NULL, cmd_run },
	{ "list", "[-i] [-r]", "Print a list of running instances on the host",
	  "    -i, --run              running VMs only\n"
	  "    -r, --rootfs           rootfs directories only ('lkvm setup' makes them)\n"
	  "\n    One line per running VM, lkvm's and kvmtool's alike: its PID, name and\n"
	  "    state (running, paused or panicked); then each rootfs directory, as\n"
	  "    kvmtool lists them ('shut off').\n"
	  "    Control sockets left behind by VMs that died are removed.\n", cmd_list },
	{ "stop", "-n NAME | --all", "Stop a running instance (-n NAME)",
	  HELP_NAME_OPT HELP_ALL_OPT
	  "\n    The guest stops; its lkvm exits with status 0 (4 after a kernel panic).\n"
	  "    Works on kvmtool's VMs too.\n",
	  cmd_control },
	{ "pause", "-n NAME | --all", "Pause a running instance (-n NAME)",
	  HELP_NAME_OPT HELP_ALL_OPT
	  "\n    The vCPUs stop where they are, until 'lkvm resume'. Works on kvmtool's\n"
	  "    VMs too.\n", cmd_control },
	{ "resume", "-n NAME | --all", "Resume a paused instance (-n NAME)",
	  HELP_NAME_OPT HELP_ALL_OPT
	  "\n    The vCPUs of a paused VM run again. Works on kvmtool's VMs too.\n",
	  cmd_control },
	{ "stat", "-n NAME", "Print a running instance's exit counters (-n NAME)",
	  HELP_NAME_OPT "\n    Prints uptime_ms=N exits=N mmio=N signal=N dev_requests=N dev_exits=N\n"
	  "    dev_irqs=N: the VM's time, its vCPUs' exits to lkvm, and its devices' work.\n",
	  cmd_control },
	{ "irq", "-n NAME --spi N --level 0|1|pulse",
	  "Drive a test-device interrupt line (-n NAME --spi N --level 0|1|pulse)",
	  HELP_NAME_OPT
	  "        --spi <n>          one of the test device's SPIs (the device tree lists them)\n"
	  "        --level <level>    0, 1 or pulse\n"
	  "\n    The VM must run with --test-device.\n", cmd_irq },
	{ "debug", "-n NAME [--dump] [--sysrq C]",
	  "Print a running instance's vCPU registers or send it a SysRq (-n NAME)",
	  HELP_NAME_OPT
	  "    -d, --dump             print every vCPU's registers (PC, PSTATE, stack\n"
	  "                           pointers, exception registers, x0-x30, state)\n"
	  "    -s, --sysrq <c>        a break and <c> on the guest's serial console:\n"
	  "                           Linux's SysRq <c> (h lists them)\n"
	  "\n    kvmtool's shape. The SysRq goes first when both are given. The VM must\n"
	  "    be lkvm's ('kvmtool debug' works on lkvm's VMs too).\n", cmd_debug },
	{ "snapshot", "-n NAME FILE [--stop]",
	  "Write a running instance's whole state to FILE (-n NAME)",
	  HELP_NAME_OPT
	  "        --stop             stop the VM once written (else it resumes)\n"
	  "\n    The VM pauses, is written out and resumes; 'lkvm run --restore FILE'\n"
	  "    starts it again from there (docs/snapshot.md).\n", cmd_snapshot },
	{ "sandbox", "[<run options>] -- COMMAND [ARGS]",
	  "Run a command in the default guest and exit with its status",
	  "    Any of 'lkvm run's options before '--' (lkvm run --help lists them);\n"
	  "    the kernel (-k) is needed, and no -d, -i, -f, --nodefaults nor root=.\n"
	  "\n    The command runs as the default guest's init would run the shell,\n"
	  "    with the console as its terminal; a host file given by path runs as\n"
	  "    /host/PATH. lkvm exits with its status: 126 if it cannot run, 127 if\n"
	  "    not found, 128+N if signal N killed it; 125 is lkvm's own failure,\n"
	  "    which it explains on stderr. See docs/guest-root.md.\n", cmd_sandbox },
	{ "setup", "[NAME]", "Setup a new virtual machine (a 9p root in $LKVM_HOME/NAME)",
	  "    -n, --name <name>      the guest root's name (default: default)\n"
	  "\n    Makes $LKVM_HOME/NAME (or ~/.lkvm/NAME): a directory tree whose /bin,\n"
	  "    /lib, /usr and /etc lead to the host's through /host, and /virt/init.\n"
	  "    'lkvm run -k Image' with no disk, initrd or root= boots 'default' over\n"
	  "    9p, setting it up first if needed, with the host's / read-only as\n"
	  "    hostfs (--9p /,hostfs for write access). See docs/guest-root.md.\n", cmd_setup },
	{ "version", "", "Print the version of lkvm",
	  "    'lkvm --version' does the same.\n", cmd_version },
	{ "help", "[COMMAND]", "Display help on using lkvm",
	  "    The commands, or one command's usage ('lkvm COMMAND --help' too).\n", cmd_help },
};

static const struct command *command_find(const char *name)
{
	unsigned int i;

	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(name, commands[i].name))
			return &commands[i];
	return NULL;
}

static void command_usage(const struct command *c)
{
	if (c->run == cmd_run) {
		options_usage_run();
		return;
	}
	printf("\n usage: lkvm %s%s%s\n\n    %s\n", c->name, *c->args ? " " : "",
	       c->args, c->help);
	if (c->details)
		printf("\n%s", c->details);
	printf("\n");
}

/* A VM name never starts with '-', so -h anywhere is a request for help. */
static bool command_wants_help(int argc, char *argv[])
{
	int i;

	/* After "--", words are lkvm sandbox's command's. */
	for (i = 1; i < argc && strcmp(argv[i], "--"); i++)
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
			return true;
	return false;
}

/* kvmtool has these; a script written for it gets told so, not just "unknown". */
static void command_unknown(const char *name, const char *see)
{
	static const char *const kvmtool_only[] = { "balloon" };
	unsigned int i;

	for (i = 0; i < sizeof(kvmtool_only) / sizeof(kvmtool_only[0]); i++) {
		if (!strcmp(name, kvmtool_only[i])) {
			fprintf(stderr, "lkvm: error: '%s' is not an lkvm command: kvmtool has it, lkvm not yet; see '%s' for lkvm's\n",
				name, see);
			return;
		}
	}
	fprintf(stderr, "lkvm: error: '%s' is not an lkvm command; see '%s'\n", name, see);
}

static int cmd_help(int argc, char *argv[])
{
	const struct command *c;
	unsigned int i;

	if (argc > 1) {
		c = command_find(argv[1]);
		if (!c) {
			command_unknown(argv[1], "lkvm help");
			return EXIT_USAGE;
		}
		command_usage(c);
		return 0;
	}
	printf("\n usage: lkvm [--version] [--help] COMMAND [ARGS]\n\n");
	printf(" The most commonly used lkvm commands are:\n");
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		printf("   %-15s %s\n", commands[i].name, commands[i].help);
	printf("\n See 'lkvm help COMMAND' for more information on a specific command.\n\n");
	return 0;
}

int main(int argc, char *argv[])
{
	const char *name = argc > 1 ? argv[1] : "help";
	const struct command *c;

	if (guest_init_is_me(argv[0]))
		return guest_init_main();
	if (guest_initramfs_is_me(argv[0]))
		return guest_initramfs_main();

	if (!strcmp(name, "--help") || !strcmp(name, "-h"))
		name = "help";
	else if (!strcmp(name, "--version"))
		name = "version";
	c = command_find(name);
	if (!c) {
		command_unknown(name, "lkvm --help");
		return EXIT_USAGE;
	}
	if (argc > 1) {
		argc--;
		argv++;
	}
	/* run parses its own --help, among its options. */
	if (c->run != cmd_run && command_wants_help(argc, argv)) {
		command_usage(c);
		return 0;
	}
	return c->run(argc, argv);
}
