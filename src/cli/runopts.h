/* runopts.h - the recording options that 'mprof run' and 'mprof attach' share. */
#ifndef MPROF_RUNOPTS_H
#define MPROF_RUNOPTS_H

#include "cli/opts.h"
#include "cli/record.h"

enum {
	RO_INTERVAL = 1000,
	RO_OUTPUT,
	RO_TIMEOUT,
	RO_CHILDREN,
	RO_MULTI,
	RO_EXITCODE,
	RO_BACKEND,
	RO_QUIET,
	RO_PYTHON,
	RO_NOPYTHON,
	RO_FUNC,
	RO_HELP,
	RO_ATTACH,
	RO_STACKS,
	RO_SAMPLE_BYTES,
	RO_TRUE_PEAK,
};

/* Rows for a struct opt table: what every recording takes ('mprof run' and 'mprof attach'). */
#define RUNOPTS_TABLE                                                                              \
	OPT_VALUE('T', "interval", RO_INTERVAL, "SECONDS",                                         \
		  "time between samples, from 0.00001 to 1000000 (default 0.1)"),                  \
	    OPT_VALUE('o', "output", RO_OUTPUT, "FILE",                                            \
		      "write the recording to FILE (never overwritten; default "                   \
		      "mprof_<YYYYMMDDhhmmss>.dat)"),                                              \
	    OPT_VALUE('t', "timeout", RO_TIMEOUT, "SECONDS",                                       \
		      "stop recording after SECONDS (a program that mprof started gets "           \
		      "SIGTERM)"),                                                                 \
	    OPT_FLAG('C', "include-children", RO_CHILDREN,                                         \
		     "MEM is the whole process tree summed"),                                      \
	    OPT_FLAG('M', "multiprocess", RO_MULTI, "one CHLD series per descendant process"),     \
	    OPT_VALUE(0, "backend", RO_BACKEND, "KIND",                                            \
		      "rss (default), pss or uss (psutil, psutil_pss, psutil_uss are accepted "    \
		      "too)"),                                                                     \
	    OPT_FLAG('q', "quiet", RO_QUIET, "no status line and no summary on stderr")

/* Rows that only 'mprof run' takes; runopts_hooked() says which of them need a program
 * started under the hooks (so 'run --attach' refuses them; -E stays accepted there, as
 * in the original). */
#define RUNOPTS_HOOKED_TABLE                                                                       \
	OPT_FLAG('E', "exit-code", RO_EXITCODE,                                                    \
		 "accepted for compatibility; the program's status always passes through"),        \
	    OPT_FLAG(0, "python", RO_PYTHON,                                                       \
		     "a Python program with @profile: also MODULE (python3 -m)"),                  \
	    OPT_FLAG(0, "nopython", RO_NOPYTHON, "never treat the program as a Python script"),    \
	    OPT_VALUE(0, "func", RO_FUNC, "GLOB",                                                  \
		      "keep brackets of -finstrument-functions calls whose name matches GLOB "     \
		      "(repeatable)"),                                                             \
	    OPT_OPTVALUE(0, "stacks", RO_STACKS, "sample|all",                                     \
			 "record where allocations come from: sampled by bytes (default), or "     \
			 "every allocation (exact, slower); see 'mprof report'"),                  \
	    OPT_VALUE(0, "sample-bytes", RO_SAMPLE_BYTES, "SIZE",                                  \
		      "with --stacks=sample, one stack per SIZE allocated bytes on average "       \
		      "(default 512K; a plain number is bytes)")

/* The row of a running process only ('attach', 'run --attach'): a program mprof
 * starts always has its peak-RSS mark reset. */
#define RUNOPTS_ATTACH_TABLE                                                                       \
	OPT_FLAG(                                                                                  \
	    0, "true-peak", RO_TRUE_PEAK,                                                          \
	    "reset the process's VmHWM at each sample (true peaks; others reading it see the "     \
	    "resets)")

/* Whether option id only applies to a program started under the hooks, so not to a
 * running process ('attach', 'run --attach'). Cannot fail. */
int runopts_hooked(int id);

/* Applies option id (with st->arg) to o. Returns 0, 1 when id is not a recording
 * option, or -1 after printing a usage error. */
int runopts_apply(struct record_opts *o, int id, const struct opt_state *st);

/* Fills o with the defaults of the original mprof run. */
void runopts_init(struct record_opts *o);

void runopts_release(struct record_opts *o);

#endif
