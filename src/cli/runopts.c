/* runopts.c - the recording options that 'mprof run' and 'mprof attach' share. */
#include "cli/runopts.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cmds.h"
#include "core/units.h"

void runopts_init(struct record_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->cfg.interval_ns = 100000000; /* 0.1 s, as the original */
	o->cfg.backend = PROC_RSS;
	o->stacks.sample_bytes = 512 * 1024; /* as jemalloc and tcmalloc */
}

void runopts_release(struct record_opts *o)
{
	free(o->func_patterns);
	o->func_patterns = NULL;
}

/* The bounds of -T and -t, in seconds: a sampler tick cannot be shorter than 10 us,
 * and a million seconds (11.6 days) keeps every deadline far from overflowing. */
#define SECONDS_MIN 0.00001
#define SECONDS_MAX 1000000.0

static int seconds(const struct opt_state *st, const char *opt, int64_t *ns)
{
	double s;
	if (units_parse_seconds(st->arg, &s) || !(s >= SECONDS_MIN && s <= SECONDS_MAX)) {
		report("%s: expected seconds from %.5f to %.0f, got '%s'", opt, SECONDS_MIN,
		       SECONDS_MAX, st->arg);
		return -1;
	}
	*ns = (int64_t)llround(s * 1e9);
	return 0;
}

int runopts_hooked(int id)
{
	return id == RO_PYTHON || id == RO_NOPYTHON || id == RO_FUNC || id == RO_STACKS ||
	       id == RO_SAMPLE_BYTES;
}

int runopts_apply(struct record_opts *o, int id, const struct opt_state *st)
{
	switch (id) {
	case RO_INTERVAL:
		return seconds(st, "--interval", &o->cfg.interval_ns);
	case RO_TIMEOUT:
		return seconds(st, "--timeout", &o->cfg.timeout_ns);
	case RO_OUTPUT:
		o->output = st->arg;
		return 0;
	case RO_CHILDREN:
		o->cfg.include_children = 1;
		return 0;
	case RO_MULTI:
		o->cfg.multiprocess = 1;
		return 0;
	case RO_EXITCODE: /* the status always passes through */
		return 0;
	case RO_BACKEND:
		if (proc_backend_parse(st->arg, &o->cfg.backend)) {
			report("--backend: expected rss, pss or uss, got '%s'", st->arg);
			return -1;
		}
		return 0;
	case RO_QUIET:
		o->quiet = 1;
		return 0;
	case RO_PYTHON:
		o->python = 1;
		return 0;
	case RO_NOPYTHON:
		o->python = -1;
		return 0;
	case RO_STACKS:
		if (!st->arg || !strcmp(st->arg, "sample")) {
			o->stacks.mode = MPROF_STK_SAMPLE;
		} else if (!strcmp(st->arg, "all")) {
			o->stacks.mode = MPROF_STK_ALL;
		} else {
			report("--stacks: expected 'sample' or 'all', got '%s'", st->arg);
			return -1;
		}
		return 0;
	case RO_SAMPLE_BYTES: {
		uint64_t b = 0;
		char *end;
		unsigned long long plain = strtoull(st->arg, &end, 10);
		if (end != st->arg && !*end && st->arg[0] != '-')
			b = plain; /* a plain number is bytes here */
		else if (units_parse_size(st->arg, &b))
			b = 0;
		if (b < 1 || b > (1ULL << 40)) {
			report("--sample-bytes: expected a size from 1 byte to 1T, got '%s'",
			       st->arg);
			return -1;
		}
		o->stacks.sample_bytes = b;
		return 0;
	}
	case RO_TRUE_PEAK:
		o->true_peak = 1;
		return 0;
	case RO_FUNC:
		o->func_patterns =
		    xrealloc(o->func_patterns, (size_t)(o->nfunc_patterns + 1) * sizeof(char *));
		o->func_patterns[o->nfunc_patterns++] = (char *)st->arg;
		return 0;
	}
	return 1;
}
