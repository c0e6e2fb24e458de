/* forkexec.c - fork+exec of /bin/true argv[1] times in turn; prints the CPU seconds this program and its children used, from its own getrusage (what the program pays, the profiler's launcher excluded). */
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

static double cpu(int who)
{
	struct rusage ru;
	getrusage(who, &ru);
	return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
	       (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 300;
	for (long i = 0; i < n; i++) {
		pid_t pid = fork();
		if (pid < 0)
			return perror("forkexec: fork"), 1;
		if (pid == 0) {
			execl("/bin/true", "true", (char *)NULL);
			_exit(127);
		}
		int status;
		if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status))
			return fprintf(stderr, "forkexec: /bin/true failed\n"), 1;
	}
	printf("%.6f\n", cpu(RUSAGE_SELF) + cpu(RUSAGE_CHILDREN));
	return 0;
}
