# lkvm: a lightweight VMM for arm64 KVM hosts.
#
#   make            build ./lkvm (cross-built, static, on non-arm64 hosts)
#                   and lkvm-net-user (user-mode networking, libslirp)
#   make check      unit tests on this machine, then the system tests
#                   (in an emulated arm64 host when this is not one)
#   make unit-test  host-side unit tests only
#   make system-test   Linux and bare-metal guests under KVM
#   make guest-test    the bare-metal interrupt tests alone
#   make bench      lkvm against kvmtool, and irqchip against irqchip
#   make install    lkvm, its man page and bash completion under PREFIX
#                   (/usr/local), in DESTDIR if given; make uninstall
#   make package-test   make install and the Debian package, checked
#   make clean

HOST_ARCH := $(shell uname -m)
ifeq ($(HOST_ARCH),aarch64)
CROSS_COMPILE ?=
STATIC ?= 0
else
CROSS_COMPILE ?= aarch64-linux-gnu-
STATIC ?= 1
endif
# Runs a build-time helper built for the target (qemu-user when cross building).
ifeq ($(HOST_ARCH),aarch64)
TARGET_RUN ?=
else
TARGET_RUN ?= qemu-aarch64-static
endif

CC := $(CROSS_COMPILE)gcc
HOSTCC ?= cc
BUILD := build
# The nearest vX.Y.Z tag, else debian/changelog's version (scripts/version.sh);
# debian/rules sets it to the package's.
ifndef LKVM_VERSION
LKVM_VERSION := $(shell scripts/version.sh)
endif

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions

WARN := -Wall -Wextra -Werror -Wno-unused-parameter
CFLAGS ?= -O2 -g
CFLAGS += -std=gnu11 $(WARN) -I. -D_GNU_SOURCE -MMD -MP
LDLIBS := -lfdt -lz -lpthread
# libslirp (user-mode networking) and its glib, for arm64, linked into
# lkvm-net-user only (Debian ships libslirp as a shared library; lkvm
# stays static): the cross build reads the arm64 .pc files.
ifeq ($(HOST_ARCH),aarch64)
PKG_CONFIG ?= pkg-config
else
PKG_CONFIG ?= PKG_CONFIG_LIBDIR=/usr/lib/aarch64-linux-gnu/pkgconfig:/usr/share/pkgconfig pkg-config
endif
SLIRP_CFLAGS := $(shell $(PKG_CONFIG) --cflags slirp)
SLIRP_LIBS := $(shell $(PKG_CONFIG) --libs slirp)
ifeq ($(STATIC),1)
LDFLAGS += -static
endif

