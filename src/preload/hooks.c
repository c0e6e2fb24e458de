/* hooks.c - libmprof.so's interposed symbols: each forwards to the next definition and tells the
 * engine. */
#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <link.h>
#include <stdio.h>
#include <malloc.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "preload/engine.h"
#include "preload/stacks.h"

#define EXPORT __attribute__((visibility("default")))

/* Prototypes for what the C library headers here may not declare. */
EXPORT void free_sized(void *p, size_t size);
EXPORT void free_aligned_sized(void *p, size_t alignment, size_t size);
EXPORT void mprof_enter(const char *name);
EXPORT void mprof_leave(void);
EXPORT void mprof_enter_id(const char *name, unsigned long long id, int depth);
EXPORT void mprof_leave_id(unsigned long long id);
EXPORT void mprof_gc_begin(int generation);
EXPORT void mprof_gc_end(long long collected, long long uncollectable);
EXPORT void __cyg_profile_func_enter(void *fn, void *site);
EXPORT void __cyg_profile_func_exit(void *fn, void *site);

static void *first_malloc(size_t n);

/* The definitions we forward to, found with RTLD_NEXT so that a malloc replacement
 * linked into the program (jemalloc, tcmalloc) keeps working under us. malloc
 * starts at first_malloc, which resolves them: the hottest hook checks nothing. */
static struct {
	void *(*malloc)(size_t);
	void *(*calloc)(size_t, size_t);
	void *(*realloc)(void *, size_t);
	void *(*reallocarray)(void *, size_t, size_t);
	void (*free)(void *);
	int (*posix_memalign)(void **, size_t, size_t);
	void *(*aligned_alloc)(size_t, size_t);
	void *(*memalign)(size_t, size_t);
	void *(*valloc)(size_t);
	void *(*pvalloc)(size_t);
	size_t (*usable)(void *);
	void *(*mmap)(void *, size_t, int, int, int, off_t);
	int (*munmap)(void *, size_t);
	void *(*mremap)(void *, size_t, size_t, int, ...);
	int (*pipe2)(int[2], int);
} real = {.malloc = first_malloc};

static _Atomic int resolved; /* 0 no, 1 in progress, 2 done */
/* The next malloc is glibc's: usable sizes come from chunk headers, and threads get
 * cells of their own (the fast paths). With another allocator every call takes the
 * slow path, which asks it. */
int engine_glibc_next MPROF_HIDDEN;
#define glibc_next engine_glibc_next
uint32_t engine_notes MPROF_HIDDEN;

/* dlsym may allocate on some glibc versions: those calls are served from here.
 * Each block has a header word as a glibc chunk has, with the "mmapped" bit set:
 * the fast paths, which size blocks from that word, leave such blocks to the slow
 * paths, and those know boot blocks (is_boot). */
static char boot_buf[64 * 1024] __attribute__((aligned(64))) MPROF_LARGE;
static _Atomic size_t boot_used;
#define CHUNK_MMAPPED ((size_t)2)

static void *boot_alloc(size_t n)
{
	if (n > sizeof(boot_buf))
		return NULL;
	n = ((n + 15) & ~(size_t)15) + 16;
	size_t off = atomic_fetch_add(&boot_used, n);
	if (off + n > sizeof(boot_buf))
		return NULL;
	char *p = boot_buf + off + 16;
	((size_t *)p)[-1] = n | CHUNK_MMAPPED;
	return p;
}

/* An aligned boot block, for the aligned allocators called before we are ready:
 * its header word, as boot_alloc's, says the bytes from the block to its end. */
static void *boot_aligned(size_t alignment, size_t n)
{
	if (alignment < 16 || (alignment & (alignment - 1)) || n > sizeof(boot_buf))
		return NULL;
	char *raw = boot_alloc(n + alignment);
	if (!raw)
		return NULL;
	char *p = (char *)(((uintptr_t)raw + alignment - 1) & ~(uintptr_t)(alignment - 1));
	size_t head = ((size_t *)raw)[-1] & ~(size_t)7;
	((size_t *)p)[-1] = (head - (size_t)(p - raw)) | CHUNK_MMAPPED;
	return p;
}

