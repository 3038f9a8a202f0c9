/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_VM_CONFIG_H
#define LKVM_VM_CONFIG_H

#include <sched.h>
#include <stdbool.h>
#include <stdint.h>

#include "cli/net-params.h"

enum irqchip_kind {
	IRQCHIP_AUTO,
	IRQCHIP_GICV2,
	IRQCHIP_GICV3,
	IRQCHIP_USER,
	IRQCHIP_GICV3_ITS,	/* the in-kernel GICv3 and its ITS */
	IRQCHIP_GICV2M,		/* in-kernel GICv2 with lkvm's GICv2m frame */
};

/* Which device is the guest's console (--console). */
enum console_kind {
	CONSOLE_SERIAL,		/* the 8250 UART, ttyS0 (default) */
	CONSOLE_VIRTIO,		/* virtio-console, hvc0 */
};

/* How virtio devices attach (--virtio-transport). */
enum virtio_transport_kind {
	VIRTIO_MMIO,		/* virtio-mmio version 2 (virtio 1.x) */
	VIRTIO_MMIO_LEGACY,	/* virtio-mmio version 1 */
	VIRTIO_PCI,		/* virtio-pci, modern, on the PCI host bridge */
	VIRTIO_PCI_LEGACY,	/* virtio-pci's legacy interface: an I/O BAR */
};

#define CONFIG_MAX_DISKS	16
#define CONFIG_MAX_NETS		4
#define CONFIG_MAX_SHARES	8	/* --9p: one virtio-9p device each */
#define CONFIG_9P_TAG_MAX	32	/* bytes of a mount tag (kvmtool's too) */
#define CONFIG_9P_DEFAULT_TAG	"kvm_9p"	/* kvmtool's, when none is given */

/* --9p DIR[,TAG[,ro]], split but not copied: dir is spec's first dir_len bytes. */
struct share_config {
	const char *spec;
	unsigned int dir_len;
	const char *tag;		/* tag_len bytes, no NUL after them */
	unsigned int tag_len;
	bool ro;
};

/* What the user asked for; filled in by options_parse_run(). */
struct vm_config {
	const char *kernel_path;
	const char *initrd_path;
	const char *firmware_path;	/* -f: booted instead of -k/-i (docs/usage.md) */
	uint64_t firmware_addr;		/* --firmware-address; 0: RAM's start, as kvmtool */
	bool has_firmware_addr;		/* --firmware-address was given */
	const char *params;		/* -p, appended to the defaults */
	const char *dump_dtb_path;
	const char *name;
	unsigned int nr_cpus;		/* 0: one per host CPU, as kvmtool */
	uint64_t ram_size;		/* bytes; 0: default */
	uint64_t ram_base;		/* -m SIZE@ADDR; 0: MEMMAP_RAM_BASE */
	const char *hugetlbfs;		/* --hugetlbfs DIR: RAM from huge pages */
	enum irqchip_kind irqchip;
	bool nodefaults;
	bool test_device;		/* --test-device: docs/test-device.md */
	bool pci_testdev;		/* --pci-testdev: docs/pci-testdev.md */
	bool pmu;			/* --pmu: a PMUv3 in every vCPU */
	/* CPU features: on where the host has them, as kvmtool (vcpu/features.h). */
	unsigned int sve_max_vl;	/* --sve-max-vl, bits; 0: the host's largest */
	bool no_mte;			/* --disable-mte */
	bool no_pvtime;			/* --no-pvtime: no stolen time */
	bool aarch32;			/* --aarch32: vCPUs run AArch32 at EL1 */
	bool nested;			/* --nested: vCPUs start at EL2 */
	bool has_vcpu_affinity;		/* --vcpu-affinity: vCPU threads pinned */
	cpu_set_t vcpu_affinity;	/* to these host CPUs */
	uint64_t kaslr_seed;		/* --kaslr-seed: /chosen/kaslr-seed, 0 as kvmtool */
	const char *disks[CONFIG_MAX_DISKS];	/* -d FILE[,ro][,direct], as given */
	unsigned int nr_disks;
	bool rng;			/* --rng: virtio-rng */
	struct net_params nets[CONFIG_MAX_NETS];	/* -n: one NIC each */
	unsigned int nr_nets;
	bool no_net;			/* -n mode=none: not even the default NIC */
	uint64_t vsock_cid;		/* --vsock CID: virtio-vsock; 0: none */
	struct share_config shares[CONFIG_MAX_SHARES];	/* --9p */
	unsigned int nr_shares;
	bool guest_root;		/* booting the default 9p root (docs/guest-root.md) */
	char guest_initrd[32];		/* its module initramfs: /proc/self/fd/N, or "" */
	char kernel_gz[32];		/* -k's gzip'ed Image decompressed: /proc/self/fd/N */
	enum console_kind console;
	unsigned int ttys;		/* --tty N: bit N, UART N on a host pty */
	enum virtio_transport_kind virtio_transport;
	bool sandbox_off;		/* --sandbox=off: docs/sandbox.md */
	const char *kvm_dev;		/* --dev: the KVM device file; NULL: /dev/kvm */
	uint32_t cntfrq_override;	/* --override-bad-firmware-cntfrq: timer Hz in the DT; 0: none */
	/* kvmtool's debug options (docs/usage.md) */
	bool debug_mmio;		/* --debug-mmio: accesses nowhere warned about */
	bool debug_ioport;
	bool single_step;		/* --debug-single-step: each instruction reported */		/* --debug-ioport: the same, in the I/O port window */
	unsigned int debug_iodelay_ms;	/* --debug-iodelay: each disk read and write delayed */
	int loglevel;			/* enum log_level */
	/* From the environment (docs/usage.md), read once in main(). */
	bool no_kernel_gic;		/* LKVM_NO_KERNEL_GIC: auto skips the kernel GICs */
	bool no_msi_frame;		/* restoring a GICv2 snapshot taken without GICv2m */
	unsigned int wfi_kick_ms;	/* LKVM_WFI_KICK_MS: userspace GIC idle kick period */
	const char *hide_caps;		/* LKVM_HIDE_CAPS: KVM capabilities to act as if missing */
	/* lkvm snapshot saves the run's arguments; --restore starts from a file. */
	int argc;
	char *const *argv;
	const char *restore_path;	/* --restore FILE: docs/snapshot.md */
	bool no_batch;			/* LKVM_NO_MMIO_BATCH: every MMIO write exits */
	bool no_reg_page;		/* LKVM_NO_REG_PAGE: every register read exits */
	bool no_ioeventfd;		/* LKVM_NO_IOEVENTFD: virtio notifications exit */
	bool no_panic_watch;		/* LKVM_NO_PANIC_WATCH: a guest kernel panic is not looked for */
	const char *sandbox_selftest;	/* LKVM_SANDBOX_SELFTEST: a thread that makes a forbidden call */
};

#endif
