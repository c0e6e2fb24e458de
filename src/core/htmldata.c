/* htmldata.c - the HTML page's data: headline figures, the memory series as a pyramid of min/max
 * levels (zooming in reveals what the overview reduced away), brackets, collections, functions. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/html.h"

#define KEY_LABEL_MAX 90 /* bytes of a site's name in the sites-over-time key */
#include "core/names.h"
#include "core/sitetime.h"
#include "core/summary.h"

/* The finest level holds at most FINE buckets (a power of two): when a sample falls
 * beyond it, neighbours merge in pairs and buckets get twice as wide, so the page is
 * read in memory that does not grow with the samples. Each coarser level is a quarter
 * of the one below, down to about PYRAMID_FIRST buckets: the overview. */
#define FINE 32768
#define FIRST_WIDTH 1e-4   /* seconds: a bucket per sample until the run is long */
#define PYRAMID_FIRST 1000 /* about the coarsest level's buckets */
#define CHILD_RATIO 32	   /* a child's buckets are this many of the finest wide */
#define CHILD_LINES 4	   /* the largest children drawn alone; the rest as one series */
#define CHILD_HEAPS 2	   /* the heaps (CHLDHEAP) of the largest children drawn */
#define SPANS_MAX 20000	   /* brackets drawn (the longest); more are counted */
#define GCS_MAX 20000
#define NOTES_MAX 50
#define SITES_DRAWN 12 /* sites over time drawn alone; the rest as "other sites" */

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
	int has_r, has_h;
	double t;
	double rlo, rhi, rtop; /* RSS samples' min and max; with MAXRSS, the true top */
	double hlo, hmid, hhi; /* heap: interval minimum, live at samples, interval peak */
};

struct kid {
	char *id;
	double peak, heap_peak;
	double mx[FINE / CHILD_RATIO], hx[FINE / CHILD_RATIO]; /* per bucket; -1: none */
};

struct st_sample {
	double t;
	int n;
	uint32_t site[SITETIME_TOP];
	double bytes[SITETIME_TOP];
};

struct html_feed {
	int started;
	double origin, w, last_t; /* the first time seen, the finest buckets' width */
	size_t nb;		  /* finest buckets used */
	struct bucket *bs;	  /* FINE */
	struct kid **kids;
	size_t nkids, kids_cap;
	struct names kid_ids;
	struct dat_func *funcs;
	size_t nfuncs, funcs_cap;
	char *notes[NOTES_MAX];
	size_t nnotes;
	struct st_sample *st;
	size_t nst, st_cap;
};

struct html_feed *html_feed_new(void)
{
	struct html_feed *f = xcalloc(1, sizeof(*f));
	f->bs = xcalloc(FINE, sizeof(*f->bs));
	f->w = FIRST_WIDTH;
	return f;
}

void html_feed_free(struct html_feed *f)
{
	if (!f)
		return;
	free(f->bs);
	for (size_t i = 0; i < f->nkids; i++) {
		free(f->kids[i]->id);
		free(f->kids[i]);
	}
	free(f->kids);
	names_release(&f->kid_ids);
	for (size_t i = 0; i < f->nfuncs; i++)
		free(f->funcs[i].name);
	free(f->funcs);
	for (size_t i = 0; i < f->nnotes; i++)
		free(f->notes[i]);
	free(f->st);
	free(f);
}

static void merge_bucket(struct bucket *into, const struct bucket *b)
{
	if (!b->has_r && !b->has_h)
		return;
	if (!into->has_r && !into->has_h) {
		*into = *b;
		return;
	}
	into->t = fmin(into->t, b->t);
	if (b->has_r) {
		into->rlo = into->has_r ? fmin(into->rlo, b->rlo) : b->rlo;
		into->rhi = into->has_r ? fmax(into->rhi, b->rhi) : b->rhi;
		into->rtop = into->has_r ? fmax(into->rtop, b->rtop) : b->rtop;
		into->has_r = 1;
	}
	if (b->has_h) {
		into->hlo = into->has_h ? fmin(into->hlo, b->hlo) : b->hlo;
		into->hmid = into->has_h ? fmax(into->hmid, b->hmid) : b->hmid;
		into->hhi = into->has_h ? fmax(into->hhi, b->hhi) : b->hhi;
		into->has_h = 1;
	}
}

