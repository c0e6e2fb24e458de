/* sampler.c - the recording loop: samples RSS (and its true interval maximum), heap counters and
 * brackets into a .dat. */
#include "core/sampler.h"
#include "core/backoff.h"
#include "core/ptree.h"
#include "core/symbols.h"

#include <errno.h>
#include <fnmatch.h>
#include <limits.h>
#include <math.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MIB(b) ((double)(b) / 1048576.0)
#define NS_PER_S 1000000000LL
#define RETIRE_EVERY_NS (100 * 1000000LL)
#define SCAN_EVERY_NS (1000 * 1000000LL)
#define TERM_GRACE_NS (5 * NS_PER_S)
/* The kernel's maximum is read (and reset) at most this often: reading it costs 7x a
 * plain RSS read, and the mark accumulates in between, so nothing is missed. */
#define HWM_EVERY_NS (10 * 1000000LL)

/* Between samples, bracket rings are looked at this often when busy, backing off
 * to the longest when idle: a ring (MPROF_RING_EVENTS) never waits long for room. */
#define DRAIN_MIN_NS (1000000LL)
#define DRAIN_MAX_NS (16 * 1000000LL)
/* An image that runs this long without registering in the channel never will: a
 * hooked one registers as its loader finishes. */
#define IMAGE_GRACE_NS (1000 * 1000000LL)

#define HIST 8192 /* samples kept for brackets: 13 min at 0.1 s, 8 s at 1 ms */
/* Brackets open at once, over all processes: beyond, enters are dropped (counted), so
 * a program that never leaves cannot make the launcher grow without bound. */
#define OPEN_BRACKETS_MAX 65536

/* Which image a process's channel slot speaks for: IMG_OURS while its counters are
 * its own, IMG_PENDING while it runs an image that has not registered (since
 * since_ns), IMG_UNHOOKED once that lasted IMAGE_GRACE_NS or the process ended. */
struct image_watch {
	enum { IMG_OURS, IMG_PENDING, IMG_UNHOOKED } state;
	int64_t since_ns, last_ns;
	char *exe; /* the image that does not report (malloc'd) */
};

/* What the previous HEAP (CHLDHEAP) line said, so an unchanged heap is written short. */
struct heap_last {
	int have;
	int64_t live;
	uint64_t allocs, frees, mmap_live;
};

struct tracked {
	pid_t pid;
	struct proc_handle h;
	int alive; /* seen in the latest scan */
	struct image_watch img;
	struct heap_last heap;
};

struct open_bracket {
	pid_t pid;
	int32_t tid;
	int depth;
	uint64_t id; /* mprof_enter_id's id, paired by it; 0: by thread and depth */
	double t_in, mem_in, heap_in;
	char name[MPROF_NAME_MAX];
};

struct open_gc {
	pid_t pid;
	int32_t tid;
	int generation;
	double t, heap_mib;
};

struct state {
	const struct sampler_config *cfg;
	struct dat_writer *w;
	struct chan *ch;
	struct sampler_result *res;
	pid_t pid;
	struct proc_handle main;
	struct tracked *kids;
	size_t nkids, kids_cap;
	struct ptree tree; /* the program's descendants */
	struct open_bracket *br;
	size_t nbr, br_cap;
	struct open_gc *gc; /* collections begun, not yet ended */
	size_t ngc, gc_cap;
	long page_size;
	double cur_t, cur_mib;
	struct dat_point hist[HIST]; /* the latest samples, for events that arrive late */
	size_t nhist;		     /* samples ever pushed */
	double heap_prev_live;	     /* heap in use at the previous sample, bytes */
	int heap_prev;		     /* heap_prev_live holds a sample */
	struct heap_last heap_last;  /* the main HEAP line's */
	double mem_t;		     /* the time of the latest MEM line */
	struct mprof_proc *slot;
	uint32_t slot_gen;     /* the generation the symbol snapshot was taken for */
	struct symbolizer sym; /* names -finstrument-functions addresses */
	int seen_descendants;
	int below_zero_noted;
	struct image_watch img; /* the main process's */
	int exiting;		/* the program has ended: this is the last reading */
	int hwm_now;		/* this sample reads the kernel's maximum */
	int64_t last_hwm_ns;
	uint64_t hwm_slack; /* proc_hwm_slack on this machine */
	int64_t last_retire_ns, last_scan_ns;
	int64_t drain_ns;  /* how long to wait before looking at the rings again */
	pid_t *distrusted; /* processes whose slot held impossible values: ignored */
	size_t ndistrusted, distrusted_cap;
};

int sampler_maxrss_above(const struct sampler_config *cfg)
{
	return cfg->interval_ns >= HWM_EVERY_NS;
}

