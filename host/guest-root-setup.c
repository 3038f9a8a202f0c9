// SPDX-License-Identifier: GPL-2.0
/*
 * lkvm setup NAME, and the default root lkvm run makes when it needs
 * one: the directories, the links through /host and the guest's init.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "boot/kver.h"
#include "boot/loader.h"
#include "cli/guest-root.h"
#include "host/control.h"
#include "host/guest-root-setup.h"
#include "host/guest-initrd.h"
#include "lib/log.h"

#define fail(ret, ...) (snprintf(err, err_len, __VA_ARGS__), (ret))

/* Mount points and the guest's own writable places. */
static const char *const guest_dirs[] = {
	"dev", "proc", "sys", "host", "virt", "root", "home", "mnt", "run", "var", "tmp",
};

/* The host's programs and their configuration, reached through hostfs. */
static const char *const guest_links[] = {
	"bin", "sbin", "lib", "lib32", "lib64", "libx32", "usr", "etc",
};

static int root_path(const char *name, char *buf, size_t len)
{
	char home[PATH_MAX];
	int n, ret = control_dir(home, sizeof(home));

	if (ret)
		return ret;
	n = snprintf(buf, len, "%s/%s", home, name);
	return (n < 0 || (size_t)n >= len) ? -ENAMETOOLONG : 0;
}

/* The home and its parents, as mkdir -p: a fresh $LKVM_HOME works. */
static int mkdir_parents(char *path)
{
	char *p;

	for (p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(path, 0700) && errno != EEXIST) {
			*p = '/';
			return -errno;
		}
		*p = '/';
	}
	return mkdir(path, 0700) && errno != EEXIST ? -errno : 0;
}

static int copy_fd(int in, int out)
{
	char buf[65536];
	ssize_t n;

	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, n) != n)
			return -EIO;
	return n < 0 ? -errno : 0;
}

/*
 * lkvm is a static binary of the guest's architecture: copied in, it is
 * an init that runs before hostfs, and with it the host's /bin/sh, is
 * mounted.
 */
static int install_init(const char *dir)
{
	char path[PATH_MAX + 64];
	int in, out, ret;

	snprintf(path, sizeof(path), "%s%s", dir, GUEST_ROOT_INIT);
	in = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	if (in < 0)
		return -errno;
	out = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0755);
	if (out < 0) {
		ret = -errno;
		close(in);
		return ret;
	}
	ret = copy_fd(in, out);
	close(in);
	if (close(out) && !ret)
		ret = -EIO;
	return ret;
}

