/* summary.c - the numbers of a recording that people and dashboards want, and the checks CI runs on
 * them. */
#include "core/summary.h"
#include "core/callpeak.h"
#include "core/names.h"
#include "core/stkdat.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

void summary_trend(const struct dat_point *v, size_t n, double t0, double *slope, double *icept)
{
	double sx = 0, sy = 0, sxx = 0, sxy = 0;
	for (size_t i = 0; i < n; i++) {
		double x = v[i].t - t0;
		sx += x;
		sy += v[i].mib;
		sxx += x * x;
		sxy += x * v[i].mib;
	}
	double d = (double)n * sxx - sx * sx;
	*slope = n > 1 && d != 0 ? ((double)n * sxy - sx * sy) / d : 0;
	*icept = n ? (sy - *slope * sx) / (double)n : 0;
}

static struct summary_lost *lost_kind(struct summary *s, const char *kind)
{
	for (size_t i = 0; i < s->nlost; i++)
		if (!strcmp(s->lost[i].kind, kind))
			return &s->lost[i];
	if (s->nlost == SUMMARY_LOST_MAX)
		return NULL;
	struct summary_lost *l = &s->lost[s->nlost++];
	snprintf(l->kind, sizeof(l->kind), "%s", kind);
	l->count = 0;
	return l;
}

void summary_add_lost_note(struct summary *s, const char *note)
{
	char kind[24];
	unsigned long long n;
	int end = 0;
	if (sscanf(note, "lost %23[a-z_] %llu%n", kind, &n, &end) != 2 || note[end] != ':')
		return;
	struct summary_lost *l = lost_kind(s, kind);
	if (l)
		l->count += n;
	s->lost_total += n;
}

void summary_add_held_note(struct summary *s, const char *note)
{
	double secs;
	unsigned long long n;
	int end = 0;
	if (sscanf(note, "held %lf s in %llu waits%n", &secs, &n, &end) != 2 || note[end] != ':' ||
	    !(secs >= 0))
		return;
	s->held_s += secs;
	s->held_waits += n;
}

/* ---- reading a recording once, in memory that does not grow with its samples ---- */

/* A point where the heap set a new maximum. */
struct heap_record {
	double t, v;
};

/* What summary_read keeps while the lines stream past: running figures, never the
 * samples themselves. */
struct acc {
	struct summary *s;
	struct stk_data *stacks; /* NULL: not wanted */
	double first_t, last_t, last_mib;
	double sx, sy, sxx, sxy; /* the trend's sums, over x = t - first_t */
	double mem_max, mem_max_t, rss_max, rss_max_t;
	int hwm, heap_absent;
	double t_exit, rusage_mib;
	size_t nheap;
	double heap_max, heap_max_t, mmap_max, mmap_max_t;
	struct dat_heap last_heap;
	/* The heap's records within 0.1 % of the largest so far, oldest first: the first
	 * of them is when the heap first came near its peak (a plateau is dated by its
	 * start, not by a later interval that topped it by a few bytes). */
	struct heap_record *recs;
	size_t rhead, nrecs, recs_cap;
	struct names child_ids, func_ids;
	size_t children_cap, funcs_cap, gcs_cap;
	struct callpeak mem, maxrss, heap; /* each call's peak (summary_func.peak_mib) */
	dat_line_fn also;		   /* summary_read_also: every line goes there too */
	void *also_ctx;
};

static void heap_record(struct acc *a, double t, double v)
{
	if (a->nrecs > a->rhead && v <= a->recs[a->nrecs - 1].v)
		return;
	xgrow((void **)&a->recs, &a->recs_cap, a->nrecs + 1, sizeof(*a->recs));
	a->recs[a->nrecs++] = (struct heap_record){t, v};
	while (a->recs[a->rhead].v < v * 0.999)
		a->rhead++;
	if (a->rhead > 64 && a->rhead * 2 > a->nrecs) { /* keep what is left at the front */
		memmove(a->recs, a->recs + a->rhead, (a->nrecs - a->rhead) * sizeof(*a->recs));
		a->nrecs -= a->rhead;
		a->rhead = 0;
	}
}

