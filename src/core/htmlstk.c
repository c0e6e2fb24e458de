/* htmlstk.c - the HTML page's "where the memory comes from": flame trees and site tables built
 * from the allocation stacks (stkdat.c) with report.c's sites, shares and labels. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/html.h"
#include "core/report.h"

#define TREE_MIN_SHARE 0.0005 /* branches under 0.05 % of the whole are left out */
#define SITES_MAX 500

/* Strings used many times (frame names, files) go once into a table. */
struct strtab {
	cJSON *arr;
	char **v;
	size_t n, cap;
	int *fn_name, *fn_line; /* per frame: its ids, -2 until known */
};

static int str_id(struct strtab *t, const char *s)
{
	for (size_t i = t->n; i-- > 0 && i + 64 >= t->n;) /* the rest through fn_name */
		if (!strcmp(t->v[i], s))
			return (int)i;
	xgrow((void **)&t->v, &t->cap, t->n + 1, sizeof(*t->v));
	t->v[t->n] = xstrdup(s);
	cJSON_AddItemToArray(t->arr, cJSON_CreateString(s));
	return (int)t->n++;
}

struct node {
	uint32_t fn;
	double bytes, blocks;
	struct node *kids;
	size_t nkids, cap;
};

static struct node *kid(const struct stk_data *d, struct node *n, uint32_t fn)
{
	char a[4096], b[4096];
	const char *want = stk_fn_label(d, fn, a, sizeof(a));
	for (size_t i = 0; i < n->nkids; i++)
		if (n->kids[i].fn == fn ||
		    !strcmp(stk_fn_label(d, n->kids[i].fn, b, sizeof(b)), want))
			return &n->kids[i];
	xgrow((void **)&n->kids, &n->cap, n->nkids + 1, sizeof(*n->kids));
	struct node *k = &n->kids[n->nkids++];
	memset(k, 0, sizeof(*k));
	k->fn = fn;
	return k;
}

static void node_release(struct node *n)
{
	for (size_t i = 0; i < n->nkids; i++)
		node_release(&n->kids[i]);
	free(n->kids);
}

static int by_bytes(const void *x, const void *y)
{
	double a = ((const struct node *)x)->bytes, b = ((const struct node *)y)->bytes;
	return a < b ? 1 : a > b ? -1 : 0;
}

/* [name, bytes, blocks, file:line (-1: none), kind, [children]] */
static cJSON *emit(const struct stk_data *d, struct node *n, int root, double min, struct strtab *t)
{
	cJSON *a = cJSON_CreateArray();
	char buf[4096];
	const struct stk_fn *f = root ? NULL : &d->fns[n->fn];
	int name = -1, line = -1;
	if (root) {
		name = str_id(t, "all");
	} else {
		if (t->fn_name[n->fn] == -2) {
			t->fn_name[n->fn] = str_id(t, stk_fn_label(d, n->fn, buf, sizeof(buf)));
			t->fn_line[n->fn] = f->line ? str_id(t, f->line) : -1;
		}
		name = t->fn_name[n->fn];
		line = t->fn_line[n->fn];
	}
	cJSON_AddItemToArray(a, cJSON_CreateNumber(name));
	cJSON_AddItemToArray(a, cJSON_CreateNumber(round(n->bytes)));
	cJSON_AddItemToArray(a, cJSON_CreateNumber(round(n->blocks)));
	cJSON_AddItemToArray(a, cJSON_CreateNumber(line));
	cJSON_AddItemToArray(a, cJSON_CreateNumber(f ? (double)f->kind : -1));
	cJSON *kids = cJSON_CreateArray();
	qsort(n->kids, n->nkids, sizeof(*n->kids), by_bytes);
	for (size_t i = 0; i < n->nkids; i++)
		if (n->kids[i].bytes >= min)
			cJSON_AddItemToArray(kids, emit(d, &n->kids[i], 0, min, t));
	cJSON_AddItemToArray(a, kids);
	return a;
}

