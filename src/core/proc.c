/* proc.c - reading a process's memory from /proc: RSS, the kernel's high-water mark, PSS, USS. */
#include "core/proc.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/uio.h>
#include <unistd.h>

#include "core/dat.h"

int proc_backend_parse(const char *s, enum proc_backend *b)
{
	if (!strcmp(s, "rss") || !strcmp(s, "psutil"))
		*b = PROC_RSS;
	else if (!strcmp(s, "pss") || !strcmp(s, "psutil_pss"))
		*b = PROC_PSS;
	else if (!strcmp(s, "uss") || !strcmp(s, "psutil_uss"))
		*b = PROC_USS;
	else
		return -1;
	return 0;
}

const char *proc_backend_name(enum proc_backend b)
{
	return b == PROC_PSS ? "pss" : b == PROC_USS ? "uss" : "rss";
}

static int open_proc_file(pid_t pid, const char *name, int flags)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, name);
	return open(path, flags | O_CLOEXEC);
}

int proc_open(struct proc_handle *h, pid_t pid, enum proc_backend b, struct err *e)
{
	h->pid = pid;
	h->backend = b;
	h->rollup_fd = -1;
	h->clear_refs_fd = -1;
	h->reset_mark = 0;
	h->statm_fd = open_proc_file(pid, "statm", O_RDONLY);
	h->status_fd = open_proc_file(pid, "status", O_RDONLY);
	if (h->status_fd < 0)
		return err_sys(e, errno, "cannot read /proc/%d/status", (int)pid);
	if (b != PROC_RSS) {
		h->rollup_fd = open_proc_file(pid, "smaps_rollup", O_RDONLY);
		if (h->rollup_fd < 0) {
			int saved = errno;
			proc_close(h);
			return err_sys(e, saved, "cannot read /proc/%d/smaps_rollup", (int)pid);
		}
	}
	h->clear_refs_fd = open_proc_file(pid, "clear_refs", O_WRONLY);
	h->clear_refs_errno = h->clear_refs_fd < 0 ? errno : 0;
	return 0;
}

int proc_hwm_resettable(pid_t pid)
{
	int fd = open_proc_file(pid, "clear_refs", O_WRONLY);
	if (fd < 0)
		return 0;
	close(fd);
	return 1;
}

int proc_image_is(pid_t pid, uint64_t at, uint64_t bytes)
{
	uint64_t v[128]; /* pairs of (type, value) */
	int fd = open_proc_file(pid, "auxv", O_RDONLY);
	if (fd < 0)
		return -1;
	ssize_t n = read(fd, v, sizeof(v));
	close(fd);
	if (n <= 0)
		return -1; /* a zombie has no auxv left */
	uint64_t mine = 0;
	for (size_t i = 0; i + 1 < (size_t)n / sizeof(v[0]) && v[i] != AT_NULL; i += 2)
		if (v[i] == AT_RANDOM)
			mine = v[i + 1];
	if (!mine)
		return -1;
	if (mine != at)
		return 0;
	/* The same address: ask the bytes, which the kernel draws anew at every exec. */
	uint64_t got;
	struct iovec local = {&got, sizeof(got)}, remote = {(void *)(uintptr_t)at, sizeof(got)};
	if (process_vm_readv(pid, &local, 1, &remote, 1, 0) != (ssize_t)sizeof(got))
		return 1; /* not ours to read: the address alone speaks */
	return got == bytes;
}

/* Reads a /proc text. These files come whole in one read when the buffer is large
 * enough, so a short read means the end: no second call to find EOF. */
