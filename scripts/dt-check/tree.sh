# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Reading a decompiled tree, for scripts/dt-check.sh, which sources it.
# dtc's output is regular: one node or property per line. flatten turns
# it into "PATH<tab>PROPERTY<tab>VALUE" lines, with "{}" as the property
# of a node's own line and an empty value for a boolean property;
# load_tree reads that into P. The helpers below return their result in
# REPLY (or an array), not on stdout: a command substitution per
# property would cost a fork each.

flatten() {
	awk '
	function cur(   p, i) {
		if (depth == 1)
			return "/"
		p = ""
		for (i = 2; i <= depth; i++)
			p = p "/" stack[i]
		return p
	}
	{
		line = $0
		sub(/^[ \t]+/, "", line)
		if (line == "" || line == "/dts-v1/;")
			next
		if (line == "};") {
			depth--
			next
		}
		if (match(line, / = /)) {
			val = substr(line, RSTART + 3)
			sub(/;$/, "", val)
			print cur() "\t" substr(line, 1, RSTART - 1) "\t" val
			next
		}
		if (line ~ / \{$/) {
			stack[++depth] = substr(line, 1, length(line) - 2)
			print cur() "\t{}\t"
			next
		}
		if (line ~ /^[^ ]+;$/) {
			print cur() "\t" substr(line, 1, length(line) - 1) "\t"
			next
		}
		print "dt-check: cannot parse: " $0 > "/dev/stderr"
		exit 1
	}' "$1"
}

declare -A P		# "PATH<tab>PROPERTY" -> value as dtc printed it
NODES=()		# node paths, in tree order
TAB=$'\t'

load_tree() {
	local path name val

	P=()
	NODES=()
	while IFS=$'\t' read -r path name val; do
		P["$path$TAB$name"]=$val
		[ "$name" != "{}" ] || NODES+=("$path")
	done < "$1"
}

prop() { REPLY=${P["$1$TAB$2"]-}; }
has_prop() { [ -n "${P["$1$TAB$2"]+x}" ]; }
has_node() { has_prop "$1" "{}"; }

children() {	# children PATH -> KIDS: the names of its direct children
	local pre=$1 n

	[ "$pre" = / ] || pre+=/
	KIDS=()
	for n in "${NODES[@]}"; do
		[[ $n == "$pre"?* ]] || continue
		n=${n#"$pre"}
		[[ $n == */* ]] || KIDS+=("$n")
	done
}

nodes_with() {	# nodes_with PROPERTY [VALUE] -> FOUND: nodes that have it
	local n

	FOUND=()
	for n in "${NODES[@]}"; do
		has_prop "$n" "$1" || continue
		[ $# -lt 2 ] || [ "${P["$n$TAB$1"]}" = "$2" ] || continue
		FOUND+=("$n")
	done
}

hex() { printf -v REPLY '0x%x' "$(($1))"; }

# "<0x00 0x10>" -> CELLS=(0x0 0x10) and REPLY="0x0 0x10": normalised hex.
cells() {
	local -a words
	local w h

	read -ra words <<< "${1//[<>,]/ }"
	CELLS=()
	for w in "${words[@]}"; do
		if [[ ! $w =~ ^(0x[0-9a-fA-F]+|[0-9]+)$ ]]; then
			CELLS=("(not cells: $1)")
			break
		fi
		printf -v h '0x%x' "$w"
		CELLS+=("$h")
	done
	REPLY=${CELLS[*]}
}

prop_cells() { prop "$1" "$2"; cells "$REPLY"; }

# A one- or two-cell number property as hex, as a guest reads it.
number() {
	prop_cells "$1" "$2"
	case ${#CELLS[@]} in
	0) REPLY= ;;
	1) REPLY=${CELLS[0]} ;;
	2) hex "(${CELLS[0]} << 32) | ${CELLS[1]}" ;;
	*) REPLY="(${#CELLS[@]} cells: ${CELLS[*]})" ;;
	esac
}

# dtc prints a string list as "a\0b" from a DTB; newer versions may write
# "a", "b". Both become "a\0b".
strlist() {
	local sep='", "' nul='\0'

	prop "$1" "$2"
	REPLY=${REPLY//"$sep"/$nul}
}
