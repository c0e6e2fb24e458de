/* test_opts.c - option parsing: bundles, values, abbreviations, and the program's own arguments. */
#include "cli/opts.h"
#include "unit.h"

enum { A = 1, B, OUT, OUTLINE, INT };
static const struct opt opts[] = {
	{"all", 'a', OPT_NONE, A}, {"bee", 'b', OPT_NONE, B},
	{"output", 'o', OPT_REQUIRED, OUT}, {"outline", 0, OPT_NONE, OUTLINE},
	{"interval", 'T', OPT_REQUIRED, INT}, {0},
};

static void run_stops_at_the_program(void)
{
	char *argv[] = {"run", "-T", "0.5", "prog", "-T", "5", NULL};
	struct opt_state st;
	opt_init(&st, 6, argv, "run", 1);
	CHECK(opt_next(&st, opts) == INT);
	CHECK_STR(st.arg, "0.5");
	CHECK(opt_next(&st, opts) == OPT_END);
	CHECK(st.i == 3);
}

static void bundles_and_attached_values(void)
{
	char *argv[] = {"x", "-abT0.2", "--output=f.dat", "-of2", "--", "-a", NULL};
	struct opt_state st;
	opt_init(&st, 6, argv, "x", 1);
	CHECK(opt_next(&st, opts) == A);
	CHECK(opt_next(&st, opts) == B);
	CHECK(opt_next(&st, opts) == INT);
	CHECK_STR(st.arg, "0.2");
	CHECK(opt_next(&st, opts) == OUT);
	CHECK_STR(st.arg, "f.dat");
	CHECK(opt_next(&st, opts) == OUT);
	CHECK_STR(st.arg, "f2");
	CHECK(opt_next(&st, opts) == OPT_END);
	CHECK(st.i == 5);
}

static void unique_prefixes_like_argparse(void)
{
	char *argv[] = {"x", "--outp", "g.png", "--outl", "--all", NULL};
	struct opt_state st;
	opt_init(&st, 5, argv, "x", 0);
	CHECK(opt_next(&st, opts) == OUT);
	CHECK(opt_next(&st, opts) == OUTLINE);
	CHECK(opt_next(&st, opts) == A);
	char *amb[] = {"x", "--out", "g.png", NULL};
	opt_init(&st, 3, amb, "x", 0);
	CHECK(opt_next(&st, opts) == OPT_ERROR); /* --output or --outline */
}

static void errors(void)
{
	struct opt_state st;
	char *unknown[] = {"x", "--nope", NULL};
	opt_init(&st, 2, unknown, "x", 0);
	CHECK(opt_next(&st, opts) == OPT_ERROR);
	char *missing[] = {"x", "-o", NULL};
	opt_init(&st, 2, missing, "x", 0);
	CHECK(opt_next(&st, opts) == OPT_ERROR);
	char *novalue[] = {"x", "--all=1", NULL};
	opt_init(&st, 2, novalue, "x", 0);
	CHECK(opt_next(&st, opts) == OPT_ERROR);
}

static void positionals_mix_with_options_and_negative_indices(void)
{
	char *argv[] = {"peak", "a.dat", "-a", "-1", NULL};
	struct opt_state st;
	opt_init(&st, 4, argv, "peak", 0);
	CHECK(opt_next(&st, opts) == OPT_POSITIONAL);
	CHECK_STR(st.arg, "a.dat");
	CHECK(opt_next(&st, opts) == A);
	CHECK(opt_next(&st, opts) == OPT_POSITIONAL);
	CHECK_STR(st.arg, "-1");
	CHECK(opt_next(&st, opts) == OPT_END);
}

int main(void)
{
	static const struct unit_test tests[] = {
		{"run stops at the program", run_stops_at_the_program},
		{"bundles and attached values", bundles_and_attached_values},
		{"unique prefixes like argparse", unique_prefixes_like_argparse},
		{"errors", errors},
		{"positionals mix with options and negative indices", positionals_mix_with_options_and_negative_indices},
		{0},
	};
	return unit_run("test_opts", tests);
}
