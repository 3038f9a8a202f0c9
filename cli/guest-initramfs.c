// SPDX-License-Identifier: GPL-2.0
/*
 * lkvm as the /init of the initramfs host/guest-initrd.c makes for a
 * kernel whose 9p is a module: it loads the modules listed in
 * /lkvm/modules, in that order, mounts the 9p root, frees the
 * initramfs and enters the root, whose /virt/init (lkvm again, as
 * cli/guest-init.c) then goes on as with a kernel that has 9p built in.
 * A failure is printed and /init exits: the kernel panics, and lkvm
 * reports the guest's panic.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "cli/guest-init.h"
#include "cli/guest-root.h"

#ifndef MODULE_INIT_COMPRESSED_FILE
#define MODULE_INIT_COMPRESSED_FILE	4	/* Linux 5.17: the kernel decompresses */
#endif

#define INITRAMFS_MODS_MAX	48
#define INITRAMFS_LIST_MAX	(INITRAMFS_MODS_MAX * 257)

bool guest_initramfs_is_me(const char *argv0)
{
	return getpid() == 1 && argv0 && !strcmp(argv0, GUEST_INITRAMFS_INIT) &&
	       !access(GUEST_INITRAMFS_LIST, R_OK);
}

static bool compressed(const char *name)
{
	const char *dot = strrchr(name, '.');

	return dot && strcmp(dot, ".ko");
}

static int module_load(const char *name)
{
	char path[512];
	int fd, ret;

	snprintf(path, sizeof(path), "%s/%s", GUEST_INITRAMFS_MODDIR, name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ret = syscall(SYS_finit_module, fd, "",
		      compressed(name) ? MODULE_INIT_COMPRESSED_FILE : 0);
	ret = ret && errno != EEXIST ? -errno : 0;
	close(fd);
	unlink(path);
	return ret;
}

static int modules_load(void)
{
	char list[INITRAMFS_LIST_MAX + 1], *name, *save;
	int fd = open(GUEST_INITRAMFS_LIST, O_RDONLY | O_CLOEXEC), ret;
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, list, INITRAMFS_LIST_MAX);
	close(fd);
	if (n < 0)
		return -errno;
	list[n] = '\0';
	for (name = strtok_r(list, "\n", &save); name; name = strtok_r(NULL, "\n", &save)) {
		ret = module_load(name);
		if (ret) {
			fprintf(stderr, "lkvm init: cannot load module %s: %s%s\n", name,
				strerror(-ret),
				ret == -EINVAL && compressed(name) ?
				" (a compressed module needs a kernel with CONFIG_MODULE_DECOMPRESS)" : "");
			return ret;
		}
	}
	return 0;
}

/* The virtio device may still be probing: a few tries, 100 ms apart. */
static int root_mount(void)
{
	const struct timespec pause = { 0, 100 * 1000 * 1000 };
	int i;

	mkdir("/newroot", 0755);
	for (i = 0; i < 50; i++) {
		if (!mount(GUEST_ROOT_TAG, "/newroot", "9p", 0,
			   "trans=virtio,version=9p2000.L"))
			return 0;
		if (errno != ENOENT && errno != ENODEV)
			break;
		nanosleep(&pause, NULL);
	}
	return -errno;
}

/* What stays in the initramfs' memory once the root is entered. */
static void initramfs_free(void)
{
	unlink(GUEST_INITRAMFS_LIST);
	unlink(GUEST_INITRAMFS_INIT);
}

int guest_initramfs_main(void)
{
	static char *const init_argv[] = { GUEST_ROOT_INIT, NULL };
	int ret = modules_load();

	if (!ret) {
		ret = root_mount();
		if (ret)
			fprintf(stderr, "lkvm init: cannot mount the 9p root %s: %s\n",
				GUEST_ROOT_TAG, strerror(-ret));
	}
	if (ret)
		return 1;
	initramfs_free();
	if (chdir("/newroot") || mount(".", "/", NULL, MS_MOVE, NULL) ||
	    chroot(".") || chdir("/")) {
		fprintf(stderr, "lkvm init: cannot enter the 9p root: %s\n", strerror(errno));
		return 1;
	}
	execv(GUEST_ROOT_INIT, init_argv);
	fprintf(stderr, "lkvm init: cannot run %s in the 9p root: %s; set the root up anew (lkvm setup)\n",
		GUEST_ROOT_INIT, strerror(errno));
	return 1;
}
