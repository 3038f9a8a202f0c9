#!/bin/bash
# make package-test: what a user installs, checked. `make install` into a
# scratch root (the binary, its man page and bash completion, then `make
# uninstall`), the help of every command, the man page against lkvm's own
# help, and the Debian package: built from a copy of the tree (arm64,
# cross-built off arm64), inspected with dpkg-deb, unpacked with dpkg -x and
# its lkvm run (under qemu-aarch64-static off arm64). Everything it makes
# is under build/package-test/; the source tree is left as it was.
# Ends with "package: N passed, N failed" (docs/testing.md).
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd -P)
OUT=$ROOT/build/package-test
cd "$ROOT" || exit 1

run=()
deb_opts=(-b -uc -us -Jauto)
# make check is the test suite, not a build-time test (debian/rules).
deb_env=(DEB_BUILD_OPTIONS="nocheck ${DEB_BUILD_OPTIONS:-}")
if [ "$(uname -m)" != aarch64 ]; then
	run=(qemu-aarch64-static)
	deb_opts+=(-aarm64 -Pcross)
	# The compiler dpkg-architecture checks the host type against.
	deb_env+=(CC=aarch64-linux-gnu-gcc)
fi

passed=0
failed=0
start=$SECONDS

pass() {
	echo "PASS $1"
	passed=$((passed + 1))
}

# fail NAME REASON [DETAIL...]: details become "  | " lines, as make check
# repeats them in its closing recap.
fail() {
	local name=$1 why=$2 l

	shift 2
	echo "FAIL $name: $why"
	for l in "$@"; do
		printf '%s\n' "$l" | head -n 20 | sed 's/^/  | /'
	done
	failed=$((failed + 1))
}

finish() {
	echo "package-test: wall time $((SECONDS - start)) s"
	echo "package: $passed passed, $failed failed"
	[ "$failed" -eq 0 ]
	exit
}

lkvm_run() {
	"${run[@]}" "$@"
}

check_tools() {
	local t missing=()

	for t in dpkg-buildpackage dh dpkg-deb dpkg-query groff man readelf lintian \
		 ${run[@]+"${run[@]}"}; do
		command -v "$t" >/dev/null || missing+=("$t")
	done
	if [ "${#missing[@]}" -ne 0 ]; then
		fail tools "missing ${missing[*]}; run scripts/setup-deps.sh (as root)"
		finish
	fi
	pass tools
}

# The debian/ leftovers and ../lkvm_* a build in the tree itself would leave.
tree_state() {
	git status --porcelain --ignored --untracked-files=all -- debian 2>/dev/null
	ls -d "$ROOT"/../lkvm_* "$ROOT"/../lkvm-dbgsym_* 2>/dev/null
}

# The version lkvm reports: the tag's, or the changelog's until there is one.
check_version() {
	local out tag changelog

	expected=$(scripts/version.sh)
	out=$(lkvm_run ./lkvm --version 2>&1)
	if [[ ! $expected =~ ^[0-9]+\.[0-9]+ ]]; then
		fail version "scripts/version.sh printed '$expected', not a version number"
	elif [ "$out" != "lkvm version $expected" ]; then
		fail version "./lkvm --version printed '$out', expected 'lkvm version $expected'"
	else
		pass "version ($expected)"
	fi
	changelog=$(sed -n '1s/^[^ ]* (\([^)]*\)).*/\1/p' debian/changelog)
	tag=$(git describe --tags --abbrev=0 --match 'v[0-9]*' 2>/dev/null) || {
		pass "version-tag (no vX.Y.Z tag yet: debian/changelog's $changelog)"
		return
	}
	if [ "${tag#v}" != "${changelog%%-*}" ]; then
		fail version-tag "the latest tag is $tag but debian/changelog says $changelog;" \
			"add a changelog entry for ${tag#v} (dch -v ${tag#v})"
	else
		pass "version-tag ($tag, as debian/changelog)"
	fi
}

# Every command answers lkvm help NAME and lkvm NAME --help.
check_help() {
	local c out bad=()

	commands=$(lkvm_run ./lkvm help | awk '/^   [a-z]/ { print $1 }')
	for c in $commands; do
		out=$(lkvm_run ./lkvm help "$c" 2>&1) &&
			grep -q "usage: lkvm $c" <<<"$out" || bad+=("lkvm help $c: $out")
		out=$(lkvm_run ./lkvm "$c" --help 2>&1) &&
			grep -q "usage: lkvm $c" <<<"$out" || bad+=("lkvm $c --help: $out")
	done
	if [ -z "$commands" ] || [ "${#bad[@]}" -ne 0 ]; then
		fail help "a command without its help" "${bad[@]}"
	else
		pass "help (${commands//$'\n'/ })"
	fi
}

