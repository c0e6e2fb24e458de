/* chanread.c - the launcher's side of the shared-memory channel: create, read heap counters, drain
 * events. */
#include "core/chanread.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/proc.h"

/* The start time of pid in clock ticks since boot (field 22 of /proc/PID/stat): with
 * the pid, it names one process for good. 0 or -1. */
static int start_time(pid_t pid, unsigned long long *out)
{
	char buf[1024];
	const char *p = proc_stat_fields(pid, buf, sizeof(buf));
	for (int field = 3; p && field < 22; field++)
		p = strchr(p + 1, ' ');
	return p && sscanf(p, " %llu", out) == 1 ? 0 : -1;
}

/* A fallback for kernels without memfd: a file only its owner can open, created
 * exclusively (mkostemp), named mprof-channel-<pid>-<start time>-<random>. */
static int private_file(char *path, size_t cap, int *saved)
{
	const char *dirs[] = {"/dev/shm", getenv("TMPDIR"), "/tmp"};
	unsigned long long start = 0;
	start_time(getpid(), &start);
	int fd = -1;
	*saved = ENOENT;
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]) && fd < 0; i++) {
		if (!dirs[i] || !*dirs[i])
			continue;
		snprintf(path, cap, "%s/mprof-channel-%d-%llu-XXXXXX", dirs[i], (int)getpid(),
			 start);
		fd = mkostemp(path, O_CLOEXEC); /* mode 0600, O_EXCL */
		*saved = errno;
	}
	if (fd >= 0 && fchmod(fd, 0600)) {
		*saved = errno;
		close(fd);
		unlink(path);
		return -1;
	}
	return fd;
}

int chan_create(struct chan *c, const struct chan_stacks *st, struct err *e)
{
	memset(c, 0, sizeof(*c));
	c->fd = -1;
	uint32_t nareas = st && st->mode ? MPROF_STK_AREAS : 0;
	c->size = nareas ? mprof_area_offset(MPROF_MAX_PROCS, nareas)
			 : mprof_channel_size(MPROF_MAX_PROCS);
	char path[4096];
	int saved;
	int fd = memfd_create("mprof-channel", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (fd >= 0) {
		/* Sealed: nobody can shrink it under the launcher's mapping (SIGBUS). */
		if (fchmod(fd, 0600) || ftruncate(fd, (off_t)c->size) ||
		    fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL)) {
			saved = errno;
			close(fd);
			return err_sys(e, saved, "cannot size the shared-memory channel");
		}
		snprintf(path, sizeof(path), "/proc/%d/fd/%d", (int)getpid(), fd);
		c->fd = fd;
	} else {
		fd = private_file(path, sizeof(path), &saved);
		if (fd < 0)
			return err_sys(e, saved, "cannot create the shared-memory channel");
		if (ftruncate(fd, (off_t)c->size)) {
			saved = errno;
			close(fd);
			unlink(path);
			return err_sys(e, saved, "cannot size the shared-memory channel '%s'",
				       path);
		}
		c->file = xstrdup(path);
	}
	void *m = mmap(NULL, c->size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	saved = errno;
	if (c->fd < 0)
		close(fd);
	if (m == MAP_FAILED) {
		if (c->fd >= 0)
			close(c->fd);
		if (c->file)
			unlink(c->file);
		free(c->file);
		memset(c, 0, sizeof(*c));
		return err_sys(e, saved, "cannot map the shared-memory channel '%s'", path);
	}
	c->map = m;
	c->path = xstrdup(path);
	c->nprocs = MPROF_MAX_PROCS;
	c->nareas = nareas;
	c->stk_mode = nareas ? (uint32_t)st->mode : 0;
	c->sample_bytes = nareas && st->sample_bytes ? st->sample_bytes : 1;
	c->map->version = MPROF_CHANNEL_VERSION;
	c->map->nprocs = c->nprocs;
	c->map->size = c->size;
	c->map->min_call_ns = 0;
	c->map->launcher_pid = (int32_t)getpid();
	c->map->stk_mode = c->stk_mode;
	c->map->sample_bytes = c->sample_bytes;
	c->map->nareas = nareas;
	/* The magic goes last: a library that sees it sees a complete header. */
	__atomic_store_n(&c->map->magic, MPROF_CHANNEL_MAGIC, __ATOMIC_RELEASE);
	return 0;
}

void chan_destroy(struct chan *c)
{
	if (c->map)
		munmap(c->map, c->size);
	if (c->file)
		unlink(c->file);
	if (c->path && c->fd >= 0) /* a zeroed chan holds fd 0, not ours */
		close(c->fd);
	free(c->path);
	free(c->file);
	memset(c, 0, sizeof(*c));
}

/* Whether the launcher that named its channel file name still runs. */
static int launcher_alive(const char *name)
{
	int pid, n = 0;
	unsigned long long start, now;
	if (sscanf(name, "mprof-channel-%d-%n", &pid, &n) != 1 || !n || pid <= 0)
		return 1; /* not a name of ours: left alone */
	const char *rest = name + n;
	size_t digits = strspn(rest, "0123456789");
	if (digits && rest[digits] == '-' && strlen(rest + digits + 1) == 6) {
		start = strtoull(rest, NULL, 10);
		if (start_time(pid, &now) == 0)
			return now == start;
		if (start_time(getpid(), &now) != 0) /* no procfs here: the pid alone */
			return kill(pid, 0) == 0 || errno == EPERM;
		return 0;
	}
	if (strlen(rest) != 6)
		return 1;
	/* An older name holds only the pid: alive while that pid exists. Judging by the
	 * program it runs would take a live run under valgrind, or a renamed mprof, for
	 * stale; a reused pid only leaves a stale file in place. */
	return kill(pid, 0) == 0 || errno == EPERM;
}

size_t chan_stale(char ***paths)
{
	const char *dirs[] = {"/dev/shm", getenv("TMPDIR"), "/tmp"};
	size_t n = 0, cap = 0;
	*paths = NULL;
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		if (!dirs[i] || !*dirs[i] || (i == 1 && !strcmp(dirs[1], "/dev/shm")) ||
		    (i == 2 && dirs[1] && !strcmp(dirs[1], "/tmp")))
			continue;
		DIR *d = opendir(dirs[i]);
		if (!d)
			continue;
		struct dirent *de;
		while ((de = readdir(d))) {
			struct stat st;
			if (strncmp(de->d_name, "mprof-channel-", 14) ||
			    fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) ||
			    !S_ISREG(st.st_mode) || st.st_uid != geteuid() ||
			    launcher_alive(de->d_name))
				continue;
			xgrow((void **)paths, &cap, n + 1, sizeof(**paths));
			size_t len = strlen(dirs[i]) + strlen(de->d_name) + 2;
			(*paths)[n] = xmalloc(len);
			snprintf((*paths)[n++], len, "%s/%s", dirs[i], de->d_name);
		}
		closedir(d);
	}
	return n;
}

