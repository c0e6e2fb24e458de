/* stacks.c - the launcher's side of --stacks: drains allocation events, keeps each image's live
 * blocks, attributes peak and leaks to stacks. */
#include "core/stacks.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/blocks.h"
#include "core/dpkg.h"
#include "core/proc.h"
#include "core/backoff.h"
#include "core/sitetime.h"
#include "core/dwsym.h"
#include "core/stkdat.h"
#include "core/symbols.h"

/* One call stack's share of an image's heap. Sample mode keeps estimates. */
struct site {
	double live_b, live_n;	 /* in use now */
	double peak_b, peak_n;	 /* in use at the image's heap peak */
	double total_b, total_n; /* ever allocated */
	uint64_t stamp;		 /* event number of its last change */
	uint64_t allocs;	 /* allocation events recorded, unweighted */
	double gc_b, gc_n;	 /* freed while a collection ran */
	uint64_t gc_colls;	 /* collections that freed any of it */
	uint64_t gc_last;	 /* the last of them (its number in the image) */
	uint32_t *frames;	 /* frame indexes, innermost first: native, then Python */
	uint16_t nframes;
	uint16_t npy;	   /* Python frames: the last npy of frames, until placed */
	uint32_t py_entry; /* bit k: Python frame k was entered from C */
	uint8_t resolved;
};

/* A process image: one area's owner from claim to exit or exec. */
#define SITE_CHUNK 256u
#define SITE_CHUNKS ((MPROF_STK_TABLE + SITE_CHUNK) / SITE_CHUNK)

struct image {
	uint32_t area;
	int32_t pid;
	uint32_t proc_index, generation;
	uint64_t tail; /* next ring index to read */
	/* By stack id ([0] holds allocations without a stack), in chunks allocated as
	 * their first site is: an image that records nothing costs no table. */
	struct site **sites[SITE_CHUNKS];
	int looked;	       /* its owner's maps and executable were looked up (first event) */
	struct blocks *blocks; /* live blocks: size and stack id by address */
	double live, peak;
	uint64_t event_no, peak_stamp;
	uint64_t allocs, lost;
	uint64_t collections; /* collection markers seen (the current one's number) */
	int in_gc;	      /* between a collection's begin and end markers */
	char *exe;
	const char *bad;     /* why its area is not trusted any more, or NULL */
	int64_t stuck_since; /* when the reader last found the ring not moving, 0 */
	int maps_ok;	     /* /proc/PID/maps was read for this image while it lived */
	uint64_t waits_seen; /* its area's held_waits at the last pass */
};

/* What stays of an image once it is finished. */
struct result_site {
	double peak_b, peak_n, leak_b, leak_n, total_b, total_n;
	uint32_t *frames;
	uint16_t nframes;
	uint32_t id;	   /* its stack id while the image lived (sitetime.c names it) */
	double gc_b, gc_n; /* freed while a collection ran */
	uint64_t gc_colls;
	uint16_t npy;
	uint32_t py_entry;
};

struct result {
	int32_t pid;
	char *exe;
	double peak, leak;
	uint64_t allocs, lost;
	struct result_site *sites;
	size_t nsites;
	uint64_t collections;
};

struct dropped {
	int32_t pid;
	const char *why;
};

struct frame {
	uint32_t module;	   /* 0: no module; FRAME_PYTHON: a Python frame */
	uint64_t vaddr;		   /* in the module, or the raw address */
	struct dwsym_frame *names; /* after the run: inlined functions first, then the one */
	int nnames;		   /* holding the address; 0 when unnamed */
};

struct stk_session {
	struct chan *ch;
	pthread_t thread;
	_Atomic int stopping;
	int started;
	struct image *live[MPROF_STK_AREAS];
	struct result *results;
	size_t nresults, results_cap;
	struct symbolizer sym;
	char **modules;	 /* [0] unused */
	char **packages; /* per module, after the run: its Debian package when it lacks
			    symbols ("-" when unknown), else NULL */
	size_t nmodules, modules_cap;
	struct frame *frames;
	size_t nframes, frames_cap;
	uint32_t *frame_index; /* open addressing over frames, 0 empty */
	size_t frame_index_cap;
	uint64_t lost;
	uint64_t held_ns, held_waits; /* the programs' threads waiting for this reader */
	uint64_t unnamed;	      /* images gone before their executable could be read */
	struct dropped *dropped;      /* images whose area held impossible values */
	size_t ndropped, dropped_cap;
	struct sitetime *sitetime; /* the largest sites' live bytes over the run */
	int held_moved;		   /* a program waited for the reader since the last pass */
};

/* ---- frames and modules ---- */

static uint32_t module_of(struct stk_session *s, const char *path)
{
	for (size_t i = 1; i < s->nmodules; i++)
		if (!strcmp(s->modules[i], path))
			return (uint32_t)i;
	if (!s->nmodules)
		s->nmodules = 1;
	xgrow((void **)&s->modules, &s->modules_cap, s->nmodules + 1, sizeof(*s->modules));
	s->modules[s->nmodules] = xstrdup(path);
	return (uint32_t)s->nmodules++;
}

static size_t frame_hash(uint32_t module, uint64_t vaddr, size_t cap)
{
	return (size_t)((vaddr ^ (uint64_t)module << 48) * 0x9E3779B97F4A7C15ULL >> 24) & (cap - 1);
}

/* The module of a Python frame in struct frame: its vaddr is a hash of its names,
 * which names[0] holds (function, "file:line"). */
#define FRAME_PYTHON UINT32_MAX

