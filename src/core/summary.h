/* summary.h - the numbers of a recording that people and dashboards want, and the checks CI runs on
 * them. */
#ifndef MPROF_SUMMARY_H
#define MPROF_SUMMARY_H

#include <cjson/cJSON.h>
#include <stddef.h>
#include <stdint.h>

#include "core/dat.h"

#define SUMMARY_JSON_VERSION 1

/* What peak and summary say of a recording whose true peak could not be measured. */
#define SUMMARY_NO_TRUE_PEAK "true peak unavailable: samples only"

/* What summary and peak say when a program's anonymous mmap is significant. */
#define SUMMARY_MMAP_SHORT "the heap counts malloc and new only"
#define SUMMARY_MMAP_NOTE                                                                          \
	SUMMARY_MMAP_SHORT "; this program also maps anonymous memory itself (a runtime's own "    \
			   "heap: JVM, V8, Go)"

struct summary_func {
	char *name;
	size_t calls;
	double total_s;
	double peak_mib; /* the largest memory measured within its calls (summary.c); NAN: none */
	double heap_retained_mib; /* mean heap at exit minus heap at entry; NAN: not recorded */
	size_t heap_calls;	  /* calls that recorded the heap at entry and exit */
};

/* The garbage collector's collections (GC lines). */
struct summary_gc {
	size_t collections;
	double total_s;	       /* time spent collecting */
	double freed_mib;      /* heap at start minus heap at stop, summed */
	size_t largest;	       /* the collection that freed most, an index of events */
	struct dat_gc *events; /* copies of the GC lines, in order */
};

/* The kinds of data a recording can say it lost ("NOTE lost <kind> <count>: ..."),
 * always listed by summary --json; a kind from a newer writer is added after them. */
#define SUMMARY_LOST_KINDS                                                                         \
	{                                                                                          \
		"brackets", "stacks", "samples", "processes", "stack_images", "symbols",           \
		    "left_tree"                                                                    \
	}
#define SUMMARY_LOST_MAX 16

struct summary_lost {
	char kind[24];
	uint64_t count;
};

struct summary {
	char *file, *cmdline;
	double start; /* epoch seconds of the first sample */
	double duration_s;
	size_t samples;
	double interval_s; /* 0 when unknown */
	char backend[16];
	int has_exit, exit_status;
	double peak_mib, peak_t_s; /* true peak, seconds from start */
	int true_peak; /* 1 measured, 0 samples only (dat_peak_is_sampled), -1 unknown */
	double peak_sampled_mib, peak_sampled_t_s;
	double final_mib;
	double slope_mib_s;
	int has_heap;
	char *heap_note; /* why there is no heap data, from a NOTE; NULL when not said */
	double heap_peak_mib,
	    heap_peak_t_s;    /* < 0 without HEAP lines (has_heap: they are the program's) */
	double heap_exit_mib; /* < 0 without an EXIT line */
	uint64_t allocs, frees;
	double mmap_peak_mib, mmap_peak_t_s; /* anonymous mmap of its own (with heap data) */
	int mmap_significant;		     /* dat_mmap_significant */
	/* Whose heap the hooks stopped seeing ("'<exe>' (process <pid>)"), NULL when
	 * the heap lines cover the whole run. */
	char *heap_ends;
	struct summary_func *funcs;
	size_t nfuncs;
	struct {
		char *id;
		double peak_mib;      /* < 0: no RSS sample of it (seen through its heap only) */
		double heap_peak_mib; /* < 0: no heap data */
	} * children;
	size_t nchildren;
	struct summary_gc gc;			    /* collections == 0: the recording has none */
	struct summary_lost lost[SUMMARY_LOST_MAX]; /* the known kinds first, then others */
	size_t nlost;
	uint64_t lost_total; /* every item of every kind */
	/* The program waited for mprof's stack reader ("NOTE held <s> s in <n> waits"):
	 * seconds summed over its threads, and the waits; 0 when it never did. */
	double held_s;
	uint64_t held_waits;
};

/* Least squares slope (per second) and intercept of a series over x = t - t0. */
void summary_trend(const struct dat_point *v, size_t n, double t0, double *slope, double *icept);

/* Adds the count of a "lost <kind> <count>: ..." NOTE text to s; other notes are
 * ignored. Cannot fail. */
void summary_add_lost_note(struct summary *s, const char *note);

/* Adds the figures of a "held <seconds> s in <waits> waits: ..." NOTE text to s;
 * other notes are ignored. Cannot fail. */
void summary_add_held_note(struct summary *s, const char *note);

struct stk_data;

/* Reads the recording at path once, front to back, into s, in memory that grows with
 * its functions, children and collections but not with its samples. Each function's
 * peak is the largest memory measured within its calls: each call's own entry and
 * exit figures, the samples taken during it, and the kernel maxima (MAXRSS) and
 * heap peaks of intervals that lie entirely inside it (callpeak.h). With stacks
 * not NULL, the stack lines go there in the same pass (release with
 * stk_data_release). Returns 0, or -1 with e filled (the reader's errors, "no
 * memory samples (MEM lines)"); then neither s nor stacks hold anything. Free s
 * with summary_release. */
int summary_read(const char *path, struct summary *s, struct stk_data *stacks, struct err *e);

/* summary_read that also hands every line to also(ctx, ...) first, in the same pass
 * (a reader that wants more than the summary: the HTML page). also's nonzero return
 * stops the reading (dat_line_fn's contract). */
int summary_read_also(const char *path, struct summary *s, struct stk_data *stacks,
		      dat_line_fn also, void *ctx, struct err *e);

/* summary_read over text in memory; name is used in messages. Same contract. */
int summary_parse(const char *name, const char *text, size_t len, struct summary *s,
		  struct stk_data *stacks, struct err *e);

void summary_release(struct summary *s);

/* The summary as JSON (docs/json.md). Caller deletes. */
cJSON *summary_json(const struct summary *s);

/* Reads a baseline: a recording, or a JSON summary of ours. -1 with e filled. */
int summary_load_baseline(const char *path, struct summary *s, struct err *e);

/* ---- checks ---- */

enum check_metric {
	CHECK_PEAK,
	CHECK_HEAP,
	CHECK_LEAK,
	CHECK_DURATION,
	CHECK_FUNC_PEAK,
	CHECK_LOST, /* items of data the recording says it lost */
};

struct check_limit {
	enum check_metric metric;
	double limit;	  /* MiB, seconds for duration, items for lost */
	const char *func; /* CHECK_FUNC_PEAK */
};

struct check_result {
	enum check_metric metric;
	const char *func;
	double measured; /* NAN when unknown */
	double limit;	 /* absolute limit, or baseline * (1 + tolerance) */
	double baseline; /* NAN unless from a baseline */
	int passed;
};

/* The metric's name for people ("peak RSS") and for JSON ("peak_rss"). */
const char *check_metric_label(enum check_metric m);
const char *check_metric_key(enum check_metric m);

/* Runs limits (and, when base is not NULL, the baseline comparison of peak RSS,
 * peak heap, leak and duration within tolerance_pct) on s. Results are appended to
 * *res (malloc'd). Returns 0, or -1 with e filled when a limit needs data that s
 * lacks (heap data for --max-heap and --max-leak, an exit for --max-leak). */
int check_run(const struct summary *s, const struct check_limit *limits, size_t nlimits,
	      const struct summary *base, double tolerance_pct, struct check_result **res,
	      size_t *nres, struct err *e);

/* The verdict as JSON. Caller deletes. */
cJSON *check_json(const struct summary *s, const struct check_result *res, size_t n,
		  double tolerance_pct, const char *baseline_file);

#endif
