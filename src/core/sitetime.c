/* sitetime.c - per-site live bytes over the run: the launcher's stack reader offers its live sites
 * at most every 0.1 s, the largest few are kept, and written as STKSITES lines at the end (when the
 * STK lines they refer to are numbered). The page reads them in core/htmldata.c. */
#include "core/sitetime.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct entry {
	const void *image; /* while the image lives; NULL once it is a result */
	size_t index;	   /* the result, once done */
	uint32_t id;
	double bytes;
};

struct sample {
	double t;
	int n;
	struct entry e[SITETIME_TOP];
};

struct name {
	size_t index;
	uint32_t id;
	size_t line;
};

struct sitetime {
	int64_t last_ns;
	struct sample cur;
	struct sample *v;
	size_t n, cap;
	size_t every, skip; /* keep one offered sample in every; thinned when full */
	struct name *names;
	size_t nnames, names_cap;
};

struct sitetime *sitetime_new(void)
{
	struct sitetime *st = xcalloc(1, sizeof(*st));
	st->every = 1;
	return st;
}

void sitetime_free(struct sitetime *st)
{
	if (!st)
		return;
	free(st->v);
	free(st->names);
	free(st);
}

int sitetime_due(struct sitetime *st, int64_t now_ns)
{
	if (st->last_ns && now_ns - st->last_ns < SITETIME_INTERVAL_NS)
		return 0;
	st->last_ns = now_ns;
	st->cur.n = 0;
	return 1;
}

void sitetime_offer(struct sitetime *st, const void *image, uint32_t id, double bytes)
{
	struct sample *s = &st->cur;
	if (!(bytes > 0) || (s->n == SITETIME_TOP && bytes <= s->e[s->n - 1].bytes))
		return;
	int at = s->n < SITETIME_TOP ? s->n++ : SITETIME_TOP - 1;
	while (at > 0 && s->e[at - 1].bytes < bytes) {
		s->e[at] = s->e[at - 1];
		at--;
	}
	s->e[at] = (struct entry){image, 0, id, bytes};
}

void sitetime_commit(struct sitetime *st, double t)
{
	if (st->skip++ % st->every)
		return;
	if (st->n == SITETIME_MAX) { /* a long run: keep every other sample, sample half as often */
		for (size_t i = 0; i < st->n / 2; i++)
			st->v[i] = st->v[2 * i];
		st->n /= 2;
		st->every *= 2;
	}
	xgrow((void **)&st->v, &st->cap, st->n + 1, sizeof(*st->v));
	st->cur.t = t;
	st->v[st->n++] = st->cur;
}

void sitetime_image_done(struct sitetime *st, const void *image, size_t index)
{
	for (size_t i = 0; i < st->n; i++)
		for (int k = 0; k < st->v[i].n; k++)
			if (st->v[i].e[k].image == image) {
				st->v[i].e[k].image = NULL;
				st->v[i].e[k].index = index;
			}
}

void sitetime_name(struct sitetime *st, size_t index, uint32_t id, size_t line)
{
	xgrow((void **)&st->names, &st->names_cap, st->nnames + 1, sizeof(*st->names));
	st->names[st->nnames++] = (struct name){index, id, line};
}

static long line_of(const struct sitetime *st, const struct entry *e)
{
	if (e->image)
		return -1;
	for (size_t i = 0; i < st->nnames; i++)
		if (st->names[i].index == e->index && st->names[i].id == e->id)
			return (long)st->names[i].line;
	return -1;
}

void sitetime_write(struct sitetime *st, struct dat_writer *w)
{
	for (size_t i = 0; st && i < st->n; i++) {
		char text[SITETIME_TOP * 40 + 64];
		size_t len = (size_t)snprintf(text, sizeof(text), "%.6f", st->v[i].t);
		for (int k = 0; k < st->v[i].n; k++) {
			long line = line_of(st, &st->v[i].e[k]);
			if (line >= 0)
				len += (size_t)snprintf(text + len, sizeof(text) - len, " %ld=%.0f",
							line, st->v[i].e[k].bytes);
		}
		dat_write_line(w, DAT_STKSITES, "%s", text);
	}
}
