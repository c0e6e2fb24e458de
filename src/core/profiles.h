/* profiles.h - finding recordings: mprof_*.dat and mprofile_*.dat files, by name or by index. */
#ifndef MPROF_PROFILES_H
#define MPROF_PROFILES_H

#include "core/util.h"

/* 1 when name (a base name) is a recording's: mprof_*.dat or mprofile_*.dat. */
int profiles_is_recording_name(const char *name);

/* The recordings (regular files only) in dir, oldest first: sorted by the time stamp
 * in their names. *names is a malloc'd array of malloc'd base names. -1 with e filled
 * when dir cannot be read. */
int profiles_list(const char *dir, char ***names, int *n, struct err *e);

/* Resolves FILE|INDEX words: an existing file by its path (with only_recordings, it
 * must be a recording's regular file), else an index into profiles_list (0 oldest,
 * -1 newest). No words: the newest recording. Paths are malloc'd; free with
 * profiles_free_paths. -1 with e filled on the first word that does not resolve. */
int profiles_resolve_words(const char *dir, char **words, int nwords, int only_recordings,
			   char ***paths, int *npaths, struct err *e);

/* profiles_resolve_words for reading commands (any existing file counts). */
int profiles_resolve(const char *dir, char **words, int nwords, char ***paths, int *npaths,
		     struct err *e);

void profiles_free_paths(char **paths, int n);

#endif
