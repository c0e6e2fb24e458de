/* report.h - what 'mprof report' shows of allocation stacks, as data (struct report) and its views:
 * text, JSON, folded stacks, the flame chart, check's leak sites and plot's peak label. */
#ifndef MPROF_REPORT_H
#define MPROF_REPORT_H

#include <cjson/cJSON.h>
#include <stddef.h>

#include "core/plot.h"
#include "core/stkdat.h"

enum report_metric {
	RM_PEAK,  /* bytes in use at the heap peak */
	RM_LEAK,  /* bytes still in use at exit */
	RM_TOTAL, /* bytes ever allocated */
	RM_GC,	  /* bytes freed while the program's garbage collector ran */
};

/* Parses "peak", "leak" or "total" (RM_GC is the report's own list). 0 or -1. */
int report_metric_parse(const char *s, enum report_metric *m);
const char *report_metric_name(enum report_metric m);

/* A site's bytes (or blocks) under metric m. */
double report_bytes(const struct stk_site *s, enum report_metric m);
double report_blocks(const struct stk_site *s, enum report_metric m);

/* What a site's share under m is a share of: the image's heap at its peak, its heap
 * still allocated at exit, every byte it allocated, or every byte its collections
 * freed (the sum over its sites for these two). */
double report_whole(const struct stk_data *d, size_t image, enum report_metric m);

/* The sites of image with a non-zero value under m, largest first: a malloc'd
 * array of indexes into d->sites (*n of them). Cannot fail. */
size_t *report_sites(const struct stk_data *d, size_t image, enum report_metric m, size_t *n);

/* A call tree node: one function on the path from the outermost frame. */
struct report_node {
	char *label;	    /* stk_fn_label: "f", "f [inlined]", "module+0x12" */
	enum stk_kind kind; /* of the frame it stands for (the root: STK_NATIVE) */
	double bytes, blocks;
	struct report_node *kids;
	size_t nkids;
};

/* The top-down tree of image under m; children sorted largest first. Cannot fail;
 * release with report_tree_release. */
void report_tree(const struct stk_data *d, size_t image, enum report_metric m,
		 struct report_node *root);
void report_tree_release(struct report_node *root);

/* 1 when frames of kind k are an interpreter's (Python) frames rather than machine
 * code: every view that colours or folds frames asks this. */
int report_kind_is_python(enum stk_kind k);

/* ---- the report as data: built once, rendered by every view ---- */

/* One allocation site as every view names it. */
struct report_site {
	const struct stk_site *site; /* the recording's: every figure, its frames */
	char *label;		     /* "f (file:line) [inlined] < caller (file:line) < ...": up to
					4 frames of the program's own code (stk_site_label) */
	char *name;		     /* the labelling frame alone: "f (file:line)" */
	char *function;		     /* that frame's function: "f", "f [inlined]", "module+0x12" */
	const char *source;	     /* that frame's "file:line" as recorded, or NULL */
	char *brief;		     /* names only, outer first, for a picture: "f", or "caller>f"
					where two of the first three sites share f */
	double bytes, blocks;	     /* under the list's metric */
	double share;		     /* percent of the list's whole (0 when the whole is 0) */
};

/* Sites under one metric, largest first, every one with a non-zero value. */
struct report_list {
	enum report_metric m;
	double whole; /* what share is a percent of: report_whole */
	struct report_site *v;
	size_t n;
};

/* A module the frames point into that had no symbols, and how to get them. */
struct report_module {
	const char *path; /* as recorded */
	const char *base; /* its file name */
	char *advice;	  /* "install P-dbgsym (Debian's debug archive) or P-dbg", or
			     "build it with -g, or keep its symbols (do not strip it)" */
};