# Listed, not globbed: a file joins the binary on purpose.
LKVM_SRCS := main.c \
	lib/log.c lib/iov.c \
	cli/options.c cli/options-dev.c cli/options-cpu.c cli/options-mem.c cli/options-net.c cli/guest-root.c cli/guest-init.c cli/guest-initramfs.c host/guest-root-setup.c host/guest-initrd.c boot/moddep.c boot/cpio.c boot/kver.c cli/sandbox.c cli/guest-sandbox-init.c host/guest-sandbox.c host/kernel-gz.c boot/gunzip.c boot/loader.c boot/load.c machine/kvm.c machine/ram.c machine/hugetlbfs.c machine/vm.c machine/run.c machine/vm-control.c \
	host/control.c host/control-name.c host/control-path.c host/control-proto.c host/control-kvmtool.c host/control-client.c cli/control-cmds.c cli/debug-cmd.c machine/board.c machine/vm-host.c machine/runstate.c machine/uart-port.c machine/testdev-port.c machine/debug.c host/sandbox.c \
	vcpu/vcpu.c vcpu/features.c vcpu/run.c vcpu/exit.c vcpu/step.c vcpu/regs.c vcpu/regs-fmt.c vcpu/dump.c \
	lib/snapshot.c vcpu/snapshot.c gic/kvm-gicv3-snap.c gic/kvm-its-snap.c gic/gicv2-state.c gic/kvm-gicv2-snap.c gic/ugic-snap.c devices/device-snap.c machine/snapshot.c machine/snapshot-restore.c machine/snapshot-ram.c machine/snapshot-tags.c cli/snapshot-cmd.c \
	gic/irqchip.c gic/kvm-vgic.c gic/kvm-gicv2.c gic/kvm-gicv3.c gic/kvm-its.c gic/gic-fdt.c \
	gic/v2m.c gic/gicv2m.c \
	gic/user-gic.c gic/ugic-core.c gic/ugic-dist.c gic/ugic-cpuif.c \
	devices/bus.c devices/uart8250.c devices/uart8250-fdt.c host/console.c \
	host/console-out.c host/panic-watch.c machine/mmio-batch.c machine/reg-page.c machine/reg-mirror.c \
	devices/testdev.c devices/testdev-fdt.c \
	machine/serial-port.c machine/rtc-port.c host/pty.c devices/rtc-cmos.c devices/rtc-cmos-fdt.c \
	devices/virtio/blk.c devices/virtio/blk-config.c devices/virtio/disk.c devices/virtio/disk-io.c devices/virtio/disk-map.c devices/virtio/disk-ring.c devices/virtio/disk-engine.c devices/virtio/rng.c \
	devices/virtio/console.c devices/virtio/blk-board.c devices/virtio/rng-board.c \
	devices/virtio/net-dev.c devices/virtio/net-rx.c devices/virtio/net-offload.c devices/virtio/net-board.c devices/virtio/net-vhost.c host/net-fd.c host/net-tap.c host/net-user.c host/child.c lib/net-gso.c \
	devices/virtio/console-board.c devices/virtio/vhost.c devices/virtio/vhost-snap.c devices/virtio/vsock.c devices/virtio/vsock-board.c \
	devices/virtio/9p.c devices/virtio/9p-board.c \
	devices/9p/p9-msg.c devices/9p/p9-fs.c devices/9p/p9-ops.c devices/9p/p9-server.c devices/9p/p9-handlers.c devices/9p/p9-snap.c \
	devices/virtio/virtqueue.c devices/virtio/virtio.c devices/virtio/virtio-snap.c devices/virtio/io-thread.c devices/virtio/mmio.c devices/virtio/mmio-dev.c devices/virtio/mmio-snap.c devices/virtio/mmio-fdt.c devices/virtio/transport.c \
	devices/pci/config.c devices/pci/host.c devices/pci/msix.c devices/pci/pci-snap.c devices/pci/host-fdt.c devices/virtio/pci.c devices/virtio/pci-dev.c devices/virtio/pci-snap.c devices/virtio/pci-legacy.c \
	devices/pci/pci-testdev.c devices/pci/pci-testdev-board.c \
	boot/fdt.c

LKVM_OBJS := $(LKVM_SRCS:%.c=$(BUILD)/arm64/%.o)

all: lkvm lkvm-net-user

lkvm: $(LKVM_OBJS)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/arm64/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c -o $@ $<

-include $(LKVM_OBJS:.o=.d)

# The version string lives in a generated header that is rewritten only
# when the version changes, so `lkvm version` never goes stale and an
# unchanged tree does not rebuild.
$(BUILD)/version.h: FORCE
	@mkdir -p $(@D)
	@echo '#define LKVM_VERSION "$(LKVM_VERSION)"' > $@.tmp
	@cmp -s $@.tmp $@ && rm -f $@.tmp || mv $@.tmp $@

# The sandbox's allow-lists are compiled to BPF at build time, with
# libseccomp, by a helper that runs as the target (host/sandbox-gen.c).
GEN := $(BUILD)/gen
$(GEN)/sandbox-gen: host/sandbox-gen.c host/sandbox-rules.c host/sandbox-rules.h host/sandbox.h
	@mkdir -p $(@D)
	$(CC) -std=gnu11 $(WARN) -O1 -I. -D_GNU_SOURCE -static -o $@ \
		host/sandbox-gen.c host/sandbox-rules.c -lseccomp

$(GEN)/sandbox-bpf.h: $(GEN)/sandbox-gen
	$(TARGET_RUN) $< > $@.tmp
	mv $@.tmp $@

$(BUILD)/arm64/host/sandbox.o: $(GEN)/sandbox-bpf.h
$(BUILD)/arm64/host/sandbox.o: CFLAGS += -I$(GEN)

