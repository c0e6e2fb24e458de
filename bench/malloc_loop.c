/* malloc_loop.c - a tight malloc/free loop in argv[1] threads (default 1), argv[2] pairs each; prints ns per pair from its own clock. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static long pairs = 20000000;

static void *loop(void *arg)
{
	(void)arg;
	for (long i = 0; i < pairs; i++) {
		void *volatile p = malloc(16 + (size_t)(i & 7) * 16);
		free(p);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 1;
	if (argc > 2)
		pairs = atol(argv[2]);
	pthread_t t[16];
	if (n < 1 || n > 16)
		return 2;
	struct timespec a, b;
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (int i = 0; i < n; i++)
		pthread_create(&t[i], NULL, loop, NULL);
	for (int i = 0; i < n; i++)
		pthread_join(t[i], NULL);
	clock_gettime(CLOCK_MONOTONIC, &b);
	double ns = (double)(b.tv_sec - a.tv_sec) * 1e9 + (double)(b.tv_nsec - a.tv_nsec);
	printf("%.2f\n", ns / (double)pairs); /* wall ns per pair, per thread */
	return 0;
}
