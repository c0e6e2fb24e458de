/* test_gnuplot.c - gp_quote: the forms gnuplot 5.4 parses, and any byte string read back by gnuplot itself as the same text, with nothing run. */
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "core/gnuplot.h"
#include "core/launch.h"
#include "unit.h"

static void check_quote(const char *in, const char *want)
{
	char *q = gp_quote(in);
	CHECK_STR(q, want);
	free(q);
}

static void quotes_in_forms_gnuplot_parses(void)
{
	check_quote("", "''");
	check_quote("plain text", "'plain text'");
	check_quote("it's", "'it''s'");
	check_quote("x'", "'x'''");
	/* gnuplot 5.4 rejects '''x' and 'a''''b': a doubled quote must follow another character. */
	check_quote("'x", "sprintf('%c',39).'x'");
	check_quote("'", "sprintf('%c',39)");
	check_quote("a''b", "'a'''.sprintf('%c',39).'b'");
	check_quote("'./sp dir/my prog'", "sprintf('%c',39).'./sp dir/my prog'''");
	check_quote("\"`@%\\", "'\"`@%\\'");
}

static void drops_control_bytes_and_replaces_bad_utf8(void)
{
	check_quote("a\nb\rc\td\x01\x7f", "'abcd'");
	check_quote("\n'", "sprintf('%c',39)");
	check_quote("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", "'caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80'");
	check_quote("a\xff\xc3(b", "'a?" "?(b'");
	/* overlong, surrogate, above U+10FFFF, cut short */
	check_quote("\xc0\xaf|\xed\xa0\x80|\xf4\x90\x80\x80|\xe2\x82",
		    "'?" "?|?" "?" "?|?" "?" "?" "?|?" "?'");
}

/* Pieces of test strings, each with what gnuplot should print for it. */
static const char *const pieces[][2] = {
    {"'", "'"}, {"''", "''"}, {"\"", "\""}, {"`", "`"}, {"@evil", "@evil"}, {"\\", "\\"},
    {"%s", "%s"}, {"#", "#"}, {";", ";"}, {"!", "!"}, {"<", "<"}, {"|", "|"}, {"a", "a"},
    {" ", " "}, {"\n", ""}, {"\x01", ""}, {"\x7f", ""}, {"\xc3\xa9", "\xc3\xa9"},
    {"\xff", "?"}, {"\xe2\x82", "??"}, {"EOD", "EOD"}, {"system('touch PWNED')",
    "system('touch PWNED')"}, {"`touch PWNED`", "`touch PWNED`"}, {"$", "$"},
};

static void gnuplot_reads_back_any_bytes_and_runs_nothing(void)
{
	char *exe = launch_find_program("gnuplot");
	if (!exe) {
		printf("  skip: gnuplot is not installed\n");
		return;
	}
	free(exe);
	enum { NSTR = 400, NPIECES = sizeof(pieces) / sizeof(pieces[0]) };
	static char in[NSTR][200], want[NSTR][200];
	srand(12345);
	for (int i = 0; i < NSTR; i++) {
		/* The first strings are single pieces and pairs; the rest random runs. */
		int n = i < NPIECES ? 1 : 1 + rand() % 8;
		for (int k = 0; k < n; k++) {
			int j = i < NPIECES ? i : rand() % NPIECES;
			strcat(in[i], pieces[j][0]);
			strcat(want[i], pieces[j][1]);
		}
	}
	char dir[] = "/tmp/mprof-test-gp-XXXXXX";
	CHECK(mkdtemp(dir) != NULL);
	char script[64], outp[64], pwned[64];
	snprintf(script, sizeof(script), "%s/t.gp", dir);
	snprintf(outp, sizeof(outp), "%s/out", dir);
	snprintf(pwned, sizeof(pwned), "%s/PWNED", dir);
	FILE *f = fopen(script, "w");
	CHECK(f != NULL);
	if (!f)
		return;
	/* A macro that would show, and commands that would leave a file, if anything ran. */
	fprintf(f, "evil = \"print 'MACRO RAN'\"\ncd '%s'\nset print '-'\n", dir);
	for (int i = 0; i < NSTR; i++) {
		char *q = gp_quote(in[i]);
		fprintf(f, "print '<'.%s.'>'\n", q);
		free(q);
	}
	fclose(f);
	int fd = open(outp, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	struct err e;
	int rc = gp_run(script, fd, &e);
	if (rc)
		printf("  %s\n", e.msg);
	CHECK(rc == 0);
	close(fd);
	f = fopen(outp, "r");
	char line[512];
	for (int i = 0; f && i < NSTR; i++) {
		char got[512] = "";
		if (fgets(line, sizeof(line), f)) {
			line[strcspn(line, "\n")] = '\0';
			size_t n = strlen(line);
			if (n >= 2 && line[0] == '<' && line[n - 1] == '>')
				snprintf(got, sizeof(got), "%.*s", (int)n - 2, line + 1);
		}
		CHECK_STR(got, want[i]);
	}
	CHECK(!f || !fgets(line, sizeof(line), f));
	if (f)
		fclose(f);
	CHECK(access(pwned, F_OK) != 0);
	unlink(pwned);
	unlink(script);
	unlink(outp);
	rmdir(dir);
}

int main(void)
{
	static const struct unit_test tests[] = {
		{"quotes in forms gnuplot parses", quotes_in_forms_gnuplot_parses},
		{"drops control bytes and replaces bad utf8", drops_control_bytes_and_replaces_bad_utf8},
		{"gnuplot reads back any bytes and runs nothing",
		 gnuplot_reads_back_any_bytes_and_runs_nothing},
		{0},
	};
	return unit_run("test_gnuplot", tests);
}
