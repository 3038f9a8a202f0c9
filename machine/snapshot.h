/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_MACHINE_SNAPSHOT_H
#define LKVM_MACHINE_SNAPSHOT_H

#include <stddef.h>
#include <stdint.h>

#include "lib/snapshot.h"

struct vm;
struct control_cmd;
struct snapshot_populate;

/*
 * A snapshot being restored (machine/snapshot-restore.c): the file,
 * its header and state read and checked, its sections indexed.
 */
struct snapshot_file {
	int fd;
	uint64_t size;
	uint8_t *head;		/* the header, then the state */
	char **argv;		/* its run's options, into head */
	struct snapshot_index idx;
	struct snapshot_populate *populate;	/* RAM put in place ahead (snapshot-ram.c) */
};

void vm_snapshot_shape(struct vm *vm, struct snapshot_shape *sh);
/* The control socket's SNAPSHOT: the VM pauses, is written out, resumes or stops. */
int vm_snapshot(struct vm *vm, const struct control_cmd *cmd, char *msg, size_t len);

/* lkvm run --restore: the file's configuration, with the allowed overrides. */
int snapshot_restore_config(struct vm *vm, int argc, char *const argv[],
			    char *err, size_t err_len);
void snapshot_file_close(struct snapshot_file *f);
/* pread() of all n bytes at off; -ENODATA where the file ends first. */
int snapshot_file_pread(int fd, void *buf, size_t n, uint64_t off);
/* Set-up stages for a restore; no-ops otherwise. */
int snapshot_map_ram(struct vm *vm);
/* Ends the thread that populates the mapped RAM: before RAM is unmapped. */
void snapshot_ram_stop(struct snapshot_file *f);
int vm_restore_state(struct vm *vm);

/*
 * MTE tags (machine/snapshot-tags.c): the pages of guest RAM with a tag
 * other than 0 into s's tags section, their count in saved; back from
 * the file's (state: after its header) into the VM, before any vCPU runs.
 */
int snapshot_tags_save(struct vm *vm, struct snapshot *s, uint64_t *saved);
int snapshot_tags_restore(struct vm *vm, const uint8_t *state, uint64_t *restored);

#endif
