/* proc.h - reading a process's memory from /proc: RSS, the kernel's high-water mark, PSS, USS. */
#ifndef MPROF_PROC_H
#define MPROF_PROC_H

#include <stdint.h>
#include <sys/types.h>

#include "core/util.h"

enum proc_backend { PROC_RSS, PROC_PSS, PROC_USS };

/* Parses "rss", "pss", "uss" and psutil's names. -1 when unknown. */
int proc_backend_parse(const char *s, enum proc_backend *b);
const char *proc_backend_name(enum proc_backend b);

/* A process being watched. Keeps its /proc files open between samples (smaps_rollup is
 * reopened when the process execs: it belongs to one address space). */
struct proc_handle {
	pid_t pid;
	enum proc_backend backend;
	int status_fd;	      /* /proc/PID/status: RSS and the high-water mark, ~7 us a read */
	int statm_fd;	      /* /proc/PID/statm: RSS alone, ~1 us a read */
	int rollup_fd;	      /* /proc/PID/smaps_rollup, for pss/uss */
	int clear_refs_fd;    /* /proc/PID/clear_refs, -1 when not permitted */
	int clear_refs_errno; /* why clear_refs_fd is -1 */
	uint64_t reset_mark;  /* where the last reset left the mark, when it was read; 0: not */
};

struct proc_mem {
	uint64_t value; /* bytes, by the handle's backend */
	uint64_t rss;	/* bytes */
	uint64_t hwm;	/* bytes: the kernel's peak RSS since the last reset */
};

/* Opens pid's files. -1 with e filled when the process is gone or unreadable. */
int proc_open(struct proc_handle *h, pid_t pid, enum proc_backend b, struct err *e);

/* Reads the current figures. -1 when the process is gone (or became a zombie). */
int proc_read(struct proc_handle *h, struct proc_mem *m);

/* Reads RSS alone (m->hwm = m->rss), cheaply; only for the rss backend. -1 when gone. */
int proc_read_rss(struct proc_handle *h, struct proc_mem *m);

/* Resets the kernel's high-water mark to the current RSS. -1 when not permitted;
 * after the first failure the handle stops trying. */
int proc_reset_hwm(struct proc_handle *h);

/* The bytes by which the kernel's high-water mark can stand above the exact RSS
 * of a process that did not grow: a reset sets it to the RSS summed from per-CPU
 * counters that hold up to a batch of pages each (3 counters: anonymous, file and
 * shared pages; a batch of max(32, 2 x CPUs) pages), while VmRSS is the exact sum
 * (Linux 6.16 and later). At least one page. */
uint64_t proc_hwm_slack(long cpus, long page_size);

/* The peak to report for an interval from the mark read now (hwm), the mark the
 * last reset left (reset_mark, 0 when not read) and the RSS now: the RSS when the
 * mark is still the one the reset left standing above it (nothing rose since), else
 * the mark. Cannot fail. */
uint64_t proc_hwm_peak(uint64_t hwm, uint64_t reset_mark, uint64_t rss);

/* 1 when pid's high-water mark may be reset by us (its clear_refs opens for
 * writing), 0 when not permitted or gone. */
int proc_hwm_resettable(pid_t pid);

/* Whether pid runs the image whose AT_RANDOM bytes are at address at and start
 * with bytes (see image_at in common/chanlayout.h): 1 yes, 0 another image, -1 when
 * that cannot be read (gone, or not ours to read). */
int proc_image_is(pid_t pid, uint64_t at, uint64_t bytes);

/* Closes the handle's files. Cannot fail. */
void proc_close(struct proc_handle *h);

/* The command line of pid, arguments joined like CMDLINE. Caller frees; NULL if gone. */
char *proc_cmdline(pid_t pid);

/* The first process (lowest pid, not ourselves) whose name (comm) or argv[0] base name
 * contains name. 0 when none. */
pid_t proc_find_by_name(const char *name);

/* Whether pid has ended but not been reaped (or is gone): it runs no more code. */
int proc_is_zombie(pid_t pid);

/* Reads /proc/PID/stat into buf and returns the text after the command name (from
 * the state field on: field 3), or NULL when unreadable. Cannot overflow buf. */
const char *proc_stat_fields(pid_t pid, char *buf, size_t cap);

#endif
