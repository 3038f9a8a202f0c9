/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_VM_VM_H
#define LKVM_VM_VM_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "devices/bus.h"
#include "host/console.h"
#include "devices/testdev.h"
#include "devices/uart8250.h"
#include "gic/irqchip.h"
#include "cli/config.h"
#include "host/control.h"
#include "boot/loader.h"
#include "machine/mmio-batch.h"
#include "machine/reg-page.h"
#include "host/sandbox.h"

struct vcpu;

/* Why the VM stopped; decides lkvm's exit status (docs/usage.md). */
enum vm_stop_reason {
	VM_RUNNING = 0,
	VM_STOP_POWEROFF,
	VM_STOP_RESET,
	VM_STOP_CRASH,
	VM_STOP_ERROR,
	VM_STOP_SIGNAL,
	VM_STOP_USER,		/* Ctrl-a x on the console, lkvm stop */
	VM_STOP_GUEST_STATUS,	/* the guest wrote the test device's EXIT */
};

struct vm {
	struct vm_config cfg;
	char name[64];		/* --name, or guest-<pid> as kvmtool */
	int kvm_fd;
	int vm_fd;
	int run_size;		/* KVM_GET_VCPU_MMAP_SIZE */

	void *ram_alloc;	/* the mapping, for munmap */
	size_t ram_alloc_size;
	uint8_t *ram;		/* 2 MiB aligned guest RAM */
	uint64_t ram_size;

	unsigned int nr_cpus;
	struct vcpu *vcpus;

	struct irqchip irqchip;
	struct mmio_bus bus;
	struct uart8250 uart;
	struct testdev testdev;	/* with --test-device only */
	int guest_status;	/* written to the test device's EXIT */
	struct console console;

	int kernel_fd;
	int initrd_fd;
	uint64_t kernel_size;
	uint64_t initrd_size;
	struct image_info image;
	struct load_plan plan;
	uint32_t psci_version;	/* major << 16 | minor, as KVM reports */

	/* Stop handling: vCPU threads post a reason, the main loop reacts. */
	_Atomic int stop_reason;
	int stop_signal;		/* for VM_STOP_SIGNAL */
	int event_fd;		/* wakes the main loop */

	/* Pause: vCPU threads park on pause_cond while paused is set. */
	pthread_mutex_t pause_lock;
	pthread_cond_t pause_cond;
	atomic_bool paused;

	struct control control;
	struct mmio_batch batch;	/* coalesced MMIO (UART THR) */
	struct reg_page uart_page;	/* UART reads without exits */
	struct sandbox sandbox;		/* per-thread system call allow-lists */
	struct timespec started;	/* when the vCPU threads started */
};

int vm_setup(struct vm *vm);
int vm_run(struct vm *vm);
void vm_teardown(struct vm *vm);
void vm_request_stop(struct vm *vm, enum vm_stop_reason reason);
void vm_threads_stop(struct vm *vm);
void vm_console_stop(struct vm *vm);
void vm_wake(struct vm *vm);
void vm_uart_init(struct vm *vm, unsigned int spi);
void vm_console_room(void *opaque);
void vm_wake_opaque(void *opaque);
void vm_console_thread_start(void *opaque);
int vm_testdev_init(struct vm *vm);
int vm_uart_page_init(struct vm *vm);
void vm_uart_page_idle(struct vm *vm);
int vm_control_irq(struct vm *vm, const struct control_cmd *cmd, char *msg, size_t len);
int vm_control(struct vm *vm, const struct control_cmd *cmd, char *msg, size_t len);
void vm_wait_resume(struct vm *vm);
void *vm_gpa_to_hva(struct vm *vm, uint64_t gpa, uint64_t len);

#endif
