/* sites.c - allocation sites of known size: hold_big keeps 48 MiB and hold_mid 12 MiB in 512-byte blocks, leak_small leaks 2 MiB in 4 KiB blocks; each prints its usable bytes and blocks on stderr. */
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define BLOCK 512

static void **big, **mid;
static size_t nbig, nmid;

/* Heap is counted in usable bytes: each site prints what it holds that way, and
 * the tests compare the report with it. */
static __attribute__((noinline)) void **hold(const char *site, size_t bytes, size_t *n)
{
	*n = bytes / BLOCK;
	void **v = malloc(*n * sizeof(*v));
	size_t usable = malloc_usable_size(v); /* the pointer array is the site's too */
	for (size_t i = 0; i < *n; i++) {
		v[i] = malloc(BLOCK);
		memset(v[i], 1, BLOCK);
		usable += malloc_usable_size(v[i]);
	}
	fprintf(stderr, "%s %zu %zu\n", site, usable, *n + 1);
	return v;
}

static __attribute__((noinline)) void hold_big(void)
{
	big = hold("hold_big", 48u << 20, &nbig);
}

static __attribute__((noinline)) void hold_mid(void)
{
	mid = hold("hold_mid", 12u << 20, &nmid);
}

static __attribute__((noinline)) void leak_small(void)
{
	size_t usable = 0;
	for (int i = 0; i < 512; i++) {
		void *p = malloc(4096);
		memset(p, 2, 4096);
		usable += malloc_usable_size(p);
	}
	fprintf(stderr, "leak_small %zu 512\n", usable);
}

static void release(void **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

int main(void)
{
	struct timespec ts = {0, 200000000};
	leak_small();
	hold_big();
	hold_mid();
	nanosleep(&ts, NULL);
	release(big, nbig);
	release(mid, nmid);
	nanosleep(&ts, NULL);
	return 0;
}
