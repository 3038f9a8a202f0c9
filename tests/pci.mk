# SPDX-License-Identifier: GPL-2.0
#
# The PCI host bridge and config space (devices/pci/), and the
# virtio-pci transport on it (devices/virtio/pci*.c), from the
# repository top: ECAM accesses of any width, BAR sizing and moves,
# decoding on and off, clashes, INTx, MSI-X; Linux's virtio_pci_modern probe
# against the toy model, the ISR and the level line, the notify
# ioeventfds following BAR 1; virtio_pci_legacy's on BAR 0's I/O space,
# and every width at every offset of it; the PCI test device (QEMU's
# pci-testdev) with its I/O BAR. Uses HOSTCC, HOST_CFLAGS, HOST_BUILD
# (tests/unit.mk) and the virtio harness of tests/virtio.mk. The host
# has no libfdt: tests/pci-no-fdt.c stands in for devices/pci/host-fdt.c.
#
#   make pci-test   all binaries, run

PCI_SRCS := devices/pci/config.c devices/pci/host.c devices/pci/msix.c devices/pci/pci-snap.c lib/snapshot.c tests/pci-no-fdt.c
PCI_DEPS := $(PCI_SRCS) devices/pci/config.h devices/pci/host.h devices/pci/msix.h devices/msi.h \
	devices/device.h devices/irq-line.h devices/mmio.h tests/unit.h \
	tests/pci.mk

$(HOST_BUILD)/test-pci: tests/test-pci.c $(PCI_DEPS)
	@mkdir -p $(HOST_BUILD)
	$(HOSTCC) $(HOST_CFLAGS) -o $@ tests/test-pci.c $(PCI_SRCS) -lpthread

$(HOST_BUILD)/test-pci-testdev: tests/test-pci-testdev.c devices/pci/pci-testdev.c \
		devices/pci/pci-testdev.h lib/log.c $(PCI_DEPS)
	@mkdir -p $(HOST_BUILD)
	$(HOSTCC) $(HOST_CFLAGS) -o $@ tests/test-pci-testdev.c devices/pci/pci-testdev.c \
		lib/log.c $(PCI_SRCS) -lpthread

$(HOST_BUILD)/test-msix: tests/test-msix.c $(PCI_DEPS)
	@mkdir -p $(HOST_BUILD)
	$(HOSTCC) $(HOST_CFLAGS) -o $@ tests/test-msix.c $(PCI_SRCS) -lpthread

VIRTIO_PCI_TEST_SRCS := tests/test-virtio-pci.c tests/test-virtio-pci-msix.c tests/virtio-pci-rig.c
$(HOST_BUILD)/test-virtio-pci: $(VIRTIO_PCI_TEST_SRCS) tests/virtio-pci-rig.h $(VIRTIO_DEPS) $(PCI_DEPS)
	@mkdir -p $(HOST_BUILD)
	$(HOSTCC) $(HOST_CFLAGS) -o $@ $(VIRTIO_PCI_TEST_SRCS) \
		$(VIRTIO_HARNESS_SRCS) $(VIRTIO_CORE_SRCS) -lpthread

# The I/O thread's INTx against the ISR read, under TSan too.
$(HOST_BUILD)/test-virtio-pci-tsan: $(VIRTIO_PCI_TEST_SRCS) tests/virtio-pci-rig.h $(VIRTIO_DEPS) $(PCI_DEPS)
	@mkdir -p $(HOST_BUILD)
	$(HOSTCC) $(VIRTIO_TSAN_CFLAGS) -o $@ $(VIRTIO_PCI_TEST_SRCS) \
		$(VIRTIO_HARNESS_SRCS) $(VIRTIO_CORE_SRCS) -lpthread

$(HOST_BUILD)/test-virtio-pci-legacy: tests/test-virtio-pci-legacy.c tests/virtio-pci-rig.c tests/virtio-pci-rig.h $(VIRTIO_DEPS) $(PCI_DEPS)
	@mkdir -p $(HOST_BUILD)
	$(HOSTCC) $(HOST_CFLAGS) -o $@ tests/test-virtio-pci-legacy.c tests/virtio-pci-rig.c \
		$(VIRTIO_HARNESS_SRCS) $(VIRTIO_CORE_SRCS) -lpthread

PCI_TESTS := $(HOST_BUILD)/test-pci $(HOST_BUILD)/test-pci-testdev $(HOST_BUILD)/test-msix \
	$(HOST_BUILD)/test-virtio-pci $(HOST_BUILD)/test-virtio-pci-legacy \
	$(HOST_BUILD)/test-virtio-pci-tsan

pci-test: $(PCI_TESTS)
	@scripts/run-unit-tests.sh $^

.PHONY: pci-test
