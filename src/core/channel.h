/* channel.h - the launcher's side of the shared-memory channel: create, read heap counters, drain
 * events. */
#ifndef MPROF_CORE_CHANNEL_H
#define MPROF_CORE_CHANNEL_H

#include <stdint.h>
#include <sys/types.h>

#include "common/channel.h"
#include "core/util.h"

struct chan {
	struct mprof_channel *map;
	uint64_t size;
	char *path;
};

/* What --stacks asks of the library. */
struct chan_stacks {
	int mode;	       /* enum mprof_stk_mode */
	uint64_t sample_bytes; /* sample mode: mean bytes between samples */
};

/* Creates and maps a channel file in $TMPDIR-independent shared memory (/dev/shm,
 * else /tmp), with stack areas when st asks for stacks (st may be NULL). -1 with
 * e filled on failure. */
int chan_create(struct chan *c, const struct chan_stacks *st, struct err *e);

/* Unmaps and unlinks the channel. Safe to call twice or on a failed chan. */
void chan_destroy(struct chan *c);

/* How many slots from the start may be in use: scans stop there. 0 without a map. */
uint32_t chan_used(const struct chan *c);

/* The live slot of pid, or NULL when pid has not registered (yet). */
struct mprof_proc *chan_find(struct chan *c, pid_t pid);

struct chan_heap {
	int64_t live; /* bytes in use now */
	int64_t peak; /* largest bytes in use since the previous chan_take_heap */
	int64_t low;  /* smallest bytes in use since then (at most live) */
	uint64_t allocs, frees;
	uint64_t mmap_live; /* anonymous mmap bytes */
};

/* Sums p's cells into h and takes (resets) the interval peak and low. Cannot fail. */
void chan_take_heap(struct mprof_proc *p, struct chan_heap *h);

/* Calls fn for each committed event of slot p in order, then marks them consumed.
 * Returns the number of events the library dropped since the last call. */
uint64_t chan_drain(struct chan *c, struct mprof_proc *p,
		    void (*fn)(void *ctx, const struct mprof_proc *p, const struct mprof_event *ev),
		    void *ctx);

/* Frees the slot of a process that has exited, after its last reading. */
void chan_retire(struct chan *c, struct mprof_proc *p);

/* Stack area i, or NULL past the last. */
struct mprof_stk_area *chan_area(struct chan *c, uint32_t i);

/* Zeroes a finished area, returns its memory and marks it free. Cannot fail. */
void chan_area_release(struct chan *c, struct mprof_stk_area *a);

#endif
