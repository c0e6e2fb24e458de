/* dat.c - reads and writes .dat recordings (see docs/format.md). */
#include "core/dat.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* ---- reading ---- */

#define MAX_FIELDS 8

struct line_ctx {
	const char *name;
	size_t lineno;
	struct err *e;
};

static int bad_line(const struct line_ctx *c, const char *expected)
{
	return err_set(c->e, "%s:%zu: expected '%s'", c->name, c->lineno, expected);
}

/* Splits s in place on runs of blanks; returns the number of fields, or max + 1
 * (with max of them in f) when there are more. */
static int split_fields(char *s, char **f, int max)
{
	int n = 0;
	while (*s) {
		while (*s == ' ' || *s == '\t')
			*s++ = '\0';
		if (!*s)
			break;
		if (n == max)
			return max + 1;
		f[n++] = s;
		while (*s && *s != ' ' && *s != '\t')
			s++;
	}
	return n;
}

/* Plain decimals ("123.456", the writers' format) parsed exactly and fast: an
 * integer mantissa below 2^53 divided by an exact power of ten is correctly
 * rounded. Returns the end, or NULL when s needs strtod. */
static const char *fast_decimal(const char *s, double *out)
{
	static const double pow10[] = {1e0,  1e1,  1e2,	 1e3,  1e4,  1e5,  1e6,	 1e7,
				       1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
				       1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
	int neg = *s == '-';
	s += neg;
	uint64_t m = 0;
	int digits = 0, frac = 0;
	const char *start = s;
	for (; *s >= '0' && *s <= '9'; s++, digits++)
		m = m * 10 + (uint64_t)(*s - '0');
	if (*s == '.')
		for (s++; *s >= '0' && *s <= '9'; s++, digits++, frac++)
			m = m * 10 + (uint64_t)(*s - '0');
	if (s == start || digits == 0 || digits > 19 || m >= (1ULL << 53) ||
	    (*s && *s != ' ' && *s != '\t'))
		return NULL;
	double v = (double)m / pow10[frac];
	*out = neg ? -v : v;
	return s;
}

/* A number as a recording holds it: decimal, with an optional sign, fraction and
 * exponent, and finite. strtod alone would also take inf, nan, hex floats and 1e999
 * (as inf), which no writer produces and which break every picture and sum. */
static int parse_double(const char *s, double *out)
{
	const char *fast = fast_decimal(s, out);
	if (fast && !*fast)
		return 0;
	const char *p = s + (*s == '-' || *s == '+');
	size_t digits = strspn(p, "0123456789");
	p += digits;
	if (*p == '.') {
		size_t frac = strspn(p + 1, "0123456789");
		digits += frac;
		p += 1 + frac;
	}
	if (!digits)
		return -1;
	if (*p == 'e' || *p == 'E') {
		p += 1 + (p[1] == '-' || p[1] == '+');
		size_t exp = strspn(p, "0123456789");
		if (!exp)
			return -1;
		p += exp;
	}
	if (*p)
		return -1;
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (*end || errno == ERANGE || !isfinite(v))
		return -1;
	*out = v;
	return 0;
}

static int parse_u64(const char *s, uint64_t *out)
{
	char *end;
	if (!isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (*end || errno)
		return -1;
	*out = v;
	return 0;
}

static int parse_int(const char *s, int *out)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (end == s || *end || errno || v < INT_MIN || v > INT_MAX)
		return -1;
	*out = (int)v;
	return 0;
}

static int parse_i64(const char *s, int64_t *out)
{
	char *end;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (end == s || *end || errno)
		return -1;
	*out = v;
	return 0;
}

void dat_series_push(struct dat_series *s, double t, double mib)
{
	xgrow((void **)&s->v, &s->cap, s->n + 1, sizeof(*s->v));
	s->v[s->n++] = (struct dat_point){t, mib};
}

static void heap_push(struct dat_heap_series *s, const struct dat_heap *h)
{
	xgrow((void **)&s->v, &s->cap, s->n + 1, sizeof(*s->v));
	s->v[s->n++] = *h;
}

struct dat_child *dat_child_get(struct dat_recording *r, const char *id)
{
	for (size_t i = 0; i < r->nchildren; i++)
		if (strcmp(r->children[i].id, id) == 0)
			return &r->children[i];
	xgrow((void **)&r->children, &r->children_cap, r->nchildren + 1, sizeof(*r->children));
	struct dat_child *c = &r->children[r->nchildren++];
	memset(c, 0, sizeof(*c));
	c->id = xstrdup(id);
	return c;
}

/* Whether a sample's maximum goes without saying when it equals the sample. */
static int maxrss_implied(const struct dat_recording *r)
{
	return r->maxrss_above && r->hwm != 0;
}

/* A MEM or CHLD sample into mem, and under maxrss=above its maximum, until a MAXRSS
 * (CHLDMAX) line of the same time says more. */
static void sample_push(const struct dat_recording *r, struct dat_series *mem,
			struct dat_series *max, double t, double mib)
{
	dat_series_push(mem, t, mib);
	if (maxrss_implied(r))
		dat_series_push(max, t, mib);
}

/* A MAXRSS or CHLDMAX figure: it replaces the one its sample implied. */
static void max_push(const struct dat_recording *r, struct dat_series *max, double t, double mib)
{
	struct dat_point *last = max->n ? &max->v[max->n - 1] : NULL;
	if (r->maxrss_above && last && last->t == t)
		last->mib = mib > last->mib ? mib : last->mib;
	else
		dat_series_push(max, t, mib);
}

/* MEM/MAXRSS: <MiB> <time> */
static int parse_point(struct dat_recording *r, const struct line_ctx *c, char **f, int n,
		       int is_max, const char *expected)
{
	double mib, t;
	if (n != 2 || parse_double(f[0], &mib) || parse_double(f[1], &t))
		return bad_line(c, expected);
	if (is_max)
		max_push(r, &r->maxrss, t, mib);
	else
		sample_push(r, &r->mem, &r->maxrss, t, mib);
	return 0;
}

/* A short HEAP line, "<MiB>": the heap in use at the latest MEM line's time, the rest
 * unchanged since prev's line. -1 without those. */
static int heap_short(const struct dat_recording *r, char *f, const struct dat_heap_series *prev,
		      struct dat_heap *h)
{
	double live;
	if (!prev->n || !r->mem.n || parse_double(f, &live))
		return -1;
	*h = prev->v[prev->n - 1];
	h->t = r->mem.v[r->mem.n - 1].t;
	h->live_mib = h->peak_mib = h->min_mib = live;
	return 0;
}

/* <live> <peak> <time> <allocs> <frees> <mmap> [<min>] into h: 0, or -1. */
static int heap_fields(char **f, int n, struct dat_heap *h)
{
	h->min_mib = NAN;
	return (n != 6 && n != 7) || parse_double(f[0], &h->live_mib) ||
		       parse_double(f[1], &h->peak_mib) || parse_double(f[2], &h->t) ||
		       parse_u64(f[3], &h->allocs) || parse_u64(f[4], &h->frees) ||
		       parse_double(f[5], &h->mmap_mib) ||
		       (n == 7 && parse_double(f[6], &h->min_mib))
		   ? -1
		   : 0;
}

static int parse_header(struct dat_recording *r, const struct line_ctx *c, char **f, int n)
{
	if (n < 1 || parse_int(f[0], &r->version) || r->version < 1)
		return bad_line(c, "MPROF <version> [key=value ...]");
	if (n > MAX_FIELDS)
		n = MAX_FIELDS; /* keys past the first few are a newer writer's: skipped */
	for (int i = 1; i < n; i++) {
		if (strncmp(f[i], "interval=", 9) == 0)
			parse_double(f[i] + 9, &r->interval);
		else if (strncmp(f[i], "backend=", 8) == 0)
			snprintf(r->backend, sizeof(r->backend), "%s", f[i] + 8);
		else if (strncmp(f[i], "hwm=", 4) == 0 && r->hwm != 0)
			r->hwm = atoi(f[i] + 4) != 0; /* a refusal noted earlier stands */
		else if (strcmp(f[i], "maxrss=above") == 0)
			r->maxrss_above = 1;
	}
	return 0;
}

static int parse_line(struct dat_recording *r, const struct line_ctx *c, char *line)
{
	char *sp = strchr(line, ' ');
	const char *kind = line;
	char *rest = sp ? sp + 1 : line + strlen(line);
	if (sp)
		*sp = '\0';
	for (const char *k = kind; *k; k++)
		if (!isupper((unsigned char)*k) && *k != '_')
			return err_set(c->e, "%s:%zu: not a recording line", c->name, c->lineno);
	if (!*kind)
		return err_set(c->e, "%s:%zu: not a recording line", c->name, c->lineno);

	if (strcmp(kind, "CMDLINE") == 0) {
		free(r->cmdline);
		r->cmdline = xstrdup(rest);
		return 0;
	}
	if (strcmp(kind, "NOTE") == 0) {
		xgrow((void **)&r->notes, &r->notes_cap, r->nnotes + 1, sizeof(*r->notes));
		r->notes[r->nnotes++] = xstrdup(rest);
		if (strncmp(rest, DAT_NOTE_NO_HWM, strlen(DAT_NOTE_NO_HWM)) == 0)
			r->hwm = 0;
		if (!r->heap_ends && !strncmp(rest, DAT_NOTE_HEAP_ENDS, strlen(DAT_NOTE_HEAP_ENDS)))
			r->heap_ends = r->notes[r->nnotes - 1];
		return 0;
	}

	char *f[MAX_FIELDS];
	int n = split_fields(rest, f, MAX_FIELDS);
	if (strcmp(kind, "MEM") == 0)
		return parse_point(r, c, f, n, 0, "MEM <MiB> <time>");
	if (strcmp(kind, "MAXRSS") == 0)
		return parse_point(r, c, f, n, 1, "MAXRSS <MiB> <time>");
	struct dat_heap h;
	if (strcmp(kind, "HEAP") == 0) {
		if (n == 1 ? heap_short(r, f[0], &r->heap, &h) : heap_fields(f, n, &h))
			return bad_line(c,
					"HEAP <MiB> <peak MiB> <time> <allocs> <frees> <mmap MiB> "
					"[<min MiB>]");
		heap_push(&r->heap, &h);
		return 0;
	}
	if (strcmp(kind, "CHLD") == 0 || strcmp(kind, "CHLDMAX") == 0) {
		int is_max = kind[4] == 'M';
		const char *want =
		    is_max ? "CHLDMAX <pid> <MiB> <time>" : "CHLD <pid> <MiB> <time>";
		double mib, t;
		if (n != 3 || parse_double(f[1], &mib) || parse_double(f[2], &t))
			return bad_line(c, want);
		struct dat_child *ch = dat_child_get(r, f[0]);
		if (is_max)
			max_push(r, &ch->max, t, mib);
		else
			sample_push(r, &ch->mem, &ch->max, t, mib);
		return 0;
	}
	if (strcmp(kind, "CHLDHEAP") == 0) {
		const char *want = "CHLDHEAP <pid> <MiB> <peak MiB> <time> <allocs> <frees> <mmap "
				   "MiB> [<min MiB>]";
		if (n < 2 || (n > 2 && heap_fields(f + 1, n - 1, &h)))
			return bad_line(c, want);
		struct dat_child *ch = NULL;
		for (size_t i = 0; i < r->nchildren && !ch; i++)
			ch = strcmp(r->children[i].id, f[0]) ? NULL : &r->children[i];
		if (n == 2 && (!ch || heap_short(r, f[1], &ch->heap, &h)))
			return bad_line(c, want); /* a short line follows a full one */
		heap_push(&(ch ? ch : dat_child_get(r, f[0]))->heap, &h);
		return 0;
	}
	if (strcmp(kind, "FUNC") == 0) {
		struct dat_func fn = {.depth = -1, .heap_in = NAN, .heap_out = NAN};
		if ((n != 5 && n != 6 && n != 8) || parse_double(f[1], &fn.mem_in) ||
		    parse_double(f[2], &fn.t_in) || parse_double(f[3], &fn.mem_out) ||
		    parse_double(f[4], &fn.t_out) || (n >= 6 && parse_int(f[5], &fn.depth)) ||
		    (n == 8 &&
		     (parse_double(f[6], &fn.heap_in) || parse_double(f[7], &fn.heap_out))))
			return bad_line(c, "FUNC <name> <MiB> <time> <MiB> <time> [<depth> "
					   "[<heap MiB> <heap MiB>]]");
		fn.name = xstrdup(f[0]);
		xgrow((void **)&r->funcs, &r->funcs_cap, r->nfuncs + 1, sizeof(*r->funcs));
		r->funcs[r->nfuncs++] = fn;
		return 0;
	}
	if (strcmp(kind, "GC") == 0) {
		struct dat_gc g;
		if (n != 7 || parse_double(f[0], &g.t) || parse_double(f[1], &g.duration_s) ||
		    parse_int(f[2], &g.generation) || parse_i64(f[3], &g.collected) ||
		    parse_i64(f[4], &g.uncollectable) || parse_double(f[5], &g.heap_start_mib) ||
		    parse_double(f[6], &g.heap_stop_mib))
			return bad_line(c, "GC <time> <seconds> <generation> <collected> "
					   "<uncollectable> <heap MiB> <heap MiB>");
		xgrow((void **)&r->gcs, &r->gcs_cap, r->ngcs + 1, sizeof(*r->gcs));
		r->gcs[r->ngcs++] = g;
		return 0;
	}
	if (strcmp(kind, "MPROF") == 0)
		return parse_header(r, c, f, n);
	if (strcmp(kind, "EXIT") == 0) {
		if (n != 3 || parse_int(f[0], &r->exit_status) || parse_double(f[1], &r->t_exit) ||
		    parse_double(f[2], &r->rusage_peak_mib))
			return bad_line(c, "EXIT <status> <time> <peak MiB>");
		r->has_exit = 1;
		return 0;
	}
	return 0; /* a kind from a newer writer: skipped, as the original does */
}

/* "MEM <MiB> <time>", the line a recording is mostly made of: parsed without
 * splitting. Returns 0 when done, 1 when the general parser must look. */
static int fast_mem(struct dat_recording *r, const char *line)
{
	double mib, t;
	if (strncmp(line, "MEM ", 4))
		return 1;
	const char *p = fast_decimal(line + 4, &mib);
	if (!p || *p != ' ')
		return 1;
	p = fast_decimal(p + 1, &t);
	if (!p || *p)
		return 1;
	sample_push(r, &r->mem, &r->maxrss, t, mib);
	return 0;
}

void dat_warn_cut(const char *name, size_t lineno)
{
	core_warn("%s:%zu: last line is incomplete; read up to line %zu", name, lineno, lineno - 1);
}

size_t dat_last_line(const char *text, size_t len)
{
	size_t end = len && text[len - 1] == '\n' ? len - 1 : len;
	const char *nl = end ? memrchr(text, '\n', end) : NULL;
	return nl ? (size_t)(nl - text) + 1 : 0;
}

int dat_parse(const char *name, const char *text, size_t len, struct dat_recording *r,
	      struct err *e)
{
	memset(r, 0, sizeof(*r));
	r->path = xstrdup(name);
	r->rusage_peak_mib = -1;
	r->hwm = -1;
	struct line_ctx c = {name, 0, e};
	/* A recording is written a whole line at a time, so only its last line can be
	 * cut (disk full, power loss): without its newline, with a NUL tail, or with
	 * fields that do not parse. That line is left out with a warning. */
	size_t last = dat_last_line(text, len);
	int cut = len && text[len - 1] != '\n';
	const char *nul = memchr(text, '\0', len);
	if (nul && nul >= text + last) {
		cut = 1;
		nul = NULL;
	}
	if (nul) {
		/* Name the line that holds it. */
		for (const char *q = text; q <= nul; q++)
			c.lineno += q == text || q[-1] == '\n';
		err_set(e, "%s:%zu: not a recording line (NUL byte)", name, c.lineno);
		dat_recording_release(r);
		return -1;
	}
	char *buf = xmalloc(len + 1); /* lines are cut in place */
	memcpy(buf, text, len);
	buf[len] = '\0';
	char *p = buf, *end = buf + len;
	while (p < end) {
		int is_last = p == buf + last;
		char *nl = memchr(p, '\n', (size_t)(end - p));
		char *line = p;
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		line[n] = '\0';
		if (n && line[n - 1] == '\r')
			line[n - 1] = '\0';
		p += n + 1;
		c.lineno++;
		if (is_last && cut) {
			dat_warn_cut(name, c.lineno);
			break;
		}
		if (!line[0] || fast_mem(r, line) == 0)
			continue;
		if (parse_line(r, &c, line)) {
			if (!is_last)
				goto fail;
			dat_warn_cut(name, c.lineno);
		}
	}
	free(buf);
	return 0;
fail:
	free(buf);
	dat_recording_release(r);
	return -1;
}

int dat_read(const char *path, struct dat_recording *r, struct err *e)
{
	size_t len;
	char *text = read_file(path, &len, e);
	if (!text) {
		memset(r, 0, sizeof(*r));
		return -1;
	}
	int rc = dat_parse(path, text, len, r, e);
	free(text);
	return rc;
}

int dat_read_samples(const char *path, struct dat_recording *r, struct err *e)
{
	if (dat_read(path, r, e))
		return -1;
	if (r->mem.n)
		return 0;
	dat_recording_release(r);
	return err_set(e, "%s: no memory samples (MEM lines)", path);
}

static void heap_free(struct dat_heap_series *s)
{
	free(s->v);
}

void dat_recording_release(struct dat_recording *r)
{
	free(r->path);
	free(r->cmdline);
	free(r->mem.v);
	free(r->maxrss.v);
	heap_free(&r->heap);
	for (size_t i = 0; i < r->nchildren; i++) {
		free(r->children[i].id);
		free(r->children[i].mem.v);
		free(r->children[i].max.v);
		heap_free(&r->children[i].heap);
	}
	free(r->children);
	for (size_t i = 0; i < r->nfuncs; i++)
		free(r->funcs[i].name);
	free(r->funcs);
	free(r->gcs);
	for (size_t i = 0; i < r->nnotes; i++)
		free(r->notes[i]);
	free(r->notes);
	memset(r, 0, sizeof(*r));
}

static double series_max(const struct dat_series *s, double best, double *t)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->v[i].mib > best) {
			best = s->v[i].mib;
			if (t)
				*t = s->v[i].t;
		}
	return best;
}