size_t chan_remove_stale(void)
{
	char **paths;
	size_t n = chan_stale(&paths), gone = 0;
	for (size_t i = 0; i < n; i++) {
		gone += unlink(paths[i]) == 0;
		free(paths[i]);
	}
	free(paths);
	return gone;
}

uint32_t chan_used(const struct chan *c)
{
	if (!c->map)
		return 0;
	uint32_t n = atomic_load_explicit(&c->map->procs_used, memory_order_acquire);
	return n < c->nprocs ? n : c->nprocs;
}

struct mprof_proc *chan_find(struct chan *c, pid_t pid)
{
	if (!c->map)
		return NULL;
	for (uint32_t i = 0, n = chan_used(c); i < n; i++) {
		struct mprof_proc *p = &c->map->procs[i];
		if (atomic_load_explicit(&p->state, memory_order_acquire) == MPROF_PROC_LIVE &&
		    atomic_load_explicit(&p->pid, memory_order_relaxed) == pid)
			return p;
	}
	return NULL;
}

int chan_take_heap(struct mprof_proc *p, struct chan_heap *h)
{
	memset(h, 0, sizeof(*h));
	int64_t live = 0;
	int bad = 0;
	for (int i = 0; i < MPROF_MAX_CELLS; i++) {
		struct mprof_cell *cell = &p->cells[i];
		int64_t net = atomic_load_explicit(&cell->net, memory_order_relaxed);
		bad |= net > CHAN_BYTES_MAX || net < -CHAN_BYTES_MAX;
		if (!bad)
			live += net; /* at most 64 * 2^47: no overflow */
		h->allocs += atomic_load_explicit(&cell->allocs, memory_order_relaxed);
		h->frees += atomic_load_explicit(&cell->frees, memory_order_relaxed);
	}
	int64_t peak = atomic_exchange_explicit(&p->heap_peak, 0, memory_order_seq_cst);
	int64_t low = atomic_exchange_explicit(&p->heap_low, INT64_MAX, memory_order_seq_cst);
	atomic_fetch_add_explicit(&p->peak_epoch, 1, memory_order_seq_cst);
	for (int i = 1; i < MPROF_MAX_CELLS; i++)
		if (atomic_load_explicit(&p->cells[i].owned, memory_order_relaxed)) {
			atomic_store_explicit(&p->cells[i].lo, INT64_MAX, memory_order_seq_cst);
			atomic_store_explicit(&p->cells[i].hi, INT64_MIN, memory_order_seq_cst);
		}
	uint64_t mmap_live = atomic_load_explicit(&p->mmap_live, memory_order_relaxed);
	if (bad || live > CHAN_BYTES_MAX || live < -CHAN_BYTES_MAX || peak > CHAN_BYTES_MAX ||
	    peak < -CHAN_BYTES_MAX || low < -CHAN_BYTES_MAX ||
	    mmap_live > (uint64_t)CHAN_BYTES_MAX) {
		memset(h, 0, sizeof(*h));
		return -1;
	}
	h->live = live;
	h->peak = peak < live ? live : peak;
	h->low = low > live ? live : low; /* INT64_MAX: no lower point this interval */
	h->mmap_live = mmap_live;
	return 0;
}

