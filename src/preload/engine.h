/* engine.h - the recording engine behind libmprof.so's hooks: heap counters, mmap tracking, bracket events. */
#ifndef MPROF_ENGINE_H
#define MPROF_ENGINE_H

#include <stddef.h>
#include <stdint.h>

#include "common/channel.h"

#define MPROF_HIDDEN __attribute__((visibility("hidden")))

/* Per-thread state, initial-exec TLS: no __tls_get_addr on the hot path. */
struct engine_thread {
	struct mprof_cell *cell; /* NULL until the thread's first counted call */
	int64_t delta;           /* net bytes not yet flushed to heap_flushed */
	int in_hook;             /* re-entry guard: nested calls are not counted */
	int depth;               /* bracket nesting */
	int32_t tid;
	uint32_t gen;            /* process generation the cell belongs to */
};

extern __thread struct engine_thread engine_tl MPROF_HIDDEN;
extern struct mprof_proc *engine_proc MPROF_HIDDEN; /* NULL: not recording */

/* Maps the channel and claims a slot, once; later calls return at once. Never fails
 * loudly: without a channel the engine stays off and hooks only forward. */
void engine_init(void) MPROF_HIDDEN;

/* Slow path of engine_cell(): claims a cell for this thread. NULL when off. */
struct mprof_cell *engine_claim_cell(void) MPROF_HIDDEN;

/* Flushes the thread's delta and publishes a candidate peak. */
void engine_flush(struct engine_thread *t, int64_t est) MPROF_HIDDEN;

#define ENGINE_FLUSH_BYTES (256 * 1024)

static inline struct mprof_cell *engine_cell(struct engine_thread *t)
{
	if (__builtin_expect(t->cell != NULL, 1))
		return t->cell;
	return engine_claim_cell();
}

static inline void engine_add(_Atomic uint64_t *c, uint64_t v, int shared)
{
	if (shared)
		atomic_fetch_add_explicit(c, v, memory_order_relaxed);
	else /* single writer: a plain load and store, no locked instruction */
		atomic_store_explicit(c, atomic_load_explicit(c, memory_order_relaxed) + v,
				      memory_order_relaxed);
}

/* Counts an allocation of n usable bytes by the calling thread. */
static inline void engine_note_alloc(size_t n)
{
	struct engine_thread *t = &engine_tl;
	struct mprof_cell *c = engine_cell(t);
	if (!c)
		return;
	int shared = c == &engine_proc->cells[0];
	engine_add(&c->alloc_bytes, n, shared);
	engine_add(&c->allocs, 1, shared);
	t->delta += (int64_t)n;
	/* The live heap as this thread knows it: exact when one thread allocates. */
	int64_t est = atomic_load_explicit(&engine_proc->heap_flushed, memory_order_relaxed) + t->delta;
	if (__builtin_expect(est > atomic_load_explicit(&engine_proc->heap_peak, memory_order_relaxed), 0) ||
	    t->delta > ENGINE_FLUSH_BYTES)
		engine_flush(t, est);
}

/* Counts a free of n usable bytes; call it before the real free. */
static inline void engine_note_free(size_t n)
{
	struct engine_thread *t = &engine_tl;
	struct mprof_cell *c = engine_cell(t);
	if (!c)
		return;
	int shared = c == &engine_proc->cells[0];
	engine_add(&c->free_bytes, n, shared);
	engine_add(&c->frees, 1, shared);
	t->delta -= (int64_t)n;
	if (t->delta < -ENGINE_FLUSH_BYTES)
		engine_flush(t, 0);
}

/* Anonymous mappings the program makes and releases itself. */
void engine_note_mmap(void *addr, size_t len) MPROF_HIDDEN;
void engine_note_munmap(void *addr, size_t len) MPROF_HIDDEN;
void engine_note_mremap(void *old_addr, void *new_addr, size_t new_len) MPROF_HIDDEN;

/* Bracket events. */
void engine_enter(const char *name) MPROF_HIDDEN;
void engine_leave(void) MPROF_HIDDEN;
void engine_func_enter(void *fn) MPROF_HIDDEN;
void engine_func_exit(void *fn) MPROF_HIDDEN;

/* Writes "mprof: msg\n" to stderr with raw writes, if stderr is open. */
void engine_say(const char *msg) MPROF_HIDDEN;

#endif
