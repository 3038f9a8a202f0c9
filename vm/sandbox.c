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

#include <linux/kvm.h>
#include <linux/seccomp.h>
#include <seccomp.h>

#include "lib/log.h"
#include "lib/util.h"
#include "vm/sandbox.h"
#include "vm/vm.h"

/* Allowed when argument @arg masked with @mask is @value; @arg < 0: always. */
struct sandbox_rule {
	int nr;
	int arg;
	uint64_t mask;
	uint64_t value;
};

#define ALLOW(call)			{ SCMP_SYS(call), -1, 0, 0 }
#define ALLOW_IF(call, arg, mask, value) { SCMP_SYS(call), arg, mask, value }
/* The kernel reads an ioctl's request as 32 bits; so does the check. */
#define ALLOW_IOCTL(req)		ALLOW_IF(ioctl, 1, 0xffffffffu, req)

/*
 * The allow-lists, in groups; sandbox_roles[] makes each role's list
 * from them. Every thread also may signal lkvm's own threads (tgkill,
 * see sandbox_add_role()). A thread that needs more gets it here, in
 * its role's group, with the reason.
 *
 * Every thread: glibc's locks, allocator and thread exit, logging to
 * stderr, waking the main loop (an eventfd write), returning from
 * signal handlers, clocks and sleeps. Never an executable mapping.
 */
static const struct sandbox_rule sandbox_common[] = {
	ALLOW(write),
	ALLOW(futex),
	ALLOW(rt_sigreturn),
	ALLOW(rt_sigprocmask),
	ALLOW(restart_syscall),
	ALLOW(clock_gettime),
	ALLOW(clock_nanosleep),
	ALLOW(nanosleep),
	ALLOW(getpid),
	ALLOW(gettid),
	ALLOW(brk),
	ALLOW(madvise),
	ALLOW(munmap),
	ALLOW_IF(mmap, 2, PROT_EXEC, 0),
	ALLOW_IF(mprotect, 2, PROT_EXEC, 0),
	ALLOW(exit),
	ALLOW(exit_group),
};

/*
 * Device models run on every thread: on vCPUs (MMIO exits), on the
 * main thread (batched writes, lines driven from the control socket),
 * on the test device's thread (delayed lines) and on the console's
 * writer (a UART waiting for room). They drive SPIs and switch the
 * coalesced-MMIO zones.
 */
static const struct sandbox_rule sandbox_devices[] = {
	ALLOW_IOCTL(KVM_IRQ_LINE),
	ALLOW_IOCTL(KVM_REGISTER_COALESCED_MMIO),
	ALLOW_IOCTL(KVM_UNREGISTER_COALESCED_MMIO),
};

static const struct sandbox_rule sandbox_vcpu[] = {
	ALLOW_IOCTL(KVM_RUN),
	ALLOW_IOCTL(KVM_GET_ONE_REG),
	ALLOW_IOCTL(KVM_SET_ONE_REG),
};

/*
 * The main loop (poll on the eventfd, the signalfd, stdin and the
 * control socket's clients), then the stop and the teardown: closing
 * descriptors, removing the control socket, restoring the terminal
 * (glibc's tcsetattr() reads the settings back to check them).
 */
static const struct sandbox_rule sandbox_main[] = {
	ALLOW(ppoll),
	ALLOW(read),
	ALLOW(accept4),
	ALLOW(close),
	ALLOW(unlinkat),
	ALLOW_IOCTL(TCGETS),
	ALLOW_IOCTL(TCSETS),
	ALLOW_IOCTL(TCSETSW),
	ALLOW_IOCTL(TCSETSF),
	ALLOW_IOCTL(TCFLSH),
};

/* The writer waits for a full terminal to take more. */
static const struct sandbox_rule sandbox_console[] = {
	ALLOW(ppoll),
};

struct sandbox_list {
	const struct sandbox_rule *rules;
	unsigned int nr_rules;
};

#define LIST(rules)	{ rules, ARRAY_SIZE(rules) }
#define SANDBOX_MAX_GROUPS	3	/* per role */

