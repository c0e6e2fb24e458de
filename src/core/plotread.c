/* plotread.c - reads a recording for plot in one pass, reducing its series as they stream. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/names.h"
#include "core/plot.h"

/* Buckets of time per series, before two neighbours merge: four per pixel column,
 * so at least two are left after a merge. */
#define BUCKETS_PER_COLUMN 4
/* What the children's buckets may take together: many children get fewer each. */
#define CHILD_BUDGET (48u << 20)

/* A series' points in one bucket of time. */
struct pbucket {
	int used;
	struct dat_point first, last, lo, hi;
};

/* A HEAP series' lines in one bucket: the lines with the first, last, lowest and
 * highest heap in use and the highest mmap, and the interval's extremes of all. */
struct hbucket {
	int used;
	struct dat_heap first, last, lo, hi, mm;
	double min_mib, peak_mib;
};

/* A series reduced to at most max buckets of equal width from origin; when a point
 * falls past the last, neighbours merge two by two and the width doubles. */
struct red {
	double origin, width;
	int started;
	size_t n, cap, max, size; /* buckets used, allocated, allowed; bytes per bucket */
	unsigned char *b;
	void (*merge)(void *into, const void *from); /* from is later in time */
};

static void pmerge(void *into, const void *from)
{
	struct pbucket *a = into;
	const struct pbucket *b = from;
	if (!b->used)
		return;
	if (!a->used) {
		*a = *b;
		return;
	}
	if (b->first.t < a->first.t)
		a->first = b->first;
	if (b->last.t >= a->last.t)
		a->last = b->last;
	if (b->lo.mib < a->lo.mib)
		a->lo = b->lo;
	if (b->hi.mib > a->hi.mib) /* the first of equal maxima stays: the peak's time */
		a->hi = b->hi;
}

static double nanmin(double a, double b)
{
	return isnan(a) ? b : isnan(b) ? a : fmin(a, b);
}

static void hmerge(void *into, const void *from)
{
	struct hbucket *a = into;
	const struct hbucket *b = from;
	if (!b->used)
		return;
	if (!a->used) {
		*a = *b;
		return;
	}
	if (b->first.t < a->first.t)
		a->first = b->first;
	if (b->last.t >= a->last.t)
		a->last = b->last;
	if (b->lo.live_mib < a->lo.live_mib)
		a->lo = b->lo;
	if (b->hi.live_mib > a->hi.live_mib)
		a->hi = b->hi;
	if (b->mm.mmap_mib > a->mm.mmap_mib)
		a->mm = b->mm;
	a->min_mib = nanmin(a->min_mib, b->min_mib);
	a->peak_mib = fmax(a->peak_mib, b->peak_mib);
}

static void red_init(struct red *r, size_t max, size_t size, void (*merge)(void *, const void *))
{
	memset(r, 0, sizeof(*r));
	r->width = 1e-3;
	r->max = max < 2 ? 2 : max;
	r->size = size;
	r->merge = merge;
}

static void *bucket(const struct red *r, size_t i)
{
	return r->b + i * r->size;
}

/* Merges neighbours two by two: half the buckets, twice the width. */
static void red_halve(struct red *r)
{
	size_t half = (r->n + 1) / 2;
	for (size_t i = 0; i < half; i++) {
		unsigned char tmp[sizeof(struct hbucket)];
		memcpy(tmp, bucket(r, 2 * i), r->size);
		if (2 * i + 1 < r->n)
			r->merge(tmp, bucket(r, 2 * i + 1));
		memcpy(bucket(r, i), tmp, r->size);
	}
	memset(bucket(r, half), 0, (r->n - half) * r->size);
	r->n = half;
	r->width *= 2;
}

/* Allows at most max buckets from now on, merging and giving memory back. */
static void red_limit(struct red *r, size_t max)
{
	r->max = max < 2 ? 2 : max;
	while (r->n > r->max)
		red_halve(r);
	if (r->cap > r->max) {
		r->b = xrealloc(r->b, r->max * r->size);
		r->cap = r->max;
	}
}

