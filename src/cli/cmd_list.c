/* cmd_list.c - 'mprof list': the recordings in the current directory, with their index, date and
 * command. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <fcntl.h>

#include "cli/cmds.h"
#include "cli/opts.h"
#include "core/dat.h"

static const char help[] =
    "usage: mprof list\n"
    "\n"
    "Lists the recordings (mprof_*.dat, mprofile_*.dat) in the current directory,\n"
    "oldest first: index, file, time and date, command line. Index 0 is the oldest\n"
    "and -1 the newest, for the commands that take FILE|INDEX.\n";

static const struct opt opts[] = {OPT_HELP(1), {0}};

/* The CMDLINE of a recording, from its first line; "" when it has none. */
static void first_cmdline(const char *path, char *buf, size_t cap)
{
	buf[0] = '\0';
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	ssize_t n = read(fd, buf, cap - 1);
	close(fd);
	if (n <= 0) {
		buf[0] = '\0';
		return;
	}
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	size_t k = strlen(dat_kinds[DAT_CMDLINE].name);
	if (strncmp(buf, dat_kinds[DAT_CMDLINE].name, k) == 0 && buf[k] == ' ')
		memmove(buf, buf + k + 1, strlen(buf + k + 1) + 1);
	else
		buf[0] = '\0';
}

int cmd_list(int argc, char **argv)
{
	struct opt_state st;
	opt_init(&st, argc, argv, "list", 0);
	int id;
	while ((id = opt_next(&st, opts)) != OPT_END) {
		if (id == 1) {
			print_help(help, opts, NULL);
			return EXIT_OK;
		}
		if (id == OPT_POSITIONAL)
			report("list: takes no argument, got '%s'", st.arg);
		return EXIT_USAGE;
	}
	char **names;
	int n;
	struct err e;
	if (profiles_list(".", &names, &n, &e)) {
		report("%s", e.msg);
		return EXIT_FAIL;
	}
	for (int i = 0; i < n; i++) {
		struct stat sb;
		char when[32] = "?", cmd[4096];
		if (stat(names[i], &sb) == 0) {
			struct tm tm;
			localtime_r(&sb.st_mtime, &tm);
			strftime(when, sizeof(when), "%H:%M:%S %d/%m/%Y", &tm);
		}
		first_cmdline(names[i], cmd, sizeof(cmd));
		printf("%d %s %s %s\n", i, names[i], when, cmd);
	}
	profiles_free_paths(names, n);
	return EXIT_OK;
}
