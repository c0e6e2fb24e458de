/* ptree.c - finding a program's descendants at a cost that grows with its tree and with the
 * processes started since the last look, not with the number of processes on the host. */
#include "core/ptree.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/proc.h"
#include "core/util.h"

/* More new pids than this since the last look: one listing of /proc is cheaper
 * than opening each. */
#define PROBE_MAX 1024
/* A parent can be seen after its child (a look that fell between their two forks
 * reads the child first after a wrap, or the parent's fork was still under way):
 * the processes a look found unrelated stay candidates this long. */
#define RECENT_NS (200 * 1000000LL)
#define RECENT_MAX 4096

/* A pid a recent look read (or found absent). */
struct ptree_recent {
	pid_t pid;
	pid_t ppid;    /* 0: absent when looked at; -1: a thread */
	int thread;    /* not known to be a process: may be a thread (/proc shows those) */
	int looks;     /* looks since it was read */
	int64_t since; /* monotonic ns of that */
};

static long read_number(int fd)
{
	char buf[32];
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	return strtol(buf, NULL, 10);
}

static int is_member(const struct ptree *t, pid_t pid)
{
	if (pid == t->root)
		return 1;
	for (size_t i = 0; i < t->n; i++)
		if (t->members[i] == pid)
			return 1;
	return 0;
}

/* pid's parent from its stat file; 0 when gone. */
static pid_t parent_of(struct ptree *t, pid_t pid)
{
	char buf[512], state;
	int ppid;
	t->stat_reads++;
	if (t->on_read)
		t->on_read(pid);
	const char *f = proc_stat_fields(pid, buf, sizeof(buf));
	if (!f || sscanf(f, " %c %d", &state, &ppid) != 2 || ppid <= 0)
		return 0;
	return (pid_t)ppid;
}

/* Whether pid is a process (its own thread group leader), not a thread: a thread's
 * stat names its process's parent, which would make it look like a sibling. */
static int is_process(pid_t pid)
{
	char path[64], buf[1024];
	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	const char *tg = strstr(buf, "\nTgid:");
	return tg && atoi(tg + 6) == (int)pid;
}

static void add_member(struct ptree *t, pid_t pid)
{
	if (is_member(t, pid))
		return;
	xgrow((void **)&t->members, &t->cap, t->n + 1, sizeof(*t->members));
	t->members[t->n++] = pid;
}

static void remember(struct ptree *t, pid_t pid, pid_t ppid, int thread, int64_t now)
{
	if (t->nrecent >= RECENT_MAX)
		return; /* a host starting thousands of processes a second: they age out */
	xgrow((void **)&t->recent, &t->recent_cap, t->nrecent + 1, sizeof(*t->recent));
	t->recent[t->nrecent++] = (struct ptree_recent){pid, ppid, thread, 0, now};
}

/* Adds the pids of v[0..n) whose parent is in the tree, until none is left to add:
 * a child can come before its parent in pid order. */
static void adopt(struct ptree *t, struct ptree_recent *v, size_t n)
{
	for (int changed = 1; changed;) {
		changed = 0;
		for (size_t i = 0; i < n; i++) {
			struct ptree_recent *r = &v[i];
			if (r->ppid <= 0 || !is_member(t, r->ppid) || is_member(t, r->pid))
				continue;
			if (r->thread && !is_process(r->pid)) {
				r->ppid = -1; /* a thread of a member: not a process of its own */
				continue;
			}
			add_member(t, r->pid);
			changed = 1;
		}
	}
}

/* Looks at the pids handed out in the circular range (from, to]. */
static void probe_range(struct ptree *t, long from, long to, int64_t now)
{
	long count = (to - from + t->pid_max) % t->pid_max;
	for (long i = 1; i <= count; i++) {
		pid_t pid = (pid_t)((from + i) % t->pid_max);
		if (pid > 0)
			remember(t, pid, parent_of(t, pid), 1, now);
	}
}

static int in_range(long pid, long from, long to)
{
	return from <= to ? pid > from && pid <= to : pid > from || pid <= to;
}

