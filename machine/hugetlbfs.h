/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_MACHINE_HUGETLBFS_H
#define LKVM_MACHINE_HUGETLBFS_H

#include <stdint.h>

/*
 * Whether dir is a hugetlbfs mount whose huge pages (*page bytes) make
 * up size exactly: before any KVM work, so a bad --hugetlbfs fails at
 * once. Reports a failure itself and returns -errno.
 */
int hugetlbfs_check(const char *dir, uint64_t size, unsigned long *page,
		    int loglevel);

/*
 * Maps size bytes of huge pages from the hugetlbfs mount dir, all of
 * them reserved; reports a failure itself (it knows the mount and the
 * page size) and returns -errno.
 */
int hugetlbfs_map(const char *dir, uint64_t size, int loglevel, void **out);

#endif
