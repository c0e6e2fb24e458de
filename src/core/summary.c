/* summary.c - the numbers of a recording that people and dashboards want, and the checks CI runs on
 * them. */
#include "core/summary.h"
#include "core/names.h"

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

/* When the heap first came within 0.1% of its peak: a plateau is dated by its
 * start, not by a later interval that topped it by a few bytes. */
static double heap_peak_first(const struct dat_recording *r, double peak)
{
	for (size_t i = 0; i < r->heap.n; i++) {
		const struct dat_heap *h = &r->heap.v[i];
		if ((h->peak_mib > h->live_mib ? h->peak_mib : h->live_mib) >= peak * 0.999)
			return h->t;
	}
	return r->heap.n ? r->heap.v[0].t : 0;
}

/* ---- per-function figures, in time linear in the calls (up to a log factor) ---- */

static int by_time(const void *x, const void *y)
{
	const struct dat_point *a = x, *b = y;
	return (a->t > b->t) - (a->t < b->t);
}

/* Points sorted by time, with a max segment tree over them: the largest value
 * within any range of them in O(log n). */
struct range_max {
	struct dat_point *v;
	double *tree; /* tree[m + i] = v[i].mib, tree[k] = max of its two children */
	size_t m;
};

/* Takes v (n points, malloc'd), which it sorts by time. */
static void range_max_init(struct range_max *q, struct dat_point *v, size_t n)
{
	q->m = n;
	q->v = v;
	qsort(q->v, q->m, sizeof(*q->v), by_time);
	q->tree = xmalloc((2 * q->m + 1) * sizeof(*q->tree));
	for (size_t i = 0; i < q->m; i++)
		q->tree[q->m + i] = q->v[i].mib;
	for (size_t k = q->m; k-- > 1;)
		q->tree[k] = fmax(q->tree[2 * k], q->tree[2 * k + 1]);
}

static void range_max_release(struct range_max *q)
{
	free(q->v);
	free(q->tree);
}

