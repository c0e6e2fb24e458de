/* render.c - running a gnuplot script into a file atomically, and cleaning up the private directory
 * it used. */
#include "cli/render.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cmds.h"
#include "core/gnuplot.h"
#include "core/plot.h"

void remove_tree(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	while (d && (de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		char p[4096];
		snprintf(p, sizeof(p), "%s/%s", dir, de->d_name);
		unlink(p);
	}
	if (d)
		closedir(d);
	rmdir(dir);
}

int render_to_file(const char *script, const char *out, const struct plot_opts *o)
{
	char *copy = xstrdup(out), *dir = dirname(copy);
	char *tmp = xmalloc(strlen(dir) + 32);
	sprintf(tmp, "%s/.mprof-plot-XXXXXX", dir);
	int fd = mkostemp(tmp, O_CLOEXEC);
	int saved = errno;
	free(copy);
	if (fd < 0) {
		report("cannot write '%s': %s", out, strerror(saved));
		free(tmp);
		return EXIT_FAIL;
	}
	mode_t mask = umask(0);
	umask(mask);
	fchmod(fd, 0666 & ~mask);
	struct err e;
	/* gnuplot exits 0 after its writes failed: the picture itself must be whole
	 * before it replaces anything. */
	int rc = gp_run(script, fd, &e);
	if (rc == 0)
		rc = plot_output_check(fd, o, out, &e);
	if (rc == 0 && fsync(fd))
		rc = err_sys(&e, errno, "cannot write '%s'", out);
	if (close(fd) && rc == 0)
		rc = err_sys(&e, errno, "cannot write '%s'", out);
	if (rc == 0 && rename(tmp, out))
		rc = err_sys(&e, errno, "cannot write '%s'", out);
	if (rc) {
		unlink(tmp);
		report("%s", e.msg);
	}
	free(tmp);
	return rc ? EXIT_FAIL : EXIT_OK;
}

char *render_dir(const char *name)
{
	char *dir = tmp_template(name);
	if (mkdtemp(dir))
		return dir;
	report("cannot create a temporary directory '%s': %s", dir, strerror(errno));
	free(dir);
	return NULL;
}

int render_parse_size(const char *s, int *w, int *h)
{
	char x;
	int n;
	if (sscanf(s, "%d%c%d%n", w, &x, h, &n) != 3 || (x != 'x' && x != 'X') || s[n] ||
	    *w < 100 || *h < 100 || *w > 20000 || *h > 20000) {
		report("--size: expected WIDTHxHEIGHT in pixels (100 to 20000), got '%s'", s);
		return -1;
	}
	return 0;
}
