// SPDX-License-Identifier: GPL-2.0
/*
 * The lkvm test device model (docs/test-device.md): an exit-status
 * register, and SPI lines the guest can have the VMM drive, now or
 * after a delay, from a host thread owned by the device, the way a
 * real device interrupts a CPU that is doing something else.
 *
 * Locking. Two mutexes, always taken in this order:
 *   line_lock  held for the whole of one line command (its level
 *              changes and their irq_line_set calls) and for a cancel, so
 *              that the calls for one line reach the GIC in the order
 *              the levels changed, and a delayed command the thread
 *              has already taken off the queue cannot run after a
 *              cancel has returned;
 *   lock       registers, levels, queue, counter; never held across a
 *              callback. The thread sleeps on cond with it.
 * ops->exit and ops->msi are called with neither held.
 *
 * MSIs. The guest's MSI_CMD queues the message held in the MSI
 * registers, like a delayed line command (IRQ_DELAY_US, 0: at once),
 * and the device's thread hands it to the VM's MSI frame through
 * ops->msi: the path a PCI function's MSI-X vector takes when no irqfd
 * route carries it, from a thread that is not the vCPU's.
 */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <time.h>

#include "devices/testdev.h"
#include "lib/thread.h"
#include "lib/util.h"

#define NSEC_PER_SEC	1000000000ull
#define NSEC_PER_USEC	1000ull

static int testdev_cond_init(pthread_cond_t *cond)
{
	pthread_condattr_t attr;
	int ret;

	ret = pthread_condattr_init(&attr);
	if (ret)
		return -ret;
	/* Deadlines must not move when someone sets the wall clock. */
	ret = pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	if (!ret)
		ret = pthread_cond_init(cond, &attr);
	pthread_condattr_destroy(&attr);
	return -ret;
}

int testdev_init(struct testdev *d, uint64_t base, const struct irq_line *lines,
		 unsigned int nr_lines, const struct testdev_ops *ops,
		 void *opaque)
{
	unsigned int i;
	int ret;

	if (!nr_lines || nr_lines > TESTDEV_MAX_LINES)
		return -EINVAL;
	/* The DT and docs/test-device.md promise consecutive SPIs. */
	for (i = 1; i < nr_lines; i++)
		if (lines[i].spi != lines[0].spi + i)
			return -EINVAL;
	memset(d, 0, sizeof(*d));
	ret = testdev_cond_init(&d->cond);
	if (ret)
		return ret;
	pthread_mutex_init(&d->lock, NULL);
	pthread_mutex_init(&d->line_lock, NULL);
	d->ops = ops;
	d->opaque = opaque;
	memcpy(d->lines, lines, nr_lines * sizeof(*lines));
	d->nr_lines = nr_lines;
	d->region = (struct mmio_region) {
		.name = "test-device", .base = base, .size = TESTDEV_REG_SIZE,
		.handler = testdev_mmio, .opaque = d,
	};
	return 0;
}

void testdev_destroy(struct testdev *d)
{
	testdev_stop(d);
	pthread_cond_destroy(&d->cond);
	pthread_mutex_destroy(&d->line_lock);
	pthread_mutex_destroy(&d->lock);
}

/* Line lock held. */
static void testdev_drive(struct testdev *d, unsigned int line, bool level)
{
	uint32_t bit = 1u << line;
	bool changed;

	pthread_mutex_lock(&d->lock);
	changed = !!(d->levels & bit) != level;
	if (level)
		d->levels |= bit;
	else
		d->levels &= ~bit;
	pthread_mutex_unlock(&d->lock);
	/* A wire that is already high makes no new edge. */
	if (changed)
		(void)irq_line_set(&d->lines[line], level);	/* the irqchip reports */
}

/*
 * Line lock held. COUNTER moves only once the GIC has been told, so a
 * guest that sees it move knows the interrupt is on its way.
 */
static void testdev_execute(struct testdev *d, unsigned int line,
			    unsigned int cmd)
{
	if (cmd == TESTDEV_CMD_RAISE || cmd == TESTDEV_CMD_PULSE)
		testdev_drive(d, line, true);
	if (cmd == TESTDEV_CMD_LOWER || cmd == TESTDEV_CMD_PULSE)
		testdev_drive(d, line, false);
	pthread_mutex_lock(&d->lock);
	d->counter++;
	pthread_mutex_unlock(&d->lock);
}

