// SPDX-License-Identifier: GPL-2.0
/*
 * Disk images on the host: the -d option, opening and checking the
 * file, its lock, and O_DIRECT's set-up. The I/O itself is disk-io.c's.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "devices/virtio/disk.h"
#include "lib/util.h"

#define QCOW_MAGIC		"QFI\xfb"

/*
 * Writes a message into msg; with append (warnings on success, of
 * which there may be two) adds it to what is there.
 */
static void disk_say(char *msg, size_t len, bool append, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void disk_say(char *msg, size_t len, bool append, const char *fmt, ...)
{
	size_t used = append && len ? strnlen(msg, len) : 0;
	va_list ap;

	if (used && used + 3 < len) {
		memcpy(msg + used, "; ", 3);
		used += 2;
	}
	if (used + 1 >= len)
		return;
	va_start(ap, fmt);
	vsnprintf(msg + used, len - used, fmt, ap);
	va_end(ap);
}

#define disk_msg(msg, len, ...)		disk_say(msg, len, false, __VA_ARGS__)
#define disk_warn(msg, len, ...)	disk_say(msg, len, true, __VA_ARGS__)

/* One item of the option list, [opt, opt + len); false if unknown. */
static bool disk_parse_option(struct disk_config *cfg, const char *opt,
			      size_t len)
{
	if (len == 2 && !memcmp(opt, "ro", 2))
		cfg->ro = true;
	else if (len == 6 && !memcmp(opt, "direct", 6))
		cfg->direct = true;
	else if (len)		/* empty items ("img,,ro", "img,") are harmless */
		return false;
	return true;
}

int disk_parse_spec(const char *spec, struct disk_config *cfg, char *msg,
		    size_t msglen)
{
	const char *comma = strchr(spec, ',');
	size_t plen = comma ? (size_t)(comma - spec) : strlen(spec);
	const char *opt, *end;

	memset(cfg, 0, sizeof(*cfg));
	if (msglen)
		msg[0] = '\0';
	if (!plen) {
		disk_msg(msg, msglen, "-d '%s': no disk image given; use -d FILE[,ro][,direct]",
			 spec);
		return -EINVAL;
	}
	if (plen >= DISK_PATH_MAX) {
		disk_msg(msg, msglen, "-d: the image path is %zu bytes long, more than the %d allowed; give a shorter path",
			 plen, DISK_PATH_MAX - 1);
		return -ENAMETOOLONG;
	}
	memcpy(cfg->path, spec, plen);
	for (opt = comma; opt; opt = end) {
		opt++;
		end = strchr(opt, ',');
		if (disk_parse_option(cfg, opt, end ? (size_t)(end - opt) : strlen(opt)))
			continue;
		disk_msg(msg, msglen, "-d '%s': unknown disk option '%.*s'; use -d FILE[,ro][,direct]",
			 spec, end ? (int)(end - opt) : (int)strlen(opt), opt);
		memset(cfg, 0, sizeof(*cfg));
		return -EINVAL;
	}
	return 0;
}

/* Before opening: a FIFO or a terminal must not even be opened. */
static int disk_check_path(struct disk *d, const struct disk_config *cfg,
			   char *msg, size_t msglen)
{
	const char *p = cfg->path;
	struct stat st;

	if (stat(p, &st)) {
		int err = errno;

		if (err == ENOENT && cfg->ro)
			disk_msg(msg, msglen, "disk image '%s' does not exist, and ,ro needs an existing image; check the path given to -d",
				 p);
		else if (err == ENOENT)
			disk_msg(msg, msglen, "disk image '%s' does not exist; check the path given to -d (lkvm makes no images: truncate -s 8G FILE makes an empty one)",
				 p);
		else if (err == EACCES)
			disk_msg(msg, msglen, "no permission to reach disk image '%s'; give this user search access to its directories",
				 p);
		else
			disk_msg(msg, msglen, "cannot open disk image '%s': %s; check the path given to -d",
				 p, strerror(err));
		return -err;
	}
	if (S_ISDIR(st.st_mode)) {
		disk_msg(msg, msglen, "disk image '%s' is a directory; give a raw disk image file (lkvm cannot share a directory as the guest's root)",
			 p);
		return -EISDIR;
	}
	if (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode)) {
		disk_msg(msg, msglen, "disk image '%s' is %s; give a raw disk image file or a block device",
			 p, S_ISCHR(st.st_mode) ? "a character device" :
			 S_ISFIFO(st.st_mode) ? "a FIFO" :
			 S_ISSOCK(st.st_mode) ? "a socket" : "not a regular file");
		return -EINVAL;
	}
	return 0;
}

