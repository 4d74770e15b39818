/* cmd-blame.c — `acre blame PARCEL`: which commit and author last changed
 * each row of a parcel's layout and each line of its script. */
#include "cli/store-cli.h"

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
	struct blame_opts o = {0};
	store_blame b;
	store_err err;
	int status;
	int n = cli_args(&cmd_blame_entry, argc, argv, blame_opt, &o, &status);
	if (n < 0)
		return status;
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
		printf("parcel %s: layout, %d row%s\n", b.parcel, b.nrows,
		       b.nrows == 1 ? "" : "s");
		for (int i = 0; i < b.nrows; i++)
			blame_line(&b.rows[i], i);
		if (b.script) {
			printf("parcel %s: script %s, %d line%s\n", b.parcel, b.script,
			       b.nlines, b.nlines == 1 ? "" : "s");
			for (int i = 0; i < b.nlines; i++)
				blame_line(&b.lines[i], i + 1);
		}
		store_blame_free(&b);
	}
	store_repo_close(r);
	return rc == 0 ? CLI_OK : CLI_USAGE;
}

static const struct cli_opt cmd_blame_opts[] = {
	{"world", 0, "WORLD",
	 "the world directory (default: the current directory)",
	 'w'},
	{NULL, 0, NULL, NULL, 0},
};

const struct cmd_entry cmd_blame_entry = {
    .name = "blame",
    .usage = "PARCEL",
    .summary = "show who last changed each row and script line of a parcel",
    .help = "For each row of PARCEL's layout at HEAD (numbered from 0, top to\n"
            "bottom) and each line of its script (numbered from 1), the commit,\n"
            "author and date that last changed it, following first parents. A row\n"
            "counts as changed when its glyphs differ from the same row of the\n"
            "parcel before (moving the parcel changes no row; resizing it or\n"
            "creating it changes every row).\n",
    .run = cmd_blame,
    .opts = cmd_blame_opts,
};
