#!/bin/sh
# Prints lkvm's version. In a git checkout of lkvm: the nearest vX.Y.Z tag
# as `git describe` gives it, without the "v" (0.1.0, 0.1.0-3-gabc1234,
# with -dirty for uncommitted changes). Anywhere else (a tarball, a copy
# of the tree, no git, no tag yet): debian/changelog's version, the one
# that is checked in, so that a build never reports a bare commit hash.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd -P)

# Only lkvm's own repository: a copy of the tree inside another checkout
# (the package check builds from one under build/) would describe that.
top=$(git -C "$root" rev-parse --show-toplevel 2>/dev/null || true)
if [ "$top" = "$root" ] &&
   v=$(git -C "$root" describe --tags --match 'v[0-9]*' --dirty 2>/dev/null); then
	echo "${v#v}"
	exit 0
fi
# "lkvm (0.1.0) unstable; urgency=medium": the upstream part of the version.
v=$(sed -n '1s/^[^ ]* (\([^)]*\)).*/\1/p' "$root/debian/changelog")
[ -n "$v" ] || { echo "version.sh: no version in $root/debian/changelog" >&2; exit 1; }
echo "${v%%-*}"
