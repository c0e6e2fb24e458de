/* htmldata.c - the HTML page's data: headline figures, the memory series as a pyramid of min/max
 * levels (zooming in reveals what the overview reduced away), brackets, collections, functions. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/html.h"
#include "core/summary.h"

/* The pyramid's levels hold at most this many buckets together (about 40 bytes each
 * in the page: a 300,000-sample recording gives about 3.2 MB). */
#define PYRAMID_BUDGET 70000
#define PYRAMID_FIRST 1000 /* about the coarsest level's buckets; each next has 4 times more */
#define CHILD_LINES 4	   /* the largest children drawn alone; the rest as one series */
#define SPANS_MAX 20000	   /* brackets drawn (the longest); more are counted */
#define GCS_MAX 20000

/* A number rounded to 1/scale: the page stays small and prints "12.35", not 17 digits. */
static cJSON *num(double v, double scale)
{
	if (!isfinite(v))
		return cJSON_CreateNull();
	return cJSON_CreateNumber(round(v * scale) / scale);
}

static void add_num(cJSON *o, const char *key, double v, double scale)
{
	cJSON_AddItemToObject(o, key, num(v, scale));
}

struct bucket {
	int has_r, has_h, has_c;
	double t;
	double rlo, rhi, rtop; /* RSS samples' min and max; with MAXRSS, the true top */
	double hlo, hmid, hhi; /* heap: interval minimum, live at samples, interval peak */
	double c[CHILD_LINES + 1];
};

struct pyr {
	const struct dat_recording *r;
	double t0, span;
	size_t *child_order; /* children, largest peak first */
	size_t nchild_lines; /* drawn alone (the rest summed into one series) */
};

static size_t slot(const struct pyr *p, size_t nb, double t)
{
	double x = (t - p->t0) / p->span * (double)nb;
	if (!(x > 0))
		return 0;
	return x >= (double)nb ? nb - 1 : (size_t)x;
}

static struct bucket *touch(struct bucket *b, double t)
{
	if (!b->has_r && !b->has_h && !b->has_c) {
		b->t = t;
		b->rlo = b->hlo = INFINITY;
		b->rhi = b->rtop = b->hmid = b->hhi = -INFINITY;
	}
	return b;
}

/* One level of nb buckets: arrays t, rlo, rhi, rtop, hlo, hmid, hhi and c (one array per
 * child series) over the buckets that hold anything. Sets *used to their count. */
