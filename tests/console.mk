# SPDX-License-Identifier: GPL-2.0
#
# Host-side tests of the console's output path (host/console*.c)
# against real pipes: under ASan/UBSan and under TSan (vCPU threads put
# bytes while the writer thread writes them). Uses HOSTCC, HOST_CFLAGS
# and HOST_BUILD from tests/unit.mk.

CONSOLE_SRCS := tests/test-console.c host/console.c host/console-out.c host/panic-watch.c
CONSOLE_DEPS := $(CONSOLE_SRCS) host/console.h host/console-internal.h \
	host/panic-watch.h host/panic-watch.c tests/unit.h tests/console.mk
CONSOLE_TSAN_CFLAGS := $(filter-out -fsanitize=%,$(HOST_CFLAGS)) \
	-fsanitize=thread

$(HOST_BUILD)/test-console: $(CONSOLE_DEPS)
	@mkdir -p $(HOST_BUILD)
	$(HOSTCC) $(HOST_CFLAGS) -o $@ $(CONSOLE_SRCS) -lpthread

$(HOST_BUILD)/test-console-tsan: $(CONSOLE_DEPS)
	@mkdir -p $(HOST_BUILD)
	$(HOSTCC) $(CONSOLE_TSAN_CFLAGS) -o $@ $(CONSOLE_SRCS) -lpthread

# The kernel panic matcher the console runs over the guest's output.
$(HOST_BUILD)/test-panic-watch: tests/test-panic-watch.c host/panic-watch.c \
		host/panic-watch.h tests/unit.h tests/console.mk
	@mkdir -p $(HOST_BUILD)
	$(HOSTCC) $(HOST_CFLAGS) -o $@ tests/test-panic-watch.c host/panic-watch.c

CONSOLE_TESTS := $(HOST_BUILD)/test-console $(HOST_BUILD)/test-console-tsan \
	$(HOST_BUILD)/test-panic-watch
