/* instrumented.c - built with -finstrument-functions: a static function that runs 0.6 s and allocates, and a short one called often; prints how long the call of crunch took by its own clock. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void pause_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

static int quick_step(int i)
{
	return i * 3 + 1;
}

static char *crunch(size_t mib)
{
	char *p = malloc(mib << 20);
	memset(p, 1, mib << 20);
	pause_ms(600);
	return p;
}

int main(void)
{
	int acc = 0;
	for (int i = 0; i < 100000; i++)
		acc += quick_step(i);
	struct timespec t0, t1;
	clock_gettime(CLOCK_REALTIME, &t0); /* the clock the brackets use */
	char *p = crunch(40);
	clock_gettime(CLOCK_REALTIME, &t1);
	printf("crunch %.6f\n", (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
	free(p);
	pause_ms(200);
	return acc == 42;
}
