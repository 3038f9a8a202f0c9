// SPDX-License-Identifier: GPL-2.0
/*
 * Running the VM: the main thread waits for signals, console input and
 * stop requests while the vCPU threads run the guest.
 */
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "lib/log.h"
#include "vcpu/vcpu.h"
#include "machine/memmap.h"
#include "machine/uart-port.h"
#include "machine/vm.h"

/*
 * While batched MMIO writes arrive, the main loop replays them every
 * BATCH_POLL_MS, for a guest that writes and then idles without exits;
 * after BATCH_IDLE_POLLS empty looks it stops polling until a vCPU
 * finds the ring in use again and wakes it.
 */
#define BATCH_POLL_MS		20
#define BATCH_IDLE_POLLS	50
/* How long the guest's last output may take to reach a stuck terminal. */
#define CONSOLE_STOP_MS		2000
/* lkvm's exit status when the guest's kernel panicked (docs/usage.md). */
#define EXIT_GUEST_PANIC	4

void vm_set_paused(struct vm *vm, bool paused)
{
	pthread_mutex_lock(&vm->pause_lock);
	atomic_store(&vm->paused, paused);
	pthread_cond_broadcast(&vm->pause_cond);
	pthread_mutex_unlock(&vm->pause_lock);
	if (paused)
		vcpus_kick_all(vm);
}

static long vm_ms_since(const struct timespec *t)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - t->tv_sec) * 1000 + (now.tv_nsec - t->tv_nsec) / 1000000;
}

/* Exits to lkvm since the vCPUs started, for lkvm stat and make bench. */
void vm_stats_line(struct vm *vm, char *msg, size_t len)
{
	struct device_stats d;
	struct vcpu_stats s;

	vcpus_stats(vm, &s);
	board_stats(&vm->board, &d);
	snprintf(msg, len, "uptime_ms=%ld exits=%lu mmio=%lu signal=%lu dev_requests=%lu dev_exits=%lu dev_irqs=%lu",
		 vm_ms_since(&vm->started), s.exits, s.mmio, s.signal,
		 d.requests, d.exits, d.irqs);
}

static int vm_signals_block(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGINT);
	sigaddset(set, SIGTERM);
	sigaddset(set, SIGHUP);
	signal(SIGPIPE, SIG_IGN);
	/* Blocked before the vCPU threads exist, so only signalfd sees them. */
	return pthread_sigmask(SIG_BLOCK, set, NULL) ? -EINVAL : 0;
}

/* What the guest's console device can take now; 0 without one. */
static size_t vm_console_room_in(struct vm *vm)
{
	struct console_port *p = &vm->console_port;

	return p->rx_room ? p->rx_room(p->dev) : 0;
}

static void vm_console_input(struct vm *vm)
{
	uint8_t buf[64];
	size_t room = vm_console_room_in(vm);
	bool quit;
	ssize_t n;

	n = console_read(&vm->console, buf, room < sizeof(buf) ? room : sizeof(buf), &quit);
	if (n > 0)
		vm->console_port.rx_push(vm->console_port.dev, buf, n);
	if (quit)
		vm_request_stop(vm, VM_STOP_USER);
}

static void vm_handle_signal(struct vm *vm, int sfd)
{
	struct signalfd_siginfo si;

	if (read(sfd, &si, sizeof(si)) != sizeof(si))
		return;
	pr_info(vm->cfg.loglevel, "%s: stopping the guest", strsignal(si.ssi_signo));
	vm->stop_signal = si.ssi_signo;
	vm_request_stop(vm, VM_STOP_SIGNAL);
}

/* The idle kicker's clock: when it last ran and when it must run next. */
struct vm_kick_clock {
	struct timespec last;
	unsigned int next_ms;	/* after last */
};

static int vm_poll_timeout(struct vm *vm, const struct vm_kick_clock *kc)
{
	int kick = -1;
	long left;

	if (vm->irqchip.kick_ms) {
		left = (long)kc->next_ms - vm_ms_since(&kc->last);
		kick = left > 0 ? (int)left : 0;
	}

	if (atomic_load(&vm->batch.active) && (kick < 0 || kick > BATCH_POLL_MS))
		return BATCH_POLL_MS;
	return kick;
}

static void vm_batch_poll(struct vm *vm, unsigned int *idle)
{
	if (!atomic_load(&vm->batch.active))
		return;
	if (mmio_batch_drain(&vm->batch, &vm->bus)) {
		*idle = 0;
		return;
	}
	if (++*idle < BATCH_IDLE_POLLS)
		return;
	*idle = 0;
	/* Output stopped: UART reads exit again, and polling stops. */
	uart_port_page_idle(vm);
	/* A vCPU may have used the ring meanwhile: look once more. */
	if (mmio_batch_drain(&vm->batch, &vm->bus))
		atomic_store(&vm->batch.active, true);
}

/*
 * Runs the userspace GIC's idle kicker once per elapsed tick and sleeps
 * until the earliest vCPU is due: when kicks back off (a kernel with
 * the WFI wake-up fix), the main loop wakes up to 16 times less often.
 */
