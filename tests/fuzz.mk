# SPDX-License-Identifier: GPL-2.0
#
# libFuzzer targets for every guest- and user-reachable parser, built
# with clang under AddressSanitizer and UBSan. Included by the top-level
# Makefile; runs from the repository top. See docs/fuzzing.md.
#
#   make fuzz          each target for FUZZ_SECONDS (default 60), in turn
#   make fuzz-smoke    each target for 5 s
#   make fuzz-build    build only
#   make fuzz-clean    remove binaries, grown corpora, logs, reproducers
#
# FUZZ_TARGETS selects targets, e.g. make fuzz FUZZ_TARGETS=fuzz-ugic.

FUZZ_CC ?= clang
FUZZ_SECONDS ?= 60
FUZZ_BUILD := build/fuzz

FUZZ_CFLAGS := -std=gnu11 -Wall -Wextra -Werror -Wno-unused-parameter \
	-I. -D_GNU_SOURCE -g -O1 \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all

FUZZ_ALL := fuzz-uart fuzz-ugic fuzz-v2m fuzz-bus fuzz-loader fuzz-options fuzz-control \
	fuzz-disk-spec fuzz-virtio-blk fuzz-virtqueue fuzz-virtio-mmio \
	fuzz-panic-watch fuzz-pci fuzz-msix fuzz-virtio-pci fuzz-virtio-pci-legacy fuzz-rtc \
	fuzz-pci-testdev fuzz-vsock fuzz-snapshot fuzz-9p fuzz-virtio-net \
	fuzz-net-user-args fuzz-moddep fuzz-kver fuzz-sandbox fuzz-gunzip fuzz-net-gso fuzz-net-gro fuzz-net-ack
FUZZ_TARGETS ?= $(FUZZ_ALL)

fuzz-uart_SRCS := tests/fuzz/fuzz-uart.c devices/uart8250.c
fuzz-9p_SRCS := tests/fuzz/fuzz-9p.c devices/9p/p9-msg.c devices/9p/p9-fs.c \
	devices/9p/p9-ops.c devices/9p/p9-server.c devices/9p/p9-handlers.c lib/iov.c
fuzz-rtc_SRCS := tests/fuzz/fuzz-rtc.c devices/rtc-cmos.c
fuzz-snapshot_SRCS := tests/fuzz/fuzz-snapshot.c lib/snapshot.c devices/device-snap.c \
	gic/gicv2-state.c gic/ugic-snap.c gic/ugic-core.c gic/ugic-dist.c gic/ugic-cpuif.c \
	devices/uart8250.c devices/testdev.c devices/rtc-cmos.c tests/fuzz/snapshot-virtio-fz.c \
	devices/virtio/virtqueue.c devices/virtio/virtio.c devices/virtio/virtio-snap.c \
	devices/virtio/io-thread.c devices/virtio/mmio.c devices/virtio/mmio-snap.c \
	devices/virtio/pci.c devices/virtio/pci-dev.c devices/virtio/pci-snap.c devices/virtio/pci-legacy.c \
	devices/pci/config.c devices/pci/host.c devices/pci/msix.c devices/pci/pci-snap.c \
	tests/pci-no-fdt.c lib/log.c devices/virtio/net-dev.c devices/virtio/net-rx.c devices/virtio/net-offload.c lib/net-gso.c tests/virtio-dev-harness.c \
	tests/fuzz/snapshot-9p-fz.c devices/virtio/9p.c devices/9p/p9-msg.c devices/9p/p9-fs.c devices/9p/p9-ops.c \
	devices/9p/p9-server.c devices/9p/p9-handlers.c devices/9p/p9-snap.c lib/iov.c \
	devices/virtio/vsock.c devices/virtio/vhost.c devices/virtio/vhost-snap.c
# The PCI test device's record (fuzz_pci_testdev).
fuzz-snapshot_SRCS += devices/pci/pci-testdev.c
fuzz-ugic_SRCS := tests/fuzz/fuzz-ugic.c tests/fuzz/ugic-lifecycle-fz.c gic/ugic-core.c gic/ugic-dist.c \
	gic/ugic-cpuif.c