double dat_peak_sampled(const struct dat_recording *r, double *t)
{
	return series_max(&r->mem, 0, t);
}

double dat_peak_rss(const struct dat_recording *r, double *t)
{
	double best = series_max(&r->maxrss, series_max(&r->mem, 0, t), t);
	if (r->has_exit && r->rusage_peak_mib > best) {
		best = r->rusage_peak_mib;
		if (t)
			*t = r->t_exit;
	}
	return best;
}

int dat_peak_is_sampled(const struct dat_recording *r)
{
	return r->hwm == 0 && !(r->has_exit && r->rusage_peak_mib >= 0);
}

double dat_peak_heap(const struct dat_recording *r, double *t)
{
	if (!r->heap.n)
		return -1;
	double best = -1;
	for (size_t i = 0; i < r->heap.n; i++) {
		const struct dat_heap *h = &r->heap.v[i];
		double v = h->peak_mib > h->live_mib ? h->peak_mib : h->live_mib;
		if (v > best) {
			best = v;
			if (t)
				*t = h->t;
		}
	}
	return best;
}

double dat_peak_mmap(const struct dat_recording *r, double *t)
{
	if (!r->heap.n)
		return -1;
	double best = -1;
	for (size_t i = 0; i < r->heap.n; i++)
		if (r->heap.v[i].mmap_mib > best) {
			best = r->heap.v[i].mmap_mib;
			if (t)
				*t = r->heap.v[i].t;
		}
	return best;
}