static void take_mem(struct acc *a, double t, double mib)
{
	struct summary *s = a->s;
	if (!s->samples++)
		a->first_t = t;
	double x = t - a->first_t;
	a->sx += x;
	a->sy += mib;
	a->sxx += x * x;
	a->sxy += x * mib;
	a->last_t = t;
	a->last_mib = mib;
	if (mib > a->mem_max) {
		a->mem_max = mib;
		a->mem_max_t = t;
	}
	callpeak_add(&a->mem, t, mib);
}

static void take_heap(struct acc *a, const struct dat_heap *h)
{
	double v = h->peak_mib > h->live_mib ? h->peak_mib : h->live_mib;
	if (v > a->heap_max) {
		a->heap_max = v;
		a->heap_max_t = h->t;
	}
	if (h->mmap_mib > a->mmap_max) {
		a->mmap_max = h->mmap_mib;
		a->mmap_max_t = h->t;
	}
	heap_record(a, h->t, v);
	a->last_heap = *h;
	a->nheap++;
	callpeak_add(&a->heap, h->t, v);
}

/* The child with id, added when new: found by hash, whatever the number of children. */
static size_t child_of(struct acc *a, const char *id)
{
	struct summary *s = a->s;
	size_t k = names_find(&a->child_ids, id);
	if (k < s->nchildren)
		return k;
	xgrow((void **)&s->children, &a->children_cap, s->nchildren + 1, sizeof(*s->children));
	s->children[k].id = xstrdup(id);
	s->children[k].peak_mib = -1;
	s->children[k].heap_peak_mib = -1;
	names_id(&a->child_ids, s->children[k].id);
	return s->nchildren++;
}

static void take_child(struct acc *a, const struct dat_item *it)
{
	size_t k = child_of(a, it->id);
	if (it->kind == DAT_CHLDHEAP) {
		const struct dat_heap *h = &it->heap;
		double v = h->peak_mib > h->live_mib ? h->peak_mib : h->live_mib;
		if (v > a->s->children[k].heap_peak_mib)
			a->s->children[k].heap_peak_mib = v;
		return;
	}
	double *peak = &a->s->children[k].peak_mib;
	*peak = fmax(fmax(*peak, 0), it->pt.mib);
}

/* callpeak's answer: a call's peak within one series. */
static void func_answer(void *ctx, size_t id, double v)
{
	struct acc *a = ctx;
	a->s->funcs[id].peak_mib = fmax(a->s->funcs[id].peak_mib, v);
}

static void take_func(struct acc *a, const struct dat_func *fn)
{
	struct summary *s = a->s;
	size_t k = names_find(&a->func_ids, fn->name);
	if (k == s->nfuncs) {
		xgrow((void **)&s->funcs, &a->funcs_cap, k + 1, sizeof(*s->funcs));
		memset(&s->funcs[k], 0, sizeof(s->funcs[k]));
		s->funcs[k].name = xstrdup(fn->name);
		s->funcs[k].peak_mib = NAN;
		names_id(&a->func_ids, s->funcs[k].name);
		s->nfuncs++;
	}
	struct summary_func *sf = &s->funcs[k];
	sf->calls++;
	sf->total_s += fn->t_out - fn->t_in;
	/* Its own entry and exit figures (what the original reports), the samples within
	 * it, and the maxima of intervals that lie inside it. */
	sf->peak_mib = fmax(sf->peak_mib, fmax(fn->mem_in, fn->mem_out));
	callpeak_ask(&a->mem, fn->t_in, fn->t_out, k);
	callpeak_ask(&a->maxrss, fn->t_in, fn->t_out, k);
	callpeak_ask(&a->heap, fn->t_in, fn->t_out, k);
	if (!isnan(fn->heap_in) && !isnan(fn->heap_out)) {
		sf->heap_retained_mib += fn->heap_out - fn->heap_in; /* a sum until the end */
		sf->heap_calls++;
	}
}

static void take_note(struct acc *a, const char *text)
{
	struct summary *s = a->s;
	if (!strncmp(text, DAT_NOTE_NO_HWM, strlen(DAT_NOTE_NO_HWM)))
		a->hwm = 0;
	if (!s->heap_ends && !strncmp(text, DAT_NOTE_HEAP_ENDS, strlen(DAT_NOTE_HEAP_ENDS))) {
		char who[PATH_MAX + 64];
		dat_heap_ends_subject(text, who, sizeof(who));
		s->heap_ends = xstrdup(who);
	}
	/* The library or the launcher said the heap could not be seen: its lines, if
	 * any, are not the program's heap. */
	static const char *const absent[] = {"heap unavailable: ", "hooks unavailable: "};
	for (size_t k = 0; k < 2 && !s->heap_note; k++)
		if (!strncmp(text, absent[k], strlen(absent[k]))) {
			s->heap_note = xstrdup(text + strlen(absent[k]));
			a->heap_absent = 1;
		}
	summary_add_lost_note(s, text);
	summary_add_held_note(s, text);
}

