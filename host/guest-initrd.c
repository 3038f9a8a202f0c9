// SPDX-License-Identifier: GPL-2.0
/*
 * The module initramfs of the default root: which modules, from the
 * kernel's own tree on the host, and the archive with lkvm as /init
 * (cli/guest-initramfs.c loads them in the guest and mounts the root).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "boot/cpio.h"
#include "boot/moddep.h"
#include "cli/guest-root.h"
#include "host/guest-initrd.h"
#include "lib/log.h"

#define fail(ret, ...) (snprintf(err, err_len, __VA_ARGS__), (ret))

#define INITRD_MAX	(192U << 20)	/* the whole archive */
#define MODULE_MAX	(32U << 20)	/* one module file, or lkvm */
#define MODTEXT_MAX	(32U << 20)	/* modules.dep, modules.builtin */

struct initrd_want {
	const char *name;
	bool required;
};

struct initrd_ctx {
	const struct vm_config *cfg;
	char dir[PATH_MAX];
	char *dep, *builtin;
	size_t dep_len, builtin_len;
	struct moddep_list list;
	struct cpio_buf cpio;
};

/* Reads a whole file of at most max bytes; -EFBIG past it. */
static int read_file(const char *path, size_t max, char **buf, size_t *len)
{
	struct stat st;
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC), ret = 0;

	*buf = NULL;
	*len = 0;
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode))
		ret = -EINVAL;
	else if ((size_t)st.st_size > max)
		ret = -EFBIG;
	else if (!(*buf = malloc(st.st_size + 1)))
		ret = -ENOMEM;
	while (!ret && *len < (size_t)st.st_size) {
		n = read(fd, *buf + *len, st.st_size - *len);
		if (n <= 0)
			ret = n ? -errno : -EIO;
		else
			*len += n;
	}
	close(fd);
	if (ret) {
		free(*buf);
		*buf = NULL;
	} else {
		(*buf)[*len] = '\0';
	}
	return ret;
}

static int initrd_want_list(const struct vm_config *cfg, struct initrd_want *w)
{
	bool mmio = cfg->virtio_transport == VIRTIO_MMIO ||
		    cfg->virtio_transport == VIRTIO_MMIO_LEGACY;
	int n = 0;

	w[n++] = (struct initrd_want){ mmio ? "virtio_mmio" : "virtio_pci", true };
	if (cfg->console == CONSOLE_VIRTIO)
		w[n++] = (struct initrd_want){ "virtio_console", true };
	w[n++] = (struct initrd_want){ "9pnet_virtio", true };
	w[n++] = (struct initrd_want){ "9p", true };
	w[n++] = (struct initrd_want){ "virtio_net", false };
	return n;
}

static int initrd_resolve(struct initrd_ctx *c, const char *version,
			  char *err, size_t err_len)
{
	struct initrd_want want[8];
	char bad[MODDEP_PATH_MAX];
	int i, n = initrd_want_list(c->cfg, want), ret;

	for (i = 0; i < n; i++) {
		if (moddep_builtin(c->builtin, c->builtin_len, want[i].name))
			continue;
		ret = moddep_resolve(c->dep, c->dep_len, want[i].name, &c->list,
				     bad, sizeof(bad));
		if (ret == -ENOENT && !want[i].required && !strcmp(bad, want[i].name))
			continue;
		if (ret == -ENOENT)
			return fail(ret, "kernel %s needs module %s for the default 9p root, and %s/modules.dep has no %s; install the kernel's modules (or run depmod %s), or give -i with an initramfs of your own",
				    version, want[i].name, c->dir, bad, version);
		if (ret)
			return fail(ret, "%s/modules.dep: cannot resolve %s (%s at '%s'); run depmod %s, or give -i with an initramfs of your own",
				    c->dir, want[i].name, strerror(-ret), bad, version);
	}
	return 0;
}

static int initrd_add_file(struct initrd_ctx *c, const char *src, const char *name,
			   char *err, size_t err_len)
{
	char *buf;
	size_t len;
	int ret = read_file(src, MODULE_MAX, &buf, &len);

	if (ret)
		return fail(ret, "cannot read %s for the default root's initramfs: %s; %s",
			    src, strerror(-ret),
			    ret == -ENOENT ? "install the kernel's modules, or run depmod" :
			    "check the file");
	ret = cpio_add(&c->cpio, name, S_IFREG | 0755, 0, 0, buf, len);
	free(buf);
	if (ret)
		return fail(ret, "the default root's initramfs would exceed %u MiB at %s",
			    INITRD_MAX >> 20, src);
	return 0;
}

static int initrd_skeleton(struct initrd_ctx *c)
{
	static const char *const dirs[] = { "dev", "proc", "newroot", "lkvm", GUEST_INITRAMFS_MODDIR + 1 };
	unsigned int i;
	int ret = 0;

	for (i = 0; !ret && i < sizeof(dirs) / sizeof(dirs[0]); i++)
		ret = cpio_add(&c->cpio, dirs[i], S_IFDIR | 0755, 0, 0, NULL, 0);
	return ret ?: cpio_add(&c->cpio, "dev/console", S_IFCHR | 0600, 5, 1, NULL, 0);
}