int dat_mmap_significant(const struct dat_recording *r)
{
	double m = dat_peak_mmap(r, NULL);
	return m > 1.0 && m > 0.1 * dat_peak_rss(r, NULL);
}

double dat_child_peak(const struct dat_child *c)
{
	if (!c->mem.n && !c->max.n)
		return -1;
	return series_max(&c->max, series_max(&c->mem, 0, NULL), NULL);
}

double dat_child_heap_peak(const struct dat_child *c)
{
	double best = -1;
	for (size_t i = 0; i < c->heap.n; i++) {
		const struct dat_heap *h = &c->heap.v[i];
		double v = h->peak_mib > h->live_mib ? h->peak_mib : h->live_mib;
		if (v > best)
			best = v;
	}
	return best;
}

/* ---- writing ---- */

int dat_writer_create(struct dat_writer *w, const char *path, struct err *e)
{
	memset(w, 0, sizeof(*w));
	w->fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (w->fd < 0) {
		if (errno == EEXIST)
			return err_set(e, "'%s' already exists; not overwriting a recording", path);
		return err_sys(e, errno, "cannot create '%s'", path);
	}
	w->path = xstrdup(path);
	return 0;
}

int dat_writer_create_default(struct dat_writer *w, const char *dir, struct err *e)
{
	char stamp[32], path[4096];
	time_t now = time(NULL);
	struct tm tm;
	localtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%d%H%M%S", &tm);
	/* "mprof_X.dat" < "mprof_X_001.dat" < ... < "mprof_Y.dat" for the next second. */
	for (int i = 0; i < 1000; i++) {
		if (i == 0)
			snprintf(path, sizeof(path), "%s%smprof_%s.dat", dir ? dir : "",
				 dir ? "/" : "", stamp);
		else
			snprintf(path, sizeof(path), "%s%smprof_%s_%03d.dat", dir ? dir : "",
				 dir ? "/" : "", stamp, i);
		struct err tmp;
		if (dat_writer_create(w, path, &tmp) == 0)
			return 0;
		if (errno != EEXIST) {
			if (e)
				*e = tmp;
			return -1;
		}
	}
	return err_set(e, "cannot find a free name for mprof_%s.dat", stamp);
}

