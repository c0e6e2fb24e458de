/* dpkg.h - which Debian package installed a file, read from dpkg's own file lists. */
#ifndef MPROF_DPKG_H
#define MPROF_DPKG_H

#include <stddef.h>

/* For each of the n absolute paths, the package that installed it (without its
 * architecture, "libc6" for "libc6:amd64"), malloc'd into owner[i], or NULL when
 * no package lists it. Reads <admindir>/info/<package>.list, admindir being
 * $DPKG_ADMINDIR or /var/lib/dpkg, once for all paths (what `dpkg-query -S` does,
 * without its process or its whole database in memory). A path under /usr also
 * matches its pre-merge name (/usr/lib/x as /lib/x). When several packages list a
 * file, the first by name. Returns how many paths were found. */
size_t dpkg_owners(const char *const *path, size_t n, char **owner);

#endif
