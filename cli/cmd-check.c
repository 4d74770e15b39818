/* cmd-check.c — `acre check`: validate a world the way a platform does on
 * every submitted change (check/check.h). This file parses the options,
 * runs the check, writes the report and picks the exit status. */
#include "check/check.h"
#include "cli/cli.h"
#include "worldfmt/worldfmt.h"

#include <errno.h>
#include <malloc.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

extern const struct cmd_entry cmd_check_entry;

/* One report to write: a format and where (NULL: standard output). */
struct check_output {
	check_format format;
	const char *file;
};

#define CHECK_MAX_OUTPUTS 8

/* What the command line says; the check itself takes a check_opts. */
struct check_args {
	struct check_output out[CHECK_MAX_OUTPUTS]; /* --format, in order */
	int nout;
	int64_t ticks;
	const char *base, *as, *registry, *rev, *ref;
	bool record;
};

/* --format FORMAT or --format FORMAT=FILE; given more than once, one check
 * writes every report. At most one goes to standard output. */
static int add_output(struct check_args *c, const char *v)
{
	const struct cmd_entry *e = &cmd_check_entry;
	char name[16];
	const char *eq = strchr(v, '=');
	size_t n = eq ? (size_t)(eq - v) : strlen(v);
	struct check_output *o = &c->out[c->nout];
	if (n >= sizeof name || (snprintf(name, sizeof name, "%.*s", (int)n, v),
	                         check_format_parse(name, &o->format) != 0))
		return cli_usage(e, "--format wants text, json, junit, sarif or "
		                    "github, optionally =FILE, not '%s'", v);
	if (eq && !eq[1])
		return cli_usage(e, "--format %s= needs a file name", name);
	if (c->nout == CHECK_MAX_OUTPUTS)
		return cli_usage(e, "at most %d --format options", CHECK_MAX_OUTPUTS);
	o->file = eq ? eq + 1 : NULL;
	for (int i = 0; i < c->nout; i++) {
		if (!o->file && !c->out[i].file)
			return cli_usage(e, "only one --format may write to standard "
			                    "output; give the others =FILE");
		if (o->file && c->out[i].file && strcmp(o->file, c->out[i].file) == 0)
			return cli_usage(e, "two reports to the same file '%s'", o->file);
	}
	c->nout++;
	return CLI_OK;
}

/* CLI_OK, CLI_USAGE, or -1 after --help was printed. */
static int parse_options(struct check_args *c, int argc, char **argv, const char **world)
{
	const struct cmd_entry *e = &cmd_check_entry;
	cli_getopt g;
	int k;
	cli_getopt_init(&g, e, argc, argv);
	while ((k = cli_getopt_next(&g)) > 0) {
		const char *v = g.value;
		if (k == 'f') {
			if (add_output(c, v) != CLI_OK)
				return CLI_USAGE;
		} else if (k == 't') {
			if (!cli_parse_int(e, "--ticks", v, 0, 1000000, &c->ticks))
				return CLI_USAGE;
		} else if (k == 'b') {
			c->base = v;
		} else if (k == 'a') {
			c->as = v;
		} else if (k == 'r') {
			c->registry = v;
		} else if (k == 'R') {
			c->rev = v;
		} else if (k == 'c') {
			c->record = true;
		} else if (k == 'p') {
			c->ref = v;
		}
	}
	if (k < 0)
		return g.status == CLI_OK ? -1 : g.status;
	if (c->ref && !c->rev)
		return cli_usage(e, "--ref names the branch that --rev REV is pushed to; "
		                    "give --rev too");
	if (g.nops > 1)
		return cli_usage(e, "one world at a time: '%s' and '%s'", argv[1], argv[2]);
	*world = g.nops ? argv[1] : NULL;
	return CLI_OK;
}

/* Every report asked for, from the one check; text when none was. A report
 * file is written whole or not at all (a temporary file renamed into
 * place), so a workflow never uploads half a report. */
static int write_reports(struct check_args *c, const check_report *rep)
{
	if (c->nout == 0)
		c->out[c->nout++] = (struct check_output){.format = CHECK_TEXT};
	int rc = 0;
	for (int i = 0; i < c->nout; i++) {
		const struct check_output *o = &c->out[i];
		if (!o->file) {
			if (check_write(stdout, rep, o->format, cli_color(1)) != 0) {
				cli_error("check: cannot write the report");
				rc = -1;
			}
			continue;
		}
		char *text = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&text, &len);
		int w = f ? check_write(f, rep, o->format, false) : -1;
		if (f && fclose(f) != 0)
			w = -1;
		if (w != 0 || wf_save_atomic(o->file, text, len) != 0) {
			cli_error("check: cannot write the report to %s: %s", o->file,
			          w != 0 ? "out of memory" : strerror(errno));
			rc = -1;
		}
		free(text);
	}
	return rc;
}

