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

/* "--func NAME": the peak within the calls of the function the user means. */
static int peak_func(const struct summary *s, const char *path, const char *func)
{
	struct err e;
	const char **names = xcalloc(s->nfuncs + 1, sizeof(*names));
	for (size_t i = 0; i < s->nfuncs; i++)
		names[i] = s->funcs[i].name;
	const char *name = funcname_resolve_in(names, s->nfuncs, path, func, &e);
	free(names);
	if (!name) {
		report("%s", e.msg);
		return EXIT_FAIL;
	}
	double p = NAN;
	for (size_t i = 0; i < s->nfuncs; i++)
		if (!strcmp(s->funcs[i].name, name))
			p = s->funcs[i].peak_mib;
	if (isnan(p)) {
		report("no sample fell within the calls of '%s' in '%s' (each shorter than "
		       "the sampling interval: record with a smaller -T)",
		       name, path);
		return EXIT_FAIL;
	}
	printf("%s\t%.3f MiB\n", path, p);
	return EXIT_OK;
}

static void peak_print(const struct summary *s, const char *path)
{
	printf("%s\t%.3f MiB", path, s->peak_mib);
	if (s->heap_peak_mib >= 0)
		printf("\theap %.3f MiB", s->heap_peak_mib);
	if (s->heap_peak_mib >= 0 && s->heap_ends)
		printf(" (until an image the hooks cannot see)");
	if (s->mmap_significant)
		printf("\tanon mmap %.3f MiB (%s)", s->mmap_peak_mib, SUMMARY_MMAP_SHORT);
	if (s->true_peak == 0)
		printf("\t(%s)", SUMMARY_NO_TRUE_PEAK);
	printf("\n");
	for (size_t i = 0; i < s->nchildren; i++) {
		double cp = s->children[i].peak_mib, ch = s->children[i].heap_peak_mib;
		if (cp >= 0)
			printf("  Child %s\t\t\t%.3f MiB", s->children[i].id, cp);
		else
			printf("  Child %s\t\t\tno RSS sample", s->children[i].id);
		if (ch >= 0)
			printf("\theap %.3f MiB", ch);
		printf("\n");
	}
}

/* One recording, read once in a streaming pass (summary_read). */
static int peak_one(const char *path, const char *func)
{
	struct summary s;
	struct err e;
	if (summary_read(path, &s, NULL, &e)) {
		report("%s", e.msg);
		return EXIT_FAIL;
	}
	int rc = EXIT_OK;
	if (func)
		rc = peak_func(&s, path, func);
	else
		peak_print(&s, path);
	summary_release(&s);
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
