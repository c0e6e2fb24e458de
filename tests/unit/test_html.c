/* test_html.c - the HTML page's data: JSON that cannot close its <script>, the min/max pyramid that
 * keeps every peak, the sites-over-time reader. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/html.h"
#include "core/summary.h"
#include "core/sitetime.h"
#include "unit.h"

static void script_json_cannot_close_the_element(void)
{
	char *s = html_script_json("{\"a\":\"</script><script>x()</script>&\xe2\x80\xa8\xe2\x80\xa9\"}");
	CHECK(!strchr(s, '<') && !strchr(s, '>') && !strchr(s, '&'));
	CHECK(!strstr(s, "\xe2\x80\xa8") && !strstr(s, "\xe2\x80\xa9"));
	CHECK_STR(s, "{\"a\":\"\\u003c/script\\u003e\\u003cscript\\u003ex()\\u003c/script\\u003e"
		     "\\u0026\\u2028\\u2029\"}");
	cJSON *back = cJSON_Parse(s); /* still the same JSON */
	CHECK(back && !strcmp(cJSON_GetObjectItem(back, "a")->valuestring,
			      "</script><script>x()</script>&\xe2\x80\xa8\xe2\x80\xa9"));
	cJSON_Delete(back);
	free(s);
	s = html_script_json("\xe2\x82\xac"); /* other characters that start with 0xe2 stay */
	CHECK_STR(s, "\xe2\x82\xac");
	free(s);
}

/* The page's data of a recording in memory, read as htmlout.c does. */
static cJSON *page_data(const char *text)
{
	struct err e;
	struct html_feed *f = html_feed_new();
	CHECK(dat_stream_text("x", text, strlen(text), html_feed_line, f, &e) == 0);
	struct summary sum;
	struct stk_data d;
	CHECK(summary_parse("x", text, strlen(text), &sum, &d, &e) == 0);
	cJSON *o = html_data(f, &sum, &d);
	summary_release(&sum);
	stk_data_release(&d);
	html_feed_free(f);
	return o;
}

static void every_level_keeps_the_peak(void)
{
	/* 200,000 samples, one spike in MAXRSS: every level of the pyramid holds it */
	size_t n = 200000, len = 0, cap = n * 40 + 100;
	char *text = malloc(cap);
	len += (size_t)snprintf(text + len, cap - len, "CMDLINE x\n");
	for (size_t i = 0; i < n; i++)
		len += (size_t)snprintf(text + len, cap - len, "MEM 10 %zu.%02zu\nMAXRSS %d %zu.%02zu\n",
					i / 100, i % 100, i == 123457 ? 999 : 10, i / 100, i % 100);
	struct err e;
	struct html_feed *f = html_feed_new();
	CHECK(dat_stream_text("x", text, len, html_feed_line, f, &e) == 0);
	struct summary sum;
	CHECK(summary_parse("x", text, len, &sum, NULL, &e) == 0);
	cJSON *d = html_data(f, &sum, NULL);
	summary_release(&sum);
	html_feed_free(f);
	cJSON *levels = cJSON_GetObjectItem(cJSON_GetObjectItem(d, "series"), "levels");
	CHECK(cJSON_GetArraySize(levels) >= 3);
	size_t total = 0;
	for (int k = 0; k < cJSON_GetArraySize(levels); k++) {
		cJSON *top = cJSON_GetObjectItem(cJSON_GetArrayItem(levels, k), "rtop");
		double m = 0;
		for (int i = 0; i < cJSON_GetArraySize(top); i++)
			if (cJSON_GetArrayItem(top, i)->valuedouble > m)
				m = cJSON_GetArrayItem(top, i)->valuedouble;
		CHECK(m == 999);
		total += (size_t)cJSON_GetArraySize(top);
	}
	CHECK(total <= 70000); /* bounded, whatever the length of the run */
	cJSON_Delete(d);
	free(text);
}

