/* stacks.c - allocation stacks for libmprof-stacks.so (--stacks): capture with libunwind, a
 * lock-free stack table, the event ring. */
#define UNW_LOCAL_ONLY
#include "preload/stacks.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <libunwind.h>
#include <link.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "preload/pyframes.h"
#include "preload/sampling.h"

int stacks_on;
static _Atomic uint16_t no_filter[MPROF_STK_FILTER] MPROF_LARGE; /* never written: the zero page */
_Atomic uint16_t *stacks_filter = no_filter;
int stacks_every_free;
__thread int stacks_unwinding;

static struct mprof_channel *chan;
static struct mprof_stk_area *area;
static char chan_path[4096];
static uint64_t self_lo, self_hi; /* this library's code: frames to skip */
static double sample_mean;

/* libunwind is loaded only when stacks are asked for: a plain run of the hooks
 * loads nothing more into the program. */
static int (*unw_trace)(void **, int);

/* ---- fork ----
 *
 * libunwind takes internal mutexes while it steps a stack: a thread forked while
 * another one was inside a capture would find that mutex locked for ever. A fork
 * waits for the captures in progress to end and holds new ones back until it is
 * done; a capture that does not end in time leaves the child without stacks. */
static _Atomic long capturing; /* threads inside unw_trace */
static _Atomic int forking;    /* between our prepare and parent/child handlers */
static int fork_unsafe;	       /* the last prepare gave up waiting */

static void fork_prepare(void)
{
	atomic_store(&forking, 1);
	/* A capture is about a microsecond; a fork from a signal handler that
	 * interrupted one would wait for ever: give up after about a second. */
	long self = stacks_unwinding ? 1 : 0;
	fork_unsafe = 0;
	for (unsigned spin = 0; atomic_load(&capturing) > self; spin++) {
		if (spin < 1024) {
			sched_yield();
			continue;
		}
		if (spin > 1024 + 5000) {
			fork_unsafe = 1;
			return;
		}
		struct timespec ts = {0, 200000};
		nanosleep(&ts, NULL);
	}
}

static void fork_parent(void)
{
	atomic_store(&forking, 0);
}

static void fork_child(void)
{
	atomic_store(&capturing, 0); /* the only thread, outside any capture */
	atomic_store(&forking, 0);
}

static int capture(void **frames, int n)
{
	for (;;) {
		atomic_fetch_add(&capturing, 1);
		if (!atomic_load(&forking))
			break;
		atomic_fetch_sub(&capturing, 1); /* a fork is under way: after it */
		while (atomic_load(&forking))
			sched_yield();
	}
	int got = unw_trace(frames, n);
	atomic_fetch_sub(&capturing, 1);
	return got;
}

static int load_unwind(void)
{
	void *h = dlopen("libunwind.so.8", RTLD_NOW | RTLD_LOCAL);
	if (!h)
		h = dlopen("libunwind.so", RTLD_NOW | RTLD_LOCAL);
	if (!h)
		return -1;
	int (*set_caching)(unw_addr_space_t, unw_caching_policy_t) =
	    (int (*)(unw_addr_space_t, unw_caching_policy_t))dlsym(h,
								   "_ULx86_64_set_caching_policy");
	unw_addr_space_t *local = (unw_addr_space_t *)dlsym(h, "_ULx86_64_local_addr_space");
	unw_trace = (int (*)(void **, int))dlsym(h, "unw_backtrace");
	if (!set_caching || !local || !unw_trace)
		return -1;
	/* Per-thread caches, as its global cache takes a lock. Its first backtrace
	 * (about a millisecond: it reads the unwind tables and opens its pipe, which
	 * pipe2 moves away while stacks_unwinding is set) waits for the first
	 * capture: an image that records nothing does not pay for it. */
	stacks_unwinding = 1;
	set_caching(*local, UNW_CACHE_PER_THREAD);
	stacks_unwinding = 0;
	return 0;
}

