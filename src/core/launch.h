/* launch.h - starting the program under libmprof.so, and telling when hooks cannot load. */
#ifndef MPROF_LAUNCH_H
#define MPROF_LAUNCH_H

#include <signal.h>
#include <sys/types.h>

#include "core/util.h"

struct launch_opts {
	const char *preload;	/* absolute path of libmprof.so, NULL: no hooks */
	const char *channel;	/* channel path for MPROF_CHANNEL, NULL: none */
	const char *pythonpath; /* directory to put first on PYTHONPATH, NULL: none */
	/* Dispositions to restore in the program for signals the launcher handles. */
	const int *signals;
	const struct sigaction *saved;
	int nsignals;
};

/* Finds file in PATH like execvp. Returns a malloc'd path or NULL (errno set). */
char *launch_find_program(const char *file);

/* Returns NULL when LD_PRELOAD will take effect for the program at path, else a
 * static string saying why not (static binary, setuid, a sanitizer runtime in its
 * DT_NEEDED or in the user's LD_PRELOAD, ...), valid until the next call. Follows
 * one #! line. */
const char *launch_preload_blocker(const char *path);

/* Whether a library path or name is a sanitizer runtime (ASan, TSan, MSan, HWASan,
 * LSan; gcc's libasan.so.N or clang's libclang_rt.asan-ARCH.so) that must be loaded
 * before any preloaded library. Cannot fail. */
int launch_is_sanitizer(const char *lib);

/* Forks and execs argv with the environment of o. Returns the pid, or -1 with e
 * filled; *exec_errno is non-zero when the program itself could not be executed. */
pid_t launch_start(char *const argv[], const struct launch_opts *o, int *exec_errno, struct err *e);

/* The directory holding mprof's library and data (libmprof.so, the Python bootstrap):
 * $MPROF_LIBDIR, else <exe dir>/lib/mprof (build tree), else <exe dir>/../lib/mprof.
 * Returns a malloc'd path, or NULL when none holds libmprof.so. */
char *launch_libdir(void);

#endif