/* The first point at or after t (after, when strictly is set). */
static size_t range_max_find(const struct range_max *q, double t, int strictly)
{
	size_t lo = 0, hi = q->m;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (q->v[mid].t < t || (strictly && q->v[mid].t == t))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The largest value of points lo..hi-1; NAN when none. */
static double range_max_span(const struct range_max *q, size_t lo, size_t hi)
{
	double best = NAN;
	for (lo += q->m, hi += q->m; lo < hi; lo /= 2, hi /= 2) {
		if (lo & 1)
			best = fmax(best, q->tree[lo++]);
		if (hi & 1)
			best = fmax(best, q->tree[--hi]);
	}
	return best;
}

/* The largest value of points with t_in <= t <= t_out; NAN when none. */
static double range_max_query(const struct range_max *q, double t_in, double t_out)
{
	return range_max_span(q, range_max_find(q, t_in, 0), range_max_find(q, t_out, 1));
}

/* The largest value of points that end an interval lying within [t_in, t_out]: the
 * interval of point i runs from point i-1, so i-1 must be at or after t_in. */
static double range_max_inside(const struct range_max *q, double t_in, double t_out)
{
	size_t first = range_max_find(q, t_in, 0) + 1, end = range_max_find(q, t_out, 1);
	return first < end ? range_max_span(q, first, end) : NAN;
}

/* What a call's peak is made of: samples, kernel maxima and heap peaks. */
struct call_peaks {
	struct range_max mem, maxrss, heap;
};

static struct dat_point *points_copy(const struct dat_series *s)
{
	struct dat_point *v = xmalloc((s->n + 1) * sizeof(*v));
	if (s->n)
		memcpy(v, s->v, s->n * sizeof(*v));
	return v;
}

static void call_peaks_init(struct call_peaks *c, const struct dat_recording *r)
{
	range_max_init(&c->mem, points_copy(&r->mem), r->mem.n);
	range_max_init(&c->maxrss, points_copy(&r->maxrss), r->maxrss.n);
	struct dat_point *h = xmalloc((r->heap.n + 1) * sizeof(*h));
	for (size_t i = 0; i < r->heap.n; i++)
		h[i] = (struct dat_point){r->heap.v[i].t,
					  fmax(r->heap.v[i].peak_mib, r->heap.v[i].live_mib)};
	range_max_init(&c->heap, h, r->heap.n);
}

static void call_peaks_release(struct call_peaks *c)
{
	range_max_release(&c->mem);
	range_max_release(&c->maxrss);
	range_max_release(&c->heap);
}

/* One call's peak: its own entry and exit figures (what the original reports), the
 * samples within it, and the maxima of intervals that lie inside it. */
static double call_peak(const struct call_peaks *c, const struct dat_func *fn)
{
	double best = fmax(fn->mem_in, fn->mem_out);
	best = fmax(best, range_max_query(&c->mem, fn->t_in, fn->t_out));
	best = fmax(best, range_max_inside(&c->maxrss, fn->t_in, fn->t_out));
	return fmax(best, range_max_inside(&c->heap, fn->t_in, fn->t_out));
}

double summary_func_peak(const struct dat_recording *r, const char *name)
{
	struct call_peaks c;
	call_peaks_init(&c, r);
	double best = NAN;
	for (size_t f = 0; f < r->nfuncs; f++)
		if (!strcmp(r->funcs[f].name, name))
			best = fmax(best, call_peak(&c, &r->funcs[f]));
	call_peaks_release(&c);
	return best;
}

static void func_totals(const struct dat_recording *r, struct summary *s)
{
	struct names names = {0};
	struct call_peaks c;
	call_peaks_init(&c, r);
	s->funcs = xcalloc(r->nfuncs + 1, sizeof(*s->funcs));
	for (size_t i = 0; i < r->nfuncs; i++) {
		const struct dat_func *fn = &r->funcs[i];
		size_t k = names_id(&names, fn->name);
		struct summary_func *sf = &s->funcs[k];
		if (k == s->nfuncs) {
			sf->name = xstrdup(fn->name);
			sf->peak_mib = NAN;
			s->nfuncs++;
		}
		sf->calls++;
		sf->total_s += fn->t_out - fn->t_in;
		sf->peak_mib = fmax(sf->peak_mib, call_peak(&c, fn));
		if (!isnan(fn->heap_in) && !isnan(fn->heap_out)) {
			sf->heap_retained_mib += fn->heap_out - fn->heap_in; /* a sum until below */
			sf->heap_calls++;
		}
	}
	for (size_t k = 0; k < s->nfuncs; k++)
		s->funcs[k].heap_retained_mib =
		    s->funcs[k].heap_calls
			? s->funcs[k].heap_retained_mib / (double)s->funcs[k].heap_calls
			: NAN;
	names_release(&names);
	call_peaks_release(&c);
}

static void gc_totals(const struct dat_recording *r, struct summary *s)
{
	struct summary_gc *g = &s->gc;
	g->events = xmalloc((r->ngcs + 1) * sizeof(*g->events));
	if (r->ngcs)
		memcpy(g->events, r->gcs, r->ngcs * sizeof(*g->events));
	g->collections = r->ngcs;
	for (size_t i = 0; i < r->ngcs; i++) {
		const struct dat_gc *e = &r->gcs[i];
		double freed = e->heap_start_mib - e->heap_stop_mib;
		g->total_s += e->duration_s;
		g->freed_mib += freed;
		const struct dat_gc *big = &r->gcs[g->largest];
		if (freed > big->heap_start_mib - big->heap_stop_mib)
			g->largest = i;
	}
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

void summary_of(const struct dat_recording *r, struct summary *s)
{
	memset(s, 0, sizeof(*s));
	s->file = xstrdup(r->path);
	s->cmdline = xstrdup(r->cmdline ? r->cmdline : "");
	s->start = r->mem.n ? r->mem.v[0].t : 0;
	double end = r->mem.n ? r->mem.v[r->mem.n - 1].t : 0;
	if (r->has_exit && r->t_exit > end)
		end = r->t_exit;
	s->duration_s = end - s->start;
	s->samples = r->mem.n;
	s->interval_s = r->interval;
	snprintf(s->backend, sizeof(s->backend), "%s", r->backend[0] ? r->backend : "rss");
	s->has_exit = r->has_exit;
	s->exit_status = r->exit_status;
	double t;
	s->peak_mib = dat_peak_rss(r, &t);
	s->peak_t_s = t - s->start;
	s->true_peak = dat_peak_is_sampled(r) ? 0 : r->hwm < 0 ? -1 : 1;
	s->peak_sampled_mib = dat_peak_sampled(r, &t);
	s->peak_sampled_t_s = t - s->start;
	s->final_mib = r->mem.n ? r->mem.v[r->mem.n - 1].mib : 0;
	double icept; /* the RSS trend: least-squares slope of the samples over the run */
	summary_trend(r->mem.v, r->mem.n, s->start, &s->slope_mib_s, &icept);
	s->has_heap = r->heap.n > 0;
	s->heap_exit_mib = -1;
	/* The library or the launcher said the heap could not be seen: its lines, if
	 * any, are not the program's heap. */
	static const char *const absent[] = {"heap unavailable: ", "hooks unavailable: "};
	for (size_t i = 0; i < r->nnotes && !s->heap_note; i++)
		for (size_t k = 0; k < 2; k++)
			if (!strncmp(r->notes[i], absent[k], strlen(absent[k]))) {
				s->heap_note = xstrdup(r->notes[i] + strlen(absent[k]));
				s->has_heap = 0;
			}
	if (s->has_heap) {
		s->heap_peak_mib = dat_peak_heap(r, NULL);
		s->heap_peak_t_s = heap_peak_first(r, s->heap_peak_mib) - s->start;
		const struct dat_heap *last = &r->heap.v[r->heap.n - 1];
		if (r->has_exit && !r->heap_ends) /* else the last line is another image's */
			s->heap_exit_mib = last->live_mib;
		s->allocs = last->allocs;
		s->frees = last->frees;
		s->mmap_peak_mib = dat_peak_mmap(r, &t);
		s->mmap_peak_t_s = t - s->start;
		s->mmap_significant = dat_mmap_significant(r);
	}
	if (r->heap_ends) {
		char who[PATH_MAX + 64];
		dat_heap_ends_subject(r->heap_ends, who, sizeof(who));
		s->heap_ends = xstrdup(who);
	}
	func_totals(r, s);
	gc_totals(r, s);
	s->children = xcalloc(r->nchildren + 1, sizeof(*s->children));
	for (size_t i = 0; i < r->nchildren; i++) {
		s->children[i].id = xstrdup(r->children[i].id);
		s->children[i].peak_mib = dat_child_peak(&r->children[i]);
		s->children[i].heap_peak_mib = dat_child_heap_peak(&r->children[i]);
	}
	s->nchildren = r->nchildren;
	static const char *const kinds[] = SUMMARY_LOST_KINDS;
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		lost_kind(s, kinds[i]);
	for (size_t i = 0; i < r->nnotes; i++) {
		summary_add_lost_note(s, r->notes[i]);
		summary_add_held_note(s, r->notes[i]);
	}
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
	cJSON *lost = cJSON_AddObjectToObject(o, "lost");
	for (size_t i = 0; i < s->nlost; i++)
		cJSON_AddNumberToObject(lost, s->lost[i].kind, (double)s->lost[i].count);
	cJSON *held = cJSON_AddObjectToObject(o, "held");
	cJSON_AddNumberToObject(held, "seconds", round(s->held_s * 1e3) / 1e3);
	cJSON_AddNumberToObject(held, "waits", (double)s->held_waits);
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

int summary_load_baseline(const char *path, struct summary *s, struct err *e)
{
	char *text = read_file(path, NULL, e);
	if (!text)
		return -1;
	const char *p = text + strspn(text, " \t\r\n");
	int rc;
	if (*p == '{') {
		rc = baseline_from_json(path, text, s, e);
	} else {
		struct dat_recording r;
		rc = dat_read_samples(path, &r, e); /* a recording: read it as every command does */
		if (rc == 0) {
			summary_of(&r, s);
			dat_recording_release(&r);
		}
	}
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
