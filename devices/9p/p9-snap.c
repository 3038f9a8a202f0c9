// SPDX-License-Identifier: GPL-2.0
/*
 * A share's fids in a snapshot (docs/snapshot.md, "virtio-9p"). A fid is
 * host state: descriptors of files below the share's root. It is saved
 * as its path below the root (read back from /proc/self/fd, so renames
 * made since its walk count), whether it has a name in its directory
 * (for Tremove and Trename) and, when opened, its open flags; a restore
 * walks the path again beneath the root, one component at a time as a
 * Twalk does, and reopens. What cannot be found again that way is
 * refused by name: a file removed while a fid held it, or moved out of
 * the share, at save; a path gone from the share, at restore.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "devices/9p/p9-snap.h"
#include "lib/snapshot.h"

#define P9_SNAP_OPEN		0x1	/* opened by Tlopen or Tlcreate */
#define P9_SNAP_DIR		0x2	/* ... as a directory */
#define P9_SNAP_NAMED		0x4	/* has a directory and a name */
/* The open flags kept: what Tlopen takes and a reopen can give again. */
#define P9_SNAP_OFLAGS		(O_ACCMODE | O_APPEND | O_DSYNC)

/* fd's path on the host, as /proc/self/fd tells it. */
static int p9_snap_fd_path(int fd, char *path, size_t size)
{
	char link[32];
	ssize_t n;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, path, size - 1);
	if (n < 0)
		return -errno;
	if ((size_t)n >= size - 1)
		return -ENAMETOOLONG;
	path[n] = '\0';
	return 0;
}

/* fid's path below the root ("" for the root), or -ESTALE. */
static int p9_snap_rel(const char *root, int fd, char *rel, size_t size)
{
	char path[PATH_MAX];
	size_t rlen = strlen(root);
	struct stat st;
	int ret = p9_snap_fd_path(fd, path, sizeof(path));

	if (ret)
		return ret;
	if (fstat(fd, &st))
		return -errno;
	/* A removed file keeps its old path, with " (deleted)" after it. */
	if (!st.st_nlink)
		return -ESTALE;
	if (!strcmp(path, root)) {
		rel[0] = '\0';
		return 0;
	}
	if (strncmp(path, root, rlen) ||
	    (path[rlen] != '/' && strcmp(root, "/")) || strlen(path + rlen) >= size)
		return -ESTALE;
	snprintf(rel, size, "%s", path + rlen + (path[rlen] == '/'));
	return 0;
}

static void p9_snap_put_str(struct snapshot *s, const char *str)
{
	uint32_t n = strlen(str);

	snapshot_put_u32(s, n);
	snapshot_put(s, str, n);
}

static int p9_snap_fid(struct p9_fs *fs, const char *root, const struct p9_fid *f,
		       struct snapshot *s, uint32_t *bad)
{
	char rel[PATH_MAX];
	uint32_t flags = 0, oflags = 0;
	int ret = p9_snap_rel(root, f->fd, rel, sizeof(rel));

	if (ret) {
		*bad = f->id;
		return ret;
	}
	if (f->ofd >= 0) {
		int fl = fcntl(f->ofd, F_GETFL);

		if (fl < 0)
			return -errno;
		flags |= P9_SNAP_OPEN | (f->is_dir ? P9_SNAP_DIR : 0);
		oflags = fl & P9_SNAP_OFLAGS;
	}
	if (f->dirfd >= 0 && f->name && rel[0])
		flags |= P9_SNAP_NAMED;
	snapshot_put_u32(s, f->id);
	snapshot_put_u32(s, flags);
	snapshot_put_u32(s, oflags);
	p9_snap_put_str(s, rel);
	return 0;
}

int p9_fs_save(struct p9_fs *fs, struct snapshot *s, uint32_t *bad_fid)
{
	char root[PATH_MAX];
	unsigned int b;
	int i, ret = p9_snap_fd_path(fs->root_fd, root, sizeof(root));

	if (ret)
		return ret;
	snapshot_put_u32(s, fs->nr_used);
	for (b = 0; b < P9_FID_BUCKETS; b++) {
		for (i = fs->buckets[b]; i >= 0; i = fs->fids[i].next) {
			ret = p9_snap_fid(fs, root, &fs->fids[i], s, bad_fid);
			if (ret)
				return ret;
		}
	}
	return snapshot_error(s);
}

