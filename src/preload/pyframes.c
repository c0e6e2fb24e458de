/* pyframes.c - the Python frames of an allocation's stack (--stacks), read through CPython's
 * public C API found at run time in the running process.
 *
 * Nothing here is built against a Python version: every function is looked up with
 * dlsym, and only functions of the public (or long-stable exported) API are used. A
 * frame's code object is named once (its file and function published in the area's
 * code table, the object kept alive so its address is never another's); a frame
 * then costs its line number and one table look-up. The launcher places the frames
 * in the native stack after the run (src/core/stacks.c), by the interpreter's
 * evaluation frames and the "entry" flag each Python frame carries here. */
#include "preload/pyframes.h"

#include <dlfcn.h>
#include <stddef.h>
#include <string.h>

/* PyMemAllocatorEx and its domains: part of the stable C API since 3.5. */
struct py_allocator {
	void *ctx;
	void *(*malloc)(void *ctx, size_t size);
	void *(*calloc)(void *ctx, size_t nelem, size_t elsize);
	void *(*realloc)(void *ctx, void *ptr, size_t new_size);
	void (*free)(void *ctx, void *ptr);
};
enum { PY_DOMAIN_RAW = 0, PY_DOMAIN_OBJ = 2 };

static struct {
	int (*is_initialized)(void);
	int (*gil_check)(void);
	void *(*this_tstate)(void); /* the calling thread's thread state, GIL or not */
	void *(*cur_tstate)(void);  /* the running one (holding the GIL), NULL-safe */
	void *(*tstate_frame)(void *tstate);
	void *(*frame_back)(void *frame);
	void *(*frame_code)(void *frame);
	int (*frame_line)(void *frame);
	int (*frame_entry)(void *frame); /* 3.11+: entered from C, its own eval loop */
	void *(*getattr)(void *obj, const char *name);
	const char *(*utf8)(void *str);
	void (*incref)(void *obj);
	void (*decref)(void *obj);
	void (*err_fetch)(void **type, void **value, void **tb);
	void (*err_restore)(void *type, void *value, void *tb);
	void (*err_clear)(void);
	int (*gc_disable)(void);
	int (*gc_enable)(void);
	void (*get_allocator)(int domain, struct py_allocator *a);
	void (*set_allocator)(int domain, struct py_allocator *a);
	const char *(*allocator_name)(void);
	int minor; /* 3.<minor> */
} py;

enum { PY_NONE, PY_READY, PY_UNKNOWN };
static int py_state;

static struct mprof_stk_area *area;
static _Atomic int walking; /* one walk at a time (the GIL makes it so, but for safety) */

/* Code objects already in the area's table: open addressing on the address. */
#define PYC_SLOTS (2 * MPROF_STK_PYCODES)
static struct {
	uintptr_t code;
	uint32_t idx;
} pyc[PYC_SLOTS] MPROF_LARGE;
static uint32_t pyc_used;

static void *sym(const char *name)
{
	return dlsym(RTLD_DEFAULT, name);
}

