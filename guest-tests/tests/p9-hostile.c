// SPDX-License-Identifier: GPL-2.0
/*
 * p9-hostile: a guest that sends lkvm's virtio-9p device, over
 * virtio-mmio or virtio-pci (polled, no MSI-X), a seeded random stream of malformed 9P2000.L messages in
 * malformed descriptor chains (p9-hostile-ops.c), in bursts; before the
 * first burst and after each one a well-behaved session (Tversion,
 * Tattach, Twalk to the host's test file, Tgetattr, Tlopen, Tread,
 * Tclunk) must get the right answers: the file's size and text.
 *
 * Every request the device uses must come back with a used length no
 * larger than the writable bytes of its chain. A request left unused
 * (lkvm may refuse a broken chain and set NEEDS_RESET) resets the device
 * and brings it up again, and is counted; the session that follows must
 * still work.
 *
 * Parameters:
 *   p9-hostile.rounds=N   bursts (20)
 *   p9-hostile.burst=N    hostile requests in each (50)
 *   p9-hostile.seed=N     the generator's seed (default: the counter;
 *                         printed, so that a failure can be repeated)
 *   p9-hostile.linger-ms=N  idle that long before the first burst and
 *                         after the last, no fid open (0)
 * "HOSTILE-BEGIN ..." and "HOSTILE-END ..." frame the bursts for the host
 * script that samples lkvm's memory, threads and fds.
 */
#include "guest.h"
#include "rand.h"
#include "testdev.h"
#include "virtio-pci.h"
#include "p9-hostile.h"

const char test_name[] = "p9-hostile";

#define RING_NUM	16
#define TIMEOUT_US	2000000
#define MSIZE		8192
#define SLICE_US	1000

u8 p9h_req[P9H_BUF] __aligned(SZ_4K);
u8 p9h_rep[P9H_BUF] __aligned(SZ_4K);
static u8 ring_mem[3 * SZ_4K] __aligned(SZ_4K);

static struct {
	bool pci;
	struct virtio_dev d;		/* over virtio-mmio */
	struct virtio_pci_dev p;	/* over virtio-pci */
	struct vring r;
	u32 restarts, start_bad, needs_reset, timeouts;
	u16 tag;
} dev;

/* The transport's status, notify, reset and device config. */
static u32 dev_status(void)
{
	return dev.pci ? virtio_pci_status(&dev.p) : readl(dev.d.base + VM_STATUS);
}

static void dev_notify(void)
{
	if (dev.pci)
		virtio_pci_notify(&dev.p);
	else
		virtio_notify(&dev.d, 0);
}

static void dev_reset(void)
{
	if (dev.pci)
		virtio_pci_reset(&dev.p);
	else
		virtio_reset(&dev.d);
}

static u16 dev_tag_len(void)
{
	return readw(dev.pci ? dev.p.devcfg : dev.d.base + VM_CONFIG);
}

static bool dev_start(void)
{
	const char *err;

	vring_init(&dev.r, ring_mem, RING_NUM);
	if (dev.pci)
		err = virtio_pci_start(&dev.p, BIT(VIRTIO_F_VERSION_1), 0, &dev.r);
	else
		err = virtio_start(&dev.d, virtio_is_legacy(&dev.d) ? 0 :
				   BIT(VIRTIO_F_VERSION_1), 0, &dev.r);
	if (err) {
		dev.start_bad++;
		pr_info("virtio-9p set-up: %s (status %#x)", err, dev_status());
	}
	return !err;
}

/* ---- messages ---- */

void pm_init(struct p9msg *m, u8 *buf, u32 cap, u8 type, u16 tag)
{
	m->buf = buf;
	m->cap = cap;
	m->len = 0;
	pm_u32(m, 0);
	pm_u8(m, type);
	pm_u16(m, tag);
}

void pm_u8(struct p9msg *m, u8 v)
{
	if (m->len < m->cap)
		m->buf[m->len++] = v;
}

void pm_u16(struct p9msg *m, u16 v)
{
	pm_u8(m, v);
	pm_u8(m, v >> 8);
}

void pm_u32(struct p9msg *m, u32 v)
{
	pm_u16(m, v);
	pm_u16(m, v >> 16);
}

void pm_u64(struct p9msg *m, u64 v)
{
	pm_u32(m, v);
	pm_u32(m, v >> 32);
}

void pm_str(struct p9msg *m, const char *s)
{
	u16 n = strlen(s), i;

	pm_u16(m, n);
	for (i = 0; i < n; i++)
		pm_u8(m, s[i]);
}

void pm_done(struct p9msg *m)
{
	u32 len = m->len;

	m->len = 0;
	pm_u32(m, len);
	m->len = len;
}

static u32 get32(const u8 *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (u32)p[3] << 24;
}

static u64 get64(const u8 *p)
{
	return get32(p) | (u64)get32(p + 4) << 32;
}

/* ---- the ring ---- */

/*
 * The chain back from the device, or false once the deadline passed or
 * the device asked to be reset (a chain it refused, docs/virtio.md).
 */
