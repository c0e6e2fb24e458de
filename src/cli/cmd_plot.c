/* cmd_plot.c - 'mprof plot': draws recordings through gnuplot into PNG, SVG, PDF, or ASCII on the
 * terminal. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cmds.h"
#include "cli/htmlout.h"
#include "cli/opts.h"
#include "cli/render.h"
#include "core/dat.h"
#include "core/gnuplot.h"
#include "core/plot.h"
#include "core/report.h"

static const char help[] =
    "usage: mprof plot [options] [FILE|INDEX...]\n"
    "\n"
    "Draws recordings (the newest without arguments) through gnuplot: memory over\n"
    "time with the peak marked, the heap in use, children, function brackets, and\n"
    "a light band wherever the true maximum of an interval rose above its samples.\n"
    "Without --output, an ASCII plot of the terminal's size goes to standard output.\n";

enum { O_OUT = 1, O_TITLE, O_NOFUNC, O_WINDOW, O_FLAME, O_SLOPE, O_SIZE, O_BACKEND, O_HELP };

static const struct opt opts[] = {
    OPT_VALUE('o', "output", O_OUT, "FILE",
	      "write FILE: .png, .svg, .pdf, or .html (an interactive page); replaced atomically"),
    OPT_VALUE('t', "title", O_TITLE, "TEXT", "the title (default: the command line)"),
    OPT_FLAG('n', "no-function-ts", O_NOFUNC, "no function brackets and no peak lines"),
    OPT_VALUE('w', "window", O_WINDOW, "START,END", "only the time from START to END seconds"),
    OPT_FLAG('f', "flame", O_FLAME, "function calls as a timeline under the memory plot"),
    OPT_FLAG('s', "slope", O_SLOPE, "a trend line per series, its slope in MiB/s"),
    OPT_VALUE(0, "size", O_SIZE, "WxH",
	      "picture size in pixels (default 1260x540; needs --output)"),
    OPT_VALUE(0, "backend", O_BACKEND, "NAME",
	      "accepted for compatibility with the original's matplotlib backend; gnuplot needs "
	      "none"),
    OPT_HELP(O_HELP),
    {0},
};

static int parse_window(const char *s, struct plot_opts *o)
{
	char *end;
	o->w_start = strtod(s, &end);
	if (end == s || *end != ',')
		return -1;
	const char *b = end + 1;
	o->w_end = strtod(b, &end);
	if (end == b || *end || !(o->w_end > o->w_start))
		return -1;
	o->window = 1;
	return 0;
}

/* Renders ASCII into a file in our directory and copies it to stdout without the
 * form feed gnuplot's dumb terminal starts with. */
static int render_ascii(const char *script, const char *dir, const struct plot_opts *o)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/ascii.txt", dir);
	int fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	struct err e;
	if (fd < 0 || gp_run(script, fd, &e) || plot_output_check(fd, o, path, &e)) {
		if (fd < 0)
			err_sys(&e, errno, "cannot write '%s'", path);
		report("%s", e.msg);
		if (fd >= 0)
			close(fd);
		return EXIT_FAIL;
	}
	close(fd);
	size_t len;
	char *text = read_file(path, &len, &e);
	if (!text) {
		report("%s", e.msg);
		return EXIT_FAIL;
	}
	const char *p = text;
	while (len && (*p == '\f' || *p == '\n')) {
		p++;
		len--;
	}
	fwrite(p, 1, len, stdout);
	free(text);
	return fflush(stdout) ? EXIT_FAIL : EXIT_OK;
}

/* With allocation stacks: "heap peak: f 77%, g 19%", the largest sites at the heap
 * peak, each named by its innermost function (with its caller where two share it). */
static int heap_note(const char *path, char *out, size_t n)
{
	struct stk_data d;
	struct err e;
	if (stk_read(path, &d, &e))
		return -1;
	stk_fold_interpreter(&d);
	long image = d.present ? stk_pick_image(&d, 0) : -1;
	char *note = NULL;
	if (image >= 0) {
		struct report r;
		report_build(&d, (size_t)image, RM_PEAK, &r);
		note = report_peak_note(&r);
		report_release(&r);
	}
	int rc = note ? 0 : -1;
	if (note)
		snprintf(out, n, "%s", note);
	free(note);
	stk_data_release(&d);
	return rc;
}

