// SPDX-License-Identifier: GPL-2.0
/*
 * A VM with MTE: its guest RAM's allocation tags in the snapshot
 * (docs/snapshot.md, "MTE"). KVM_ARM_MTE_COPY_TAGS on the VM's fd reads
 * and writes them, one byte per 16-byte granule, for page-aligned
 * ranges of guest physical memory. Most pages carry no tag (a guest
 * tags what its programs map with PROT_MTE), so a page is saved only
 * when a tag in it is not 0; a restore writes those back before any
 * vCPU runs and leaves the rest to KVM, which clears a page's tags the
 * first time the guest maps it.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include <linux/kvm.h>

#include "lib/log.h"
#include "lib/util.h"
#include "machine/snapshot.h"
#include "machine/vm.h"

/* Guest RAM per read: 128 KiB of tags. */
#define TAGS_CHUNK	(2 * SZ_1M)

/* KVM copies a range in one go or part of it (then the rest fails). */
static int tags_copy(struct vm *vm, uint64_t off, uint64_t len, uint8_t *tags,
		     uint64_t flags)
{
	struct kvm_arm_copy_mte_tags c = { .flags = flags };
	long r;

	while (len) {
		c.guest_ipa = vm->ram_base + off;
		c.length = len;
		c.addr = tags;
		r = ioctl(vm->vm_fd, KVM_ARM_MTE_COPY_TAGS, &c);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		if (!r || r % SNAPSHOT_PAGE || (uint64_t)r > len)
			return -EIO;
		off += r;
		len -= r;
		tags += r / SNAPSHOT_TAG_GRANULE;
	}
	return 0;
}

static bool tags_zero(const uint8_t *t)
{
	static const uint8_t zero[SNAPSHOT_TAG_BYTES];

	return !memcmp(t, zero, sizeof(zero));
}

/* The pages of one chunk with a tag other than 0, as records. */
static void tags_put_chunk(struct snapshot *s, const uint8_t *tags, uint64_t first,
			   uint64_t n, uint64_t *saved)
{
	uint64_t i;

	for (i = 0; i < n; i++, tags += SNAPSHOT_TAG_BYTES) {
		if (tags_zero(tags))
			continue;
		snapshot_put_u64(s, first + i);
		snapshot_put(s, tags, SNAPSHOT_TAG_BYTES);
		(*saved)++;
	}
}

int snapshot_tags_save(struct vm *vm, struct snapshot *s, uint64_t *saved)
{
	uint8_t *tags = malloc(TAGS_CHUNK / SNAPSHOT_TAG_GRANULE);
	uint64_t off, len;
	size_t at;
	int ret = 0;

	*saved = 0;
	if (!tags)
		return -ENOMEM;
	at = snapshot_section_begin(s, SNAPSHOT_TAGS, 0);
	for (off = 0; off < vm->ram_size && !ret && !s->err; off += len) {
		len = MIN((uint64_t)TAGS_CHUNK, vm->ram_size - off);
		ret = tags_copy(vm, off, len, tags, KVM_ARM_TAGS_FROM_GUEST);
		if (!ret)
			tags_put_chunk(s, tags, off / SNAPSHOT_PAGE, len / SNAPSHOT_PAGE, saved);
	}
	snapshot_section_end(s, at);
	free(tags);
	return ret ?: s->err;
}

/* The file's records (checked by the parser: in RAM, ascending), into the VM. */
int snapshot_tags_restore(struct vm *vm, const uint8_t *state, uint64_t *restored)
{
	const struct snapshot_section *sec = snapshot_find(&vm->restore->idx, SNAPSHOT_TAGS, 0);
	const uint8_t *tags;
	uint64_t i, page;
	int ret;

	*restored = 0;
	if (!sec)
		return 0;
	for (i = 0; i < sec->len / SNAPSHOT_TAG_REC; i++) {
		page = snapshot_tag_page(state, sec, i, &tags);
		ret = tags_copy(vm, page * SNAPSHOT_PAGE, SNAPSHOT_PAGE, (uint8_t *)tags,
				KVM_ARM_TAGS_TO_GUEST);
		if (ret)
			return ret;
		(*restored)++;
	}
	return 0;
}
