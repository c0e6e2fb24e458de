/* unit.h - a minimal unit-test harness: TEST(name) functions, CHECK macros, TAP output (ok/not ok, a plan) for prove. */
#ifndef MPROF_UNIT_H
#define MPROF_UNIT_H

#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int unit_failed_checks;

#define CHECK(cond)                                                                                        \
	do {                                                                                               \
		if (!(cond)) {                                                                             \
			fprintf(stderr, "# %s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, #cond);         \
			unit_failed_checks++;                                                              \
		}                                                                                          \
	} while (0)

#define CHECK_STR(a, b)                                                                                    \
	do {                                                                                               \
		const char *a_ = (a), *b_ = (b);                                                           \
		if (!a_ || !b_ || strcmp(a_, b_)) {                                                        \
			fprintf(stderr, "# %s:%d: '%s' != '%s'\n", __FILE__, __LINE__, a_ ? a_ : "(null)", \
			       b_ ? b_ : "(null)");                                                        \
			unit_failed_checks++;                                                              \
		}                                                                                          \
	} while (0)

#define CHECK_NEAR(a, b, tol)                                                                              \
	do {                                                                                               \
		double a_ = (a), b_ = (b);                                                                 \
		if (!(fabs(a_ - b_) <= (tol))) {                                                           \
			fprintf(stderr, "# %s:%d: %g != %g (tolerance %g)\n", __FILE__, __LINE__, a_, b_,  \
			       (double)(tol));                                                             \
			unit_failed_checks++;                                                              \
		}                                                                                          \
	} while (0)

struct unit_test {
	const char *name;
	void (*fn)(void);
};

/* Runs each test, printing TAP: "ok N - <file>: <name>" or "not ok ...", then the plan
 * "1..N" (a binary that dies half-way has no plan, and prove counts it failed);
 * returns 1 if any failed. */
static inline int unit_run(const char *file, const struct unit_test *tests)
{
	int any = 0, n = 0;
	for (const struct unit_test *t = tests; t->name; t++) {
		unit_failed_checks = 0;
		fflush(stdout);
		t->fn();
		fflush(stderr);
		printf("%s %d - %s: %s\n", unit_failed_checks ? "not ok" : "ok", ++n, file, t->name);
		any |= unit_failed_checks != 0;
	}
	printf("1..%d\n", n);
	return any;
}

/* Feeds every file of the corpus folder <MPROF_TOP>/<rel> to fn (a libFuzzer entry
 * point), through read(), failing a check when a file cannot be read. Returns how many
 * files were fed. */
static inline int unit_replay_corpus(const char *rel, int (*fn)(const unsigned char *, size_t))
{
	const char *top = getenv("MPROF_TOP") ? getenv("MPROF_TOP") : ".";
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s", top, rel);
	DIR *d = opendir(path);
	CHECK(d != NULL);
	int n = 0;
	struct dirent *de;
	while (d && (de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		char file[8192];
		snprintf(file, sizeof(file), "%s/%s", path, de->d_name);
		FILE *f = fopen(file, "rb");
		CHECK(f != NULL);
		if (!f)
			continue;
		static unsigned char buf[1 << 22];
		size_t len = fread(buf, 1, sizeof(buf), f);
		fclose(f);
		fn(buf, len);
		n++;
	}
	if (d)
		closedir(d);
	return n;
}

#endif
