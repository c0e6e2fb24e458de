/* dat.h - the .dat recording: the original mprof's lines plus our documented extensions. */
#ifndef MPROF_DAT_H
#define MPROF_DAT_H

#include <stddef.h>
#include <stdint.h>

#include "core/names.h"
#include "core/util.h"

#define DAT_FORMAT_VERSION 1

/* The NOTE that says a process refused the peak-RSS reset: from that line on the
 * recording holds no MAXRSS (the reader turns hwm off on it). */
#define DAT_NOTE_NO_HWM "peak RSS reset refused"

/* The NOTE that says a process's heap series ended: it now runs an image that does
 * not report to the hooks (the reader records it in heap_ends). Written by
 * dat_write_heap_ends: "heap series ends: process <pid> now runs '<exe>', which ...". */
#define DAT_NOTE_HEAP_ENDS "heap series ends: process "

struct dat_point {
	double t;   /* epoch seconds */
	double mib; /* MiB */
};

struct dat_series {
	struct dat_point *v;
	size_t n, cap;
};

/* One HEAP or CHLDHEAP line. */
struct dat_heap {
	double t;
	double live_mib; /* heap in use at the sample */
	double peak_mib; /* largest heap in use within the interval ending at t */
	double mmap_mib; /* anonymous mmap the program holds */
	uint64_t allocs; /* cumulative allocation calls */
	uint64_t frees;	 /* cumulative free calls */
	double min_mib;	 /* smallest heap in use within the interval; NAN when the line has none */
};

struct dat_heap_series {
	struct dat_heap *v;
	size_t n, cap;
};

struct dat_child {
	char *id;		     /* pid, or the original's index */
	struct dat_series mem;	     /* CHLD */
	struct dat_series max;	     /* CHLDMAX */
	struct dat_heap_series heap; /* CHLDHEAP */
};

struct dat_func {
	char *name;
	double mem_in, t_in, mem_out, t_out;
	int depth;		  /* -1 when the line had none */
	double heap_in, heap_out; /* heap in use at entry and exit, MiB; NAN when not given */
};

/* One collection of a runtime's garbage collector (a GC line). */
struct dat_gc {
	double t, duration_s; /* start, epoch seconds; how long it ran */
	int generation;
	int64_t collected, uncollectable;
	double heap_start_mib, heap_stop_mib;
};

/* ---- the line kinds ----
 * The one table of the format: every kind a recording holds, in docs/format.md's
 * order (tests/unit/test_dat.c checks the two agree line for line). Adding a kind:
 * a row here and in dat_kinds (dat.c), its decoding where it is read (dat_decode,
 * or stkdat.c for the stack lines), and its row in docs/format.md. */
enum dat_kind {
	DAT_CMDLINE,
	DAT_MEM,
	DAT_CHLD,
	DAT_FUNC,
	DAT_MPROF,
	DAT_MAXRSS,
	DAT_CHLDMAX,
	DAT_HEAP,
	DAT_CHLDHEAP,
	DAT_GC,
	DAT_EXIT,
	DAT_NOTE,
	DAT_STACKS,
	DAT_STKMOD,
	DAT_STKNOSYM,
	DAT_STKFRAME,
	DAT_STKFN,
	DAT_STKIMG,
	DAT_STKCOLL,
	DAT_STK,
	DAT_STKGC,
	DAT_STKSITES,
	DAT_NKINDS,
	DAT_OTHER = DAT_NKINDS, /* a kind from a newer writer: skipped, as the original does */
};

struct dat_kind_info {
	const char *name;   /* "MEM" */
	const char *syntax; /* "MEM <MiB> <time>": docs/format.md's, and the error message */
	int since;	    /* 0: the original mprof's; else the format version that added it */
	int words;	    /* fields split on blanks before a text that runs to the end of the line
			     * (names, paths, notes); -1: the whole line is fields */
};

extern const struct dat_kind_info dat_kinds[DAT_NKINDS];

#define DAT_MAX_FIELDS 8

