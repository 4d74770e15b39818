/* cmd-who.c — `acre who X Y`: who holds the tile at (X, Y). */
#include "cli/store-cli.h"

#include <stdio.h>
#include <stdlib.h>

struct who_opts {
	const char *registry;
};

static bool who_opt(int c, const char *arg, void *ctx)
{
	struct who_opts *o = ctx;
	if (c == 'r')
		o->registry = arg;
	return true;
}

static void who_print(const store_parcel_row *p, int64_t x, int64_t y)
{
	printf("%ld %ld: parcel %s of %s (tiles %d..%d, %d..%d)\n", (long)x, (long)y,
	       p->parcel, p->world, p->x0, p->x1 - 1, p->y0, p->y1 - 1);
	printf("owner: %s\n", p->owner ? p->owner : "(unclaimed)");
	if (p->noperators) {
		printf("operators:");
		for (int i = 0; i < p->noperators; i++)
			printf(" %s", p->operators[i]);
		putchar('\n');
	}
	printf("zone: %s\n", p->zone ? p->zone : "(none)");
	if (p->script)
		printf("script: %s\n", p->script);
}

static int cmd_who(int argc, char **argv)
{
	struct who_opts o = {0};
	store_parcel_row p;
	store_err err;
	int64_t x, y;
	bool found;
	int status;
	int n = cli_args(&cmd_who_entry, argc, argv, who_opt, &o, &status);
	if (n < 0)
		return status;
	if (n < 2 || n > 3)
		return cli_usage(&cmd_who_entry, "wants tile coordinates X and Y");
	if (!cli_parse_int(&cmd_who_entry, "X", argv[0], 0, INT32_MAX, &x) ||
	    !cli_parse_int(&cmd_who_entry, "Y", argv[1], 0, INT32_MAX, &y))
		return CLI_USAGE;
	store_reg *g = cmd_store_registry(o.registry);
	char *name = g ? cmd_store_world(g, n == 3 ? argv[2] : NULL) : NULL;
	if (!name) {
		store_reg_close(g);
		return CLI_USAGE;
	}
	int rc = store_who(g, name, (int32_t)x, (int32_t)y, &p, &found, &err);
	if (rc != 0)
		cli_error("%s", err.msg);
	else if (!found)
		printf("%ld %ld: no parcel of %s covers this tile\n", (long)x, (long)y,
		       name);
	else
		who_print(&p, x, y);
	store_parcel_row_free(&p);
	free(name);
	store_reg_close(g);
	return rc != 0 ? CLI_USAGE : found ? CLI_OK : CLI_INVALID;
}

static const struct cli_opt cmd_who_opts[] = {
	{"registry", 0, "FILE", "the registry database (see 'acre index --help')", 'r'},
	{NULL, 0, NULL, NULL, 0},
};

const struct cmd_entry cmd_who_entry = {
    .name = "who",
    .usage = "X Y [WORLD]",
    .summary = "show the parcel, owner and operators of the tile at X Y",
    .help = "X and Y are tile coordinates from the world's top-left corner.\n"
            "WORLD is a world name or an indexed world directory (default: the\n"
            "current directory). Answers from the registry: run 'acre index'\n"
            "after changing the world. Exits 1 when no parcel covers the tile.\n",
    .run = cmd_who,
    .opts = cmd_who_opts,
};
