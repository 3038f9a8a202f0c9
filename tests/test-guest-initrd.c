// SPDX-License-Identifier: GPL-2.0
/*
 * The module initramfs of the default root: modules.dep and
 * modules.builtin, the kernel's release from its banner, the cpio
 * writer, and the archive guest_initrd_build() makes from a module tree.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "boot/cpio.h"
#include "boot/kver.h"
#include "boot/moddep.h"
#include "host/guest-initrd.h"
#include "lib/log.h"
#include "tests/unit.h"

#define S(x) x, sizeof(x) - 1

static const char dep[] =
	"kernel/fs/9p/9p.ko: kernel/fs/fscache/fscache.ko kernel/net/9p/9pnet.ko kernel/fs/netfs/netfs.ko\n"
	"kernel/fs/fscache/fscache.ko:\tkernel/fs/netfs/netfs.ko\r\n"
	"kernel/fs/netfs/netfs.ko:\n"
	"kernel/net/9p/9pnet_virtio.ko.xz: kernel/net/9p/9pnet.ko\n"
	"kernel/net/9p/9pnet.ko:\n"
	"kernel/drivers/virtio/virtio-mmio.ko.zst:\n"
	"kernel/a.ko: kernel/b.ko\n"
	"kernel/b.ko: kernel/a.ko\n"
	"kernel/self.ko: kernel/self.ko\n"
	"kernel/up.ko: ../evil.ko\n"
	"../evil.ko:\n"
	"/abs/x.ko:\n"
	"kernel/orphan.ko: kernel/gone.ko\n";

static int idx(const struct moddep_list *l, const char *path)
{
	unsigned int i;

	for (i = 0; i < l->nr; i++)
		if (!strcmp(l->path[i], path))
			return i;
	return -1;
}

static void test_resolve(struct unit *u)
{
	struct moddep_list l = { 0 };
	char bad[64];

	CHECK_EQ(u, moddep_resolve(S(dep), "9p", &l, bad, sizeof(bad)), 0);
	CHECK_EQ(u, l.nr, 4);
	CHECK_EQ(u, idx(&l, "kernel/fs/9p/9p.ko"), 3);
	CHECK(u, idx(&l, "kernel/fs/netfs/netfs.ko") < idx(&l, "kernel/fs/fscache/fscache.ko"));
	CHECK(u, idx(&l, "kernel/net/9p/9pnet.ko") >= 0);
	/* Already listed: 9pnet once; '-' and '_' alike; compressed files by name. */
	CHECK_EQ(u, moddep_resolve(S(dep), "9pnet_virtio", &l, bad, sizeof(bad)), 0);
	CHECK_EQ(u, l.nr, 5);
	CHECK_EQ(u, idx(&l, "kernel/net/9p/9pnet_virtio.ko.xz"), 4);
	CHECK_EQ(u, moddep_resolve(S(dep), "virtio_mmio", &l, bad, sizeof(bad)), 0);
	CHECK_EQ(u, idx(&l, "kernel/drivers/virtio/virtio-mmio.ko.zst"), 5);
	CHECK_EQ(u, moddep_resolve(S(dep), "nothere", &l, bad, sizeof(bad)), -ENOENT);
	CHECK(u, !strcmp(bad, "nothere"));
	CHECK_EQ(u, moddep_resolve(S(dep), "orphan", &l, bad, sizeof(bad)), -ENOENT);
	CHECK(u, !strcmp(bad, "gone"));
	CHECK_EQ(u, moddep_resolve(S(dep), "a", &l, bad, sizeof(bad)), -ELOOP);
	CHECK_EQ(u, moddep_resolve(S(dep), "self", &l, bad, sizeof(bad)), -ELOOP);
	CHECK_EQ(u, moddep_resolve(S(dep), "up", &l, bad, sizeof(bad)), -EINVAL);
	CHECK(u, !strcmp(bad, "../evil.ko"));
	CHECK_EQ(u, moddep_resolve(S(dep), "x", &l, bad, sizeof(bad)), -EINVAL);
	CHECK_EQ(u, l.nr, 6);	/* failures add nothing they did not finish */
	CHECK_EQ(u, moddep_resolve("", 0, "9p", &l, bad, sizeof(bad)), -ENOENT);
}

