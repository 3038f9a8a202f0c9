// SPDX-License-Identifier: GPL-2.0
/* The default guest root: when lkvm run boots it, its shares, its names, its tree. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/guest-root.h"
#include "cli/options.h"
#include "host/guest-root-setup.h"
#include "tests/unit.h"

#define ARGV(...) ((char *[]){ "run", __VA_ARGS__, NULL })
#define ARGC(...) ((int)(sizeof((char *[]){ "run", __VA_ARGS__ }) / sizeof(char *)))
#define PARSE(cfg, ...) options_parse_run(ARGC(__VA_ARGS__), ARGV(__VA_ARGS__), \
					  (cfg), err, sizeof(err))

static char err[OPTIONS_ERR_MAX];

static bool wanted(int argc, char **argv)
{
	struct vm_config c;

	if (options_parse_run(argc, argv, &c, err, sizeof(err)))
		return false;
	return guest_root_wanted(&c);
}

#define WANTED(...) wanted(ARGC(__VA_ARGS__), ARGV(__VA_ARGS__))

static void test_wanted(struct unit *u)
{
	CHECK(u, WANTED("-k", "Image"));
	CHECK(u, WANTED("Image"));
	CHECK(u, WANTED("-k", "Image", "-p", "quiet rootwait"));
	CHECK(u, WANTED("-k", "Image", "-p", "noroot=1"));
	CHECK(u, WANTED("-k", "Image", "--9p", "/srv,data"));
	CHECK(u, !WANTED("-k", "Image", "-d", "disk.img"));
	CHECK(u, !WANTED("-k", "Image", "-i", "rd"));
	CHECK(u, !WANTED("-f", "fw.bin"));
	CHECK(u, !WANTED("-k", "Image", "--nodefaults"));
	CHECK(u, !WANTED("-k", "Image", "-p", "root=/dev/vdb"));
	CHECK(u, !WANTED("-k", "Image", "-p", "quiet root=tag rootfstype=9p"));
	CHECK(u, guest_root_params_have_root("root=x"));
	CHECK(u, !guest_root_params_have_root(NULL));
	CHECK(u, !guest_root_params_have_root("myroot=x"));
}

static void test_names(struct unit *u)
{
	char big[GUEST_ROOT_NAME_MAX + 2];

	CHECK_EQ(u, guest_root_name_check("default", err, sizeof(err)), 0);
	CHECK_EQ(u, guest_root_name_check("vm-1.test_2", err, sizeof(err)), 0);
	CHECK_EQ(u, guest_root_name_check("", err, sizeof(err)), -EINVAL);
	CHECK(u, strstr(err, "empty"));
	CHECK_EQ(u, guest_root_name_check("../x", err, sizeof(err)), -EINVAL);
	CHECK(u, strstr(err, "starts with '.'"));
	CHECK_EQ(u, guest_root_name_check("a/b", err, sizeof(err)), -EINVAL);
	CHECK(u, strstr(err, "has a '/'"));
	CHECK_EQ(u, guest_root_name_check("..", err, sizeof(err)), -EINVAL);
	CHECK_EQ(u, guest_root_name_check(".", err, sizeof(err)), -EINVAL);
	CHECK_EQ(u, guest_root_name_check("-n", err, sizeof(err)), -EINVAL);
	CHECK_EQ(u, guest_root_name_check(".hidden", err, sizeof(err)), -EINVAL);
	CHECK_EQ(u, guest_root_name_check("a b", err, sizeof(err)), -EINVAL);
	CHECK_EQ(u, guest_root_name_check("a\nb", err, sizeof(err)), -EINVAL);
	CHECK(u, strstr(err, "'?'"));
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	CHECK_EQ(u, guest_root_name_check(big, err, sizeof(err)), -EINVAL);
	big[GUEST_ROOT_NAME_MAX] = '\0';
	CHECK_EQ(u, guest_root_name_check(big, err, sizeof(err)), 0);
}

static bool share_is(const struct share_config *s, const char *dir, const char *tag, bool ro)
{
	return s->dir_len == strlen(dir) && !memcmp(s->spec, dir, s->dir_len) &&
	       s->tag_len == strlen(tag) && !memcmp(s->tag, tag, s->tag_len) && s->ro == ro;
}

static void test_shares(struct unit *u)
{
	struct vm_config c;

	CHECK_EQ(u, PARSE(&c, "-k", "Image"), 0);
	CHECK_EQ(u, guest_root_add_shares(&c, "/h/.lkvm/default,/dev/root", err, sizeof(err)), 0);
	CHECK_EQ(u, c.nr_shares, 2);
	CHECK(u, share_is(&c.shares[0], "/h/.lkvm/default", "/dev/root", false));
	CHECK(u, share_is(&c.shares[1], "/", "hostfs", true));

	/* The user's hostfs stands: writable if he says so. */
	CHECK_EQ(u, PARSE(&c, "-k", "Image", "--9p", "/,hostfs"), 0);
	CHECK_EQ(u, guest_root_add_shares(&c, "/r,/dev/root", err, sizeof(err)), 0);
	CHECK_EQ(u, c.nr_shares, 2);
	CHECK(u, share_is(&c.shares[0], "/", "hostfs", false));
	CHECK(u, share_is(&c.shares[1], "/r", "/dev/root", false));

	CHECK_EQ(u, PARSE(&c, "-k", "Image", "--9p", "/x,/dev/root"), 0);
	CHECK_EQ(u, guest_root_add_shares(&c, "/r,/dev/root", err, sizeof(err)), -EINVAL);
	CHECK(u, strstr(err, "the default root's"));

	/* Room for both, then none for hostfs: the share limit's error, not an overflow. */
	CHECK_EQ(u, PARSE(&c, "-k", "Image", "--9p", "/1,a", "--9p", "/2,b", "--9p", "/3,c",
			  "--9p", "/4,d", "--9p", "/5,e", "--9p", "/6,f"), 0);
	CHECK_EQ(u, guest_root_add_shares(&c, "/r,/dev/root", err, sizeof(err)), 0);
	CHECK_EQ(u, c.nr_shares, CONFIG_MAX_SHARES);
	CHECK_EQ(u, PARSE(&c, "-k", "Image", "--9p", "/1,a", "--9p", "/2,b", "--9p", "/3,c",
			  "--9p", "/4,d", "--9p", "/5,e", "--9p", "/6,f", "--9p", "/7,g"), 0);
	CHECK_EQ(u, guest_root_add_shares(&c, "/r,/dev/root", err, sizeof(err)), -EINVAL);
	CHECK(u, strstr(err, "at most"));
	CHECK_EQ(u, c.nr_shares, CONFIG_MAX_SHARES);
	CHECK(u, strstr(GUEST_ROOT_PARAMS, " root=/dev/root rw rootflags=rw,trans=virtio,version=9p2000.L rootfstype=9p init=/virt/init"));
}

