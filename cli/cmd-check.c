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

/* The value of an option given as "--opt VALUE" or "--opt=VALUE"; NULL when
 * argv[*i] is another option. Advances *i past a separate value. */
static const char *opt_value(int argc, char **argv, int *i, const char *name,
                             bool *missing)
{
	size_t n = strlen(name);
	const char *a = argv[*i];
	if (strncmp(a, name, n) != 0)
		return NULL;
	if (a[n] == '=')
		return a + n + 1;
	if (a[n] != '\0')
		return NULL;
	if (*i + 1 >= argc) {
		*missing = true;
		return NULL;
	}
	return argv[++*i];
}

static int parse_options(check_ctx *c, int argc, char **argv, const char **world)
{
	const struct cmd_entry *e = &cmd_check_entry;
	bool dashdash = false;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = NULL;
		bool missing = false;
		if (dashdash || a[0] != '-' || a[1] == '\0') {
			if (*world)
				return cli_usage(e, "one world at a time: '%s' and '%s'",
				                 *world, a);
			*world = a;
		} else if (strcmp(a, "--") == 0) {
			dashdash = true;
		} else if ((v = opt_value(argc, argv, &i, "--format", &missing))) {
			if (check_format_parse(v, &c->format) != 0)
				return cli_usage(e, "--format wants text, json, junit, "
				                    "sarif or github, not '%s'", v);
		} else if ((v = opt_value(argc, argv, &i, "--ticks", &missing))) {
			if (!cli_parse_int(e, "--ticks", v, 0, 1000000, &c->ticks))
				return CLI_USAGE;
		} else if ((v = opt_value(argc, argv, &i, "--base", &missing))) {
			c->base = v;
		} else if ((v = opt_value(argc, argv, &i, "--as", &missing))) {
			c->as = v;
		} else if ((v = opt_value(argc, argv, &i, "--registry", &missing))) {
			c->registry = v;
		} else if ((v = opt_value(argc, argv, &i, "--rev", &missing))) {
			c->rev = v;
		} else if (strcmp(a, "--record") == 0) {
			c->record = true;
		} else if (missing) {
			return cli_usage(e, "%s needs a value", a);
		} else {
			return cli_usage(e, "unknown option '%s'", a);
		}
		if (v && !*v)
			return cli_usage(e, "%.*s needs a value", (int)strcspn(a, "="), a);
	}
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
	check_cleanup(c);
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
		return rc;
	/* With --rev the world is read from git: WORLD may be a bare
	 * repository, with no world.acre on disk (check-base.c). */
	c.dir = c.rev ? strdup(world ? world : ".") : cli_world_dir(world);
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

const struct cmd_entry cmd_check_entry = {
	.name = "check",
	.usage = "[--format text|json|junit|sarif|github] [--ticks N] [--base REV] "
	         "[--rev REV] [--as IDENTITY] [--record] [--registry FILE] [WORLD]",
	.summary = "validate a world: format, rules, scripts, ownership, determinism",
	.help =
		"Validate WORLD (default: the current directory) as a platform does on\n"
		"a submitted change: the world file's format and static rules, the\n"
		"scripts' bytecode limits, a headless run of N ticks done twice in\n"
		"separate sandboxes (the state hashes must match), and with --as, that\n"
		"every changed parcel belongs to the submitter.\n"
		"\n"
		"Options:\n"
		"  --format FORMAT  report as text (default), json, junit, sarif or\n"
		"                   github (workflow annotations)\n"
		"  --ticks N        ticks to run, 0 to 1000000 (default 100); 0 still\n"
		"                   loads every script and runs on_load\n"
		"  --base REV       compare with git revision REV: only parcels changed\n"
		"                   since REV (and their message neighbours) run; the\n"
		"                   others' results come from the registry\n"
		"  --rev REV        check the world as it is at git revision REV instead\n"
		"                   of the work tree; WORLD may then be a bare\n"
		"                   repository (what a git server's hook does)\n"
		"  --as IDENTITY    every parcel changed since the base (REV, else HEAD,\n"
		"                   else every parcel) must be owned or operated by\n"
		"                   IDENTITY in the registry, or be unclaimed, and lie\n"
		"                   on land no other claim holds\n"
		"  --record         record the result in the registry with the commit,\n"
		"                   and with --as, when the world is valid, claim its\n"
		"                   new parcels for IDENTITY; without it the registry\n"
		"                   is only read\n"
		"  --registry FILE  the registry (default $ACRE_REGISTRY, else\n"
		"                   $XDG_DATA_HOME/acre/registry.db when it exists)\n"
		"\n"
		"Exit status: 0 valid, 1 invalid, 2 usage or environment error.\n"
		"NO_COLOR turns colour off. See acre-check(1) for the JSON schema\n"
		"and CI recipes.\n",
	.run = cmd_check,
};
