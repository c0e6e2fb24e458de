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

/* ---- the line kinds ---- */

/* docs/format.md lists the same rows in the same order, with the same syntax. */
const struct dat_kind_info dat_kinds[DAT_NKINDS] = {
    [DAT_CMDLINE] = {"CMDLINE", "CMDLINE <command line>", 0, 0},
    [DAT_MEM] = {"MEM", "MEM <MiB> <time>", 0, -1},
    [DAT_CHLD] = {"CHLD", "CHLD <pid> <MiB> <time>", 0, -1},
    [DAT_FUNC] = {"FUNC",
		  "FUNC <name> <MiB in> <t in> <MiB out> <t out> [<depth> [<heap in> <heap out>]]",
		  0, -1},
    [DAT_MPROF] = {"MPROF", "MPROF <version> [key=value ...]", 1, -1},
    [DAT_MAXRSS] = {"MAXRSS", "MAXRSS <MiB> <time>", 1, -1},
    [DAT_CHLDMAX] = {"CHLDMAX", "CHLDMAX <pid> <MiB> <time>", 1, -1},
    [DAT_HEAP] = {"HEAP", "HEAP <MiB> <peak MiB> <time> <allocs> <frees> <mmap MiB> [<min MiB>]", 1,
		  -1},
    [DAT_CHLDHEAP] = {"CHLDHEAP",
		      "CHLDHEAP <pid> <MiB> <peak MiB> <time> <allocs> <frees> <mmap MiB> "
		      "[<min MiB>]",
		      1, -1},
    [DAT_GC] = {"GC",
		"GC <t start> <seconds> <generation> <collected> <uncollectable> <heap start "
		"MiB> <heap stop MiB>",
		1, -1},
    [DAT_EXIT] = {"EXIT", "EXIT <status> <time> <MiB>", 1, -1},
    [DAT_NOTE] = {"NOTE", "NOTE <text>", 1, 0},
    [DAT_STACKS] = {"STACKS", "STACKS all|sample <sample-bytes>", 1, -1},
    [DAT_STKMOD] = {"STKMOD", "STKMOD <m> <path>", 1, 1},
    [DAT_STKNOSYM] = {"STKNOSYM", "STKNOSYM <m> <package>", 1, -1},
    [DAT_STKFRAME] = {"STKFRAME", "STKFRAME <f> <kind> <m> 0x<offset> <source> <function>", 1, 5},
    [DAT_STKFN] = {"STKFN", "STKFN <f> <m> 0x<offset> <function> [<file>:<line>]", 1, 4},
    [DAT_STKIMG] = {"STKIMG",
		    "STKIMG <i> <pid> <peak-bytes> <leak-bytes> <allocations> <lost> <exe>", 1, 6},
    [DAT_STKCOLL] = {"STKCOLL", "STKCOLL <i> <collections>", 1, -1},
    [DAT_STK] = {"STK",
		 "STK <i> <peak-bytes> <peak-blocks> <leak-bytes> <leak-blocks> <bytes> <blocks> "
		 "<f>,<f>,...",
		 1, -1},
    [DAT_STKGC] = {"STKGC", "STKGC <s> <bytes> <blocks> <collections>", 1, -1},
    [DAT_STKSITES] = {"STKSITES", "STKSITES <time> <s>=<bytes> ...", 1, -1},
};

static enum dat_kind kind_of(const char *name)
{
	for (int k = 0; k < DAT_NKINDS; k++)
		if (name[0] == dat_kinds[k].name[0] && !strcmp(name, dat_kinds[k].name))
			return (enum dat_kind)k;
	return DAT_OTHER;
}

/* Splits s in place on runs of blanks into at most max fields; returns their
 * number, or max + 1 when more follow and all is set. *rest is where splitting
 * stopped. */
static int split_fields(char *s, char **f, int max, int all, char **rest)
{
	int n = 0;
	for (;;) {
		while (*s == ' ' || *s == '\t')
			*s++ = '\0';
		if (!*s || n == max)
			break;
		f[n++] = s;
		while (*s && *s != ' ' && *s != '\t')
			s++;
	}
	*rest = s;
	return all && *s ? max + 1 : n;
}

