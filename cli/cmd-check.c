/* cmd-check.c — `acre check`: validate a world the way a platform does on
 * every submitted change (check/check.h). This file parses the options,
 * runs the check, writes the report and picks the exit status. */
#include "check/check.h"
#include "cli/cli.h"

#include <malloc.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

extern const struct cmd_entry cmd_check_entry;

/* What the command line says; the check itself takes a check_opts. */
struct check_args {
	check_format format;
	int64_t ticks;
	const char *base, *as, *registry;
};

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
			if (check_format_parse(v, &c->format) != 0)
				return cli_usage(e, "--format wants text, json, junit, "
				                    "sarif or github, not '%s'", v);
		} else if (k == 't') {
			if (!cli_parse_int(e, "--ticks", v, 0, 1000000, &c->ticks))
				return CLI_USAGE;
		} else if (k == 'b') {
			c->base = v;
		} else if (k == 'a') {
			c->as = v;
		} else if (k == 'r') {
			c->registry = v;
		}
	}
	if (k < 0)
		return g.status == CLI_OK ? -1 : g.status;
	if (g.nops > 1)
		return cli_usage(e, "one world at a time: '%s' and '%s'", argv[1], argv[2]);
	*world = g.nops ? argv[1] : NULL;
	return CLI_OK;
}

static int cmd_check(int argc, char **argv)
{
	struct check_args c = {.format = CHECK_TEXT, .ticks = CHECK_DEFAULT_TICKS};
	const char *world = NULL;
	int rc = parse_options(&c, argc, argv, &world);
	if (rc != CLI_OK)
		return rc < 0 ? CLI_OK : rc;
	char *dir = cli_world_dir(world);
	if (!dir)
		return CLI_USAGE;
	check_opts o = {
	    .ticks = c.ticks,
	    .base = c.base,
	    .as = c.as,
	    .registry = c.registry,
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
	if (check_write(stdout, &rep, c.format, cli_color(1)) != 0) {
		cli_error("check: cannot write the report");
		rc = CLI_USAGE;
	}
	check_report_free(&rep);
	free(dir);
	return rc;
}

static const struct cli_opt cmd_check_opts[] = {
	{"format", 0, "FORMAT",
	 "report as text (default), json, junit, sarif or\n"
	 "github (workflow annotations)",
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
	{"as", 0, "IDENTITY",
	 "every parcel changed since the base (REV, else HEAD,\n"
	 "else every parcel) must be owned or operated by\n"
	 "IDENTITY in the registry",
	 'a'},
	{"registry", 0, "FILE",
	 "the registry (default $ACRE_REGISTRY, else\n"
	 "$XDG_DATA_HOME/acre/registry.db when it exists);\n"
	 "results are recorded there with the commit",
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