/* ---- descriptors ---- */

void stacks_move_fds(int fds[2])
{
	struct rlimit rl;
	long top = getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY
		       ? (long)rl.rlim_cur
		       : 1024;
	if (top > 4096)
		top = 4096;
	for (int i = 0; i < 2; i++) {
		/* The highest free descriptor below the limit: probe down from the top. */
		for (long want = top - 1 - i; want >= 64; want -= 2) {
			if (fcntl((int)want, F_GETFD) != -1 || errno != EBADF)
				continue;
			int nfd = fcntl(fds[i], F_DUPFD_CLOEXEC, (int)want);
			if (nfd < 0)
				break;
			if (nfd != want) { /* taken meanwhile: try lower */
				close(nfd);
				continue;
			}
			close(fds[i]);
			fds[i] = nfd;
			break;
		}
	}
}

/* ---- attach ---- */

static int find_self(struct dl_phdr_info *info, size_t size, void *data)
{
	(void)size;
	(void)data;
	uint64_t me = (uint64_t)(uintptr_t)&find_self;
	for (int i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		uint64_t lo = info->dlpi_addr + ph->p_vaddr, hi = lo + ph->p_memsz;
		if (ph->p_type == PT_LOAD && (ph->p_flags & PF_X) && me >= lo && me < hi) {
			self_lo = lo;
			self_hi = hi;
			return 1;
		}
	}
	return 0;
}

/* ---- modules, published for the launcher ---- */

static _Atomic int modules_busy;

static void publish(struct mprof_stk_area *a, uint64_t lo, uint64_t hi, uint64_t bias,
		    const char *path)
{
	uint32_t n = atomic_load_explicit(&a->nmodules, memory_order_relaxed);
	for (uint32_t i = 0; i < n; i++)
		if (a->modules[i].lo == lo && a->modules[i].hi == hi)
			return;
	size_t len = strlen(path) + 1;
	if (n >= MPROF_STK_MODULES || len > MPROF_STK_NAMES - a->names_used)
		return;
	memcpy(a->names + a->names_used, path, len);
	a->modules[n] = (struct mprof_stk_module){lo, hi, bias, a->names_used, 0};
	a->names_used += (uint32_t)len;
	atomic_store_explicit(&a->nmodules, n + 1, memory_order_release);
}

static int publish_object(struct dl_phdr_info *info, size_t size, void *data)
{
	(void)size;
	struct mprof_stk_area *a = data;
	const char *path = info->dlpi_name;
	char exe[4096];
	if (!path || !path[0]) { /* the executable (the first object) */
		ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
		if (n <= 0)
			return 0;
		exe[n] = '\0';
		path = exe;
	}
	if (path[0] != '/')
		return 0; /* the vDSO: no file to name it from */
	for (int i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		if (ph->p_type == PT_LOAD && (ph->p_flags & PF_X)) {
			uint64_t lo = info->dlpi_addr + ph->p_vaddr;
			publish(a, lo, lo + ph->p_memsz, info->dlpi_addr, path);
		}
	}
	return 0;
}

/* A new unique stack: when a frame lies in no published module (none published
 * yet, or one loaded since), publish again. Another thread doing so already:
 * skip, never wait. The capture has just called dl_iterate_phdr through
 * libunwind: no new lock order. */
static void cover_frames(struct mprof_stk_area *a, void *const *f, int n)
{
	uint32_t nm = atomic_load_explicit(&a->nmodules, memory_order_acquire);
	for (int k = 0; k < n; k++) {
		uint64_t pc = (uint64_t)(uintptr_t)f[k];
		if (pc & MPROF_STK_PY)
			continue; /* a Python frame: no module */
		uint32_t i = 0;
		while (i < nm && (pc < a->modules[i].lo || pc >= a->modules[i].hi))
			i++;
		if (i < nm)
			continue;
		int expect = 0;
		if (atomic_compare_exchange_strong(&modules_busy, &expect, 1)) {
			dl_iterate_phdr(publish_object, a);
			atomic_store(&modules_busy, 0);
		}
		return;
	}
}

