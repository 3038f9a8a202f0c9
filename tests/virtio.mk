# SPDX-License-Identifier: GPL-2.0
#
# The virtio core and the virtio-mmio transport (devices/virtio/), from
# the repository top: split virtqueues under hostile rings, the register
# model as Linux's driver drives it (both versions), and the I/O thread
# against vCPU threads, that one also under TSan. Uses HOSTCC,
# HOST_CFLAGS and HOST_BUILD from tests/unit.mk. The host has no libfdt:
# tests/virtio-no-fdt.c stands in for devices/virtio/mmio-fdt.c.
#
#   make virtio-test   all binaries, run

VIRTIO_CORE_SRCS := devices/virtio/virtqueue.c devices/virtio/virtio.c devices/virtio/virtio-snap.c lib/snapshot.c devices/virtio/io-thread.c \
	devices/virtio/mmio.c devices/virtio/mmio-dev.c devices/virtio/mmio-snap.c devices/virtio/transport.c lib/log.c \
	devices/virtio/pci.c devices/virtio/pci-dev.c devices/virtio/pci-snap.c devices/virtio/pci-legacy.c devices/pci/config.c devices/pci/host.c devices/pci/msix.c devices/pci/pci-snap.c
VIRTIO_HARNESS_SRCS := tests/virtio-toy.c tests/virtio-linux.c \
	tests/virtio-no-fdt.c tests/pci-no-fdt.c
VIRTIO_DEPS := $(VIRTIO_CORE_SRCS) $(VIRTIO_HARNESS_SRCS) \
	devices/virtio/virtqueue.h devices/virtio/virtio.h \
	devices/virtio/mmio.h devices/device.h devices/irq-line.h \
	devices/mmio.h lib/guest-mem.h lib/thread.h lib/log.h lib/util.h \
	devices/virtio/pci.h devices/pci/config.h devices/pci/host.h devices/pci/msix.h devices/msi.h \
	tests/unit.h tests/virtio-guest.h tests/virtio-toy.h \
	tests/virtio-linux.h tests/virtio.mk

VIRTQUEUE_SRCS := tests/test-virtqueue.c devices/virtio/virtqueue.c
VIRTIO_MMIO_SRCS := tests/test-virtio-mmio.c $(VIRTIO_HARNESS_SRCS) \
	$(VIRTIO_CORE_SRCS)
VIRTIO_COPY_SRCS := tests/test-virtio-mmio-copy.c $(VIRTIO_HARNESS_SRCS) \
	$(VIRTIO_CORE_SRCS)
VIRTIO_SNAP_SRCS := tests/test-virtio-snap.c $(VIRTIO_HARNESS_SRCS) \
	$(VIRTIO_CORE_SRCS)
VIRTIO_THREADS_SRCS := tests/test-virtio-threads.c $(VIRTIO_HARNESS_SRCS) \
	$(VIRTIO_CORE_SRCS)

# The full fences order the core against the guest, which TSan does not
# see; it checks the threads through their atomics and locks, and GCC
# warns that it ignores fences (clang says nothing, and knows no -Wtsan).
VIRTIO_NO_WTSAN := $(shell $(HOSTCC) -Werror -Wno-tsan -x c -c /dev/null \
	-o /dev/null 2>/dev/null && echo -Wno-tsan)
VIRTIO_TSAN_CFLAGS := $(filter-out -fsanitize=%,$(HOST_CFLAGS)) \
	-fsanitize=thread $(VIRTIO_NO_WTSAN)

$(HOST_BUILD)/test-virtqueue: $(VIRTQUEUE_SRCS) $(VIRTIO_DEPS)
	@mkdir -p $(HOST_BUILD)
	$(HOSTCC) $(HOST_CFLAGS) -o $@ $(VIRTQUEUE_SRCS)

$(HOST_BUILD)/test-virtio-mmio: $(VIRTIO_DEPS) tests/test-virtio-mmio.c
	@mkdir -p $(HOST_BUILD)
	$(HOSTCC) $(HOST_CFLAGS) -o $@ $(VIRTIO_MMIO_SRCS) -lpthread

$(HOST_BUILD)/test-virtio-mmio-copy: $(VIRTIO_DEPS) tests/test-virtio-mmio-copy.c
	@mkdir -p $(HOST_BUILD)
	$(HOSTCC) $(HOST_CFLAGS) -o $@ $(VIRTIO_COPY_SRCS) -lpthread

$(HOST_BUILD)/test-virtio-snap: $(VIRTIO_DEPS) tests/test-virtio-snap.c lib/snapshot.h
	@mkdir -p $(HOST_BUILD)
	$(HOSTCC) $(HOST_CFLAGS) -o $@ $(VIRTIO_SNAP_SRCS) -lpthread

$(HOST_BUILD)/test-virtio-threads: $(VIRTIO_DEPS) tests/test-virtio-threads.c
	@mkdir -p $(HOST_BUILD)
	$(HOSTCC) $(HOST_CFLAGS) -o $@ $(VIRTIO_THREADS_SRCS) -lpthread

$(HOST_BUILD)/test-virtio-threads-tsan: $(VIRTIO_DEPS) tests/test-virtio-threads.c
	@mkdir -p $(HOST_BUILD)
	$(HOSTCC) $(VIRTIO_TSAN_CFLAGS) -o $@ $(VIRTIO_THREADS_SRCS) -lpthread

VIRTIO_TESTS := $(HOST_BUILD)/test-virtqueue $(HOST_BUILD)/test-virtio-mmio \
	$(HOST_BUILD)/test-virtio-mmio-copy $(HOST_BUILD)/test-virtio-snap \
	$(HOST_BUILD)/test-virtio-threads $(HOST_BUILD)/test-virtio-threads-tsan

virtio-test: $(VIRTIO_TESTS)
	@scripts/run-unit-tests.sh $^

.PHONY: virtio-test