int sampler_exit_code(int st)
{
	if (WIFEXITED(st))
		return WEXITSTATUS(st);
	if (WIFSIGNALED(st))
		return 128 + WTERMSIG(st);
	return 1;
}

/* ---- brackets ---- */

/* The MEM value of the last sample taken at or before t (the first sample for
 * earlier events): what was measured before the event, never after it. Events are
 * drained right after a sample, so they fall between the previous one and it. */
static double mem_at(const struct state *s, double t)
{
	if (!s->nhist)
		return 0;
	/* Binary search over the ring, oldest first. */
	size_t n = s->nhist < HIST ? s->nhist : HIST, first = s->nhist - n;
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (s->hist[(first + mid) % HIST].t <= t)
			lo = mid + 1;
		else
			hi = mid;
	}
	return s->hist[(first + (lo ? lo - 1 : 0)) % HIST].mib;
}

/* A bracket's memory: the RSS the process measured at the event when MEM is that
 * process's RSS, else (pss, uss, a tree's sum with -C, an older event) the MEM
 * value of the last sample before it. */
static double mem_of(const struct state *s, const struct mprof_event *ev, double t)
{
	if (ev->rss_pages != MPROF_RSS_UNKNOWN && s->cfg->backend == PROC_RSS &&
	    !s->cfg->include_children)
		return MIB((double)ev->rss_pages * (double)s->page_size);
	return mem_at(s, t);
}

/* A collection that started: its end comes from the same thread. */
static void gc_begin(struct state *s, pid_t pid, const struct mprof_event *ev, double t)
{
	for (size_t i = 0; i < s->ngc; i++)
		if (s->gc[i].pid == pid && s->gc[i].tid == ev->tid) {
			s->gc[i] = s->gc[--s->ngc]; /* a start without its end: replaced */
			break;
		}
	if (s->ngc >= OPEN_BRACKETS_MAX) { /* one per thread: more is a forged stream */
		s->res->events_dropped++;
		return;
	}
	xgrow((void **)&s->gc, &s->gc_cap, s->ngc + 1, sizeof(*s->gc));
	s->gc[s->ngc++] = (struct open_gc){pid, ev->tid, ev->depth, t, MIB(ev->heap)};
}

static void gc_end(struct state *s, pid_t pid, const struct mprof_event *ev, double t)
{
	for (size_t i = 0; i < s->ngc; i++) {
		struct open_gc *o = &s->gc[i];
		if (o->pid != pid || o->tid != ev->tid)
			continue;
		struct dat_gc g = {o->t,      t - o->t,	   o->generation, (int64_t)ev->addr,
				   ev->depth, o->heap_mib, MIB(ev->heap)};
		dat_write_gc(s->w, &g);
		s->gc[i] = s->gc[--s->ngc];
		return;
	}
}

static void on_event(void *ctx, const struct mprof_proc *p, const struct mprof_event *ev)
{
	struct state *s = ctx;
	pid_t pid = atomic_load_explicit(&p->pid, memory_order_relaxed);
	double t = (double)ev->t_ns / 1e9;
	if (ev->kind == MPROF_EV_GC_BEGIN) {
		gc_begin(s, pid, ev, t);
	} else if (ev->kind == MPROF_EV_GC_END) {
		gc_end(s, pid, ev, t);
	} else if (ev->kind == MPROF_EV_ENTER) {
		if (s->nbr >= OPEN_BRACKETS_MAX) {
			s->res->events_dropped++;
			return;
		}
		xgrow((void **)&s->br, &s->br_cap, s->nbr + 1, sizeof(*s->br));
		struct open_bracket *b = &s->br[s->nbr++];
		b->pid = pid;
		b->tid = ev->tid;
		b->depth = ev->depth;
		b->id = ev->addr;
		b->t_in = t;
		b->mem_in = mem_of(s, ev, t);
		b->heap_in = MIB(ev->heap);
		memcpy(b->name, ev->name, sizeof(b->name));
	} else if (ev->kind == MPROF_EV_LEAVE) {
		for (size_t i = s->nbr; i-- > 0;) {
			struct open_bracket *b = &s->br[i];
			if (b->pid != pid || b->id != ev->addr ||
			    (!b->id && (b->tid != ev->tid || b->depth != ev->depth)))
				continue;
			dat_write_func(s->w, b->name, b->mem_in, b->t_in, mem_of(s, ev, t), t,
				       b->depth, b->heap_in, MIB(ev->heap));
			memmove(b, b + 1, (s->nbr - i - 1) * sizeof(*b));
			s->nbr--;
			break;
		}
	} else if (ev->kind == MPROF_EV_CALL) {
		const char *name = ev->name[0] ? ev->name : sym_lookup(&s->sym, pid, ev->addr);
		if (!name && kill(pid, 0) == 0 && sym_snapshot(&s->sym, pid) == 0)
			name = sym_lookup(&s->sym, pid, ev->addr); /* a module loaded since */
		char hex[32];
		if (!name) {
			snprintf(hex, sizeof(hex), "0x%llx", (unsigned long long)ev->addr);
			name = hex;
		}
		int keep = s->cfg->nfunc_patterns == 0;
		for (int i = 0; i < s->cfg->nfunc_patterns && !keep; i++)
			keep = fnmatch(s->cfg->func_patterns[i], name, 0) == 0;
		if (!keep)
			return;
		double t_out = (double)ev->t_exit_ns / 1e9;
		dat_write_func(s->w, name, mem_at(s, t), t, mem_at(s, t_out), t_out, ev->depth, NAN,
			       NAN);
	}
}

