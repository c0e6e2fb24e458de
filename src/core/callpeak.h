/* callpeak.h - the largest value of a time series within spans of time (function calls), answered
 * while the series streams past, in memory that does not grow with its length. */
#ifndef MPROF_CALLPEAK_H
#define MPROF_CALLPEAK_H

#include <stddef.h>

/* How many of the latest points wait before they join the staircase: a question
 * about a span that ended before them may still come (a FUNC line is written at the
 * sample after its call's end). */
#define CALLPEAK_DELAY 4096

struct callpeak_pt {
	double key, end, v; /* key: where it starts (its time, or its interval's start) */
};

struct callpeak_query {
	double a, b;
	size_t id;
};

/* Answers "the largest value of points within [a, b]" for questions asked at any
 * time. The points that left the delay line form a staircase: by key, each larger
 * than every point after it, so the largest value from a key on is one lookup. A
 * question waits until the first point past its end is about to join, then the
 * staircase holds exactly the points up to its end. The staircase holds the
 * suffix maxima only: its size grows with the falling levels of the series (a
 * random walk of 10^7 samples: a few thousand), not with the number of points. */
struct callpeak {
	int intervals; /* a point stands for the interval since the previous one: it is
			* within a span only when that interval is */
	int have_prev, unsorted;
	double prev_t;
	struct callpeak_pt *fifo; /* the delay line, CALLPEAK_DELAY points */
	size_t head, count;
	struct callpeak_pt *stair;
	size_t nstair, stair_cap;
	double stair_end;	  /* the largest end that joined the staircase */
	struct callpeak_query *q; /* waiting questions, a min-heap by b */
	size_t nq, qcap;
	void (*answer)(void *ctx, size_t id, double v);
	void *ctx;
};

/* Starts an empty series; answer is called once per question with its largest
 * value (NAN when no point lies within). Cannot fail. */
void callpeak_init(struct callpeak *c, int intervals,
		   void (*answer)(void *ctx, size_t id, double v), void *ctx);

/* Adds the point (t, v), in time order. Cannot fail. */
void callpeak_add(struct callpeak *c, double t, double v);

/* Asks for the largest value within [a, b]; answered by callpeak_add or
 * callpeak_finish. Exact unless the question comes after CALLPEAK_DELAY points past
 * b (then a lower bound), or the points came out of time order. Cannot fail. */
void callpeak_ask(struct callpeak *c, double a, double b, size_t id);

/* After the last point: answers every waiting question. Cannot fail. */
void callpeak_finish(struct callpeak *c);

/* Frees what c holds. Safe after callpeak_init. */
void callpeak_release(struct callpeak *c);

#endif