static inline int is_boot(const void *p)
{
	return (uintptr_t)p - (uintptr_t)boot_buf < sizeof(boot_buf);
}

/* The size of a block of an allocator that cannot tell: not counted (a NOTE says so). */
static size_t no_usable(void *p)
{
	(void)p;
	return 0;
}

/* Whether a loaded object's path names glibc's libc.so.6. */
static int is_libc(const char *path)
{
	if (!path)
		return 0;
	const char *base = strrchr(path, '/');
	return strcmp(base ? base + 1 : path, "libc.so.6") == 0;
}

/* The loaded object holding an address: its load bias and path, as dladdr's
 * dli_fbase and dli_fname tell apart objects, without dladdr's walk over every
 * symbol of the object (libc.so.6 has thousands: tens of microseconds per call
 * at every process start). */
struct object_at {
	uintptr_t addr, bias;
	const char *name;
	int found;
};

static int object_at_cb(struct dl_phdr_info *info, size_t size, void *data)
{
	(void)size;
	struct object_at *o = data;
	for (int i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		uintptr_t lo = (uintptr_t)info->dlpi_addr + ph->p_vaddr;
		if (ph->p_type == PT_LOAD && o->addr - lo < ph->p_memsz) {
			o->bias = (uintptr_t)info->dlpi_addr;
			o->name = info->dlpi_name;
			o->found = 1;
			return 1;
		}
	}
	return 0;
}

/* Finds the object holding p into *o; 1 when one does, else 0. dl_iterate_phdr
 * neither allocates nor loads anything. */
static int object_at(const void *p, struct object_at *o)
{
	*o = (struct object_at){.addr = (uintptr_t)p};
	if (p)
		dl_iterate_phdr(object_at_cb, o);
	return o->found;
}

#define NEXT(name) (__typeof__(real.name))dlsym(RTLD_NEXT, #name)

static void resolve(void)
{
	int expect = 0;
	if (!atomic_compare_exchange_strong(&resolved, &expect, 1))
		return;
	engine_tl.in_hook = 1;
	real.malloc = NEXT(malloc);
	real.calloc = NEXT(calloc);
	real.realloc = NEXT(realloc);
	real.reallocarray = NEXT(reallocarray);
	real.free = NEXT(free);
	real.posix_memalign = NEXT(posix_memalign);
	real.aligned_alloc = NEXT(aligned_alloc);
	real.memalign = NEXT(memalign);
	real.valloc = NEXT(valloc);
	real.pvalloc = NEXT(pvalloc);
	real.usable = (size_t(*)(void *))dlsym(RTLD_NEXT, "malloc_usable_size");
	real.mmap = NEXT(mmap);
	real.munmap = NEXT(munmap);
	real.mremap = NEXT(mremap);
	real.pipe2 = NEXT(pipe2);
	/* Is the allocator below us glibc's own? Then its chunk header says the usable
	 * size, as malloc_usable_size would (without memory tagging), for a few
	 * instructions instead of a call. Any other allocator (jemalloc, tcmalloc,
	 * mimalloc: they export glibc's __libc_* names too, so names cannot tell) is
	 * asked through its own malloc_usable_size. object_at neither allocates nor loads
	 * anything: a dlopen here would run the allocator below before we are ready. */
	struct object_at m, f, u, me, def;
	glibc_next = object_at((void *)real.malloc, &m) && object_at((void *)real.free, &f) &&
		     m.bias == f.bias && is_libc(m.name);
	if (!glibc_next) {
		engine_notes |= MPROF_PN_FOREIGN_ALLOC;
		/* Its blocks are sized by its own malloc_usable_size, never by glibc's
		 * (which would read a chunk header that is not there), or not at all. */
		if (!object_at((void *)real.usable, &u) || !object_at((void *)real.malloc, &m) ||
		    u.bias != m.bias) {
			real.usable = no_usable;
			engine_notes |= MPROF_PN_NO_USABLE;
		}
	}
	/* An executable that defines malloc itself (a statically linked allocator)
	 * comes before us: the program's allocations never reach these hooks. Only a
	 * symbol defined there counts: an executable that takes malloc's address has
	 * an undefined one whose value is its PLT entry, which calls us. The symbol
	 * is looked at (dladdr1) only when malloc is not ours, as it is in most. */
	void *own = dlsym(RTLD_DEFAULT, "malloc");
	Dl_info di;
	const ElfW(Sym) *sym = NULL;
	if (object_at(own, &def) && object_at((void *)is_libc, &me) && def.bias != me.bias &&
	    dladdr1(own, &di, (void **)&sym, RTLD_DL_SYMENT) && sym && sym->st_shndx != SHN_UNDEF)
		engine_notes |= MPROF_PN_OWN_MALLOC;
	engine_tl.in_hook = 0;
	atomic_store(&resolved, 2);
}

