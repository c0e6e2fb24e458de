/* pyframes.h - the Python frames of an allocation's stack (--stacks), read through CPython's
 * public C API found at run time in the running process. */
#ifndef MPROF_PRELOAD_PYFRAMES_H
#define MPROF_PRELOAD_PYFRAMES_H

#include <stdint.h>

#include "common/chanlayout.h"
#include "preload/engine.h"

/* Looks the interpreter's functions up in the process (dlsym; no link to any
 * libpython). A process without them has no Python frames. Call once per image,
 * before any capture. Cannot fail. */
void pyframes_resolve(void) MPROF_HIDDEN;

/* A new area (a new image, or a forked child's): its code table starts empty,
 * and so does the library's map of code objects to it. */
void pyframes_reset(struct mprof_stk_area *a) MPROF_HIDDEN;

/* Writes the Python frames of the calling thread, innermost first, as
 * MPROF_STK_PY words (common/chanlayout.h) into out[0..max); returns how many (0
 * when the thread runs no Python, does not hold the GIL, or the interpreter is
 * not understood: the last two set a process note). Called from the capture path
 * only, with the thread's re-entry guard set: what the interpreter allocates here
 * is not recorded. */
int pyframes_capture(uint64_t *out, int max) MPROF_HIDDEN;

#endif
