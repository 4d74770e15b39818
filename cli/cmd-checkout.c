/* cmd-checkout.c — `acre checkout REV`: travel in time, never losing
 * uncommitted work. */
#include "cli/store-cli.h"

#include <stdio.h>

struct checkout_opts {
	const char *world;
};

static bool checkout_opt(int c, const char *arg, void *ctx)
{
	struct checkout_opts *o = ctx;
	if (c == 'w')
		o->world = arg;
	return true;
}

static int cmd_checkout(int argc, char **argv)
{
	struct checkout_opts o = {0};
	char hex[STORE_OID_HEX];
	store_err err;
	int status;
	int n = cli_args(&cmd_checkout_entry, argc, argv, checkout_opt, &o, &status);
	if (n < 0)
		return status;
	if (n != 1)
		return cli_usage(&cmd_checkout_entry, "wants one revision");
	store_repo *r = cmd_store_repo(o.world);
	if (!r)
		return CLI_USAGE;
	int rc = store_checkout(r, argv[0], &err);
	if (rc == 0)
		rc = store_resolve(r, "HEAD", hex, &err);
	if (rc != 0)
		cli_error("%s", err.msg);
	else
		printf("now at %.10s (%s)\n", hex, argv[0]);
	store_repo_close(r);
	return rc == 0 ? CLI_OK : CLI_USAGE;
}

static const struct cli_opt cmd_checkout_opts[] = {
	{"world", 0, "WORLD",
	 "the world directory (default: the current directory)",
	 'w'},
	{NULL, 0, NULL, NULL, 0},
};

const struct cmd_entry cmd_checkout_entry = {
    .name = "checkout",
    .usage = "REV",
    .summary = "switch the world to another revision or branch",
    .help = "Makes the working tree of the world what it was at REV: a branch\n"
            "name attaches HEAD to that branch; any other revision (a commit id,\n"
            "a tag, HEAD~3 ...) detaches HEAD there, for looking around: commit\n"
            "refuses to work on a detached HEAD, so check out a branch again\n"
            "before committing. Refuses, changing nothing, when world.acre,\n"
            "scripts/ or assets/ hold uncommitted changes or new files.\n",
    .run = cmd_checkout,
    .opts = cmd_checkout_opts,
};
