/* engine.c - the recording engine behind libmprof.so's hooks: channel attach, cells, fork and exec,
 * brackets. */
#include "preload/engine.h"
#include "preload/stacks.h"

#include <errno.h>
#include <link.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/auxv.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

__thread struct engine_thread engine_tl;
struct mprof_proc *engine_proc;
static struct mprof_channel *chan;
static _Atomic int init_state; /* 0 not yet, 1 in progress, 2 done */
static pthread_key_t cell_key, calls_key;
static int have_calls_key;
static void release_calls(void *v);
static int ranges_here;	  /* --func ranges apply: this process runs their executable */
static uint64_t exe_bias; /* its load bias: ranges are in unrelocated addresses */
static int have_key;
struct engine_conf engine_conf;
/* The ring's tail when the launcher last failed to make room in time: while it
 * stays there, events are dropped at once instead of waited for again. */
static _Atomic uint64_t stalled_tail = UINT64_MAX;
/* The descriptor of /proc/self/statm brackets read RSS from (rss_now), -1: none. */
static _Atomic int statm_fd = -1;

void engine_note(uint32_t bits)
{
	struct mprof_proc *p = engine_proc;
	if (p)
		atomic_fetch_or(&p->notes, bits);
	else
		engine_notes |= bits;
}

static int64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts); /* vDSO: no system call */
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* How many of p's cells may hold counts, within bounds whatever the program wrote. */
static int cells_in_use(const struct mprof_proc *p)
{
	uint32_t n = atomic_load_explicit(&p->cells_used, memory_order_relaxed);
	return n < MPROF_MAX_CELLS ? (int)n : MPROF_MAX_CELLS;
}

/* Records that cells [0, n) of p may hold counts. */
static void use_cells(struct mprof_proc *p, uint32_t n)
{
	uint32_t used = atomic_load(&p->cells_used);
	while (used < n && !atomic_compare_exchange_weak(&p->cells_used, &used, n))
		;
}

/* Zeroes the counters of p's former owner (or former image). Only the cells it
 * used are written: the others are zero, and stay untouched. */
static void reset_slot_counters(struct mprof_proc *p)
{
	atomic_fetch_add(&p->peak_epoch, 1); /* threads of an exec'd image start afresh */
	for (int i = 0, n = cells_in_use(p); i < n; i++) {
		struct mprof_cell *c = &p->cells[i];
		atomic_store(&c->net, 0);
		atomic_store(&c->allocs, 0);
		atomic_store(&c->frees, 0);
		atomic_store(&c->owned, 0);
	}
	atomic_store(&p->cells_used, 0);
	atomic_store(&p->heap_flushed, 0);
	atomic_store(&p->heap_peak, 0);
	atomic_store(&p->heap_low, INT64_MAX);
	atomic_store(&p->mmap_live, 0);
}

/* This image's AT_RANDOM address and first bytes, taken once at attach: a forked
 * child has the same (and need not fault in getauxval's page to learn it). */
static uint64_t image_at, image_random;

/* Marks p as this image's (see image_at in chanlayout.h). */
static void set_image(struct mprof_proc *p)
{
	atomic_store(&p->image_at, image_at);
	atomic_store(&p->image_random, image_random);
}

static void take_image(void)
{
	image_at = (uint64_t)getauxval(AT_RANDOM);
	if (image_at)
		memcpy(&image_random, (const void *)(uintptr_t)image_at, sizeof(image_random));
}

/* Takes the first clear bit of *word for the caller; its index, or -1 when all are
 * set. Only the header page is touched. */
static int take_bit(_Atomic uint64_t *word, uint32_t nbits)
{
	uint64_t all = nbits >= 64 ? ~(uint64_t)0 : ((uint64_t)1 << nbits) - 1;
	uint64_t bits = atomic_load(word);
	while ((bits & all) != all) {
		int b = __builtin_ctzll(~bits);
		if (atomic_compare_exchange_weak(word, &bits, bits | (uint64_t)1 << b))
			return b;
	}
	return -1;
}

/* Claims a process slot for pid: the one an exec left behind, else a free one.
 * Touches the header's first page and the slot it returns (see procs_busy). */
