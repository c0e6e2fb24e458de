/* test_dat.c - the .dat reader and writer: the original's lines, our extensions, and errors that name the line. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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
	/* Each bad line has a line after it: only a last line may be cut short and left out. */
	CHECK(parse("CMDLINE x\nMEM 1 1\nMEM abc 2\nMEM 3 3\n", &r, &e) == -1);
	CHECK_STR(e.msg, "t.dat:3: expected 'MEM <MiB> <time>'");
	CHECK(parse("MEM 1 1\nMEM 2\nMEM 3 3\n", &r, &e) == -1);
	CHECK_STR(e.msg, "t.dat:2: expected 'MEM <MiB> <time>'");
	CHECK(parse("\x7f" "ELF\x01garbage\nMEM 3 3\n", &r, &e) == -1);
	CHECK_STR(e.msg, "t.dat:1: not a recording line");
	CHECK(parse("FUNC f 1 2 3\nMEM 3 3\n", &r, &e) == -1);
	CHECK(parse("HEAP 1 2 3 4 5\nMEM 3 3\n", &r, &e) == -1);
	CHECK(parse("MEM 1 nan\nMEM 3 3\n", &r, &e) == -1);
	CHECK(dat_parse("t.dat", "MEM 1 1\0x\nMEM 3 3\n", 18, &r, &e) == -1);
	CHECK_STR(e.msg, "t.dat:1: not a recording line (NUL byte)");
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
	struct dat_heap h = {1000.25, 3.5, 4.5, 1, 7, 3, 2.5};
	dat_write_heap(&w, 0, &h);
	dat_write_heap(&w, 42, &h);
	dat_write_child(&w, 42, 2, 1000.25);
	dat_write_func(&w, "my func", 1, 1000, 2, 1001, 1, NAN, NAN);
	dat_write_exit(&w, 3, 1001, 25);
	CHECK(dat_writer_close(&w, &e) == 0);

	struct dat_recording r;
	CHECK(dat_read(path, &r, &e) == 0);
	CHECK(r.mem.n == 1 && r.maxrss.n == 1 && r.heap.n == 1);
	CHECK(r.heap.v[0].allocs == 7 && r.heap.v[0].frees == 3);
	CHECK_NEAR(r.heap.v[0].min_mib, 2.5, 1e-9);
	CHECK_NEAR(r.children[0].heap.v[0].min_mib, 2.5, 1e-9);
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

/* Warnings from the reader, as the CLI would print them. */
static char warned[8][512];
static int nwarned;

static void catch_warning(const char *msg)
{
	if (nwarned < 8)
		snprintf(warned[nwarned], sizeof(warned[0]), "%s", msg);
	nwarned++;
}

static const char whole[] = "CMDLINE ./prog a\n"
			    "MPROF 1 interval=0.100000 backend=rss children=none hooks=1\n"
			    "MEM 1.500000 1000.000000\n"
			    "HEAP 0.500000 0.600000 1000.000000 10 2 0.000000\n"
			    "FUNC f 1.5000 1000.0100 2.0000 1000.0900 0\n"
			    "MEM 2.250000 1000.100000\n"
			    "MAXRSS 3.000000 1000.100000\n"
			    "EXIT 0 1000.150000 3.500000\n";

