/* example.c - the bundled example: loads data in phases, builds an index with a short spike, then releases it all. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mprof.h"

static void pause_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

static char *load(size_t mib)
{
	MPROF_SCOPE("load");
	char *p = malloc(mib << 20);
	for (size_t i = 0; i < mib; i++) {
		memset(p + (i << 20), (int)i, 1 << 20);
		pause_ms(8);
	}
	return p;
}

static void build_index(void)
{
	MPROF_SCOPE("build_index");
	pause_ms(200);
	char *scratch = malloc(160 << 20); /* a short spike */
	memset(scratch, 1, 160 << 20);
	pause_ms(40);
	free(scratch);
	pause_ms(300);
}

int main(void)
{
	pause_ms(200);
	char *a = load(60);
	char *b = load(40);
	build_index();
	free(a);
	pause_ms(300);
	free(b);
	pause_ms(200);
	return 0;
}
