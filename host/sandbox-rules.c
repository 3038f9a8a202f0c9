// SPDX-License-Identifier: GPL-2.0
/*
 * The sandbox's allow-lists (docs/sandbox.md): data only. The build
 * compiles them into one seccomp BPF program per role with libseccomp
 * (host/sandbox-gen.c), so lkvm loads ready programs at run time.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/mman.h>
#include <sys/wait.h>

#include <linux/kvm.h>
#include <linux/if_tun.h>
#include <linux/vhost.h>
#include <linux/seccomp.h>
#include <seccomp.h>

#include "lib/util.h"
#include "host/sandbox-rules.h"

#define ALLOW(call)			{ SCMP_SYS(call), -1, 0, 0, 0 }
#define FAIL(call, errno_value)		{ SCMP_SYS(call), -1, 0, 0, errno_value }
#define ALLOW_IF(call, arg, mask, value) { SCMP_SYS(call), arg, mask, value, 0 }
/* The kernel reads an ioctl's request as 32 bits; so does the check. */
#define ALLOW_IOCTL(req)		ALLOW_IF(ioctl, 1, 0xffffffffu, req)

/*
 * The allow-lists, in groups; sandbox_roles[] makes each role's list
 * from them. A thread that needs more gets it here, in its role's
 * group, with the reason.
 *
 * Every thread: glibc's locks, allocator and thread exit, logging to
 * stderr, waking the main loop (an eventfd write), returning from
 * signal handlers, clocks and sleeps, signalling lkvm's own threads.
 * Never an executable mapping.
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
	/*
	 * A SIGBUS that is not a disk's mapping failing (disk-map.c) puts
	 * back the default action and is taken again: any thread may
	 * fault, and SIGBUS's alone may change.
	 */
	ALLOW_IF(rt_sigaction, 0, 0xffffffffu, SIGBUS),
	/* Signals to lkvm's own threads only: vCPU kicks, abort(). */
	ALLOW_IF(tgkill, 0, 0xffffffffu, SANDBOX_PID),
};

/*
 * Device models run on every thread: on vCPUs (MMIO exits), on the
 * main thread (batched writes, lines driven from the control socket),
 * on the test device's thread (delayed lines) and on the console's
 * writer (a UART waiting for room). They drive SPIs, switch the
 * coalesced-MMIO zones and map or withdraw the UART's read-only
 * register page (a memslot; machine/reg-page.h).
 */
static const struct sandbox_rule sandbox_devices[] = {
	ALLOW_IOCTL(KVM_IRQ_LINE),
	ALLOW_IOCTL(KVM_REGISTER_COALESCED_MMIO),
	ALLOW_IOCTL(KVM_UNREGISTER_COALESCED_MMIO),
	ALLOW_IOCTL(KVM_SET_USER_MEMORY_REGION),
	/*
	 * An MSI-X message where no irqfd route carries it: from the I/O
	 * thread (a queue), a vCPU (an unmask sending what was pending, a
	 * config change) or the main loop (a console resize).
	 */
	ALLOW_IOCTL(KVM_SIGNAL_MSI),
	/*
	 * A vhost device (devices/virtio/vhost.h) hands its rings to the
	 * host kernel when the driver sets DRIVER_OK (the I/O thread) and
	 * takes them back on a reset (the vCPU that wrote the status), at
	 * teardown and for a snapshot (the main thread: the rings' bases
	 * read back, docs/snapshot.md). Opening the node, its owner, its
	 * memory table, the CID and the eventfds are set-up's.
	 */
	ALLOW_IOCTL(VHOST_SET_FEATURES),
	ALLOW_IOCTL(VHOST_SET_VRING_NUM),
	ALLOW_IOCTL(VHOST_SET_VRING_BASE),
	ALLOW_IOCTL(VHOST_SET_VRING_ADDR),
	ALLOW_IOCTL(VHOST_GET_VRING_BASE),
	/* Each queue's call: KVM's irqfd, or lkvm's eventfd, for the run */
	ALLOW_IOCTL(VHOST_SET_VRING_CALL),
	ALLOW_IOCTL(VHOST_VSOCK_SET_RUNNING),
	/*
	 * vhost-net: the tap as each queue's backend, its header the
	 * guest's, its offloads the ones the guest took
	 */
	ALLOW_IOCTL(VHOST_NET_SET_BACKEND),
	ALLOW_IOCTL(TUNSETVNETHDRSZ),
	ALLOW_IOCTL(TUNSETOFFLOAD),
};

