/* cmd-grant.c — `acre grant`: the only way to change who owns or operates
 * a parcel, or who operates a world, once the registry has recorded it.
 * Every grant acts for someone (--as) and is checked and logged by the
 * store; --platform is the platform itself acting (whoever can write the
 * registry file), which is how a world gets its first operator. */
#include "cli/store-cli.h"

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
	struct grant_opts o = {0};
	store_err err;
	int status;
	int n = cli_args(&cmd_grant_entry, argc, argv, grant_opt, &o, &status);
	if (n < 0)
		return status;
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

static const struct cli_opt cmd_grant_opts[] = {
	{"as", 0, "IDENTITY", "who grants: the parcel's owner or an operator of the\nworld", 'a'},
	{"platform", 0, NULL, "the platform itself grants (no check)", 'p'},
	{"operator", 0, NULL,
	 "add IDENTITY as an operator instead of making it the\n"
	 "owner (the parcel must have an owner)",
	 'o'},
	{"world-operator", 0, NULL, "add IDENTITY as an operator of the whole world", 'W'},
	{"revoke", 0, NULL, "with --operator or --world-operator: remove it", 'x'},
	{"world", 0, "WORLD",
	 "an indexed repository or world directory, or a world\n"
	 "name (default: the current directory)",
	 'w'},
	{"registry", 0, "FILE", "the registry database (see 'acre index --help')", 'r'},
	{NULL, 0, NULL, NULL, 0},
};

const struct cmd_entry cmd_grant_entry = {
    .name = "grant",
    .usage = "PARCEL IDENTITY | --world-operator IDENTITY",
    .summary = "give a parcel to a new owner, or add or remove an operator",
    .help = "The registry is the authority on ownership; this is the only command\n"
            "that changes it after a parcel's first claim (made by the push that\n"
            "adds the parcel, or by 'acre index' when a world is imported). An\n"
            "owner may modify the parcel; so may each of its operators and each\n"
            "operator of the world ('acre check --as IDENTITY').\n"
            "\n"
            "Who may grant: the parcel's owner, or an operator of the world, named\n"
            "with --as (a login, as the git server's hook names pushers); one of\n"
            "--as and --platform is required. Unclaimed land is granted only by an\n"
            "operator of the world. --platform acts as the platform itself\n"
            "(whoever can write the registry file), which is how a world gets its\n"
            "first operator. Every grant and revoke is logged with who did it and\n"
            "when ('acre who' shows the log).\n"
            "\n"
            "Exit status: 0 done, 1 refused (not allowed, or the land is taken),\n"
            "2 usage or environment error.\n",
    .run = cmd_grant,
    .opts = cmd_grant_opts,
};
