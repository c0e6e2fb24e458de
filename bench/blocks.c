/* blocks.c - allocates argv[1] 16-byte blocks and holds them, waits argv[2] seconds (default 1) for the profiler to catch up, then prints its parent's (mprof run's) maximum RSS in KiB from /proc, or - when the parent is not mprof. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 1000;
	double wait = argc > 2 ? atof(argv[2]) : 1.0;
	void **held = calloc((size_t)n, sizeof *held); /* one block, not n */
	if (!held)
		return 1;
	for (long i = 0; i < n; i++)
		if (!(held[i] = malloc(16)))
			return 1;
	struct timespec ts = {(time_t)wait, (long)((wait - (double)(time_t)wait) * 1e9)};
	nanosleep(&ts, NULL);

	char path[64], line[256], comm[64] = "";
	snprintf(path, sizeof path, "/proc/%d/comm", (int)getppid());
	FILE *f = fopen(path, "r");
	if (f) {
		if (!fgets(comm, sizeof comm, f))
			comm[0] = 0;
		fclose(f);
	}
	long hwm = -1;
	snprintf(path, sizeof path, "/proc/%d/status", (int)getppid());
	if (strncmp(comm, "mprof", 5) == 0 && (f = fopen(path, "r"))) {
		while (fgets(line, sizeof line, f))
			if (sscanf(line, "VmHWM: %ld", &hwm) == 1)
				break;
		fclose(f);
	}
	if (hwm < 0)
		puts("-");
	else
		printf("%ld\n", hwm);
	return 0;
}
