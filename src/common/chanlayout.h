/* chanlayout.h - layout of the shared-memory channel between libmprof.so and the launcher.
 *
 * The launcher creates a private shared-memory file (a sealed memfd reached as
 * /proc/<launcher>/fd/<n>; path in env MPROF_CHANNEL), sizes it and maps it. Every
 * process that loads libmprof.so maps the same file and claims one process slot.
 * The program can write anything here: neither side trusts what the other wrote
 * (docs/architecture.md, "mprof run prog"). Each thread of that process owns one counter cell and
 * writes it alone, so the allocation hooks need no locked instruction on their common path; the
 * launcher sums the cells. Nothing in here is a pointer: both sides map the file
 * at different addresses.
 */
#ifndef MPROF_CHANLAYOUT_H
#define MPROF_CHANLAYOUT_H

#include <stdatomic.h>
#include <stdint.h>

#define MPROF_CHANNEL_MAGIC 0x31484346524f504dULL /* "MPROFCH1" little-endian */
#define MPROF_CHANNEL_VERSION 8u
#define MPROF_CHANNEL_ENV "MPROF_CHANNEL"

#define MPROF_MAX_PROCS 512   /* process slots; reused once the launcher retires one */
#define MPROF_MAX_CELLS 64    /* per-thread cells per process; more threads share cell 0 */
#define MPROF_RING_EVENTS 512 /* bracket events per process between two drains */
#define MPROF_NAME_MAX 96     /* bracket name bytes kept, NUL included */
#define MPROF_RANGES_MAX 256  /* --func address ranges in the program's executable */

/* A thread's counters. Only its owner writes them (plain read-modify-writes, no
 * locked instruction); the launcher reads them. Cell 0 is shared and written with
 * atomic adds: it takes threads beyond MPROF_MAX_CELLS and the fork baseline.
 * The live heap is the sum of every cell's net (a cell's net goes negative when
 * its thread frees blocks that other threads allocated). */
struct mprof_cell {
	_Alignas(64) _Atomic int64_t net; /* usable bytes allocated minus freed; a line per cell */
	_Atomic uint64_t allocs;
	_Atomic uint64_t frees;
	/* The owner takes its slow path when net rises above hi or falls below lo:
	 * when the process's heap may be at a new peak, or when the thread has
	 * bytes to flush, or when the heap may be at a new low. The launcher sets hi
	 * to INT64_MIN and lo to INT64_MAX after resetting heap_peak and heap_low, so
	 * every thread re-arms at its next allocation or free. */
	_Atomic int64_t hi;
	_Atomic int64_t lo;
	_Atomic uint32_t owned; /* 1 while a live thread owns the cell */
	uint32_t pad_;
	int64_t sample_left; /* the owner's --stacks countdown, private to it */
	uint64_t pad2_;
};

enum mprof_event_kind {
	MPROF_EV_ENTER = 1,    /* mprof_enter(name) */
	MPROF_EV_LEAVE = 2,    /* mprof_leave() */
	MPROF_EV_CALL = 3,     /* a whole -finstrument-functions call: addr, both times */
	MPROF_EV_GC_BEGIN = 4, /* a garbage collection starts (mprof_gc_begin) */
	MPROF_EV_GC_END = 5,   /* ... and ends, on the same thread (mprof_gc_end) */
};

#define MPROF_RSS_UNKNOWN UINT32_MAX /* rss_pages of an event that did not read it */

/* One bracket event. `seq` is written last (release) with the event's index+1,
 * so the reader knows the slot holds the event it expects. What the process held
 * at the event is measured in it: RSS in pages and the heap in use (the sum of its
 * slot's cells' net, in bytes). */
struct mprof_event {
	_Atomic uint64_t seq;
	uint32_t kind;
	int32_t depth; /* GC_BEGIN: the generation; GC_END: objects found uncollectable */
	int32_t tid;
	uint32_t rss_pages; /* ENTER/LEAVE: resident pages (/proc/self/statm) */
	int64_t t_ns;	    /* CLOCK_REALTIME of the event, or of entry for CALL */
	union {
		int64_t t_exit_ns; /* CALL only */
		int64_t heap;	   /* ENTER/LEAVE/GC_*: heap in use at the event, bytes */
	};
	uint64_t addr; /* CALL: function address in this process; ENTER/LEAVE: the
			  caller's bracket id (mprof_enter_id), 0 for stack pairing;
			  GC_END: objects collected */
	char name[MPROF_NAME_MAX];
};