static uint32_t frame_intern(struct stk_session *s, uint32_t module, uint64_t vaddr)
{
	if ((s->nframes + 1) * 2 > s->frame_index_cap) {
		free(s->frame_index);
		s->frame_index_cap = s->frame_index_cap ? s->frame_index_cap * 2 : 4096;
		s->frame_index = xcalloc(s->frame_index_cap, sizeof(*s->frame_index));
		for (size_t f = 0; f < s->nframes; f++) {
			size_t i =
			    frame_hash(s->frames[f].module, s->frames[f].vaddr, s->frame_index_cap);
			while (s->frame_index[i])
				i = (i + 1) & (s->frame_index_cap - 1);
			s->frame_index[i] = (uint32_t)f + 1;
		}
	}
	size_t i = frame_hash(module, vaddr, s->frame_index_cap);
	for (;; i = (i + 1) & (s->frame_index_cap - 1)) {
		uint32_t f = s->frame_index[i];
		if (!f)
			break;
		if (s->frames[f - 1].module == module && s->frames[f - 1].vaddr == vaddr)
			return f - 1;
	}
	xgrow((void **)&s->frames, &s->frames_cap, s->nframes + 1, sizeof(*s->frames));
	s->frames[s->nframes] = (struct frame){module, vaddr, NULL, 0};
	s->frame_index[i] = (uint32_t)s->nframes + 1;
	return (uint32_t)s->nframes++;
}

/* The frame of Python code func in file at line, interned by its names. */
static uint32_t py_frame_intern(struct stk_session *s, const char *file, const char *func,
				uint32_t line)
{
	char where[4200];
	snprintf(where, sizeof(where), "%s:%u", file, line);
	uint64_t h = 0xcbf29ce484222325ULL;
	for (const char *c = where; *c; c++)
		h = (h ^ (unsigned char)*c) * 0x100000001b3ULL;
	for (const char *c = func; *c; c++)
		h = (h ^ (unsigned char)*c) * 0x100000001b3ULL;
	/* Equal hashes of different names take the next value: the index compares
	 * (module, vaddr) only. */
	for (;; h++) {
		uint32_t f = frame_intern(s, FRAME_PYTHON, h);
		struct frame *fr = &s->frames[f];
		if (!fr->nnames) {
			fr->names = xcalloc(1, sizeof(*fr->names));
			fr->names[0] = (struct dwsym_frame){xstrdup(func), xstrdup(where), 0};
			fr->nnames = 1;
			return f;
		}
		if (!strcmp(fr->names[0].name, func) && !strcmp(fr->names[0].line, where))
			return f;
	}
}

/* The names of Python code idx of the area, copied into file and func (each of
 * size bytes); -1 when the area holds no such code. The table is the program's
 * writing: every index and offset is checked, every name copied once. */
static int area_pycode(struct mprof_stk_area *a, uint32_t idx, char *file, size_t file_size,
		       char *func, size_t func_size)
{
	uint32_t n = atomic_load_explicit(&a->npycodes, memory_order_acquire);
	if (idx >= n || idx >= MPROF_STK_PYCODES)
		return -1;
	struct mprof_stk_pycode c;
	memcpy(&c, (const void *)&a->pycodes[idx], sizeof(c));
	uint32_t at[2] = {c.file, c.func};
	char *out[2] = {file, func};
	size_t size[2] = {file_size, func_size};
	for (int k = 0; k < 2; k++) {
		if (at[k] >= MPROF_STK_PYNAMES)
			return -1;
		size_t max =
		    MPROF_STK_PYNAMES - at[k] < size[k] ? MPROF_STK_PYNAMES - at[k] : size[k];
		memcpy(out[k], (const void *)(a->pynames + at[k]), max);
		if (!memchr(out[k], '\0', max))
			return -1;
		for (char *p = out[k]; *p; p++)
			if ((unsigned char)*p < 0x20 || *p == 0x7f)
				*p = '?'; /* a name never breaks a line */
	}
	return 0;
}

static int owner_gone(struct stk_session *s, const struct image *im);

/* The module of the image's own published list (common/chanlayout.h) holding addr:
 * 0 with its path (canonical, as /proc/PID/maps names it; valid until the next
 * call) and addr as the module's ELF address, -1 when none. The list is the
 * program's writing: every index is checked. */
static int area_locate(struct mprof_stk_area *a, uint64_t addr, const char **path, uint64_t *vaddr)
{
	static char real[PATH_MAX];
	uint32_t n = atomic_load_explicit(&a->nmodules, memory_order_acquire);
	if (n > MPROF_STK_MODULES)
		n = MPROF_STK_MODULES;
	for (uint32_t i = 0; i < n; i++) {
		/* The program can rewrite the entry at any time: one copy, checked, used. */
		struct mprof_stk_module m;
		memcpy(&m, (const void *)&a->modules[i], sizeof(m));
		if (addr < m.lo || addr >= m.hi || addr < m.bias || m.name >= MPROF_STK_NAMES)
			continue;
		static char copy[MPROF_STK_NAMES];
		memcpy(copy, (const void *)(a->names + m.name), MPROF_STK_NAMES - m.name);
		if (!memchr(copy, '\0', MPROF_STK_NAMES - m.name) || copy[0] != '/')
			continue;
		*path = realpath(copy, real) ? real : copy;
		*vaddr = addr - m.bias;
		return 0;
	}
	return -1;
}

/* Maps a stack's return addresses to module and offset. The call instruction
 * ends just before each return address, so the call site is address - 1. While
 * the image lives, /proc/PID/maps says; once it has ended (its maps are gone, or
 * another image's), the modules it published itself. */