/* The bucket for time t, made room for. */
static void *red_slot(struct red *r, double t)
{
	if (!r->started) {
		r->origin = t;
		r->started = 1;
	}
	double x = (t - r->origin) / r->width;
	while (x >= (double)r->max) {
		red_halve(r);
		x = (t - r->origin) / r->width;
	}
	size_t i = x > 0 ? (size_t)x : 0; /* an event before the first sample: the first bucket */
	if (i >= r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 16;
		if (cap < i + 1)
			cap = i + 1;
		if (cap > r->max)
			cap = r->max;
		r->b = xrealloc(r->b, cap * r->size);
		memset(bucket(r, r->cap), 0, (cap - r->cap) * r->size);
		r->cap = cap;
	}
	if (i >= r->n)
		r->n = i + 1;
	return bucket(r, i);
}

static void red_point(struct red *r, double t, double mib)
{
	struct pbucket *b = red_slot(r, t);
	struct dat_point p = {t, mib};
	if (!b->used) {
		b->used = 1;
		b->first = b->last = b->lo = b->hi = p;
		return;
	}
	struct pbucket one = {1, p, p, p, p};
	pmerge(b, &one);
}

static void red_heap(struct red *r, const struct dat_heap *h)
{
	struct hbucket *b = red_slot(r, h->t);
	struct hbucket one = {1, *h, *h, *h, *h, *h, h->min_mib, h->peak_mib};
	if (!b->used)
		*b = one;
	else
		hmerge(b, &one);
}

static int by_t(const void *x, const void *y)
{
	double a = *(const double *)x, b = *(const double *)y;
	return (a > b) - (a < b);
}

/* Appends each bucket's points in time order, each once. */
static void red_emit(const struct red *r, struct dat_series *s)
{
	for (size_t i = 0; i < r->n; i++) {
		const struct pbucket *b = bucket(r, i);
		if (!b->used)
			continue;
		struct dat_point v[4] = {b->first, b->lo, b->hi, b->last};
		qsort(v, 4, sizeof(v[0]), by_t);
		for (int k = 0; k < 4; k++)
			if (!k || v[k].t != v[k - 1].t || v[k].mib != v[k - 1].mib)
				dat_series_push(s, v[k].t, v[k].mib);
	}
}

static void red_emit_heap(const struct red *r, struct dat_heap_series *s)
{
	for (size_t i = 0; i < r->n; i++) {
		const struct hbucket *b = bucket(r, i);
		if (!b->used)
			continue;
		struct dat_heap v[5] = {b->first, b->lo, b->hi, b->mm, b->last};
		qsort(v, 5, sizeof(v[0]), by_t);
		for (int k = 0; k < 5; k++) {
			if (k && v[k].t == v[k - 1].t && v[k].live_mib == v[k - 1].live_mib)
				continue;
			/* The interval's minimum goes on the lowest line, its maximum on the
			 * highest: the band shows only what the drawn line does not. */
			struct dat_heap h = v[k];
			int lo = h.t == b->lo.t && h.live_mib == b->lo.live_mib,
			    hi = h.t == b->hi.t && h.live_mib == b->hi.live_mib;
			h.min_mib = lo ? b->min_mib : isnan(b->min_mib) ? NAN : h.live_mib;
			h.peak_mib = hi ? b->peak_mib : h.live_mib;
			xgrow((void **)&s->v, &s->cap, s->n + 1, sizeof(*s->v));
			s->v[s->n++] = h;
		}
	}
}

static void red_release(struct red *r)
{
	free(r->b);
	r->b = NULL;
}

struct pchild {
	char *id; /* the table of ids points here */
	struct red mem;
	struct dat_point peak; /* the largest CHLD or CHLDMAX, first when equal */
	int has_peak;
};

struct pread {
	struct plot_recording *p;
	size_t max; /* buckets per series */
	/* -w: only points in the window (from the first MEM line's time) are reduced, so
	 * the window gets the picture's resolution; the extremes of the whole run are
	 * kept beside them for the ranges and the peak lines. */
	int window;
	double w_lo, w_hi, t_first;
	struct dat_point first_mem, top_mem, top_maxrss;
	struct dat_heap top_heap;
	int has_maxrss, has_heap;
	struct red mem, maxrss, heap, rss_events, heap_events;
	struct names ids;
	struct pchild *kids;
	size_t nkids, kids_cap, kid_max;
};

