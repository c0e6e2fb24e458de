/* heap_exact.c - allocates 80 MiB in 4 KiB blocks through one entry point (argv[1]), frees them; prints the usable bytes it expects to be counted.
 * Nothing else is freed before the exit: every sample after the frees sees the same heap. */
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define BLOCK 4096
#define COUNT (80 * 1024 * 1024 / BLOCK)

static void pause_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

static void *get(const char *how)
{
	void *p = NULL;
	if (!strcmp(how, "malloc"))
		p = malloc(BLOCK);
	else if (!strcmp(how, "calloc"))
		p = calloc(1, BLOCK);
	else if (!strcmp(how, "realloc"))
		p = realloc(realloc(NULL, 16), BLOCK); /* grows: one free, one allocation */
	else if (!strcmp(how, "reallocarray"))
		p = reallocarray(NULL, 4, BLOCK / 4);
	else if (!strcmp(how, "posix_memalign"))
		return posix_memalign(&p, 64, BLOCK) ? NULL : p;
	else if (!strcmp(how, "aligned_alloc"))
		p = aligned_alloc(64, BLOCK);
	else if (!strcmp(how, "memalign"))
		p = memalign(64, BLOCK);
	else if (!strcmp(how, "valloc"))
		p = valloc(BLOCK);
	else if (!strcmp(how, "pvalloc"))
		p = pvalloc(BLOCK);
	return p;
}

int main(int argc, char **argv)
{
	const char *how = argc > 1 ? argv[1] : "malloc";
	void **blocks = malloc(sizeof(void *) * COUNT);
	pause_ms(300); /* a baseline sample */
	size_t usable = 0;
	for (int i = 0; i < COUNT; i++) {
		blocks[i] = get(how);
		if (!blocks[i])
			return 1;
		usable += malloc_usable_size(blocks[i]);
	}
	fprintf(stderr, "%zu\n", usable); /* stderr: no stdio buffer to count */
	pause_ms(400);
	for (int i = 0; i < COUNT; i++)
		free(blocks[i]);
	pause_ms(300);
	return 0; /* blocks stays: the heap after the frees is the heap at exit */
}
