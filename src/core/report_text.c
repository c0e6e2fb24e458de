/* report_text.c - the report's views in words: the text report, JSON, folded stacks, check's leak
 * sites and plot's label at the heap peak, all from one struct report. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/report.h"

/* A growing string: every view here writes into one. */
struct buf {
	char *s;
	size_t len, cap;
};

__attribute__((format(printf, 2, 3))) static void bprintf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	xgrow((void **)&b->s, &b->cap, b->len + (size_t)n + 1, 1);
	va_start(ap, fmt);
	vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

/* The string built so far (an empty one when nothing was), for the caller to free. */
static char *buf_done(struct buf *b)
{
	if (!b->s)
		return xstrdup("");
	return b->s;
}

void report_size_text(double bytes, char *out, size_t n)
{
	if (bytes >= 1024.0 * 1024 * 1024)
		snprintf(out, n, "%.2f GiB", bytes / (1024.0 * 1024 * 1024));
	else if (bytes >= 1024.0 * 1024)
		snprintf(out, n, "%.1f MiB", bytes / (1024.0 * 1024));
	else if (bytes >= 1024)
		snprintf(out, n, "%.1f KiB", bytes / 1024);
	else
		snprintf(out, n, "%.0f B", bytes);
}

/* ---- the text report ---- */

static void text_sites(struct buf *b, const struct report *r, const struct report_list *l,
		       size_t top)
{
	if (!l->n)
		bprintf(b, "  (none)\n");
	else
		bprintf(b, "  %11s  %6s  %9s  %s\n", "bytes", "share", "blocks", "site");
	for (size_t i = 0; i < l->n && (!top || i < top); i++) {
		const struct report_site *s = &l->v[i];
		char size[32];
		report_size_text(s->bytes, size, sizeof(size));
		bprintf(b, "  %s%10s  %5.1f%%  %9.0f  %s\n", r->exact ? " " : "~", size, s->share,
			s->blocks, s->label);
	}
	if (top && l->n > top)
		bprintf(b, "  ... and %zu more sites (--top 0 lists all)\n", l->n - top);
}

static void text_tree(struct buf *b, const struct report *r, const struct report_node *node,
		      int depth, double min_pct)
{
	for (size_t i = 0; i < node->nkids; i++) {
		const struct report_node *k = &node->kids[i];
		double pct = r->tree.bytes > 0 ? 100 * k->bytes / r->tree.bytes : 0;
		if (pct < min_pct)
			continue;
		char size[32];
		report_size_text(k->bytes, size, sizeof(size));
		bprintf(b, "  %s%10s %5.1f%%  %*s%s\n", r->exact ? "" : "~", size, pct, 2 * depth,
			"", k->label);
		text_tree(b, r, k, depth + 1, min_pct);
	}
}

/* How many of the sites the collector freed memory of reach min_pct of the heap
 * peak (the list is largest first). */
static size_t gc_listed(const struct report *r, double min_pct)
{
	size_t n = 0;
	while (n < r->gc_freed.n &&
	       r->gc_freed.v[n].bytes * 100 >= min_pct * (r->heap_peak > 0 ? r->heap_peak : 0))
		n++;
	return n;
}

/* The sites whose blocks the garbage collector freed, and in how many collections:
 * memory that only cycles kept alive. Only when a site reaches min_pct. */
static void text_gc(struct buf *b, const struct report *r, const struct report_text_opts *o)
{
	size_t n = gc_listed(r, o->min_pct);
	if (!r->collections || !n)
		return;
	char all[32];
	report_size_text(r->gc_freed.whole, all, sizeof(all));
	bprintf(b,
		"\nFreed by the cycle collector (%llu collections, %s%s in all%s; sites of %g%% of "
		"the heap peak or more):\n",
		r->collections, r->exact ? "" : "~", all, r->exact ? "" : ", estimated",
		o->min_pct);
	bprintf(b, "  %11s  %11s  %9s  %s\n", "bytes", "collections", "blocks", "site");
	for (size_t i = 0; i < n && (!o->top || i < o->top); i++) {
		const struct report_site *s = &r->gc_freed.v[i];
		char size[32];
		report_size_text(s->bytes, size, sizeof(size));
		bprintf(b, "  %s%10s  %11llu  %9.0f  %s\n", r->exact ? " " : "~", size,
			(unsigned long long)s->site->gc_colls, s->blocks, s->label);
	}
	if (o->top && n > o->top)
		bprintf(b, "  ... and %zu more sites (--top 0 lists all)\n", n - o->top);
}

