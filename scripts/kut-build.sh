#!/bin/bash
# Build kvm-unit-tests' arm64 tests for kvmtool's memory map, which lkvm
# shares, from the source tarball beside the checkout (docs/testing.md,
# "kvm-unit-tests' runner"). Nothing is rebuilt when the build is there
# and the tarball has not changed.
#
# Usage: scripts/kut-build.sh
# Env:
#   KUT_TARBALL=file   the source (default ../shared/peers/kvm-unit-tests-*.tar.gz)
#   KUT_DIR=dir        where to build (default build/kut): the source is
#                      unpacked in dir/src, the out-of-tree build is dir/arm64
#   CROSS_PREFIX=...   (default aarch64-linux-gnu- on non-arm64 machines)
#
# The build folder is what the emulated host runs the runner in:
# config.mak (TARGET=kvmtool, PRETTY_PRINT_STACKS=no), run_tests.sh,
# scripts/, arm/run, arm/unittests.cfg, arm/*.flat, build-head.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
KUT_DIR=${KUT_DIR:-$ROOT/build/kut}
if [ -z "${KUT_TARBALL:-}" ]; then
	KUT_TARBALL=$(ls "$ROOT"/../shared/peers/kvm-unit-tests-*.tar.gz 2>/dev/null | head -n 1 || true)
fi
case "$(uname -m)" in
aarch64|arm64) CROSS_PREFIX=${CROSS_PREFIX-} ;;
*) CROSS_PREFIX=${CROSS_PREFIX-aarch64-linux-gnu-} ;;
esac

die() { echo "kut-build: $*" >&2; exit 1; }

[ -n "$KUT_TARBALL" ] && [ -r "$KUT_TARBALL" ] \
	|| die "no kvm-unit-tests tarball (looked for ../shared/peers/kvm-unit-tests-*.tar.gz); set KUT_TARBALL=file"
command -v "${CROSS_PREFIX}gcc" >/dev/null || die "${CROSS_PREFIX}gcc not found; run scripts/setup-deps.sh"

src=$KUT_DIR/src
out=$KUT_DIR/arm64
stamp=$out/.built-from
want="$(basename "$KUT_TARBALL") $(stat -c '%s %Y' "$KUT_TARBALL")"
if [ -r "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && ls "$out"/arm/*.flat >/dev/null 2>&1; then
	echo "kut-build: cached in $out ($(basename "$KUT_TARBALL"))"
	exit 0
fi

echo "kut-build: building $(basename "$KUT_TARBALL") in $out"
rm -rf "$src" "$out"
mkdir -p "$src" "$out"
tar -xzf "$KUT_TARBALL" -C "$src" --strip-components=1
[ -x "$src/configure" ] || die "$KUT_TARBALL has no configure at its top"

# Out of tree: configure from the empty build folder. PRETTY_PRINT_STACKS
# would want python3 in the emulated host; the stacks are not needed.
(cd "$out" && "$src/configure" --arch=arm64 --cross-prefix="$CROSS_PREFIX" \
	--target=kvmtool --disable-pretty-print-stacks) >"$KUT_DIR/configure.log" 2>&1 \
	|| { tail -n 20 "$KUT_DIR/configure.log" >&2; die "configure failed (log: $KUT_DIR/configure.log)"; }
grep -qx 'PRETTY_PRINT_STACKS=no' "$out/config.mak" || die "config.mak lacks PRETTY_PRINT_STACKS=no"
grep -qx 'TARGET=kvmtool' "$out/config.mak" || die "config.mak lacks TARGET=kvmtool"

jobs=$(nproc 2>/dev/null || echo 2)
make -C "$out" -j"$jobs" >"$KUT_DIR/make.log" 2>&1 \
	|| { tail -n 20 "$KUT_DIR/make.log" >&2; die "make failed (log: $KUT_DIR/make.log)"; }
# The tarball has no history, and git run in the unpacked source would
# name the checkout around it: build-head gets the commit that the
# tarball's name carries (kvm-unit-tests-<commit>.tar.gz), or nothing.
commit=$(basename "$KUT_TARBALL" .tar.gz)
commit=${commit##*-}
[[ $commit =~ ^[0-9a-f]{7,40}$ ]] || commit=
echo "$commit" >"$out/build-head"
ls "$out"/arm/*.flat >/dev/null 2>&1 || die "make built no arm/*.flat"
echo "$want" >"$stamp"
echo "kut-build: $(ls "$out"/arm/*.flat | wc -l) tests in $out/arm"
