/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_DEVICES_9P_P9_FS_H
#define LKVM_DEVICES_9P_P9_FS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/statfs.h>
#include <sys/uio.h>

#include "devices/9p/p9-msg.h"

/*
 * The file-system side of the 9P server: one shared directory, the
 * guest's fids, and the operations on them. Every fid holds an O_PATH
 * descriptor of its object, opened without following a symlink, one
 * component at a time below the share's root; every operation works
 * relative to such a descriptor with a single checked name, so no
 * path the guest gives is ever resolved by the host from '/' or
 * through a symlink. '..' at the root stays at the root. Device nodes
 * are never opened, nor created. Returns are 0 or -errno, the errno
 * the guest gets in Rlerror.
 */
#define P9_FIDS_MAX		8192	/* fids a guest may hold per share */
#define P9_FID_BUCKETS		1024

struct p9_fid {
	uint32_t id;
	int fd;			/* O_PATH|O_NOFOLLOW: the object */
	int dirfd;		/* O_PATH of its directory; -1 at the root */
	char *name;		/* its name there (Tremove, Trename) */
	int ofd;		/* opened by Tlopen or Tlcreate, or -1 */
	bool is_dir;		/* ofd is a directory (Treaddir) */
	int next;		/* hash chain, or free list: an index, or -1 */
};

struct p9_fs {
	int root_fd;		/* O_PATH of the share's root */
	dev_t root_dev;
	ino_t root_ino;
	bool ro;		/* every modifying request gets EROFS */
	unsigned int max_fids;
	struct p9_fid *fids;	/* grows up to max_fids */
	unsigned int nr_slots, nr_used;
	int free_head;
	bool no_openat2;	/* the kernel has none: O_NOFOLLOW walks */
	int buckets[P9_FID_BUCKETS];
};

/* Opens dir (a directory) as the share's root. */
int p9_fs_init(struct p9_fs *fs, const char *dir, bool ro, unsigned int max_fids);
void p9_fs_destroy(struct p9_fs *fs);
/* Tversion: every fid is clunked. */
void p9_fs_reset(struct p9_fs *fs);

struct p9_fid *p9_fid_get(struct p9_fs *fs, uint32_t id);
/* A new fid holding fd (taken over, as are dirfd and name, even on failure). */
int p9_fs_fid_add(struct p9_fs *fs, uint32_t id, int fd, int dirfd, char *name);
/*
 * name (one component, not "." or "..") opened beneath dirfd, never
 * through a symlink (openat2 RESOLVE_BENEATH, or O_NOFOLLOW); -errno.
 */
int p9_fs_open_beneath(struct p9_fs *fs, int dirfd, const char *name,
		       int flags, mode_t mode);
void p9_fid_clunk(struct p9_fs *fs, struct p9_fid *f);
/* The qid of an O_PATH descriptor (or any), and its stat. */
int p9_fs_qid(int fd, struct p9_qid *q, struct stat *st);
void p9_fs_qid_of(const struct stat *st, struct p9_qid *q);

int p9_fs_attach(struct p9_fs *fs, uint32_t id, struct p9_qid *q);
/*
 * Walks n names from fid into newid (which may be fid itself). Returns
 * the names walked (their qids in qids[]): n means newid now exists;
 * fewer, that the walk stopped there and newid was left alone; -errno
 * when the first name failed or newid is in use.
 */
int p9_fs_walk(struct p9_fs *fs, struct p9_fid *f, uint32_t newid,
	       unsigned int n, char names[][P9_NAME_MAX + 1], struct p9_qid *qids);
/* flags are 9P2000.L's (Linux's generic values). */
int p9_fs_lopen(struct p9_fs *fs, struct p9_fid *f, uint32_t flags, struct p9_qid *q);
int p9_fs_lcreate(struct p9_fs *fs, struct p9_fid *f, const char *name,
		  uint32_t flags, uint32_t mode, struct p9_qid *q);

/* The mode bits a guest may give: no set-user/group-ID on the host. */
mode_t p9_fs_mode(uint32_t mode);

/* The rest of the operations (devices/9p/p9-ops.c). */
struct p9_setattr {
	uint32_t valid;		/* P9_SETATTR_* */
	uint32_t mode, uid, gid;
	uint64_t size;
	uint64_t atime_sec, atime_nsec, mtime_sec, mtime_nsec;
};
#define P9_SETATTR_MODE		0x001
#define P9_SETATTR_UID		0x002
#define P9_SETATTR_GID		0x004
#define P9_SETATTR_SIZE		0x008
#define P9_SETATTR_ATIME	0x010
#define P9_SETATTR_MTIME	0x020
#define P9_SETATTR_CTIME	0x040
#define P9_SETATTR_ATIME_SET	0x080
#define P9_SETATTR_MTIME_SET	0x100

/* Into or from the segments (guest memory, for the zero-copy path), or a buffer. */
ssize_t p9_fs_readv(struct p9_fid *f, const struct iovec *iov, unsigned int cnt,
		    uint64_t off);
ssize_t p9_fs_writev(struct p9_fs *fs, struct p9_fid *f, const struct iovec *iov,
		     unsigned int cnt, uint64_t off);
ssize_t p9_fs_read(struct p9_fid *f, void *buf, uint32_t count, uint64_t off);
ssize_t p9_fs_write(struct p9_fs *fs, struct p9_fid *f, const void *buf,
		    uint32_t count, uint64_t off);
int p9_fs_setattr(struct p9_fs *fs, struct p9_fid *f, const struct p9_setattr *a);
int p9_fs_mkdir(struct p9_fs *fs, struct p9_fid *d, const char *name,
		uint32_t mode, struct p9_qid *q);
int p9_fs_symlink(struct p9_fs *fs, struct p9_fid *d, const char *name,
		  const char *target, struct p9_qid *q);
int p9_fs_mknod(struct p9_fs *fs, struct p9_fid *d, const char *name,
		uint32_t mode, struct p9_qid *q);
ssize_t p9_fs_readlink(struct p9_fid *f, char *buf, size_t size);
int p9_fs_link(struct p9_fs *fs, struct p9_fid *d, struct p9_fid *f,
	       const char *name);
int p9_fs_rename(struct p9_fs *fs, struct p9_fid *f, struct p9_fid *d,
		 const char *name);
int p9_fs_renameat(struct p9_fs *fs, struct p9_fid *od, const char *oname,
		   struct p9_fid *nd, const char *nname);
int p9_fs_unlinkat(struct p9_fs *fs, struct p9_fid *d, const char *name,
		   uint32_t flags);
int p9_fs_remove(struct p9_fs *fs, struct p9_fid *f);
int p9_fs_fsync(struct p9_fid *f, bool datasync);
int p9_fs_statfs(struct p9_fid *f, struct statfs *sf);
/*
 * Directory entries from offset (a cookie of an earlier entry, 0 at
 * the start), encoded into out as Rreaddir wants them, as many as fit.
 */
int p9_fs_readdir(struct p9_fid *f, uint64_t offset, struct p9_buf *out,
		  uint32_t count);

#endif