static void take_header(struct acc *a, const struct dat_header *h)
{
	if (h->interval)
		a->s->interval_s = h->interval;
	if (h->backend[0])
		snprintf(a->s->backend, sizeof(a->s->backend), "%s", h->backend);
	if (h->hwm >= 0 && a->hwm != 0) /* a refusal noted earlier stands */
		a->hwm = h->hwm;
}

static void take_gc(struct acc *a, const struct dat_gc *g)
{
	struct summary_gc *gc = &a->s->gc;
	xgrow((void **)&gc->events, &a->gcs_cap, gc->collections + 1, sizeof(*gc->events));
	gc->events[gc->collections++] = *g;
}

/* dat_line_fn: one line into the running figures. */
static int take_line(void *ctx, const struct dat_line *l, const struct dat_item *it, struct err *e)
{
	struct acc *a = ctx;
	if (a->also) {
		int rc = a->also(a->also_ctx, l, it, e);
		if (rc)
			return rc;
	}
	if (!it)
		return a->stacks ? stk_take_line(a->stacks, l) : 0;
	switch (it->kind) {
	case DAT_MEM:
		take_mem(a, it->pt.t, it->pt.mib);
		break;
	case DAT_MAXRSS:
		if (it->pt.mib > a->rss_max) {
			a->rss_max = it->pt.mib;
			a->rss_max_t = it->pt.t;
		}
		callpeak_add(&a->maxrss, it->pt.t, it->pt.mib);
		break;
	case DAT_HEAP:
		take_heap(a, &it->heap);
		break;
	case DAT_CHLD:
	case DAT_CHLDMAX:
	case DAT_CHLDHEAP:
		take_child(a, it);
		break;
	case DAT_FUNC:
		take_func(a, &it->func);
		break;
	case DAT_NOTE:
		take_note(a, it->id);
		break;
	case DAT_CMDLINE:
		free(a->s->cmdline);
		a->s->cmdline = xstrdup(it->id);
		break;
	case DAT_MPROF:
		take_header(a, &it->header);
		break;
	case DAT_EXIT:
		a->s->has_exit = 1;
		a->s->exit_status = it->status;
		a->t_exit = it->pt.t;
		a->rusage_mib = it->pt.mib;
		break;
	case DAT_GC:
		take_gc(a, &it->gc);
		break;
	default:
		break;
	}
	return 0;
}

static void acc_init(struct acc *a, struct summary *s, const char *name, struct stk_data *stacks)
{
	memset(a, 0, sizeof(*a));
	memset(s, 0, sizeof(*s));
	a->s = s;
	a->stacks = stacks;
	if (stacks)
		memset(stacks, 0, sizeof(*stacks));
	a->hwm = -1;
	a->rusage_mib = -1;
	a->heap_max = a->mmap_max = -1;
	s->file = xstrdup(name);
	static const char *const kinds[] = SUMMARY_LOST_KINDS;
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		lost_kind(s, kinds[i]);
	callpeak_init(&a->mem, 0, func_answer, a);
	callpeak_init(&a->maxrss, 1, func_answer, a);
	callpeak_init(&a->heap, 1, func_answer, a);
}

static void acc_release(struct acc *a)
{
	free(a->recs);
	names_release(&a->child_ids);
	names_release(&a->func_ids);
	callpeak_release(&a->mem);
	callpeak_release(&a->maxrss);
	callpeak_release(&a->heap);
}

/* The true peak (dat_peak_rss's rule): the largest of the samples, the kernel maxima
 * and the exit figure, and when. */