static struct mprof_proc *claim_slot(pid_t pid, pid_t ppid)
{
	for (uint32_t i = 0; i < MPROF_MAX_PROCS; i++) {
		if (atomic_load_explicit(&chan->proc_pids[i], memory_order_relaxed) != pid)
			continue;
		struct mprof_proc *p = &chan->procs[i];
		if (atomic_load(&p->state) == MPROF_PROC_LIVE && atomic_load(&p->pid) == pid) {
			reset_slot_counters(p); /* exec: the old image's heap is gone */
			set_image(p);
			atomic_fetch_or(&p->notes, engine_notes);
			atomic_fetch_add(&p->generation, 1);
			return p;
		}
	}
	for (uint32_t w = 0; w < MPROF_MAX_PROCS / 64; w++) {
		int b;
		while ((b = take_bit(&chan->procs_busy[w], 64)) >= 0) {
			uint32_t i = w * 64 + (uint32_t)b;
			struct mprof_proc *p = &chan->procs[i];
			uint32_t expect = MPROF_PROC_FREE;
			/* A slot whose bit was clear but is not free: left taken. */
			if (!atomic_compare_exchange_strong(&p->state, &expect,
							    MPROF_PROC_CLAIMING))
				continue;
			reset_slot_counters(p);
			uint64_t head = atomic_load(&p->ev_head);
			atomic_store(&p->ev_tail,
				     head); /* nothing left to drain from a retired owner */
			atomic_store(&p->ev_dropped, 0);
			atomic_store(&p->generation, 0);
			set_image(p);
			atomic_store(&p->notes, engine_notes);
			p->ppid = ppid;
			atomic_store(&p->pid, pid);
			atomic_store(&chan->proc_pids[i], pid);
			atomic_store_explicit(&p->state, MPROF_PROC_LIVE, memory_order_release);
			uint32_t used = atomic_load(&chan->procs_used);
			while (used < i + 1 &&
			       !atomic_compare_exchange_weak(&chan->procs_used, &used, i + 1))
				;
			return p;
		}
	}
	atomic_fetch_add(&chan->procs_lost, 1);
	return NULL;
}

static void release_cell(void *v)
{
	struct engine_thread *t = &engine_tl;
	struct mprof_cell *c = v;
	int64_t unflushed = c ? atomic_load(&c->net) - t->base : t->delta;
	if (t->proc && unflushed)
		atomic_fetch_add(&t->proc->heap_flushed, unflushed);
	t->delta = 0;
	/* Later calls of this thread (other TLS destructors) go to the shared cell. */
	if (c)
		t->sample_left = c->sample_left;
	t->cell = NULL;
	t->overflow = 1;
	if (c)
		atomic_store_explicit(&c->owned, 0, memory_order_release);
}

void engine_limit(struct engine_thread *t)
{
	struct mprof_proc *p = t->proc;
	struct mprof_cell *c = t->cell;
	for (;;) {
		uint64_t epoch = atomic_load_explicit(&p->peak_epoch, memory_order_seq_cst);
		int64_t flushed = atomic_load_explicit(&p->heap_flushed, memory_order_relaxed);
		int64_t net = c ? atomic_load_explicit(&c->net, memory_order_relaxed) : 0;
		int64_t delta = c ? net - t->base : t->delta; /* not yet flushed */
		int64_t est = flushed + delta; /* the live heap as this thread knows it */
		int64_t peak = atomic_load_explicit(&p->heap_peak, memory_order_relaxed);
		while (est > peak &&
		       !atomic_compare_exchange_weak_explicit(
			   &p->heap_peak, &peak, est, memory_order_relaxed, memory_order_relaxed))
			;
		if (est > peak)
			peak = est;
		int64_t low = atomic_load_explicit(&p->heap_low, memory_order_relaxed);
		while (est < low && !atomic_compare_exchange_weak_explicit(&p->heap_low, &low, est,
									   memory_order_relaxed,
									   memory_order_relaxed))
			;
		if (est < low)
			low = est;
		if (delta > ENGINE_FLUSH_BYTES || delta < -ENGINE_FLUSH_BYTES) {
			atomic_fetch_add_explicit(&p->heap_flushed, delta, memory_order_relaxed);
			flushed += delta;
			delta = 0;
			t->base = net;
			t->delta = 0;
		}
		/* Next time: when this thread's bytes would lift the heap over the peak,
		 * or call for a flush, whichever comes first. */
		int64_t to_peak = peak - flushed;
		int64_t limit = to_peak < ENGINE_FLUSH_BYTES ? to_peak : ENGINE_FLUSH_BYTES;
		if (!c) {
			t->limit = limit;
			return;
		}
		/* Downwards the same: a new low of the heap, or a flush. */
		int64_t to_low = low - flushed;
		int64_t floor = to_low > -ENGINE_FLUSH_BYTES ? to_low : -ENGINE_FLUSH_BYTES;
		atomic_store_explicit(&c->lo, t->base + floor, memory_order_relaxed);
		atomic_store_explicit(&c->hi, t->base + limit, memory_order_seq_cst);
		/* The launcher resets the peak, bumps the epoch, then lowers our hi: if it
		 * did so while we computed, our store may have undone its lowering. */
		if (atomic_load_explicit(&p->peak_epoch, memory_order_seq_cst) == epoch)
			return;
	}
}

