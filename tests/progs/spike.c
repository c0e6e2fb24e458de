/* spike.c - idles, then holds 300 MiB (argv[1]) for 30 ms (argv[2]), frees it and idles again: a spike between samples. */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

static void hold_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

int main(int argc, char **argv)
{
	size_t mib = argc > 1 ? (size_t)atoi(argv[1]) : 300;
	long ms = argc > 2 ? atol(argv[2]) : 30;
	hold_ms(250);
	char *p = malloc(mib << 20);
	memset(p, 7, mib << 20);
	hold_ms(ms);
	free(p);
	hold_ms(600);
	return 0;
}