static void finish_rss(struct acc *a)
{
	struct summary *s = a->s;
	double best = a->mem_max, t = a->mem_max > 0 ? a->mem_max_t : s->start;
	if (a->rss_max > best) {
		best = a->rss_max;
		t = a->rss_max_t;
	}
	if (s->has_exit && a->rusage_mib > best) {
		best = a->rusage_mib;
		t = a->t_exit;
	}
	s->peak_mib = best;
	s->peak_t_s = t - s->start;
	int sampled = a->hwm == 0 && !(s->has_exit && a->rusage_mib >= 0);
	s->true_peak = sampled ? 0 : a->hwm < 0 ? -1 : 1;
	s->peak_sampled_mib = a->mem_max;
	s->peak_sampled_t_s = (a->mem_max > 0 ? a->mem_max_t : s->start) - s->start;
	s->final_mib = a->last_mib;
	double n = (double)s->samples, d = n * a->sxx - a->sx * a->sx;
	s->slope_mib_s = s->samples > 1 && d != 0 ? (n * a->sxy - a->sx * a->sy) / d : 0;
}

static void finish_heap(struct acc *a)
{
	struct summary *s = a->s;
	s->heap_exit_mib = -1;
	/* The peaks as the lines say (peak prints them even when a NOTE says they are
	 * not the program's); has_heap says whether they are. */
	s->heap_peak_mib = a->heap_max;
	s->mmap_peak_mib = a->mmap_max;
	s->mmap_peak_t_s = a->mmap_max_t - s->start;
	s->mmap_significant = a->mmap_max > 1.0 && a->mmap_max > 0.1 * s->peak_mib;
	s->has_heap = a->nheap > 0 && !a->heap_absent;
	if (!a->nheap)
		return;
	s->heap_peak_t_s = a->recs[a->rhead].t - s->start;
	if (s->has_exit && !s->heap_ends) /* else the last line is another image's */
		s->heap_exit_mib = a->last_heap.live_mib;
	s->allocs = a->last_heap.allocs;
	s->frees = a->last_heap.frees;
}

static void finish_funcs_gc(struct acc *a)
{
	struct summary *s = a->s;
	callpeak_finish(&a->mem);
	callpeak_finish(&a->maxrss);
	callpeak_finish(&a->heap);
	for (size_t k = 0; k < s->nfuncs; k++)
		s->funcs[k].heap_retained_mib =
		    s->funcs[k].heap_calls
			? s->funcs[k].heap_retained_mib / (double)s->funcs[k].heap_calls
			: NAN;
	struct summary_gc *g = &s->gc;
	for (size_t i = 0; i < g->collections; i++) {
		const struct dat_gc *e = &g->events[i];
		double freed = e->heap_start_mib - e->heap_stop_mib;
		g->total_s += e->duration_s;
		g->freed_mib += freed;
		const struct dat_gc *big = &g->events[g->largest];
		if (freed > big->heap_start_mib - big->heap_stop_mib)
			g->largest = i;
	}
}

static int acc_finish(struct acc *a, const char *name, int rc, struct err *e)
{
	struct summary *s = a->s;
	if (rc == 0 && a->stacks)
		rc = stk_finish(name, a->stacks, e);
	if (rc == 0 && !s->samples)
		rc = err_set(e, "%s: no memory samples (MEM lines)", name);
	if (rc == 0) {
		if (!s->cmdline)
			s->cmdline = xstrdup("");
		if (!s->backend[0])
			snprintf(s->backend, sizeof(s->backend), "rss");
		s->start = a->first_t;
		double end = s->has_exit && a->t_exit > a->last_t ? a->t_exit : a->last_t;
		s->duration_s = end - s->start;
		finish_rss(a);
		finish_heap(a);
		finish_funcs_gc(a);
	}
	acc_release(a);
	if (rc) {
		summary_release(s);
		if (a->stacks)
			stk_data_release(a->stacks);
	}
	return rc ? -1 : 0;
}

int summary_read(const char *path, struct summary *s, struct stk_data *stacks, struct err *e)
{
	struct acc a;
	acc_init(&a, s, path, stacks);
	return acc_finish(&a, path, dat_stream(path, take_line, &a, e), e);
}

int summary_read_also(const char *path, struct summary *s, struct stk_data *stacks,
		      dat_line_fn also, void *ctx, struct err *e)
{
	struct acc a;
	acc_init(&a, s, path, stacks);
	a.also = also;
	a.also_ctx = ctx;
	return acc_finish(&a, path, dat_stream(path, take_line, &a, e), e);
}

