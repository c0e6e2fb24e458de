/* funcname.h - the bracketed function a user means by the name typed after --func. */
#ifndef MPROF_FUNCNAME_H
#define MPROF_FUNCNAME_H

#include "core/dat.h"

/* Finds the function of r that the user means by typed: the exact name first, then
 * the only name that ends in typed right after a "." or "::" boundary (compute_mean
 * finds __main__.compute_mean, parse finds ns::parse). Returns that name, owned by r,
 * or NULL with e filled: no such function ("no function 'x' in 'run.dat'"), or
 * several, which the message lists. */
const char *funcname_resolve(const struct dat_recording *r, const char *typed, struct err *e);

/* funcname_resolve over a list of n names (a summary's functions, each once) of the
 * recording at path. Returns one of names, or NULL with e filled. */
const char *funcname_resolve_in(const char *const *names, size_t n, const char *path,
				const char *typed, struct err *e);

#endif
