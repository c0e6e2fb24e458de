/* stkdat.c - reading the allocation stacks a recording holds (the STACKS and STK* lines of
 * docs/format.md). */
#include "core/stkdat.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/dat.h"

static int hexval(char c)
{
	return c >= '0' && c <= '9'   ? c - '0'
	       : c >= 'a' && c <= 'f' ? c - 'a' + 10
	       : c >= 'A' && c <= 'F' ? c - 'A' + 10
				      : -1;
}

/* A STKFRAME source field back to its text: %XX is the byte XX. Malloc'd. */
static char *unescape(const char *w)
{
	char *out = xmalloc(strlen(w) + 1), *o = out;
	for (; *w; w++) {
		int hi, lo;
		if (*w == '%' && (hi = hexval(w[1])) >= 0 && (lo = hexval(w[2])) >= 0) {
			*o++ = (char)(hi << 4 | lo);
			w += 2;
		} else {
			*o++ = *w;
		}
	}
	*o = '\0';
	return out;
}

void stk_escape_source(const char *line, char *out, size_t size)
{
	size_t n = 0;
	if (!size)
		return;
	if (!line || !*line)
		line = NULL;
	for (const char *c = line ? line : "-"; *c && n + 4 < size; c++) {
		unsigned char b = (unsigned char)*c;
		if (line && (b <= ' ' || b == '%' || b == 0x7f))
			n += (size_t)snprintf(out + n, size - n, "%%%02X", b);
		else
			out[n++] = (char)b;
	}
	out[n] = '\0';
}

static int take_stacks(struct stk_data *d, const struct dat_line *l)
{
	uint64_t a;
	if (l->n != 2 || (strcmp(l->f[0], "all") && strcmp(l->f[0], "sample")) ||
	    dat_u64(l->f[1], &a))
		return 1;
	d->present = 1;
	d->all = !strcmp(l->f[0], "all");
	d->sample_bytes = a;
	return 0;
}

static int take_module(struct stk_data *d, const struct dat_line *l)
{
	uint64_t a;
	if (l->n != 1 || dat_u64(l->f[0], &a) || a != d->nmodules + (d->nmodules == 0) || !*l->text)
		return 1;
	if (!d->nmodules)
		d->nmodules = 1;
	d->modules = xrealloc(d->modules, (d->nmodules + 1) * sizeof(*d->modules));
	d->modules[0] = NULL;
	if (d->packages) {
		d->packages = xrealloc(d->packages, (d->nmodules + 1) * sizeof(*d->packages));
		d->packages[d->nmodules] = NULL;
	}
	d->modules[d->nmodules++] = xstrdup(l->text);
	return 0;
}

static void push_fn(struct stk_data *d, const struct stk_fn *fn)
{
	d->fns = xrealloc(d->fns, (d->nfns + 1) * sizeof(*d->fns));
	d->fns[d->nfns++] = *fn;
}

/* STKFRAME <f> <kind> <m> 0x<offset> <source> <function> */
static int take_frame(struct stk_data *d, const struct dat_line *l)
{
	uint64_t a, b;
	struct stk_fn fn = {STK_NATIVE, 0, 0, NULL, NULL};
	char *const *f = l->f;
	if (l->n != 5 || dat_u64(f[0], &a) || a != d->nfns ||
	    (strcmp(f[1], "native") && strcmp(f[1], "inlined") && strcmp(f[1], "python")) ||
	    dat_u64(f[2], &b) || (b && b >= d->nmodules) || dat_hex(f[3], &fn.vaddr) || !*l->text)
		return 1;
	fn.kind = !strcmp(f[1], "inlined")  ? STK_INLINED
		  : !strcmp(f[1], "python") ? STK_PYTHON
					    : STK_NATIVE;
	if (fn.kind == STK_PYTHON && b)
		return 1; /* a Python frame is in no module */
	fn.module = (uint32_t)b;
	fn.name = xstrdup(l->text);
	fn.line = strcmp(f[4], "-") ? unescape(f[4]) : NULL;
	push_fn(d, &fn);
	return 0;
}

