/* names.c - distinct strings numbered in order of first appearance, in linear time (function names
 * of a recording). */
#include "core/names.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"

static uint64_t hash(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ULL; /* FNV-1a */
	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 0x100000001b3ULL;
	}
	return h ^ (h >> 32);
}

static void rehash(struct names *t)
{
	free(t->slots);
	t->nslots = t->nslots ? t->nslots * 2 : 64;
	t->slots = xcalloc(t->nslots, sizeof(*t->slots));
	for (size_t id = 0; id < t->n; id++) {
		size_t i = (size_t)hash(t->list[id]) & (t->nslots - 1);
		while (t->slots[i])
			i = (i + 1) & (t->nslots - 1);
		t->slots[i] = id + 1;
	}
}

size_t names_id(struct names *t, const char *s)
{
	if ((t->n + 1) * 2 > t->nslots)
		rehash(t);
	size_t i = (size_t)hash(s) & (t->nslots - 1);
	for (; t->slots[i]; i = (i + 1) & (t->nslots - 1))
		if (!strcmp(t->list[t->slots[i] - 1], s))
			return t->slots[i] - 1;
	xgrow((void **)&t->list, &t->list_cap, t->n + 1, sizeof(*t->list));
	t->list[t->n] = s;
	t->slots[i] = t->n + 1;
	return t->n++;
}

size_t names_find(const struct names *t, const char *s)
{
	if (!t->nslots)
		return t->n;
	size_t i = (size_t)hash(s) & (t->nslots - 1);
	for (; t->slots[i]; i = (i + 1) & (t->nslots - 1))
		if (!strcmp(t->list[t->slots[i] - 1], s))
			return t->slots[i] - 1;
	return t->n;
}

void names_release(struct names *t)
{
	free(t->list);
	free(t->slots);
	memset(t, 0, sizeof(*t));
}
