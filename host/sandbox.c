// SPDX-License-Identifier: GPL-2.0
/*
 * The sandbox (docs/sandbox.md): once its set-up is done, each lkvm
 * thread puts itself under a seccomp filter that allows the system
 * calls its role makes and nothing else. Any other call traps: the
 * SIGSYS handler reports it, the call fails with EPERM, and the main
 * loop stops the VM.
 */
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <ucontext.h>
#include <unistd.h>

#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/syscall.h>

#include "lib/log.h"
#include "lib/util.h"
#include "host/sandbox.h"
#include "host/sandbox-rules.h"
#include "machine/vm.h"
/* The compiled allow-lists and the call names, from host/sandbox-gen.c. */
#include "sandbox-bpf.h"

static const char *const sandbox_role_names[SANDBOX_NR_ROLES] = {
	[SANDBOX_MAIN]		= "main",
	[SANDBOX_VCPU]		= "vcpu",
	[SANDBOX_TESTDEV]	= "testdev",
	[SANDBOX_CONSOLE]	= "console",
	[SANDBOX_VIRTIO]	= "virtio",
	[SANDBOX_NET]		= "net",
	[SANDBOX_9P]		= "9p",
	[SANDBOX_RAM]		= "ram",
};

/*
 * Which VM and which thread this is, for the SIGSYS handler: a signal
 * handler gets no argument of ours. Set by sandbox_enter() before the
 * filter is loaded, read only by the handler, on the same thread.
 */
static _Thread_local struct sandbox_thread {
	struct vm *vm;
	enum sandbox_role role;
	unsigned int id;
} sandbox_self;

/* A line built without stdio, which a signal handler may not use. */
struct sandbox_line {
	char buf[256];
	size_t len;
};

static void line_add(struct sandbox_line *l, const char *s)
{
	while (*s && l->len < sizeof(l->buf) - 1)
		l->buf[l->len++] = *s++;
}

static void line_add_num(struct sandbox_line *l, unsigned long v,
			 unsigned int base)
{
	char digits[24];
	int n = 0;

	do {
		digits[n++] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v);
	while (n && l->len < sizeof(l->buf) - 1)
		l->buf[l->len++] = digits[--n];
}

/*
 * The trapped call's registers: the kernel has put its arguments back,
 * and what the handler leaves in the return register is its result.
 */
static unsigned long sandbox_call_arg1(const ucontext_t *uc)
{
#if defined(__aarch64__)
	return uc->uc_mcontext.regs[1];
#elif defined(__x86_64__)
	return uc->uc_mcontext.gregs[REG_RSI];
#else
	return 0;
#endif
}

/* The trapped call returns -EPERM once the handler returns. */
static void sandbox_deny(ucontext_t *uc)
{
#if defined(__aarch64__)
	uc->uc_mcontext.regs[0] = (uint64_t)-EPERM;
#elif defined(__x86_64__)
	uc->uc_mcontext.gregs[REG_RAX] = -EPERM;
#else
	(void)uc;	/* the call returns its first argument */
#endif
}

/* In the handler: one line, one write(2). An ioctl is told by its request. */
static void sandbox_report(const struct sandbox_thread *self, int nr,
			   const ucontext_t *uc)
{
	const struct sandbox *sb = self->vm ? &self->vm->sandbox : NULL;
	struct sandbox_line l = { .len = 0 };

	line_add(&l, "lkvm: error: sandbox: ");
	if (sb) {
		line_add(&l, "the ");
		line_add(&l, sandbox_role_names[self->role]);
		if (self->role == SANDBOX_VCPU)
			line_add_num(&l, self->id, 10);
	} else {
		line_add(&l, "an lkvm");	/* created by a sandboxed thread */
	}
	line_add(&l, " thread made a forbidden system call: ");
	if (nr >= 0 && nr < SANDBOX_NR_NAMES && sandbox_syscall_names[nr]) {
		line_add(&l, sandbox_syscall_names[nr]);
		line_add(&l, " (");
		line_add_num(&l, nr, 10);
		line_add(&l, ")");
	} else {
		line_add(&l, "number ");
		line_add_num(&l, (unsigned int)nr, 10);
	}
	if (nr == __NR_ioctl) {
		line_add(&l, " with request 0x");
		line_add_num(&l, (uint32_t)sandbox_call_arg1(uc), 16);
	}
	line_add(&l, "; this is a bug in lkvm; --sandbox=off runs without the sandbox");
	l.buf[l.len++] = '\n';
	(void)!write(STDERR_FILENO, l.buf, l.len);
}

/*
 * Async-signal-safe: atomics and write(2) only. The first forbidden
 * call is reported and wakes the main loop, which stops the VM; the
 * thread goes on with the call failed, so no lock it holds is left
 * taken. Later ones fail the same way, unreported.
 */
static void sandbox_sigsys(int sig, siginfo_t *si, void *ctx)
{
	const struct sandbox_thread *self = &sandbox_self;
	struct vm *vm = self->vm;
	int saved_errno = errno;
	uint64_t one = 1;

	sandbox_deny(ctx);
	if (vm && atomic_exchange(&vm->sandbox.faulted, true))
		goto out;
	sandbox_report(self, si->si_syscall, ctx);
	if (vm)
		(void)!write(vm->event_fd, &one, sizeof(one));
out:
	errno = saved_errno;
}

