# kvm-unit-tests' own runner, unchanged, against lkvm in the emulated
# arm64 hosts, GICv3 then GICv2 (scripts/kut-run.sh; docs/testing.md,
# "kvm-unit-tests' runner").
#
#   make kut-test      lkvm alone, part of make check; ends "N passed, N failed"
#   make kut-compare   lkvm and kvmtool (PEER=path) side by side, test by test
#   make kut-build     only the tests' build, build/kut/arm64

kut-build:
	scripts/kut-build.sh

kut-test: lkvm
	VMM=./lkvm scripts/kut-run.sh

kut-compare: lkvm
	VMM=./lkvm PEER="$(PEER)" scripts/kut-run.sh --compare

.PHONY: kut-build kut-test kut-compare

# make clean leaves the downloaded packages (build/kut/debs), as it
# leaves build/assets.
kut-clean:
	rm -rf $(BUILD)/kut/src $(BUILD)/kut/arm64 $(BUILD)/kut/*.cpio \
		$(BUILD)/kut/*.log $(BUILD)/kut/*.txt

clean: kut-clean

.PHONY: kut-clean
