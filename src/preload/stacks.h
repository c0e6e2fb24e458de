/* stacks.h - allocation stacks for libmprof-stacks.so (--stacks): capture with libunwind, a
 * lock-free stack table, the event ring. */
#ifndef MPROF_PRELOAD_STACKS_H
#define MPROF_PRELOAD_STACKS_H

#include <stddef.h>
#include <stdint.h>

#include "preload/engine.h"

/* The sources build two libraries: libmprof.so (MPROF_STACKS 0), whose hooks have
 * no stack code at all, and libmprof-stacks.so (1), which the launcher preloads for
 * --stacks. */
#ifndef MPROF_STACKS
#define MPROF_STACKS 1
#endif

/* enum mprof_stk_mode of this process image: 0 until an area is claimed. */
extern int stacks_on MPROF_HIDDEN;
/* The inline free check's filter: the claimed area's in sample mode, all ones in
 * all mode, all zeros (a static table) until an area is claimed. */
extern _Atomic uint16_t *stacks_filter MPROF_HIDDEN;

/* Claims a stack area for this process image when the channel asks for stacks;
 * fd is the channel file (on a tmpfs file its area is reserved with fallocate, so a
 * full /dev/shm turns stacks off rather than faulting; on the memfd pages come as
 * they are touched). Loads libunwind; its first backtrace waits for the first
 * capture. Cannot fail loudly. */
void stacks_attach(struct mprof_channel *chan, int fd, uint32_t proc_index, uint32_t generation,
		   const char *path) MPROF_HIDDEN;

/* Stops this process's captures: a forked child that found no process slot must
 * not send its events to its parent's area. Cannot fail. */
void stacks_off(void) MPROF_HIDDEN;

/* In a forked child: a new area of its own (the parent's stays the parent's). */
void stacks_after_fork(uint32_t proc_index, uint32_t generation) MPROF_HIDDEN;

/* A sampled (or, in all mode, any) allocation of n usable bytes at p: captures the
 * stack and sends the event. Called when the thread's countdown ran out. */
void stacks_sampled(void *p, size_t n) MPROF_HIDDEN;

/* The thread's byte countdown, on every allocation: whether this one of n usable
 * bytes is to be recorded (then call stacks_sampled). A thread starts at 0, so its
 * first allocation arms it: with stacks off, to INT64_MAX (never again, in
 * practice); in sample mode, to a random gap; in all mode it stays at 0, so every
 * allocation is. One subtraction in memory, whose flags answer: no mode test. */
static inline int stacks_due_at(int64_t *left, size_t n)
{
#if !MPROF_STACKS
	(void)left;
	(void)n;
	return 0;
#elif defined(__x86_64__)
	int due;
	__asm__("subq %2, %0" : "+m"(*left), "=@ccle"(due) : "er"((int64_t)n));
	return due;
#else
	*left -= (int64_t)n;
	return *left <= 0;
#endif
}

static inline int stacks_due(size_t n)
{
	return stacks_due_at(engine_countdown(&engine_tl), n);
}

/* A collection of the program's garbage collector starts (end 0) or ends (1): a
 * marker in the event stream, so that the launcher credits the frees between the
 * two to their sites. Only with stacks on (hooks.c tests stacks_on first). */
void stacks_gc_mark(int end) MPROF_HIDDEN;

/* A block about to be freed that may have been recorded: in sample mode, its
 * bucket is not empty. */
void stacks_freed(void *p) MPROF_HIDDEN;

/* libunwind's first use opens a pipe on the lowest free descriptors, which belong
 * to the program: while stacks_unwinding is set, pipe2 moves new descriptors here,
 * to the top of the descriptor table, close-on-exec. */
void stacks_move_fds(int fds[2]) MPROF_HIDDEN;
extern __thread int stacks_unwinding MPROF_HIDDEN;

/* Set while the image records every allocation (all mode): every free goes to
 * stacks_freed, and the area's filter stays untouched (128 KiB less RSS). */
extern int stacks_every_free MPROF_HIDDEN;

/* The inline check for hooks.c: whether a free must go to stacks_freed. In all
 * mode every free is; in sample mode only those whose home bucket holds a
 * sampled block (stacks_freed looks closer). */
static inline int stacks_might_free(void *p)
{
#if !MPROF_STACKS
	(void)p;
	return 0;
#else
	return stacks_every_free ||
	       atomic_load_explicit(&stacks_filter[mprof_stk_bucket((uint64_t)(uintptr_t)p)],
				    memory_order_relaxed) != 0;
#endif
}

#endif
