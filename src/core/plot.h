/* plot.h - turns recordings into a gnuplot script and data files: the original's picture and more.
 */
#ifndef MPROF_PLOT_H
#define MPROF_PLOT_H

#include <stdio.h>

#include "core/dat.h"
#include "core/util.h"

enum plot_format { PLOT_PNG, PLOT_SVG, PLOT_PDF, PLOT_DUMB };

struct plot_opts {
	enum plot_format format;
	int width, height; /* pixels; characters for PLOT_DUMB */
	const char *title; /* NULL: the recording's command line */
	int no_functions;  /* -n: no brackets and no peak lines */
	int flame;	   /* -f: calls as a timeline under the memory plot */
	int slope;	   /* -s: trend lines and their slopes */
	int window;	   /* -w given */
	double w_start, w_end;
	const char *heap_note; /* one recording: shown at its heap peak (allocation sites) */
};

/* Parses a file name's extension into a format. -1 when it is none of png, svg, pdf. */
int plot_format_of(const char *path, enum plot_format *f);

/* The script's first lines: o's terminal and size, output to standard output,
 * no enhanced text (names are shown as they are). Cannot fail. */
void plot_terminal(FILE *s, const struct plot_opts *o);

/* Checks that fd (gnuplot's output, from its start) holds a whole picture in o's
 * format: PNG signature and IEND chunk last, SVG ending in </svg>, PDF with %%EOF at
 * its end, or o->height lines of text. gnuplot exits 0 after a failed write, so this
 * is how a full disk shows. Returns 0; -1 with e filled ("cannot write 'name': ..."),
 * naming the cause: the file system's error (No space left on device) when it has
 * no room left, else the incomplete output. */
int plot_output_check(int fd, const struct plot_opts *o, const char *name, struct err *e);

/* fclose that also fails when an earlier write to f failed: 0, or -1 with errno set
 * (ENOSPC when f's file system has no room left, EIO when the cause is lost). */
int plot_fclose(FILE *f);

/* Calls (FUNC lines) a plot keeps for its brackets; later ones are counted, not drawn. */
#define PLOT_MAX_CALLS 20000

/* One recording as plot reads it: each series reduced while streaming to a bounded
 * number of points (every bucket of time keeps its first, last, lowest and highest
 * point, so every extreme is there with its time), whatever the size of the file. */
struct plot_recording {
	struct dat_recording r;	       /* the reduced series; a child's max holds its peak alone */
	struct dat_series rss_events;  /* RSS measured at calls' entry and exit (our FUNC lines) */
	struct dat_series heap_events; /* heap measured at calls and collections */
	size_t calls_left_out;	       /* FUNC lines past PLOT_MAX_CALLS: not drawn */
};

/* Reads the recording at path once, with dat_stream, into p (which it initialises),
 * in memory that depends on o's width and the number of children, not on the
 * number of samples. Returns 0, or -1 with e filled ("FILE:LINE: ...", or "FILE: no
 * memory samples (MEM lines)"), and p holds nothing to release. */
int plot_read(const char *path, const struct plot_opts *o, struct plot_recording *p, struct err *e);

/* Frees everything p owns. Safe on a zeroed one. */
void plot_recording_release(struct plot_recording *p);

/* Writes dir/plot.gp (output to standard output) and its data files into dir, an
 * existing private directory. Long series are reduced to the minimum and maximum
 * of each pixel column. Returns 0, or -1 with e filled (nothing to plot, I/O). */
int plot_write(const struct plot_opts *o, const struct plot_recording *recs, int nrecs,
	       const char *dir, struct err *e);

#endif