static bool used_or_reset(u64 deadline, u32 *id, u32 *len)
{
	for (;;) {
		if (vring_wait(&dev.r, timer_deadline_us(SLICE_US), id, len))
			return true;
		if (dev_status() & VIRTIO_ST_NEEDS_RESET) {
			dev.needs_reset++;
			return false;
		}
		if (timer_expired(deadline)) {
			dev.timeouts++;
			return false;
		}
	}
}

int p9h_send(const struct p9chain *c, u32 *len)
{
	u64 deadline = timer_deadline_us(TIMEOUT_US);
	u32 id, room = 0;
	int i;

	for (i = 0; i < c->n; i++) {
		vring_set_desc(&dev.r, i, c->seg[i].addr, c->seg[i].len,
			       (c->seg[i].in ? VRING_DESC_F_WRITE : 0) |
			       (i + 1 < c->n ? VRING_DESC_F_NEXT : 0), i + 1);
		if (c->seg[i].in)
			room += c->seg[i].len;
	}
	vring_publish(&dev.r, 0);
	dev_notify();
	if (!used_or_reset(deadline, &id, len)) {
		dev.restarts++;
		dev_start();
		return -1;
	}
	if (id != 0 || *len > room) {
		pr_info("used id %u length %u for a chain of %u writable bytes",
			id, *len, room);
		return -2;
	}
	return 0;
}

/* The plain chain: the request, then the whole reply buffer. */
static int p9h_call(const struct p9msg *m, u32 *len)
{
	struct p9chain c = {
		.seg = { { (u64)m->buf, m->len, false },
			 { (u64)p9h_rep, P9H_BUF, true } },
		.n = 2,
	};

	memset(p9h_rep, 0, P9_HDR);
	return p9h_send(&c, len);
}

/* ---- the well-behaved session ---- */

struct session {
	u32 bad;
	const char *what;
};

static bool expect(struct session *s, const struct p9msg *m, u8 type,
		   u32 min_len, const char *what)
{
	u32 len;
	int ret = p9h_call(m, &len);

	s->what = what;
	if (ret) {
		pr_info("session: %s: %s", what, ret == -1 ? "no answer" :
			"used length too long");
		return false;
	}
	if (len < min_len || get32(p9h_rep) != len || p9h_rep[4] != type ||
	    (p9h_rep[5] | p9h_rep[6] << 8) != dev.tag) {
		pr_info("session: %s: %u bytes, size %u, type %u (wanted %u)",
			what, len, get32(p9h_rep), p9h_rep[4], type);
		return false;
	}
	return true;
}

static bool session_open(struct session *s)
{
	struct p9msg m;

	pm_init(&m, p9h_req, P9H_BUF, P9_TVERSION, 0xffff);
	dev.tag = 0xffff;
	pm_u32(&m, MSIZE);
	pm_str(&m, "9P2000.L");
	pm_done(&m);
	if (!expect(s, &m, P9_TVERSION + 1, P9_HDR + 4 + 2, "Tversion"))
		return false;
	dev.tag = 1;
	pm_init(&m, p9h_req, P9H_BUF, P9_TATTACH, 1);
	pm_u32(&m, 1);
	pm_u32(&m, P9_NOFID);
	pm_str(&m, "root");
	pm_str(&m, "");
	pm_u32(&m, 0);
	pm_done(&m);
	if (!expect(s, &m, P9_TATTACH + 1, P9_HDR + 13, "Tattach"))
		return false;
	pm_init(&m, p9h_req, P9H_BUF, P9_TWALK, 1);
	pm_u32(&m, 1);
	pm_u32(&m, 2);
	pm_u16(&m, 1);
	pm_str(&m, P9H_FILE);
	pm_done(&m);
	return expect(s, &m, P9_TWALK + 1, P9_HDR + 2 + 13, "Twalk");
}

/* Size from Tgetattr, text from Tlopen and Tread; fids 1 and 2 clunked. */
static bool session_check(struct session *s)
{
	u32 want = sizeof(P9H_TEXT) - 1;
	struct p9msg m;
	u64 size;

	pm_init(&m, p9h_req, P9H_BUF, P9_TGETATTR, 1);
	pm_u32(&m, 2);
	pm_u64(&m, 0x3fff);
	pm_done(&m);
	if (!expect(s, &m, P9_TGETATTR + 1, P9_HDR + 8 + 13 + 4 * 3 + 8 * 3, "Tgetattr"))
		return false;
	/* valid[8] qid[13] mode uid gid[4] nlink rdev size[8] */
	size = get64(p9h_rep + P9_HDR + 8 + 13 + 12 + 16);
	if (size != want) {
		pr_info("session: Tgetattr: size %lu, the file has %u", size, want);
		return false;
	}
	pm_init(&m, p9h_req, P9H_BUF, P9_TLOPEN, 1);
	pm_u32(&m, 2);
	pm_u32(&m, 0);
	pm_done(&m);
	if (!expect(s, &m, P9_TLOPEN + 1, P9_HDR + 13 + 4, "Tlopen"))
		return false;
	pm_init(&m, p9h_req, P9H_BUF, P9_TREAD, 1);
	pm_u32(&m, 2);
	pm_u64(&m, 0);
	pm_u32(&m, 4096);
	pm_done(&m);
	if (!expect(s, &m, P9_TREAD + 1, P9_HDR + 4, "Tread"))
		return false;
	if (get32(p9h_rep + P9_HDR) != want ||
	    memcmp(p9h_rep + P9_HDR + 4, P9H_TEXT, want)) {
		pr_info("session: Tread: %u bytes, not the file's text",
			get32(p9h_rep + P9_HDR));
		return false;
	}
	pm_init(&m, p9h_req, P9H_BUF, P9_TCLUNK, 1);
	pm_u32(&m, 2);
	pm_done(&m);
	if (!expect(s, &m, P9_TCLUNK + 1, P9_HDR, "Tclunk"))
		return false;
	pm_init(&m, p9h_req, P9H_BUF, P9_TCLUNK, 1);
	pm_u32(&m, 1);
	pm_done(&m);
	return expect(s, &m, P9_TCLUNK + 1, P9_HDR, "Tclunk root");
}