int summary_parse(const char *name, const char *text, size_t len, struct summary *s,
		  struct stk_data *stacks, struct err *e)
{
	struct acc a;
	acc_init(&a, s, name, stacks);
	return acc_finish(&a, name, dat_stream_text(name, text, len, take_line, &a, e), e);
}

void summary_release(struct summary *s)
{
	free(s->file);
	free(s->cmdline);
	free(s->heap_ends);
	free(s->heap_note);
	for (size_t i = 0; i < s->nfuncs; i++)
		free(s->funcs[i].name);
	free(s->funcs);
	free(s->gc.events);
	for (size_t i = 0; i < s->nchildren; i++)
		free(s->children[i].id);
	free(s->children);
	memset(s, 0, sizeof(*s));
}

/* Numbers rounded for people: MiB to 3 decimals, seconds to 4. */
static double r3(double v)
{
	return round(v * 1000) / 1000;
}
static double r4(double v)
{
	return round(v * 10000) / 10000;
}

static void add_num_or_null(cJSON *o, const char *key, double v, int known)
{
	if (known && isfinite(v))
		cJSON_AddNumberToObject(o, key, v);
	else
		cJSON_AddNullToObject(o, key);
}

static void json_heap(cJSON *o, const struct summary *s)
{
	if (s->has_heap) {
		cJSON *heap = cJSON_AddObjectToObject(o, "heap");
		cJSON_AddNumberToObject(heap, "peak_mib", r3(s->heap_peak_mib));
		cJSON_AddNumberToObject(heap, "peak_time_s", r4(s->heap_peak_t_s));
		add_num_or_null(heap, "at_exit_mib", r3(s->heap_exit_mib), s->heap_exit_mib >= 0);
		cJSON_AddNumberToObject(heap, "allocs", (double)s->allocs);
		cJSON_AddNumberToObject(heap, "frees", (double)s->frees);
		cJSON_AddNumberToObject(heap, "mmap_peak_mib", r3(s->mmap_peak_mib));
		cJSON_AddNumberToObject(heap, "mmap_peak_time_s", r4(s->mmap_peak_t_s));
		if (s->mmap_significant)
			cJSON_AddStringToObject(heap, "note", SUMMARY_MMAP_NOTE);
	} else {
		cJSON_AddNullToObject(o, "heap");
	}
}

static void json_gc(cJSON *o, const struct summary *s)
{
	if (s->gc.collections) {
		cJSON *gc = cJSON_AddObjectToObject(o, "gc");
		cJSON_AddNumberToObject(gc, "collections", (double)s->gc.collections);
		cJSON_AddNumberToObject(gc, "total_s", r4(s->gc.total_s));
		cJSON_AddNumberToObject(gc, "freed_mib", r3(s->gc.freed_mib));
		cJSON *events = cJSON_AddArrayToObject(gc, "events");
		for (size_t i = 0; i < s->gc.collections; i++) {
			const struct dat_gc *e = &s->gc.events[i];
			cJSON *j = cJSON_CreateObject();
			cJSON_AddNumberToObject(j, "time_s", r4(e->t - s->start));
			cJSON_AddNumberToObject(j, "generation", e->generation);
			cJSON_AddNumberToObject(j, "duration_s", round(e->duration_s * 1e6) / 1e6);
			cJSON_AddNumberToObject(j, "collected", (double)e->collected);
			cJSON_AddNumberToObject(j, "uncollectable", (double)e->uncollectable);
			cJSON_AddNumberToObject(j, "freed_mib",
						r3(e->heap_start_mib - e->heap_stop_mib));
			cJSON_AddItemToArray(events, j);
		}
	} else {
		cJSON_AddNullToObject(o, "gc");
	}
}

static void json_children(cJSON *o, const struct summary *s)
{
	cJSON *kids = cJSON_AddArrayToObject(o, "children");
	for (size_t i = 0; i < s->nchildren; i++) {
		cJSON *c = cJSON_CreateObject();
		cJSON_AddStringToObject(c, "id", s->children[i].id);
		add_num_or_null(c, "peak_mib", r3(s->children[i].peak_mib),
				s->children[i].peak_mib >= 0);
		add_num_or_null(c, "heap_peak_mib", r3(s->children[i].heap_peak_mib),
				s->children[i].heap_peak_mib >= 0);
		cJSON_AddItemToArray(kids, c);
	}
}

