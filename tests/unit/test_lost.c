/* test_lost.c - function names numbered in linear time, per-function peaks, lost counts from NOTE lines. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/names.h"
#include "core/summary.h"
#include "unit.h"

static void names_are_numbered_in_order_of_appearance(void)
{
	struct names t = {0};
	char buf[50000][8];
	for (int i = 0; i < 50000; i++)
		snprintf(buf[i], sizeof(buf[i]), "f%d", i % 20000);
	for (int i = 0; i < 50000; i++)
		CHECK(names_id(&t, buf[i]) == (size_t)(i % 20000));
	CHECK(t.n == 20000);
	CHECK_STR(t.list[123], "f123");
	names_release(&t);
}

#define NS 3000 /* samples */
#define NC 700	/* calls */

static double sample_t(int i)
{
	return 1000 + i * 0.1;
}

static double sample_mib(int i)
{
	return (double)((i * 7919) % 1009) / 10;
}

/* Call c: where it ends, how long it lasts, after which sample its FUNC line comes
 * (-1: before every sample; NS: at the end). */
static void call_of(int c, double *a, double *b, int *after)
{
	int end = 5 + (c * 37) % (NS - 10);
	*b = sample_t(end) + 0.03;
	*a = *b - ((c * 11) % 50) * 0.1 - 0.02;
	int first = (int)((*a - 1000) / 0.1) + 1; /* the first sample inside */
	*after = c % 9 == 0 ? NS : c % 4 == 0 ? first - 2 : end + 2;
}

/* The rule, by brute force: the call's own figures, every MEM within it, and every
 * MAXRSS whose interval (from the previous MAXRSS) lies within it. */
static double brute_peak(double a, double b)
{
	double best = 1; /* the FUNC lines' own MiB */
	for (int i = 0; i < NS; i++) {
		if (i % 3 && sample_t(i) >= a && sample_t(i) <= b)
			best = fmax(best, sample_mib(i));
		if (i % 3 == 0 && i > 0 && sample_t(i - 3) >= a && sample_t(i) <= b)
			best = fmax(best, sample_mib(i));
	}
	return best;
}

/* Each function's peak, read in one streaming pass whatever the order of the FUNC
 * lines (before their samples, just after them, at the end), is the brute force's. */
static void function_peaks_match_a_brute_force(void)
{
	struct err e;
	size_t cap = 1 << 21, n = 0;
	char *text = malloc(cap);
	n += (size_t)snprintf(text + n, cap - n, "CMDLINE x\n");
	for (int i = -1; i <= NS; i++) {
		if (i >= 0 && i < NS)
			n += (size_t)snprintf(text + n, cap - n, "%s %.1f %.2f\n",
					      i % 3 ? "MEM" : "MAXRSS", sample_mib(i), sample_t(i));
		for (int c = 0; c < NC; c++) {
			double a, b;
			int after;
			call_of(c, &a, &b, &after);
			if (after == i || (i == -1 && after < -1))
				n += (size_t)snprintf(text + n, cap - n, "FUNC g%d 1 %.2f 1 %.2f 0\n",
						      c % 17, a, b);
		}
	}
	n += (size_t)snprintf(text + n, cap - n, "FUNC none 1 5000 1 5000.5 0\n");
	struct summary s;
	CHECK(summary_parse("t.dat", text, n, &s, NULL, &e) == 0);
	CHECK(s.nfuncs == 18);
	for (size_t k = 0; k < s.nfuncs; k++) {
		double want = NAN;
		for (int c = 0; c < NC; c++) {
			double a, b;
			int after;
			call_of(c, &a, &b, &after);
			char name[16];
			snprintf(name, sizeof(name), "g%d", c % 17);
			if (!strcmp(name, s.funcs[k].name))
				want = fmax(want, brute_peak(a, b));
		}
		if (!strcmp(s.funcs[k].name, "none"))
			want = 1;
		CHECK_NEAR(s.funcs[k].peak_mib, want, 0);
	}
	summary_release(&s);
	free(text);
}

/* "NOTE lost <kind> <count>: ..." lines add up per kind; other notes do not count. */
static void lost_notes_add_up_and_gate_check(void)
{
	const char *text = "CMDLINE x\nMEM 1 1\n"
			   "NOTE lost brackets 3000: the ring stayed full\n"
			   "NOTE lost brackets 5: again\n"
			   "NOTE lost newkind 2: from a newer writer\n"
			   "NOTE lost samples x: not a count\n"
			   "NOTE lost stacks 7 no colon\n"
			   "NOTE hooks unavailable: lost 9: not a lost note\n";
	struct err e;
	struct summary s;
	CHECK(summary_parse("t.dat", text, strlen(text), &s, NULL, &e) == 0);
	CHECK(s.lost_total == 3007);
	CHECK_STR(s.lost[0].kind, "brackets");
	CHECK(s.lost[0].count == 3005);
	int found = 0;
	for (size_t i = 0; i < s.nlost; i++)
		found |= !strcmp(s.lost[i].kind, "newkind") && s.lost[i].count == 2;
	CHECK(found);
	cJSON *j = summary_json(&s);
	const cJSON *lost = cJSON_GetObjectItem(j, "lost");
	CHECK(cJSON_GetObjectItem(lost, "stacks") && cJSON_GetObjectItem(lost, "stacks")->valuedouble == 0);
	CHECK(cJSON_GetObjectItem(lost, "brackets")->valuedouble == 3005);
	cJSON_Delete(j);
	struct check_limit lim[] = {{CHECK_LOST, 3007, NULL}, {CHECK_LOST, 3006, NULL}};
	struct check_result *res;
	size_t n;
	CHECK(check_run(&s, lim, 2, NULL, 10, &res, &n, &e) == 0);
	CHECK(n == 2 && res[0].passed && !res[1].passed);
	free(res);
	summary_release(&s);
}

static void held_notes_add_up(void)
{
	const char *text = "CMDLINE x\nMEM 1 1\n"
			   "NOTE held 1.250 s in 40 waits: the reader fell behind\n"
			   "NOTE held 0.250 s in 2 waits: a second line adds up\n"
			   "NOTE held -3 s in 1 waits: not a time\n"
			   "NOTE held 9 s in 9 waits no colon\n";
	struct err e;
	struct summary s;
	CHECK(summary_parse("t.dat", text, strlen(text), &s, NULL, &e) == 0);
	CHECK_NEAR(s.held_s, 1.5, 1e-9);
	CHECK(s.held_waits == 42);
	CHECK(s.lost_total == 0);
	cJSON *j = summary_json(&s);
	const cJSON *held = cJSON_GetObjectItem(j, "held");
	CHECK(held && cJSON_GetObjectItem(held, "seconds")->valuedouble == 1.5);
	CHECK(held && cJSON_GetObjectItem(held, "waits")->valuedouble == 42);
	cJSON_Delete(j);
	summary_release(&s);
}

int main(void)
{
	static const struct unit_test tests[] = {
		{"names are numbered in order of appearance", names_are_numbered_in_order_of_appearance},
		{"function peaks match a brute force", function_peaks_match_a_brute_force},
		{"lost notes add up and gate check", lost_notes_add_up_and_gate_check},
		{"held notes add up", held_notes_add_up},
		{0},
	};
	return unit_run("test_lost", tests);
}