static int distrusted(const struct state *s, pid_t pid)
{
	for (size_t i = 0; i < s->ndistrusted; i++)
		if (s->distrusted[i] == pid)
			return 1;
	return 0;
}

/* From now on, pid's slot is not read: the program wrote into it. Says so once. */
static void distrust(struct state *s, pid_t pid, const char *what)
{
	if (distrusted(s, pid))
		return;
	xgrow((void **)&s->distrusted, &s->distrusted_cap, s->ndistrusted + 1,
	      sizeof(*s->distrusted));
	s->distrusted[s->ndistrusted++] = pid;
	dat_write_line(s->w, DAT_NOTE,
		       "process %d: heap and bracket data dropped from here on: its channel "
		       "slot held impossible %s (written by the program, not the hooks)",
		       (int)pid, what);
}

static void drain_one(struct state *s, struct mprof_proc *p)
{
	pid_t pid = atomic_load_explicit(&p->pid, memory_order_relaxed);
	if (distrusted(s, pid))
		return;
	uint64_t dropped;
	if (chan_drain(s->ch, p, on_event, s, &dropped))
		distrust(s, pid, "bracket ring pointers");
	else
		s->res->events_dropped += dropped;
	/* Only known bits: a program that sets others makes no note of them. */
	s->res->notes |= atomic_load_explicit(&p->notes, memory_order_relaxed) & MPROF_PN_ALL;
}

static void drain_all(struct state *s)
{
	if (!s->ch || !s->ch->map)
		return;
	for (uint32_t i = 0, n = chan_used(s->ch); i < n; i++) {
		struct mprof_proc *p = &s->ch->map->procs[i];
		if (atomic_load_explicit(&p->state, memory_order_acquire) == MPROF_PROC_LIVE)
			drain_one(s, p);
	}
}

/* Frees the slots of processes other than the main one that have exited. */
static void retire_dead(struct state *s)
{
	if (!s->ch || !s->ch->map)
		return;
	for (uint32_t i = 0, n = chan_used(s->ch); i < n; i++) {
		struct mprof_proc *p = &s->ch->map->procs[i];
		if (atomic_load_explicit(&p->state, memory_order_acquire) != MPROF_PROC_LIVE)
			continue;
		pid_t pid = atomic_load_explicit(&p->pid, memory_order_relaxed);
		if (pid == s->pid)
			continue;
		s->seen_descendants = 1;
		if (pid <= 0 || (kill(pid, 0) == -1 && errno == ESRCH)) {
			drain_one(s, p);
			chan_retire(s->ch, p);
		}
	}
}

/* ---- children ---- */

static struct tracked *kid_find(struct state *s, pid_t pid)
{
	for (size_t i = 0; i < s->nkids; i++)
		if (s->kids[i].pid == pid)
			return &s->kids[i];
	return NULL;
}

/* Processes of the run that left the program's tree (a daemon's double fork and
 * setsid re-parents it to init) are still hooked: their channel slots name them,
 * so they are followed while they live. Appends them to pids[0..n); returns the
 * new count. */
static size_t add_hooked_strays(struct state *s, pid_t **pids, size_t n)
{
	if (!s->ch || !s->ch->map)
		return n;
	size_t cap = n;
	for (uint32_t i = 0, used = chan_used(s->ch); i < used; i++) {
		struct mprof_proc *p = &s->ch->map->procs[i];
		if (atomic_load_explicit(&p->state, memory_order_acquire) != MPROF_PROC_LIVE)
			continue;
		pid_t pid = atomic_load_explicit(&p->pid, memory_order_relaxed);
		size_t k = 0;
		while (k < n && (*pids)[k] != pid)
			k++;
		if (pid <= 0 || pid == s->pid || k < n || kill(pid, 0))
			continue;
		xgrow((void **)pids, &cap, n + 1, sizeof(**pids));
		(*pids)[n++] = pid;
	}
	return n;
}

/* Hooked processes other than the program still running: after it has ended,
 * what they do is not recorded. */