/* Older recordings' STKFN: a name without blanks, no kind. */
static int take_old_frame(struct stk_data *d, const struct dat_line *l)
{
	uint64_t a, b;
	struct stk_fn fn = {STK_NATIVE, 0, 0, NULL, NULL};
	if (l->n != 4 || dat_u64(l->f[0], &a) || a != d->nfns || dat_u64(l->f[1], &b) ||
	    (b && b >= d->nmodules) || dat_hex(l->f[2], &fn.vaddr))
		return 1;
	fn.module = (uint32_t)b;
	fn.name = xstrdup(l->f[3]);
	fn.line = *l->text ? xstrdup(l->text) : NULL;
	push_fn(d, &fn);
	return 0;
}

static int take_nosym(struct stk_data *d, const struct dat_line *l)
{
	uint64_t a;
	if (l->n != 2 || dat_u64(l->f[0], &a) || !a || a >= d->nmodules)
		return 1;
	if (!d->packages)
		d->packages = xcalloc(d->nmodules, sizeof(*d->packages));
	free(d->packages[a]);
	d->packages[a] = xstrdup(l->f[1]);
	return 0;
}

static int take_image(struct stk_data *d, const struct dat_line *l)
{
	struct stk_image im = {0};
	uint64_t a;
	double pid;
	char *const *f = l->f;
	if (l->n != 6 || dat_u64(f[0], &a) || a != d->nimages || dat_num(f[1], &pid) ||
	    dat_num(f[2], &im.peak) || dat_num(f[3], &im.leak) || dat_u64(f[4], &im.allocs) ||
	    dat_u64(f[5], &im.lost))
		return 1;
	im.pid = (int)pid;
	im.exe = xstrdup(*l->text ? l->text : "?");
	d->images = xrealloc(d->images, (d->nimages + 1) * sizeof(*d->images));
	d->images[d->nimages++] = im;
	return 0;
}

/* "<f>,<f>,..." into s->frames; "-" is none. 0, or 1 when it does not parse. */
static int frame_list(const struct stk_data *d, const char *list, struct stk_site *s)
{
	if (!strcmp(list, "-"))
		return 0;
	for (const char *q = list; q && *q;) {
		char *end;
		errno = 0;
		unsigned long f = strtoul(q, &end, 10);
		if (end == q || errno || f >= d->nfns || (*end && *end != ',') ||
		    s->nframes >= 1024)
			return 1;
		s->frames = xrealloc(s->frames, (s->nframes + 1) * sizeof(*s->frames));
		s->frames[s->nframes++] = (uint32_t)f;
		q = *end ? end + 1 : end;
	}
	return 0;
}

static int take_site(struct stk_data *d, const struct dat_line *l)
{
	struct stk_site s = {0};
	uint64_t a;
	char *const *f = l->f;
	if (l->n != 8 || dat_u64(f[0], &a) || a >= d->nimages || dat_num(f[1], &s.peak_b) ||
	    dat_num(f[2], &s.peak_n) || dat_num(f[3], &s.leak_b) || dat_num(f[4], &s.leak_n) ||
	    dat_num(f[5], &s.total_b) || dat_num(f[6], &s.total_n))
		return 1;
	s.image = (size_t)a;
	if (frame_list(d, f[7], &s)) {
		free(s.frames);
		return 1;
	}
	d->sites = xrealloc(d->sites, (d->nsites + 1) * sizeof(*d->sites));
	d->sites[d->nsites++] = s;
	return 0;
}

/* STKCOLL <image> <collections> */
static int take_collections(struct stk_data *d, const struct dat_line *l)
{
	uint64_t a, b;
	if (l->n != 2 || dat_u64(l->f[0], &a) || a >= d->nimages || dat_u64(l->f[1], &b))
		return 1;
	d->images[a].collections = b;
	return 0;
}

