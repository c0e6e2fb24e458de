/* report.h - what 'mprof report' shows of allocation stacks: sites by memory, the call tree, folded
 * stacks, JSON, the flame chart. */
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
};

/* Parses "peak", "leak" or "total". 0 or -1. */
int report_metric_parse(const char *s, enum report_metric *m);
const char *report_metric_name(enum report_metric m);

/* A site's bytes (or blocks) under metric m. */
double report_bytes(const struct stk_site *s, enum report_metric m);
double report_blocks(const struct stk_site *s, enum report_metric m);

/* What a site's share under m is a share of: the image's heap at its peak, its heap
 * still allocated at exit, or every byte it allocated (the sum over its sites). */
double report_whole(const struct stk_data *d, size_t image, enum report_metric m);

/* The sites of image with a non-zero value under m, largest first: a malloc'd
 * array of indexes into d->sites (*n of them). Cannot fail. */
size_t *report_sites(const struct stk_data *d, size_t image, enum report_metric m, size_t *n);

/* A call tree node: one function on the path from the outermost frame. */
struct report_node {
	char *label;
	double bytes, blocks;
	struct report_node *kids;
	size_t nkids;
};

/* The top-down tree of image under m; children sorted largest first. Cannot fail;
 * release with report_tree_release. */
void report_tree(const struct stk_data *d, size_t image, enum report_metric m,
		 struct report_node *root);
void report_tree_release(struct report_node *root);

/* Collapsed stacks ("outer;...;inner bytes\n") for flame-graph tools: malloc'd. */
char *report_folded(const struct stk_data *d, size_t image, enum report_metric m);

/* The report as JSON (docs/json.md): sites with their frames. Caller deletes. */
cJSON *report_json(const struct stk_data *d, size_t image, enum report_metric m);

/* Writes dir/flame.gp (output to standard output) and its data file: a flame
 * chart of the tree, each box a function, its width its share. 0, or -1 with e
 * filled when there is nothing to draw. */
int report_flame_write(const struct stk_data *d, size_t image, enum report_metric m,
		       const struct plot_opts *o, const char *title, const char *dir,
		       struct err *e);

#endif
