// SPDX-License-Identifier: GPL-2.0
/* lkvm: command dispatch. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/log.h"
#include "cli/control-cmds.h"
#include "cli/options.h"
#include "machine/vm.h"

#ifndef LKVM_VERSION
#define LKVM_VERSION "0.1.0"
#endif

/* Exit statuses; docs/usage.md lists them with the guest's own. */
#define EXIT_SETUP	1
#define EXIT_USAGE	2

struct command {
	const char *name;
	const char *help;
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

static int cmd_run(int argc, char *argv[])
{
	char err[OPTIONS_ERR_MAX];
	struct vm *vm;
	int ret;

	vm = calloc(1, sizeof(*vm));
	if (!vm) {
		fprintf(stderr, "lkvm: error: out of memory\n");
		return EXIT_SETUP;
	}
	ret = options_parse_run(argc, argv, &vm->cfg, err, sizeof(err));
	if (ret) {
		if (ret > 0)
			options_usage_run();
		else
			pr_err(LOG_ERROR, "%s", err);
		free(vm);
		return ret > 0 ? 0 : EXIT_USAGE;
	}
	options_read_env(&vm->cfg);
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
		ret = EXIT_SETUP;
	}
	vm_teardown(vm);
	/* A console writer stuck on a dead terminal still points into vm. */
	if (!vm->console.abandoned)
		free(vm);
	return ret;
}

static const struct command commands[] = {
	{ "run", "Start the virtual machine", cmd_run },
	{ "list", "Print a list of running instances on the host", cmd_list },
	{ "stop", "Stop a running instance (-n NAME)", cmd_control },
	{ "pause", "Pause a running instance (-n NAME)", cmd_control },
	{ "resume", "Resume a paused instance (-n NAME)", cmd_control },
	{ "stat", "Print a running instance's exit counters (-n NAME)", cmd_control },
	{ "irq", "Drive a test-device interrupt line (-n NAME --spi N --level 0|1|pulse)", cmd_irq },
	{ "version", "Print the version of lkvm", cmd_version },
	{ "help", "Display help on using lkvm", cmd_help },
};

static int cmd_help(int argc, char *argv[])
{
	unsigned int i;

	if (argc > 1 && !strcmp(argv[1], "run")) {
		options_usage_run();
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
	unsigned int i;

	if (!strcmp(name, "--help") || !strcmp(name, "-h"))
		name = "help";
	else if (!strcmp(name, "--version"))
		name = "version";
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(name, commands[i].name))
			return commands[i].run(argc > 1 ? argc - 1 : 1,
					       argc > 1 ? argv + 1 : argv);
	fprintf(stderr, "lkvm: error: '%s' is not an lkvm command; see 'lkvm --help'\n", name);
	return EXIT_USAGE;
}