/* An Image header (or none), then the kernel's banner across a 64 KiB boundary. */
static void write_kernel(const char *path, bool header, bool banner)
{
	static unsigned char img[140000];
	FILE *f = fopen(path, "w");

	memset(img, 0, sizeof(img));
	if (header) {
		img[16] = 0x10;			/* image_size 4 KiB */
		memcpy(img + 56, "ARM\x64", 4);
	}
	if (banner)
		memcpy(img + 64 + 65536 - 5, "Linux version 6.1.0-test", 24);
	if (f) {
		fwrite(img, 1, sizeof(img), f);
		fclose(f);
	}
}

/* A Linux Image gets the root, made on the way; a bare-metal guest nothing. */
/*
 * The version after the banner: across a read boundary; one cut by the
 * file's end, or longer than the caller's buffer, is no version.
 */
static void test_version(struct unit *u, const char *home)
{
	char kernel[PATH_MAX], ver[65] = "";
	FILE *f;

	snprintf(kernel, sizeof(kernel), "%s/Image", home);
	write_kernel(kernel, true, true);
	CHECK(u, guest_root_kernel_version(kernel, ver, sizeof(ver)));
	CHECK(u, !strcmp(ver, "6.1.0-test"));
	f = fopen(kernel, "a");
	if (f) {
		fputs("Linux version 9.9-end", f);	/* the first banner wins */
		fclose(f);
	}
	CHECK(u, guest_root_kernel_version(kernel, ver, sizeof(ver)));
	CHECK(u, !strcmp(ver, "6.1.0-test"));
	write_kernel(kernel, true, false);
	f = fopen(kernel, "a");
	if (f) {
		fputs("Linux version 9.9-end", f);
		fclose(f);
	}
	CHECK(u, !guest_root_kernel_version(kernel, ver, sizeof(ver)));
	f = fopen(kernel, "a");
	if (f) {
		fputs(" (gcc)", f);
		fclose(f);
	}
	CHECK(u, !guest_root_kernel_version(kernel, ver, 4));
	CHECK(u, guest_root_kernel_version(kernel, ver, sizeof(ver)));
	CHECK(u, !strcmp(ver, "9.9-end"));
	write_kernel(kernel, true, false);
	CHECK(u, !guest_root_kernel_version(kernel, ver, sizeof(ver)));
}

/* The kernel's 9p, by its modules.builtin; an unknown kernel is no warning. */
static void test_kernel_9p(struct unit *u, const char *home)
{
	char path[PATH_MAX];
	FILE *f;

	snprintf(path, sizeof(path), "%s/mods/6.1.0-test", home);
	CHECK_EQ(u, guest_root_kernel_9p(path, "6.1.0-test"), -ENOENT);
	snprintf(path, sizeof(path), "mkdir -p '%s/mods/6.1.0-test' '%s/mods/6.2-y'", home, home);
	CHECK_EQ(u, system(path), 0);
	snprintf(path, sizeof(path), "%s/mods/6.1.0-test/modules.builtin", home);
	f = fopen(path, "w");
	if (f) {
		fputs("kernel/fs/ext4/ext4.ko\nkernel/fs/9p/9p.ko.xz\n", f);
		fclose(f);
	}
	snprintf(path, sizeof(path), "%s/mods/6.2-y/modules.builtin", home);
	f = fopen(path, "w");
	if (f) {
		fputs("kernel/net/9p/9pnet.ko\nkernel/fs/9p/9p.ko\n", f);
		fclose(f);
	}
	snprintf(path, sizeof(path), "%s/mods", home);
	CHECK_EQ(u, guest_root_kernel_9p(path, "6.1.0-test"), 0);
	CHECK_EQ(u, guest_root_kernel_9p(path, "6.2-y"), 1);
	CHECK_EQ(u, guest_root_kernel_9p(path, "../mods/6.2-y"), -ENOENT);
	CHECK_EQ(u, guest_root_kernel_9p(path, ""), -ENOENT);
}