static inline int ready(void)
{
	if (__builtin_expect(atomic_load_explicit(&resolved, memory_order_acquire) == 2, 1))
		return 1;
	resolve();
	return atomic_load(&resolved) == 2;
}

/* The usable size of a block from glibc's chunk header, as malloc_usable_size
 * computes it. Only where glibc_next is set. */
static inline size_t glibc_usable(const void *p)
{
	size_t head = ((const size_t *)p)[-1];
	size_t chunk = head & ~(size_t)7;
	return head & CHUNK_MMAPPED ? chunk - 2 * sizeof(size_t) : chunk - sizeof(size_t);
}

/* The usable size of a live block, as malloc_usable_size reports it. */
static inline size_t usable(void *p)
{
	return glibc_next ? glibc_usable(p) : real.usable(p);
}

/* ---- the fast paths ----
 *
 * A thread owns a cell only when glibc is the allocator below (claim_cell), so the
 * fast paths size a block from glibc's chunk header: the header word without its
 * flag bits, less one word. Blocks whose header says "mmapped" (large ones, and
 * our boot blocks) go to the slow paths. A call on the fast path adds its bytes to
 * the cell's net, bumps one count and compares net with hi (or lo). */

static __attribute__((noinline, cold)) void *alloc_slow(void *p)
{
	if (p && !is_boot(p)) {
		size_t n = usable(p);
		engine_alloc_slow(n);
		if (stacks_due(n))
			stacks_sampled(p, n);
	}
	return p;
}

/* --stacks: the thread's byte countdown ran out; this allocation is recorded. */
static __attribute__((noinline, cold)) void *alloc_sampled(void *p, size_t n)
{
	stacks_sampled(p, n);
	return p;
}

static __attribute__((noinline, cold)) void *alloc_limit(void *p, size_t n)
{
	engine_limit(&engine_tl);
	if (stacks_due(n))
		stacks_sampled(p, n);
	return p;
}

/* Counts a block just allocated. */
static inline void *counted_in(struct mprof_cell *c, void *p)
{
	if (__builtin_expect(c == NULL || p == NULL, 0))
		return alloc_slow(p);
	size_t head = ((const size_t *)p)[-1];
	if (__builtin_expect(head & CHUNK_MMAPPED, 0))
		return alloc_slow(p);
	size_t n = (head & ~(size_t)7) - sizeof(size_t);
	int64_t net = atomic_load_explicit(&c->net, memory_order_relaxed) + (int64_t)n;
	atomic_store_explicit(&c->net, net, memory_order_relaxed);
	ENGINE_BUMP(c->allocs, 1);
	if (__builtin_expect(net > atomic_load_explicit(&c->hi, memory_order_relaxed), 0))
		return alloc_limit(p, n);
	if (__builtin_expect(stacks_due_at(&c->sample_left, n), 0))
		return alloc_sampled(p, n);
	return p;
}

