/* cmd-grant.c — `acre grant`: the only way to change who owns or operates
 * a parcel, or who operates a world, once the registry has recorded it.
 * Every grant acts for someone (--as) and is checked and logged by the
 * store; --platform is the platform itself acting (whoever can write the
 * registry file), which is how a world gets its first operator. */
#include "cli/store-cli.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

struct grant_opts {
	const char *registry, *world, *as;
	bool as_operator, revoke, world_operator, platform;
};

static bool grant_opt(int c, const char *arg, void *ctx)
{
	struct grant_opts *o = ctx;
	if (c == 'r')
		o->registry = arg;
	else if (c == 'w')
		o->world = arg;
	else if (c == 'a')
		o->as = arg;
	else if (c == 'o')
		o->as_operator = true;
	else if (c == 'x')
		o->revoke = true;
	else if (c == 'W')
		o->world_operator = true;
	else if (c == 'p')
		o->platform = true;
	return true;
}

/* The usage errors, or NULL. `n` is the number of positional arguments. */
static const char *grant_misuse(const struct grant_opts *o, int n)
{
	if (o->world_operator && n != 1)
		return "--world-operator wants one IDENTITY";
	if (!o->world_operator && n != 2)
		return "wants a PARCEL and an IDENTITY";
	if (o->world_operator && o->as_operator)
		return "--world-operator and --operator do not go together";
	if (o->revoke && !o->as_operator && !o->world_operator)
		return "--revoke removes an operator: add --operator (owners change "
		       "by granting to someone else) or --world-operator";
	if (!o->as == !o->platform)
		return "say who grants: --as IDENTITY (the parcel's owner or an "
		       "operator of the world), or --platform";
	if (o->as && !*o->as)
		return "--as needs an identity";
	return NULL;
}

static int cmd_grant(int argc, char **argv)
{
	static const struct option lo[] = {{"registry", required_argument, NULL, 'r'},
	                                   {"world", required_argument, NULL, 'w'},
	                                   {"as", required_argument, NULL, 'a'},
	                                   {"operator", no_argument, NULL, 'o'},
	                                   {"revoke", no_argument, NULL, 'x'},
	                                   {"world-operator", no_argument, NULL, 'W'},
	                                   {"platform", no_argument, NULL, 'p'},
	                                   {NULL, 0, NULL, 0}};
	struct grant_opts o = {0};
	store_err err;
	int n = cmd_store_args(&cmd_grant_entry, argc, argv, "", lo, grant_opt, &o);
	if (n < 0)
		return CLI_USAGE;
	const char *bad = grant_misuse(&o, n);
	if (bad)
		return cli_usage(&cmd_grant_entry, "%s", bad);
	store_reg *g = cmd_store_registry(o.registry);
	char *world = g ? cmd_store_world(g, o.world) : NULL;
	if (!world) {
		store_reg_close(g);
		return CLI_USAGE;
	}
	const char *by = o.platform ? NULL : o.as;
	const char *who = by ? by : STORE_PLATFORM;
	int rc;
	if (o.world_operator)
		rc = store_grant_world(g, world, argv[0], o.revoke, by, &err);
	else if (o.revoke)
		rc = store_revoke(g, world, argv[0], argv[1], by, &err);
	else
		rc = store_grant(g, world, argv[0], argv[1], o.as_operator, by, &err);
	if (rc != 0)
		cli_error("%s", err.msg);
	else if (o.world_operator)
		printf("%s %s the world (by %s)\n", argv[0],
		       o.revoke ? "no longer operates" : "now operates", who);
	else if (o.revoke)
		printf("%s no longer operates %s (by %s)\n", argv[1], argv[0], who);
	else
		printf("%s %s %s (by %s)\n", argv[1],
		       o.as_operator ? "now operates" : "now owns", argv[0], who);
	free(world);
	store_reg_close(g);
	return rc == 0 ? CLI_OK : rc > 0 ? CLI_INVALID : CLI_USAGE;
}

const struct cmd_entry cmd_grant_entry = {
    .name = "grant",
    .usage = "(--as IDENTITY | --platform) [--operator [--revoke]] [--world WORLD] "
             "[--registry FILE] PARCEL IDENTITY\n"
             "       (--as IDENTITY | --platform) --world-operator [--revoke] "
             "[--world WORLD] [--registry FILE] IDENTITY",
    .summary = "give a parcel to a new owner, or add or remove an operator",
    .help = "The registry is the authority on ownership; this is the only command\n"
            "that changes it after a parcel's first claim (made by the push that\n"
            "adds the parcel, or by 'acre index' when a world is imported). An\n"
            "owner may modify the parcel; so may each of its operators and each\n"
            "operator of the world ('acre check --as IDENTITY').\n"
            "\n"
            "Who may grant: the parcel's owner, or an operator of the world, named\n"
            "with --as (a login, as the git server's hook names pushers). Unclaimed\n"
            "land is granted only by an operator of the world. --platform acts as\n"
            "the platform itself (whoever can write the registry file), which is\n"
            "how a world gets its first operator. Every grant and revoke is logged\n"
            "with who did it and when ('acre who' shows the log).\n"
            "\n"
            "Options:\n"
            "  --as IDENTITY     who grants (checked as above)\n"
            "  --platform        the platform grants (no check)\n"
            "  --operator        add IDENTITY as an operator instead of making it the\n"
            "                    owner (the parcel must have an owner)\n"
            "  --world-operator  add IDENTITY as an operator of the whole world\n"
            "  --revoke          with --operator or --world-operator: remove it\n"
            "  --world WORLD     an indexed repository or world directory, or a\n"
            "                    world name (default: the current directory)\n"
            "  --registry FILE   the registry database (see 'acre index --help')\n"
            "\n"
            "Exit status: 0 done, 1 refused (not allowed, or the land is taken),\n"
            "2 usage or environment error.\n",
    .run = cmd_grant,
};
