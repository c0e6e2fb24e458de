/* inlined.c - built -O2: the helper that allocates is inlined into its two callers, so each site is 'make_buf [inlined]' under its caller; prints each site's usable bytes. */
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static inline char *make_buf(size_t n)
{
	char *p = malloc(n);
	if (p)
		memset(p, 1, n);
	return p;
}

static char *keep[64];

__attribute__((noinline)) static size_t load_small(void)
{
	size_t usable = 0;
	for (int i = 0; i < 32; i++)
		usable += malloc_usable_size(keep[i] = make_buf(16 * 1024));
	return usable;
}

__attribute__((noinline)) static size_t load_big(void)
{
	size_t usable = 0;
	for (int i = 32; i < 40; i++)
		usable += malloc_usable_size(keep[i] = make_buf(256 * 1024));
	return usable;
}

int main(void)
{
	size_t small = load_small(), big = load_big();
	fprintf(stderr, "load_small %zu\nload_big %zu\n", small, big);
	for (int i = 0; i < 40; i++)
		free(keep[i]);
	/* Alive a little longer: mprof reads its mappings while it runs. */
	struct timespec ts = {0, 300000000};
	nanosleep(&ts, NULL);
	return 0;
}
