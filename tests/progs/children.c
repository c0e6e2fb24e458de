/* children.c - forks argv[1] children (default 3); each touches argv[2] MiB (default 40) for argv[3] s (default 0.6). */
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 3;
	size_t mib = argc > 2 ? (size_t)atoi(argv[2]) : 40;
	double secs = argc > 3 ? atof(argv[3]) : 0.6;
	for (int i = 0; i < n; i++) {
		if (fork() == 0) {
			char *p = malloc(mib << 20);
			memset(p, i + 1, mib << 20);
			struct timespec ts = {(time_t)secs, (long)((secs - (time_t)secs) * 1e9)};
			nanosleep(&ts, NULL);
			free(p);
			_exit(0);
		}
	}
	while (wait(NULL) > 0)
		;
	return 0;
}
