/* test_gcsites.c - what the garbage collector freed, by site: frees between a collection's markers in the stack event stream are credited to their sites, written as STKGC/STKCOLL lines, read back and reported. */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "core/report.h"
#include "core/stacks.h"
#include "core/stkdat.h"
#include "unit.h"

/* A channel with one stack area, owned by this process, in the given mode. */
static struct chan make_chan(uint32_t mode, uint64_t sample_bytes)
{
	uint64_t size = mprof_area_offset(MPROF_MAX_PROCS, 1);
	void *map = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (map == MAP_FAILED)
		abort();
	struct chan c = {map, size, NULL, NULL, -1, MPROF_MAX_PROCS, 1, mode, sample_bytes};
	struct mprof_proc *p = &c.map->procs[0];
	atomic_store(&c.map->procs_used, 1);
	atomic_store(&p->pid, (int32_t)getpid());
	atomic_store(&p->state, MPROF_PROC_LIVE);
	struct mprof_stk_area *a = chan_area(&c, 0);
	atomic_store(&a->pid, (int32_t)getpid());
	a->proc_index = 0;
	atomic_store(&a->state, MPROF_AREA_LIVE);
	return c;
}

/* Publishes one event as the hooks do. */
static void put(struct chan *c, uint64_t ptr, uint64_t word)
{
	struct mprof_stk_area *a = chan_area(c, 0);
	uint64_t i = atomic_fetch_add(&a->head, 1);
	a->ring[i].ptr = ptr;
	a->ring[i].word = word;
	atomic_store(&a->ring[i].seq, 1);
}

static void alloc(struct chan *c, uint64_t ptr, uint32_t id, uint64_t size)
{
	put(c, ptr, (uint64_t)id << MPROF_STK_SIZE_BITS | size);
}

static void release(struct chan *c, uint64_t ptr)
{
	put(c, ptr, 0);
}

static void begin(struct chan *c)
{
	put(c, 0, MPROF_STK_GC_BEGIN);
}

static void end(struct chan *c)
{
	put(c, 0, MPROF_STK_GC_END);
}

/* Two sites: site 1 (blocks of 100, 200 and 300 bytes), site 2 (50 and 10). */
static void events(struct chan *c)
{
	alloc(c, 0x1000, 1, 100);
	alloc(c, 0x2000, 1, 200);
	alloc(c, 0x3000, 2, 50);
	begin(c); /* collection 1 frees a block of each site, and one never recorded */
	release(c, 0x1000);
	release(c, 0x3000);
	release(c, 0x9990);
	end(c);
	release(c, 0x2000); /* after the collection: reference counting's */
	begin(c);	    /* collection 2 frees nothing */
	end(c);
	begin(c); /* collection 3: a block made and freed during it (a finalizer's) */
	alloc(c, 0x4000, 1, 300);
	release(c, 0x4000);
	end(c);
	end(c); /* an end without a begin closes nothing */
	alloc(c, 0x5000, 2, 10);
	release(c, 0x5000);
}

/* Runs the reader over c's events, writes the stack lines and reads them back. */
static void record(struct chan *c, struct stk_data *d)
{
	struct stk_session *s = stk_open(c);
	CHECK(stk_poll(s, 0) == 18);
	stk_poll(s, 1);
	char dir[] = "/tmp/test_gcsites.XXXXXX", path[64];
	CHECK(mkdtemp(dir) != NULL);
	snprintf(path, sizeof(path), "%s/r.dat", dir);
	struct dat_writer w;
	struct err e;
	CHECK(dat_writer_create(&w, path, &e) == 0);
	stk_write(s, &w);
	CHECK(dat_writer_close(&w, &e) == 0);
	stk_free(s);
	CHECK(stk_read(path, d, &e) == 0);
	unlink(path);
	rmdir(dir);
	munmap(c->map, c->size);
}

/* The site of d that allocated total bytes in all. */
static const struct stk_site *site_of(const struct stk_data *d, double total)
{
	for (size_t i = 0; i < d->nsites; i++)
		if (fabs(d->sites[i].total_b - total) < 0.5)
			return &d->sites[i];
	return NULL;
}

static void frees_between_markers_are_the_collections(void)
{
	struct chan c = make_chan(MPROF_STK_ALL, 0);
	events(&c);
	struct stk_data d;
	record(&c, &d);
	CHECK(d.nimages == 1 && d.nsites == 2);
	CHECK(d.images[0].collections == 3);
	const struct stk_site *one = site_of(&d, 600), *two = site_of(&d, 60);
	CHECK(one && two);
	if (one && two) {
		CHECK(one->gc_b == 400 && one->gc_n == 2 && one->gc_colls == 2);
		CHECK(two->gc_b == 50 && two->gc_n == 1 && two->gc_colls == 1);
	}
	stk_data_release(&d);
}

static double weight(double size, double mean)
{
	return size / -expm1(-size / mean);
}

