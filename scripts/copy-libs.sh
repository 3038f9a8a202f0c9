#!/bin/bash
# Copy what a dynamically linked arm64 binary needs to run into a staging
# tree (an initramfs for the emulated host): its program interpreter at
# /lib/ld-linux-aarch64.so.1 and every shared library it needs, found
# recursively from the DT_NEEDED entries, under /lib/aarch64-linux-gnu
# (where the loader looks by default). A static binary needs nothing.
#
# Usage: scripts/copy-libs.sh BINARY STAGE_DIR
#   or, sourced: copy_libs BINARY STAGE_DIR

copy_libs_readelf() {
	local re

	for re in aarch64-linux-gnu-readelf readelf; do
		command -v "$re" >/dev/null && { echo "$re"; return 0; }
	done
	echo "copy-libs: no readelf found; run scripts/setup-deps.sh" >&2
	return 1
}

# Where an arm64 library is, in the order the loader's multiarch paths and
# the cross toolchain's sysroot put them.
copy_libs_find() {	# copy_libs_find SONAME
	local d

	for d in /usr/lib/aarch64-linux-gnu /lib/aarch64-linux-gnu /usr/aarch64-linux-gnu/lib; do
		[ -e "$d/$1" ] && { echo "$d/$1"; return 0; }
	done
	return 1
}

copy_libs() {	# copy_libs BINARY STAGE_DIR
	local bin=$1 stage=$2 re todo=() done=" " lib path lib_path

	re=$(copy_libs_readelf) || return 1
	"$re" -l "$bin" 2>/dev/null | grep -q 'program interpreter' || return 0
	mkdir -p "$stage/lib/aarch64-linux-gnu" || return 1
	install -m 0755 "$(readlink -f /lib/ld-linux-aarch64.so.1)" \
		"$stage/lib/ld-linux-aarch64.so.1" || {
		echo "copy-libs: /lib/ld-linux-aarch64.so.1 missing; install libc6:arm64" >&2
		return 1
	}
	todo=("$bin")
	while [ "${#todo[@]}" -gt 0 ]; do
		path=${todo[0]}
		todo=("${todo[@]:1}")
		for lib in $("$re" -d "$path" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
			case "$done" in *" $lib "*) continue ;; esac
			done="$done$lib "
			[ "$lib" = ld-linux-aarch64.so.1 ] && continue
			lib_path=$(copy_libs_find "$lib") || {
				echo "copy-libs: $bin needs $lib, found in none of the arm64 library directories; install its :arm64 package" >&2
				return 1
			}
			install -m 0644 "$(readlink -f "$lib_path")" \
				"$stage/lib/aarch64-linux-gnu/$lib" || return 1
			todo+=("$lib_path")
		done
	done
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	set -uo pipefail
	[ $# -eq 2 ] || { echo "usage: $0 BINARY STAGE_DIR" >&2; exit 2; }
	copy_libs "$1" "$2"
fi
