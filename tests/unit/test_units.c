/* test_units.c - sizes and seconds as people write them, and what is refused. */
#include "core/units.h"
#include "unit.h"

static void sizes_are_binary_and_plain_numbers_are_mib(void)
{
	uint64_t b;
	CHECK(units_parse_size("500M", &b) == 0 && b == 500ull << 20);
	CHECK(units_parse_size("500MiB", &b) == 0 && b == 500ull << 20);
	CHECK(units_parse_size("500mb", &b) == 0 && b == 500ull << 20);
	CHECK(units_parse_size("1.5G", &b) == 0 && b == 3ull << 29);
	CHECK(units_parse_size("2GiB", &b) == 0 && b == 2ull << 30);
	CHECK(units_parse_size("512k", &b) == 0 && b == 512ull << 10);
	CHECK(units_parse_size("100", &b) == 0 && b == 100ull << 20);
	CHECK(units_parse_size("4096B", &b) == 0 && b == 4096);
	CHECK(units_parse_size("0", &b) == 0 && b == 0);
}

static void bad_sizes_are_refused(void)
{
	uint64_t b;
	const char *bad[] = {"", "-5M", "+5M", "5X", "M", "1e3", "0x10", "inf", "nan", "1..2", " 5", "5 M", NULL};
	for (int i = 0; bad[i]; i++)
		CHECK(units_parse_size(bad[i], &b) == -1);
}

static void seconds(void)
{
	double s;
	CHECK(units_parse_seconds("0.1", &s) == 0 && s == 0.1);
	CHECK(units_parse_seconds("5", &s) == 0 && s == 5);
	CHECK(units_parse_seconds("-1", &s) == -1);
	CHECK(units_parse_seconds("abc", &s) == -1);
	CHECK(units_parse_seconds("", &s) == -1);
	CHECK(units_parse_seconds("1s", &s) == -1);
}

int main(void)
{
	static const struct unit_test tests[] = {
		{"sizes are binary and plain numbers are MiB", sizes_are_binary_and_plain_numbers_are_mib},
		{"bad sizes are refused", bad_sizes_are_refused},
		{"seconds", seconds},
		{0},
	};
	return unit_run("test_units", tests);
}
