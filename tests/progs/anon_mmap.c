/* anon_mmap.c - a heap that is not malloc: maps argv[1] MiB (default 100) anonymous, touches them, holds 0.5 s, unmaps, holds 0.2 s. */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

static void hold(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

int main(int argc, char **argv)
{
	size_t n = (size_t)(argc > 1 ? atoi(argv[1]) : 100) << 20;
	char *p = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return 1;
	memset(p, 1, n);
	hold(500);
	munmap(p, n);
	hold(200);
	return 0;
}