static uint32_t hooked_survivors(struct state *s)
{
	uint32_t alive = 0;
	if (!s->ch || !s->ch->map)
		return 0;
	for (uint32_t i = 0, used = chan_used(s->ch); i < used; i++) {
		struct mprof_proc *p = &s->ch->map->procs[i];
		pid_t pid = atomic_load_explicit(&p->pid, memory_order_relaxed);
		if (atomic_load_explicit(&p->state, memory_order_acquire) == MPROF_PROC_LIVE &&
		    pid > 0 && pid != s->pid && kill(pid, 0) == 0 && !proc_is_zombie(pid))
			alive++;
	}
	return alive;
}
static void image_unhooked(struct state *s, pid_t pid, struct image_watch *w, int own_series);

/* Brings the list of tracked descendants up to date with /proc. */
static void scan_children(struct state *s)
{
	ptree_update(&s->tree);
	size_t n = s->tree.n;
	pid_t *pids = xmalloc((n + 1) * sizeof(*pids));
	memcpy(pids, s->tree.members, n * sizeof(*pids));
	n = add_hooked_strays(s, &pids, n);
	if (n)
		s->seen_descendants = 1;
	for (size_t i = 0; i < s->nkids; i++)
		s->kids[i].alive = 0;
	for (size_t i = 0; i < n; i++) {
		struct tracked *k = kid_find(s, pids[i]);
		if (k) {
			k->alive = 1;
			continue;
		}
		struct proc_handle h;
		if (proc_open(&h, pids[i], s->cfg->backend, NULL))
			continue;
		xgrow((void **)&s->kids, &s->kids_cap, s->nkids + 1, sizeof(*s->kids));
		s->kids[s->nkids++] = (struct tracked){.pid = pids[i], .h = h, .alive = 1};
	}
	free(pids);
	for (size_t i = 0; i < s->nkids;) {
		if (s->kids[i].alive) {
			i++;
			continue;
		}
		if (s->kids[i].img.state == IMG_PENDING) /* it ended running that image */
			image_unhooked(s, s->kids[i].pid, &s->kids[i].img, s->cfg->multiprocess);
		free(s->kids[i].img.exe);
		proc_close(&s->kids[i].h);
		s->kids[i] = s->kids[--s->nkids];
	}
}

/* ---- heap ---- */

static struct mprof_proc *slot_of(struct state *s, pid_t pid)
{
	return s->ch ? chan_find(s->ch, pid) : NULL;
}

/* A heap count below zero means frees of blocks the hooks never saw allocated (an
 * allocator they cannot reach): never reported as such, said once. */
static void no_negative(struct state *s, pid_t pid, struct chan_heap *h)
{
	if (h->live >= 0 && h->peak >= 0)
		return;
	if (!s->below_zero_noted)
		dat_write_line(s->w, DAT_NOTE,
			       "heap of process %d fell below zero: it freed blocks the hooks did "
			       "not see allocated (an allocator they cannot reach); counted as 0",
			       (int)pid);
	s->below_zero_noted = 1;
	if (h->live < 0)
		h->live = 0;
	if (h->peak < 0)
		h->peak = 0;
}

/* The image has not reported: its heap series ends, and the NOTE says why. A
 * child's own series with -M ends alone; the main one (or with -C the tree's sum)
 * ends the recording's heap data, which the heap checks then refuse. */
static void image_unhooked(struct state *s, pid_t pid, struct image_watch *w, int own_series)
{
	w->state = IMG_UNHOOKED;
	if (own_series)
		dat_write_line(s->w, DAT_NOTE, "child heap series ends: process %d now runs '%s'",
			       (int)pid, w->exe ? w->exe : "?");
	else
		dat_write_heap_ends(s->w, (int)pid, w->exe ? w->exe : "?");
	if (!own_series)
		s->res->heap_end_mib = -1;
}

/* Whether slot's counters are those of the image pid runs now. An exec into an
 * image the hooks cannot enter (static, setuid, LD_PRELOAD removed) leaves the
 * old image's counters behind: they are stale, not zero. */
static int heap_is_current(struct state *s, pid_t pid, struct mprof_proc *slot,
			   struct image_watch *w, int own_series)
{
	int64_t now = time_mono_ns();
	if (w->state == IMG_OURS && now - w->last_ns < HWM_EVERY_NS && !s->exiting)
		return 1;
	w->last_ns = now;
	int m = s->exiting ? -1
			   : proc_image_is(pid, atomic_load(&slot->image_at),
					   atomic_load(&slot->image_random));
	if (m == 1) {
		w->state = IMG_OURS; /* registered (again): its counters are fresh */
	} else if (m == 0 && w->state == IMG_OURS) {
		w->state = IMG_PENDING;
		w->since_ns = now;
		char link[64], exe[PATH_MAX];
		snprintf(link, sizeof(link), "/proc/%d/exe", (int)pid);
		ssize_t n = readlink(link, exe, sizeof(exe) - 1);
		exe[n > 0 ? n : 0] = '\0';
		free(w->exe);
		w->exe = xstrdup(n > 0 ? exe : "?");
	}
	if (w->state == IMG_PENDING && (s->exiting || now - w->since_ns >= IMAGE_GRACE_NS))
		image_unhooked(s, pid, w, own_series);
	return w->state == IMG_OURS;
}

