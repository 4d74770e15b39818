/* opts.c — the one option parser of every command, and the usage and help
 * text made from the same table.
 *
 * A command lists its options in its cmd_entry (`opts`): long name, key,
 * the value's name and one line of help. The parser accepts what users of
 * git and coreutils expect: "--opt value", "--opt=value", "-n 5", "-n5",
 * combined short flags ("-qv"), "--" to end the options, options before or
 * after the operands (unless the command stops at its first operand, as
 * `acre lua FILE ARGS...` does), and "-h"/"--help" anywhere. A mistake
 * names the option as typed and suggests the closest one. */
#include "cli/cli.h"
#include "worldfmt/worldfmt.h"

#include <stdio.h>
#include <string.h>

void cli_getopt_init(cli_getopt *g, const struct cmd_entry *e, int argc, char **argv)
{
	*g = (cli_getopt){.e = e, .argc = argc, .argv = argv, .i = 1, .status = CLI_OK};
}

static const struct cli_opt *find_long(const struct cmd_entry *e, const char *name,
                                       size_t n)
{
	for (const struct cli_opt *o = e->opts; o && o->name; o++)
		if (strlen(o->name) == n && memcmp(o->name, name, n) == 0)
			return o;
	return NULL;
}

static const struct cli_opt *find_short(const struct cmd_entry *e, char c)
{
	for (const struct cli_opt *o = e->opts; o && o->name; o++)
		if (o->short_name && o->short_name == c)
			return o;
	return NULL;
}

/* "unknown option '--frob'", with the closest option when one is close. */
static int unknown(cli_getopt *g, const char *written, size_t n)
{
	char word[64];
	snprintf(word, sizeof word, "%.*s", (int)n, written);
	const char *near = NULL;
	int k = 0;
	const char *names[64];
	for (const struct cli_opt *o = g->e->opts; o && o->name && k < 63; o++)
		names[k++] = o->name;
	names[k] = NULL;
	if (strncmp(word, "--", 2) == 0)
		near = wf_suggest_list(word + 2, names);
	if (near)
		cli_usage(g->e, "unknown option '%s'; did you mean '--%s'?", word, near);
	else if (strcmp(word, "--version") == 0)
		cli_usage(g->e, "unknown option '%s'; 'acre --version' prints the version",
		          word);
	else
		cli_usage(g->e, "unknown option '%s'", word);
	g->status = CLI_USAGE;
	return -1;
}

/* The option `o` as written `name`, with an attached value `attached` (or
 * NULL): takes the value from the next argument when it needs one. */
static int take(cli_getopt *g, const struct cli_opt *o, const char *name,
                const char *attached)
{
	snprintf(g->name, sizeof g->name, "%s", name);
	g->value = NULL;
	if (o->arg && o->arg[0] == '[') {
		/* An optional value ("[=roff]") comes only after '='. */
		g->value = attached;
		return o->key;
	}
	if (!o->arg) {
		if (attached) {
			cli_usage(g->e, "%s takes no value", g->name);
			g->status = CLI_USAGE;
			return -1;
		}
		return o->key;
	}
	if (!attached) {
		if (g->i >= g->argc) {
			cli_usage(g->e, "%s needs a value", g->name);
			g->status = CLI_USAGE;
			return -1;
		}
		attached = g->argv[g->i++];
	}
	if (!*attached) {
		cli_usage(g->e, "%s needs a value", g->name);
		g->status = CLI_USAGE;
		return -1;
	}
	g->value = attached;
	return o->key;
}