enum mprof_proc_state {
	MPROF_PROC_FREE = 0,
	MPROF_PROC_CLAIMING = 1,
	MPROF_PROC_LIVE = 2,
};

/* What a process's library has to say. It never writes to the program's own
 * descriptors: it sets a bit here, and the launcher writes a NOTE into the
 * recording and a line on its own stderr. */
enum mprof_proc_note {
	MPROF_PN_FOREIGN_ALLOC = 1u
				 << 0, /* malloc is not glibc's: sized by its malloc_usable_size */
	MPROF_PN_NO_USABLE = 1u << 1,  /* ... and it has none: heap not counted */
	MPROF_PN_OWN_MALLOC = 1u << 2, /* the executable defines malloc: the hooks never see it */
	MPROF_PN_NO_UNWIND = 1u << 3,  /* --stacks: libunwind could not be loaded */
	MPROF_PN_NO_AREA = 1u << 4,    /* --stacks: no stack area was free */
	MPROF_PN_FORK_NO_STACKS = 1u
				  << 5, /* a fork met a capture in progress: child's stacks off */
	MPROF_PN_PY_NO_GIL = 1u << 6,	/* --stacks: a Python thread allocated without the GIL */
	MPROF_PN_PY_UNKNOWN = 1u << 7,	/* --stacks: an interpreter whose frames cannot be read */
	MPROF_PN_ALL = (1u << 8) - 1,
};

struct mprof_proc {
	_Atomic uint32_t state;
	_Atomic int32_t pid;
	int32_t ppid;
	_Atomic uint32_t generation; /* bumped when an exec reuses the slot */
	_Atomic uint32_t notes;	     /* enum mprof_proc_note bits: what the launcher must say */
	/* Cells [0, cells_used) may hold counts: the ones an exec or the slot's next
	 * owner resets, and the library sums. Cells past it stay zero, untouched, so a
	 * process start writes one page of its slot instead of two. Written by the
	 * program: the launcher sums every cell and never reads it. */
	_Atomic uint32_t cells_used;
	/* Which image the counters belong to: the address of the kernel's AT_RANDOM
	 * bytes and their first 8, new at every exec. The launcher compares them with
	 * the process's own: an image that differs has not registered (yet), and one
	 * that never does cannot be hooked. Written before generation. */
	_Atomic uint64_t image_at;
	_Atomic uint64_t image_random;
	/* Net bytes that threads have flushed so far: a running estimate of the live
	 * heap from which each thread computes candidate peaks. Read on every
	 * allocation, written rarely: a cache line of its own with heap_peak. */
	_Alignas(64) _Atomic int64_t heap_flushed;
	/* The largest live heap seen since the launcher last took it (reset to 0). */
	_Atomic int64_t heap_peak;
	/* Bumped by the launcher after each reset of heap_peak: threads re-arm then. */
	_Atomic uint64_t peak_epoch;
	/* The smallest live heap seen since the launcher last took it (reset to
	 * INT64_MAX): kept by the same protocol as heap_peak, through the cells' lo. */
	_Atomic int64_t heap_low;
	_Alignas(64) _Atomic uint64_t mmap_live; /* anonymous mmap bytes the program holds */
	_Atomic uint64_t ev_head;		 /* events ever reserved */
	_Atomic uint64_t ev_dropped;		 /* events lost because the ring was full */
	_Atomic uint64_t ev_tail;		 /* events the launcher has consumed */
	struct mprof_cell cells[MPROF_MAX_CELLS];
	struct mprof_event ring[MPROF_RING_EVENTS];
};

enum mprof_channel_flags {
	MPROF_CF_FUNC_RANGES = 1u << 0, /* --func: keep calls inside ranges[], and no others */
};

/* ---- allocation stacks (--stacks) ----
 *
 * Each hooked process image claims a stack area. Its threads store every unique
 * call stack once in the area's table (raw return addresses; the launcher maps them
 * to module and offset while the process lives), and send one event per recorded
 * allocation and free through the area's ring. The launcher alone keeps the map of
 * live blocks, so the program carries no per-block state. */
#define MPROF_STK_AREAS                                                                            \
	64 /* process images with stacks at once (claimed ones only take memory)                   \
	    */