static void a_cut_last_line_is_left_out_with_one_warning(void)
{
	core_warn_hook = catch_warning;
	struct dat_recording r;
	struct err e;
	/* Every cut of every line: the lines before it are read, the cut one left out. */
	size_t len = sizeof(whole) - 1, line = 1, start = 0;
	for (size_t cut = 1; cut < len; cut++) {
		if (whole[cut - 1] == '\n') {
			line++;
			start = cut;
		}
		nwarned = 0;
		CHECK(dat_parse("run.dat", whole, cut, &r, &e) == 0);
		/* Cut right after a newline: whole lines only, nothing to say. */
		if (start == cut) {
			CHECK(nwarned == 0);
		} else {
			char want[128];
			snprintf(want, sizeof(want),
				 "run.dat:%zu: last line is incomplete; read up to line %zu", line,
				 line - 1);
			CHECK(nwarned == 1);
			CHECK_STR(warned[0], want);
		}
		/* What was read is exactly the whole lines before the cut. */
		struct dat_recording w;
		CHECK(dat_parse("run.dat", whole, start, &w, &e) == 0);
		CHECK(r.mem.n == w.mem.n && r.heap.n == w.heap.n && r.nfuncs == w.nfuncs &&
		      r.maxrss.n == w.maxrss.n && r.has_exit == w.has_exit &&
		      !r.cmdline == !w.cmdline);
		dat_recording_release(&w);
		dat_recording_release(&r);
	}
	/* A last line with its newline whose fields were cut, or a NUL tail (power loss). */
	nwarned = 0;
	CHECK(parse("MEM 1 1000\nHEAP 1 2 1000\n", &r, &e) == 0);
	CHECK(r.mem.n == 1 && r.heap.n == 0);
	CHECK(nwarned == 1);
	CHECK_STR(warned[0], "t.dat:2: last line is incomplete; read up to line 1");
	dat_recording_release(&r);
	CHECK(dat_parse("t.dat", "MEM 1 1000\nMEM 2 10\0\0\0\0", 22, &r, &e) == 0);
	CHECK(r.mem.n == 1);
	CHECK_STR(warned[1], "t.dat:2: last line is incomplete; read up to line 1");
	dat_recording_release(&r);
	CHECK(dat_parse("t.dat", "MEM 1 1000\n\0\0\0\0", 15, &r, &e) == 0);
	CHECK(r.mem.n == 1 && nwarned == 3);
	dat_recording_release(&r);
	/* A child line cut short adds no child. */
	CHECK(parse("MEM 1 1000\nCHLD 42 1\n", &r, &e) == 0);
	CHECK(r.nchildren == 0);
	dat_recording_release(&r);
	/* Anywhere but the last line, the same damage is an error naming the line. */
	CHECK(parse("MEM 1 1000\nMEM 2 10\nMEM 3 1001\n", &r, &e) == 0);
	dat_recording_release(&r);
	CHECK(parse("MEM 1 1000\nHEAP 1 2 1000\nMEM 3 1001\n", &r, &e) == -1);
	CHECK_STR(e.msg, "t.dat:2: expected 'HEAP <MiB> <peak MiB> <time> <allocs> <frees> <mmap MiB> [<min MiB>]'");
	CHECK(dat_parse("t.dat", "MEM 1 1000\n\0\0\nMEM 3 1001\n", 24, &r, &e) == -1);
	CHECK_STR(e.msg, "t.dat:2: not a recording line (NUL byte)");
	core_warn_hook = NULL;
}

static void numbers_are_decimal_and_finite(void)
{
	static const char *const bad[] = {
	    "inf", "-inf", "+INF", "Infinity", "nan", "NaN", "-nan", "NAN(0x1)", "0x10",
	    "0x1p3", "1e999", "-1e999", "1e400", "1e", "1e+", ".", "-", "+", "1.2.3", "1,5",
	    "١",
	};
	static const char *const lines[] = {
	    "MEM %s 1000", "MEM 1 %s", "MAXRSS %s 1000", "HEAP %s 1 1000 1 1 0",
	    "HEAP 1 1 1000 1 1 %s", "CHLD 7 %s 1000", "CHLDHEAP 7 1 %s 1000 1 1 0",
	    "FUNC f %s 1000 2 1001 0", "FUNC f 1 1000 2 %s 0", "EXIT 0 %s 5", "EXIT 0 1001 %s",
	};
	struct dat_recording r;
	struct err e;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		for (size_t k = 0; k < sizeof(lines) / sizeof(lines[0]); k++) {
			char line[128], text[256];
			const char *at = strstr(lines[k], "%s");
			snprintf(line, sizeof(line), "%.*s%s%s", (int)(at - lines[k]), lines[k],
				 bad[i], at + 2);
			snprintf(text, sizeof(text), "MEM 1 999\n%s\nMEM 2 1002\n", line);
			int rc = parse(text, &r, &e);
			CHECK(rc == -1);
			if (rc == 0) {
				printf("  accepted: %s\n", line);
				dat_recording_release(&r);
			} else {
				CHECK(strncmp(e.msg, "t.dat:2: expected '", 19) == 0);
			}
		}
	static const char *const good[] = {"1", "-1.5", "+2", "1e3", "1.5E-3", ".5", "5.",
					   "0012", "1E+2"};
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		char text[128];
		snprintf(text, sizeof(text), "MEM %s 1000\nFUNC f %s 1000 2 1001 0\nMEM 1 1001\n",
			 good[i], good[i]);
		CHECK(parse(text, &r, &e) == 0);
		CHECK(r.mem.n == 2 && r.nfuncs == 1 && isfinite(r.mem.v[0].mib));
		CHECK(r.mem.v[0].mib == strtod(good[i], NULL));
		dat_recording_release(&r);
	}
}

