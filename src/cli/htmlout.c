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

/* One pass over the recording: the summary, the stacks and what the page draws. */
static int write_page(FILE *f, const char *out, const char *dat, const struct html_lib *lib,
		      const char *title, struct err *e)
{
	struct summary sum;
	struct stk_data d;
	struct html_feed *feed = html_feed_new();
	int rc = summary_read_also(dat, &sum, &d, html_feed_line, feed, e);
	if (rc == 0) {
		cJSON *data = html_data(feed, &sum, &d);
		rc = html_write(f, out, lib,
				title		 ? title
				: sum.cmdline[0] ? sum.cmdline
						 : dat,
				data, e);
		cJSON_Delete(data);
		summary_release(&sum);
		stk_data_release(&d);
	}
	html_feed_free(feed);
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