void pyframes_resolve(void)
{
	py_state = PY_NONE;
	py.is_initialized = (int (*)(void))sym("Py_IsInitialized");
	const char *(*version)(void) = (const char *(*)(void))sym("Py_GetVersion");
	if (!py.is_initialized || !version)
		return; /* not a Python process */
	py_state = PY_UNKNOWN;
	const char *v = version();
	if (!v || v[0] != '3' || v[1] != '.')
		return;
	py.minor = 0;
	for (const char *c = v + 2; *c >= '0' && *c <= '9' && py.minor < 1000; c++)
		py.minor = py.minor * 10 + (*c - '0');
	py.gil_check = (int (*)(void))sym("PyGILState_Check");
	py.this_tstate = (void *(*)(void))sym("PyGILState_GetThisThreadState");
	py.cur_tstate = (void *(*)(void))sym("PyThreadState_GetUnchecked"); /* 3.13 */
	if (!py.cur_tstate)
		py.cur_tstate = (void *(*)(void))sym("_PyThreadState_UncheckedGet");
	py.tstate_frame = (void *(*)(void *))sym("PyThreadState_GetFrame");
	py.frame_back = (void *(*)(void *))sym("PyFrame_GetBack");
	py.frame_code = (void *(*)(void *))sym("PyFrame_GetCode");
	py.frame_line = (int (*)(void *))sym("PyFrame_GetLineNumber");
	py.frame_entry = (int (*)(void *))sym("_PyFrame_IsEntryFrame");
	py.getattr = (void *(*)(void *, const char *))sym("PyObject_GetAttrString");
	py.utf8 = (const char *(*)(void *))sym("PyUnicode_AsUTF8");
	py.incref = (void (*)(void *))sym("Py_IncRef");
	py.decref = (void (*)(void *))sym("Py_DecRef");
	py.err_fetch = (void (*)(void **, void **, void **))sym("PyErr_Fetch");
	py.err_restore = (void (*)(void *, void *, void *))sym("PyErr_Restore");
	py.err_clear = (void (*)(void))sym("PyErr_Clear");
	py.gc_disable = (int (*)(void))sym("PyGC_Disable");
	py.gc_enable = (int (*)(void))sym("PyGC_Enable");
	py.get_allocator = (void (*)(int, struct py_allocator *))sym("PyMem_GetAllocator");
	py.set_allocator = (void (*)(int, struct py_allocator *))sym("PyMem_SetAllocator");
	py.allocator_name = (const char *(*)(void))sym("_PyMem_GetCurrentAllocatorName");
	if (!py.gil_check || !py.this_tstate || !py.cur_tstate || !py.tstate_frame ||
	    !py.frame_back || !py.frame_code || !py.frame_line || !py.getattr || !py.utf8 ||
	    !py.incref || !py.decref || !py.err_fetch || !py.err_restore || !py.err_clear ||
	    !py.get_allocator || !py.set_allocator || !py.allocator_name)
		return; /* before 3.9, or an interpreter that is not CPython's */
	/* From 3.11 one native evaluation frame runs several Python frames: without
	 * the entry flag they cannot be placed. Reading frames there creates frame
	 * objects, which could start a collection inside the program's malloc: the
	 * collector is held off during the walk. */
	if (py.minor >= 11 && (!py.frame_entry || !py.gc_disable || !py.gc_enable))
		return;
	py_state = PY_READY;
}

void pyframes_reset(struct mprof_stk_area *a)
{
	area = a;
	if (pyc_used) /* a forked child's copy: the parent's table, not this area's */
		memset(pyc, 0, sizeof(pyc));
	pyc_used = 0;
	atomic_store(&walking, 0); /* a forked child's only thread walks nothing */
	if (py_state != PY_READY)
		return; /* no Python frames: those pages (zero, as a free area is) untouched */
	atomic_store_explicit(&a->npycodes, 0, memory_order_relaxed);
	a->pynames_used = 0;
}

/* Copies s (cut to 1023 bytes) into the area's names; its offset, or -1. */
static int64_t put_name(const char *s)
{
	size_t len = s ? strnlen(s, 1023) : 0;
	if (len + 1 > MPROF_STK_PYNAMES - area->pynames_used)
		return -1;
	uint32_t at = area->pynames_used;
	if (len)
		memcpy(area->pynames + at, s, len);
	area->pynames[at + len] = '\0';
	area->pynames_used += (uint32_t)len + 1;
	return at;
}

/* The UTF-8 text of the string attribute name of obj, published; -1 when it has
 * none or there is no room. */
static int64_t put_attr(void *obj, const char *name)
{
	void *s = py.getattr(obj, name);
	if (!s) {
		py.err_clear();
		return -1;
	}
	const char *u = py.utf8(s);
	if (!u)
		py.err_clear();
	int64_t at = u ? put_name(u) : -1;
	py.decref(s);
	return at;
}

/* The index of code in the area's table, publishing it when new;
 * MPROF_STK_PY_NOCODE when the table is full. */
static uint32_t code_index(void *code)
{
	uintptr_t key = (uintptr_t)code;
	uint32_t i = (uint32_t)((key >> 4) * 0x9E3779B97F4A7C15ULL >> 40) & (PYC_SLOTS - 1);
	while (pyc[i].code && pyc[i].code != key)
		i = (i + 1) & (PYC_SLOTS - 1);
	if (pyc[i].code)
		return pyc[i].idx;
	uint32_t n = atomic_load_explicit(&area->npycodes, memory_order_relaxed);
	if (n >= MPROF_STK_PYCODES)
		return MPROF_STK_PY_NOCODE;
	uint32_t used = area->pynames_used;
	/* The qualified name (3.11+: Class.method) where there is one. */
	int64_t func = put_attr(code, py.minor >= 11 ? "co_qualname" : "co_name");
	int64_t file = func >= 0 ? put_attr(code, "co_filename") : -1;
	if (func < 0 || file < 0) {
		area->pynames_used = used;
		return MPROF_STK_PY_NOCODE;
	}
	area->pycodes[n] = (struct mprof_stk_pycode){(uint32_t)file, (uint32_t)func};
	atomic_store_explicit(&area->npycodes, n + 1, memory_order_release);
	py.incref(code); /* kept alive: its address stays this code's */
	pyc[i].code = key;
	pyc[i].idx = n;
	pyc_used++;
	return n;
}