/* docs/format.md's line tables and dat_kinds list the same kinds, in the same order,
 * with the same syntax and version: adding a kind to one without the other fails. */
static void the_format_doc_lists_the_code_table(void)
{
	const char *top = getenv("MPROF_TOP");
	char path[4096];
	snprintf(path, sizeof(path), "%s/docs/format.md", top ? top : ".");
	struct err e;
	char *doc = read_file(path, NULL, &e);
	CHECK(doc != NULL);
	if (!doc)
		return;
	int k = 0;
	for (char *line = strtok(doc, "\n"); line; line = strtok(NULL, "\n")) {
		/* A row "| `KIND fields` | since | meaning |": an upper-case kind. */
		if (strncmp(line, "| `", 3) || line[3] < 'A' || line[3] > 'Z')
			continue;
		char syntax[256], since[32];
		size_t n = 0;
		for (const char *p = line + 3; *p && *p != '`' && n + 1 < sizeof(syntax); p++)
			if (!(p[0] == '\\' && p[1] == '|')) /* markdown's escaped pipe */
				syntax[n++] = *p;
		syntax[n] = '\0';
		const char *rest = strstr(line + 3, "` | ");
		CHECK(rest && sscanf(rest + 4, "%31s", since) == 1);
		CHECK(k < DAT_NKINDS);
		if (k >= DAT_NKINDS || !rest)
			break;
		CHECK_STR(syntax, dat_kinds[k].syntax);
		char want[16];
		snprintf(want, sizeof(want), "%d", dat_kinds[k].since);
		CHECK_STR(since, dat_kinds[k].since ? want : "original");
		k++;
	}
	CHECK(k == DAT_NKINDS);
	free(doc);
}

/* Every kind's name starts its syntax, and the tokenizer finds each kind by name. */
static void the_table_names_every_kind(void)
{
	for (int k = 0; k < DAT_NKINDS; k++) {
		size_t n = strlen(dat_kinds[k].name);
		CHECK(!strncmp(dat_kinds[k].syntax, dat_kinds[k].name, n) &&
		      dat_kinds[k].syntax[n] == ' ');
		char line[64];
		snprintf(line, sizeof(line), "%s 1 2", dat_kinds[k].name);
		struct dat_line l;
		CHECK(dat_tokenize(line, &l) == 0 && l.kind == (enum dat_kind)k);
	}
}

int main(void)
{
	static const struct unit_test tests[] = {
		{"reads the original's lines", reads_the_originals_lines},
		{"true peak counts interval maxima and exit", true_peak_counts_interval_maxima_and_exit},
		{"unknown kinds are skipped", unknown_kinds_are_skipped},
		{"errors name file and line", errors_name_file_and_line},
		{"a cut last line is left out with one warning",
		 a_cut_last_line_is_left_out_with_one_warning},
		{"numbers are decimal and finite", numbers_are_decimal_and_finite},
		{"writer round-trips and never overwrites", writer_round_trips_and_never_overwrites},
		{"the format doc lists the code table", the_format_doc_lists_the_code_table},
		{"the table names every kind", the_table_names_every_kind},
		{0},
	};
	return unit_run("test_dat", tests);
}
