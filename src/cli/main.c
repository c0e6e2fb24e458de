/* main.c - the mprof command: a sorted table of subcommands, and the helpers they share. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cmds.h"

struct command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
};

static const struct command commands[] = {
    {"attach", cmd_attach, "record a running process until it exits"},
    {"check", cmd_check, "fail when a recording breaks a memory limit or regresses"},
    {"clean", cmd_clean, "remove every recording in the current directory"},
    {"help", cmd_help, "show help for mprof or one of its commands"},
    {"list", cmd_list, "list the recordings in the current directory"},
    {"peak", cmd_peak, "print the true peak memory of recordings"},
    {"plot", cmd_plot, "draw recordings through gnuplot (PNG, SVG, PDF or ASCII)"},
    {"report", cmd_report, "where the memory comes from: allocation sites, leaks, call tree"},
    {"rm", cmd_rm, "remove recordings by file name or index"},
    {"run", cmd_run, "run a program and record its memory over time"},
    {"summary", cmd_summary, "the numbers of a recording, as text or JSON"},
};

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

void report(const char *fmt, ...)
{
	va_list ap;
	fputs("mprof: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* Prints a warning from core/ once: a command that reads a recording twice (plot,
 * check) would otherwise say the same thing twice. */
static void warn_once(const char *msg)
{
	static char *said[16];
	static size_t nsaid;
	for (size_t i = 0; i < nsaid; i++)
		if (!strcmp(said[i], msg))
			return;
	if (nsaid < sizeof(said) / sizeof(said[0]))
		said[nsaid++] = xstrdup(msg);
	fprintf(stderr, "mprof: warning: %s\n", msg);
}

static void usage(FILE *out)
{
	fprintf(out, "usage: mprof <command> [options] [args]\n\ncommands:\n");
	for (size_t i = 0; i < NCOMMANDS; i++)
		fprintf(out, "  %-9s %s\n", commands[i].name, commands[i].summary);
	fprintf(out, "\n'mprof <command> --help' describes a command. See also mprof(1).\n");
}

int resolve_recordings(char **args, int nargs, char ***paths, int *npaths)
{
	struct err e;
	if (profiles_resolve(".", args, nargs, paths, npaths, &e)) {
		report("%s", e.msg);
		return -1;
	}
	return 0;
}

static const struct command *find(const char *name)
{
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

int cmd_help(int argc, char **argv)
{
	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		usage(stdout);
		return EXIT_OK;
	}
	const struct command *c = find(argv[1]);
	if (!c) {
		report("'%s' is not a command; see 'mprof help'", argv[1]);
		return EXIT_USAGE;
	}
	char *args[] = {argv[1], (char *)"--help", NULL};
	return c->fn(2, args);
}

/* A closed standard descriptor would be taken by the next file opened (a recording,
 * the channel), and then receive what was meant for the terminal. Hold its place with
 * a descriptor that refuses writes, as a closed one does, and that the program run
 * under mprof does not inherit (close-on-exec): it finds it closed, as it would bare. */
static void hold_std_fds(void)
{
	for (int fd = 0; fd <= 2; fd++) {
		if (fcntl(fd, F_GETFD) >= 0 || errno != EBADF)
			continue;
		int h = open("/dev/null", O_RDONLY | O_CLOEXEC);
		if (h >= 0 && h != fd) {
			dup3(h, fd, O_CLOEXEC);
			close(h);
		}
	}
}

/* Checks the output once, at exit (coreutils' close_stdout): a command whose output
 * could not be written (full disk, closed pipe or descriptor) fails, and says so. */
static int close_stdout(int rc)
{
	int failed = ferror(stdout);
	errno = 0;
	if (fclose(stdout) != 0)
		failed = 1;
	else if (failed)
		errno = 0; /* the earlier failure's cause is gone */
	if (!failed)
		return rc;
	if (errno)
		report("cannot write to standard output: %s", strerror(errno));
	else
		report("cannot write to standard output");
	return rc == EXIT_OK ? EXIT_FAIL : rc;
}

static int run(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	const char *name = argv[1];
	if (!strcmp(name, "--help") || !strcmp(name, "-h")) {
		usage(stdout);
		return EXIT_OK;
	}
	if (!strcmp(name, "--version") || !strcmp(name, "-V")) {
		printf("mprof %s\n", MPROF_VERSION);
		return EXIT_OK;
	}
	core_warn_hook = warn_once;
	const struct command *c = find(name);
	if (!c) {
		report("'%s' is not a command; see 'mprof help'", name);
		usage(stderr);
		return EXIT_USAGE;
	}
	return c->fn(argc - 1, argv + 1);
}

int main(int argc, char **argv)
{
	hold_std_fds();
	return close_stdout(run(argc, argv));
}