# "-k, --kernel" or "--irqchip": how the man page's OPTIONS tags begin.
run_option_tags() {
	lkvm_run ./lkvm run --help | awk '
		$1 !~ /^-/ { next }
		$1 ~ /^-.,$/ { print $1 " " $2; next }
		{ print $1 }'
}

install_tree() {
	local dest=$OUT/install f log

	log=$(make -s install DESTDIR="$dest" PREFIX=/usr/local 2>&1) ||
		{ fail install "make install failed" "$log"; return 1; }
	for f in bin/lkvm:755 lib/lkvm/lkvm-net-user:755 share/man/man1/lkvm.1:644 \
		 share/bash-completion/completions/lkvm:644; do
		if [ "$(stat -c %a "$dest/usr/local/${f%:*}" 2>/dev/null)" != "${f#*:}" ]; then
			fail install "usr/local/${f%:*} missing or not mode ${f#*:}" \
				"$(cd "$dest" && find . | sort)"
			return 1
		fi
	done
	f=$(lkvm_run "$dest/usr/local/bin/lkvm" --version 2>&1)
	[ "$f" = "lkvm version $expected" ] ||
		{ fail install "the installed lkvm printed '$f'"; return 1; }
	pass "install (bin/lkvm, lib/lkvm/lkvm-net-user, man1/lkvm.1, completions/lkvm under usr/local)"
}

check_man() {
	local page=$1 warn text tag section missing=() stale=()

	warn=$(groff -man -Tutf8 -ww -z "$page" 2>&1)
	text=$(LC_ALL=C.UTF-8 MANWIDTH=200 man -l "$page" 2>&1 | col -b)
	if [ -n "$warn" ] || ! grep -q '^NAME' <<<"$text"; then
		fail man-render "groff -ww or man -l complains" "$warn" "$text"
	else
		pass "man-render (groff -ww, man -l: no warnings)"
	fi
	for c in $commands; do
		grep -qE "^ {7}$c( |$)" <<<"$text" || missing+=("command $c")
	done
	while read -r tag; do
		grep -qE -- "^ {7}$tag( |$)" <<<"$text" || missing+=("option $tag")
	done < <(run_option_tags)
	# And nothing the binary no longer has.
	section=$(awk '/^OPTIONS$/ { on = 1; next } /^[A-Z]/ { on = 0 } on' <<<"$text")
	for tag in $(grep -oE '^ {7}(-., )?--[a-z0-9-]+' <<<"$section" | grep -oE -- '--[a-z0-9-]+'); do
		run_option_tags | grep -qE -- "(^|, )$tag$" || stale+=("$tag")
	done
	if [ "${#missing[@]}" -ne 0 ] || [ "${#stale[@]}" -ne 0 ]; then
		fail man-options "docs/lkvm.1 and lkvm's help disagree" \
			"${missing[@]/#/not in the man page: }" "${stale[@]/#/not in lkvm run --help: }"
	else
		pass "man-options (every command and run option, and no others)"
	fi
	check_man_env "$text"
}

# The variables of docs/usage.md's Environment table, in ENVIRONMENT.
check_man_env() {
	local v missing=()

	for v in LKVM_HOME $(sed -n '/^## Environment/,/^## /s/^| `\(LKVM_[A-Z0-9_]*\).*/\1/p' docs/usage.md); do
		grep -qE "^ {7}$v(=| |$)" <<<"$1" || missing+=("$v")
	done
	if [ "${#missing[@]}" -ne 0 ]; then
		fail man-env "docs/usage.md's variables missing from the man page: ${missing[*]}"
	else
		pass "man-env (docs/usage.md's environment variables)"
	fi
}

