/* fuzz_channel.c - libFuzzer target for the launcher's channel reader: the program under test may write anything into the shared mapping. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "core/chanread.h"
#include "core/stacks.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The input is a list of patches laid over a freshly made channel with stack areas:
 *   region (1 byte: 0 header, 1 a process slot, 2 a stack area), which (2 bytes: the
 *   slot or area), offset (4 bytes, within it), length (1 byte), bytes.
 * Offsets are taken modulo the region's size, so every byte the program could
 * write is reachable and the fuzzer spends no time on inputs that miss. */

static unsigned char *map;
static uint64_t map_size;

static void on_event(void *ctx, const struct mprof_proc *p, const struct mprof_event *ev)
{
	(void)p;
	size_t *n = ctx;
	*n += strlen(ev->name) + (size_t)ev->kind; /* the name must be terminated */
}

static uint32_t get(const uint8_t **d, size_t *left, int bytes)
{
	uint32_t v = 0;
	for (int i = 0; i < bytes && *left; i++, (*d)++, (*left)--)
		v |= (uint32_t)**d << (8 * i);
	return v;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!map) {
		map_size = mprof_area_offset(MPROF_MAX_PROCS, MPROF_STK_AREAS);
		map = mmap(NULL, map_size, PROT_READ | PROT_WRITE,
			   MAP_SHARED | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
		if (map == MAP_FAILED)
			abort();
	}
	struct chan c = {(struct mprof_channel *)map, map_size, NULL, NULL, -1,
			 MPROF_MAX_PROCS, MPROF_STK_AREAS, MPROF_STK_ALL, 1};
	if (size && (data[0] & 1)) {
		c.stk_mode = MPROF_STK_SAMPLE;
		c.sample_bytes = 1 + data[0];
	}
	uint64_t area_size = (sizeof(struct mprof_stk_area) + 4095) & ~(uint64_t)4095;
	while (size > 8) {
		uint32_t region = get(&data, &size, 1) % 3, which = get(&data, &size, 2);
		uint32_t off = get(&data, &size, 4), len = get(&data, &size, 1);
		uint64_t base = 0, span = sizeof(struct mprof_channel);
		if (region == 1) {
			which %= MPROF_MAX_PROCS;
			base = sizeof(struct mprof_channel) + (uint64_t)which * sizeof(struct mprof_proc);
			span = sizeof(struct mprof_proc);
		} else if (region == 2) {
			which %= MPROF_STK_AREAS;
			base = mprof_area_offset(MPROF_MAX_PROCS, which);
			span = area_size;
		}
		if (len > size)
			len = (uint32_t)size;
		uint64_t at = base + off % span;
		if (at + len > map_size)
			len = (uint32_t)(map_size - at);
		memcpy(map + at, data, len);
		data += len;
		size -= len;
	}
	/* What the sampler does each interval, then what the stack reader does. */
	size_t names = 0;
	for (uint32_t i = 0, n = chan_used(&c); i < n; i++) {
		struct mprof_proc *p = &c.map->procs[i];
		if (atomic_load(&p->state) != MPROF_PROC_LIVE)
			continue;
		struct chan_heap h;
		uint64_t dropped;
		chan_find(&c, atomic_load(&p->pid));
		chan_take_heap(p, &h);
		chan_drain(&c, p, on_event, &names, &dropped);
		chan_drain(&c, p, on_event, &names, &dropped);
	}
	struct stk_session *s = stk_open(&c);
	stk_poll(s, 0);
	stk_poll(s, 0);
	stk_poll(s, 1);
	stk_free(s);
	/* Back to zeros (shared anonymous memory gives its pages back). */
	madvise(map, map_size, MADV_REMOVE);
	return 0;
}
