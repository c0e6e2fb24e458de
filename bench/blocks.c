/* blocks.c - allocates argv[1] 16-byte blocks and holds them, waits argv[2] seconds (default 1) for the profiler to catch up, then prints the maximum RSS in KiB of the mprof process above it (its parent, mprof run) from /proc, or - when there is none. */
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

	/* mprof run is the parent; look a few levels up in case a launcher sits between */
	char path[64], line[256];
	long hwm = -1;
	int pid = (int)getppid();
	for (int up = 0; up < 4 && pid > 1 && hwm < 0; up++) {
		char comm[64] = "";
		int ppid = 0;
		snprintf(path, sizeof path, "/proc/%d/status", pid);
		FILE *f = fopen(path, "r");
		if (!f)
			break;
		long h = -1;
		while (fgets(line, sizeof line, f)) {
			sscanf(line, "Name: %63s", comm);
			sscanf(line, "PPid: %d", &ppid);
			sscanf(line, "VmHWM: %ld", &h);
		}
		fclose(f);
		if (strncmp(comm, "mprof", 5) == 0)
			hwm = h;
		pid = ppid;
	}
	if (hwm < 0)
		puts("-");
	else
		printf("%ld\n", hwm);
	return 0;
}