/* The object allocator during a walk: pymalloc is not re-entrant (this malloc
 * may be its own, growing its arenas), so what the walk creates (frame objects,
 * names) comes from the raw allocator; frees and reallocations still go to
 * pymalloc, which takes blocks of the raw allocator as its own large ones. */
static struct py_allocator saved_obj, saved_raw;

static void *walk_malloc(void *ctx, size_t n)
{
	(void)ctx;
	return saved_raw.malloc(saved_raw.ctx, n);
}

static void *walk_calloc(void *ctx, size_t k, size_t n)
{
	(void)ctx;
	return saved_raw.calloc(saved_raw.ctx, k, n);
}

static void *walk_realloc(void *ctx, void *p, size_t n)
{
	(void)ctx;
	return p ? saved_obj.realloc(saved_obj.ctx, p, n) : saved_raw.malloc(saved_raw.ctx, n);
}

static void walk_free(void *ctx, void *p)
{
	(void)ctx;
	saved_obj.free(saved_obj.ctx, p);
}

/* Whether the object allocator is one this walk can step around: pymalloc, or
 * malloc (no swap needed). *swap says which. */
static int allocator_ok(int *swap)
{
	const char *name = py.allocator_name();
	if (!name)
		return 0; /* a debug or foreign allocator, tracemalloc's hooks */
	*swap = !strcmp(name, "pymalloc");
	return *swap || !strcmp(name, "malloc");
}

int pyframes_capture(uint64_t *out, int max)
{
	if (py_state == PY_NONE || !area)
		return 0;
	if (py_state != PY_READY) {
		if (py.is_initialized())
			engine_note(MPROF_PN_PY_UNKNOWN);
		return 0;
	}
	/* Not Py_IsInitialized: the interpreter runs Python code (site, the
	 * sitecustomize that gives @profile) before it says so. A thread state of
	 * this thread's own that is the running one is enough. */
	void *me = py.this_tstate();
	if (!me)
		return 0; /* a thread the interpreter does not know: no Python in it */
	void *tstate = py.cur_tstate();
	if (tstate != me || !py.gil_check()) {
		engine_note(MPROF_PN_PY_NO_GIL);
		return 0;
	}
	int swap = 0;
	if (!allocator_ok(&swap)) {
		engine_note(MPROF_PN_PY_UNKNOWN);
		return 0;
	}
	int expect = 0;
	if (!atomic_compare_exchange_strong(&walking, &expect, 1))
		return 0;
	void *et, *ev, *etb;
	py.err_fetch(&et, &ev, &etb); /* the program's pending exception, if any */
	int gc_was = py.gc_disable ? py.gc_disable() : 0;
	if (swap) {
		py.get_allocator(PY_DOMAIN_OBJ, &saved_obj);
		py.get_allocator(PY_DOMAIN_RAW, &saved_raw);
		struct py_allocator walk = {NULL, walk_malloc, walk_calloc, walk_realloc,
					    walk_free};
		py.set_allocator(PY_DOMAIN_OBJ, &walk);
	}
	int n = 0;
	void *f = py.tstate_frame(tstate); /* new references, all of them */
	while (f && n < max) {
		void *code = py.frame_code(f);
		uint32_t idx = code ? code_index(code) : MPROF_STK_PY_NOCODE;
		if (code)
			py.decref(code);
		int line = py.frame_line(f);
		uint64_t w = MPROF_STK_PY | (uint64_t)idx << 32 | (uint32_t)(line > 0 ? line : 0);
		if (py.minor < 11 || py.frame_entry(f))
			w |= MPROF_STK_PY_ENTRY;
		out[n++] = w;
		void *back = py.frame_back(f);
		py.decref(f);
		f = back;
	}
	if (f)
		py.decref(f);
	if (swap)
		py.set_allocator(PY_DOMAIN_OBJ, &saved_obj);
	if (gc_was)
		py.gc_enable();
	py.err_restore(et, ev, etb);
	atomic_store(&walking, 0);
	return n;
}
