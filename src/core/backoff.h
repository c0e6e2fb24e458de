/* backoff.h - how long a launcher loop waits before looking at a ring again, from how much
 * of the ring the last look found: wake-ups follow the program's event rate, not its events. */
#ifndef MPROF_BACKOFF_H
#define MPROF_BACKOFF_H

#include <stdint.h>

/* The wait after a look that found `found` events in a ring of `room`, the last wait
 * being cur_ns: 0 (look again at once) at half a ring or more; half of cur_ns (not
 * under min_ns) over an eighth; cur_ns over a sixteenth; else twice cur_ns (not over
 * max_ns). At a steady rate a ring is thus never more than about a quarter full
 * between looks, and a trickle (a few events a look) lets the wait reach max_ns. */
int64_t backoff_next(int64_t cur_ns, uint64_t found, uint64_t room, int64_t min_ns, int64_t max_ns);

#endif