/* Claims a cell for the calling thread; 0 when it got one, -1 when counting is off. */
static int claim_cell(struct engine_thread *t)
{
	if (atomic_load_explicit(&init_state, memory_order_acquire) != 2) {
		if (t->in_hook)
			return -1;
		t->in_hook = 1;
		engine_init();
		t->in_hook = 0;
	}
	struct mprof_proc *p = engine_proc;
	if (!p || t->in_hook)
		return -1;
	t->proc = p;
	use_cells(p, 1);
	if (t->overflow || !engine_glibc_next)
		return 0; /* counted in cell 0, on the slow path */
	for (int i = 1; i < MPROF_MAX_CELLS; i++) {
		uint32_t expect = 0;
		/* In use before owned: an exec from another thread between the two
		 * would otherwise leave the cell owned for the next image. */
		use_cells(p, (uint32_t)i + 1);
		if (atomic_compare_exchange_strong(&p->cells[i].owned, &expect, 1)) {
			if (have_key) {
				t->in_hook = 1; /* pthread_setspecific may allocate for high keys */
				pthread_setspecific(cell_key, &p->cells[i]);
				t->in_hook = 0;
			}
			t->delta = 0;
			t->base = atomic_load(&p->cells[i].net); /* a former owner's bytes stay */
			p->cells[i].sample_left = t->sample_left;
			t->cell = &p->cells[i];
			engine_limit(t);
			return 0;
		}
	}
	t->overflow = 1; /* more threads than cells: share cell 0 with atomics */
	return 0;
}

/* Counts into the thread's own cell (single writer) or the shared cell 0. */
static void count(struct engine_thread *t, int64_t bytes)
{
	struct mprof_cell *c = t->cell;
	if (c) {
		int64_t net = atomic_load_explicit(&c->net, memory_order_relaxed) + bytes;
		atomic_store_explicit(&c->net, net, memory_order_relaxed);
		if (bytes >= 0)
			ENGINE_BUMP(c->allocs, 1);
		else
			ENGINE_BUMP(c->frees, 1);
		if (net > atomic_load_explicit(&c->hi, memory_order_relaxed) ||
		    net < atomic_load_explicit(&c->lo, memory_order_relaxed))
			engine_limit(t);
		return;
	}
	c = &t->proc->cells[0];
	atomic_fetch_add_explicit(&c->net, bytes, memory_order_relaxed);
	atomic_fetch_add_explicit(bytes >= 0 ? &c->allocs : &c->frees, 1, memory_order_relaxed);
	t->delta += bytes;
	if (bytes >= 0 ? t->delta > t->limit : t->delta < -ENGINE_FLUSH_BYTES)
		engine_limit(t);
}

void engine_alloc_slow(size_t n)
{
	struct engine_thread *t = &engine_tl;
	if (t->in_hook || (!t->cell && claim_cell(t)))
		return;
	count(t, (int64_t)n);
}

void engine_free_slow(size_t n)
{
	struct engine_thread *t = &engine_tl;
	if (t->in_hook || (!t->cell && claim_cell(t)))
		return;
	count(t, -(int64_t)n);
}

/* ---- fork ---- */

/* The process's own pid, for its forked children's ppid. */
static pid_t self_pid;

static int64_t heap_now(const struct mprof_proc *p);