/* Lock held. */
static void testdev_dequeue(struct testdev *d, unsigned int i)
{
	memmove(&d->queue[i], &d->queue[i + 1],
		(d->nr_queued - i - 1) * sizeof(d->queue[0]));
	d->nr_queued--;
}

static void testdev_cancel(struct testdev *d, unsigned int line)
{
	unsigned int i = 0;

	pthread_mutex_lock(&d->line_lock);
	pthread_mutex_lock(&d->lock);
	while (i < d->nr_queued) {
		if (d->queue[i].line == line)
			testdev_dequeue(d, i);
		else
			i++;
	}
	pthread_mutex_unlock(&d->lock);
	pthread_mutex_unlock(&d->line_lock);
}

/*
 * Kept sorted by deadline; equal deadlines keep submission order. A
 * full queue refuses: a guest must not make lkvm allocate.
 */
static int testdev_enqueue(struct testdev *d, const struct testdev_pending *p,
			   uint32_t delay_us)
{
	uint64_t deadline = clock_now_ns() + delay_us * NSEC_PER_USEC;
	unsigned int i;
	int ret = 0;

	pthread_mutex_lock(&d->lock);
	if (d->stopped) {
		ret = -ESHUTDOWN;
		goto out;
	}
	if (d->nr_queued == TESTDEV_QUEUE_LEN) {
		ret = -EBUSY;
		goto out;
	}
	for (i = d->nr_queued; i && d->queue[i - 1].deadline_ns > deadline; i--)
		d->queue[i] = d->queue[i - 1];
	d->queue[i] = *p;
	d->queue[i].deadline_ns = deadline;
	d->nr_queued++;
	if (p->cmd == TESTDEV_CMD_MSI)
		d->msi_queued++;
	/* Only a new earliest deadline changes how long the thread sleeps. */
	if (!i)
		pthread_cond_signal(&d->cond);
out:
	pthread_mutex_unlock(&d->lock);
	return ret;
}

int testdev_irq_command(struct testdev *d, unsigned int line,
			unsigned int cmd, uint32_t delay_us)
{
	if (line >= d->nr_lines)
		return -EINVAL;
	switch (cmd) {
	case TESTDEV_CMD_RAISE:
	case TESTDEV_CMD_LOWER:
	case TESTDEV_CMD_PULSE:
		break;
	case TESTDEV_CMD_CANCEL:
		testdev_cancel(d, line);
		return 0;
	default:
		return -EINVAL;
	}
	if (delay_us) {
		struct testdev_pending p = { .line = line, .cmd = cmd };

		return testdev_enqueue(d, &p, delay_us);
	}
	pthread_mutex_lock(&d->line_lock);
	testdev_execute(d, line, cmd);
	pthread_mutex_unlock(&d->line_lock);
	return 0;
}

/*
 * On the device's thread, no lock held. MSI_COUNT moves once the frame
 * has the message (delivered, or refused: ERR_SEND), so a guest that
 * sees it move knows the LPI is pending if it is to be.
 */
static void testdev_send_msi(struct testdev *d, const struct testdev_pending *p)
{
	int ret = d->ops->msi ? d->ops->msi(d->opaque, p->devid, p->addr, p->data) :
				-EOPNOTSUPP;

	pthread_mutex_lock(&d->lock);
	d->msi_queued--;
	if (ret)
		d->msi_errors |= ret == -EOPNOTSUPP ? TESTDEV_MSI_ST_ERR_NOMSI :
						      TESTDEV_MSI_ST_ERR_SEND;
	else
		d->msi_errors &= ~(TESTDEV_MSI_ST_ERR_SEND | TESTDEV_MSI_ST_ERR_NOMSI);
	d->msi_count++;
	pthread_mutex_unlock(&d->lock);
}

/*
 * Runs the earliest command if it is still due once the line lock is
 * held: a cancel may have removed it while the thread was waiting.
 */
static void testdev_run_due(struct testdev *d)
{
	struct testdev_pending p;
	bool due;

	pthread_mutex_lock(&d->line_lock);
	pthread_mutex_lock(&d->lock);
	due = !d->stopping && d->nr_queued &&
	      d->queue[0].deadline_ns <= clock_now_ns();
	if (due) {
		p = d->queue[0];
		testdev_dequeue(d, 0);
	}
	pthread_mutex_unlock(&d->lock);
	if (due && p.cmd != TESTDEV_CMD_MSI)
		testdev_execute(d, p.line, p.cmd);
	pthread_mutex_unlock(&d->line_lock);
	/* Not under the line lock: a message touches no line. */
	if (due && p.cmd == TESTDEV_CMD_MSI)
		testdev_send_msi(d, &p);
}

