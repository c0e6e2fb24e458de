/* record.c - one recording session, shared by 'mprof run' and 'mprof attach': output file, channel,
 * signals, status line. */
#include "cli/record.h"

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <string.h>
#include <unistd.h>

#include "cli/cmds.h"
#include "core/launch.h"
#include "core/pyrun.h"
#include "core/stacks.h"
#include "core/symbols.h"

static volatile sig_atomic_t child_pid;
static volatile sig_atomic_t stop_flag;
/* The signals whose disposition mprof changes, and what they were: the program gets
 * them back before exec. The last, SIGPIPE, mprof ignores (see ignore_sigpipe). */
static const int handled[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE};
#define NHANDLED ((int)(sizeof(handled) / sizeof(handled[0])))
#define NFORWARDED (NHANDLED - 1)
static struct sigaction saved[NHANDLED];

/* Signals someone sent to mprof go on to the program. Those the terminal sent
 * (SI_KERNEL) reached the whole foreground group, the program too: not again. */
static void forward(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	if (child_pid > 0 && si->si_code != SI_KERNEL)
		kill((pid_t)child_pid, sig);
}

static void stop(int sig)
{
	(void)sig;
	stop_flag = 1;
}

/* A reader that went away (mprof run ... 2>&1 | head -1) or a closed stderr must not
 * stop the recording or the checks: mprof ignores SIGPIPE from the start of a session
 * to its exit, and its writes there fail harmlessly. The program gets the disposition
 * mprof was given (saved[NFORWARDED]), so it still dies of SIGPIPE as it would bare. */
static void ignore_sigpipe(void)
{
	static int done;
	if (done)
		return;
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_IGN;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGPIPE, &sa, &saved[NFORWARDED]);
	done = 1;
}

static void install_signals(int attach)
{
	for (int i = 0; i < NFORWARDED; i++) {
		struct sigaction sa;
		memset(&sa, 0, sizeof(sa));
		sigemptyset(&sa.sa_mask);
		if (attach) {
			sa.sa_handler = stop;
		} else {
			sa.sa_sigaction = forward;
			sa.sa_flags = SA_SIGINFO;
		}
		sigaction(handled[i], &sa, &saved[i]);
	}
}

static void restore_signals(void)
{
	for (int i = 0; i < NFORWARDED; i++)
		sigaction(handled[i], &saved[i], NULL);
}

/* ---- the live status line ---- */

struct status_line {
	int enabled;
	int64_t last_ns;
	int shown;
};

static void on_tick(void *ctx, const struct sampler_tick *t)
{
	struct status_line *sl = ctx;
	int64_t now = time_mono_ns();
	if (!sl->enabled || now - sl->last_ns < 250000000)
		return;
	sl->last_ns = now;
	sl->shown = 1;
	if (t->heap_mib >= 0)
		fprintf(stderr, "\r\033[Kmprof: %.1fs  %.1f MiB  peak %.1f MiB  heap %.1f MiB",
			t->elapsed, t->mib, t->peak_mib, t->heap_mib);
	else
		fprintf(stderr, "\r\033[Kmprof: %.1fs  %.1f MiB  peak %.1f MiB", t->elapsed, t->mib,
			t->peak_mib);
	fflush(stderr);
}

static void clear_status(struct status_line *sl)
{
	if (sl->shown)
		fputs("\r\033[K", stderr);
}

/* ---- the session ---- */

static int open_output(const struct record_opts *o, struct dat_writer *w)
{
	struct err e;
	int rc = o->output ? dat_writer_create(w, o->output, &e)
			   : dat_writer_create_default(w, NULL, &e);
	if (rc)
		report("%s", e.msg);
	return rc;
}

/* hwm=: whether the true peak can be measured (the rss backend, we may reset pid's
 * high-water mark, and mean to); a refusal later is a NOTE of the sampler's.
 * maxrss=above: a sample's maximum is written only when above it. */
