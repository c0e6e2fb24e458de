/* record.h - one recording session, shared by 'mprof run' and 'mprof attach'. */
#ifndef MPROF_RECORD_H
#define MPROF_RECORD_H

#include "core/sampler.h"

struct record_opts {
	struct sampler_config cfg;
	const char *output; /* NULL: mprof_<stamp>.dat in the current directory */
	int quiet;
	int python;	      /* 1 force, 0 auto, -1 never */
	char **func_patterns; /* --func globs */
	int nfunc_patterns;
	struct chan_stacks stacks; /* --stacks, --sample-bytes */
	int true_peak;		   /* attach: reset the process's VmHWM at each sample */
};

/* What a finished session measured, for checks that follow it. */
struct record_outcome {
	char *path; /* the recording written (malloc'd), NULL if none */
	struct sampler_result res;
};

/* Runs argv under the hooks and records it. Returns mprof run's exit status: the
 * program's own, 128+N, 127 when it cannot be executed, 1 on mprof's own failure. */
int record_run(struct record_opts *o, char **argv, struct record_outcome *out);

/* Records the running process pid until it exits, the timeout, or a signal.
 * Returns 0, or 1 on failure. */
int record_attach(struct record_opts *o, pid_t pid, struct record_outcome *out);

#endif
