/* unit.h - a minimal unit-test harness: TEST(name) functions, CHECK macros, TAP output (ok/not ok, a plan) for prove. */
#ifndef MPROF_UNIT_H
#define MPROF_UNIT_H

#include <math.h>
#include <stdio.h>
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

#endif
