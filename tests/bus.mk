# SPDX-License-Identifier: GPL-2.0
#
# The MMIO bus (devices/bus.c) under concurrent dispatch, from the
# repository top: vCPU threads read its table without a lock, so the
# same test runs under ASan/UBSan and under TSan. Uses HOSTCC,
# HOST_CFLAGS and HOST_BUILD from tests/unit.mk.
#
#   make bus-test   both binaries, run

BUS_THREADS_SRCS := tests/test-bus-threads.c devices/bus.c
BUS_THREADS_DEPS := $(BUS_THREADS_SRCS) devices/bus.h devices/mmio.h \
	tests/unit.h tests/bus.mk
BUS_TSAN_CFLAGS := $(filter-out -fsanitize=%,$(HOST_CFLAGS)) \
	-fsanitize=thread

$(HOST_BUILD)/test-bus-threads: $(BUS_THREADS_DEPS)
	@mkdir -p $(HOST_BUILD)
	$(HOSTCC) $(HOST_CFLAGS) -o $@ $(BUS_THREADS_SRCS) -lpthread

$(HOST_BUILD)/test-bus-threads-tsan: $(BUS_THREADS_DEPS)
	@mkdir -p $(HOST_BUILD)
	$(HOSTCC) $(BUS_TSAN_CFLAGS) -o $@ $(BUS_THREADS_SRCS) -lpthread

BUS_TESTS := $(HOST_BUILD)/test-bus-threads $(HOST_BUILD)/test-bus-threads-tsan

bus-test: $(BUS_TESTS)
	@scripts/run-unit-tests.sh $^

.PHONY: bus-test