/* STKGC <site> <bytes> <blocks> <collections> */
static int take_gc(struct stk_data *d, const struct dat_line *l)
{
	uint64_t a, b;
	double bytes, blocks;
	if (l->n != 4 || dat_u64(l->f[0], &a) || a >= d->nsites || dat_num(l->f[1], &bytes) ||
	    dat_num(l->f[2], &blocks) || dat_u64(l->f[3], &b) || bytes < 0 || blocks < 0)
		return 1;
	d->sites[a].gc_b = bytes;
	d->sites[a].gc_n = blocks;
	d->sites[a].gc_colls = b;
	return 0;
}

int stk_take_line(struct stk_data *d, const struct dat_line *l)
{
	switch (l->kind) {
	case DAT_STACKS:
		return take_stacks(d, l);
	case DAT_STKMOD:
		return take_module(d, l);
	case DAT_STKFRAME:
		return take_frame(d, l);
	case DAT_STKFN:
		return take_old_frame(d, l);
	case DAT_STKNOSYM:
		return take_nosym(d, l);
	case DAT_STKIMG:
		return take_image(d, l);
	case DAT_STK:
		return take_site(d, l);
	case DAT_STKCOLL:
		return take_collections(d, l);
	case DAT_STKGC:
		return take_gc(d, l);
	default:
		return 0; /* not a stack line */
	}
}

int stk_finish(const char *name, struct stk_data *d, struct err *e)
{
	if (d->present || !(d->nsites || d->nimages || d->nfns))
		return 0;
	stk_data_release(d);
	return err_set(e, "%s: stack lines without a STACKS line", name);
}

/* dat_line_fn: the stack lines into ctx (a struct stk_data). */
static int take_line(void *ctx, const struct dat_line *l, const struct dat_item *it, struct err *e)
{
	(void)it, (void)e;
	return stk_take_line(ctx, l);
}

int stk_parse(const char *name, const char *text, size_t len, struct stk_data *d, struct err *e)
{
	memset(d, 0, sizeof(*d));
	if (dat_stream_text(name, text, len, take_line, d, e)) {
		stk_data_release(d);
		return -1;
	}
	return stk_finish(name, d, e);
}

int stk_read(const char *path, struct stk_data *d, struct err *e)
{
	memset(d, 0, sizeof(*d));
	if (dat_stream(path, take_line, d, e)) {
		stk_data_release(d);
		return -1;
	}
	return stk_finish(path, d, e);
}

long stk_pick_image(const struct stk_data *d, int pid)
{
	long best = -1;
	for (size_t i = 0; i < d->nimages; i++) {
		if (pid && d->images[i].pid != pid)
			continue;
		if (best < 0 || d->images[i].peak > d->images[best].peak)
			best = (long)i;
	}
	return best;
}

const char *stk_fn_label(const struct stk_data *d, uint32_t f, char *buf, size_t size)
{
	const struct stk_fn *fn = &d->fns[f];
	if (strcmp(fn->name, "?") && fn->kind == STK_INLINED) {
		snprintf(buf, size, "%s [inlined]", fn->name);
		return buf;
	}
	if (strcmp(fn->name, "?"))
		return fn->name;
	if (!fn->module) {
		snprintf(buf, size, "0x%llx", (unsigned long long)fn->vaddr);
		return buf;
	}
	const char *mod = d->modules[fn->module], *base = strrchr(mod, '/');
	snprintf(buf, size, "%s+0x%llx", base ? base + 1 : mod, (unsigned long long)fn->vaddr);
	return buf;
}

/* ---- site names ---- */

/* Functions that allocate for their caller, matched against a name without its
 * parameters; '*' matches any text. A site is named after the first frame below
 * them. */
