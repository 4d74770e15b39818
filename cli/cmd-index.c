/* cmd-index.c — `acre index`: rebuild the registry's view of a world from
 * its git history, recording first ownership claims. */
#include "cli/store-cli.h"

#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>

struct index_opts {
	const char *registry;
};

static bool index_opt(int c, const char *arg, void *ctx)
{
	struct index_opts *o = ctx;
	if (c == 'r')
		o->registry = arg;
	return true;
}

static int cmd_index(int argc, char **argv)
{
	static const struct option lo[] = {{"registry", required_argument, NULL, 'r'},
	                                   {NULL, 0, NULL, 0}};
	struct index_opts o = {0};
	store_index_report rep;
	store_err err;
	int n = cmd_store_args(&cmd_index_entry, argc, argv, "", lo, index_opt, &o);
	if (n < 0)
		return CLI_USAGE;
	if (n > 1)
		return cli_usage(&cmd_index_entry, "one world at a time");
	store_repo *r = cmd_store_repo(n ? argv[0] : NULL);
	if (!r)
		return CLI_USAGE;
	store_reg *g = cmd_store_registry(o.registry);
	int rc = g ? store_index(g, r, &rep, &err) : -1;
	cmd_progress_clear();
	if (g && rc != 0)
		cli_error("%s", err.msg);
	if (rc == 0) {
		printf("indexed %s: %" PRId64 " revisions, %" PRId64 " parcels, %" PRId64
		       " new claims\n",
		       rep.world, rep.revisions, rep.parcels, rep.claimed);
		if (rep.kept)
			cli_warn("%" PRId64
			         " parcels name an owner in world.acre that the "
			         "registry does not record; the registry decides (see "
			         "'acre grant')",
			         rep.kept);
		if (rep.refused)
			cli_warn("%" PRId64
			         " parcels were not claimed: their land overlaps "
			         "a claim of another parcel",
			         rep.refused);
	}
	store_reg_close(g);
	store_repo_close(r);
	return rc == 0 ? CLI_OK : CLI_USAGE;
}

const struct cmd_entry cmd_index_entry = {
    .name = "index",
    .usage = "[--registry FILE] [WORLD]",
    .summary = "index a world's history, parcels and owners in the registry",
    .help = "Rebuilds the registry's view of WORLD (default: the current\n"
            "directory) from its git repository: the world, the first-parent\n"
            "history of HEAD and the parcels at HEAD. Safe to run again at any\n"
            "time; one transaction, so an interrupted index leaves the old one.\n"
            "\n"
            "Ownership: the first time a parcel is indexed, the owner named in\n"
            "world.acre is recorded as its claim (when no other claim of the world\n"
            "covers its land). After that the registry is the authority: editing\n"
            "the owner in the file changes nothing; 'acre grant' does.\n"
            "\n"
            "Worlds are known by the name in their `world` statement; every\n"
            "repository (clone) of a world shares its claims.\n"
            "\n"
            "Options:\n"
            "  --registry FILE  the registry database (default: $ACRE_REGISTRY, else\n"
            "                   $XDG_DATA_HOME/acre/registry.db, else\n"
            "                   ~/.local/share/acre/registry.db)\n",
    .run = cmd_index,
};