static struct pchild *kid(struct pread *c, const char *id)
{
	size_t k = names_find(&c->ids, id);
	if (k < c->nkids)
		return &c->kids[k];
	xgrow((void **)&c->kids, &c->kids_cap, c->nkids + 1, sizeof(*c->kids));
	struct pchild *ch = &c->kids[c->nkids++];
	memset(ch, 0, sizeof(*ch));
	ch->id = xstrdup(id);
	names_id(&c->ids, ch->id);
	/* Fewer buckets each as children come, so that together they stay in budget. */
	size_t max = c->kid_max;
	while (max > 16 && c->nkids * max * sizeof(struct pbucket) > CHILD_BUDGET)
		max /= 2;
	if (max != c->kid_max) {
		c->kid_max = max;
		for (size_t i = 0; i + 1 < c->nkids; i++)
			red_limit(&c->kids[i].mem, max);
	}
	red_init(&ch->mem, c->kid_max, sizeof(struct pbucket), pmerge);
	return ch;
}

static void kid_peak(struct pchild *ch, double t, double mib)
{
	if (!ch->has_peak || mib > ch->peak.mib)
		ch->peak = (struct dat_point){t, mib};
	ch->has_peak = 1;
}

/* Whether a point at t goes into the series: always without a window. */
static int keep(const struct pread *c, double t)
{
	if (!c->window || isnan(c->t_first))
		return 1;
	return t - c->t_first >= c->w_lo && t - c->t_first <= c->w_hi;
}

static void add_func(struct pread *c, const struct dat_func *fn)
{
	struct dat_recording *r = &c->p->r;
	int events = !r->backend[0] || !strcmp(r->backend, "rss");
	int in = keep(c, fn->t_in), out = keep(c, fn->t_out);
	if (!isnan(fn->heap_in) && events) {
		if (in)
			red_point(&c->rss_events, fn->t_in, fn->mem_in);
		if (out)
			red_point(&c->rss_events, fn->t_out, fn->mem_out);
	}
	if (!isnan(fn->heap_in) && !isnan(fn->heap_out)) {
		if (in)
			red_point(&c->heap_events, fn->t_in, fn->heap_in);
		if (out)
			red_point(&c->heap_events, fn->t_out, fn->heap_out);
	}
	if (r->nfuncs >= PLOT_MAX_CALLS) {
		c->p->calls_left_out++;
		return;
	}
	xgrow((void **)&r->funcs, &r->funcs_cap, r->nfuncs + 1, sizeof(*r->funcs));
	r->funcs[r->nfuncs] = *fn;
	r->funcs[r->nfuncs++].name = xstrdup(fn->name);
}

static double heap_top(const struct dat_heap *h)
{
	return fmax(h->live_mib, h->peak_mib);
}

/* The run's extremes, for a window that leaves them out. */
static void note_extremes(struct pread *c, const struct dat_item *it)
{
	if (it->kind == DAT_MEM) {
		if (isnan(c->t_first)) {
			c->t_first = it->pt.t;
			c->first_mem = c->top_mem = it->pt;
		}
		if (it->pt.mib > c->top_mem.mib)
			c->top_mem = it->pt;
	} else if (it->kind == DAT_MAXRSS) {
		if (!c->has_maxrss || it->pt.mib > c->top_maxrss.mib)
			c->top_maxrss = it->pt;
		c->has_maxrss = 1;
	} else if (it->kind == DAT_HEAP) {
		if (!c->has_heap || heap_top(&it->heap) > heap_top(&c->top_heap))
			c->top_heap = it->heap;
		c->has_heap = 1;
	}
}

/* dat_line_fn: each line into its reduced series. */
static int plot_line(void *ctx, const struct dat_line *l, const struct dat_item *it, struct err *e)
{
	struct pread *c = ctx;
	struct dat_recording *r = &c->p->r;
	(void)l, (void)e;
	if (!it)
		return 0;
	if (c->window)
		note_extremes(c, it);
	dat_recording_take_common(r, it);
	switch (it->kind) {
	case DAT_MEM:
		if (keep(c, it->pt.t))
			red_point(&c->mem, it->pt.t, it->pt.mib);
		break;
	case DAT_MAXRSS:
		if (keep(c, it->pt.t))
			red_point(&c->maxrss, it->pt.t, it->pt.mib);
		break;
	case DAT_HEAP:
		if (keep(c, it->heap.t))
			red_heap(&c->heap, &it->heap);
		break;
	case DAT_CHLD: {
		struct pchild *ch = kid(c, it->id);
		if (keep(c, it->pt.t))
			red_point(&ch->mem, it->pt.t, it->pt.mib);
		kid_peak(ch, it->pt.t, it->pt.mib);
		break;
	}
	case DAT_CHLDMAX:
		kid_peak(kid(c, it->id), it->pt.t, it->pt.mib);
		break;
	case DAT_FUNC:
		add_func(c, &it->func);
		break;
	case DAT_GC: /* kept in r by dat_recording_take_common; drawn from here */
		if (keep(c, it->gc.t))
			red_point(&c->heap_events, it->gc.t, it->gc.heap_start_mib);
		if (keep(c, it->gc.t + it->gc.duration_s))
			red_point(&c->heap_events, it->gc.t + it->gc.duration_s,
				  it->gc.heap_stop_mib);
		break;
	default:
		break;
	}
	return 0;
}