static const char *const allocators[] = {
    "malloc",
    "calloc",
    "realloc",
    "reallocarray",
    "free",
    "posix_memalign",
    "aligned_alloc",
    "memalign",
    "valloc",
    "pvalloc",
    "__libc_malloc",
    "__libc_calloc",
    "__libc_realloc",
    "__libc_memalign",
    "strdup",
    "strndup",
    "__strdup",
    "__strndup",
    "wcsdup",
    "operator new",
    "operator new[]",
    "_Znwm",
    "_Znam",
    "_ZnwmRKSt9nothrow_t",
    "_ZnamRKSt9nothrow_t",
    "_ZnwmSt11align_val_t",
    "_ZnamSt11align_val_t",
    "_ZnwmSt11align_val_tRKSt9nothrow_t",
    "_ZnamSt11align_val_tRKSt9nothrow_t",
    "std::allocator<*",
    "std::__new_allocator<*",
    "__gnu_cxx::new_allocator<*",
    "std::allocator_traits<*>::allocate",
    "std::_Vector_base<*>::_M_allocate",
    "PyMem_*",
    "_PyMem_*",
    "PyObject_Malloc",
    "PyObject_Calloc",
    "PyObject_Realloc",
    "_PyObject_Malloc",
    "_PyObject_Calloc",
    "_PyObject_Realloc",
};

/* '*' matches any text, everything else itself. */
static int glob(const char *p, const char *s, size_t n)
{
	for (; *p; p++, s++, n--) {
		if (*p == '*') {
			for (size_t k = 0; k <= n; k++)
				if (glob(p + 1, s + k, n - k))
					return 1;
			return 0;
		}
		if (!n || *p != *s)
			return 0;
	}
	return n == 0;
}

int stk_is_allocator(const char *name)
{
	/* The name without its parameter list: the last '(' at template depth 0, so
	 * "operator new[](unsigned long)" and "f<int (*)()>(int)" both stop right. */
	size_t n = strlen(name), end = n;
	int depth = 0;
	for (size_t i = 0; i < n; i++) {
		if (name[i] == '<')
			depth++;
		else if (name[i] == '>' && depth > 0)
			depth--;
		else if (name[i] == '(' && depth == 0 && i > 0) {
			end = i;
			break;
		}
	}
	for (size_t i = 0; i < sizeof(allocators) / sizeof(*allocators); i++)
		if (glob(allocators[i], name, end))
			return 1;
	return 0;
}

size_t stk_site_start(const struct stk_data *d, const struct stk_site *s)
{
	for (size_t k = 0; k < s->nframes; k++)
		if (!stk_is_allocator(d->fns[s->frames[k]].name))
			return k;
	return 0;
}

