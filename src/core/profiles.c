/* profiles.c - finding recordings: mprof_*.dat and mprofile_*.dat files, by name or by index. */
#include "core/profiles.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char *stamp_of(const char *name)
{
	if (strncmp(name, "mprofile_", 9) == 0)
		return name + 9;
	if (strncmp(name, "mprof_", 6) == 0)
		return name + 6;
	return NULL;
}

int profiles_is_recording_name(const char *name)
{
	const char *s = stamp_of(name);
	size_t n = strlen(name);
	return s && n >= 4 && strcmp(name + n - 4, ".dat") == 0 && (size_t)(s - name) + 4 < n + 1;
}

static int by_stamp(const void *a, const void *b)
{
	const char *x = *(char *const *)a, *y = *(char *const *)b;
	int c = strcmp(stamp_of(x), stamp_of(y));
	return c ? c : strcmp(x, y);
}

static int is_regular(const char *dir, const char *name)
{
	char path[4096];
	struct stat st;
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return lstat(path, &st) == 0 && S_ISREG(st.st_mode);
}

int profiles_list(const char *dir, char ***names, int *n, struct err *e)
{
	*names = NULL;
	*n = 0;
	DIR *d = opendir(dir);
	if (!d)
		return err_sys(e, errno, "cannot read directory '%s'", dir);
	size_t cap = 0, count = 0;
	char **v = NULL;
	struct dirent *de;
	while ((de = readdir(d))) {
		if (!profiles_is_recording_name(de->d_name) || !is_regular(dir, de->d_name))
			continue;
		xgrow((void **)&v, &cap, count + 1, sizeof(*v));
		v[count++] = xstrdup(de->d_name);
	}
	closedir(d);
	if (count)
		qsort(v, count, sizeof(*v), by_stamp);
	*names = v;
	*n = (int)count;
	return 0;
}

void profiles_free_paths(char **paths, int n)
{
	for (int i = 0; i < n; i++)
		free(paths[i]);
	free(paths);
}

static int parse_index(const char *s, long *out)
{
	char *end;
	if (!*s)
		return -1;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (*end || errno)
		return -1;
	*out = v;
	return 0;
}

static char *join(const char *dir, const char *name)
{
	if (!strcmp(dir, "."))
		return xstrdup(name);
	char *p = xmalloc(strlen(dir) + strlen(name) + 2);
	sprintf(p, "%s/%s", dir, name);
	return p;
}

int profiles_resolve_words(const char *dir, char **words, int nwords, int only_recordings,
			   char ***paths, int *npaths, struct err *e)
{
	char **names;
	int n;
	*paths = NULL;
	*npaths = 0;
	if (profiles_list(dir, &names, &n, e))
		return -1;
	char **out = xcalloc((size_t)(nwords ? nwords : 1), sizeof(*out));
	int nout = 0, rc = 0;
	if (nwords == 0) {
		if (n == 0) {
			rc = err_set(e, "no recording found: no mprof_*.dat or mprofile_*.dat "
					"in the current directory (make one with 'mprof run')");
			goto done;
		}
		out[nout++] = join(dir, names[n - 1]);
		goto done;
	}
	for (int i = 0; i < nwords; i++) {
		const char *w = words[i];
		struct stat st;
		long idx;
		char *path = NULL;
		/* parse_index sets errno: keep the cause of a failed stat for the message. */
		int stat_errno = stat(w, &st) ? errno : 0;
		if (stat_errno == 0) {
			const char *base = strrchr(w, '/');
			base = base ? base + 1 : w;
			if (S_ISDIR(st.st_mode)) {
				rc = err_set(e, "'%s' is a directory, not a recording", w);
				goto done;
			}
			if (only_recordings) {
				struct stat lst;
				if (!profiles_is_recording_name(base) || lstat(w, &lst) ||
				    !S_ISREG(lst.st_mode)) {
					rc = err_set(e,
						     "'%s' is not a recording (mprof_*.dat or "
						     "mprofile_*.dat)",
						     w);
					goto done;
				}
			}
			path = xstrdup(w);
		} else if (parse_index(w, &idx) == 0) {
			long k = idx < 0 ? n + idx : idx;
			if (k < 0 || k >= n) {
				rc = err_set(e, "no recording with index %ld (there %s %d)", idx,
					     n == 1 ? "is" : "are", n);
				goto done;
			}
			path = join(dir, names[k]);
		} else {
			rc = err_sys(e, stat_errno, "cannot open '%s'", w);
			goto done;
		}
		int dup = 0;
		for (int j = 0; j < nout; j++)
			dup |= strcmp(out[j], path) == 0;
		if (dup)
			free(path);
		else
			out[nout++] = path;
	}
done:
	profiles_free_paths(names, n);
	if (rc) {
		profiles_free_paths(out, nout);
		return -1;
	}
	*paths = out;
	*npaths = nout;
	return 0;
}

int profiles_resolve(const char *dir, char **words, int nwords, char ***paths, int *npaths,
		     struct err *e)
{
	return profiles_resolve_words(dir, words, nwords, 0, paths, npaths, e);
}
