# Sourced by run-vm-scenarios.sh: the disk images of a scenario
# (@ROOTFS@, @DISK2@) and, once the VMM is gone, what they hold
# (host_same=, host_file=). POSIX sh, busybox ash in the emulated host.

# A fresh copy of image $1 (plain or gzip'd) at $2, with its md5 in $2.md5
# for host_same=. Each scenario gets its own copy: its guest writes to it.
# The image is unpacked and summed once per run, in $IMAGE_CACHE (emptied
# when the runner starts); each scenario then copies that, which in the
# emulated host is seconds less than a gunzip and an md5 of 32 MiB.
unpack_image() {	# unpack_image SRC DEST; sets img_err
	if [ ! -r "$1" ]; then
		img_err="'$1' not readable (scripts/mk-rootfs.sh)"
		return 1
	fi
	_c=$IMAGE_CACHE/${2##*/}
	if [ ! -f "$_c.md5" ]; then
		mkdir -p "$IMAGE_CACHE" || { img_err="cannot create '$IMAGE_CACHE'"; return 1; }
		case "$1" in
		*.gz)	gunzip -c "$1" >"$_c" ;;
		*)	cat "$1" >"$_c" ;;
		esac || { img_err="cannot unpack '$1' to '$_c'"; return 1; }
		md5sum <"$_c" | cut -d' ' -f1 >"$_c.md5.tmp" && mv "$_c.md5.tmp" "$_c.md5" ||
			{ img_err="cannot sum '$_c'"; return 1; }
	fi
	cp "$_c" "$2" && cp "$_c.md5" "$2.md5" || { img_err="cannot copy '$_c' to '$2'"; return 1; }
}

# Loop devices and ext4 for this host: the emulated host has neither
# modprobe nor /lib/modules, and loads the .ko files of $HOST_MODULES.
host_modules_loaded=no
load_host_modules() {
	[ "$host_modules_loaded" = yes ] && return 0
	host_modules_loaded=yes
	if [ -n "$HOST_MODULES" ] && [ -r "$HOST_MODULES" ]; then
		while read -r ko; do
			out=$(insmod "$ko" 2>&1) && continue
			case "$out" in
			*"File exists"*) ;;
			*) echo "run-vm-scenarios: insmod $ko: $out" >&2 ;;
			esac
		done <"$HOST_MODULES"
	else
		modprobe loop 2>/dev/null
		modprobe ext4 2>/dev/null
	fi
	return 0
}

# How many times ext4 replayed the journal on loop device $1.
replays() { dmesg 2>/dev/null | grep -c "($1): recovery complete"; }

# Mount ext4 image $1 read-only on $2. The loop device itself stays
# writable: after a killed VMM the journal needs replaying, which ext4 does
# even for a read-only mount but only on a writable device (on a read-only
# one the mount fails). The image is the scenario's own copy.
mount_image() {		# mount_image IMG DIR; sets loopdev, replayed, mount_err
	load_host_modules
	mkdir -p "$2"
	replayed=no
	loopdev=$(losetup -f 2>/dev/null)
	if [ -z "$loopdev" ] || ! losetup "$loopdev" "$1" 2>"$d/mount.err"; then
		mount_err="no loop device for the image: $(cat "$d/mount.err" 2>/dev/null)"
		loopdev=
		return 1
	fi
	l=${loopdev##*/}
	n0=$(replays "$l")
	if ! mount -t ext4 -o ro "$loopdev" "$2" 2>"$d/mount.err"; then
		mount_err="mount -t ext4 -o ro of the image failed: $(tail -n 1 "$d/mount.err"); $(dmesg | grep "($l)" | tail -n 1)"
		losetup -d "$loopdev"
		loopdev=
		return 1
	fi
	[ "$(replays "$l")" -gt "$n0" ] && replayed=yes
	return 0
}

unmount_image() {	# unmount_image DIR
	umount "$1"
	[ -n "$loopdev" ] && losetup -d "$loopdev"
	loopdev=
}

# The host_same= and host_file= words, once the VMM is gone: failures go to
# $why, what was found to $host_notes.
check_images() {
	host_notes=
	th=$(now_cs)
	for w in $host_same; do
		img=$d/$w.img
		if [ ! -f "$img.md5" ]; then
			why="${why:+$why; }host_same=$w: the scenario has no such image"
			continue
		fi
		now=$(md5sum <"$img" | cut -d' ' -f1)
		if [ "$now" = "$(cat "$img.md5")" ]; then
			host_notes="$host_notes, $w.img unchanged"
		else
			why="${why:+$why; }host_same=$w: the image changed (md5 $(cat "$img.md5") -> $now)"
		fi
	done
	[ -n "$host_files" ] || return 0
	img=$d/rootfs.img
	if [ ! -f "$img" ]; then
		why="${why:+$why; }host_file: the scenario has no @ROOTFS@"
		return
	fi
	if ! mount_image "$img" "$d/mnt"; then
		why="${why:+$why; }host_file: $mount_err"
		return
	fi
	for spec in $host_files; do
		path=${spec%%:*} want=${spec#*:}
		f=$d/mnt$path
		if [ ! -f "$f" ]; then
			dir=${path%/*}
			why="${why:+$why; }host_file $path: not in the image (${dir:-/} holds: $(ls -A "$d/mnt$dir" 2>/dev/null | tr '\n' ' ' | cut -c1-120))"
		elif [ "$(cat "$f")" = "$want" ]; then
			host_notes="$host_notes, $path holds '$want'"
		else
			# What is there: zeros (a write that never landed) as
			# '.', newlines as '|', the final one dropped.
			got=$(head -c 80 "$f" | tr '\000\n' '.|' | sed 's/|$//')
			why="${why:+$why; }host_file $path: the image holds $(wc -c <"$f") bytes, '$got', expected '$want'"
		fi
	done
	[ "$replayed" = yes ] && host_notes="$host_notes (ext4 replayed its journal)"
	unmount_image "$d/mnt"
	host_notes="$host_notes, looked in $(fmt_cs $(($(now_cs) - th))) s"
}