/* Buckets twice as wide: neighbours merge in pairs. */
static void widen(struct html_feed *f)
{
	for (size_t i = 0; i < FINE / 2; i++) {
		struct bucket b = f->bs[2 * i];
		merge_bucket(&b, &f->bs[2 * i + 1]);
		f->bs[i] = b;
	}
	memset(&f->bs[FINE / 2], 0, FINE / 2 * sizeof(*f->bs));
	for (size_t k = 0; k < f->nkids; k++) {
		struct kid *c = f->kids[k];
		size_t n = FINE / CHILD_RATIO;
		for (size_t i = 0; i < n / 2; i++) {
			c->mx[i] = fmax(c->mx[2 * i], c->mx[2 * i + 1]);
			c->hx[i] = fmax(c->hx[2 * i], c->hx[2 * i + 1]);
		}
		for (size_t i = n / 2; i < n; i++)
			c->mx[i] = c->hx[i] = -1;
	}
	f->w *= 2;
	f->nb = (f->nb + 1) / 2;
}

/* The finest bucket of time t, widening the buckets when t is beyond them. */
static size_t slot(struct html_feed *f, double t)
{
	if (!f->started) {
		f->started = 1;
		f->origin = f->last_t = t;
	}
	f->last_t = fmax(f->last_t, t);
	double x = (t - f->origin) / f->w;
	if (!(x > 0))
		x = 0;
	while (x >= FINE) {
		widen(f);
		x /= 2;
	}
	size_t i = (size_t)x;
	if (i + 1 > f->nb)
		f->nb = i + 1;
	return i;
}

static struct bucket *touch(struct html_feed *f, double t)
{
	struct bucket *b = &f->bs[slot(f, t)];
	if (!b->has_r && !b->has_h) {
		b->t = t;
		b->rlo = b->hlo = INFINITY;
		b->rhi = b->rtop = b->hmid = b->hhi = -INFINITY;
	}
	return b;
}

static struct kid *kid_of(struct html_feed *f, const char *id)
{
	size_t at = names_find(&f->kid_ids, id);
	if (at < f->nkids)
		return f->kids[at];
	struct kid *c = xcalloc(1, sizeof(*c));
	c->id = xstrdup(id);
	names_id(&f->kid_ids, c->id);
	c->peak = c->heap_peak = -1;
	for (size_t i = 0; i < FINE / CHILD_RATIO; i++)
		c->mx[i] = c->hx[i] = -1;
	xgrow((void **)&f->kids, &f->kids_cap, f->nkids + 1, sizeof(*f->kids));
	f->kids[f->nkids++] = c;
	return c;
}

static void take_child(struct html_feed *f, const struct dat_item *it)
{
	int heap = it->kind == DAT_CHLDHEAP;
	double t = heap ? it->heap.t : it->pt.t;
	double v = heap ? fmax(it->heap.live_mib, it->heap.peak_mib) : it->pt.mib;
	struct kid *c = kid_of(f, it->id);
	size_t i = slot(f, t) / CHILD_RATIO;
	if (heap) {
		c->hx[i] = fmax(c->hx[i], v);
		c->heap_peak = fmax(c->heap_peak, v);
	} else {
		c->mx[i] = fmax(c->mx[i], v);
		c->peak = fmax(c->peak, v);
	}
}

static void take_sites(struct html_feed *f, const struct dat_line *l)
{
	double t;
	if (l->n < 1 || dat_num(l->f[0], &t))
		return;
	xgrow((void **)&f->st, &f->st_cap, f->nst + 1, sizeof(*f->st));
	struct st_sample *s = &f->st[f->nst++];
	s->t = t;
	s->n = 0;
	int n = l->n > DAT_MAX_FIELDS ? DAT_MAX_FIELDS : l->n;
	for (int k = 1; k <= n && s->n < SITETIME_TOP; k++) {
		/* the fields past DAT_MAX_FIELDS are left in l->text, blank-separated */
		const char *q = k < n ? l->f[k] : l->n > DAT_MAX_FIELDS ? l->text : NULL;
		while (q && *q && s->n < SITETIME_TOP) {
			char *after;
			unsigned long id = strtoul(q, &after, 10);
			if (*after == '=' && after > q && id < UINT32_MAX) {
				s->bytes[s->n] = strtod(after + 1, &after);
				s->site[s->n++] = (uint32_t)id;
			}
			if (k < n)
				break;
			q = strchr(after, ' ');
			q = q ? q + 1 : NULL;
		}
	}
}

