// SPDX-License-Identifier: GPL-2.0
/*
 * blkbench: one block I/O job on a raw device, in the benchmark's Linux
 * guest (make bench, docs/performance.md), static, no C library beyond
 * the static one it is linked with: no libaio, no fio.
 *
 *   blkbench -f DEV -m MODE -b BS -q QD -t TIME [-s SPAN] [-o OFFSET] [-n NAME]
 *
 * MODE: read, write (sequential), randread, randwrite (uniform over the
 * span, BS-aligned), flush (fdatasync() in a loop: one request without
 * data per call on a disk with a write-back cache). The device is opened
 * with O_DIRECT: every read and write is a request to the disk, none is
 * served by the guest's page cache. QD 1 is pread()/pwrite(), what
 * fio's psync engine does; QD > 1 keeps QD requests in flight through
 * Linux AIO (io_submit/io_getevents as system calls), what fio's libaio
 * engine does.
 *
 * The job runs for TIME (seconds, or milliseconds with "ms") by the
 * guest's clock (CLOCK_MONOTONIC), then waits for what is in flight,
 * and prints one line:
 *
 *   BLKBENCH name=NAME mode=MODE bs=BS qd=QD ios=N bytes=N us=N
 *            iops=N.N mbps=N.N lat_us=N.N
 *
 * us is the job's time from its first submission to its last completion;
 * lat_us the mean time from a request's submission to its completion.
 * Offsets run over [OFFSET, OFFSET + SPAN) (default: the whole device);
 * sequential jobs wrap at its end. Exit status 0, or 1 with a message
 * when the device refuses a request or returns a short transfer.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/aio_abi.h>
#include <linux/fs.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define ALIGN		4096
#define MAX_QD		256

enum mode { M_READ, M_WRITE, M_RANDREAD, M_RANDWRITE, M_FLUSH };

static const char *const mode_names[] = {
	[M_READ] = "read", [M_WRITE] = "write", [M_RANDREAD] = "randread",
	[M_RANDWRITE] = "randwrite", [M_FLUSH] = "flush",
};

struct job {
	const char *dev, *name;
	enum mode mode;
	uint64_t bs, qd, ms, span, base;
	int fd;
	uint8_t *buf;		/* qd buffers of bs bytes, ALIGN-aligned */
	uint64_t next;		/* sequential: the next offset in the span */
	uint64_t rng;		/* random: xorshift64 state */
	uint64_t ios, lat_ns;
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static void die(const char *fmt, const char *arg, int err)
{
	fprintf(stderr, "blkbench: ");
	fprintf(stderr, fmt, arg);
	if (err)
		fprintf(stderr, ": %s", strerror(err));
	fputc('\n', stderr);
	exit(1);
}

/* A size with an optional k/m/g suffix (powers of 1024). */
static uint64_t parse_size(const char *s)
{
	char *end;
	uint64_t v = strtoull(s, &end, 0);

	switch (*end) {
	case 'k': case 'K': v <<= 10; end++; break;
	case 'm': case 'M': v <<= 20; end++; break;
	case 'g': case 'G': v <<= 30; end++; break;
	}
	if (*end || end == s)
		die("bad size '%s'", s, 0);
	return v;
}

/* A time in seconds, or in milliseconds with an "ms" suffix. */
static uint64_t parse_time_ms(const char *s)
{
	char *end;
	uint64_t v = strtoull(s, &end, 10);

	if (end == s || (*end && strcmp(end, "ms")))
		die("bad time '%s'", s, 0);
	return *end ? v : v * 1000;
}

static enum mode parse_mode(const char *s)
{
	unsigned int i;

	for (i = 0; i < sizeof(mode_names) / sizeof(mode_names[0]); i++)
		if (!strcmp(s, mode_names[i]))
			return i;
	die("unknown mode '%s'", s, 0);
	return M_READ;
}

static bool is_write(const struct job *j)
{
	return j->mode == M_WRITE || j->mode == M_RANDWRITE;
}

static bool is_random(const struct job *j)
{
	return j->mode == M_RANDREAD || j->mode == M_RANDWRITE;
}