static void sample_mode_credits_estimates(void)
{
	struct chan c = make_chan(MPROF_STK_SAMPLE, 1000);
	events(&c);
	struct stk_data d;
	record(&c, &d);
	const struct stk_site *one = site_of(&d, round(weight(100, 1000) + weight(200, 1000) +
						       weight(300, 1000)));
	CHECK(one != NULL);
	if (one) {
		CHECK_NEAR(one->gc_b, weight(100, 1000) + weight(300, 1000), 1);
		/* A block of s bytes stands for weight / s blocks (1 / its chance). */
		CHECK_NEAR(one->gc_n, weight(100, 1000) / 100 + weight(300, 1000) / 300, 0.5);
		CHECK(one->gc_colls == 2);
	}
	stk_data_release(&d);
}

static void the_report_lists_what_the_collector_freed(void)
{
	struct chan c = make_chan(MPROF_STK_ALL, 0);
	events(&c);
	struct stk_data d;
	record(&c, &d);
	struct report r;
	report_build(&d, 0, RM_PEAK, &r);
	CHECK(r.collections == 3);
	CHECK(r.gc_freed.n == 2 && r.gc_freed.whole == 450);
	if (r.gc_freed.n == 2) {
		CHECK(r.gc_freed.v[0].bytes == 400 && r.gc_freed.v[1].bytes == 50);
		CHECK_NEAR(r.gc_freed.v[0].share, 100 * 400 / 450.0, 1e-9);
	}
	struct report_text_opts o = {"r.dat", 10, 1};
	char *text = report_text(&r, &o);
	CHECK(strstr(text, "Freed by the cycle collector (3 collections, 450 B in all;") != NULL);
	free(text);
	o.min_pct = 200; /* no site freed twice the heap peak: no section */
	text = report_text(&r, &o);
	CHECK(strstr(text, "cycle collector") == NULL);
	free(text);
	cJSON *j = report_json(&r);
	cJSON *gc = cJSON_GetObjectItem(j, "gc");
	CHECK(cJSON_GetNumberValue(cJSON_GetObjectItem(gc, "collections")) == 3);
	CHECK(cJSON_GetNumberValue(cJSON_GetObjectItem(gc, "freed_bytes")) == 450);
	cJSON *first = cJSON_GetArrayItem(cJSON_GetObjectItem(gc, "sites"), 0);
	CHECK(cJSON_GetNumberValue(cJSON_GetObjectItem(first, "gc_freed_bytes")) == 400);
	CHECK(cJSON_GetNumberValue(cJSON_GetObjectItem(first, "gc_collections")) == 2);
	cJSON_Delete(j);
	report_release(&r);
	stk_data_release(&d);
}

static void a_recording_without_collections_has_no_section(void)
{
	static const char rec[] = "STACKS all 0\n"
				  "STKIMG 0 42 4096 0 1 0 /bin/prog\n"
				  "STK 0 4096 1 0 0 4096 1 -\n";
	struct stk_data d;
	struct err e;
	CHECK(stk_parse("r.dat", rec, sizeof(rec) - 1, &d, &e) == 0);
	CHECK(d.images[0].collections == 0 && d.sites[0].gc_b == 0);
	struct report r;
	report_build(&d, 0, RM_PEAK, &r);
	struct report_text_opts o = {"r.dat", 10, 0};
	char *text = report_text(&r, &o);
	CHECK(strstr(text, "cycle collector") == NULL);
	free(text);
	report_release(&r);
	stk_data_release(&d);
}

static void bad_gc_lines_name_their_line(void)
{
	static const char *const bad[] = {
	    "STKGC 1 10 1 1\n",	 /* no such site (yet) */
	    "STKGC 0 -10 1 1\n", /* negative */
	    "STKGC 0 10 1\n",	 /* no collections */
	    "STKGC 0 10 1 1 x\n", "STKCOLL 1 3\n", "STKCOLL 0 -3\n",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		char rec[256];
		snprintf(rec, sizeof(rec), "STACKS all 0\nSTKIMG 0 42 4096 0 1 0 /bin/prog\n"
					   "STK 0 4096 1 0 0 4096 1 -\n%sNOTE end\n",
			 bad[i]);
		struct stk_data d;
		struct err e;
		CHECK(stk_parse("r.dat", rec, strlen(rec), &d, &e) == -1);
		CHECK(strstr(e.msg, "r.dat:4: expected 'STK") != NULL);
	}
}

int main(void)
{
	static const struct unit_test tests[] = {
	    {"frees between markers are the collection's", frees_between_markers_are_the_collections},
	    {"sample mode credits estimates", sample_mode_credits_estimates},
	    {"the report lists what the collector freed", the_report_lists_what_the_collector_freed},
	    {"a recording without collections has no section",
	     a_recording_without_collections_has_no_section},
	    {"bad gc lines name their line", bad_gc_lines_name_their_line},
	    {0},
	};
	return unit_run("test_gcsites", tests);
}