/*
 * Makes each role's program from the ready one, with lkvm's PID put in
 * for the stand-in (tgkill to lkvm's own threads only).
 */
static int sandbox_prepare(struct sandbox *sb)
{
	unsigned int r, i, used = 0;
	pid_t pid = getpid();

	for (r = 0; r < SANDBOX_NR_ROLES; r++) {
		const struct sock_fprog *ready = &sandbox_progs[r];
		struct sock_filter *insns = sb->insns + used;

		if (ready->len > SANDBOX_MAX_INSNS - used)
			return -E2BIG;
		memcpy(insns, ready->filter, ready->len * sizeof(insns[0]));
		for (i = 0; i < ready->len; i++)
			if (insns[i].k == SANDBOX_PID)
				insns[i].k = pid;
		sb->progs[r] = (struct sock_fprog) { .len = ready->len, .filter = insns };
		used += ready->len;
	}
	return 0;
}

/* No new privileges is what lets an unprivileged process install a filter. */
static int sandbox_load(struct sandbox *sb, enum sandbox_role role)
{
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		return -errno;
	if (syscall(__NR_seccomp, SECCOMP_SET_MODE_FILTER, 0, &sb->progs[role]))
		return -errno;
	return 0;
}

/* LKVM_SANDBOX_SELFTEST: one call that no list allows. */
static void sandbox_selftest(void)
{
	int fd = open("/etc/hostname", O_RDONLY | O_CLOEXEC);

	if (fd >= 0)
		close(fd);
}

int sandbox_enter(struct vm *vm, enum sandbox_role role, unsigned int id)
{
	struct sandbox *sb = &vm->sandbox;
	sigset_t sys;
	int ret;

	if (!sb->on)
		return 0;
	sandbox_self = (struct sandbox_thread) { .vm = vm, .role = role, .id = id };
	/* A blocked SIGSYS kills the process instead of reaching the handler. */
	sigemptyset(&sys);
	sigaddset(&sys, SIGSYS);
	ret = -pthread_sigmask(SIG_UNBLOCK, &sys, NULL);
	ret = ret ?: sandbox_load(sb, role);
	if (ret) {
		pr_err(vm->cfg.loglevel, "cannot put the %s thread %u in the sandbox: %s; use --sandbox=off to run without the sandbox",
		       sandbox_role_names[role], id, strerror(-ret));
		vm_request_stop(vm, VM_STOP_ERROR);
		return ret;
	}
	if (sb->selftest == (int)role && id == 0)
		sandbox_selftest();
	return 0;
}

static int sandbox_parse_selftest(struct vm *vm)
{
	const char *v = vm->cfg.sandbox_selftest;
	int i;

	vm->sandbox.selftest = -1;
	if (!v || !*v)
		return 0;
	for (i = 0; i < SANDBOX_NR_ROLES; i++) {
		if (!strcmp(v, sandbox_role_names[i])) {
			vm->sandbox.selftest = i;
			return 0;
		}
	}
	pr_err(vm->cfg.loglevel, "LKVM_SANDBOX_SELFTEST=%s names no thread; use main, vcpu, testdev, console, virtio, net, 9p or ram",
	       v);
	return -EINVAL;
}

/* The probe systemd uses: a kernel with seccomp filters faults on a NULL program. */
static bool sandbox_kernel_has_filters(void)
{
	return prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, NULL, 0, 0) < 0 &&
	       errno == EFAULT;
}

int sandbox_setup(struct vm *vm)
{
	struct sigaction sa = { .sa_sigaction = sandbox_sigsys, .sa_flags = SA_SIGINFO };
	struct sandbox *sb = &vm->sandbox;
	int th = vm->cfg.loglevel;

	sb->on = !vm->cfg.sandbox_off;
	if (sandbox_parse_selftest(vm))
		return -EINVAL;
	if (!sb->on)
		return 0;
	/*
	 * One malloc arena for every thread, set before any starts: glibc
	 * shrinks another thread's arena when much of it is freed (a NIC's
	 * frames, made on its reader and freed on the I/O thread), and its
	 * first shrink opens /proc/sys/vm/overcommit_memory, which no
	 * role may. The main arena gives memory back with brk instead.
	 */
	if (!mallopt(M_ARENA_MAX, 1))
		pr_debug(th, "sandbox: cannot keep malloc to one arena");
	if (sandbox_prepare(sb)) {
		pr_err(th, "the sandbox's programs do not fit in %u instructions; this is a bug in lkvm; --sandbox=off runs without the sandbox",
		       SANDBOX_MAX_INSNS);
		return -E2BIG;
	}
	if (!sandbox_kernel_has_filters()) {
		pr_err(th, "this kernel cannot sandbox lkvm's threads: it has no seccomp filters (CONFIG_SECCOMP_FILTER); use --sandbox=off to run without the sandbox");
		return -ENOSYS;
	}
	sigfillset(&sa.sa_mask);
	if (sigaction(SIGSYS, &sa, NULL)) {
		int err = errno;

		pr_err(th, "cannot handle SIGSYS for the sandbox: %s; use --sandbox=off to run without the sandbox",
		       strerror(err));
		return -err;
	}
	return 0;
}
