/* report.c - the report as data: sites by memory, leaks, the call tree, modules without symbols
 * (the views that render it are in report_text.c and flame.c). */
#include "core/report.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/gnuplot.h"

int report_metric_parse(const char *s, enum report_metric *m)
{
	static const char *const names[] = {"peak", "leak", "total"};
	for (int i = 0; i < 3; i++)
		if (!strcmp(s, names[i])) {
			*m = (enum report_metric)i;
			return 0;
		}
	return -1;
}

const char *report_metric_name(enum report_metric m)
{
	return m == RM_PEAK ? "peak" : m == RM_LEAK ? "leak" : m == RM_GC ? "gc" : "total";
}

double report_bytes(const struct stk_site *s, enum report_metric m)
{
	return m == RM_PEAK   ? s->peak_b
	       : m == RM_LEAK ? s->leak_b
	       : m == RM_GC   ? s->gc_b
			      : s->total_b;
}

double report_blocks(const struct stk_site *s, enum report_metric m)
{
	return m == RM_PEAK   ? s->peak_n
	       : m == RM_LEAK ? s->leak_n
	       : m == RM_GC   ? s->gc_n
			      : s->total_n;
}

double report_whole(const struct stk_data *d, size_t image, enum report_metric m)
{
	const struct stk_image *im = &d->images[image];
	if (m == RM_PEAK || m == RM_LEAK)
		return m == RM_PEAK ? im->peak : im->leak;
	double sum = 0;
	for (size_t i = 0; i < d->nsites; i++)
		if (d->sites[i].image == image)
			sum += report_bytes(&d->sites[i], m);
	return sum;
}

static const struct stk_data *sort_d;
static enum report_metric sort_m;

static int by_value(const void *x, const void *y)
{
	double a = report_bytes(&sort_d->sites[*(const size_t *)x], sort_m);
	double b = report_bytes(&sort_d->sites[*(const size_t *)y], sort_m);
	return (a < b) - (a > b);
}

size_t *report_sites(const struct stk_data *d, size_t image, enum report_metric m, size_t *n)
{
	size_t *v = xcalloc(d->nsites + 1, sizeof(*v));
	*n = 0;
	for (size_t i = 0; i < d->nsites; i++)
		if (d->sites[i].image == image && report_bytes(&d->sites[i], m) > 0)
			v[(*n)++] = i;
	sort_d = d;
	sort_m = m;
	qsort(v, *n, sizeof(*v), by_value);
	return v;
}

/* ---- the call tree ---- */

static struct report_node *child(struct report_node *n, const char *label, enum stk_kind kind)
{
	for (size_t i = 0; i < n->nkids; i++)
		if (!strcmp(n->kids[i].label, label))
			return &n->kids[i];
	n->kids = xrealloc(n->kids, (n->nkids + 1) * sizeof(*n->kids));
	struct report_node *k = &n->kids[n->nkids++];
	memset(k, 0, sizeof(*k));
	k->label = xstrdup(label);
	k->kind = kind;
	return k;
}

static int by_bytes(const void *x, const void *y)
{
	const struct report_node *a = x, *b = y;
	return (a->bytes < b->bytes) - (a->bytes > b->bytes);
}

static void sort_tree(struct report_node *n)
{
	if (n->nkids > 1) /* a leaf's kids may be NULL, which qsort must not get */
		qsort(n->kids, n->nkids, sizeof(*n->kids), by_bytes);
	for (size_t i = 0; i < n->nkids; i++)
		sort_tree(&n->kids[i]);
}

void report_tree(const struct stk_data *d, size_t image, enum report_metric m,
		 struct report_node *root)
{
	memset(root, 0, sizeof(*root));
	root->label = xstrdup("all");
	for (size_t i = 0; i < d->nsites; i++) {
		const struct stk_site *s = &d->sites[i];
		double b = report_bytes(s, m), n = report_blocks(s, m);
		if (s->image != image || b <= 0)
			continue;
		struct report_node *at = root;
		at->bytes += b;
		at->blocks += n;
		for (size_t k = s->nframes; k-- > 0;) {
			char buf[4096];
			at = child(at, stk_fn_label(d, s->frames[k], buf, sizeof(buf)),
				   d->fns[s->frames[k]].kind);
			at->bytes += b;
			at->blocks += n;
		}
	}
	sort_tree(root);
}

void report_tree_release(struct report_node *root)
{
	for (size_t i = 0; i < root->nkids; i++)
		report_tree_release(&root->kids[i]);
	free(root->kids);
	free(root->label);
	memset(root, 0, sizeof(*root));
}

int report_kind_is_python(enum stk_kind k)
{
	return k == STK_PYTHON;
}

/* ---- the report as data ---- */

/* The frame that names s (its first of the program's own code) as every view
 * shows it alone: function, source and "f (file:line)". */
