/* test_pyrun.c - how 'mprof run' starts Python programs: the original's rules, and scripts found on PATH. */
#include "core/pyrun.h"
#include "unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The planned command line, joined by spaces. */
static const char *plan(enum pyrun_mode mode, char **argv, int *python)
{
	static char buf[600];
	struct pyrun p;
	struct err e;
	buf[0] = '\0';
	if (pyrun_plan(argv, mode, &p, &e)) {
		snprintf(buf, sizeof(buf), "error: %s", e.msg);
		*python = -1;
		return buf;
	}
	for (char **a = p.argv; *a; a++)
		snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), "%s%s", a == p.argv ? "" : " ",
			 *a);
	*python = p.python;
	pyrun_release(&p);
	return buf;
}

static void the_originals_rules(void)
{
	int py;
	char *script[] = {"/bin/true.py", "a", NULL}; /* no such file: kept as named */
	char *interp[] = {"/usr/bin/python3.11", "-c", "pass", NULL};
	char *module[] = {"http.server", "8000", NULL};
	char *path[] = {"./tool", "x", NULL};
	char *prog[] = {"ls", "-l", NULL};
	CHECK_STR(plan(PYRUN_AUTO, prog, &py), "ls -l");
	CHECK(py == 0);
	CHECK_STR(plan(PYRUN_AUTO, interp, &py), "/usr/bin/python3.11 -c pass");
	CHECK(py == 0); /* the original: only a .py script makes it Python */
	CHECK_STR(plan(PYRUN_FORCE, interp, &py), "/usr/bin/python3.11 -c pass");
	CHECK(py == 1);
	CHECK_STR(plan(PYRUN_FORCE, module, &py), "python3 -m http.server 8000");
	CHECK(py == 1);
	CHECK_STR(plan(PYRUN_FORCE, path, &py), "python3 ./tool x");
	CHECK(py == 1);
	CHECK_STR(plan(PYRUN_NEVER, module, &py), "http.server 8000");
	CHECK(py == 0);
	CHECK_STR(plan(PYRUN_AUTO, script, &py),
		  "error: cannot run '/bin/true.py': no such script in the current directory or on PATH");
}

static void scripts_are_found_on_path(void)
{
	char dir[] = "/tmp/test_pyrun.XXXXXX";
	CHECK(mkdtemp(dir) != NULL);
	char file[64];
	snprintf(file, sizeof(file), "%s/found.py", dir);
	FILE *f = fopen(file, "w");
	CHECK(f != NULL);
	if (f)
		fclose(f);
	char *old = getenv("PATH") ? strdup(getenv("PATH")) : NULL;
	char path[128];
	snprintf(path, sizeof(path), "::/nonexistent:%s", dir);
	setenv("PATH", path, 1);
	int py;
	char *script[] = {"found.py", "a", NULL};
	char *interp[] = {"python3", "found.py", NULL};
	char want[160];
	snprintf(want, sizeof(want), "python3 %s a", file);
	CHECK_STR(plan(PYRUN_AUTO, script, &py), want);
	snprintf(want, sizeof(want), "python3 %s", file);
	CHECK_STR(plan(PYRUN_AUTO, interp, &py), want);
	CHECK(py == 1);
	if (old) {
		setenv("PATH", old, 1);
		free(old);
	}
	unlink(file);
	rmdir(dir);
}

int main(void)
{
	static const struct unit_test tests[] = {
	    {"the original's rules", the_originals_rules},
	    {"scripts are found on PATH", scripts_are_found_on_path},
	    {0},
	};
	return unit_run("test_pyrun", tests);
}