static ssize_t pread_all(int fd, char *buf, size_t cap)
{
	size_t n = 0;
	while (n < cap - 1) {
		ssize_t r = pread(fd, buf + n, cap - 1 - n, (off_t)n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		n += (size_t)r;
		if (r == 0 || n < (cap - 1) / 2)
			break;
	}
	buf[n] = '\0';
	return (ssize_t)n;
}

/* The value in kB of "Key:   123 kB" in a /proc text, in bytes; 0 when absent. */
static uint64_t field_kb(const char *text, const char *key)
{
	size_t klen = strlen(key);
	for (const char *p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		if (strncmp(p, key, klen) == 0 && p[klen] == ':')
			return strtoull(p + klen + 1, NULL, 10) * 1024;
	return 0;
}

/* smaps_rollup belongs to the address space it was opened on: once the process
 * execs, the old one is gone and reads fail (ESRCH). The status file follows the
 * process, so it still says the process lives: open the new image's rollup.
 * -1 when that fails (the process is exiting). */
static int reopen_rollup(struct proc_handle *h)
{
	int fd = open_proc_file(h->pid, "smaps_rollup", O_RDONLY);
	if (fd < 0)
		return -1;
	if (h->rollup_fd >= 0)
		close(h->rollup_fd);
	h->rollup_fd = fd;
	return 0;
}

int proc_read(struct proc_handle *h, struct proc_mem *m)
{
	char buf[8192];
	if (pread_all(h->status_fd, buf, sizeof(buf)) <= 0)
		return -1;
	/* A zombie has no memory: treat it as gone. */
	const char *st = strstr(buf, "\nState:");
	if (st && strchr("ZX", st[8 + strspn(st + 8, " \t")]))
		return -1;
	m->rss = field_kb(buf, "VmRSS");
	m->hwm = field_kb(buf, "VmHWM");
	if (!strstr(buf, "\nVmRSS:"))
		return -1; /* kernel threads and exiting processes */
	m->value = m->rss;
	if (h->backend != PROC_RSS) {
		if (pread_all(h->rollup_fd, buf, sizeof(buf)) <= 0 &&
		    (reopen_rollup(h) || pread_all(h->rollup_fd, buf, sizeof(buf)) <= 0))
			return -1;
		if (h->backend == PROC_PSS)
			m->value = field_kb(buf, "Pss");
		else
			m->value = field_kb(buf, "Private_Clean") + field_kb(buf, "Private_Dirty");
	}
	if (m->hwm < m->rss)
		m->hwm = m->rss;
	return 0;
}

int proc_read_rss(struct proc_handle *h, struct proc_mem *m)
{
	static long page;
	char buf[256];
	if (!page)
		page = sysconf(_SC_PAGESIZE);
	if (h->statm_fd < 0 || pread_all(h->statm_fd, buf, sizeof(buf)) <= 0)
		return proc_read(h, m);
	char *end;
	unsigned long long size = strtoull(buf, &end, 10);
	unsigned long long resident = strtoull(end, &end, 10);
	/* A zombie's statm is all zeros: it has no memory left to sample. */
	if (size == 0)
		return -1;
	m->rss = m->value = m->hwm = resident * (uint64_t)page;
	return 0;
}

int proc_reset_hwm(struct proc_handle *h)
{
	if (h->clear_refs_fd < 0)
		return -1;
	if (pwrite(h->clear_refs_fd, "5", 1, 0) != 1) {
		if (errno == ESRCH)
			return -1;
		h->clear_refs_errno = errno;
		close(h->clear_refs_fd);
		h->clear_refs_fd = -1;
		return -1;
	}
	return 0;
}

uint64_t proc_hwm_slack(long cpus, long page_size)
{
	if (cpus < 1)
		cpus = 1;
	if (page_size < 1)
		page_size = 4096;
	uint64_t batch = cpus * 2 > 32 ? (uint64_t)cpus * 2 : 32;
	return 3 * (uint64_t)cpus * batch * (uint64_t)page_size;
}

uint64_t proc_hwm_peak(uint64_t hwm, uint64_t reset_mark, uint64_t rss)
{
	if (reset_mark && hwm == reset_mark && hwm > rss)
		return rss;
	return hwm;
}

void proc_close(struct proc_handle *h)
{
	if (h->statm_fd >= 0)
		close(h->statm_fd);
	if (h->status_fd >= 0)
		close(h->status_fd);
	if (h->rollup_fd >= 0)
		close(h->rollup_fd);
	if (h->clear_refs_fd >= 0)
		close(h->clear_refs_fd);
	h->status_fd = h->statm_fd = h->rollup_fd = h->clear_refs_fd = -1;
}

const char *proc_stat_fields(pid_t pid, char *buf, size_t cap)
{
	int fd = open_proc_file(pid, "stat", O_RDONLY);
	if (fd < 0)
		return NULL;
	ssize_t n = read(fd, buf, cap - 1);
	close(fd);
	if (n <= 0)
		return NULL;
	buf[n] = '\0';
	const char *rp = strrchr(buf, ')'); /* comm may hold spaces and parentheses */
	return rp ? rp + 1 : NULL;
}

char *proc_cmdline(pid_t pid)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)pid);
	size_t len;
	char *raw = read_file(path, &len, NULL);
	if (!raw)
		return NULL;
	char *argv[4096];
	int argc = 0;
	for (size_t i = 0; i < len && argc < 4095; i += strlen(raw + i) + 1)
		argv[argc++] = raw + i;
	argv[argc] = NULL;
	char *s = dat_join_cmdline(argv);
	free(raw);
	return s;
}

pid_t proc_find_by_name(const char *name)
{
	DIR *d = opendir("/proc");
	struct dirent *de;
	pid_t best = 0;
	while (d && (de = readdir(d))) {
		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		pid_t pid = (pid_t)atoi(de->d_name);
		if (pid == getpid() || (best && pid > best))
			continue;
		char path[64], comm[256] = "";
		snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
		char *c = read_file(path, NULL, NULL);
		if (c) {
			snprintf(comm, sizeof(comm), "%s", c);
			comm[strcspn(comm, "\n")] = '\0';
			free(c);
		}
		int match = comm[0] && strstr(comm, name);
		if (!match) {
			snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)pid);
			char *a0 = read_file(path, NULL, NULL);
			if (a0) {
				const char *base = strrchr(a0, '/');
				match = strstr(base ? base + 1 : a0, name) != NULL;
				free(a0);
			}
		}
		if (match)
			best = pid;
	}
	if (d)
		closedir(d);
	return best;
}

int proc_is_zombie(pid_t pid)
{
	char path[64], buf[512];
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	FILE *f = fopen(path, "re");
	if (!f)
		return 1;
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	const char *paren = strrchr(buf, ')');
	return !paren || paren[1] != ' ' || paren[2] == 'Z' || paren[2] == 'X';
}