# Installed beside lkvm; lkvm also looks for it next to its own binary.
LIBEXECDIR ?= $(PREFIX)/lib/lkvm
$(BUILD)/arm64/host/net-user.o: CFLAGS += -DLKVM_LIBEXECDIR='"$(LIBEXECDIR)"'

NET_USER_SRCS := net-user/main.c net-user/args.c net-user/loop.c net-user/sandbox.c lib/net-gso.c \
	lib/net-gro.c lib/net-ack.c
NET_USER_OBJS := $(NET_USER_SRCS:%.c=$(BUILD)/arm64/%.o)
$(NET_USER_OBJS): CFLAGS += $(SLIRP_CFLAGS)
lkvm-net-user: $(NET_USER_OBJS)
	$(CC) -o $@ $(NET_USER_OBJS) $(SLIRP_LIBS)
-include $(NET_USER_OBJS:.o=.d)

$(BUILD)/arm64/main.o: $(BUILD)/version.h
$(BUILD)/arm64/main.o: CFLAGS += -include $(BUILD)/version.h
$(BUILD)/arm64/machine/snapshot.o: $(BUILD)/version.h
$(BUILD)/arm64/machine/snapshot.o: CFLAGS += -include $(BUILD)/version.h

include tests/unit.mk
include tests/dt.mk
include tests/fuzz.mk
include tests/bench.mk
include tests/kut.mk

# Each suite runs even when another failed; one closing line adds them up.
check: lkvm guest-tests
	@scripts/check.sh unit-test bad-input-test dt-test package-test system-test kut-test

install: lkvm lkvm-net-user
	install -D -m 0755 lkvm $(DESTDIR)$(BINDIR)/lkvm
	install -D -m 0755 lkvm-net-user $(DESTDIR)$(LIBEXECDIR)/lkvm-net-user
	install -D -m 0644 docs/lkvm.1 $(DESTDIR)$(MANDIR)/man1/lkvm.1
	install -D -m 0644 scripts/bash-completion/lkvm $(DESTDIR)$(BASHCOMPDIR)/lkvm

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/lkvm $(DESTDIR)$(LIBEXECDIR)/lkvm-net-user \
		$(DESTDIR)$(MANDIR)/man1/lkvm.1 \
		$(DESTDIR)$(BASHCOMPDIR)/lkvm

# make install and the arm64 .deb, each checked; builds under build/ only
# (scripts/package-test.sh, docs/testing.md). Ends "package: N passed, N failed".
package-test: lkvm lkvm-net-user
	scripts/package-test.sh

# The bad-input table (tests/bad-input.txt, docs/errors.md); no KVM needed.
bad-input-test: lkvm guest-tests
	tests/bad-input.sh

guest-tests:
	$(MAKE) -C guest-tests

# Linux guest programs packed into the guest initramfs (scripts/mk-guest-initramfs.sh):
# static arm64; the MTE one (tests/system/ctl-snapshot-mte.sh) with MTE's instructions.
GUEST_BIN := $(BUILD)/guest-bin
guest-bin: $(GUEST_BIN)/mte-tags

$(GUEST_BIN)/mte-tags: tests/system/mte-tags.c
	@mkdir -p $(@D)
	$(CC) -std=gnu11 -O2 -Wall -Wextra -Werror -Wno-unused-parameter -D_GNU_SOURCE \
		-march=armv8.5-a+memtag -static -o $@ $<

system-test: lkvm lkvm-net-user guest-tests guest-bin
	scripts/system-test.sh

# Only the bare-metal interrupt tests ("test" scenarios, named *-t-*).
guest-test: lkvm guest-tests
	FILTER='-t-' scripts/system-test.sh

clean:
	rm -rf $(BUILD)/arm64 $(BUILD)/host $(BUILD)/guest-tests $(BUILD)/arm64-tests \
		$(BUILD)/dt-schema $(BUILD)/bench $(BUILD)/version.h $(BUILD)/gen \
		$(BUILD)/package-test $(BUILD)/guest-bin lkvm lkvm-net-user

FORCE:

.PHONY: FORCE all check unit-test bad-input-test dt-test system-test guest-test clean guest-tests guest-bin \
	install uninstall package-test