static cJSON *level(const struct pyr *p, size_t nb, size_t *used)
{
	const struct dat_recording *r = p->r;
	struct bucket *bs = xcalloc(nb, sizeof(*bs));
	for (size_t i = 0; i < r->mem.n; i++) {
		struct bucket *b = touch(&bs[slot(p, nb, r->mem.v[i].t)], r->mem.v[i].t);
		double v = r->mem.v[i].mib;
		b->has_r = 1;
		b->rlo = fmin(b->rlo, v);
		b->rhi = fmax(b->rhi, v);
		b->rtop = fmax(b->rtop, v);
	}
	for (size_t i = 0; i < r->maxrss.n; i++) {
		struct bucket *b = touch(&bs[slot(p, nb, r->maxrss.v[i].t)], r->maxrss.v[i].t);
		if (!b->has_r) { /* a MAXRSS without its sample: the top alone */
			b->has_r = 1;
			b->rlo = b->rhi = r->maxrss.v[i].mib;
		}
		b->rtop = fmax(b->rtop, r->maxrss.v[i].mib);
	}
	for (size_t i = 0; i < r->heap.n; i++) {
		const struct dat_heap *h = &r->heap.v[i];
		struct bucket *b = touch(&bs[slot(p, nb, h->t)], h->t);
		b->has_h = 1;
		b->hlo =
		    fmin(b->hlo, isnan(h->min_mib) ? h->live_mib : fmin(h->min_mib, h->live_mib));
		b->hmid = fmax(b->hmid, h->live_mib);
		b->hhi = fmax(b->hhi, fmax(h->peak_mib, h->live_mib));
	}
	for (size_t k = 0; k < r->nchildren; k++) {
		size_t col = CHILD_LINES;
		for (size_t j = 0; j < p->nchild_lines; j++)
			if (p->child_order[j] == k)
				col = j;
		const struct dat_series *s = &r->children[k].mem;
		/* each child's maximum per bucket; the rest add up their maxima */
		double *mx = xcalloc(nb, sizeof(*mx));
		for (size_t i = 0; i < s->n; i++) {
			size_t at = slot(p, nb, s->v[i].t);
			touch(&bs[at], s->v[i].t)->has_c = 1;
			mx[at] = fmax(mx[at], s->v[i].mib);
		}
		for (size_t i = 0; i < nb; i++)
			bs[i].c[col] = col == CHILD_LINES ? bs[i].c[col] + mx[i] : mx[i];
		free(mx);
	}
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "b", (double)nb);
	const char *keys[] = {"t", "rlo", "rhi", "rtop", "hlo", "hmid", "hhi"};
	cJSON *arr[7];
	for (int k = 0; k < 7; k++)
		arr[k] = cJSON_AddArrayToObject(o, keys[k]);
	size_t ncols = r->nchildren ? p->nchild_lines + (r->nchildren > p->nchild_lines) : 0;
	cJSON *cs = cJSON_AddArrayToObject(o, "c");
	cJSON **carr = xcalloc(ncols + 1, sizeof(*carr));
	for (size_t k = 0; k < ncols; k++)
		cJSON_AddItemToArray(cs, carr[k] = cJSON_CreateArray());
	*used = 0;
	for (size_t i = 0; i < nb; i++) {
		const struct bucket *b = &bs[i];
		if (!b->has_r && !b->has_h && !b->has_c)
			continue;
		++*used;
		cJSON_AddItemToArray(arr[0], num(b->t - p->t0, 1e4));
		double v[6] = {b->rlo, b->rhi, b->rtop, b->hlo, b->hmid, b->hhi};
		for (int k = 0; k < 6; k++)
			cJSON_AddItemToArray(arr[k + 1],
					     num((k < 3 ? b->has_r : b->has_h) ? v[k] : NAN, 1e3));
		for (size_t k = 0; k < ncols; k++) {
			size_t col = k < p->nchild_lines ? k : CHILD_LINES;
			cJSON_AddItemToArray(carr[k], num(b->has_c ? b->c[col] : NAN, 1e3));
		}
	}
	free(carr);
	free(bs);
	return o;
}

static const struct dat_recording *sort_r;
static int by_child_peak(const void *x, const void *y)
{
	double a = dat_child_peak(&sort_r->children[*(const size_t *)x]);
	double b = dat_child_peak(&sort_r->children[*(const size_t *)y]);
	return a < b ? 1 : a > b ? -1 : 0;
}

static cJSON *series(const struct dat_recording *r, double t0, double t_end)
{
	struct pyr p = {r, t0, t_end > t0 ? t_end - t0 : 1, NULL, 0};
	p.child_order = xcalloc(r->nchildren + 1, sizeof(size_t));
	for (size_t i = 0; i < r->nchildren; i++)
		p.child_order[i] = i;
	sort_r = r;
	qsort(p.child_order, r->nchildren, sizeof(size_t), by_child_peak);
	p.nchild_lines = r->nchildren < CHILD_LINES + 1 ? r->nchildren : CHILD_LINES;
	cJSON *o = cJSON_CreateObject();
	cJSON *names = cJSON_AddArrayToObject(o, "children");
	for (size_t j = 0; j < p.nchild_lines; j++)
		cJSON_AddItemToArray(names, cJSON_CreateString(r->children[p.child_order[j]].id));
	if (r->nchildren > p.nchild_lines) {
		char text[64];
		snprintf(text, sizeof(text), "%zu other children", r->nchildren - p.nchild_lines);
		cJSON_AddItemToArray(names, cJSON_CreateString(text));
	}
	cJSON_AddNumberToObject(o, "span", round(p.span * 1e4) / 1e4);
	size_t points = r->mem.n + r->heap.n;
	for (size_t k = 0; k < r->nchildren; k++)
		points += r->children[k].mem.n;
	/* The finest level as fine as the budget allows (a bucket per sample when the
	 * recording is short), then each coarser one a quarter of it, down to about
	 * PYRAMID_FIRST buckets: the overview. */
	size_t sizes[32], nsizes = 0;
	size_t nb = 4 * points < PYRAMID_BUDGET * 3 / 4 ? 4 * points : PYRAMID_BUDGET * 3 / 4;
	for (; nsizes < 32; nb /= 4) {
		sizes[nsizes++] = nb ? nb : 1;
		if (nb <= PYRAMID_FIRST)
			break;
	}
	cJSON *levels = cJSON_AddArrayToObject(o, "levels");
	for (size_t k = nsizes; k-- > 0;) {
		size_t used;
		cJSON_AddItemToArray(levels, level(&p, sizes[k], &used));
	}
	free(p.child_order);
	return o;
}

