/* test_trust_channel.c - the launcher's channel reader takes whatever the program wrote: forged values are refused, saved fuzzer inputs replay cleanly. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>

#include "unit.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);
#include "../fuzz/fuzz_channel.c"

/* A channel the size of the real one, zeroed, with the launcher's own copies. */
static struct chan fresh(void)
{
	LLVMFuzzerTestOneInput((const unsigned char *)"", 0); /* maps and clears it */
	struct chan c = {(struct mprof_channel *)map, map_size, NULL, NULL, -1,
			 MPROF_MAX_PROCS, MPROF_STK_AREAS, MPROF_STK_ALL, 1};
	return c;
}

static void impossible_heap_counters_are_refused(void)
{
	struct chan c = fresh();
	struct mprof_proc *p = &c.map->procs[0];
	struct chan_heap h;
	atomic_store(&p->cells[3].net, 5000);
	atomic_store(&p->heap_peak, 7000);
	CHECK(chan_take_heap(p, &h) == 0);
	CHECK(h.live == 5000 && h.peak == 7000);
	atomic_store(&p->cells[1].net, INT64_MAX); /* would overflow the sum */
	CHECK(chan_take_heap(p, &h) == -1);
	CHECK(h.live == 0 && h.peak == 0);
	atomic_store(&p->cells[1].net, 0);
	atomic_store(&p->heap_peak, (int64_t)1 << 50); /* more than the address space */
	CHECK(chan_take_heap(p, &h) == -1);
	atomic_store(&p->mmap_live, UINT64_MAX);
	CHECK(chan_take_heap(p, &h) == -1);
	madvise(map, map_size, MADV_REMOVE);
}

static void a_retired_slot_keeps_no_counts_whatever_cells_used_says(void)
{
	struct chan c = fresh();
	struct mprof_proc *p = &c.map->procs[5];
	atomic_store(&p->state, MPROF_PROC_LIVE);
	atomic_store(&p->cells[40].net, 123456); /* beyond what cells_used names */
	atomic_store(&p->cells[40].owned, 1);
	atomic_store(&p->cells[2].allocs, 9);
	atomic_store(&p->cells_used, 0);
	chan_retire(&c, p);
	struct chan_heap h;
	CHECK(chan_take_heap(p, &h) == 0);
	CHECK(h.live == 0);
	CHECK(atomic_load(&p->cells[40].owned) == 0 && atomic_load(&p->cells[2].allocs) == 0);
	CHECK(atomic_load(&p->state) == MPROF_PROC_FREE);
	madvise(map, map_size, MADV_REMOVE);
}

static void forged_ring_pointers_read_nothing(void)
{
	struct chan c = fresh();
	struct mprof_proc *p = &c.map->procs[0];
	size_t names = 0;
	uint64_t dropped = 99;
	atomic_store(&p->ev_head, (uint64_t)1 << 62); /* far beyond the ring */
	CHECK(chan_drain(&c, p, on_event, &names, &dropped) == -1);
	CHECK(names == 0 && dropped == 0);
	atomic_store(&p->ev_tail, 10);
	atomic_store(&p->ev_head, 5); /* behind the tail */
	CHECK(chan_drain(&c, p, on_event, &names, &dropped) == -1);
	atomic_store(&p->ev_tail, 0);
	atomic_store(&p->ev_head, 0);
	atomic_store(&p->ev_dropped, UINT64_MAX - 5); /* a forged loss count */
	CHECK(chan_drain(&c, p, on_event, &names, &dropped) == -1);
	atomic_store(&p->ev_dropped, 3);
	CHECK(chan_drain(&c, p, on_event, &names, &dropped) == 0);
	CHECK(dropped == 3);
	madvise(map, map_size, MADV_REMOVE);
}

static void a_name_without_terminator_is_cut(void)
{
	struct chan c = fresh();
	struct mprof_proc *p = &c.map->procs[0];
	memset(p->ring[0].name, 'A', sizeof(p->ring[0].name));
	atomic_store(&p->ring[0].seq, 1);
	atomic_store(&p->ev_head, 1);
	size_t names = 0;
	uint64_t dropped;
	CHECK(chan_drain(&c, p, on_event, &names, &dropped) == 0);
	CHECK(names == MPROF_NAME_MAX - 1);
	madvise(map, map_size, MADV_REMOVE);
}

