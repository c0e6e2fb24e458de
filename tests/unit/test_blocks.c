/* test_blocks.c - the launcher's live-block table: every block kept exactly (odd addresses, sizes and stacks too), and at most 24 bytes a block at any size. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/blocks.h"
#include "unit.h"

static uint64_t rng = 88172645463325252ULL;

static uint64_t rand64(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* A model of the table: one entry per address of a small pool, so that the same
 * addresses come back (a block whose free was never seen, reuse after free). */
#define POOL 4096
struct model {
	uint64_t ptr[POOL], size[POOL];
	uint32_t stack[POOL];
	int live[POOL];
};

static uint64_t odd_ptr(size_t i)
{
	switch (i % 8) {
	case 0:
		return i ? 0xffff000000000000ULL + i : 0; /* 0: only a forged event has it */
	case 1:
		return UINT64_MAX - i; /* above any user-space address */
	case 2:
		return (UINT64_C(1) << 48) + 16 * i; /* just above what packs */
	case 3:
		return 0x7f0000000008ULL + 24 * i; /* 8-byte aligned (a foreign allocator) */
	default:
		return 0x555555550000ULL + 48 * i;
	}
}

static void matches_a_model_under_random_puts_and_takes(void)
{
	static struct model m;
	struct blocks *b = blocks_new();
	for (size_t i = 0; i < POOL; i++)
		m.ptr[i] = odd_ptr(i);
	size_t live = 0;
	int wrong = 0;
	for (long op = 0; op < 400000; op++) {
		size_t i = rand64() % POOL;
		uint64_t r = rand64();
		if (r % 3) { /* allocation: a size and stack, rarely ones that do not pack */
			uint64_t size = r % 97 == 0 ? (UINT64_C(1) << 32) + r % 1000 : (r >> 8) % 5000;
			uint32_t stack = r % 89 == 0 ? 0x10000u + (uint32_t)(r % 7) : (uint32_t)(r >> 40) % 32769;
			blocks_put(b, m.ptr[i], size, stack);
			live += !m.live[i];
			m.size[i] = size;
			m.stack[i] = stack;
			m.live[i] = 1;
		} else {
			uint64_t size = 0;
			uint32_t stack = 0;
			int got = blocks_take(b, m.ptr[i], &size, &stack);
			if (got != m.live[i] || (got && (size != m.size[i] || stack != m.stack[i])))
				wrong++;
			live -= m.live[i];
			m.live[i] = 0;
		}
		if (blocks_count(b) != live)
			wrong++;
	}
	CHECK(wrong == 0);
	for (size_t i = 0; i < POOL; i++) {
		uint64_t size = 0;
		uint32_t stack = 0;
		int got = blocks_take(b, m.ptr[i], &size, &stack);
		CHECK(got == m.live[i]);
		if (got)
			CHECK(size == m.size[i] && stack == m.stack[i]);
	}
	CHECK(blocks_count(b) == 0);
	blocks_free(b);
}

/* The memory a table holds for n blocks, as allocators hand out addresses. */
static void at_most_24_bytes_a_block_at_every_size(void)
{
	struct blocks *b = blocks_new();
	uint64_t base = 0x555555560000ULL;
	double worst = 0;
	long worst_n = 0;
	for (long n = 1; n <= 1000000; n++) {
		blocks_put(b, base + 32 * (uint64_t)n, 24, (uint32_t)(n % 100));
		if (n >= 100000 && n % 1000 == 0) {
			double per = (double)blocks_memory(b) / (double)n;
			if (per > worst) {
				worst = per;
				worst_n = n;
			}
		}
	}
	printf("# worst: %.1f bytes a block at %ld blocks\n", worst, worst_n);
	CHECK(worst <= 24);
	CHECK(blocks_count(b) == 1000000);
	/* Freed down to a tenth, the table gives its memory back. */
	size_t full = blocks_memory(b);
	uint64_t size;
	uint32_t stack;
	long found = 0;
	for (long n = 1; n <= 900000; n++)
		found += blocks_take(b, base + 32 * (uint64_t)n, &size, &stack);
	CHECK(found == 900000 && blocks_count(b) == 100000);
	CHECK(blocks_memory(b) < full / 4);
	CHECK((double)blocks_memory(b) / 100000 <= 24);
	for (long n = 900001; n <= 1000000; n++)
		CHECK(blocks_take(b, base + 32 * (uint64_t)n, &size, &stack) && size == 24 &&
		      stack == (uint32_t)(n % 100));
	blocks_free(b);
}

int main(void)
{
	static const struct unit_test tests[] = {
	    {"matches a model under random puts and takes",
	     matches_a_model_under_random_puts_and_takes},
	    {"at most 24 bytes a block at every size", at_most_24_bytes_a_block_at_every_size},
	    {0},
	};
	return unit_run(__FILE__, tests);
}