static void write_header(const struct record_opts *o, struct dat_writer *w, const char *cmdline,
			 int hooks, pid_t pid)
{
	int hwm = o->cfg.backend == PROC_RSS && !o->cfg.keep_hwm && proc_hwm_resettable(pid);
	dat_write_cmdline(w, cmdline);
	dat_write_line(w, DAT_MPROF, "%d interval=%.6f backend=%s children=%s hooks=%d hwm=%d%s",
		       DAT_FORMAT_VERSION, (double)o->cfg.interval_ns / 1e9,
		       proc_backend_name(o->cfg.backend),
		       o->cfg.multiprocess	 ? "split"
		       : o->cfg.include_children ? "sum"
						 : "none",
		       hooks, hwm, hwm && sampler_maxrss_above(&o->cfg) ? " maxrss=above" : "");
}

static void print_outcome(const struct record_opts *o, const char *path,
			  const struct sampler_result *r)
{
	if (o->quiet)
		return;
	char heap[64] = "";
	if (r->heap_peak_mib >= 0)
		snprintf(heap, sizeof(heap), ", heap peak %.1f MiB", r->heap_peak_mib);
	fprintf(stderr, "mprof: wrote '%s': peak %.1f MiB%s, %.2f s, %lld samples\n", path,
		r->peak_mib, heap, r->t_end - r->t_start, (long long)r->samples);
}

/* --func: the matching functions of the executable become address ranges that the
 * library keeps calls of (and no others); without it, calls lasting a few sampling
 * intervals are kept, so the file stays small and the plot readable. */
static void set_patterns(struct chan *ch, const struct record_opts *o, const char *exe)
{
	ch->map->min_call_ns = 3 * o->cfg.interval_ns;
	if (!o->nfunc_patterns)
		return;
	uint64_t lo[MPROF_RANGES_MAX], hi[MPROF_RANGES_MAX];
	int n = sym_ranges(exe, o->func_patterns, o->nfunc_patterns, lo, hi, MPROF_RANGES_MAX);
	struct stat st;
	if (n <= 0 && !o->quiet)
		report("warning: --func: no function of '%s' matches", exe);
	if (n < 0 || stat(exe, &st))
		n = 0;
	for (int i = 0; i < n; i++)
		ch->map->ranges[i] = (struct mprof_range){lo[i], hi[i]};
	ch->map->nranges = (uint32_t)n;
	ch->map->exe_dev = (uint64_t)st.st_dev;
	ch->map->exe_ino = (uint64_t)st.st_ino;
	ch->map->flags |= MPROF_CF_FUNC_RANGES;
}

/* Writes "NOTE lost <kind> <n>: <why>" (docs/format.md) and, unless quiet, says it
 * on stderr. */
static void note_lost(struct dat_writer *w, int quiet, const char *kind, uint64_t n,
		      const char *why, ...) __attribute__((format(printf, 5, 6)));
static void note_lost(struct dat_writer *w, int quiet, const char *kind, uint64_t n,
		      const char *why, ...)
{
	if (!n)
		return;
	char text[512];
	va_list ap;
	va_start(ap, why);
	vsnprintf(text, sizeof(text), why, ap);
	va_end(ap);
	dat_write_line(w, DAT_NOTE, "lost %s %llu: %s", kind, (unsigned long long)n, text);
	if (!quiet && strcmp(kind, "samples")) /* a late sample is common on a busy machine */
		report("warning: lost %s %llu: %s", kind, (unsigned long long)n, text);
}

/* What the hooked processes had to say (they never write to the program's
 * descriptors): a NOTE each in the recording, a line each on our stderr. */
