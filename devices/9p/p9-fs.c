// SPDX-License-Identifier: GPL-2.0
/*
 * The 9P server's fids and the way into the share: attach, walk, open
 * and create, every step one checked name below a directory descriptor.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>

#include <linux/openat2.h>

#include "devices/9p/p9-fs.h"

/*
 * One component below dirfd, never through a symlink: openat2() keeps
 * the kernel's resolution beneath dirfd and refuses every symlink and
 * magic link; kernels without it get O_NOFOLLOW on a name that holds
 * no '/', which is the same for a single component. A symlink as the
 * last component opens (O_PATH) as the link itself.
 */
int p9_fs_open_beneath(struct p9_fs *fs, int dirfd, const char *name,
		       int flags, mode_t mode)
{
	struct open_how how = {
		.flags = flags | O_NOFOLLOW | O_CLOEXEC,
		.mode = (flags & O_CREAT) ? mode : 0,
		/*
		 * Mounts below the share are crossed, as with the
		 * O_NOFOLLOW fallback: the host's admin put them there.
		 */
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS |
			   RESOLVE_NO_MAGICLINKS,
	};
	int fd;

	if (!p9_name_ok(name) || !strcmp(name, ".") || !strcmp(name, ".."))
		return -EINVAL;
	if (!fs->no_openat2) {
		fd = syscall(SYS_openat2, dirfd, name, &how, sizeof(how));
		if (fd >= 0)
			return fd;
		if (errno != ENOSYS)
			return -errno;
		fs->no_openat2 = true;
	}
	fd = openat(dirfd, name, how.flags, how.mode);
	return fd < 0 ? -errno : fd;
}

void p9_fs_qid_of(const struct stat *st, struct p9_qid *q)
{
	q->type = S_ISDIR(st->st_mode) ? P9_QTDIR :
		  S_ISLNK(st->st_mode) ? P9_QTSYMLINK : P9_QTFILE;
	q->version = 0;
	q->path = st->st_ino;
}

int p9_fs_qid(int fd, struct p9_qid *q, struct stat *st)
{
	struct stat s;

	if (!st)
		st = &s;
	if (fstat(fd, st))
		return -errno;
	p9_fs_qid_of(st, q);
	return 0;
}

int p9_fs_init(struct p9_fs *fs, const char *dir, bool ro, unsigned int max_fids)
{
	struct stat st;
	unsigned int i;

	memset(fs, 0, sizeof(*fs));
	fs->root_fd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fs->root_fd < 0)
		return -errno;
	if (fstat(fs->root_fd, &st)) {
		close(fs->root_fd);
		return -errno;
	}
	fs->root_dev = st.st_dev;
	fs->root_ino = st.st_ino;
	fs->ro = ro;
	fs->max_fids = max_fids;
	fs->free_head = -1;
	for (i = 0; i < P9_FID_BUCKETS; i++)
		fs->buckets[i] = -1;
	return 0;
}

static int *p9_bucket(struct p9_fs *fs, uint32_t id)
{
	return &fs->buckets[(id * 2654435761u) >> 22 & (P9_FID_BUCKETS - 1)];
}

struct p9_fid *p9_fid_get(struct p9_fs *fs, uint32_t id)
{
	int i;

	for (i = *p9_bucket(fs, id); i >= 0; i = fs->fids[i].next)
		if (fs->fids[i].id == id)
			return &fs->fids[i];
	return NULL;
}

/* A free slot, the table grown (bounded by max_fids) when there is none. */
static int p9_fid_slot(struct p9_fs *fs)
{
	struct p9_fid *n;
	unsigned int cap;
	int i;

	if (fs->free_head < 0) {
		if (fs->nr_slots >= fs->max_fids)
			return -EMFILE;
		cap = fs->nr_slots ? fs->nr_slots * 2 : 64;
		if (cap > fs->max_fids)
			cap = fs->max_fids;
		n = realloc(fs->fids, cap * sizeof(*n));
		if (!n)
			return -ENOMEM;
		fs->fids = n;
		for (i = cap - 1; i >= (int)fs->nr_slots; i--) {
			n[i].next = fs->free_head;
			fs->free_head = i;
		}
		fs->nr_slots = cap;
	}
	i = fs->free_head;
	fs->free_head = fs->fids[i].next;
	return i;
}