static void site_resolve(struct stk_session *s, struct image *im, struct site *st, uint32_t id,
			 struct mprof_stk_area *a)
{
	if (st->resolved || id == 0)
		return;
	if (id > MPROF_STK_TABLE)
		id = 0;
	if (id == 0)
		return;
	struct mprof_stk_entry *e = &a->table[id - 1];
	if (!atomic_load_explicit(&e->ready, memory_order_acquire))
		return; /* still being written: tried again later */
	uint32_t n = e->n, off = e->off;
	if (n > MPROF_STK_DEPTH + MPROF_STK_PYDEPTH || (uint64_t)off + n > MPROF_STK_FRAMES)
		n = 0; /* not a stack the hooks wrote: kept as "not recorded" */
	st->frames = xcalloc(n ? n : 1, sizeof(*st->frames));
	int refreshed = 0, live = im->maps_ok && !owner_gone(s, im);
	uint32_t native = 0;
	for (uint32_t k = 0; k < n; k++) {
		uint64_t word = a->frames[off + k];
		if (word & MPROF_STK_PY) {
			if (native > MPROF_STK_DEPTH || st->npy >= MPROF_STK_PYDEPTH) {
				n = native + st->npy;
				break;
			}
			static char file[4096], func[1024];
			uint32_t idx = (uint32_t)(word >> 32) & MPROF_STK_PY_NOCODE;
			if (area_pycode(a, idx, file, sizeof(file), func, sizeof(func)) != 0) {
				strcpy(file, "?");
				strcpy(func, "?");
			}
			if (word & MPROF_STK_PY_ENTRY)
				st->py_entry |= (uint32_t)1 << st->npy;
			st->frames[k] = py_frame_intern(s, file, func, (uint32_t)word);
			st->npy++;
			continue;
		}
		if (st->npy) { /* a native frame after a Python one: not the hooks' order */
			n = native + st->npy;
			break;
		}
		native++;
		uint64_t addr = word - 1;
		const char *path;
		uint64_t vaddr;
		int rc = live ? sym_locate(&s->sym, im->pid, addr, &path, &vaddr) : -1;
		if (rc && live && !refreshed) {
			refreshed = 1; /* a module loaded since the last snapshot */
			sym_snapshot(&s->sym, im->pid);
			rc = sym_locate(&s->sym, im->pid, addr, &path, &vaddr);
		}
		if (rc)
			rc = area_locate(a, addr, &path, &vaddr);
		st->frames[k] =
		    rc ? frame_intern(s, 0, addr) : frame_intern(s, module_of(s, path), vaddr);
	}
	st->nframes = (uint16_t)n;
	st->resolved = 1;
}

/* ---- images ---- */

static char *read_exe(int32_t pid)
{
	char path[64], buf[4096];
	snprintf(path, sizeof(path), "/proc/%d/exe", (int)pid);
	ssize_t n = readlink(path, buf, sizeof(buf) - 1);
	if (n <= 0)
		return xstrdup("?");
	buf[n] = '\0';
	return xstrdup(buf);
}

static struct image *image_new(struct stk_session *s, uint32_t i, struct mprof_stk_area *a)
{
	struct image *im = xcalloc(1, sizeof(*im));
	im->area = i;
	im->pid = atomic_load(&a->pid);
	im->proc_index = a->proc_index;
	im->generation = a->generation;
	im->blocks = blocks_new();
	if (im->pid <= 0 || im->proc_index >= s->ch->nprocs) {
		im->bad = "owner (pid or process slot)";
		im->exe = xstrdup("?");
		im->looked = 1;
	}
	return im;
}

/* At the image's first event: its mappings (an exec changes them) and its
 * executable, while it lives. An image that sends nothing (a short-lived child)
 * is never looked up. */
static void image_look(struct stk_session *s, struct image *im, struct mprof_stk_area *a)
{
	im->looked = 1;
	im->maps_ok = sym_snapshot(&s->sym, im->pid) == 0 && !owner_gone(s, im);
	im->exe = im->maps_ok ? read_exe(im->pid) : NULL;
	const char *path;
	uint64_t vaddr;
	uint32_t nm = atomic_load_explicit(&a->nmodules, memory_order_acquire);
	if (!im->exe && nm && area_locate(a, a->modules[0].lo, &path, &vaddr) == 0)
		im->exe = xstrdup(path); /* published: entry 0 is the executable */
	if (!im->exe)
		im->exe = xstrdup("?");
	if (!strcmp(im->exe, "?"))
		s->unnamed++;
}

/* The site of stack id (0 past the table), or NULL when it has none yet. */
static struct site *site_at(const struct image *im, uint32_t id)
{
	if (id > MPROF_STK_TABLE)
		id = 0;
	struct site **c = im->sites[id / SITE_CHUNK];
	return c ? c[id % SITE_CHUNK] : NULL;
}

static struct site *site_get(struct image *im, uint32_t id)
{
	if (id > MPROF_STK_TABLE)
		id = 0;
	struct site ***c = &im->sites[id / SITE_CHUNK];
	if (!*c)
		*c = xcalloc(SITE_CHUNK, sizeof(**c));
	if (!(*c)[id % SITE_CHUNK])
		(*c)[id % SITE_CHUNK] = xcalloc(1, sizeof(struct site));
	return (*c)[id % SITE_CHUNK];
}

/* The id after id to look at: the next one, or the next chunk's first when the
 * chunk holding id has no table. */
static uint32_t site_next(const struct image *im, uint32_t id)
{
	return im->sites[id / SITE_CHUNK] ? id + 1 : (id / SITE_CHUNK + 1) * SITE_CHUNK;
}

/* Frees the site table's chunks (not the sites). */
static void sites_free(struct image *im)
{
	for (uint32_t c = 0; c < SITE_CHUNKS; c++)
		free(im->sites[c]);
}

/* Before a site changes: if it has not changed since the peak, its value now is
 * its value at the peak. */