#define MPROF_STK_EVENTS (1u << 15) /* ring entries per area */
#define MPROF_STK_TABLE (1u << 15)  /* unique stacks per area (ids 1..) */
#define MPROF_STK_FRAMES (1u << 20) /* frame words per area */
#define MPROF_STK_DEPTH 64	    /* frames kept per stack, innermost first */
#define MPROF_STK_FILTER (1u << 16) /* sample mode: addresses of live sampled blocks */
#define MPROF_STK_PROBE 8	    /* filter entries a sampled address may take */
#define MPROF_STK_UNKNOWN 0xFFFFFFu /* an allocation whose stack could not be stored */
#define MPROF_STK_SIZE_BITS 40
#define MPROF_STK_GC_BEGIN 1 /* a marker event's word */
#define MPROF_STK_GC_END 2

/* Python frames (src/preload/pyframes.c). A stack's words are its native return
 * addresses, innermost first, then at most MPROF_STK_PYDEPTH words for the
 * Python frames the thread was running, innermost first. A Python word has bit 63
 * set (no user-space address has it), bit 62 when the interpreter entered that
 * frame from C (a native evaluation frame of its own), the frame's code in bits
 * 32..61 (an index into the area's pycodes) and its line in bits 0..31. */
#define MPROF_STK_PYDEPTH 32
#define MPROF_STK_PYCODES 8192	       /* code objects per area */
#define MPROF_STK_PYNAMES (512 * 1024) /* bytes of their file and function names */
#define MPROF_STK_PY (UINT64_C(1) << 63)
#define MPROF_STK_PY_ENTRY (UINT64_C(1) << 62)
#define MPROF_STK_PY_NOCODE 0x3FFFFFFFu /* code index of a frame whose code was not stored */

enum mprof_stk_mode {
	MPROF_STK_OFF = 0,
	MPROF_STK_SAMPLE = 1, /* allocations sampled by bytes, every byte the same chance */
	MPROF_STK_ALL = 2,    /* every allocation */
};

/* One allocation (word = stack id << 40 | usable size) or free (word = 0), or a
 * marker (ptr = 0, word = MPROF_STK_GC_BEGIN or MPROF_STK_GC_END: a collection of
 * the program's garbage collector starts or ends; no allocation has address 0).
 * `seq` is 2*lap+1 once written for lap = index / MPROF_STK_EVENTS and 2*lap+2
 * once the launcher has read it, so a zeroed ring is ready for lap 0. */
struct mprof_stk_event {
	_Atomic uint64_t seq;
	uint64_t ptr;
	uint64_t word;
};

/* A Python code object: its file and function names at pynames[file] and
 * pynames[func], each NUL-terminated. */
struct mprof_stk_pycode {
	uint32_t file, func;
};

/* A unique stack: frames[off .. off+n) of its area; hash 0 means an empty entry,
 * ready is set (release) once off and n are written. */
struct mprof_stk_entry {
	_Atomic uint64_t hash;
	uint32_t off;
	uint16_t n;
	_Atomic uint16_t ready;
};

/* The image's code modules, published by the library itself: a process that ends
 * before the launcher reads its /proc/PID/maps still has its stacks named. Each is
 * one executable segment: [lo, hi) in the process, bias (ELF address = address -
 * bias), and the module's path at names[name]. Entry 0 is the executable. */
#define MPROF_STK_MODULES 512
#define MPROF_STK_NAMES (64 * 1024)

struct mprof_stk_module {
	uint64_t lo, hi, bias;
	uint32_t name;
	uint32_t pad_;
};

enum mprof_area_state {
	MPROF_AREA_FREE = 0,
	MPROF_AREA_CLAIMING = 1,
	MPROF_AREA_LIVE = 2,
};

struct mprof_stk_area {
	_Atomic uint32_t state;
	_Atomic int32_t pid;
	uint32_t proc_index;   /* the owner's process slot */
	uint32_t generation;   /* that slot's generation when claimed: an exec ends the area */
	_Atomic uint32_t dead; /* the owner stopped recording: the launcher did not keep up */
	uint32_t pad_;
	_Atomic uint64_t lost; /* allocations recorded without their stack (table full) */
	/* The owner's threads held waiting for ring room (the launcher behind):
	 * nanoseconds summed over threads, and how many waits. */
	_Atomic uint64_t held_ns;
	_Atomic uint64_t held_waits;
	_Alignas(64) _Atomic uint64_t head; /* events reserved by the owner's threads */
	_Atomic uint32_t nmodules;	    /* modules[0, nmodules) are written (release) */
	uint32_t names_used;		    /* the library's own: bytes of names[] taken */
	_Alignas(64) _Atomic uint64_t frames_used;
	_Alignas(64) struct mprof_stk_event ring[MPROF_STK_EVENTS];
	struct mprof_stk_entry table[MPROF_STK_TABLE];
	uint64_t frames[MPROF_STK_FRAMES];
	_Atomic uint16_t filter[MPROF_STK_FILTER]; /* live sampled blocks with this home bucket */
	_Atomic uint64_t sampled[MPROF_STK_FILTER + MPROF_STK_PROBE]; /* their addresses */
	struct mprof_stk_module modules[MPROF_STK_MODULES];
	char names[MPROF_STK_NAMES];
	/* Python code objects seen in stacks, published as modules are: names first,
	 * then the entry, then npycodes (release). */
	_Atomic uint32_t npycodes;
	uint32_t pynames_used; /* the library's own: bytes of pynames[] taken */
	struct mprof_stk_pycode pycodes[MPROF_STK_PYCODES];
	char pynames[MPROF_STK_PYNAMES];
};

