/* cmd-blame.c — `acre blame PARCEL`: which commit and author last changed
 * each row of a parcel's layout and each line of its script. */
#include "cli/store-cli.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

struct blame_opts {
	const char *world;
};

static bool blame_opt(int c, const char *arg, void *ctx)
{
	struct blame_opts *o = ctx;
	if (c == 'w')
		o->world = arg;
	return true;
}

static void blame_line(const store_blame_line *l, int n)
{
	char date[32] = "";
	const store_commit_info *c = &l->commit;
	if (c->author)
		cmd_store_date(c, date, sizeof date);
	printf("%.10s %-16.16s %-10.10s %4d  %s\n", c->author ? c->id : "?",
	       c->author ? c->author : "?", date, n, l->text ? l->text : "");
}

static int cmd_blame(int argc, char **argv)
{
	static const struct option lo[] = {{"world", required_argument, NULL, 'w'},
	                                   {NULL, 0, NULL, 0}};
	struct blame_opts o = {0};
	store_blame b;
	store_err err;
	int n = cmd_store_args(&cmd_blame_entry, argc, argv, "", lo, blame_opt, &o);
	if (n < 0)
		return CLI_USAGE;
	if (n != 1)
		return cli_usage(&cmd_blame_entry, "wants one parcel name");
	store_repo *r = cmd_store_repo(o.world);
	if (!r)
		return CLI_USAGE;
	int rc = store_blame_parcel(r, argv[0], &b, &err);
	cmd_progress_clear();
	if (rc != 0) {
		cli_error("%s", err.msg);
	} else {
		printf("parcel %s: layout, %d rows\n", b.parcel, b.nrows);
		for (int i = 0; i < b.nrows; i++)
			blame_line(&b.rows[i], i);
		if (b.script) {
			printf("parcel %s: script %s, %d lines\n", b.parcel, b.script,
			       b.nlines);
			for (int i = 0; i < b.nlines; i++)
				blame_line(&b.lines[i], i + 1);
		}
		store_blame_free(&b);
	}
	store_repo_close(r);
	return rc == 0 ? CLI_OK : CLI_USAGE;
}

const struct cmd_entry cmd_blame_entry = {
    .name = "blame",
    .usage = "[--world WORLD] PARCEL",
    .summary = "show who last changed each row and script line of a parcel",
    .help = "For each row of PARCEL's layout at HEAD (numbered from 0, top to\n"
            "bottom) and each line of its script (numbered from 1), the commit,\n"
            "author and date that last changed it, following first parents. A row\n"
            "counts as changed when its glyphs differ from the same row of the\n"
            "parcel before (moving the parcel changes no row; resizing it or\n"
            "creating it changes every row).\n"
            "\n"
            "Options:\n"
            "  --world WORLD  the world directory (default: the current directory)\n",
    .run = cmd_blame,
};
