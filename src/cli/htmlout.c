/* htmlout.c - 'plot -o x.html' and 'report -o x.html': reads the recording and its stacks, writes
 * the page (core/html.c) into a temporary file and renames it over the output. */
#include "cli/htmlout.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cmds.h"
#include "core/html.h"
#include "core/summary.h"

int html_is_page(const char *path)
{
	const char *dot = strrchr(path, '.');
	return dot && (!strcasecmp(dot, ".html") || !strcasecmp(dot, ".htm"));
}

static int write_page(FILE *f, const char *out, const char *dat, const struct html_lib *lib,
		      const char *title, struct err *e)
{
	struct dat_recording r;
	struct stk_data d;
	size_t len;
	char *text = read_file(dat, &len, e);
	if (!text)
		return -1;
	int rc = dat_parse(dat, text, len, &r, e);
	if (rc == 0 && !r.mem.n) {
		dat_recording_release(&r);
		rc = err_set(e, "%s: no memory samples (MEM lines)", dat);
	}
	if (rc == 0) {
		memset(&d, 0, sizeof(d));
		/* the stacks are optional: the page says what they would show */
		if (stk_parse(dat, text, len, &d, e))
			rc = -1;
		struct summary sum;
		if (rc == 0 && summary_parse(dat, text, len, &sum, NULL, e)) {
			stk_data_release(&d);
			rc = -1;
		}
		if (rc == 0) {
			cJSON *data = html_data(&r, &sum, &d);
			summary_release(&sum);
			double t0 = r.mem.v[0].t;
			cJSON *st = html_sitetime(text, len, t0, &d);
			if (st)
				cJSON_AddItemToObject(data, "sitetime", st);
			rc = html_write(f, out, lib,
					title	    ? title
					: r.cmdline ? r.cmdline
						    : dat,
					data, e);
			cJSON_Delete(data);
			stk_data_release(&d);
		}
		dat_recording_release(&r);
	}
	free(text);
	return rc;
}

int html_output(const char *dat, const char *out, const char *title)
{
	struct html_lib lib;
	struct err e;
	/* MPROF_DYGRAPHS_DIR: another copy of the library (tests, other distributions) */
	if (html_lib_load(getenv("MPROF_DYGRAPHS_DIR"), &lib, &e)) {
		report("cannot write '%s': %s", out, e.msg);
		return EXIT_FAIL;
	}
	char *copy = xstrdup(out), *dir = dirname(copy);
	char *tmp = xmalloc(strlen(dir) + 32);
	sprintf(tmp, "%s/.mprof-page-XXXXXX", dir);
	free(copy);
	int fd = mkostemp(tmp, O_CLOEXEC);
	FILE *f = fd < 0 ? NULL : fdopen(fd, "w");
	int rc = 0;
	if (!f) {
		rc = err_sys(&e, errno, "cannot write '%s'", out);
		if (fd >= 0) {
			close(fd);
			unlink(tmp);
		}
	} else {
		mode_t mask = umask(0);
		umask(mask);
		fchmod(fd, 0666 & ~mask);
		rc = write_page(f, out, dat, &lib, title, &e);
		if (rc == 0 && (fflush(f) || fsync(fd)))
			rc = err_sys(&e, errno, "cannot write '%s'", out);
		if (fclose(f) && rc == 0)
			rc = err_sys(&e, errno, "cannot write '%s'", out);
		if (rc == 0 && rename(tmp, out))
			rc = err_sys(&e, errno, "cannot write '%s'", out);
		if (rc)
			unlink(tmp);
	}
	if (rc)
		report("%s", e.msg);
	free(tmp);
	html_lib_release(&lib);
	return rc ? EXIT_FAIL : EXIT_OK;
}
