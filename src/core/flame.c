/* flame.c - the report's flame chart as a gnuplot script: boxes as wide as their share, labels only
 * where they fit, Python frames in colours of their own. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/gnuplot.h"
#include "core/report.h"

size_t report_fit_label(const char *label, double box_px, double char_px, char *out, size_t n)
{
	const double pad = 3; /* pixels kept clear at each end of the box */
	out[0] = '\0';
	if (!(char_px > 0) || n < 8 || !(box_px > 2 * pad))
		return 0;
	double room = floor((box_px - 2 * pad) / char_px);
	size_t fits = room > 4096 ? 4096 : (size_t)room, chars = 0, cut = 0, len = 0;
	/* chars counts UTF-8 characters (bytes that do not continue one); cut is
	 * where the label must stop to leave room for the ellipsis. */
	for (const char *c = label; *c; c++, len++)
		if (((unsigned char)*c & 0xC0) != 0x80) {
			if (chars == (fits ? fits - 1 : 0))
				cut = len;
			chars++;
		}
	if (chars < fits)
		cut = len;
	if (chars <= fits && len < n) {
		memcpy(out, label, len + 1);
		return chars;
	}
	if (fits < 4) /* three characters and the ellipsis, or nothing */
		return 0;
	if (cut + 4 > n) { /* out is too small: cut back to a character boundary */
		cut = n - 4;
		while (cut && ((unsigned char)label[cut] & 0xC0) == 0x80)
			cut--;
	}
	memcpy(out, label, cut);
	memcpy(out + cut, "\xE2\x80\xA6", 4); /* U+2026 HORIZONTAL ELLIPSIS */
	size_t written = 1;
	for (size_t i = 0; i < cut; i++)
		written += ((unsigned char)out[i] & 0xC0) != 0x80;
	return written;
}

/* ---- the chart's geometry ---- */

struct flame {
	FILE *data, *script;
	double total;
	double plot_px;	    /* the plot area's width */
	double char_px;	    /* a character's width, estimated from the font */
	int label_rows;	    /* a row is tall enough for a line of text */
	int labels, rows;   /* labels written, rows drawn */
	const char *approx; /* "~" before estimates */
};

/* The terminal's font as pixels of o's size: PNG's sans 10 pt at 96 dpi, SVG's
 * 10 user units, PDF's 8 pt where a "pixel" is 1/100 inch (plot_terminal). */
static double em_px(const struct plot_opts *o)
{
	return o->format == PLOT_PNG ? 10 * 96 / 72.0 : o->format == PLOT_SVG ? 10 : 8 * 100 / 72.0;
}

/* The plot area runs from 1 % to 99 % of the width; above it the title, below it
 * the tics and their label, in lines of text. */
#define FLAME_LEFT 0.01
#define FLAME_RIGHT 0.99
#define FLAME_TOP_LINES 2.5
#define FLAME_BOTTOM_LINES 3.5
#define FLAME_ROW_LINES 1.5 /* a row as tall as one and a half lines when room allows */

static int tree_depth(const struct report_node *n)
{
	int deepest = 0;
	for (size_t i = 0; i < n->nkids; i++) {
		int d = 1 + tree_depth(&n->kids[i]);
		if (d > deepest)
			deepest = d;
	}
	return deepest;
}

/* Fills o->height when it is 0, and says whether a row holds a line of text. */
static void flame_geometry(struct flame *f, struct plot_opts *o, int rows)
{
	double em = em_px(o), line = 1.25 * em;
	double frame = (FLAME_TOP_LINES + FLAME_BOTTOM_LINES) * line;
	if (o->height <= 0) {
		double want = frame + rows * FLAME_ROW_LINES * line;
		o->height = want < 540 ? 540 : want > 2000 ? 2000 : (int)ceil(want);
	}
	f->plot_px = (FLAME_RIGHT - FLAME_LEFT) * o->width;
	f->char_px = 0.6 * em; /* DejaVu Sans averages 0.55 em over names */
	f->label_rows = (o->height - frame) / rows >= 1.1 * em;
	f->rows = rows;
}

/* ---- colours ---- */

static unsigned hash(const char *label)
{
	unsigned h = 2166136261u;
	for (const char *c = label; *c; c++)
		h = (h ^ (unsigned char)*c) * 16777619u;
	return h;
}

/* Machine code warm (reds to yellows), Python frames cool (blues to greens),
 * allocators grey: where the program's own code ends shows at a glance. A name
 * keeps its colour from one chart to the next. */
static unsigned flame_colour(const struct report_node *n)
{
	unsigned h = hash(n->label);
	unsigned r, g, b;
	if (report_kind_is_python(n->kind)) {
		r = 90 + h % 50, g = 170 + (h >> 8) % 60, b = 200 + (h >> 16) % 50;
	} else if (stk_is_allocator(n->label)) {
		r = g = b = 190 + h % 25;
	} else {
		r = 205 + h % 50, g = 80 + (h >> 8) % 130, b = 30 + (h >> 16) % 50;
	}
	return r << 16 | g << 8 | b;
}

/* ---- boxes and labels ---- */

/* A box's figures after its name where the box has room for them: a picture
 * has no tooltips. */