static void the_shared_header_sizes_nothing(void)
{
	struct chan c = fresh();
	/* The program claims a thousand areas and slots: the launcher keeps its own. */
	c.map->nareas = 1000;
	c.map->nprocs = 0xFFFFFFFFu;
	atomic_store(&c.map->procs_used, 0xFFFFFFFFu);
	CHECK(chan_used(&c) == MPROF_MAX_PROCS);
	CHECK(chan_area(&c, MPROF_STK_AREAS) == NULL);
	struct stk_session *s = stk_open(&c);
	CHECK(stk_poll(s, 0) == 0);
	stk_poll(s, 1);
	stk_free(s);
	madvise(map, map_size, MADV_REMOVE);
}

/* An area whose owner is this process, with one allocation of the given stack id. */
static struct mprof_stk_area *one_alloc(struct chan *c, uint32_t id, uint64_t seq)
{
	struct mprof_proc *p = &c->map->procs[0];
	atomic_store(&c->map->procs_used, 1);
	atomic_store(&p->pid, (int32_t)getpid());
	atomic_store(&p->state, MPROF_PROC_LIVE);
	struct mprof_stk_area *a = chan_area(c, 0);
	atomic_store(&a->pid, (int32_t)getpid());
	a->proc_index = 0;
	atomic_store(&a->head, 1);
	a->ring[0].ptr = 0x1000;
	a->ring[0].word = (uint64_t)id << MPROF_STK_SIZE_BITS | 64;
	atomic_store(&a->ring[0].seq, seq);
	atomic_store(&a->state, MPROF_AREA_LIVE);
	return a;
}

static void stack_ids_beyond_the_table_are_no_stack(void)
{
	static const uint32_t ids[] = {MPROF_STK_UNKNOWN, MPROF_STK_TABLE + 1, 0xFFFFFEu};
	for (size_t k = 0; k < sizeof(ids) / sizeof(ids[0]); k++) {
		struct chan c = fresh();
		struct mprof_stk_area *a = one_alloc(&c, ids[k], 1);
		struct stk_session *s = stk_open(&c);
		CHECK(stk_poll(s, 0) == 1);
		CHECK(atomic_load(&a->dead) == 0);
		stk_poll(s, 1);
		stk_free(s);
	}
	madvise(map, map_size, MADV_REMOVE);
}

static void a_forged_ring_entry_closes_the_area(void)
{
	struct chan c = fresh();
	struct mprof_stk_area *a = one_alloc(&c, 1, 12345); /* neither free nor published */
	struct stk_session *s = stk_open(&c);
	CHECK(stk_poll(s, 0) == 0);
	CHECK(atomic_load(&a->dead) == 1); /* its hooks stop sending and waiting */
	stk_poll(s, 1);
	stk_free(s);
	c = fresh();
	a = one_alloc(&c, 1, 0);
	atomic_store(&a->head, (uint64_t)1 << 60); /* a head out of reach */
	s = stk_open(&c);
	stk_poll(s, 0);
	CHECK(atomic_load(&a->dead) == 1);
	stk_poll(s, 1);
	stk_free(s);
	madvise(map, map_size, MADV_REMOVE);
}

static void every_saved_channel_input_reads_cleanly(void)
{
	CHECK(unit_replay_corpus("tests/fuzz/channel", LLVMFuzzerTestOneInput) >= 4);
}

int main(void)
{
	static const struct unit_test tests[] = {
		{"impossible heap counters are refused", impossible_heap_counters_are_refused},
		{"forged ring pointers read nothing", forged_ring_pointers_read_nothing},
		{"a retired slot keeps no counts whatever cells_used says",
		 a_retired_slot_keeps_no_counts_whatever_cells_used_says},
		{"a name without terminator is cut", a_name_without_terminator_is_cut},
		{"the shared header sizes nothing", the_shared_header_sizes_nothing},
		{"stack ids beyond the table are no stack", stack_ids_beyond_the_table_are_no_stack},
		{"a forged ring entry closes the area", a_forged_ring_entry_closes_the_area},
		{"every saved channel input reads cleanly", every_saved_channel_input_reads_cleanly},
		{0},
	};
	return unit_run("test_trust_channel", tests);
}
