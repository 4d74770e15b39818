/* cmd-who.c — `acre who X Y`: who holds the tile at (X, Y). */
#include "cli/store-cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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

static void who_time(int64_t t, char *buf, size_t len)
{
	time_t tt = (time_t)t;
	struct tm tm;
	gmtime_r(&tt, &tm);
	strftime(buf, len, "%Y-%m-%d %H:%M:%S UTC", &tm);
}

/* What the log of grants says, one line per grant. */
static int who_log(const store_grant_row *r, void *arg)
{
	char when[64];
	(void)arg;
	who_time(r->at, when, sizeof when);
	if (!r->parcel)
		printf("  %s  %s %s (by %s)\n", when, r->action, r->identity, r->by);
	else
		printf("  %s  %s %s: %s (by %s)\n", when, r->action, r->parcel,
		       r->identity, r->by);
	return 0;
}

static void who_print(const store_parcel_row *p, int64_t x, int64_t y)
{
	char when[64];
	printf("%ld %ld: parcel %s of %s (tiles %d..%d, %d..%d)\n", (long)x, (long)y,
	       p->parcel, p->world, p->x0, p->x1 - 1, p->y0, p->y1 - 1);
	if (p->owner) {
		who_time(p->since, when, sizeof when);
		printf("owner: %s (%s by %s, %s)\n", p->owner,
		       p->source && strcmp(p->source, "push") == 0   ? "claimed by a push"
		       : p->source && strcmp(p->source, "file") == 0 ? "claimed at import"
		                                                     : "granted",
		       p->by ? p->by : STORE_PLATFORM, when);
	} else {
		printf("owner: (unclaimed)\n");
	}
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
	store_reg *g = cmd_store_registry_ro(o.registry);
	char *name = g ? cmd_store_world(g, n == 3 ? argv[2] : NULL) : NULL;
	if (!name) {
		store_reg_close(g);
		return CLI_USAGE;
	}
	int rc = store_who(g, name, (int32_t)x, (int32_t)y, &p, &found, &err);
	bool held = false;
	store_parcel_row c = {0};
	if (rc == 0 && !found)
		rc = store_claim_at(g, name, (int32_t)x, (int32_t)y, &c, &held, &err);
	if (rc != 0)
		cli_error("%s", err.msg);
	else if (!found) {
		printf("%ld %ld: no parcel of %s covers this tile\n", (long)x, (long)y,
		       name);
		/* The land may still be held by a parcel on another branch. */
		if (held)
			printf("claimed by parcel %s of %s, which is not in the indexed "
			       "revision\n",
			       c.parcel, c.owner);
	} else {
		who_print(&p, x, y);
		char **ops;
		int nops;
		if (store_world_operators(g, name, &ops, &nops, &err) == 0) {
			for (int i = 0; i < nops; i++)
				printf("%s%s", i ? " " : "world operators: ", ops[i]);
			if (nops)
				putchar('\n');
			store_names_free_n(ops, nops);
		}
		printf("grants:\n");
		if (store_grant_log(g, name, p.parcel, who_log, NULL, &err) != 0) {
			cli_error("%s", err.msg);
			rc = -1;
		}
	}
	store_parcel_row_free(&p);
	store_parcel_row_free(&c);
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
            "WORLD is an indexed repository (a bare one too) or world directory,\n"
            "or a world name (default: the current directory). Answers from the\n"
            "registry: the parcel as last indexed, its owner (how, by whom and\n"
            "when it was claimed or granted), its operators, the operators of\n"
            "the world, and the log of every grant on the parcel. Reads the\n"
            "registry only. Exits 1 when no parcel covers the tile.\n",
    .run = cmd_who,
    .opts = cmd_who_opts,
};
