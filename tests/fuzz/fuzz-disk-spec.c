// SPDX-License-Identifier: GPL-2.0
/*
 * disk_parse_spec(), the -d FILE[,ro][,direct] parser, against a plain
 * reference.
 *
 * Input: a control byte, then the spec as the command line gives it
 * (up to its first NUL). Control bit 0 puts DISK_PATH_MAX - 4 + (bits
 * 1-3) bytes of 'p' before the spec, so the path length limit is
 * reached with small inputs.
 */
#include <errno.h>

#include "devices/virtio/disk.h"
#include "lib/util.h"
#include "tests/fuzz/fuzz.h"

#define MSG_LEN		256

struct ref {
	int ret;
	size_t plen;
	bool ro, direct;
};

/* The documented syntax, written the plain way. */
static struct ref ref_parse(const char *spec)
{
	struct ref r = { 0 };
	const char *p = strchr(spec, ',');
	const char *item, *end;
	size_t n;

	r.plen = p ? (size_t)(p - spec) : strlen(spec);
	if (!r.plen)
		return (struct ref){ .ret = -EINVAL };
	if (r.plen >= DISK_PATH_MAX)
		return (struct ref){ .ret = -ENAMETOOLONG };
	for (item = p; item; item = end) {
		item++;
		end = strchr(item, ',');
		n = end ? (size_t)(end - item) : strlen(item);
		if (n == 2 && !strncmp(item, "ro", 2))
			r.ro = true;
		else if (n == 6 && !strncmp(item, "direct", 6))
			r.direct = true;
		else if (n)
			return (struct ref){ .ret = -EINVAL };
	}
	return r;
}

static void check_msg(const char *msg, size_t len, int ret)
{
	size_t n = strnlen(msg, len);

	FUZZ_CHECK(n < len);			/* terminated inside */
	FUZZ_CHECK_EQ(n == 0, ret == 0);	/* a message exactly on failure */
}

/* The same parse into exact small buffers: same result, the same start. */
static void check_small(const char *spec, int ret, const char *full)
{
	struct disk_config *c = malloc(sizeof(*c));
	size_t len;

	for (len = 1; len <= 32; len += 7) {
		char *msg = malloc(len);

		FUZZ_CHECK_EQ(disk_parse_spec(spec, c, msg, len), ret);
		FUZZ_CHECK(strnlen(msg, len) < len);
		/* As much of the message as fits (none when it succeeded). */
		FUZZ_CHECK_EQ(strlen(msg), MIN(strlen(full), len - 1));
		FUZZ_CHECK(!strncmp(msg, full, strlen(msg)));
		free(msg);
	}
	FUZZ_CHECK_EQ(disk_parse_spec(spec, c, NULL, 0), ret);
	free(c);
}

/* A parsed spec written back parses to the same thing. */
static void check_round_trip(const struct disk_config *c)
{
	size_t n = strlen(c->path);
	char *spec = malloc(n + 16);
	struct disk_config *again = malloc(sizeof(*again));
	char msg[MSG_LEN];

	memcpy(spec, c->path, n);
	strcpy(spec + n, c->direct ? (c->ro ? ",direct,ro" : ",direct") :
			 (c->ro ? ",ro" : ""));
	FUZZ_CHECK_EQ(disk_parse_spec(spec, again, msg, sizeof(msg)), 0);
	FUZZ_CHECK(!strcmp(again->path, c->path));
	FUZZ_CHECK_EQ(again->ro, c->ro);
	FUZZ_CHECK_EQ(again->direct, c->direct);
	free(again);
	free(spec);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct disk_config *c = malloc(sizeof(*c));
	size_t pad = 0, len, i;
	char msg[MSG_LEN], *spec;
	struct ref r;
	int ret;

	if (size && (data[0] & 1))
		pad = DISK_PATH_MAX - 4 + ((data[0] >> 1) & 7);
	if (size) {
		data++;
		size--;
	}
	len = strnlen((const char *)data, size);
	spec = malloc(pad + len + 1);		/* exact: ASan sees any overread */
	memset(spec, 'p', pad);
	memcpy(spec + pad, data, len);
	spec[pad + len] = '\0';

	memset(msg, 0x55, sizeof(msg));
	ret = disk_parse_spec(spec, c, msg, sizeof(msg));
	r = ref_parse(spec);
	FUZZ_CHECK_EQ(ret, r.ret);
	check_msg(msg, sizeof(msg), ret);
	if (!ret) {
		FUZZ_CHECK_EQ(strlen(c->path), r.plen);
		FUZZ_CHECK(!memcmp(c->path, spec, r.plen));
		FUZZ_CHECK_EQ(c->ro, r.ro);
		FUZZ_CHECK_EQ(c->direct, r.direct);
		check_round_trip(c);
	} else {
		/* Nothing half-parsed is left for a caller that ignores ret. */
		for (i = 0; i < sizeof(*c); i++)
			FUZZ_CHECK_EQ(((uint8_t *)c)[i], 0);
	}
	check_small(spec, ret, msg);
	free(spec);
	free(c);
	return 0;
}