/* The modules, named by load order, and the list /init reads. */
static int initrd_modules(struct initrd_ctx *c, char *err, size_t err_len)
{
	char src[PATH_MAX + MODDEP_PATH_MAX], name[MODDEP_PATH_MAX + 32];
	char order[MODDEP_MAX * (MODDEP_PATH_MAX + 1)] = "";
	const char *base;
	unsigned int i;
	int ret;

	for (i = 0; i < c->list.nr; i++) {
		base = strrchr(c->list.path[i], '/');
		base = base ? base + 1 : c->list.path[i];
		snprintf(src, sizeof(src), "%s/%s", c->dir, c->list.path[i]);
		snprintf(name, sizeof(name), "%s/%s", GUEST_INITRAMFS_MODDIR + 1, base);
		ret = initrd_add_file(c, src, name, err, err_len);
		if (ret)
			return ret;
		strcat(order, base);
		strcat(order, "\n");
		pr_info(c->cfg->loglevel, "default root's initramfs: module %s", src);
	}
	ret = cpio_add(&c->cpio, GUEST_INITRAMFS_LIST + 1, S_IFREG | 0644, 0, 0,
		       order, strlen(order));
	return ret ? fail(ret, "the default root's initramfs is too large") : 0;
}

static int initrd_memfd(struct initrd_ctx *c, int *fd)
{
	size_t done = 0;
	ssize_t n;

	*fd = memfd_create("lkvm-initramfs", MFD_CLOEXEC);
	if (*fd < 0)
		return -errno;
	while (done < c->cpio.len) {
		n = write(*fd, c->cpio.data + done, c->cpio.len - done);
		if (n <= 0) {
			close(*fd);
			*fd = -1;
			return n ? -errno : -EIO;
		}
		done += n;
	}
	return 0;
}

static int initrd_pack(struct initrd_ctx *c, int *fd, char *err, size_t err_len)
{
	int ret;

	c->cpio.max = INITRD_MAX;
	ret = initrd_skeleton(c);
	if (ret)
		return fail(ret, "cannot make the default root's initramfs: %s", strerror(-ret));
	ret = initrd_add_file(c, "/proc/self/exe", "init", err, err_len);
	ret = ret ?: initrd_modules(c, err, err_len);
	if (ret)
		return ret;
	ret = cpio_finish(&c->cpio);
	ret = ret ?: initrd_memfd(c, fd);
	if (ret)
		return fail(ret, "cannot make the default root's initramfs: %s", strerror(-ret));
	pr_info(c->cfg->loglevel, "default root's initramfs: %u modules from %s, lkvm as /init, %zu KiB",
		c->list.nr, c->dir, c->cpio.len >> 10);
	return 0;
}

int guest_initrd_build(const struct vm_config *cfg, const char *moddir,
		       const char *version, int *fd, char *err, size_t err_len)
{
	struct initrd_ctx *c = calloc(1, sizeof(*c));
	char path[PATH_MAX + 32];
	int ret = 0;

	*fd = -1;
	if (!c)
		return fail(-ENOMEM, "out of memory");
	c->cfg = cfg;
	if (!*version || strchr(version, '/') || !strcmp(version, ".") ||
	    !strcmp(version, ".."))
		goto out;
	snprintf(c->dir, sizeof(c->dir), "%s/%s", moddir, version);
	snprintf(path, sizeof(path), "%s/modules.builtin", c->dir);
	ret = read_file(path, MODTEXT_MAX, &c->builtin, &c->builtin_len);
	if (ret == -ENOENT) {
		/* Not this host's kernel: it has to mount the root on its own. */
		pr_info(cfg->loglevel, "no %s: the kernel gets no initramfs and must have 9p built in",
			path);
		ret = 0;
		goto out;
	}
	if (ret) {
		ret = fail(ret, "cannot read %s: %s", path, strerror(-ret));
		goto out;
	}
	if (moddep_builtin(c->builtin, c->builtin_len, "9p"))
		goto out;
	snprintf(path, sizeof(path), "%s/modules.dep", c->dir);
	ret = read_file(path, MODTEXT_MAX, &c->dep, &c->dep_len);
	if (ret) {
		ret = fail(ret, "kernel %s has 9p as a module, and %s cannot be read: %s; run depmod %s, or give -i with an initramfs of your own",
			   version, path, strerror(-ret), version);
		goto out;
	}
	ret = initrd_resolve(c, version, err, err_len);
	ret = ret ?: initrd_pack(c, fd, err, err_len);
out:
	free(c->dep);
	free(c->builtin);
	cpio_free(&c->cpio);
	free(c);
	return ret;
}