static void disk_report_open(const struct disk_config *cfg, bool blockdev,
			     int err, char *msg, size_t msglen)
{
	const char *p = cfg->path;
	int fd;

	if (err == EROFS) {
		disk_msg(msg, msglen, "disk image '%s' is on a read-only file system or device; add ,ro to give it to the guest read-only",
			 p);
	} else if ((err == EACCES || err == EPERM) && blockdev) {
		disk_msg(msg, msglen, "no permission to open block device '%s' for %s; add this user to its group (usually 'disk') or run as root",
			 p, cfg->ro ? "reading" : "reading and writing");
	} else if ((err == EACCES || err == EPERM) && !cfg->ro &&
		   (fd = open(p, O_RDONLY | O_CLOEXEC | O_NONBLOCK)) >= 0) {
		close(fd);
		disk_msg(msg, msglen, "no permission to write disk image '%s'; give this user write access to it, or add ,ro to give it to the guest read-only",
			 p);
	} else if (err == EACCES || err == EPERM) {
		disk_msg(msg, msglen, "no permission to read disk image '%s'; give this user read access to it (and search access to its directories)",
			 p);
	} else {
		disk_msg(msg, msglen, "cannot open disk image '%s': %s; check the path given to -d",
			 p, strerror(err));
	}
}

/* The guest's serial, stable while the file is: made as kvmtool makes it. */
static void disk_make_serial(struct disk *d, const struct stat *st)
{
	char id[64];
	int n;

	n = snprintf(id, sizeof(id), "%llu%llu%llu", (unsigned long long)st->st_dev,
		     (unsigned long long)st->st_rdev, (unsigned long long)st->st_ino);
	memcpy(d->serial, id, MIN(n, DISK_SERIAL_LEN));
}

static int disk_open_fd(struct disk *d, const struct disk_config *cfg,
			char *msg, size_t msglen)
{
	int flags = (cfg->ro ? O_RDONLY : O_RDWR) | O_CLOEXEC | O_NOCTTY;
	struct stat st;

	/* O_NONBLOCK: a FIFO put there since the check must not hang us. */
	d->fd = open(cfg->path, flags | O_NONBLOCK);
	if (d->fd < 0) {
		int err = errno;

		disk_report_open(cfg, stat(cfg->path, &st) == 0 &&
				 S_ISBLK(st.st_mode), err, msg, msglen);
		return -err;
	}
	if (fstat(d->fd, &st) || (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode))) {
		disk_msg(msg, msglen, "disk image '%s' is not a regular file or a block device; give a raw disk image file",
			 cfg->path);
		return -EINVAL;
	}
	d->blockdev = S_ISBLK(st.st_mode);
	d->discard_align = st.st_blksize > DISK_SECTOR_SIZE ? st.st_blksize :
			   DISK_SECTOR_SIZE;
	disk_make_serial(d, &st);
	if (fcntl(d->fd, F_SETFL, 0) < 0)	/* O_NONBLOCK off again */
		return -errno;
	return 0;
}

