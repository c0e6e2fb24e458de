/* plot.c - turns recordings into a gnuplot script and data files: the original's picture and more.
 */
#include "core/plot.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/gnuplot.h"
#include "core/names.h"
#include "core/summary.h"

static const char *const line_colors[] = {"#000000", "#1f77b4", "#d62728", "#2ca02c",
					  "#17becf", "#bcbd22", "#9467bd", "#8c564b"};
static const char *const func_colors[] = {"#17becf", "#bcbd22", "#2ca02c", "#d62728",
					  "#1f77b4", "#9467bd", "#e377c2", "#ff7f0e"};
#define NCOLORS(a) (sizeof(a) / sizeof((a)[0]))
#define MAX_CALL_KEYS 16   /* legend entries for calls before they are grouped */
#define MAX_FUNC_SERIES 64 /* functions drawn as series of their own; the rest share one */
#define MAX_CHILD_SERIES                                                                           \
	7 /* children drawn as lines of their own (the largest); the rest share a band */

int plot_format_of(const char *path, enum plot_format *f)
{
	const char *dot = strrchr(path, '.');
	if (!dot || strchr(dot, '/'))
		return -1;
	if (!strcasecmp(dot, ".png"))
		*f = PLOT_PNG;
	else if (!strcasecmp(dot, ".svg"))
		*f = PLOT_SVG;
	else if (!strcasecmp(dot, ".pdf"))
		*f = PLOT_PDF;
	else
		return -1;
	return 0;
}

/* ENOSPC or EDQUOT when fd's file system has no room for another MiB: the likely
 * cause of a write that failed without saying why. 0 otherwise. Grows the file (one
 * that failed and will be removed). */
static int no_room(int fd)
{
	struct stat st;
	if (fstat(fd, &st))
		return 0;
	int rc = posix_fallocate(fd, st.st_size, 1 << 20);
	return rc == ENOSPC || rc == EDQUOT ? rc : 0;
}

static const char *const format_names[] = {"PNG", "SVG", "PDF", "text"};

/* Whether buf (the whole output, or its last len bytes when tail) ends a picture. */
static int output_complete(const unsigned char *head, size_t hlen, const unsigned char *tail,
			   size_t tlen, size_t size, const struct plot_opts *o, int fd)
{
	static const unsigned char png_sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
	static const unsigned char png_end[12] = {0,   0,   0,	  0,	'I',  'E',
						  'N', 'D', 0xae, 0x42, 0x60, 0x82};
	switch (o->format) {
	case PLOT_PNG:
		return hlen >= 8 && !memcmp(head, png_sig, 8) && tlen >= 12 &&
		       !memcmp(tail + tlen - 12, png_end, 12);
	case PLOT_SVG:
		while (tlen && (tail[tlen - 1] == '\n' || tail[tlen - 1] == ' '))
			tlen--;
		return tlen >= 6 && !memcmp(tail + tlen - 6, "</svg>", 6);
	case PLOT_PDF:
		if (hlen < 5 || memcmp(head, "%PDF-", 5))
			return 0;
		for (size_t i = tlen >= 5 ? tlen - 5 + 1 : 0; i-- > 0;)
			if (!memcmp(tail + i, "%%EOF", 5))
				return 1;
		return 0;
	case PLOT_DUMB: {
		/* A form feed, then one line per row of characters. */
		long lines = 0;
		unsigned char buf[65536];
		ssize_t n;
		for (off_t off = 0; (n = pread(fd, buf, sizeof(buf), off)) > 0; off += n)
			for (ssize_t i = 0; i < n; i++)
				lines += buf[i] == '\n';
		return size && head[0] == '\f' && tail[tlen - 1] == '\n' && lines >= o->height;
	}
	}
	return 0;
}

int plot_output_check(int fd, const struct plot_opts *o, const char *name, struct err *e)
{
	struct stat st;
	if (fstat(fd, &st))
		return err_sys(e, errno, "cannot write '%s'", name);
	unsigned char head[16], tail[1024];
	size_t size = (size_t)st.st_size, hlen = size < sizeof(head) ? size : sizeof(head),
	       tlen = size < sizeof(tail) ? size : sizeof(tail);
	if (pread(fd, head, hlen, 0) != (ssize_t)hlen ||
	    pread(fd, tail, tlen, (off_t)(size - tlen)) != (ssize_t)tlen)
		return err_sys(e, errno, "cannot read back '%s'", name);
	if (output_complete(head, hlen, tail, tlen, size, o, fd))
		return 0;
	/* gnuplot does not say why its output stopped short. */
	int full = no_room(fd);
	if (full)
		return err_sys(e, full, "cannot write '%s'", name);
	if (size == 0)
		return err_set(e, "cannot write '%s': gnuplot wrote nothing", name);
	return err_set(e, "cannot write '%s': gnuplot wrote an incomplete %s (%zu bytes)", name,
		       format_names[o->format], size);
}

