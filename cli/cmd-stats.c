/* cmd-stats.c — `acre stats`: counts and peaks from the registry. */
#include "cli/store-cli.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

struct stats_opts {
	const char *registry;
};

static bool stats_opt(int c, const char *arg, void *ctx)
{
	struct stats_opts *o = ctx;
	if (c == 'r')
		o->registry = arg;
	return true;
}

static void stats_print(const store_stats *s)
{
	printf("worlds           %" PRId64 "\n", s->worlds);
	printf("repositories     %" PRId64 "\n", s->repos);
	printf("revisions        %" PRId64 "\n", s->revisions);
	printf("parcels          %" PRId64 "\n", s->parcels);
	printf("claims           %" PRId64 "\n", s->claims);
	printf("operators        %" PRId64 "\n", s->operators);
	printf("validation runs  %" PRId64 " (%" PRId64 " valid, %" PRId64 " invalid)\n",
	       s->runs, s->runs_valid, s->runs_invalid);
	printf("recorded errors  %" PRId64 "\n", s->errors);
	if (s->peak_instructions_parcel[0])
		printf("peak instructions %" PRId64 " (%s)\n", s->peak_instructions,
		       s->peak_instructions_parcel);
	if (s->peak_memory_parcel[0])
		printf("peak memory      %" PRId64 " bytes (%s)\n", s->peak_memory,
		       s->peak_memory_parcel);
	printf("schema           %d\n", s->schema);
	printf("database         %" PRId64 " bytes\n", s->db_bytes);
}

static int cmd_stats(int argc, char **argv)
{
	struct stats_opts o = {0};
	store_stats s;
	store_err err;
	char *name = NULL;
	int status;
	int n = cli_args(&cmd_stats_entry, argc, argv, stats_opt, &o, &status);
	if (n < 0)
		return status;
	if (n > 1)
		return cli_usage(&cmd_stats_entry, "one world at a time");
	store_reg *g = cmd_store_registry_ro(o.registry);
	if (!g)
		return CLI_USAGE;
	if (n == 1 && !(name = cmd_store_world(g, argv[0]))) {
		store_reg_close(g);
		return CLI_USAGE;
	}
	int rc = store_get_stats(g, name, &s, &err);
	if (rc != 0)
		cli_error("%s", err.msg);
	else
		stats_print(&s);
	free(name);
	store_reg_close(g);
	return rc == 0 ? CLI_OK : CLI_USAGE;
}

static const struct cli_opt cmd_stats_opts[] = {
	{"registry", 0, "FILE", "the registry database (see 'acre index --help')", 'r'},
	{NULL, 0, NULL, NULL, 0},
};

const struct cmd_entry cmd_stats_entry = {
    .name = "stats",
    .usage = "[WORLD]",
    .summary = "show counts and peak figures from the registry",
    .help = "Counts of worlds, repositories, revisions, parcels, claims,\n"
            "operators, validation runs and their errors, the parcel with the\n"
            "highest recorded instructions and memory, the schema version and the\n"
            "database size. With WORLD (a name or an indexed directory), only\n"
            "that world.\n",
    .run = cmd_stats,
    .opts = cmd_stats_opts,
};
