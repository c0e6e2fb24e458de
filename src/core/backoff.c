/* backoff.c - the wait between two looks at a ring (stacks.c's reader, sampler.c's bracket drain).
 */
#include "core/backoff.h"

int64_t backoff_next(int64_t cur_ns, uint64_t found, uint64_t room, int64_t min_ns, int64_t max_ns)
{
	int64_t next;
	if (found >= room / 2)
		return 0;
	if (found > room / 8)
		next = cur_ns / 2;
	else if (found > room / 16)
		next = cur_ns;
	else
		next = cur_ns * 2;
	return next < min_ns ? min_ns : next > max_ns ? max_ns : next;
}