int html_feed_line(void *ctx, const struct dat_line *l, const struct dat_item *it, struct err *e)
{
	struct html_feed *f = ctx;
	(void)e;
	if (!it) {
		if (l->kind == DAT_STKSITES)
			take_sites(f, l);
		return 0;
	}
	struct bucket *b;
	switch (it->kind) {
	case DAT_MEM:
		b = touch(f, it->pt.t);
		b->has_r = 1;
		b->rlo = fmin(b->rlo, it->pt.mib);
		b->rhi = fmax(b->rhi, it->pt.mib);
		b->rtop = fmax(b->rtop, it->pt.mib);
		break;
	case DAT_MAXRSS:
		b = touch(f, it->pt.t);
		if (!b->has_r) { /* a MAXRSS without its sample: the top alone */
			b->has_r = 1;
			b->rlo = b->rhi = it->pt.mib;
		}
		b->rtop = fmax(b->rtop, it->pt.mib);
		break;
	case DAT_HEAP: {
		const struct dat_heap *h = &it->heap;
		b = touch(f, h->t);
		b->has_h = 1;
		b->hlo =
		    fmin(b->hlo, isnan(h->min_mib) ? h->live_mib : fmin(h->min_mib, h->live_mib));
		b->hmid = fmax(b->hmid, h->live_mib);
		b->hhi = fmax(b->hhi, fmax(h->peak_mib, h->live_mib));
		break;
	}
	case DAT_CHLD:
	case DAT_CHLDMAX:
	case DAT_CHLDHEAP:
		take_child(f, it);
		break;
	case DAT_FUNC:
		xgrow((void **)&f->funcs, &f->funcs_cap, f->nfuncs + 1, sizeof(*f->funcs));
		f->funcs[f->nfuncs] = it->func;
		f->funcs[f->nfuncs++].name = xstrdup(it->func.name);
		break;
	case DAT_NOTE:
		if (f->nnotes < NOTES_MAX)
			f->notes[f->nnotes++] = xstrdup(it->id);
		break;
	default:
		break;
	}
	return 0;
}

/* The children's columns: the largest CHILD_LINES alone, the rest summed, then the
 * heaps of the largest CHILD_HEAPS that have one. */
struct cols {
	struct kid *alone[CHILD_LINES], *heap[CHILD_HEAPS];
	size_t nalone, nheap, nrest;
	struct kid **rest;
};

static int by_peak(const void *x, const void *y)
{
	double a = (*(struct kid *const *)x)->peak, b = (*(struct kid *const *)y)->peak;
	return a < b ? 1 : a > b ? -1 : 0;
}

static void pick_cols(struct html_feed *f, struct cols *c)
{
	memset(c, 0, sizeof(*c));
	struct kid **order = xcalloc(f->nkids + 1, sizeof(*order));
	memcpy(order, f->kids, f->nkids * sizeof(*order));
	qsort(order, f->nkids, sizeof(*order), by_peak);
	for (size_t i = 0; i < f->nkids; i++) {
		if (order[i]->peak < 0)
			continue;
		if (c->nalone < CHILD_LINES &&
		    (f->nkids <= CHILD_LINES + 1 || c->nalone + 1 < CHILD_LINES + 1))
			c->alone[c->nalone++] = order[i];
		else
			order[c->nrest++] = order[i];
	}
	c->rest = order;
	for (size_t i = 0; i < c->nalone && c->nheap < CHILD_HEAPS; i++)
		if (c->alone[i]->heap_peak >= 0)
			c->heap[c->nheap++] = c->alone[i];
}

static double kid_max(const double *v, size_t lo, size_t hi)
{
	double m = -1;
	for (size_t i = lo; i <= hi; i++)
		m = fmax(m, v[i]);
	return m;
}

/* One level: buckets of g finest ones; arrays t, rlo, rhi, rtop, hlo, hmid, hhi and c
 * (one array per children's column) over the buckets that hold anything. */
