/* cmd_report.c - 'mprof report': where the memory comes from, from the allocation stacks of a
 * recording made with --stacks. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cmds.h"
#include "cli/htmlout.h"
#include "cli/opts.h"
#include "cli/render.h"
#include "core/report.h"

static const char help[] =
    "usage: mprof report [options] [FILE|INDEX]\n"
    "\n"
    "Shows where the memory of a recording made with 'mprof run --stacks' came from:\n"
    "the allocation sites holding the most at the heap peak, what was still allocated\n"
    "at exit (leaks), and the call tree. With --stacks=all the figures are exact; with\n"
    "sampling they are estimates, marked with '~'.\n";

enum { O_SORT = 1, O_TOP, O_MIN, O_PID, O_FOLDED, O_JSON, O_OUT, O_SIZE, O_NATIVE, O_HELP };

static const struct opt opts[] = {
    OPT_VALUE(0, "sort", O_SORT, "peak|leak|total",
	      "what the sites, tree, folded stacks and chart measure: memory at the heap peak "
	      "(default), still allocated at exit, or ever allocated; a site's share is of the "
	      "process's whole: its heap peak, its leak, or all the bytes it allocated"),
    OPT_VALUE(0, "top", O_TOP, "N", "sites listed in the text report (default 10; 0 for all)"),
    OPT_VALUE(0, "min", O_MIN, "PCT",
	      "call tree branches below PCT percent, and sites the cycle collector freed less "
	      "than PCT percent of the heap peak of, are left out of the text report (default 1)"),
    OPT_VALUE(0, "pid", O_PID, "PID", "the process (default: the one with the largest heap peak)"),
    OPT_FLAG(0, "folded", O_FOLDED, "collapsed stacks for flame-graph tools, on stdout"),
    OPT_FLAG(0, "json", O_JSON, "the sites and their frames as JSON (keys: json.md)"),
    OPT_VALUE('o', "output", O_OUT, "FILE",
	      "a flame chart: .png, .svg or .pdf; .html: the interactive page (as plot -o)"),
    OPT_VALUE(0, "size", O_SIZE, "WxH",
	      "the chart's size in pixels (default 1260 wide, as tall as the call tree needs "
	      "from 540 to 2000; needs --output)"),
    OPT_FLAG(0, "native", O_NATIVE,
	     "every frame as recorded: the Python interpreter's own frames between and around "
	     "Python frames are folded away otherwise"),
    OPT_HELP(O_HELP),
    {0},
};

/* Writes r's flame chart to out through gnuplot. */
static int draw(const struct report *r, const char *path, const char *out, struct plot_opts *o)
{
	char *dir = render_dir("mprof-report");
	if (!dir)
		return EXIT_FAIL;
	struct err e;
	int rc = EXIT_FAIL;
	if (report_flame_write(r, o, dir, &e)) {
		report("%s: %s", path, e.msg);
	} else {
		size_t len = strlen(dir) + 16;
		char *script = xmalloc(len);
		snprintf(script, len, "%s/flame.gp", dir);
		rc = render_to_file(script, out, o);
		free(script);
	}
	remove_tree(dir);
	free(dir);
	return rc;
}

/* What the command line asked for. */
struct args {
	enum report_metric m;
	struct plot_opts po;
	long top, pid;
	double min_pct;
	int folded, json, sized, native;
	const char *text_only; /* an option of the text report given */
	const char *out;
	char *words[2];
	int nwords;
};

/* One option into a: 0, or EXIT_USAGE after saying why. */
static int apply(struct args *a, int id, const char *arg)
{
	char *end;
	switch (id) {
	case O_SORT:
		if (!report_metric_parse(arg, &a->m))
			return 0;
		report("--sort: expected peak, leak or total, got '%s'", arg);
		return EXIT_USAGE;
	case O_TOP:
		a->top = strtol(arg, &end, 10);
		a->text_only = "--top";
		if (end != arg && !*end && a->top >= 0)
			return 0;
		report("--top: expected a count (0 for all), got '%s'", arg);
		return EXIT_USAGE;
	case O_MIN:
		a->text_only = "--min";
		a->min_pct = strtod(arg, &end);
		if (end != arg && !*end && a->min_pct >= 0 && a->min_pct <= 100)
			return 0;
		report("--min: expected a percentage from 0 to 100, got '%s'", arg);
		return EXIT_USAGE;
	case O_PID:
		a->pid = strtol(arg, &end, 10);
		if (end != arg && !*end && a->pid > 0 && a->pid <= 1 << 30)
			return 0;
		report("--pid: expected a process id, got '%s'", arg);
		return EXIT_USAGE;
	case O_OUT:
		a->out = arg;
		if (html_is_page(arg) || !plot_format_of(arg, &a->po.format))
			return 0;
		report("--output: '%s' has an unknown extension; use .png, .svg or .pdf (pictures) "
		       "or .html (a page)",
		       arg);
		return EXIT_USAGE;
	case O_SIZE:
		a->sized = 1;
		return render_parse_size(arg, &a->po.width, &a->po.height) ? EXIT_USAGE : 0;
	case O_FOLDED:
		a->folded = 1;
		return 0;
	case O_JSON:
		a->json = 1;
		return 0;
	case O_NATIVE:
		a->native = 1;
		return 0;
	}
	return 0;
}