/* A new fid holding fd (taken over, as are dirfd and name). */
int p9_fs_fid_add(struct p9_fs *fs, uint32_t id, int fd, int dirfd, char *name)
{
	struct p9_fid *f;
	int *b = p9_bucket(fs, id);
	int i;

	if (id == P9_NOFID || p9_fid_get(fs, id))
		i = -EBADF;
	else
		i = p9_fid_slot(fs);
	if (i < 0) {
		close(fd);
		if (dirfd >= 0)
			close(dirfd);
		free(name);
		return i;
	}
	f = &fs->fids[i];
	*f = (struct p9_fid){ .id = id, .fd = fd, .dirfd = dirfd, .name = name,
			      .ofd = -1, .next = *b };
	*b = i;
	fs->nr_used++;
	return 0;
}

void p9_fid_clunk(struct p9_fs *fs, struct p9_fid *f)
{
	int i = f - fs->fids;
	int *p = p9_bucket(fs, f->id);

	while (*p != i)
		p = &fs->fids[*p].next;
	*p = f->next;
	close(f->fd);
	if (f->dirfd >= 0)
		close(f->dirfd);
	if (f->ofd >= 0)
		close(f->ofd);
	free(f->name);
	f->next = fs->free_head;
	fs->free_head = i;
	fs->nr_used--;
}

void p9_fs_reset(struct p9_fs *fs)
{
	unsigned int b;

	for (b = 0; b < P9_FID_BUCKETS; b++)
		while (fs->buckets[b] >= 0)
			p9_fid_clunk(fs, &fs->fids[fs->buckets[b]]);
}

void p9_fs_destroy(struct p9_fs *fs)
{
	if (fs->fids)
		p9_fs_reset(fs);
	free(fs->fids);
	fs->fids = NULL;
	close(fs->root_fd);
}

int p9_fs_attach(struct p9_fs *fs, uint32_t id, struct p9_qid *q)
{
	int fd = fcntl(fs->root_fd, F_DUPFD_CLOEXEC, 0);
	int ret;

	if (fd < 0)
		return -errno;
	ret = p9_fs_qid(fd, q, NULL);
	if (ret) {
		close(fd);
		return ret;
	}
	return p9_fs_fid_add(fs, id, fd, -1, NULL);
}

static bool p9_is_root(struct p9_fs *fs, const struct stat *st)
{
	return st->st_dev == fs->root_dev && st->st_ino == fs->root_ino;
}

