/* steady.c - a steady service for argv[1] seconds: holds about 8 MiB in 1024 blocks and replaces one every millisecond, so its memory stays flat while its allocation counters move (t_size, make bench-scale). */
#include <stdlib.h>
#include <time.h>

int main(int argc, char **argv)
{
	double secs = argc > 1 ? atof(argv[1]) : 3.0;
	static void *held[1024];
	for (int i = 0; i < 1024; i++)
		held[i] = calloc(1, 8192);
	struct timespec start, now, ms = {0, 1000000};
	clock_gettime(CLOCK_MONOTONIC, &start);
	for (unsigned long i = 0;; i++) {
		free(held[i % 1024]);
		held[i % 1024] = calloc(1, 8192);
		nanosleep(&ms, NULL);
		clock_gettime(CLOCK_MONOTONIC, &now);
		if ((double)(now.tv_sec - start.tv_sec) + (double)(now.tv_nsec - start.tv_nsec) / 1e9 >= secs)
			break;
	}
	return 0;
}