/* A chain longer than the list holds, and one deeper than allowed. */
static void test_bounds(struct unit *u)
{
	static char big[MODDEP_MAX * 64 + 64];
	struct moddep_list l = { 0 };
	char bad[64];
	size_t n = 0;
	int i;

	for (i = 0; i <= MODDEP_MAX; i++)
		n += snprintf(big + n, sizeof(big) - n, "m%d.ko:%s\n", i, "");
	for (i = 0; i <= MODDEP_MAX; i++) {
		snprintf(bad, sizeof(bad), "m%d", i);
		if (moddep_resolve(big, n, bad, &l, NULL, 0))
			break;
	}
	CHECK_EQ(u, i, MODDEP_MAX);
	CHECK_EQ(u, l.nr, MODDEP_MAX);
	n = 0;
	l.nr = 0;
	for (i = 0; i <= MODDEP_DEPTH; i++)
		n += snprintf(big + n, sizeof(big) - n, "d%d.ko: d%d.ko\n", i, i + 1);
	n += snprintf(big + n, sizeof(big) - n, "d%d.ko:\n", i);
	CHECK_EQ(u, moddep_resolve(big, n, "d0", &l, bad, sizeof(bad)), -ELOOP);
	CHECK_EQ(u, moddep_resolve(big, n, "d2", &l, bad, sizeof(bad)), 0);
	CHECK_EQ(u, l.nr, MODDEP_DEPTH);
}

static void test_builtin(struct unit *u)
{
	static const char b[] = "kernel/drivers/virtio/virtio.ko\nkernel/fs/9p/9p.ko\nkernel/net/9p/9pnet-virtio.ko";
	char name[8];

	CHECK(u, moddep_builtin(S(b), "9p"));
	CHECK(u, moddep_builtin(S(b), "9pnet_virtio"));
	CHECK(u, !moddep_builtin(S(b), "9pnet"));
	CHECK(u, !moddep_builtin(S(b), "virtio_mmio"));
	CHECK(u, !moddep_builtin("", 0, "9p"));
	moddep_name(S("a/b/some-module.ko.xz"), name, sizeof(name));
	CHECK(u, !strcmp(name, "some_mo"));
}

static void test_kver(struct unit *u)
{
	static const char ok[] = "xx Linux version %s\nLinux version 6.1.0-57-arm64 (gcc)";
	char ver[KVER_MAX + 1];
	size_t keep = 0;

	CHECK_EQ(u, kver_find(S(ok), ver, sizeof(ver), &keep), 1);
	CHECK(u, !strcmp(ver, "6.1.0-57-arm64"));
	CHECK_EQ(u, kver_find(S("Linux version 6.1"), ver, sizeof(ver), &keep), -EAGAIN);
	CHECK_EQ(u, keep, 0);
	CHECK_EQ(u, kver_find(S("abc Linux vers"), ver, sizeof(ver), &keep), 0);
	CHECK_EQ(u, kver_find(S("Linux version  6.1 x"), ver, sizeof(ver), &keep), 0);
	CHECK_EQ(u, kver_find(S("Linux version 6.1\x01 x"), ver, sizeof(ver), &keep), 0);
	CHECK_EQ(u, kver_find(S("Linux version 6.1 x"), ver, 3, &keep), 0);
	CHECK_EQ(u, kver_find(S("Linux version 1234567890123456789012345678901234567890123456789012345678901234567890 x"),
			      ver, sizeof(ver), &keep), 0);
}

static unsigned long hexfield(const unsigned char *h, int i)
{
	char f[9];

	memcpy(f, h + 6 + i * 8, 8);
	f[8] = '\0';
	return strtoul(f, NULL, 16);
}

