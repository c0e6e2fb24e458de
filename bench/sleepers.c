/* sleepers.c - starts argv[1] idle processes unrelated to any profiled program (forked, no exec: cheap to start on a busy machine), prints their pids one a line and returns; they sleep until killed, or argv[2] seconds (default 600) at most. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 15;
	unsigned secs = argc > 2 ? (unsigned)atoi(argv[2]) : 600;
	for (long i = 0; i < n; i++) {
		fflush(stdout);
		pid_t pid = fork();
		if (pid < 0)
			return perror("sleepers: fork"), 1;
		if (pid == 0) {
			/* no output of ours keeps the caller's pipe open */
			freopen("/dev/null", "w", stdout);
			sleep(secs);
			_exit(0);
		}
		printf("%d\n", (int)pid);
	}
	return fflush(stdout) ? 1 : 0;
}