/* Writes a HEAP (pid 0) or CHLDHEAP line for h at t: the short form, the heap in use
 * alone, when nothing else changed since the previous line and t is the latest MEM
 * line's (see docs/format.md). */
static void write_heap(struct state *s, int pid, const struct chan_heap *h, double t,
		       struct heap_last *last)
{
	int brief = last->have && h->peak == h->live && h->low <= h->live &&
		    h->allocs >= last->allocs && h->frees >= last->frees &&
		    h->mmap_live == last->mmap_live && t == s->mem_t;
	if (brief && h->low == h->live && h->allocs == last->allocs && h->frees == last->frees) {
		dat_write_heap_short(s->w, pid, MIB(h->live));
	} else if (brief) { /* a steady program that allocates and frees: the counts moved */
		dat_write_heap_counted(s->w, pid, MIB(h->live), h->allocs - last->allocs,
				       h->frees - last->frees, MIB(h->low));
	} else {
		struct dat_heap line = {t,	   MIB(h->live), MIB(h->peak), MIB(h->mmap_live),
					h->allocs, h->frees,	 MIB(h->low)};
		dat_write_heap(s->w, pid, &line);
	}
	*last = (struct heap_last){1, h->live, h->allocs, h->frees, h->mmap_live};
}

/* Writes the HEAP line (and CHLDHEAP lines with -M) for time t. */
static void sample_heap(struct state *s, double t)
{
	if (!s->ch)
		return;
	if (!s->slot || atomic_load_explicit(&s->slot->pid, memory_order_relaxed) != s->pid)
		s->slot = slot_of(s, s->pid);
	if (!s->slot)
		return;
	s->res->hooked = 1;
	uint32_t gen = atomic_load_explicit(&s->slot->generation, memory_order_relaxed) + 1;
	if (gen != s->slot_gen) {
		/* Function names for this image, taken while it lives (exit comes later). */
		sym_snapshot(&s->sym, s->pid);
		s->slot_gen = gen;
	}
	int current = heap_is_current(s, s->pid, s->slot, &s->img, 0);
	struct chan_heap h;
	if (distrusted(s, s->pid))
		return;
	if (chan_take_heap(s->slot, &h)) {
		distrust(s, s->pid, "heap counters");
		return;
	}
	no_negative(s, s->pid, &h);
	if (!current)
		memset(&h, 0, sizeof(h)); /* another image's: stale */
	if (h.peak < (int64_t)s->heap_prev_live)
		h.peak = (int64_t)s->heap_prev_live; /* the interval started there */
	if (s->heap_prev && h.low > (int64_t)s->heap_prev_live)
		h.low = (int64_t)s->heap_prev_live;
	s->heap_prev = 1;
	s->heap_prev_live = (double)h.live;
	if (s->cfg->include_children || s->cfg->multiprocess) {
		for (size_t i = 0; i < s->nkids; i++) {
			struct mprof_proc *kp = slot_of(s, s->kids[i].pid);
			if (!kp || distrusted(s, s->kids[i].pid))
				continue;
			if (!heap_is_current(s, s->kids[i].pid, kp, &s->kids[i].img,
					     s->cfg->multiprocess))
				continue; /* another image's counters: stale */
			struct chan_heap kh;
			if (chan_take_heap(kp, &kh)) {
				distrust(s, s->kids[i].pid, "heap counters");
				continue;
			}
			no_negative(s, s->kids[i].pid, &kh);
			if (s->cfg->multiprocess) {
				write_heap(s, s->kids[i].pid, &kh, t, &s->kids[i].heap);
			} else {
				h.live += kh.live;
				h.peak += kh.peak; /* the sum of maxima bounds the tree's maximum */
				h.low += kh.low;   /* and the sum of minima its minimum */
				h.allocs += kh.allocs;
				h.frees += kh.frees;
				h.mmap_live += kh.mmap_live;
			}
		}
	}
	if (!current)
		return; /* the series ends (or pauses) here */
	write_heap(s, 0, &h, t, &s->heap_last);
	double peak = MIB(h.peak > h.live ? h.peak : h.live);
	if (peak > s->res->heap_peak_mib)
		s->res->heap_peak_mib = peak;
	s->res->heap_end_mib = MIB(h.live);
}

