/* brackets.c - calls mprof_enter("tight") / mprof_leave() argv[1] times (default 100000) in a tight loop. */
#include <stdlib.h>

#include "mprof.h"

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 100000;
	for (long i = 0; i < n; i++) {
		mprof_enter("tight");
		mprof_leave();
	}
	return 0;
}