int dat_tokenize(char *line, struct dat_line *l)
{
	char *sp = strchr(line, ' ');
	if (sp)
		*sp = '\0';
	if (!*line)
		return -1;
	for (const char *k = line; *k; k++)
		if (!isupper((unsigned char)*k) && *k != '_')
			return -1;
	char *rest = sp ? sp + 1 : line + strlen(line);
	l->kind = kind_of(line);
	l->n = 0;
	l->text = rest;
	int words = l->kind == DAT_OTHER ? -1 : dat_kinds[l->kind].words;
	if (words == 0) /* the text as written, blanks included */
		return 0;
	int max = words < 0 ? DAT_MAX_FIELDS : words;
	l->n = split_fields(rest, l->f, max, words < 0, &l->text);
	return 0;
}

/* ---- numbers ---- */

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
int dat_num(const char *s, double *out)
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

int dat_u64(const char *s, uint64_t *out)
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

int dat_int(const char *s, int *out)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (end == s || *end || errno || v < INT_MIN || v > INT_MAX)
		return -1;
	*out = (int)v;
	return 0;
}

int dat_i64(const char *s, int64_t *out)
{
	char *end;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (end == s || *end || errno)
		return -1;
	*out = v;
	return 0;
}

int dat_hex(const char *s, uint64_t *out)
{
	char *end;
	if (!isxdigit((unsigned char)*s))
		return -1;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 16);
	if (*end || errno)
		return -1;
	*out = v;
	return 0;
}

/* ---- decoding the kinds dat.c owns ---- */

/* <live> <peak> <time> <allocs> <frees> <mmap> [<min>] into h: 0, or -1. */
static int heap_fields(char *const *f, int n, struct dat_heap *h)
{
	h->min_mib = NAN;
	return (n != 6 && n != 7) || dat_num(f[0], &h->live_mib) || dat_num(f[1], &h->peak_mib) ||
		       dat_num(f[2], &h->t) || dat_u64(f[3], &h->allocs) ||
		       dat_u64(f[4], &h->frees) || dat_num(f[5], &h->mmap_mib) ||
		       (n == 7 && dat_num(f[6], &h->min_mib))
		   ? -1
		   : 0;
}

/* A "+<count>" field: 0, or -1 when f is not one. */
static int plus_count(const char *f, uint64_t *out)
{
	return *f == '+' ? dat_u64(f + 1, out) : -1;
}

/* The short forms of a heap line's fields (after CHLDHEAP's pid): "<MiB>" (brief 1), or
 * "<MiB> +<allocs> +<frees> [<min MiB>]" (brief 2: the counts since the series'
 * previous line). 0 with it filled, or -1 when f holds the full form (or nothing). */
static int brief_fields(char *const *f, int n, struct dat_item *it)
{
	struct dat_heap *h = &it->heap;
	h->min_mib = NAN;
	if (n == 1 && !dat_num(f[0], &h->live_mib)) {
		it->brief = 1;
		return 0;
	}
	if ((n == 3 || n == 4) && !dat_num(f[0], &h->live_mib) && !plus_count(f[1], &h->allocs) &&
	    !plus_count(f[2], &h->frees) && (n == 3 || !dat_num(f[3], &h->min_mib))) {
		it->brief = 2;
		return 0;
	}
	return -1;
}

static int decode_header(const struct dat_line *l, struct dat_header *h)
{
	h->interval = 0;
	h->backend[0] = '\0';
	h->hwm = -1;
	h->maxrss_above = 0;
	if (l->n < 1 || dat_int(l->f[0], &h->version) || h->version < 1)
		return -1;
	int n = l->n > DAT_MAX_FIELDS ? DAT_MAX_FIELDS : l->n; /* later keys: a newer writer's */
	for (int i = 1; i < n; i++) {
		const char *f = l->f[i];
		if (strncmp(f, "interval=", 9) == 0)
			dat_num(f + 9, &h->interval);
		else if (strncmp(f, "backend=", 8) == 0)
			snprintf(h->backend, sizeof(h->backend), "%s", f + 8);
		else if (strncmp(f, "hwm=", 4) == 0)
			h->hwm = atoi(f + 4) != 0;
		else if (strcmp(f, "maxrss=above") == 0)
			h->maxrss_above = 1;
	}
	return 0;
}