/* One line cut into its fields by dat_tokenize (the fields point into the line). */
struct dat_line {
	enum dat_kind kind;
	int n;			 /* fields in f; DAT_MAX_FIELDS + 1 when there were more */
	char *f[DAT_MAX_FIELDS]; /* the blank-separated fields after the kind */
	char *text;		 /* kinds with a text: what follows the fields ("" if none) */
};

/* Cuts line (no newline) in place: its kind from the table, then its fields. Returns
 * 0, or -1 when it is not a recording line (a kind that is not upper case). */
int dat_tokenize(char *line, struct dat_line *l);

/* The number parsers every reader uses. Decimal and finite doubles (no inf, nan, hex
 * floats or 1e999); unsigned decimal; int; int64; "0x"-less hex. 0, or -1. */
int dat_num(const char *s, double *out);
int dat_u64(const char *s, uint64_t *out);
int dat_int(const char *s, int *out);
int dat_i64(const char *s, int64_t *out);
int dat_hex(const char *s, uint64_t *out);

/* The header's figures (an MPROF line). */
struct dat_header {
	int version;
	double interval; /* 0 when not said */
	char backend[16];
	int hwm;	  /* -1 when not said */
	int maxrss_above; /* maxrss=above: a sample's maximum equal to it is not written */
};

/* One decoded line of a kind dat.c reads (not the STK* ones: stkdat.c). Strings
 * point into the line. */
struct dat_item {
	enum dat_kind kind;
	const char *id;		  /* CHLD, CHLDMAX, CHLDHEAP: the child; CMDLINE, NOTE: the text */
	struct dat_point pt;	  /* MEM, MAXRSS, CHLD, CHLDMAX; EXIT: its time and MiB */
	struct dat_heap heap;	  /* HEAP, CHLDHEAP */
	struct dat_func func;	  /* FUNC (name points into the line) */
	struct dat_gc gc;	  /* GC */
	struct dat_header header; /* MPROF */
	int status;		  /* EXIT */
	int brief; /* HEAP, CHLDHEAP: 1 the short form (the heap in use alone), 2 the counted
		    * one (heap.allocs and heap.frees are the counts since the previous line) */
};

/* Decodes a tokenized line of a kind dat.c owns into it. 0, or -1 when its fields do
 * not parse (the caller says "expected '<syntax>'"). */
int dat_decode(const struct dat_line *l, struct dat_item *it);

/* Called for every line of a known kind, in file order. it is NULL for the stack
 * kinds (the callee decodes l). The compact forms arrive whole: a short HEAP or
 * CHLDHEAP line with its time and unchanged figures filled in, and under
 * maxrss=above a MAXRSS (CHLDMAX) item after every MEM (CHLD) whose line left it out
 * (then l has no fields). Returns 0; 1 when the line's fields do not parse
 * (the reader then says "FILE:LINE: expected '<syntax>'", or, on the last line,
 * that it was cut); -1 to stop with e filled. */
typedef int (*dat_line_fn)(void *ctx, const struct dat_line *l, const struct dat_item *it,
			   struct err *e);

/* Reads the recording at path once, front to back, in a buffer of bounded size,
 * handing each line to fn. A last line cut short (no newline, a NUL tail, or fields
 * that do not parse: a disk that filled up, a power loss) is left out with a warning
 * through core_warn; anywhere else, such a line is an error. Returns 0, or -1 with
 * "FILE:LINE: what was expected" in e. */
int dat_stream(const char *path, dat_line_fn fn, void *ctx, struct err *e);

/* dat_stream over text in memory; name is used in messages. Same contract. */
int dat_stream_text(const char *name, const char *text, size_t len, dat_line_fn fn, void *ctx,
		    struct err *e);

/* ---- a whole recording in memory (plot) ---- */

