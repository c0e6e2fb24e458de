/* sitetime.c - per-site live bytes over the run: the launcher's stack reader offers its live sites
 * at most every 0.1 s, the largest few are kept, and written as STKSITES lines at the end (when the
 * STK lines they refer to are numbered). Also the page's reader of those lines. */
#include "core/sitetime.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/html.h"

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

/* ---- reading, for the page ---- */

cJSON *html_sitetime(const char *text, size_t len, double t0, const struct stk_data *d)
{
	size_t nsites = d && d->present ? d->nsites : 0, nt = 0;
	if (!nsites)
		return NULL;
	/* first pass: which sites appear, and how many samples */
	double *maxb = xcalloc(nsites, sizeof(*maxb));
	const char *end = text + len;
	for (const char *p = text; p < end;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;
		if (le - p > 9 && !memcmp(p, "STKSITES ", 9)) {
			nt++;
			for (const char *q = p + 9; q < le;) {
				char *after;
				unsigned long s = strtoul(q, &after, 10);
				if (*after == '=' && s < nsites)
					maxb[s] = fmax(maxb[s], strtod(after + 1, NULL));
				const char *sp = memchr(q, ' ', (size_t)(le - q));
				q = sp ? sp + 1 : le;
			}
		}
		p = le + 1;
	}
	if (!nt) {
		free(maxb);
		return NULL;
	}
	/* the sites drawn: the largest seen, at most 12 */
	enum { DRAWN = 12 };
	long pick[DRAWN];
	int npick = 0;
	for (int k = 0; k < DRAWN; k++) {
		long best = -1;
		for (size_t s = 0; s < nsites; s++)
			if (maxb[s] > 0 && (best < 0 || maxb[s] > maxb[best]))
				best = (long)s;
		if (best < 0)
			break;
		pick[npick++] = best;
		maxb[best] = -maxb[best];
	}
	cJSON *o = cJSON_CreateObject(), *names = cJSON_AddArrayToObject(o, "names");
	cJSON_AddNumberToObject(o, "interval", SITETIME_INTERVAL_NS / 1e9);
	cJSON *ts = cJSON_AddArrayToObject(o, "t"), *vs = cJSON_AddArrayToObject(o, "v");
	cJSON **cols = xcalloc((size_t)npick + 1, sizeof(*cols));
	for (int k = 0; k < npick; k++) {
		char label[512];
		stk_site_label(d, &d->sites[pick[k]], 2, STK_LABEL_SHORT, label, sizeof(label));
		cJSON_AddItemToArray(names, cJSON_CreateString(label));
		cJSON_AddItemToArray(vs, cols[k] = cJSON_CreateArray());
	}
	for (const char *p = text; p < end;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;
		if (le - p > 9 && !memcmp(p, "STKSITES ", 9)) {
			char *after;
			double t = strtod(p + 9, &after);
			double v[DRAWN] = {0};
			for (const char *q = after; q < le;) {
				while (q < le && *q == ' ')
					q++;
				unsigned long s = strtoul(q, &after, 10);
				if (*after == '=')
					for (int k = 0; k < npick; k++)
						if ((unsigned long)pick[k] == s)
							v[k] = strtod(after + 1, NULL);
				const char *sp = memchr(q, ' ', (size_t)(le - q));
				q = sp ? sp : le;
			}
			cJSON_AddItemToArray(ts, cJSON_CreateNumber(round((t - t0) * 1e4) / 1e4));
			for (int k = 0; k < npick; k++)
				cJSON_AddItemToArray(cols[k], cJSON_CreateNumber(round(v[k])));
		}
		p = le + 1;
	}
	free(cols);
	free(maxb);
	return o;
}
