/* chanread.h - the launcher's side of the shared-memory channel: create, read heap counters, drain
 * events. */
#ifndef MPROF_CORE_CHANREAD_H
#define MPROF_CORE_CHANREAD_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "common/chanlayout.h"
#include "core/util.h"

/* The launcher never trusts the mapping: the program can rewrite any of it at any
 * time. What the launcher needs of the header it keeps here, and every value it
 * reads from the mapping is copied once, checked, and then used. */
struct chan {
	struct mprof_channel *map;
	uint64_t size;
	char *path; /* what MPROF_CHANNEL carries: /proc/<pid>/fd/<n> of fd, or file */
	char *file; /* a file to unlink at the end (no memfd here), else NULL */
	int fd;	    /* the sealed memfd, kept open for the path; -1 without */
	uint32_t nprocs, nareas, stk_mode;
	uint64_t sample_bytes;
};

/* What --stacks asks of the library. */
struct chan_stacks {
	int mode;	       /* enum mprof_stk_mode */
	uint64_t sample_bytes; /* sample mode: mean bytes between samples */
};

/* Creates and maps a private channel with stack areas when st asks for stacks (st
 * may be NULL): a memfd sealed against shrinking (so the program cannot make the
 * launcher's mapping fault), reached by the program's processes through
 * /proc/<launcher>/fd/<n>, which only processes of the same user may open; where
 * memfds are missing, a mode 0600 file created exclusively in /dev/shm (else
 * $TMPDIR, /tmp) named after the launcher's pid and start time. -1 with e filled
 * on failure. */
int chan_create(struct chan *c, const struct chan_stacks *st, struct err *e);

/* Unmaps and unlinks the channel. Safe to call twice or on a failed chan. */
void chan_destroy(struct chan *c);

/* Channel files of this user (in /dev/shm, $TMPDIR and /tmp) whose launcher is gone:
 * its pid is not running, or runs another program since (the start time in the
 * name, or for older names the executable, says so). Fills a malloc'd array of
 * malloc'd paths; returns how many. Never lists another user's file or a file of
 * a live launcher. Cannot fail (an unreadable directory is skipped). */
size_t chan_stale(char ***paths);

/* Unlinks the files chan_stale lists; returns how many went. Cannot fail. */
size_t chan_remove_stale(void);

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

/* No byte count in a channel can be larger than the user address space. */
#define CHAN_BYTES_MAX (INT64_C(1) << 47)

/* Sums p's cells into h and takes (resets) the interval peak and low. Returns -1 (h zeroed)
 * when a counter is impossible (beyond CHAN_BYTES_MAX either way): the slot was
 * written by something other than the hooks. */
int chan_take_heap(struct mprof_proc *p, struct chan_heap *h);

/* Calls fn for each committed event of slot p in order (each a private copy, its
 * name terminated), then marks them consumed; *dropped gets the events the
 * library dropped since the last call. Returns -1 when the ring's head and tail
 * are impossible (nothing is read then, and the ring is emptied), else 0. */
int chan_drain(struct chan *c, struct mprof_proc *p,
	       void (*fn)(void *ctx, const struct mprof_proc *p, const struct mprof_event *ev),
	       void *ctx, uint64_t *dropped);

/* Frees the slot of a process that has exited, after its last reading. */
void chan_retire(struct chan *c, struct mprof_proc *p);

/* Stack area i, or NULL past the last. */
struct mprof_stk_area *chan_area(struct chan *c, uint32_t i);

/* Zeroes a finished area, returns its memory and marks it free. Cannot fail. */
void chan_area_release(struct chan *c, struct mprof_stk_area *a);

#endif