fuzz-v2m_SRCS := tests/fuzz/fuzz-v2m.c gic/v2m.c gic/ugic-core.c \
	gic/ugic-dist.c gic/ugic-cpuif.c
fuzz-bus_SRCS := tests/fuzz/fuzz-bus.c devices/bus.c
fuzz-loader_SRCS := tests/fuzz/fuzz-loader.c boot/loader.c
fuzz-moddep_SRCS := tests/fuzz/fuzz-moddep.c boot/moddep.c
fuzz-sandbox_SRCS := tests/fuzz/fuzz-sandbox.c cli/sandbox.c
fuzz-gunzip_SRCS := tests/fuzz/fuzz-gunzip.c boot/gunzip.c
fuzz-gunzip_LIBS := -lz
fuzz-kver_SRCS := tests/fuzz/fuzz-kver.c boot/kver.c
fuzz-net-user-args_SRCS := tests/fuzz/fuzz-net-user-args.c net-user/args.c
fuzz-net-gso_SRCS := tests/fuzz/fuzz-net-gso.c lib/net-gso.c
fuzz-net-gro_SRCS := tests/fuzz/fuzz-net-gro.c lib/net-gro.c lib/net-gso.c
fuzz-net-ack_SRCS := tests/fuzz/fuzz-net-ack.c lib/net-ack.c
fuzz-options_SRCS := tests/fuzz/fuzz-options.c cli/guest-root.c cli/options.c cli/options-dev.c cli/options-cpu.c cli/options-mem.c cli/options-net.c lib/log.c
fuzz-control_SRCS := tests/fuzz/fuzz-control.c host/control-proto.c host/control-kvmtool.c
fuzz-panic-watch_SRCS := tests/fuzz/fuzz-panic-watch.c host/panic-watch.c
fuzz-disk-spec_SRCS := tests/fuzz/fuzz-disk-spec.c devices/virtio/disk.c devices/virtio/disk-io.c devices/virtio/disk-map.c devices/virtio/disk-ring.c
fuzz-virtio-blk_SRCS := tests/fuzz/fuzz-virtio-blk.c devices/virtio/blk.c devices/virtio/blk-config.c devices/virtio/disk-engine.c lib/iov.c \
	devices/virtio/disk.c devices/virtio/disk-io.c devices/virtio/disk-map.c devices/virtio/disk-ring.c tests/virtio-dev-harness.c devices/virtio/virtio.c devices/virtio/virtio-snap.c lib/snapshot.c devices/virtio/io-thread.c \
	devices/virtio/virtqueue.c lib/log.c
fuzz-virtio-net_SRCS := tests/fuzz/fuzz-virtio-net.c lib/iov.c devices/virtio/net-dev.c devices/virtio/net-rx.c devices/virtio/net-offload.c lib/net-gso.c \
	tests/virtio-dev-harness.c devices/virtio/virtio.c devices/virtio/virtio-snap.c lib/snapshot.c devices/virtio/io-thread.c \
	devices/virtio/virtqueue.c lib/log.c
fuzz-vsock_SRCS := tests/fuzz/fuzz-vsock.c devices/virtio/vsock.c devices/virtio/vhost.c devices/virtio/vhost-snap.c tests/virtio-dev-harness.c \
	devices/virtio/virtio.c devices/virtio/virtio-snap.c lib/snapshot.c devices/virtio/io-thread.c devices/virtio/virtqueue.c lib/log.c
fuzz-virtqueue_SRCS := tests/fuzz/fuzz-virtqueue.c devices/virtio/virtqueue.c
fuzz-virtio-mmio_SRCS := tests/fuzz/fuzz-virtio-mmio.c tests/virtio-no-fdt.c \
	devices/virtio/virtqueue.c devices/virtio/virtio.c devices/virtio/virtio-snap.c lib/snapshot.c devices/virtio/io-thread.c devices/virtio/mmio.c devices/virtio/mmio-dev.c devices/virtio/mmio-snap.c \
	lib/log.c

fuzz-pci_SRCS := tests/fuzz/fuzz-pci.c devices/pci/config.c devices/pci/host.c devices/pci/msix.c devices/pci/pci-snap.c lib/snapshot.c \
	tests/pci-no-fdt.c