/* What the figures are and what is missing from them. */
static void text_head(struct buf *b, const struct report *r, const char *path)
{
	const char *approx = r->exact ? "" : "~";
	char peak[32], leak[32];
	report_size_text(r->heap_peak, peak, sizeof(peak));
	report_size_text(r->leaked, leak, sizeof(leak));
	bprintf(b, "%s: process %d (%s)\n", path, r->pid, r->exe);
	if (r->exact)
		bprintf(b, "stacks of every allocation: figures are exact\n");
	else
		bprintf(b,
			"stacks sampled every %llu bytes on average: figures are estimates (~)\n",
			r->sample_bytes);
	bprintf(b, "heap peak %s%s, still allocated at exit %s%s, %llu allocations recorded\n",
		approx, peak, approx, leak, r->allocs);
	if (r->lost)
		bprintf(b,
			"warning: %llu allocations have no stack (stack table full, or the "
			"recorder fell behind)\n",
			r->lost);
	if (r->nnosym)
		bprintf(b, "note: modules without symbols: their local functions show as "
			   "module+offset\n");
	for (size_t i = 0; i < r->nnosym; i++)
		bprintf(b, "  %s: %s\n", r->nosym[i].base, r->nosym[i].advice);
}

char *report_text(const struct report *r, const struct report_text_opts *o)
{
	struct buf b = {0};
	const char *what = report_metric_phrase(r->m);
	text_head(&b, r, o->path);
	bprintf(&b, "\nAllocation sites %s:\n", what);
	text_sites(&b, r, &r->sites, o->top);
	if (r->m != RM_LEAK) {
		bprintf(&b, "\nLeaks (still allocated at exit%s):\n",
			r->exact ? "" : ", estimated");
		text_sites(&b, r, &r->leaks, o->top);
	}
	text_gc(&b, r, o);
	bprintf(&b, "\nCall tree %s (branches under %g%% left out):\n", what, o->min_pct);
	text_tree(&b, r, &r->tree, 0, o->min_pct);
	if (!r->tree.nkids)
		bprintf(&b, "  (none)\n");
	return buf_done(&b);
}

/* ---- JSON ---- */

static cJSON *json_frame(const struct stk_data *d, const struct stk_fn *fn)
{
	cJSON *f = cJSON_CreateObject();
	cJSON_AddStringToObject(f, "kind",
				fn->kind == STK_PYTHON	  ? "python"
				: fn->kind == STK_INLINED ? "inlined"
							  : "native");
	cJSON_AddStringToObject(f, "function", fn->name);
	if (fn->kind == STK_INLINED)
		cJSON_AddBoolToObject(f, "inlined", 1);
	if (fn->kind != STK_PYTHON) { /* a Python frame is in no module */
		if (fn->module)
			cJSON_AddStringToObject(f, "module", d->modules[fn->module]);
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
	return f;
}

static cJSON *json_site(const struct report *r, const struct report_site *rs)
{
	const struct stk_site *s = rs->site;
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "label", rs->label);
	cJSON_AddNumberToObject(o, "share", rs->share);
	cJSON_AddNumberToObject(o, "peak_bytes", s->peak_b);
	cJSON_AddNumberToObject(o, "peak_blocks", s->peak_n);
	cJSON_AddNumberToObject(o, "leaked_bytes", s->leak_b);
	cJSON_AddNumberToObject(o, "leaked_blocks", s->leak_n);
	cJSON_AddNumberToObject(o, "allocated_bytes", s->total_b);
	cJSON_AddNumberToObject(o, "allocations", s->total_n);
	cJSON_AddNumberToObject(o, "gc_freed_bytes", s->gc_b);
	cJSON_AddNumberToObject(o, "gc_freed_blocks", s->gc_n);
	cJSON_AddNumberToObject(o, "gc_collections", (double)s->gc_colls);
	cJSON *frames = cJSON_AddArrayToObject(o, "frames");
	for (size_t k = 0; k < s->nframes; k++)
		cJSON_AddItemToArray(frames, json_frame(r->d, &r->d->fns[s->frames[k]]));
	return o;
}

