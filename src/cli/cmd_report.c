/* cmd_report.c - 'mprof report': where the memory comes from, from the allocation stacks of a
 * recording made with --stacks. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cmds.h"
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
	      "call tree branches below PCT percent are left out of the text report (default 1)"),
    OPT_VALUE(0, "pid", O_PID, "PID", "the process (default: the one with the largest heap peak)"),
    OPT_FLAG(0, "folded", O_FOLDED, "collapsed stacks for flame-graph tools, on stdout"),
    OPT_FLAG(0, "json", O_JSON, "the sites and their frames as JSON (keys: json.md)"),
    OPT_VALUE('o', "output", O_OUT, "FILE", "a flame chart: .png, .svg or .pdf"),
    OPT_VALUE(0, "size", O_SIZE, "WxH",
	      "the chart's size in pixels (default 1260x540; needs --output)"),
    OPT_FLAG(0, "native", O_NATIVE,
	     "every frame as recorded: the Python interpreter's own frames between and around "
	     "Python frames are folded away otherwise"),
    OPT_HELP(O_HELP),
    {0},
};

struct view {
	const struct stk_data *d;
	size_t image;
	enum report_metric m;
	const char *approx; /* "~" for estimates */
};

static void size_text(double bytes, char *buf, size_t n)
{
	if (bytes >= 1024.0 * 1024 * 1024)
		snprintf(buf, n, "%.2f GiB", bytes / (1024.0 * 1024 * 1024));
	else if (bytes >= 1024.0 * 1024)
		snprintf(buf, n, "%.1f MiB", bytes / (1024.0 * 1024));
	else if (bytes >= 1024)
		snprintf(buf, n, "%.1f KiB", bytes / 1024);
	else
		snprintf(buf, n, "%.0f B", bytes);
}

static void print_sites(const struct view *v, enum report_metric m, size_t top, double whole)
{
	size_t n;
	size_t *order = report_sites(v->d, v->image, m, &n);
	if (!n)
		printf("  (none)\n");
	else
		printf("  %11s  %6s  %9s  %s\n", "bytes", "share", "blocks", "site");
	for (size_t i = 0; i < n && (!top || i < top); i++) {
		const struct stk_site *s = &v->d->sites[order[i]];
		char size[32], label[4096];
		size_text(report_bytes(s, m), size, sizeof(size));
		stk_site_label(v->d, s, 4, STK_LABEL_FULL, label, sizeof(label));
		printf("  %s%10s  %5.1f%%  %9.0f  %s\n", v->approx[0] ? "~" : " ", size,
		       whole > 0 ? 100 * report_bytes(s, m) / whole : 0, report_blocks(s, m),
		       label);
	}
	if (top && n > top)
		printf("  ... and %zu more sites (--top 0 lists all)\n", n - top);
	free(order);
}

static void print_tree(const struct view *v, const struct report_node *node, int depth,
		       double whole, double min_pct)
{
	for (size_t i = 0; i < node->nkids; i++) {
		const struct report_node *k = &node->kids[i];
		double pct = whole > 0 ? 100 * k->bytes / whole : 0;
		if (pct < min_pct)
			continue;
		char size[32];
		size_text(k->bytes, size, sizeof(size));
		printf("  %s%10s %5.1f%%  %*s%s\n", v->approx, size, pct, 2 * depth, "", k->label);
		print_tree(v, k, depth + 1, whole, min_pct);
	}
}

static void print_text(const struct view *v, const char *path, size_t top, double min_pct)
{
	const struct stk_data *d = v->d;
	const struct stk_image *im = &d->images[v->image];
	char peak[32], leak[32];
	size_text(im->peak, peak, sizeof(peak));
	size_text(im->leak, leak, sizeof(leak));
	printf("%s: process %d (%s)\n", path, im->pid, im->exe);
	if (d->all)
		printf("stacks of every allocation: figures are exact\n");
	else
		printf("stacks sampled every %llu bytes on average: figures are estimates (~)\n",
		       (unsigned long long)d->sample_bytes);
	printf("heap peak %s%s, still allocated at exit %s%s, %llu allocations recorded\n",
	       v->approx, peak, v->approx, leak, (unsigned long long)im->allocs);
	if (im->lost)
		printf("warning: %llu allocations have no stack (stack table full, or the recorder "
		       "fell behind)\n",
		       (unsigned long long)im->lost);
	size_t nun;
	uint32_t *unnamed = stk_unnamed_modules(d, v->image, &nun);
	for (size_t i = 0; i < nun; i++) {
		const char *mod = d->modules[unnamed[i]], *base = strrchr(mod, '/');
		const char *pkg = d->packages ? d->packages[unnamed[i]] : NULL;
		if (i == 0)
			printf("note: modules without symbols: their local functions show as "
			       "module+offset\n");
		if (pkg && strcmp(pkg, "-"))
			printf("  %s: install %s-dbgsym (Debian's debug archive) or %s-dbg\n",
			       base ? base + 1 : mod, pkg, pkg);
		else
			printf("  %s: build it with -g, or keep its symbols (do not strip it)\n",
			       base ? base + 1 : mod);
	}
	free(unnamed);
	const char *what = v->m == RM_PEAK   ? "at the heap peak"
			   : v->m == RM_LEAK ? "still allocated at exit"
					     : "allocated in all";
	printf("\nAllocation sites %s:\n", what);
	print_sites(v, v->m, top, report_whole(d, v->image, v->m));
	if (v->m != RM_LEAK) {
		printf("\nLeaks (still allocated at exit%s):\n", d->all ? "" : ", estimated");
		print_sites(v, RM_LEAK, top, report_whole(d, v->image, RM_LEAK));
	}
	struct report_node root;
	report_tree(d, v->image, v->m, &root);
	printf("\nCall tree %s (branches under %g%% left out):\n", what, min_pct);
	print_tree(v, &root, 0, root.bytes, min_pct);
	if (!root.nkids)
		printf("  (none)\n");
	report_tree_release(&root);
}

