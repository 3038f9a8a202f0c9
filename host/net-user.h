/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_HOST_NET_USER_H
#define LKVM_HOST_NET_USER_H

#include <stddef.h>

#include "cli/net-params.h"

/* Where `make install` and the Debian package put lkvm-net-user. */
#ifndef LKVM_LIBEXECDIR
#define LKVM_LIBEXECDIR "/usr/lib/lkvm"
#endif
#define NET_USER_HELPER "lkvm-net-user"

/*
 * User-mode networking (-n mode=user): libslirp runs in lkvm-net-user
 * (net-user/), which lkvm starts here, during set-up, with one end of a
 * SOCK_SEQPACKET socketpair and the card's addresses and port forwards
 * on its command line. Waits until the helper has bound its forwards
 * (a port in use fails here) and returns lkvm's end, non-blocking, for
 * host/net-fd.c; or -errno, having said why in err. The helper looks
 * for the program next to lkvm's own binary, then in LKVM_LIBEXECDIR.
 */
int net_user_spawn(unsigned int index, const struct net_params *p,
		   char *err, size_t err_len);

#endif
