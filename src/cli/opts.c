/* opts.c - a small getopt_long-like parser that also takes unique prefixes of long options, as
 * argparse does, and prints the options list of --help from the same table. */
#include "cli/opts.h"

#include <stdio.h>
#include <string.h>

void opt_init(struct opt_state *st, int argc, char **argv, const char *cmd, int stop_at_positional)
{
	memset(st, 0, sizeof(*st));
	st->argc = argc;
	st->argv = argv;
	st->i = 1;
	st->cmd = cmd;
	st->stop_at_positional = stop_at_positional;
}

static int usage_error_n(const struct opt_state *st, const char *what, const char *name, int len)
{
	fprintf(stderr, "mprof %s: %s '%.*s' (see 'mprof %s --help')\n", st->cmd, what, len, name,
		st->cmd);
	return OPT_ERROR;
}

static int usage_error(const struct opt_state *st, const char *what, const char *name)
{
	return usage_error_n(st, what, name, (int)strlen(name));
}

static int take_arg(struct opt_state *st, const struct opt *o, const char *inline_arg,
		    const char *shown)
{
	st->arg = NULL;
	st->opt = o;
	if (o->arg == OPT_NONE) {
		if (inline_arg)
			return usage_error(st, "option takes no value:", shown);
		return o->id;
	}
	if (inline_arg) {
		st->arg = inline_arg;
		return o->id;
	}
	if (o->arg == OPT_OPTIONAL)
		return o->id;
	if (st->i >= st->argc)
		return usage_error(st, "option needs a value:", shown);
	st->arg = st->argv[st->i++];
	return o->id;
}

static int long_option(struct opt_state *st, const struct opt *opts, char *word)
{
	char *name = word + 2;
	char *eq = strchr(name, '=');
	size_t len = eq ? (size_t)(eq - name) : strlen(name);
	const struct opt *found = NULL;
	int ambiguous = 0;
	for (const struct opt *o = opts; o->id; o++) {
		if (!o->long_name || strncmp(o->long_name, name, len))
			continue;
		if (strlen(o->long_name) == len) { /* exact match wins */
			found = o;
			ambiguous = 0;
			break;
		}
		ambiguous = found != NULL;
		found = o;
	}
	if (!found || ambiguous)
		return usage_error_n(st, ambiguous ? "ambiguous option" : "unknown option", word,
				     (int)len + 2);
	return take_arg(st, found, eq ? eq + 1 : NULL, found->long_name);
}

int opt_next(struct opt_state *st, const struct opt *opts)
{
	if (st->shorts && *st->shorts) {
		char c = *st->shorts++;
		for (const struct opt *o = opts; o->id; o++) {
			if (o->short_name != c)
				continue;
			if (o->arg != OPT_NONE && *st->shorts) {
				const char *rest = st->shorts;
				st->shorts = NULL;
				return take_arg(st, o, rest, rest);
			}
			char shown[3] = {'-', c, 0};
			return take_arg(st, o, NULL, shown);
		}
		char shown[3] = {'-', c, 0};
		return usage_error(st, "unknown option", shown);
	}
	st->shorts = NULL;
	while (st->i < st->argc) {
		char *word = st->argv[st->i];
		if (strcmp(word, "--") == 0) {
			st->i++;
			if (!st->stop_at_positional && st->i < st->argc) {
				st->arg = st->argv[st->i++];
				st->stop_at_positional = 2; /* everything after -- is positional */
				return OPT_POSITIONAL;
			}
			return OPT_END;
		}
		if (st->stop_at_positional == 2 || word[0] != '-' || word[1] == '\0' ||
		    ((word[1] >= '0' && word[1] <= '9') && !st->stop_at_positional)) {
			if (st->stop_at_positional == 1)
				return OPT_END;
			st->i++;
			st->arg = word;
			return OPT_POSITIONAL;
		}
		st->i++;
		if (word[1] == '-')
			return long_option(st, opts, word);
		st->shorts = word + 1;
		return opt_next(st, opts);
	}
	return OPT_END;
}

enum { HELP_INDENT = 2, HELP_COLUMN = 26, HELP_WIDTH = 79 };

/* "-T, --interval SECONDS", "    --stacks[=sample|all]" into buf. */
static void option_words(const struct opt *o, char *buf, size_t n)
{
	size_t len = 0;
	if (o->short_name)
		len += (size_t)snprintf(buf, n, "-%c%s", o->short_name, o->long_name ? ", " : "");
	else
		len += (size_t)snprintf(buf, n, "    ");
	if (o->long_name && len < n)
		len += (size_t)snprintf(buf + len, n - len, "--%s", o->long_name);
	if (o->arg != OPT_NONE && len < n) {
		const char *argh = o->argh ? o->argh : "VALUE";
		if (o->arg == OPT_OPTIONAL)
			snprintf(buf + len, n - len, o->long_name ? "[=%s]" : "[%s]", argh);
		else
			snprintf(buf + len, n - len, " %s", argh);
	}
}

/* Prints text from column col on, wrapped at HELP_WIDTH, continuation lines starting
 * at column indent; ends the line. */
static void wrap(FILE *out, const char *text, int col, int indent)
{
	int first = 1;
	for (const char *p = text; *p;) {
		if (*p == ' ') {
			p++;
			continue;
		}
		int word = (int)strcspn(p, " ");
		if (!first && col + 1 + word > HELP_WIDTH) {
			fprintf(out, "\n%*s", indent, "");
			col = indent;
			first = 1;
		}
		if (!first) {
			fputc(' ', out);
			col++;
		}
		fprintf(out, "%.*s", word, p);
		col += word;
		p += word;
		first = 0;
	}
	fputc('\n', out);
}

void opt_print_help(FILE *out, const char *head, const struct opt *opts, const char *tail)
{
	fputs(head, out);
	for (const struct opt *o = opts; o->id; o++) {
		if (o->id == OPT_GROUP_ROW) {
			fprintf(out, "\n%s\n", o->help);
			continue;
		}
		if (o == opts)
			fputs("\noptions:\n", out);
		char words[128];
		option_words(o, words, sizeof(words));
		int col = HELP_INDENT + (int)strlen(words);
		fprintf(out, "%*s%s", HELP_INDENT, "", words);
		if (!o->help || !*o->help) {
			fputc('\n', out);
			continue;
		}
		if (col + 2 > HELP_COLUMN) { /* too long to share a line with its help */
			fputc('\n', out);
			col = 0;
		}
		fprintf(out, "%*s", HELP_COLUMN - col, "");
		wrap(out, o->help, HELP_COLUMN, HELP_COLUMN);
	}
	if (tail)
		fprintf(out, "\n%s", tail);
}
