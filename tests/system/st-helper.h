/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_TESTS_SYSTEM_ST_HELPER_H
#define LKVM_TESTS_SYSTEM_ST_HELPER_H

#include <sys/types.h>

/* Says how st-helper is called; returns its exit status, 2 (st-util.c). */
int usage(void);
/* Writes all n bytes, or as many as fd takes before an error (st-util.c). */
void write_all(int fd, const char *p, ssize_t n);
/* st-helper run [options] -- CMD [ARG...] (st-run.c). */
int cmd_run(int argc, char **argv);

#endif