/* Options that do not go together: 0, or EXIT_USAGE after saying why. */
static int combined(const struct args *a)
{
	if (a->out && html_is_page(a->out) &&
	    (a->sized || a->folded || a->json || a->pid || a->m != RM_PEAK)) {
		report("report: '%s' is the whole page: --size, --folded, --json, --pid and --sort "
		       "do not apply",
		       a->out);
		return EXIT_USAGE;
	}
	if (a->folded + a->json > 1) {
		report("report: --folded and --json cannot be combined");
		return EXIT_USAGE;
	}
	if (a->sized && !a->out) {
		report("report: --size applies to the flame chart (--output)");
		return EXIT_USAGE;
	}
	if (a->text_only && (a->folded || a->json || a->out)) {
		report("report: %s applies to the text report, not to %s", a->text_only,
		       a->folded ? "--folded"
		       : a->json ? "--json"
				 : "--output");
		return EXIT_USAGE;
	}
	return 0;
}

/* Parses argv into a: -1 to go on, else the exit status (help, usage error). */
static int parse(struct args *a, int argc, char **argv)
{
	struct opt_state st;
	int id;
	opt_init(&st, argc, argv, "report", 0);
	while ((id = opt_next(&st, opts)) != OPT_END) {
		if (id == OPT_ERROR)
			return EXIT_USAGE;
		if (id == O_HELP) {
			print_help(help, opts, NULL);
			return EXIT_OK;
		}
		if (id == OPT_POSITIONAL && a->nwords == 1) {
			report("report: one recording at a time, got '%s' and '%s'", a->words[0],
			       st.arg);
			return EXIT_USAGE;
		}
		if (id == OPT_POSITIONAL)
			a->words[a->nwords++] = (char *)st.arg;
		else if (apply(a, id, st.arg))
			return EXIT_USAGE;
	}
	return combined(a) ? EXIT_USAGE : -1;
}

/* Prints the view a asked for of r (the flame chart first, when asked). */
static int show(const struct args *a, const struct report *r, const char *path)
{
	struct plot_opts po = a->po;
	int rc = EXIT_OK;
	char *text = NULL;
	if (a->out)
		rc = draw(r, path, a->out, &po);
	if (a->folded) {
		text = report_folded(r);
	} else if (a->json) {
		cJSON *j = report_json(r);
		char *body = cJSON_Print(j);
		cJSON_Delete(j);
		size_t len = strlen(body);
		text = xmalloc(len + 2);
		memcpy(text, body, len);
		memcpy(text + len, "\n", 2);
		free(body);
	} else if (!a->out) {
		struct report_text_opts to = {path, (size_t)a->top, a->min_pct};
		text = report_text(r, &to);
	}
	if (text)
		fputs(text, stdout);
	free(text);
	return rc;
}

/* The stacks of path's chosen process, shown as a asked. */
static int run(const struct args *a, const char *path)
{
	struct stk_data d;
	struct err e;
	if (stk_read(path, &d, &e)) {
		report("%s", e.msg);
		return EXIT_FAIL;
	}
	int rc = EXIT_FAIL;
	if (!a->native)
		stk_fold_interpreter(&d); /* Python code in its own words */
	long image = d.present ? stk_pick_image(&d, (int)a->pid) : -1;
	if (!d.present)
		report("%s: no allocation stacks; record with 'mprof run --stacks'", path);
	else if (image < 0 && a->pid)
		report("%s: no stacks of process %ld", path, a->pid);
	else if (image < 0)
		report("%s: no process recorded allocation stacks", path);
	if (image >= 0) {
		struct report r;
		report_build(&d, (size_t)image, a->m, &r);
		rc = show(a, &r, path);
		report_release(&r);
	}
	stk_data_release(&d);
	return rc;
}

int cmd_report(int argc, char **argv)
{
	/* Height 0: the flame chart as tall as its tree needs, unless --size says. */
	struct args a = {.m = RM_PEAK,
			 .po = {.format = PLOT_PNG, .width = 1260, .height = 0},
			 .top = 10,
			 .min_pct = 1};
	int rc = parse(&a, argc, argv);
	if (rc >= 0)
		return rc;
	char **paths;
	int n;
	if (resolve_recordings(a.words, a.nwords, &paths, &n))
		return EXIT_FAIL;
	/* the same page as plot's: it shows what the recording has */
	rc = a.out && html_is_page(a.out) ? html_output(paths[0], a.out, NULL) : run(&a, paths[0]);
	profiles_free_paths(paths, n);
	return rc;
}
