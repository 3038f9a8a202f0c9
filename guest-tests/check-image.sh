#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# check-image.sh READELF ELF: refuse a guest image that head.S could not
# relocate (it applies R_AARCH64_RELATIVE only) or that lost its Image
# header.
set -e
readelf=$1
elf=$2

fail() {
	echo "$elf: $*" >&2
	rm -f "$elf"
	exit 1
}

bad=$("$readelf" -rW "$elf" | awk '/R_AARCH64_/ && $3 != "R_AARCH64_RELATIVE"')
[ -z "$bad" ] || fail "dynamic relocations other than RELATIVE: $bad"

head=$("$readelf" -sW "$elf" | awk '$NF == "_head" { print $2 }')
[ "$head" = "0000000000000000" ] || fail "_head is not at address 0"
