/* report.c - what 'mprof report' shows of allocation stacks: sites by memory, the call tree, folded
 * stacks, JSON, the flame chart. */
#include "core/report.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/gnuplot.h"

int report_metric_parse(const char *s, enum report_metric *m)
{
	static const char *const names[] = {"peak", "leak", "total"};
	for (int i = 0; i < 3; i++)
		if (!strcmp(s, names[i])) {
			*m = (enum report_metric)i;
			return 0;
		}
	return -1;
}

const char *report_metric_name(enum report_metric m)
{
	return m == RM_PEAK ? "peak" : m == RM_LEAK ? "leak" : "total";
}

double report_bytes(const struct stk_site *s, enum report_metric m)
{
	return m == RM_PEAK ? s->peak_b : m == RM_LEAK ? s->leak_b : s->total_b;
}

double report_blocks(const struct stk_site *s, enum report_metric m)
{
	return m == RM_PEAK ? s->peak_n : m == RM_LEAK ? s->leak_n : s->total_n;
}

double report_whole(const struct stk_data *d, size_t image, enum report_metric m)
{
	const struct stk_image *im = &d->images[image];
	if (m != RM_TOTAL)
		return m == RM_PEAK ? im->peak : im->leak;
	double sum = 0;
	for (size_t i = 0; i < d->nsites; i++)
		if (d->sites[i].image == image)
			sum += d->sites[i].total_b;
	return sum;
}

static const struct stk_data *sort_d;
static enum report_metric sort_m;

static int by_value(const void *x, const void *y)
{
	double a = report_bytes(&sort_d->sites[*(const size_t *)x], sort_m);
	double b = report_bytes(&sort_d->sites[*(const size_t *)y], sort_m);
	return (a < b) - (a > b);
}

size_t *report_sites(const struct stk_data *d, size_t image, enum report_metric m, size_t *n)
{
	size_t *v = xcalloc(d->nsites + 1, sizeof(*v));
	*n = 0;
	for (size_t i = 0; i < d->nsites; i++)
		if (d->sites[i].image == image && report_bytes(&d->sites[i], m) > 0)
			v[(*n)++] = i;
	sort_d = d;
	sort_m = m;
	qsort(v, *n, sizeof(*v), by_value);
	return v;
}

/* ---- the call tree ---- */

static struct report_node *child(struct report_node *n, const char *label)
{
	for (size_t i = 0; i < n->nkids; i++)
		if (!strcmp(n->kids[i].label, label))
			return &n->kids[i];
	n->kids = xrealloc(n->kids, (n->nkids + 1) * sizeof(*n->kids));
	struct report_node *k = &n->kids[n->nkids++];
	memset(k, 0, sizeof(*k));
	k->label = xstrdup(label);
	return k;
}

static int by_bytes(const void *x, const void *y)
{
	const struct report_node *a = x, *b = y;
	return (a->bytes < b->bytes) - (a->bytes > b->bytes);
}

static void sort_tree(struct report_node *n)
{
	if (n->nkids > 1) /* a leaf's kids may be NULL, which qsort must not get */
		qsort(n->kids, n->nkids, sizeof(*n->kids), by_bytes);
	for (size_t i = 0; i < n->nkids; i++)
		sort_tree(&n->kids[i]);
}

void report_tree(const struct stk_data *d, size_t image, enum report_metric m,
		 struct report_node *root)
{
	memset(root, 0, sizeof(*root));
	root->label = xstrdup("all");
	for (size_t i = 0; i < d->nsites; i++) {
		const struct stk_site *s = &d->sites[i];
		double b = report_bytes(s, m), n = report_blocks(s, m);
		if (s->image != image || b <= 0)
			continue;
		struct report_node *at = root;
		at->bytes += b;
		at->blocks += n;
		for (size_t k = s->nframes; k-- > 0;) {
			char buf[4096];
			at = child(at, stk_fn_label(d, s->frames[k], buf, sizeof(buf)));
			at->bytes += b;
			at->blocks += n;
		}
	}
	sort_tree(root);
}

void report_tree_release(struct report_node *root)
{
	for (size_t i = 0; i < root->nkids; i++)
		report_tree_release(&root->kids[i]);
	free(root->kids);
	free(root->label);
	memset(root, 0, sizeof(*root));
}

/* ---- folded stacks ---- */

struct folded {
	char *out;
	size_t len, cap;
	char path[8192];
};

