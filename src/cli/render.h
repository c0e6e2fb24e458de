/* render.h - running a gnuplot script into a file atomically, and cleaning up the private directory
 * it used. */
#ifndef MPROF_RENDER_H
#define MPROF_RENDER_H

/* Renders script into a temporary file beside out, then renames it over out: a
 * failed render leaves out as it was. Prints the error; returns an exit status. */
int render_to_file(const char *script, const char *out);

/* Removes dir and the files in it (one level). */
void remove_tree(const char *dir);

/* Creates a private directory for a script and its data (the template is
 * rewritten in place). 0, or -1 after printing the error. */
int render_dir(char *tmpl);

/* Parses --size WIDTHxHEIGHT (100 to 20000 pixels each). 0, or -1 after printing
 * the usage error. */
int render_parse_size(const char *s, int *w, int *h);

#endif
