/* leaky.c - touches argv[1] MiB (default 60) in 1 MiB blocks, frees all but argv[2] MiB (default 2), exits. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

int main(int argc, char **argv)
{
	int total = argc > 1 ? atoi(argv[1]) : 60, leak = argc > 2 ? atoi(argv[2]) : 2;
	char *blocks[4096];
	if (total > 4096)
		total = 4096;
	for (int i = 0; i < total; i++) {
		blocks[i] = malloc(1 << 20);
		memset(blocks[i], 1, 1 << 20);
	}
	struct timespec ts = {0, 300000000};
	nanosleep(&ts, NULL);
	for (int i = leak; i < total; i++)
		free(blocks[i]);
	nanosleep(&ts, NULL);
	return 0;
}
