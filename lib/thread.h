/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_LIB_THREAD_H
#define LKVM_LIB_THREAD_H

#include <pthread.h>

/*
 * Every thread of lkvm runs shallow code: device models, the run loop,
 * messages of at most 1 KiB. The default stack (RLIMIT_STACK, 8 MiB)
 * is a mapping large enough to hold an aligned 2 MiB block, and with
 * transparent huge pages enabled the first touch of such a block backs
 * it with a huge page: 2 MiB of memory for a few hundred bytes of
 * stack, at random (it depends on where the mapping lands). A stack
 * under 2 MiB never gets one.
 */
#define THREAD_STACK_SIZE	(256 * 1024)

/* pthread_create() with lkvm's stack size; returns 0 or -errno. */
static inline int thread_start(pthread_t *thread, void *(*fn)(void *),
			       void *arg)
{
	pthread_attr_t attr;
	int ret;

	ret = pthread_attr_init(&attr);
	if (ret)
		return -ret;
	ret = pthread_attr_setstacksize(&attr, THREAD_STACK_SIZE);
	if (!ret)
		ret = pthread_create(thread, &attr, fn, arg);
	pthread_attr_destroy(&attr);
	return -ret;
}

#endif