/* Each node's own bytes (not its children's) on the path that leads to it. */
static void fold(struct folded *f, const struct report_node *n, size_t at)
{
	size_t start = at;
	if (at && at < sizeof(f->path) - 1)
		f->path[at++] = ';';
	/* ';' separates frames and ' ' ends them in this format. */
	for (const char *c = n->label; *c && at < sizeof(f->path) - 1; c++)
		f->path[at++] = *c == ';' || *c == ' ' ? '_' : *c;
	double own = n->bytes;
	for (size_t i = 0; i < n->nkids; i++)
		own -= n->kids[i].bytes;
	if (own >= 0.5) {
		xgrow((void **)&f->out, &f->cap, f->len + at + 32, 1);
		memcpy(f->out + f->len, f->path, at);
		f->len += at;
		f->len += (size_t)sprintf(f->out + f->len, " %.0f\n", own);
	}
	for (size_t i = 0; i < n->nkids; i++)
		fold(f, &n->kids[i], at);
	(void)start;
}

char *report_folded(const struct stk_data *d, size_t image, enum report_metric m)
{
	struct report_node root;
	report_tree(d, image, m, &root);
	struct folded f = {xmalloc(256), 0, 256, ""};
	for (size_t i = 0; i < root.nkids; i++)
		fold(&f, &root.kids[i], 0);
	double own = root.bytes;
	for (size_t i = 0; i < root.nkids; i++)
		own -= root.kids[i].bytes;
	if (own >= 0.5) {
		xgrow((void **)&f.out, &f.cap, f.len + 48, 1);
		f.len += (size_t)sprintf(f.out + f.len, "[unknown] %.0f\n", own);
	}
	f.out[f.len] = '\0';
	report_tree_release(&root);
	return f.out;
}

/* ---- JSON ---- */

cJSON *report_json(const struct stk_data *d, size_t image, enum report_metric m)
{
	const struct stk_image *im = &d->images[image];
	cJSON *root = cJSON_CreateObject();
	cJSON_AddNumberToObject(root, "version", 1);
	cJSON_AddStringToObject(root, "mode", d->all ? "all" : "sample");
	cJSON_AddBoolToObject(root, "estimated", !d->all);
	if (!d->all)
		cJSON_AddNumberToObject(root, "sample_bytes", (double)d->sample_bytes);
	cJSON_AddStringToObject(root, "sort", report_metric_name(m));
	cJSON *img = cJSON_AddObjectToObject(root, "process");
	cJSON_AddNumberToObject(img, "pid", im->pid);
	cJSON_AddStringToObject(img, "exe", im->exe);
	cJSON_AddNumberToObject(img, "heap_peak_bytes", im->peak);
	cJSON_AddNumberToObject(img, "leaked_bytes", im->leak);
	cJSON_AddNumberToObject(img, "allocations_recorded", (double)im->allocs);
	cJSON_AddNumberToObject(img, "allocations_without_stack", (double)im->lost);
	cJSON *sites = cJSON_AddArrayToObject(root, "sites");
	size_t n;
	size_t *order = report_sites(d, image, m, &n);
	for (size_t i = 0; i < n; i++) {
		const struct stk_site *s = &d->sites[order[i]];
		cJSON *o = cJSON_CreateObject();
		cJSON_AddNumberToObject(o, "peak_bytes", s->peak_b);
		cJSON_AddNumberToObject(o, "peak_blocks", s->peak_n);
		cJSON_AddNumberToObject(o, "leaked_bytes", s->leak_b);
		cJSON_AddNumberToObject(o, "leaked_blocks", s->leak_n);
		cJSON_AddNumberToObject(o, "allocated_bytes", s->total_b);
		cJSON_AddNumberToObject(o, "allocations", s->total_n);
		cJSON *frames = cJSON_AddArrayToObject(o, "frames");
		for (size_t k = 0; k < s->nframes; k++) {
			const struct stk_fn *fn = &d->fns[s->frames[k]];
			cJSON *f = cJSON_CreateObject();
			cJSON_AddStringToObject(f, "kind",
						fn->kind == STK_PYTHON	  ? "python"
						: fn->kind == STK_INLINED ? "inlined"
									  : "native");
			cJSON_AddStringToObject(f, "function", fn->name);
			if (fn->kind == STK_INLINED)
				cJSON_AddBoolToObject(f, "inlined", 1);
			if (fn->kind != STK_PYTHON) {
				if (fn->module)
					cJSON_AddStringToObject(f, "module",
								d->modules[fn->module]);
				else
					cJSON_AddNullToObject(f, "module");
				char off[32];
				snprintf(off, sizeof(off), "0x%llx", (unsigned long long)fn->vaddr);
				cJSON_AddStringToObject(f, "offset", off);
			}
			if (fn->line) {
				/* "file:line": the line is what follows the last colon */
				const char *colon = strrchr(fn->line, ':');
				char *end = NULL;
				long line = colon ? strtol(colon + 1, &end, 10) : 0;
				if (colon && end != colon + 1 && !*end) {
					char *file = xstrdup(fn->line);
					file[colon - fn->line] = '\0';
					cJSON_AddStringToObject(f, "file", file);
					cJSON_AddNumberToObject(f, "line", (double)line);
					free(file);
				}
				cJSON_AddStringToObject(f, "source", fn->line);
			}
			cJSON_AddItemToArray(frames, f);
		}
		cJSON_AddItemToArray(sites, o);
	}
	free(order);
	return root;
}

