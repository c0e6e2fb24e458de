/* checkopts.h - the limit and baseline options that 'mprof check' and 'mprof run' share, and the
 * verdict they print. */
#ifndef MPROF_CHECKOPTS_H
#define MPROF_CHECKOPTS_H

#include <stddef.h>

#include "core/summary.h"

enum {
	CO_MAX_PEAK = 2000,
	CO_MAX_HEAP,
	CO_MAX_LEAK,
	CO_MAX_DURATION,
	CO_FUNC,
	CO_BASELINE,
	CO_TOLERANCE,
	CO_JSON,
	CO_MAX_LOST,
};

/* Rows for a struct opt table. --func is left to the command: run uses it for brackets. */
#define CHECKOPTS_TABLE                                                                            \
	{"max-peak", 0, OPT_REQUIRED, CO_MAX_PEAK}, {"max-heap", 0, OPT_REQUIRED, CO_MAX_HEAP},    \
	    {"max-leak", 0, OPT_REQUIRED, CO_MAX_LEAK},                                            \
	    {"max-duration", 0, OPT_REQUIRED, CO_MAX_DURATION},                                    \
	    {"max-lost", 0, OPT_REQUIRED, CO_MAX_LOST},                                            \
	    {"baseline", 0, OPT_REQUIRED, CO_BASELINE},                                            \
	{                                                                                          \
		"tolerance", 0, OPT_REQUIRED, CO_TOLERANCE                                         \
	}

struct check_opts {
	struct check_limit *limits;
	size_t nlimits;
	const char *func; /* the function that following --max-peak options are about */
	const char *baseline;
	double tolerance; /* percent */
	int json;
};

void checkopts_init(struct check_opts *o);
void checkopts_release(struct check_opts *o);

/* Applies option id with its argument. 0 done, 1 not a check option, -1 after
 * printing a usage error. */
int checkopts_apply(struct check_opts *o, int id, const char *arg);

/* Whether any check was asked for. */
int checkopts_any(const struct check_opts *o);

/* Checks the recording at path and prints the verdict (violations on stderr, the
 * baseline table on stdout, or JSON on stdout). Returns 0 when every check passed,
 * 1 when one failed or the checks could not be made. */
int checkopts_run(const struct check_opts *o, const char *path);

#endif