static int decode_func(const struct dat_line *l, struct dat_func *fn)
{
	char *const *f = l->f;
	int n = l->n;
	*fn = (struct dat_func){.depth = -1, .heap_in = NAN, .heap_out = NAN};
	if ((n != 5 && n != 6 && n != 8) || dat_num(f[1], &fn->mem_in) ||
	    dat_num(f[2], &fn->t_in) || dat_num(f[3], &fn->mem_out) || dat_num(f[4], &fn->t_out) ||
	    (n >= 6 && dat_int(f[5], &fn->depth)) ||
	    (n == 8 && (dat_num(f[6], &fn->heap_in) || dat_num(f[7], &fn->heap_out))))
		return -1;
	fn->name = f[0];
	return 0;
}

static int decode_gc(const struct dat_line *l, struct dat_gc *g)
{
	char *const *f = l->f;
	return l->n != 7 || dat_num(f[0], &g->t) || dat_num(f[1], &g->duration_s) ||
		       dat_int(f[2], &g->generation) || dat_i64(f[3], &g->collected) ||
		       dat_i64(f[4], &g->uncollectable) || dat_num(f[5], &g->heap_start_mib) ||
		       dat_num(f[6], &g->heap_stop_mib)
		   ? -1
		   : 0;
}

int dat_decode(const struct dat_line *l, struct dat_item *it)
{
	char *const *f = l->f;
	it->kind = l->kind;
	it->brief = 0;
	switch (l->kind) {
	case DAT_CMDLINE:
	case DAT_NOTE:
		it->id = l->text;
		return 0;
	case DAT_MEM:
	case DAT_MAXRSS:
		return l->n != 2 || dat_num(f[0], &it->pt.mib) || dat_num(f[1], &it->pt.t) ? -1 : 0;
	case DAT_CHLD:
	case DAT_CHLDMAX:
		it->id = f[0];
		return l->n != 3 || dat_num(f[1], &it->pt.mib) || dat_num(f[2], &it->pt.t) ? -1 : 0;
	case DAT_HEAP:
		return brief_fields(f, l->n, it) ? heap_fields(f, l->n, &it->heap) : 0;
	case DAT_CHLDHEAP:
		it->id = l->n ? f[0] : NULL;
		if (l->n >= 2 && !brief_fields(f + 1, l->n - 1, it))
			return 0;
		return l->n < 7 || heap_fields(f + 1, l->n - 1, &it->heap) ? -1 : 0;
	case DAT_FUNC:
		return decode_func(l, &it->func);
	case DAT_GC:
		return decode_gc(l, &it->gc);
	case DAT_MPROF:
		return decode_header(l, &it->header);
	case DAT_EXIT:
		return l->n != 3 || dat_int(f[0], &it->status) || dat_num(f[1], &it->pt.t) ||
			       dat_num(f[2], &it->pt.mib)
			   ? -1
			   : 0;
	default:
		return -1; /* the stack kinds: stkdat.c decodes them */
	}
}

/* ---- the compact forms, made whole ---- */

/* What the compact forms leave out, as the lines go by: the latest MEM time, each
 * series' latest heap line, and the maximum a sample implied under maxrss=above
 * (held until the next line: a MAXRSS or CHLDMAX of the same time replaces it). */
struct expand {
	int above, refused;
	double mem_t;
	int have_heap;
	struct dat_heap heap;
	struct names child_ids;
	struct dat_heap *child_heaps; /* by child_ids' number; t < 0: none yet */
	size_t child_cap;
	int pending; /* DAT_MAXRSS or DAT_CHLDMAX, 0 for none */
	char pending_id[32];
	struct dat_point pending_pt;
};

static void expand_release(struct expand *x)
{
	names_release(&x->child_ids);
	free(x->child_heaps);
}

/* Hands the implied maximum to fn, unless it is line l's own (then folded into it). */
static int expand_flush(struct expand *x, struct dat_item *it, dat_line_fn fn, void *ctx,
			struct err *e)
{
	if (!x->pending)
		return 0;
	int kind = x->pending;
	x->pending = 0;
	if (it && (int)it->kind == kind && it->pt.t == x->pending_pt.t &&
	    (kind == DAT_MAXRSS || !strcmp(it->id, x->pending_id))) {
		it->pt.mib = it->pt.mib > x->pending_pt.mib ? it->pt.mib : x->pending_pt.mib;
		return 0;
	}
	static char none[1];
	struct dat_line l = {.kind = (enum dat_kind)kind, .n = 0, .text = none};
	struct dat_item p = {.kind = (enum dat_kind)kind, .id = x->pending_id, .pt = x->pending_pt};
	return fn(ctx, &l, &p, e) ? -1 : 0;
}