static void write_proc_notes(const struct record_opts *o, struct dat_writer *w, uint32_t notes)
{
	static const struct {
		uint32_t bit;
		int warn; /* said even with -q: data is missing */
		const char *say, *note;
	} says[] = {
	    {MPROF_PN_FOREIGN_ALLOC, 0,
	     "note: the program's malloc is not glibc's: heap is that allocator's usable bytes "
	     "(malloc_usable_size), which can exceed the bytes requested",
	     "heap: malloc is not glibc's; sizes from that allocator's malloc_usable_size"},
	    {MPROF_PN_NO_USABLE, 1,
	     "warning: heap unavailable: the program's allocator has no malloc_usable_size",
	     "heap unavailable: the allocator is not glibc's and has no malloc_usable_size"},
	    {MPROF_PN_OWN_MALLOC, 1,
	     "warning: heap unavailable: the program defines its own malloc, which the hooks "
	     "cannot see",
	     "heap unavailable: the executable defines its own malloc"},
	    {MPROF_PN_NO_UNWIND, 1, "warning: libunwind.so.8 not found: allocation stacks off",
	     "stacks off: libunwind.so.8 not found"},
	    {MPROF_PN_NO_AREA, 1,
	     "warning: no stack area free: allocation stacks off in some processes",
	     "stacks off in some processes: no stack area free"},
	    {MPROF_PN_FORK_NO_STACKS, 1,
	     "warning: a fork met a stack capture that did not end: no allocation stacks in "
	     "that child",
	     "stacks off in a forked child: a capture was in progress at the fork"},
	    {MPROF_PN_PY_NO_GIL, 0,
	     "note: a Python thread allocated without holding the GIL: those stacks have native "
	     "frames only",
	     "stacks: a Python thread allocated without holding the GIL: native frames only"},
	    {MPROF_PN_PY_UNKNOWN, 1,
	     "warning: the Python interpreter's frames cannot be read (not a CPython 3.9 or later "
	     "it understands, or a debug or traced object allocator): native frames only",
	     "stacks: Python frames unavailable: the interpreter or its object allocator is not "
	     "one mprof understands; native frames only"},
	};
	for (size_t i = 0; i < sizeof(says) / sizeof(says[0]); i++) {
		if (!(notes & says[i].bit))
			continue;
		if (says[i].warn || !o->quiet)
			report("%s", says[i].say);
		dat_write_line(w, DAT_NOTE, "%s", says[i].note);
	}
}

static int finish(const struct record_opts *o, struct dat_writer *w, struct sampler_result *res,
		  struct record_outcome *out, int sampler_rc, struct err *se,
		  struct stk_session *stk)
{
	char *path = xstrdup(w->path);
	struct err e;
	int rc = 0;
	if (sampler_rc) {
		report("%s", se->msg);
		rc = -1;
	}
	if (stk) {
		stk_stop(stk);
		stk_write(stk, w);
		struct stk_losses sl;
		stk_losses(stk, &sl);
		note_lost(w, o->quiet, "stacks", sl.stacks,
			  "allocations recorded without their stack (the stack table or frame pool "
			  "was full, or the recorder fell behind and the hooks gave up)");
		note_lost(w, o->quiet, "stack_images", sl.images,
			  "process images recorded without stacks: no free stack area (%d at once)",
			  MPROF_STK_AREAS);
		note_lost(w, o->quiet, "symbols", sl.unnamed,
			  "process images that ended before mprof could read their executable and "
			  "mappings: their frames are raw addresses");
		uint64_t held_ns, waits;
		stk_held(stk, &held_ns, &waits);
		if (waits && !o->quiet) /* the NOTE held line of stk_write says it too */
			report("note: the program waited %.3f s for the stack reader (%llu waits): "
			       "its timings are slowed",
			       (double)held_ns / 1e9, (unsigned long long)waits);
	}
	write_proc_notes(o, w, res->notes);
	if (res->notes & (MPROF_PN_NO_USABLE | MPROF_PN_OWN_MALLOC))
		res->heap_peak_mib = -1; /* not the program's heap: say nothing of it */
	note_lost(w, o->quiet, "processes", res->procs_lost,
		  "processes not hooked: no free channel slot (%d at once)", MPROF_MAX_PROCS);
	note_lost(w, o->quiet, "left_tree", res->left_running,
		  "hooked processes still running when the program ended (daemons, or "
		  "children it left behind): not recorded after that");
	note_lost(w, o->quiet, "brackets", res->events_dropped,
		  "bracket events dropped: the program outran mprof and the ring stayed full");
	note_lost(w, o->quiet, "samples", (uint64_t)res->missed,
		  "samples not taken on time: sampling overran the interval (a longer -T lifts "
		  "it)");
	if (dat_writer_close(w, &e)) {
		report("%s", e.msg);
		rc = -1;
	}
	print_outcome(o, path, res);
	out->path = path;
	out->res = *res;
	return rc;
}

