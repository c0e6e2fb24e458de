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

#define RUNOPTS_TABLE                                                                              \
	{"interval", 'T', OPT_REQUIRED, RO_INTERVAL}, {"output", 'o', OPT_REQUIRED, RO_OUTPUT},    \
	    {"timeout", 't', OPT_REQUIRED, RO_TIMEOUT},                                            \
	    {"include-children", 'C', OPT_NONE, RO_CHILDREN},                                      \
	    {"multiprocess", 'M', OPT_NONE, RO_MULTI}, {"exit-code", 'E', OPT_NONE, RO_EXITCODE},  \
	    {"backend", 0, OPT_REQUIRED, RO_BACKEND}, {"quiet", 'q', OPT_NONE, RO_QUIET},          \
	    {"python", 0, OPT_NONE, RO_PYTHON}, {"nopython", 0, OPT_NONE, RO_NOPYTHON},            \
	    {"func", 0, OPT_REQUIRED, RO_FUNC}, {"stacks", 0, OPT_OPTIONAL, RO_STACKS},            \
	    {"sample-bytes", 0, OPT_REQUIRED, RO_SAMPLE_BYTES},                                    \
	    {"true-peak", 0, OPT_NONE, RO_TRUE_PEAK},                                              \
	{                                                                                          \
		"help", 'h', OPT_NONE, RO_HELP                                                     \
	}

/* Applies option id (with st->arg) to o. Returns 0, 1 when id is not a recording
 * option, or -1 after printing a usage error. */
int runopts_apply(struct record_opts *o, int id, const struct opt_state *st);

/* Fills o with the defaults of the original mprof run. */
void runopts_init(struct record_opts *o);

void runopts_release(struct record_opts *o);

#endif
