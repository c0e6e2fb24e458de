/* cmd_rm.c - 'mprof rm' and 'mprof clean': delete recordings, and nothing else. */
#include <errno.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/cmds.h"
#include "core/chanread.h"
#include "cli/opts.h"

static const char rm_help[] =
    "usage: mprof rm [--dry-run] FILE|INDEX...\n"
    "\n"
    "Deletes recordings given by file name or index (see 'mprof list'). Only\n"
    "regular files named mprof_*.dat or mprofile_*.dat are ever deleted.\n";

static const char clean_help[] =
    "usage: mprof clean [--dry-run]\n"
    "\n"
    "Deletes every recording (mprof_*.dat, mprofile_*.dat) in the current directory,\n"
    "and the shared-memory channels of this user's runs whose mprof was killed.\n";

static const struct opt opts[] = {
    OPT_FLAG(0, "dry-run", 1, "print what would be deleted, delete nothing"),
    OPT_HELP(2),
    {0},
};

static int remove_all(char **paths, int n, int dry_run)
{
	int rc = EXIT_OK;
	if (dry_run)
		printf("Files to be removed: \n");
	for (int i = 0; i < n; i++) {
		if (dry_run)
			printf("%s\n", paths[i]);
		else if (unlink(paths[i])) {
			report("cannot remove '%s': %s", paths[i], strerror(errno));
			rc = EXIT_FAIL;
		}
	}
	return rc;
}

/* Parses [--dry-run] and the words; -1 on a usage error, 1 after --help. */
static int parse(int argc, char **argv, const char *cmd, const char *help, int *dry_run,
		 char **words, int *nwords)
{
	struct opt_state st;
	opt_init(&st, argc, argv, cmd, 0);
	int id;
	*nwords = 0;
	while ((id = opt_next(&st, opts)) != OPT_END) {
		if (id == OPT_ERROR)
			return -1;
		if (id == 2) {
			print_help(help, opts, NULL);
			return 1;
		}
		if (id == 1)
			*dry_run = 1;
		else
			words[(*nwords)++] = (char *)st.arg;
	}
	return 0;
}

int cmd_rm(int argc, char **argv)
{
	char **words = xcalloc((size_t)argc + 1, sizeof(*words));
	int nwords, dry_run = 0, rc = EXIT_OK;
	int p = parse(argc, argv, "rm", rm_help, &dry_run, words, &nwords);
	if (p) {
		rc = p < 0 ? EXIT_USAGE : EXIT_OK;
	} else if (!nwords) {
		report("rm: name the recordings to remove (FILE or INDEX; see 'mprof list')");
		rc = EXIT_USAGE;
	} else {
		char **paths;
		int n;
		struct err e;
		if (profiles_resolve_words(".", words, nwords, 1, &paths, &n, &e)) {
			report("%s", e.msg);
			rc = EXIT_FAIL;
		} else {
			rc = remove_all(paths, n, dry_run);
			profiles_free_paths(paths, n);
		}
	}
	free(words);
	return rc;
}

int cmd_clean(int argc, char **argv)
{
	char **words = xcalloc((size_t)argc + 1, sizeof(*words));
	int nwords, dry_run = 0;
	int p = parse(argc, argv, "clean", clean_help, &dry_run, words, &nwords);
	if (p || nwords) {
		if (!p)
			report("clean: takes no argument, got '%s'", words[0]);
		free(words);
		return p > 0 ? EXIT_OK : EXIT_USAGE;
	}
	free(words);
	char **names;
	int n;
	struct err e;
	if (profiles_list(".", &names, &n, &e)) {
		report("%s", e.msg);
		return EXIT_FAIL;
	}
	int rc = remove_all(names, n, dry_run);
	profiles_free_paths(names, n);
	/* Channels of runs whose mprof was killed: this user's, launcher gone. */
	char **stale;
	size_t nstale = chan_stale(&stale);
	for (size_t i = 0; i < nstale; i++) {
		if (dry_run)
			printf("%s\n", stale[i]);
		else if (unlink(stale[i]) && errno != ENOENT)
			report("cannot remove '%s': %s", stale[i], strerror(errno));
		free(stale[i]);
	}
	free(stale);
	return rc;
}
