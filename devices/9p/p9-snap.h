/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_DEVICES_9P_P9_SNAP_H
#define LKVM_DEVICES_9P_P9_SNAP_H

#include <stddef.h>
#include <stdint.h>

#include "devices/9p/p9-fs.h"

struct snapshot;

/*
 * The share's fids into s: each by its path below the share's root,
 * its name in its directory and its open flags. -ESTALE with bad_fid
 * set when a fid's file was removed or moved out of the share (nothing
 * could find it again), another -errno when the host refuses a look.
 */
int p9_fs_save(struct p9_fs *fs, struct snapshot *s, uint32_t *bad_fid);
/*
 * The fids of s in place of fs's: each path walked again beneath the
 * root and reopened. On failure none is left, and bad (bad_len bytes)
 * names the path that could not be found.
 */
int p9_fs_restore(struct p9_fs *fs, struct snapshot *s, char *bad, size_t bad_len);

#endif
