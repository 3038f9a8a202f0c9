# Sourced by rootfs-init.sh: the PCI test device (lkvm's --pci-testdev,
# docs/pci-testdev.md) driven through /dev/mem as kvm-unit-tests'
# pci-test drives it, BAR 0's mmio-datamatch-eventfd test:
#   ptd-set  selects the test, makes 3 writes of its data count and one
#            of other data not, reads the count 3
#   ptd      (later: ctl-snapshot-disk.sh snapshots and restores the VM
#            in between) reads the count 3 and the test's name back,
#            then 2 more writes make it 5
# No driver claims the function, so /dev/mem reaches its BAR.

ptd_base=

# The function's BAR 0, decoding once "enable" has turned memory on.
ptd_find() {
	for d in /sys/bus/pci/devices/*; do
		[ "$(cat "$d/vendor" 2>/dev/null)" = 0x1b36 ] &&
			[ "$(cat "$d/device")" = 0x0005 ] || continue
		echo 1 >"$d/enable" 2>/dev/null
		ptd_base=$(awk 'NR == 1 { print $1 }' "$d/resource")
		[ $((ptd_base)) != 0 ] && return 0
	done
	return 1
}

ptd_at() { printf '0x%x' $((ptd_base + $1)); }
ptd_count() { echo $(($(devmem "$(ptd_at 0x0c)" 32))); }

# The test's name, 4 bytes at a time, up to its NUL.
ptd_name() {
	_n= _o=0x10
	while [ $((_o)) -lt $((0x30)) ]; do
		_w=$(($(devmem "$(ptd_at "$_o")" 32)))
		for _s in 0 8 16 24; do
			_c=$(((_w >> _s) & 255))
			[ "$_c" = 0 ] && { echo "$_n"; return; }
			_n=$_n$(printf "\\$(printf %o "$_c")")
		done
		_o=$((_o + 4))
	done
	echo "$_n"
}

check_ptd_set() {
	ptd_find || { check ptd-set FAIL "no 1b36:0005 function with a BAR 0 on the bus"; return; }
	devmem "$(ptd_at 0)" 8 2
	for _i in 1 2 3; do devmem "$(ptd_at 0x802)" 8 0xfa; done
	devmem "$(ptd_at 0x802)" 8 0xce
	_c=$(ptd_count)
	[ "$_c" = 3 ] || { check ptd-set FAIL "count $_c after 3 matching writes and 1 other"; return; }
	check ptd-set PASS "BAR 0 at $ptd_base: $(ptd_name) counted 3 of 4 writes"
}

check_ptd() {
	[ -n "$ptd_base" ] || ptd_find || { check ptd FAIL "no 1b36:0005 function"; return; }
	_c=$(ptd_count) _name=$(ptd_name)
	[ "$_c" = 3 ] && [ "$_name" = mmio-datamatch-eventfd ] ||
		{ check ptd FAIL "test '$_name', count $_c (3 of mmio-datamatch-eventfd before)"; return; }
	devmem "$(ptd_at 0x802)" 8 0xfa
	devmem "$(ptd_at 0x802)" 8 0xfa
	_c=$(ptd_count)
	[ "$_c" = 5 ] || { check ptd FAIL "count $_c after 2 more writes (5 expected)"; return; }
	check ptd PASS "$_name kept its count 3, then counted on to 5"
}
