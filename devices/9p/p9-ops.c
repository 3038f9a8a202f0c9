// SPDX-License-Identifier: GPL-2.0
/*
 * The 9P server's operations on fids: data, attributes, names. Each
 * names at most one component below a directory fid's descriptor, and
 * none follows a symlink on the host.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/uio.h>

#include "devices/9p/p9-fs.h"

/* A name to create or remove in a directory fid: one plain component. */
static int p9_check_name(const char *name)
{
	if (!p9_name_ok(name) || !strcmp(name, ".") || !strcmp(name, ".."))
		return -EINVAL;
	return 0;
}

static int p9_check_mod(struct p9_fs *fs, const char *name)
{
	if (fs->ro)
		return -EROFS;
	return name ? p9_check_name(name) : 0;
}

/* The qid of what name now is in directory d. */
static int p9_qid_at(struct p9_fid *d, const char *name, struct p9_qid *q)
{
	struct stat st;

	if (fstatat(d->fd, name, &st, AT_SYMLINK_NOFOLLOW))
		return -errno;
	p9_fs_qid_of(&st, q);
	return 0;
}

/* At most IOV_MAX segments go to the kernel: a short count, which 9P allows. */
static int p9_iov_cnt(unsigned int cnt)
{
	return cnt > IOV_MAX ? IOV_MAX : (int)cnt;
}

ssize_t p9_fs_readv(struct p9_fid *f, const struct iovec *iov, unsigned int cnt,
		    uint64_t off)
{
	ssize_t n;

	if (f->ofd < 0 || f->is_dir)
		return -EBADF;
	if (off > INT64_MAX)
		return -EINVAL;
	n = preadv(f->ofd, iov, p9_iov_cnt(cnt), off);
	return n < 0 ? -errno : n;
}

ssize_t p9_fs_writev(struct p9_fs *fs, struct p9_fid *f, const struct iovec *iov,
		     unsigned int cnt, uint64_t off)
{
	ssize_t n;

	if (fs->ro)
		return -EROFS;
	if (f->ofd < 0 || f->is_dir)
		return -EBADF;
	if (off > INT64_MAX)
		return -EINVAL;
	n = pwritev(f->ofd, iov, p9_iov_cnt(cnt), off);
	return n < 0 ? -errno : n;
}

ssize_t p9_fs_read(struct p9_fid *f, void *buf, uint32_t count, uint64_t off)
{
	struct iovec v = { .iov_base = buf, .iov_len = count };

	return p9_fs_readv(f, &v, 1, off);
}

ssize_t p9_fs_write(struct p9_fs *fs, struct p9_fid *f, const void *buf,
		    uint32_t count, uint64_t off)
{
	struct iovec v = { .iov_base = (void *)buf, .iov_len = count };

	return p9_fs_writev(fs, f, &v, 1, off);
}

/* /proc's link to the fid's O_PATH descriptor: the inode, not a name. */
static void p9_fd_path(const struct p9_fid *f, char *path, size_t size)
{
	snprintf(path, size, "/proc/self/fd/%d", f->fd);
}

static int p9_set_times(const char *path, const struct p9_setattr *a)
{
	struct timespec ts[2] = {
		{ .tv_nsec = UTIME_OMIT }, { .tv_nsec = UTIME_OMIT },
	};

	if (a->valid & P9_SETATTR_ATIME)
		ts[0] = (a->valid & P9_SETATTR_ATIME_SET) ?
			(struct timespec){ a->atime_sec, a->atime_nsec % 1000000000 } :
			(struct timespec){ .tv_nsec = UTIME_NOW };
	if (a->valid & P9_SETATTR_MTIME)
		ts[1] = (a->valid & P9_SETATTR_MTIME_SET) ?
			(struct timespec){ a->mtime_sec, a->mtime_nsec % 1000000000 } :
			(struct timespec){ .tv_nsec = UTIME_NOW };
	if (ts[0].tv_nsec == UTIME_OMIT && ts[1].tv_nsec == UTIME_OMIT)
		return 0;
	return utimensat(AT_FDCWD, path, ts, 0) ? -errno : 0;
}

