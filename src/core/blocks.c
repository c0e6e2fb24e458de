/* blocks.c - the launcher's table of a process image's live blocks (--stacks): address to size and
 * stack, in about 20 bytes a block. */
#include "core/blocks.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "core/util.h"

/*
 * A block takes 12 bytes: a key (address << 16 | stack) and a 32-bit size, in
 * an open-addressing table with linear probing (one cache line read per lookup). A program with
 * 10^7 live blocks keeps this table at hundreds of MiB, so three things keep it
 * near 12 bytes a block, including while it grows:
 *  - 256 parts, chosen by the address's hash, each growing on its own: a growth
 *    holds the old and the new arrays of one part at once, not of the whole table;
 *  - a part stays between 50 % and 80 % full (it grows by 4/3 to 60 %, and
 *    shrinks to 65 % once below 50 %): 15 to 20 bytes a block as it grows, at
 *    most 24 as blocks are freed;
 *  - a part of a page or more is mapped with mmap and unmapped when it moves,
 *    so its memory goes back to the system at once instead of staying in the heap.
 * Addresses from 2^48, stacks from 2^16 and sizes from 2^32 (which no program
 * makes on x86-64 Linux, but the program writes what the launcher reads) go to a
 * small table of whole entries instead.
 */

#define PARTS 256
#define KEY_PTR_BITS 48
#define KEY_STACK_BITS (64 - KEY_PTR_BITS)
#define PART_MIN 16  /* entries of a part's first array */
#define MAP_MIN 4096 /* arrays of this many bytes or more are mapped */

/* A packed block: its key (address << 16 | stack; 0 empty, as address 0 goes to
 * odd) in two halves, so that an entry takes 12 bytes and stays 4-byte aligned. */
struct slot {
	uint32_t key_lo, key_hi, size;
};

struct part {
	struct slot *slots;
	uint32_t cap, n;
	size_t bytes;
	int mapped; /* that allocation is a mapping of its own, else malloc's */
};

/* A block that does not pack: open addressing over a power-of-two array. */
struct odd {
	uint64_t ptr, size;
	uint32_t stack, used;
};

struct blocks {
	struct part parts[PARTS];
	struct odd *odd;
	size_t odd_cap, odd_n;
	size_t n, bytes;
};

/* The murmur3 finalizer: allocators hand out addresses 16 bytes apart. */
static uint64_t mix(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	x ^= x >> 33;
	return x;
}

static uint32_t home(uint64_t h, uint32_t cap)
{
	return (uint32_t)(((h & 0xffffffffu) * cap) >> 32);
}

static uint32_t next(uint32_t i, uint32_t cap)
{
	return i + 1 == cap ? 0 : i + 1;
}

/* ---- the parts ---- */

static uint64_t key_of(const struct slot *e)
{
	return (uint64_t)e->key_hi << 32 | e->key_lo;
}

static uint64_t ptr_of(const struct slot *e)
{
	return key_of(e) >> KEY_STACK_BITS;
}

/* The bytes of a part's array for want entries: a mapping takes whole pages, and
 * the rest of its last page is room too. */
static size_t part_bytes(uint32_t want)
{
	size_t bytes = (size_t)want * sizeof(struct slot);
	return bytes >= MAP_MIN ? (bytes + 4095) & ~(size_t)4095 : bytes;
}

static void part_alloc(struct blocks *b, struct part *p, uint32_t want)
{
	size_t bytes = part_bytes(want);
	void *mem = MAP_FAILED;
	if (bytes >= MAP_MIN) /* populated at once: it is all written while moving */
		mem = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	p->mapped = mem != MAP_FAILED;
	if (!p->mapped)
		mem = xcalloc(1, bytes);
	p->slots = mem;
	p->cap = (uint32_t)(bytes / sizeof(struct slot));
	p->bytes = bytes;
	b->bytes += bytes;
}

static void part_release(struct blocks *b, const struct part *p)
{
	if (!p->slots)
		return;
	if (p->mapped)
		munmap(p->slots, p->bytes);
	else
		free(p->slots);
	b->bytes -= p->bytes;
}

/* Moves the part's blocks into an array of about want entries. Read in order,
 * they arrive in the order of their homes, so the writes go forward too. */
static void part_resize(struct blocks *b, struct part *p, uint32_t want)
{
	struct part old = *p;
	part_alloc(b, p, want);
	for (uint32_t i = 0; i < old.cap; i++) {
		if (!old.slots[i].key_lo && !old.slots[i].key_hi)
			continue;
		uint32_t j = home(mix(ptr_of(&old.slots[i])), p->cap);
		while (p->slots[j].key_lo || p->slots[j].key_hi)
			j = next(j, p->cap);
		p->slots[j] = old.slots[i];
	}
	part_release(b, &old);
}

/* The entry holding ptr in p, or the empty entry where its probe ends. */
static struct slot *part_find(const struct part *p, uint64_t h, uint64_t ptr)
{
	uint32_t i = home(h, p->cap);
	for (;;) {
		uint64_t key = key_of(&p->slots[i]);
		if (!key || key >> KEY_STACK_BITS == ptr)
			return &p->slots[i];
		i = next(i, p->cap);
	}
}

static void part_put(struct blocks *b, struct part *p, uint64_t h, uint64_t key, uint32_t size)
{
	if (5 * ((uint64_t)p->n + 1) > 4 * (uint64_t)p->cap)
		part_resize(b, p, p->cap ? p->cap + p->cap / 3 : PART_MIN);
	struct slot *e = part_find(p, h, key >> KEY_STACK_BITS);
	if (!key_of(e)) {
		p->n++;
		b->n++;
	}
	*e = (struct slot){(uint32_t)key, (uint32_t)(key >> 32), size};
}