/* ---- one sample ---- */

/* h's process refused the peak-RSS reset: the recording says so and holds samples
 * only from here on (a MAXRSS line that left a process out would bound nothing). */
static void hwm_refused(struct state *s, const struct proc_handle *h)
{
	s->res->hwm = 0;
	dat_write_no_hwm(s->w, (int)h->pid, h->clear_refs_errno);
}

/* Reads one process: its value and its maximum since the previous reset. */
static int read_one(struct state *s, struct proc_handle *h, uint64_t *value, uint64_t *max)
{
	struct proc_mem m;
	int fast = h->backend == PROC_RSS && (!s->res->hwm || !s->hwm_now);
	if (fast ? proc_read_rss(h, &m) : proc_read(h, &m))
		return -1;
	*value = m.value;
	*max = m.value;
	if (s->res->hwm && s->hwm_now && h->backend == PROC_RSS) {
		if (proc_reset_hwm(h) == 0) {
			*max = proc_hwm_peak(m.hwm, h->reset_mark, m.value);
			h->reset_mark = 0;
			/* A reset can leave the mark a few pages above the RSS of an idle
			 * process (proc_hwm_slack), there at every later sample: where it
			 * left it is learnt once, so that the same mark is not taken for a
			 * peak. Read only when the mark stood above the RSS; one that moved
			 * more than the slack meanwhile is a peak, not the reset's. */
			struct proc_mem after;
			if (m.hwm > m.value && proc_read(h, &after) == 0 &&
			    after.hwm <= m.value + s->hwm_slack)
				h->reset_mark = after.hwm;
		} else if (h->clear_refs_fd < 0)
			hwm_refused(s, h); /* not a process that just ended */
	}
	return 0;
}

/* Takes one sample at wall time t. Returns -1 when the main process is gone. */
static int sample_once(struct state *s, double t)
{
	uint64_t value, max;
	int64_t now = time_mono_ns();
	s->hwm_now = s->res->samples == 0 || sampler_maxrss_above(s->cfg) ||
		     now - s->last_hwm_ns >= HWM_EVERY_NS - s->cfg->interval_ns / 2;
	if (s->hwm_now)
		s->last_hwm_ns = now;
	if (read_one(s, &s->main, &value, &max))
		return -1;
	int children = s->cfg->include_children || s->cfg->multiprocess;
	if (children)
		scan_children(s);
	for (size_t i = 0; children && i < s->nkids; i++) {
		uint64_t kv, km;
		struct tracked *k = &s->kids[i];
		if (read_one(s, &k->h, &kv, &km)) {
			if (proc_is_zombie(k->pid)) /* its pid may be someone else's later */
				ptree_forget(&s->tree, k->pid);
			continue;
		}
		if (s->cfg->include_children) {
			value += kv;
			max += km;
		}
		if (s->cfg->multiprocess) {
			dat_write_child(s->w, k->pid, MIB(kv), t);
			if (s->res->hwm && s->hwm_now && (km > kv || !sampler_maxrss_above(s->cfg)))
				dat_write_child_max(s->w, k->pid, MIB(km), t);
		}
	}
	s->cur_t = t;
	s->cur_mib = MIB(value);
	s->hist[s->nhist++ % HIST] = (struct dat_point){t, s->cur_mib};
	dat_write_mem(s->w, s->cur_mib, t);
	s->mem_t = t;
	/* maxrss=above: a maximum equal to the sample goes without saying. */
	if (s->res->hwm && s->hwm_now && (max > value || !sampler_maxrss_above(s->cfg)))
		dat_write_maxrss(s->w, MIB(max), t);
	s->res->samples++;
	double top = MIB(max > value ? max : value);
	if (top > s->res->peak_mib)
		s->res->peak_mib = top;
	sample_heap(s, t);
	drain_all(s);
	return 0;
}

/* ---- waiting ---- */

/* The most events a bracket ring holds that the launcher has not read. */
static uint64_t rings_pending(struct state *s)
{
	uint64_t most = 0;
	for (uint32_t i = 0, n = chan_used(s->ch); i < n; i++) {
		struct mprof_proc *p = &s->ch->map->procs[i];
		if (atomic_load_explicit(&p->state, memory_order_acquire) != MPROF_PROC_LIVE)
			continue;
		uint64_t pending = atomic_load_explicit(&p->ev_head, memory_order_relaxed) -
				   atomic_load_explicit(&p->ev_tail, memory_order_relaxed);
		if (pending > most)
			most = pending;
	}
	return most;
}

static int wait_until(int pidfd, int64_t deadline_ns);

/* wait_until, draining bracket rings meanwhile: often while the program sends
 * events, so its ring does not fill between samples; rarely when it is quiet. */
