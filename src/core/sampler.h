/* sampler.h - the recording loop: samples RSS (and its true interval maximum), heap counters and
 * brackets into a .dat. */
#ifndef MPROF_SAMPLER_H
#define MPROF_SAMPLER_H

#include <signal.h>
#include <stdint.h>
#include <sys/types.h>

#include "core/chanread.h"
#include "core/dat.h"
#include "core/proc.h"

struct sampler_tick {
	double elapsed;	 /* seconds since the first sample */
	double mib;	 /* the latest sample */
	double peak_mib; /* the true peak so far */
	double heap_mib; /* heap in use, < 0 without hooks */
};

struct sampler_config {
	int64_t interval_ns;
	int64_t timeout_ns;   /* 0: none */
	int include_children; /* -C: MEM is the whole tree */
	int multiprocess;     /* -M: one CHLD series per descendant */
	enum proc_backend backend;
	int own_child; /* pid is our child: reap it with wait4 */
	/* Leave the processes' peak-RSS marks alone (attach without --true-peak): other
	 * tools read VmHWM too. No MAXRSS then, samples only. */
	int keep_hwm;
	/* Set from a signal handler to stop watching (attach) - may be NULL. */
	volatile sig_atomic_t *stop;
	/* --func globs: -finstrument-functions calls are kept only when their name
	 * matches one (none given: every call long enough to be sent). */
	char **func_patterns;
	int nfunc_patterns;
	/* Called after every sample (may be NULL); must not block. */
	void (*on_tick)(void *ctx, const struct sampler_tick *t);
	void *ctx;
};

struct sampler_result {
	int exited;	 /* the program ended while watched */
	int wait_status; /* its wait status, when own_child and exited */
	int timed_out;
	double t_start, t_end;
	double peak_mib;      /* true peak RSS of MEM */
	double heap_peak_mib; /* < 0 without hook data */
	double heap_end_mib;  /* heap in use at the end, < 0 without hook data */
	int64_t samples;      /* MEM lines written */
	int64_t missed;	      /* deadlines skipped because a sample overran */
	int hwm;	      /* the kernel's interval maxima were available */
	int hooked;	      /* the main process registered in the channel */
	uint64_t events_dropped;
	uint32_t procs_lost;   /* processes the channel had no slot for: not hooked */
	uint32_t notes;	       /* enum mprof_proc_note bits some hooked process set */
	uint32_t left_running; /* hooked processes still running when the program ended */
};

/* Records pid into w until it exits, the timeout passes (then, for our own child,
 * it is sent SIGTERM and awaited) or *cfg->stop is set. ch may be NULL. Returns 0,
 * or -1 with e filled when the process cannot be watched at all. */
int sampler_run(const struct sampler_config *cfg, pid_t pid, struct dat_writer *w, struct chan *ch,
		struct sampler_result *res, struct err *e);

/* The shell-style status for a wait status: the exit code, or 128+N for signal N. */
int sampler_exit_code(int wait_status);

#endif
