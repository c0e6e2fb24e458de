/* test_stacks.c - reading STK lines back and the report's views: sites by value, the call tree, folded stacks, errors that name the line. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/report.h"
#include "core/stkdat.h"
#include "unit.h"

static const char rec[] =
	"CMDLINE ./prog\n"
	"MEM 1.0 100.0\n"
	"STACKS all 0\n"
	"STKMOD 1 /bin/prog with space\n"
	"STKFN 0 1 0x1100 hold /src/p.c:10\n"
	"STKFN 1 1 0x1200 big\n"
	"STKFN 2 1 0x1300 main /src/p.c:30\n"
	"STKFN 3 1 0x1400 small\n"
	"STKFN 4 0 0x7f0000001000 ?\n"
	"STKIMG 0 42 3000 100 7 1 /bin/prog with space\n"
	"STK 0 2000 2 0 0 2000 2 0,1,2\n"
	"STK 0 900 1 100 1 900 1 3,2\n"
	"STK 0 100 1 0 0 100 1 4\n";

static void reads_every_stack_line(void)
{
	struct stk_data d;
	struct err e;
	CHECK(stk_parse("r.dat", rec, sizeof(rec) - 1, &d, &e) == 0);
	CHECK(d.present && d.all);
	CHECK(d.nmodules == 2);
	CHECK_STR(d.modules[1], "/bin/prog with space");
	CHECK(d.nfns == 5 && d.nimages == 1 && d.nsites == 3);
	CHECK_STR(d.fns[0].line, "/src/p.c:10");
	CHECK(d.fns[1].line == NULL);
	CHECK(d.images[0].pid == 42 && d.images[0].lost == 1);
	CHECK_STR(d.images[0].exe, "/bin/prog with space");
	CHECK(d.sites[0].nframes == 3 && d.sites[0].frames[2] == 2);
	char buf[64];
	CHECK_STR(stk_fn_label(&d, 4, buf, sizeof(buf)), "0x7f0000001000");
	stk_data_release(&d);
}

static void a_recording_without_stacks_has_none(void)
{
	struct stk_data d;
	struct err e;
	CHECK(stk_parse("r.dat", "MEM 1 2\n", 8, &d, &e) == 0);
	CHECK(!d.present && d.nsites == 0);
	stk_data_release(&d);
}

static void errors_name_file_and_line(void)
{
	static const char *const bad[] = {
		"STACKS some 0\n",
		"STACKS all 0\nSTKMOD 2 /x\n",                /* out of order */
		"STACKS all 0\nSTKFN 0 3 0x10 f\n",            /* no such module */
		"STACKS all 0\nSTK 0 1 1 0 0 1 1 0\n",         /* no image */
		"STACKS all 0\nSTKIMG 0 1 1 1 1 1 x\nSTK 0 1 1 0 0 1 1 9\n", /* no frame 9 */
		"STACKS all 0\nSTKIMG 0 1 1 1 1 1 x\nSTK 0 1 x 0 0 1 1 -\n",
		"STK 0 1 1 0 0 1 1 -\n",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct stk_data d;
		struct err e;
		/* A line after it: only a last line may be cut short and left out. */
		char text[256];
		snprintf(text, sizeof(text), "%sNOTE after\n", bad[i]);
		CHECK(stk_parse("bad.dat", text, strlen(text), &d, &e) == -1);
		CHECK(strncmp(e.msg, "bad.dat:", 8) == 0);
	}
}

static void sites_tree_and_folded_agree(void)
{
	struct stk_data d;
	struct err e;
	CHECK(stk_parse("r.dat", rec, sizeof(rec) - 1, &d, &e) == 0);
	size_t n;
	size_t *order = report_sites(&d, 0, RM_PEAK, &n);
	CHECK(n == 3 && order[0] == 0 && order[1] == 1);
	free(order);
	order = report_sites(&d, 0, RM_LEAK, &n);
	CHECK(n == 1 && order[0] == 1);
	free(order);
	struct report_node root;
	report_tree(&d, 0, RM_PEAK, &root);
	CHECK_NEAR(root.bytes, 3000, 1e-9);
	CHECK(root.nkids == 2);
	CHECK_STR(root.kids[0].label, "main");
	CHECK_NEAR(root.kids[0].bytes, 2900, 1e-9);
	CHECK_STR(root.kids[0].kids[0].label, "big");
	report_tree_release(&root);
	struct report r;
	report_build(&d, 0, RM_PEAK, &r);
	char *f = report_folded(&r);
	CHECK(strstr(f, "main;big;hold 2000\n") != NULL);
	CHECK(strstr(f, "main;small 900\n") != NULL);
	CHECK(strstr(f, "0x7f0000001000 100\n") != NULL);
	free(f);
	report_release(&r);
	stk_data_release(&d);
}

static int nwarned;
static char warned[512];

static void catch_warning(const char *msg)
{
	nwarned++;
	snprintf(warned, sizeof(warned), "%s", msg);
}

static void a_cut_last_line_is_left_out_with_one_warning(void)
{
	core_warn_hook = catch_warning;
	size_t len = sizeof(rec) - 1;
	const char *last = rec + len - 1;
	while (last[-1] != '\n')
		last--;
	size_t start = (size_t)(last - rec);
	/* Every cut inside the last STK line, and that line with its frames cut. */
	for (size_t cut = start + 1; cut <= len; cut++) {
		struct stk_data d;
		struct err e;
		nwarned = 0;
		CHECK(stk_parse("r.dat", rec, cut, &d, &e) == 0);
		CHECK(d.nsites == (cut == len ? 3u : 2u));
		CHECK(nwarned == (cut == len ? 0 : 1));
		if (cut < len)
			CHECK_STR(warned, "r.dat:13: last line is incomplete; read up to line 12");
		stk_data_release(&d);
	}
	core_warn_hook = NULL;
}

static void numbers_are_decimal_and_finite(void)
{
	static const char *const bad[] = {"inf", "nan", "-inf", "0x10", "1e999", "INF"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char text[512];
		struct stk_data d;
		struct err e;
		snprintf(text, sizeof(text),
			 "STACKS all 0\nSTKIMG 0 1 %s 1 1 1 x\nSTK 0 1 1 0 0 1 1 -\nNOTE x\n",
			 bad[i]);
		CHECK(stk_parse("bad.dat", text, strlen(text), &d, &e) == -1);
		CHECK(strncmp(e.msg, "bad.dat:2: expected 'STKIMG", 27) == 0);
		snprintf(text, sizeof(text),
			 "STACKS all 0\nSTKIMG 0 1 1 1 1 1 x\nSTK 0 %s 1 0 0 1 1 -\nNOTE x\n",
			 bad[i]);
		CHECK(stk_parse("bad.dat", text, strlen(text), &d, &e) == -1);
		CHECK(strncmp(e.msg, "bad.dat:3: expected 'STK ", 25) == 0);
	}
}

int main(void)
{
	static const struct unit_test tests[] = {
		{"reads every stack line", reads_every_stack_line},
		{"a recording without stacks has none", a_recording_without_stacks_has_none},
		{"errors name file and line", errors_name_file_and_line},
		{"sites, tree and folded agree", sites_tree_and_folded_agree},
		{"a cut last line is left out with one warning",
		 a_cut_last_line_is_left_out_with_one_warning},
		{"numbers are decimal and finite", numbers_are_decimal_and_finite},
		{0},
	};
	return unit_run("test_stacks", tests);
}
