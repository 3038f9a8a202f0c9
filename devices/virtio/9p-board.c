// SPDX-License-Identifier: GPL-2.0
/* virtio-9p on the board: one device per --9p, in order. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include "devices/virtio/9p.h"
#include "devices/virtio/board.h"
#include "lib/log.h"

/* The share's directory and tag as C strings. */
static int p9_board_names(const struct share_config *s, char *dir,
			  char *tag, int th)
{
	if (s->dir_len >= PATH_MAX) {
		pr_err(th, "--9p: the directory's name is longer than %d bytes; give a shorter path", PATH_MAX - 1);
		return -ENAMETOOLONG;
	}
	memcpy(dir, s->spec, s->dir_len);
	dir[s->dir_len] = '\0';
	memcpy(tag, s->tag, s->tag_len);
	tag[s->tag_len] = '\0';
	return 0;
}

int virtio_9p_check(const struct vm_config *cfg, int th)
{
	char dir[PATH_MAX], tag[CONFIG_9P_TAG_MAX + 1];
	struct stat st;
	unsigned int i;
	int ret;

	for (i = 0; i < cfg->nr_shares; i++) {
		ret = p9_board_names(&cfg->shares[i], dir, tag, th);
		if (ret)
			return ret;
		if (stat(dir, &st)) {
			ret = -errno;
			pr_err(th, "--9p %s,%s: %s: %s; give an existing directory to share",
			       dir, tag, dir, strerror(errno));
			return ret;
		}
		if (!S_ISDIR(st.st_mode)) {
			pr_err(th, "--9p %s,%s: %s is not a directory; give the directory to share",
			       dir, tag, dir);
			return -ENOTDIR;
		}
		if (access(dir, cfg->shares[i].ro ? R_OK | X_OK : R_OK | W_OK | X_OK)) {
			ret = -errno;
			pr_err(th, "--9p %s,%s: %s: %s; give a directory lkvm's user may %s, or add ,ro",
			       dir, tag, dir, strerror(errno),
			       cfg->shares[i].ro ? "read" : "read and write");
			return ret;
		}
	}
	return 0;
}

/*
 * Each fid a guest holds is up to three descriptors (devices/9p/p9-fs.h),
 * and a cache=loose mount holds a fid per file it has seen: the soft
 * descriptor limit goes up to the hard one, so that the fid cap, not
 * 1024 descriptors, is what a guest meets first where the host allows.
 */
static void p9_board_raise_nofile(int th)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) || rl.rlim_cur >= rl.rlim_max)
		return;
	rl.rlim_cur = rl.rlim_max;
	if (setrlimit(RLIMIT_NOFILE, &rl))
		pr_warn(th, "--9p: cannot raise the descriptor limit: %s; a guest may run out of files sooner",
			strerror(errno));
}

int virtio_9p_add(const struct device_ctx *ctx, const struct vm_config *cfg,
		  struct device_list *list)
{
	char dir[PATH_MAX], tag[CONFIG_9P_TAG_MAX + 1];
	struct virtio_9p_cfg pc = { .dir = dir, .tag = tag };
	struct device *dev;
	unsigned int i;
	int ret;

	if (cfg->nr_shares)
		p9_board_raise_nofile(ctx->loglevel);
	for (i = 0; i < cfg->nr_shares; i++) {
		ret = p9_board_names(&cfg->shares[i], dir, tag, ctx->loglevel);
		if (ret)
			return ret;
		pc.ro = cfg->shares[i].ro;
		ret = virtio_9p_create(ctx, i, &pc, virtio_board_transport(cfg), &dev);
		if (!ret) {
			ret = device_list_add(list, dev);
			if (ret)
				dev->ops->destroy(dev);
		}
		if (ret) {
			pr_err(ctx->loglevel, "cannot create the virtio-9p device for %s: %s",
			       dir, strerror(-ret));
			return ret;
		}
	}
	return 0;
}