/* Appends a finished line (newline included) to the file, or to the held buffer. */
static void emit(struct dat_writer *w, const char *line, size_t n)
{
	if (w->failed || w->fd < 0)
		return;
	if (w->held) {
		xgrow((void **)&w->buf, &w->cap, w->len + n, 1);
		memcpy(w->buf + w->len, line, n);
		w->len += n;
		return;
	}
	if (write_all(w->fd, line, n))
		w->failed = errno ? errno : EIO;
}

void dat_writef(struct dat_writer *w, const char *fmt, ...)
{
	char buf[8192];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, sizeof(buf) - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n > sizeof(buf) - 2)
		n = sizeof(buf) - 2; /* an over-long line is cut, never split */
	buf[n] = '\0';
	dat_escape_text(buf); /* a name holding a newline must not start a line of its own */
	buf[n++] = '\n';
	emit(w, buf, (size_t)n);
}

/* Sample lines are written at up to 10 kHz: numbers are formatted with integer
 * arithmetic (printf's %.6f costs more than the rest of a sample). */
static char *put_u64(char *p, uint64_t v)
{
	char tmp[24];
	int n = 0;
	do
		tmp[n++] = (char)('0' + v % 10);
	while ((v /= 10));
	while (n)
		*p++ = tmp[--n];
	return p;
}

