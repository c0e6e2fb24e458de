/* funcname.c - the bracketed function a user means by a name: exact, else a unique dotted suffix.
 */
#include "core/funcname.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* name ends in typed right after "." or "::". */
static int is_suffix(const char *name, const char *typed)
{
	size_t n = strlen(name), m = strlen(typed);
	if (!m || n <= m || strcmp(name + n - m, typed))
		return 0;
	const char *at = name + n - m;
	return at[-1] == '.' || (at - name >= 2 && at[-1] == ':' && at[-2] == ':');
}

#define LISTED 8 /* ambiguous names the message lists */

const char *funcname_resolve_in(const char *const *names, size_t n, const char *path,
				const char *typed, struct err *e)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(names[i], typed))
			return names[i];
	/* Brackets repeat names (one line per call): keep the distinct ones, a few. */
	const char *found[LISTED];
	size_t nfound = 0, more = 0;
	for (size_t i = 0; i < n; i++) {
		const char *name = names[i];
		if (!is_suffix(name, typed))
			continue;
		size_t k = 0;
		while (k < nfound && strcmp(found[k], name))
			k++;
		if (k < nfound)
			continue;
		if (nfound < LISTED)
			found[nfound++] = name;
		else
			more = 1; /* may count a name twice: only "more" is said */
	}
	path = path ? path : "?";
	if (nfound == 1)
		return found[0];
	if (nfound == 0) {
		err_set(e, "no function '%s' in '%s'%s", typed, path,
			n ? "" : ": it has no function brackets (FUNC lines)");
		return NULL;
	}
	char list[400];
	size_t len = 0;
	for (size_t k = 0; k < nfound && len < sizeof(list); k++)
		len += (size_t)snprintf(list + len, sizeof(list) - len, "%s%s", k ? ", " : "",
					found[k]);
	err_set(e, "function '%s' is ambiguous in '%s': %s%s (give the whole name)", typed, path,
		list, more ? ", ..." : "");
	return NULL;
}

const char *funcname_resolve(const struct dat_recording *r, const char *typed, struct err *e)
{
	const char **names = xcalloc(r->nfuncs + 1, sizeof(*names));
	for (size_t i = 0; i < r->nfuncs; i++)
		names[i] = r->funcs[i].name;
	const char *found = funcname_resolve_in(names, r->nfuncs, r->path, typed, e);
	free(names);
	return found;
}
