/* opts.h - a small getopt_long-like parser that also takes unique prefixes of long options, as
 * argparse does. */
#ifndef MPROF_OPTS_H
#define MPROF_OPTS_H

enum { OPT_END = -1, OPT_ERROR = -2, OPT_POSITIONAL = -3 };

enum opt_arg { OPT_NONE, OPT_REQUIRED, OPT_OPTIONAL };

struct opt {
	const char *long_name; /* without "--" */
	char short_name;       /* 0 for none */
	enum opt_arg arg;
	int id;
};

struct opt_state {
	int argc;
	char **argv;
	int i;			/* next argv index */
	int stop_at_positional; /* 1: the first positional ends parsing (run) */
	const char *cmd;	/* for messages */
	char *shorts;		/* pending bundled short options */
	const char *arg;	/* the current option's argument, or positional */
};

/* Starts parsing argv[1..]. */
void opt_init(struct opt_state *st, int argc, char **argv, const char *cmd, int stop_at_positional);

/* Returns the next option's id; OPT_POSITIONAL with st->arg (only when not
 * stop_at_positional); OPT_END when done (st->i indexes the first unparsed word);
 * OPT_ERROR after printing a one-line message. */
int opt_next(struct opt_state *st, const struct opt *opts);

#endif
