/* sampling.h - --stacks=sample's random gaps: a seed per thread and process, xorshift64*,
 * exponential byte gaps (no libm). */
#ifndef MPROF_PRELOAD_SAMPLING_H
#define MPROF_PRELOAD_SAMPLING_H

#include <stdint.h>

/* splitmix64's finalizer: a bijection of 64-bit words that spreads every input bit
 * over the whole output. */
static inline uint64_t sampling_mix(uint64_t z)
{
	z += 0x9E3779B97F4A7C15ULL;
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

/* The first random state of a thread (never 0), from the address of its
 * thread-local state, its process id and a clock in nanoseconds. Each step is a
 * bijection: two processes with different ids seeded at the same moment, or one
 * seeded at different moments, never share a state, whatever the numbers (a
 * forked child has its parent's addresses, and siblings' ids and clocks are
 * close). */
static inline uint64_t sampling_seed(uint64_t thread, uint64_t pid, uint64_t ns)
{
	uint64_t s = sampling_mix(sampling_mix(sampling_mix(ns) ^ pid) ^ thread);
	return s ? s : 1;
}

/* The next random word of state *x (xorshift64*; *x never 0). */
static inline uint64_t sampling_next(uint64_t *state)
{
	uint64_t x = *state;
	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*state = x ? x : 1;
	return x * 0x2545F4914F6CDD1DULL;
}

/* The natural logarithm of u in (0, 1], to about 1e-15: libmprof.so does not load
 * libm, whose pages would stay in every hooked process's RSS. u = m * 2^e with m in
 * [1, 2), ln m = 2 atanh(s) for s = (m - 1) / (m + 1) in [0, 1/3). */
static inline double sampling_ln_unit(double u)
{
	int e = 0;
	while (u < 1.0) {
		u *= 2.0;
		e--;
	}
	double s = (u - 1.0) / (u + 1.0), s2 = s * s, term = s, sum = 0.0;
	for (int k = 1; k < 40; k += 2) {
		sum += term / k;
		term *= s2;
	}
	return 2.0 * sum + e * 0.69314718055994530942;
}

/* Bytes to the next sample point from the random word r: exponential with the
 * given mean, so every byte has the same chance and the sampling keeps no memory
 * of the past. At least 1. */
static inline int64_t sampling_gap(uint64_t r, double mean)
{
	double u = ((double)(r >> 11) + 1.0) / 9007199254740993.0; /* (0, 1] */
	double d = -sampling_ln_unit(u) * mean;
	return d < 1 ? 1 : d > 1e18 ? (int64_t)1e18 : (int64_t)d;
}

#endif