static void atfork_child(void)
{
	struct engine_thread *t = &engine_tl;
	if (!engine_proc || !chan)
		return;
	/* The child starts with a copy of every block the parent held. */
	int64_t live = heap_now(engine_proc);
	uint64_t mmap_live = atomic_load(&engine_proc->mmap_live);
	pid_t ppid = self_pid;
	self_pid = (pid_t)syscall(SYS_getpid);
	t->cell = NULL;
	t->proc = NULL;
	t->overflow = 0;
	t->delta = 0;
	t->base = 0;
	t->depth = 0;
	t->tid = 0;
	t->sample_armed = 0;
	t->sample_left = 0;
	atomic_store(&stalled_tail, UINT64_MAX);    /* a new slot, a new ring */
	int statm = atomic_exchange(&statm_fd, -1); /* it reads the parent's */
	if (statm >= 0)
		close(statm);
	engine_proc = claim_slot(self_pid, ppid);
	if (!engine_proc) {
		stacks_off(); /* the parent's area is not this child's */
		return;
	}
	stacks_after_fork((uint32_t)(engine_proc - chan->procs),
			  atomic_load(&engine_proc->generation));
	use_cells(engine_proc, 1);
	atomic_store(&engine_proc->cells[0].net, live);
	atomic_store(&engine_proc->heap_flushed, live);
	atomic_store(&engine_proc->mmap_live, mmap_live);
}

/* ---- attach ---- */

/* Takes the header's values once, read from the file (a read through the mapping
 * would fault in the header's populated neighbours too), checked against the
 * file's size and the layout this library was built for; 0 when the channel is
 * usable, else -1. */
static int take_conf(int fd, uint64_t size)
{
	struct mprof_channel h;
	if (syscall(SYS_pread64, (long)fd, &h, (long)sizeof(h), 0L) != (long)sizeof(h))
		return -1;
	if (h.magic != MPROF_CHANNEL_MAGIC || h.version != MPROF_CHANNEL_VERSION ||
	    h.nprocs != MPROF_MAX_PROCS || size < mprof_channel_size(MPROF_MAX_PROCS))
		return -1;
	int areas = h.nareas == MPROF_STK_AREAS &&
		    (h.stk_mode == MPROF_STK_SAMPLE || h.stk_mode == MPROF_STK_ALL) &&
		    size >= mprof_area_offset(MPROF_MAX_PROCS, MPROF_STK_AREAS);
	engine_conf = (struct engine_conf){
	    .flags = h.flags,
	    .nranges = h.nranges < MPROF_RANGES_MAX ? h.nranges : MPROF_RANGES_MAX,
	    .stk_mode = areas ? h.stk_mode : 0,
	    .nareas = areas ? MPROF_STK_AREAS : 0,
	    .min_call_ns = h.min_call_ns,
	    .sample_bytes = h.sample_bytes ? h.sample_bytes : 1,
	    .launcher_pid = h.launcher_pid,
	};
	return 0;
}

/* dl_iterate_phdr visits the executable first: its bias relocates the ranges. */
static int first_object_bias(struct dl_phdr_info *info, size_t size, void *data)
{
	(void)size;
	*(uint64_t *)data = (uint64_t)info->dlpi_addr;
	return 1;
}

/* The attach talks to the kernel through syscall(2) and reads the environment
 * itself: each libc function it would call instead sits on a page of its own, and
 * every page a start touches costs every hooked process a page fault. Every
 * argument to syscall() is passed as a long: it reads each as one, and a sixth
 * argument goes on the stack, where an int leaves half of it undefined (clang
 * stores 4 bytes there: the channel was mapped at a garbage offset). */
extern char **environ;

static const char *env_get(const char *name)
{
	size_t n = strlen(name);
	for (char **e = environ; e && *e; e++)
		if (strncmp(*e, name, n) == 0 && (*e)[n] == '=')
			return *e + n + 1;
	return NULL;
}

