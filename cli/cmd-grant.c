/* cmd-grant.c — `acre grant`: the only way to change who owns or operates
 * a parcel once the registry has recorded it. */
#include "cli/store-cli.h"

#include <stdio.h>
#include <stdlib.h>

struct grant_opts {
	const char *registry, *world;
	bool operator, revoke;
};

static bool grant_opt(int c, const char *arg, void *ctx)
{
	struct grant_opts *o = ctx;
	if (c == 'r')
		o->registry = arg;
	else if (c == 'w')
		o->world = arg;
	else if (c == 'o')
		o->operator= true;
	else if (c == 'x')
		o->revoke = true;
	return true;
}

static int cmd_grant(int argc, char **argv)
{
	struct grant_opts o = {0};
	store_err err;
	int status;
	int n = cli_args(&cmd_grant_entry, argc, argv, grant_opt, &o, &status);
	if (n < 0)
		return status;
	if (n != 2)
		return cli_usage(&cmd_grant_entry, "wants a PARCEL and an IDENTITY");
	if (o.revoke && !o.operator)
		return cli_usage(&cmd_grant_entry,
		                 "--revoke removes an operator: add "
		                 "--operator (owners change by granting "
		                 "to someone else)");
	store_reg *g = cmd_store_registry(o.registry);
	char *name = g ? cmd_store_world(g, o.world) : NULL;
	if (!name) {
		store_reg_close(g);
		return CLI_USAGE;
	}
	int rc = o.revoke ? store_revoke(g, name, argv[0], argv[1], &err)
	                  : store_grant(g, name, argv[0], argv[1], o.operator, & err);
	if (rc != 0)
		cli_error("%s", err.msg);
	else if (o.revoke)
		printf("%s: %s no longer operates %s\n", name, argv[1], argv[0]);
	else
		printf("%s: %s %s %s\n", name, argv[1],
		       o.operator? "now operates" : "now owns", argv[0]);
	free(name);
	store_reg_close(g);
	return rc == 0 ? CLI_OK : CLI_USAGE;
}

static const struct cli_opt cmd_grant_opts[] = {
	{"registry", 0, "FILE", "the registry database (see 'acre index --help')", 'r'},
	{"world", 0, "WORLD",
	 "a world name or indexed directory (default: the\n"
	 "current directory)",
	 'w'},
	{"operator", 0, NULL,
	 "add IDENTITY as an operator instead of making it the\n"
	 "owner (the parcel must have an owner)",
	 'o'},
	{"revoke", 0, NULL, "with --operator: remove IDENTITY as an operator", 'x'},
	{NULL, 0, NULL, NULL, 0},
};

const struct cmd_entry cmd_grant_entry = {
    .name = "grant",
    .usage = "PARCEL IDENTITY",
    .summary = "give a parcel to a new owner, or add or remove an operator",
    .help = "The registry is the authority on ownership; this is the only command\n"
            "that changes it after a parcel's first claim (see 'acre index'). An\n"
            "owner may modify the parcel; so may each of its operators ('acre check\n"
            "--as IDENTITY'). Identities are compared exactly.\n",
    .run = cmd_grant,
    .opts = cmd_grant_opts,
};
