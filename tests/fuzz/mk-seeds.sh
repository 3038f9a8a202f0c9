#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Writes the seed corpora in tests/fuzz/corpus/<target>/: a few small
# inputs per target that reach the interesting states at once (what a
# Linux guest does to the 8250 and the GIC, a real Image header, the
# usual command lines). The encodings are documented at the top of
# each tests/fuzz/fuzz-*.c. The output is committed; rerun this after
# changing an encoding. It never deletes: the seeds that are data
# rather than encodings (docs/fuzzing.md) are committed files only.
#
# Usage: tests/fuzz/mk-seeds.sh (from the repository top)
set -euo pipefail

dir=tests/fuzz/corpus
[ -f tests/fuzz/fuzz.h ] || { echo "run from the repository top" >&2; exit 1; }

# ---- byte writers ----

u8() { printf '%b' "\\x$(printf %02x $(($1 & 255)))"; }
le16() { u8 "$1"; u8 $(($1 >> 8)); }
le32() { le16 $(($1 & 0xffff)); le16 $((($1 >> 16) & 0xffff)); }
le64() { le32 $(($1 & 0xffffffff)); le32 $((($1 >> 32) & 0xffffffff)); }

seed() {
	mkdir -p "$dir/$1"
	cat >"$dir/$1/$2"
}

# ---- the seeds, one function per target, in tests/fuzz/seeds/ ----

# shellcheck source=tests/fuzz/seeds/platform.sh
. tests/fuzz/seeds/platform.sh
# shellcheck source=tests/fuzz/seeds/host.sh
. tests/fuzz/seeds/host.sh
# shellcheck source=tests/fuzz/seeds/virtio.sh
. tests/fuzz/seeds/virtio.sh
# shellcheck source=tests/fuzz/seeds/pci.sh
. tests/fuzz/seeds/pci.sh
# shellcheck source=tests/fuzz/seeds/snapshot.sh
. tests/fuzz/seeds/snapshot.sh

seeds_uart
seeds_v2m
seeds_bus
seeds_loader
seeds_options
seeds_control
seeds_ugic
seeds_disk_spec
seeds_virtio_blk
seeds_virtqueue
seeds_virtio_mmio
seeds_panic_watch
seeds_pci
seeds_virtio_pci
seeds_virtio_pci_legacy
seeds_pci_testdev
seeds_msix
seeds_snapshot
seeds_9p
seeds_net_gro

echo "seeds written to $dir/"