/* A path below the root walked again, one checked component at a time. */
static int p9_snap_walk(struct p9_fs *fs, char *rel, int *fd, int *dirfd, char **name)
{
	char *save, *c, *last = NULL;
	int cur = fcntl(fs->root_fd, F_DUPFD_CLOEXEC, 0), prev = -1, next;

	if (cur < 0)
		return -errno;
	for (c = strtok_r(rel, "/", &save); c; c = strtok_r(NULL, "/", &save)) {
		next = p9_fs_open_beneath(fs, cur, c, O_PATH, 0);
		if (next < 0) {
			close(cur);
			if (prev >= 0)
				close(prev);
			return next;
		}
		if (prev >= 0)
			close(prev);
		prev = cur;
		cur = next;
		last = c;
	}
	*name = last ? strdup(last) : NULL;
	if (last && !*name) {
		close(cur);
		if (prev >= 0)
			close(prev);
		return -ENOMEM;
	}
	*fd = cur;
	*dirfd = prev;
	return 0;
}

/*
 * As Tlopen would: a directory read-only, a regular file (never a
 * device, fifo, socket or symlink), nothing written on a read-only share.
 */
static int p9_snap_reopen(struct p9_fs *fs, struct p9_fid *f, uint32_t flags,
			  uint32_t oflags)
{
	struct stat st;
	char link[32];
	int ofd;

	if (fstat(f->fd, &st))
		return -errno;
	if ((flags & P9_SNAP_DIR) ? !S_ISDIR(st.st_mode) : !S_ISREG(st.st_mode))
		return -EPERM;
	if (fs->ro && (oflags & O_ACCMODE) != O_RDONLY)
		return -EROFS;
	if (flags & P9_SNAP_DIR) {
		ofd = openat(f->fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	} else {
		snprintf(link, sizeof(link), "/proc/self/fd/%d", f->fd);
		ofd = open(link, (oflags & P9_SNAP_OFLAGS) | O_CLOEXEC | O_NOCTTY);
	}
	if (ofd < 0)
		return -errno;
	f->ofd = ofd;
	f->is_dir = flags & P9_SNAP_DIR;
	return 0;
}

static int p9_snap_restore_fid(struct p9_fs *fs, struct snapshot *s, char *rel,
			       char *bad, size_t bad_len)
{
	uint32_t id = snapshot_get_u32(s), flags = snapshot_get_u32(s);
	uint32_t oflags = snapshot_get_u32(s), len = snapshot_get_u32(s);
	int fd = -1, dirfd = -1, ret;
	char *name = NULL;

	if (s->err || len >= PATH_MAX || snapshot_get(s, rel, len) ||
	    (flags & ~(P9_SNAP_OPEN | P9_SNAP_DIR | P9_SNAP_NAMED)) ||
	    memchr(rel, '\0', len))
		return -EINVAL;
	rel[len] = '\0';
	snprintf(bad, bad_len, "%s", rel);
	ret = p9_snap_walk(fs, rel, &fd, &dirfd, &name);
	if (ret)
		return ret;
	if (!(flags & P9_SNAP_NAMED)) {
		if (dirfd >= 0)
			close(dirfd);
		free(name);
		dirfd = -1;
		name = NULL;
	}
	ret = p9_fs_fid_add(fs, id, fd, dirfd, name);
	if (!ret && (flags & P9_SNAP_OPEN))
		ret = p9_snap_reopen(fs, p9_fid_get(fs, id), flags, oflags);
	return ret;
}

int p9_fs_restore(struct p9_fs *fs, struct snapshot *s, char *bad, size_t bad_len)
{
	uint32_t n = snapshot_get_u32(s), i;
	char rel[PATH_MAX];
	int ret;

	if (s->err || n > fs->max_fids)
		return -EINVAL;
	p9_fs_reset(fs);
	for (i = 0; i < n; i++) {
		ret = p9_snap_restore_fid(fs, s, rel, bad, bad_len);
		if (ret) {
			p9_fs_reset(fs);
			return ret;
		}
	}
	return 0;
}