/* The plot being built: the script, its data files, and its plot clauses. */
struct gp {
	const struct plot_opts *o;
	const char *dir;
	FILE *script;
	int nfiles;
	char **clauses;
	size_t nclauses, cap;
	double x0, x1, y1; /* axis ranges (y starts at 0) */
	int failed;
};

static void clause(struct gp *g, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void clause(struct gp *g, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s;
	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	va_end(ap);
	if (!s)
		return;
	xgrow((void **)&g->clauses, &g->cap, g->nclauses + 1, sizeof(*g->clauses));
	g->clauses[g->nclauses++] = s;
}

/* Opens a new data file; its name goes into *name (our own, in our directory). */
static FILE *data_file(struct gp *g, char *name, size_t cap)
{
	snprintf(name, cap, "%s/d%d.dat", g->dir, g->nfiles++);
	FILE *f = fopen(name, "w");
	if (!f)
		g->failed = errno;
	return f;
}

int plot_fclose(FILE *f)
{
	/* A write that failed before the last one leaves only the stream's error flag. */
	int earlier = ferror(f) ? no_room(fileno(f)) : 0, bad = ferror(f);
	if (fclose(f) && (!bad || errno == ENOSPC || errno == EDQUOT))
		return -1;
	if (bad)
		errno = earlier ? earlier : EIO;
	return bad ? -1 : 0;
}

static int close_data(struct gp *g, FILE *f)
{
	if (plot_fclose(f) && !g->failed)
		g->failed = errno;
	return g->failed ? -1 : 0;
}

static int in_window(const struct gp *g, double x)
{
	return !g->o->window || (x >= g->o->w_start && x <= g->o->w_end);
}

/* Plot columns for a pixel column count: min/max reduction keeps every extreme. */
static int columns(const struct gp *g)
{
	return g->o->width > 0 ? g->o->width : 1260;
}

/* Writes a series (x shifted by t0), reduced to min and max per pixel column when
 * it holds more points than twice the width. Returns the number of points kept. */
static size_t write_series(struct gp *g, FILE *f, const struct dat_point *v, size_t n, double t0)
{
	size_t kept = 0, ncol = (size_t)columns(g);
	double span = g->x1 - g->x0;
	if (n <= 2 * ncol || span <= 0) {
		for (size_t i = 0; i < n; i++)
			if (in_window(g, v[i].t - t0)) {
				fprintf(f, "%.6f %.6f\n", v[i].t - t0, v[i].mib);
				kept++;
			}
		return kept;
	}
	long col = -1;
	struct dat_point lo = {0, 0}, hi = {0, 0};
	for (size_t i = 0; i <= n; i++) {
		double x = i < n ? v[i].t - t0 : 0;
		if (i < n && !in_window(g, x))
			continue;
		long c = i < n ? (long)((x - g->x0) / span * (double)ncol) : -2;
		if (c != col && col != -1) {
			/* Keep the bucket's extremes in time order, so the line stays a line. */
			const struct dat_point *a = lo.t <= hi.t ? &lo : &hi,
					       *b = a == &lo ? &hi : &lo;
			fprintf(f, "%.6f %.6f\n", a->t, a->mib);
			if (b->t != a->t || b->mib != a->mib)
				fprintf(f, "%.6f %.6f\n", b->t, b->mib);
			kept += 2;
		}
		if (i == n)
			break;
		struct dat_point p = {x, v[i].mib};
		if (c != col) {
			col = c;
			lo = hi = p;
		} else {
			if (p.mib < lo.mib)
				lo = p;
			if (p.mib > hi.mib)
				hi = p;
		}
	}
	return kept;
}

static double series_top(const struct dat_series *s)
{
	double m = 0;
	for (size_t i = 0; i < s->n; i++)
		if (s->v[i].mib > m)
			m = s->v[i].mib;
	return m;
}

static void trend_clause(struct gp *g, const struct dat_series *s, double t0, const char *color)
{
	double a, b;
	char name[4096];
	summary_trend(s->v, s->n, t0, &a, &b);
	FILE *f = data_file(g, name, sizeof(name));
	if (!f)
		return;
	fprintf(f, "%.6f %.6f\n%.6f %.6f\n", g->x0, a * g->x0 + b, g->x1, a * g->x1 + b);
	if (close_data(g, f) == 0)
		clause(g,
		       "'%s' using 1:2 with lines dt 2 lw 1 lc rgb '%s' title 'trend %.5f MiB/s'",
		       name, color, a);
}

static void date_label(double t0, char *buf, size_t cap)
{
	time_t secs = (time_t)t0;
	struct tm tm;
	localtime_r(&secs, &tm);
	char d[64];
	strftime(d, sizeof(d), "%d / %m / %Y - start at %H:%M:%S", &tm);
	snprintf(buf, cap, "%s.%03d", d, (int)lround((t0 - (double)secs) * 1000) % 1000);
}

static double rec_t0(const struct dat_recording *r)
{
	double t0 = r->mem.n ? r->mem.v[0].t : 0;
	for (size_t i = 0; i < r->nfuncs; i++)
		if (r->funcs[i].t_in < t0)
			t0 = r->funcs[i].t_in;
	return t0;
}

/* The light band from the sampled line up to each interval's true maximum: a box
 * from one MAXRSS line to the next, wherever the kernel saw more than the samples. */
static void band_clause(struct gp *g, const struct dat_recording *r, double t0)
{
	if (r->maxrss.n < 2 || !r->mem.n)
		return;
	char name[4096];
	FILE *f = data_file(g, name, sizeof(name));
	if (!f)
		return;
	double min_excess = g->y1 * 0.005;
	size_t boxes = 0, ncol = (size_t)columns(g), m = 0;
	long last_col = -1;
	for (size_t i = 1; i < r->maxrss.n; i++) {
		double lo_t = r->maxrss.v[i - 1].t, hi_t = r->maxrss.v[i].t;
		/* The highest sample in [lo_t, hi_t]: the top of the line there. */
		double top = 0;
		while (m < r->mem.n && r->mem.v[m].t < lo_t)
			m++;
		for (size_t j = m; j < r->mem.n && r->mem.v[j].t <= hi_t; j++)
			top = fmax(top, r->mem.v[j].mib);
		double max = r->maxrss.v[i].mib, lo_x = lo_t - t0, hi_x = hi_t - t0;
		if (max - top < min_excess || !in_window(g, hi_x))
			continue;
		long col = (long)((hi_x - g->x0) / (g->x1 - g->x0) * (double)ncol);
		if (r->maxrss.n > 2 * ncol && col == last_col)
			continue; /* one box per pixel column is all the eye can see */
		last_col = col;
		fprintf(f, "%.6f %.6f %.6f %.6f %.6f %.6f\n", (lo_x + hi_x) / 2, (top + max) / 2,
			lo_x, hi_x, top, max);
		boxes++;
	}
	if (close_data(g, f) == 0 && boxes)
		clause(g,
		       "'%s' using 1:2:3:4:5:6 with boxxyerror fs solid 0.35 noborder lc rgb "
		       "'#f4a6a6' "
		       "title 'max within interval'",
		       name);
}

/* The heap's band: from each interval's minimum to its maximum (the 7th and 2nd
 * figures of a HEAP line), a box from one HEAP line to the next wherever the heap
 * moved within the interval more than the line shows: what was freed and allocated
 * again between two samples. Files without minima draw none. */
static void heap_band_clause(struct gp *g, const struct dat_recording *r, double t0)
{
	if (r->heap.n < 2)
		return;
	char name[4096];
	FILE *f = data_file(g, name, sizeof(name));
	if (!f)
		return;
	double min_span = g->y1 * 0.005;
	size_t boxes = 0, ncol = (size_t)columns(g);
	long last_col = -1;
	for (size_t i = 1; i < r->heap.n; i++) {
		const struct dat_heap *a = &r->heap.v[i - 1], *h = &r->heap.v[i];
		if (isnan(h->min_mib))
			continue;
		double top = fmax(h->peak_mib, h->live_mib), lo_x = a->t - t0, hi_x = h->t - t0;
		/* The line already shows the span between its two ends. */
		double line_lo = fmin(a->live_mib, h->live_mib),
		       line_hi = fmax(a->live_mib, h->live_mib);
		if ((line_lo - h->min_mib < min_span && top - line_hi < min_span) ||
		    !in_window(g, hi_x))
			continue;
		long col = (long)((hi_x - g->x0) / (g->x1 - g->x0) * (double)ncol);
		if (r->heap.n > 2 * ncol && col == last_col)
			continue; /* one box per pixel column */
		last_col = col;
		fprintf(f, "%.6f %.6f %.6f %.6f %.6f %.6f\n", (lo_x + hi_x) / 2,
			(h->min_mib + top) / 2, lo_x, hi_x, h->min_mib, top);
		boxes++;
	}
	if (close_data(g, f) == 0 && boxes)
		clause(g,
		       "'%s' using 1:2:3:4:5:6 with boxxyerror fs solid 0.3 noborder lc rgb "
		       "'#9ecae1' title 'heap min to max within interval'",
		       name);
}

/* The garbage collector's collections: a tick at the foot of the plot for each,
 * and for those that freed a visible share of memory an arrow on the heap from its
 * start to its stop, labelled with what it freed and how long it took. */
static void gc_clauses(struct gp *g, const struct dat_recording *r, double t0)
{
	if (!r->ngcs)
		return;
	char name[4096];
	FILE *f = data_file(g, name, sizeof(name));
	if (!f)
		return;
	int labels = 0;
	for (size_t i = 0; i < r->ngcs; i++) {
		const struct dat_gc *c = &r->gcs[i];
		double x = c->t - t0, freed = c->heap_start_mib - c->heap_stop_mib;
		if (!in_window(g, x))
			continue;
		fprintf(f, "%.6f %.6f\n", x, g->y1 * 0.03);
		if (freed < g->y1 * 0.03 || labels >= 20)
			continue;
		labels++;
		fprintf(g->script,
			"set arrow from first %.6f, first %.6f to first %.6f, first %.6f head "
			"filled size screen 0.008,25 lc rgb '#2ca02c' lw 2 front\n",
			x, c->heap_start_mib, x, c->heap_stop_mib);
		int right = x > (g->x0 + g->x1) / 2;
		fprintf(
		    g->script,
		    "set label 'collection (generation %d): freed %.1f MiB in %.1f ms' at first "
		    "%.6f, first %.6f %s offset %s,0 tc rgb '#2ca02c' front\n",
		    c->generation, freed, c->duration_s * 1e3, x,
		    (c->heap_start_mib + c->heap_stop_mib) / 2, right ? "right" : "left",
		    right ? "-1" : "1");
	}
	if (close_data(g, f) == 0)
		clause(g,
		       "'%s' using 1:2 with impulses lw 1 lc rgb '#2ca02c' title 'garbage "
		       "collections (%zu)'",
		       name, r->ngcs);
}

/* Brackets '[' and ']' for every call, one legend entry per call (or per function
 * when there are many calls), as the original draws them. */
static void bracket_clauses(struct gp *g, const struct dat_recording *r, double t0)
{
	double hs = (g->x1 - g->x0) / 60.0, vs = g->y1 / 20.0;
	/* Functions in order of first appearance give the colours; each function's
	 * calls are listed together (a counting sort), so the work is linear. */
	struct names tab = {0};
	size_t ncalls = 0;
	size_t *id = xcalloc(r->nfuncs + 1, sizeof(*id));
	for (size_t i = 0; i < r->nfuncs; i++) {
		const struct dat_func *fn = &r->funcs[i];
		id[i] = SIZE_MAX;
		if (!in_window(g, fn->t_in - t0) && !in_window(g, fn->t_out - t0))
			continue;
		ncalls++;
		id[i] = names_id(&tab, fn->name);
	}
	size_t nnames = tab.n;
	const char **names = tab.list;
	size_t *first = xcalloc(nnames + 2, sizeof(*first)),
	       *order = xcalloc(ncalls + 1, sizeof(*order));
	for (size_t i = 0; i < r->nfuncs; i++)
		if (id[i] != SIZE_MAX)
			first[id[i] + 2]++;
	for (size_t k = 0; k < nnames; k++)
		first[k + 2] += first[k + 1];
	for (size_t i = 0; i < r->nfuncs; i++)
		if (id[i] != SIZE_MAX)
			order[first[id[i] + 1]++] = i;
	/* Now the calls of name k are order[first[k] .. first[k + 1]). */
	int per_call = ncalls <= MAX_CALL_KEYS;
	/* Past MAX_FUNC_SERIES functions, the rest share one series: gnuplot's time
	 * grows with the number of series, and a legend that long says nothing. */
	size_t nseries = nnames > MAX_FUNC_SERIES ? MAX_FUNC_SERIES + 1 : nnames;
	for (size_t k = 0; k < nseries; k++) {
		char name[4096];
		FILE *f = data_file(g, name, sizeof(name));
		if (!f)
			break;
		int block = 0;
		double total = 0;
		size_t count = 0;
		size_t end = k == MAX_FUNC_SERIES ? first[nnames] : first[k + 1];
		for (size_t c = first[k]; c < end; c++) {
			const struct dat_func *fn = &r->funcs[order[c]];
			double xi = fn->t_in - t0, xo = fn->t_out - t0;
			int show_in = in_window(g, xi), show_out = in_window(g, xo);
			if (!show_in && !show_out)
				continue;
			if (block++)
				fprintf(f, "\n\n");
			if (show_in)
				fprintf(f, "%.6f %.6f\n%.6f %.6f\n%.6f %.6f\n%.6f %.6f\n", xi + hs,
					fn->mem_in + vs, xi, fn->mem_in + vs, xi, fn->mem_in - vs,
					xi + hs, fn->mem_in - vs);
			if (show_in && show_out)
				fprintf(f, "\n");
			if (show_out)
				fprintf(f, "%.6f %.6f\n%.6f %.6f\n%.6f %.6f\n%.6f %.6f\n", xo - hs,
					fn->mem_out + vs, xo, fn->mem_out + vs, xo,
					fn->mem_out - vs, xo - hs, fn->mem_out - vs);
			total += fn->t_out - fn->t_in;
			count++;
		}
		if (close_data(g, f))
			break;
		const char *color = func_colors[k % NCOLORS(func_colors)];
		if (per_call) {
			size_t idx = 0;
			for (size_t c = first[k]; c < first[k + 1]; c++) {
				const struct dat_func *fn = &r->funcs[order[c]];
				char label[256];
				snprintf(label, sizeof(label), "%s %.3fs", fn->name,
					 fn->t_out - fn->t_in);
				char *q = gp_quote(label);
				clause(
				    g,
				    "'%s' index %zu using 1:2 with lines lw 2 lc rgb '%s' title %s",
				    name, idx++, color, q);
				free(q);
			}
		} else {
			char label[256];
			if (k == MAX_FUNC_SERIES)
				snprintf(label, sizeof(label), "%zu other functions x%zu %.3fs",
					 nnames - k, count, total);
			else
				snprintf(label, sizeof(label), "%s x%zu %.3fs", names[k], count,
					 total);
			char *q = gp_quote(label);
			clause(g, "'%s' using 1:2 with lines lw 2 lc rgb '%s' title %s", name,
			       color, q);
			free(q);
		}
	}
	names_release(&tab);
	free(id);
	free(first);
	free(order);
}

void plot_terminal(FILE *s, const struct plot_opts *o)
{
	switch (o->format) {
	case PLOT_PNG:
		fprintf(s, "set terminal pngcairo size %d,%d noenhanced font 'sans,10'\n", o->width,
			o->height);
		break;
	case PLOT_SVG:
		fprintf(
		    s,
		    "set terminal svg size %d,%d noenhanced font 'sans,10' background '#ffffff'\n",
		    o->width, o->height);
		break;
	case PLOT_PDF:
		fprintf(s, "set terminal pdfcairo size %.2fin,%.2fin noenhanced font 'sans,8'\n",
			o->width / 100.0, o->height / 100.0);
		break;
	case PLOT_DUMB:
		fprintf(s, "set terminal dumb size %d,%d noenhanced\n", o->width, o->height);
		break;
	}
	fprintf(s, "set output\n"); /* standard output: the caller chose where that goes */
	fprintf(s, "set termoption noenhanced\n");
}

/* Ranges from every series that will be drawn. */
static void ranges(struct gp *g, const struct plot_recording *recs, int nrecs)
{
	double xmax = 0, ymax = 0;
	for (int k = 0; k < nrecs; k++) {
		const struct dat_recording *r = &recs[k].r;
		double t0 = rec_t0(r);
		if (r->mem.n)
			xmax = fmax(xmax, r->mem.v[r->mem.n - 1].t - t0);
		ymax = fmax(ymax, fmax(series_top(&r->mem), series_top(&r->maxrss)));
		int mmap = dat_mmap_significant(r);
		for (size_t i = 0; i < r->heap.n; i++)
			ymax = fmax(ymax, fmax(fmax(r->heap.v[i].live_mib, r->heap.v[i].peak_mib),
					       mmap ? r->heap.v[i].mmap_mib : 0));
		for (size_t c = 0; c < r->nchildren; c++)
			ymax = fmax(ymax, series_top(&r->children[c].mem));
		for (size_t i = 0; i < r->nfuncs; i++)
			xmax = fmax(xmax, r->funcs[i].t_out - t0);
		for (size_t i = 0; i < r->ngcs; i++)
			xmax = fmax(xmax, r->gcs[i].t + r->gcs[i].duration_s - t0);
		if (r->has_exit && k == 0 && nrecs == 1)
			ymax = fmax(ymax, r->rusage_peak_mib);
	}
	g->x0 = g->o->window ? g->o->w_start : 0;
	g->x1 = g->o->window ? g->o->w_end : (xmax > 0 ? xmax : 1);
	g->y1 = ymax > 0 ? ymax * 1.12 : 1;
}

static int by_point_time(const void *x, const void *y)
{
	const struct dat_point *a = x, *b = y;
	return (a->t > b->t) - (a->t < b->t);
}

/* The RSS line: the samples, and the RSS each bracket measured in the process at
 * its entry and exit (FUNC lines that carry the heap are ours, measured at the
 * event), so the line passes through what happened inside a call. Caller frees. */
static struct dat_point *rss_points(const struct plot_recording *p, size_t *n)
{
	const struct dat_recording *r = &p->r;
	struct dat_point *v = xmalloc((r->mem.n + p->rss_events.n + 1) * sizeof(*v));
	memcpy(v, r->mem.v, r->mem.n * sizeof(*v));
	memcpy(v + r->mem.n, p->rss_events.v, p->rss_events.n * sizeof(*v));
	*n = r->mem.n + p->rss_events.n;
	if (*n > r->mem.n)
		qsort(v, *n, sizeof(*v), by_point_time);
	return v;
}

/* The heap line: each sample's heap in use, and the heap measured at each bracket
 * and at the start and stop of each collection. Caller frees. */
static struct dat_point *heap_points(const struct plot_recording *p, size_t *n)
{
	const struct dat_recording *r = &p->r;
	struct dat_point *v = xmalloc((r->heap.n + p->heap_events.n + 1) * sizeof(*v));
	*n = 0;
	for (size_t i = 0; i < r->heap.n; i++)
		v[(*n)++] = (struct dat_point){r->heap.v[i].t, r->heap.v[i].live_mib};
	memcpy(v + *n, p->heap_events.v, p->heap_events.n * sizeof(*v));
	*n += p->heap_events.n;
	if (*n > r->heap.n)
		qsort(v, *n, sizeof(*v), by_point_time);
	return v;
}

/* A child and its peak, to rank children by peak. */
struct kid_rank {
	double peak;
	size_t index;
};

static int by_peak_desc(const void *x, const void *y)
{
	const struct kid_rank *a = x, *b = y;
	if (a->peak != b->peak)
		return a->peak < b->peak ? 1 : -1;
	return (a->index > b->index) - (a->index < b->index);
}

/* The children not drawn one by one, as one band: in each pixel column, from the
 * lowest to the highest memory any of them had there. */
static void children_band_clause(struct gp *g, const struct dat_recording *r,
				 const struct kid_rank *rest, size_t nrest, double t0)
{
	size_t ncol = (size_t)columns(g);
	double span = g->x1 - g->x0, lo_all = INFINITY, hi_all = -INFINITY;
	if (span <= 0)
		return;
	double *lo = xmalloc(ncol * sizeof(*lo)), *hi = xmalloc(ncol * sizeof(*hi));
	for (size_t i = 0; i < ncol; i++)
		lo[i] = INFINITY, hi[i] = -INFINITY;
	for (size_t k = 0; k < nrest; k++) {
		const struct dat_series *m = &r->children[rest[k].index].mem;
		for (size_t i = 0; i < m->n; i++) {
			double x = m->v[i].t - t0;
			if (!in_window(g, x))
				continue;
			long c = (long)((x - g->x0) / span * (double)ncol);
			size_t col = c < 0 ? 0 : (size_t)c >= ncol ? ncol - 1 : (size_t)c;
			lo[col] = fmin(lo[col], m->v[i].mib);
			hi[col] = fmax(hi[col], m->v[i].mib);
		}
	}
	char name[4096];
	FILE *f = data_file(g, name, sizeof(name));
	if (f) {
		for (size_t i = 0; i < ncol; i++)
			if (lo[i] <= hi[i]) {
				fprintf(f, "%.6f %.6f %.6f\n",
					g->x0 + ((double)i + 0.5) * span / (double)ncol, lo[i],
					hi[i]);
				lo_all = fmin(lo_all, lo[i]);
				hi_all = fmax(hi_all, hi[i]);
			}
		if (close_data(g, f) == 0 && lo_all <= hi_all) {
			char label[256];
			snprintf(label, sizeof(label), "%zu other children: %.1f to %.1f MiB",
				 nrest, lo_all, hi_all);
			char *q = gp_quote(label);
			if (g->o->format == PLOT_DUMB)
				clause(g, "'%s' using 1:3 with lines lc rgb '#7f7f7f' title %s",
				       name, q);
			else
				clause(
				    g,
				    "'%s' using 1:2:3 with filledcurves fs transparent solid 0.3 "
				    "noborder lc rgb '#7f7f7f' title %s",
				    name, q);
			free(q);
		}
	}
	free(lo);
	free(hi);
}

static void memory_plot(struct gp *g, const struct plot_recording *recs, int nrecs)
{
	FILE *s = g->script;
	int single = nrecs == 1;
	int dumb = g->o->format == PLOT_DUMB;
	int functions = single && !g->o->no_functions;
	for (int k = 0; k < nrecs; k++) {
		const struct dat_recording *r = &recs[k].r;
		double t0 = rec_t0(r);
		char name[4096], label[512], date[128];
		const char *color = line_colors[k % NCOLORS(line_colors)];
		if (single && g->o->format != PLOT_DUMB)
			band_clause(g, r, t0);
		FILE *f = data_file(g, name, sizeof(name));
		if (!f)
			return;
		size_t nrss;
		struct dat_point *rss = rss_points(&recs[k], &nrss);
		write_series(g, f, rss, nrss, t0);
		free(rss);
		if (close_data(g, f))
			return;
		date_label(t0, date, sizeof(date));
		if (single && dumb)
			snprintf(label, sizeof(label), "memory");
		else if (single)
			snprintf(label, sizeof(label), "%s", date);
		else
			snprintf(label, sizeof(label), "%s (%s)", r->path, date);
		char *q = gp_quote(label);
		const char *style =
		    g->o->format == PLOT_DUMB ? "with lines" : "with linespoints pt 1 ps 0.6";
		clause(g, "'%s' using 1:2 %s lw 1.5 lc rgb '%s' title %s", name, style, color, q);
		free(q);
		if (g->o->slope)
			trend_clause(g, &r->mem, t0, color);
		if (r->heap.n && single && !dumb)
			heap_band_clause(g, r, t0);
		if (r->heap.n) {
			f = data_file(g, name, sizeof(name));
			if (!f)
				return;
			size_t nhp;
			struct dat_point *hp = heap_points(&recs[k], &nhp);
			write_series(g, f, hp, nhp, t0);
			free(hp);
			if (close_data(g, f) == 0)
				clause(g, "'%s' using 1:2 with lines lw 1.5 lc rgb '%s' title '%s'",
				       name, single ? "#1f77b4" : color,
				       single ? "heap in use" : "heap");
		}
		if (r->heap.n && dat_mmap_significant(r)) {
			/* A heap that is not malloc's: what the heap line leaves out. */
			f = data_file(g, name, sizeof(name));
			if (!f)
				return;
			struct dat_point *mp = xcalloc(r->heap.n, sizeof(*mp));
			for (size_t i = 0; i < r->heap.n; i++)
				mp[i] = (struct dat_point){r->heap.v[i].t, r->heap.v[i].mmap_mib};
			write_series(g, f, mp, r->heap.n, t0);
			free(mp);
			if (close_data(g, f) == 0)
				clause(
				    g,
				    "'%s' using 1:2 with lines lw 1.5 dt 2 lc rgb '%s' title '%s'",
				    name, single ? "#17becf" : color,
				    "anon mmap (not in the heap line)");
		}
		/* The largest children by peak get a line each; the rest share a band. */
		size_t nkids = 0;
		struct kid_rank *kids = xcalloc(r->nchildren + 1, sizeof(*kids));
		for (size_t c = 0; c < r->nchildren; c++)
			if (r->children[c].mem.n)
				kids[nkids++] =
				    (struct kid_rank){dat_child_peak(&r->children[c]), c};
		size_t drawn = nkids > MAX_CHILD_SERIES + 1 ? MAX_CHILD_SERIES : nkids;
		if (drawn < nkids)
			qsort(kids, nkids, sizeof(*kids), by_peak_desc);
		for (size_t c = 0; c < drawn; c++) {
			const struct dat_child *ch = &r->children[kids[c].index];
			f = data_file(g, name, sizeof(name));
			if (!f) {
				free(kids);
				return;
			}
			write_series(g, f, ch->mem.v, ch->mem.n, t0);
			if (close_data(g, f)) {
				free(kids);
				return;
			}
			snprintf(label, sizeof(label), "child %s", ch->id);
			q = gp_quote(label);
			const char *cc = line_colors[(k + c + 1) % NCOLORS(line_colors)];
			clause(g, "'%s' using 1:2 %s lc rgb '%s' title %s", name, style, cc, q);
			free(q);
			if (g->o->slope)
				trend_clause(g, &ch->mem, t0, cc);
		}
		if (drawn < nkids)
			children_band_clause(g, r, kids + drawn, nkids - drawn, t0);
		free(kids);
		if (functions) {
			if (!dumb) { /* brackets are noise at the resolution of characters */
				bracket_clauses(g, r, t0);
				gc_clauses(g, r, t0);
			}
			if (!dumb && recs[k].calls_left_out)
				fprintf(
				    s,
				    "set label 'brackets of the first %d calls: %zu later calls "
				    "not drawn' at graph 0.005, graph 0.03 tc rgb '#606060' "
				    "front\n",
				    PLOT_MAX_CALLS, recs[k].calls_left_out);
			double tpeak = 0, peak = dat_peak_rss(r, &tpeak);
			fprintf(s,
				"set arrow from graph 0, first %.6f to graph 1, first %.6f nohead "
				"lc rgb '#d62728' dt 2 lw 1.2 front\n",
				peak, peak);
			if (in_window(g, tpeak - t0))
				fprintf(s,
					"set arrow from first %.6f, graph 0 to first %.6f, graph 1 "
					"nohead "
					"lc rgb '#d62728' dt 2 lw 1.2 front\n",
					tpeak - t0, tpeak - t0);
			if (!dumb)
				fprintf(s,
					"set label 'peak %.1f MiB' at graph 0.005, first %.6f "
					"offset 0,0.6 "
					"tc rgb '#d62728' front\n",
					peak, peak);
			double theap = 0, hpeak = r->heap.n ? dat_peak_heap(r, &theap) : -1;
			if (!dumb && g->o->heap_note && hpeak > 0 && in_window(g, theap - t0)) {
				char *qn = gp_quote(g->o->heap_note);
				fprintf(
				    s,
				    "set label %s at first %.6f, first %.6f %s offset %s,-1 "
				    "tc rgb '#1f77b4' point pt 7 ps 0.8 lc rgb '#1f77b4' front\n",
				    qn, theap - t0, hpeak,
				    theap - t0 > (g->x0 + g->x1) / 2 ? "right" : "left",
				    theap - t0 > (g->x0 + g->x1) / 2 ? "-1" : "1");
				free(qn);
			}
		}
	}
	fprintf(s, "plot ");
	for (size_t i = 0; i < g->nclauses; i++)
		fprintf(s, "%s%s", i ? ", \\\n     " : "", g->clauses[i]);
	fprintf(s, "\n");
}

/* Calls as rectangles stacked by depth, one colour per function, names where they fit. */
static void flame_plot(struct gp *g, const struct dat_recording *r)
{
	FILE *s = g->script;
	double t0 = rec_t0(r);
	char name[4096];
	FILE *f = data_file(g, name, sizeof(name));
	if (!f)
		return;
	int maxdepth = 0, labels = 0;
	struct names tab = {0};
	double px_per_s = g->o->width * 0.8 / (g->x1 - g->x0);
	for (size_t i = 0; i < r->nfuncs; i++) {
		const struct dat_func *fn = &r->funcs[i];
		double xi = fmax(fn->t_in - t0, g->x0), xo = fmin(fn->t_out - t0, g->x1);
		if (xo < xi)
			continue;
		size_t k = names_id(&tab, fn->name);
		int d = fn->depth < 0 ? 0 : fn->depth;
		if (d > maxdepth)
			maxdepth = d;
		unsigned color =
		    (unsigned)strtoul(func_colors[k % NCOLORS(func_colors)] + 1, NULL, 16);
		fprintf(f, "%.6f %.6f %.6f %.6f %.6f %.6f %u\n", (xi + xo) / 2, d + 0.5, xi, xo,
			d + 0.05, d + 0.95, color);
		if ((xo - xi) * px_per_s > 7.0 * (double)strlen(fn->name) + 6 && labels < 300) {
			char *q = gp_quote(fn->name);
			fprintf(s, "set label %d %s at %.6f, %.6f center front\n", 1000 + labels++,
				q, (xi + xo) / 2, d + 0.5);
			free(q);
		}
	}
	names_release(&tab);
	if (close_data(g, f))
		return;
	fprintf(s,
		"unset arrow\nset title ''\nset key off\nset xlabel 'time (in seconds)'\n"
		"set ylabel 'call depth'\nset yrange [0:%d]\nset ytics 1\nset grid xtics\n",
		maxdepth + 1);
	fprintf(
	    s,
	    "plot '%s' using 1:2:3:4:5:6:7 with boxxyerror fs solid 0.7 border lc rgb '#ffffff' "
	    "lc rgb variable notitle\n",
	    name);
}

int plot_write(const struct plot_opts *o, const struct plot_recording *recs, int nrecs,
	       const char *dir, struct err *e)
{
	struct gp g = {.o = o, .dir = dir};
	for (int k = 0; k < nrecs; k++)
		if (!recs[k].r.mem.n)
			return err_set(e, "%s: no memory samples (MEM lines) to plot",
				       recs[k].r.path);
	char path[4096];
	snprintf(path, sizeof(path), "%s/plot.gp", dir);
	g.script = fopen(path, "w");
	if (!g.script)
		return err_sys(e, errno, "cannot write '%s'", path);
	ranges(&g, recs, nrecs);
	FILE *s = g.script;
	plot_terminal(s, o);
	const char *title = o->title ? o->title : recs[0].r.cmdline ? recs[0].r.cmdline : "";
	char *qt = gp_quote(nrecs > 1 && !o->title ? "" : title);
	fprintf(s, "set title %s\n", qt);
	free(qt);
	fprintf(s, "set xlabel 'time (in seconds)'\nset ylabel 'memory used (in MiB)'\n");
	fprintf(s, "set grid lc rgb '#d0d0d0'\nset border lc rgb '#404040'\n");
	if (o->format == PLOT_DUMB)
		fprintf(s, "set key outside top center horizontal samplen 1\n");
	else
		fprintf(s,
			"set key outside right top vertical Left reverse samplen 2 spacing 1.1\n");
	fprintf(s, "set xrange [%.6f:%.6f]\nset yrange [0:%.6f]\n", g.x0, g.x1, g.y1);
	int flame = o->flame && nrecs == 1;
	if (flame)
		fprintf(s, "set multiplot\nset lmargin at screen 0.08\nset rmargin at screen 0.70\n"
			   "set size 1,0.62\nset origin 0,0.38\n");
	memory_plot(&g, recs, nrecs);
	if (flame) {
		fprintf(s, "set size 1,0.38\nset origin 0,0\nunset label\n");
		flame_plot(&g, &recs[0].r);
		fprintf(s, "unset multiplot\n");
	}
	for (size_t i = 0; i < g.nclauses; i++)
		free(g.clauses[i]);
	free(g.clauses);
	if (plot_fclose(s) && !g.failed)
		g.failed = errno;
	if (g.failed)
		return err_sys(e, g.failed, "cannot write the plot's data in '%s'", dir);
	return 0;
}
