/* nodump.c - a process whose true-peak reset is refused: it makes itself non-dumpable (/proc/PID/clear_refs becomes root's), touches N MiB (argv[1], default 30), writes "ready" to stdout, holds argv[2] s (default 30). With "child" as argv[3] a dumpable parent does nothing but wait for a non-dumpable child that does it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int mib = argc > 1 ? atoi(argv[1]) : 30;
	double secs = argc > 2 ? atof(argv[2]) : 30;
	if (argc > 3 && strcmp(argv[3], "child") == 0) {
		pid_t pid = fork();
		if (pid > 0) {
			int st;
			waitpid(pid, &st, 0);
			return 0;
		}
	}
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0) {
		perror("prctl");
		return 1;
	}
	char *p = malloc((size_t)mib << 20);
	memset(p, 1, (size_t)mib << 20);
	printf("ready %d\n", (int)getpid());
	fflush(stdout);
	struct timespec ts = {(time_t)secs, (long)((secs - (time_t)secs) * 1e9)};
	nanosleep(&ts, NULL);
	free(p);
	return 0;
}
