// SPDX-License-Identifier: GPL-2.0
/* A gzip'ed kernel, decompressed in memory for the loader (boot/gunzip.c). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "boot/gunzip.h"
#include "boot/loader.h"
#include "host/kernel-gz.h"
#include "lib/log.h"

#define fail(ret, ...) (snprintf(err, err_len, __VA_ARGS__), (ret))

#define KERNEL_GZ_MAX	(256U << 20)	/* the compressed file */

/*
 * The whole file mapped, and the decompressed Image into a memfd;
 * -ENOEXEC when what it holds is no arm64 Image (a raw binary would
 * boot as one, garbage included).
 */
static int gz_to_memfd(const uint8_t *in, size_t len, int *fd)
{
	long long size = gunzip_size(in, len), n;
	struct image_info info;
	void *out;

	if (size <= 0)
		return -EINVAL;
	*fd = memfd_create("lkvm-kernel", MFD_CLOEXEC);
	if (*fd < 0)
		return -errno;
	if (ftruncate(*fd, size)) {
		close(*fd);
		return -errno;
	}
	out = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, *fd, 0);
	if (out == MAP_FAILED) {
		close(*fd);
		return -errno;
	}
	n = gunzip(in, len, out, size);
	if (n == size && (loader_parse_header(out, size, &info) || !info.has_header))
		n = -ENOEXEC;
	munmap(out, size);
	if (n != size) {
		close(*fd);
		return n < 0 ? (int)n : -EINVAL;
	}
	return 0;
}

int kernel_gunzip(struct vm_config *cfg, char *err, size_t err_len)
{
	int fd, out = -1, ret;
	unsigned char magic[2];
	struct stat st;
	void *in;

	if (!cfg->kernel_path)
		return 0;
	fd = open(cfg->kernel_path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;	/* the loader reports it */
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) || read(fd, magic, 2) != 2 ||
	    magic[0] != 0x1f || magic[1] != 0x8b) {
		close(fd);
		return 0;
	}
	if (st.st_size > KERNEL_GZ_MAX) {
		close(fd);
		return fail(-EFBIG, "kernel '%s' is gzip-compressed and above %u MiB; give the Image itself (gunzip -c it)",
			    cfg->kernel_path, KERNEL_GZ_MAX >> 20);
	}
	in = mmap(NULL, st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (in == MAP_FAILED)
		return fail(-errno, "cannot read kernel '%s': %s", cfg->kernel_path, strerror(errno));
	ret = gz_to_memfd(in, st.st_size, &out);
	munmap(in, st.st_size);
	if (ret == -ENOEXEC)
		return fail(ret, "kernel '%s' is a gzip-compressed file, not an arm64 Image.gz: what it holds has no arm64 Image header; look with gunzip -c, and give an arm64 Image",
			    cfg->kernel_path);
	if (ret)
		return fail(ret, "kernel '%s' is gzip-compressed and cannot be decompressed (%s; at most %llu MiB); give the Image itself",
			    cfg->kernel_path, ret == -EINVAL ? "corrupt or not one Image" : strerror(-ret),
			    GUNZIP_MAX >> 20);
	pr_info(cfg->loglevel, "kernel '%s' is gzip-compressed: decompressed in memory (%lld KiB)",
		cfg->kernel_path, (long long)lseek(out, 0, SEEK_END) >> 10);
	snprintf(cfg->kernel_gz, sizeof(cfg->kernel_gz), "/proc/self/fd/%d", out);
	cfg->kernel_path = cfg->kernel_gz;
	return 0;
}