static int part_take(struct blocks *b, struct part *p, uint64_t h, uint64_t ptr, uint64_t *size,
		     uint32_t *stack)
{
	if (!p->n)
		return 0;
	struct slot *e = part_find(p, h, ptr);
	if (!key_of(e))
		return 0;
	*size = e->size;
	*stack = e->key_lo & ((1u << KEY_STACK_BITS) - 1);
	/* Backward shift: later members of the cluster move into the hole when it
	 * lies between their home and where they are. */
	uint32_t hole = (uint32_t)(e - p->slots), cap = p->cap;
	for (uint32_t j = next(hole, cap); key_of(&p->slots[j]); j = next(j, cap)) {
		uint32_t at = home(mix(ptr_of(&p->slots[j])), cap);
		uint32_t from_home = j >= at ? j - at : j + cap - at;
		uint32_t from_hole = j >= hole ? j - hole : j + cap - hole;
		if (from_home >= from_hole) {
			p->slots[hole] = p->slots[j];
			hole = j;
		}
	}
	p->slots[hole] = (struct slot){0, 0, 0};
	p->n--;
	b->n--;
	/* Below half full, back to 65 % (when that takes fewer pages). */
	uint32_t want = p->n + p->n * 8 / 15 + PART_MIN;
	if (2 * (uint64_t)p->n < (uint64_t)p->cap && part_bytes(want) < p->bytes)
		part_resize(b, p, want);
	return 1;
}

/* ---- blocks that do not pack ---- */

static struct odd *odd_find(const struct blocks *b, uint64_t ptr)
{
	size_t mask = b->odd_cap - 1, i = mix(ptr) & mask;
	while (b->odd[i].used && b->odd[i].ptr != ptr)
		i = (i + 1) & mask;
	return &b->odd[i];
}

static void odd_put(struct blocks *b, uint64_t ptr, uint64_t size, uint32_t stack)
{
	if ((b->odd_n + 1) * 2 > b->odd_cap) {
		struct odd *old = b->odd;
		size_t n = b->odd_cap;
		b->odd_cap = n ? 2 * n : 16;
		b->odd = xcalloc(b->odd_cap, sizeof(*b->odd));
		for (size_t i = 0; i < n; i++)
			if (old[i].used)
				*odd_find(b, old[i].ptr) = old[i];
		free(old);
		b->bytes += (b->odd_cap - n) * sizeof(*b->odd);
	}
	struct odd *o = odd_find(b, ptr);
	if (!o->used) {
		b->odd_n++;
		b->n++;
	}
	*o = (struct odd){ptr, size, stack, 1};
}

static int odd_take(struct blocks *b, uint64_t ptr, uint64_t *size, uint32_t *stack)
{
	if (!b->odd_n)
		return 0;
	struct odd *o = odd_find(b, ptr);
	if (!o->used)
		return 0;
	*size = o->size;
	*stack = o->stack;
	size_t mask = b->odd_cap - 1, hole = (size_t)(o - b->odd);
	for (size_t j = (hole + 1) & mask; b->odd[j].used; j = (j + 1) & mask) {
		size_t at = mix(b->odd[j].ptr) & mask;
		if (((j - at) & mask) >= ((j - hole) & mask)) {
			b->odd[hole] = b->odd[j];
			hole = j;
		}
	}
	b->odd[hole].used = 0;
	b->odd_n--;
	b->n--;
	return 1;
}

/* ---- the table ---- */

struct blocks *blocks_new(void)
{
	struct blocks *b = xcalloc(1, sizeof(*b));
	b->bytes = sizeof(*b);
	return b;
}

void blocks_free(struct blocks *b)
{
	if (!b)
		return;
	for (size_t i = 0; i < PARTS; i++)
		part_release(b, &b->parts[i]);
	free(b->odd);
	free(b);
}

static int packs(uint64_t ptr, uint64_t size, uint32_t stack)
{
	return ptr && ptr >> KEY_PTR_BITS == 0 && stack >> KEY_STACK_BITS == 0 &&
	       size <= UINT32_MAX;
}

void blocks_put(struct blocks *b, uint64_t ptr, uint64_t size, uint32_t stack)
{
	uint64_t h = mix(ptr), old_size;
	uint32_t old_stack;
	struct part *p = &b->parts[h >> 56];
	if (packs(ptr, size, stack)) {
		odd_take(b, ptr, &old_size, &old_stack);
		part_put(b, p, h, ptr << KEY_STACK_BITS | stack, (uint32_t)size);
	} else {
		if (ptr >> KEY_PTR_BITS == 0)
			part_take(b, p, h, ptr, &old_size, &old_stack);
		odd_put(b, ptr, size, stack);
	}
}

int blocks_take(struct blocks *b, uint64_t ptr, uint64_t *size, uint32_t *stack)
{
	uint64_t h = mix(ptr);
	if (ptr >> KEY_PTR_BITS == 0 && part_take(b, &b->parts[h >> 56], h, ptr, size, stack))
		return 1;
	return odd_take(b, ptr, size, stack);
}

size_t blocks_count(const struct blocks *b)
{
	return b->n;
}

size_t blocks_memory(const struct blocks *b)
{
	return b->bytes;
}