cJSON *report_json(const struct report *r)
{
	cJSON *root = cJSON_CreateObject();
	cJSON_AddNumberToObject(root, "version", 1);
	cJSON_AddStringToObject(root, "mode", r->exact ? "all" : "sample");
	cJSON_AddBoolToObject(root, "estimated", !r->exact);
	if (!r->exact)
		cJSON_AddNumberToObject(root, "sample_bytes", (double)r->sample_bytes);
	cJSON_AddStringToObject(root, "sort", report_metric_name(r->m));
	cJSON *img = cJSON_AddObjectToObject(root, "process");
	cJSON_AddNumberToObject(img, "pid", r->pid);
	cJSON_AddStringToObject(img, "exe", r->exe);
	cJSON_AddNumberToObject(img, "heap_peak_bytes", r->heap_peak);
	cJSON_AddNumberToObject(img, "leaked_bytes", r->leaked);
	cJSON_AddNumberToObject(img, "allocations_recorded", (double)r->allocs);
	cJSON_AddNumberToObject(img, "allocations_without_stack", (double)r->lost);
	cJSON *mods = cJSON_AddArrayToObject(root, "modules_without_symbols");
	for (size_t i = 0; i < r->nnosym; i++) {
		cJSON *mo = cJSON_CreateObject();
		cJSON_AddStringToObject(mo, "module", r->nosym[i].path);
		cJSON_AddStringToObject(mo, "advice", r->nosym[i].advice);
		cJSON_AddItemToArray(mods, mo);
	}
	cJSON *sites = cJSON_AddArrayToObject(root, "sites");
	for (size_t i = 0; i < r->sites.n; i++)
		cJSON_AddItemToArray(sites, json_site(r, &r->sites.v[i]));
	/* Every site the collector freed memory of, whatever it holds at the peak. */
	cJSON *gc = cJSON_AddObjectToObject(root, "gc");
	cJSON_AddNumberToObject(gc, "collections", (double)r->collections);
	cJSON_AddBoolToObject(gc, "estimated", !r->exact);
	cJSON_AddNumberToObject(gc, "freed_bytes", r->gc_freed.whole);
	cJSON *freed = cJSON_AddArrayToObject(gc, "sites");
	for (size_t i = 0; i < r->gc_freed.n; i++) {
		const struct report_site *rs = &r->gc_freed.v[i];
		cJSON *j = cJSON_CreateObject();
		cJSON_AddStringToObject(j, "label", rs->label);
		cJSON_AddNumberToObject(j, "share", rs->share);
		cJSON_AddNumberToObject(j, "gc_freed_bytes", rs->bytes);
		cJSON_AddNumberToObject(j, "gc_freed_blocks", rs->blocks);
		cJSON_AddNumberToObject(j, "gc_collections", (double)rs->site->gc_colls);
		cJSON_AddItemToArray(freed, j);
	}
	return root;
}

/* ---- folded stacks ---- */

struct folded {
	struct buf out;
	char path[8192];
};

/* Each node's own bytes (not its children's) on the path that leads to it. */
static void fold(struct folded *f, const struct report_node *n, size_t at)
{
	if (at && at < sizeof(f->path) - 1)
		f->path[at++] = ';';
	/* ';' separates frames and ' ' ends them in this format. */
	for (const char *c = n->label; *c && at < sizeof(f->path) - 1; c++)
		f->path[at++] = *c == ';' || *c == ' ' ? '_' : *c;
	double own = n->bytes;
	for (size_t i = 0; i < n->nkids; i++)
		own -= n->kids[i].bytes;
	if (own >= 0.5)
		bprintf(&f->out, "%.*s %.0f\n", (int)at, f->path, own);
	for (size_t i = 0; i < n->nkids; i++)
		fold(f, &n->kids[i], at);
}

char *report_folded(const struct report *r)
{
	struct folded *f = xcalloc(1, sizeof(*f));
	for (size_t i = 0; i < r->tree.nkids; i++)
		fold(f, &r->tree.kids[i], 0);
	double own = r->tree.bytes;
	for (size_t i = 0; i < r->tree.nkids; i++)
		own -= r->tree.kids[i].bytes;
	if (own >= 0.5)
		bprintf(&f->out, "[unknown] %.0f\n", own);
	char *s = buf_done(&f->out);
	free(f);
	return s;
}

/* ---- check's leak sites, plot's label ---- */

char *report_leak_note(const struct report *r, size_t max)
{
	struct buf b = {0};
	for (size_t i = 0; i < r->leaks.n && i < max; i++)
		bprintf(&b, "%s%s %s%.1f MiB", i ? ", " : "; leaked by ", r->leaks.v[i].name,
			r->exact ? "" : "~", r->leaks.v[i].bytes / 1048576);
	return buf_done(&b);
}

cJSON *report_leak_json(const struct report *r, size_t max)
{
	cJSON *a = cJSON_CreateArray();
	for (size_t i = 0; i < r->leaks.n && i < max; i++) {
		const struct report_site *s = &r->leaks.v[i];
		cJSON *j = cJSON_CreateObject();
		cJSON_AddStringToObject(j, "function", s->function);
		if (s->source)
			cJSON_AddStringToObject(j, "source", s->source);
		cJSON_AddNumberToObject(j, "leaked_bytes", s->bytes);
		cJSON_AddBoolToObject(j, "estimated", !r->exact);
		cJSON_AddItemToArray(a, j);
	}
	return a;
}

char *report_peak_note(const struct report *r)
{
	if (r->m != RM_PEAK || !r->sites.n)
		return NULL;
	struct buf b = {0};
	bprintf(&b, "heap peak%s:", r->exact ? "" : " (estimated)");
	/* The note stands inside the plot, right-aligned at the heap's end: the first
	 * site always, the next two only while the line stays short enough to fit. */
	for (size_t i = 0; i < r->sites.n && i < 3; i++) {
		char one[600];
		snprintf(one, sizeof(one), "%s %s %.0f%%", i ? "," : "", r->sites.v[i].brief,
			 r->heap_peak > 0 ? 100 * r->sites.v[i].bytes / r->heap_peak : 0);
		if (i && b.len + strlen(one) > REPORT_PEAK_NOTE_MAX)
			break;
		bprintf(&b, "%s", one);
	}
	return buf_done(&b);
}