static void site_touch(struct image *im, struct site *st)
{
	if (st->stamp <= im->peak_stamp) {
		st->peak_b = st->live_b;
		st->peak_n = st->live_n;
	}
	st->stamp = ++im->event_no;
}

/* What one recorded block stands for: itself, or in sample mode the bytes and
 * blocks of which it is the sample (size / P(sampled)). */
static void weight(const struct chan *ch, uint64_t size, double *b, double *n)
{
	if (ch->stk_mode != MPROF_STK_SAMPLE) {
		*b = (double)size;
		*n = 1;
		return;
	}
	double p = -expm1(-(double)size / (double)ch->sample_bytes);
	if (p <= 0)
		p = 1e-12;
	*b = (double)size / p;
	*n = 1 / p;
}

static void on_free(struct stk_session *s, struct image *im, uint64_t ptr)
{
	uint64_t size;
	uint32_t id;
	if (!blocks_take(im->blocks, ptr, &size, &id))
		return; /* not recorded: allocated before the hooks, or not sampled */
	double wb, wn;
	weight(s->ch, size, &wb, &wn);
	struct site *st = site_get(im, id);
	site_touch(im, st);
	st->live_b -= wb;
	st->live_n -= wn;
	im->live -= wb;
	if (im->in_gc) {
		/* The collector runs on the thread that holds the interpreter: a free
		 * between the markers is the collection's (another thread's free in that
		 * time counts too). */
		st->gc_b += wb;
		st->gc_n += wn;
		if (st->gc_last != im->collections) {
			st->gc_last = im->collections;
			st->gc_colls++;
		}
	}
}

/* A collection's begin or end marker. The program writes them: a begin without
 * an end (or two ends) only moves its own figures. */
static void on_mark(struct image *im, uint64_t word)
{
	if (word == MPROF_STK_GC_BEGIN) {
		im->collections++;
		im->in_gc = 1;
	} else {
		im->in_gc = 0;
	}
}

static void on_alloc(struct stk_session *s, struct image *im, struct mprof_stk_area *a,
		     uint64_t ptr, uint64_t word)
{
	uint32_t id = (uint32_t)(word >> MPROF_STK_SIZE_BITS);
	if (id > MPROF_STK_TABLE)
		id = 0; /* MPROF_STK_UNKNOWN, or forged: no stack either way */
	double wb, wn;
	uint64_t size = word & ((1ULL << MPROF_STK_SIZE_BITS) - 1);
	weight(s->ch, size, &wb, &wn);
	struct site *st = site_get(im, id);
	if (!st->resolved)
		site_resolve(s, im, st, id, a);
	site_touch(im, st);
	st->live_b += wb;
	st->live_n += wn;
	st->total_b += wb;
	st->total_n += wn;
	st->allocs++;
	im->live += wb;
	im->allocs++;
	blocks_put(im->blocks, ptr, size, id); /* forgets a block whose free was never seen */
	if (im->live > im->peak) {
		im->peak = im->live;
		im->peak_stamp = im->event_no;
	}
}

/* More events reserved and unread than threads could ever hold: a forged head. */
#define STK_HEAD_SLACK (UINT64_C(1) << 22)
/* A reserved event the owner never publishes for this long was not reserved. */
#define STK_STUCK_NS (5 * 1000000000LL)
/* More allocations without a stack than a process could make in a run. */
#define STK_LOST_MAX (UINT64_C(1) << 44)
/* More time held (summed over threads) than a process could wait in a run: 36 years. */
#define STK_HELD_MAX (UINT64_C(1) << 60)

/* Checks why the ring does not move at im->tail: an entry holds what only the
 * launcher or the owner in turn may write there, and the head stays within reach
 * of the tail. Sets im->bad when they do not. */
static void check_stuck(struct image *im, struct mprof_stk_area *a, uint64_t seq)
{
	uint64_t lap = im->tail / MPROF_STK_EVENTS;
	uint64_t head = atomic_load_explicit(&a->head, memory_order_relaxed);
	if (head < im->tail || head - im->tail > MPROF_STK_EVENTS + STK_HEAD_SLACK) {
		im->bad = "ring head";
		return;
	}
	if (head == im->tail) {
		im->stuck_since = 0; /* nothing reserved: idle */
		if (seq != 2 * lap)
			im->bad = "ring entry";
		return;
	}
	if (seq != 2 * lap) {
		im->bad = "ring entry";
		return;
	}
	/* Reserved, not yet published: the owner is between two stores, unless its
	 * hooks stopped sending (dead), which leaves the entry unwritten for good. */
	if (atomic_load_explicit(&a->dead, memory_order_relaxed)) {
		im->bad = "ring entry (reserved, never written)";
		return;
	}
	int64_t now = time_mono_ns();
	if (!im->stuck_since)
		im->stuck_since = now;
	else if (now - im->stuck_since > STK_STUCK_NS)
		im->bad = "ring entry (reserved, never written)";
}

/* Reads up to max published events of the area; returns how many. */
static size_t drain(struct stk_session *s, struct image *im, struct mprof_stk_area *a, size_t max)
{
	size_t done = 0;
	while (done < max && !im->bad) {
		struct mprof_stk_event *e = &a->ring[im->tail % MPROF_STK_EVENTS];
		uint64_t lap = im->tail / MPROF_STK_EVENTS;
		uint64_t seq = atomic_load_explicit(&e->seq, memory_order_acquire);
		if (seq != 2 * lap + 1) {
			check_stuck(im, a, seq);
			break;
		}
		im->stuck_since = 0;
		if (!im->looked)
			image_look(s, im, a);
		uint64_t ptr = e->ptr, word = e->word;
		atomic_store_explicit(&e->seq, 2 * lap + 2, memory_order_release);
		im->tail++;
		done++;
		if (!ptr && word)
			on_mark(im, word);
		else if (word)
			on_alloc(s, im, a, ptr, word);
		else
			on_free(s, im, ptr);
	}
	if (im->bad)
		atomic_store(&a->dead, 1); /* the owner's hooks stop sending and waiting */
	return done;
}

