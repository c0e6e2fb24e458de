/* checkopts.c - the limit and baseline options that 'mprof check' and 'mprof run' share, and the
 * verdict they print. */
#include "cli/checkopts.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cmds.h"
#include "cli/opts.h"
#include "core/funcname.h"
#include "core/report.h"
#include "core/units.h"

void checkopts_init(struct check_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->tolerance = 10;
}

void checkopts_release(struct check_opts *o)
{
	free(o->limits);
	memset(o, 0, sizeof(*o));
}

int checkopts_finish(const struct check_opts *o)
{
	if (o->tolerance_set && !o->baseline) {
		report("--tolerance: no --baseline to apply it to");
		return -1;
	}
	if (o->func_unused) {
		report("--func '%s': give the --max-peak that applies within its calls after it",
		       o->func);
		return -1;
	}
	return 0;
}

int checkopts_any(const struct check_opts *o)
{
	return o->nlimits > 0 || o->baseline;
}

static int add_limit(struct check_opts *o, enum check_metric m, double limit)
{
	o->limits = xrealloc(o->limits, (o->nlimits + 1) * sizeof(*o->limits));
	o->limits[o->nlimits++] =
	    (struct check_limit){m, limit, m == CHECK_FUNC_PEAK ? o->func : NULL};
	return 0;
}

static int size_limit(struct check_opts *o, enum check_metric m, const char *opt, const char *arg)
{
	uint64_t bytes;
	if (units_parse_size(arg, &bytes)) {
		report("%s: '%s' is not a size (e.g. 500M, 1.5GiB, 512k; a plain number is MiB)",
		       opt, arg);
		return -1;
	}
	return add_limit(o, m, (double)bytes / 1048576.0);
}

int checkopts_apply(struct check_opts *o, int id, const char *arg)
{
	double v;
	switch (id) {
	case CO_MAX_PEAK:
		o->func_unused = 0;
		return size_limit(o, o->func ? CHECK_FUNC_PEAK : CHECK_PEAK, "--max-peak", arg);
	case CO_MAX_HEAP:
		return size_limit(o, CHECK_HEAP, "--max-heap", arg);
	case CO_MAX_LEAK:
		return size_limit(o, CHECK_LEAK, "--max-leak", arg);
	case CO_MAX_DURATION:
		if (units_parse_seconds(arg, &v)) {
			report("--max-duration: '%s' is not a number of seconds", arg);
			return -1;
		}
		return add_limit(o, CHECK_DURATION, v);
	case CO_MAX_LOST: {
		char *end;
		errno = 0;
		unsigned long long n = strtoull(arg, &end, 10);
		if (!isdigit((unsigned char)*arg) || *end || errno) {
			report("--max-lost: '%s' is not a count (e.g. 0)", arg);
			return -1;
		}
		return add_limit(o, CHECK_LOST, (double)n);
	}
	case CO_FUNC:
		o->func = arg;
		o->func_unused = 1;
		return 0;
	case CO_BASELINE:
		o->baseline = arg;
		return 0;
	case CO_TOLERANCE:
		if (units_parse_seconds(arg, &v) || v > 10000) {
			report("--tolerance: '%s' is not a percentage (e.g. 10)", arg);
			return -1;
		}
		o->tolerance = v;
		o->tolerance_set = 1;
		return 0;
	case CO_JSON:
		o->json = 1;
		return 0;
	}
	return 1;
}

static void fmt_value(char *buf, size_t n, enum check_metric m, double v)
{
	if (isnan(v))
		snprintf(buf, n, "-");
	else if (m == CHECK_DURATION)
		snprintf(buf, n, "%.2f s", v);
	else if (m == CHECK_LOST)
		snprintf(buf, n, "%.0f", v);
	else
		snprintf(buf, n, "%.1f MiB", v);
}

static void print_table(const struct check_result *res, size_t n, double tolerance)
{
	printf("%-22s %12s %12s %9s  %s\n", "metric", "baseline", "current", "change", "verdict");
	for (size_t i = 0; i < n; i++) {
		const struct check_result *c = &res[i];
		if (isnan(c->baseline))
			continue;
		char b[32], v[32], ch[32];
		fmt_value(b, sizeof(b), c->metric, c->baseline);
		fmt_value(v, sizeof(v), c->metric, c->measured);
		if (c->baseline > 0)
			snprintf(ch, sizeof(ch), "%+.1f%%", 100 * (c->measured / c->baseline - 1));
		else
			snprintf(ch, sizeof(ch), "%+.1f", c->measured - c->baseline);
		printf("%-22s %12s %12s %9s  %s\n", check_metric_label(c->metric), b, v, ch,
		       c->passed ? "ok" : "FAIL");
	}
	printf("(tolerance %.1f%%)\n", tolerance);
}

/* With allocation stacks in the recording, a leak names where it comes from:
 * "; leaked by f (file:line) 2.0 MiB, g 0.1 MiB" (the three largest sites). */
static void leak_sites(const struct stk_data *stacks, char *out, size_t n, cJSON *json_sites)
{
	const struct stk_data d = *stacks;
	out[0] = '\0';
	if (!d.present)
		return;
	long image = stk_pick_image(&d, 0);
	if (image >= 0) {
		struct report r;
		report_build(&d, (size_t)image, RM_LEAK, &r);
		char *note = report_leak_note(&r, 3);
		snprintf(out, n, "%s", note);
		free(note);
		if (json_sites) {
			cJSON *a = report_leak_json(&r, 3), *j;
			while ((j = cJSON_DetachItemFromArray(a, 0)))
				cJSON_AddItemToArray(json_sites, j);
			cJSON_Delete(a);
		}
		report_release(&r);
	}
}

/* Whether a limit of o is on the leak: then the leaking sites are named, from the
 * stack lines read in the same pass. */