static uint64_t area_bytes(void)
{
	return (sizeof(struct mprof_stk_area) + 4095) & ~(uint64_t)4095;
}

static int launcher_gone(void);

/* Whether the area's pages must be reserved up front: the channel is a file in a
 * tmpfs with a size of its own (the launcher's fallback without memfds), where
 * writing a page that does not fit would raise SIGBUS in the program. The
 * launcher's memfd (sealed against growing) has no size of its own: its pages are
 * taken as they are first touched, like the program's own memory, so an image pays
 * for what it records and a short-lived one for a few pages. */
static int needs_reserve(int fd)
{
	int seals = fcntl(fd, F_GET_SEALS);
	return seals < 0 || !(seals & F_SEAL_GROW);
}

/* Claims a free area for this image and reserves its memory; 0 or -1. Takes a
 * clear bit of areas_busy first, so that no other image's area is touched. */
static int claim_area(int fd, uint32_t proc_index, uint32_t generation)
{
	for (;;) {
		uint64_t bits = atomic_load(&chan->areas_busy),
			 all = engine_conf.nareas >= 64 ? ~(uint64_t)0
							: ((uint64_t)1 << engine_conf.nareas) - 1;
		if ((bits & all) == all)
			return -1;
		uint32_t i = (uint32_t)__builtin_ctzll(~bits);
		if (!atomic_compare_exchange_weak(&chan->areas_busy, &bits,
						  bits | (uint64_t)1 << i))
			continue;
		struct mprof_stk_area *a =
		    (struct mprof_stk_area *)((char *)chan + mprof_area_offset(MPROF_MAX_PROCS, i));
		uint32_t expect = MPROF_AREA_FREE;
		/* An area whose bit was clear but is not free: left taken. */
		if (!atomic_compare_exchange_strong(&a->state, &expect, MPROF_AREA_CLAIMING))
			continue;
		/* A full /dev/shm then turns stacks off rather than faulting later. */
		if (needs_reserve(fd) &&
		    fallocate(fd, 0, (off_t)mprof_area_offset(MPROF_MAX_PROCS, i),
			      (off_t)area_bytes())) {
			atomic_store(&a->state, MPROF_AREA_FREE);
			atomic_fetch_and(&chan->areas_busy, ~((uint64_t)1 << i));
			return -1;
		}
		a->proc_index = proc_index;
		a->generation = generation;
		atomic_store(&a->nmodules, 0);
		a->names_used = 0;
		/* A forked child's: no other thread. The modules are published with
		 * the first stack stored (cover_frames): an image that stores none, such
		 * as a child between its fork and its exec, writes none of those pages. */
		atomic_store(&modules_busy, 0);
		pyframes_reset(a);
		atomic_store(&a->pid, (int32_t)getpid());
		atomic_store(&a->dead, 0);
		atomic_store(&a->lost, 0);
		atomic_store_explicit(&a->state, MPROF_AREA_LIVE, memory_order_release);
		area = a;
		stacks_every_free = engine_conf.stk_mode == MPROF_STK_ALL;
		/* The frees look at the area's filter once it holds a sampled block
		 * (stacks_sampled): until then its pages are not touched. */
		stacks_filter = no_filter;
		stacks_on = (int)engine_conf.stk_mode;
		/* The calling thread (the only one, in a constructor or a forked child)
		 * may have counted down to "off" already: it starts afresh. */
		engine_tl.sample_armed = 0;
		*engine_countdown(&engine_tl) = 0;
		return 0;
	}
}

