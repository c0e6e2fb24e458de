/* test_compact.c - the compact recording (maxrss=above, short HEAP/CHLDHEAP lines) reads back to the numbers of the full form. */
#include <stdlib.h>
#include <unistd.h>

#include "core/dat.h"
#include "unit.h"

static int parse(const char *text, struct dat_recording *r, struct err *e)
{
	return dat_parse("t.dat", text, strlen(text), r, e);
}

static int same_series(const struct dat_series *a, const struct dat_series *b)
{
	if (a->n != b->n)
		return 0;
	for (size_t i = 0; i < a->n; i++)
		if (a->v[i].t != b->v[i].t || a->v[i].mib != b->v[i].mib)
			return 0;
	return 1;
}

static int same_heap(const struct dat_heap_series *a, const struct dat_heap_series *b)
{
	if (a->n != b->n)
		return 0;
	for (size_t i = 0; i < a->n; i++) {
		const struct dat_heap *x = &a->v[i], *y = &b->v[i];
		if (x->t != y->t || x->live_mib != y->live_mib || x->peak_mib != y->peak_mib ||
		    x->mmap_mib != y->mmap_mib || x->allocs != y->allocs || x->frees != y->frees ||
		    x->min_mib != y->min_mib)
			return 0;
	}
	return 1;
}

static const char compact[] = "CMDLINE p\n"
			      "MPROF 1 interval=0.1 backend=rss children=split hooks=1 hwm=1 "
			      "maxrss=above\n"
			      "CHLD 7 2.5 10.0\n"
			      "MEM 1.5 10.0\n"
			      "CHLDHEAP 7 1 1.25 10.0 4 2 0 0.5\n"
			      "HEAP 1 1 10.0 3 1 0.5 0\n"
			      "CHLD 7 2.5 10.1\n"
			      "CHLDMAX 7 9 10.1\n"
			      "MEM 1.5 10.1\n"
			      "CHLDHEAP 7 1\n"
			      "HEAP 1\n"
			      "CHLD 7 2.5 10.2\n"
			      "MEM 1.5 10.2\n"
			      "MAXRSS 40 10.2\n"
			      "CHLDHEAP 7 1\n"
			      "HEAP 1\n"
			      "HEAP 0 1 10.3 3 2 0.5 0\n"
			      "EXIT 0 10.3 2\n";

/* The same recording as the full form writes it. */
static const char full[] = "CMDLINE p\n"
			   "MPROF 1 interval=0.1 backend=rss children=split hooks=1 hwm=1\n"
			   "CHLD 7 2.5 10.0\n"
			   "CHLDMAX 7 2.5 10.0\n"
			   "MEM 1.5 10.0\n"
			   "MAXRSS 1.5 10.0\n"
			   "CHLDHEAP 7 1.000000 1.250000 10.0 4 2 0.000000 0.500000\n"
			   "HEAP 1.000000 1.000000 10.0 3 1 0.500000 0.000000\n"
			   "CHLD 7 2.5 10.1\n"
			   "CHLDMAX 7 9 10.1\n"
			   "MEM 1.5 10.1\n"
			   "MAXRSS 1.5 10.1\n"
			   "CHLDHEAP 7 1 1 10.1 4 2 0 1\n"
			   "HEAP 1 1 10.1 3 1 0.5 1\n"
			   "CHLD 7 2.5 10.2\n"
			   "CHLDMAX 7 2.5 10.2\n"
			   "MEM 1.5 10.2\n"
			   "MAXRSS 40 10.2\n"
			   "CHLDHEAP 7 1 1 10.2 4 2 0 1\n"
			   "HEAP 1 1 10.2 3 1 0.5 1\n"
			   "HEAP 0 1 10.3 3 2 0.5 0\n"
			   "EXIT 0 10.3 2\n";

static void the_compact_form_reads_as_the_full_one(void)
{
	struct dat_recording a, b;
	struct err e;
	CHECK(parse(compact, &a, &e) == 0);
	CHECK(parse(full, &b, &e) == 0);
	CHECK(same_series(&a.mem, &b.mem));
	CHECK(same_series(&a.maxrss, &b.maxrss));
	CHECK(a.maxrss.n == 3 && a.maxrss.v[2].mib == 40);
	CHECK(same_heap(&a.heap, &b.heap));
	CHECK(a.nchildren == 1 && b.nchildren == 1);
	if (a.nchildren == 1 && b.nchildren == 1) {
		CHECK(same_series(&a.children[0].mem, &b.children[0].mem));
		CHECK(same_series(&a.children[0].max, &b.children[0].max));
		CHECK(same_heap(&a.children[0].heap, &b.children[0].heap));
		CHECK(dat_child_peak(&a.children[0]) == 9);
	}
	CHECK(dat_peak_rss(&a, NULL) == 40);
	dat_recording_release(&a);
	dat_recording_release(&b);
}