cJSON *summary_json(const struct summary *s)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "format", "mprof-summary");
	cJSON_AddNumberToObject(o, "version", SUMMARY_JSON_VERSION);
	cJSON_AddStringToObject(o, "file", s->file);
	cJSON_AddStringToObject(o, "cmdline", s->cmdline);
	cJSON_AddNumberToObject(o, "start", r4(s->start));
	char iso[40];
	time_t secs = (time_t)s->start;
	struct tm tm;
	gmtime_r(&secs, &tm);
	strftime(iso, sizeof(iso), "%Y-%m-%dT%H:%M:%SZ", &tm);
	cJSON_AddStringToObject(o, "start_utc", iso);
	cJSON_AddNumberToObject(o, "duration_s", r4(s->duration_s));
	cJSON_AddNumberToObject(o, "samples", (double)s->samples);
	add_num_or_null(o, "interval_s", s->interval_s, s->interval_s > 0);
	cJSON_AddStringToObject(o, "backend", s->backend);
	add_num_or_null(o, "exit_status", s->exit_status, s->has_exit && s->exit_status >= 0);

	cJSON *rss = cJSON_AddObjectToObject(o, "rss");
	cJSON_AddNumberToObject(rss, "peak_mib", r3(s->peak_mib));
	cJSON_AddNumberToObject(rss, "peak_time_s", r4(s->peak_t_s));
	if (s->true_peak < 0)
		cJSON_AddNullToObject(rss, "true_peak");
	else
		cJSON_AddBoolToObject(rss, "true_peak", s->true_peak);
	if (s->true_peak == 0)
		cJSON_AddStringToObject(rss, "note", SUMMARY_NO_TRUE_PEAK);
	cJSON_AddNumberToObject(rss, "peak_sampled_mib", r3(s->peak_sampled_mib));
	cJSON_AddNumberToObject(rss, "peak_sampled_time_s", r4(s->peak_sampled_t_s));
	cJSON_AddNumberToObject(rss, "final_mib", r3(s->final_mib));
	cJSON_AddNumberToObject(rss, "slope_mib_per_s", r4(s->slope_mib_s));

	json_heap(o, s);
	if (s->heap_ends)
		cJSON_AddStringToObject(o, "heap_ends", s->heap_ends);
	cJSON *funcs = cJSON_AddArrayToObject(o, "functions");
	for (size_t i = 0; i < s->nfuncs; i++) {
		cJSON *f = cJSON_CreateObject();
		cJSON_AddStringToObject(f, "name", s->funcs[i].name);
		cJSON_AddNumberToObject(f, "calls", (double)s->funcs[i].calls);
		cJSON_AddNumberToObject(f, "total_s", r4(s->funcs[i].total_s));
		add_num_or_null(f, "peak_mib", r3(s->funcs[i].peak_mib),
				!isnan(s->funcs[i].peak_mib));
		add_num_or_null(f, "heap_retained_mib", r3(s->funcs[i].heap_retained_mib),
				!isnan(s->funcs[i].heap_retained_mib));
		cJSON_AddItemToArray(funcs, f);
	}
	json_gc(o, s);
	cJSON *lost = cJSON_AddObjectToObject(o, "lost");
	for (size_t i = 0; i < s->nlost; i++)
		cJSON_AddNumberToObject(lost, s->lost[i].kind, (double)s->lost[i].count);
	cJSON *held = cJSON_AddObjectToObject(o, "held");
	cJSON_AddNumberToObject(held, "seconds", round(s->held_s * 1e3) / 1e3);
	cJSON_AddNumberToObject(held, "waits", (double)s->held_waits);
	json_children(o, s);
	return o;
}

static int json_number(const cJSON *o, const char *key, double *out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	if (!cJSON_IsNumber(v))
		return -1;
	*out = v->valuedouble;
	return 0;
}