/* The offset of the next request: the pattern of the mode over the span. */
static uint64_t next_offset(struct job *j)
{
	uint64_t off;

	if (is_random(j)) {
		j->rng ^= j->rng << 13;
		j->rng ^= j->rng >> 7;
		j->rng ^= j->rng << 17;
		return j->base + (j->rng % (j->span / j->bs)) * j->bs;
	}
	if (j->next + j->bs > j->span)
		j->next = 0;
	off = j->base + j->next;
	j->next += j->bs;
	return off;
}

static void check_done(const struct job *j, long long ret)
{
	if (ret < 0)
		die("%s: request failed", j->dev, (int)-ret);
	if ((uint64_t)ret != j->bs)
		die("%s: short transfer", j->dev, 0);
}

/* QD 1: one system call per request, the request's latency its duration. */
static void run_sync(struct job *j, uint64_t end)
{
	uint64_t t;
	ssize_t n;

	do {
		t = now_ns();
		if (j->mode == M_FLUSH) {
			if (fdatasync(j->fd))
				die("%s: fdatasync", j->dev, errno);
		} else {
			uint64_t off = next_offset(j);

			if (is_write(j))
				n = pwrite(j->fd, j->buf, j->bs, off);
			else
				n = pread(j->fd, j->buf, j->bs, off);
			check_done(j, n < 0 ? -errno : n);
		}
		j->lat_ns += now_ns() - t;
		j->ios++;
	} while (now_ns() < end);
}

static long io_setup(unsigned int nr, aio_context_t *ctx)
{
	return syscall(SYS_io_setup, nr, ctx);
}

static long io_submit(aio_context_t ctx, long nr, struct iocb **iocbs)
{
	return syscall(SYS_io_submit, ctx, nr, iocbs);
}

static long io_getevents(aio_context_t ctx, long min, long max,
			 struct io_event *ev)
{
	return syscall(SYS_io_getevents, ctx, min, max, ev, NULL);
}

/* Fills in request slot i for the next offset; its submission time too. */
static void prep(struct job *j, struct iocb *cb, uint64_t *t, unsigned int i)
{
	memset(cb, 0, sizeof(*cb));
	cb->aio_fildes = j->fd;
	cb->aio_lio_opcode = is_write(j) ? IOCB_CMD_PWRITE : IOCB_CMD_PREAD;
	cb->aio_buf = (uintptr_t)(j->buf + i * j->bs);
	cb->aio_nbytes = j->bs;
	cb->aio_offset = next_offset(j);
	cb->aio_data = i;
	t[i] = now_ns();
}

static void submit(struct job *j, aio_context_t ctx, struct iocb **cbs, long nr)
{
	long done = 0, ret;

	while (done < nr) {
		ret = io_submit(ctx, nr - done, cbs + done);
		if (ret < 0 && errno == EAGAIN)
			continue;
		if (ret <= 0)
			die("%s: io_submit", j->dev, ret < 0 ? errno : EIO);
		done += ret;
	}
}

/*
 * QD > 1: QD requests in flight; each completion is refilled at once,
 * in the same io_submit() as the other completions of that reap, until
 * the time is up; then what is in flight is drained.
 */
static void run_aio(struct job *j, uint64_t end)
{
	static struct iocb cb[MAX_QD];
	static struct iocb *cbs[MAX_QD];
	static struct io_event ev[MAX_QD];
	static uint64_t t[MAX_QD];
	aio_context_t ctx = 0;
	unsigned int i, inflight = j->qd;
	long n, k;
	bool more = true;

	if (j->mode == M_FLUSH)
		die("%s: flush runs at queue depth 1", j->dev, 0);
	if (io_setup(j->qd, &ctx))
		die("%s: io_setup", j->dev, errno);
	for (i = 0; i < j->qd; i++) {
		prep(j, &cb[i], t, i);
		cbs[i] = &cb[i];
	}
	submit(j, ctx, cbs, j->qd);
	while (inflight) {
		n = io_getevents(ctx, 1, j->qd, ev);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			die("%s: io_getevents", j->dev, n < 0 ? errno : EIO);
		more = more && now_ns() < end;
		for (k = 0; k < n; k++) {
			i = ev[k].data;
			check_done(j, ev[k].res);
			j->lat_ns += now_ns() - t[i];
			j->ios++;
			if (more) {
				prep(j, &cb[i], t, i);
				cbs[k] = &cb[i];
			}
		}
		if (more)
			submit(j, ctx, cbs, n);
		else
			inflight -= n;
	}
	syscall(SYS_io_destroy, ctx);
}

