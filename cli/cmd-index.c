/* cmd-index.c — `acre index`: rebuild the registry's view of a world from
 * its git history, recording first ownership claims. */
#include "cli/store-cli.h"

#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>

struct index_opts {
	const char *registry, *rev;
	bool no_claims;
};

static bool index_opt(int c, const char *arg, void *ctx)
{
	struct index_opts *o = ctx;
	if (c == 'r')
		o->registry = arg;
	else if (c == 'R')
		o->rev = arg;
	else if (c == 'n')
		o->no_claims = true;
	return true;
}

/* A WORLD argument may name a bare repository (a server's copy), with the
 * world's subdirectory after it; without one, the current directory. */
static store_repo *index_repo(const char *arg)
{
	store_repo *r;
	store_err err;
	if (!arg)
		return cmd_store_repo(NULL);
	if (store_repo_open_at(arg, &r, &err) != 0) {
		cli_error("%s", err.msg);
		return NULL;
	}
	return r;
}

static int cmd_index(int argc, char **argv)
{
	static const struct option lo[] = {{"registry", required_argument, NULL, 'r'},
	                                   {"rev", required_argument, NULL, 'R'},
	                                   {"no-claims", no_argument, NULL, 'n'},
	                                   {NULL, 0, NULL, 0}};
	struct index_opts o = {0};
	store_index_report rep;
	store_err err;
	int n = cmd_store_args(&cmd_index_entry, argc, argv, "", lo, index_opt, &o);
	if (n < 0)
		return CLI_USAGE;
	if (n > 1)
		return cli_usage(&cmd_index_entry, "one world at a time");
	store_repo *r = index_repo(n ? argv[0] : NULL);
	if (!r)
		return CLI_USAGE;
	store_reg *g = cmd_store_registry(o.registry);
	int rc = g ? store_index(g, r, o.rev, !o.no_claims, &rep, &err) : -1;
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
		if (rep.not_login)
			cli_warn("%" PRId64
			         " new claims name an owner that is not a login (it has "
			         "blanks, like a display name); owners are logins: give "
			         "those parcels to their owners' logins with 'acre grant "
			         "--platform'",
			         rep.not_login);
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
    .usage = "[--rev REV] [--no-claims] [--registry FILE] [WORLD]",
    .summary = "index a world's history, parcels and owners in the registry",
    .help = "Rebuilds the registry's view of WORLD (default: the current\n"
            "directory) from its git repository: the world, the first-parent\n"
            "history of REV (default HEAD) and the parcels at REV. WORLD may be\n"
            "a bare repository (a git server's copy), followed by the world's\n"
            "subdirectory when it has one (srv/town.git/town). Safe to run again\n"
            "at any time; one transaction, so an interrupted index leaves the\n"
            "old one.\n"
            "\n"
            "Ownership: the first time a parcel is indexed, the owner named in\n"
            "world.acre is recorded as its claim (when no other claim of the world\n"
            "covers its land): this is how a platform imports a world, so name\n"
            "owners by their logins. After that the registry is the authority:\n"
            "editing the owner in the file changes nothing; 'acre grant' does.\n"
            "On a platform, parcels are claimed by the push that adds them, and\n"
            "the post-receive hook indexes with --no-claims (acre-history(7)).\n"
            "\n"
            "Worlds are keyed by repository: each repository (or world\n"
            "directory) indexed is its own land, whatever its world's name.\n"
            "\n"
            "Options:\n"
            "  --rev REV        index the world as it is at REV (default HEAD)\n"
            "  --no-claims      record no claims from the owners in the file\n"
            "  --registry FILE  the registry database (default: $ACRE_REGISTRY, else\n"
            "                   $XDG_DATA_HOME/acre/registry.db, else\n"
            "                   ~/.local/share/acre/registry.db)\n",
    .run = cmd_index,
};
