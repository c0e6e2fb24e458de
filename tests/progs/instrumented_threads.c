/* instrumented_threads.c - built with -finstrument-functions: argv[1] rounds (default 40) of 4 threads that each call tick() 10 times and exit; prints how many ticks ran. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

static atomic_int ticks;

static void tick(void)
{
	atomic_fetch_add(&ticks, 1);
}

static void *worker(void *arg)
{
	(void)arg;
	for (int i = 0; i < 10; i++)
		tick();
	return NULL;
}

int main(int argc, char **argv)
{
	int rounds = argc > 1 ? atoi(argv[1]) : 40;
	for (int r = 0; r < rounds; r++) {
		pthread_t t[4];
		for (int i = 0; i < 4; i++)
			if (pthread_create(&t[i], NULL, worker, NULL))
				return 1;
		for (int i = 0; i < 4; i++)
			pthread_join(t[i], NULL);
	}
	printf("ticks %d\n", atomic_load(&ticks));
	return 0;
}