static int baseline_from_json(const char *path, const char *text, struct summary *s, struct err *e)
{
	cJSON *o = cJSON_Parse(text);
	const cJSON *fmt = o ? cJSON_GetObjectItemCaseSensitive(o, "format") : NULL;
	if (!o || !cJSON_IsString(fmt) || strcmp(fmt->valuestring, "mprof-summary")) {
		cJSON_Delete(o);
		return err_set(e, "%s: not a recording nor an 'mprof summary --json' file", path);
	}
	memset(s, 0, sizeof(*s));
	s->file = xstrdup(path);
	s->cmdline = xstrdup("");
	s->heap_exit_mib = -1;
	const cJSON *rss = cJSON_GetObjectItemCaseSensitive(o, "rss");
	const cJSON *heap = cJSON_GetObjectItemCaseSensitive(o, "heap");
	int bad = json_number(rss, "peak_mib", &s->peak_mib) ||
		  json_number(o, "duration_s", &s->duration_s);
	if (!bad && cJSON_IsObject(heap)) {
		s->has_heap = 1;
		bad = json_number(heap, "peak_mib", &s->heap_peak_mib);
		if (json_number(heap, "at_exit_mib", &s->heap_exit_mib) == 0)
			s->has_exit = 1;
	}
	cJSON_Delete(o);
	if (bad) {
		summary_release(s);
		return err_set(e, "%s: summary lacks rss.peak_mib, duration_s or heap.peak_mib",
			       path);
	}
	return 0;
}

/* 1 when the file at path starts (after blanks) with '{': a JSON summary. */
static int looks_like_json(const char *path)
{
	char buf[512];
	FILE *f = fopen(path, "r");
	size_t n = f ? fread(buf, 1, sizeof(buf), f) : 0;
	if (f)
		fclose(f);
	size_t i = 0;
	while (i < n && buf[i] && strchr(" \t\r\n", buf[i]))
		i++;
	return i < n && buf[i] == '{';
}

int summary_load_baseline(const char *path, struct summary *s, struct err *e)
{
	if (!looks_like_json(path)) /* a recording: read it as every command does */
		return summary_read(path, s, NULL, e);
	char *text = read_file(path, NULL, e);
	if (!text)
		return -1;
	int rc = baseline_from_json(path, text, s, e);
	free(text);
	return rc;
}

/* ---- checks ---- */

const char *check_metric_label(enum check_metric m)
{
	switch (m) {
	case CHECK_PEAK:
		return "peak RSS";
	case CHECK_HEAP:
		return "peak heap";
	case CHECK_LEAK:
		return "heap at exit";
	case CHECK_DURATION:
		return "duration";
	case CHECK_FUNC_PEAK:
		return "peak RSS in";
	case CHECK_LOST:
		return "items lost";
	}
	return "?";
}

const char *check_metric_key(enum check_metric m)
{
	switch (m) {
	case CHECK_PEAK:
		return "peak_rss";
	case CHECK_HEAP:
		return "peak_heap";
	case CHECK_LEAK:
		return "leak";
	case CHECK_DURATION:
		return "duration";
	case CHECK_FUNC_PEAK:
		return "function_peak_rss";
	case CHECK_LOST:
		return "lost";
	}
	return "?";
}

/* The measured value of a metric; NAN when the summary cannot say. */
static double measure(const struct summary *s, enum check_metric m, const char *func)
{
	switch (m) {
	case CHECK_PEAK:
		return s->peak_mib;
	case CHECK_HEAP:
		return s->has_heap ? s->heap_peak_mib : NAN;
	case CHECK_LEAK:
		return s->has_heap && s->heap_exit_mib >= 0 ? s->heap_exit_mib : NAN;
	case CHECK_DURATION:
		return s->duration_s;
	case CHECK_FUNC_PEAK:
		for (size_t i = 0; i < s->nfuncs; i++)
			if (!strcmp(s->funcs[i].name, func))
				return s->funcs[i].peak_mib;
		return NAN;
	case CHECK_LOST:
		return (double)s->lost_total;
	}
	return NAN;
}

static struct check_result *push(struct check_result **res, size_t *n)
{
	*res = xrealloc(*res, (*n + 1) * sizeof(**res));
	struct check_result *c = &(*res)[(*n)++];
	memset(c, 0, sizeof(*c));
	c->baseline = NAN;
	return c;
}

