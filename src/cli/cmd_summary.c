/* cmd_summary.c - 'mprof summary': the numbers of a recording, for people or (--json) for
 * dashboards. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "cli/cmds.h"
#include "cli/opts.h"
#include "core/summary.h"

static const char help[] =
    "usage: mprof summary [--json] [FILE|INDEX]\n"
    "\n"
    "Prints what a recording (the newest without FILE) measured: command, start,\n"
    "duration, samples, peak RSS (true and sampled) and when, final RSS, peak heap,\n"
    "heap at exit, allocation counts, RSS trend, functions (with the heap each call\n"
    "kept after it returned), the garbage collector's collections, what was lost,\n"
    "how long the program waited for the stack reader, and children.\n";

static const struct opt opts[] = {
    OPT_FLAG(0, "json", 1, "the same as JSON with stable keys (json.md)"),
    OPT_HELP(2),
    {0},
};

static void print_heap(const struct summary *s)
{
	if (s->has_heap) {
		printf("peak heap     %.1f MiB at %.2f s\n", s->heap_peak_mib, s->heap_peak_t_s);
		if (s->heap_exit_mib >= 0)
			printf("heap at exit  %.3f MiB\n", s->heap_exit_mib);
		printf("allocations   %llu (frees %llu)\n", (unsigned long long)s->allocs,
		       (unsigned long long)s->frees);
		if (s->heap_ends)
			printf("              heap lines end: %s does not report to the hooks\n",
			       s->heap_ends);
		if (s->mmap_significant)
			printf("anon mmap     peak %.1f MiB at %.2f s: %s\n", s->mmap_peak_mib,
			       s->mmap_peak_t_s, SUMMARY_MMAP_NOTE);
	} else if (s->heap_ends) {
		printf("heap          no hook data: %s does not report to the hooks\n",
		       s->heap_ends);
	} else if (s->heap_note) {
		printf("heap          unavailable: %s\n", s->heap_note);
	} else {
		printf("heap          no hook data\n");
	}
}

static void print_text(const struct summary *s)
{
	char when[64];
	time_t secs = (time_t)s->start;
	struct tm tm;
	localtime_r(&secs, &tm);
	strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &tm);
	printf("file          %s\n", s->file);
	printf("command       %s\n", s->cmdline);
	printf("start         %s\n", when);
	printf("duration      %.3f s, %zu samples", s->duration_s, s->samples);
	if (s->interval_s > 0)
		printf(" every %g s", s->interval_s);
	printf("\n");
	if (s->has_exit && s->exit_status >= 0)
		printf("exit status   %d\n", s->exit_status);
	printf("peak RSS      %.1f MiB at %.2f s (largest sample %.1f MiB at %.2f s)\n",
	       s->peak_mib, s->peak_t_s, s->peak_sampled_mib, s->peak_sampled_t_s);
	if (s->true_peak == 0)
		printf("              %s\n", SUMMARY_NO_TRUE_PEAK);
	printf("final RSS     %.1f MiB\n", s->final_mib);
	if (s->samples >= 3) /* a line through two points says nothing of a trend */
		printf(
		    "RSS trend     %+.3f MiB/s over the run (least-squares fit of the samples)\n",
		    s->slope_mib_s);
	print_heap(s);
	for (size_t i = 0; i < s->nfuncs; i++) {
		const struct summary_func *f = &s->funcs[i];
		printf("function      %s: %zu call%s, %.3f s", f->name, f->calls,
		       f->calls == 1 ? "" : "s", f->total_s);
		if (!isnan(f->peak_mib))
			printf(", peak %.1f MiB", f->peak_mib);
		if (!isnan(f->heap_retained_mib))
			printf("; retained after return: %+.1f MiB per call", f->heap_retained_mib);
		printf("\n");
	}
	if (s->gc.collections) {
		const struct dat_gc *big = &s->gc.events[s->gc.largest];
		printf("cycle collector %zu collection%s, %.1f ms, freed %.1f MiB; largest at %.2f "
		       "s, generation %d, %.1f ms, freed %.1f MiB\n",
		       s->gc.collections, s->gc.collections == 1 ? "" : "s", s->gc.total_s * 1e3,
		       s->gc.freed_mib, big->t - s->start, big->generation, big->duration_s * 1e3,
		       big->heap_start_mib - big->heap_stop_mib);
	}
	if (s->lost_total) {
		printf("lost         ");
		for (size_t i = 0, shown = 0; i < s->nlost; i++)
			if (s->lost[i].count)
				printf("%s %s %llu", shown++ ? "," : "", s->lost[i].kind,
				       (unsigned long long)s->lost[i].count);
		printf(" (see the NOTE lines)\n");
	}
	if (s->held_waits)
		printf("held          %.3f s in %llu waits for the stack reader: the program was "
		       "slowed (time summed over its threads)\n",
		       s->held_s, (unsigned long long)s->held_waits);
	for (size_t i = 0; i < s->nchildren; i++) {
		printf("child         %s: ", s->children[i].id);
		if (s->children[i].peak_mib >= 0)
			printf("peak %.1f MiB", s->children[i].peak_mib);
		else
			printf("no RSS sample");
		if (s->children[i].heap_peak_mib >= 0)
			printf(", peak heap %.1f MiB", s->children[i].heap_peak_mib);
		printf("\n");
	}
}

int cmd_summary(int argc, char **argv)
{
	struct opt_state st;
	opt_init(&st, argc, argv, "summary", 0);
	char **words = xcalloc((size_t)argc + 1, sizeof(*words));
	int nwords = 0, id, json = 0, rc = EXIT_USAGE;
	while ((id = opt_next(&st, opts)) != OPT_END) {
		if (id == OPT_ERROR)
			goto out;
		if (id == 2) {
			print_help(help, opts, NULL);
			rc = EXIT_OK;
			goto out;
		}
		if (id == 1)
			json = 1;
		else
			words[nwords++] = (char *)st.arg;
	}
	if (nwords > 1) {
		report("summary: one recording at a time, got %d", nwords);
		goto out;
	}
	rc = EXIT_FAIL;
	char **paths;
	int n;
	if (resolve_recordings(words, nwords, &paths, &n))
		goto out;
	struct summary s;
	struct err e;
	if (summary_read(paths[0], &s, NULL, &e)) {
		report("%s", e.msg);
	} else {
		if (json) {
			cJSON *j = summary_json(&s);
			char *text = cJSON_Print(j);
			printf("%s\n", text);
			cJSON_free(text);
			cJSON_Delete(j);
		} else {
			print_text(&s);
		}
		summary_release(&s);
		rc = EXIT_OK;
	}
	profiles_free_paths(paths, n);
out:
	free(words);
	return rc;
}