void engine_init(void)
{
	int expect = 0;
	if (!atomic_compare_exchange_strong(&init_state, &expect, 1))
		return; /* done, or in progress on another thread (it forwards meanwhile) */
	const char *path = env_get(MPROF_CHANNEL_ENV);
	int fd = -1;
	if (path && *path) {
		fd = (int)syscall(SYS_openat, (long)AT_FDCWD, path, (long)(O_RDWR | O_CLOEXEC));
		struct stat st;
		if (fd >= 0 && syscall(SYS_fstat, (long)fd, &st) == 0 &&
		    (size_t)st.st_size >= sizeof(struct mprof_channel) &&
		    take_conf(fd, (uint64_t)st.st_size) == 0) {
			void *m = (void *)syscall(SYS_mmap, NULL, (long)st.st_size,
						  (long)(PROT_READ | PROT_WRITE), (long)MAP_SHARED,
						  (long)fd, 0L);
			if (m != MAP_FAILED) {
				chan = m;
				atomic_fetch_add(&chan->attached,
						 1); /* before any read: chanlayout.h */
			}
		}
	}
	if (chan && (engine_conf.flags & MPROF_CF_FUNC_RANGES)) {
		struct stat self;
		if (stat("/proc/self/exe", &self) == 0 && (uint64_t)self.st_dev == chan->exe_dev &&
		    (uint64_t)self.st_ino == chan->exe_ino) {
			dl_iterate_phdr(first_object_bias, &exe_bias);
			ranges_here = 1;
		}
	}
	if (chan) {
		take_image();
		self_pid = (pid_t)syscall(SYS_getpid);
		/* The keys before the slot: a thread that sees engine_proc set may use them. */
		have_key = pthread_key_create(&cell_key, release_cell) == 0;
		have_calls_key = pthread_key_create(&calls_key, release_calls) == 0;
		engine_proc = claim_slot(self_pid, (pid_t)syscall(SYS_getppid));
		pthread_atfork(NULL, NULL, atfork_child);
		if (engine_proc)
			stacks_attach(chan, fd, (uint32_t)(engine_proc - chan->procs),
				      atomic_load(&engine_proc->generation), path);
	}
	if (fd >= 0)
		syscall(SYS_close, (long)fd);
	atomic_store_explicit(&init_state, 2, memory_order_release);
}

/* ---- anonymous mmap tracking: an open-addressing table, lock-free ---- */

#define MAP_SLOTS 4096
#define MAP_TOMB ((uintptr_t)1)

static struct {
	_Atomic uintptr_t addr;
	_Atomic size_t len;
} maps[MAP_SLOTS] MPROF_LARGE;

static size_t map_hash(uintptr_t a)
{
	return (size_t)((a >> 12) * 0x9E3779B97F4A7C15ULL >> 52) % MAP_SLOTS;
}

static long page_size(void)
{
	static long ps;
	if (!ps)
		ps = sysconf(_SC_PAGESIZE);
	return ps;
}

static size_t round_page(size_t n)
{
	size_t ps = (size_t)page_size();
	return (n + ps - 1) / ps * ps;
}

static void mmap_live_add(int64_t d)
{
	struct mprof_proc *p = engine_proc;
	atomic_fetch_add(&p->mmap_live, (uint64_t)d);
}

static int map_insert(uintptr_t a, size_t len)
{
	for (size_t i = 0, h = map_hash(a); i < MAP_SLOTS; i++, h = (h + 1) % MAP_SLOTS) {
		uintptr_t cur = atomic_load(&maps[h].addr);
		if ((cur == 0 || cur == MAP_TOMB) &&
		    atomic_compare_exchange_strong(&maps[h].addr, &cur, a)) {
			atomic_store(&maps[h].len, len);
			return 0;
		}
	}
	return -1;
}

/* Removes a's entry and returns its length, 0 when a is not tracked. */
static size_t map_take(uintptr_t a)
{
	for (size_t i = 0, h = map_hash(a); i < MAP_SLOTS; i++, h = (h + 1) % MAP_SLOTS) {
		uintptr_t cur = atomic_load(&maps[h].addr);
		if (cur == 0)
			return 0;
		if (cur == a && atomic_compare_exchange_strong(&maps[h].addr, &cur, MAP_TOMB))
			return atomic_load(&maps[h].len);
	}
	return 0;
}

void engine_note_mmap(void *addr, size_t len)
{
	if (!engine_proc || engine_tl.in_hook)
		return;
	len = round_page(len);
	if (map_insert((uintptr_t)addr, len) == 0)
		mmap_live_add((int64_t)len);
}