static void usage(void)
{
	fprintf(stderr, "usage: blkbench -f DEV -m read|write|randread|randwrite|flush"
		" -b BS -q QD -t SECONDS|MSms [-s SPAN] [-o OFFSET] [-n NAME]\n");
	exit(2);
}

static void parse_args(struct job *j, int argc, char **argv)
{
	int c;

	while ((c = getopt(argc, argv, "f:m:b:q:t:s:o:n:")) != -1) {
		switch (c) {
		case 'f': j->dev = optarg; break;
		case 'm': j->mode = parse_mode(optarg); break;
		case 'b': j->bs = parse_size(optarg); break;
		case 'q': j->qd = parse_size(optarg); break;
		case 't': j->ms = parse_time_ms(optarg); break;
		case 's': j->span = parse_size(optarg); break;
		case 'o': j->base = parse_size(optarg); break;
		case 'n': j->name = optarg; break;
		default: usage();
		}
	}
	if (!j->dev || !j->bs || !j->qd || !j->ms || optind != argc)
		usage();
	if (j->bs % 512 || j->base % ALIGN || j->qd > MAX_QD)
		die("%s: BS must be a multiple of 512, OFFSET of 4096, QD at most 256",
		    j->dev, 0);
}

/* The size of a block device, or of a file (to try the tool anywhere). */
static uint64_t dev_size(const struct job *j)
{
	struct stat st;
	uint64_t size;

	if (fstat(j->fd, &st))
		die("%s: fstat", j->dev, errno);
	if (!S_ISBLK(st.st_mode))
		return st.st_size;
	if (ioctl(j->fd, BLKGETSIZE64, &size))
		die("%s: BLKGETSIZE64", j->dev, errno);
	return size;
}

/* Opens the device; the span defaults to what lies past OFFSET. */
static void open_dev(struct job *j)
{
	uint64_t size;

	j->fd = open(j->dev, (is_write(j) ? O_WRONLY : O_RDONLY) | O_DIRECT);
	if (j->fd < 0)
		die("%s: open with O_DIRECT", j->dev, errno);
	size = dev_size(j);
	if (j->base >= size)
		die("%s: OFFSET past the end", j->dev, 0);
	if (!j->span || j->span > size - j->base)
		j->span = size - j->base;
	if (j->span < j->bs)
		die("%s: span smaller than one block", j->dev, 0);
}

int main(int argc, char **argv)
{
	struct job j = { .name = "job", .mode = M_READ, .rng = 0x9e3779b97f4a7c15ULL };
	uint64_t t0, us;

	parse_args(&j, argc, argv);
	open_dev(&j);
	if (posix_memalign((void **)&j.buf, ALIGN, j.bs * j.qd))
		die("%s: no memory for the buffers", j.dev, ENOMEM);
	/* Not zeros: a write is data, whatever the host does with zeros. */
	memset(j.buf, 0xa5, j.bs * j.qd);

	t0 = now_ns();
	if (j.qd == 1)
		run_sync(&j, t0 + j.ms * 1000000ULL);
	else
		run_aio(&j, t0 + j.ms * 1000000ULL);
	us = (now_ns() - t0) / 1000;
	if (!us)
		us = 1;

	printf("BLKBENCH name=%s mode=%s bs=%llu qd=%llu ios=%llu bytes=%llu us=%llu"
	       " iops=%.1f mbps=%.1f lat_us=%.1f\n", j.name, mode_names[j.mode],
	       (unsigned long long)j.bs, (unsigned long long)j.qd,
	       (unsigned long long)j.ios,
	       (unsigned long long)(j.mode == M_FLUSH ? 0 : j.ios * j.bs),
	       (unsigned long long)us, j.ios * 1e6 / us,
	       (j.mode == M_FLUSH ? 0 : j.ios * j.bs) / (double)us,
	       j.lat_ns / 1e3 / j.ios);
	return 0;
}
