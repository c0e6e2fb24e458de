/* cmd_peak.c - 'mprof peak': the true peak memory of recordings, in the original's output shape. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cmds.h"
#include "cli/opts.h"
#include "core/dat.h"
#include "core/funcname.h"
#include "core/summary.h"

static const char help[] =
    "usage: mprof peak [--func NAME] [FILE|INDEX...]\n"
    "\n"
    "Prints the true peak memory of each recording (the newest without arguments):\n"
    "the largest of the samples, the kernel's maximum RSS within every interval and\n"
    "the whole-run maximum, so a spike between two samples still counts. Then the\n"
    "peak heap when the recording has it, and each child's peak.\n";

static const struct opt opts[] = {
    OPT_VALUE(0, "func", 1, "NAME",
	      "the peak within the calls of function NAME only: its whole name, or the end of "
	      "it after a '.' or '::' when only one function ends so (compute_mean for "
	      "__main__.compute_mean)"),
    OPT_HELP(2),
    {0},
};

static int peak_one(const char *path, const char *func)
{
	struct dat_recording r;
	struct err e;
	if (dat_read_samples(path, &r, &e)) {
		report("%s", e.msg);
		return EXIT_FAIL;
	}
	int rc = EXIT_OK;
	if (func) {
		const char *name = funcname_resolve(&r, func, &e);
		double p = name ? summary_func_peak(&r, name) : NAN;
		if (!name) {
			report("%s", e.msg);
			rc = EXIT_FAIL;
		} else if (isnan(p)) {
			report("no sample fell within the calls of '%s' in '%s' (each shorter than "
			       "the sampling interval: record with a smaller -T)",
			       name, path);
			rc = EXIT_FAIL;
		} else {
			printf("%s\t%.3f MiB\n", path, p);
		}
	} else {
		double heap = dat_peak_heap(&r, NULL);
		printf("%s\t%.3f MiB", path, dat_peak_rss(&r, NULL));
		if (heap >= 0)
			printf("\theap %.3f MiB", heap);
		if (heap >= 0 && r.heap_ends)
			printf(" (until an image the hooks cannot see)");
		if (dat_mmap_significant(&r))
			printf("\tanon mmap %.3f MiB (%s)", dat_peak_mmap(&r, NULL),
			       SUMMARY_MMAP_SHORT);
		if (dat_peak_is_sampled(&r))
			printf("\t(%s)", SUMMARY_NO_TRUE_PEAK);
		printf("\n");
		for (size_t i = 0; i < r.nchildren; i++) {
			const struct dat_child *c = &r.children[i];
			double cp = dat_child_peak(c), ch = dat_child_heap_peak(c);
			if (cp >= 0)
				printf("  Child %s\t\t\t%.3f MiB", c->id, cp);
			else
				printf("  Child %s\t\t\tno RSS sample", c->id);
			if (ch >= 0)
				printf("\theap %.3f MiB", ch);
			printf("\n");
		}
	}
	dat_recording_release(&r);
	return rc;
}

int cmd_peak(int argc, char **argv)
{
	struct opt_state st;
	opt_init(&st, argc, argv, "peak", 0);
	char **words = xcalloc((size_t)argc + 1, sizeof(*words));
	const char *func = NULL;
	int nwords = 0, id, rc = EXIT_OK;
	while ((id = opt_next(&st, opts)) != OPT_END) {
		if (id == OPT_ERROR) {
			free(words);
			return EXIT_USAGE;
		}
		if (id == 2) {
			print_help(help, opts, NULL);
			free(words);
			return EXIT_OK;
		}
		if (id == 1)
			func = st.arg;
		else
			words[nwords++] = (char *)st.arg;
	}
	char **paths;
	int n;
	if (resolve_recordings(words, nwords, &paths, &n) == 0) {
		for (int i = 0; i < n; i++)
			if (peak_one(paths[i], func) != EXIT_OK)
				rc = EXIT_FAIL;
		profiles_free_paths(paths, n);
	} else {
		rc = EXIT_FAIL;
	}
	free(words);
	return rc;
}
