/* test_dat.c - the .dat reader and writer: the original's lines, our extensions, and errors that name the line. */
#include <stdlib.h>
#include <unistd.h>

#include "core/dat.h"
#include "unit.h"

static int parse(const char *text, struct dat_recording *r, struct err *e)
{
	return dat_parse("t.dat", text, strlen(text), r, e);
}

static void reads_the_originals_lines(void)
{
	struct dat_recording r;
	struct err e;
	const char *text = "CMDLINE python3 x.py\n"
			   "MEM 10.5 1000.0\n"
			   "FUNC __main__.f 10.5000 1000.1000 50.0000 1001.0000 1\n"
			   "MEM 50.25 1000.5\n"
			   "CHLD 0 3.000000 1000.5\n"
			   "FUNC old 1 2 3 4\n";
	CHECK(parse(text, &r, &e) == 0);
	CHECK_STR(r.cmdline, "python3 x.py");
	CHECK(r.mem.n == 2);
	CHECK_NEAR(r.mem.v[1].mib, 50.25, 1e-9);
	CHECK(r.nfuncs == 2);
	CHECK_STR(r.funcs[0].name, "__main__.f");
	CHECK(r.funcs[0].depth == 1);
	CHECK(r.funcs[1].depth == -1);
	CHECK(r.nchildren == 1);
	CHECK_NEAR(dat_peak_rss(&r, NULL), 50.25, 1e-9);
	CHECK(dat_peak_heap(&r, NULL) < 0);
	dat_recording_release(&r);
}

static void true_peak_counts_interval_maxima_and_exit(void)
{
	struct dat_recording r;
	struct err e;
	const char *text = "CMDLINE p\nMPROF 1 interval=0.1 backend=rss\n"
			   "MEM 10 1.0\nMAXRSS 10 1.0\nMEM 12 1.1\nMAXRSS 300 1.1\n"
			   "HEAP 5 9 1.1 10 2 0\nEXIT 0 1.2 20\n";
	CHECK(parse(text, &r, &e) == 0);
	double t = 0;
	CHECK_NEAR(dat_peak_sampled(&r, NULL), 12, 1e-9);
	CHECK_NEAR(dat_peak_rss(&r, &t), 300, 1e-9);
	CHECK_NEAR(t, 1.1, 1e-9);
	CHECK_NEAR(dat_peak_heap(&r, NULL), 9, 1e-9);
	CHECK(r.has_exit && r.exit_status == 0);
	CHECK_NEAR(r.interval, 0.1, 1e-12);
	dat_recording_release(&r);

	CHECK(parse("MEM 1 1\nEXIT 0 2 400\n", &r, &e) == 0);
	CHECK_NEAR(dat_peak_rss(&r, &t), 400, 1e-9);
	dat_recording_release(&r);
}

static void unknown_kinds_are_skipped(void)
{
	struct dat_recording r;
	struct err e;
	CHECK(parse("MEM 1 1\nFUTURE_KIND whatever 1 2 3\n\nMEM 2 2\n", &r, &e) == 0);
	CHECK(r.mem.n == 2);
	dat_recording_release(&r);
}

static void errors_name_file_and_line(void)
{
	struct dat_recording r;
	struct err e;
	CHECK(parse("CMDLINE x\nMEM 1 1\nMEM abc 2\n", &r, &e) == -1);
	CHECK_STR(e.msg, "t.dat:3: expected 'MEM <MiB> <time>'");
	CHECK(parse("MEM 1 1\nMEM 2\n", &r, &e) == -1);
	CHECK_STR(e.msg, "t.dat:2: expected 'MEM <MiB> <time>'");
	CHECK(parse("\x7f" "ELF\x01garbage\n", &r, &e) == -1);
	CHECK_STR(e.msg, "t.dat:1: not a recording line");
	CHECK(parse("FUNC f 1 2 3\n", &r, &e) == -1);
	CHECK(parse("HEAP 1 2 3 4 5\n", &r, &e) == -1);
	CHECK(parse("MEM 1 nan\n", &r, &e) == -1);
	CHECK(dat_parse("t.dat", "MEM 1 1\0x", 9, &r, &e) == -1);
	CHECK(dat_read("/nonexistent/x.dat", &r, &e) == -1);
	CHECK(strstr(e.msg, "cannot open '/nonexistent/x.dat'") != NULL);
}

static void writer_round_trips_and_never_overwrites(void)
{
	char dir[] = "/tmp/mprof-test-XXXXXX";
	CHECK(mkdtemp(dir) != NULL);
	char path[256];
	snprintf(path, sizeof(path), "%s/a.dat", dir);
	struct dat_writer w;
	struct err e;
	CHECK(dat_writer_create(&w, path, &e) == 0);
	char *argv[] = {"prog", "has space", "x\ny", NULL};
	char *cmd = dat_join_cmdline(argv);
	CHECK_STR(cmd, "prog 'has space' x?y");
	dat_write_cmdline(&w, cmd);
	free(cmd);
	dat_write_mem(&w, 12.5, 1000.25);
	dat_write_maxrss(&w, 20, 1000.25);
	struct dat_heap h = {1000.25, 3.5, 4.5, 1, 7, 3};
	dat_write_heap(&w, 0, &h);
	dat_write_heap(&w, 42, &h);
	dat_write_child(&w, 42, 2, 1000.25);
	dat_write_func(&w, "my func", 1, 1000, 2, 1001, 1);
	dat_write_exit(&w, 3, 1001, 25);
	CHECK(dat_writer_close(&w, &e) == 0);

	struct dat_recording r;
	CHECK(dat_read(path, &r, &e) == 0);
	CHECK(r.mem.n == 1 && r.maxrss.n == 1 && r.heap.n == 1);
	CHECK(r.heap.v[0].allocs == 7 && r.heap.v[0].frees == 3);
	CHECK(r.nchildren == 1 && r.children[0].heap.n == 1);
	CHECK_STR(r.funcs[0].name, "my_func");
	CHECK(r.exit_status == 3);
	CHECK_NEAR(dat_peak_rss(&r, NULL), 25, 1e-9);
	dat_recording_release(&r);

	CHECK(dat_writer_create(&w, path, &e) == -1);
	CHECK(strstr(e.msg, "already exists") != NULL);

	/* Default names in one second: each new one sorts after the previous. */
	struct dat_writer w1, w2;
	CHECK(dat_writer_create_default(&w1, dir, &e) == 0);
	CHECK(dat_writer_create_default(&w2, dir, &e) == 0);
	CHECK(strcmp(w1.path, w2.path) < 0);
	unlink(w1.path);
	unlink(w2.path);
	dat_writer_close(&w1, NULL);
	dat_writer_close(&w2, NULL);
	unlink(path);
	rmdir(dir);
}

int main(void)
{
	static const struct unit_test tests[] = {
		{"reads the original's lines", reads_the_originals_lines},
		{"true peak counts interval maxima and exit", true_peak_counts_interval_maxima_and_exit},
		{"unknown kinds are skipped", unknown_kinds_are_skipped},
		{"errors name file and line", errors_name_file_and_line},
		{"writer round-trips and never overwrites", writer_round_trips_and_never_overwrites},
		{0},
	};
	return unit_run("test_dat", tests);
}
