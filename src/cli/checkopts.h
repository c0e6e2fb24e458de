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
};

/* Rows for a struct opt table, in three parts so that a command offers only what applies
 * to it: limits on what every recording holds, limits that need hook data (not for
 * 'attach'), and the baseline. --func and --json are left to the command: run uses --func
 * for brackets. */
#define CHECKOPTS_LIMITS_TABLE                                                                     \
	OPT_VALUE(0, "max-peak", CO_MAX_PEAK, "SIZE", "the true peak RSS"),                        \
	    OPT_VALUE(0, "max-duration", CO_MAX_DURATION, "SECONDS", "the run's length")

#define CHECKOPTS_HEAP_TABLE                                                                       \
	OPT_VALUE(0, "max-heap", CO_MAX_HEAP, "SIZE", "the peak heap in use (needs hook data)"),   \
	    OPT_VALUE(0, "max-leak", CO_MAX_LEAK, "SIZE",                                          \
		      "the heap still allocated at exit (needs hook data)")

#define CHECKOPTS_BASELINE_TABLE                                                                   \
	OPT_VALUE(0, "baseline", CO_BASELINE, "FILE",                                              \
		  "a recording or an 'mprof summary --json' file; fails when peak RSS, peak "      \
		  "heap, leak or duration grew more than the tolerance, and prints a "             \
		  "side-by-side table"),                                                           \
	    OPT_VALUE(0, "tolerance", CO_TOLERANCE, "PCT",                                         \
		      "allowed growth over the baseline in percent (default 10)")

struct check_opts {
	struct check_limit *limits;
	size_t nlimits;
	const char *func; /* the function that following --max-peak options are about */
	const char *baseline;
	double tolerance; /* percent */
	int tolerance_set;
	int func_unused; /* a --func that no --max-peak followed yet */
	int json;
};

void checkopts_init(struct check_opts *o);
void checkopts_release(struct check_opts *o);

/* Applies option id with its argument. 0 done, 1 not a check option, -1 after
 * printing a usage error. */
int checkopts_apply(struct check_opts *o, int id, const char *arg);

/* Refuses what parsing alone cannot see: --tolerance without --baseline, --func
 * without a --max-peak after it. Returns 0, or -1 after printing a usage error. */
int checkopts_finish(const struct check_opts *o);

/* Whether any check was asked for. */
int checkopts_any(const struct check_opts *o);

/* Checks the recording at path and prints the verdict (violations on stderr, the
 * baseline table on stdout, or JSON on stdout). Returns 0 when every check passed,
 * 1 when one failed or the checks could not be made. */
int checkopts_run(const struct check_opts *o, const char *path);

#endif