/* ---- the flame chart ---- */

struct flame {
	FILE *data, *script;
	double total;
	int width, labels, maxdepth;
};

static unsigned warm_color(const char *label)
{
	unsigned h = 2166136261u;
	for (const char *c = label; *c; c++)
		h = (h ^ (unsigned char)*c) * 16777619u;
	unsigned r = 205 + h % 50, g = 80 + (h >> 8) % 130, b = 30 + (h >> 16) % 50;
	return r << 16 | g << 8 | b;
}

static void flame_node(struct flame *f, const struct report_node *n, double x, int depth)
{
	double w = n->bytes / f->total;
	if (w <= 0)
		return;
	if (depth > f->maxdepth)
		f->maxdepth = depth;
	fprintf(f->data, "%.9f %.3f %.9f %.9f %.3f %.3f %u\n", x + w / 2, depth + 0.5, x, x + w,
		depth + 0.04, depth + 0.96, warm_color(n->label));
	double px = w * f->width * 0.9;
	size_t fits = px > 14 ? (size_t)((px - 8) / 7) : 0;
	if (fits >= 3 && f->labels < 400) {
		char text[160];
		snprintf(text, sizeof(text), "%s", n->label);
		if (strlen(text) > fits) {
			text[fits > 2 ? fits - 2 : 0] = '\0';
			strcat(text, "..");
		}
		char *q = gp_quote(text);
		fprintf(f->script, "set label %d %s at %.9f, %.3f center front\n", 1 + f->labels++,
			q, x + w / 2, depth + 0.5);
		free(q);
	}
	for (size_t i = 0; i < n->nkids; i++) {
		flame_node(f, &n->kids[i], x, depth + 1);
		x += n->kids[i].bytes / f->total;
	}
}

int report_flame_write(const struct stk_data *d, size_t image, enum report_metric m,
		       const struct plot_opts *o, const char *title, const char *dir, struct err *e)
{
	struct report_node root;
	report_tree(d, image, m, &root);
	if (root.bytes <= 0) {
		report_tree_release(&root);
		return err_set(e, "no memory to draw: no site holds bytes under '%s'",
			       report_metric_name(m));
	}
	char spath[4096], dpath[4096];
	snprintf(spath, sizeof(spath), "%s/flame.gp", dir);
	snprintf(dpath, sizeof(dpath), "%s/flame.dat", dir);
	struct flame f = {fopen(dpath, "w"), fopen(spath, "w"), root.bytes, o->width, 0, 0};
	if (!f.data || !f.script) {
		int saved = errno;
		if (f.data)
			fclose(f.data);
		if (f.script)
			fclose(f.script);
		report_tree_release(&root);
		return err_sys(e, saved, "cannot write in '%s'", dir);
	}
	plot_terminal(f.script, o);
	char *qt = gp_quote(title);
	fprintf(f.script, "set title %s\n", qt);
	free(qt);
	/* The root is the whole heap: its children start at depth 0. */
	double x = 0;
	for (size_t i = 0; i < root.nkids; i++) {
		flame_node(&f, &root.kids[i], x, 0);
		x += root.kids[i].bytes / f.total;
	}
	char *qd = gp_quote(dpath);
	fprintf(f.script,
		"unset key\nset border 1 lc rgb '#404040'\nset xrange [0:1]\nset yrange [0:%d]\n"
		"set xtics ('0%%%%' 0, '25%%%%' 0.25, '50%%%%' 0.5, '75%%%%' 0.75, '100%%%%' 1) "
		"nomirror\n"
		"unset ytics\nset xlabel 'share of the %s'\nset lmargin 2\nset rmargin 2\n"
		"plot %s using 1:2:3:4:5:6:7 with boxxyerror fs solid 0.9 border lc rgb '#ffffff' "
		"lc rgb variable notitle\n",
		f.maxdepth + 1,
		m == RM_PEAK   ? "heap at its peak"
		: m == RM_LEAK ? "memory leaked at exit"
			       : "bytes allocated",
		qd);
	free(qd);
	int bad = plot_fclose(f.data);
	int saved = bad ? errno : 0;
	if (plot_fclose(f.script) && !bad)
		bad = 1, saved = errno;
	report_tree_release(&root);
	if (bad)
		return err_sys(e, saved, "cannot write in '%s'", dir);
	return 0;
}