static void vm_tick(struct vm *vm, struct vm_kick_clock *kc)
{
	unsigned int period = vm->irqchip.kick_ms, ticks;
	long ms;

	if (!period)
		return;
	ms = vm_ms_since(&kc->last);
	if (ms < (long)kc->next_ms)
		return;
	ticks = ms / period;
	clock_gettime(CLOCK_MONOTONIC, &kc->last);
	kc->next_ms = vcpus_kick_idle(vm, ticks) * period;
}

static int vm_min_timeout(int a, int b)
{
	if (a < 0)
		return b;
	return (b < 0 || a < b) ? a : b;
}

/*
 * The guest's kernel panicked (host/panic-watch.h): it gets a grace
 * period to reset or power off by itself and to finish its backtrace,
 * then lkvm stops it. Returns the poll timeout until then (-1: none).
 * A paused guest is left alone: whoever paused it wants to look.
 */
static int vm_panic_poll(struct vm *vm)
{
	uint64_t wait;

	if (!console_panic_wait(&vm->console, &wait) || atomic_load(&vm->paused))
		return -1;
	if (wait)
		return wait < INT_MAX ? (int)wait : INT_MAX;
	vm_request_stop(vm, VM_STOP_PANIC);
	return 0;
}

/* The guest wrote its first byte: the console's writer is made here. */
static void vm_console_spawn(struct vm *vm)
{
	int ret = console_spawn_due(&vm->console);

	if (!ret)
		return;
	pr_err(vm->cfg.loglevel, "cannot start the console's writer: %s", strerror(-ret));
	vm_request_stop(vm, VM_STOP_ERROR);
}

/* The devices' host fds (--tty ptys) into fds; returns how many. */
static unsigned int vm_device_pollfds(struct vm *vm, struct pollfd *fds)
{
	unsigned int i;

	for (i = 0; i < vm->nr_polls; i++) {
		struct device_poll *p = &vm->polls[i];

		fds[i].events = p->events(p->opaque);
		fds[i].fd = fds[i].events ? p->fd : -1;
		fds[i].revents = 0;
	}
	return i;
}

static void vm_device_polled(struct vm *vm, const struct pollfd *fds)
{
	unsigned int i;

	for (i = 0; i < vm->nr_polls; i++)
		if (fds[i].revents)
			vm->polls[i].ready(vm->polls[i].opaque, fds[i].revents);
}

static void vm_main_loop(struct vm *vm, int sfd)
{
	struct vm_kick_clock kick = { .next_ms = vm->irqchip.kick_ms };
	unsigned int batch_idle = 0;

	clock_gettime(CLOCK_MONOTONIC, &kick.last);
	while (!atomic_load(&vm->stop_reason)) {
		struct pollfd fds[3 + VM_POLL_MAX + 1 + CONTROL_MAX_CLIENTS] = {
			{ .fd = vm->event_fd, .events = POLLIN },
			{ .fd = sfd, .events = POLLIN },
			{ .fd = vm->console.in_fd, .events = POLLIN },
		};
		bool want_input = !vm->console.in_eof && vm_console_room_in(vm);
		int timeout = vm_min_timeout(vm_poll_timeout(vm, &kick),
					     control_timeout_ms(&vm->control));
		unsigned int ndev;
		int nctl, n;
		uint64_t v;

		timeout = vm_min_timeout(timeout, vm_panic_poll(vm));
		/* stdin's slot is ignored (fd -1) while the UART cannot take input. */
		if (!want_input)
			fds[2].fd = -1;
		ndev = vm_device_pollfds(vm, fds + 3);
		nctl = control_pollfds(&vm->control, fds + 3 + ndev, 1 + CONTROL_MAX_CLIENTS);
		n = poll(fds, 3 + ndev + nctl, timeout);
		if (n < 0 && errno != EINTR)
			break;
		if (n >= 0) {
			control_handle(&vm->control, fds + 3 + ndev, nctl);
			vm_device_polled(vm, fds + 3);
		}
		vm_console_spawn(vm);
		vm_batch_poll(vm, &batch_idle);
		vm_tick(vm, &kick);
		if (fds[0].revents & POLLIN)
			(void)!read(vm->event_fd, &v, sizeof(v));
		if (sandbox_faulted(&vm->sandbox))
			vm_request_stop(vm, VM_STOP_ERROR);
		if (fds[1].revents & POLLIN)
			vm_handle_signal(vm, sfd);
		if (want_input && (fds[2].revents & (POLLERR | POLLNVAL)))
			vm->console.in_eof = true;	/* no usable stdin */
		else if (want_input && (fds[2].revents & (POLLIN | POLLHUP)))
			vm_console_input(vm);
	}
}

/*
 * A panicked guest's ending, however it came (it reset or powered off,
 * lkvm or the user stopped it), reports the panic. A status the guest
 * wrote to the test device, a signal and lkvm's own failure say more
 * and keep theirs.
 */
