# SPDX-License-Identifier: GPL-2.0
#
# Host-side tests of the virtio device models (devices/virtio/blk.c,
# disk.c, rng.c, console.c), from the repository top. Each model is
# driven through the virtio core by a miniature driver over a buffer
# (tests/virtio-dev-harness.c), on temporary image files; under
# ASan/UBSan, and the console, whose I/O thread runs against a writer
# thread, also under TSan. Uses HOSTCC, HOST_CFLAGS and HOST_BUILD from
# tests/unit.mk.
#
#   make virtio-dev-test   all of them, run

VDEV_CORE := tests/virtio-dev-harness.c devices/virtio/virtio.c devices/virtio/virtio-snap.c lib/snapshot.c devices/virtio/io-thread.c \
	devices/virtio/virtqueue.c lib/log.c lib/iov.c
VDEV_HDRS := tests/virtio-dev-harness.h tests/virtio-blk-rig.h tests/unit.h devices/virtio/virtio.h \
	devices/virtio/virtqueue.h devices/device.h devices/irq-line.h \
	lib/guest-mem.h lib/iov.h lib/log.h lib/util.h tests/virtio-dev.mk
# gcc's TSan does not model the core's fences (-Wtsan); its indexes
# are acquire/release atomics, which it does.
VDEV_TSAN_CFLAGS := $(filter-out -fsanitize=%,$(HOST_CFLAGS)) \
	-fsanitize=thread -Wno-tsan

test-disk-map_VSRCS := tests/test-disk-map.c devices/virtio/disk.c devices/virtio/disk-io.c devices/virtio/disk-map.c \
	devices/virtio/disk-ring.c devices/virtio/disk-engine.c
test-disk-ring_VSRCS := tests/test-disk-ring.c devices/virtio/disk-ring.c
test-disk_VSRCS := tests/test-disk.c devices/virtio/disk.c devices/virtio/disk-io.c devices/virtio/disk-map.c devices/virtio/disk-ring.c
test-virtio-blk_VSRCS := tests/test-virtio-blk.c tests/virtio-blk-rig.c devices/virtio/blk.c devices/virtio/blk-config.c devices/virtio/disk-engine.c \
	devices/virtio/disk.c devices/virtio/disk-io.c devices/virtio/disk-map.c devices/virtio/disk-ring.c $(VDEV_CORE)
test-virtio-blk-batch_VSRCS := tests/test-virtio-blk-batch.c \
	$(test-virtio-blk_VSRCS:tests/test-virtio-blk.c=)
test-virtio-rng_VSRCS := tests/test-virtio-rng.c devices/virtio/rng.c \
	$(VDEV_CORE)
test-virtio-console_VSRCS := tests/test-virtio-console.c \
	devices/virtio/console.c $(VDEV_CORE)
test-virtio-net_VSRCS := tests/test-virtio-net.c devices/virtio/net-dev.c devices/virtio/net-rx.c devices/virtio/net-offload.c lib/net-gso.c host/net-tap.c \
	devices/virtio/net-vhost.c devices/virtio/vhost.c devices/virtio/vhost-snap.c $(VDEV_CORE)
test-virtio-net-rx_VSRCS := tests/test-virtio-net-rx.c devices/virtio/net-dev.c devices/virtio/net-rx.c \
	devices/virtio/net-offload.c lib/net-gso.c $(VDEV_CORE)
test-virtio-net-offload_VSRCS := tests/test-virtio-net-offload.c devices/virtio/net-dev.c devices/virtio/net-rx.c devices/virtio/net-offload.c \
	lib/net-gso.c $(VDEV_CORE)

test-virtio-vsock_VSRCS := tests/test-virtio-vsock.c devices/virtio/vsock.c \
	devices/virtio/vhost.c devices/virtio/vhost-snap.c $(VDEV_CORE)

VDEV_NAMES := test-disk test-disk-map test-disk-ring test-virtio-blk test-virtio-blk-batch test-virtio-rng test-virtio-console \
	test-virtio-vsock test-virtio-net test-virtio-net-offload test-virtio-net-rx

define vdev_rule
$(HOST_BUILD)/$(1): $$($(1)_VSRCS) $(VDEV_HDRS) $$(wildcard devices/virtio/*.h)
	@mkdir -p $(HOST_BUILD)
	$(HOSTCC) $(HOST_CFLAGS) -o $$@ $$($(1)_VSRCS) -lpthread
endef
$(foreach t,$(VDEV_NAMES),$(eval $(call vdev_rule,$(t))))

$(HOST_BUILD)/test-virtio-console-tsan: $(test-virtio-console_VSRCS) \
		$(VDEV_HDRS) devices/virtio/console.h
	@mkdir -p $(HOST_BUILD)
	$(HOSTCC) $(VDEV_TSAN_CFLAGS) -o $@ $(test-virtio-console_VSRCS) -lpthread

# The backend's thread against the I/O thread's and the driver's work.
$(HOST_BUILD)/test-virtio-net-rx-tsan: $(test-virtio-net-rx_VSRCS) \
		$(VDEV_HDRS) $(wildcard devices/virtio/*.h)
	@mkdir -p $(HOST_BUILD)
	$(HOSTCC) $(VDEV_TSAN_CFLAGS) -o $@ $(test-virtio-net-rx_VSRCS) -lpthread

VIRTIO_DEV_TESTS := $(VDEV_NAMES:%=$(HOST_BUILD)/%) \
	$(HOST_BUILD)/test-virtio-console-tsan $(HOST_BUILD)/test-virtio-net-rx-tsan

virtio-dev-test: $(VIRTIO_DEV_TESTS)
	@scripts/run-unit-tests.sh $^

.PHONY: virtio-dev-test

# The 9P server (devices/9p/) on a temporary directory, without virtio.
P9_SRCS := devices/9p/p9-msg.c devices/9p/p9-fs.c devices/9p/p9-ops.c \
	devices/9p/p9-server.c devices/9p/p9-handlers.c lib/iov.c
$(HOST_BUILD)/test-9p: tests/test-9p.c tests/p9-client.h $(P9_SRCS) \
		$(wildcard devices/9p/*.h) tests/unit.h
	@mkdir -p $(HOST_BUILD)
	$(HOSTCC) $(HOST_CFLAGS) -o $@ tests/test-9p.c $(P9_SRCS) -lpthread

$(HOST_BUILD)/test-virtio-9p: tests/test-virtio-9p.c devices/virtio/9p.c devices/9p/p9-snap.c $(P9_SRCS) \
		$(VDEV_CORE) $(VDEV_HDRS) $(wildcard devices/9p/*.h devices/virtio/*.h)
	@mkdir -p $(HOST_BUILD)
	$(HOSTCC) $(HOST_CFLAGS) -o $@ tests/test-virtio-9p.c devices/virtio/9p.c \
		devices/9p/p9-snap.c $(sort $(P9_SRCS) $(VDEV_CORE)) -lpthread

VIRTIO_DEV_TESTS += $(HOST_BUILD)/test-9p $(HOST_BUILD)/test-virtio-9p
