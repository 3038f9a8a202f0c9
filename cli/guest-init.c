// SPDX-License-Identifier: GPL-2.0
/*
 * The init of a default guest root (docs/guest-root.md): lkvm's own
 * binary, run by the guest kernel as /virt/init. It mounts hostfs at
 * /host, which brings the host's /bin, /lib and /usr through the
 * root's links, then proc, sys and dev, and runs the host's shell on
 * the console. It powers the guest off when the shell ends, or when
 * poweroff, reboot or halt signal it, as busybox's do to PID 1.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "cli/guest-init.h"
#include "cli/guest-root.h"
#include "cli/sandbox.h"

struct guest_mount {
	const char *src, *dir, *type, *opts;
	unsigned long flags;
};

static const struct guest_mount guest_mounts[] = {
	{ GUEST_ROOT_HOSTFS, "/host", "9p", "trans=virtio,version=9p2000.L", 0 },
	{ "proc", "/proc", "proc", NULL, MS_NOSUID | MS_NODEV | MS_NOEXEC },
	{ "sysfs", "/sys", "sysfs", NULL, MS_NOSUID | MS_NODEV | MS_NOEXEC },
	{ "devtmpfs", "/dev", "devtmpfs", NULL, MS_NOSUID },
	{ "devpts", "/dev/pts", "devpts", "gid=5,mode=620,ptmxmode=666", MS_NOSUID | MS_NOEXEC },
	{ "tmpfs", "/run", "tmpfs", "mode=755", MS_NOSUID | MS_NODEV },
};

bool guest_init_is_me(const char *argv0)
{
	return getpid() == 1 && argv0 && !strcmp(argv0, GUEST_ROOT_INIT);
}

static void guest_mount_all(void)
{
	unsigned int i;

	for (i = 0; i < sizeof(guest_mounts) / sizeof(guest_mounts[0]); i++) {
		const struct guest_mount *m = &guest_mounts[i];

		mkdir(m->dir, 0755);
		if (mount(m->src, m->dir, m->type, m->flags, m->opts) && errno != EBUSY)
			fprintf(stderr, "lkvm init: cannot mount %s at %s: %s\n",
				m->src, m->dir, strerror(errno));
	}
}

/*
 * The shell (or lkvm sandbox's command, argv) gets the console as its
 * controlling terminal, for ^C and jobs.
 */
static pid_t guest_shell(char *const cmd[])
{
	static char *const argv[] = { "sh", "-l", NULL };
	pid_t pid = fork();
	sigset_t none;
	int fd;

	if (pid)
		return pid;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	setsid();
	fd = open("/dev/console", O_RDWR);
	if (fd >= 0) {
		ioctl(fd, TIOCSCTTY, 1);
		dup2(fd, 0);
		dup2(fd, 1);
		dup2(fd, 2);
		if (fd > 2)
			close(fd);
	}
	if (cmd) {
		execvp(cmd[0], cmd);
		fprintf(stderr, "lkvm init: cannot run %s: %s\n", cmd[0], strerror(errno));
		_exit(errno == ENOENT ? SANDBOX_EXIT_NOTFOUND : SANDBOX_EXIT_NOEXEC);
	}
	execv("/bin/sh", argv);
	fprintf(stderr, "lkvm init: cannot run /bin/sh: %s; is the host's / shared as %s?\n",
		strerror(errno), GUEST_ROOT_HOSTFS);
	_exit(127);
}

/*
 * Until the shell ends (its wait status returned) or a power-off signal
 * comes (-1); orphans reaped meanwhile.
 */
static int guest_wait(const sigset_t *set, pid_t shell)
{
	int sig, st, ret = -1;
	bool done = false;
	pid_t p;

	while (!done) {
		sig = sigwaitinfo(set, NULL);
		if (sig == SIGCHLD) {
			while ((p = waitpid(-1, &st, WNOHANG)) > 0) {
				if (p == shell)
					ret = st;
				done |= p == shell;
			}
		} else {
			done = sig == SIGUSR1 || sig == SIGUSR2 || sig == SIGTERM ||
			       sig == SIGINT;
		}
	}
	return ret;
}

int guest_init_main(void)
{
	struct guest_sandbox sb;
	sigset_t set;
	pid_t shell;
	int st;

	/* Every signal waits for sigwaitinfo(); the shell gets them unblocked. */
	sigfillset(&set);
	sigprocmask(SIG_BLOCK, &set, NULL);
	guest_mount_all();
	setenv("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", 1);
	setenv("HOME", "/root", 1);
	if (!getenv("TERM"))
		setenv("TERM", "linux", 1);
	if (chdir("/root") && chdir("/"))
		fprintf(stderr, "lkvm init: no working directory: %s\n", strerror(errno));
	guest_sandbox_load(&sb);
	shell = guest_shell(sb.argc > 0 ? sb.argv : NULL);
	if (shell < 0) {
		fprintf(stderr, "lkvm init: cannot start a shell: %s\n", strerror(errno));
	} else {
		st = guest_wait(&set, shell);
		if (sb.argc > 0 && st >= 0)
			guest_sandbox_status(&sb, st);
	}
	/*
	 * The last lines the shell or the command wrote may still sit in
	 * the console's tty buffer, sent by interrupts: power off only
	 * once they are out, or lkvm sandbox loses the output's tail.
	 */
	tcdrain(STDOUT_FILENO);
	tcdrain(STDERR_FILENO);
	sync();
	reboot(RB_POWER_OFF);
	for (;;)
		pause();
}
