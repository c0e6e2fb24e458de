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

/* Length of the valid UTF-8 sequence at p (1 to 4), or 0 when p does not start one
 * (overlong forms, surrogates and code points above U+10FFFF are not valid). */
static size_t utf8_len(const unsigned char *p)
{
	if (p[0] < 0x80)
		return 1;
	size_t n = p[0] >= 0xc2 && p[0] <= 0xdf	  ? 2
		   : p[0] >= 0xe0 && p[0] <= 0xef ? 3
		   : p[0] >= 0xf0 && p[0] <= 0xf4 ? 4
						  : 0;
	for (size_t i = 1; i < n; i++)
		if ((p[i] & 0xc0) != 0x80)
			return 0;
	if ((p[0] == 0xe0 && p[1] < 0xa0) || (p[0] == 0xed && p[1] > 0x9f) ||
	    (p[0] == 0xf0 && p[1] < 0x90) || (p[0] == 0xf4 && p[1] > 0x8f))
		return 0;
	return n;
}

/* gnuplot 5.4's scanner takes a doubled quote into a single-quoted string only when
 * the character just before it in that string is not a quote: '''a' and 'a''''b' are
 * syntax errors. Its macro expander counts every quote on the line, even one inside
 * double quotes, so "'" would expose what follows to @macros. A quote is therefore
 * doubled where the scanner takes it, and otherwise written as sprintf('%c',39)
 * concatenated between single-quoted pieces: the line holds single quotes only, in
 * pairs. */
#define GP_QUOTE_CHAR "sprintf('%c',39)"

char *gp_quote(const char *s)
{
	size_t cap = 3;
	for (const char *p = s; *p; p++)
		cap += *p == '\'' ? sizeof(GP_QUOTE_CHAR) + 4 : 1;
	char *out = xmalloc(cap), *o = out;
	int open = 0;	    /* inside a single-quoted piece */
	int after_char = 0; /* that piece's last character is not a quote */
	for (const unsigned char *p = (const unsigned char *)s; *p;) {
		if (*p < 0x20 || *p == 0x7f) {
			p++; /* a raw newline would end the command; the others draw nothing */
			continue;
		}
		if (*p == '\'' && !after_char) {
			if (open)
				*o++ = '\'';
			if (o != out)
				*o++ = '.';
			o = stpcpy(o, GP_QUOTE_CHAR);
			open = 0;
			p++;
			continue;
		}
		if (!open) {
			if (o != out)
				*o++ = '.';
			*o++ = '\'';
			open = 1;
		}
		size_t n = utf8_len(p);
		if (*p == '\'') {
			o = stpcpy(o, "''");
			after_char = 0;
			p++;
			continue;
		}
		if (n) {
			memcpy(o, p, n);
			o += n;
			p += n;
		} else {
			*o++ = '?'; /* not UTF-8: the terminals would drop the whole text */
			p++;
		}
		after_char = 1;
	}
	if (open)
		*o++ = '\'';
	else if (o == out)
		o = stpcpy(o, "''");
	*o = '\0';
	return out;
}

int gp_run(const char *script, int out_fd, struct err *e)
{
	char *exe = launch_find_program("gnuplot");
	if (!exe)
		return err_set(
		    e, "gnuplot not found on PATH; install it with 'apt-get install gnuplot-nox'");
	char *errpath = tmp_template("mprof-gnuplot-err");
	int errfd = mkostemp(errpath, O_CLOEXEC);
	if (errfd < 0) {
		err_sys(e, errno, "cannot create a temporary file in '%s'", errpath);
		free(errpath);
		free(exe);
		return -1;
	}
	unlink(errpath);
	free(errpath);
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