char *stk_site_label(const struct stk_data *d, const struct stk_site *s, int depth,
		     enum stk_label_style style, char *out, size_t n)
{
	size_t len = 0, start = stk_site_start(d, s), k = start;
	if (!n)
		return out;
	out[0] = '\0';
	if (!s->nframes) {
		snprintf(out, n, "[stack not recorded]");
		return out;
	}
	size_t end = start;
	while (end < s->nframes && end - start < (size_t)depth) {
		if (!strcmp(d->fns[s->frames[end++]].name, "main"))
			break; /* what called main says nothing about the site */
	}
	/* A native site under Python code: its first frame, then the Python frames
	 * ("PyArray_NewFromDescr < ... < f (x.py:3)"), the frames between left out. */
	size_t gap = SIZE_MAX, py = start;
	while (py < s->nframes && d->fns[s->frames[py]].kind != STK_PYTHON)
		py++;
	if (depth > 1 && py < s->nframes && py >= end) {
		gap = start + 1;
		end = py;
		while (end < s->nframes && end - py < (size_t)depth - 1)
			end++;
	}
#define SHOWN(k) ((k) < gap || (k) >= py)
	if (style == STK_LABEL_SHORT && py < s->nframes) {
		/* Under Python code a picture names the script's lines, "caller:18>f:9":
		 * the native frames above them are the interpreter's or a library's. */
		size_t top = py;
		while (top < s->nframes && top - py < (size_t)depth &&
		       d->fns[s->frames[top]].kind == STK_PYTHON)
			top++;
		for (k = top; k-- > py && len + 1 < n;) {
			const struct stk_fn *fn = &d->fns[s->frames[k]];
			const char *colon = fn->line ? strrchr(fn->line, ':') : NULL;
			len +=
			    (size_t)snprintf(out + len, n - len, "%s%s%s%s", k + 1 < top ? ">" : "",
					     fn->name, colon ? ":" : "", colon ? colon + 1 : "");
		}
		return out;
	}
	if (style == STK_LABEL_SHORT) {
		for (k = end; k-- > start && len + 1 < n;) {
			if (!SHOWN(k))
				continue;
			char buf[256];
			len += (size_t)snprintf(out + len, n - len, "%s%s", k + 1 < end ? ">" : "",
						stk_fn_label(d, s->frames[k], buf, sizeof(buf)));
		}
		return out;
	}
	for (k = start; k < end && len + 1 < n; k++) {
		if (!SHOWN(k)) {
			if (k == gap)
				len += (size_t)snprintf(out + len, n - len, " < ...");
			continue;
		}
		const struct stk_fn *fn = &d->fns[s->frames[k]];
		char buf[256], where[256] = "";
		const char *name = fn->kind == STK_INLINED && strcmp(fn->name, "?")
				       ? fn->name
				       : stk_fn_label(d, s->frames[k], buf, sizeof(buf));
		if (fn->line) {
			const char *base = strrchr(fn->line, '/');
			snprintf(where, sizeof(where), " (%s)", base ? base + 1 : fn->line);
		}
		len += (size_t)snprintf(out + len, n - len, "%s%s%s%s", k > start ? " < " : "",
					name, where, fn->kind == STK_INLINED ? " [inlined]" : "");
	}
	if (depth > 1 && end < s->nframes && strcmp(d->fns[s->frames[end - 1]].name, "main") &&
	    len + 7 < n)
		snprintf(out + len, n - len, " < ...");
#undef SHOWN
	return out;
}

uint32_t *stk_unnamed_modules(const struct stk_data *d, size_t image, size_t *n)
{
	char *seen = xcalloc(d->nmodules + 1, 1);
	for (size_t i = 0; d->packages && i < d->nsites; i++) {
		const struct stk_site *s = &d->sites[i];
		for (size_t k = 0; s->image == image && k < s->nframes; k++)
			seen[d->fns[s->frames[k]].module] = 1;
	}
	uint32_t *v = xcalloc(d->nmodules + 1, sizeof(*v));
	*n = 0;
	for (size_t m = 1; m < d->nmodules; m++)
		if (seen[m] && d->packages[m])
			v[(*n)++] = (uint32_t)m;
	free(seen);
	return v;
}

/* ---- Python: the interpreter's own frames folded away ---- */

struct fold_key {
	const struct stk_site *s;
	size_t i;
};

static int by_frames(const void *x, const void *y)
{
	const struct fold_key *p = x, *q = y;
	const struct stk_site *a = p->s, *b = q->s;
	if (a->image != b->image)
		return a->image < b->image ? -1 : 1;
	if (a->nframes != b->nframes)
		return a->nframes < b->nframes ? -1 : 1;
	int c = a->nframes ? memcmp(a->frames, b->frames, a->nframes * sizeof(*a->frames)) : 0;
	return c ? c : (p->i > q->i) - (p->i < q->i);
}

