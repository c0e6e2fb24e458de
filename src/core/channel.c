/* channel.c - the launcher's side of the shared-memory channel: create, read heap counters, drain
 * events. */
#include "core/channel.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

int chan_create(struct chan *c, const struct chan_stacks *st, struct err *e)
{
	memset(c, 0, sizeof(*c));
	const char *dirs[] = {"/dev/shm", getenv("TMPDIR"), "/tmp"};
	char path[4096];
	int fd = -1, saved = 0;
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]) && fd < 0; i++) {
		if (!dirs[i] || !*dirs[i])
			continue;
		snprintf(path, sizeof(path), "%s/mprof-channel-%d-XXXXXX", dirs[i], (int)getpid());
		fd = mkostemp(path, O_CLOEXEC);
		saved = errno;
	}
	if (fd < 0)
		return err_sys(e, saved, "cannot create the shared-memory channel");
	uint32_t nareas = st && st->mode ? MPROF_STK_AREAS : 0;
	c->size = nareas ? mprof_area_offset(MPROF_MAX_PROCS, nareas)
			 : mprof_channel_size(MPROF_MAX_PROCS);
	/* Readable by the program even after it drops privileges or changes user. */
	if (fchmod(fd, 0666) || ftruncate(fd, (off_t)c->size)) {
		saved = errno;
		close(fd);
		unlink(path);
		return err_sys(e, saved, "cannot size the shared-memory channel '%s'", path);
	}
	void *m = mmap(NULL, c->size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	saved = errno;
	close(fd);
	if (m == MAP_FAILED) {
		unlink(path);
		return err_sys(e, saved, "cannot map the shared-memory channel '%s'", path);
	}
	c->map = m;
	c->path = xstrdup(path);
	c->map->version = MPROF_CHANNEL_VERSION;
	c->map->nprocs = MPROF_MAX_PROCS;
	c->map->size = c->size;
	c->map->min_call_ns = 0;
	c->map->launcher_pid = (int32_t)getpid();
	if (nareas) {
		c->map->stk_mode = (uint32_t)st->mode;
		c->map->sample_bytes = st->sample_bytes;
		c->map->nareas = nareas;
	}
	/* The magic goes last: a library that sees it sees a complete header. */
	__atomic_store_n(&c->map->magic, MPROF_CHANNEL_MAGIC, __ATOMIC_RELEASE);
	return 0;
}

void chan_destroy(struct chan *c)
{
	if (c->map)
		munmap(c->map, c->size);
	if (c->path)
		unlink(c->path);
	free(c->path);
	memset(c, 0, sizeof(*c));
}

uint32_t chan_used(const struct chan *c)
{
	if (!c->map)
		return 0;
	uint32_t n = atomic_load_explicit(&c->map->procs_used, memory_order_acquire);
	return n < c->map->nprocs ? n : c->map->nprocs;
}

struct mprof_proc *chan_find(struct chan *c, pid_t pid)
{
	if (!c->map)
		return NULL;
	for (uint32_t i = 0, n = chan_used(c); i < n; i++) {
		struct mprof_proc *p = &c->map->procs[i];
		if (atomic_load_explicit(&p->state, memory_order_acquire) == MPROF_PROC_LIVE &&
		    atomic_load_explicit(&p->pid, memory_order_relaxed) == pid)
			return p;
	}
	return NULL;
}

void chan_take_heap(struct mprof_proc *p, struct chan_heap *h)
{
	memset(h, 0, sizeof(*h));
	int64_t live = 0;
	for (int i = 0; i < MPROF_MAX_CELLS; i++) {
		struct mprof_cell *cell = &p->cells[i];
		live += atomic_load_explicit(&cell->net, memory_order_relaxed);
		h->allocs += atomic_load_explicit(&cell->allocs, memory_order_relaxed);
		h->frees += atomic_load_explicit(&cell->frees, memory_order_relaxed);
	}
	h->live = live;
	h->peak = atomic_exchange_explicit(&p->heap_peak, 0, memory_order_seq_cst);
	h->low = atomic_exchange_explicit(&p->heap_low, INT64_MAX, memory_order_seq_cst);
	atomic_fetch_add_explicit(&p->peak_epoch, 1, memory_order_seq_cst);
	for (int i = 1; i < MPROF_MAX_CELLS; i++)
		if (atomic_load_explicit(&p->cells[i].owned, memory_order_relaxed)) {
			atomic_store_explicit(&p->cells[i].lo, INT64_MAX, memory_order_seq_cst);
			atomic_store_explicit(&p->cells[i].hi, INT64_MIN, memory_order_seq_cst);
		}
	if (h->peak < h->live)
		h->peak = h->live;
	if (h->low > h->live)
		h->low = h->live;
	h->mmap_live = atomic_load_explicit(&p->mmap_live, memory_order_relaxed);
}

uint64_t chan_drain(struct chan *c, struct mprof_proc *p,
		    void (*fn)(void *ctx, const struct mprof_proc *p, const struct mprof_event *ev),
		    void *ctx)
{
	(void)c;
	uint64_t tail = atomic_load_explicit(&p->ev_tail, memory_order_relaxed);
	uint64_t head = atomic_load_explicit(&p->ev_head, memory_order_acquire);
	while (tail < head) {
		const struct mprof_event *ev = &p->ring[tail % MPROF_RING_EVENTS];
		if (atomic_load_explicit(&ev->seq, memory_order_acquire) != tail + 1)
			break; /* still being written */
		struct mprof_event copy = *ev;
		copy.name[MPROF_NAME_MAX - 1] = '\0';
		fn(ctx, p, &copy);
		tail++;
	}
	/* The library reads this to know how much room the ring has left. */
	atomic_store_explicit(&p->ev_tail, tail, memory_order_release);
	return atomic_exchange_explicit(&p->ev_dropped, 0, memory_order_relaxed);
}

void chan_retire(struct chan *c, struct mprof_proc *p)
{
	(void)c;
	atomic_store_explicit(&p->state, MPROF_PROC_FREE, memory_order_release);
}

struct mprof_stk_area *chan_area(struct chan *c, uint32_t i)
{
	if (!c->map || i >= c->map->nareas)
		return NULL;
	return (struct mprof_stk_area *)((char *)c->map + mprof_area_offset(c->map->nprocs, i));
}

void chan_area_release(struct chan *c, struct mprof_stk_area *a)
{
	(void)c;
	size_t size = (sizeof(*a) + 4095) & ~(size_t)4095;
	/* Everything after the first page goes back to the system (reading as zeros);
	 * the first page, with the state word, is cleared by hand and freed last. */
	if (madvise((char *)a + 4096, size - 4096, MADV_REMOVE))
		memset((char *)a + 4096, 0, size - 4096);
	memset((char *)a + sizeof(a->state), 0, 4096 - sizeof(a->state));
	atomic_store_explicit(&a->state, MPROF_AREA_FREE, memory_order_release);
}