/* The library to preload into preload (PATH_MAX + 32 bytes), the channel and, with
 * --stacks, the stack session: 1 when the program runs hooked, 0 when it runs bare
 * (why is said on stderr). */
static int setup_hooks(struct record_opts *o, const char *libdir, const char *blocker,
		       const char *exe, const char *prog, struct chan *ch, struct stk_session **stk,
		       char *preload)
{
	const size_t cap = PATH_MAX + 32;
	struct err e;
	int hooks = libdir && !blocker;
	if (hooks) {
		/* --stacks has a library of its own: the plain one has no stack code. */
		snprintf(preload, cap, "%s/libmprof-stacks.so", libdir);
		if (o->stacks.mode && access(preload, R_OK) != 0) {
			report("warning: %s not found: no allocation stacks recorded", preload);
			o->stacks.mode = 0;
		}
		if (!o->stacks.mode)
			snprintf(preload, cap, "%s/libmprof.so", libdir);
		if (strpbrk(preload, " :") || chan_create(ch, &o->stacks, &e)) {
			report("warning: allocation hooks disabled: %s",
			       strpbrk(preload, " :") ? "the library path holds a space or colon"
						      : e.msg);
			hooks = 0;
		} else {
			set_patterns(ch, o, exe);
		}
	}
	if (hooks && o->stacks.mode && !(*stk = stk_start(ch, &e)))
		report("warning: allocation stacks disabled: %s", e.msg);
	if (!hooks && o->stacks.mode && !o->quiet)
		report("warning: --stacks needs the allocation hooks: no stacks recorded");
	if (blocker && !o->quiet)
		report("cannot hook '%s': %s; recording RSS only", prog, blocker);
	else if (!blocker && !libdir)
		report("warning: libmprof.so not found next to mprof; recording RSS only");
	return hooks;
}

/* Samples the program record_run started (pid) into w until it ends, then finishes
 * the recording: the program's exit status, or EXIT_FAIL when it is unknown or the
 * recording failed. Frees neither stk nor ch. */
static int sample_own(struct record_opts *o, struct dat_writer *w, pid_t pid, struct chan *ch,
		      struct stk_session *stk, const char *prog, struct record_outcome *out)
{
	struct err e;
	child_pid = pid;
	struct status_line sl = {isatty(2) && !o->quiet, 0, 0};
	o->cfg.func_patterns = o->func_patterns;
	o->cfg.nfunc_patterns = o->nfunc_patterns;
	o->cfg.own_child = 1;
	o->cfg.keep_hwm = 0; /* our own program: its mark is ours to reset */
	o->cfg.stop = NULL;
	o->cfg.on_tick = on_tick;
	o->cfg.ctx = &sl;
	struct sampler_result res;
	int src = sampler_run(&o->cfg, pid, w, ch, &res, &e);
	clear_status(&sl);
	child_pid = 0;
	restore_signals();
	int frc = finish(o, w, &res, out, src, &e, stk);
	if (res.timed_out && !o->quiet)
		report("timeout: stopped '%s' after %.1f s", prog, (double)o->cfg.timeout_ns / 1e9);
	int status = res.exited ? sampler_exit_code(res.wait_status) : EXIT_FAIL;
	if (frc && status == 0)
		status = EXIT_FAIL;
	return status;
}