/* Raw images only: a qcow2 image given as raw would be its own garbage. */
static int disk_check_format(struct disk *d, const struct disk_config *cfg,
			     char *msg, size_t msglen)
{
	char magic[4];

	/* Shorter than the magic: the size check has its word. */
	if (pread(d->fd, magic, sizeof(magic), 0) != sizeof(magic) ||
	    memcmp(magic, QCOW_MAGIC, sizeof(magic)))
		return 0;
	disk_msg(msg, msglen, "disk image '%s' is a qcow2 image; lkvm reads raw images only: convert it with qemu-img convert -O raw '%s' NEW.raw",
		 cfg->path, cfg->path);
	return -EINVAL;
}

/*
 * An open file description lock, as QEMU takes: a writer excludes
 * everyone, readers share. It goes with the descriptor, so it holds
 * for as long as lkvm has the disk and cannot outlive the process.
 */
static int disk_lock(struct disk *d, const struct disk_config *cfg,
		     char *msg, size_t msglen)
{
	struct flock fl = {
		.l_type = cfg->ro ? F_RDLCK : F_WRLCK,
		.l_whence = SEEK_SET,
	};
	int err;

	if (!fcntl(d->fd, F_OFD_SETLK, &fl))
		return 0;
	err = errno;
	if (err == EAGAIN || err == EACCES) {
		if (cfg->ro)
			disk_msg(msg, msglen, "disk image '%s' is in use: another VM (lkvm, QEMU), or another -d of this one, writes it; stop that VM first, or give the image once",
				 cfg->path);
		else
			disk_msg(msg, msglen, "disk image '%s' is in use: another VM (lkvm, QEMU), or another -d of this one, holds a lock on it; stop that VM or give the image once, or add ,ro to every use to share it read-only",
				 cfg->path);
		return -EBUSY;
	}
	/* No locks on this file system (some FUSE, old NFS): go on, and say so. */
	disk_warn(msg, msglen, "cannot lock disk image '%s' (%s): nothing stops a second VM from writing it at the same time",
		 cfg->path, strerror(err));
	return 0;
}

static int disk_get_size(struct disk *d, const struct disk_config *cfg,
			 char *msg, size_t msglen)
{
	uint64_t size = 0;
	struct stat st;

	if (d->blockdev) {
		if (ioctl(d->fd, BLKGETSIZE64, &size))
			return -errno;
	} else {
		if (fstat(d->fd, &st))
			return -errno;
		size = st.st_size;
	}
	d->host_size = size;
	d->size = ALIGN_DOWN(size, DISK_SECTOR_SIZE);
	if (!d->size) {
		disk_msg(msg, msglen, "disk image '%s' is %llu bytes, less than one %d-byte sector; give a raw disk image (truncate -s 8G FILE makes an empty one)",
			 cfg->path, (unsigned long long)size, DISK_SECTOR_SIZE);
		return -EINVAL;
	}
	/* The tail cannot be addressed by the guest: leave it alone, and say so. */
	if (d->size != size)
		disk_warn(msg, msglen, "disk image '%s' is %llu bytes, not whole %d-byte sectors: the guest sees the first %llu; to use all of it: truncate -s %llu '%s'",
			 cfg->path, (unsigned long long)size, DISK_SECTOR_SIZE,
			 (unsigned long long)d->size,
			 (unsigned long long)ALIGN_UP(size, DISK_SECTOR_SIZE),
			 cfg->path);
	return 0;
}

/* What O_DIRECT asks of offsets and buffers here. */
static void disk_dio_align(struct disk *d)
{
	struct statx stx;
	int lbs;

	d->block_size = DISK_SECTOR_SIZE;
	d->mem_align = DISK_SECTOR_SIZE;
	if (!statx(d->fd, "", AT_EMPTY_PATH, STATX_DIOALIGN, &stx) &&
	    (stx.stx_mask & STATX_DIOALIGN) && stx.stx_dio_offset_align) {
		d->block_size = MAX(stx.stx_dio_offset_align, 1U);
		d->mem_align = MAX(stx.stx_dio_mem_align, 1U);
	} else if (d->blockdev && !ioctl(d->fd, BLKSSZGET, &lbs) && lbs > 0) {
		d->block_size = lbs;
		d->mem_align = lbs;
	}
}

