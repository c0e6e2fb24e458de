/* htmlout.h - 'plot -o x.html' and 'report -o x.html': the interactive page of a recording. */
#ifndef MPROF_HTMLOUT_H
#define MPROF_HTMLOUT_H

/* 1 when path ends in ".html" or ".htm" (any case). */
int html_is_page(const char *path);

/* Writes the page of the recording at dat to out through a temporary file beside it,
 * renamed over out once whole: a failure leaves out as it was. title NULL: the
 * command line. Prints the error; returns an exit status. */
int html_output(const char *dat, const char *out, const char *title);

#endif