/* v with six decimals, rounded; exact for |v| < 9e12. */
static char *put_fixed6(char *p, double v)
{
	if (v < 0) {
		*p++ = '-';
		v = -v;
	}
	if (!(v < 9e12)) /* NaN or huge: printf knows best */
		return p + sprintf(p, "%.6f", v);
	uint64_t micro = (uint64_t)(v * 1e6 + 0.5);
	p = put_u64(p, micro / 1000000);
	*p++ = '.';
	uint64_t frac = micro % 1000000;
	for (uint64_t d = 100000; d; d /= 10)
		*p++ = (char)('0' + frac / d % 10);
	return p;
}

/* v as put_fixed6 without the trailing zeros (and a bare point): heap figures, which
 * are often round (0, or whole pages of an mmap). */
static char *put_trim6(char *p, double v)
{
	char *end = put_fixed6(p, v);
	char *dot = memchr(p, '.', (size_t)(end - p));
	if (!dot || memchr(p, 'e', (size_t)(end - p)))
		return end;
	while (end[-1] == '0')
		end--;
	return end[-1] == '.' ? end - 1 : end;
}

static char *put_str(char *p, const char *s)
{
	while (*s)
		*p++ = *s++;
	return p;
}

/* "KIND a b" with fixed6 numbers: the shape of MEM and MAXRSS. */
static void write_pair(struct dat_writer *w, const char *kind, double a, double b)
{
	char buf[96], *p = put_str(buf, kind);
	p = put_fixed6(p, a);
	*p++ = ' ';
	p = put_fixed6(p, b);
	*p++ = '\n';
	emit(w, buf, (size_t)(p - buf));
}

