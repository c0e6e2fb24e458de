/* daemon.c - daemonises a process (double fork, setsid) that touches argv[1] MiB (default 30) for argv[2] s (default 1.5); the program itself ends after argv[3] s (default 0.8). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void hold(double s)
{
	struct timespec ts = {(time_t)s, (long)((s - (time_t)s) * 1e9)};
	nanosleep(&ts, NULL);
}

int main(int argc, char **argv)
{
	size_t mib = argc > 1 ? (size_t)atoi(argv[1]) : 30;
	double life = argc > 2 ? atof(argv[2]) : 1.5;
	double own = argc > 3 ? atof(argv[3]) : 0.8;
	/* The program's own time starts once the daemon holds its memory: a slow
	 * machine must not end the program before there is anything to see. */
	int ready[2];
	if (pipe(ready))
		return 1;
	pid_t first = fork();
	if (first == 0) {
		setsid();
		if (fork() == 0) {
			char *p = malloc(mib << 20);
			memset(p, 1, mib << 20);
			printf("%d\n", (int)getpid());
			fflush(stdout);
			if (write(ready[1], "", 1) != 1)
				_exit(1);
			hold(life);
			free(p);
			_exit(0);
		}
		_exit(0);
	}
	waitpid(first, NULL, 0);
	close(ready[1]);
	char c;
	if (read(ready[0], &c, 1) != 1)
		return 1;
	hold(own);
	return 0;
}
