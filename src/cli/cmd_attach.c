/* cmd_attach.c - 'mprof attach PID|NAME': record a running process until it exits, a timeout or
 * Ctrl-C. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/checkopts.h"
#include "cli/cmds.h"
#include "cli/runopts.h"
#include "core/proc.h"

static const char help_head[] =
    "usage: mprof attach [options] PID|NAME\n"
    "\n"
    "Records a running process (by PID, or the first whose name contains NAME)\n"
    "until it exits, the timeout passes, or Ctrl-C. The process is not hooked:\n"
    "the recording holds RSS samples (with --true-peak also the true maximum of\n"
    "each interval), so the options that need the hooks ('mprof run --stacks',\n"
    "--max-heap, ...) are not offered here.\n";

static const char help_tail[] =
    "A failed check makes the status 1. SIZE: 500M, 1.5GiB, 512k (binary units; a\n"
    "plain number is MiB).\n";

static const struct opt opts[] = {
    RUNOPTS_TABLE,
    RUNOPTS_ATTACH_TABLE,
    OPT_HELP(RO_HELP),
    OPT_GROUP("checks on the recording when it ends (as 'mprof check'):"),
    CHECKOPTS_LIMITS_TABLE,
    CHECKOPTS_BASELINE_TABLE,
    {0},
};

/* Shared with 'mprof run --attach'. */
int cmd_attach_record(struct record_opts *o, const char *target, char **path)
{
	pid_t pid = 0;
	size_t digits = strspn(target, "0123456789");
	*path = NULL;
	if (digits && !target[digits])
		pid = (pid_t)atol(target);
	else
		pid = proc_find_by_name(target);
	if (pid <= 0) {
		report("attach: no process named '%s'", target);
		return EXIT_FAIL;
	}
	struct record_outcome out;
	int rc = record_attach(o, pid, &out);
	*path = out.path;
	return rc;
}

int cmd_attach(int argc, char **argv)
{
	struct record_opts o;
	struct check_opts co;
	runopts_init(&o);
	checkopts_init(&co);
	struct opt_state st;
	opt_init(&st, argc, argv, "attach", 1);
	int id, rc = EXIT_USAGE;
	char *path = NULL;
	while ((id = opt_next(&st, opts)) != OPT_END) {
		if (id == RO_HELP) {
			print_help(help_head, opts, help_tail);
			rc = EXIT_OK;
			goto out;
		}
		if (id == OPT_ERROR)
			goto out;
		int applied = checkopts_apply(&co, id, st.arg);
		if (applied < 0 || (applied > 0 && runopts_apply(&o, id, &st) < 0))
			goto out;
	}
	if (checkopts_finish(&co))
		goto out;
	if (st.i != argc - 1) {
		report("attach: expected one PID or process name (see 'mprof attach --help')");
		goto out;
	}
	rc = cmd_attach_record(&o, argv[st.i], &path);
	if (path && checkopts_any(&co)) {
		int crc = checkopts_run(&co, path);
		if (rc == EXIT_OK)
			rc = crc;
	}
out:
	free(path);
	runopts_release(&o);
	checkopts_release(&co);
	return rc;
}