static int wants_stacks(const struct check_opts *o)
{
	for (size_t i = 0; i < o->nlimits; i++)
		if (o->limits[i].metric == CHECK_LEAK)
			return 1;
	return o->baseline != NULL; /* the baseline's comparisons include the leak */
}

/* --func names as typed become the recording's own (funcname_resolve_in). */
static const char *resolve_func(const struct summary *s, const char *typed, struct err *e)
{
	const char **names = xcalloc(s->nfuncs + 1, sizeof(*names));
	for (size_t i = 0; i < s->nfuncs; i++)
		names[i] = s->funcs[i].name;
	const char *name = funcname_resolve_in(names, s->nfuncs, s->file, typed, e);
	free(names);
	return name;
}

/* The line that says why check c failed. */
static void report_failure(const struct check_opts *o, const struct check_result *c,
			   const struct summary *s, const struct stk_data *stacks, const char *path)
{
	char v[32], l[32];
	fmt_value(v, sizeof(v), c->metric, c->measured);
	fmt_value(l, sizeof(l), c->metric, c->limit);
	if (!isnan(c->baseline))
		report("%s %s exceeds the baseline's plus %.1f%% (%s) in '%s'",
		       check_metric_label(c->metric), v, o->tolerance, l, path);
	else if (c->func)
		report("%s '%s' %s exceeds the limit %s in '%s'", check_metric_label(c->metric),
		       c->func, v, l, path);
	else if (c->metric == CHECK_LEAK) {
		char sites[1024];
		leak_sites(stacks, sites, sizeof(sites), NULL);
		report("%s %s exceeds the limit %s in '%s'%s", check_metric_label(c->metric), v, l,
		       path, sites);
	} else if (c->metric == CHECK_LOST) {
		char kinds[512];
		size_t len = 0;
		kinds[0] = '\0';
		for (size_t k = 0; k < s->nlost && len < sizeof(kinds); k++)
			if (s->lost[k].count)
				len +=
				    (size_t)snprintf(kinds + len, sizeof(kinds) - len, "%s%s %llu",
						     len ? ", " : " (", s->lost[k].kind,
						     (unsigned long long)s->lost[k].count);
		report("%s %s exceeds the limit %s in '%s'%s%s", check_metric_label(c->metric), v,
		       l, path, kinds, len ? "; see its NOTE lines)" : "");
	} else
		report("%s %s exceeds the limit %s in '%s'", check_metric_label(c->metric), v, l,
		       path);
}

/* The verdict as JSON, a leak with the sites that leaked. */
static void print_json(const struct check_opts *o, const struct summary *s,
		       const struct check_result *res, size_t n, const struct stk_data *stacks)
{
	cJSON *j = check_json(s, res, n, o->tolerance, o->baseline);
	cJSON *item;
	cJSON_ArrayForEach(item, cJSON_GetObjectItem(j, "checks"))
	{
		const cJSON *m = cJSON_GetObjectItem(item, "metric");
		if (cJSON_IsString(m) && !strcmp(m->valuestring, "leak")) {
			char sites[1024];
			cJSON *arr = cJSON_CreateArray();
			leak_sites(stacks, sites, sizeof(sites), arr);
			if (cJSON_GetArraySize(arr))
				cJSON_AddItemToObject(item, "leak_sites", arr);
			else
				cJSON_Delete(arr);
		}
	}
	char *text = cJSON_Print(j);
	printf("%s\n", text);
	cJSON_free(text);
	cJSON_Delete(j);
}

int checkopts_run(const struct check_opts *o, const char *path)
{
	struct summary s, base;
	struct stk_data stacks = {0};
	struct err e;
	/* One pass over the recording: the figures, and the stacks when a leak is checked. */
	if (summary_read(path, &s, wants_stacks(o) ? &stacks : NULL, &e)) {
		report("%s", e.msg);
		return EXIT_FAIL;
	}
	if (wants_stacks(o))
		stk_fold_interpreter(&stacks); /* sites in the program's own words */
	/* --func names as typed become the recording's own (funcname_resolve). */
	struct check_limit *limits = xcalloc(o->nlimits + 1, sizeof(*limits));
	size_t nlimits = 0;
	for (; nlimits < o->nlimits; nlimits++) {
		limits[nlimits] = o->limits[nlimits];
		const char *name = NULL;
		if (limits[nlimits].func && !(name = resolve_func(&s, limits[nlimits].func, &e))) {
			report("%s", e.msg);
			break;
		}
		limits[nlimits].func = name ? xstrdup(name) : NULL;
	}
	int have_base = 0, rc = EXIT_FAIL;
	struct check_result *res = NULL;
	size_t n = 0;
	if (nlimits < o->nlimits)
		goto out;
	if (o->baseline) {
		if (summary_load_baseline(o->baseline, &base, &e)) {
			report("--baseline: %s", e.msg);
			goto out;
		}
		have_base = 1;
	}
	if (check_run(&s, limits, nlimits, have_base ? &base : NULL, o->tolerance, &res, &n, &e)) {
		report("%s", e.msg);
		goto out;
	}
	rc = EXIT_OK;
	for (size_t i = 0; i < n; i++) {
		const struct check_result *c = &res[i];
		if (c->passed)
			continue;
		rc = EXIT_FAIL;
		report_failure(o, c, &s, &stacks, path);
	}
	if (o->json) {
		print_json(o, &s, res, n, &stacks);
	} else if (have_base) {
		print_table(res, n, o->tolerance);
	}
out:
	for (size_t i = 0; i < nlimits; i++)
		free((char *)limits[i].func);
	free(limits);
	free(res);
	summary_release(&s);
	stk_data_release(&stacks);
	if (have_base)
		summary_release(&base);
	return rc;
}
