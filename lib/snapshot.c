// SPDX-License-Identifier: GPL-2.0
/*
 * The snapshot file's format: the stream the parts write and read,
 * the header, and the parser, which trusts no length it reads.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/snapshot.h"

/* CRC32C (Castagnoli, reflected 0x82f63b78), bitwise: a few MiB of state at most. */
uint32_t crc32c(uint32_t crc, const void *buf, size_t len)
{
	const uint8_t *p = buf;
	int k;

	crc = ~crc;
	while (len--) {
		crc ^= *p++;
		for (k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0x82f63b78u & -(crc & 1));
	}
	return ~crc;
}

static void put_le32(uint8_t *p, uint32_t v)
{
	int i;

	for (i = 0; i < 4; i++)
		p[i] = v >> (8 * i);
}

static void put_le64(uint8_t *p, uint64_t v)
{
	put_le32(p, v);
	put_le32(p + 4, v >> 32);
}

static uint32_t get_le32(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t get_le64(const uint8_t *p)
{
	return get_le32(p) | (uint64_t)get_le32(p + 4) << 32;
}

static int snapshot_grow(struct snapshot *s, size_t n)
{
	size_t cap = s->cap ? s->cap : 4096;
	size_t max = s->max ? s->max : SNAPSHOT_STATE_MAX;
	uint8_t *b;

	if (n > max || s->len > max - n)
		return -EFBIG;
	while (cap < s->len + n)
		cap *= 2;
	if (cap == s->cap)
		return 0;
	b = realloc(s->buf, cap);
	if (!b)
		return -ENOMEM;
	s->buf = b;
	s->cap = cap;
	return 0;
}

void snapshot_put(struct snapshot *s, const void *p, size_t n)
{
	if (s->err)
		return;
	s->err = snapshot_grow(s, n);
	if (s->err)
		return;
	memcpy(s->buf + s->len, p, n);
	s->len += n;
}

void snapshot_put_u32(struct snapshot *s, uint32_t v)
{
	uint8_t b[4];

	put_le32(b, v);
	snapshot_put(s, b, sizeof(b));
}

void snapshot_put_u64(struct snapshot *s, uint64_t v)
{
	uint8_t b[8];

	put_le64(b, v);
	snapshot_put(s, b, sizeof(b));
}

/* A section's 16-byte head; its length is filled in by snapshot_section_end(). */
size_t snapshot_section_begin(struct snapshot *s, uint32_t type, uint32_t id)
{
	size_t at = s->len;

	snapshot_put_u32(s, type);
	snapshot_put_u32(s, id);
	snapshot_put_u64(s, 0);
	return at;
}

/* Payloads are padded to 8 bytes, so that every section head is aligned. */
void snapshot_section_end(struct snapshot *s, size_t at)
{
	static const uint8_t zero[8];
	uint64_t len;

	if (s->err)
		return;
	len = s->len - at - 16;
	put_le64(s->buf + at + 8, len);
	if (len % 8)
		snapshot_put(s, zero, 8 - len % 8);
}

int snapshot_get(struct snapshot *s, void *p, size_t n)
{
	if (!s->err && n > s->rd_len - s->rd_off)
		s->err = -EINVAL;
	if (s->err) {
		memset(p, 0, n);
		return s->err;
	}
	memcpy(p, s->rd + s->rd_off, n);
	s->rd_off += n;
	return 0;
}

uint32_t snapshot_get_u32(struct snapshot *s)
{
	uint8_t b[4];

	snapshot_get(s, b, sizeof(b));
	return get_le32(b);
}

uint64_t snapshot_get_u64(struct snapshot *s)
{
	uint8_t b[8];

	snapshot_get(s, b, sizeof(b));
	return get_le64(b);
}

size_t snapshot_left(const struct snapshot *s)
{
	return s->rd_len - s->rd_off;
}

void snapshot_free(struct snapshot *s)
{
	free(s->buf);
	s->buf = NULL;
	s->len = s->cap = 0;
}

void snapshot_open(struct snapshot *s, const uint8_t *state,
		   const struct snapshot_section *sec)
{
	s->rd = state + sec->off;
	s->rd_len = sec->len;
	s->rd_off = 0;
	s->err = 0;
}

/* Header fields, by offset. */
enum {
	H_MAGIC = 0, H_FORMAT = 8, H_HDR_SIZE = 12, H_VERSION = 16,
	H_IRQCHIP = 48, H_CPUS = 52, H_RAM_BASE = 56, H_RAM_SIZE = 64,
	H_IPA = 72, H_SVE = 76, H_FEATURES = 80, H_FLAGS = 84,
	H_STATE = 88, H_RAM_OFF = 96, H_CRC = 104,
};

static uint32_t snapshot_crc(const uint8_t *hdr, const uint8_t *state,
			     uint64_t state_size)
{
	uint8_t h[SNAPSHOT_HDR_SIZE];

	memcpy(h, hdr, sizeof(h));
	put_le32(h + H_CRC, 0);
	return crc32c(crc32c(0, h, sizeof(h)), state, state_size);
}

void snapshot_header_build(const struct snapshot_header *hdr,
			   const uint8_t *state, uint8_t *out)
{
	const struct snapshot_shape *sh = &hdr->shape;

	memset(out, 0, SNAPSHOT_HDR_SIZE);
	memcpy(out + H_MAGIC, SNAPSHOT_MAGIC, 8);
	put_le32(out + H_FORMAT, SNAPSHOT_VERSION);
	put_le32(out + H_HDR_SIZE, SNAPSHOT_HDR_SIZE);
	memcpy(out + H_VERSION, hdr->version, strnlen(hdr->version, SNAPSHOT_VERSION_LEN - 1));
	put_le32(out + H_IRQCHIP, sh->irqchip);
	put_le32(out + H_CPUS, sh->nr_cpus);
	put_le64(out + H_RAM_BASE, sh->ram_base);
	put_le64(out + H_RAM_SIZE, sh->ram_size);
	put_le32(out + H_IPA, sh->ipa_bits);
	put_le32(out + H_SVE, sh->sve_max_vq);
	put_le32(out + H_FEATURES, sh->features);
	put_le32(out + H_FLAGS, sh->flags);
	put_le64(out + H_STATE, hdr->state_size);
	put_le64(out + H_RAM_OFF, hdr->ram_offset);
	put_le32(out + H_CRC, snapshot_crc(out, state, hdr->state_size));
}

#define FAIL(...) (snprintf(err, err_len, __VA_ARGS__), -EINVAL)

int snapshot_parse_header(const uint8_t *buf, size_t len,
			  struct snapshot_header *hdr, char *err, size_t err_len)
{
	struct snapshot_shape *sh = &hdr->shape;
	uint32_t v;

	if (len < SNAPSHOT_HDR_SIZE)
		return FAIL("it is not an lkvm snapshot: shorter than its %d-byte header; give a file 'lkvm snapshot' wrote", SNAPSHOT_HDR_SIZE);
	if (memcmp(buf + H_MAGIC, SNAPSHOT_MAGIC, 8))
		return FAIL("it is not an lkvm snapshot (no LKVMSNAP magic); give a file 'lkvm snapshot' wrote");
	v = get_le32(buf + H_FORMAT);
	if (v < SNAPSHOT_VERSION_MIN || v > SNAPSHOT_VERSION)
		return FAIL("its format version is %u, this lkvm reads versions %d to %d; restore it with the lkvm that wrote it",
			    v, SNAPSHOT_VERSION_MIN, SNAPSHOT_VERSION);
	hdr->format = v;
	if (get_le32(buf + H_HDR_SIZE) != SNAPSHOT_HDR_SIZE)
		return FAIL("its header size is wrong: the file is corrupt");
	memcpy(hdr->version, buf + H_VERSION, SNAPSHOT_VERSION_LEN);
	hdr->version[SNAPSHOT_VERSION_LEN - 1] = '\0';
	sh->irqchip = get_le32(buf + H_IRQCHIP);
	sh->nr_cpus = get_le32(buf + H_CPUS);
	sh->ram_base = get_le64(buf + H_RAM_BASE);
	sh->ram_size = get_le64(buf + H_RAM_SIZE);
	sh->ipa_bits = get_le32(buf + H_IPA);
	sh->sve_max_vq = get_le32(buf + H_SVE);
	sh->features = get_le32(buf + H_FEATURES);
	sh->flags = get_le32(buf + H_FLAGS);
	hdr->state_size = get_le64(buf + H_STATE);
	hdr->ram_offset = get_le64(buf + H_RAM_OFF);
	if (hdr->state_size > snapshot_state_max(sh) || hdr->state_size % 8)
		return FAIL("its state size (%llu bytes) is impossible: the file is corrupt",
			    (unsigned long long)hdr->state_size);
	return 0;
}

/* One section head at off; returns the next section's offset, or 0 on error. */
static uint64_t snapshot_walk_one(const uint8_t *state, uint64_t size, uint64_t off,
				  struct snapshot_section *sec)
{
	uint64_t len, padded;

	if (size - off < 16)
		return 0;
	sec->type = get_le32(state + off);
	sec->id = get_le32(state + off + 4);
	len = get_le64(state + off + 8);
	if (len > size - off - 16)
		return 0;
	padded = (len + 7) & ~7ULL;
	if (padded > size - off - 16)
		return 0;
	sec->off = off + 16;
	sec->len = len;
	return off + 16 + padded;
}

static int snapshot_check_ram(const struct snapshot_index *idx, const uint8_t *state,
			      uint64_t file_size, char *err, size_t err_len)
{
	const struct snapshot_header *h = &idx->hdr;
	const struct snapshot_section *ram = snapshot_find(idx, SNAPSHOT_RAM, 0);
	uint64_t off, size;

	if (!ram || ram->len != 16)
		return FAIL("it has no guest RAM section: the file is corrupt");
	off = get_le64(state + ram->off);
	size = get_le64(state + ram->off + 8);
	if (off != h->ram_offset || size != h->shape.ram_size || off % SNAPSHOT_PAGE ||
	    off < SNAPSHOT_HDR_SIZE + h->state_size)
		return FAIL("its guest RAM section disagrees with its header: the file is corrupt");
	if (off > file_size || size > file_size - off)
		return FAIL("it is truncated: %llu bytes, its guest RAM ends at %llu; the snapshot was not written out whole",
			    (unsigned long long)file_size,
			    (unsigned long long)(off + size));
	return 0;
}

uint64_t snapshot_state_max(const struct snapshot_shape *sh)
{
	uint64_t tags = sh->ram_size / SNAPSHOT_PAGE * SNAPSHOT_TAG_REC + 16;

	return SNAPSHOT_STATE_MAX + (sh->flags & SNAPSHOT_F_MTE ? tags : 0);
}

uint64_t snapshot_tag_page(const uint8_t *state, const struct snapshot_section *sec,
			   uint64_t i, const uint8_t **tags)
{
	const uint8_t *rec = state + sec->off + i * SNAPSHOT_TAG_REC;

	*tags = rec + 8;
	return get_le64(rec);
}

/*
 * The MTE tags: only in a file of a VM with MTE (version 2 on), once,
 * whole records, each page inside RAM and after the one before, so
 * that a restore writes each page's tags once and only into RAM.
 */
static int snapshot_check_tags(const struct snapshot_index *idx, const uint8_t *state,
			       char *err, size_t err_len)
{
	const struct snapshot_header *h = &idx->hdr;
	const struct snapshot_section *sec = NULL;
	uint64_t i, n, page, pages = h->shape.ram_size / SNAPSHOT_PAGE;
	const uint8_t *tags;

	for (i = 0; i < idx->nr; i++) {
		if (idx->sec[i].type != SNAPSHOT_TAGS)
			continue;
		if (sec || idx->sec[i].id)
			return FAIL("it has more than one MTE tags section: the file is corrupt");
		sec = &idx->sec[i];
	}
	if (!sec)
		return 0;
	if (!(h->shape.flags & SNAPSHOT_F_MTE) || h->format < 2)
		return FAIL("it has MTE tags but its header says the VM ran without MTE: the file is corrupt");
	if (sec->len % SNAPSHOT_TAG_REC)
		return FAIL("its MTE tags section is truncated (%llu bytes, not whole %d-byte pages' records): the file is corrupt",
			    (unsigned long long)sec->len, SNAPSHOT_TAG_REC);
	n = sec->len / SNAPSHOT_TAG_REC;
	for (i = 0; i < n; i++) {
		page = snapshot_tag_page(state, sec, i, &tags);
		if (page >= pages)
			return FAIL("its MTE tags name page %llu, outside its %llu pages of RAM: the file is corrupt",
				    (unsigned long long)page, (unsigned long long)pages);
		if (i && page <= snapshot_tag_page(state, sec, i - 1, &tags))
			return FAIL("its MTE tags' pages are out of order: the file is corrupt");
	}
	return 0;
}

int snapshot_parse(const uint8_t *buf, size_t len, uint64_t file_size,
		   struct snapshot_index *idx, char *err, size_t err_len)
{
	const uint8_t *state = buf + SNAPSHOT_HDR_SIZE;
	uint64_t off = 0, size;
	int ret;

	memset(idx, 0, sizeof(*idx));
	ret = snapshot_parse_header(buf, len, &idx->hdr, err, err_len);
	if (ret)
		return ret;
	size = idx->hdr.state_size;
	if (file_size < SNAPSHOT_HDR_SIZE + size)
		return FAIL("it is truncated: %llu bytes, its state alone takes %llu; the snapshot was not written out whole",
			    (unsigned long long)file_size,
			    (unsigned long long)(SNAPSHOT_HDR_SIZE + size));
	if (len - SNAPSHOT_HDR_SIZE < size) {
		snprintf(err, err_len, "the state was not read whole");
		return -ENODATA;
	}
	if (get_le32(buf + H_CRC) != snapshot_crc(buf, state, size))
		return FAIL("its checksum does not match: the file is corrupt (changed or damaged since it was written)");
	while (off < size) {
		if (idx->nr == SNAPSHOT_MAX_SECTIONS)
			return FAIL("it has more than %d sections: the file is corrupt", SNAPSHOT_MAX_SECTIONS);
		off = snapshot_walk_one(state, size, off, &idx->sec[idx->nr]);
		if (!off)
			return FAIL("a section overruns the state: the file is corrupt");
		idx->nr++;
	}
	ret = snapshot_check_ram(idx, state, file_size, err, err_len);
	return ret ?: snapshot_check_tags(idx, state, err, err_len);
}

const struct snapshot_section *snapshot_find(const struct snapshot_index *idx,
					     uint32_t type, uint32_t id)
{
	unsigned int i;

	for (i = 0; i < idx->nr; i++)
		if (idx->sec[i].type == type && idx->sec[i].id == id)
			return &idx->sec[i];
	return NULL;
}

int snapshot_shape_diff(const struct snapshot_shape *f,
			const struct snapshot_shape *v, char *msg, size_t len)
{
	if (f->irqchip != v->irqchip)
		return snprintf(msg, len, "its interrupt controller differs from this VM's"), -EINVAL;
	if (f->nr_cpus != v->nr_cpus)
		return snprintf(msg, len, "it has %u vCPUs, this VM %u", f->nr_cpus, v->nr_cpus), -EINVAL;
	if (f->ram_base != v->ram_base || f->ram_size != v->ram_size)
		return snprintf(msg, len, "it has %llu MiB of RAM at 0x%llx, this VM %llu MiB at 0x%llx",
				(unsigned long long)(f->ram_size >> 20), (unsigned long long)f->ram_base,
				(unsigned long long)(v->ram_size >> 20), (unsigned long long)v->ram_base), -EINVAL;
	if (f->ipa_bits != v->ipa_bits)
		return snprintf(msg, len, "its guest physical address size differs (%u bits, here %u)",
				f->ipa_bits, v->ipa_bits), -EINVAL;
	if (f->sve_max_vq != v->sve_max_vq || f->features != v->features || f->flags != v->flags)
		return snprintf(msg, len, "its vCPU features (SVE vector length, PMU, MTE, stolen time) differ from what this host gives"), -EINVAL;
	return 0;
}