/* One step of a walk from cur: a new O_PATH descriptor, or -errno. */
static int p9_walk_one(struct p9_fs *fs, int cur, const char *name)
{
	struct stat st;
	int fd;

	if (!strcmp(name, ".") || !strcmp(name, "..")) {
		if (fstat(cur, &st))
			return -errno;
		if (!S_ISDIR(st.st_mode))
			return -ENOTDIR;
		/* '..' of the share's root is the root. */
		if (!strcmp(name, ".") || p9_is_root(fs, &st))
			fd = fcntl(cur, F_DUPFD_CLOEXEC, 0);
		else
			fd = openat(cur, "..", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		return fd < 0 ? -errno : fd;
	}
	return p9_fs_open_beneath(fs, cur, name, O_PATH, 0);
}

int p9_fs_walk(struct p9_fs *fs, struct p9_fid *f, uint32_t newid,
	       unsigned int n, char names[][P9_NAME_MAX + 1], struct p9_qid *qids)
{
	int cur, prev = -1, fd, ret;
	unsigned int i;
	char *name;

	if (newid != f->id && p9_fid_get(fs, newid))
		return -EBADF;
	cur = fcntl(f->fd, F_DUPFD_CLOEXEC, 0);
	if (cur < 0)
		return -errno;
	for (i = 0; i < n; i++) {
		fd = p9_walk_one(fs, cur, names[i]);
		ret = fd < 0 ? fd : p9_fs_qid(fd, &qids[i], NULL);
		if (ret) {
			if (fd >= 0)
				close(fd);
			break;
		}
		if (prev >= 0)
			close(prev);
		prev = cur;
		cur = fd;
	}
	if (i < n) {
		close(cur);
		if (prev >= 0)
			close(prev);
		return i ? (int)i : ret;
	}
	/* Where it came from, for Tremove and Trename: a plain name only. */
	name = NULL;
	if (n && strcmp(names[n - 1], ".") && strcmp(names[n - 1], ".."))
		name = strdup(names[n - 1]);
	if (!name && prev >= 0) {
		close(prev);
		prev = -1;
	}
	if (!n && f->dirfd >= 0 && f->name) {
		prev = fcntl(f->dirfd, F_DUPFD_CLOEXEC, 0);
		name = prev >= 0 ? strdup(f->name) : NULL;
	}
	if (newid == f->id) {
		int id = f->id;

		p9_fid_clunk(fs, f);
		ret = p9_fs_fid_add(fs, id, cur, prev, name);
	} else {
		ret = p9_fs_fid_add(fs, newid, cur, prev, name);
	}
	return ret ? ret : (int)n;
}

/* 9P2000.L's open flags that mean the same here; the rest are dropped. */
#define P9_DOTL_KEEP	(O_ACCMODE | O_TRUNC | O_APPEND | O_DSYNC | O_EXCL)

static bool p9_writes(uint32_t flags)
{
	return (flags & O_ACCMODE) != O_RDONLY || (flags & O_TRUNC);
}

/*
 * The object itself opened, never by name: through /proc's link to the
 * O_PATH descriptor, so what opens is the inode checked, not whatever
 * the name points to by now.
 */
static int p9_reopen(int fd, int flags)
{
	char path[32];
	int ofd;

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	ofd = open(path, flags | O_CLOEXEC | O_NOCTTY);
	return ofd < 0 ? -errno : ofd;
}

int p9_fs_lopen(struct p9_fs *fs, struct p9_fid *f, uint32_t flags, struct p9_qid *q)
{
	struct stat st;
	int ret, fd;

	if (f->ofd >= 0)
		return -EBADF;
	ret = p9_fs_qid(f->fd, q, &st);
	if (ret)
		return ret;
	flags &= P9_DOTL_KEEP & ~O_EXCL;
	if (fs->ro && p9_writes(flags))
		return -EROFS;
	if (S_ISDIR(st.st_mode)) {
		if ((flags & O_ACCMODE) != O_RDONLY)
			return -EISDIR;
		fd = openat(f->fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		fd = fd < 0 ? -errno : fd;
	} else if (S_ISREG(st.st_mode)) {
		fd = p9_reopen(f->fd, flags);
	} else {
		/* Devices, fifos, sockets, symlinks: never opened on the host. */
		return S_ISLNK(st.st_mode) ? -ELOOP : -EPERM;
	}
	if (fd < 0)
		return fd;
	f->ofd = fd;
	f->is_dir = S_ISDIR(st.st_mode);
	return 0;
}

/* The mode bits a guest may give: no set-user/group-ID on the host. */
mode_t p9_fs_mode(uint32_t mode)
{
	return mode & 01777;
}

int p9_fs_lcreate(struct p9_fs *fs, struct p9_fid *f, const char *name,
		  uint32_t flags, uint32_t mode, struct p9_qid *q)
{
	struct stat a, b;
	int ofd, pfd, ret;
	char *n;

	if (fs->ro)
		return -EROFS;
	if (f->ofd >= 0)
		return -EBADF;
	ofd = p9_fs_open_beneath(fs, f->fd, name,
			      (flags & P9_DOTL_KEEP) | O_CREAT | O_EXCL, p9_fs_mode(mode));
	if (ofd < 0)
		return ofd;
	pfd = p9_fs_open_beneath(fs, f->fd, name, O_PATH, 0);
	ret = pfd < 0 ? pfd : 0;
	if (!ret && (fstat(ofd, &a) || fstat(pfd, &b)))
		ret = -errno;
	if (!ret && (a.st_dev != b.st_dev || a.st_ino != b.st_ino))
		ret = -ESTALE;	/* replaced under us: do not hand that out */
	n = ret ? NULL : strdup(name);
	if (!ret && !n)
		ret = -ENOMEM;
	if (ret) {
		close(ofd);
		if (pfd >= 0)
			close(pfd);
		return ret;
	}
	/* The fid becomes the new file, its directory kept as dirfd. */
	if (f->dirfd >= 0)
		close(f->dirfd);
	free(f->name);
	f->dirfd = f->fd;
	f->fd = pfd;
	f->name = n;
	f->ofd = ofd;
	f->is_dir = false;
	p9_fs_qid_of(&a, q);
	return 0;
}
