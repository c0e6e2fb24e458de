/* alloc_hold.c - allocates and touches N MiB (argv[1], default 100) in 1 MiB blocks, holds for argv[2] s, frees, holds again. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void hold(double s)
{
	struct timespec ts = {(time_t)s, (long)((s - (time_t)s) * 1e9)};
	nanosleep(&ts, NULL);
}

int main(int argc, char **argv)
{
	int mib = argc > 1 ? atoi(argv[1]) : 100;
	double secs = argc > 2 ? atof(argv[2]) : 0.5;
	char **blocks = malloc(sizeof(char *) * (size_t)mib);
	for (int i = 0; i < mib; i++) {
		blocks[i] = malloc(1 << 20);
		memset(blocks[i], i + 1, 1 << 20);
	}
	hold(secs);
	for (int i = 0; i < mib; i++)
		free(blocks[i]);
	free(blocks);
	hold(secs);
	return 0;
}
