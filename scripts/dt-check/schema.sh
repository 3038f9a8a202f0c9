# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# The validation against the Linux kernel's bindings, for
# scripts/dt-check.sh, which sources it: the bindings extracted once
# into the asset cache, processed into one schema, and dt-validate run
# on the DTBs.

# Kernel bindings the generated nodes fall under. What they $ref is found
# and extracted too (bindings_missing below).
# shellcheck disable=SC2054
BINDING_ROOTS=(
	arm/linux,dummy-virt.yaml	# the root node
	arm/cpus.yaml
	arm/psci.yaml
	timer/arm,arch_timer.yaml
	arm/pmu.yaml			# --pmu
	interrupt-controller/arm,gic.yaml
	interrupt-controller/arm,gic-v3.yaml
	serial/8250.yaml
	serial/serial.yaml		# $ref'd by 8250.yaml
	virtio/mmio.yaml		# -d, --rng, --console virtio
	virtio/virtio-device.yaml	# $ref'd by mmio.yaml
	pci/host-generic-pci.yaml	# --virtio-transport=pci
	power/power-domain.yaml		# $ref'd by psci.yaml
)
SOURCE_PKG=linux-source-6.1

# Compatibles no 6.1 binding documents that are accepted anyway
# (dt-validate -m reports them). Every other node lkvm writes has a
# binding, the CPU nodes included ("arm,armv8", arm/cpus.yaml). kvmtool's
# RTC is an MC146818, whose binding (rtc/motorola,mc146818.yaml) came
# after 6.1; check_rtc asserts its node instead.
UNDOCUMENTED_OK=(motorola,mc146818)

# dt-schema's own schemas ($ref /schemas/types.yaml, ...), found with the
# Python that runs dt-validate.
dtschema_core() {
	local py

	py=$(sed -n '1s/^#! *//p' "$(command -v dt-validate)")
	${py:-python3} -c 'import dtschema, os; print(os.path.join(os.path.dirname(dtschema.__file__), "schemas"))'
}

# The binding files (relative to the bindings root) that the present ones
# $ref and that are neither present nor part of dt-schema's core schemas.
bindings_missing() {
	local core f ref dir

	core=$(dtschema_core)
	for f in "${BINDING_ROOTS[@]}"; do
		[ -f "$BINDINGS/$f" ] || echo "$f"
	done
	while IFS= read -r f; do
		dir=$(dirname "${f#"$BINDINGS"/}")
		# shellcheck disable=SC2016
		grep -ho '\$ref: *["'"'"']\{0,1\}[^"'"'"'#]*\.yaml' "$f" |
			sed 's/^\$ref: *["'"'"']\{0,1\}//' |
		while IFS= read -r ref; do
			case "$ref" in
			http*) continue ;;
			/schemas/*) ref=${ref#/schemas/}
				[ -f "$core/$ref" ] && continue ;;
			*) ref=$(realpath -m --relative-to="$BINDINGS" "$BINDINGS/$dir/$ref") ;;
			esac
			[ -f "$BINDINGS/$ref" ] || echo "$ref"
		done
	done < <(find "$BINDINGS" -name '*.yaml' 2>/dev/null)
}

fetch_source_pkg() {	# fetch_source_pkg TMPDIR: the kernel tarball's path
	local tmp=$1 deb

	if ! apt-cache policy "$SOURCE_PKG" 2>/dev/null | awk '/Candidate:/ && $2 != "(none)" { f = 1 } END { exit !f }'; then
		[ "$(id -u)" = 0 ] || die "$SOURCE_PKG is unknown to apt; run apt-get update"
		echo "dt-check: $SOURCE_PKG unknown to apt; running apt-get update" >&2
		apt-get update -q >/dev/null
	fi
	(cd "$tmp" && apt-get download -q -o APT::Sandbox::User=root "$SOURCE_PKG" >&2) ||
		die "apt-get download $SOURCE_PKG failed"
	deb=$(ls "$tmp"/"$SOURCE_PKG"_*.deb)
	dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$tmp" --wildcards '*/linux-source-*.tar.xz'
	rm -f "$deb"
	basename "$deb" .deb > "$tmp/version"
	find "$tmp" -name 'linux-source-*.tar.xz' | head -n 1
}