static void test_cpio(struct unit *u)
{
	struct cpio_buf c = { .max = 4096 };
	static char big[5000];

	CHECK_EQ(u, cpio_add(&c, "dev", S_IFDIR | 0755, 0, 0, NULL, 0), 0);
	CHECK_EQ(u, c.len, 116);	/* 110 + "dev\0", padded to 4 */
	CHECK(u, !memcmp(c.data, "070701", 6));
	CHECK_EQ(u, hexfield(c.data, 1), S_IFDIR | 0755);
	CHECK_EQ(u, hexfield(c.data, 11), 4);
	CHECK_EQ(u, cpio_add(&c, "init", S_IFREG | 0755, 0, 0, "abcde", 5), 0);
	CHECK_EQ(u, hexfield(c.data + 116, 6), 5);
	CHECK(u, !memcmp(c.data + 116 + 110, "init\0", 5));
	CHECK(u, !memcmp(c.data + 116 + 116, "abcde\0\0\0", 8));
	CHECK_EQ(u, c.len, 116 + 116 + 8);
	CHECK_EQ(u, cpio_add(&c, "dev/console", S_IFCHR | 0600, 5, 1, NULL, 0), 0);
	CHECK_EQ(u, cpio_add(&c, "huge", S_IFREG, 0, 0, big, sizeof(big)), -E2BIG);
	CHECK_EQ(u, cpio_finish(&c), 0);
	CHECK_EQ(u, c.len % 4, 0);
	CHECK(u, !memcmp(c.data + c.len - 14, "TRAILER!!!\0", 11));
	cpio_free(&c);
}

static void put(const char *dir, const char *name, const char *text)
{
	char path[PATH_MAX];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

/* A tree as depmod leaves it: what is made, what is refused and why. */
static void test_build(struct unit *u)
{
	char dir[] = "/tmp/lkvm-test-initrd.XXXXXX", v[PATH_MAX + 16], err[512];
	struct vm_config cfg = { .loglevel = LOG_ERROR };
	int fd;

	if (!mkdtemp(dir)) {
		CHECK(u, false);
		return;
	}
	CHECK_EQ(u, guest_initrd_build(&cfg, dir, "6.1", &fd, err, sizeof(err)), 0);
	CHECK_EQ(u, fd, -1);	/* no tree: the kernel is on its own */
	snprintf(v, sizeof(v), "%s/6.1", dir);
	mkdir(v, 0755);
	put(v, "modules.builtin", "kernel/fs/9p/9p.ko\n");
	CHECK_EQ(u, guest_initrd_build(&cfg, dir, "6.1", &fd, err, sizeof(err)), 0);
	CHECK_EQ(u, fd, -1);	/* 9p built in */
	put(v, "modules.builtin", "kernel/drivers/virtio/virtio.ko\n");
	CHECK_EQ(u, guest_initrd_build(&cfg, dir, "6.1", &fd, err, sizeof(err)), -ENOENT);
	CHECK(u, strstr(err, "run depmod 6.1"));
	put(v, "modules.dep", "9p.ko: 9pnet.ko\n9pnet.ko:\n9pnet_virtio.ko: 9pnet.ko\nvirtio_mmio.ko:\n");
	CHECK_EQ(u, guest_initrd_build(&cfg, dir, "6.1", &fd, err, sizeof(err)), -ENOENT);
	CHECK(u, strstr(err, "/6.1/virtio_mmio.ko") && strstr(err, "install the kernel's modules"));
	put(v, "9p.ko", "m9p");
	put(v, "9pnet.ko", "m9pnet");
	put(v, "9pnet_virtio.ko", "m9pnet_virtio");
	put(v, "virtio_mmio.ko", "mmio");
	CHECK_EQ(u, guest_initrd_build(&cfg, dir, "6.1", &fd, err, sizeof(err)), 0);
	CHECK(u, fd >= 0 && lseek(fd, 0, SEEK_END) > 4 * 1024);
	if (fd >= 0)
		close(fd);
	cfg.virtio_transport = VIRTIO_PCI;	/* virtio_pci has no line: refused */
	CHECK_EQ(u, guest_initrd_build(&cfg, dir, "6.1", &fd, err, sizeof(err)), -ENOENT);
	CHECK(u, strstr(err, "needs module virtio_pci"));
	CHECK_EQ(u, guest_initrd_build(&cfg, dir, "../6.1", &fd, err, sizeof(err)), 0);
	CHECK_EQ(u, fd, -1);
	snprintf(v, sizeof(v), "rm -rf %s", dir);
	CHECK_EQ(u, system(v), 0);
}

int main(void)
{
	struct unit u = { 0 };

	test_resolve(&u);
	test_bounds(&u);
	test_builtin(&u);
	test_kver(&u);
	test_cpio(&u);
	test_build(&u);
	return unit_done(&u, "test-guest-initrd");
}
