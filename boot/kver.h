/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_BOOT_KVER_H
#define LKVM_BOOT_KVER_H

#include <stddef.h>

/*
 * The release of a Linux kernel, from its banner in the (uncompressed)
 * Image: "Linux version 6.1.0-57-arm64 (debian-kernel@...) ...", as
 * uname -r gives it and as /lib/modules names its tree. Pure, so unit
 * tests and a fuzzer drive it.
 */
#define KVER_BANNER	"Linux version "
#define KVER_MAX	64	/* bytes of a release, NUL excluded */

/*
 * Looks for the first banner in buf whose release starts with a digit
 * and is at most KVER_MAX printable bytes, ended by a blank. 1 and the
 * release in ver (ver_len > KVER_MAX); 0 when there is none; -EAGAIN
 * when a banner runs into the end of buf, at *keep: the caller reads
 * on from there.
 */
int kver_find(const char *buf, size_t len, char *ver, size_t ver_len, size_t *keep);

#endif
