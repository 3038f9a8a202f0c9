// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the 9P server (devices/9p/): the codec, the
 * dispatch and the backend, on a scratch share under /tmp that holds
 * a file, a directory and symlinks out of it. Each input is a session,
 * already past Tversion and Tattach (fid 0 the root): a byte chooses a
 * read-only or writable share, then messages, each as len[2] and that
 * many bytes handed to the server as one request (its own size field
 * included, so it may lie), then the reply's room: a u16, the whole
 * buffer, or (0xfe, 0xff) virtio-9p's zero-copy framing: a Twrite's
 * payload after 23 bytes, or an Rread's after 11, in two segments of
 * their own. Checked: every reply fits its buffer, says
 * its own length, answers the request's tag and type (or Rlerror), and
 * nothing outside the share is created, changed or removed.
 */
#include <fcntl.h>
#include <unistd.h>
#include <sys/stat.h>

#include "devices/9p/p9-server.h"
#include "tests/fuzz/fuzz.h"

#define FZ_ROOT		"/tmp/fuzz-9p"
#define FZ_SHARE	FZ_ROOT "/share"
#define FZ_SECRET	FZ_ROOT "/secret"
#define FZ_RUNS_PER_RESET	2000

static uint8_t req[P9_MSIZE_MAX + 16], rep[P9_MSIZE_MAX], bulk[P9_MSIZE_MAX];

#define FZ_TWRITE_FIXED	23	/* size, type, tag, fid, offset, count */
#define FZ_RREAD_FIXED	11	/* size, type, tag, count */

static void fz_fail(const char *what)
{
	fprintf(stderr, "fuzz-9p: %s\n", what);
	abort();
}

/* A fresh share: what earlier inputs made there goes. */
static void fz_reset(void)
{
	if (system("rm -rf " FZ_SHARE " && mkdir -p " FZ_SHARE "/dir && "
		   "echo hello >" FZ_SHARE "/hello && ln -s / " FZ_SHARE "/root && "
		   "ln -s " FZ_ROOT " " FZ_SHARE "/up && echo secret >" FZ_SECRET " && "
		   "chmod 644 " FZ_SECRET))
		fz_fail("cannot make the share");
}

static size_t fz_msg(uint8_t type, uint16_t tag, const void *body, size_t len)
{
	struct p9_buf b;

	p9_buf_init(&b, req, sizeof(req));
	p9_begin_reply(&b, type, tag);
	memcpy(p9_put_space(&b, len), body, len);
	return p9_end_reply(&b);
}

static void fz_check(const uint8_t *q, size_t qlen, size_t len, size_t room)
{
	struct p9_buf b;
	struct p9_hdr h;

	if (len > room)
		fz_fail("a reply larger than its buffer");
	if (!len)
		return;
	p9_buf_init(&b, rep, len);
	if (!p9_get_hdr(&b, &h) || h.size != len)
		fz_fail("a reply whose size field is wrong");
	if (qlen >= P9_HDR_SIZE && h.tag != (q[5] | q[6] << 8))
		fz_fail("a reply to another tag");
	if (h.type != P9_RLERROR && (qlen < P9_HDR_SIZE || h.type != q[4] + 1))
		fz_fail("a reply of the wrong type");
}

static void fz_secret_intact(void)
{
	struct stat st;
	char buf[16] = "";
	int fd = open(FZ_SECRET, O_RDONLY);

	if (fd < 0 || fstat(fd, &st) || read(fd, buf, sizeof(buf)) != 7 ||
	    memcmp(buf, "secret\n", 7) || (st.st_mode & 07777) != 0644 || st.st_nlink != 1)
		fz_fail("the file outside the share changed");
	close(fd);
	if (!access(FZ_ROOT "/escaped", F_OK) || !access("/fuzz-9p-escaped", F_OK))
		fz_fail("a file was made outside the share");
}

/* The tail in two segments, cut where cut (a byte of the input) says. */
static void fz_tail(struct p9_data *d, struct iovec *v, uint8_t *p, size_t len,
		    uint8_t cut)
{
	size_t first = len * cut / 255;

	v[0] = (struct iovec){ .iov_base = p, .iov_len = first };
	v[1] = (struct iovec){ .iov_base = p + first, .iov_len = len - first };
	*d = (struct p9_data){ .iov = v, .cnt = 2, .len = len };
}

/* One request in the zero-copy framing; what = 0xfe: a write, 0xff: a read. */
static void fz_zero_copy(struct p9_server *s, struct fuzz_input *in, size_t got,
			 uint8_t what)
{
	uint8_t cut = fuzz_u8(in);
	struct iovec v[2];
	struct p9_data d;
	size_t len, fixed;

	if (what == 0xfe) {
		fixed = got < FZ_TWRITE_FIXED ? got : FZ_TWRITE_FIXED;
		fz_tail(&d, v, req + fixed, got - fixed, cut);
		len = p9_server_handle_tail(s, req, fixed, &d, rep, sizeof(rep));
		fz_check(req, got, len, sizeof(rep));
		return;
	}
	fz_tail(&d, v, bulk, fuzz_u16(in) * 8, cut);
	len = p9_server_handle_tail(s, req, got, &d, rep, FZ_RREAD_FIXED);
	fz_check(req, got, len, FZ_RREAD_FIXED + d.len);
	if (len > FZ_RREAD_FIXED && (rep[4] != P9_RREAD ||
	    (rep[7] | rep[8] << 8 | rep[9] << 16 | (uint32_t)rep[10] << 24) != len - FZ_RREAD_FIXED))
		fz_fail("an Rread whose count is not its data");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t version[] = { 0, 0, 1, 0, 8, 0, '9', 'P', '2', '0', '0', '0', '.', 'L' };
	static const uint8_t attach[] = { 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0, 0, 0, 0, 0 };
	static unsigned int runs;
	struct fuzz_input in;
	struct p9_server s;
	size_t len, got, room;

	if (runs++ % FZ_RUNS_PER_RESET == 0)
		fz_reset();
	fuzz_input_init(&in, data, size);
	if (p9_server_init(&s, FZ_SHARE, fuzz_u8(&in) & 1))
		fz_fail("cannot open the share");
	len = fz_msg(P9_TVERSION, P9_NOTAG, version, sizeof(version));
	p9_server_handle(&s, req, len, rep, sizeof(rep));
	len = fz_msg(P9_TATTACH, 1, attach, sizeof(attach));
	p9_server_handle(&s, req, len, rep, sizeof(rep));
	while (!fuzz_input_done(&in)) {
		len = fuzz_u16(&in);
		got = fuzz_bytes(&in, req, len);
		room = fuzz_u8(&in);
		if (room >= 0xfe) {
			fz_zero_copy(&s, &in, got, room);
			continue;
		}
		room = room ? sizeof(rep) : fuzz_u16(&in);
		len = p9_server_handle(&s, req, got, rep, room);
		fz_check(req, got, len, room);
	}
	p9_server_destroy(&s);
	fz_secret_intact();
	return 0;
}