static void image_finish(struct stk_session *s, struct image *im, struct mprof_stk_area *a)
{
	uint64_t head = atomic_load(&a->head), lost = atomic_load(&a->lost);
	uint64_t held = atomic_load(&a->held_ns), waits = atomic_load(&a->held_waits);
	if (head < im->tail || head - im->tail > MPROF_STK_EVENTS + STK_HEAD_SLACK)
		im->bad = im->bad ? im->bad : "ring head";
	if (lost > STK_LOST_MAX)
		im->bad = im->bad ? im->bad : "lost count";
	if (held > STK_HELD_MAX || waits > STK_LOST_MAX)
		im->bad = im->bad ? im->bad : "held time";
	if (im->bad) {
		/* Nothing it sent is trusted: only a NOTE stays of it. */
		xgrow((void **)&s->dropped, &s->dropped_cap, s->ndropped + 1, sizeof(*s->dropped));
		s->dropped[s->ndropped++] = (struct dropped){im->pid, im->bad};
		sitetime_image_done(s->sitetime, im, SIZE_MAX);
		for (uint32_t id = 0; id <= MPROF_STK_TABLE; id = site_next(im, id)) {
			struct site *st = site_at(im, id);
			if (st) {
				free(st->frames);
				free(st);
			}
		}
		free(im->exe);
		sites_free(im);
		blocks_free(im->blocks);
		free(im);
		return;
	}
	/* The hooks count each allocation they sent without a stack, or could not
	 * send, once; events still unread are not counted again (frees among them). */
	im->lost = lost;
	s->held_ns += held;
	s->held_waits += waits;
	struct result r = {im->pid,  im->exe, im->peak, im->live,	im->allocs,
			   im->lost, NULL,    0,	im->collections};
	im->exe = NULL;
	size_t used = 0;
	for (uint32_t id = 0; id <= MPROF_STK_TABLE; id = site_next(im, id))
		used += site_at(im, id) != NULL;
	r.sites = xcalloc(used + 1, sizeof(*r.sites)); /* an image per exec: keep it small */
	for (uint32_t id = 0; id <= MPROF_STK_TABLE; id = site_next(im, id)) {
		struct site *st = site_at(im, id);
		if (!st)
			continue;
		site_resolve(s, im, st, id, a);
		if (id != 0 && st->nframes == 0)
			im->lost += st->allocs; /* its frames found no room in the pool */
		if (st->stamp <= im->peak_stamp) {
			st->peak_b = st->live_b;
			st->peak_n = st->live_n;
		}
		if (st->total_n > 0) {
			r.sites[r.nsites++] = (struct result_site){
			    st->peak_b,	 st->peak_n,   st->live_b,  st->live_n,	 st->total_b,
			    st->total_n, st->frames,   st->nframes, id,		 st->gc_b,
			    st->gc_n,	 st->gc_colls, st->npy,	    st->py_entry};
		} else {
			free(st->frames);
		}
		free(st);
	}
	r.lost = im->lost;
	s->lost += im->lost;
	sitetime_image_done(s->sitetime, im, r.nsites || r.allocs ? s->nresults : SIZE_MAX);
	if (r.nsites || r.allocs) {
		xgrow((void **)&s->results, &s->results_cap, s->nresults + 1, sizeof(*s->results));
		s->results[s->nresults++] = r;
	} else {
		free(r.sites);
		free(r.exe);
	}
	sites_free(im);
	blocks_free(im->blocks);
	free(im);
}

/* Whether the area's owner has ended: exited, or replaced by an exec. */
static int owner_gone(struct stk_session *s, const struct image *im)
{
	if (im->pid <= 0)
		return 1;
	if (im->proc_index < s->ch->nprocs) {
		struct mprof_proc *p = &s->ch->map->procs[im->proc_index];
		if (atomic_load(&p->state) != MPROF_PROC_LIVE || atomic_load(&p->pid) != im->pid ||
		    atomic_load(&p->generation) != im->generation)
			return 1;
	}
	if (kill(im->pid, 0) == -1 && errno == ESRCH)
		return 1;
	/* An ended child its parent has not reaped yet holds its area: when every
	 * area is taken, a zombie (which sends nothing more) gives its area back. */
	for (uint32_t i = 0; i < s->ch->nareas; i++)
		if (!s->live[i])
			return 0;
	return proc_is_zombie(im->pid);
}

/* At most every 0.1 s: the live bytes of the largest sites (sitetime.c). */
static void sample_sites(struct stk_session *s)
{
	if (!sitetime_due(s->sitetime, time_mono_ns()))
		return;
	for (uint32_t i = 0; i < s->ch->nareas; i++)
		for (uint32_t id = 0; s->live[i] && id <= MPROF_STK_TABLE;
		     id = site_next(s->live[i], id))
			if (site_at(s->live[i], id))
				sitetime_offer(s->sitetime, s->live[i], id,
					       site_at(s->live[i], id)->live_b);
	sitetime_commit(s->sitetime, (double)time_real_ns() / 1e9);
}