/*
 * Mode, size and times; owner changes are accepted and ignored (files
 * belong to the user running lkvm). Symlinks and special files take
 * none of these on the host.
 */
int p9_fs_setattr(struct p9_fs *fs, struct p9_fid *f, const struct p9_setattr *a)
{
	char path[32];
	struct stat st;
	int ret;

	ret = p9_check_mod(fs, NULL);
	if (ret)
		return ret;
	if (fstat(f->fd, &st))
		return -errno;
	if (!(a->valid & (P9_SETATTR_MODE | P9_SETATTR_SIZE | P9_SETATTR_ATIME |
			  P9_SETATTR_MTIME)))
		return 0;
	if (!S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode))
		return -EPERM;
	p9_fd_path(f, path, sizeof(path));
	if ((a->valid & P9_SETATTR_MODE) && chmod(path, p9_fs_mode(a->mode)))
		return -errno;
	if (a->valid & P9_SETATTR_SIZE) {
		if (!S_ISREG(st.st_mode))
			return -EISDIR;
		if (a->size > INT64_MAX)
			return -EFBIG;
		if (truncate(path, a->size))
			return -errno;
	}
	return p9_set_times(path, a);
}

int p9_fs_mkdir(struct p9_fs *fs, struct p9_fid *d, const char *name,
		uint32_t mode, struct p9_qid *q)
{
	int ret = p9_check_mod(fs, name);

	if (ret)
		return ret;
	if (mkdirat(d->fd, name, p9_fs_mode(mode)))
		return -errno;
	return p9_qid_at(d, name, q);
}

/* The target is only text to the host: it is never followed there. */
int p9_fs_symlink(struct p9_fs *fs, struct p9_fid *d, const char *name,
		  const char *target, struct p9_qid *q)
{
	int ret = p9_check_mod(fs, name);

	if (ret)
		return ret;
	if (symlinkat(target, d->fd, name))
		return -errno;
	return p9_qid_at(d, name, q);
}

/*
 * Regular files, fifos and sockets; never a device node on the host
 * (the guest's kernel serves fifos and sockets itself, Tlopen refuses
 * them).
 */
int p9_fs_mknod(struct p9_fs *fs, struct p9_fid *d, const char *name,
		uint32_t mode, struct p9_qid *q)
{
	int ret = p9_check_mod(fs, name);

	if (ret)
		return ret;
	if (!S_ISREG(mode) && !S_ISFIFO(mode) && !S_ISSOCK(mode))
		return -EPERM;
	if (mknodat(d->fd, name, (mode & S_IFMT) | p9_fs_mode(mode), 0))
		return -errno;
	return p9_qid_at(d, name, q);
}

ssize_t p9_fs_readlink(struct p9_fid *f, char *buf, size_t size)
{
	ssize_t n = readlinkat(f->fd, "", buf, size - 1);

	if (n < 0)
		return -errno;
	buf[n] = '\0';
	return n;
}

/* A hard link to f's inode (a fid of this share), not to a name. */
int p9_fs_link(struct p9_fs *fs, struct p9_fid *d, struct p9_fid *f,
	       const char *name)
{
	char path[32];
	struct stat st;
	int ret = p9_check_mod(fs, name);

	if (ret)
		return ret;
	if (fstat(f->fd, &st))
		return -errno;
	if (S_ISDIR(st.st_mode))
		return -EPERM;
	p9_fd_path(f, path, sizeof(path));
	return linkat(AT_FDCWD, path, d->fd, name, AT_SYMLINK_FOLLOW) ? -errno : 0;
}

static int p9_renameat(int ofd, const char *oname, int nfd, const char *nname)
{
	return syscall(SYS_renameat2, ofd, oname, nfd, nname, 0) ? -errno : 0;
}

