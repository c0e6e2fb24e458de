/* ptree.h - finding a program's descendants at a cost that grows with its tree and with the
 * processes started since the last look, not with the number of processes on the host. */
#ifndef MPROF_PTREE_H
#define MPROF_PTREE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* The descendants of root as last seen. Linux hands out pids in increasing order
 * (wrapping at pid_max), and /proc/sys/kernel/ns_last_pid says the latest: every
 * process started since the previous look has a pid in (last, now], so only those
 * are read, and none when nothing started. A full scan of /proc (every process's
 * stat) is the fallback: when attaching to a process that may already have
 * children, when more pids were handed out than a probe of each is worth, and
 * when ns_last_pid cannot be read. */
struct ptree_recent;

struct ptree {
	pid_t root;
	pid_t *members; /* descendants known to live, in no order */
	size_t n, cap;
	int last_pid_fd; /* /proc/sys/kernel/ns_last_pid, -1: full scans only */
	long last_pid;	 /* its value at the previous look, -1 before the first */
	long pid_max;
	struct ptree_recent *recent; /* pids recent looks read: parents may come later */
	size_t nrecent, recent_cap;
	/* What the looks cost, for tests and benchmarks. */
	uint64_t stat_reads;	    /* /proc/PID/stat files read */
	uint64_t full_scans;	    /* looks that read every process's stat */
	void (*on_read)(pid_t pid); /* for tests: called with each pid whose stat is read */
};

/* Starts watching root's tree. fresh: root was just started by us, so it has no
 * descendants older than itself and no full scan is needed. Cannot fail (without
 * ns_last_pid every look is a full scan). */
void ptree_init(struct ptree *t, pid_t root, int fresh);

/* Brings t->members up to date: adds the descendants started since the last look
 * (a process whose parent is root or a member), drops members that have ended.
 * A member stays one while it lives, even after its parent ended and it was
 * re-parented elsewhere. Cannot fail short of memory. */
void ptree_update(struct ptree *t);

/* Forgets pid (it ended: a zombie, or its files say it is gone), so a later process
 * given the same pid is not taken for it. Cannot fail. */
void ptree_forget(struct ptree *t, pid_t pid);

/* Frees what t holds. Safe twice. */
void ptree_release(struct ptree *t);

#endif