static cJSON *tree(const struct stk_data *d, size_t image, enum report_metric m, struct strtab *t)
{
	struct node root = {0};
	for (size_t i = 0; i < d->nsites; i++) {
		const struct stk_site *s = &d->sites[i];
		double b = report_bytes(s, m), n = report_blocks(s, m);
		if (s->image != image || b <= 0)
			continue;
		struct node *at = &root;
		at->bytes += b;
		at->blocks += n;
		for (size_t k = s->nframes; k-- > 0;) {
			at = kid(d, at, s->frames[k]);
			at->bytes += b;
			at->blocks += n;
		}
	}
	cJSON *o = emit(d, &root, 1, root.bytes * TREE_MIN_SHARE, t);
	node_release(&root);
	return o;
}

/* [bytes, blocks, share %, label] of the largest sites under m; under RM_GC, then the
 * collections that freed any of the site's blocks. */
static cJSON *sites(const struct stk_data *d, size_t image, enum report_metric m)
{
	size_t n;
	size_t *order = report_sites(d, image, m, &n);
	double whole = report_whole(d, image, m);
	cJSON *a = cJSON_CreateArray();
	for (size_t i = 0; i < n && i < SITES_MAX; i++) {
		const struct stk_site *s = &d->sites[order[i]];
		char label[4096];
		cJSON *row = cJSON_CreateArray();
		cJSON_AddItemToArray(row, cJSON_CreateNumber(round(report_bytes(s, m))));
		cJSON_AddItemToArray(row, cJSON_CreateNumber(round(report_blocks(s, m))));
		cJSON_AddItemToArray(
		    row, cJSON_CreateNumber(
			     whole > 0 ? round(1e4 * report_bytes(s, m) / whole) / 100 : 0));
		stk_site_label(d, s, 6, STK_LABEL_FULL, label, sizeof(label));
		cJSON_AddItemToArray(row, cJSON_CreateString(label));
		if (m == RM_GC)
			cJSON_AddItemToArray(row, cJSON_CreateNumber((double)s->gc_colls));
		cJSON_AddItemToArray(a, row);
	}
	free(order);
	return a;
}

cJSON *html_stacks(const struct stk_data *d)
{
	cJSON *o = cJSON_CreateObject();
	long image = stk_pick_image(d, 0);
	cJSON_AddBoolToObject(o, "all", d->all);
	cJSON_AddNumberToObject(o, "sample_bytes", (double)d->sample_bytes);
	if (image < 0)
		return o;
	const struct stk_image *im = &d->images[image];
	cJSON_AddNumberToObject(o, "pid", im->pid);
	cJSON_AddStringToObject(o, "exe", im->exe ? im->exe : "?");
	cJSON_AddNumberToObject(o, "peak", round(im->peak));
	cJSON_AddNumberToObject(o, "leak", round(im->leak));
	cJSON_AddNumberToObject(o, "allocs", (double)im->allocs);
	cJSON_AddNumberToObject(o, "lost", (double)im->lost);
	struct strtab t = {cJSON_CreateArray(), NULL, 0, 0, NULL, NULL};
	t.fn_name = xmalloc((d->nfns + 1) * sizeof(int));
	t.fn_line = xmalloc((d->nfns + 1) * sizeof(int));
	for (size_t i = 0; i <= d->nfns; i++)
		t.fn_name[i] = t.fn_line[i] = -2;
	cJSON_AddItemToObject(o, "strs", t.arr);
	cJSON_AddItemToObject(o, "flame_peak", tree(d, (size_t)image, RM_PEAK, &t));
	cJSON_AddItemToObject(o, "flame_leak", tree(d, (size_t)image, RM_LEAK, &t));
	cJSON_AddItemToObject(o, "sites_peak", sites(d, (size_t)image, RM_PEAK));
	cJSON_AddItemToObject(o, "sites_leak", sites(d, (size_t)image, RM_LEAK));
	cJSON_AddNumberToObject(o, "collections", (double)im->collections);
	cJSON_AddNumberToObject(o, "gc_whole", round(report_whole(d, (size_t)image, RM_GC)));
	cJSON_AddItemToObject(o, "sites_gc", sites(d, (size_t)image, RM_GC));
	for (size_t i = 0; i < t.n; i++)
		free(t.v[i]);
	free(t.v);
	free(t.fn_name);
	free(t.fn_line);
	return o;
}