void dat_write_heap_ends(struct dat_writer *w, int pid, const char *exe)
{
	char *name = xstrdup(exe);
	for (char *p = name; *p; p++)
		if ((unsigned char)*p < 32 || *p == 127)
			*p = '?';
	dat_writef(w,
		   "NOTE " DAT_NOTE_HEAP_ENDS
		   "%d now runs '%s', which does not report to the hooks "
		   "(statically linked, setuid, or started without LD_PRELOAD)",
		   pid, name);
	free(name);
}

void dat_heap_ends_subject(const char *note, char *buf, size_t size)
{
	int pid = atoi(note + strlen(DAT_NOTE_HEAP_ENDS));
	const char *a = strstr(note, " now runs '"), *b = strstr(note, "', which does not");
	if (a && b && b > a + 11)
		snprintf(buf, size, "'%.*s' (process %d)", (int)(b - a - 11), a + 11, pid);
	else
		snprintf(buf, size, "process %d", pid);
}

void dat_write_no_hwm(struct dat_writer *w, int pid, int why)
{
	dat_writef(w, "NOTE " DAT_NOTE_NO_HWM " for process %d (%s): no MAXRSS from here on", pid,
		   strerror(why));
}

void dat_writer_hold(struct dat_writer *w)
{
	w->held = 1;
}