/* The home bucket of a block address (sample mode). The program's own threads keep
 * each live sampled block's address in sampled[] at its home or one of the next
 * MPROF_STK_PROBE - 1 entries, count it in filter[home], and take both back when
 * the block is freed. Checked on every free, so it is a shift and a mask (blocks
 * are 16-byte aligned). */
static inline uint32_t mprof_stk_bucket(uint64_t ptr)
{
	return (uint32_t)(ptr >> 4) & (MPROF_STK_FILTER - 1);
}

/* A function chosen by --func: [lo, hi) in the executable's own addresses (before
 * relocation). Sorted by lo. */
struct mprof_range {
	uint64_t lo, hi;
};

struct mprof_channel {
	uint64_t magic;
	uint32_t version;
	uint32_t nprocs;
	uint64_t size;
	uint32_t flags;
	uint32_t pad_;
	int64_t min_call_ns; /* -finstrument-functions calls shorter than this are dropped */
	_Atomic uint32_t procs_lost; /* processes that found no free slot */
	_Atomic uint32_t procs_used; /* slots [0, procs_used) have ever been claimed */
	uint64_t exe_dev, exe_ino;   /* the executable the ranges belong to */
	uint32_t nranges;
	uint32_t stk_mode;	     /* enum mprof_stk_mode */
	uint64_t sample_bytes;	     /* sample mode: mean bytes between two samples */
	int32_t launcher_pid;	     /* a hook waiting for ring room gives up once it is gone */
	uint32_t nareas;	     /* stack areas after the process slots (0 without --stacks) */
	_Atomic uint32_t areas_lost; /* process images that found no free stack area */
	/* Images that attached. Their first touch of the mapping bumps it: a write
	 * fault maps the header page alone, where a read fault would map its
	 * populated neighbours (other processes' slots) into the process too. */
	_Atomic uint32_t attached;
	/* Claiming without reading every slot: each page of the channel a process
	 * touches stays in its RSS, so it touches the header's first page, its own
	 * slot and its own area, no others. A bit per slot (and per stack area) is set
	 * while it is claimed or live; the launcher clears it when it frees the slot.
	 * proc_pids[i] is slot i's pid, for an exec'd image to find the slot its pid
	 * holds (checked against the slot itself). Written by the program: hints
	 * only, the launcher reads neither. */
	_Atomic uint64_t procs_busy[MPROF_MAX_PROCS / 64];
	_Atomic uint64_t areas_busy;
	_Atomic int32_t proc_pids[MPROF_MAX_PROCS];
	struct mprof_range ranges[MPROF_RANGES_MAX];
	struct mprof_proc procs[];
};

_Static_assert(MPROF_MAX_PROCS % 64 == 0 && MPROF_STK_AREAS <= 64, "claim bitmaps");
_Static_assert(__builtin_offsetof(struct mprof_channel, ranges) <= 4096,
	       "what a process touches to claim a slot fits in the first page");

static inline uint64_t mprof_channel_size(uint32_t nprocs)
{
	return sizeof(struct mprof_channel) + (uint64_t)nprocs * sizeof(struct mprof_proc);
}

/* Stack areas start on a page boundary after the process slots. */
static inline uint64_t mprof_area_offset(uint32_t nprocs, uint32_t i)
{
	uint64_t base = (mprof_channel_size(nprocs) + 4095) & ~(uint64_t)4095;
	uint64_t each = (sizeof(struct mprof_stk_area) + 4095) & ~(uint64_t)4095;
	return base + (uint64_t)i * each;
}

#endif
