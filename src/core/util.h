/* util.h - error reporting for core/, allocation wrappers, clocks and small string helpers. */
#ifndef MPROF_UTIL_H
#define MPROF_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* Core functions never print or exit: they fill one of these and return -1. */
struct err {
	char msg[512];
};

/* Formats a message into e (NULL is allowed) and returns -1, for `return err_set(...)`. */
int err_set(struct err *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Like err_set, with ": strerror(errnum)" appended. Returns -1. */
int err_sys(struct err *e, int errnum, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Warnings from core/ (say, a recording read only up to its last whole line) go to
 * this hook, which the CLI sets to print them; NULL, the default, drops them. core_warn
 * formats the message ("FILE:LINE: what happened") and calls it. */
extern void (*core_warn_hook)(const char *msg);
void core_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Allocation that cannot fail: on exhaustion, prints a message and aborts. */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);

/* "<dir>/<name>-XXXXXX" for mkdtemp/mkostemp, in $TMPDIR when it names an absolute
 * directory, else /tmp. The caller frees it; cannot fail (aborts on no memory). */
char *tmp_template(const char *name);
/* Grows *p (of *cap elements of size elem) to hold at least need elements. */
void xgrow(void **p, size_t *cap, size_t need, size_t elem);

/* Monotonic and wall clocks in nanoseconds. Cannot fail. */
int64_t time_mono_ns(void);
int64_t time_real_ns(void);

/* Writes all of buf to fd, retrying on EINTR and short writes. 0 or -1 (errno set). */
int write_all(int fd, const void *buf, size_t n);

/* Reads a whole file into a NUL-terminated malloc'd buffer. NULL with e filled on error. */
char *read_file(const char *path, size_t *len, struct err *e);

#endif