struct dat_recording {
	char *path;
	char *cmdline;	 /* NULL when the file had no CMDLINE */
	int version;	 /* MPROF header version, 0 for a file of the original */
	double interval; /* seconds, 0 when unknown */
	char backend[16];
	int hwm; /* 1: MAXRSS lines are kernel maxima; 0: the reset was refused at the start
		  * (hwm=0) or later (a DAT_NOTE_NO_HWM note); -1: the file does not say */
	int maxrss_above; /* maxrss=above: a sample without a MAXRSS (CHLDMAX) line had a
			   * maximum equal to it; the reader adds that point */
	struct dat_series mem;
	struct dat_series maxrss;
	struct dat_heap_series heap;
	struct dat_child *children;
	size_t nchildren, children_cap;
	struct names child_ids; /* id -> index of children (hashed: -M files have thousands) */
	struct dat_func *funcs;
	size_t nfuncs, funcs_cap;
	struct dat_gc *gcs;
	size_t ngcs, gcs_cap;
	int has_exit;
	int exit_status;
	double t_exit;
	double rusage_peak_mib; /* < 0 when unknown */
	char **notes;
	size_t nnotes, notes_cap;
	/* The first DAT_NOTE_HEAP_ENDS note (its text after "NOTE "), NULL when none:
	 * the heap lines do not cover the whole run. Points into notes. */
	const char *heap_ends;
};

/* Reads the file at path into r (which it initialises), with dat_stream. Lines of
 * kinds it does not know are skipped, like the original reader does. On error
 * returns -1 with "FILE:LINE: what was expected" in e, and r holds nothing to
 * release. */
int dat_read(const char *path, struct dat_recording *r, struct err *e);

/* dat_read for the commands that need samples: a recording without MEM lines is
 * an error ("FILE: no memory samples (MEM lines)") too. Same contract as dat_read. */
int dat_read_samples(const char *path, struct dat_recording *r, struct err *e);

/* Parses text already in memory; name is used in messages. Same contract as dat_read. */
int dat_parse(const char *name, const char *text, size_t len, struct dat_recording *r,
	      struct err *e);

/* Warns through core_warn that line lineno of the recording name, its last, is
 * incomplete and was left out. Cannot fail. */
void dat_warn_cut(const char *name, size_t lineno);

/* Frees everything r owns. Safe on a zeroed recording. */
void dat_recording_release(struct dat_recording *r);

/* The true RSS peak of the main series: the largest of MEM, MAXRSS and the exit
 * rusage figure. Sets *t to when it happened (the exit time for rusage). 0 when empty. */
double dat_peak_rss(const struct dat_recording *r, double *t);

/* 1 when the recording says its true peak could not be measured: the kernel's
 * maximum was unavailable (hwm=0 or a refused reset) and no EXIT figure covers the
 * gap, so the peak is the largest sample. 0 otherwise, also when the file is silent. */
int dat_peak_is_sampled(const struct dat_recording *r);

/* The largest sampled MEM value (what the original reports). */
double dat_peak_sampled(const struct dat_recording *r, double *t);

/* The peak heap (max of live and interval peaks), or -1 when there is no heap data. */
double dat_peak_heap(const struct dat_recording *r, double *t);

/* The peak anonymous mmap the program made itself (the HEAP lines' last field), or
 * -1 when there is no heap data. */
double dat_peak_mmap(const struct dat_recording *r, double *t);

/* 1 when that mmap is worth showing beside the heap: above 1 MiB and above 10 % of
 * the peak RSS (a runtime with a heap of its own: JVM, V8, Go). */
int dat_mmap_significant(const struct dat_recording *r);

/* The child's true peak from CHLD and CHLDMAX; -1 when it has neither (seen only
 * through its CHLDHEAP lines). */
double dat_child_peak(const struct dat_child *c);

/* The child's peak heap from its CHLDHEAP lines; -1 when it has none. */
double dat_child_heap_peak(const struct dat_child *c);

/* The recording-wide kinds into r, as every whole-recording reader keeps them: the
 * header (MPROF), EXIT, CMDLINE, NOTE and GC. 1 when it was one of these, else 0
 * (other kinds are left to the caller). Cannot fail. */
int dat_recording_take_common(struct dat_recording *r, const struct dat_item *it);

/* Returns the child with id, adding it when absent, in time independent of the
 * number of children. The pointer is valid until the next call that adds a child. */
struct dat_child *dat_child_get(struct dat_recording *r, const char *id);

/* Appends a point to a series. Cannot fail. */
void dat_series_push(struct dat_series *s, double t, double mib);

/* ---- writing ---- */

/* A recording being written: one line per write(2), so a reader or a crash only
 * ever sees whole lines. */