void dat_writer_flush(struct dat_writer *w)
{
	w->held = 0;
	if (w->len && !w->failed && w->fd >= 0 && write_all(w->fd, w->buf, w->len))
		w->failed = errno ? errno : EIO;
	w->len = 0;
}

void dat_write_cmdline(struct dat_writer *w, const char *cmdline)
{
	dat_writef(w, "CMDLINE %s", cmdline);
}

void dat_write_mem(struct dat_writer *w, double mib, double t)
{
	write_pair(w, "MEM ", mib, t);
}

void dat_write_maxrss(struct dat_writer *w, double mib, double t)
{
	write_pair(w, "MAXRSS ", mib, t);
}

void dat_write_child(struct dat_writer *w, int pid, double mib, double t)
{
	dat_writef(w, "CHLD %d %.6f %.6f", pid, mib, t);
}

void dat_write_child_max(struct dat_writer *w, int pid, double mib, double t)
{
	dat_writef(w, "CHLDMAX %d %.6f %.6f", pid, mib, t);
}

void dat_write_heap(struct dat_writer *w, int pid, const struct dat_heap *h)
{
	char buf[256], *p = buf;
	if (pid > 0) {
		p = put_str(p, "CHLDHEAP ");
		p = put_u64(p, (uint64_t)pid);
		*p++ = ' ';
	} else {
		p = put_str(p, "HEAP ");
	}
	p = put_trim6(p, h->live_mib);
	*p++ = ' ';
	p = put_trim6(p, h->peak_mib);
	*p++ = ' ';
	p = put_fixed6(p, h->t);
	*p++ = ' ';
	p = put_u64(p, h->allocs);
	*p++ = ' ';
	p = put_u64(p, h->frees);
	*p++ = ' ';
	p = put_trim6(p, h->mmap_mib);
	if (!isnan(h->min_mib)) {
		*p++ = ' ';
		p = put_trim6(p, h->min_mib);
	}
	*p++ = '\n';
	emit(w, buf, (size_t)(p - buf));
}