static const struct sandbox_rule sandbox_vcpu[] = {
	ALLOW_IOCTL(KVM_RUN),
	ALLOW(rt_sigtimedwait),		/* takes a kick left pending */
	ALLOW_IOCTL(KVM_GET_ONE_REG),
	ALLOW_IOCTL(KVM_SET_ONE_REG),
	ALLOW_IOCTL(KVM_GET_MP_STATE),	/* a register dump says "halted"; a snapshot */
	ALLOW_IOCTL(KVM_GET_REG_LIST),	/* a snapshot: every register there is */
	/*
	 * A guest's config write that moves a virtio-pci device's BAR (or
	 * turns its decoding on or off) moves the device's notify
	 * ioeventfds with it, on the vCPU thread that took the write; so
	 * does the PCI test device's, which a test's selection also binds.
	 */
	ALLOW_IOCTL(KVM_IOEVENTFD),
	/*
	 * The PCI test device's count (--pci-testdev): what KVM's
	 * ioeventfd counted, read from its eventfd by the vCPU thread
	 * whose read of the register exited.
	 */
	ALLOW(read),
	/*
	 * A guest's write that unmasks or changes an MSI-X vector routes
	 * it (gic/kvm-its.c): the vector's eventfd made the first time,
	 * the whole routing table committed, the eventfd bound to its GSI.
	 */
	ALLOW(eventfd2),
	ALLOW_IOCTL(KVM_SET_GSI_ROUTING),
	ALLOW_IOCTL(KVM_IRQFD),
};

/*
 * The main loop (poll on the eventfd, the signalfd, stdin and the
 * control socket's clients), then the stop and the teardown: closing
 * descriptors, removing the control socket, restoring the terminal
 * (glibc's tcsetattr() reads the settings back to check them).
 * It makes the console's writer thread when the guest first writes:
 * clone for a thread of this process only (CLONE_THREAD and CLONE_VM),
 * never a process; clone3, whose flags a filter cannot read, fails
 * with ENOSYS so that glibc falls back to clone; the new thread
 * registers its robust futex list and its rseq area, then enters its
 * own list, under this one: setting no_new_privs and adding a filter,
 * which can only take calls away.
 */
static const struct sandbox_rule sandbox_main[] = {
	ALLOW_IF(clone, 0, CLONE_THREAD | CLONE_VM, CLONE_THREAD | CLONE_VM),
	FAIL(clone3, ENOSYS),
	ALLOW(set_robust_list),
	ALLOW(rseq),
	ALLOW_IF(prctl, 0, 0xffffffffu, PR_SET_NO_NEW_PRIVS),
	ALLOW_IF(seccomp, 0, 0xffffffffu, SECCOMP_SET_MODE_FILTER),
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
	/* Teardown: a virtio device takes its ioeventfds off the VM. */
	ALLOW_IOCTL(KVM_IOEVENTFD),
	/*
	 * lkvm snapshot (docs/snapshot.md): the file's descriptor comes
	 * with the request (recvmsg, SCM_RIGHTS), never a path to open;
	 * the GIC's state is read through its device's attributes; the
	 * state and RAM are written at offsets, RAM's zero pages as holes.
	 */
	ALLOW(recvmsg),
	ALLOW_IOCTL(KVM_GET_DEVICE_ATTR),
	/* With an ITS: its tables and the LPIs' pending bits flushed to RAM. */
	ALLOW_IOCTL(KVM_SET_DEVICE_ATTR),
	ALLOW(pwrite64),
	ALLOW(ftruncate),
	/* With MTE: guest RAM's tags read (KVM_ARM_TAGS_FROM_GUEST). */
	ALLOW_IOCTL(KVM_ARM_MTE_COPY_TAGS),
	/*
	 * virtio-9p's fids (devices/9p/p9-snap.c): each file's path below
	 * the share read back from /proc/self/fd, whether it still has a
	 * name, and an open file's flags.
	 */
	ALLOW(readlinkat),
	ALLOW(fstat),
	ALLOW(newfstatat),
	ALLOW_IF(fcntl, 1, 0xffffffffu, F_GETFL),
	/*
	 * Teardown: lkvm-net-user, its socket closed, waited for through
	 * its pidfd and reaped (waitid, P_PIDFD), killed through it if it
	 * outstays its time: a process lkvm holds a pidfd of, no other.
	 */
	ALLOW_IF(waitid, 0, 0xffffffffu, P_PIDFD),
	ALLOW(pidfd_send_signal),
};

/* The writer waits for a full terminal to take more. */
static const struct sandbox_rule sandbox_console[] = {
	ALLOW(ppoll),
};

/*
 * A virtio device's I/O thread waits on its queues' eventfds (KVM
 * ioeventfds) and serves them: disk reads and writes at an offset,
 * flushes, discards (fallocate), random bytes. Its interrupts go out
 * through an irqfd (a write) or, with lkvm's own GIC, KVM_IRQ_LINE.
 * Never an open: every file a device uses was opened at set-up.
 */
