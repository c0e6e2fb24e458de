/* threads.c - argv[1] threads (default 8) x argv[2] malloc/free pairs (default 1M); each keeps 1000 blocks of 1000 bytes; prints the kept usable bytes. */
#include <malloc.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

static long pairs = 1000000;
static size_t kept_usable[64];

static void *work(void *arg)
{
	long id = (long)arg;
	for (long i = 0; i < pairs; i++) {
		void *volatile p = malloc((size_t)(16 + (i & 255) * 8));
		free(p);
	}
	for (int i = 0; i < 1000; i++) {
		void *p = malloc(1000);
		kept_usable[id] += malloc_usable_size(p);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 8;
	if (argc > 2)
		pairs = atol(argv[2]);
	if (n > 64)
		n = 64;
	pthread_t t[64];
	for (long i = 0; i < n; i++)
		pthread_create(&t[i], NULL, work, (void *)i);
	size_t total = 0;
	for (int i = 0; i < n; i++) {
		pthread_join(t[i], NULL);
		total += kept_usable[i];
	}
	printf("%zu\n", total);
	return 0;
}
