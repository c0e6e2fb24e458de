/* cmd_run.c - 'mprof run': run a program and record its memory over time. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/checkopts.h"
#include "cli/cmds.h"
#include "cli/runopts.h"
#include "core/proc.h"

static const char help[] =
    "usage: mprof run [options] [--] program [args...]\n"
    "       mprof run [options] script.py [args...]\n"
    "\n"
    "Runs program under mprof's allocation hooks and records its memory into\n"
    "mprof_<YYYYMMDDhhmmss>.dat: RSS samples with the kernel's true maximum in each\n"
    "interval, heap in use, children and function brackets. Everything after the\n"
    "program name belongs to the program. The exit status is the program's own\n"
    "(128+N when signal N killed it, 127 when it cannot be executed).\n"
    "\n"
    "options:\n"
    "  -T, --interval SECONDS  time between samples (default 0.1)\n"
    "  -o, --output FILE       write the recording to FILE (never overwritten)\n"
    "  -t, --timeout SECONDS   stop the program (SIGTERM) after SECONDS\n"
    "  -C, --include-children  MEM is the whole process tree summed\n"
    "  -M, --multiprocess      one CHLD series per descendant process\n"
    "  -E, --exit-code         accepted for compatibility; the status always passes\n"
    "      --backend KIND      rss (default), pss or uss (psutil, psutil_pss,\n"
    "                          psutil_uss are accepted too)\n"
    "  -a, --attach            the program is a PID or process name to record\n"
    "      --true-peak         with -a: reset its VmHWM (see 'mprof attach --help')\n"
    "      --python            run as a Python script with @profile available\n"
    "      --nopython          never treat the program as a Python script\n"
    "      --func PATTERN      keep brackets of -finstrument-functions calls whose\n"
    "                          name matches the glob (repeatable)\n"
    "  -q, --quiet             no status line and no summary on stderr\n"
    "  -h, --help              show this help\n"
    "\n"
    "checks after the run (see 'mprof check --help'; SIZE like 500M or 1.5GiB):\n"
    "  --max-peak SIZE, --max-heap SIZE, --max-leak SIZE, --max-duration SECONDS,\n"
    "  --baseline FILE, --tolerance PCT\n"
    "  A failed check makes the status 1, unless the program itself failed: its\n"
    "  own non-zero status comes first.\n";

int cmd_run(int argc, char **argv)
{
	static const struct opt opts[] = {
	    RUNOPTS_TABLE, CHECKOPTS_TABLE, {"attach", 'a', OPT_NONE, RO_ATTACH}, {0}};
	struct record_opts o;
	struct check_opts co;
	runopts_init(&o);
	checkopts_init(&co);
	struct opt_state st;
	opt_init(&st, argc, argv, "run", 1);
	int attach = 0, id, rc;
	while ((id = opt_next(&st, opts)) != OPT_END) {
		if (id == OPT_ERROR)
			goto usage;
		if (id == RO_HELP) {
			print_help(help);
			runopts_release(&o);
			return EXIT_OK;
		}
		if (id == RO_ATTACH) {
			attach = 1;
			continue;
		}
		int applied = checkopts_apply(&co, id, st.arg);
		if (applied < 0 || (applied > 0 && runopts_apply(&o, id, &st) < 0))
			goto usage;
	}
	if (st.i >= argc) {
		report("run: no program given (see 'mprof run --help')");
		goto usage;
	}
	if (attach) {
		rc = cmd_attach_record(&o, argv[st.i]);
	} else {
		struct record_outcome out;
		rc = record_run(&o, argv + st.i, &out);
		/* The program's own failure comes first; then the checks. */
		if (out.path && checkopts_any(&co) && rc != EXIT_NOEXEC) {
			int crc = checkopts_run(&co, out.path);
			if (rc == EXIT_OK)
				rc = crc;
		}
		free(out.path);
	}
	runopts_release(&o);
	checkopts_release(&co);
	return rc;
usage:
	runopts_release(&o);
	checkopts_release(&co);
	return EXIT_USAGE;
}