/* More events than a process can send between two drains: a forged count. */
#define CHAN_DROPPED_MAX (UINT64_C(1) << 40)

int chan_drain(struct chan *c, struct mprof_proc *p,
	       void (*fn)(void *ctx, const struct mprof_proc *p, const struct mprof_event *ev),
	       void *ctx, uint64_t *dropped)
{
	(void)c;
	*dropped = 0;
	uint64_t tail = atomic_load_explicit(&p->ev_tail, memory_order_relaxed);
	uint64_t head = atomic_load_explicit(&p->ev_head, memory_order_acquire);
	uint64_t lost = atomic_exchange_explicit(&p->ev_dropped, 0, memory_order_relaxed);
	/* The library never reserves more than the ring holds past the tail. */
	if (head < tail || head - tail > MPROF_RING_EVENTS || lost > CHAN_DROPPED_MAX) {
		atomic_store_explicit(&p->ev_tail, head, memory_order_release);
		return -1;
	}
	while (tail < head) {
		const struct mprof_event *ev = &p->ring[tail % MPROF_RING_EVENTS];
		if (atomic_load_explicit(&ev->seq, memory_order_acquire) != tail + 1)
			break; /* still being written */
		struct mprof_event copy;
		memcpy(&copy, ev, sizeof(copy));
		copy.name[MPROF_NAME_MAX - 1] = '\0';
		fn(ctx, p, &copy);
		tail++;
	}
	/* The library reads this to know how much room the ring has left. */
	atomic_store_explicit(&p->ev_tail, tail, memory_order_release);
	*dropped = lost;
	return 0;
}

void chan_retire(struct chan *c, struct mprof_proc *p)
{
	atomic_store_explicit(&p->state, MPROF_PROC_FREE, memory_order_release);
	if (!c->map || p < c->map->procs || p >= c->map->procs + c->nprocs)
		return;
	/* The slot's next owner resets only the cells its cells_used names, which the
	 * program writes: every cell is zeroed here, so that counts left where that
	 * does not reach (a process forked without fork handlers writing its parent's
	 * cells, or a program that lied) go with their owner. */
	for (int i = 0; i < MPROF_MAX_CELLS; i++) {
		struct mprof_cell *cell = &p->cells[i];
		atomic_store_explicit(&cell->net, 0, memory_order_relaxed);
		atomic_store_explicit(&cell->allocs, 0, memory_order_relaxed);
		atomic_store_explicit(&cell->frees, 0, memory_order_relaxed);
		atomic_store_explicit(&cell->owned, 0, memory_order_relaxed);
	}
	atomic_store_explicit(&p->cells_used, 0, memory_order_relaxed);
	size_t i = (size_t)(p - c->map->procs);
	atomic_store_explicit(&c->map->proc_pids[i], 0, memory_order_relaxed);
	/* Last: a process that takes the bit finds the slot free. */
	atomic_fetch_and_explicit(&c->map->procs_busy[i / 64], ~((uint64_t)1 << (i % 64)),
				  memory_order_release);
}

struct mprof_stk_area *chan_area(struct chan *c, uint32_t i)
{
	if (!c->map || i >= c->nareas)
		return NULL;
	return (struct mprof_stk_area *)((char *)c->map + mprof_area_offset(c->nprocs, i));
}

void chan_area_release(struct chan *c, struct mprof_stk_area *a)
{
	size_t size = (sizeof(*a) + 4095) & ~(size_t)4095;
	/* Everything after the first page goes back to the system (reading as zeros);
	 * the first page, with the state word, is cleared by hand and freed last. */
	if (madvise((char *)a + 4096, size - 4096, MADV_REMOVE))
		memset((char *)a + 4096, 0, size - 4096);
	memset((char *)a + sizeof(a->state), 0, 4096 - sizeof(a->state));
	atomic_store_explicit(&a->state, MPROF_AREA_FREE, memory_order_release);
	uint64_t off = (uint64_t)((char *)a - (char *)c->map);
	uint64_t first = mprof_area_offset(c->nprocs, 0),
		 each = mprof_area_offset(c->nprocs, 1) - first;
	uint64_t i = (off - first) / each;
	if (off >= first && i < c->nareas) /* last: a process that takes the bit finds it free */
		atomic_fetch_and_explicit(&c->map->areas_busy, ~((uint64_t)1 << i),
					  memory_order_release);
}
