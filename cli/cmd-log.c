/* cmd-log.c — `acre log`: the world's history, or one parcel's. */
#include "cli/store-cli.h"

#include <getopt.h>
#include <stdio.h>

struct log_opts {
	const char *parcel, *rev;
	int64_t limit;
};

static bool log_opt(int c, const char *arg, void *ctx)
{
	struct log_opts *o = ctx;
	if (c == 'p')
		o->parcel = arg;
	else if (c == 'r')
		o->rev = arg;
	else if (c == 'n')
		return cli_parse_int(&cmd_log_entry, "-n", arg, 1, INT32_MAX, &o->limit);
	return true;
}

static int log_line(const store_commit_info *c, void *arg)
{
	char date[32];
	(void)arg;
	cmd_store_date(c, date, sizeof date);
	cmd_progress_clear();
	printf("%.10s %s %-16s %s\n", c->id, date, c->author, c->summary);
	return 0;
}

static int cmd_log(int argc, char **argv)
{
	static const struct option lo[] = {{"parcel", required_argument, NULL, 'p'},
	                                   {"rev", required_argument, NULL, 'r'},
	                                   {NULL, 0, NULL, 0}};
	struct log_opts o = {0};
	store_err err;
	int n = cmd_store_args(&cmd_log_entry, argc, argv, "n:", lo, log_opt, &o);
	if (n < 0)
		return CLI_USAGE;
	if (n > 1)
		return cli_usage(&cmd_log_entry, "one world at a time");
	store_repo *r = cmd_store_repo(n ? argv[0] : NULL);
	if (!r)
		return CLI_USAGE;
	int rc = store_log(r, o.rev, o.parcel, (int)o.limit, log_line, NULL, &err);
	if (rc != 0)
		cli_error("%s", err.msg);
	store_repo_close(r);
	return rc == 0 ? CLI_OK : CLI_USAGE;
}

const struct cmd_entry cmd_log_entry = {
    .name = "log",
    .usage = "[--parcel NAME] [-n N] [--rev REV] [WORLD]",
    .summary = "show the world's history, or one parcel's",
    .help = "One line per commit, newest first, following first parents: the\n"
            "abbreviated commit id, date, author and summary. Without --parcel,\n"
            "the commits that changed any of the world's files; with it, only\n"
            "those that changed that parcel: its position, size, owner, zone,\n"
            "tiles, entities or attributes (comments and formatting do not\n"
            "count), or the contents of its script or its entities' scripts.\n"
            "\n"
            "Options:\n"
            "  --parcel NAME  only commits that changed parcel NAME\n"
            "  -n N           at most N commits\n"
            "  --rev REV      start from REV instead of HEAD\n",
    .run = cmd_log,
};