void stacks_attach(struct mprof_channel *c, int fd, uint32_t proc_index, uint32_t generation,
		   const char *path)
{
	if (!MPROF_STACKS || !engine_conf.stk_mode || !engine_conf.nareas)
		return;
	chan = c;
	sample_mean =
	    engine_conf.stk_mode == MPROF_STK_SAMPLE ? (double)engine_conf.sample_bytes : 0;
	size_t n = strlen(path);
	if (n >= sizeof(chan_path))
		return;
	memcpy(chan_path, path, n + 1);
	dl_iterate_phdr(find_self, NULL);
	if (load_unwind()) {
		engine_note(MPROF_PN_NO_UNWIND);
		chan = NULL;
		return;
	}
	pthread_atfork(fork_prepare, fork_parent, fork_child);
	pyframes_resolve();
	if (claim_area(fd, proc_index, generation)) {
		atomic_fetch_add(&c->areas_lost, 1); /* the launcher counts it */
		engine_note(MPROF_PN_NO_AREA);
	}
}

void stacks_off(void)
{
	stacks_on = 0;
	stacks_filter = no_filter;
	stacks_every_free = 0;
	area = NULL;
}

void stacks_after_fork(uint32_t proc_index, uint32_t generation)
{
	if (!chan)
		return;
	stacks_off();
	/* The parent's random state, copied, would give this child the parent's next
	 * sample points, and every sibling the same ones: the child draws its own. */
	engine_tl.rng = 0;
	if (fork_unsafe) { /* libunwind may be locked for ever here: no captures */
		engine_note(MPROF_PN_FORK_NO_STACKS);
		return;
	}
	/* The descriptor lives only for this call, in a child with a single thread. */
	int fd = open(chan_path, O_RDWR | O_CLOEXEC);
	if (fd < 0 || claim_area(fd, proc_index, generation)) {
		atomic_fetch_add(&chan->areas_lost, 1); /* the launcher counts it */
		engine_note(MPROF_PN_NO_AREA);
	}
	if (fd >= 0)
		close(fd);
}

/* ---- the stack table ---- */

static uint64_t hash_frames(void *const *f, int n)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	for (int i = 0; i < n; i++) {
		h ^= (uint64_t)(uintptr_t)f[i];
		h *= 0x100000001b3ULL;
		h ^= h >> 29;
	}
	return h | 1; /* 0 marks an empty entry */
}

/* The id of this stack in the table (inserting it), or MPROF_STK_UNKNOWN. */
static uint32_t stack_id(void *const *f, int n)
{
	struct mprof_stk_area *a = area;
	uint64_t h = hash_frames(f, n);
	uint32_t i = (uint32_t)(h >> 17) & (MPROF_STK_TABLE - 1);
	for (int probe = 0; probe < 64; probe++, i = (i + 1) & (MPROF_STK_TABLE - 1)) {
		struct mprof_stk_entry *e = &a->table[i];
		uint64_t cur = atomic_load_explicit(&e->hash, memory_order_acquire);
		if (cur == 0) {
			if (!atomic_compare_exchange_strong(&e->hash, &cur, h)) {
				if (cur != h)
					continue;
				return i + 1; /* another thread stored the same stack just now */
			}
			uint64_t off = atomic_fetch_add(&a->frames_used, (uint64_t)n);
			if (off > MPROF_STK_FRAMES - (uint64_t)n) { /* no wrap, whatever off is */
				e->off = 0;
				e->n = 0; /* the pool is full: an empty stack */
			} else {
				for (int k = 0; k < n; k++)
					a->frames[off + (uint64_t)k] = (uint64_t)(uintptr_t)f[k];
				e->off = (uint32_t)off;
				e->n = (uint16_t)n;
				cover_frames(a, f, n);
			}
			atomic_store_explicit(&e->ready, 1, memory_order_release);
			return i + 1;
		}
		if (cur == h)
			return i + 1;
	}
	return MPROF_STK_UNKNOWN;
}

/* ---- the event ring ---- */

static int launcher_gone(void)
{
	return engine_conf.launcher_pid > 0 && kill(engine_conf.launcher_pid, 0) && errno == ESRCH;
}

