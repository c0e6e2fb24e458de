/* cmd_check.c - 'mprof check': fail (exit 1) when a recording breaks a memory limit or regresses
 * from a baseline. */
#include <stdio.h>
#include <stdlib.h>

#include "cli/checkopts.h"
#include "cli/cmds.h"
#include "cli/opts.h"

static const char help[] =
    "usage: mprof check [limits] [--baseline FILE [--tolerance PCT]] [--json] [FILE|INDEX]\n"
    "\n"
    "Checks a recording (the newest without FILE) and exits 1 when a limit is\n"
    "exceeded or a figure grew past the baseline's by more than the tolerance;\n"
    "one line per failure names the metric, the value, the limit and the file.\n"
    "\n"
    "limits (SIZE: 500M, 500MiB, 1.5G, 2GiB, 512k; binary units; a plain number is MiB):\n"
    "  --max-peak SIZE         the true peak RSS\n"
    "  --max-heap SIZE         the peak heap in use (needs hook data)\n"
    "  --max-leak SIZE         the heap still allocated at exit (needs hook data)\n"
    "  --max-duration SECONDS  the run's length\n"
    "  --max-lost N            items of data the recording lost (its 'NOTE lost'\n"
    "                          lines: bracket events, stacks, samples...)\n"
    "  --func NAME             following --max-peak options limit the peak within\n"
    "                          the calls of function NAME\n"
    "baseline:\n"
    "  --baseline FILE         a recording or an 'mprof summary --json' file; fails\n"
    "                          when peak RSS, peak heap, leak or duration grew more\n"
    "                          than the tolerance, and prints a side-by-side table\n"
    "  --tolerance PCT         allowed growth in percent (default 10)\n"
    "  --json                  the verdict as JSON on stdout (docs/json.md)\n"
    "\n"
    "exit status: 0 all checks passed, 1 a check failed or could not be made,\n"
    "2 usage error.\n";

int cmd_check(int argc, char **argv)
{
	static const struct opt opts[] = {CHECKOPTS_TABLE,
					  {"func", 0, OPT_REQUIRED, CO_FUNC},
					  {"json", 0, OPT_NONE, CO_JSON},
					  {"help", 'h', OPT_NONE, 1},
					  {0}};
	struct check_opts o;
	checkopts_init(&o);
	struct opt_state st;
	opt_init(&st, argc, argv, "check", 0);
	char **words = xcalloc((size_t)argc + 1, sizeof(*words));
	int nwords = 0, id, rc = EXIT_USAGE;
	while ((id = opt_next(&st, opts)) != OPT_END) {
		if (id == OPT_ERROR)
			goto out;
		if (id == 1) {
			print_help(help);
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