static double func_len(const struct dat_func *f)
{
	return f->t_out - f->t_in;
}

static const struct dat_func *sort_f;
static int by_len(const void *x, const void *y)
{
	double a = func_len(&sort_f[*(const size_t *)x]), b = func_len(&sort_f[*(const size_t *)y]);
	return a < b ? 1 : a > b ? -1 : 0;
}

/* Brackets as [name index, start, end, depth, RSS in, RSS out, heap in, heap out]. */
static cJSON *spans(const struct dat_recording *r, double t0)
{
	cJSON *o = cJSON_CreateObject(), *names = cJSON_AddArrayToObject(o, "names");
	cJSON *list = cJSON_AddArrayToObject(o, "list");
	size_t *order = xcalloc(r->nfuncs + 1, sizeof(*order));
	for (size_t i = 0; i < r->nfuncs; i++)
		order[i] = i;
	sort_f = r->funcs;
	qsort(order, r->nfuncs, sizeof(*order), by_len);
	size_t n = r->nfuncs < SPANS_MAX ? r->nfuncs : SPANS_MAX;
	const char **seen = xcalloc(n + 1, sizeof(*seen));
	size_t nseen = 0;
	for (size_t i = 0; i < n; i++) {
		const struct dat_func *f = &r->funcs[order[i]];
		size_t id = 0;
		while (id < nseen && strcmp(seen[id], f->name))
			id++;
		if (id == nseen) {
			seen[nseen++] = f->name;
			cJSON_AddItemToArray(names, cJSON_CreateString(f->name));
		}
		cJSON *s = cJSON_CreateArray();
		cJSON_AddItemToArray(s, cJSON_CreateNumber((double)id));
		cJSON_AddItemToArray(s, num(f->t_in - t0, 1e6));
		cJSON_AddItemToArray(s, num(f->t_out - t0, 1e6));
		cJSON_AddItemToArray(s, cJSON_CreateNumber(f->depth < 0 ? 0 : f->depth));
		double v[4] = {f->mem_in, f->mem_out, f->heap_in, f->heap_out};
		for (int k = 0; k < 4; k++)
			cJSON_AddItemToArray(s, num(v[k], 1e3));
		cJSON_AddItemToArray(list, s);
	}
	cJSON_AddNumberToObject(o, "left_out", (double)(r->nfuncs - n));
	free(seen);
	free(order);
	return o;
}

static cJSON *headline(const struct summary *s, const struct dat_recording *r)
{
	cJSON *o = cJSON_CreateObject();
	add_num(o, "peak", s->peak_mib, 1e3);
	add_num(o, "peak_t", s->peak_t_s, 1e4);
	cJSON_AddNumberToObject(o, "true_peak", s->true_peak);
	add_num(o, "sampled_peak", s->peak_sampled_mib, 1e3);
	add_num(o, "duration", s->duration_s, 1e4);
	cJSON_AddNumberToObject(o, "samples", (double)s->samples);
	add_num(o, "interval", s->interval_s, 1e4);
	cJSON_AddStringToObject(o, "backend", s->backend);
	if (s->has_exit)
		cJSON_AddNumberToObject(o, "exit_status", s->exit_status);
	if (s->has_heap) {
		add_num(o, "heap_peak", s->heap_peak_mib, 1e3);
		add_num(o, "heap_peak_t", s->heap_peak_t_s, 1e4);
		if (s->heap_exit_mib >= 0)
			add_num(o, "heap_exit", s->heap_exit_mib, 1e3);
		cJSON_AddNumberToObject(o, "allocs", (double)s->allocs);
		if (s->mmap_significant)
			add_num(o, "mmap_peak", s->mmap_peak_mib, 1e3);
	}
	if (s->heap_note)
		cJSON_AddStringToObject(o, "heap_note", s->heap_note);
	if (s->heap_ends)
		cJSON_AddStringToObject(o, "heap_ends", s->heap_ends);
	cJSON *lost = cJSON_AddArrayToObject(o, "lost");
	for (size_t i = 0; i < s->nlost; i++)
		if (s->lost[i].count) {
			cJSON *l = cJSON_CreateArray();
			cJSON_AddItemToArray(l, cJSON_CreateString(s->lost[i].kind));
			cJSON_AddItemToArray(l, cJSON_CreateNumber((double)s->lost[i].count));
			cJSON_AddItemToArray(lost, l);
		}
	cJSON *notes = cJSON_AddArrayToObject(o, "notes");
	for (size_t i = 0; i < r->nnotes && i < 50; i++)
		cJSON_AddItemToArray(notes, cJSON_CreateString(r->notes[i]));
	cJSON *kids = cJSON_AddArrayToObject(o, "children");
	for (size_t i = 0; i < s->nchildren; i++) {
		cJSON *c = cJSON_CreateArray();
		cJSON_AddItemToArray(c, cJSON_CreateString(s->children[i].id));
		cJSON_AddItemToArray(c, num(s->children[i].peak_mib, 1e3));
		cJSON_AddItemToArray(c, num(s->children[i].heap_peak_mib, 1e3));
		cJSON_AddItemToArray(kids, c);
	}
	return o;
}