static inline void *counted(void *p)
{
	return counted_in(engine_tl.cell, p);
}

/* Counts a free of n usable bytes in the thread's own cell. Returns 0 when done,
 * 2 when the caller must call engine_limit. */
static inline int uncounted_in(struct mprof_cell *c, size_t n)
{
	int64_t net = atomic_load_explicit(&c->net, memory_order_relaxed) - (int64_t)n;
	atomic_store_explicit(&c->net, net, memory_order_relaxed);
	ENGINE_BUMP(c->frees, 1);
	return __builtin_expect(net < atomic_load_explicit(&c->lo, memory_order_relaxed), 0) ? 2
											     : 0;
}

/* Counts a block about to be freed (before the real free: another thread may get
 * the address at once). Returns 0 when done, else what the caller's slow path must
 * do: 1 count it there, 2 call engine_limit. */
static inline int uncounted(void *p)
{
	struct mprof_cell *c = engine_tl.cell;
	if (__builtin_expect(c == NULL, 0))
		return 1;
	size_t head = ((const size_t *)p)[-1];
	if (__builtin_expect(head & CHUNK_MMAPPED, 0))
		return 1;
	return uncounted_in(c, (head & ~(size_t)7) - sizeof(size_t));
}

static __attribute__((noinline, cold)) void free_slow(void *p, int rc)
{
	if (is_boot(p) || !ready())
		return; /* nothing to size it with yet: left alone rather than guessed at */
	if (rc == 1)
		engine_free_slow(usable(p));
	else if (rc == 2)
		engine_limit(&engine_tl);
	real.free(p);
}

static __attribute__((noinline)) void *first_malloc(size_t n)
{
	if (!ready())
		return boot_alloc(n);
	return real.malloc(n);
}

EXPORT void *malloc(size_t n)
{
	struct mprof_cell *c = engine_tl.cell; /* read while the allocator runs */
	return counted_in(c, real.malloc(n));
}

EXPORT void *calloc(size_t n, size_t size)
{
	if (__builtin_expect(!ready(), 0)) {
		if (size && n > SIZE_MAX / size)
			return NULL;
		return boot_alloc(n * size); /* static memory: already zero */
	}
	return counted(real.calloc(n, size));
}

/* --stacks: the free of a block that may have been recorded; then as free below.
 * Apart, so the common path keeps no stack frame. */
static __attribute__((noinline, cold)) void free_stacks(void *p)
{
	if (!is_boot(p))
		stacks_freed(p);
	int rc = uncounted(p);
	if (rc != 0)
		return free_slow(p, rc);
	real.free(p);
}

EXPORT void free(void *p)
{
	if (__builtin_expect(p == NULL, 0))
		return;
	if (__builtin_expect(stacks_might_free(p), 0))
		return free_stacks(p);
	int rc = uncounted(p);
	if (__builtin_expect(rc != 0, 0))
		return free_slow(p, rc);
	real.free(p);
}

EXPORT void free_sized(void *p, size_t size)
{
	(void)size;
	free(p);
}

EXPORT void free_aligned_sized(void *p, size_t alignment, size_t size)
{
	(void)alignment;
	(void)size;
	free(p);
}

static void *boot_realloc(void *p, size_t n)
{
	void *q = malloc(n);
	if (q) {
		size_t had = (((size_t *)p)[-1] & ~(size_t)7) - 16;
		memcpy(q, p, n < had ? n : had);
	}
	return q;
}