static bool vm_ended_in_panic(struct vm *vm, int reason)
{
	uint64_t wait;

	if (!console_panic_wait(&vm->console, &wait))
		return false;
	switch (reason) {
	case VM_STOP_POWEROFF:
	case VM_STOP_RESET:
	case VM_STOP_CRASH:
	case VM_STOP_USER:
	case VM_STOP_PANIC:
		return true;
	default:
		return false;
	}
}

/* lkvm's exit status for each way a guest can end (docs/usage.md). */
static int vm_exit_status(struct vm *vm)
{
	int reason = atomic_load(&vm->stop_reason);

	/* A forbidden system call is a bug in lkvm, however the guest ended. */
	if (sandbox_faulted(&vm->sandbox))
		return 1;
	if (vm_ended_in_panic(vm, reason))
		return EXIT_GUEST_PANIC;
	switch (reason) {
	case VM_STOP_POWEROFF:
	case VM_STOP_RESET:
	case VM_STOP_USER:
		return 0;
	case VM_STOP_CRASH:
		return 3;
	case VM_STOP_GUEST_STATUS:
		return vm->guest_status;
	case VM_STOP_SIGNAL:
		return 128 + vm->stop_signal;
	default:
		return 1;
	}
}

/* The vCPU threads start parked during set-up (vcpus_spawn()). */
void vm_threads_stop(struct vm *vm)
{
	vm_request_stop(vm, VM_STOP_ERROR);	/* no-op once a reason is set */
	if (!vm->vcpus)
		return;		/* set-up failed before there were vCPUs */
	vcpus_kick_all(vm);
	vcpus_join(vm);
}

void vm_console_stop(struct vm *vm)
{
	if (console_stop(&vm->console, CONSOLE_STOP_MS) == -ETIMEDOUT)
		pr_warn(vm->cfg.loglevel, "the terminal took no console output for %u ms; the guest's last output is lost",
			CONSOLE_STOP_MS);
}

/* After the guest's last output, which the line would otherwise cut. */
static void vm_report_stop(struct vm *vm)
{
	int th = vm->cfg.loglevel;

	switch (atomic_load(&vm->stop_reason)) {
	case VM_STOP_POWEROFF:
		pr_info(th, "vCPU %u: guest powered off", vm->stop_vcpu);
		break;
	case VM_STOP_RESET:
		pr_info(th, "vCPU %u: guest asked for a reset; lkvm does not reboot guests and stops, as kvmtool does",
			vm->stop_vcpu);
		break;
	case VM_STOP_CRASH:
		pr_err(th, "vCPU %u: the guest reported a crash (PSCI SYSTEM_EVENT_CRASH)",
		       vm->stop_vcpu);
		break;
	}
}

/* After the guest's last output: the verdict is the last line a log shows. */
static void vm_report_panic(struct vm *vm)
{
	char reason[PANIC_WATCH_REASON_MAX + 1];
	uint64_t wait;

	if (!console_panic_wait(&vm->console, &wait))
		return;
	console_panic_reason(&vm->console, reason, sizeof(reason));
	pr_err(vm->cfg.loglevel, "guest kernel panicked%s%s", *reason ? ": " : "",
	       reason);
}

int vm_run(struct vm *vm)
{
	sigset_t set;
	int sfd, ret;

	ret = vm_signals_block(&set);
	sfd = ret ? -1 : signalfd(-1, &set, SFD_CLOEXEC);
	if (sfd < 0) {
		pr_err(vm->cfg.loglevel, "cannot set up signal handling: %s", strerror(errno));
		vm_threads_stop(vm);
		vm_console_stop(vm);
		return 1;
	}
	ret = 0;
	vm->control.dump = vm_debug_dump;
	console_panic_watch(&vm->console, !vm->cfg.no_panic_watch);
	if (vm->irqchip.ops->first_run)
		ret = vm->irqchip.ops->first_run(&vm->irqchip);
	/* The devices' threads; before the main thread's sandbox, which they would inherit. */
	if (!ret)
		ret = board_start(&vm->board);
	clock_gettime(CLOCK_MONOTONIC, &vm->started);
	if (!ret) {
		pr_debug(vm->cfg.loglevel, "run: releasing the vCPUs");
		vm_set_paused(vm, false);
		/* Last: a thread created after it would inherit its list. */
		if (!sandbox_enter(vm, SANDBOX_MAIN, 0))
			vm_main_loop(vm, sfd);
	}
	/* On a failure above, the parked threads end without running. */
	vm_threads_stop(vm);
	pr_debug(vm->cfg.loglevel, "run: the vCPUs stopped");
	if (vm->cfg.loglevel >= LOG_DEBUG) {
		char stats[224];

		vm_stats_line(vm, stats, sizeof(stats));
		pr_debug(vm->cfg.loglevel, "exits to lkvm: %s", stats);
		if (vm->uart)
			pr_debug(vm->cfg.loglevel, "UART register page mapped %lu times",
				 vm->uart->page.maps);
	}
	board_stop(&vm->board);
	mmio_batch_drain(&vm->batch, &vm->bus);
	vm_console_stop(vm);
	pr_debug(vm->cfg.loglevel, "run: console written out");
	vm_report_stop(vm);
	vm_report_panic(vm);
	close(sfd);
	return vm_exit_status(vm);
}