/* Waits for the launcher to free the entry; gives up (stacks off) if it is gone. */
static int wait_longer(struct mprof_stk_event *e, uint64_t want)
{
	for (unsigned spin = 0;; spin++) {
		uint64_t seq = atomic_load_explicit(&e->seq, memory_order_acquire);
		if (seq == want)
			return 0;
		if (seq > want) { /* only a scribble gets ahead of this lap's writer */
			atomic_store(&area->dead, 1);
			return -1;
		}
		if (atomic_load_explicit(&area->dead, memory_order_relaxed))
			return -1;
		if (spin < 64)
			continue;
		if (spin < 1024) {
			sched_yield();
			continue;
		}
		struct timespec ts = {0, 200000};
		nanosleep(&ts, NULL);
		if ((spin & 1023) == 0 && launcher_gone()) {
			atomic_store(&area->dead, 1);
			return -1;
		}
	}
}

/* The entry is free for this lap at once, or after a wait for the launcher, which
 * is timed (only then: the clock is read on the slow path alone) and added to the
 * area's held time, so the recording can say how long the program was held. */
static int wait_room(struct mprof_stk_event *e, uint64_t want)
{
	if (__builtin_expect(atomic_load_explicit(&e->seq, memory_order_acquire) == want, 1))
		return 0;
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	int rc = wait_longer(e, want);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	int64_t ns = (int64_t)(t1.tv_sec - t0.tv_sec) * 1000000000 + (t1.tv_nsec - t0.tv_nsec);
	atomic_fetch_add_explicit(&area->held_ns, ns > 0 ? (uint64_t)ns : 0, memory_order_relaxed);
	atomic_fetch_add_explicit(&area->held_waits, 1, memory_order_relaxed);
	return rc;
}

/* Sends one event; -1 when it could not be sent (the recording stopped). */
static int send(uint64_t ptr, uint64_t word)
{
	struct mprof_stk_area *a = area;
	if (!a || atomic_load_explicit(&a->dead, memory_order_relaxed))
		return -1;
	uint64_t idx = atomic_fetch_add_explicit(&a->head, 1, memory_order_relaxed);
	struct mprof_stk_event *e = &a->ring[idx % MPROF_STK_EVENTS];
	uint64_t lap = idx / MPROF_STK_EVENTS;
	if (wait_room(e, 2 * lap))
		return -1;
	e->ptr = ptr;
	e->word = word;
	atomic_store_explicit(&e->seq, 2 * lap + 1, memory_order_release);
	return 0;
}

/* ---- sampling ---- */

/* Bytes to the thread's next sample point. Its random state is seeded at its first
 * draw, in its own process: a forked child starts afresh (stacks_after_fork), or
 * siblings would all sample at the same points as one another. */
