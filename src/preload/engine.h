/* engine.h - the recording engine behind libmprof.so's hooks: heap counters, mmap tracking, bracket
 * events. */
#ifndef MPROF_ENGINE_H
#define MPROF_ENGINE_H

#include <stddef.h>
#include <stdint.h>

#include "common/chanlayout.h"

#define MPROF_HIDDEN __attribute__((visibility("hidden")))

/* Large zero-initialised tables are linked after the small statics (the Makefile
 * sorts sections by name): a process start writes one page of small statics
 * instead of one page on each side of every table. */
#define MPROF_LARGE __attribute__((section(".bss.zz_large")))

/* Per-thread state, initial-exec TLS: no __tls_get_addr on the hot path. */
struct engine_thread {
	struct mprof_cell *cell; /* NULL until the thread's first counted call */
	struct mprof_proc *proc; /* the slot the cell belongs to */
	int64_t base;		 /* with a cell: its net when last flushed to proc->heap_flushed */
	int64_t delta;		 /* without a cell: net bytes not yet flushed */
	int64_t limit;		 /* without a cell: the slow path's re-arm, as cell->hi - base */
	int in_hook;		 /* re-entry guard: nested calls are not counted */
	int depth;		 /* bracket nesting */
	int32_t tid;
	int overflow;	     /* no cell of its own: counted with atomics in cell 0 */
	int sample_armed;    /* --stacks=sample: the countdown below has started */
	int64_t sample_left; /* --stacks countdown while the thread has no cell */
	uint64_t rng;	     /* the sampling's random state */
};

extern __thread struct engine_thread engine_tl MPROF_HIDDEN;

/* The thread's --stacks countdown (bytes to its next recorded allocation): in its
 * cell when it has one, so that the fast path reads thread-local storage once, for
 * the cell; here otherwise. */
static inline int64_t *engine_countdown(struct engine_thread *t)
{
	return t->cell ? &t->cell->sample_left : &t->sample_left;
}
extern struct mprof_proc *engine_proc MPROF_HIDDEN; /* NULL: not recording */

/* What the library uses of the channel's header, copied and checked once at attach
 * and never read again: the program can rewrite the shared header at any time, and
 * the library must not write outside its slot, area or ring whatever it says. */
struct engine_conf {
	uint32_t flags, nranges; /* nranges <= MPROF_RANGES_MAX */
	uint32_t stk_mode;	 /* 0 unless the mapping holds MPROF_STK_AREAS areas */
	uint32_t nareas;	 /* 0 or MPROF_STK_AREAS */
	int64_t min_call_ns;
	uint64_t sample_bytes; /* at least 1 */
	int32_t launcher_pid;
};
extern struct engine_conf engine_conf MPROF_HIDDEN;
extern int engine_glibc_next MPROF_HIDDEN; /* see hooks.c */
/* enum mprof_proc_note bits found before a slot was claimed (the allocator below);
 * every slot this process claims carries them. */
extern uint32_t engine_notes MPROF_HIDDEN;

/* Sets note bits in this process's slot, for the launcher to say: the library
 * never writes to the program's descriptors. Safe before attach (kept for it). */
void engine_note(uint32_t bits) MPROF_HIDDEN;

/* Maps the channel and claims a slot, once; later calls return at once. Never fails
 * loudly: without a channel the engine stays off and hooks only forward. */
void engine_init(void) MPROF_HIDDEN;

/* Slow paths: the thread has no cell yet (or shares cell 0), or the block is one
 * the fast path does not size. They count the call themselves. engine_limit runs
 * when a cell's net crossed hi or lo: it updates the peak, flushes, re-arms. */
void engine_alloc_slow(size_t n) MPROF_HIDDEN;
void engine_free_slow(size_t n) MPROF_HIDDEN;
void engine_limit(struct engine_thread *t) MPROF_HIDDEN;

#define ENGINE_FLUSH_BYTES (256 * 1024)

/* Single writer, no locked instruction: one add to memory on x86-64 (an aligned
 * 8-byte store never tears there), a relaxed load and store elsewhere. */
#if defined(__x86_64__)
#define ENGINE_BUMP(field, v) __asm__ volatile("addq %1, %0" : "+m"(field) : "er"((int64_t)(v)))
#else
#define ENGINE_BUMP(field, v)                                                                      \
	atomic_store_explicit(&(field),                                                            \
			      atomic_load_explicit(&(field), memory_order_relaxed) + (v),          \
			      memory_order_relaxed)
#endif

/* The fast paths are written out in hooks.c, where each hook needs them inlined
 * with its own tail calls; engine_limit is their way out. */

/* Anonymous mappings the program makes and releases itself. */
void engine_note_mmap(void *addr, size_t len) MPROF_HIDDEN;
void engine_note_munmap(void *addr, size_t len) MPROF_HIDDEN;
void engine_note_mremap(void *old_addr, void *new_addr, size_t new_len) MPROF_HIDDEN;

/* Bracket events, with the RSS and heap in use measured in the process at each. */
void engine_enter(const char *name) MPROF_HIDDEN;
void engine_leave(void) MPROF_HIDDEN;
void engine_enter_id(const char *name, uint64_t id, int depth) MPROF_HIDDEN;
void engine_leave_id(uint64_t id) MPROF_HIDDEN;
/* A garbage collection of the program's runtime (mprof_gc_begin/mprof_gc_end):
 * an event at its start and one at its end, each with the heap in use then. */
void engine_gc_begin(int generation) MPROF_HIDDEN;
void engine_gc_end(int64_t collected, int64_t uncollectable) MPROF_HIDDEN;
void engine_func_enter(void *fn) MPROF_HIDDEN;
void engine_func_exit(void *fn) MPROF_HIDDEN;

#endif