static void *testdev_thread(void *arg)
{
	struct testdev *d = arg;
	struct timespec ts;
	uint64_t deadline;

	if (d->ops->thread_start)
		d->ops->thread_start(d->opaque);
	pthread_mutex_lock(&d->lock);
	while (!d->stopping) {
		if (!d->nr_queued) {
			pthread_cond_wait(&d->cond, &d->lock);
			continue;
		}
		deadline = d->queue[0].deadline_ns;
		if (deadline > clock_now_ns()) {
			ts.tv_sec = deadline / NSEC_PER_SEC;
			ts.tv_nsec = deadline % NSEC_PER_SEC;
			pthread_cond_timedwait(&d->cond, &d->lock, &ts);
			continue;
		}
		pthread_mutex_unlock(&d->lock);
		testdev_run_due(d);
		pthread_mutex_lock(&d->lock);
	}
	pthread_mutex_unlock(&d->lock);
	return NULL;
}

int testdev_start(struct testdev *d)
{
	sigset_t all, old;
	int ret;

	if (d->running)
		return -EBUSY;
	pthread_mutex_lock(&d->lock);
	d->stopping = false;
	d->stopped = false;
	pthread_mutex_unlock(&d->lock);
	/*
	 * The thread inherits a mask with every signal blocked: process
	 * signals belong to the main loop, not to a helper thread.
	 */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	ret = thread_start(&d->thread, testdev_thread, d);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (ret)
		return ret;
	d->running = true;
	return 0;
}

/* Pending commands are dropped, not run: the VM is going away. */
void testdev_stop(struct testdev *d)
{
	pthread_mutex_lock(&d->lock);
	d->stopping = true;
	d->stopped = true;
	pthread_cond_broadcast(&d->cond);
	pthread_mutex_unlock(&d->lock);
	if (d->running) {
		pthread_join(d->thread, NULL);
		d->running = false;
	}
	pthread_mutex_lock(&d->lock);
	d->nr_queued = 0;
	d->msi_queued = 0;
	pthread_mutex_unlock(&d->lock);
}

/* The first write wins; a status that does not fit is a failure. */
static void testdev_exit(struct testdev *d, uint32_t val)
{
	bool first;

	pthread_mutex_lock(&d->lock);
	first = !d->exited;
	d->exited = true;
	pthread_mutex_unlock(&d->lock);
	if (first)
		d->ops->exit(d->opaque, val > 255 ? 255 : (int)val);
}

static void testdev_write_cmd(struct testdev *d, uint32_t cmd)
{
	unsigned int line;
	uint32_t delay;
	int ret;

	pthread_mutex_lock(&d->lock);
	line = d->line_sel;
	delay = d->delay_us;
	pthread_mutex_unlock(&d->lock);
	ret = testdev_irq_command(d, line, cmd, delay);
	pthread_mutex_lock(&d->lock);
	if (!ret)
		d->errors = 0;
	else
		d->errors = ret == -EBUSY ? TESTDEV_ST_ERR_BUSY :
					    TESTDEV_ST_ERR_INVAL;
	pthread_mutex_unlock(&d->lock);
}

/*
 * The message is taken from the registers now; the thread sends it. A
 * VM without an MSI frame refuses at once, so the guest reads the
 * refusal right after its write.
 */
static void testdev_write_msi_cmd(struct testdev *d, uint32_t cmd)
{
	struct testdev_pending p = { .line = TESTDEV_MAX_LINES, .cmd = TESTDEV_CMD_MSI };
	uint32_t err = 0, delay;
	int ret;

	if (cmd != TESTDEV_MSI_CMD_SEND)
		err = TESTDEV_MSI_ST_ERR_INVAL;
	else if (!d->ops->msi ||
		 (d->ops->msi_present && !d->ops->msi_present(d->opaque)))
		err = TESTDEV_MSI_ST_ERR_NOMSI;
	pthread_mutex_lock(&d->lock);
	p.addr = d->msi_addr;
	p.data = d->msi_data;
	p.devid = d->msi_devid;
	delay = d->delay_us;
	/*
	 * The last write's errors go now, before the thread can send this
	 * message and report its own; a send's refusal (ERR_SEND) stays
	 * until the next send.
	 */
	d->msi_errors = (d->msi_errors & TESTDEV_MSI_ST_ERR_SEND) | err;
	pthread_mutex_unlock(&d->lock);
	if (err)
		return;
	ret = testdev_enqueue(d, &p, delay);
	if (!ret)
		return;
	pthread_mutex_lock(&d->lock);
	d->msi_errors |= ret == -EBUSY ? TESTDEV_MSI_ST_ERR_BUSY :
					 TESTDEV_MSI_ST_ERR_NOMSI;
	pthread_mutex_unlock(&d->lock);
}