int p9_fs_rename(struct p9_fs *fs, struct p9_fid *f, struct p9_fid *d,
		 const char *name)
{
	int ret = p9_check_mod(fs, name);

	if (ret)
		return ret;
	if (f->dirfd < 0 || !f->name)
		return -EINVAL;		/* the root, or reached by '..' */
	ret = p9_renameat(f->dirfd, f->name, d->fd, name);
	return ret;
}

int p9_fs_renameat(struct p9_fs *fs, struct p9_fid *od, const char *oname,
		   struct p9_fid *nd, const char *nname)
{
	int ret = p9_check_mod(fs, oname);

	if (!ret)
		ret = p9_check_name(nname);
	if (ret)
		return ret;
	return p9_renameat(od->fd, oname, nd->fd, nname);
}

#define P9_AT_REMOVEDIR		0x200

int p9_fs_unlinkat(struct p9_fs *fs, struct p9_fid *d, const char *name,
		   uint32_t flags)
{
	int ret = p9_check_mod(fs, name);

	if (ret)
		return ret;
	if (unlinkat(d->fd, name, (flags & P9_AT_REMOVEDIR) ? AT_REMOVEDIR : 0))
		return -errno;
	return 0;
}

int p9_fs_remove(struct p9_fs *fs, struct p9_fid *f)
{
	struct stat st;
	int ret = p9_check_mod(fs, NULL);

	if (ret)
		return ret;
	if (f->dirfd < 0 || !f->name)
		return -EINVAL;
	if (fstat(f->fd, &st))
		return -errno;
	if (unlinkat(f->dirfd, f->name, S_ISDIR(st.st_mode) ? AT_REMOVEDIR : 0))
		return -errno;
	return 0;
}

int p9_fs_fsync(struct p9_fid *f, bool datasync)
{
	if (f->ofd < 0)
		return -EBADF;
	if (datasync ? fdatasync(f->ofd) : fsync(f->ofd))
		return -errno;
	return 0;
}

int p9_fs_statfs(struct p9_fid *f, struct statfs *sf)
{
	return fstatfs(f->fd, sf) ? -errno : 0;
}

struct p9_dirent64 {
	uint64_t d_ino;
	int64_t d_off;
	uint16_t d_reclen;
	uint8_t d_type;
	char d_name[];
};

/* One entry: qid[13] offset[8] type[1] name[s]; false when it does not fit. */
static bool p9_put_dirent(struct p9_buf *out, size_t end,
			  const struct p9_dirent64 *d, size_t namelen)
{
	struct p9_qid q = {
		.type = d->d_type == DT_DIR ? P9_QTDIR :
			d->d_type == DT_LNK ? P9_QTSYMLINK : P9_QTFILE,
		.path = d->d_ino,
	};

	if (24 + namelen > end - out->pos)
		return false;
	p9_put_qid(out, &q);
	p9_put_u64(out, d->d_off);
	p9_put_u8(out, d->d_type);
	p9_put_str(out, d->d_name, namelen);
	return !out->err;
}

int p9_fs_readdir(struct p9_fid *f, uint64_t offset, struct p9_buf *out,
		  uint32_t count)
{
	char buf[8192] __attribute__((aligned(8)));
	size_t end = out->pos + count;
	long n, i;

	if (f->ofd < 0 || !f->is_dir)
		return -EBADF;
	if (end > out->size)
		end = out->size;
	if (offset > INT64_MAX || lseek(f->ofd, offset, SEEK_SET) < 0)
		return -errno ? -errno : -EINVAL;
	for (;;) {
		n = syscall(SYS_getdents64, f->ofd, buf, sizeof(buf));
		if (n < 0)
			return -errno;
		if (n == 0)
			return 0;
		for (i = 0; i < n;) {
			const struct p9_dirent64 *d = (const void *)(buf + i);
			size_t len = strnlen(d->d_name, d->d_reclen);

			if (!p9_put_dirent(out, end, d, len))
				return 0;
			i += d->d_reclen;
		}
	}
}