void engine_note_munmap(void *addr, size_t len)
{
	if (!engine_proc || engine_tl.in_hook)
		return;
	size_t had = map_take((uintptr_t)addr);
	if (!had)
		return;
	len = round_page(len);
	if (len < had) /* the front of the mapping went; the rest stays tracked */
		if (map_insert((uintptr_t)addr + len, had - len))
			len = had;
	mmap_live_add(-(int64_t)(len < had ? len : had));
}

void engine_note_mremap(void *old_addr, void *new_addr, size_t new_len)
{
	if (!engine_proc || engine_tl.in_hook)
		return;
	size_t had = map_take((uintptr_t)old_addr);
	if (!had)
		return;
	new_len = round_page(new_len);
	if (map_insert((uintptr_t)new_addr, new_len))
		new_len = 0;
	mmap_live_add((int64_t)new_len - (int64_t)had);
}

/* ---- brackets ---- */

static int32_t my_tid(struct engine_thread *t)
{
	if (!t->tid)
		t->tid = (int32_t)syscall(SYS_gettid);
	return t->tid;
}

/* Waits (outside any allocation hook: brackets are the program's own calls) for
 * the launcher, which drains rings within a few milliseconds, to make room. -1
 * when it is gone or has not moved the tail for a second. */
static int ring_wait(uint64_t tail, unsigned *spins)
{
	if (atomic_load_explicit(&stalled_tail, memory_order_relaxed) == tail)
		return -1;
	unsigned n = (*spins)++;
	if (n < 64) {
		sched_yield();
		return 0;
	}
	struct timespec ts = {0, 50000};
	nanosleep(&ts, NULL);
	int gone = (n & 1023) == 0 && chan->launcher_pid > 0 && kill(chan->launcher_pid, 0) &&
		   errno == ESRCH;
	if (gone || n > 64 + 20000) { /* about a second without progress */
		atomic_store_explicit(&stalled_tail, tail, memory_order_relaxed);
		return -1;
	}
	return 0;
}

/* Reserves the next ring entry, waiting for room when the ring is full; NULL (and
 * a drop counted) when the launcher does not make room. */
static struct mprof_event *ring_reserve(struct mprof_proc *p, uint64_t *idx)
{
	uint64_t h = atomic_load_explicit(&p->ev_head, memory_order_relaxed);
	uint64_t last_tail = 0;
	unsigned spins = 0;
	for (;;) {
		uint64_t tail = atomic_load_explicit(&p->ev_tail, memory_order_acquire);
		if (h - tail >= MPROF_RING_EVENTS) {
			if (tail != last_tail) {
				last_tail = tail;
				spins = 0; /* the launcher is draining: keep waiting */
			}
			if (ring_wait(tail, &spins)) {
				atomic_fetch_add_explicit(&p->ev_dropped, 1, memory_order_relaxed);
				return NULL;
			}
			h = atomic_load_explicit(&p->ev_head, memory_order_relaxed);
			continue;
		}
		if (atomic_compare_exchange_weak_explicit(
			&p->ev_head, &h, h + 1, memory_order_acq_rel, memory_order_relaxed))
			break;
	}
	*idx = h;
	return &p->ring[h % MPROF_RING_EVENTS];
}

static void ring_commit(struct mprof_event *ev, uint64_t idx)
{
	atomic_store_explicit(&ev->seq, idx + 1, memory_order_release);
}

/* What the process holds at an event, measured in it: RSS in pages
 * (MPROF_RSS_UNKNOWN when unread) and heap in bytes. */
struct at_event {
	uint32_t rss_pages;
	int64_t heap;
};

/* The resident set from /proc/self/statm, read with no allocation: one pread of a
 * descriptor kept open (moved to 256 or above, out of the way of the program's
 * lowest-free-descriptor habits). A program that closes it, or reuses its number,
 * makes the read fail or not parse: the descriptor is forgotten (not closed: it
 * may be the program's now) and opened again once. MPROF_RSS_UNKNOWN when it
 * cannot be read. */