EXPORT void *realloc(void *p, size_t n)
{
	if (!p)
		return malloc(n);
	if (is_boot(p))
		return boot_realloc(p, n);
	if (!ready())
		return NULL;
	size_t old = usable(p);
	if (stacks_might_free(p))
		stacks_freed(p); /* the block may move: its address is free at once */
	struct mprof_cell *c = engine_tl.cell;
	int rc = c ? uncounted_in(c, old) : 1; /* the old size, read once */
	if (rc == 1)
		engine_free_slow(old);
	else if (rc == 2)
		engine_limit(&engine_tl);
	void *q = real.realloc(p, n);
	if (q)
		counted(q);
	else if (n != 0) {
		engine_alloc_slow(old); /* failed: the old block still stands */
		if (stacks_on == MPROF_STK_ALL)
			stacks_sampled(p, old);
	}
	return q;
}

EXPORT void *reallocarray(void *p, size_t n, size_t size)
{
	if (size && n > SIZE_MAX / size) {
		errno = ENOMEM;
		return NULL;
	}
	return realloc(p, n * size);
}

EXPORT int posix_memalign(void **out, size_t alignment, size_t n)
{
	if (!ready()) {
		if (alignment < sizeof(void *) || (alignment & (alignment - 1)))
			return EINVAL;
		*out = boot_aligned(alignment, n);
		return *out ? 0 : ENOMEM;
	}
	int rc = real.posix_memalign(out, alignment, n);
	if (rc == 0)
		counted(*out);
	return rc;
}

EXPORT void *aligned_alloc(size_t alignment, size_t n)
{
	if (!ready())
		return boot_aligned(alignment, n);
	return counted(real.aligned_alloc(alignment, n));
}

EXPORT void *memalign(size_t alignment, size_t n)
{
	if (!ready())
		return boot_aligned(alignment, n);
	return counted(real.memalign(alignment, n));
}

EXPORT void *valloc(size_t n)
{
	if (!ready())
		return boot_aligned(4096, n);
	return counted(real.valloc(n));
}

EXPORT void *pvalloc(size_t n)
{
	if (!ready())
		return boot_aligned(4096, (n + 4095) & ~(size_t)4095);
	return counted(real.pvalloc(n));
}

/* Whether this thread's calls are counted (for the mmap hooks). */
static inline int counting(void)
{
	struct engine_thread *t = &engine_tl;
	return !t->in_hook && engine_proc != NULL;
}

/* ---- the program's own anonymous mappings ---- */

EXPORT void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	if (!ready()) /* resolving: an allocator below may be starting up, straight through */
		return (void *)syscall(SYS_mmap, addr, len, prot, flags, fd, off);
	void *r = real.mmap(addr, len, prot, flags, fd, off);
	if (r != MAP_FAILED && (flags & MAP_ANONYMOUS) && !(flags & MAP_FIXED) && counting())
		engine_note_mmap(r, len);
	return r;
}

EXPORT void *mmap64(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	return mmap(addr, len, prot, flags, fd, off);
}

EXPORT int munmap(void *addr, size_t len)
{
	if (!ready())
		return (int)syscall(SYS_munmap, addr, len);
	if (counting())
		engine_note_munmap(addr, len);
	return real.munmap(addr, len);
}

EXPORT void *mremap(void *old, size_t old_len, size_t new_len, int flags, ...)
{
	void *want = NULL;
	if (flags & MREMAP_FIXED) {
		va_list ap;
		va_start(ap, flags);
		want = va_arg(ap, void *);
		va_end(ap);
	}
	if (!ready())
		return (void *)syscall(SYS_mremap, old, old_len, new_len, flags, want);
	void *r = real.mremap(old, old_len, new_len, flags, want);
	if (r != MAP_FAILED && counting())
		engine_note_mremap(old, r, new_len);
	return r;
}

/* libunwind opens its pipe through here: see stacks_move_fds. */
EXPORT int pipe2(int fds[2], int flags)
{
	if (!ready())
		return (int)syscall(SYS_pipe2, fds, flags);
	int rc = real.pipe2(fds, flags);
	if (rc == 0 && __builtin_expect(stacks_unwinding, 0))
		stacks_move_fds(fds);
	return rc;
}

