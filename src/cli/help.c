/* help.c - the --help pages: the hand-written head, the options list generated from the table the
 * parser reads, and where the installed documentation is. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cmds.h"
#include "cli/opts.h"

int help_docdir(char *buf, size_t n)
{
	char exe[PATH_MAX];
	ssize_t len = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (len <= 0)
		return -1;
	exe[len] = '\0';
	char *slash = strrchr(exe, '/');
	if (!slash)
		return -1;
	*slash = '\0';
	/* Installed: <prefix>/bin/mprof and <prefix>/share/doc/mprof; built: build/mprof
	 * and docs/ beside build/. */
	const char *rel[] = {"/../share/doc/mprof", "/../docs"};
	for (size_t i = 0; i < sizeof(rel) / sizeof(rel[0]); i++) {
		char cand[PATH_MAX + 32], probe[PATH_MAX + 64];
		snprintf(cand, sizeof(cand), "%s%s", exe, rel[i]);
		snprintf(probe, sizeof(probe), "%s/json.md", cand);
		if (access(probe, R_OK) == 0 && realpath(cand, exe)) {
			if ((size_t)snprintf(buf, n, "%s", exe) >= n)
				return -1;
			return 0;
		}
	}
	return -1;
}

void print_help(const char *head, const struct opt *opts, const char *tail)
{
	char dir[PATH_MAX];
	opt_print_help(stdout, head, opts, tail);
	if (help_docdir(dir, sizeof(dir)) == 0)
		printf("\nSee mprof(1), and %s/ for the formats (format.md, json.md).\n", dir);
	else
		printf("\nSee mprof(1).\n");
}
