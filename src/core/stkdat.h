/* stkdat.h - reading the allocation stacks a recording holds (the STACKS and STK* lines of
 * docs/format.md). */
#ifndef MPROF_STKDAT_H
#define MPROF_STKDAT_H

#include <stddef.h>
#include <stdint.h>

#include "core/util.h"

struct stk_fn {
	uint32_t module; /* 0: none, vaddr is the raw address */
	uint64_t vaddr;
	char *name; /* "?" when unknown */
	char *line; /* "file:line", or NULL */
};

struct stk_image {
	int pid;
	double peak, leak; /* bytes at the image's heap peak, and still held at its end */
	uint64_t allocs, lost;
	char *exe;
};

struct stk_site {
	size_t image;
	double peak_b, peak_n, leak_b, leak_n, total_b, total_n;
	uint32_t *frames; /* indexes into fns, innermost first */
	size_t nframes;
};

struct stk_data {
	int present;	       /* the recording has a STACKS line */
	int all;	       /* --stacks=all: exact; otherwise estimates */
	uint64_t sample_bytes; /* sample mode's mean */
	char **modules;	       /* [0] is NULL */
	size_t nmodules;
	struct stk_fn *fns;
	size_t nfns;
	struct stk_image *images;
	size_t nimages;
	struct stk_site *sites;
	size_t nsites;
};

/* Reads the stack lines of text (a recording named name). A recording without
 * them gives present = 0. Returns 0, or -1 with e naming the file and line. */
int stk_parse(const char *name, const char *text, size_t len, struct stk_data *d, struct err *e);

/* stk_parse on a file. */
int stk_read(const char *path, struct stk_data *d, struct err *e);

/* The image of pid, or (pid 0) the one with the largest heap peak; -1 when none. */
long stk_pick_image(const struct stk_data *d, int pid);

/* A frame's label: its function, else module+offset. Lives as long as d. */
const char *stk_fn_label(const struct stk_data *d, uint32_t f, char *buf, size_t size);

void stk_data_release(struct stk_data *d);

#endif