static void test_prepare(struct unit *u, const char *home)
{
	char kernel[PATH_MAX], path[PATH_MAX];
	struct vm_config c;
	char *spec;

	snprintf(kernel, sizeof(kernel), "%s/Image", home);
	snprintf(path, sizeof(path), "%s/sub/default", home);
	/* lkvm's bare-metal guests: a header and no banner; a raw binary; no file. */
	write_kernel(kernel, true, false);
	CHECK_EQ(u, PARSE(&c, "-k", kernel), 0);
	CHECK_EQ(u, guest_root_prepare(&c, &spec, err, sizeof(err)), 0);
	CHECK(u, !c.guest_root && !c.nr_shares && !spec);
	write_kernel(kernel, false, true);
	CHECK_EQ(u, guest_root_prepare(&c, &spec, err, sizeof(err)), 0);
	CHECK(u, !c.guest_root && !c.nr_shares && !spec);
	CHECK_EQ(u, PARSE(&c, "-k", "/nonexistent/Image"), 0);
	CHECK_EQ(u, guest_root_prepare(&c, &spec, err, sizeof(err)), 0);
	CHECK(u, !c.guest_root && !c.nr_shares);
	CHECK(u, access(path, F_OK));

	write_kernel(kernel, true, true);
	CHECK_EQ(u, PARSE(&c, "-k", kernel), 0);
	CHECK_EQ(u, guest_root_prepare(&c, &spec, err, sizeof(err)), 0);
	CHECK(u, c.guest_root && c.nr_shares == 2);
	CHECK(u, !access(path, F_OK));
	CHECK(u, spec && !strncmp(spec, path, strlen(path)) && c.shares[0].spec == spec);
	CHECK(u, share_is(&c.shares[1], "/", "hostfs", true));
	free(spec);
	/* Made once, used as it is after. */
	CHECK_EQ(u, PARSE(&c, "-k", kernel), 0);
	CHECK_EQ(u, guest_root_prepare(&c, &spec, err, sizeof(err)), 0);
	CHECK(u, c.guest_root);
	free(spec);
	/* A home with a comma cannot be a --9p directory. */
	snprintf(path, sizeof(path), "%s/a,b", home);
	setenv("LKVM_HOME", path, 1);
	CHECK_EQ(u, PARSE(&c, "-k", kernel), 0);
	CHECK_EQ(u, guest_root_prepare(&c, &spec, err, sizeof(err)), -EINVAL);
	CHECK(u, strstr(err, "has a ','") && !c.guest_root && !c.nr_shares);
	free(spec);
	snprintf(path, sizeof(path), "%s/sub", home);
	setenv("LKVM_HOME", path, 1);
}

/* The tree, in a scratch $LKVM_HOME: made once, refused the second time. */
static void test_create(struct unit *u)
{
	char home[] = "/tmp/test-guest-root.XXXXXX", path[PATH_MAX], link[64];
	struct stat st;
	ssize_t n;

	if (!mkdtemp(home)) {
		CHECK(u, !"mkdtemp");
		return;
	}
	snprintf(path, sizeof(path), "%s/sub", home);
	setenv("LKVM_HOME", path, 1);
	CHECK_EQ(u, guest_root_create("g1", err, sizeof(err)), 0);
	snprintf(path, sizeof(path), "%s/sub/g1/virt/init", home);
	CHECK(u, !stat(path, &st) && (st.st_mode & 0111) && st.st_size > 0);
	snprintf(path, sizeof(path), "%s/sub/g1/usr", home);
	n = readlink(path, link, sizeof(link) - 1);
	CHECK(u, n == 9 && !memcmp(link, "/host/usr", 9));
	snprintf(path, sizeof(path), "%s/sub/g1/tmp", home);
	CHECK(u, !stat(path, &st) && (st.st_mode & 07777) == 01777);
	CHECK_EQ(u, guest_root_create("g1", err, sizeof(err)), -EEXIST);
	CHECK(u, strstr(err, "already exists"));
	CHECK_EQ(u, guest_root_create("../g1", err, sizeof(err)), -EINVAL);
	test_prepare(u, home);
	test_kernel_9p(u, home);
	test_version(u, home);
	snprintf(path, sizeof(path), "rm -rf '%s'", home);
	CHECK_EQ(u, system(path), 0);
}

int main(void)
{
	struct unit u = { 0 };

	test_wanted(&u);
	test_names(&u);
	test_shares(&u);
	test_create(&u);
	return unit_done(&u, "test-guest-root");
}
