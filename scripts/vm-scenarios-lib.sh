# Sourced by run-vm-scenarios.sh: text helpers and the scenario list.
# POSIX sh; runs under busybox ash in the emulated host, where every
# $(...) is a fork of an emulated process: the helpers that run once per
# word or per line set a variable instead of printing.

# The chip column of /proc/interrupts: "GICv3" on GICv3, "GICv2" (or
# "GIC-N") on GICv2.
detect_gic() {
	if grep -q ' GICv3 ' /proc/interrupts 2>/dev/null; then
		echo v3
	elif grep -Eq ' (GICv2|GIC-[0-9]+) ' /proc/interrupts 2>/dev/null; then
		echo v2
	else
		echo unknown
	fi
}

# trim_to VAR TEXT: VAR is TEXT without its leading and trailing blanks.
trim_to() {
	_t=$2
	_t=${_t#"${_t%%[! 	]*}"}
	_t=${_t%"${_t##*[! 	]}"}
	eval "$1=\$_t"
}

trim() {
	trim_to _trimmed "$1"
	printf '%s' "$_trimmed"
}

# Uptime in centiseconds (busybox date has no %N).
now_cs() { awk '{ split($1, t, "."); print t[1] * 100 + t[2] }' /proc/uptime; }
fmt_cs() { echo "$1" | awk '{ printf "%.1f", $1 / 100 }'; }

# subst_in VAR FROM TO: every FROM in $VAR replaced by TO.
subst_in() {
	eval "_s=\$$1"
	case "$_s" in
	*"$2"*) ;;
	*) return 0 ;;
	esac
	_o=
	while :; do
		case "$_s" in
		*"$2"*)	_o=$_o${_s%%"$2"*}$3
			_s=${_s#*"$2"} ;;
		*)	break ;;
		esac
	done
	eval "$1=\$_o\$_s"
}

# Command line $1 without its console= words.
drop_console() {
	out=
	for cw in $1; do
		case "$cw" in
		console=*) ;;
		*) out="$out${out:+ }$cw" ;;
		esac
	done
	printf '%s' "$out"
}

# Print the selected scenarios as "name;gic;expect;limit;detail;args".
select_scenarios() {
	lineno=0
	while IFS= read -r raw || [ -n "$raw" ]; do
		lineno=$((lineno + 1))
		trim_to line "$raw"
		case "$line" in
		""|"#"*) continue ;;
		esac
		IFS=';' read -r name gic expect limit detail args <<EOF_LINE
$raw
EOF_LINE
		trim_to name "$name"
		trim_to gic "$gic"
		trim_to expect "$expect"
		trim_to limit "$limit"
		trim_to detail "$detail"
		trim_to args "$args"
		case "$gic" in
		any|"$HOST_GIC") ;;
		v2|v3) continue ;;
		*) gic="bad:line $lineno: host-gic '$gic' is not v2, v3 or any" ;;
		esac
		echo "$name;$gic;$expect;$limit;$detail;$args"
	done <"$SCENARIOS" | filter_names
}

# The lines on stdin whose name (the first field) matches $FILTER
# (grep -E): one grep over all the names, not one per line.
filter_names() {
	if [ -z "$FILTER" ]; then
		cat
		return
	fi
	_all=$(cat)
	_names=$(printf '%s\n' "$_all" | cut -d';' -f1 | grep -E -- "$FILTER")
	_nl='
'
	printf '%s\n' "$_all" | while IFS= read -r _l; do
		[ -n "$_l" ] || continue
		case "$_nl$_names$_nl" in
		*"$_nl${_l%%;*}$_nl"*) printf '%s\n' "$_l" ;;
		esac
	done
}