/* One pass over the areas; returns the events read. */
static size_t pass(struct stk_session *s, int final)
{
	size_t total = 0;
	sample_sites(s);
	for (uint32_t i = 0; i < s->ch->nareas; i++) {
		struct mprof_stk_area *a = chan_area(s->ch, i);
		struct image *im = s->live[i];
		if (!im) {
			if (atomic_load_explicit(&a->state, memory_order_acquire) !=
			    MPROF_AREA_LIVE)
				continue;
			im = s->live[i] = image_new(s, i, a);
		}
		size_t n = drain(s, im, a, 65536);
		total += n;
		uint64_t waits = atomic_load_explicit(&a->held_waits, memory_order_relaxed);
		if (waits != im->waits_seen) {
			im->waits_seen = waits;
			s->held_moved = 1;
		}
		if (im->bad && !final && !owner_gone(s, im)) {
			/* Its owner may still write: the area stays its own, closed. */
			atomic_store(&a->dead, 1);
			continue;
		}
		if (final || (n == 0 && owner_gone(s, im))) {
			if (final) {
				atomic_store(&a->dead, 1); /* a survivor's hooks stop sending */
				drain(s, im, a, SIZE_MAX);
			} else if (drain(s, im, a, SIZE_MAX)) {
				continue; /* events published since: finish next time */
			}
			image_finish(s, im, a);
			s->live[i] = NULL;
			chan_area_release(s->ch, a);
		}
	}
	return total;
}

/* The reader's sleep between passes follows how much of a ring (MPROF_STK_EVENTS
 * per area) the last pass found (backoff.c): a sampled run's trickle of events costs
 * about a hundred wake-ups a second, not one per event; half a ring or more, it
 * passes again at once. A program that waited for the reader (a burst filled its
 * ring during a long sleep) cuts the longest sleep to a quarter, down to the
 * shortest; it doubles back each STK_CALM_NS without a wait. */
#define STK_SLEEP_MIN_NS 50000L
#define STK_SLEEP_MAX_NS 10000000L
#define STK_CALM_NS 1000000000LL

static void *consume(void *arg)
{
	struct stk_session *s = arg;
	long sleep_ns = STK_SLEEP_MIN_NS, cap_ns = STK_SLEEP_MAX_NS;
	int64_t calm_since = time_mono_ns();
	while (!atomic_load(&s->stopping)) {
		size_t n = pass(s, 0);
		int64_t now = time_mono_ns();
		if (s->held_moved) {
			s->held_moved = 0;
			cap_ns = cap_ns / 4 > STK_SLEEP_MIN_NS ? cap_ns / 4 : STK_SLEEP_MIN_NS;
			calm_since = now;
		} else if (cap_ns < STK_SLEEP_MAX_NS && now - calm_since > STK_CALM_NS) {
			cap_ns = cap_ns * 2 < STK_SLEEP_MAX_NS ? cap_ns * 2 : STK_SLEEP_MAX_NS;
			calm_since = now;
		}
		long next =
		    (long)backoff_next(sleep_ns, n, MPROF_STK_EVENTS, STK_SLEEP_MIN_NS, cap_ns);
		if (!next) {
			sleep_ns = STK_SLEEP_MIN_NS;
			continue;
		}
		sleep_ns = next;
		struct timespec ts = {0, sleep_ns};
		nanosleep(&ts, NULL);
	}
	return NULL;
}

struct stk_session *stk_open(struct chan *ch)
{
	struct stk_session *s = xcalloc(1, sizeof(*s));
	s->ch = ch;
	s->sitetime = sitetime_new();
	return s;
}

size_t stk_poll(struct stk_session *s, int final)
{
	return pass(s, final);
}

struct stk_session *stk_start(struct chan *ch, struct err *e)
{
	struct stk_session *s = xcalloc(1, sizeof(*s));
	s->ch = ch;
	s->sitetime = sitetime_new();
	/* The consumer must not take the launcher's signals, but a fault of its own
	 * must show (a blocked SIGSEGV kills without a word, even under ASan). */
	sigset_t all, old;
	sigfillset(&all);
	static const int faults[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT, SIGTRAP, SIGSYS};
	for (size_t i = 0; i < sizeof(faults) / sizeof(faults[0]); i++)
		sigdelset(&all, faults[i]);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	int rc = pthread_create(&s->thread, NULL, consume, s);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc) {
		free(s);
		err_sys(e, rc, "cannot start the stack reader");
		return NULL;
	}
	s->started = 1;
	return s;
}

/* ---- symbols, after the run ---- */

/* Inlined functions named at one address, at most (a deeper chain keeps its innermost
 * ones and the function that holds the address). */
#define INLINE_MAX 8

/* The modules without symbols (no symbol table, no debug information), each with
 * the Debian package that installed it (its debug symbols are in <package>-dbgsym),
 * from dpkg's file lists read once; "-" when no package is known. */
static void find_packages(struct stk_session *s, struct dwsym *dw)
{
	const char **paths = xcalloc(s->nmodules + 1, sizeof(*paths));
	size_t *which = xcalloc(s->nmodules + 1, sizeof(*which)), n = 0;
	for (size_t m = 1; m < s->nmodules; m++) {
		if (s->modules[m][0] != '/' || dwsym_has_symbols(dw, s->modules[m]))
			continue;
		which[n] = m;
		paths[n++] = s->modules[m];
	}
	if (n) {
		char **owner = xcalloc(n, sizeof(*owner));
		dpkg_owners(paths, n, owner);
		s->packages = xcalloc(s->nmodules, sizeof(*s->packages));
		for (size_t i = 0; i < n; i++)
			s->packages[which[i]] = owner[i] ? owner[i] : xstrdup("-");
		free(owner);
	}
	free(paths);
	free(which);
}

/* Names every frame with elfutils: a frame inside inlined code becomes the chain of
 * inlined functions and the function that holds it. */
