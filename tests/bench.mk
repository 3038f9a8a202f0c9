# SPDX-License-Identifier: GPL-2.0
#
# make bench: lkvm and kvmtool side by side in one emulated arm64 host
# (scripts/bench.sh, docs/performance.md). PEER=path names the kvmtool
# binary (static arm64); without it lkvm is measured alone.
#
#   make bench-tools   only the helpers and guests, in build/bench/

BENCH_OUT = $(BUILD)/bench
BENCH_OBJCOPY = $(CROSS_COMPILE)objcopy
BENCH_TOOLS = $(BENCH_OUT)/rusage-run $(BENCH_OUT)/noop $(BENCH_OUT)/bare-vm \
	$(BENCH_OUT)/blkbench $(BENCH_OUT)/snap-probe $(BENCH_OUT)/sharebench
BENCH_GUESTS = $(BENCH_OUT)/console.bin $(BENCH_OUT)/mmio-null.bin $(BENCH_OUT)/idle.bin

# The helpers run in the emulated host's busybox initramfs: static.
BENCH_CFLAGS = -std=gnu11 -O2 -Wall -Wextra -Werror -D_GNU_SOURCE -I.
# The guests are runtime-free Images: the guest-tests header and
# linker script, nothing else.
BENCH_ASFLAGS = -nostdinc -D__ASSEMBLY__ -march=armv8-a \
	-Iguest-tests/lib/include -Itests/bench
BENCH_GUEST_LDFLAGS = -nostdlib -static -Wl,--build-id=none \
	-Wl,--no-warn-rwx-segments -Wl,-T,guest-tests/lib/guest.lds

bench-tools: $(BENCH_TOOLS) $(BENCH_GUESTS)

$(BENCH_OUT)/%: tests/bench/%.c machine/memmap.h
	@mkdir -p $(@D)
	$(CC) $(BENCH_CFLAGS) -static -o $@ $<

$(BENCH_OUT)/%.elf: tests/bench/%.S tests/bench/bench-guest.h \
		guest-tests/lib/include/image.h guest-tests/lib/guest.lds
	@mkdir -p $(@D)
	$(CC) $(BENCH_ASFLAGS) $(BENCH_GUEST_LDFLAGS) -o $@ $<

$(BENCH_OUT)/%.bin: $(BENCH_OUT)/%.elf
	$(BENCH_OBJCOPY) -O binary $< $@

# The peer defaults to the kvmtool build kept beside the checkout.
PEER ?= $(wildcard ../shared/peers/kvmtool)

bench: lkvm guest-tests bench-tools
	VMM="$(or $(VMM),./lkvm)" PEER="$(PEER)" scripts/bench.sh

.PHONY: bench bench-tools
.SECONDARY: $(BENCH_GUESTS:.bin=.elf)
