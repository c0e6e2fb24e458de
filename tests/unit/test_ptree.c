/* test_ptree.c - finding a program's descendants: children and grandchildren found, threads and unrelated processes never read. */
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/ptree.h"
#include "unit.h"

#define UNRELATED 200

static pid_t unrelated[UNRELATED];
static int unrelated_read; /* stat reads of an unrelated process */

static void note_read(pid_t pid)
{
	for (int i = 0; i < UNRELATED; i++)
		unrelated_read += unrelated[i] == pid;
}

static pid_t idle_child(void)
{
	pid_t pid = fork();
	if (pid == 0) {
		pause();
		_exit(0);
	}
	return pid;
}

static void *idle_thread(void *arg)
{
	(void)arg;
	pause();
	return NULL;
}

/* The root: once told (a byte on go), forks a child that starts a thread and forks a
 * grandchild, then writes both pids to report. */
static pid_t start_root(int go, int report)
{
	pid_t root = fork();
	if (root)
		return root;
	char c;
	if (read(go, &c, 1) != 1)
		_exit(1);
	int p[2];
	if (pipe(p))
		_exit(1);
	pid_t kid = fork();
	if (kid == 0) {
		pthread_t th; /* a thread's stat names its process's parent: not a process */
		pthread_create(&th, NULL, idle_thread, NULL);
		pid_t g = idle_child();
		if (write(p[1], &g, sizeof(g)) != sizeof(g))
			_exit(1);
		pause();
		_exit(0);
	}
	pid_t pids[2] = {kid, 0};
	if (read(p[0], &pids[1], sizeof(pids[1])) != sizeof(pids[1]) ||
	    write(report, pids, sizeof(pids)) != sizeof(pids))
		_exit(1);
	pause();
	_exit(0);
}

static int has(const struct ptree *t, pid_t pid)
{
	for (size_t i = 0; i < t->n; i++)
		if (t->members[i] == pid)
			return 1;
	return 0;
}

static void stop(pid_t pid)
{
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

static void grandchildren_found_without_reading_unrelated_processes(void)
{
	for (int i = 0; i < UNRELATED; i++)
		unrelated[i] = idle_child();
	int go[2], report[2];
	CHECK(pipe(go) == 0 && pipe(report) == 0);
	pid_t root = start_root(go[0], report[1]);
	struct ptree t;
	ptree_init(&t, root, 1);
	t.on_read = note_read;
	ptree_update(&t);
	CHECK(t.n == 0);
	CHECK(write(go[1], "x", 1) == 1);
	pid_t kids[2] = {0, 0};
	CHECK(read(report[0], kids, sizeof(kids)) == sizeof(kids));
	ptree_update(&t);
	CHECK(has(&t, kids[0]));
	CHECK(has(&t, kids[1]));
	CHECK(t.n == 2); /* the child's thread is not a process */
	CHECK(t.full_scans == 0);
	CHECK(unrelated_read == 0);

	/* Attached to a tree that is already there: one full scan finds it. */
	struct ptree a;
	ptree_init(&a, root, 0);
	ptree_update(&a);
	CHECK(has(&a, kids[0]) && has(&a, kids[1]) && a.n == 2);
	CHECK(a.full_scans == 1);
	CHECK(a.stat_reads >= UNRELATED);
	ptree_update(&a);
	CHECK(a.full_scans == 1); /* only once */

	/* An ended member leaves; nothing is read for it. */
	stop(kids[1]); /* not our child: ends as a zombie until kids[0] reaps it */
	stop(root);
	ptree_forget(&t, kids[1]);
	CHECK(!has(&t, kids[1]));
	ptree_release(&t);
	ptree_release(&a);
	for (int i = 0; i < UNRELATED; i++)
		stop(unrelated[i]);
	kill(kids[0], SIGKILL);
}

int main(void)
{
	static const struct unit_test tests[] = {
	    {"grandchildren found without reading unrelated processes",
	     grandchildren_found_without_reading_unrelated_processes},
	    {0},
	};
	return unit_run("test_ptree", tests);
}
