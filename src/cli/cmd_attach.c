/* cmd_attach.c - 'mprof attach PID|NAME': record a running process until it exits, a timeout or
 * Ctrl-C. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cmds.h"
#include "cli/runopts.h"
#include "core/proc.h"

static const char help[] =
    "usage: mprof attach [options] PID|NAME\n"
    "\n"
    "Records a running process (by PID, or the first whose name contains NAME)\n"
    "until it exits, the timeout passes, or Ctrl-C. The process is not hooked:\n"
    "the recording holds RSS samples; with --true-peak also its true interval\n"
    "maxima.\n"
    "\n"
    "options:\n"
    "  -T, --interval SECONDS  time between samples (default 0.1)\n"
    "  -o, --output FILE       write the recording to FILE (never overwritten)\n"
    "  -t, --timeout SECONDS   stop recording after SECONDS\n"
    "  -C, --include-children  MEM is the whole process tree summed\n"
    "  -M, --multiprocess      one CHLD series per descendant process\n"
    "      --backend KIND      rss (default), pss or uss\n"
    "      --true-peak         reset the process's peak-RSS mark (VmHWM) at every\n"
    "                          sample to catch peaks between samples; other tools\n"
    "                          reading its VmHWM then see our resets\n"
    "  -q, --quiet             no status line and no summary on stderr\n";

/* Shared with 'mprof run --attach'. */
int cmd_attach_record(struct record_opts *o, const char *target)
{
	pid_t pid = 0;
	size_t digits = strspn(target, "0123456789");
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
	free(out.path);
	return rc;
}

int cmd_attach(int argc, char **argv)
{
	static const struct opt opts[] = {RUNOPTS_TABLE, {0}};
	struct record_opts o;
	runopts_init(&o);
	struct opt_state st;
	opt_init(&st, argc, argv, "attach", 1);
	int id;
	while ((id = opt_next(&st, opts)) != OPT_END) {
		if (id == RO_HELP) {
			print_help(help);
			runopts_release(&o);
			return EXIT_OK;
		}
		if (id == OPT_ERROR || runopts_apply(&o, id, &st) < 0) {
			runopts_release(&o);
			return EXIT_USAGE;
		}
	}
	if (st.i != argc - 1) {
		report("attach: expected one PID or process name (see 'mprof attach --help')");
		runopts_release(&o);
		return EXIT_USAGE;
	}
	int rc = cmd_attach_record(&o, argv[st.i]);
	runopts_release(&o);
	return rc;
}
