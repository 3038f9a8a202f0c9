#!/bin/busybox sh
# /init of the guest that ctl-9p.sh boots on a virtio-9p root: every
# file operation a share must take, and every way out of it a guest
# might try. One "P9-OK <what>" or "P9-FAIL <what>" line per check,
# "P9-DONE" at the end, then power off.
/bin/busybox --install -s /bin
export PATH=/bin
mkdir -p /proc /mnt
mount -t proc proc /proc

ok() { echo "P9-OK $*"; }
bad() { echo "P9-FAIL $*"; }
check() { w=$1; shift; if "$@" >/dev/null 2>&1; then ok "$w"; else bad "$w"; fi; }
refuse() { w=$1; shift; if "$@" >/dev/null 2>&1; then bad "$w (allowed)"; else ok "$w refused"; fi; }

# Exec of busybox off the share (above) is an mmap of a shared file.
ok "exec from the share"
check "create+write" sh -c 'echo hello-9p >/t1'
check "read back" sh -c '[ "$(cat /t1)" = hello-9p ]'
check "append" sh -c 'echo more >>/t1 && [ "$(wc -l </t1)" = 2 ]'
check "rename" sh -c 'mv /t1 /t2 && [ ! -e /t1 ] && [ -f /t2 ]'
check "mkdir" mkdir /d
check "symlink in the share" sh -c 'ln -s d /dl && [ "$(readlink /dl)" = d ] && echo x >/dl/f && [ -f /d/f ]'
check "hard link in the share" sh -c 'ln /t2 /d/t2 && [ "$(stat -c %h /t2)" = 2 ]'
check "unlink" sh -c 'rm /t2 /d/t2 && [ ! -e /t2 ]'
check "chmod" sh -c 'echo x >/m && chmod 600 /m && [ "$(stat -c %a /m)" = 600 ]'
check "truncate" sh -c 'echo 123456 >/tr && truncate -s 2 /tr && [ "$(cat /tr)" = 12 ]'
check "sparse past 4 GiB" sh -c 'dd if=/dev/zero of=/big bs=1M seek=5120 count=1 2>/dev/null &&
	[ "$(stat -c %s /big)" = 5369757696 ] &&
	[ "$(dd if=/big bs=1M skip=5120 count=1 2>/dev/null | wc -c)" = 1048576 ]'
check "rmdir" sh -c 'rm /dl /d/f && rmdir /d && [ ! -e /d ]'
# A find stats every file (a walk, a getattr, a clunk each); with lkvm's
# own GIC every interrupt is several exits, each slow in the emulated
# host, so there it goes over 210 files only.
if grep -q p9.many=some /proc/cmdline; then
	check "find over some files" sh -c '[ "$(find /some -type f | wc -l)" = 210 ]'
else
	check "find over many files" sh -c '[ "$(find /many -type f | wc -l)" = 2100 ]'
fi
check "statfs" stat -f /

# The ways out: each fails in the guest, the host script checks its side.
refuse "symlink to the host's /" cat /to-host-root/etc/hostname-9p
refuse "absolute symlink then a walk" cat /to-outside/secret
refuse "../../" cat /../../outside/secret
refuse "rename onto an outside path" mv /victim /../../outside/moved
refuse "hard link to an outside file" ln /to-outside/secret /stolen
refuse "mknod of a device" mknod /null c 1 3
check "guest's own symlink to /" sh -c 'ln -s / /esc && [ -d /esc/many ]'

# The second share, read-only.
check "mount the ro share" mount -t 9p -o trans=virtio,version=9p2000.L,ro,cache=loose rotag /mnt
check "read the ro share" sh -c '[ "$(cat /mnt/ro-file)" = keep ]'
umount /mnt
check "mount the ro share rw" mount -t 9p -o trans=virtio,version=9p2000.L rotag /mnt
refuse "write to the ro share" sh -c 'echo x >/mnt/new'
refuse "change the ro share" sh -c 'echo x >/mnt/ro-file'
refuse "remove from the ro share" rm /mnt/ro-file
umount /mnt

# A tag mounts once at a time: the ro share again, with cache=mmap.
check "cache=mmap mount" sh -c 'mount -t 9p -o trans=virtio,version=9p2000.L,cache=mmap rotag /mnt &&
	[ "$(cat /mnt/ro-file)" = keep ] && umount /mnt'
# A shared writable mapping of a file on a third share (cache=mmap, as
# Linux allows shared writable maps only with a page cache); the host
# checks the file afterwards.
check "shared mmap write" sh -c 'mkdir -p /mm && mount -t 9p -o trans=virtio,version=9p2000.L,cache=mmap mmtag /mm &&
	/bin/st-helper mmap-write /mm/mapped GUESTMAP && umount /mm'
sync
echo P9-DONE
poweroff -f
sleep 10
