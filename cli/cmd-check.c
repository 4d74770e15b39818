/* cmd-check.c — `acre check`: validate a world the way a platform does on
 * every submitted change: format and static rules, ownership of changed
 * parcels, scripts within their bytecode limits, a headless run done twice
 * to prove determinism, incremental with --base. The phases are in
 * cli/check-*.c (see cli/check.h); this file parses options, runs them in
 * order, writes the report and picks the exit status. */
#include "cli/check.h"
#include "cli/cli.h"

#include <malloc.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

extern const struct cmd_entry cmd_check_entry;

int check_fail(check_ctx *c, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(c->err, sizeof c->err, fmt, ap);
	va_end(ap);
	return -1;
}

char *check_path(const check_ctx *c, const char *rel)
{
	char *s;
	if (strcmp(c->dir, ".") == 0)
		return strdup(rel);
	size_t n = strlen(c->dir);
	bool slash = n > 0 && c->dir[n - 1] == '/';
	if (asprintf(&s, "%s%s%s", c->dir, slash ? "" : "/", rel) < 0)
		return NULL;
	return s;
}

static int parse_options(check_ctx *c, int argc, char **argv, const char **world)
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
	/* After --help: nothing more to do, and nothing failed. */
	if (k < 0)
		return g.status == CLI_OK ? -1 : g.status;
	if (g.nops > 1)
		return cli_usage(e, "one world at a time: '%s' and '%s'", argv[1], argv[2]);
	*world = g.nops ? argv[1] : NULL;
	return CLI_OK;
}

double check_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void ctx_free(check_ctx *c)
{
	check_end(c);
	for (int i = 0; i < c->nremoved; i++)
		free(c->removed[i]);
	free(c->removed);
	free(c->changed);
	free(c->rp);
	if (c->w)
		wf_world_free(c->w);
	if (c->repo)
		store_repo_close(c->repo);
	if (c->reg)
		store_reg_close(c->reg);
	free(c->reg_path);
	free(c->base_name);
	free(c->dir);
	free(c->file);
	check_report_free(&c->rep);
}

/* The phases in order; -1 on an environment error. */
static int run_phases(check_ctx *c, double t0)
{
	if (check_begin(c) != 0 || check_static(c) != 0)
		return -1;
	if (check_changes(c) != 0 || check_ownership(c) != 0)
		return -1;
	if (check_scripts(c) != 0)
		return -1;
	c->rep.seconds = check_now() - t0;
	check_report_sort(&c->rep);
	return check_record(c);
}

static int cmd_check(int argc, char **argv)
{
	check_ctx c = {.format = CHECK_TEXT, .ticks = CHECK_DEFAULT_TICKS};
	const char *world = NULL;
	int rc = parse_options(&c, argc, argv, &world);
	if (rc != CLI_OK)
		return rc < 0 ? CLI_OK : rc;
	c.dir = cli_world_dir(world);
	if (!c.dir)
		return CLI_USAGE;
	c.progress = isatty(2) && getenv("ACRE_NO_PROGRESS") == NULL;
	/* A check of a large world allocates and frees many big blocks (file
	 * texts, models, two runners): keep freed memory for reuse instead of
	 * handing it back to the kernel and faulting fresh zeroed pages in. */
	mallopt(M_MMAP_THRESHOLD, 32 << 20);
	mallopt(M_TRIM_THRESHOLD, 1 << 30);
	double t0 = check_now();
	if (check_report_init(&c.rep, c.dir) != 0 ||
	    !(c.file = check_path(&c, "world.acre"))) {
		cli_error("check: out of memory");
		ctx_free(&c);
		return CLI_USAGE;
	}
	if (run_phases(&c, t0) != 0) {
		cli_error("check: %s", c.err);
		ctx_free(&c);
		return CLI_USAGE;
	}
	rc = check_report_valid(&c.rep) ? CLI_OK : CLI_INVALID;
	if (check_write(stdout, &c.rep, c.format, cli_color(1)) != 0) {
		cli_error("check: cannot write the report");
		rc = CLI_USAGE;
	}
	ctx_free(&c);
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
