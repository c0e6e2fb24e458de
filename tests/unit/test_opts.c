/* test_opts.c - option parsing: bundles, values, abbreviations, and the program's own arguments;
 * the --help options list generated from the same table. */
#include <stdlib.h>

#include "cli/opts.h"
#include "unit.h"

enum { A = 1, B, OUT, OUTLINE, INT };
enum { STACKS = 10, LONGHELP, GROUPED };
static const struct opt opts[] = {
	OPT_FLAG('a', "all", A, "everything"),
	OPT_FLAG('b', "bee", B, "a bee"),
	OPT_VALUE('o', "output", OUT, "FILE", "write FILE"),
	OPT_FLAG(0, "outline", OUTLINE, "only the outline"),
	OPT_VALUE('T', "interval", INT, "SECONDS", "time between samples"),
	OPT_GROUP("more:"),
	OPT_OPTVALUE(0, "stacks", STACKS, "sample|all", "stacks, sampled or all"),
	OPT_FLAG(0, "long-help", LONGHELP,
		 "a help text long enough that it cannot fit on one line of seventy-nine "
		 "columns and wraps"),
	OPT_VALUE(0, "a-very-long-option-name", GROUPED, "VALUE", "below its name"),
	{0},
};

/* The --help page of opts, as a malloc'd string. */
static char *help_of(const char *head, const char *tail)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	opt_print_help(f, head, opts, tail);
	fclose(f);
	return buf;
}

static void help_lists_every_option_with_its_value(void)
{
	char *h = help_of("usage: x\n", "tail\n");
	const char *want =
		"usage: x\n"
		"\n"
		"options:\n"
		"  -a, --all               everything\n"
		"  -b, --bee               a bee\n"
		"  -o, --output FILE       write FILE\n"
		"      --outline           only the outline\n"
		"  -T, --interval SECONDS  time between samples\n"
		"\n"
		"more:\n"
		"      --stacks[=sample|all]\n"
		"                          stacks, sampled or all\n"
		"      --long-help         a help text long enough that it cannot fit on one\n"
		"                          line of seventy-nine columns and wraps\n"
		"      --a-very-long-option-name VALUE\n"
		"                          below its name\n"
		"\n"
		"tail\n";
	CHECK_STR(h, want);
	free(h);
}

static void every_help_line_fits_79_columns(void)
{
	char *h = help_of("", NULL);
	for (char *line = strtok(h, "\n"); line; line = strtok(NULL, "\n"))
		CHECK(strlen(line) <= 79);
	free(h);
}

static void the_parser_skips_headings(void)
{
	char *argv[] = {"x", "--stacks=all", "--stacks", "--more:", NULL};
	struct opt_state st;
	opt_init(&st, 4, argv, "x", 0);
	CHECK(opt_next(&st, opts) == STACKS);
	CHECK_STR(st.arg, "all");
	CHECK(opt_next(&st, opts) == STACKS);
	CHECK(st.arg == NULL);
	CHECK(opt_next(&st, opts) == OPT_ERROR);
}

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
		{"help lists every option with its value", help_lists_every_option_with_its_value},
		{"every help line fits 79 columns", every_help_line_fits_79_columns},
		{"the parser skips headings", the_parser_skips_headings},
		{0},
	};
	return unit_run("test_opts", tests);
}
