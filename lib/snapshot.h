/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_LIB_SNAPSHOT_H
#define LKVM_LIB_SNAPSHOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * The snapshot file (docs/snapshot.md): a fixed header, then typed,
 * length-prefixed sections (the state), then guest RAM, page aligned
 * so that a restore maps it. The header's CRC32C covers the header and
 * the state; RAM is checked for its size only (reading it all would
 * cost what mapping it saves). Pure code: the unit tests and the fuzzer
 * drive the parser on any bytes.
 */
#define SNAPSHOT_MAGIC		"LKVMSNAP"
#define SNAPSHOT_VERSION	2	/* 2: MTE tags (SNAPSHOT_TAGS) */
#define SNAPSHOT_VERSION_MIN	1	/* version 1 files restore as before */
#define SNAPSHOT_HDR_SIZE	256
#define SNAPSHOT_PAGE		4096
#define SNAPSHOT_STATE_MAX	(64u << 20)	/* far beyond 512 vCPUs' registers */
#define SNAPSHOT_MAX_SECTIONS	1024
#define SNAPSHOT_VERSION_LEN	32

enum snapshot_type {
	SNAPSHOT_CONFIG = 1,	/* the run's arguments, NUL separated */
	SNAPSHOT_DEVLIST,	/* the board's device names, NUL separated */
	SNAPSHOT_VCPU,		/* id: the vCPU's index */
	SNAPSHOT_IRQCHIP,
	SNAPSHOT_DEVICE,	/* id: the device's place on the board */
	SNAPSHOT_RAM,		/* u64 file offset, u64 size */
	SNAPSHOT_TAGS,		/* MTE tags: records of SNAPSHOT_TAG_REC bytes */
};

/*
 * MTE: one tag byte per 16-byte granule (KVM_ARM_MTE_COPY_TAGS), 256
 * per page. Only pages with a tag other than 0 are saved, each as a
 * record: u64 page number (from the RAM base), then its 256 tag bytes;
 * page numbers ascending. Their bound: every page of RAM tagged.
 */
#define SNAPSHOT_TAG_GRANULE	16
#define SNAPSHOT_TAG_BYTES	(SNAPSHOT_PAGE / SNAPSHOT_TAG_GRANULE)
#define SNAPSHOT_TAG_REC	(8 + SNAPSHOT_TAG_BYTES)

/* What the state depends on: a restore refuses any difference. */
struct snapshot_shape {
	uint32_t irqchip;	/* enum irqchip_kind */
	uint32_t nr_cpus;
	uint64_t ram_base;
	uint64_t ram_size;
	uint32_t ipa_bits;	/* 0: KVM's default */
	uint32_t sve_max_vq;
	uint32_t features;	/* KVM_ARM_VCPU_INIT features[0] */
	uint32_t flags;		/* SNAPSHOT_F_* */
};

#define SNAPSHOT_F_MTE		(1u << 0)
#define SNAPSHOT_F_PVTIME	(1u << 1)

struct snapshot_header {
	struct snapshot_shape shape;
	uint32_t format;	/* the file's format version (read only) */
	char version[SNAPSHOT_VERSION_LEN];	/* lkvm's, for messages */
	uint64_t state_size;	/* bytes of sections after the header */
	uint64_t ram_offset;
};

struct snapshot_section {
	uint32_t type, id;
	uint64_t off, len;	/* payload, from the start of the state */
};

struct snapshot_index {
	struct snapshot_header hdr;
	struct snapshot_section sec[SNAPSHOT_MAX_SECTIONS];
	unsigned int nr;
};

/*
 * A stream: written into a growing buffer (save), or read from one
 * section's payload (restore). Errors stick: check snapshot_error()
 * once at the end. ctx carries what a part's hooks need of the machine
 * (the GIC: each vCPU's MPIDR).
 */
struct snapshot {
	uint8_t *buf;
	size_t len, cap;
	const uint8_t *rd;
	size_t rd_len, rd_off;
	int err;
	const uint64_t *mpidr;
	unsigned int nr_cpus;
	size_t max;		/* the state's bound; 0: SNAPSHOT_STATE_MAX */
};

uint32_t crc32c(uint32_t crc, const void *buf, size_t len);

void snapshot_put(struct snapshot *s, const void *p, size_t n);
void snapshot_put_u32(struct snapshot *s, uint32_t v);
void snapshot_put_u64(struct snapshot *s, uint64_t v);
size_t snapshot_section_begin(struct snapshot *s, uint32_t type, uint32_t id);
void snapshot_section_end(struct snapshot *s, size_t at);
int snapshot_get(struct snapshot *s, void *p, size_t n);
uint32_t snapshot_get_u32(struct snapshot *s);
uint64_t snapshot_get_u64(struct snapshot *s);
size_t snapshot_left(const struct snapshot *s);
static inline int snapshot_error(const struct snapshot *s)
{
	return s->err;
}
void snapshot_free(struct snapshot *s);

/* The header for hdr, the state and RAM's place; into out (SNAPSHOT_HDR_SIZE). */
void snapshot_header_build(const struct snapshot_header *hdr,
			   const uint8_t *state, uint8_t *out);
/*
 * Checks buf (the header, then what there is of the state) from a file
 * of file_size bytes, and indexes its sections. 0, or -EINVAL (or
 * -ENODATA when more of the state is needed than len) with err naming
 * the problem.
 */
int snapshot_parse(const uint8_t *buf, size_t len, uint64_t file_size,
		   struct snapshot_index *idx, char *err, size_t err_len);
/* Only the header (SNAPSHOT_HDR_SIZE bytes): how much state follows. */
int snapshot_parse_header(const uint8_t *buf, size_t len,
			  struct snapshot_header *hdr, char *err, size_t err_len);
const struct snapshot_section *snapshot_find(const struct snapshot_index *idx,
					     uint32_t type, uint32_t id);
/* Reads sec's payload from state (the bytes after the header). */
void snapshot_open(struct snapshot *s, const uint8_t *state,
		   const struct snapshot_section *sec);
/* How large the state of a VM of this shape may be: MTE tags add to it. */
uint64_t snapshot_state_max(const struct snapshot_shape *sh);
/* The tags section's record i: its page number and tag bytes. */
uint64_t snapshot_tag_page(const uint8_t *state, const struct snapshot_section *sec,
			   uint64_t i, const uint8_t **tags);
/* The difference between two shapes, worded for the user; 0 if none. */
int snapshot_shape_diff(const struct snapshot_shape *file,
			const struct snapshot_shape *vm, char *msg, size_t len);

#endif
