/* render.h - running a gnuplot script into a file atomically, and cleaning up the private directory
 * it used. */
#ifndef MPROF_RENDER_H
#define MPROF_RENDER_H

struct plot_opts;

/* Renders script into a temporary file beside out, checks it holds a whole picture
 * in o's format (see plot_output_check), then renames it over out: a failed or cut
 * render leaves out as it was and no temporary file. Prints the error ("No space left
 * on device" for a full disk); returns an exit status. */
int render_to_file(const char *script, const char *out, const struct plot_opts *o);

/* Removes dir and the files in it (one level). */
void remove_tree(const char *dir);

/* Creates a private directory "<name>-XXXXXX" for a script and its data, in $TMPDIR
 * (else /tmp). Returns its path (the caller frees it), or NULL after printing the
 * error. */
char *render_dir(const char *name);

/* Parses --size WIDTHxHEIGHT (100 to 20000 pixels each). 0, or -1 after printing
 * the usage error. */
int render_parse_size(const char *s, int *w, int *h);

#endif
