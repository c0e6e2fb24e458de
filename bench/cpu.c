/* cpu.c - runs a command and writes its CPU seconds (user + system, descendants included) and maximum RSS in KiB, as wait4 reports them (what /usr/bin/time reads, to the microsecond), to the file argv[1]. */
#include <stdio.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: cpu OUTFILE COMMAND [ARG...]\n");
		return 2;
	}
	pid_t pid = fork();
	if (pid < 0)
		return perror("cpu: fork"), 1;
	if (pid == 0) {
		execvp(argv[2], argv + 2);
		perror("cpu: exec");
		_exit(127);
	}
	int status;
	struct rusage ru;
	if (wait4(pid, &status, 0, &ru) < 0)
		return perror("cpu: wait4"), 1;
	FILE *f = fopen(argv[1], "w");
	if (!f)
		return perror("cpu: open"), 1;
	fprintf(f, "%.6f %ld\n",
		(double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
			(double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6,
		ru.ru_maxrss);
	fclose(f);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