static struct {
	u32 sessions, sessions_bad, used_bad;
	u64 ops;
} run;

static void session(void)
{
	struct session s = { 0 };

	run.sessions++;
	if (!session_open(&s) || !session_check(&s))
		run.sessions_bad++;
}

static int find_9p(void)
{
	struct virtio_dev devs[VIRTIO_MAX_DEVS];
	int n = virtio_find(devs, VIRTIO_MAX_DEVS), i;

	for (i = 0; i < n; i++) {
		if (devs[i].device_id == VIRTIO_ID_9P) {
			dev.d = devs[i];
			return 0;
		}
	}
	dev.pci = !virtio_pci_find(VIRTIO_ID_9P, &dev.p);
	return dev.pci ? 0 : -1;
}

static void burst(u32 nr)
{
	u32 i;

	for (i = 0; i < nr; i++) {
		if (p9h_hostile_op() == -2)
			run.used_bad++;
		run.ops++;
	}
}

static void report(void)
{
	int i;

	for (i = 0; i < NR_P9H_OPS; i++)
		printf("  %-14s %u\n", p9h_op_names[i], p9h_op_count[i]);
	check(!run.sessions_bad, "p9-hostile.sessions",
	      "%u of %u well-behaved sessions read the test file right",
	      run.sessions - run.sessions_bad, run.sessions);
	check(!run.used_bad, "p9-hostile.used-len",
	      "%u of %lu hostile requests used with a length beyond their writable bytes",
	      run.used_bad, run.ops);
	check(!dev.timeouts, "p9-hostile.answered",
	      "%u requests neither used nor refused with NEEDS_RESET within %u ms",
	      dev.timeouts, TIMEOUT_US / 1000);
	check(!dev.start_bad, "p9-hostile.restart",
	      "%u restarts after unanswered requests (%u NEEDS_RESET, %u timeouts), %u refused",
	      dev.restarts, dev.needs_reset, dev.timeouts, dev.start_bad);
	check(p9h_replies > 0, "p9-hostile.ops",
	      "%lu hostile requests: %u replies (%u Rlerror), %u unanswered, %u chain games",
	      run.ops, p9h_replies, p9h_lerrors, p9h_timeouts, p9h_chain_games);
}

void test_main(void)
{
	u64 seed = timer_now() * 0x9e3779b97f4a7c15UL;
	u32 rounds = bootarg_u64("p9-hostile.rounds", 20);
	u32 nr = bootarg_u64("p9-hostile.burst", 50), i;
	u64 linger = bootarg_u64("p9-hostile.linger-ms", 0);
	u16 tlen;

	seed = bootarg_u64("p9-hostile.seed", seed);
	rnd_seed(seed);
	pr_info("seed %#lx: p9-hostile.seed=%#lx repeats this run", seed, seed);
	testdev_probe();
	if (find_9p())
		test_abort("no virtio-9p device, on virtio-mmio or virtio-pci");
	pr_info("virtio-9p over %s", dev.pci ? "virtio-pci" : "virtio-mmio");
	tlen = dev_tag_len();
	check(tlen > 0 && tlen <= 64, "p9-hostile.tag", "mount tag of %u bytes", tlen);
	if (!dev_start())
		test_abort("the virtio-9p device refused a proper set-up");
	session();
	check(!run.sessions_bad, "p9-hostile.first-session",
	      "the test file read right before any abuse");
	printf("HOSTILE-BEGIN seed=%#lx rounds=%u burst=%u\n", seed, rounds, nr);
	mdelay(linger);
	for (i = 0; i < rounds; i++) {
		burst(nr);
		session();
		printf("HOSTILE-PROGRESS round=%u ops=%lu bad-sessions=%u\n", i + 1,
		       run.ops, run.sessions_bad);
	}
	printf("HOSTILE-END ops=%lu sessions=%u\n", run.ops, run.sessions);
	mdelay(linger);
	session();
	dev_reset();
	report();
}