/* plot -o x.html: the page of one recording. Returns the exit status. */
static int page(char **words, int nwords, const char *out, const struct plot_opts *o, int sized)
{
	if (sized || o->window || o->flame || o->slope || o->no_functions) {
		report("plot: --size, --window, --flame, --slope and -n apply to pictures, not to "
		       "'%s' (the page zooms itself)",
		       out);
		return EXIT_USAGE;
	}
	if (nwords > 1) {
		report("plot: a page shows one recording, got %d", nwords);
		return EXIT_USAGE;
	}
	char **paths;
	int n, rc = EXIT_FAIL;
	if (resolve_recordings(words, nwords, &paths, &n) == 0) {
		rc = html_output(paths[0], out, o->title);
		profiles_free_paths(paths, n);
	}
	return rc;
}

/* Without --output: the ASCII plot at the terminal's size (80x25 when not one). */
static void terminal_size(struct plot_opts *o)
{
	struct winsize ws;
	o->width = 80;
	o->height = 25;
	if (isatty(1) && ioctl(1, TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 40 && ws.ws_row >= 10) {
		o->width = ws.ws_col;
		o->height = ws.ws_row - 1;
	}
}

/* The recordings' picture, rendered through gnuplot into out (the terminal when
 * NULL). Returns the exit status. */
static int picture(char **words, int nwords, const char *out, struct plot_opts *o)
{
	char **paths;
	int n, rc = EXIT_FAIL;
	if (resolve_recordings(words, nwords, &paths, &n))
		return rc;
	struct plot_recording *recs = xcalloc((size_t)n, sizeof(*recs));
	int nread = 0;
	struct err e;
	for (; nread < n; nread++)
		if (plot_read(paths[nread], o, &recs[nread], &e)) {
			report("%s", e.msg);
			goto release;
		}
	char note[512] = "";
	if (n == 1 && heap_note(paths[0], note, sizeof(note)) == 0)
		o->heap_note = note;
	char *dir = render_dir("mprof-plot");
	if (!dir)
		goto release;
	if (plot_write(o, recs, n, dir, &e)) {
		report("%s", e.msg);
	} else {
		size_t len = strlen(dir) + 16;
		char *script = xmalloc(len);
		snprintf(script, len, "%s/plot.gp", dir);
		rc = out ? render_to_file(script, out, o) : render_ascii(script, dir, o);
		free(script);
	}
	if (!getenv("MPROF_KEEP_PLOT"))
		remove_tree(dir);
	else
		fprintf(stderr, "mprof: plot script kept in '%s'\n", dir);
	free(dir);
release:
	o->heap_note = NULL;
	for (int i = 0; i < nread; i++)
		plot_recording_release(&recs[i]);
	free(recs);
	profiles_free_paths(paths, n);
	return rc;
}

int cmd_plot(int argc, char **argv)
{
	struct plot_opts o = {.format = PLOT_DUMB, .width = 1260, .height = 540};
	const char *out = NULL;
	int sized = 0, id;
	char **words = xcalloc((size_t)argc + 1, sizeof(*words));
	int nwords = 0, rc = EXIT_USAGE;
	struct opt_state st;
	opt_init(&st, argc, argv, "plot", 0);
	while ((id = opt_next(&st, opts)) != OPT_END) {
		switch (id) {
		case OPT_ERROR:
			goto done;
		case OPT_POSITIONAL:
			words[nwords++] = (char *)st.arg;
			break;
		case O_HELP:
			print_help(help, opts, NULL);
			rc = EXIT_OK;
			goto done;
		case O_OUT:
			out = st.arg;
			break;
		case O_TITLE:
			o.title = st.arg;
			break;
		case O_NOFUNC:
			o.no_functions = 1;
			break;
		case O_FLAME:
			o.flame = 1;
			break;
		case O_SLOPE:
			o.slope = 1;
			break;
		case O_BACKEND:
			break; /* the original's matplotlib backend: gnuplot needs none */
		case O_WINDOW:
			if (parse_window(st.arg, &o)) {
				report("--window: expected START,END in seconds with START < END, "
				       "got '%s'",
				       st.arg);
				goto done;
			}
			break;
		case O_SIZE:
			if (render_parse_size(st.arg, &o.width, &o.height))
				goto done;
			sized = 1;
			break;
		}
	}
	if (out && html_is_page(out)) {
		rc = page(words, nwords, out, &o, sized);
	} else if (out && plot_format_of(out, &o.format)) {
		report("--output: '%s' has an unknown extension; use .png, .svg or .pdf (pictures) "
		       "or .html (a page)",
		       out);
	} else if (!out && sized) {
		report("plot: --size applies to a picture (--output); the ASCII plot takes the "
		       "terminal's size");
	} else {
		if (!out)
			terminal_size(&o);
		rc = picture(words, nwords, out, &o);
	}
done:
	free(words);
	return rc;
}