static void name_site(const struct stk_data *d, struct report_site *rs)
{
	const struct stk_site *s = rs->site;
	char buf[4096];
	if (!s->nframes) {
		rs->function = xstrdup("?");
		rs->source = NULL;
	} else {
		uint32_t f = s->frames[stk_site_start(d, s)];
		rs->function = xstrdup(stk_fn_label(d, f, buf, sizeof(buf)));
		rs->source = d->fns[f].line;
	}
	rs->name = xstrdup(stk_site_label(d, s, 1, STK_LABEL_FULL, buf, sizeof(buf)));
	rs->label = xstrdup(stk_site_label(d, s, 4, STK_LABEL_FULL, buf, sizeof(buf)));
}

/* A picture's names: the innermost function, with its caller where two of the
 * first three sites would otherwise read the same. */
static void brief_names(const struct stk_data *d, struct report_list *l)
{
	char buf[4096];
	for (size_t i = 0; i < l->n; i++)
		l->v[i].brief =
		    xstrdup(stk_site_label(d, l->v[i].site, 1, STK_LABEL_SHORT, buf, sizeof(buf)));
	int shared[3] = {0, 0, 0};
	for (size_t i = 0; i < l->n && i < 3; i++)
		for (size_t k = 0; k < l->n && k < 3; k++)
			shared[i] |= k != i && !strcmp(l->v[k].brief, l->v[i].brief);
	for (size_t i = 0; i < l->n && i < 3; i++) {
		if (!shared[i])
			continue;
		stk_site_label(d, l->v[i].site, 2, STK_LABEL_SHORT, buf, sizeof(buf));
		free(l->v[i].brief);
		l->v[i].brief = xstrdup(buf);
	}
}

static void list_build(const struct stk_data *d, size_t image, enum report_metric m,
		       struct report_list *l)
{
	size_t *order = report_sites(d, image, m, &l->n);
	l->m = m;
	l->whole = report_whole(d, image, m);
	l->v = xcalloc(l->n + 1, sizeof(*l->v));
	for (size_t i = 0; i < l->n; i++) {
		struct report_site *rs = &l->v[i];
		rs->site = &d->sites[order[i]];
		rs->bytes = report_bytes(rs->site, m);
		rs->blocks = report_blocks(rs->site, m);
		rs->share = l->whole > 0 ? 100 * rs->bytes / l->whole : 0;
		name_site(d, rs);
	}
	brief_names(d, l);
	free(order);
}

static void list_release(struct report_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].label);
		free(l->v[i].name);
		free(l->v[i].function);
		free(l->v[i].brief);
	}
	free(l->v);
	memset(l, 0, sizeof(*l));
}

static void nosym_build(struct report *r)
{
	const struct stk_data *d = r->d;
	uint32_t *unnamed = stk_unnamed_modules(d, r->image, &r->nnosym);
	r->nosym = xcalloc(r->nnosym + 1, sizeof(*r->nosym));
	for (size_t i = 0; i < r->nnosym; i++) {
		struct report_module *mo = &r->nosym[i];
		const char *pkg = d->packages ? d->packages[unnamed[i]] : NULL;
		char buf[1024];
		mo->path = d->modules[unnamed[i]];
		mo->base = strrchr(mo->path, '/') ? strrchr(mo->path, '/') + 1 : mo->path;
		if (pkg && strcmp(pkg, "-"))
			snprintf(buf, sizeof(buf),
				 "install %s-dbgsym (Debian's debug archive) or %s-dbg", pkg, pkg);
		else
			snprintf(buf, sizeof(buf),
				 "build it with -g, or keep its symbols (do not strip it)");
		mo->advice = xstrdup(buf);
	}
	free(unnamed);
}

void report_build(const struct stk_data *d, size_t image, enum report_metric m, struct report *r)
{
	const struct stk_image *im = &d->images[image];
	memset(r, 0, sizeof(*r));
	r->d = d;
	r->image = image;
	r->m = m;
	r->exact = d->all;
	r->sample_bytes = (unsigned long long)d->sample_bytes;
	r->pid = im->pid;
	r->exe = im->exe;
	r->heap_peak = im->peak;
	r->leaked = im->leak;
	r->allocs = (unsigned long long)im->allocs;
	r->lost = (unsigned long long)im->lost;
	list_build(d, image, m, &r->sites);
	list_build(d, image, RM_LEAK, &r->leaks);
	r->collections = (unsigned long long)im->collections;
	list_build(d, image, RM_GC, &r->gc_freed);
	report_tree(d, image, m, &r->tree);
	nosym_build(r);
}

void report_release(struct report *r)
{
	list_release(&r->sites);
	list_release(&r->leaks);
	list_release(&r->gc_freed);
	report_tree_release(&r->tree);
	for (size_t i = 0; i < r->nnosym; i++)
		free(r->nosym[i].advice);
	free(r->nosym);
	memset(r, 0, sizeof(*r));
}

const char *report_metric_phrase(enum report_metric m)
{
	return m == RM_PEAK   ? "at the heap peak"
	       : m == RM_LEAK ? "still allocated at exit"
	       : m == RM_GC   ? "freed by the cycle collector"
			      : "allocated in all";
}
