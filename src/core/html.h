/* html.h - the interactive HTML page of a recording: one self-contained file, its data as JSON. */
#ifndef MPROF_HTML_H
#define MPROF_HTML_H

#include <cjson/cJSON.h>
#include <stdio.h>

#include "core/dat.h"
#include "core/stkdat.h"
#include "core/util.h"

/* The charting library the page inlines: Debian's libjs-dygraphs, read when a page is
 * written (nothing is fetched when the page is opened). */
#define HTML_DYGRAPHS_DIR "/usr/share/javascript/dygraphs"
#define HTML_DYGRAPHS_PKG "libjs-dygraphs"

struct html_lib {
	char *js, *css;
};

/* Reads dygraph.min.js and dygraph.min.css from dir (NULL: HTML_DYGRAPHS_DIR), without
 * their source-map comments. -1 with e saying "needs libjs-dygraphs (apt-get install
 * libjs-dygraphs)" when they are missing, or why they cannot be inlined. */
int html_lib_load(const char *dir, struct html_lib *lib, struct err *e);
void html_lib_release(struct html_lib *lib);

/* What the page needs of a recording, taken line by line in one reading pass
 * (html_feed_line is a dat_line_fn) in memory that does not grow with the samples:
 * the memory series as a min/max pyramid whose buckets merge when there are too
 * many, children, brackets, notes, STKSITES samples. */
struct html_feed;
struct html_feed *html_feed_new(void);
int html_feed_line(void *ctx, const struct dat_line *l, const struct dat_item *it, struct err *e);
void html_feed_free(struct html_feed *f);

/* The page's data (the keys page.js reads): headline figures, the memory series as a
 * min/max pyramid, brackets, collections, functions and, when d holds stacks, flame
 * trees, site tables, what the cycle collector freed and sites over time; s is the
 * summary read in the same pass as f. d (may be NULL) has the interpreter's frames
 * folded away (stk_fold_interpreter). Caller deletes. Cannot fail. */
struct summary;
cJSON *html_data(struct html_feed *f, const struct summary *s, struct stk_data *d);

/* The stacks part of the data for the process with the largest heap peak: flame trees
 * of the heap at its peak and of what leaked, and the site tables. Caller deletes.
 * Cannot fail (d->present must be set). */
cJSON *html_stacks(const struct stk_data *d);

/* JSON text made safe inside a <script> element: '<', '>', '&', U+2028 and U+2029
 * become \u escapes (they only occur inside strings). malloc'd; cannot fail. */
char *html_script_json(const char *json);

/* Writes s as HTML text (also safe in a double-quoted attribute) to f. */
void html_put_text(FILE *f, const char *s);

/* Writes the whole page to f (the file name): the library, our script and style (built
 * into mprof), and data. 0, or -1 with e filled when a write to f failed. */
int html_write(FILE *f, const char *name, const struct html_lib *lib, const char *title,
	       cJSON *data, struct err *e);

#endif