static cJSON *level(const struct html_feed *f, const struct cols *cs, double t0, size_t g)
{
	size_t nb = (f->nb + g - 1) / g;
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "b", (double)nb);
	const char *keys[] = {"t", "rlo", "rhi", "rtop", "hlo", "hmid", "hhi"};
	cJSON *arr[7];
	for (int k = 0; k < 7; k++)
		arr[k] = cJSON_AddArrayToObject(o, keys[k]);
	size_t ncols = cs->nalone + (cs->nrest > 0) + cs->nheap;
	cJSON *ca = cJSON_AddArrayToObject(o, "c");
	cJSON *carr[CHILD_LINES + 1 + CHILD_HEAPS];
	for (size_t k = 0; k < ncols; k++)
		cJSON_AddItemToArray(ca, carr[k] = cJSON_CreateArray());
	for (size_t i = 0; i < nb; i++) {
		struct bucket b = {0};
		size_t lo = i * g, hi = (i + 1) * g < f->nb ? (i + 1) * g : f->nb;
		for (size_t j = lo; j < hi; j++)
			merge_bucket(&b, &f->bs[j]);
		size_t clo = lo / CHILD_RATIO, chi = (hi - 1) / CHILD_RATIO;
		double cv[CHILD_LINES + 1 + CHILD_HEAPS];
		int has_c = 0;
		size_t k = 0;
		for (size_t j = 0; j < cs->nalone; j++)
			cv[k++] = kid_max(cs->alone[j]->mx, clo, chi);
		if (cs->nrest) {
			double sum = -1;
			for (size_t j = 0; j < cs->nrest; j++) {
				double m = kid_max(cs->rest[j]->mx, clo, chi);
				if (m >= 0)
					sum = (sum < 0 ? 0 : sum) + m;
			}
			cv[k++] = sum;
		}
		for (size_t j = 0; j < cs->nheap; j++)
			cv[k++] = kid_max(cs->heap[j]->hx, clo, chi);
		for (k = 0; k < ncols; k++)
			has_c |= cv[k] >= 0;
		if (!b.has_r && !b.has_h && !has_c)
			continue;
		double t = b.has_r || b.has_h ? b.t : f->origin + (double)lo * f->w;
		cJSON_AddItemToArray(arr[0], num(t - t0, 1e4));
		double v[6] = {b.rlo, b.rhi, b.rtop, b.hlo, b.hmid, b.hhi};
		for (int m = 0; m < 6; m++)
			cJSON_AddItemToArray(arr[m + 1],
					     num((m < 3 ? b.has_r : b.has_h) ? v[m] : NAN, 1e3));
		for (k = 0; k < ncols; k++)
			cJSON_AddItemToArray(carr[k], num(cv[k] >= 0 ? cv[k] : NAN, 1e3));
	}
	return o;
}

