/* pyrun.c - how 'mprof run' starts a Python program: a script found as the original finds it, a
 * module, or an interpreter's own command line. */
#include "core/pyrun.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int pyrun_is_interpreter(const char *path)
{
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	return strncmp(base, "python", 6) == 0;
}

static int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && strcmp(s + n - m, suffix) == 0;
}

static int is_file(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

char *pyrun_find_script(const char *name)
{
	if (is_file(name))
		return xstrdup(name);
	const char *path = getenv("PATH");
	if (!path || !*name)
		return NULL;
	for (const char *dir = path; *dir;) {
		size_t n = strcspn(dir, ":");
		if (n) { /* an empty entry is skipped, as the original does */
			char *cand = xmalloc(n + strlen(name) + 2);
			memcpy(cand, dir, n);
			cand[n] = '/';
			strcpy(cand + n + 1, name);
			if (is_file(cand))
				return cand;
			free(cand);
		}
		dir += n + (dir[n] == ':');
	}
	return NULL;
}

/* Puts the script argument *arg through the lookup: a name that is no file here
 * but is on PATH is replaced by the path found. */
static int resolve(struct pyrun *p, char **arg, struct err *e)
{
	if (is_file(*arg))
		return 0;
	p->script = pyrun_find_script(*arg);
	if (!p->script)
		return err_set(
		    e, "cannot run '%s': no such script in the current directory or on PATH", *arg);
	*arg = p->script;
	return 0;
}

int pyrun_plan(char *const *argv, enum pyrun_mode mode, struct pyrun *p, struct err *e)
{
	memset(p, 0, sizeof(*p));
	int argc = 0;
	while (argv[argc])
		argc++;
	p->argv = xcalloc((size_t)argc + 3, sizeof(*p->argv));
	char **out = p->argv;
	int n = 0, at = -1; /* at: where in out a .py script to look up is */
	int interp = pyrun_is_interpreter(argv[0]);
	int script_arg = interp && argc > 1 && argv[1][0] != '-' && ends_with(argv[1], ".py");
	if (mode == PYRUN_NEVER) {
		/* as given */
	} else if (interp && (script_arg || mode == PYRUN_FORCE)) {
		p->python = 1;
		at = script_arg ? 1 : -1;
	} else if (ends_with(argv[0], ".py") || (mode == PYRUN_FORCE && strchr(argv[0], '/'))) {
		out[n++] = (char *)"python3";
		p->python = 1;
		at = ends_with(argv[0], ".py") ? 1 : -1;
	} else if (mode == PYRUN_FORCE) {
		out[n++] = (char *)"python3";
		out[n++] = (char *)"-m";
		p->python = 1;
	}
	memcpy(out + n, argv, (size_t)argc * sizeof(*out));
	if (at >= 0 && resolve(p, &out[at], e)) {
		pyrun_release(p);
		return -1;
	}
	return 0;
}

void pyrun_release(struct pyrun *p)
{
	free(p->argv);
	free(p->script);
	memset(p, 0, sizeof(*p));
}
