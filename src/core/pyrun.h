/* pyrun.h - how 'mprof run' starts a Python program: a script (found as the original finds it), a
 * module, or an interpreter's own command line. */
#ifndef MPROF_PYRUN_H
#define MPROF_PYRUN_H

#include "core/util.h"

/* How --python/--nopython were given. */
enum pyrun_mode {
	PYRUN_NEVER = -1, /* --nopython: the command line as given */
	PYRUN_AUTO = 0,	  /* a .py program, or python* running a .py script */
	PYRUN_FORCE = 1,  /* --python: also modules and any interpreter command line */
};

struct pyrun {
	char **argv;  /* what to execute: malloc'd array, strings borrowed or owned below */
	char *script; /* malloc'd path of a script found on PATH, or NULL */
	int python;   /* 1 when it is a Python program that gets @profile */
};

/* Plans how to run argv (NULL-terminated, at least one element), following the
 * original's rules: "script.py args" runs with python3; "python* script.py args"
 * with that interpreter; with PYRUN_FORCE, "MODULE args" runs python3 -m MODULE, a
 * name with a '/' runs as a script, and "python* ANYTHING" as given. A script named
 * by a .py argument that is no file is looked up in the directories of PATH.
 * Returns 0, or -1 with e filled when the script is found nowhere (p is then empty).
 * Free with pyrun_release. */
int pyrun_plan(char *const *argv, enum pyrun_mode mode, struct pyrun *p, struct err *e);

/* Frees what pyrun_plan allocated. */
void pyrun_release(struct pyrun *p);

/* Whether the base name of path starts with "python" (an interpreter's name). */
int pyrun_is_interpreter(const char *path);

/* The file at name if it is one, else the first PATH directory holding it, as
 * memory_profiler's _find_script does. Returns a malloc'd path, or NULL. */
char *pyrun_find_script(const char *name);

#endif