/* A short heap line filled from its series' previous one: 0, or 1 when there is none. */
static int expand_heap(struct expand *x, struct dat_item *it)
{
	struct dat_heap *prev = &x->heap;
	int have = x->have_heap;
	if (it->kind == DAT_CHLDHEAP) {
		size_t k = names_find(&x->child_ids, it->id);
		if (k == x->child_ids.n) {
			names_id(&x->child_ids, it->id);
			xgrow((void **)&x->child_heaps, &x->child_cap, k + 1,
			      sizeof(*x->child_heaps));
			x->child_heaps[k].t = -1;
		}
		prev = &x->child_heaps[k];
		have = prev->t >= 0;
	}
	if (it->brief) {
		if (!have || x->mem_t < 0)
			return 1;
		struct dat_heap got = it->heap;
		it->heap = *prev;
		it->heap.t = x->mem_t;
		it->heap.live_mib = it->heap.peak_mib = it->heap.min_mib = got.live_mib;
		if (it->brief == 2) {
			it->heap.allocs += got.allocs;
			it->heap.frees += got.frees;
			if (!isnan(got.min_mib))
				it->heap.min_mib = got.min_mib;
		}
	}
	*prev = it->heap;
	if (it->kind == DAT_HEAP)
		x->have_heap = 1;
	return 0;
}

/* Before fn sees it: it made whole, and the maximum an earlier sample implied.
 * Returns 0, 1 when it cannot be made whole, -1 when fn stopped. */
static int expand_item(struct expand *x, struct dat_item *it, dat_line_fn fn, void *ctx,
		       struct err *e)
{
	if (expand_flush(x, it, fn, ctx, e))
		return -1;
	switch (it->kind) {
	case DAT_MPROF:
		x->above = it->header.maxrss_above;
		break;
	case DAT_NOTE:
		if (!strncmp(it->id, DAT_NOTE_NO_HWM, strlen(DAT_NOTE_NO_HWM)))
			x->refused = 1;
		break;
	case DAT_HEAP:
	case DAT_CHLDHEAP:
		return expand_heap(x, it);
	case DAT_MEM:
	case DAT_CHLD:
		if (it->kind == DAT_MEM)
			x->mem_t = it->pt.t;
		if (x->above && !x->refused) {
			x->pending = it->kind == DAT_MEM ? DAT_MAXRSS : DAT_CHLDMAX;
			x->pending_pt = it->pt;
			snprintf(x->pending_id, sizeof(x->pending_id), "%s",
				 it->kind == DAT_CHLD ? it->id : "");
		}
		break;
	default:
		break;
	}
	return 0;
}

/* ---- the streaming reader ---- */

#define READ_CHUNK (256 * 1024)

/* A recording read front to back: a window of the file (or the text) and the line
 * being looked at, cut in place in a copy. */
struct reader {
	const char *name;
	int fd;		  /* -1: data is the caller's text */
	const char *data; /* the window: data[start..end) not yet read */
	char *own;	  /* the window's buffer when reading a file */
	size_t cap, start, end;
	int eof;
	size_t lineno;
	char *line; /* the current line, copied to be cut in place */
	size_t line_cap;
	dat_line_fn fn;
	void *ctx;
	struct err *e;
	struct expand x;
};

/* Moves what is left to the front of the buffer and reads more. -1 on a read error. */
static int reader_fill(struct reader *rd)
{
	if (rd->fd < 0 || rd->eof)
		return 0;
	size_t left = rd->end - rd->start;
	if (left + READ_CHUNK > rd->cap) /* a line longer than the buffer: grow it */
		xgrow((void **)&rd->own, &rd->cap, left + READ_CHUNK, 1);
	memmove(rd->own, rd->own + rd->start, left);
	rd->start = 0;
	rd->end = left;
	rd->data = rd->own;
	ssize_t got;
	do
		got = read(rd->fd, rd->own + rd->end, rd->cap - rd->end);
	while (got < 0 && errno == EINTR);
	if (got < 0)
		return err_sys(rd->e, errno, "cannot read '%s'", rd->name);
	rd->eof = got == 0;
	rd->end += (size_t)got;
	return 0;
}

/* The next line: *p, *n (without its newline), *nl whether it had one, *last whether
 * nothing follows it. Returns 1, 0 at the end, -1 on a read error. */