static int draw(const struct view *v, const char *path, const char *out, struct plot_opts *o)
{
	char *dir = render_dir("mprof-report");
	if (!dir)
		return EXIT_FAIL;
	const struct stk_image *im = &v->d->images[v->image];
	char title[4200];
	snprintf(title, sizeof(title), "%s (pid %d): where the %s comes from%s", im->exe, im->pid,
		 v->m == RM_PEAK   ? "heap at its peak"
		 : v->m == RM_LEAK ? "leaked memory"
				   : "allocated memory",
		 v->d->all ? "" : " (estimated from samples)");
	struct err e;
	int rc = EXIT_FAIL;
	if (report_flame_write(v->d, v->image, v->m, o, title, dir, &e)) {
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

int cmd_report(int argc, char **argv)
{
	struct view v = {NULL, 0, RM_PEAK, ""};
	struct plot_opts po = {.format = PLOT_PNG, .width = 1260, .height = 540};
	long top = 10, pid = 0;
	double min_pct = 1;
	int folded = 0, json = 0, native = 0, id, sized = 0;
	const char *text_only = NULL; /* an option of the text report given */
	const char *out = NULL;
	char *words[2];
	int nwords = 0;
	struct opt_state st;
	opt_init(&st, argc, argv, "report", 0);
	while ((id = opt_next(&st, opts)) != OPT_END) {
		char *end;
		switch (id) {
		case OPT_ERROR:
			return EXIT_USAGE;
		case OPT_POSITIONAL:
			if (nwords == 1) {
				report("report: one recording at a time, got '%s' and '%s'",
				       words[0], st.arg);
				return EXIT_USAGE;
			}
			words[nwords++] = (char *)st.arg;
			break;
		case O_HELP:
			print_help(help, opts, NULL);
			return EXIT_OK;
		case O_SORT:
			if (report_metric_parse(st.arg, &v.m)) {
				report("--sort: expected peak, leak or total, got '%s'", st.arg);
				return EXIT_USAGE;
			}
			break;
		case O_TOP:
			top = strtol(st.arg, &end, 10);
			text_only = "--top";
			if (end == st.arg || *end || top < 0) {
				report("--top: expected a count (0 for all), got '%s'", st.arg);
				return EXIT_USAGE;
			}
			break;
		case O_MIN:
			text_only = "--min";
			min_pct = strtod(st.arg, &end);
			if (end == st.arg || *end || !(min_pct >= 0 && min_pct <= 100)) {
				report("--min: expected a percentage from 0 to 100, got '%s'",
				       st.arg);
				return EXIT_USAGE;
			}
			break;
		case O_PID:
			pid = strtol(st.arg, &end, 10);
			if (end == st.arg || *end || pid <= 0 || pid > 1 << 30) {
				report("--pid: expected a process id, got '%s'", st.arg);
				return EXIT_USAGE;
			}
			break;
		case O_FOLDED:
			folded = 1;
			break;
		case O_JSON:
			json = 1;
			break;
		case O_NATIVE:
			native = 1;
			break;
		case O_OUT:
			out = st.arg;
			if (plot_format_of(out, &po.format)) {
				report("--output: '%s' has an unknown extension; use .png, .svg or "
				       ".pdf",
				       out);
				return EXIT_USAGE;
			}
			break;
		case O_SIZE:
			if (render_parse_size(st.arg, &po.width, &po.height))
				return EXIT_USAGE;
			sized = 1;
			break;
		}
	}
	if (folded + json > 1) {
		report("report: --folded and --json cannot be combined");
		return EXIT_USAGE;
	}
	if (sized && !out) {
		report("report: --size applies to the flame chart (--output)");
		return EXIT_USAGE;
	}
	if (text_only && (folded || json || out)) {
		report("report: %s applies to the text report, not to %s", text_only,
		       folded ? "--folded"
		       : json ? "--json"
			      : "--output");
		return EXIT_USAGE;
	}
	char **paths;
	int n;
	if (resolve_recordings(words, nwords, &paths, &n))
		return EXIT_FAIL;
	struct stk_data d;
	struct err e;
	int rc = EXIT_FAIL;
	if (stk_read(paths[0], &d, &e)) {
		report("%s", e.msg);
		goto out;
	}
	if (!d.present) {
		report("%s: no allocation stacks; record with 'mprof run --stacks'", paths[0]);
		goto release;
	}
	if (!native)
		stk_fold_interpreter(&d);
	long image = stk_pick_image(&d, (int)pid);
	if (image < 0) {
		if (pid)
			report("%s: no stacks of process %ld", paths[0], pid);
		else
			report("%s: no process recorded allocation stacks", paths[0]);
		goto release;
	}
	v.d = &d;
	v.image = (size_t)image;
	v.approx = d.all ? "" : "~";
	rc = EXIT_OK;
	if (out)
		rc = draw(&v, paths[0], out, &po);
	if (folded) {
		char *text = report_folded(&d, v.image, v.m);
		fputs(text, stdout);
		free(text);
	} else if (json) {
		cJSON *j = report_json(&d, v.image, v.m);
		char *text = cJSON_Print(j);
		puts(text);
		free(text);
		cJSON_Delete(j);
	} else if (!out) {
		print_text(&v, paths[0], (size_t)top, min_pct);
	}
release:
	stk_data_release(&d);
out:
	profiles_free_paths(paths, n);
	return rc;
}