static int wait_draining(struct state *s, int pidfd, int64_t deadline_ns)
{
	if (!s->ch || !s->ch->map)
		return wait_until(pidfd, deadline_ns);
	if (!s->drain_ns)
		s->drain_ns = DRAIN_MIN_NS;
	for (;;) {
		int64_t until = time_mono_ns() + s->drain_ns;
		if (until >= deadline_ns)
			return wait_until(pidfd, deadline_ns);
		if (wait_until(pidfd, until) && pidfd >= 0)
			return 1;
		/* The wait follows the fullest ring (backoff.c): a trickle of events (a
		 * few collections a second) does not wake the launcher every millisecond. */
		uint64_t pending = rings_pending(s);
		if (pending) {
			dat_writer_hold(s->w); /* one write(2) for the lot */
			drain_all(s);
			dat_writer_flush(s->w);
		}
		s->drain_ns = backoff_next(s->drain_ns, pending, MPROF_RING_EVENTS, DRAIN_MIN_NS,
					   DRAIN_MAX_NS);
		if (!s->drain_ns)
			s->drain_ns = DRAIN_MIN_NS;
	}
}

static int pidfd_open_compat(pid_t pid)
{
#ifdef SYS_pidfd_open
	return (int)syscall(SYS_pidfd_open, pid, 0);
#else
	(void)pid;
	errno = ENOSYS;
	return -1;
#endif
}

/* Sleeps until the absolute monotonic deadline, waking early when the process
 * exits or a signal arrives. Returns 1 when the pidfd says the process ended (or
 * there is no pidfd to ask), 0 otherwise. */
static int wait_until(int pidfd, int64_t deadline_ns)
{
	int64_t now = time_mono_ns();
	struct pollfd pfd = {pidfd, POLLIN, 0};
	if (pidfd >= 0) {
		int64_t d = deadline_ns > now ? deadline_ns - now : 0;
		struct timespec ts = {d / NS_PER_S, d % NS_PER_S};
		return ppoll(&pfd, 1, &ts, NULL) > 0 && (pfd.revents & (POLLIN | POLLHUP));
	}
	if (deadline_ns > now) {
		struct timespec ts = {deadline_ns / NS_PER_S, deadline_ns % NS_PER_S};
		clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
	}
	return 1;
}

static void finish_exit(struct state *s, int wait_status, const struct rusage *ru)
{
	double t = (double)time_real_ns() / 1e9;
	s->res->exited = 1;
	s->res->wait_status = wait_status;
	s->exiting = 1;
	sample_heap(s, t); /* the heap at exit: the library's counters outlive it */
	drain_all(s);
	retire_dead(s);
	s->res->left_running = hooked_survivors(s);
	double peak = -1;
	/* wait4 reports the largest RSS of the program or of any process it reaped:
	 * it speaks for MEM only when the program started no other process, and only
	 * when MEM is RSS (with pss or uss it would raise the peak by shared pages). */
	if (ru && !s->seen_descendants && s->cfg->backend == PROC_RSS) {
		peak = (double)ru->ru_maxrss / 1024.0;
		if (peak > s->res->peak_mib)
			s->res->peak_mib = peak;
	}
	/* A program that died before its first sample still gets one MEM line: the
	 * largest RSS the kernel saw, so the recording reads like any other. */
	if (s->res->samples == 0 && ru) {
		dat_write_mem(s->w, (double)ru->ru_maxrss / 1024.0, t);
		s->res->samples = 1;
	}
	dat_write_exit(s->w, s->cfg->own_child ? sampler_exit_code(wait_status) : -1, t, peak);
}

/* Whether the program has ended (its end is then written): the program we started is
 * reaped; one we attached to is gone. gone: the sample found it gone; maybe_ended:
 * its pidfd says it may have ended. */
static int reaped(struct state *st, int gone, int maybe_ended)
{
	pid_t pid = st->pid;
	if (st->cfg->own_child) {
		int ws;
		struct rusage ru;
		pid_t r = gone || maybe_ended ? wait4(pid, &ws, gone ? 0 : WNOHANG, &ru) : 0;
		while (r < 0 && errno == EINTR)
			r = wait4(pid, &ws, 0, &ru);
		if (r == pid) {
			finish_exit(st, ws, &ru);
			return 1;
		}
	} else if (gone || (maybe_ended && kill(pid, 0) == -1 && errno == ESRCH)) {
		finish_exit(st, 0, NULL);
		return 1;
	}
	return 0;
}

/* The work done every so often rather than every sample: retiring dead children,
 * looking for descendants when none are sampled. */
