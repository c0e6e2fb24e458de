/* scribble.c - writes garbage into its own mprof channel (argv[1] says how), allocating and forking around it; prints "scribble MODE done" (after a line when a child was killed by a signal) and exits 3. */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common/chanlayout.h"
#include "mprof.h"

static unsigned char *map;
static size_t map_size;
static int map_fd = -1;
static uint64_t rng = 0x9E3779B97F4A7C15ULL;
static int child_killed;

static uint64_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static void nap_ms(int ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

/* Allocation from many call sites, so --stacks has stacks to store. */
static void *__attribute__((noinline)) deep(int level, unsigned code)
{
	if (level == 0)
		return malloc(16 + (code & 255));
	switch (code & 15) {
	case 0: return deep(level - 1, code >> 4);
	case 1: return deep(level - 1, code >> 4);
	case 2: return deep(level - 1, code >> 4);
	case 3: return deep(level - 1, code >> 4);
	case 4: return deep(level - 1, code >> 4);
	case 5: return deep(level - 1, code >> 4);
	case 6: return deep(level - 1, code >> 4);
	case 7: return deep(level - 1, code >> 4);
	case 8: return deep(level - 1, code >> 4);
	case 9: return deep(level - 1, code >> 4);
	case 10: return deep(level - 1, code >> 4);
	case 11: return deep(level - 1, code >> 4);
	case 12: return deep(level - 1, code >> 4);
	case 13: return deep(level - 1, code >> 4);
	case 14: return deep(level - 1, code >> 4);
	default: return deep(level - 1, code >> 4);
	}
}

/* Some allocation, a bracket, and a child that allocates and exits. */
static void work(void)
{
	void *keep[64];
	mprof_enter("work");
	for (int r = 0; r < 4; r++) {
		for (int i = 0; i < 64; i++)
			keep[i] = deep(2, (unsigned)rnd());
		for (int i = 0; i < 64; i++)
			free(keep[i]);
	}
	mprof_leave();
	pid_t pid = fork();
	if (pid == 0) {
		for (int i = 0; i < 64; i++)
			free(deep(2, (unsigned)rnd()));
		nap_ms(5);
		_exit(0);
	}
	int st = 0;
	if (pid > 0 && waitpid(pid, &st, 0) == pid && WIFSIGNALED(st))
		child_killed = WTERMSIG(st); /* the hooks must not break the program */
	nap_ms(15); /* a few of the launcher's samples */
}

static int attach(void)
{
	const char *path = getenv(MPROF_CHANNEL_ENV);
	if (!path)
		return -1;
	map_fd = open(path, O_RDWR | O_CLOEXEC);
	struct stat st;
	if (map_fd < 0 || fstat(map_fd, &st) || st.st_size < (off_t)sizeof(struct mprof_channel))
		return -1;
	map_size = (size_t)st.st_size;
	map = mmap(NULL, map_size, PROT_READ | PROT_WRITE, MAP_SHARED, map_fd, 0);
	return map == MAP_FAILED ? -1 : 0;
}

static void fill(void *p, size_t n, int how)
{
	unsigned char *b = p;
	for (size_t i = 0; i < n; i++)
		b[i] = how == 0 ? 0 : how == 1 ? 0xff : how == 2 ? (i == n - 1 ? 0x7f : 0xff)
							  : (unsigned char)rnd();
}

/* Sets the field [off, off+n) to 0, -1, huge and random in turn, working after each,
 * then puts the original bytes back. */
static void field(size_t off, size_t n)
{
	unsigned char save[64];
	if (off + n > map_size || n > sizeof(save))
		return;
	memcpy(save, map + off, n);
	for (int how = 0; how < 4; how++) {
		fill(map + off, n, how);
		work();
	}
	memcpy(map + off, save, n);
}

#define HDR(f) offsetof(struct mprof_channel, f), sizeof(((struct mprof_channel *)0)->f)
#define PROC(i, f)                                                                                 \
	offsetof(struct mprof_channel, procs) + (size_t)(i) * sizeof(struct mprof_proc) +          \
	    offsetof(struct mprof_proc, f),                                                        \
	    sizeof(((struct mprof_proc *)0)->f)

static struct mprof_channel *ch(void)
{
	return (struct mprof_channel *)map;
}

static size_t my_slot(void)
{
	for (size_t i = 0; i < MPROF_MAX_PROCS; i++)
		if (ch()->procs[i].pid == getpid() && ch()->procs[i].state == MPROF_PROC_LIVE)
			return i;
	return 0;
}

static struct mprof_stk_area *my_area(void)
{
	for (uint32_t i = 0; i < MPROF_STK_AREAS; i++) {
		uint64_t off = mprof_area_offset(MPROF_MAX_PROCS, i);
		if (off + sizeof(struct mprof_stk_area) > map_size)
			return NULL;
		struct mprof_stk_area *a = (struct mprof_stk_area *)(map + off);
		if (a->pid == getpid() && a->state == MPROF_AREA_LIVE)
			return a;
	}
	return NULL;
}

static void scribble_header(void)
{
	field(HDR(magic));
	field(HDR(version));
	field(HDR(nprocs));
	field(HDR(size));
	field(HDR(flags));
	field(HDR(min_call_ns));
	field(HDR(procs_lost));
	field(HDR(procs_used));
	field(HDR(exe_dev));
	field(HDR(nranges));
	field(HDR(stk_mode));
	field(HDR(sample_bytes));
	field(HDR(launcher_pid));
	field(HDR(nareas));
	field(HDR(attached));
	field(HDR(procs_busy));
	field(HDR(areas_busy));
	field(HDR(proc_pids[0]));
}

static void scribble_slot(void)
{
	size_t i = my_slot();
	field(PROC(i, state));
	field(PROC(i, pid));
	field(PROC(i, generation));
	field(PROC(i, heap_peak));
	field(PROC(i, mmap_live));
	field(PROC(i, ev_head));
	field(PROC(i, ev_tail));
	field(PROC(i, ev_dropped));
	field(PROC(i, cells[0].net));
	field(PROC(i, cells[1].net));
	field(PROC(i, cells[1].hi));
}

/* Ring pointers far out of range, kept there. */
static void scribble_ring(void)
{
	struct mprof_proc *p = &ch()->procs[my_slot()];
	p->ev_head = 1ULL << 62;
	p->ev_tail = 12345;
	work();
	p->ev_tail = UINT64_MAX - 3;
	work();
	struct mprof_stk_area *a = my_area();
	if (a) {
		a->head = 1ULL << 60;
		a->frames_used = UINT64_MAX - 8;
		a->proc_index = 0xFFFFFFF0u;
		work();
		for (uint32_t k = 0; k < 64; k++) {
			a->ring[k].seq = rnd();
			a->table[k].off = (uint32_t)rnd();
			a->table[k].n = (uint16_t)rnd();
			a->table[k].ready = 1;
		}
		work();
	}
}

/* Bracket events whose names have no terminator, and kinds that do not exist. */
static void scribble_names(void)
{
	struct mprof_proc *p = &ch()->procs[my_slot()];
	for (int k = 0; k < 40; k++) {
		uint64_t idx = p->ev_head;
		if (idx - p->ev_tail >= MPROF_RING_EVENTS)
			break;
		struct mprof_event *ev = &p->ring[idx % MPROF_RING_EVENTS];
		memset(ev->name, 'A' + k % 26, sizeof(ev->name));
		ev->kind = k % 3 ? MPROF_EV_ENTER : (uint32_t)rnd();
		ev->depth = (int32_t)rnd();
		ev->t_ns = (int64_t)rnd();
		ev->t_exit_ns = (int64_t)rnd();
		ev->addr = rnd();
		p->ev_head = idx + 1;
		atomic_store_explicit(&ev->seq, idx + 1, memory_order_release);
	}
	work();
}

/* Stack ids beyond the table: every allocation of this process claims 0xFFFFFF and
 * others, through its own ring. */
static void scribble_stack_ids(void)
{
	struct mprof_stk_area *a = my_area();
	if (!a)
		return;
	static const uint32_t ids[] = {MPROF_STK_UNKNOWN, MPROF_STK_TABLE, MPROF_STK_TABLE + 1,
				       0xFFFFFEu};
	for (size_t k = 0; k < sizeof(ids) / sizeof(ids[0]); k++) {
		uint64_t idx = atomic_fetch_add_explicit(&a->head, 1, memory_order_relaxed);
		struct mprof_stk_event *e = &a->ring[idx % MPROF_STK_EVENTS];
		uint64_t lap = idx / MPROF_STK_EVENTS;
		for (int spin = 0; atomic_load_explicit(&e->seq, memory_order_acquire) != 2 * lap; spin++) {
			if (spin > 2000)
				return;
			nap_ms(1);
		}
		e->ptr = 0x1000 * (k + 1);
		e->word = (uint64_t)ids[k] << MPROF_STK_SIZE_BITS | (rnd() & 0xffffffffffULL);
		atomic_store_explicit(&e->seq, 2 * lap + 1, memory_order_release);
	}
	work();
}

static void scribble_random(size_t span, int rounds)
{
	if (span > map_size)
		span = map_size;
	for (int r = 0; r < rounds; r++) {
		if (span <= 65536) {
			for (size_t i = 0; i < span; i += 8) {
				uint64_t v = rnd();
				memcpy(map + i, &v, 8);
			}
		} else {
			/* The whole mapping, sparsely: every page would commit all of it. */
			for (int i = 0; i < 20000; i++) {
				uint64_t v = rnd();
				memcpy(map + (rnd() % (span / 8)) * 8, &v, 8);
			}
		}
		work();
	}
}

static void scribble_truncate(void)
{
	/* Nothing may allocate while the file is short: the hooks count in it too. */
	if (ftruncate(map_fd, 0) == 0) {
		nap_ms(100);
		if (ftruncate(map_fd, (off_t)map_size))
			_exit(4);
		printf("truncated\n");
	} else {
		printf("truncate refused\n");
	}
	work();
}

/* A normal program: 8 processes, each allocating from more than 32768 stacks. */
static void many_stacks(void)
{
	for (int c = 0; c < 8; c++) {
		if (fork() == 0) {
			for (unsigned code = 0; code < 40000; code++)
				free(deep(4, code));
			_exit(0);
		}
	}
	while (wait(NULL) > 0)
		;
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "random";
	if (argc > 2)
		rng ^= strtoull(argv[2], NULL, 0) * 0x2545F4914F6CDD1DULL;
	if (!strcmp(mode, "stacks")) {
		many_stacks();
	} else if (attach()) {
		printf("scribble: no channel\n");
	} else {
		work();
		if (!strcmp(mode, "random"))
			scribble_random(map_size, 3);
		else if (!strcmp(mode, "random64k"))
			scribble_random(65536, 3);
		else if (!strcmp(mode, "header"))
			scribble_header();
		else if (!strcmp(mode, "slot"))
			scribble_slot();
		else if (!strcmp(mode, "ring"))
			scribble_ring();
		else if (!strcmp(mode, "names"))
			scribble_names();
		else if (!strcmp(mode, "ids"))
			scribble_stack_ids();
		else if (!strcmp(mode, "truncate"))
			scribble_truncate();
		else {
			fprintf(stderr, "scribble: unknown mode '%s'\n", mode);
			return 2;
		}
		work();
	}
	if (child_killed)
		printf("scribble: a child was killed by signal %d\n", child_killed);
	printf("scribble %s done\n", mode);
	fflush(stdout);
	return 3;
}
