# Host-side unit tests: built with the host compiler under ASan and
# UBSan, no KVM needed. Each prints "N passed, N failed".

HOST_CFLAGS := -std=gnu11 -Wall -Wextra -Werror -Wno-unused-parameter -O1 -g \
	-I. -D_GNU_SOURCE -fsanitize=address,undefined -fno-sanitize-recover=all
HOST_BUILD := $(BUILD)/host

UNIT_TESTS := test-options test-loader test-bus test-uart test-control test-vcpu-exit \
	test-control-socket test-vcpu-regs test-rtc test-snapshot test-child test-net-fd test-net-user-args test-net-gso test-net-gro test-net-ack \
	test-guest-root test-guest-initrd test-sandbox test-gunzip

test-options_SRCS := tests/test-options.c tests/test-options-dev.c cli/options.c cli/options-dev.c cli/options-cpu.c cli/options-mem.c cli/options-net.c lib/log.c
test-guest-root_SRCS := tests/test-guest-root.c cli/guest-root.c cli/options.c cli/options-dev.c \
	cli/options-cpu.c cli/options-mem.c cli/options-net.c host/guest-root-setup.c host/control.c \
	host/control-name.c host/control-path.c boot/loader.c boot/kver.c host/guest-initrd.c boot/moddep.c boot/cpio.c host/control-proto.c host/control-kvmtool.c \
	host/control-client.c lib/log.c
test-guest-initrd_SRCS := tests/test-guest-initrd.c host/guest-initrd.c boot/moddep.c boot/cpio.c boot/kver.c lib/log.c
test-sandbox_SRCS := tests/test-sandbox.c cli/sandbox.c
test-gunzip_SRCS := tests/test-gunzip.c boot/gunzip.c
test-gunzip_LIBS := -lz
test-loader_SRCS := tests/test-loader.c boot/loader.c
test-child_SRCS := tests/test-child.c host/child.c
test-net-fd_SRCS := tests/test-net-fd.c host/net-fd.c host/net-user.c host/child.c lib/net-gso.c lib/log.c
test-net-user-args_SRCS := tests/test-net-user-args.c net-user/args.c
test-net-gso_SRCS := tests/test-net-gso.c lib/net-gso.c
test-net-gro_SRCS := tests/test-net-gro.c lib/net-gro.c lib/net-gso.c
test-net-ack_SRCS := tests/test-net-ack.c lib/net-ack.c
test-bus_SRCS := tests/test-bus.c devices/bus.c
test-uart_SRCS := tests/test-uart.c devices/uart8250.c devices/device-snap.c lib/snapshot.c
test-rtc_SRCS := tests/test-rtc.c devices/rtc-cmos.c
test-snapshot_SRCS := tests/test-snapshot.c lib/snapshot.c devices/device-snap.c \
	devices/uart8250.c devices/testdev.c devices/rtc-cmos.c
test-control_SRCS := tests/test-control.c host/control-proto.c host/control-kvmtool.c
test-control-socket_SRCS := tests/test-control-socket.c host/control.c host/control-name.c host/control-path.c host/control-proto.c \
	host/control-kvmtool.c host/control-client.c lib/log.c
test-vcpu-exit_SRCS := tests/test-vcpu-exit.c vcpu/exit.c devices/bus.c lib/log.c
test-vcpu-regs_SRCS := tests/test-vcpu-regs.c vcpu/regs-fmt.c

define unit_rule
$(HOST_BUILD)/$(1): $$($(1)_SRCS) tests/unit.h
	@mkdir -p $(HOST_BUILD)
	$(HOSTCC) $(HOST_CFLAGS) -o $$@ $$($(1)_SRCS) -lpthread $$($(1)_LIBS)
endef
$(foreach t,$(UNIT_TESTS),$(eval $(call unit_rule,$(t))))
$(HOST_BUILD)/test-options: tests/test-options.h

# The allow-lists name arm64's KVM ioctls: their test is built for the
# target, like host/sandbox-gen.c, and run through TARGET_RUN.
$(BUILD)/arm64-tests/test-sandbox-rules: tests/test-sandbox-rules.c \
		host/sandbox-rules.c host/sandbox-rules.h host/sandbox.h tests/unit.h
	@mkdir -p $(@D)
	$(CC) -std=gnu11 $(WARN) -O1 -I. -D_GNU_SOURCE -static -o $@ \
		tests/test-sandbox-rules.c host/sandbox-rules.c
$(HOST_BUILD)/test-sandbox-rules: $(BUILD)/arm64-tests/test-sandbox-rules
	@mkdir -p $(@D)
	printf '#!/bin/sh\nexec %s %s\n' '$(TARGET_RUN)' '$(abspath $<)' > $@
	chmod +x $@

include tests/ugic.mk
include tests/testdev.mk
include tests/bus.mk
include tests/console.mk
include tests/virtio-dev.mk
include tests/virtio.mk
include tests/pci.mk
include tests/v2m.mk

# Everything under ASan/UBSan; the parts threads share (the userspace GIC,
# the test device, the console, the MMIO bus) also under TSan.
unit-test: $(UNIT_TESTS:%=$(HOST_BUILD)/%) $(HOST_BUILD)/test-sandbox-rules \
		$(UGIC_BUILD)/test-ugic \
		$(UGIC_BUILD)/test-ugic-threads $(TESTDEV_TESTS) $(CONSOLE_TESTS) \
		$(BUS_TESTS) $(VIRTIO_DEV_TESTS) $(VIRTIO_TESTS) $(PCI_TESTS) \
		$(V2M_TESTS)
	@scripts/run-unit-tests.sh $^

.PHONY: unit-test
