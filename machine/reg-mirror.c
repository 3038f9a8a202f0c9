// SPDX-License-Identifier: GPL-2.0
/* Reads of side-effect-free registers served from memory (machine/reg-mirror.h). */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "devices/bus.h"
#include "lib/log.h"
#include "machine/reg-mirror.h"
#include "machine/vm.h"

/* Renders a piece of a region into its page: any thread, lock taken. */
static void reg_mirror_update(void *opaque, struct mmio_region *r,
			      uint64_t off, uint64_t len)
{
	struct reg_mirror *m = opaque;
	struct reg_page *p = &m->page;
	uint8_t buf[256];

	if (off > r->size || len > r->size - off)
		return;
	pthread_mutex_lock(&p->lock);
	/* In pieces, each rendered and stored under the lock: the last change wins. */
	while (len) {
		uint64_t n = len < sizeof(buf) ? len : sizeof(buf);

		r->render(r, off, n, buf);
		reg_page_update(p, r->base - p->gpa + off, buf, n);
		off += n;
		len -= n;
	}
	pthread_mutex_unlock(&p->lock);
}

/*
 * A page can be mirrored when every region on it renders, lies wholly
 * inside it and has a size and base of whole words: then every byte of
 * the page is either a register that renders or reads as zero, as an
 * access where no device sits does.
 */
static bool reg_mirror_page_ok(struct mmio_bus *bus, uint64_t page,
			       uint64_t size)
{
	unsigned int i;

	for (i = 0; i < bus->nr_regions; i++) {
		struct mmio_region *r = bus->regions[i];

		if (r->base >= page + size || r->base + r->size <= page)
			continue;
		if (!r->render || r->base < page ||
		    r->base + r->size > page + size || (r->base | r->size) % 4)
			return false;
	}
	return true;
}

static int reg_mirror_add(struct vm *vm, uint64_t page)
{
	struct reg_mirrors *ms = &vm->mirrors;
	struct reg_mirror *m = &ms->m[ms->nr];
	struct mmio_bus *bus = &vm->bus;
	unsigned int i;
	int ret;

	ret = reg_page_init(vm, &m->page, page, REG_MIRROR_SLOT0 + ms->nr);
	if (ret || !m->page.mem) {
		reg_page_destroy(&m->page);
		return ret;
	}
	memset(m->page.mem, 0, m->page.size);
	m->hook = (struct mmio_mirror) { .update = reg_mirror_update, .opaque = m };
	for (i = 0; i < bus->nr_regions; i++) {
		struct mmio_region *r = bus->regions[i];

		if (r->base >= page && r->base < page + m->page.size) {
			reg_mirror_update(m, r, 0, r->size);
			r->mirror = &m->hook;
		}
	}
	ms->nr++;
	pthread_mutex_lock(&m->page.lock);
	ret = reg_page_map(vm, &m->page, true);
	pthread_mutex_unlock(&m->page.lock);
	return ret;
}

/* Takes the regions off their pages again; reads exit from then on. */
void reg_mirrors_teardown(struct vm *vm)
{
	struct reg_mirrors *ms = &vm->mirrors;
	struct mmio_bus *bus = &vm->bus;
	unsigned int i;

	for (i = 0; i < bus->nr_regions; i++)
		bus->regions[i]->mirror = NULL;
	while (ms->nr) {
		struct reg_mirror *m = &ms->m[--ms->nr];

		pthread_mutex_lock(&m->page.lock);
		if (m->page.mapped)
			reg_page_map(vm, &m->page, false);
		pthread_mutex_unlock(&m->page.lock);
		reg_page_destroy(&m->page);
	}
}

int reg_mirrors_setup(struct vm *vm)
{
	struct mmio_bus *bus = &vm->bus;
	long size = sysconf(_SC_PAGESIZE);
	uint64_t last = 1;	/* no page starts at an odd address */
	unsigned int i;
	int ret;

	if (vm->cfg.no_reg_page || size <= 0)
		return 0;
	for (i = 0; i < bus->nr_regions && vm->mirrors.nr < REG_MIRROR_MAX; i++) {
		uint64_t page = bus->regions[i]->base & ~(uint64_t)(size - 1);

		if (!bus->regions[i]->render || page == last ||
		    !reg_mirror_page_ok(bus, page, size))
			continue;
		last = page;
		ret = reg_mirror_add(vm, page);
		if (ret) {
			pr_err(vm->cfg.loglevel, "cannot serve the registers at 0x%llx from memory: %s",
			       (unsigned long long)page, strerror(-ret));
			reg_mirrors_teardown(vm);
			return ret;
		}
	}
	return 0;
}