static int make_tree(const char *dir)
{
	char path[PATH_MAX + 64], target[64];
	unsigned int i;

	for (i = 0; i < sizeof(guest_dirs) / sizeof(guest_dirs[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, guest_dirs[i]);
		if (mkdir(path, 0755))
			return -errno;
	}
	snprintf(path, sizeof(path), "%s/tmp", dir);
	if (chmod(path, 01777))
		return -errno;
	for (i = 0; i < sizeof(guest_links) / sizeof(guest_links[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, guest_links[i]);
		snprintf(target, sizeof(target), "/host/%s", guest_links[i]);
		if (symlink(target, path))
			return -errno;
	}
	return install_init(dir);
}

int guest_root_create(const char *name, char *err, size_t err_len)
{
	char dir[PATH_MAX], home[PATH_MAX];
	int ret = guest_root_name_check(name, err, err_len);

	if (ret)
		return ret;
	if (control_dir(home, sizeof(home)) || root_path(name, dir, sizeof(dir)))
		return fail(-ENOENT, "neither LKVM_HOME nor HOME is set, or it is too long; set LKVM_HOME to a writable directory");
	ret = mkdir_parents(home);
	if (ret)
		return fail(ret, "cannot create %s: %s; set LKVM_HOME to a writable directory",
			    home, strerror(-ret));
	if (mkdir(dir, 0755)) {
		if (errno == EEXIST)
			return fail(-EEXIST, "guest '%s' already exists at %s; boot it, or remove it first to set it up anew",
				    name, dir);
		return fail(-errno, "cannot create %s: %s", dir, strerror(errno));
	}
	ret = make_tree(dir);
	if (ret)
		return fail(ret, "cannot set up %s: %s; remove it and try again", dir,
			    strerror(-ret));
	return 0;
}

/* The kernel's release from its banner, read in chunks that overlap it. */
static bool file_banner_version(int fd, char *ver, size_t ver_len)
{
	const size_t tail = sizeof(KVER_BANNER) - 2;
	char buf[65536];
	size_t have = 0, keep;
	ssize_t n;
	int ret;

	while ((n = read(fd, buf + have, sizeof(buf) - have)) > 0) {
		have += n;
		ret = kver_find(buf, have, ver, ver_len, &keep);
		if (ret > 0)
			return true;
		if (ret == -EAGAIN) {
			memmove(buf, buf + keep, have - keep);
			have -= keep;
		} else if (have > tail) {
			memmove(buf, buf + have - tail, tail);
			have = tail;
		}
	}
	return false;
}

/*
 * Only a Linux Image mounts a root: lkvm's bare-metal guests have an
 * Image header too, but not the kernel's banner, and get no shares. A
 * kernel that cannot be read is the loader's to report.
 */
bool guest_root_kernel_version(const char *path, char *ver, size_t ver_len)
{
	unsigned char buf[64];
	struct image_info info;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	bool linux_image;

	if (fd < 0)
		return false;
	linux_image = read(fd, buf, sizeof(buf)) == (ssize_t)sizeof(buf) &&
		      !loader_parse_header(buf, sizeof(buf), &info) && info.has_header &&
		      file_banner_version(fd, ver, ver_len);
	close(fd);
	return linux_image;
}

int guest_root_kernel_9p(const char *moddir, const char *version)
{
	char path[PATH_MAX], line[512];
	bool builtin = false;
	FILE *f;

	if (!*version || strchr(version, '/'))
		return -ENOENT;
	snprintf(path, sizeof(path), "%s/%s/modules.builtin", moddir, version);
	f = fopen(path, "re");
	if (!f)
		return -ENOENT;
	while (!builtin && fgets(line, sizeof(line), f))
		builtin = !strcmp(line, "kernel/fs/9p/9p.ko\n");
	fclose(f);
	return builtin;
}

static int guest_root_setup(struct vm_config *cfg, bool boot, char **spec,
			    char *err, size_t err_len)
{
	char dir[PATH_MAX], version[65];
	struct stat st;
	int ret, fd;

	*spec = NULL;
	if (!guest_root_kernel_version(cfg->kernel_path, version, sizeof(version)))
		return 0;
	if (root_path(GUEST_ROOT_DEFAULT, dir, sizeof(dir)))
		return fail(-ENOENT, "no root given and no place for the default one: set HOME or LKVM_HOME, or give -d, -i or -p root=");
	/* --9p's first comma ends the directory. */
	if (strchr(dir, ','))
		return fail(-EINVAL, "the default root %s has a ',' in its path, which a 9p share cannot name; set LKVM_HOME to a path without one",
			    dir);
	if (stat(dir, &st)) {
		ret = guest_root_create(GUEST_ROOT_DEFAULT, err, err_len);
		if (ret)
			return ret;
		pr_info(cfg->loglevel, "set up the default guest root at %s", dir);
	}
	if (asprintf(spec, "%s,%s", dir, GUEST_ROOT_TAG) < 0) {
		*spec = NULL;
		return fail(-ENOMEM, "out of memory");
	}
	ret = guest_root_add_shares(cfg, *spec, err, err_len);
	if (ret)
		return ret;
	cfg->guest_root = true;
	if (!boot)
		return 0;
	ret = guest_initrd_build(cfg, "/lib/modules", version, &fd, err, err_len);
	if (ret)
		return ret;
	if (fd >= 0) {
		snprintf(cfg->guest_initrd, sizeof(cfg->guest_initrd), "/proc/self/fd/%d", fd);
		cfg->initrd_path = cfg->guest_initrd;
	}
	pr_info(cfg->loglevel, "no disk, initrd or root= given: booting the 9p root %s, with the host's / as hostfs (%s)",
		dir, cfg->shares[cfg->nr_shares - 1].ro ? "read-only; --9p /,hostfs to write" : "as given");
	return 0;
}

int guest_root_prepare(struct vm_config *cfg, char **spec, char *err, size_t err_len)
{
	return guest_root_setup(cfg, true, spec, err, err_len);
}

int guest_root_prepare_restore(struct vm_config *cfg, char **spec, char *err,
			       size_t err_len)
{
	return guest_root_setup(cfg, false, spec, err, err_len);
}
