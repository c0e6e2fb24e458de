/* test_lost.c - function names numbered in linear time, per-function peaks, lost counts from NOTE lines. */
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

/* Each function's peak is the largest MEM or MAXRSS within one of its calls, as
 * summary_func_peak finds by brute force. */
static void function_peaks_match_a_brute_force(void)
{
	struct dat_recording r;
	struct err e;
	size_t cap = 1 << 20, n = 0;
	char *text = malloc(cap);
	n += (size_t)snprintf(text + n, cap - n, "CMDLINE x\n");
	for (int i = 0; i < 300; i++)
		n += (size_t)snprintf(text + n, cap - n, "%s %d %d\n", i % 3 ? "MEM" : "MAXRSS",
				      (i * 37) % 101, 1000 + (i * 7) % 300); /* out of order */
	for (int i = 0; i < 500; i++) {
		double a = 1000 + (i * 13) % 290, d = (i % 5) * 3.5;
		n += (size_t)snprintf(text + n, cap - n, "FUNC g%d 1 %.1f 1 %.1f 0\n", i % 17, a,
				      a + d);
	}
	n += (size_t)snprintf(text + n, cap - n, "FUNC none 1 5000 1 5000.5 0\n");
	CHECK(dat_parse("t.dat", text, n, &r, &e) == 0);
	struct summary s;
	summary_of(&r, &s);
	CHECK(s.nfuncs == 18);
	for (size_t k = 0; k < s.nfuncs; k++) {
		double want = summary_func_peak(&r, s.funcs[k].name);
		if (isnan(want))
			CHECK(isnan(s.funcs[k].peak_mib));
		else
			CHECK_NEAR(s.funcs[k].peak_mib, want, 0);
	}
	summary_release(&s);
	dat_recording_release(&r);
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
	struct dat_recording r;
	struct err e;
	CHECK(dat_parse("t.dat", text, strlen(text), &r, &e) == 0);
	struct summary s;
	summary_of(&r, &s);
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
	dat_recording_release(&r);
}

static void held_notes_add_up(void)
{
	const char *text = "CMDLINE x\nMEM 1 1\n"
			   "NOTE held 1.250 s in 40 waits: the reader fell behind\n"
			   "NOTE held 0.250 s in 2 waits: a second line adds up\n"
			   "NOTE held -3 s in 1 waits: not a time\n"
			   "NOTE held 9 s in 9 waits no colon\n";
	struct dat_recording r;
	struct err e;
	CHECK(dat_parse("t.dat", text, strlen(text), &r, &e) == 0);
	struct summary s;
	summary_of(&r, &s);
	CHECK_NEAR(s.held_s, 1.5, 1e-9);
	CHECK(s.held_waits == 42);
	CHECK(s.lost_total == 0);
	cJSON *j = summary_json(&s);
	const cJSON *held = cJSON_GetObjectItem(j, "held");
	CHECK(held && cJSON_GetObjectItem(held, "seconds")->valuedouble == 1.5);
	CHECK(held && cJSON_GetObjectItem(held, "waits")->valuedouble == 42);
	cJSON_Delete(j);
	summary_release(&s);
	dat_recording_release(&r);
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