static void flame_text(const struct flame *f, const struct report_node *n, double w, char *out,
		       size_t size)
{
	char with[600], fig[32];
	report_size_text(n->bytes, fig, sizeof(fig));
	snprintf(with, sizeof(with), "%s (%s%s, %.0f%%)", n->label, f->approx, fig, 100 * w);
	if (report_fit_label(with, w * f->plot_px, f->char_px, out, size) && !strcmp(out, with))
		return;
	report_fit_label(n->label, w * f->plot_px, f->char_px, out, size);
}

static void flame_label(struct flame *f, const struct report_node *n, double x, double w, int depth)
{
	char text[600];
	if (!f->label_rows || f->labels >= 4000)
		return;
	flame_text(f, n, w, text, sizeof(text));
	if (!text[0])
		return;
	char *q = gp_quote(text);
	/* Left-aligned, a few pixels in, as flame graphs usually are. */
	fprintf(f->script, "set label %d %s at %.9f, %.3f left front\n", 1 + f->labels++, q,
		x + 3 / f->plot_px, depth + 0.5);
	free(q);
}

static void flame_node(struct flame *f, const struct report_node *n, double x, int depth)
{
	double w = n->bytes / f->total;
	if (w <= 0)
		return;
	fprintf(f->data, "%.9f %.3f %.9f %.9f %.3f %.3f %u\n", x + w / 2, depth + 0.5, x, x + w,
		depth + 0.04, depth + 0.96, flame_colour(n));
	flame_label(f, n, x, w, depth);
	for (size_t i = 0; i < n->nkids; i++) {
		flame_node(f, &n->kids[i], x, depth + 1);
		x += n->kids[i].bytes / f->total;
	}
}

/* ---- the script ---- */

static void flame_title(FILE *s, const struct report *r)
{
	char title[4400], size[32];
	report_size_text(r->tree.bytes, size, sizeof(size));
	snprintf(title, sizeof(title), "%s (pid %d): where the %s comes from, %s%s%s", r->exe,
		 r->pid,
		 r->m == RM_PEAK   ? "heap at its peak"
		 : r->m == RM_LEAK ? "leaked memory"
				   : "allocated memory",
		 r->exact ? "" : "~", size, r->exact ? "" : " (estimated from samples)");
	char *qt = gp_quote(title);
	fprintf(s, "set title %s\n", qt);
	free(qt);
}

static void flame_frame(FILE *s, const struct report *r, const struct plot_opts *o,
			const char *dpath)
{
	double line = 1.25 * em_px(o);
	char *qd = gp_quote(dpath);
	fprintf(s,
		"unset key\nset border 1 lc rgb '#404040'\nset xrange [0:1]\nset yrange [0:%d]\n"
		"set xtics ('0%%%%' 0, '25%%%%' 0.25, '50%%%%' 0.5, '75%%%%' 0.75, '100%%%%' 1) "
		"nomirror\nunset ytics\nset xlabel 'share of the %s'\n"
		"set lmargin at screen %g\nset rmargin at screen %g\n"
		"set tmargin at screen %.6f\nset bmargin at screen %.6f\n"
		"plot %s using 1:2:3:4:5:6:7 with boxxyerror fs solid 0.9 border lc rgb '#ffffff' "
		"lc rgb variable notitle\n",
		r->tree.nkids ? tree_depth(&r->tree) : 1,
		r->m == RM_PEAK	  ? "heap at its peak"
		: r->m == RM_LEAK ? "memory leaked at exit"
				  : "bytes allocated",
		FLAME_LEFT, FLAME_RIGHT, 1 - FLAME_TOP_LINES * line / o->height,
		FLAME_BOTTOM_LINES * line / o->height, qd);
	free(qd);
}

static int flame_close(struct flame *f, const char *dir, struct err *e)
{
	int bad = plot_fclose(f->data);
	int saved = bad ? errno : 0;
	if (plot_fclose(f->script) && !bad)
		bad = 1, saved = errno;
	return bad ? err_sys(e, saved, "cannot write in '%s'", dir) : 0;
}

int report_flame_write(const struct report *r, struct plot_opts *o, const char *dir, struct err *e)
{
	if (r->tree.bytes <= 0)
		return err_set(e, "no memory to draw: no site holds bytes under '%s'",
			       report_metric_name(r->m));
	char spath[4096], dpath[4096];
	snprintf(spath, sizeof(spath), "%s/flame.gp", dir);
	snprintf(dpath, sizeof(dpath), "%s/flame.dat", dir);
	struct flame f = {.data = fopen(dpath, "w"), .script = fopen(spath, "w")};
	if (!f.data || !f.script) {
		int saved = errno;
		if (f.data)
			fclose(f.data);
		if (f.script)
			fclose(f.script);
		return err_sys(e, saved, "cannot write in '%s'", dir);
	}
	f.total = r->tree.bytes;
	f.approx = r->exact ? "" : "~";
	flame_geometry(&f, o, tree_depth(&r->tree));
	plot_terminal(f.script, o);
	fprintf(f.script, "set encoding utf8\n");
	flame_title(f.script, r);
	/* The root is the whole heap: its children start at depth 0. */
	double x = 0;
	for (size_t i = 0; i < r->tree.nkids; i++) {
		flame_node(&f, &r->tree.kids[i], x, 0);
		x += r->tree.kids[i].bytes / f.total;
	}
	flame_frame(f.script, r, o, dpath);
	return flame_close(&f, dir, e);
}
