/* callpeak.c - the largest value of a time series within spans of time (function calls), answered
 * while the series streams past, in memory that does not grow with its length. */
#include "core/callpeak.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"

void callpeak_init(struct callpeak *c, int intervals,
		   void (*answer)(void *ctx, size_t id, double v), void *ctx)
{
	memset(c, 0, sizeof(*c));
	c->intervals = intervals;
	c->stair_end = -INFINITY;
	c->answer = answer;
	c->ctx = ctx;
	c->fifo = xmalloc(CALLPEAK_DELAY * sizeof(*c->fifo));
}

/* The first step of the staircase with key >= a (nstair when none). */
static size_t stair_find(const struct callpeak *c, double a)
{
	size_t lo = 0, hi = c->nstair;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (c->stair[mid].key < a)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Adds p to the staircase: the steps before it that it tops go. */
static void stair_add(struct callpeak *c, const struct callpeak_pt *p)
{
	if (p->end > c->stair_end)
		c->stair_end = p->end;
	size_t at = c->nstair;
	if (at && p->key < c->stair[at - 1].key) {
		c->unsorted = 1;
		at = stair_find(c, p->key);
		if (at < c->nstair && c->stair[at].v >= p->v)
			return; /* a later point at least as large hides it */
	}
	size_t from = at;
	while (from && c->stair[from - 1].v <= p->v)
		from--;
	size_t tail = c->nstair - at;
	xgrow((void **)&c->stair, &c->stair_cap, from + 1 + tail, sizeof(*c->stair));
	memmove(&c->stair[from + 1], &c->stair[at], tail * sizeof(*c->stair));
	c->stair[from] = *p;
	c->nstair = from + 1 + tail;
}

/* The largest value within [a, b] of the points the staircase and the delay line
 * hold. Exact when the staircase holds nothing past b and the points came in
 * order; otherwise the largest of what is still visible. */
static double span_max(const struct callpeak *c, double a, double b)
{
	double best = NAN;
	size_t k = stair_find(c, a);
	if (c->stair_end <= b && !c->unsorted) {
		if (k < c->nstair)
			best = c->stair[k].v;
		return best;
	}
	for (; k < c->nstair; k++)
		if (c->stair[k].end <= b)
			best = fmax(best, c->stair[k].v);
	for (size_t i = 0; i < c->count; i++) {
		const struct callpeak_pt *p = &c->fifo[(c->head + i) % CALLPEAK_DELAY];
		if (p->key >= a && p->end <= b)
			best = fmax(best, p->v);
	}
	return best;
}

static void heap_swap(struct callpeak_query *q, size_t i, size_t j)
{
	struct callpeak_query t = q[i];
	q[i] = q[j];
	q[j] = t;
}

static void query_push(struct callpeak *c, const struct callpeak_query *x)
{
	xgrow((void **)&c->q, &c->qcap, c->nq + 1, sizeof(*c->q));
	size_t i = c->nq++;
	c->q[i] = *x;
	while (i && c->q[(i - 1) / 2].b > c->q[i].b) {
		heap_swap(c->q, i, (i - 1) / 2);
		i = (i - 1) / 2;
	}
}

static struct callpeak_query query_pop(struct callpeak *c)
{
	struct callpeak_query top = c->q[0];
	c->q[0] = c->q[--c->nq];
	for (size_t i = 0;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;
		if (l < c->nq && c->q[l].b < c->q[m].b)
			m = l;
		if (r < c->nq && c->q[r].b < c->q[m].b)
			m = r;
		if (m == i)
			break;
		heap_swap(c->q, i, m);
		i = m;
	}
	return top;
}

/* Answers the questions that end before `end`: the staircase holds all their points. */
static void answer_before(struct callpeak *c, double end)
{
	while (c->nq && c->q[0].b < end) {
		struct callpeak_query x = query_pop(c);
		c->answer(c->ctx, x.id, span_max(c, x.a, x.b));
	}
}

/* The oldest point of the delay line joins the staircase. */
static void fifo_pop(struct callpeak *c)
{
	struct callpeak_pt p = c->fifo[c->head];
	c->head = (c->head + 1) % CALLPEAK_DELAY;
	c->count--;
	answer_before(c, p.end);
	stair_add(c, &p);
}

void callpeak_add(struct callpeak *c, double t, double v)
{
	struct callpeak_pt p = {t, t, v};
	if (c->intervals) {
		int first = !c->have_prev;
		p.key = c->prev_t;
		c->prev_t = t;
		c->have_prev = 1;
		if (first)
			return; /* no interval ends at the first point */
	}
	if (c->count == CALLPEAK_DELAY)
		fifo_pop(c);
	c->fifo[(c->head + c->count++) % CALLPEAK_DELAY] = p;
}

void callpeak_ask(struct callpeak *c, double a, double b, size_t id)
{
	if (c->stair_end > b) /* late: what is left of its span */
		c->answer(c->ctx, id, span_max(c, a, b));
	else
		query_push(c, &(struct callpeak_query){a, b, id});
}

void callpeak_finish(struct callpeak *c)
{
	while (c->count)
		fifo_pop(c);
	answer_before(c, INFINITY);
}

void callpeak_release(struct callpeak *c)
{
	free(c->fifo);
	free(c->stair);
	free(c->q);
	memset(c, 0, sizeof(*c));
}