static int statm_open(void)
{
	int fd = open("/proc/self/statm", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	int high = fcntl(fd, F_DUPFD_CLOEXEC, 256);
	if (high >= 0) {
		close(fd);
		fd = high;
	}
	int expect = -1;
	if (!atomic_compare_exchange_strong(&statm_fd, &expect, fd)) {
		close(fd); /* another thread opened one meanwhile */
		fd = expect;
	}
	return fd;
}

/* "size resident ...": the resident pages, or -1. */
static int64_t statm_resident(const char *b, ssize_t n)
{
	ssize_t i = 0;
	int64_t v = 0;
	while (i < n && b[i] >= '0' && b[i] <= '9')
		i++;
	if (i == 0 || i >= n || b[i++] != ' ')
		return -1;
	ssize_t start = i;
	while (i < n && b[i] >= '0' && b[i] <= '9')
		v = v * 10 + (b[i++] - '0');
	return i > start && i < n && b[i] == ' ' ? v : -1;
}

static uint32_t rss_now(void)
{
	char buf[128];
	for (int attempt = 0; attempt < 2; attempt++) {
		int fd = atomic_load_explicit(&statm_fd, memory_order_relaxed);
		if (fd < 0 && (fd = statm_open()) < 0)
			return MPROF_RSS_UNKNOWN;
		ssize_t n = pread(fd, buf, sizeof(buf), 0);
		int64_t pages = n > 0 ? statm_resident(buf, n) : -1;
		if (pages >= 0)
			return pages < MPROF_RSS_UNKNOWN ? (uint32_t)pages : MPROF_RSS_UNKNOWN - 1;
		atomic_compare_exchange_strong(&statm_fd, &fd, -1);
	}
	return MPROF_RSS_UNKNOWN;
}

/* The process's heap in use: the sum of its cells, as the launcher computes it. */
static int64_t heap_now(const struct mprof_proc *p)
{
	int64_t live = 0;
	for (int i = 0, n = cells_in_use(p); i < n; i++)
		live += atomic_load_explicit(&p->cells[i].net, memory_order_relaxed);
	return live;
}

static struct at_event measure(void)
{
	return (struct at_event){rss_now(), heap_now(engine_proc)};
}

static const struct at_event not_measured = {MPROF_RSS_UNKNOWN, 0};

static void emit(uint32_t kind, const char *name, int depth, int64_t t_ns, int64_t t_exit_ns,
		 uint64_t addr, struct at_event m)
{
	struct mprof_proc *p = engine_proc;
	struct engine_thread *t = &engine_tl;
	uint64_t idx;
	struct mprof_event *ev = ring_reserve(p, &idx);
	if (!ev)
		return;
	ev->kind = kind;
	ev->depth = depth;
	ev->tid = my_tid(t);
	ev->t_ns = t_ns;
	ev->rss_pages = m.rss_pages;
	if (kind == MPROF_EV_CALL)
		ev->t_exit_ns = t_exit_ns;
	else
		ev->heap = m.heap;
	ev->addr = addr;
	size_t n = 0;
	if (name)
		for (; name[n] && n < MPROF_NAME_MAX - 1; n++)
			ev->name[n] = name[n];
	ev->name[n] = '\0';
	ring_commit(ev, idx);
}

void engine_enter(const char *name)
{
	if (atomic_load_explicit(&init_state, memory_order_acquire) != 2)
		engine_init();
	if (!engine_proc)
		return;
	struct engine_thread *t = &engine_tl;
	struct at_event m = measure();
	/* depth 0 outermost, as the original */
	emit(MPROF_EV_ENTER, name, t->depth++, now_ns(), 0, 0, m);
}

void engine_leave(void)
{
	struct engine_thread *t = &engine_tl;
	if (!engine_proc || t->depth <= 0)
		return;
	struct at_event m = measure();
	emit(MPROF_EV_LEAVE, NULL, --t->depth, now_ns(), 0, 0, m);
}

/* Brackets paired by the caller's id (in the event's addr), not by the thread's
 * stack: for calls that interleave on one thread, such as asyncio tasks. */
void engine_enter_id(const char *name, uint64_t id, int depth)
{
	if (atomic_load_explicit(&init_state, memory_order_acquire) != 2)
		engine_init();
	if (!engine_proc || !id)
		return;
	struct at_event m = measure();
	emit(MPROF_EV_ENTER, name, depth, now_ns(), 0, id, m);
}

void engine_leave_id(uint64_t id)
{
	if (!engine_proc || !id)
		return;
	struct at_event m = measure();
	emit(MPROF_EV_LEAVE, NULL, 0, now_ns(), 0, id, m);
}

void engine_gc_begin(int generation)
{
	if (atomic_load_explicit(&init_state, memory_order_acquire) != 2)
		engine_init();
	if (!engine_proc)
		return;
	struct at_event m = {MPROF_RSS_UNKNOWN, heap_now(engine_proc)};
	emit(MPROF_EV_GC_BEGIN, NULL, generation, now_ns(), 0, 0, m);
}

void engine_gc_end(int64_t collected, int64_t uncollectable)
{
	if (!engine_proc)
		return;
	struct at_event m = {MPROF_RSS_UNKNOWN, heap_now(engine_proc)};
	int32_t u = uncollectable < 0		? 0
		    : uncollectable > INT32_MAX ? INT32_MAX
						: (int32_t)uncollectable;
	emit(MPROF_EV_GC_END, NULL, u, now_ns(), 0, collected < 0 ? 0 : (uint64_t)collected, m);
}

/* -finstrument-functions: a per-thread stack of open calls; only calls that last
 * long enough (or all, with --func) become events, named after the run. The stack
 * is mapped at the thread's first instrumented call and unmapped when the thread
 * exits: as thread-local storage, its 4 KB would be zeroed at every process and
 * thread start, instrumented or not. */
#define CALL_STACK 256

struct call_stack {
	void *fn[CALL_STACK];
	int64_t t_in[CALL_STACK];
	int n;
};
#define CALLS_GONE ((struct call_stack *)1) /* the thread is exiting, or no memory */
static __thread struct call_stack *calls;

static void release_calls(void *v)
{
	calls = CALLS_GONE; /* instrumented destructors that run later are not timed */
	syscall(SYS_munmap, v, (long)sizeof(struct call_stack));
}

static struct call_stack *calls_get(void)
{
	struct call_stack *s = calls;
	if (s)
		return s == CALLS_GONE ? NULL : s;
	/* A signal handler's instrumented calls while the stack is being mapped are
	 * not timed (rather than mapping a second stack). */
	calls = CALLS_GONE;
	/* Straight to the kernel: the program's mmap hook must not count our map. */
	void *m = (void *)syscall(SYS_mmap, NULL, (long)sizeof(struct call_stack),
				  (long)(PROT_READ | PROT_WRITE),
				  (long)(MAP_PRIVATE | MAP_ANONYMOUS), -1L, 0L);
	if (m == MAP_FAILED)
		return NULL;
	calls = m;
	if (have_calls_key) {
		struct engine_thread *t = &engine_tl;
		int was = t->in_hook;
		t->in_hook = 1; /* pthread_setspecific may allocate for high keys */
		pthread_setspecific(calls_key, m);
		t->in_hook = was;
	}
	return m;
}

void engine_func_enter(void *fn)
{
	if (atomic_load_explicit(&init_state, memory_order_acquire) != 2)
		engine_init();
	struct call_stack *s;
	if (!engine_proc || !(s = calls_get()))
		return;
	if (s->n < CALL_STACK) {
		s->fn[s->n] = fn;
		s->t_in[s->n] = now_ns();
	}
	s->n++;
}

void engine_func_exit(void *fn)
{
	struct call_stack *s = calls;
	if (!engine_proc || !s || s == CALLS_GONE || s->n <= 0)
		return;
	int i = --s->n;
	if (i >= CALL_STACK || s->fn[i] != fn)
		return;
	int64_t t_out = now_ns();
	if (engine_conf.flags & MPROF_CF_FUNC_RANGES) {
		/* --func: exactly the chosen functions, however short. */
		uint64_t a = (uint64_t)(uintptr_t)fn - exe_bias;
		uint32_t lo = 0, hi = engine_conf.nranges;
		while (ranges_here && lo < hi) {
			uint32_t mid = (lo + hi) / 2;
			if (chan->ranges[mid].hi <= a)
				lo = mid + 1;
			else
				hi = mid;
		}
		if (!ranges_here || lo >= engine_conf.nranges || a < chan->ranges[lo].lo)
			return;
	} else if (t_out - s->t_in[i] < engine_conf.min_call_ns) {
		return;
	}
	emit(MPROF_EV_CALL, NULL, i, s->t_in[i], t_out, (uint64_t)(uintptr_t)fn, not_measured);
}
