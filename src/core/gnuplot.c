/* gnuplot.c - talking to gnuplot safely: inert quoting, and running it by argv with output on a
 * file descriptor. */
#include "core/gnuplot.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/launch.h"

char *gp_quote(const char *s)
{
	size_t n = 0;
	for (const char *p = s; *p; p++)
		n += *p == '\'' ? 2 : 1;
	char *out = xmalloc(n + 3), *o = out;
	*o++ = '\'';
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p < 0x20 || *p == 0x7f)
			continue; /* a raw newline would end the command */
		if (*p == '\'')
			*o++ = '\'';
		*o++ = (char)*p;
	}
	*o++ = '\'';
	*o = '\0';
	return out;
}

int gp_run(const char *script, int out_fd, struct err *e)
{
	char *exe = launch_find_program("gnuplot");
	if (!exe)
		return err_set(
		    e, "gnuplot not found on PATH; install it with 'apt-get install gnuplot-nox'");
	char errpath[] = "/tmp/mprof-gnuplot-err-XXXXXX";
	int errfd = mkostemp(errpath, O_CLOEXEC);
	if (errfd < 0) {
		err_sys(e, errno, "cannot create a temporary file");
		free(exe);
		return -1;
	}
	unlink(errpath);
	pid_t pid = fork();
	if (pid < 0) {
		int saved = errno;
		free(exe);
		close(errfd);
		return err_sys(e, saved, "cannot fork");
	}
	if (pid == 0) {
		int devnull = open("/dev/null", O_RDONLY);
		if (devnull >= 0)
			dup2(devnull, 0);
		dup2(out_fd, 1);
		dup2(errfd, 2);
		char *argv[] = {exe, (char *)"-d", (char *)script, NULL};
		execv(exe, argv);
		_exit(127);
	}
	free(exe);
	int st;
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	int rc = 0;
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		char buf[512] = "";
		ssize_t n = pread(errfd, buf, sizeof(buf) - 1, 0);
		buf[n > 0 ? n : 0] = '\0';
		/* gnuplot's message is its last non-empty line. */
		char *line = NULL;
		for (char *tok = strtok(buf, "\n"); tok; tok = strtok(NULL, "\n"))
			if (strspn(tok, " ^") != strlen(tok))
				line = tok;
		rc = err_set(e, "gnuplot failed: %s",
			     line ? line + strspn(line, " \"") : "no message");
	}
	close(errfd);
	return rc;
}
