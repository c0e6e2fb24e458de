/* opts.h - a small getopt_long-like parser that also takes unique prefixes of long options, as
 * argparse does, and prints the options list of --help from the same table. */
#ifndef MPROF_OPTS_H
#define MPROF_OPTS_H

#include <stdio.h>

enum { OPT_END = -1, OPT_ERROR = -2, OPT_POSITIONAL = -3, OPT_GROUP_ROW = -4 };

enum opt_arg { OPT_NONE, OPT_REQUIRED, OPT_OPTIONAL };

/* One row of a command's option table: what the parser takes and what --help says
 * about it, so the two cannot drift (git's parse-options). A table ends with {0}. */
struct opt {
	const char *long_name; /* without "--" */
	char short_name;       /* 0 for none */
	enum opt_arg arg;
	int id;
	const char *argh; /* the value's name in --help ("SECONDS"), NULL for a flag */
	const char *help; /* one line of help; wrapped when printed */
};

#define OPT_FLAG(s, l, id, h)                                                                      \
	{                                                                                          \
		(l), (s), OPT_NONE, (id), NULL, (h)                                                \
	}
#define OPT_VALUE(s, l, id, argh, h)                                                               \
	{                                                                                          \
		(l), (s), OPT_REQUIRED, (id), (argh), (h)                                          \
	}
#define OPT_OPTVALUE(s, l, id, argh, h)                                                            \
	{                                                                                          \
		(l), (s), OPT_OPTIONAL, (id), (argh), (h)                                          \
	}
/* A heading in --help ("checks after the run:"); the parser skips it. */
#define OPT_GROUP(title)                                                                           \
	{                                                                                          \
		NULL, 0, OPT_NONE, OPT_GROUP_ROW, NULL, (title)                                    \
	}
#define OPT_HELP(id) OPT_FLAG('h', "help", (id), "show this help")

struct opt_state {
	int argc;
	char **argv;
	int i;			/* next argv index */
	int stop_at_positional; /* 1: the first positional ends parsing (run) */
	const char *cmd;	/* for messages */
	char *shorts;		/* pending bundled short options */
	const char *arg;	/* the current option's argument, or positional */
	const struct opt *opt;	/* the row of the option just returned */
};

/* Starts parsing argv[1..]. */
void opt_init(struct opt_state *st, int argc, char **argv, const char *cmd, int stop_at_positional);

/* Returns the next option's id; OPT_POSITIONAL with st->arg (only when not
 * stop_at_positional); OPT_END when done (st->i indexes the first unparsed word);
 * OPT_ERROR after printing a one-line message. */
int opt_next(struct opt_state *st, const struct opt *opts);

/* Prints a --help page: head (the usage line and description, hand-written), the
 * options of the table in its order, one per row with its value name and help
 * wrapped to 79 columns, then tail when not NULL. Cannot fail (output errors are
 * the stream's). */
void opt_print_help(FILE *out, const char *head, const struct opt *opts, const char *tail);

#endif
