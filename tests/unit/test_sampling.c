/* test_sampling.c - --stacks=sample's random gaps: every process and moment seeds its own stream, and the first gap is exponential with the chosen mean. */
#include <stdint.h>
#include <stdlib.h>

#include "preload/sampling.h"
#include "unit.h"

/* A thread-local state's address, as a forked child shares it with its parent. */
#define THREAD 0x7f3b651d46b8ULL
#define MEAN 524288.0

static int by_value(const void *x, const void *y)
{
	uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;
	return (a > b) - (a < b);
}

/* How many values of v[0..n) equal another one (after sorting v). */
static size_t repeats(uint64_t *v, size_t n)
{
	qsort(v, n, sizeof(*v), by_value);
	size_t same = 0;
	for (size_t i = 1; i < n; i++)
		same += v[i] == v[i - 1];
	return same;
}

static void siblings_never_share_a_stream(void)
{
	/* 64 sibling pids seeded within 4 us of one another (a mix of id and clock
	 * that lets 1000 at 5 ns meet 1005 at 0 ns repeats them). */
	enum { PIDS = 64, NS = 4096 };
	uint64_t *s = malloc(sizeof(*s) * PIDS * NS);
	for (uint64_t p = 0; p < PIDS; p++)
		for (uint64_t t = 0; t < NS; t++)
			s[p * NS + t] = sampling_seed(THREAD, 1000 + p, 1000000000 + t);
	CHECK(repeats(s, PIDS * NS) == 0);
	/* and no seed is the stuck state 0 of xorshift */
	CHECK(s[0] != 0);
	free(s);
}

static void one_process_seeds_each_thread_apart(void)
{
	uint64_t s[256];
	for (uint64_t i = 0; i < 256; i++)
		s[i] = sampling_seed(THREAD + i * 0x801000, 4242, 77);
	CHECK(repeats(s, 256) == 0);
}

/* The first gap of many processes seeded at the same moment: the chance that a
 * block of x bytes is missed, P(gap > x), is e^(-x / mean). */
static void the_first_gap_is_exponential(void)
{
	enum { N = 1 << 20 };
	double sum = 0;
	size_t over[4] = {0, 0, 0, 0}; /* gaps over 1, 2, 4, 8 means */
	for (uint64_t p = 0; p < N; p++) {
		uint64_t st = sampling_seed(THREAD, 300 + p, 5000000);
		int64_t g = sampling_gap(sampling_next(&st), MEAN);
		CHECK(g >= 1);
		sum += (double)g;
		for (int k = 0; k < 4; k++)
			over[k] += (double)g > MEAN * (double)(1 << k);
	}
	CHECK_NEAR(sum / N / MEAN, 1.0, 0.01);
	CHECK_NEAR((double)over[0] / N, exp(-1), 0.01 * exp(-1));
	CHECK_NEAR((double)over[1] / N, exp(-2), 0.02 * exp(-2));
	CHECK_NEAR((double)over[2] / N, exp(-4), 0.05 * exp(-4));
	/* e^-8 of 2^20: about 352; a 4 MiB block per child is missed this often */
	CHECK(over[3] > 352 - 80 && over[3] < 352 + 80);
}

static void the_logarithm_is_libms(void)
{
	static const double u[] = {1.0, 0.999999, 0.75, 0.5, 0.1, 3.3e-4, 1e-9, 1.1e-16};
	for (size_t i = 0; i < sizeof(u) / sizeof(u[0]); i++)
		CHECK_NEAR(sampling_ln_unit(u[i]), log(u[i]), 1e-13 * (1 + fabs(log(u[i]))));
	CHECK(sampling_gap(UINT64_MAX, MEAN) == 1); /* u = 1: the least gap */
}

int main(void)
{
	static const struct unit_test tests[] = {
	    {"siblings never share a stream", siblings_never_share_a_stream},
	    {"one process seeds each thread apart", one_process_seeds_each_thread_apart},
	    {"the first gap is exponential", the_first_gap_is_exponential},
	    {"the logarithm is libm's", the_logarithm_is_libms},
	    {0},
	};
	return unit_run(__FILE__, tests);
}