/* One listing of /proc: the processes in (from, to] become recent ones. */
static void list_range(struct ptree *t, long from, long to, int64_t now)
{
	DIR *d = opendir("/proc");
	struct dirent *de;
	while (d && (de = readdir(d))) {
		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		long pid = strtol(de->d_name, NULL, 10);
		if (in_range(pid, from, to))
			remember(t, (pid_t)pid, parent_of(t, (pid_t)pid), 0, now);
	}
	if (d)
		closedir(d);
}

/* Every process's parent, and the tree from root and the members over them. */
static void full_scan(struct ptree *t)
{
	struct ptree_recent *all = NULL;
	size_t n = 0, cap = 0;
	DIR *d = opendir("/proc");
	struct dirent *de;
	while (d && (de = readdir(d))) {
		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		pid_t pid = (pid_t)strtol(de->d_name, NULL, 10);
		xgrow((void **)&all, &cap, n + 1, sizeof(*all));
		all[n++] = (struct ptree_recent){pid, parent_of(t, pid), 0, 0, 0};
	}
	if (d)
		closedir(d);
	adopt(t, all, n);
	free(all);
	t->full_scans++;
}

void ptree_init(struct ptree *t, pid_t root, int fresh)
{
	memset(t, 0, sizeof(*t));
	t->root = root;
	t->last_pid = -1;
	t->last_pid_fd = open("/proc/sys/kernel/ns_last_pid", O_RDONLY | O_CLOEXEC);
	int fd = open("/proc/sys/kernel/pid_max", O_RDONLY | O_CLOEXEC);
	t->pid_max = fd >= 0 ? read_number(fd) : -1;
	if (fd >= 0)
		close(fd);
	if (t->pid_max <= 1 || t->last_pid_fd < 0) {
		if (t->last_pid_fd >= 0)
			close(t->last_pid_fd);
		t->last_pid_fd = -1;
		return;
	}
	/* Our own new program: whatever it starts comes after it in pid order. */
	if (fresh)
		t->last_pid = root;
}

void ptree_update(struct ptree *t)
{
	int64_t now = time_mono_ns();
	long last = t->last_pid_fd >= 0 ? read_number(t->last_pid_fd) : -1;
	/* A pid is handed out before its process shows in /proc: one that was absent
	 * at the previous look (a fork still under way) is read again, once. What
	 * stayed unrelated long enough is forgotten. */
	size_t keep = 0;
	for (size_t i = 0; i < t->nrecent; i++) {
		struct ptree_recent *r = &t->recent[i];
		if (r->looks++ && now - r->since > RECENT_NS)
			continue;
		if (!r->ppid && r->looks > 1)
			continue;
		if (!r->ppid)
			r->ppid = parent_of(t, r->pid);
		t->recent[keep++] = *r;
	}
	t->nrecent = keep;
	if (last < 0 || t->last_pid < 0 || last >= t->pid_max) {
		full_scan(t);
	} else if (last != t->last_pid) {
		long count = (last - t->last_pid + t->pid_max) % t->pid_max;
		if (count > PROBE_MAX)
			list_range(t, t->last_pid, last, now);
		else
			probe_range(t, t->last_pid, last, now);
	}
	t->last_pid = last;
	adopt(t, t->recent, t->nrecent);
	for (size_t i = 0; i < t->n;)
		if (kill(t->members[i], 0) == -1 && errno == ESRCH)
			t->members[i] = t->members[--t->n];
		else
			i++;
}

void ptree_forget(struct ptree *t, pid_t pid)
{
	for (size_t i = 0; i < t->n; i++)
		if (t->members[i] == pid) {
			t->members[i] = t->members[--t->n];
			return;
		}
}

void ptree_release(struct ptree *t)
{
	if (t->last_pid_fd >= 0)
		close(t->last_pid_fd);
	t->last_pid_fd = -1;
	free(t->members);
	t->members = NULL;
	t->n = t->cap = 0;
	free(t->recent);
	t->recent = NULL;
	t->nrecent = t->recent_cap = 0;
}
