/* forkthreads.c - argv[1] threads (default 4) allocate in loops while the main thread forks argv[2] children (default 20) that allocate and exit; prints "ok N" once all children exited. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static atomic_int stop;

/* Allocates through a call chain whose depth varies, so the unwinder keeps meeting
 * new stacks (and fills its caches) while the main thread forks. */
static __attribute__((noinline)) void *deep(int depth, size_t n)
{
	if (depth > 0) {
		void *volatile p = deep(depth - 1, n + 8);
		return p;
	}
	return malloc(n);
}

static void *churn(void *arg)
{
	long id = (long)arg;
	unsigned i = 0;
	while (!atomic_load(&stop)) {
		void *p = deep((int)((i + (unsigned)id) % 24), 16 + (i & 1023));
		free(p);
		i++;
	}
	return NULL;
}

int main(int argc, char **argv)
{
	int nthreads = argc > 1 ? atoi(argv[1]) : 4;
	int nforks = argc > 2 ? atoi(argv[2]) : 20;
	if (nthreads < 0 || nthreads > 64)
		nthreads = 4;
	pthread_t th[64];
	for (long t = 0; t < nthreads; t++)
		pthread_create(&th[t], NULL, churn, (void *)t);
	int ok = 0;
	for (int k = 0; k < nforks; k++) {
		pid_t pid = fork();
		if (pid == 0) {
			/* The child: one thread, whatever the others held at the fork. */
			for (int i = 0; i < 200; i++) {
				void *p = deep(i % 16, 64 + (size_t)i);
				memset(p, 1, 64);
				free(p);
			}
			_exit(0);
		}
		int st;
		if (pid > 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0)
			ok++;
	}
	atomic_store(&stop, 1);
	for (int t = 0; t < nthreads; t++)
		pthread_join(th[t], NULL);
	printf("ok %d\n", ok);
	return ok == nforks ? 0 : 1;
}