static void periodic(struct state *st, int64_t now_mono)
{
	const struct sampler_config *cfg = st->cfg;
	if (now_mono - st->last_retire_ns >= RETIRE_EVERY_NS) {
		retire_dead(st);
		st->last_retire_ns = now_mono;
	}
	if (!cfg->include_children && !cfg->multiprocess && !st->seen_descendants &&
	    now_mono - st->last_scan_ns >= SCAN_EVERY_NS) {
		ptree_update(&st->tree);
		st->seen_descendants |= st->tree.n > 0;
		st->last_scan_ns = now_mono;
	}
}

/* -t: 1 when sampling stops now (a program we attached to, elapsed past the timeout);
 * our own program is asked to stop (SIGTERM, *term_sent the time) and killed
 * TERM_GRACE_NS later, its shutdown recorded. */
static int timed_out(struct state *st, int64_t elapsed, int64_t now_mono, int64_t *term_sent)
{
	const struct sampler_config *cfg = st->cfg;
	if (!cfg->timeout_ns || elapsed < cfg->timeout_ns)
		return 0;
	st->res->timed_out = 1;
	if (!cfg->own_child)
		return 1;
	/* Our own program: ask it to stop, record its shutdown, insist later. */
	if (!*term_sent) {
		kill(st->pid, SIGTERM);
		*term_sent = now_mono;
	} else if (now_mono - *term_sent >= TERM_GRACE_NS) {
		kill(st->pid, SIGKILL);
	}
	return 0;
}

/* The next sample's deadline, sample *k of those from start. Absolute deadlines: no
 * drift; a late sample skips the deadlines it missed (counted in res->missed). */
static int64_t next_deadline(struct state *st, int64_t start, int64_t *k)
{
	int64_t interval = st->cfg->interval_ns;
	(*k)++;
	int64_t deadline = start + *k * interval;
	int64_t after = time_mono_ns();
	if (after >= deadline) {
		int64_t due = (after - start) / interval + 1;
		st->res->missed += due - *k;
		*k = due;
		deadline = start + *k * interval;
	}
	return deadline;
}

/* Releases the state and all it holds. */
static void state_free(struct state *st)
{
	proc_close(&st->main);
	for (size_t i = 0; i < st->nkids; i++) {
		proc_close(&st->kids[i].h);
		free(st->kids[i].img.exe);
	}
	free(st->img.exe);
	free(st->kids);
	ptree_release(&st->tree);
	free(st->br);
	free(st->distrusted);
	free(st->gc);
	sym_release(&st->sym);
	free(st);
}

int sampler_run(const struct sampler_config *cfg, pid_t pid, struct dat_writer *w, struct chan *ch,
		struct sampler_result *res, struct err *e)
{
	memset(res, 0, sizeof(*res));
	res->heap_peak_mib = -1;
	res->heap_end_mib = -1;
	res->hwm = cfg->backend == PROC_RSS && !cfg->keep_hwm;
	struct state *st = xcalloc(1, sizeof(*st)); /* the sample ring makes it large */
	st->cfg = cfg;
	st->w = w;
	st->ch = ch;
	st->res = res;
	st->pid = pid;
	st->page_size = sysconf(_SC_PAGESIZE);
	st->hwm_slack = proc_hwm_slack(sysconf(_SC_NPROCESSORS_CONF), st->page_size);
	if (proc_open(&st->main, pid, cfg->backend, e)) {
		free(st);
		return -1;
	}
	ptree_init(&st->tree, pid, cfg->own_child);
	if (res->hwm && st->main.clear_refs_fd < 0)
		hwm_refused(st, &st->main);
	int pidfd = pidfd_open_compat(pid);
	int64_t start = time_mono_ns();
	int64_t term_sent = 0;
	int maybe_ended = 1; /* ask wait4 only when the pidfd says so */
	res->t_start = (double)time_real_ns() / 1e9;
	for (int64_t k = 0;;) {
		int64_t now_mono = time_mono_ns();
		double t = (double)time_real_ns() / 1e9;
		dat_writer_hold(w);
		int gone = sample_once(st, t) != 0;
		dat_writer_flush(w);
		if (cfg->on_tick) {
			struct sampler_tick tick = {t - res->t_start, st->cur_mib, res->peak_mib,
						    res->hooked ? st->heap_prev_live / 1048576.0
								: -1};
			cfg->on_tick(cfg->ctx, &tick);
		}
		if (reaped(st, gone, maybe_ended))
			break;
		if (cfg->stop && *cfg->stop)
			break;
		periodic(st, now_mono);
		if (timed_out(st, now_mono - start, now_mono, &term_sent))
			break;
		maybe_ended = wait_draining(st, pidfd, next_deadline(st, start, &k));
	}
	res->t_end = (double)time_real_ns() / 1e9;
	if (ch && ch->map)
		res->procs_lost = atomic_load(&ch->map->procs_lost);
	if (pidfd >= 0)
		close(pidfd);
	state_free(st);
	return 0;
}
