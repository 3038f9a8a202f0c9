// SPDX-License-Identifier: GPL-2.0
/*
 * lkvm-net-user's seccomp filter, entered once slirp is set up (its
 * forwards bound, glib initialised): sockets toward the host, poll,
 * the clock for timers, memory, and reading the host's resolv.conf for
 * DNS. No exec, no fork, no KVM. A call outside the list stops the
 * process with a message naming its number.
 */
#include <errno.h>
#include <signal.h>
#include <stddef.h>
#include <string.h>
#include <unistd.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/prctl.h>
#include <sys/syscall.h>

#include "net-user/net-user.h"

#if defined(__aarch64__)
#define SANDBOX_ARCH	AUDIT_ARCH_AARCH64
#elif defined(__x86_64__)
#define SANDBOX_ARCH	AUDIT_ARCH_X86_64
#else
#error "lkvm-net-user: no seccomp architecture for this target"
#endif

static const int sandbox_calls[] = {
	/* the loop and slirp's sockets */
	__NR_ppoll, __NR_read, __NR_write, __NR_readv, __NR_writev,
	__NR_recvfrom, __NR_sendto, __NR_recvmsg, __NR_sendmsg,
	__NR_socket, __NR_connect, __NR_accept, __NR_accept4, __NR_bind,
	__NR_listen, __NR_shutdown, __NR_setsockopt, __NR_getsockopt,
	__NR_getsockname, __NR_getpeername, __NR_fcntl, __NR_ioctl, __NR_close,
	/* /etc/resolv.conf, read when the guest first asks for DNS */
	__NR_openat, __NR_fstat, __NR_newfstatat, __NR_lseek,
	/* timers, glib's allocator and locks, leaving */
	__NR_clock_gettime, __NR_gettimeofday, __NR_futex, __NR_brk, __NR_mmap,
	__NR_munmap, __NR_mremap, __NR_madvise, __NR_mprotect, __NR_getrandom,
	__NR_getpid, __NR_gettid, __NR_rt_sigprocmask, __NR_rt_sigreturn,
	__NR_exit, __NR_exit_group,
};

#define SANDBOX_NR	(sizeof(sandbox_calls) / sizeof(sandbox_calls[0]))
#define SANDBOX_LEN	(4 + 2 * SANDBOX_NR + 1)

static void sandbox_sigsys(int sig, siginfo_t *si, void *uc)
{
	char msg[96] = "lkvm-net-user: system call ";
	char num[16];
	int n = si->si_syscall, i = sizeof(num);

	do
		num[--i] = '0' + n % 10;
	while ((n /= 10) && i);
	strncat(msg, num + i, sizeof(num) - i);
	strcat(msg, " is not in its seccomp filter\n");
	if (write(2, msg, strlen(msg)) < 0)
		_exit(125);
	_exit(125);
}

int net_user_sandbox(void)
{
	struct sock_filter f[SANDBOX_LEN];
	struct sock_fprog prog = { .len = SANDBOX_LEN, .filter = f };
	struct sigaction sa = { .sa_sigaction = sandbox_sigsys, .sa_flags = SA_SIGINFO };
	unsigned int i, n = 0;

	f[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
					      offsetof(struct seccomp_data, arch));
	f[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SANDBOX_ARCH, 1, 0);
	f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS);
	f[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
					      offsetof(struct seccomp_data, nr));
	for (i = 0; i < SANDBOX_NR; i++) {
		f[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K,
						      sandbox_calls[i], 0, 1);
		f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	}
	f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRAP);

	if (sigaction(SIGSYS, &sa, NULL) ||
	    prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) ||
	    prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog))
		return -errno;
	return 0;
}