static void testdev_write(struct testdev *d, uint64_t off, uint32_t val)
{
	switch (off) {
	case TESTDEV_EXIT:
		testdev_exit(d, val);
		return;
	case TESTDEV_IRQ_CMD:
		testdev_write_cmd(d, val);
		return;
	case TESTDEV_MSI_CMD:
		testdev_write_msi_cmd(d, val);
		return;
	}
	pthread_mutex_lock(&d->lock);
	switch (off) {
	case TESTDEV_SCRATCH:		d->scratch = val; break;
	case TESTDEV_IRQ_LINE:		d->line_sel = val; break;
	case TESTDEV_IRQ_DELAY_US:	d->delay_us = val; break;
	case TESTDEV_MSI_ADDR_LO:
		d->msi_addr = (d->msi_addr & ~0xffffffffull) | val;
		break;
	case TESTDEV_MSI_ADDR_HI:
		d->msi_addr = (d->msi_addr & 0xffffffffull) | (uint64_t)val << 32;
		break;
	case TESTDEV_MSI_DATA:		d->msi_data = val; break;
	case TESTDEV_MSI_DEVID:		d->msi_devid = val; break;
	default:			break;	/* RO, or nothing there */
	}
	pthread_mutex_unlock(&d->lock);
}

/* Lock held. */
static uint32_t testdev_status(const struct testdev *d)
{
	uint32_t v = d->levels | d->errors;

	if (d->nr_queued)
		v |= TESTDEV_ST_PENDING;
	if (d->nr_queued == TESTDEV_QUEUE_LEN)
		v |= TESTDEV_ST_FULL;
	return v;
}

static uint32_t testdev_read(struct testdev *d, uint64_t off)
{
	uint32_t v;

	pthread_mutex_lock(&d->lock);
	switch (off) {
	case TESTDEV_ID:		v = TESTDEV_ID_VALUE; break;
	case TESTDEV_VERSION:		v = TESTDEV_VERSION_VALUE; break;
	case TESTDEV_FEATURES:
		v = d->nr_lines | TESTDEV_QUEUE_LEN << 8;
		if (d->ops->msi)
			v |= TESTDEV_FEAT_MSI;
		break;
	case TESTDEV_SCRATCH:		v = d->scratch; break;
	case TESTDEV_IRQ_LINE:		v = d->line_sel; break;
	case TESTDEV_IRQ_DELAY_US:	v = d->delay_us; break;
	case TESTDEV_IRQ_STATUS:	v = testdev_status(d); break;
	case TESTDEV_COUNTER:		v = d->counter; break;
	case TESTDEV_MSI_ADDR_LO:	v = (uint32_t)d->msi_addr; break;
	case TESTDEV_MSI_ADDR_HI:	v = d->msi_addr >> 32; break;
	case TESTDEV_MSI_DATA:		v = d->msi_data; break;
	case TESTDEV_MSI_DEVID:		v = d->msi_devid; break;
	case TESTDEV_MSI_STATUS:
		v = d->msi_errors | (d->msi_queued ? TESTDEV_MSI_ST_PENDING : 0);
		break;
	case TESTDEV_MSI_COUNT:		v = d->msi_count; break;
	default:			v = 0; break;	/* WO, or nothing */
	}
	pthread_mutex_unlock(&d->lock);
	return v;
}

int testdev_mmio(struct mmio_region *region, struct mmio_access *acc)
{
	struct testdev *d = region->opaque;

	if (acc->len != 4 || (acc->offset & 3) ||
	    acc->offset >= TESTDEV_REG_SIZE) {
		if (!acc->is_write)
			acc->data = 0;
		return -EINVAL;
	}
	if (acc->is_write)
		testdev_write(d, acc->offset, (uint32_t)acc->data);
	else
		acc->data = testdev_read(d, acc->offset);
	return 0;
}