/* Merges sites of one image with the same frames into the first of them. */
static void merge_same_sites(struct stk_data *d, size_t *where)
{
	struct fold_key *keys = xcalloc(d->nsites + 1, sizeof(*keys));
	char *gone = xcalloc(d->nsites + 1, 1);
	for (size_t i = 0; i < d->nsites; i++)
		keys[i] = (struct fold_key){&d->sites[i], i};
	qsort(keys, d->nsites, sizeof(*keys), by_frames);
	for (size_t i = 0, j; i < d->nsites; i = j) {
		struct stk_site *into = &d->sites[keys[i].i];
		for (j = i + 1; j < d->nsites; j++) {
			const struct stk_site *t = keys[j].s;
			if (t->image != into->image || t->nframes != into->nframes ||
			    (t->nframes &&
			     memcmp(t->frames, into->frames, t->nframes * sizeof(*t->frames))))
				break;
			into->peak_b += t->peak_b;
			into->peak_n += t->peak_n;
			into->leak_b += t->leak_b;
			into->leak_n += t->leak_n;
			into->total_b += t->total_b;
			into->total_n += t->total_n;
			into->gc_b += t->gc_b;
			into->gc_n += t->gc_n;
			into->gc_colls =
			    into->gc_colls > t->gc_colls ? into->gc_colls : t->gc_colls;
			gone[keys[j].i] = 1;
			if (where)
				where[keys[j].i] = keys[i].i;
		}
	}
	size_t n = 0;
	for (size_t i = 0; i < d->nsites; i++) {
		if (gone[i]) {
			free(d->sites[i].frames);
		} else {
			if (where)
				where[i] = n;
			d->sites[n++] = d->sites[i];
		}
	}
	for (size_t i = 0; where && i < d->nsites; i++)
		if (gone[i])
			where[i] = where[where[i]];
	d->nsites = n;
	free(gone);
	free(keys);
}

/* Whether a Python frame at line ("file:line") is mprof's own @profile wrapper
 * (scripts/python, installed under lib/mprof/python). */
static int is_bootstrap(const char *line)
{
	return line && (strstr(line, "/mprof/python/memory_profiler.py:") ||
			strstr(line, "/mprof/python/sitecustomize.py:"));
}

void stk_fold_interpreter(struct stk_data *d)
{
	stk_fold_interpreter_map(d, NULL);
}

void stk_fold_interpreter_map(struct stk_data *d, size_t *where)
{
	for (size_t i = 0; where && i < d->nsites; i++)
		where[i] = i;
	/* The interpreter: the modules holding its evaluation loop. */
	char *interp = xcalloc(d->nmodules + 1, 1);
	for (size_t f = 0; f < d->nfns; f++)
		if (d->fns[f].kind != STK_PYTHON && d->fns[f].module &&
		    strstr(d->fns[f].name, "_PyEval_EvalFrameDefault"))
			interp[d->fns[f].module] = 1;
	int folded = 0;
	for (size_t i = 0; i < d->nsites; i++) {
		struct stk_site *s = &d->sites[i];
		size_t outer = SIZE_MAX, n = 0;
		for (size_t k = 0; k < s->nframes; k++)
			if (d->fns[s->frames[k]].kind == STK_PYTHON)
				outer = k;
		if (outer == SIZE_MAX)
			continue; /* no Python in it: as recorded */
		for (size_t k = 0; k <= outer; k++) {
			const struct stk_fn *fn = &d->fns[s->frames[k]];
			if (fn->kind == STK_PYTHON ? !is_bootstrap(fn->line)
						   : !fn->module || !interp[fn->module])
				s->frames[n++] = s->frames[k];
		}
		s->nframes = n;
		folded = 1;
	}
	free(interp);
	if (folded)
		merge_same_sites(d, where);
}

void stk_data_release(struct stk_data *d)
{
	for (size_t i = 1; i < d->nmodules; i++) {
		free(d->modules[i]);
		if (d->packages)
			free(d->packages[i]);
	}
	free(d->modules);
	free(d->packages);
	for (size_t i = 0; i < d->nfns; i++) {
		free(d->fns[i].name);
		free(d->fns[i].line);
	}
	free(d->fns);
	for (size_t i = 0; i < d->nimages; i++)
		free(d->images[i].exe);
	free(d->images);
	for (size_t i = 0; i < d->nsites; i++)
		free(d->sites[i].frames);
	free(d->sites);
	memset(d, 0, sizeof(*d));
}
