/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_VM_VM_H
#define LKVM_VM_VM_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "boot/loader.h"
#include "cli/config.h"
#include "devices/bus.h"
#include "devices/device.h"
#include "gic/irqchip.h"
#include "host/console.h"
#include "host/control.h"
#include "host/sandbox.h"
#include "lib/guest-mem.h"
#include "machine/board.h"
#include "machine/mmio-batch.h"
#include "vcpu/features.h"
#include "machine/reg-mirror.h"

struct vcpu;
struct uart_port;
struct testdev_port;
struct snapshot_file;

/* Host fds devices have the main loop watch: a pty per --tty at most. */
#define VM_POLL_MAX	4

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
	VM_STOP_PANIC,		/* its kernel panicked and had its grace (run.c) */
};

struct vm {
	struct vm_config cfg;
	unsigned int stages_done;	/* set-up stages to undo (machine/vm.c) */
	char name[64];		/* --name, or guest-<pid> as kvmtool */
	int kvm_fd;
	int vm_fd;
	int run_size;		/* KVM_GET_VCPU_MMAP_SIZE */

	void *ram_alloc;	/* the mapping, for munmap */
	size_t ram_alloc_size;
	uint8_t *ram;		/* 2 MiB aligned guest RAM */
	uint64_t ram_size;
	uint64_t ram_base;	/* guest physical; MEMMAP_RAM_BASE unless -m SIZE@ADDR */
	struct guest_mem mem;	/* the same, as devices and loaders see it */

	unsigned int nr_cpus;
	struct vcpu *vcpus;
	struct cpu_features cpu;	/* what every vCPU gets (vcpu/features.h) */

	struct irqchip irqchip;
	struct mmio_bus bus;
	struct board board;	/* the devices */
	struct uart_port *uart;		/* on the board; its fast path needs it */
	struct testdev_port *testdev;	/* with --test-device: lkvm irq drives it */
	int guest_status;	/* written to the test device's EXIT */
	struct console console;
	struct console_port console_port;	/* the device that is the guest's console */
	struct device_poll polls[VM_POLL_MAX];	/* devices' host fds (--tty) */
	unsigned int nr_polls;

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
	unsigned int stop_vcpu;		/* the vCPU whose exit stopped the VM */
	int event_fd;		/* wakes the main loop */

	/* Pause: vCPU threads park on pause_cond while paused is set. */
	pthread_mutex_t pause_lock;
	pthread_cond_t pause_cond;
	atomic_bool paused;

	struct control control;
	struct mmio_batch batch;	/* coalesced MMIO (UART THR) */
	struct reg_mirrors mirrors;	/* virtio-mmio registers read from memory */
	struct sandbox sandbox;		/* per-thread system call allow-lists */
	struct timespec started;	/* when the vCPU threads started */
	struct snapshot_file *restore;	/* --restore: the file (machine/snapshot.h) */
};

int vm_setup(struct vm *vm);
int vm_run(struct vm *vm);
void vm_teardown(struct vm *vm);
bool vm_request_stop(struct vm *vm, enum vm_stop_reason reason);
void vm_threads_stop(struct vm *vm);
void vm_console_stop(struct vm *vm);
void vm_wake(struct vm *vm);
void vm_console_room(void *opaque);
void vm_console_thread_start(void *opaque);
void vm_wake_opaque(void *opaque);
int vm_control(void *opaque, const struct control_cmd *cmd, char *msg, size_t len);
int vm_debug_sysrq(struct vm *vm, char key, char *msg, size_t len);
int vm_debug_dump(void *opaque, char **text, size_t *len, char *msg,
		  size_t msg_len);
extern const struct device_host_ops vm_host_ops;
int vm_host_check_cap(void *opaque, int cap);
bool vm_host_vcpu_kick(void *opaque, unsigned int cpu);
bool vm_host_vcpu_in_kvm(void *opaque, unsigned int cpu);
void vm_wait_resume(struct vm *vm);
void vm_set_paused(struct vm *vm, bool paused);
void vm_stats_line(struct vm *vm, char *msg, size_t len);

#endif