static void pread_release(struct pread *c)
{
	red_release(&c->mem);
	red_release(&c->maxrss);
	red_release(&c->heap);
	red_release(&c->rss_events);
	red_release(&c->heap_events);
	for (size_t i = 0; i < c->nkids; i++) {
		red_release(&c->kids[i].mem);
		free(c->kids[i].id);
	}
	free(c->kids);
	names_release(&c->ids);
}

int plot_read(const char *path, const struct plot_opts *o, struct plot_recording *p, struct err *e)
{
	memset(p, 0, sizeof(*p));
	struct dat_recording *r = &p->r;
	r->path = xstrdup(path);
	r->rusage_peak_mib = -1;
	r->hwm = -1;
	struct pread c = {.p = p, .window = o->window, .t_first = NAN};
	double margin = (o->w_end - o->w_start) / 100;
	c.w_lo = o->w_start - margin;
	c.w_hi = o->w_end + margin;
	c.max = (size_t)(o->width > 0 ? o->width : 1260) * BUCKETS_PER_COLUMN;
	c.kid_max = c.max;
	red_init(&c.mem, c.max, sizeof(struct pbucket), pmerge);
	red_init(&c.maxrss, c.max, sizeof(struct pbucket), pmerge);
	red_init(&c.heap, c.max, sizeof(struct hbucket), hmerge);
	red_init(&c.rss_events, c.max, sizeof(struct pbucket), pmerge);
	red_init(&c.heap_events, c.max, sizeof(struct pbucket), pmerge);
	if (dat_stream(path, plot_line, &c, e)) {
		pread_release(&c);
		plot_recording_release(p);
		return -1;
	}
	red_emit(&c.mem, &r->mem);
	red_emit(&c.maxrss, &r->maxrss);
	red_emit_heap(&c.heap, &r->heap);
	if (c.window && !isnan(c.t_first)) {
		dat_series_push(&r->mem, c.first_mem.t, c.first_mem.mib);
		dat_series_push(&r->mem, c.top_mem.t, c.top_mem.mib);
		qsort(r->mem.v, r->mem.n, sizeof(*r->mem.v), by_t);
		if (c.has_maxrss) {
			dat_series_push(&r->maxrss, c.top_maxrss.t, c.top_maxrss.mib);
			qsort(r->maxrss.v, r->maxrss.n, sizeof(*r->maxrss.v), by_t);
		}
		if (c.has_heap) {
			xgrow((void **)&r->heap.v, &r->heap.cap, r->heap.n + 1, sizeof(*r->heap.v));
			r->heap.v[r->heap.n++] = c.top_heap;
			qsort(r->heap.v, r->heap.n, sizeof(*r->heap.v), by_t);
		}
	}
	red_emit(&c.rss_events, &p->rss_events);
	red_emit(&c.heap_events, &p->heap_events);
	for (size_t i = 0; i < c.nkids; i++) {
		struct dat_child *ch = dat_child_get(r, c.kids[i].id);
		red_emit(&c.kids[i].mem, &ch->mem);
		if (c.kids[i].has_peak)
			dat_series_push(&ch->max, c.kids[i].peak.t, c.kids[i].peak.mib);
	}
	pread_release(&c);
	if (r->mem.n)
		return 0;
	plot_recording_release(p);
	return err_set(e, "%s: no memory samples (MEM lines)", path);
}

void plot_recording_release(struct plot_recording *p)
{
	dat_recording_release(&p->r);
	free(p->rss_events.v);
	free(p->heap_events.v);
	memset(p, 0, sizeof(*p));
}