# Runs the completion function on WORDS, in a bash of its own, with lkvm
# the installed binary (under qemu-user where needed). Prints COMPREPLY.
complete_words() {
	local file=$1 dir=$2

	shift 2
	(cd "$dir" && LKVM_HOME=$dir/sockets bash -c '
		lkvm() { '"${run[*]:-}"' "$LKVM_BIN" "$@"; }
		source "$0" || exit 1
		COMP_WORDS=("$@")
		COMP_CWORD=$(($# - 1))
		_lkvm
		printf "%s\n" "${COMPREPLY[@]}"' "$file" "$@")
}

check_completion() {
	local file=$1 dir=$OUT/completion got want bad=()

	mkdir -p "$dir/sockets"
	: >"$dir/Image-test"
	python3 -c 'import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' \
		"$dir/sockets/web-1.sock"
	export LKVM_BIN=$OUT/install/usr/local/bin/lkvm
	got=$(complete_words "$file" "$dir" lkvm "" | sort)
	want=$(sort <<<"$commands")
	[ "$got" = "$want" ] || bad+=("lkvm <TAB>: '${got//$'\n'/ }', expected '${want//$'\n'/ }'")
	got=$(complete_words "$file" "$dir" lkvm run -- | sort)
	want=$(run_option_tags | grep -oE -- '--[a-z0-9-]+$' | sort)
	[ "$got" = "$want" ] || bad+=("lkvm run --<TAB>: '${got//$'\n'/ }'")
	got=$(complete_words "$file" "$dir" lkvm run -k Image-)
	[ "$got" = Image-test ] || bad+=("lkvm run -k Image-<TAB>: '$got'")
	got=$(complete_words "$file" "$dir" lkvm run --disk = Image-)
	[ "$got" = Image-test ] || bad+=("lkvm run --disk=Image-<TAB>: '$got'")
	got=$(complete_words "$file" "$dir" lkvm run --irqchip gic | sort | xargs)
	[ "$got" = "gicv2 gicv2m gicv3 gicv3-its" ] || bad+=("lkvm run --irqchip gic<TAB>: '$got'")
	got=$(complete_words "$file" "$dir" lkvm stop -n "")
	[ "$got" = web-1 ] || bad+=("lkvm stop -n <TAB>: '$got' (a VM's socket is there)")
	got=$(complete_words "$file" "$dir" lkvm setup -n "")
	[ -z "$got" ] || bad+=("lkvm setup -n <TAB>: '$got' (a new name: nothing to offer)")
	if [ "${#bad[@]}" -ne 0 ]; then
		fail completion "bash completion" "${bad[@]}"
	else
		pass "completion (commands, run's options, files for -k/--disk, values, VM names)"
	fi
}

uninstall_tree() {
	local log left

	log=$(make -s uninstall DESTDIR="$OUT/install" PREFIX=/usr/local 2>&1) ||
		{ fail uninstall "make uninstall failed" "$log"; return; }
	left=$(find "$OUT/install" -type f)
	if [ -n "$left" ]; then
		fail uninstall "files left behind" "$left"
	else
		pass uninstall
	fi
}

# A copy of the source (tracked and new files, not build/ nor ignored
# ones): dpkg-buildpackage cleans its tree and writes next to it.
copy_source() {
	local dest=$1

	mkdir -p "$dest"
	if git rev-parse --show-toplevel >/dev/null 2>&1; then
		git ls-files -z --cached --others --exclude-standard |
			while IFS= read -r -d '' f; do
				[ -e "$f" ] && printf '%s\0' "$f"
			done | tar --null -T - -cf - | tar -xf - -C "$dest"
	else
		tar --exclude=./build --exclude=./lkvm -cf - . | tar -xf - -C "$dest"
	fi
}

build_deb() {
	local src=$OUT/deb/lkvm-$pkgver t0=$SECONDS log=$OUT/dpkg-buildpackage.log

	copy_source "$src" || { fail deb-build "cannot copy the source tree"; return 1; }
	# Not the outer make's jobserver and flags: dpkg-buildpackage runs its own.
	if ! (cd "$src" && env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL "${deb_env[@]}" \
		dpkg-buildpackage "${deb_opts[@]}") >"$log" 2>&1; then
		fail deb-build "dpkg-buildpackage ${deb_opts[*]} failed (log: $log)" \
			"$(tail -n 20 "$log")"
		return 1
	fi
	deb=$OUT/deb/lkvm_${pkgver}_arm64.deb
	[ -f "$deb" ] || { fail deb-build "no $deb" "$(ls "$OUT/deb")"; return 1; }
	pass "deb-build (dpkg-buildpackage ${deb_opts[*]}, $((SECONDS - t0)) s)"
}

check_deb_fields() {
	local arch ver deps sbu lib missing=()

	arch=$(dpkg-deb -f "$deb" Architecture)
	ver=$(dpkg-deb -f "$deb" Version)
	deps=$(dpkg-deb -f "$deb" Depends)
	sbu=$(dpkg-deb -f "$deb" Built-Using)
	# lkvm is static; lkvm-net-user is linked dynamically against
	# libslirp (docs/network.md): dpkg-shlibdeps names its libraries.
	for lib in libc6 libslirp0; do
		grep -qE "(^|, )$lib( |,|$)" <<<"$deps" || missing+=("$lib")
	done
	if [ "$arch" != arm64 ] || [ "$ver" != "$pkgver" ]; then
		fail deb-fields "Architecture '$arch', Version '$ver': expected arm64, $pkgver" \
			"$(dpkg-deb -I "$deb")"
	elif [ "${#missing[@]}" -ne 0 ]; then
		fail deb-fields "Depends lacks ${missing[*]}: '$deps'"
	elif ! grep -q 'device-tree-compiler' <<<"$sbu"; then
		fail deb-fields "Built-Using '$sbu' does not name libfdt's source"
	elif ! grep -q 'zlib' <<<"$sbu"; then
		fail deb-fields "Built-Using '$sbu' does not name zlib's source"
	else
		pass "deb-fields (arm64, $ver, Depends: $deps, Built-Using: $sbu)"
	fi
}

check_deb_files() {
	local list f missing=()

	list=$(dpkg-deb -c "$deb" | awk '{ print $6 }')
	for f in ./usr/bin/lkvm ./usr/lib/lkvm/lkvm-net-user ./usr/share/man/man1/lkvm.1.gz \
		 ./usr/share/bash-completion/completions/lkvm \
		 ./usr/share/doc/lkvm/copyright ./usr/share/doc/lkvm/changelog.gz; do
		grep -qxF "$f" <<<"$list" || missing+=("$f")
	done
	if grep -q '^\./usr/local' <<<"$list"; then
		fail deb-files "files under /usr/local" "$list"
	elif [ "${#missing[@]}" -ne 0 ]; then
		fail deb-files "missing ${missing[*]}" "$list"
	else
		pass "deb-files (binary, its network helper, man page, completion, copyright, changelog)"
	fi
}

check_deb_run() {
	local root=$OUT/deb/root bin out elf helper

	rm -rf "$root"
	dpkg -x "$deb" "$root" || { fail deb-run "dpkg -x failed"; return; }
	bin=$root/usr/bin/lkvm
	elf=$(readelf -hl "$bin" 2>&1)
	helper=$(readelf -hl "$root/usr/lib/lkvm/lkvm-net-user" 2>&1)
	out=$(lkvm_run "$bin" --version 2>&1)
	if ! grep -q 'AArch64' <<<"$elf" || grep -q 'INTERP' <<<"$elf"; then
		fail deb-run "usr/bin/lkvm is not a static arm64 binary" "$elf"
	elif ! grep -q 'AArch64' <<<"$helper" || ! grep -q 'ld-linux-aarch64.so.1' <<<"$helper"; then
		fail deb-run "usr/lib/lkvm/lkvm-net-user is not a dynamically linked arm64 binary" "$helper"
	elif [ "$out" != "lkvm version $pkgver" ]; then
		fail deb-run "${run[*]:+${run[*]} }usr/bin/lkvm --version printed '$out'," \
			"expected 'lkvm version $pkgver'"
	elif ! LC_ALL=C.UTF-8 man -l "$root/usr/share/man/man1/lkvm.1.gz" 2>&1 | grep -q '^NAME'; then
		fail deb-run "the packaged man page does not render"
	else
		pass "deb-run (${run[*]:+${run[*]} }usr/bin/lkvm --version: $out)"
	fi
}

# Debian's own checks of the built packages: errors and warnings fail
# (debian/lkvm.lintian-overrides says why lkvm is static).
check_lintian() {
	local out rc

	out=$(lintian --fail-on error,warning --tag-display-limit 0 "$OUT"/deb/*.changes 2>&1)
	rc=$?
	out=$(grep -v '^running with root privileges' <<<"$out")
	if [ "$rc" -ne 0 ]; then
		fail deb-lintian "lintian reports errors or warnings" "$out"
	else
		pass "deb-lintian (no errors, no warnings)"
	fi
}

main() {
	local before after

	check_tools
	before=$(tree_state)
	rm -rf "$OUT"
	mkdir -p "$OUT"
	check_version
	check_help
	pkgver=$(dpkg-parsechangelog -l debian/changelog -S Version)
	if install_tree; then
		check_man "$OUT/install/usr/local/share/man/man1/lkvm.1"
		check_completion "$OUT/install/usr/local/share/bash-completion/completions/lkvm"
		uninstall_tree
	fi
	if build_deb; then
		check_deb_fields
		check_deb_files
		check_deb_run
		check_lintian
	fi
	after=$(tree_state)
	if [ "$before" != "$after" ]; then
		fail tree-clean "the package build left files in the source tree" "$after"
	else
		pass "tree-clean (nothing new in debian/ or beside the tree)"
	fi
	finish
}

main