static void name_frames(struct stk_session *s)
{
	struct dwsym *dw = dwsym_new();
	for (size_t f = 0; f < s->nframes; f++) {
		struct frame *fr = &s->frames[f];
		if (!fr->module || fr->module == FRAME_PYTHON || s->modules[fr->module][0] != '/')
			continue;
		struct dwsym_frame names[INLINE_MAX];
		int n = dwsym_frames(dw, s->modules[fr->module], fr->vaddr, names, INLINE_MAX);
		fr->names = xcalloc((size_t)n, sizeof(*fr->names));
		memcpy(fr->names, names, (size_t)n * sizeof(*names));
		fr->nnames = n;
	}
	find_packages(s, dw);
	dwsym_free(dw);
}

/* Whether a named native frame is the interpreter's evaluation loop, which runs
 * Python frames (CPython 3.6 and later name it so). */
static int is_eval_frame(const struct frame *fr)
{
	for (int k = 0; k < fr->nnames; k++)
		if (fr->names[k].name && strstr(fr->names[k].name, "_PyEval_EvalFrameDefault"))
			return 1;
	return 0;
}

/* Places a site's Python frames in its native stack, inside the evaluation frame
 * that ran them: from 3.11 one evaluation frame runs a frame entered from C and
 * the frames it called from Python, up to the next frame entered from C. The two
 * stacks are paired from their outer ends (an evaluation frame may allocate
 * before its first Python frame exists), or from their inner ends when a stack
 * was cut at its depth limit. Python frames left without an evaluation frame go
 * next to the last ones placed, or outermost when no evaluation frame was named
 * (an interpreter without symbols). */
static void place_python(struct stk_session *s, struct result_site *st)
{
	size_t nn = st->nframes - st->npy, np = st->npy, at = 0;
	const uint32_t *nat = st->frames, *pyf = st->frames + nn;
	uint32_t *out = xcalloc(st->nframes, sizeof(*out));
	int inward = nn >= MPROF_STK_DEPTH || np >= MPROF_STK_PYDEPTH;
#define ENTRY(k) (st->py_entry >> (k)&1)
	if (!inward) { /* outermost first, reversed at the end */
		size_t p = np, mark = SIZE_MAX;
		for (size_t j = nn; j-- > 0;) {
			out[at++] = nat[j];
			if (p && is_eval_frame(&s->frames[nat[j]])) {
				out[at++] = pyf[--p];
				while (p && !ENTRY(p - 1))
					out[at++] = pyf[--p];
				mark = at;
			}
		}
		if (p) { /* the innermost Python frames had no evaluation frame */
			size_t put = mark == SIZE_MAX ? 0 : mark;
			memmove(out + put + p, out + put, (at - put) * sizeof(*out));
			for (size_t k = 0; k < p; k++)
				out[put + k] = pyf[p - 1 - k];
			at += p;
		}
		for (size_t i = 0; i < at / 2; i++) {
			uint32_t t = out[i];
			out[i] = out[at - 1 - i];
			out[at - 1 - i] = t;
		}
	} else {
		size_t p = 0;
		for (size_t j = 0; j < nn; j++) {
			if (p < np && is_eval_frame(&s->frames[nat[j]]))
				do
					out[at++] = pyf[p];
				while (!ENTRY(p++) && p < np);
			out[at++] = nat[j];
		}
		while (p < np) /* the outer ones: their evaluation frames were cut off */
			out[at++] = pyf[p++];
	}
#undef ENTRY
	free(st->frames);
	st->frames = out;
	st->npy = 0;
}

void stk_stop(struct stk_session *s)
{
	if (!s || !s->started)
		return;
	atomic_store(&s->stopping, 1);
	pthread_join(s->thread, NULL);
	s->started = 0;
	/* A survivor that keeps sending must not keep the launcher here: a bounded
	 * catch-up, then the final pass closes every area. */
	for (int k = 0; k < 64 && pass(s, 0); k++)
		;
	pass(s, 1);
	name_frames(s);
	for (size_t i = 0; i < s->nresults; i++)
		for (size_t k = 0; k < s->results[i].nsites; k++)
			if (s->results[i].sites[k].npy)
				place_python(s, &s->results[i].sites[k]);
}

/* ---- output ---- */

static int by_peak(const void *x, const void *y)
{
	const struct result_site *a = x, *b = y;
	if (a->peak_b != b->peak_b)
		return a->peak_b < b->peak_b ? 1 : -1;
	if (a->leak_b != b->leak_b)
		return a->leak_b < b->leak_b ? 1 : -1;
	return (a->total_b < b->total_b) - (a->total_b > b->total_b);
}

/* Estimates are sums of weights: rounding can leave -0 or -1e-9 for nothing. */
static double pos(double v)
{
	return v < 0.5 ? 0 : v;
}

#define STK_FRAMES_TEXT ((MPROF_STK_DEPTH * INLINE_MAX + MPROF_STK_PYDEPTH) * 12 + 4)

/* A STK line's frame list into buf (STK_FRAMES_TEXT bytes): the STKFRAME numbers of
 * the site's frames in its order, comma-separated ("-" when none); first[f] is
 * frame f's first STKFRAME number. */
static void site_frames(const struct stk_session *s, const struct result_site *st,
			const uint32_t *first, char *buf)
{
	size_t len = 0;
	buf[0] = '-';
	buf[1] = '\0';
	for (uint16_t j = 0; j < st->nframes; j++) {
		const struct frame *fr = &s->frames[st->frames[j]];
		for (int q = 0; q < (fr->nnames ? fr->nnames : 1); q++)
			len += (size_t)snprintf(buf + len, STK_FRAMES_TEXT - len, "%s%u",
						len ? "," : "", first[st->frames[j]] + (uint32_t)q);
	}
}

