/* cmd-index.c — `acre index`: rebuild the registry's view of a world from
 * its git history, recording first ownership claims. */
#include "cli/store-cli.h"

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
	cmd_store_setup(r);
	return r;
}

static int cmd_index(int argc, char **argv)
{
	struct index_opts o = {0};
	store_index_report rep;
	store_err err;
	int status;
	int n = cli_args(&cmd_index_entry, argc, argv, index_opt, &o, &status);
	if (n < 0)
		return status;
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
		printf("indexed %s: %" PRId64 " revision%s, %" PRId64 " parcel%s, %" PRId64
		       " new claim%s\n",
		       rep.world, rep.revisions, rep.revisions == 1 ? "" : "s",
		       rep.parcels, rep.parcels == 1 ? "" : "s", rep.claimed,
		       rep.claimed == 1 ? "" : "s");
		if (rep.kept)
			cli_warn("%" PRId64
			         " parcel%s name%s an owner in world.acre that the "
			         "registry does not record; the registry decides (see "
			         "'acre grant')",
			         rep.kept, rep.kept == 1 ? "" : "s", rep.kept == 1 ? "s" : "");
		if (rep.not_login)
			cli_warn("%" PRId64
			         " new claim%s name%s an owner that is not a login (it has "
			         "blanks, like a display name); owners are logins: give "
			         "those parcels to their owners' logins with 'acre grant "
			         "--platform'",
			         rep.not_login, rep.not_login == 1 ? "" : "s",
			         rep.not_login == 1 ? "s" : "");
		if (rep.refused)
			cli_warn("%" PRId64
			         " parcel%s %s not claimed: %s land overlaps "
			         "a claim of another parcel",
			         rep.refused, rep.refused == 1 ? "" : "s",
			         rep.refused == 1 ? "was" : "were",
			         rep.refused == 1 ? "its" : "their");
	}
	store_reg_close(g);
	store_repo_close(r);
	return rc == 0 ? CLI_OK : CLI_USAGE;
}

static const struct cli_opt cmd_index_opts[] = {
	{"rev", 0, "REV", "index the world as it is at REV (default HEAD)", 'R'},
	{"no-claims", 0, NULL, "record no claims from the owners in the file", 'n'},
	{"registry", 0, "FILE",
	 "the registry database (default: $ACRE_REGISTRY, else\n"
	 "$XDG_DATA_HOME/acre/registry.db, else\n"
	 "~/.local/share/acre/registry.db)",
	 'r'},
	{NULL, 0, NULL, NULL, 0},
};

const struct cmd_entry cmd_index_entry = {
    .name = "index",
    .usage = "[WORLD]",
    .summary = "index a world's history, parcels and owners in the registry",
    .help = "Rebuilds the registry's view of WORLD (default: the current\n"
            "directory) from its git repository: the world, the first-parent\n"
            "history of REV (default HEAD) and the parcels at REV. WORLD may be\n"
            "a bare repository (a git server's copy), followed by the world's\n"
            "subdirectory when it has one (srv/town.git/town). Safe to run again\n"
            "at any time; one transaction, so an interrupted index leaves the\n"
            "old one. Only what changed since the last index is written: the\n"
            "commits added since the head indexed then, and the parcels that\n"
            "differ.\n"
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
            "directory) indexed is its own land, whatever its world's name.\n",
    .run = cmd_index,
    .opts = cmd_index_opts,
};
