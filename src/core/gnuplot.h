/* gnuplot.h - talking to gnuplot safely: inert quoting, and running it by argv with output on a
 * file descriptor. */
#ifndef MPROF_GNUPLOT_H
#define MPROF_GNUPLOT_H

#include "core/util.h"

/* Returns s as an inert gnuplot string expression that reads back as s: single-quoted
 * pieces (quotes doubled, or sprintf('%c',39) where gnuplot cannot take a doubled
 * one), control bytes dropped, invalid UTF-8 bytes as '?'. Use with noenhanced text.
 * Cannot fail; caller frees. */
char *gp_quote(const char *s);

/* Runs `gnuplot -d script` (no shell, no ~/.gnuplot) with its standard output on
 * out_fd. Returns 0; -1 with e filled when gnuplot is missing (message names the
 * Debian package) or fails (message holds its first error line). */
int gp_run(const char *script, int out_fd, struct err *e);

#endif
