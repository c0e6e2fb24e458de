/* slotfill.c - more processes at once than the channel has slots: prints its pid, forks argv[1] children (default 530) that wait until all are forked, then each allocates 64 KiB in child_block() and exits. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static __attribute__((noinline)) void child_block(void)
{
	char *p = malloc(64 << 10);
	memset(p, 1, 64 << 10);
	free(p);
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 530;
	int go[2];
	if (pipe(go))
		return 1;
	printf("%d\n", (int)getpid());
	fflush(stdout);
	for (int i = 0; i < n; i++) {
		pid_t pid = fork();
		if (pid < 0)
			break;
		if (pid == 0) {
			char c;
			close(go[1]);
			if (read(go[0], &c, 1) < 0) /* end of file: every child is forked */
				_exit(1);
			child_block();
			_exit(0);
		}
	}
	close(go[1]);
	while (wait(NULL) > 0)
		;
	return 0;
}
