/* mprof.h - function brackets for programs profiled with 'mprof run'.
 *
 * Include this header and call mprof_enter("name") / mprof_leave(), or put
 * MPROF_SCOPE("name") at the top of a block. No link flag is needed: the functions
 * are weak references that resolve to libmprof.so when the program runs under
 * 'mprof run', and are skipped (a test of a null pointer) when it does not.
 * Names longer than 95 bytes are cut; spaces become '_' in the recording.
 *
 * mprof_enter/mprof_leave nest per thread. Brackets that interleave on one thread
 * (coroutines, async tasks) use mprof_enter_id(name, id, depth) and
 * mprof_leave_id(id) instead: they pair by the caller's id (non-zero, unique among
 * the process's open brackets), and record the depth given.
 *
 * Each bracket records the process's RSS and heap in use at entry and at exit,
 * measured in the process at the event (a read of /proc/self/statm each).
 *
 * A runtime with a garbage collector reports each collection with
 * mprof_gc_begin(generation) and mprof_gc_end(collected, uncollectable), on the
 * thread that collects: the recording gets its times and the heap it freed.
 */
#ifndef MPROF_H
#define MPROF_H

#ifdef __cplusplus
extern "C" {
#endif

void mprof_enter(const char *name) __attribute__((weak));
void mprof_leave(void) __attribute__((weak));
void mprof_enter_id(const char *name, unsigned long long id, int depth) __attribute__((weak));
void mprof_leave_id(unsigned long long id) __attribute__((weak));
void mprof_gc_begin(int generation) __attribute__((weak));
void mprof_gc_end(long long collected, long long uncollectable) __attribute__((weak));

static inline void mprof_enter_if_profiled(const char *name)
{
	if (mprof_enter)
		(mprof_enter)(name);
}

static inline void mprof_leave_if_profiled(void)
{
	if (mprof_leave)
		(mprof_leave)();
}

static inline void mprof_enter_id_if_profiled(const char *name, unsigned long long id, int depth)
{
	if (mprof_enter_id)
		(mprof_enter_id)(name, id, depth);
}

static inline void mprof_leave_id_if_profiled(unsigned long long id)
{
	if (mprof_leave_id)
		(mprof_leave_id)(id);
}

static inline void mprof_gc_begin_if_profiled(int generation)
{
	if (mprof_gc_begin)
		(mprof_gc_begin)(generation);
}

static inline void mprof_gc_end_if_profiled(long long collected, long long uncollectable)
{
	if (mprof_gc_end)
		(mprof_gc_end)(collected, uncollectable);
}

/* Calls go through the null test, so an un-profiled run skips them. */
#define mprof_enter(name) mprof_enter_if_profiled(name)
#define mprof_leave() mprof_leave_if_profiled()
#define mprof_enter_id(name, id, depth) mprof_enter_id_if_profiled(name, id, depth)
#define mprof_leave_id(id) mprof_leave_id_if_profiled(id)
#define mprof_gc_begin(generation) mprof_gc_begin_if_profiled(generation)
#define mprof_gc_end(collected, uncollectable) mprof_gc_end_if_profiled(collected, uncollectable)

static inline void mprof_scope_leave_(const char *const *unused)
{
	(void)unused;
	mprof_leave_if_profiled();
}

#define MPROF_CAT2_(a, b) a##b
#define MPROF_CAT_(a, b) MPROF_CAT2_(a, b)
/* Brackets the rest of the enclosing block (GCC and Clang cleanup attribute). */
#define MPROF_SCOPE(name)                                                                          \
	const char *MPROF_CAT_(mprof_scope_, __LINE__)                                             \
	    __attribute__((cleanup(mprof_scope_leave_), unused)) =                                 \
		(mprof_enter_if_profiled(name), (const char *)0)

#ifdef __cplusplus
}
#endif

#endif
