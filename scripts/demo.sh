#!/bin/bash
# Set up everything and boot a Linux guest under lkvm: directly on an arm64
# host with /dev/kvm, inside an emulated arm64 host (QEMU, virtualization on)
# anywhere else. The guest runs its checks, then gives you a shell on the
# console when it is a terminal; "poweroff" ends it and lkvm exits 0.
#
# Usage (as root on a fresh Debian 12): scripts/demo.sh
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"

scripts/setup-deps.sh
scripts/fetch-assets.sh
make lkvm lkvm-net-user
scripts/mk-guest-initramfs.sh build/guest-initramfs.cpio.gz
assets=${LKVM_ASSETS:-$ROOT/build/assets}
# A shell in the guest only for a person at a terminal; otherwise the guest
# runs its checks and powers off, and the demo ends by itself.
shell=0
[ -t 0 ] && shell=1

case "$(uname -m)" in
aarch64|arm64)
	if [ -c /dev/kvm ]; then
		exec ./lkvm run -k "$assets/Image" -i build/guest-initramfs.cpio.gz \
			-c 2 -m 512 -p "quiet lkvm.input=0 lkvm.shell=$shell" --loglevel=info
	fi
	echo "demo: no /dev/kvm on this arm64 machine; using an emulated host" >&2
	;;
esac

VMM=./lkvm scripts/mk-host-initramfs.sh build/demo-host.cpio
echo "demo: booting an emulated arm64 host (QEMU); lkvm starts the guest in it"
echo "demo: in the guest's shell, 'poweroff' ends the demo (QEMU's Ctrl-a x aborts it)"
exec qemu-system-aarch64 -M virt,virtualization=on,gic-version=3 -cpu max -smp 2 -m 2048 \
	-nodefaults -display none -serial mon:stdio \
	-kernel "$assets/Image" -initrd build/demo-host.cpio \
	-append "console=ttyAMA0 quiet lkvm.demo=1 lkvm.demo_shell=$shell" -no-reboot
