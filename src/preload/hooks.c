/* hooks.c - libmprof.so's interposed symbols: each forwards to the next definition and tells the engine. */
#include <dlfcn.h>
#include <errno.h>
#include <malloc.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "preload/engine.h"

#define EXPORT __attribute__((visibility("default")))

/* Prototypes for what the C library headers here may not declare. */
EXPORT void free_sized(void *p, size_t size);
EXPORT void free_aligned_sized(void *p, size_t alignment, size_t size);
EXPORT void mprof_enter(const char *name);
EXPORT void mprof_leave(void);
EXPORT void __cyg_profile_func_enter(void *fn, void *site);
EXPORT void __cyg_profile_func_exit(void *fn, void *site);

/* The definitions we forward to, found with RTLD_NEXT so that a malloc replacement
 * linked into the program (jemalloc, tcmalloc) keeps working under us. */
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
} real;

static _Atomic int resolved; /* 0 no, 1 in progress, 2 done */

/* dlsym may allocate on some glibc versions: those calls are served from here. */
static char boot_buf[64 * 1024] __attribute__((aligned(64)));
static _Atomic size_t boot_used;

static void *boot_alloc(size_t n)
{
	n = (n + 15) & ~(size_t)15;
	size_t off = atomic_fetch_add(&boot_used, n);
	return off + n <= sizeof(boot_buf) ? boot_buf + off : NULL;
}

static int is_boot(const void *p)
{
	return (const char *)p >= boot_buf && (const char *)p < boot_buf + sizeof(boot_buf);
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

/* Whether this call is counted: the engine is on and we are not inside our own work. */
static inline int counting(void)
{
	struct engine_thread *t = &engine_tl;
	if (__builtin_expect(t->cell != NULL, 1))
		return !t->in_hook;
	return !t->in_hook && engine_claim_cell() != NULL;
}

static inline void *counted(void *p)
{
	if (p && counting())
		engine_note_alloc(real.usable(p));
	return p;
}

static inline void uncount(void *p)
{
	if (p && counting())
		engine_note_free(real.usable(p));
}

EXPORT void *malloc(size_t n)
{
	if (!ready())
		return boot_alloc(n);
	return counted(real.malloc(n));
}

EXPORT void *calloc(size_t n, size_t size)
{
	if (!ready()) {
		if (size && n > SIZE_MAX / size)
			return NULL;
		return boot_alloc(n * size); /* static memory: already zero */
	}
	return counted(real.calloc(n, size));
}

EXPORT void free(void *p)
{
	if (!p || is_boot(p))
		return;
	if (!ready())
		return; /* cannot happen: a block that is not ours was never handed out */
	uncount(p); /* before the real free: another thread may get the address at once */
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
		size_t avail = (size_t)(boot_buf + sizeof(boot_buf) - (char *)p);
		memcpy(q, p, n < avail ? n : avail);
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
	int count = counting();
	size_t old = count ? real.usable(p) : 0;
	if (count)
		engine_note_free(old);
	void *q = real.realloc(p, n);
	if (count) {
		if (q)
			engine_note_alloc(real.usable(q));
		else if (n != 0)
			engine_note_alloc(old); /* failed: the old block still stands */
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
	if (!ready())
		return ENOMEM;
	int rc = real.posix_memalign(out, alignment, n);
	if (rc == 0)
		counted(*out);
	return rc;
}

EXPORT void *aligned_alloc(size_t alignment, size_t n)
{
	if (!ready())
		return NULL;
	return counted(real.aligned_alloc(alignment, n));
}

EXPORT void *memalign(size_t alignment, size_t n)
{
	if (!ready())
		return NULL;
	return counted(real.memalign(alignment, n));
}

EXPORT void *valloc(size_t n)
{
	if (!ready())
		return NULL;
	return counted(real.valloc(n));
}

EXPORT void *pvalloc(size_t n)
{
	if (!ready())
		return NULL;
	return counted(real.pvalloc(n));
}

/* ---- the program's own anonymous mappings ---- */

EXPORT void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	if (!ready()) {
		errno = ENOMEM;
		return MAP_FAILED;
	}
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
	if (!ready()) {
		errno = EINVAL;
		return -1;
	}
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
	if (!ready()) {
		errno = ENOMEM;
		return MAP_FAILED;
	}
	void *r = real.mremap(old, old_len, new_len, flags, want);
	if (r != MAP_FAILED && counting())
		engine_note_mremap(old, r, new_len);
	return r;
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
