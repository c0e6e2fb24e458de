/* robust.c - things programs do that hooks must survive: fork, exec, spawn, vfork, signals that allocate, closing every fd, unsetting LD_PRELOAD, _exit, abort. */
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static volatile long handler_allocs;

static void on_alarm(int sig)
{
	(void)sig;
	void *p = malloc(64); /* malloc in a handler: not safe by the book, common in practice */
	free(p);
	void *m = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m != MAP_FAILED)
		munmap(m, 8192);
	handler_allocs++;
}

static int child_status(pid_t pid)
{
	int st;
	while (waitpid(pid, &st, 0) < 0)
		;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";
	if (!strcmp(mode, "fork")) {
		char *keep = malloc(10 << 20);
		memset(keep, 1, 10 << 20);
		pid_t pid = fork();
		if (pid == 0) {
			char *p = malloc(20 << 20);
			memset(p, 2, 20 << 20);
			usleep(300000); /* long enough to be sampled */
			free(keep);
			free(p);
			printf("child done\n");
			return 7;
		}
		printf("child said %d\n", child_status(pid));
		free(keep);
		return 0;
	}
	if (!strcmp(mode, "forkexec")) {
		fflush(stdout);
		pid_t pid = fork();
		if (pid == 0) {
			execlp("sh", "sh", "-c", "echo from exec; exit 3", (char *)NULL);
			_exit(127);
		}
		printf("exec said %d\n", child_status(pid));
		return 0;
	}
	if (!strcmp(mode, "spawn")) {
		pid_t pid;
		char *args[] = {"echo", "spawned", NULL};
		fflush(stdout);
		if (posix_spawnp(&pid, "echo", NULL, NULL, args, environ))
			return 1;
		printf("spawn said %d\n", child_status(pid));
		return 0;
	}
	if (!strcmp(mode, "vfork")) {
		fflush(stdout);
		pid_t pid = vfork();
		if (pid == 0) {
			execlp("echo", "echo", "vforked", (char *)NULL);
			_exit(127);
		}
		printf("vfork said %d\n", child_status(pid));
		return 0;
	}
	if (!strcmp(mode, "signals")) {
		struct sigaction sa;
		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = on_alarm;
		sigaction(SIGALRM, &sa, NULL);
		struct itimerval it = {{0, 200}, {0, 200}};
		setitimer(ITIMER_REAL, &it, NULL);
		/* The handler may interrupt mprof's hooks anywhere (the mmap tracking here);
		 * glibc's malloc itself is not reentrant, so the signal is held off only
		 * while the real malloc and free run, as a careful program would. */
		sigset_t alarm_set;
		sigemptyset(&alarm_set);
		sigaddset(&alarm_set, SIGALRM);
		for (long i = 0; i < 200000; i++) {
			void *m = mmap(NULL, 4096 * (1 + (i & 7)), PROT_READ | PROT_WRITE,
				       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
			sigprocmask(SIG_BLOCK, &alarm_set, NULL);
			void *volatile p = malloc(32 + (i & 63));
			free(p);
			sigprocmask(SIG_UNBLOCK, &alarm_set, NULL);
			if (m != MAP_FAILED)
				munmap(m, 4096 * (1 + (i & 7)));
		}
		it.it_value.tv_usec = it.it_interval.tv_usec = 0;
		setitimer(ITIMER_REAL, &it, NULL);
		printf("signals ok %s\n", handler_allocs > 0 ? "with handler allocations" : "without");
		return 0;
	}
	if (!strcmp(mode, "closefds")) {
		struct rlimit rl;
		getrlimit(RLIMIT_NOFILE, &rl);
		for (int fd = 0; fd < (int)rl.rlim_cur && fd < 65536; fd++)
			close(fd);
		/* Files opened now must get the lowest numbers: nothing of mprof's may hold them. */
		int a = open("/dev/null", O_RDONLY);
		int b = open("/dev/null", O_WRONLY);
		void *p = malloc(1 << 20);
		free(p);
		int c = open("/dev/null", O_WRONLY);
		return (a == 0 && b == 1 && c == 2) ? 0 : 10 + a + b + c;
	}
	if (!strcmp(mode, "lowfd")) {
		/* After allocating, the next file still gets the lowest free number. */
		free(malloc(100));
		int fd = open("/dev/null", O_RDONLY);
		int fd2 = open("/dev/null", O_RDONLY);
		printf("fds %d %d\n", fd, fd2);
		return 0;
	}
	if (!strcmp(mode, "unsetenv")) {
		unsetenv("LD_PRELOAD");
		fflush(stdout);
		execlp("sh", "sh", "-c", "echo no preload: ${LD_PRELOAD:-none}", (char *)NULL);
		return 127;
	}
	if (!strcmp(mode, "_exit")) {
		printf("buffered, never flushed");
		_exit(5);
	}
	if (!strcmp(mode, "abort")) {
		signal(SIGABRT, SIG_DFL);
		abort();
	}
	fprintf(stderr, "usage: robust fork|forkexec|spawn|vfork|signals|closefds|lowfd|unsetenv|_exit|abort\n");
	return 2;
}