static int reader_next(struct reader *rd, const char **p, size_t *n, int *nl, int *last)
{
	for (;;) {
		const char *s = rd->data + rd->start;
		size_t avail = rd->end - rd->start;
		const char *q = memchr(s, '\n', avail);
		/* Whether the line is the last one needs a byte past its newline. */
		if ((!q || (size_t)(q - s) + 1 == avail) && !rd->eof) {
			if (reader_fill(rd))
				return -1;
			continue;
		}
		if (!avail)
			return 0;
		*p = s;
		*n = q ? (size_t)(q - s) : avail;
		*nl = q != NULL;
		*last = !q || (size_t)(q - s) + 1 == avail;
		rd->start += *n + (q != NULL);
		return 1;
	}
}

/* Hands one line to the callback. 0 to go on, 1 to stop (a cut last line), -1 on error. */
static int reader_line(struct reader *rd, const char *p, size_t n, int nl, int last)
{
	rd->lineno++;
	int nul = memchr(p, '\0', n) != NULL;
	if (last && (!nl || nul)) {
		dat_warn_cut(rd->name, rd->lineno); /* only the last line can be cut */
		return 1;
	}
	if (nul)
		return err_set(rd->e, "%s:%zu: not a recording line (NUL byte)", rd->name,
			       rd->lineno);
	xgrow((void **)&rd->line, &rd->line_cap, n + 1, 1);
	memcpy(rd->line, p, n);
	rd->line[n] = '\0';
	if (n && rd->line[n - 1] == '\r')
		rd->line[n - 1] = '\0';
	if (!rd->line[0])
		return 0;
	struct dat_line l;
	struct dat_item it;
	int rc;
	if (dat_tokenize(rd->line, &l)) {
		if (last)
			return dat_warn_cut(rd->name, rd->lineno), 1;
		return err_set(rd->e, "%s:%zu: not a recording line", rd->name, rd->lineno);
	}
	if (l.kind == DAT_OTHER)
		return 0;
	int ours = l.kind < DAT_STACKS;
	if (!ours && expand_flush(&rd->x, NULL, rd->fn, rd->ctx, rd->e))
		return -1;
	if (ours && !dat_decode(&l, &it)) {
		rc = expand_item(&rd->x, &it, rd->fn, rd->ctx, rd->e);
		if (rc < 0)
			return -1;
	} else
		rc = ours;
	if (rc == 0)
		rc = rd->fn(rd->ctx, &l, ours ? &it : NULL, rd->e);
	if (rc <= 0)
		return rc;
	if (last)
		return dat_warn_cut(rd->name, rd->lineno), 1;
	return err_set(rd->e, "%s:%zu: expected '%s'", rd->name, rd->lineno,
		       dat_kinds[l.kind].syntax);
}

static int reader_run(struct reader *rd)
{
	const char *p;
	size_t n;
	int nl, last, rc;
	rd->x.mem_t = -1;
	while ((rc = reader_next(rd, &p, &n, &nl, &last)) == 1) {
		rc = reader_line(rd, p, n, nl, last);
		if (rc)
			break;
	}
	if (rc >= 0 && expand_flush(&rd->x, NULL, rd->fn, rd->ctx, rd->e))
		rc = -1;
	expand_release(&rd->x);
	free(rd->line);
	free(rd->own);
	return rc < 0 ? -1 : 0;
}

int dat_stream_text(const char *name, const char *text, size_t len, dat_line_fn fn, void *ctx,
		    struct err *e)
{
	struct reader rd = {.name = name,
			    .fd = -1,
			    .data = text,
			    .end = len,
			    .eof = 1,
			    .fn = fn,
			    .ctx = ctx,
			    .e = e};
	return reader_run(&rd);
}

int dat_stream(const char *path, dat_line_fn fn, void *ctx, struct err *e)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return err_sys(e, errno, "cannot open '%s'", path);
	struct reader rd = {.name = path, .fd = fd, .fn = fn, .ctx = ctx, .e = e};
	posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	int rc = reader_run(&rd);
	close(fd);
	return rc;
}

void dat_warn_cut(const char *name, size_t lineno)
{
	core_warn("%s:%zu: last line is incomplete; read up to line %zu", name, lineno, lineno - 1);
}

/* ---- a whole recording in memory ---- */

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
	size_t k = names_find(&r->child_ids, id);
	if (k < r->nchildren)
		return &r->children[k];
	xgrow((void **)&r->children, &r->children_cap, r->nchildren + 1, sizeof(*r->children));
	struct dat_child *c = &r->children[r->nchildren++];
	memset(c, 0, sizeof(*c));
	c->id = xstrdup(id);
	names_id(&r->child_ids, c->id);
	return c;
}