int record_run(struct record_opts *o, char **argv, struct record_outcome *out)
{
	memset(out, 0, sizeof(*out));
	ignore_sigpipe();
	struct pyrun py;
	struct err e;
	if (pyrun_plan(argv, (enum pyrun_mode)o->python, &py, &e)) {
		report("%s", e.msg);
		return EXIT_NOEXEC;
	}
	char *libdir = launch_libdir();
	char **args = py.argv;
	char *pythonpath = NULL;
	if (py.python && libdir) {
		/* sitecustomize.py there gives every Python process of the run @profile. */
		pythonpath = xmalloc(strlen(libdir) + 8);
		sprintf(pythonpath, "%s/python", libdir);
	}
	char *cmdline = dat_join_cmdline(argv);
	char *exe = launch_find_program(args[0]);
	int status = EXIT_FAIL;
	const char *blocker = exe ? launch_preload_blocker(exe) : NULL;
	if (!exe) {
		report("cannot execute '%s': %s", args[0], strerror(errno ? errno : ENOENT));
		status = EXIT_NOEXEC;
		goto out;
	}
	struct dat_writer w;
	if (open_output(o, &w))
		goto out;
	chan_remove_stale(); /* channels of runs whose mprof was killed */
	struct chan ch = {0};
	struct stk_session *stk = NULL;
	char preload[PATH_MAX + 32] = "";
	int hooks = setup_hooks(o, libdir, blocker, exe, args[0], &ch, &stk, preload);

	install_signals(0);
	struct launch_opts lo = {
	    hooks ? preload : NULL, hooks ? ch.path : NULL, pythonpath, handled, saved, NHANDLED};
	int exec_errno;
	pid_t pid = launch_start(args, &lo, &exec_errno, &e);
	if (pid < 0) {
		restore_signals();
		report("%s", e.msg);
		/* The program never ran: an empty file is not a recording. */
		unlink(w.path);
		dat_writer_close(&w, NULL);
		stk_free(stk);
		chan_destroy(&ch);
		status = exec_errno ? EXIT_NOEXEC : EXIT_FAIL;
		goto out;
	}
	/* The header once the program runs: whether its peak can be reset is its own. */
	write_header(o, &w, cmdline, hooks, pid);
	if (blocker)
		dat_write_line(&w, DAT_NOTE, "hooks unavailable: %s", blocker);
	else if (!libdir)
		dat_write_line(&w, DAT_NOTE, "hooks unavailable: libmprof.so not found");
	status = sample_own(o, &w, pid, hooks ? &ch : NULL, stk, args[0], out);
	stk_free(stk);
	chan_destroy(&ch);
out:
	free(exe);
	free(cmdline);
	pyrun_release(&py);
	free(pythonpath);
	free(libdir);
	return status;
}

int record_attach(struct record_opts *o, pid_t pid, struct record_outcome *out)
{
	memset(out, 0, sizeof(*out));
	ignore_sigpipe();
	char *cmdline = proc_cmdline(pid);
	int err = kill(pid, 0) ? errno : cmdline ? 0 : ESRCH;
	if (err) {
		report("cannot attach to process %d: %s", (int)pid, strerror(err));
		free(cmdline);
		return EXIT_FAIL;
	}
	struct dat_writer w;
	if (open_output(o, &w)) {
		free(cmdline);
		return EXIT_FAIL;
	}
	chan_remove_stale();
	/* Resetting VmHWM changes what other monitoring of the process reads: only
	 * when asked. */
	o->cfg.keep_hwm = !o->true_peak;
	write_header(o, &w, cmdline, 0, pid);
	dat_write_line(&w, DAT_NOTE, "attached to running process %d", (int)pid);
	if (o->cfg.keep_hwm && o->cfg.backend == PROC_RSS)
		dat_write_line(&w, DAT_NOTE,
			       "attached without --true-peak: the process's peak-RSS mark "
			       "(VmHWM) was left alone, samples only");
	free(cmdline);
	stop_flag = 0;
	install_signals(1);
	struct status_line sl = {isatty(2) && !o->quiet, 0, 0};
	o->cfg.own_child = 0;
	o->cfg.stop = &stop_flag;
	o->cfg.on_tick = on_tick;
	o->cfg.ctx = &sl;
	struct sampler_result res;
	struct err e;
	int src = sampler_run(&o->cfg, pid, &w, NULL, &res, &e);
	clear_status(&sl);
	restore_signals();
	return finish(o, &w, &res, out, src, &e, NULL) ? EXIT_FAIL : EXIT_OK;
}