static int cmd_check(int argc, char **argv)
{
	struct check_args c = {.ticks = CHECK_DEFAULT_TICKS};
	const char *world = NULL;
	int rc = parse_options(&c, argc, argv, &world);
	if (rc != CLI_OK)
		return rc < 0 ? CLI_OK : rc;
	/* With --rev the world is read from git: WORLD may be a bare
	 * repository, with no world.acre on disk (check/base.c). */
	char *dir = c.rev ? strdup(world ? world : ".") : cli_world_dir(world);
	if (!dir)
		return CLI_USAGE;
	check_opts o = {
	    .ticks = c.ticks,
	    .base = c.base,
	    .as = c.as,
	    .registry = c.registry,
	    .rev = c.rev,
	    .record = c.record,
	    .ref = c.ref,
	    .progress = isatty(2) && getenv("ACRE_NO_PROGRESS") == NULL,
	};
	/* A check of a large world allocates and frees many big blocks (file
	 * texts, models, two runners): keep freed memory for reuse instead of
	 * handing it back to the kernel and faulting fresh zeroed pages in. */
	mallopt(M_MMAP_THRESHOLD, 32 << 20);
	mallopt(M_TRIM_THRESHOLD, 1 << 30);
	check_report rep;
	char err[768];
	if (check_world(dir, &o, &rep, err, sizeof err) != 0) {
		cli_error("check: %s", err);
		check_report_free(&rep);
		free(dir);
		return CLI_USAGE;
	}
	rc = check_report_valid(&rep) ? CLI_OK : CLI_INVALID;
	if (write_reports(&c, &rep) != 0)
		rc = CLI_USAGE;
	check_report_free(&rep);
	free(dir);
	return rc;
}

static const struct cli_opt cmd_check_opts[] = {
	{"format", 0, "FORMAT[=FILE]",
	 "report as text (default), json, junit, sarif or\n"
	 "github (workflow annotations), to FILE or standard\n"
	 "output; give it once per report wanted: one check\n"
	 "writes them all (at most one to standard output)",
	 'f'},
	{"ticks", 0, "N",
	 "ticks to run, 0 to 1000000 (default 100); 0 still\n"
	 "loads every script and runs on_load",
	 't'},
	{"base", 0, "REV",
	 "compare with git revision REV: only parcels changed\n"
	 "since REV (and their message neighbours) run; the\n"
	 "others' results come from the registry",
	 'b'},
	{"rev", 0, "REV",
	 "check the world as it is at git revision REV instead\n"
	 "of the work tree; WORLD may then be a bare\n"
	 "repository (what a git server's hook does)",
	 'R'},
	{"as", 0, "IDENTITY",
	 "every parcel changed since the base (REV, else HEAD,\n"
	 "else every parcel) must be owned or operated by\n"
	 "IDENTITY in the registry, or be unclaimed, and lie\n"
	 "on land no other claim holds",
	 'a'},
	{"record", 0, NULL,
	 "record the result in the registry with the commit,\n"
	 "and with --as, when the world is valid, claim its\n"
	 "new parcels for IDENTITY; without it the registry\n"
	 "is only read",
	 'c'},
	{"ref", 0, "REF",
	 "REV is being pushed to branch REF (what a git\n"
	 "server's hook passes): with --record only a valid\n"
	 "result is recorded, so a refused push leaves the\n"
	 "registry as it was, and a parcel moved on a branch\n"
	 "other than the default one keeps its claim's land",
	 'p'},
	{"registry", 0, "FILE",
	 "the registry (default $ACRE_REGISTRY, else\n"
	 "$XDG_DATA_HOME/acre/registry.db when it exists)",
	 'r'},
	{NULL, 0, NULL, NULL, 0},
};

const struct cmd_entry cmd_check_entry = {
	.name = "check",
	.usage = "[WORLD]",
	.summary = "validate a world: format, rules, scripts, ownership, determinism",
	.help =
		"Validate WORLD (default: the current directory) as a platform does on\n"
		"a submitted change: the world file's format and static rules, the\n"
		"scripts' bytecode limits, a headless run of N ticks done twice in\n"
		"separate sandboxes (the state hashes must match), and with --as, that\n"
		"every changed parcel belongs to the submitter.\n"
		"\n"
		"Exit status: 0 valid, 1 invalid, 2 usage or environment error.\n"
		"NO_COLOR turns colour off. See acre-check(1) for the JSON schema\n"
		"and CI recipes.\n",
	.run = cmd_check,
	.opts = cmd_check_opts,
};