static void add_note(struct dat_recording *r, const char *text)
{
	xgrow((void **)&r->notes, &r->notes_cap, r->nnotes + 1, sizeof(*r->notes));
	r->notes[r->nnotes++] = xstrdup(text);
	if (strncmp(text, DAT_NOTE_NO_HWM, strlen(DAT_NOTE_NO_HWM)) == 0)
		r->hwm = 0;
	if (!r->heap_ends && !strncmp(text, DAT_NOTE_HEAP_ENDS, strlen(DAT_NOTE_HEAP_ENDS)))
		r->heap_ends = r->notes[r->nnotes - 1];
}

static void add_func(struct dat_recording *r, const struct dat_func *fn)
{
	xgrow((void **)&r->funcs, &r->funcs_cap, r->nfuncs + 1, sizeof(*r->funcs));
	r->funcs[r->nfuncs] = *fn;
	r->funcs[r->nfuncs++].name = xstrdup(fn->name);
}

int dat_recording_take_common(struct dat_recording *r, const struct dat_item *it)
{
	switch (it->kind) {
	case DAT_MPROF:
		r->version = it->header.version;
		r->interval = it->header.interval ? it->header.interval : r->interval;
		if (it->header.backend[0])
			snprintf(r->backend, sizeof(r->backend), "%s", it->header.backend);
		if (it->header.hwm >= 0 && r->hwm != 0) /* a refusal noted earlier stands */
			r->hwm = it->header.hwm;
		r->maxrss_above = it->header.maxrss_above;
		return 1;
	case DAT_EXIT:
		r->has_exit = 1;
		r->exit_status = it->status;
		r->t_exit = it->pt.t;
		r->rusage_peak_mib = it->pt.mib;
		return 1;
	case DAT_CMDLINE:
		free(r->cmdline);
		r->cmdline = xstrdup(it->id);
		return 1;
	case DAT_NOTE:
		add_note(r, it->id);
		return 1;
	case DAT_GC:
		xgrow((void **)&r->gcs, &r->gcs_cap, r->ngcs + 1, sizeof(*r->gcs));
		r->gcs[r->ngcs++] = it->gc;
		return 1;
	default:
		return 0;
	}
}

/* dat_line_fn: keeps every line of the kinds dat.c owns in r. */
static int keep_line(void *ctx, const struct dat_line *l, const struct dat_item *it, struct err *e)
{
	struct dat_recording *r = ctx;
	(void)l, (void)e;
	if (!it || dat_recording_take_common(r, it))
		return 0;
	switch (it->kind) {
	case DAT_MEM:
		dat_series_push(&r->mem, it->pt.t, it->pt.mib);
		break;
	case DAT_MAXRSS:
		dat_series_push(&r->maxrss, it->pt.t, it->pt.mib);
		break;
	case DAT_HEAP:
		heap_push(&r->heap, &it->heap);
		break;
	case DAT_CHLD:
	case DAT_CHLDMAX: {
		struct dat_child *c = dat_child_get(r, it->id);
		dat_series_push(it->kind == DAT_CHLD ? &c->mem : &c->max, it->pt.t, it->pt.mib);
		break;
	}
	case DAT_CHLDHEAP:
		heap_push(&dat_child_get(r, it->id)->heap, &it->heap);
		break;
	case DAT_FUNC:
		add_func(r, &it->func);
		break;
	default:
		break;
	}
	return 0;
}

static void recording_init(struct dat_recording *r, const char *name)
{
	memset(r, 0, sizeof(*r));
	r->path = xstrdup(name);
	r->rusage_peak_mib = -1;
	r->hwm = -1;
}

int dat_parse(const char *name, const char *text, size_t len, struct dat_recording *r,
	      struct err *e)
{
	recording_init(r, name);
	if (dat_stream_text(name, text, len, keep_line, r, e) == 0)
		return 0;
	dat_recording_release(r);
	return -1;
}

