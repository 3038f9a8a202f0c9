# SPDX-License-Identifier: GPL-2.0
#
# Host-side tests of the test device model (devices/testdev.c), from the
# repository top: the same tests under ASan/UBSan and under TSan (the
# model runs on vCPU threads, its own thread and the control thread).
# Uses HOSTCC, HOST_CFLAGS and HOST_BUILD from tests/unit.mk.
#
#   make testdev-test   both binaries, run

TESTDEV_SRCS := tests/test-testdev.c tests/testdev-rig.c tests/test-testdev-msi.c devices/testdev.c
TESTDEV_DEPS := $(TESTDEV_SRCS) devices/testdev.h devices/mmio.h \
	tests/testdev-rig.h tests/unit.h tests/testdev.mk
TESTDEV_TSAN_CFLAGS := $(filter-out -fsanitize=%,$(HOST_CFLAGS)) \
	-fsanitize=thread

$(HOST_BUILD)/test-testdev: $(TESTDEV_DEPS)
	@mkdir -p $(HOST_BUILD)
	$(HOSTCC) $(HOST_CFLAGS) -o $@ $(TESTDEV_SRCS) -lpthread

$(HOST_BUILD)/test-testdev-tsan: $(TESTDEV_DEPS)
	@mkdir -p $(HOST_BUILD)
	$(HOSTCC) $(TESTDEV_TSAN_CFLAGS) -o $@ $(TESTDEV_SRCS) -lpthread

TESTDEV_TESTS := $(HOST_BUILD)/test-testdev $(HOST_BUILD)/test-testdev-tsan

testdev-test: $(TESTDEV_TESTS)
	@scripts/run-unit-tests.sh $^

.PHONY: testdev-test
