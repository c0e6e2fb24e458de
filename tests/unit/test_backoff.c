/* test_backoff.c - the launcher's wait between looks at a ring grows on a trickle of events and shrinks, down to none, as the ring fills. */
#include "core/backoff.h"
#include "unit.h"

#define ROOM 32768
#define MIN 50000
#define MAX 10000000

static void a_trickle_lets_the_wait_grow_to_the_longest(void)
{
	int64_t w = MIN;
	for (int i = 0; i < 20; i++)
		w = backoff_next(w, 3, ROOM, MIN, MAX); /* a few events each look */
	CHECK(w == MAX);
	CHECK(backoff_next(MIN, 1, ROOM, MIN, MAX) == 2 * MIN);
	CHECK(backoff_next(MAX, 0, ROOM, MIN, MAX) == MAX);
}

static void a_filling_ring_shortens_the_wait(void)
{
	CHECK(backoff_next(MAX, ROOM / 8 + 1, ROOM, MIN, MAX) == MAX / 2);
	CHECK(backoff_next(MAX, ROOM / 16 + 1, ROOM, MIN, MAX) == MAX); /* held */
	CHECK(backoff_next(MIN, ROOM / 4, ROOM, MIN, MAX) == MIN);	  /* not under the least */
	/* a steady rate settles where a ring is at most about a quarter full at a look */
	int64_t w = MAX;
	double per_ns = 0.02; /* events a nanosecond: 20 million a second */
	for (int i = 0; i < 50; i++) {
		uint64_t found = (uint64_t)(per_ns * (double)w);
		int64_t next = backoff_next(w, found, ROOM, MIN, MAX);
		w = next ? next : MIN;
	}
	CHECK(per_ns * (double)w <= ROOM / 4);
}

static void half_a_ring_looks_again_at_once(void)
{
	CHECK(backoff_next(MAX, ROOM / 2, ROOM, MIN, MAX) == 0);
	CHECK(backoff_next(MIN, ROOM, ROOM, MIN, MAX) == 0);
	CHECK(backoff_next(MIN, 256, 512, 1000000, 16000000) == 0); /* the bracket ring's size */
}

int main(void)
{
	static const struct unit_test tests[] = {
	    {"a trickle lets the wait grow to the longest", a_trickle_lets_the_wait_grow_to_the_longest},
	    {"a filling ring shortens the wait", a_filling_ring_shortens_the_wait},
	    {"half a ring looks again at once", half_a_ring_looks_again_at_once},
	    {0},
	};
	return unit_run(__FILE__, tests);
}