static cJSON *series(struct html_feed *f, double t0)
{
	struct cols cs;
	pick_cols(f, &cs);
	cJSON *o = cJSON_CreateObject();
	cJSON *names = cJSON_AddArrayToObject(o, "children");
	for (size_t j = 0; j < cs.nalone; j++)
		cJSON_AddItemToArray(names, cJSON_CreateString(cs.alone[j]->id));
	char text[300];
	if (cs.nrest) {
		snprintf(text, sizeof(text), "%zu other children", cs.nrest);
		cJSON_AddItemToArray(names, cJSON_CreateString(text));
	}
	for (size_t j = 0; j < cs.nheap; j++) {
		snprintf(text, sizeof(text), "%.200s heap", cs.heap[j]->id);
		cJSON_AddItemToArray(names, cJSON_CreateString(text));
	}
	double span = f->last_t - f->origin;
	cJSON_AddNumberToObject(o, "span", round((span > 0 ? span : 1) * 1e4) / 1e4);
	size_t gs[32], ng = 0;
	for (size_t g = 1; ng < 32; g *= 4) {
		gs[ng++] = g;
		if ((f->nb + g - 1) / g <= PYRAMID_FIRST)
			break;
	}
	cJSON *levels = cJSON_AddArrayToObject(o, "levels");
	for (size_t k = ng; k-- > 0;)
		cJSON_AddItemToArray(levels, level(f, &cs, t0, gs[k]));
	free(cs.rest);
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
static cJSON *spans(const struct html_feed *r, double t0)
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

static cJSON *headline(const struct summary *s, const struct html_feed *r)
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
	for (size_t i = 0; i < r->nnotes; i++)
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

/* Sites over time (STKSITES, site numbers as read: before any fold): the largest
 * SITES_DRAWN sites alone (by where they went, where[]), the rest as "other sites". */
static cJSON *sitetime(const struct html_feed *f, double t0, const struct stk_data *d,
		       const size_t *where, size_t nold)
{
	if (!f->nst || !d->nsites)
		return NULL;
	double *maxb = xcalloc(d->nsites, sizeof(*maxb));
	double *tmp = xcalloc(d->nsites, sizeof(*tmp));
	for (size_t i = 0; i < f->nst; i++) { /* sites merged by the fold add up */
		const struct st_sample *x = &f->st[i];
		for (int k = 0; k < x->n; k++)
			if (x->site[k] < nold)
				tmp[where[x->site[k]]] += x->bytes[k];
		for (int k = 0; k < x->n; k++)
			if (x->site[k] < nold) {
				size_t at = where[x->site[k]];
				maxb[at] = fmax(maxb[at], tmp[at]);
			}
		for (int k = 0; k < x->n; k++)
			if (x->site[k] < nold)
				tmp[where[x->site[k]]] = 0;
	}
	free(tmp);
	long pick[SITES_DRAWN];
	int npick = 0;
	for (; npick < SITES_DRAWN; npick++) {
		long best = -1;
		for (size_t s = 0; s < d->nsites; s++)
			if (maxb[s] > 0 && (best < 0 || maxb[s] > maxb[best]))
				best = (long)s;
		if (best < 0)
			break;
		pick[npick] = best;
		maxb[best] = -maxb[best];
	}
	int other = 0;
	for (size_t s = 0; s < d->nsites; s++)
		other |= maxb[s] > 0;
	free(maxb);
	if (!npick)
		return NULL;
	cJSON *o = cJSON_CreateObject(), *names = cJSON_AddArrayToObject(o, "names");
	cJSON_AddNumberToObject(o, "interval", SITETIME_INTERVAL_NS / 1e9);
	cJSON *ts = cJSON_AddArrayToObject(o, "t"), *vs = cJSON_AddArrayToObject(o, "v");
	cJSON *cols[SITES_DRAWN + 1];
	char(*label)[512] = xcalloc((size_t)npick + 1, sizeof(*label));
	for (int k = 0; k < npick; k++)
		stk_site_label(d, &d->sites[pick[k]], 2, STK_LABEL_SHORT, label[k], sizeof(*label));
	/* Sites whose names read the same are told apart by more of their callers, and a
	 * key entry stays one line: at most KEY_LABEL_MAX bytes, cut with an ellipsis. */
	for (int depth = 3; depth <= 6; depth++) {
		char dup[SITES_DRAWN] = {0};
		int any = 0;
		for (int k = 0; k < npick; k++)
			for (int j = 0; j < k; j++)
				if (!strcmp(label[j], label[k]))
					dup[j] = dup[k] = any = 1;
		for (int k = 0; k < npick; k++)
			if (dup[k])
				stk_site_label(d, &d->sites[pick[k]], depth, STK_LABEL_SHORT,
					       label[k], sizeof(*label));
		if (!any)
			break;
	}
	for (int k = 0; k < npick; k++)
		if (strlen(label[k]) > KEY_LABEL_MAX) {
			size_t cut = KEY_LABEL_MAX - 3;
			while (cut && ((unsigned char)label[k][cut] & 0xc0) == 0x80)
				cut--; /* not inside a UTF-8 character */
			memcpy(label[k] + cut, "\xe2\x80\xa6", 4);
		}
	for (int k = 0; k < npick + other; k++) {
		cJSON_AddItemToArray(names,
				     cJSON_CreateString(k < npick ? label[k] : "other sites"));
		cJSON_AddItemToArray(vs, cols[k] = cJSON_CreateArray());
	}
	for (size_t i = 0; i < f->nst; i++) {
		double v[SITES_DRAWN + 1] = {0};
		for (int k = 0; k < f->st[i].n; k++) {
			if (f->st[i].site[k] >= nold)
				continue;
			size_t s = where[f->st[i].site[k]];
			int col = npick;
			for (int j = 0; j < npick; j++)
				if ((size_t)pick[j] == s)
					col = j;
			v[col] += f->st[i].bytes[k];
		}
		cJSON_AddItemToArray(ts, num(f->st[i].t - t0, 1e4));
		for (int k = 0; k < npick + other; k++)
			cJSON_AddItemToArray(cols[k], cJSON_CreateNumber(round(v[k])));
	}
	free(label);
	return o;
}

cJSON *html_data(struct html_feed *f, const struct summary *sum, struct stk_data *d)
{
	const struct summary s = *sum;
	double t0 = s.start;
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "version", 1);
	cJSON_AddStringToObject(o, "file", s.file ? s.file : "");
	cJSON_AddStringToObject(o, "cmdline", s.cmdline ? s.cmdline : "");
	cJSON_AddNumberToObject(o, "start", t0);
	cJSON_AddItemToObject(o, "head", headline(&s, f));
	cJSON_AddItemToObject(o, "series", series(f, t0));
	cJSON_AddItemToObject(o, "spans", spans(f, t0));
	tables(o, &s, t0);
	cJSON_AddBoolToObject(o, "hooks", s.has_heap);
	if (d && d->present) {
		/* Python code in its own words, as the report shows it */
		size_t nold = d->nsites, *where = xcalloc(nold + 1, sizeof(*where));
		stk_fold_interpreter_map(d, where);
		cJSON *st = sitetime(f, t0, d, where, nold);
		free(where);
		if (st)
			cJSON_AddItemToObject(o, "sitetime", st);
		cJSON_AddItemToObject(o, "stacks", html_stacks(d));
	}
	return o;
}