struct dat_writer {
	int fd;
	char *path;
	int failed; /* errno of the first failed write, 0 if none */
	int held;   /* lines wait in buf until dat_writer_flush */
	char *buf;
	size_t len, cap;
};

/* Creates path exclusively (never overwriting). -1 with e filled on failure,
 * including EEXIST. */
int dat_writer_create(struct dat_writer *w, const char *path, struct err *e);

/* Creates mprof_<YYYYMMDDhhmmss>.dat in dir (or a later-sorting name when taken).
 * -1 with e filled on failure. */
int dat_writer_create_default(struct dat_writer *w, const char *dir, struct err *e);

/* The one writer of a line, of a kind of the table: "<name> " from dat_kinds, then
 * the fields formatted by fmt, and the newline; the whole line goes out in one write
 * (control bytes in the text become '?', see dat_escape_text). A failure is
 * remembered in w->failed and later writes are skipped. Every line of a recording is
 * written through it (or dat_write_* below, which use the same table), so a kind's
 * name is spelled once. */
void dat_write_line(struct dat_writer *w, enum dat_kind kind, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

void dat_write_cmdline(struct dat_writer *w, const char *cmdline);
void dat_write_mem(struct dat_writer *w, double mib, double t);
void dat_write_maxrss(struct dat_writer *w, double mib, double t);
void dat_write_child(struct dat_writer *w, int pid, double mib, double t);
void dat_write_child_max(struct dat_writer *w, int pid, double mib, double t);
/* A HEAP line (pid 0) or CHLDHEAP line. */
void dat_write_heap(struct dat_writer *w, int pid, const struct dat_heap *h);
/* The short form of one, the heap in use alone: the time is the latest MEM line's, the
 * interval's peak and minimum equal it, the rest is the previous line's. */
void dat_write_heap_short(struct dat_writer *w, int pid, double live_mib);
/* The counted short form: as the short form, with the allocation and free calls since
 * the series' previous line and, when it differs from live_mib, the interval's
 * minimum (docs/format.md). */
void dat_write_heap_counted(struct dat_writer *w, int pid, double live_mib, uint64_t allocs,
			    uint64_t frees, double min_mib);
/* A FUNC line; heap_in and heap_out (MiB) follow the depth unless NAN. */
void dat_write_func(struct dat_writer *w, const char *name, double mem_in, double t_in,
		    double mem_out, double t_out, int depth, double heap_in, double heap_out);
void dat_write_gc(struct dat_writer *w, const struct dat_gc *g);
void dat_write_exit(struct dat_writer *w, int status, double t, double peak_mib);
/* The DAT_NOTE_HEAP_ENDS note: pid now runs exe (control bytes become '?'). Cannot
 * fail (see dat_write_line). */
void dat_write_heap_ends(struct dat_writer *w, int pid, const char *exe);
/* What a DAT_NOTE_HEAP_ENDS note names: "'<exe>' (process <pid>)", into buf. */
void dat_heap_ends_subject(const char *note, char *buf, size_t size);
/* The DAT_NOTE_NO_HWM note for pid, with why (an errno). Cannot fail (see dat_write_line). */
void dat_write_no_hwm(struct dat_writer *w, int pid, int why);

/* Holds the following lines in memory until dat_writer_flush, which writes them
 * with one write(2): a sample's lines land together. Cannot fail. */
void dat_writer_hold(struct dat_writer *w);
void dat_writer_flush(struct dat_writer *w);

/* Flushes and closes the file. Returns 0, or -1 with e filled if any write failed. */
int dat_writer_close(struct dat_writer *w, struct err *e);

/* Builds the CMDLINE text the original writes: arguments joined by spaces, those
 * containing blanks single-quoted. Control characters become '?'. Caller frees. */
char *dat_join_cmdline(char *const argv[]);

/* Replaces control bytes (a newline among them) with '?' in place: what every
 * line written by dat_write_line goes through, so no text can start a line of its own. */
void dat_escape_text(char *s);

/* Replaces characters that would break a one-line field (space for names, control
 * bytes everywhere) in place. */
void dat_sanitize_name(char *s);

#endif
