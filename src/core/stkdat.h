/* stkdat.h - reading the allocation stacks a recording holds (the STACKS and STK* lines of
 * docs/format.md). */
#ifndef MPROF_STKDAT_H
#define MPROF_STKDAT_H

#include <stddef.h>
#include <stdint.h>

#include "core/util.h"

/* What a frame is. */
enum stk_kind {
	STK_NATIVE,  /* machine code: the function holding the address */
	STK_INLINED, /* a function inlined at the address into the frame after it */
	STK_PYTHON,  /* Python code: module 0, vaddr 0, line "file:line" */
};

struct stk_fn {
	enum stk_kind kind;
	uint32_t module; /* 0: none, vaddr is the raw address */
	uint64_t vaddr;
	char *name; /* demangled, may hold blanks; "?" when unknown */
	char *line; /* "file:line", or NULL */
};

struct stk_image {
	int pid;
	double peak, leak; /* bytes at the image's heap peak, and still held at its end */
	uint64_t allocs, lost;
	uint64_t collections; /* garbage collections while it recorded stacks (STKCOLL) */
	char *exe;
};

struct stk_site {
	size_t image;
	double peak_b, peak_n, leak_b, leak_n, total_b, total_n;
	double gc_b, gc_n; /* freed while a garbage collection ran (STKGC) */
	uint64_t gc_colls; /* the collections that freed any of its recorded blocks */
	uint32_t *frames;  /* indexes into fns, innermost first */
	size_t nframes;
};

struct stk_data {
	int present;	       /* the recording has a STACKS line */
	int all;	       /* --stacks=all: exact; otherwise estimates */
	uint64_t sample_bytes; /* sample mode's mean */
	char **modules;	       /* [0] is NULL */
	char **packages; /* per module without symbols: its Debian package or "-"; else NULL */
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

/* Takes one tokenized line into d when it is a stack line (STACKS, STK*): for a
 * reader that wants the stacks in the same pass as the rest. 0, or 1 when its
 * fields do not parse (dat_line_fn's contract). */
struct dat_line;
int stk_take_line(struct stk_data *d, const struct dat_line *l);

/* After the last line: a recording with stack lines but no STACKS line is an error
 * (-1 with e filled, d released). 0 otherwise. */
int stk_finish(const char *name, struct stk_data *d, struct err *e);

/* stk_parse on a file, read with dat_stream. */
int stk_read(const char *path, struct stk_data *d, struct err *e);

/* The image of pid, or (pid 0) the one with the largest heap peak; -1 when none. */
long stk_pick_image(const struct stk_data *d, int pid);

/* A frame's label: its function, else module+offset; an inlined frame ends in
 * " [inlined]". Returns buf, or the name itself (living as long as d). */
const char *stk_fn_label(const struct stk_data *d, uint32_t f, char *buf, size_t size);

/* 1 when a function named name allocates for its caller: malloc and its relatives,
 * operator new/new[], std::allocator and __gnu_cxx::new_allocator internals, strdup,
 * PyMem_* and PyObject_Malloc... (see stkdat.c). */
int stk_is_allocator(const char *name);

/* The first frame of the site's own code: its innermost frame that is not an
 * allocator (the innermost one when all are). 0 for a site without frames. */
size_t stk_site_start(const struct stk_data *d, const struct stk_site *s);

enum stk_label_style {
	STK_LABEL_FULL,	 /* "f (file:line) [inlined] < caller (file:line) < ...", inner first */
	STK_LABEL_SHORT, /* "caller>f": names only, outer first (a picture's label) */
};

/* The site's name for every view (report, check's leak sites, plot's peak label):
 * from its first frame of its own code outwards (allocators left out), at most
 * depth frames, up to main; FULL adds " < ..." when frames are left out.
 * "[stack not recorded]" without frames. Writes into out (cut to n), returns out. */
char *stk_site_label(const struct stk_data *d, const struct stk_site *s, int depth,
		     enum stk_label_style style, char *out, size_t n);

/* The modules without symbols (STKNOSYM) that frames of image point into, in
 * module order: a malloc'd array of module indexes (*n of them). Cannot fail. */
uint32_t *stk_unnamed_modules(const struct stk_data *d, size_t image, size_t *n);

/* Folds away the Python interpreter's own frames in every site that has Python
 * frames: native frames of a module holding an evaluation loop
 * (_PyEval_EvalFrameDefault), and every native frame outside its outermost
 * Python frame, and mprof's own @profile wrapper; a site then reads
 * "numpy's C < f (x.py:3) < <module> (x.py:9)".
 * Sites left with the same frames are merged. Cannot fail. */
void stk_fold_interpreter(struct stk_data *d);

/* stk_fold_interpreter that also says where each site went: where (nsites before
 * the fold, or NULL) gets each old site's index after it. */
void stk_fold_interpreter_map(struct stk_data *d, size_t *where);

/* Writes a STKFRAME source field: file:line with blanks, '%' and control bytes
 * as %XX, or "-" for none. Cut to size. */
void stk_escape_source(const char *line, char *out, size_t size);

void stk_data_release(struct stk_data *d);

#endif
