/* names.h - distinct strings numbered in order of first appearance, in linear time (function names
 * of a recording). */
#ifndef MPROF_NAMES_H
#define MPROF_NAMES_H

#include <stddef.h>

/* A hash table from string to number. The strings are not copied: they must
 * outlive the table. Zero-initialised is empty. */
struct names {
	const char **list; /* list[id]: the string numbered id */
	size_t n, list_cap;
	size_t *slots; /* open addressing: id + 1, 0 empty */
	size_t nslots;
};

/* The number of s: its existing one, or n (then n grows by one). Cannot fail. */
size_t names_id(struct names *t, const char *s);

/* The number of s, or n when it is absent (nothing is added). Cannot fail. */
size_t names_find(const struct names *t, const char *s);

/* Frees the table (not the strings). Safe on an empty table. */
void names_release(struct names *t);

#endif