void dat_write_heap_short(struct dat_writer *w, int pid, double live_mib)
{
	char buf[96], *p = buf;
	if (pid > 0) {
		p = put_str(p, "CHLDHEAP ");
		p = put_u64(p, (uint64_t)pid);
		*p++ = ' ';
	} else {
		p = put_str(p, "HEAP ");
	}
	p = put_trim6(p, live_mib);
	*p++ = '\n';
	emit(w, buf, (size_t)(p - buf));
}

void dat_write_func(struct dat_writer *w, const char *name, double mem_in, double t_in,
		    double mem_out, double t_out, int depth, double heap_in, double heap_out)
{
	char clean[256];
	snprintf(clean, sizeof(clean), "%s", name && *name ? name : "?");
	dat_sanitize_name(clean);
	if (isnan(heap_in) || isnan(heap_out))
		dat_writef(w, "FUNC %s %.4f %.4f %.4f %.4f %d", clean, mem_in, t_in, mem_out, t_out,
			   depth);
	else
		dat_writef(w, "FUNC %s %.4f %.4f %.4f %.4f %d %.4f %.4f", clean, mem_in, t_in,
			   mem_out, t_out, depth, heap_in, heap_out);
}

void dat_write_gc(struct dat_writer *w, const struct dat_gc *g)
{
	dat_writef(w, "GC %.6f %.6f %d %lld %lld %.6f %.6f", g->t, g->duration_s, g->generation,
		   (long long)g->collected, (long long)g->uncollectable, g->heap_start_mib,
		   g->heap_stop_mib);
}

void dat_write_exit(struct dat_writer *w, int status, double t, double peak_mib)
{
	dat_writef(w, "EXIT %d %.6f %.6f", status, t, peak_mib);
}

int dat_writer_close(struct dat_writer *w, struct err *e)
{
	int rc = 0;
	dat_writer_flush(w);
	free(w->buf);
	w->buf = NULL;
	w->cap = 0;
	if (w->fd >= 0 && close(w->fd) && !w->failed)
		w->failed = errno;
	w->fd = -1;
	if (w->failed)
		rc = err_sys(e, w->failed, "cannot write '%s'", w->path ? w->path : "?");
	free(w->path);
	w->path = NULL;
	return rc;
}

void dat_escape_text(char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < ' ' || *s == 0x7f)
			*s = '?';
}

void dat_sanitize_name(char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s <= ' ' || *s == 0x7f)
			*s = '_';
}

char *dat_join_cmdline(char *const argv[])
{
	size_t cap = 64, n = 0;
	char *out = xmalloc(cap);
	for (int i = 0; argv[i]; i++) {
		const char *a = argv[i];
		int quote = strpbrk(a, " \t") != NULL;
		size_t need = n + strlen(a) + 4;
		xgrow((void **)&out, &cap, need, 1);
		if (i)
			out[n++] = ' ';
		if (quote)
			out[n++] = '\'';
		for (; *a; a++)
			out[n++] = *a;
		if (quote)
			out[n++] = '\'';
	}
	out[n] = '\0';
	dat_escape_text(out);
	return out;
}
