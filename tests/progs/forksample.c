/* forksample.c - prints its pid (a first allocation, stdout's buffer), then forks argv[1] children (default 30), each allocating, touching and freeing one block of argv[2] bytes (default 1 MiB). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 30;
	size_t bytes = argc > 2 ? (size_t)atoll(argv[2]) : (size_t)1 << 20;
	printf("%d\n", (int)getpid());
	fflush(stdout);
	for (int i = 0; i < n; i++) {
		if (fork() == 0) {
			char *p = malloc(bytes);
			if (p)
				memset(p, i + 1, bytes);
			free(p);
			_exit(0);
		}
	}
	while (wait(NULL) > 0)
		;
	return 0;
}