int dat_read(const char *path, struct dat_recording *r, struct err *e)
{
	recording_init(r, path);
	if (dat_stream(path, keep_line, r, e) == 0)
		return 0;
	dat_recording_release(r);
	return -1;
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
	names_release(&r->child_ids);
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

/* Formats "<kind> " and fmt's text into one line and emits it. */
__attribute__((format(printf, 3, 0))) static void write_v(struct dat_writer *w, const char *kind,
							  const char *fmt, va_list ap)
{
	char buf[8192];
	int k = snprintf(buf, sizeof(buf), "%s ", kind);
	int n = vsnprintf(buf + k, sizeof(buf) - 1 - (size_t)k, fmt, ap);
	if (n < 0)
		return;
	n += k;
	if ((size_t)n > sizeof(buf) - 2)
		n = sizeof(buf) - 2; /* an over-long line is cut, never split */
	buf[n] = '\0';
	dat_escape_text(buf); /* a name holding a newline must not start a line of its own */
	buf[n++] = '\n';
	emit(w, buf, (size_t)n);
}

void dat_write_line(struct dat_writer *w, enum dat_kind kind, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	write_v(w, dat_kinds[kind].name, fmt, ap);
	va_end(ap);
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
static void write_pair(struct dat_writer *w, enum dat_kind kind, double a, double b)
{
	char buf[96], *p = put_str(buf, dat_kinds[kind].name);
	*p++ = ' ';
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
	dat_write_line(w, DAT_NOTE,
		       DAT_NOTE_HEAP_ENDS
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
	dat_write_line(w, DAT_NOTE, DAT_NOTE_NO_HWM " for process %d (%s): no MAXRSS from here on",
		       pid, strerror(why));
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
	dat_write_line(w, DAT_CMDLINE, "%s", cmdline);
}

void dat_write_mem(struct dat_writer *w, double mib, double t)
{
	write_pair(w, DAT_MEM, mib, t);
}

void dat_write_maxrss(struct dat_writer *w, double mib, double t)
{
	write_pair(w, DAT_MAXRSS, mib, t);
}

void dat_write_child(struct dat_writer *w, int pid, double mib, double t)
{
	dat_write_line(w, DAT_CHLD, "%d %.6f %.6f", pid, mib, t);
}

void dat_write_child_max(struct dat_writer *w, int pid, double mib, double t)
{
	dat_write_line(w, DAT_CHLDMAX, "%d %.6f %.6f", pid, mib, t);
}

/* "HEAP " (pid 0) or "CHLDHEAP <pid> ": a heap line's start. */
static char *put_heap_kind(char *p, int pid)
{
	p = put_str(p, dat_kinds[pid > 0 ? DAT_CHLDHEAP : DAT_HEAP].name);
	*p++ = ' ';
	if (pid > 0) {
		p = put_u64(p, (uint64_t)pid);
		*p++ = ' ';
	}
	return p;
}

void dat_write_heap(struct dat_writer *w, int pid, const struct dat_heap *h)
{
	char buf[256], *p = put_heap_kind(buf, pid);
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
	char buf[96], *p = put_heap_kind(buf, pid);
	p = put_trim6(p, live_mib);
	*p++ = '\n';
	emit(w, buf, (size_t)(p - buf));
}

void dat_write_heap_counted(struct dat_writer *w, int pid, double live_mib, uint64_t allocs,
			    uint64_t frees, double min_mib)
{
	char buf[160], *p = put_heap_kind(buf, pid);
	p = put_trim6(p, live_mib);
	p = put_str(p, " +");
	p = put_u64(p, allocs);
	p = put_str(p, " +");
	p = put_u64(p, frees);
	if (min_mib != live_mib) {
		*p++ = ' ';
		p = put_trim6(p, min_mib);
	}
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
		dat_write_line(w, DAT_FUNC, "%s %.4f %.4f %.4f %.4f %d", clean, mem_in, t_in,
			       mem_out, t_out, depth);
	else
		dat_write_line(w, DAT_FUNC, "%s %.4f %.4f %.4f %.4f %d %.4f %.4f", clean, mem_in,
			       t_in, mem_out, t_out, depth, heap_in, heap_out);
}

void dat_write_gc(struct dat_writer *w, const struct dat_gc *g)
{
	dat_write_line(w, DAT_GC, "%.6f %.6f %d %lld %lld %.6f %.6f", g->t, g->duration_s,
		       g->generation, (long long)g->collected, (long long)g->uncollectable,
		       g->heap_start_mib, g->heap_stop_mib);
}

void dat_write_exit(struct dat_writer *w, int status, double t, double peak_mib)
{
	dat_write_line(w, DAT_EXIT, "%d %.6f %.6f", status, t, peak_mib);
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