/*
 * ,direct: O_DIRECT on the descriptor, a bounce buffer for requests
 * whose buffers are not aligned, and a second, buffered descriptor of
 * the same file for offsets O_DIRECT refuses (a file system whose
 * blocks are larger than the guest's 512-byte sectors). Linux keeps
 * the two coherent: direct I/O writes back and drops the cached range.
 */
static int disk_setup_direct(struct disk *d, const struct disk_config *cfg,
			     char *msg, size_t msglen)
{
	int flags = (cfg->ro ? O_RDONLY : O_RDWR) | O_CLOEXEC | O_NOCTTY;
	struct stat a, b;

	if (!cfg->direct)
		return 0;
	if (fcntl(d->fd, F_SETFL, O_DIRECT) < 0) {
		int err = errno;

		disk_msg(msg, msglen, "disk image '%s' is on a file system without O_DIRECT (%s); leave out ,direct",
			 cfg->path, strerror(err));
		return -err;
	}
	d->direct = true;
	disk_dio_align(d);
	d->fd_buffered = open(cfg->path, flags);
	if (d->fd_buffered < 0 || fstat(d->fd, &a) || fstat(d->fd_buffered, &b) ||
	    a.st_dev != b.st_dev || a.st_ino != b.st_ino || a.st_rdev != b.st_rdev) {
		disk_msg(msg, msglen, "disk image '%s' changed while lkvm opened it; try again",
			 cfg->path);
		return -EAGAIN;
	}
	if (posix_memalign(&d->bounce, MAX(d->mem_align, (uint32_t)SZ_4K),
			   DISK_BOUNCE_SIZE))
		return -ENOMEM;
	return 0;
}

static int disk_keep_path(struct disk *d, const struct disk_config *cfg,
			  char *msg, size_t msglen)
{
	d->path = strdup(cfg->path);
	return d->path ? 0 : -ENOMEM;
}

typedef int (*disk_step_t)(struct disk *d, const struct disk_config *cfg,
			   char *msg, size_t msglen);

static const disk_step_t disk_steps[] = {
	disk_check_path, disk_open_fd, disk_check_format, disk_get_size,
	disk_lock, disk_setup_direct, disk_keep_path,
};

int disk_open(struct disk *d, const struct disk_config *cfg, char *msg,
	      size_t msglen)
{
	size_t i, before;
	int ret;

	memset(d, 0, sizeof(*d));
	d->fd = -1;
	d->fd_buffered = -1;
	d->ro = cfg->ro;
	d->delay_ms = cfg->delay_ms;
	if (msglen)
		msg[0] = '\0';
	for (i = 0; i < ARRAY_SIZE(disk_steps); i++) {
		before = msglen ? strlen(msg) : 0;
		ret = disk_steps[i](d, cfg, msg, msglen);
		if (!ret)
			continue;
		/* A step that failed without a word (ENOMEM, an ioctl). */
		if (msglen && strlen(msg) == before)
			disk_msg(msg, msglen, "cannot set up disk image '%s': %s",
				 cfg->path, strerror(-ret));
		disk_close(d);
		return ret;
	}
	disk_probe_punch(d);
	return 0;
}

void disk_close(struct disk *d)
{
	/* The ring first: it holds the file as its fixed file. */
	disk_ring_close(d->ring);
	d->ring = NULL;
	d->engine = NULL;
	disk_map_close(d);
	if (d->fd >= 0)
		close(d->fd);
	if (d->fd_buffered >= 0)
		close(d->fd_buffered);
	free(d->bounce);
	free(d->path);
	d->fd = -1;
	d->fd_buffered = -1;
	d->bounce = NULL;
	d->path = NULL;
}
