/* dpkg.c - which Debian package installed a file, read from dpkg's own file lists. */
#include "core/dpkg.h"

#include <dirent.h>
#include <stdio.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/util.h"

/* Whether the list (one path per line) holds path as a whole line, or, for a path
 * under /usr, its pre-merge name (/usr/lib/x as /lib/x): one search for both. */
static int lists(const char *buf, size_t len, const char *path)
{
	int usr = !strncmp(path, "/usr/", 5);
	const char *key = usr ? path + 4 : path;
	size_t n = strlen(key);
	for (const char *p = buf, *end = buf + len; p < end;) {
		const char *hit = memmem(p, (size_t)(end - p), key, n);
		if (!hit)
			return 0;
		p = hit + 1;
		if (hit + n != end && hit[n] != '\n')
			continue;
		if (hit == buf || hit[-1] == '\n')
			return 1;
		if (usr && hit - buf >= 4 && !memcmp(hit - 4, "/usr", 4) &&
		    (hit - 4 == buf || hit[-5] == '\n'))
			return 1;
	}
	return 0;
}

static int is_list(const struct dirent *d)
{
	size_t n = strlen(d->d_name);
	return n > 5 && !strcmp(d->d_name + n - 5, ".list");
}

/* Reads the whole of name in dir into *buf (grown as needed); its length, or -1. */
static ssize_t read_list(int dir, const char *name, char **buf, size_t *cap)
{
	int fd = openat(dir, name, O_RDONLY | O_CLOEXEC);
	struct stat st;
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) || st.st_size < 0) {
		close(fd);
		return -1;
	}
	xgrow((void **)buf, cap, (size_t)st.st_size + 1, 1);
	size_t got = 0;
	while (got < (size_t)st.st_size) {
		ssize_t r = read(fd, *buf + got, (size_t)st.st_size - got);
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	close(fd);
	return (ssize_t)got;
}

size_t dpkg_owners(const char *const *path, size_t n, char **owner)
{
	const char *admin = getenv("DPKG_ADMINDIR");
	char dir[4096];
	snprintf(dir, sizeof(dir), "%s/info", admin && *admin ? admin : "/var/lib/dpkg");
	for (size_t i = 0; i < n; i++)
		owner[i] = NULL;
	struct dirent **ents = NULL;
	int nents = scandir(dir, &ents, is_list, alphasort);
	int dfd = nents > 0 ? open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
	char *buf = NULL;
	size_t cap = 0, found = 0;
	for (int e = 0; e < nents; e++) {
		ssize_t len =
		    found < n && dfd >= 0 ? read_list(dfd, ents[e]->d_name, &buf, &cap) : -1;
		for (size_t i = 0; len > 0 && i < n; i++) {
			if (owner[i] || path[i][0] != '/' || !lists(buf, (size_t)len, path[i]))
				continue;
			/* "libc6:amd64.list" is package libc6 */
			char *name = xstrdup(ents[e]->d_name);
			name[strcspn(name, ":")] = '\0';
			char *dot = strstr(name, ".list");
			if (dot)
				*dot = '\0';
			owner[i] = name;
			found++;
		}
		free(ents[e]);
	}
	free(ents);
	free(buf);
	if (dfd >= 0)
		close(dfd);
	return found;
}
