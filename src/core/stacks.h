/* stacks.h - the launcher's side of --stacks: drains allocation events, keeps each image's live
 * blocks, attributes peak and leaks to stacks. */
#ifndef MPROF_CORE_STACKS_H
#define MPROF_CORE_STACKS_H

#include <stdint.h>

#include "core/chanread.h"
#include "core/dat.h"
#include "core/util.h"

struct stk_session;

/* Starts a thread that drains the channel's stack areas as the program runs.
 * NULL with e filled when the thread cannot start. */
struct stk_session *stk_start(struct chan *ch, struct err *e);

/* A session without its thread: it reads only in stk_poll. For the unit tests and
 * the channel fuzzer. Cannot fail. */
struct stk_session *stk_open(struct chan *ch);

/* One pass of the reader over every area (final: then closes them all), exactly as
 * the thread does it; returns the events read. */
size_t stk_poll(struct stk_session *s, int final);

/* Drains what is left, closes every area (hooks still waiting give up), ends the
 * thread and symbolises. Call after the program has exited, before stk_write. */
void stk_stop(struct stk_session *s);

/* Writes the STK* lines (docs/format.md) of every process image to w. */
void stk_write(struct stk_session *s, struct dat_writer *w);

/* Allocations recorded without their stack, and events the hooks could not send. */
uint64_t stk_lost(const struct stk_session *s);

/* What the stack recording lost, item by item (docs/format.md, NOTE lost). */
struct stk_losses {
	uint64_t stacks;  /* allocations without their stack: stk_lost */
	uint64_t images;  /* process images that found no free stack area */
	uint64_t unnamed; /* images gone before their executable and mappings were read */
};

/* Fills l (all zero for a NULL session). Cannot fail. */
void stk_losses(const struct stk_session *s, struct stk_losses *l);

void stk_free(struct stk_session *s);

#endif