static int64_t draw(struct engine_thread *t)
{
	if (!t->rng) {
		struct timespec ts;
		clock_gettime(CLOCK_MONOTONIC, &ts);
		t->rng = sampling_seed((uint64_t)(uintptr_t)t, (uint64_t)getpid(),
				       (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec);
	}
	return sampling_gap(sampling_next(&t->rng), sample_mean);
}

void stacks_sampled(void *p, size_t n)
{
	struct engine_thread *t = &engine_tl;
	int64_t *left = engine_countdown(t);
	if (!area) {
		*left = INT64_MAX; /* stacks off: the countdown never runs out */
		return;
	}
	if (!p)
		return;
	if (stacks_on == MPROF_STK_SAMPLE) {
		if (!t->sample_armed) {
			/* A new thread: its countdown starts now, not at zero. */
			t->sample_armed = 1;
			*left = draw(t) - (int64_t)n;
			if (*left > 0)
				return;
		}
		while (*left <= 0)
			*left += draw(t);
	} else {
		*left = 0;
	}
	/* Re-entered from our own capture: libunwind's allocations (a new thread's
	 * dynamic TLS block among them), or a signal handler's. Not recorded: the
	 * launcher then ignores their frees too. */
	if (t->in_hook)
		return;
	uint32_t id = MPROF_STK_UNKNOWN;
	{
		void *f[MPROF_STK_DEPTH + 8 + MPROF_STK_PYDEPTH];
		t->in_hook = 1; /* libunwind's own mmaps are not the program's */
		stacks_unwinding = 1;
		int got = capture(f, MPROF_STK_DEPTH + 8);
		stacks_unwinding = 0;
		int skip = 0;
		while (skip < got && (uint64_t)(uintptr_t)f[skip] - self_lo < self_hi - self_lo)
			skip++;
		int keep = got - skip > MPROF_STK_DEPTH ? MPROF_STK_DEPTH : got - skip;
		if (keep > 0) {
			/* The Python frames follow the native ones (common/chanlayout.h). */
			uint64_t py[MPROF_STK_PYDEPTH];
			int npy = pyframes_capture(py, MPROF_STK_PYDEPTH);
			for (int k = 0; k < npy; k++)
				f[skip + keep + k] = (void *)(uintptr_t)py[k];
			id = stack_id(f + skip, keep + npy);
		}
		t->in_hook = 0;
	}
	/* Each allocation the profile lacks a stack for counts once in lost: recorded
	 * without its stack, or not recorded at all. Frees never count. */
	uint64_t size = n < (1ULL << MPROF_STK_SIZE_BITS) ? n : (1ULL << MPROF_STK_SIZE_BITS) - 1;
	if (stacks_on == MPROF_STK_SAMPLE) {
		/* Its free must be sent: its address goes in the filter, first, and
		 * the frees look there from now on (before this block can be freed). */
		if (stacks_filter != area->filter)
			__atomic_store_n(&stacks_filter, area->filter, __ATOMIC_RELEASE);
		uint32_t home = mprof_stk_bucket((uint64_t)(uintptr_t)p);
		_Atomic uint64_t *b = &area->sampled[home];
		int k = 0;
		for (; k < MPROF_STK_PROBE; k++) {
			uint64_t empty = 0;
			if (atomic_compare_exchange_strong(&b[k], &empty, (uint64_t)(uintptr_t)p))
				break;
		}
		if (k == MPROF_STK_PROBE) {
			/* No room: its free would go unseen, so it is not recorded at all. */
			atomic_fetch_add_explicit(&area->lost, 1, memory_order_relaxed);
			return;
		}
		atomic_fetch_add_explicit(&area->filter[home], 1, memory_order_release);
	}
	if (send((uint64_t)(uintptr_t)p, (uint64_t)id << MPROF_STK_SIZE_BITS | size) ||
	    id == MPROF_STK_UNKNOWN)
		atomic_fetch_add_explicit(&area->lost, 1, memory_order_relaxed);
}

void stacks_freed(void *p)
{
	if (stacks_on == MPROF_STK_SAMPLE) {
		/* Only a block whose address is in the filter was recorded; taking it out
		 * here means one event per sampled block, however often the address is
		 * used again. */
		uint64_t a = (uint64_t)(uintptr_t)p;
		uint32_t home = mprof_stk_bucket(a);
		_Atomic uint64_t *b = &area->sampled[home];
		int k = 0;
		for (; k < MPROF_STK_PROBE; k++) {
			uint64_t want = a;
			if (atomic_load_explicit(&b[k], memory_order_relaxed) == a &&
			    atomic_compare_exchange_strong(&b[k], &want, 0))
				break;
		}
		if (k == MPROF_STK_PROBE)
			return; /* another block of the same home bucket */
		atomic_fetch_sub_explicit(&area->filter[home], 1, memory_order_relaxed);
	}
	send((uint64_t)(uintptr_t)p, 0);
}

void stacks_gc_mark(int end)
{
	send(0, end ? MPROF_STK_GC_END : MPROF_STK_GC_BEGIN);
}
