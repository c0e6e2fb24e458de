/* test_report.c - the report as data (sites, leaks, names, notes) and the views rendered from it: text, JSON, check's and plot's notes, the flame chart's labels that fit. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/report.h"
#include "core/stkdat.h"
#include "unit.h"

/* Four sites: two share their innermost function (hold) under different callers,
 * one allocates through malloc, one is in a module without symbols. */
static const char rec[] =
	"CMDLINE ./prog\n"
	"MEM 1.0 100.0\n"
	"STACKS all 0\n"
	"STKMOD 1 /bin/prog\n"
	"STKMOD 2 /usr/lib/libx.so.1\n"
	"STKNOSYM 2 libx1\n"
	"STKFN 0 1 0x1100 hold /src/p.c:10\n"
	"STKFN 1 1 0x1200 big\n"
	"STKFN 2 1 0x1300 main /src/p.c:30\n"
	"STKFN 3 1 0x1400 small\n"
	"STKFN 4 1 0x1500 malloc\n"
	"STKFN 5 2 0x10 ?\n"
	"STKFN 6 1 0x1600 mid\n"
	"STKIMG 0 42 3950 100 9 0 /bin/prog\n"
	"STK 0 2000 2 0 0 2000 2 0,1,2\n"
	"STK 0 900 1 100 1 900 1 4,3,2\n"
	"STK 0 100 1 0 0 100 1 5\n"
	"STK 0 950 3 0 0 950 3 0,6,2\n";

static void load(struct stk_data *d, struct report *r, enum report_metric m)
{
	struct err e;
	CHECK(stk_parse("r.dat", rec, sizeof(rec) - 1, d, &e) == 0);
	report_build(d, 0, m, r);
}

static void sites_are_named_once_for_every_view(void)
{
	struct stk_data d;
	struct report r;
	load(&d, &r, RM_PEAK);
	CHECK(r.exact && r.pid == 42 && r.allocs == 9 && r.lost == 0);
	CHECK_STR(r.exe, "/bin/prog");
	CHECK(r.sites.n == 4 && r.sites.m == RM_PEAK);
	CHECK_NEAR(r.sites.whole, 3950, 1e-9);
	const struct report_site *s = r.sites.v;
	CHECK_NEAR(s[0].bytes, 2000, 1e-9);
	CHECK_NEAR(s[0].blocks, 2, 1e-9);
	CHECK_NEAR(s[0].share, 100 * 2000 / 3950.0, 1e-9);
	CHECK_STR(s[0].label, "hold (p.c:10) < big < main (p.c:30)");
	CHECK_STR(s[0].name, "hold (p.c:10)");
	CHECK_STR(s[0].function, "hold");
	CHECK_STR(s[0].source, "/src/p.c:10");
	CHECK_NEAR(s[1].bytes, 950, 1e-9);
	/* malloc allocates for its caller: the site is small's. */
	CHECK_STR(s[2].label, "small < main (p.c:30)");
	CHECK_STR(s[2].function, "small");
	CHECK(s[2].source == NULL);
	CHECK_STR(s[3].label, "libx.so.1+0x10");
	/* Two of the first three would both read "hold": their callers tell them apart. */
	CHECK_STR(s[0].brief, "big>hold");
	CHECK_STR(s[1].brief, "mid>hold");
	CHECK_STR(s[2].brief, "small");
	report_release(&r);
	stk_data_release(&d);
}

static void leaks_and_modules_without_symbols(void)
{
	struct stk_data d;
	struct report r;
	load(&d, &r, RM_TOTAL);
	CHECK(r.leaks.n == 1 && r.leaks.m == RM_LEAK);
	CHECK_NEAR(r.leaks.v[0].share, 100, 1e-9);
	CHECK_STR(r.leaks.v[0].name, "small");
	CHECK_NEAR(r.sites.whole, 3950, 1e-9); /* total: the sum of the sites */
	CHECK_NEAR(r.tree.bytes, 3950, 1e-9);
	CHECK(r.nnosym == 1);
	CHECK_STR(r.nosym[0].base, "libx.so.1");
	CHECK_STR(r.nosym[0].advice, "install libx1-dbgsym (Debian's debug archive) or libx1-dbg");
	report_release(&r);
	stk_data_release(&d);
}

static void text_json_and_notes_render_the_same_sites(void)
{
	struct stk_data d;
	struct report r;
	load(&d, &r, RM_PEAK);
	struct report_text_opts o = {"r.dat", 2, 1};
	char *t = report_text(&r, &o);
	CHECK(strstr(t, "r.dat: process 42 (/bin/prog)\n") != NULL);
	CHECK(strstr(t, "   50.6%          2  hold (p.c:10) < big < main (p.c:30)\n") != NULL);
	CHECK(strstr(t, "  ... and 2 more sites (--top 0 lists all)\n") != NULL);
	CHECK(strstr(t, "  libx.so.1: install libx1-dbgsym") != NULL);
	CHECK(strstr(t, "\nLeaks (still allocated at exit):\n") != NULL);
	free(t);
	cJSON *j = report_json(&r);
	cJSON *s0 = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "sites"), 0);
	CHECK_STR(cJSON_GetObjectItem(s0, "label")->valuestring, r.sites.v[0].label);
	CHECK_NEAR(cJSON_GetObjectItem(s0, "share")->valuedouble, r.sites.v[0].share, 1e-9);
	CHECK(cJSON_GetArraySize(cJSON_GetObjectItem(j, "modules_without_symbols")) == 1);
	cJSON_Delete(j);
	char *peak = report_peak_note(&r);
	CHECK_STR(peak, "heap peak: big>hold 51%, mid>hold 24%, small 23%");
	free(peak);
	char *leak = report_leak_note(&r, 3);
	CHECK_STR(leak, "; leaked by small 0.0 MiB");
	free(leak);
	cJSON *lj = report_leak_json(&r, 3);
	CHECK(cJSON_GetArraySize(lj) == 1);
	CHECK_STR(cJSON_GetObjectItem(cJSON_GetArrayItem(lj, 0), "function")->valuestring,
		  "small");
	cJSON_Delete(lj);
	report_release(&r);
	/* plot's label is of the heap peak only. */
	report_build(&d, 0, RM_LEAK, &r);
	CHECK(report_peak_note(&r) == NULL);
	report_release(&r);
	stk_data_release(&d);
}

