/* test_funcname.c - a --func name resolves as a user types it: exact, else one dotted suffix; never a guess. */
#include "core/funcname.h"
#include "unit.h"

static struct dat_func funcs[] = {
	{"__main__.compute_mean", 0, 0, 0, 0, 0, 0, 0},
	{"__main__.compute_mean", 0, 0, 0, 0, 0, 0, 0}, /* a second call */
	{"stats.compute_median", 0, 0, 0, 0, 0, 0, 0},
	{"a.load", 0, 0, 0, 0, 0, 0, 0},
	{"b.load", 0, 0, 0, 0, 0, 0, 0},
	{"ns::parse", 0, 0, 0, 0, 0, 0, 0},
	{"reparse", 0, 0, 0, 0, 0, 0, 0},
	{"main", 0, 0, 0, 0, 0, 0, 0},
	{"x.main", 0, 0, 0, 0, 0, 0, 0},
	{"pkg.mod.Class.method", 0, 0, 0, 0, 0, 0, 0},
};

static struct dat_recording rec(void)
{
	struct dat_recording r;
	memset(&r, 0, sizeof(r));
	r.path = "run.dat";
	r.funcs = funcs;
	r.nfuncs = sizeof(funcs) / sizeof(funcs[0]);
	return r;
}

static void an_exact_name_wins(void)
{
	struct dat_recording r = rec();
	struct err e;
	CHECK_STR(funcname_resolve(&r, "__main__.compute_mean", &e), "__main__.compute_mean");
	/* "main" is also the suffix of x.main: the exact name comes first */
	CHECK_STR(funcname_resolve(&r, "main", &e), "main");
}

static void a_unique_dotted_suffix_finds_the_function(void)
{
	struct dat_recording r = rec();
	struct err e;
	CHECK_STR(funcname_resolve(&r, "compute_mean", &e), "__main__.compute_mean");
	CHECK_STR(funcname_resolve(&r, "compute_median", &e), "stats.compute_median");
	CHECK_STR(funcname_resolve(&r, "method", &e), "pkg.mod.Class.method");
	CHECK_STR(funcname_resolve(&r, "Class.method", &e), "pkg.mod.Class.method");
}

static void a_cxx_scope_is_a_boundary_too(void)
{
	struct dat_recording r = rec();
	struct err e;
	/* "reparse" ends in "parse" too, but not after a boundary */
	CHECK_STR(funcname_resolve(&r, "parse", &e), "ns::parse");
}

static void a_suffix_starts_at_a_boundary(void)
{
	struct dat_recording r = rec();
	struct err e;
	CHECK(funcname_resolve(&r, "mean", &e) == NULL);
	CHECK_STR(e.msg, "no function 'mean' in 'run.dat'");
	CHECK(funcname_resolve(&r, "_mean", &e) == NULL);
	CHECK(funcname_resolve(&r, "main__.compute_mean", &e) == NULL);
	CHECK(funcname_resolve(&r, ":parse", &e) == NULL);
	CHECK(funcname_resolve(&r, "", &e) == NULL);
}

static void several_matches_are_an_error_listing_them(void)
{
	struct dat_recording r = rec();
	struct err e;
	CHECK(funcname_resolve(&r, "load", &e) == NULL);
	CHECK_STR(e.msg, "function 'load' is ambiguous in 'run.dat': a.load, b.load (give the "
			 "whole name)");
}

static void a_name_called_twice_is_one_function(void)
{
	struct dat_recording r = rec();
	struct err e;
	e.msg[0] = '\0';
	CHECK_STR(funcname_resolve(&r, "compute_mean", &e), "__main__.compute_mean");
	CHECK_STR(e.msg, "");
}

static void no_brackets_at_all_says_so(void)
{
	struct dat_recording r = rec();
	r.nfuncs = 0;
	struct err e;
	CHECK(funcname_resolve(&r, "compute_mean", &e) == NULL);
	CHECK_STR(e.msg, "no function 'compute_mean' in 'run.dat': it has no function brackets "
			 "(FUNC lines)");
}

int main(void)
{
	static const struct unit_test tests[] = {
		{"an exact name wins", an_exact_name_wins},
		{"a unique dotted suffix finds the function", a_unique_dotted_suffix_finds_the_function},
		{"a C++ scope is a boundary too", a_cxx_scope_is_a_boundary_too},
		{"a suffix starts at a boundary", a_suffix_starts_at_a_boundary},
		{"several matches are an error listing them", several_matches_are_an_error_listing_them},
		{"a name called twice is one function", a_name_called_twice_is_one_function},
		{"no brackets at all says so", no_brackets_at_all_says_so},
		{0},
	};
	return unit_run("test_funcname", tests);
}
