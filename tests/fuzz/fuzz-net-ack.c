// SPDX-License-Identifier: GPL-2.0
/*
 * lib/net-ack.c as lkvm-net-user runs it on the frames for the guest.
 * The input is 4-byte operations op, a, b, c:
 *   op & 7 = 0..3  a TCP frame of connection a & 3 (IPv6 when op & 8):
 *                  flags b when op & 0x10, else ACK (| PSH on b & 8);
 *                  its acknowledgement the connection's last one moved
 *                  by (int8_t)c; (op >> 5) & 3 bytes of data; a plain
 *                  header unless op & 0x80
 *            4     the end of a round
 *            5     the next frame's TCP byte a (mod its length) ^= b
 *            6     a flush
 *            7     the next frame cut by a & 15 bytes
 * Each frame carries its number in its IP header (IPv4 ID, IPv6 flow
 * label). Checked: what reaches the guest (the caller's sends and the
 * held ones sent) comes in order, each frame once; a frame is missing
 * only if it was a plain pure acknowledgement (or one changed or cut,
 * which may have become one), and as many are missing as the state
 * says were carried; after a flush, and after two round ends with no
 * frame between them, nothing is held.
 */
#include <string.h>

#include "lib/net-ack.h"
#include "tests/fuzz/fuzz.h"
#include "tests/net-ref.h"

#define FZ_FRAMES	256

struct fz {
	unsigned int n;			/* frames made */
	int last;			/* the last number the guest got, -1: none */
	bool seen[FZ_FRAMES];
	bool droppable[FZ_FRAMES];	/* a plain pure acknowledgement */
};

static void fz_fail(const char *why)
{
	fprintf(stderr, "fuzz-net-ack: %s\n", why);
	abort();
}

/* The frame's number, where mk put it; -1 if it is not one of ours. */
static int fz_number(const uint8_t *f, size_t len)
{
	if (len < 22)
		return -1;
	return f[12] == 0x86 ? f[16] << 8 | f[17] : f[18] << 8 | f[19];
}

static void fz_got(struct fz *z, const uint8_t *f, size_t len)
{
	int n = fz_number(f, len);

	if (n < 0 || (unsigned int)n >= z->n || z->seen[n] || n <= z->last)
		fz_fail("a frame out of order, twice or unknown");
	z->seen[n] = true;
	z->last = n;
}

static void fz_out(const uint8_t *f, size_t len, void *opaque)
{
	fz_got(opaque, f, len);
}

static size_t fz_mk(uint8_t *f, unsigned int nr, bool v6, unsigned int flow,
		    uint8_t flags, uint32_t ack, size_t pay)
{
	size_t l4 = v6 ? 54 : 34, len = l4 + 20 + pay;
	uint8_t *ip = f + 14, *tcp = f + l4;

	memset(f, 0, len);
	wr16(f + 12, v6 ? 0x86dd : 0x0800);
	if (v6) {
		ip[0] = 0x60;
		wr16(ip + 2, nr);
		wr16(ip + 4, len - l4);
		ip[6] = 6;
		ip[8] = 0x20;
	} else {
		ip[0] = 0x45;
		wr16(ip + 2, len - 14);
		wr16(ip + 4, nr);
		ip[9] = 6;
		ip[12] = 10;
	}
	tcp[1] = flow;
	wr16(tcp + 8, ack >> 16);
	wr16(tcp + 10, ack & 0xffff);
	tcp[12] = 5 << 4;
	tcp[13] = flags;
	return len;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct net_ack a;
	static struct fz z;
	uint32_t acks[4] = { 0, 0, 0, 0 };
	struct fuzz_input in;
	uint8_t f[160], op, b, c, flags;
	unsigned int poke_at = 0, cut = 0, i, dropped = 0;
	bool poke = false, plain, held, ended = false, any;
	uint8_t poke_val = 0, x;
	size_t len;

	fuzz_input_init(&in, data, size);
	memset(&z, 0, sizeof(z));
	z.last = -1;
	net_ack_init(&a, fz_out, &z);
	while (!fuzz_input_done(&in) && z.n < FZ_FRAMES) {
		op = fuzz_u8(&in);
		x = fuzz_u8(&in);
		b = fuzz_u8(&in);
		c = fuzz_u8(&in);
		switch (op & 7) {
		case 4:
			if (net_ack_round(&a) && ended)
				fz_fail("held through two round ends");
			ended = true;
			continue;
		case 5:
			poke = true;
			poke_at = x;
			poke_val = b;
			continue;
		case 6:
			net_ack_flush(&a);
			if (a.len)
				fz_fail("held after a flush");
			continue;
		case 7:
			cut = x & 15;
			continue;
		}
		flags = op & 0x10 ? b : 0x10 | (b & 0x08);
		acks[x & 3] += (int8_t)c;
		len = fz_mk(f, z.n, op & 8, x & 3, flags, acks[x & 3], (op >> 5) & 3);
		plain = !(op & 0x80);
		any = cut || poke;
		z.droppable[z.n] = any || (plain && flags == 0x10 && !((op >> 5) & 3));
		if (poke)	/* the TCP header and data: the number stays */
			f[(op & 8 ? 54 : 34) + poke_at % (len - (op & 8 ? 54 : 34))] ^= poke_val;
		len -= cut < len ? cut : 0;
		poke = false;
		cut = 0;
		z.n++;
		ended = false;
		held = net_ack_add(&a, f, len, plain);
		if (!held)
			fz_got(&z, f, len);
		else if (!z.droppable[z.n - 1])
			fz_fail("held a frame that is no plain pure acknowledgement");
	}
	net_ack_flush(&a);
	if (a.len)
		fz_fail("held after the last flush");
	for (i = 0; i < z.n; i++) {
		if (z.seen[i])
			continue;
		if (!z.droppable[i])
			fz_fail("a frame lost that was no plain pure acknowledgement");
		dropped++;
	}
	if (dropped != a.carried)
		fz_fail("other frames lost than were carried");
	return 0;
}