int cli_getopt_next(cli_getopt *g)
{
	if (g->short_rest && *g->short_rest) {
		char c = *g->short_rest++;
		const struct cli_opt *o = find_short(g->e, c);
		char name[3] = {'-', c, '\0'};
		if (!o)
			return unknown(g, name, 2);
		/* "-n5": the rest is the value; "-qv": more flags. */
		const char *rest = o->arg && *g->short_rest ? g->short_rest : NULL;
		if (rest)
			g->short_rest = NULL;
		return take(g, o, name, rest);
	}
	while (g->i < g->argc) {
		char *a = g->argv[g->i++];
		bool operand = g->dashdash || a[0] != '-' || a[1] == '\0';
		if (!operand && strcmp(a, "--") == 0) {
			g->dashdash = true;
			continue;
		}
		if (operand) {
			/* Operands gather at argv[1..nops]; only consumed slots
			 * are overwritten, and values point at the strings. */
			g->argv[1 + g->nops++] = a;
			if (g->e->opts_first)
				g->dashdash = true;
			continue;
		}
		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			cli_print_help(g->e);
			g->status = CLI_OK;
			return -1;
		}
		if (a[1] == '-') {
			const char *eq = strchr(a, '=');
			size_t n = eq ? (size_t)(eq - a) : strlen(a);
			const struct cli_opt *o = find_long(g->e, a + 2, n - 2);
			if (!o)
				return unknown(g, a, n);
			char name[64];
			snprintf(name, sizeof name, "%.*s", (int)n, a);
			return take(g, o, name, eq ? eq + 1 : NULL);
		}
		g->short_rest = a + 1;
		return cli_getopt_next(g);
	}
	g->argc = 1 + g->nops;
	return 0;
}

int cli_args(const struct cmd_entry *e, int argc, char **argv,
             bool (*fn)(int key, const char *value, void *ctx), void *ctx, int *status)
{
	cli_getopt g;
	cli_getopt_init(&g, e, argc, argv);
	int c;
	while ((c = cli_getopt_next(&g)) > 0)
		if (!fn(c, g.value, ctx)) {
			*status = CLI_USAGE;
			return -1;
		}
	if (c < 0) {
		*status = g.status;
		return -1;
	}
	for (int i = 0; i < g.nops; i++)
		argv[i] = argv[i + 1];
	return g.nops;
}

/* "[-q] [--ticks N]" for the usage line. */
static void opt_synopsis(FILE *out, const struct cli_opt *o)
{
	if (o->arg && o->arg[0] == '[') {
		fprintf(out, "[--%s%s]", o->name, o->arg);
		return;
	}
	if (o->short_name)
		fprintf(out, "[-%c%s%s]", o->short_name, o->arg ? " " : "",
		        o->arg ? o->arg : "");
	else
		fprintf(out, "[--%s%s%s]", o->name, o->arg ? " " : "", o->arg ? o->arg : "");
}

void cli_print_usage(FILE *out, const struct cmd_entry *e)
{
	fprintf(out, "usage: acre %s", e->name);
	for (const struct cli_opt *o = e->opts; o && o->name; o++) {
		fputc(' ', out);
		opt_synopsis(out, o);
	}
	if (e->usage && *e->usage)
		fprintf(out, " %s", e->usage);
	fputc('\n', out);
}

void cli_print_options(FILE *out, const struct cmd_entry *e)
{
	if (!e->opts || !e->opts->name)
		return;
	fputs("Options:\n", out);
	for (const struct cli_opt *o = e->opts; o->name; o++) {
		char left[64];
		bool opt = o->arg && o->arg[0] == '[';
		if (opt)
			snprintf(left, sizeof left, "--%s%s", o->name, o->arg);
		else if (o->short_name)
			snprintf(left, sizeof left, "-%c, --%s%s%s", o->short_name, o->name,
			         o->arg ? " " : "", o->arg ? o->arg : "");
		else
			snprintf(left, sizeof left, "--%s%s%s", o->name, o->arg ? " " : "",
			         o->arg ? o->arg : "");
		/* Help lines wrap at '\n' and keep the column. */
		fprintf(out, "  %-22s", left);
		if (strlen(left) > 22)
			fprintf(out, "\n  %-22s", "");
		for (const char *h = o->help; *h; h++) {
			fputc(*h, out);
			if (*h == '\n' && h[1])
				fprintf(out, "  %-22s", "");
		}
		fputc('\n', out);
	}
}