static const struct sandbox_rule sandbox_virtio[] = {
	ALLOW(ppoll),
	ALLOW(read),
	ALLOW(pread64),
	ALLOW(pwrite64),
	ALLOW(preadv),
	ALLOW(pwritev),
	ALLOW(writev),		/* virtio-net to a tap: its header, then the frame */
	ALLOW(fdatasync),
	ALLOW(fsync),
	ALLOW(fallocate),
	ALLOW(getrandom),
	/*
	 * virtio-blk's reads and writes in batches: the ring was set up,
	 * given the disk as its only file and restricted to READV and
	 * WRITEV on it, and enabled before this thread started
	 * (devices/virtio/disk-ring.c). Never io_uring_setup nor
	 * io_uring_register: the thread can neither make a ring nor
	 * loosen this one.
	 */
	ALLOW(io_uring_enter),
};

/*
 * A NIC's reader (host/net-fd.c): it waits on its descriptor (the socket
 * to lkvm-net-user, where libslirp runs in a process of its own, or a
 * tap opened at set-up) and its stop eventfd, reads the frames that
 * wait, and puts them in the guest's buffers itself when it can own the
 * receive queue: the interrupt that follows is sandbox_devices' (an
 * irqfd's write, KVM_IRQ_LINE, KVM_SIGNAL_MSI), as is the kick of the
 * I/O thread when it cannot. No socket is made, opened or accepted here.
 * When lkvm-net-user's end closes, the helper has ended: the thread
 * reaps it through its pidfd (waitid, P_PIDFD) to say how it ended.
 */
static const struct sandbox_rule sandbox_net[] = {
	ALLOW(ppoll),
	ALLOW(read),
	ALLOW_IF(waitid, 0, 0xffffffffu, P_PIDFD),
};

/*
 * A virtio-9p device's I/O thread serves its share (devices/9p/): every
 * call names a descriptor below the share's root and one component,
 * opens included (openat2, or openat with O_NOFOLLOW; a file is opened
 * through /proc/self/fd's link to its O_PATH descriptor). No execve,
 * no socket, no chown, no mount: what a 9P request can do and nothing
 * else. Its queue's eventfd and interrupt as any virtio device's.
 */
static const struct sandbox_rule sandbox_9p[] = {
	ALLOW(ppoll),
	ALLOW(read),
	ALLOW(openat),
	ALLOW(openat2),
	ALLOW(close),
	ALLOW(fcntl),
	ALLOW(fstat),
	ALLOW(newfstatat),
	ALLOW(fstatfs),
	ALLOW(preadv),		/* Tread and Twrite: straight to guest memory */
	ALLOW(pwritev),
	ALLOW(lseek),
	ALLOW(getdents64),
	ALLOW(mkdirat),
	ALLOW(symlinkat),
	ALLOW(readlinkat),
	ALLOW(linkat),
	ALLOW(mknodat),
	ALLOW(renameat2),
	ALLOW(unlinkat),
	ALLOW(fchmodat),
	ALLOW(truncate),
	ALLOW(utimensat),
	ALLOW(fsync),
	ALLOW(fdatasync),
};

/*
 * A restore's RAM (machine/snapshot-ram.c): the file's data extents
 * found with SEEK_DATA and SEEK_HOLE and populated with madvise()
 * (common). Nothing of the devices.
 */
static const struct sandbox_rule sandbox_ram[] = {
	ALLOW(lseek),
};

#define LIST(rules)	{ rules, ARRAY_SIZE(rules) }
const struct sandbox_list sandbox_roles[SANDBOX_NR_ROLES][SANDBOX_MAX_GROUPS] = {
	[SANDBOX_MAIN]	  = { LIST(sandbox_common), LIST(sandbox_devices), LIST(sandbox_main) },
	[SANDBOX_VCPU]	  = { LIST(sandbox_common), LIST(sandbox_devices), LIST(sandbox_vcpu) },
	[SANDBOX_TESTDEV] = { LIST(sandbox_common), LIST(sandbox_devices) },
	[SANDBOX_CONSOLE] = { LIST(sandbox_common), LIST(sandbox_devices), LIST(sandbox_console) },
	[SANDBOX_VIRTIO]  = { LIST(sandbox_common), LIST(sandbox_devices), LIST(sandbox_virtio) },
	[SANDBOX_NET]	  = { LIST(sandbox_common), LIST(sandbox_devices), LIST(sandbox_net) },
	[SANDBOX_9P]	  = { LIST(sandbox_common), LIST(sandbox_devices), LIST(sandbox_9p) },
	[SANDBOX_RAM]	  = { LIST(sandbox_common), LIST(sandbox_ram) },
};