static void a_label_fits_its_box_or_is_cut_or_left_out(void)
{
	char out[64];
	/* 7-pixel characters, 3 pixels' padding at each end. */
	CHECK(report_fit_label("main", 100, 7, out, sizeof(out)) == 4);
	CHECK_STR(out, "main");
	CHECK(report_fit_label("abcd", 6 + 28, 7, out, sizeof(out)) == 4); /* exactly */
	CHECK_STR(out, "abcd");
	CHECK(report_fit_label("app::make_names(long)", 80, 7, out, sizeof(out)) == 10);
	CHECK_STR(out, "app::make\xE2\x80\xA6");
	/* Room for three characters only: no label rather than a stub. */
	CHECK(report_fit_label("abcdef", 30, 7, out, sizeof(out)) == 0);
	CHECK_STR(out, "");
	CHECK(report_fit_label("abcdef", 5, 7, out, sizeof(out)) == 0);
	CHECK(report_fit_label("abcdef", 100, 0, out, sizeof(out)) == 0);
	/* Characters, not bytes, and never half of one. */
	CHECK(report_fit_label("\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9", 6 + 35, 7,
			       out, sizeof(out)) == 5);
	CHECK_STR(out, "\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xE2\x80\xA6");
	/* A small out cuts harder but stays whole characters with the ellipsis. */
	char small[8];
	CHECK(report_fit_label("abcdefghijkl", 1000, 7, small, sizeof(small)) > 0);
	CHECK_STR(small, "abcd\xE2\x80\xA6");
}

static void machine_code_is_not_python(void)
{
	CHECK(!report_kind_is_python(STK_NATIVE));
	CHECK(!report_kind_is_python(STK_INLINED));
}

static char *slurp(const char *path)
{
	struct err e;
	size_t len;
	return read_file(path, &len, &e);
}

static void the_flame_chart_labels_the_boxes_that_have_room(void)
{
	struct stk_data d;
	struct report r;
	load(&d, &r, RM_PEAK);
	char dir[] = "/tmp/mprof-test-flame-XXXXXX";
	CHECK(mkdtemp(dir) != NULL);
	struct plot_opts o = {.format = PLOT_PNG, .width = 1260, .height = 0};
	struct err e;
	CHECK(report_flame_write(&r, &o, dir, &e) == 0);
	CHECK(o.height >= 540 && o.height <= 2000);
	char path[256];
	snprintf(path, sizeof(path), "%s/flame.gp", dir);
	char *gp = slurp(path);
	CHECK(gp && strstr(gp, "'main (3.8 KiB, 97%)'") != NULL);
	CHECK(gp && strstr(gp, "'hold (2.0 KiB, 51%)'") != NULL);
	/* 2.5 % of the width is 31 pixels: no room for libx.so.1+0x10, not even cut. */
	CHECK(gp && strstr(gp, "'libx") == NULL);
	free(gp);
	unlink(path);
	snprintf(path, sizeof(path), "%s/flame.dat", dir);
	unlink(path);
	rmdir(dir);
	/* A chart as small as a thumbnail has rows too low for text: no labels. */
	o.height = 60;
	CHECK(mkdtemp(strcpy(dir, "/tmp/mprof-test-flame-XXXXXX")) != NULL);
	CHECK(report_flame_write(&r, &o, dir, &e) == 0);
	snprintf(path, sizeof(path), "%s/flame.gp", dir);
	gp = slurp(path);
	CHECK(gp && strstr(gp, "set label") == NULL);
	free(gp);
	unlink(path);
	snprintf(path, sizeof(path), "%s/flame.dat", dir);
	unlink(path);
	rmdir(dir);
	report_release(&r);
	stk_data_release(&d);
}

int main(void)
{
	static const struct unit_test tests[] = {
		{"sites are named once for every view", sites_are_named_once_for_every_view},
		{"leaks and modules without symbols", leaks_and_modules_without_symbols},
		{"text, JSON and notes render the same sites",
		 text_json_and_notes_render_the_same_sites},
		{"a label fits its box, or is cut, or is left out",
		 a_label_fits_its_box_or_is_cut_or_left_out},
		{"machine code is not python", machine_code_is_not_python},
		{"the flame chart labels the boxes that have room",
		 the_flame_chart_labels_the_boxes_that_have_room},
		{0},
	};
	return unit_run("test_report", tests);
}