/* Functions: [name, calls, total s, peak MiB, heap retained per call MiB]; collections:
 * [start s, duration s, generation, collected, heap freed MiB]. */
static void tables(cJSON *o, const struct summary *s, double t0)
{
	cJSON *fs = cJSON_AddArrayToObject(o, "functions");
	for (size_t i = 0; i < s->nfuncs; i++) {
		const struct summary_func *f = &s->funcs[i];
		cJSON *a = cJSON_CreateArray();
		cJSON_AddItemToArray(a, cJSON_CreateString(f->name));
		cJSON_AddItemToArray(a, cJSON_CreateNumber((double)f->calls));
		cJSON_AddItemToArray(a, num(f->total_s, 1e6));
		cJSON_AddItemToArray(a, num(f->peak_mib, 1e3));
		cJSON_AddItemToArray(a, num(f->heap_retained_mib, 1e3));
		cJSON_AddItemToArray(fs, a);
	}
	cJSON *gs = cJSON_AddArrayToObject(o, "gcs");
	for (size_t i = 0; i < s->gc.collections && i < GCS_MAX; i++) {
		const struct dat_gc *g = &s->gc.events[i];
		cJSON *a = cJSON_CreateArray();
		cJSON_AddItemToArray(a, num(g->t - t0, 1e6));
		cJSON_AddItemToArray(a, num(g->duration_s, 1e6));
		cJSON_AddItemToArray(a, cJSON_CreateNumber(g->generation));
		cJSON_AddItemToArray(a, cJSON_CreateNumber((double)g->collected));
		cJSON_AddItemToArray(a, num(g->heap_start_mib - g->heap_stop_mib, 1e3));
		cJSON_AddItemToArray(gs, a);
	}
}

cJSON *html_data(const struct dat_recording *r, const struct summary *sum, const struct stk_data *d)
{
	const struct summary s = *sum;
	double t0 = r->mem.n ? r->mem.v[0].t : 0, t_end = t0;
	for (size_t i = 0; i < r->mem.n; i++)
		t_end = fmax(t_end, r->mem.v[i].t);
	for (size_t i = 0; i < r->heap.n; i++)
		t_end = fmax(t_end, r->heap.v[i].t);
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "version", 1);
	cJSON_AddStringToObject(o, "file", r->path ? r->path : "");
	cJSON_AddStringToObject(o, "cmdline", r->cmdline ? r->cmdline : "");
	cJSON_AddNumberToObject(o, "start", t0);
	cJSON_AddItemToObject(o, "head", headline(&s, r));
	cJSON_AddItemToObject(o, "series", series(r, t0, t_end));
	cJSON_AddItemToObject(o, "spans", spans(r, t0));
	tables(o, &s, t0);
	cJSON_AddBoolToObject(o, "hooks", s.has_heap);
	if (d && d->present)
		cJSON_AddItemToObject(o, "stacks", html_stacks(d));
	return o;
}
