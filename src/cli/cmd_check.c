/* cmd_check.c - 'mprof check': fail (exit 1) when a recording breaks a memory limit or regresses
 * from a baseline. */
#include <stdio.h>
#include <stdlib.h>

#include "cli/checkopts.h"
#include "cli/cmds.h"
#include "cli/opts.h"

static const char help_head[] =
    "usage: mprof check [limits] [--baseline FILE [--tolerance PCT]] [--json] [FILE|INDEX]\n"
    "\n"
    "Checks a recording (the newest without FILE) and exits 1 when a limit is\n"
    "exceeded or a figure grew past the baseline's by more than the tolerance;\n"
    "one line per failure names the metric, the value, the limit and the file.\n";

static const char help_tail[] = "exit status: 0 all checks passed, 1 a check failed or could not "
				"be made,\n2 usage error.\n";

enum { O_HELP = 1 };

static const struct opt opts[] = {
    OPT_GROUP("limits (SIZE: 500M, 500MiB, 1.5G, 2GiB, 512k; binary units; a plain number is "
	      "MiB):"),
    CHECKOPTS_LIMITS_TABLE,
    CHECKOPTS_HEAP_TABLE,
    OPT_VALUE(0, "func", CO_FUNC, "NAME",
	      "the --max-peak options after it limit the peak within the calls of function NAME"),
    OPT_GROUP("baseline:"),
    CHECKOPTS_BASELINE_TABLE,
    OPT_FLAG(0, "json", CO_JSON, "the verdict as JSON on stdout (keys: json.md)"),
    OPT_HELP(O_HELP),
    {0},
};

int cmd_check(int argc, char **argv)
{
	struct check_opts o;
	checkopts_init(&o);
	struct opt_state st;
	opt_init(&st, argc, argv, "check", 0);
	char **words = xcalloc((size_t)argc + 1, sizeof(*words));
	int nwords = 0, id, rc = EXIT_USAGE;
	while ((id = opt_next(&st, opts)) != OPT_END) {
		if (id == OPT_ERROR)
			goto out;
		if (id == O_HELP) {
			print_help(help_head, opts, help_tail);
			rc = EXIT_OK;
			goto out;
		}
		if (id == OPT_POSITIONAL) {
			words[nwords++] = (char *)st.arg;
			continue;
		}
		if (checkopts_apply(&o, id, st.arg) < 0)
			goto out;
	}
	if (checkopts_finish(&o))
		goto out;
	if (!checkopts_any(&o)) {
		report("check: nothing to check: give a limit (--max-peak, ...) or --baseline");
		goto out;
	}
	if (nwords > 1) {
		report("check: one recording at a time, got %d", nwords);
		goto out;
	}
	char **paths;
	int n;
	rc = EXIT_FAIL;
	if (resolve_recordings(words, nwords, &paths, &n) == 0) {
		rc = checkopts_run(&o, paths[0]);
		profiles_free_paths(paths, n);
	}
out:
	free(words);
	checkopts_release(&o);
	return rc;
}
