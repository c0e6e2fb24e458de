/* stkdat.c - reading the allocation stacks a recording holds (the STACKS and STK* lines of
 * docs/format.md). */
#include "core/stkdat.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/dat.h"

/* Splits off the next space-separated word; NULL at the end of the line. */
static char *word(char **p)
{
	while (**p == ' ')
		(*p)++;
	if (!**p)
		return NULL;
	char *w = *p;
	while (**p && **p != ' ')
		(*p)++;
	if (**p)
		*(*p)++ = '\0';
	return w;
}

/* A decimal number (no inf, nan or hex: strtod would take them), finite. */
static int num(char **p, double *v)
{
	char *w = word(p), *end;
	if (!w || !*w || w[strspn(w, "+-0123456789.eE")])
		return -1;
	errno = 0;
	*v = strtod(w, &end);
	return *end || errno || !isfinite(*v) ? -1 : 0;
}

static int u64(char **p, uint64_t *v, int base)
{
	char *w = word(p), *end;
	if (!w || *w == '-')
		return -1;
	errno = 0;
	unsigned long long x = strtoull(w, &end, base);
	*v = x;
	return *end || errno || end == w ? -1 : 0;
}

static int parse_line(char *line, struct stk_data *d)
{
	char *p = line, *kind = word(&p);
	uint64_t a, b;
	if (!strcmp(kind, "STACKS")) {
		char *mode = word(&p);
		if (!mode || (strcmp(mode, "all") && strcmp(mode, "sample")) || u64(&p, &a, 10))
			return -1;
		d->present = 1;
		d->all = !strcmp(mode, "all");
		d->sample_bytes = a;
		return 0;
	}
	if (!strcmp(kind, "STKMOD")) {
		if (u64(&p, &a, 10) || a != d->nmodules + (d->nmodules == 0) || !*p)
			return -1;
		if (!d->nmodules)
			d->nmodules = 1;
		d->modules = xrealloc(d->modules, (d->nmodules + 1) * sizeof(*d->modules));
		d->modules[0] = NULL;
		while (*p == ' ')
			p++;
		d->modules[d->nmodules++] = xstrdup(p);
		return 0;
	}
	if (!strcmp(kind, "STKFN")) {
		char *name;
		if (u64(&p, &a, 10) || a != d->nfns || u64(&p, &b, 10) || (b && b >= d->nmodules))
			return -1;
		struct stk_fn fn = {(uint32_t)b, 0, NULL, NULL};
		if (u64(&p, &fn.vaddr, 16) || !(name = word(&p)))
			return -1;
		while (*p == ' ')
			p++;
		fn.name = xstrdup(name);
		fn.line = *p ? xstrdup(p) : NULL;
		d->fns = xrealloc(d->fns, (d->nfns + 1) * sizeof(*d->fns));
		d->fns[d->nfns++] = fn;
		return 0;
	}
	if (!strcmp(kind, "STKIMG")) {
		struct stk_image im = {0};
		double pid;
		if (u64(&p, &a, 10) || a != d->nimages || num(&p, &pid) || num(&p, &im.peak) ||
		    num(&p, &im.leak) || u64(&p, &im.allocs, 10) || u64(&p, &im.lost, 10))
			return -1;
		while (*p == ' ')
			p++;
		im.pid = (int)pid;
		im.exe = xstrdup(*p ? p : "?");
		d->images = xrealloc(d->images, (d->nimages + 1) * sizeof(*d->images));
		d->images[d->nimages++] = im;
		return 0;
	}
	if (!strcmp(kind, "STK")) {
		struct stk_site s = {0};
		if (u64(&p, &a, 10) || a >= d->nimages || num(&p, &s.peak_b) ||
		    num(&p, &s.peak_n) || num(&p, &s.leak_b) || num(&p, &s.leak_n) ||
		    num(&p, &s.total_b) || num(&p, &s.total_n))
			return -1;
		s.image = (size_t)a;
		char *list = word(&p);
		if (!list || word(&p))
			return -1;
		if (strcmp(list, "-")) {
			for (char *q = list; q && *q;) {
				char *end;
				errno = 0;
				unsigned long f = strtoul(q, &end, 10);
				if (end == q || errno || f >= d->nfns || (*end && *end != ',') ||
				    s.nframes >= 256) {
					free(s.frames);
					return -1;
				}
				s.frames = xrealloc(s.frames, (s.nframes + 1) * sizeof(*s.frames));
				s.frames[s.nframes++] = (uint32_t)f;
				q = *end ? end + 1 : end;
			}
		}
		d->sites = xrealloc(d->sites, (d->nsites + 1) * sizeof(*d->sites));
		d->sites[d->nsites++] = s;
		return 0;
	}
	return 1; /* not a stack line */
}

static const char *expected(const char *kind)
{
	if (!strncmp(kind, "STACKS", 6))
		return "STACKS all|sample <sample-bytes>";
	if (!strncmp(kind, "STKMOD", 6))
		return "STKMOD <next-index> <path>";
	if (!strncmp(kind, "STKFN", 5))
		return "STKFN <next-index> <module> <hex-offset> <name> [file:line]";
	if (!strncmp(kind, "STKIMG", 6))
		return "STKIMG <next-index> <pid> <peak> <leak> <allocs> <lost> <exe>";
	return "STK <image> <peak-bytes> <peak-blocks> <leak-bytes> <leak-blocks> <bytes> <blocks> "
	       "<frames>";
}

int stk_parse(const char *name, const char *text, size_t len, struct stk_data *d, struct err *e)
{
	memset(d, 0, sizeof(*d));
	size_t lineno = 0, last = dat_last_line(text, len);
	for (size_t at = 0; at < len;) {
		const char *nl = memchr(text + at, '\n', len - at);
		size_t n = nl ? (size_t)(nl - text - at) : len - at;
		lineno++;
		/* Only the last line can be cut short (see dat_parse): it is left out. */
		if (at == last && (!nl || memchr(text + at, '\0', n))) {
			dat_warn_cut(name, lineno);
			break;
		}
		if ((n >= 3 && !memcmp(text + at, "STK", 3)) ||
		    (n >= 6 && !memcmp(text + at, "STACKS", 6))) {
			char *line = xmalloc(n + 1);
			memcpy(line, text + at, n);
			line[n] = '\0';
			if (memchr(text + at, '\0', n) || parse_line(line, d) < 0) {
				if (at == last) {
					dat_warn_cut(name, lineno);
					free(line);
					break;
				}
				err_set(e, "%s:%zu: expected '%s'", name, lineno, expected(line));
				free(line);
				stk_data_release(d);
				return -1;
			}
			free(line);
		}
		at += n + 1;
	}
	if (!d->present && (d->nsites || d->nimages || d->nfns))
		return err_set(e, "%s: stack lines without a STACKS line", name),
		       stk_data_release(d), -1;
	return 0;
}

int stk_read(const char *path, struct stk_data *d, struct err *e)
{
	size_t len;
	char *text = read_file(path, &len, e);
	if (!text) {
		memset(d, 0, sizeof(*d));
		return -1;
	}
	int rc = stk_parse(path, text, len, d, e);
	free(text);
	return rc;
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

void stk_data_release(struct stk_data *d)
{
	for (size_t i = 1; i < d->nmodules; i++)
		free(d->modules[i]);
	free(d->modules);
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
