// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz-snapshot: a section restored into a virtio-9p device on a scratch
 * share (a file, a directory with a file in it, a symlink out), through
 * virtio-mmio with the 9p model's part last (devices/9p/p9-snap.c):
 * every fid it names is walked again beneath the share, or the restore
 * fails with none left; either way the device's destruction leaves no
 * descriptor open.
 */
#include <dirent.h>
#include <stdlib.h>

#include "devices/virtio/9p.h"
#include "tests/fuzz/fuzz.h"
#include "tests/fuzz/snapshot-virtio-fz.h"

#define SV9_ROOT	"/tmp/fuzz-snapshot-9p"

static int sv9_open_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	int n = 0;

	if (!d)
		return -1;
	while (readdir(d))
		n++;
	closedir(d);
	return n;
}

static void sv9_share(void)
{
	static bool made;

	if (made)
		return;
	if (system("rm -rf " SV9_ROOT " && mkdir -p " SV9_ROOT "/share/d && "
		   "echo f >" SV9_ROOT "/share/f && echo g >" SV9_ROOT "/share/d/g && "
		   "ln -s / " SV9_ROOT "/share/up"))
		abort();
	made = true;
}

void fuzz_snapshot_virtio_9p(const uint8_t *state, const struct snapshot_section *sec)
{
	struct virtio_9p_cfg cfg = { .dir = SV9_ROOT "/share", .tag = "fz" };
	struct virtio_dev *vd;
	int fds;

	sv9_share();
	fds = sv9_open_fds();
	if (!virtio_9p_new(0, &cfg, &vd))
		fuzz_snapshot_mmio_restore(vd, state, sec, NULL);
	FUZZ_CHECK(sv9_open_fds() == fds);
}