# Extracts the bindings lkvm's nodes fall under, and what they $ref, into
# $BINDINGS. Nothing is downloaded when they are all there already.
ensure_bindings() {
	local tmp tarball missing pats f round=0 t0=$SECONDS

	mkdir -p "$BINDINGS"
	missing=$(bindings_missing | sort -u)
	if [ -z "$missing" ]; then
		echo "dt-check: bindings cached in $BINDINGS ($(cat "$BINDINGS/.source" 2>/dev/null || echo unknown source))"
		return
	fi
	command -v apt-get > /dev/null || die "apt-get not found: cannot fetch $SOURCE_PKG"
	echo "dt-check: extracting the kernel's bindings from $SOURCE_PKG into $BINDINGS (once)"
	tmp=$(mktemp -d "$ASSETS/.bindings.XXXXXX")
	# shellcheck disable=SC2064
	trap "rm -rf '$tmp'" EXIT
	tarball=$(fetch_source_pkg "$tmp")
	[ -n "$tarball" ] || die "no kernel tarball in $SOURCE_PKG"
	while [ -n "$missing" ]; do
		round=$((round + 1))
		[ $round -le 5 ] || die "bindings still missing after 5 rounds: $missing"
		pats=()
		for f in $missing; do
			pats+=("*/Documentation/devicetree/bindings/$f")
		done
		# --touch: newer than the processed schema, which is then remade.
		tar -xJf "$tarball" -C "$BINDINGS" --touch --strip-components=4 --wildcards "${pats[@]}" ||
			die "cannot extract from $tarball: $missing"
		missing=$(bindings_missing | sort -u)
	done
	cat "$tmp/version" > "$BINDINGS/.source"
	rm -rf "$tmp"
	trap - EXIT
	echo "dt-check: bindings extracted in $((SECONDS - t0)) s ($(find "$BINDINGS" -name '*.yaml' | wc -l) files)"
}

ensure_schema() {
	mkdir -p "$SCHEMA_DIR"
	if [ -s "$PROCESSED" ] && [ -z "$(find "$BINDINGS" -name '*.yaml' -newer "$PROCESSED")" ]; then
		return
	fi
	dt-mk-schema -j -o "$PROCESSED.tmp" "$BINDINGS" > "$SCHEMA_DIR/dt-mk-schema.log" 2>&1 ||
		{ cat "$SCHEMA_DIR/dt-mk-schema.log" >&2; die "dt-mk-schema failed"; }
	if [ -s "$SCHEMA_DIR/dt-mk-schema.log" ]; then
		cat "$SCHEMA_DIR/dt-mk-schema.log" >&2
		die "dt-mk-schema reported problems with the bindings (above)"
	fi
	mv "$PROCESSED.tmp" "$PROCESSED"
}

is_undocumented_ok() {
	local c

	for c in "${UNDOCUMENTED_OK[@]}"; do
		[ "$1" = "['$c']" ] && return 0
	done
	return 1
}

# Validates the DTBs given in one dt-validate run (it loads the schema
# once) and turns its stderr into one check per DTB. dt-validate exits 0
# whatever it finds, so its messages are what counts. -m makes it name
# the compatibles no binding matches; those not in UNDOCUMENTED_OK fail.
validate() {
	local log=${VALIDATE_LOG:-$OUT/dt-validate.log} rc=0 f msgs compat c bad stray

	dt-validate -m -s "$PROCESSED" "$@" > "$log" 2>&1 || rc=$?
	[ $rc -eq 0 ] || notok schema.run "dt-validate exited with $rc"
	for f in "$@"; do
		# This DTB's messages, "From schema: S" folded in as "[S]".
		msgs=$(awk -v f="$f" -v b="$BINDINGS/" '
			function flush() { if (m != "") print m; m = "" }
			index($0, f ":") == 1 {
				flush()
				m = substr($0, length(f) + 2)
				sub(/^ +/, "", m)
				keep = 1
				next
			}
			/^\t/ && keep {
				s = $0
				sub(/^\tFrom schema: /, "", s)
				sub(/^\t/, "", s)
				if (index(s, b) == 1)
					s = substr(s, length(b) + 1)
				m = m " [" s "]"
				next
			}
			{ flush(); keep = 0 }
			END { flush() }' "$log")
		compat=$(sed -n 's/.*failed to match any schema with compatible: //p' <<< "$msgs" | sort -u)
		msgs=$(grep -v 'failed to match any schema with compatible' <<< "$msgs" || true)
		bad=0
		while IFS= read -r c; do
			[ -n "$c" ] || continue
			is_undocumented_ok "$c" && continue
			msgs+=$'\n'"no binding matches compatible $c"
		done <<< "$compat"
		while IFS= read -r c; do
			[ -n "$c" ] || continue
			echo "# $(basename "$f"): $c"
			bad=1
		done <<< "$msgs"
		if [ $bad = 0 ]; then
			ok "schema:$(basename "$f")"
		else
			notok "schema:$(basename "$f")" "dt-validate reports the problems above"
		fi
	done
	# Lines about none of the DTBs: dt-validate itself went wrong.
	stray=$(printf '%s\n' "$@" | awk '
		NR == FNR { files[++n] = $0; next }
		/^\t/ { next }
		{ for (i = 1; i <= n; i++) if (index($0, files[i] ":") == 1) next; print }' - "$log")
	[ -z "$stray" ] || notok schema.run "dt-validate: $(tr '\n' ' ' <<< "$stray")"
}