fuzz-pci-testdev_SRCS := tests/fuzz/fuzz-pci-testdev.c devices/pci/pci-testdev.c \
	devices/pci/config.c devices/pci/host.c devices/pci/msix.c devices/pci/pci-snap.c lib/snapshot.c tests/pci-no-fdt.c lib/log.c
fuzz-msix_SRCS := tests/fuzz/fuzz-msix.c devices/pci/config.c devices/pci/host.c devices/pci/msix.c devices/pci/pci-snap.c lib/snapshot.c \
	tests/pci-no-fdt.c
fuzz-virtio-pci_SRCS := tests/fuzz/fuzz-virtio-pci.c tests/fuzz/virtio-pci-fz.c tests/virtio-no-fdt.c \
	tests/pci-no-fdt.c devices/pci/config.c devices/pci/host.c devices/pci/msix.c devices/pci/pci-snap.c \
	devices/virtio/pci.c devices/virtio/pci-dev.c devices/virtio/pci-snap.c devices/virtio/pci-legacy.c devices/virtio/virtqueue.c \
	devices/virtio/virtio.c devices/virtio/virtio-snap.c lib/snapshot.c devices/virtio/io-thread.c lib/log.c
fuzz-virtio-pci-legacy_SRCS := tests/fuzz/fuzz-virtio-pci-legacy.c $(filter-out tests/fuzz/fuzz-virtio-pci.c,$(fuzz-virtio-pci_SRCS))

# Headers are listed broadly: a stale fuzzer reports stale findings.
FUZZ_HDRS := tests/fuzz/fuzz.h tests/fuzz/virtio-pci-fz.h tests/fuzz/snapshot-virtio-fz.h tests/fuzz/ugic-fz.h devices/mmio.h devices/bus.h \
	devices/uart8250.h devices/rtc-cmos.h gic/ugic.h gic/ugic-internal.h gic/v2m.h boot/loader.h \
	machine/memmap.h boot/moddep.h boot/kver.h boot/gunzip.h cli/sandbox.h cli/options.h cli/config.h host/control-proto.h host/control-kvmtool.h lib/util.h \
	lib/log.h devices/virtio/disk.h devices/virtio/blk.h devices/virtio/virtio.h \
	devices/virtio/virtqueue.h tests/virtio-dev-harness.h \
	devices/virtio/mmio.h devices/device.h devices/irq-line.h lib/guest-mem.h \
	lib/thread.h tests/virtio-guest.h host/panic-watch.h devices/pci/config.h \
	devices/pci/host.h devices/pci/msix.h devices/msi.h devices/virtio/pci.h devices/pci/pci-testdev.h \
	devices/virtio/vhost.h devices/virtio/vsock.h devices/virtio/virtio-core.h devices/virtio/net-offload.h \
	lib/snapshot.h devices/device-snap.h devices/testdev.h \
	devices/9p/p9-msg.h devices/9p/p9-fs.h devices/9p/p9-server.h devices/9p/p9-request.h \
	lib/net-gso.h lib/net-gro.h lib/net-ack.h devices/virtio/net.h

define fuzz_rule
$(FUZZ_BUILD)/$(1): $$($(1)_SRCS) $(FUZZ_HDRS) tests/fuzz.mk
	@mkdir -p $(FUZZ_BUILD)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -o $$@ $$($(1)_SRCS) -lpthread $$($(1)_LIBS)
endef
$(foreach t,$(FUZZ_ALL),$(eval $(call fuzz_rule,$(t))))

FUZZ_BINS := $(FUZZ_TARGETS:%=$(FUZZ_BUILD)/%)

fuzz-build: $(FUZZ_BINS)

fuzz: $(FUZZ_BINS)
	FUZZ_SECONDS=$(FUZZ_SECONDS) scripts/fuzz.sh $(FUZZ_BINS)

fuzz-smoke: $(FUZZ_BINS)
	FUZZ_SECONDS=5 scripts/fuzz.sh $(FUZZ_BINS)

fuzz-clean:
	rm -rf $(FUZZ_BUILD)

.PHONY: fuzz fuzz-smoke fuzz-build fuzz-clean