static int need_data(const struct summary *s, enum check_metric m, const char *func,
		     const char *what, struct err *e)
{
	if ((m == CHECK_HEAP || m == CHECK_LEAK) && s->heap_ends)
		return err_set(e,
			       "%s: no heap data for %s in '%s': it does not report to the hooks "
			       "(see the NOTE lines of the recording)",
			       what, s->heap_ends, s->file);
	if ((m == CHECK_HEAP || m == CHECK_LEAK) && !s->has_heap)
		return err_set(e,
			       "%s needs heap data, and '%s' has none (the program was not "
			       "hooked: see the NOTE lines of the recording)",
			       what, s->file);
	if (m == CHECK_LEAK && s->heap_exit_mib < 0)
		return err_set(e,
			       "%s needs the heap at exit, and '%s' has no EXIT line "
			       "(attached, or mprof was stopped before the program)",
			       what, s->file);
	if (m == CHECK_FUNC_PEAK && isnan(measure(s, m, func)))
		return err_set(e,
			       "--func '%s': no sample fell within its calls in '%s' (each "
			       "shorter than the sampling interval)",
			       func, s->file);
	return 0;
}

int check_run(const struct summary *s, const struct check_limit *limits, size_t nlimits,
	      const struct summary *base, double tolerance_pct, struct check_result **res,
	      size_t *nres, struct err *e)
{
	*res = NULL;
	*nres = 0;
	static const char *const opt[] = {"--max-peak",	    "--max-heap", "--max-leak",
					  "--max-duration", "--max-peak", "--max-lost"};
	for (size_t i = 0; i < nlimits; i++) {
		const struct check_limit *l = &limits[i];
		if (need_data(s, l->metric, l->func, opt[l->metric], e)) {
			free(*res);
			*res = NULL;
			*nres = 0;
			return -1;
		}
		struct check_result *c = push(res, nres);
		c->metric = l->metric;
		c->func = l->func;
		c->measured = measure(s, l->metric, l->func);
		c->limit = l->limit;
		c->passed = c->measured <= c->limit;
	}
	if (!base)
		return 0;
	/* Memory only: a run's length depends on how busy the machine was, and a memory
	 * gate that fails on a slow CI runner teaches people to ignore it (a time budget
	 * is --max-duration, asked for explicitly). */
	const enum check_metric cmp[] = {CHECK_PEAK, CHECK_HEAP, CHECK_LEAK};
	for (size_t i = 0; i < sizeof(cmp) / sizeof(cmp[0]); i++) {
		double b = measure(base, cmp[i], NULL), v = measure(s, cmp[i], NULL);
		if (isnan(b) || isnan(v))
			continue; /* a metric one side lacks is not compared */
		struct check_result *c = push(res, nres);
		c->metric = cmp[i];
		c->measured = v;
		c->baseline = b;
		c->limit = b * (1 + tolerance_pct / 100);
		/* Tiny absolute values (a leak of a few KiB) may vary more than any
		 * percentage: 0.1 MiB of slack above the baseline is always allowed. */
		if (c->limit < b + 0.1)
			c->limit = b + 0.1;
		c->passed = v <= c->limit;
	}
	return 0;
}

cJSON *check_json(const struct summary *s, const struct check_result *res, size_t n,
		  double tolerance_pct, const char *baseline_file)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "format", "mprof-check");
	cJSON_AddNumberToObject(o, "version", SUMMARY_JSON_VERSION);
	cJSON_AddStringToObject(o, "file", s->file);
	int passed = 1;
	for (size_t i = 0; i < n; i++)
		passed &= res[i].passed;
	cJSON_AddBoolToObject(o, "passed", passed);
	if (baseline_file) {
		cJSON_AddStringToObject(o, "baseline", baseline_file);
		cJSON_AddNumberToObject(o, "tolerance_pct", tolerance_pct);
	}
	cJSON *arr = cJSON_AddArrayToObject(o, "checks");
	for (size_t i = 0; i < n; i++) {
		const struct check_result *c = &res[i];
		cJSON *j = cJSON_CreateObject();
		cJSON_AddStringToObject(j, "metric", check_metric_key(c->metric));
		if (c->func)
			cJSON_AddStringToObject(j, "function", c->func);
		cJSON_AddStringToObject(j, "unit",
					c->metric == CHECK_DURATION ? "s"
					: c->metric == CHECK_LOST   ? "items"
								    : "MiB");
		cJSON_AddStringToObject(j, "kind", isnan(c->baseline) ? "limit" : "baseline");
		cJSON_AddNumberToObject(j, "measured", r3(c->measured));
		cJSON_AddNumberToObject(j, "limit", r3(c->limit));
		add_num_or_null(j, "baseline", r3(c->baseline), !isnan(c->baseline));
		cJSON_AddBoolToObject(j, "passed", c->passed);
		cJSON_AddItemToArray(arr, j);
	}
	return o;
}
