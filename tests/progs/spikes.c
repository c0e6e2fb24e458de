/* spikes.c - the same spike again and again: argv[1] times (default 30) maps, touches and unmaps 512 KiB, then sleeps 100 ms. */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 30;
	for (int i = 0; i < n; i++) {
		char *p = mmap(NULL, 512 << 10, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			       -1, 0);
		if (p == MAP_FAILED)
			return 1;
		memset(p, 1, 512 << 10);
		munmap(p, 512 << 10);
		struct timespec ts = {0, 100000000};
		nanosleep(&ts, NULL);
	}
	return 0;
}
