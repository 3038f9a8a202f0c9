// SPDX-License-Identifier: GPL-2.0
/*
 * nobody COMMAND [ARG...]: run COMMAND as user and group 65534 with no
 * supplementary groups. The system tests run as root, who opens every
 * file and device; a permission error (/dev/kvm, an unreadable kernel)
 * needs someone who cannot. The emulated host's busybox has no su or
 * setpriv that can do this without a passwd file, hence this helper
 * (built static by scripts/mk-host-initramfs.sh, or with cc by
 * scripts/run-vm-scenarios.sh on a direct run). Exits 126 when it
 * cannot drop privileges, 127 when COMMAND cannot be run.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <grp.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define NOBODY_ID	65534

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: nobody COMMAND [ARG...]\n");
		return 2;
	}
	/* Groups first: once the uid is dropped they cannot be changed. */
	if (setgroups(0, NULL) || setresgid(NOBODY_ID, NOBODY_ID, NOBODY_ID) ||
	    setresuid(NOBODY_ID, NOBODY_ID, NOBODY_ID)) {
		fprintf(stderr, "nobody: cannot become user %d: %s\n", NOBODY_ID,
			strerror(errno));
		return 126;
	}
	execvp(argv[1], argv + 1);
	fprintf(stderr, "nobody: cannot run %s: %s\n", argv[1], strerror(errno));
	return 127;
}