struct report {
	const struct stk_data *d; /* borrowed: must outlive the report */
	size_t image;
	enum report_metric m; /* what sites and tree measure */
	int exact;	      /* --stacks=all; else estimates from samples */
	unsigned long long sample_bytes;
	int pid;
	const char *exe;
	double heap_peak, leaked;
	unsigned long long allocs, lost; /* lost: allocations without a stack */
	struct report_list sites;	 /* under m */
	struct report_list leaks;	 /* under RM_LEAK (the same as sites when m is) */
	unsigned long long collections;	 /* garbage collections while stacks were recorded */
	struct report_list gc_freed;	 /* under RM_GC: what the collections freed, by site */
	struct report_node tree;	 /* under m; tree.bytes is the sum of its sites */
	struct report_module *nosym;
	size_t nnosym;
};

/* Builds the report of image (an index into d->images) under m. Cannot fail;
 * release with report_release. d must outlive r. */
void report_build(const struct stk_data *d, size_t image, enum report_metric m, struct report *r);
void report_release(struct report *r);

/* bytes as every view writes them: "12 B", "3.4 KiB", "56.7 MiB", "1.23 GiB". Cannot fail. */
void report_size_text(double bytes, char *out, size_t n);

/* "at the heap peak", "still allocated at exit", "allocated in all" or "freed by the
 * cycle collector". */
const char *report_metric_phrase(enum report_metric m);

struct report_text_opts {
	const char *path; /* the recording's name, in the first line */
	size_t top;	  /* sites per list; 0 for all */
	double min_pct;	  /* call tree branches below this percent are left out, and sites
			     that the garbage collector freed less than this percent of the
			     heap peak of */
};

/* The text report (headline, notes, sites, leaks, what the garbage collector freed
 * when it freed any site's min_pct, call tree): malloc'd. Cannot fail. */
char *report_text(const struct report *r, const struct report_text_opts *o);

/* The report as JSON (docs/json.md): sites with their frames. Caller deletes. */
cJSON *report_json(const struct report *r);

/* Collapsed stacks ("outer;...;inner bytes\n") for flame-graph tools: malloc'd. */
char *report_folded(const struct report *r);

/* check's words on a leak: "; leaked by f (file:line) 2.0 MiB, g 0.1 MiB" (at most
 * max sites, "~" before estimates), "" without leaks. malloc'd; cannot fail. */
char *report_leak_note(const struct report *r, size_t max);

/* The same sites as JSON objects (function, source, leaked_bytes, estimated), for
 * check --json's leak_sites. Caller deletes. */
cJSON *report_leak_json(const struct report *r, size_t max);

/* The longest plot's heap-peak label grows to with its second and third site. */
#define REPORT_PEAK_NOTE_MAX 80

/* plot's label at the heap peak: "heap peak: f 77%, caller>g 19%" (the first three
 * of r->sites while the label stays within REPORT_PEAK_NOTE_MAX characters; " (estimated)"
 * after "peak" from samples). NULL when r is not under
 * RM_PEAK or has no site; else malloc'd. */
char *report_peak_note(const struct report *r);

/* ---- the flame chart ---- */

/* Fits label into a box box_px wide for characters char_px wide (with a few pixels'
 * padding): the whole label when it fits, else its start cut with an ellipsis ("…",
 * at least 3 characters of the label before it), else nothing (returns 0). Writes
 * into out (NUL-terminated; n at least 8) and returns the characters (not bytes)
 * written. Counts UTF-8 characters and never cuts one in half. */
size_t report_fit_label(const char *label, double box_px, double char_px, char *out, size_t n);

/* Writes dir/flame.gp (output to standard output) and its data file: a flame
 * chart of r's tree, each box a function, its width its share, a label where it
 * fits, Python frames in their own colours. o->height 0 means as tall as the tree
 * needs (540 to 2000 pixels, so that rows stay a line of text high) and is filled
 * in. 0, or -1 with e filled when there is nothing to draw or a write failed. */
int report_flame_write(const struct report *r, struct plot_opts *o, const char *dir, struct err *e);

#endif