void stk_write(struct stk_session *s, struct dat_writer *w)
{
	if (!s)
		return;
	const char *mode = s->ch->stk_mode == MPROF_STK_ALL ? "all" : "sample";
	dat_write_line(w, DAT_STACKS, "%s %llu", mode,
		       s->ch->stk_mode == MPROF_STK_ALL ? 0ULL
							: (unsigned long long)s->ch->sample_bytes);
	for (size_t i = 0; i < s->ndropped; i++)
		dat_write_line(w, DAT_NOTE,
			       "process %d: allocation stacks dropped: its stack area held an "
			       "impossible %s (written by the program, not the hooks)",
			       (int)s->dropped[i].pid, s->dropped[i].why);
	if (s->held_waits)
		dat_write_line(
		    w, DAT_NOTE,
		    "held %.3f s in %llu waits: the program waited for mprof's stack "
		    "reader, which fell behind (time summed over its threads): its timings "
		    "are slowed",
		    (double)s->held_ns / 1e9, (unsigned long long)s->held_waits);
	for (size_t m = 1; m < s->nmodules; m++)
		dat_write_line(w, DAT_STKMOD, "%zu %s", m, s->modules[m]);
	for (size_t m = 1; s->packages && m < s->nmodules; m++)
		if (s->packages[m])
			dat_write_line(w, DAT_STKNOSYM, "%zu %s", m, s->packages[m]);
	/* One STKFRAME line per named frame: an address inside inlined code has
	 * several, numbered in a row from first[f]. */
	uint32_t *first = xcalloc(s->nframes + 1, sizeof(*first)), next = 0;
	size_t line = 0; /* STK lines written: how STKSITES names a site */
	for (size_t f = 0; f < s->nframes; f++) {
		const struct frame *fr = &s->frames[f];
		first[f] = next;
		for (int k = 0; k < (fr->nnames ? fr->nnames : 1); k++) {
			const struct dwsym_frame *nm = fr->nnames ? &fr->names[k] : NULL;
			char source[1024];
			stk_escape_source(nm ? nm->line : NULL, source, sizeof(source));
			int python = fr->module == FRAME_PYTHON;
			dat_write_line(w, DAT_STKFRAME, "%u %s %u 0x%llx %s %s", next++,
				       python		   ? "python"
				       : nm && nm->inlined ? "inlined"
							   : "native",
				       python ? 0 : fr->module,
				       python ? 0ULL : (unsigned long long)fr->vaddr, source,
				       nm && nm->name ? nm->name : "?");
		}
	}
	size_t nstk = 0; /* STK lines written: the site numbers of STKGC lines */
	for (size_t i = 0; i < s->nresults; i++) {
		struct result *r = &s->results[i];
		dat_write_line(w, DAT_STKIMG, "%zu %d %.0f %.0f %llu %llu %s", i, (int)r->pid,
			       pos(r->peak), pos(r->leak), (unsigned long long)r->allocs,
			       (unsigned long long)r->lost, r->exe);
		if (r->collections)
			dat_write_line(w, DAT_STKCOLL, "%zu %llu", i,
				       (unsigned long long)r->collections);
		qsort(r->sites, r->nsites, sizeof(*r->sites), by_peak);
		for (size_t k = 0; k < r->nsites; k++) {
			const struct result_site *st = &r->sites[k];
			sitetime_name(s->sitetime, i, st->id, line++);
			char frames[STK_FRAMES_TEXT];
			site_frames(s, st, first, frames);
			dat_write_line(w, DAT_STK, "%zu %.0f %.0f %.0f %.0f %.0f %.0f %s", i,
				       pos(st->peak_b), pos(st->peak_n), pos(st->leak_b),
				       pos(st->leak_n), pos(st->total_b), pos(st->total_n), frames);
			if (st->gc_colls)
				dat_write_line(w, DAT_STKGC, "%zu %.0f %.0f %llu", nstk,
					       pos(st->gc_b), pos(st->gc_n),
					       (unsigned long long)st->gc_colls);
			nstk++;
		}
	}
	free(first);
	sitetime_write(s->sitetime, w);
}

uint64_t stk_lost(const struct stk_session *s)
{
	return s ? s->lost : 0;
}

void stk_losses(const struct stk_session *s, struct stk_losses *l)
{
	memset(l, 0, sizeof(*l));
	if (!s)
		return;
	l->stacks = s->lost;
	/* Written by the program's hooks: a count beyond any real number of processes
	 * is reported as the bound, never believed. */
	uint64_t images = atomic_load(&s->ch->map->areas_lost);
	l->images = images > STK_LOST_MAX ? STK_LOST_MAX : images;
	l->unnamed = s->unnamed;
}

void stk_held(const struct stk_session *s, uint64_t *ns, uint64_t *waits)
{
	*ns = s ? s->held_ns : 0;
	*waits = s ? s->held_waits : 0;
}

void stk_free(struct stk_session *s)
{
	if (!s)
		return;
	stk_stop(s);
	for (size_t i = 0; i < s->nresults; i++) {
		for (size_t k = 0; k < s->results[i].nsites; k++)
			free(s->results[i].sites[k].frames);
		free(s->results[i].sites);
		free(s->results[i].exe);
	}
	free(s->results);
	free(s->dropped);
	sitetime_free(s->sitetime);
	for (size_t m = 1; m < s->nmodules; m++) {
		free(s->modules[m]);
		if (s->packages)
			free(s->packages[m]);
	}
	free(s->modules);
	free(s->packages);
	for (size_t f = 0; f < s->nframes; f++) {
		for (int k = 0; k < s->frames[f].nnames; k++)
			dwsym_frame_release(&s->frames[f].names[k]);
		free(s->frames[f].names);
	}
	free(s->frames);
	free(s->frame_index);
	sym_release(&s->sym);
	free(s);
}