/* ---- dlopen: libraries loaded with RTLD_DEEPBIND ----
 *
 * A library loaded with RTLD_DEEPBIND binds its malloc and free to the C library's
 * ahead of ours: its blocks would go unseen while the program's frees of them were
 * counted. As heaptrack does, the flag is dropped, so such a library binds to the
 * global definitions first: ours, and (the side effect) the program's own
 * definitions of any symbol the library also defines. Not an allocation hook: it
 * may allocate and call what it likes. */

static void *(*_Atomic next_dlopen)(const char *, int);

/* dlopen searches a bare name along its caller's RPATH/RUNPATH: look there first,
 * as that caller, then let dlopen search the places that do not depend on it. */
static __attribute__((noinline)) void *dlopen_deepbind(const char *file, int mode,
						       const void *caller)
{
	void *(*next)(const char *, int) = atomic_load(&next_dlopen);
	mode &= ~RTLD_DEEPBIND;
	struct link_map *lm = NULL;
	Dl_info info;
	Dl_serinfo size;
	if (strchr(file, '/') || !dladdr1(caller, &info, (void **)&lm, RTLD_DL_LINKMAP) || !lm ||
	    dlinfo(lm, RTLD_DI_SERINFOSIZE, &size) || size.dls_size > 16384)
		return next(file, mode);
	_Alignas(Dl_serinfo) char buf[16384];
	Dl_serinfo *si = (Dl_serinfo *)buf;
	si->dls_size = size.dls_size;
	si->dls_cnt = size.dls_cnt;
	if (dlinfo(lm, RTLD_DI_SERINFO, si) == 0) {
		for (unsigned i = 0; i < si->dls_cnt; i++) {
			char path[PATH_MAX];
			int n = snprintf(path, sizeof(path), "%s/%s", si->dls_serpath[i].dls_name,
					 file);
			if (n > 0 && (size_t)n < sizeof(path) && access(path, F_OK) == 0)
				return next(path, mode);
		}
	}
	return next(file, mode);
}

EXPORT void *dlopen(const char *file, int mode)
{
	void *(*next)(const char *, int) = atomic_load(&next_dlopen);
	if (__builtin_expect(!next, 0)) {
		next = (void *(*)(const char *, int))dlsym(RTLD_NEXT, "dlopen");
		atomic_store(&next_dlopen, next);
	}
	/* A tail call: dlopen sees its real caller, whose search path it uses. */
	if (__builtin_expect(!file || !(mode & RTLD_DEEPBIND) || strchr(file, '$'), 1))
		return next(file, mode);
	return dlopen_deepbind(file, mode, __builtin_return_address(0));
}

/* ---- brackets: the public API of include/mprof.h, and -finstrument-functions ---- */

EXPORT void mprof_enter(const char *name)
{
	engine_enter(name);
}

EXPORT void mprof_leave(void)
{
	engine_leave();
}

EXPORT void mprof_enter_id(const char *name, unsigned long long id, int depth)
{
	engine_enter_id(name, id, depth);
}

EXPORT void mprof_leave_id(unsigned long long id)
{
	engine_leave_id(id);
}

EXPORT void mprof_gc_begin(int generation)
{
	engine_gc_begin(generation);
	if (stacks_on)
		stacks_gc_mark(0);
}

EXPORT void mprof_gc_end(long long collected, long long uncollectable)
{
	if (stacks_on)
		stacks_gc_mark(1);
	engine_gc_end(collected, uncollectable);
}

EXPORT __attribute__((no_instrument_function)) void __cyg_profile_func_enter(void *fn, void *site)
{
	(void)site;
	engine_func_enter(fn);
}

EXPORT __attribute__((no_instrument_function)) void __cyg_profile_func_exit(void *fn, void *site)
{
	(void)site;
	engine_func_exit(fn);
}

__attribute__((constructor)) static void mprof_constructor(void)
{
	ready();
	engine_init();
}
