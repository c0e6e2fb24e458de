/* cmd_run.c - 'mprof run': run a program and record its memory over time. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/checkopts.h"
#include "cli/cmds.h"
#include "cli/runopts.h"
#include "core/proc.h"

static const char help_head[] =
    "usage: mprof run [options] [--] program [args...]\n"
    "       mprof run [options] script.py [args...]\n"
    "       mprof run [options] --attach PID|NAME\n"
    "\n"
    "Runs program under mprof's allocation hooks and records its memory into\n"
    "mprof_<YYYYMMDDhhmmss>.dat: RSS samples with the kernel's true maximum in each\n"
    "interval, heap in use, children and function brackets. Everything after the\n"
    "program name belongs to the program. The exit status is the program's own\n"
    "(128+N when signal N killed it, 127 when it cannot be executed).\n";

static const char help_tail[] =
    "A failed check makes the status 1, unless the program itself failed: its own\n"
    "non-zero status comes first. SIZE: 500M, 1.5GiB, 512k (binary units; a plain\n"
    "number is MiB). With --attach the process is not hooked: the options that need\n"
    "the hooks (--python, --nopython, --func, --stacks, --sample-bytes, --max-heap,\n"
    "--max-leak) are refused.\n";

static const struct opt opts[] = {
    RUNOPTS_TABLE,
    RUNOPTS_HOOKED_TABLE,
    OPT_FLAG('a', "attach", RO_ATTACH,
	     "the program is the PID or name of a running process to record (as 'mprof attach')"),
    RUNOPTS_ATTACH_TABLE,
    OPT_HELP(RO_HELP),
    OPT_GROUP("checks on the recording after the run (as 'mprof check'):"),
    CHECKOPTS_LIMITS_TABLE,
    CHECKOPTS_HEAP_TABLE,
    CHECKOPTS_BASELINE_TABLE,
    {0},
};

/* Whether option id needs the recording's hook data (heap), which --attach cannot give. */
static int needs_heap(int id)
{
	return id == CO_MAX_HEAP || id == CO_MAX_LEAK;
}

int cmd_run(int argc, char **argv)
{
	struct record_opts o;
	struct check_opts co;
	runopts_init(&o);
	checkopts_init(&co);
	struct opt_state st;
	opt_init(&st, argc, argv, "run", 1);
	int attach = 0, id, rc, sample_bytes = 0;
	const struct opt *hooked = NULL; /* the first option given that needs the hooks */
	char *path = NULL;
	while ((id = opt_next(&st, opts)) != OPT_END) {
		if (id == OPT_ERROR)
			goto usage;
		if (id == RO_HELP) {
			print_help(help_head, opts, help_tail);
			runopts_release(&o);
			return EXIT_OK;
		}
		if (id == RO_ATTACH) {
			attach = 1;
			continue;
		}
		if (!hooked && (runopts_hooked(id) || needs_heap(id)))
			hooked = st.opt;
		sample_bytes |= id == RO_SAMPLE_BYTES;
		int applied = checkopts_apply(&co, id, st.arg);
		if (applied < 0 || (applied > 0 && runopts_apply(&o, id, &st) < 0))
			goto usage;
	}
	if (checkopts_finish(&co))
		goto usage;
	if (o.true_peak && !attach) {
		report("run: --true-peak applies with --attach only (a program mprof starts "
		       "always has its true peak)");
		goto usage;
	}
	if (attach && hooked) {
		report("run: --%s does not apply with --attach: a running process is not hooked",
		       hooked->long_name);
		goto usage;
	}
	if (sample_bytes && o.stacks.mode != MPROF_STK_SAMPLE) {
		report("run: --sample-bytes applies to --stacks=sample only");
		goto usage;
	}
	if (st.i >= argc) {
		report("run: no program given (see 'mprof run --help')");
		goto usage;
	}
	if (attach) {
		rc = cmd_attach_record(&o, argv[st.i], &path);
	} else {
		struct record_outcome out;
		rc = record_run(&o, argv + st.i, &out);
		path = rc == EXIT_NOEXEC ? NULL : out.path;
		if (!path)
			free(out.path);
	}
	/* The program's own failure comes first; then the checks. */
	if (path && checkopts_any(&co)) {
		int crc = checkopts_run(&co, path);
		if (rc == EXIT_OK)
			rc = crc;
	}
	free(path);
	runopts_release(&o);
	checkopts_release(&co);
	return rc;
usage:
	runopts_release(&o);
	checkopts_release(&co);
	return EXIT_USAGE;
}