static void no_maximum_is_implied_after_a_refusal(void)
{
	struct dat_recording r;
	struct err e;
	CHECK(parse("CMDLINE p\nMPROF 1 interval=0.1 backend=rss hooks=0 hwm=1 maxrss=above\n"
		    "MEM 1 1\nNOTE peak RSS reset refused for process 9 (x): no MAXRSS from here "
		    "on\nMEM 2 2\n",
		    &r, &e) == 0);
	CHECK(r.maxrss.n == 1);
	dat_recording_release(&r);
	/* Without the key, a sample implies nothing (older files, samples under 10 ms). */
	CHECK(parse("CMDLINE p\nMPROF 1 interval=0.001 backend=rss hooks=0 hwm=1\nMEM 1 1\n", &r,
		    &e) == 0);
	CHECK(r.maxrss.n == 0);
	dat_recording_release(&r);
}

static void a_short_heap_line_needs_a_full_one_before(void)
{
	struct dat_recording r;
	struct err e;
	CHECK(parse("CMDLINE p\nMEM 1 1\nHEAP 1\nMEM 1 2\n", &r, &e) == -1);
	CHECK(parse("CMDLINE p\nMEM 1 1\nCHLDHEAP 5 1\nMEM 1 2\n", &r, &e) == -1);
	CHECK(parse("CMDLINE p\nHEAP 1 1 1 1 0 0 1\nHEAP 1\nMEM 1 2\n", &r, &e) == -1);
}

static void the_counted_form_adds_the_counts(void)
{
	struct dat_recording r;
	struct err e;
	CHECK(parse("CMDLINE p\nMEM 9 1\nHEAP 8 8 1 100 40 0.5 8\nMEM 9 2\nHEAP 8 +90 +89 7.9\n"
		    "CHLD 7 1 2\nCHLDHEAP 7 1 1 2 10 5 0 1\nMEM 9 3\nCHLDHEAP 7 2 +3 +1\nHEAP 8.5 +2 +0\n",
		    &r, &e) == 0);
	CHECK(r.heap.n == 3);
	if (r.heap.n == 3) {
		const struct dat_heap *a = &r.heap.v[1], *b = &r.heap.v[2];
		CHECK(a->t == 2 && a->live_mib == 8 && a->peak_mib == 8 && a->min_mib == 7.9);
		CHECK(a->allocs == 190 && a->frees == 129 && a->mmap_mib == 0.5);
		CHECK(b->t == 3 && b->live_mib == 8.5 && b->min_mib == 8.5);
		CHECK(b->allocs == 192 && b->frees == 129);
	}
	CHECK(r.nchildren == 1 && r.children[0].heap.n == 2);
	if (r.nchildren == 1 && r.children[0].heap.n == 2) {
		const struct dat_heap *c = &r.children[0].heap.v[1];
		CHECK(c->t == 3 && c->live_mib == 2 && c->allocs == 13 && c->frees == 6);
	}
	dat_recording_release(&r);
	/* Counts without their '+' are not the counted form. */
	CHECK(parse("CMDLINE p\nMEM 9 1\nHEAP 8 8 1 100 40 0.5 8\nHEAP 8 90 89\nMEM 9 2\n", &r, &e) == -1);
}

static void the_writer_writes_the_short_form(void)
{
	char path[] = "/tmp/test_compact_XXXXXX";
	int fd = mkstemp(path);
	close(fd);
	unlink(path);
	struct dat_writer w;
	struct err e;
	CHECK(dat_writer_create(&w, path, &e) == 0);
	struct dat_heap h = {10.5, 1.5, 2.0, 0, 3, 1, 0.25};
	dat_write_heap(&w, 0, &h);
	dat_write_heap_short(&w, 0, 1.5);
	dat_write_heap_short(&w, 42, 0.000001);
	CHECK(dat_writer_close(&w, &e) == 0);
	char *text = read_file(path, NULL, &e);
	CHECK_STR(text, "HEAP 1.5 2 10.500000 3 1 0 0.25\nHEAP 1.5\nCHLDHEAP 42 0.000001\n");
	free(text);
	unlink(path);
}

int main(void)
{
	static const struct unit_test tests[] = {
	    {"the compact form reads as the full one", the_compact_form_reads_as_the_full_one},
	    {"no maximum is implied after a refusal", no_maximum_is_implied_after_a_refusal},
	    {"a short heap line needs a full one before", a_short_heap_line_needs_a_full_one_before},
	    {"the counted form adds the counts", the_counted_form_adds_the_counts},
	    {"the writer writes the short form", the_writer_writes_the_short_form},
	    {0},
	};
	return unit_run("test_compact", tests);
}