static const struct sandbox_list sandbox_roles[SANDBOX_NR_ROLES][SANDBOX_MAX_GROUPS] = {
	[SANDBOX_MAIN]	  = { LIST(sandbox_common), LIST(sandbox_devices), LIST(sandbox_main) },
	[SANDBOX_VCPU]	  = { LIST(sandbox_common), LIST(sandbox_devices), LIST(sandbox_vcpu) },
	[SANDBOX_TESTDEV] = { LIST(sandbox_common), LIST(sandbox_devices) },
	[SANDBOX_CONSOLE] = { LIST(sandbox_common), LIST(sandbox_devices), LIST(sandbox_console) },
};

static const char *const sandbox_role_names[SANDBOX_NR_ROLES] = {
	[SANDBOX_MAIN]		= "main",
	[SANDBOX_VCPU]		= "vcpu",
	[SANDBOX_TESTDEV]	= "testdev",
	[SANDBOX_CONSOLE]	= "console",
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
	if (sb && nr >= 0 && nr < SANDBOX_NR_NAMES && sb->names[nr][0]) {
		line_add(&l, sb->names[nr]);
		line_add(&l, " (");
		line_add_num(&l, nr, 10);
		line_add(&l, ")");
	} else {
		line_add(&l, "number ");
		line_add_num(&l, (unsigned int)nr, 10);
	}
	if (nr == SCMP_SYS(ioctl)) {
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

static int sandbox_add(scmp_filter_ctx ctx, const struct sandbox_rule *r)
{
	if (r->arg < 0)
		return seccomp_rule_add(ctx, SCMP_ACT_ALLOW, r->nr, 0);
	return seccomp_rule_add(ctx, SCMP_ACT_ALLOW, r->nr, 1,
				SCMP_CMP(r->arg, SCMP_CMP_MASKED_EQ, r->mask, r->value));
}

static int sandbox_add_role(scmp_filter_ctx ctx, enum sandbox_role role)
{
	const struct sandbox_list *lists = sandbox_roles[role];
	unsigned int i, j;
	int ret;

	for (i = 0; i < SANDBOX_MAX_GROUPS; i++) {
		for (j = 0; j < lists[i].nr_rules; j++) {
			ret = sandbox_add(ctx, &lists[i].rules[j]);
			if (ret)
				return ret;
		}
	}
	/* Signals to lkvm's own threads only: vCPU kicks, abort. */
	return seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(tgkill), 1,
				SCMP_A0(SCMP_CMP_EQ, (scmp_datum_t)getpid()));
}

static int sandbox_load(enum sandbox_role role)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_TRAP);
	int ret;

	if (!ctx)
		return -ENOMEM;
	/* Another ABI's calls trap too; the kernel's errors come back as they are. */
	ret = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_TRAP);
	ret = ret ?: seccomp_attr_set(ctx, SCMP_FLTATR_API_SYSRAWRC, 1);
	ret = ret ?: sandbox_add_role(ctx, role);
	ret = ret ?: seccomp_load(ctx);
	seccomp_release(ctx);
	return ret;
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
	ret = ret ?: sandbox_load(role);
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
	pr_err(vm->cfg.loglevel, "LKVM_SANDBOX_SELFTEST=%s names no thread; use main, vcpu, testdev or console",
	       v);
	return -EINVAL;
}

/* The probe systemd uses: a kernel with seccomp filters faults on a NULL program. */
static bool sandbox_kernel_has_filters(void)
{
	return prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, NULL, 0, 0) < 0 &&
	       errno == EFAULT;
}

/* libseccomp's resolver allocates: names are looked up now, not in the handler. */
static void sandbox_resolve_names(struct sandbox *sb)
{
	int nr;

	for (nr = 0; nr < SANDBOX_NR_NAMES; nr++) {
		char *name = seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE, nr);

		if (name)
			snprintf(sb->names[nr], SANDBOX_NAME_LEN, "%s", name);
		free(name);
	}
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
	if (!sandbox_kernel_has_filters()) {
		pr_err(th, "this kernel cannot sandbox lkvm's threads: it has no seccomp filters (CONFIG_SECCOMP_FILTER); use --sandbox=off to run without the sandbox");
		return -ENOSYS;
	}
	/* libseccomp probes the kernel once, here, rather than in each thread at once. */
	seccomp_api_get();
	sandbox_resolve_names(sb);
	sigfillset(&sa.sa_mask);
	if (sigaction(SIGSYS, &sa, NULL)) {
		int err = errno;

		pr_err(th, "cannot handle SIGSYS for the sandbox: %s; use --sandbox=off to run without the sandbox",
		       strerror(err));
		return -err;
	}
	return 0;
}