static void sites_over_time_are_read_by_stk_line(void)
{
	const char *text = "CMDLINE x\nMEM 1 10\nSTACKS all 0\nSTKMOD 1 /x\n"
			   "STKFRAME 0 native 1 0x10 - f\nSTKFRAME 1 native 1 0x20 - g\n"
			   "STKIMG 0 1 100 0 2 0 /x\nSTK 0 60 1 0 0 60 1 0\nSTK 0 40 1 0 0 40 1 1\n"
			   "STKSITES 10.5 1=4096 0=100\nSTKSITES 10.6 0=8192\n";
	cJSON *all = page_data(text);
	cJSON *st = cJSON_GetObjectItem(all, "sitetime");
	CHECK(st != NULL);
	if (st) {
		cJSON *v = cJSON_GetObjectItem(st, "v"), *names = cJSON_GetObjectItem(st, "names");
		CHECK(cJSON_GetArraySize(cJSON_GetObjectItem(st, "t")) == 2);
		CHECK_STR(cJSON_GetArrayItem(names, 0)->valuestring, "f"); /* the largest first */
		CHECK(cJSON_GetArrayItem(cJSON_GetArrayItem(v, 0), 1)->valuedouble == 8192);
		CHECK(cJSON_GetArrayItem(cJSON_GetArrayItem(v, 1), 1)->valuedouble == 0);
	}
	cJSON_Delete(all);
}

/* Beyond the 12 largest, the sites over time are one "other sites" area. */
static void sites_beyond_twelve_are_grouped(void)
{
	char text[8192];
	size_t len = (size_t)snprintf(text, sizeof(text),
				      "CMDLINE x\nMEM 1 10\nSTACKS all 0\nSTKMOD 1 /x\n");
	for (int i = 0; i < 16; i++)
		len += (size_t)snprintf(text + len, sizeof(text) - len,
					"STKFRAME %d native 1 0x%x - f%d\n", i, 16 * (i + 1), i);
	len += (size_t)snprintf(text + len, sizeof(text) - len, "STKIMG 0 1 100 0 2 0 /x\n");
	for (int i = 0; i < 16; i++)
		len += (size_t)snprintf(text + len, sizeof(text) - len,
					"STK 0 %d 1 0 0 60 1 %d\n", 100 - i, i);
	for (int k = 0; k < 2; k++) { /* 8 sites a line: more fields than a line's tokens */
		len += (size_t)snprintf(text + len, sizeof(text) - len, "STKSITES 10.%d", k + 1);
		for (int i = 0; i < 8; i++)
			len += (size_t)snprintf(text + len, sizeof(text) - len, " %d=%d",
						k * 8 + i, 1000 - (k * 8 + i));
		len += (size_t)snprintf(text + len, sizeof(text) - len, "\n");
	}
	cJSON *all = page_data(text);
	cJSON *st = cJSON_GetObjectItem(all, "sitetime");
	cJSON *names = cJSON_GetObjectItem(st, "names");
	CHECK(cJSON_GetArraySize(names) == 13);
	CHECK_STR(cJSON_GetArrayItem(names, 12)->valuestring, "other sites");
	cJSON *other = cJSON_GetArrayItem(cJSON_GetObjectItem(st, "v"), 12);
	CHECK(cJSON_GetArrayItem(other, 1)->valuedouble == 4000 - 12 - 13 - 14 - 15); /* 12-15 */
	cJSON_Delete(all);
}

static void the_recorder_keeps_the_largest_and_names_them(void)
{
	struct sitetime *st = sitetime_new();
	int image;
	CHECK(sitetime_due(st, 1000000000));
	for (uint32_t id = 1; id <= 20; id++)
		sitetime_offer(st, &image, id, id * 100.0);
	sitetime_commit(st, 5.0);
	CHECK(!sitetime_due(st, 1000000000 + SITETIME_INTERVAL_NS / 2)); /* bounded rate */
	sitetime_image_done(st, &image, 0);
	sitetime_name(st, 0, 20, 0);
	sitetime_name(st, 0, 13, 7);
	char path[] = "/tmp/mprof-test-html-XXXXXX";
	int fd = mkstemp(path);
	struct dat_writer w = {.fd = fd, .path = xstrdup(path)}; /* the writer frees it */
	sitetime_write(st, &w);
	struct err e;
	CHECK(dat_writer_close(&w, &e) == 0);
	size_t len;
	char *out = read_file(path, &len, &e);
	CHECK_STR(out, "STKSITES 5.000000 0=2000 7=1300\n"); /* id 12 and below: not the top 8 */
	free(out);
	unlink(path);
	sitetime_free(st);
}

int main(void)
{
	static const struct unit_test tests[] = {
		{"script JSON cannot close the element", script_json_cannot_close_the_element},
		{"every level keeps the peak", every_level_keeps_the_peak},
		{"sites over time are read by STK line", sites_over_time_are_read_by_stk_line},
		{"sites beyond twelve are grouped", sites_beyond_twelve_are_grouped},
		{"the recorder keeps the largest and names them",
		 the_recorder_keeps_the_largest_and_names_them},
		{0},
	};
	return unit_run("test_html", tests);
}
