# SPDX-License-Identifier: GPL-2.0
#
# Host-side tests of the userspace GICv2 model (gic/ugic-*.c).
# Included by the top-level Makefile; runs from the repository top.
#
#   make ugic-test   unit tests under AddressSanitizer and UBSan
#   make ugic-tsan   multi-threaded stress test under ThreadSanitizer

HOSTCC ?= cc
UGIC_BUILD := build/host

UGIC_CFLAGS := -std=gnu11 -Wall -Wextra -Werror -O1 -g -I. -pthread
UGIC_ASAN := -fsanitize=address,undefined -fno-sanitize-recover=all
UGIC_TSAN := -fsanitize=thread

UGIC_SRCS := gic/ugic-core.c gic/ugic-dist.c gic/ugic-cpuif.c
UGIC_HDRS := gic/ugic.h gic/ugic-internal.h devices/mmio.h gic/ugic-snap.h \
	gic/gicv2-state.h lib/snapshot.h
UGIC_TEST_SRCS := tests/test-ugic.c tests/test-ugic-harness.c \
	tests/test-ugic-lifecycle.c tests/test-ugic-dist.c \
	tests/test-ugic-access.c tests/test-ugic-cpuif.c \
	tests/test-ugic-prio.c tests/test-ugic-irq.c tests/test-ugic-sgi.c \
	tests/test-ugic-snap.c gic/ugic-snap.c gic/gicv2-state.c lib/snapshot.c

$(UGIC_BUILD)/test-ugic: $(UGIC_SRCS) $(UGIC_TEST_SRCS) $(UGIC_HDRS) \
		tests/test-ugic.h tests/ugic.mk
	@mkdir -p $(UGIC_BUILD)
	$(HOSTCC) $(UGIC_CFLAGS) $(UGIC_ASAN) -o $@ $(UGIC_SRCS) \
		$(UGIC_TEST_SRCS)

$(UGIC_BUILD)/test-ugic-threads: $(UGIC_SRCS) tests/test-ugic-threads.c \
		$(UGIC_HDRS) tests/ugic.mk
	@mkdir -p $(UGIC_BUILD)
	$(HOSTCC) $(UGIC_CFLAGS) $(UGIC_TSAN) -o $@ $(UGIC_SRCS) \
		tests/test-ugic-threads.c

ugic-test: $(UGIC_BUILD)/test-ugic
	$(UGIC_BUILD)/test-ugic

ugic-tsan: $(UGIC_BUILD)/test-ugic-threads
	$(UGIC_BUILD)/test-ugic-threads

.PHONY: ugic-test ugic-tsan
