/* cmds.h - the subcommands of mprof, one cmd_<name>.c each, and the helpers they share. */
#ifndef MPROF_CMDS_H
#define MPROF_CMDS_H

#include <stddef.h>

#include "core/profiles.h"

/* Exit codes (documented in the man page). */
enum { EXIT_OK = 0, EXIT_FAIL = 1, EXIT_USAGE = 2, EXIT_NOEXEC = 127 };

int cmd_attach(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_clean(int argc, char **argv);
int cmd_help(int argc, char **argv);
int cmd_list(int argc, char **argv);
int cmd_peak(int argc, char **argv);
int cmd_plot(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_rm(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_summary(int argc, char **argv);

struct record_opts;
/* Records the process named by target (a PID, or part of a process name), for
 * 'mprof attach' and 'mprof run --attach'. Returns the exit status; *path is the
 * recording written (the caller frees it) or NULL when none was. */
int cmd_attach_record(struct record_opts *o, const char *target, char **path);

/* Prints "mprof: <msg>" to stderr. */
void report(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

struct opt;
/* Prints a subcommand's --help to stdout: head (usage and description), the options
 * of the table the parser reads, tail (may be NULL), and where the documentation is
 * (opt_print_help, help_docdir). Cannot fail. */
void print_help(const char *head, const struct opt *opts, const char *tail);

/* Fills buf with the directory of the installed documentation (format.md, json.md):
 * <prefix>/share/doc/mprof beside the installed mprof, or docs/ of the source tree
 * mprof was built in. Returns -1 when neither is there. */
int help_docdir(char *buf, size_t n);

/* Resolves FILE|INDEX arguments (none: the newest recording) into paths, printing
 * the error and returning -1 when one does not resolve. The caller frees with
 * profiles_free_paths. */
int resolve_recordings(char **args, int nargs, char ***paths, int *npaths);

#endif
