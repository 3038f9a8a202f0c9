# SPDX-License-Identifier: GPL-2.0
#
# The GICv2m frame model (gic/v2m.c), alone and in front of the
# userspace GIC, from the repository top. Uses HOSTCC, HOST_CFLAGS and
# HOST_BUILD from tests/unit.mk.
#
#   make v2m-test   build and run

V2M_SRCS := tests/test-v2m.c gic/v2m.c gic/ugic-core.c gic/ugic-dist.c \
	gic/ugic-cpuif.c
V2M_DEPS := $(V2M_SRCS) gic/v2m.h gic/ugic.h gic/ugic-internal.h \
	devices/mmio.h tests/unit.h tests/v2m.mk

$(HOST_BUILD)/test-v2m: $(V2M_DEPS)
	@mkdir -p $(HOST_BUILD)
	$(HOSTCC) $(HOST_CFLAGS) -o $@ $(V2M_SRCS) -lpthread

V2M_TESTS := $(HOST_BUILD)/test-v2m

v2m-test: $(V2M_TESTS)
	@scripts/run-unit-tests.sh $^

.PHONY: v2m-test
