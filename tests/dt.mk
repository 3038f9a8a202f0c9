# Device tree tests, no KVM needed: tests/test-fdt (arm64, static; run
# under qemu-aarch64-static on other hosts) writes the DTBs lkvm would
# generate for a matrix of machines, and scripts/dt-check.sh checks
# their content and validates them against the kernel's bindings.
# Ends with "dt: N passed, N failed".
#
# Uses CC (the arm64 compiler), CFLAGS, LDLIBS, BUILD and LKVM_OBJS from
# the top Makefile.

DT_BUILD := $(BUILD)/arm64-tests
DT_TEST_FDT := $(DT_BUILD)/test-fdt

# lkvm's objects as an archive: the linker takes only what fdt_build()
# reaches, whichever files that comes to.
DT_LKVM_OBJS := $(filter-out $(BUILD)/arm64/main.o,$(LKVM_OBJS))

$(DT_BUILD)/liblkvm.a: $(DT_LKVM_OBJS)
	@mkdir -p $(dir $@)
	rm -f $@
	$(CROSS_COMPILE)ar rcs $@ $^

$(DT_BUILD)/test-fdt.o: tests/test-fdt.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c -o $@ $<

# Always static: on x86 it runs under qemu-aarch64-static.
$(DT_TEST_FDT): $(DT_BUILD)/test-fdt.o $(DT_BUILD)/liblkvm.a
	$(CC) -static -o $@ $^ $(LDLIBS)

-include $(DT_BUILD)/test-fdt.d

dt-test: $(DT_TEST_FDT)
	scripts/dt-check.sh --build $(BUILD) --test-fdt $(DT_TEST_FDT)

.PHONY: dt-test
