// SPDX-License-Identifier: GPL-2.0
/*
 * Guest RAM from huge pages (--hugetlbfs DIR), as kvmtool: an unlinked
 * file in a hugetlbfs mount, sized to RAM and mapped whole. The kernel
 * reserves every huge page of a hugetlbfs mapping when it is made, so a
 * host short of pages fails here, with a message, and never later with
 * SIGBUS in a vCPU when the guest first touches a page.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "lib/log.h"
#include "lib/util.h"
#include "machine/hugetlbfs.h"

#define HUGETLBFS_MAGIC_NR	0x958458f6	/* linux/magic.h */

/* One number from a sysfs or procfs file; -1 when there is none. */
static long hugetlbfs_read_long(const char *path, const char *key)
{
	char line[128];
	long v = -1;
	FILE *f = fopen(path, "re");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		const char *p = line;

		if (key) {
			if (strncmp(line, key, strlen(key)))
				continue;
			p += strlen(key);
		}
		v = strtol(p, NULL, 10);
		break;
	}
	fclose(f);
	return v;
}

static long hugetlbfs_pool(unsigned long kb, const char *what)
{
	char path[96];

	snprintf(path, sizeof(path), "/sys/kernel/mm/hugepages/hugepages-%lukB/%s",
		 kb, what);
	return hugetlbfs_read_long(path, NULL);
}

/*
 * Too few free pages: how many the guest needs, how many there are,
 * and the pool size that would do. /proc/sys/vm/nr_hugepages sizes
 * only the default huge page size's pool; others have their own file.
 */
static void hugetlbfs_report_short(const char *dir, unsigned long page,
				   uint64_t size, int th)
{
	unsigned long kb = page >> 10;
	long nr = hugetlbfs_pool(kb, "nr_hugepages");
	long avail = hugetlbfs_pool(kb, "free_hugepages") -
		     hugetlbfs_pool(kb, "resv_hugepages");
	long need = size / page;
	long def_kb = hugetlbfs_read_long("/proc/meminfo", "Hugepagesize:");
	char file[96];

	if (def_kb == (long)kb)
		snprintf(file, sizeof(file), "/proc/sys/vm/nr_hugepages");
	else
		snprintf(file, sizeof(file),
			 "/sys/kernel/mm/hugepages/hugepages-%lukB/nr_hugepages", kb);
	if (nr < 0 || avail < 0)
		nr = avail = 0;
	/* Enough free pages, yet refused: another process took them since. */
	pr_err(th, "--hugetlbfs '%s': -m %llu MiB needs %ld huge pages of %lu kB, the host has %ld free; reserve more (echo %ld > %s) or give less RAM",
	       dir, (unsigned long long)(size >> 20), need, kb, avail,
	       nr + (avail < need ? need - avail : need), file);
}

/* DIR is a hugetlbfs mount whose page size divides the RAM size. */
int hugetlbfs_check(const char *dir, uint64_t size, unsigned long *page,
			   int th)
{
	struct statfs sfs;
	struct stat st;

	if (stat(dir, &st) || statfs(dir, &sfs)) {
		int e = errno;

		pr_err(th, "--hugetlbfs '%s': %s; give a hugetlbfs mount (mkdir -p %s && mount -t hugetlbfs none %s)",
		       dir, strerror(e), dir, dir);
		return -e;
	}
	if (!S_ISDIR(st.st_mode)) {
		pr_err(th, "--hugetlbfs '%s' is not a directory; give a hugetlbfs mount, e.g. /dev/hugepages",
		       dir);
		return -ENOTDIR;
	}
	if ((unsigned long)sfs.f_type != HUGETLBFS_MAGIC_NR) {
		pr_err(th, "--hugetlbfs '%s' is not a hugetlbfs mount; mount one there (mount -t hugetlbfs none %s) or give one, e.g. /dev/hugepages",
		       dir, dir);
		return -EINVAL;
	}
	*page = sfs.f_bsize;
	if (!*page || size % *page) {
		pr_err(th, "--hugetlbfs '%s': -m %llu MiB is not a whole number of its %lu kB huge pages; give -m %llu",
		       dir, (unsigned long long)(size >> 20), *page >> 10,
		       (unsigned long long)(ALIGN_UP(size, *page ? *page : 1) >> 20));
		return -EINVAL;
	}
	return 0;
}

/* An unlinked file in DIR, sized to the RAM: nothing is left behind. */
static int hugetlbfs_file(const char *dir, uint64_t size, int th)
{
	char path[PATH_MAX];
	int fd;

	if (snprintf(path, sizeof(path), "%s/lkvm-ram-XXXXXX", dir) >= (int)sizeof(path)) {
		pr_err(th, "--hugetlbfs '%.64s...': the path is too long; give a shorter one", dir);
		return -ENAMETOOLONG;
	}
	fd = mkostemp(path, O_CLOEXEC);
	if (fd < 0) {
		int e = errno;

		pr_err(th, "--hugetlbfs '%s': cannot create a file there: %s; give a mount this user may write to",
		       dir, strerror(e));
		return -e;
	}
	unlink(path);
	if (ftruncate(fd, size)) {
		int e = errno;

		pr_err(th, "--hugetlbfs '%s': cannot size a file to %llu MiB: %s; check the mount's size= option",
		       dir, (unsigned long long)(size >> 20), strerror(e));
		close(fd);
		return -e;
	}
	return fd;
}

int hugetlbfs_map(const char *dir, uint64_t size, int th, void **out)
{
	unsigned long page = 0;
	int fd, e, ret;
	void *p;

	ret = hugetlbfs_check(dir, size, &page, th);
	if (ret)
		return ret;
	fd = hugetlbfs_file(dir, size, th);
	if (fd < 0)
		return fd;
	/* Shared: the pages are the file's, reserved for it whole now. */
	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	e = errno;
	close(fd);
	if (p != MAP_FAILED) {
		*out = p;
		return 0;
	}
	if (e == ENOMEM)
		hugetlbfs_report_short(dir, page, size, th);
	else if (e == ENOSPC)
		pr_err(th, "--hugetlbfs '%s': the mount's size= limit has no room for %llu MiB; remount it larger or give less RAM",
		       dir, (unsigned long long)(size >> 20));
	else
		pr_err(th, "--hugetlbfs '%s': cannot map %llu MiB of huge pages: %s",
		       dir, (unsigned long long)(size >> 20), strerror(e));
	return -e;
}
