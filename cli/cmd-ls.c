/* cmd-ls.c — `acre ls`: the worlds in the registry, or one world's parcels
 * with their owners and operators. */
#include "cli/store-cli.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

struct ls_opts {
	const char *registry;
};

static bool ls_opt(int c, const char *arg, void *ctx)
{
	struct ls_opts *o = ctx;
	if (c == 'r')
		o->registry = arg;
	return true;
}

static int ls_world(const store_world_row *w, void *arg)
{
	(void)arg;
	printf("%-24s %6" PRId64 " revision%-1s %6" PRId64 " parcel%-1s %6" PRId64
	       " claim%-1s %5" PRId64 " run%-1s  %-8s %s\n",
	       w->name, w->revisions, w->revisions == 1 ? "" : "s", w->parcels,
	       w->parcels == 1 ? "" : "s", w->claims, w->claims == 1 ? "" : "s",
	       w->runs, w->runs == 1 ? "" : "s",
	       w->last_status ? w->last_status : "-", w->dir ? w->dir : "-");
	return 0;
}

static int ls_parcel(const store_parcel_row *p, void *arg)
{
	(void)arg;
	char size[32];
	snprintf(size, sizeof size, "%dx%d", p->pw, p->ph);
	printf("%-20s %4d %4d %-7s %-12s %s", p->parcel, p->px, p->py, size,
	       p->zone ? p->zone : "-", p->owner ? p->owner : "-");
	for (int i = 0; i < p->noperators; i++)
		printf("%s%s", i ? "," : " operators ", p->operators[i]);
	if (p->owner)
		printf(" (%s by %s)", p->source ? p->source : "?",
		       p->by ? p->by : STORE_PLATFORM);
	putchar('\n');
	return 0;
}

/* A claim whose parcel is not in the indexed revision: its land is held
 * all the same, so it is listed, under a heading of its own. */
static int ls_claim(const store_parcel_row *p, void *arg)
{
	bool *first = arg;
	if (*first)
		printf("claimed, not in the indexed revision:\n");
	*first = false;
	return ls_parcel(p, NULL);
}

static int cmd_ls(int argc, char **argv)
{
	struct ls_opts o = {0};
	store_err err;
	int status;
	int n = cli_args(&cmd_ls_entry, argc, argv, ls_opt, &o, &status);
	if (n < 0)
		return status;
	if (n > 1)
		return cli_usage(&cmd_ls_entry, "one world at a time");
	store_reg *g = cmd_store_registry_ro(o.registry);
	if (!g)
		return CLI_USAGE;
	int rc;
	if (n == 0) {
		rc = store_list_worlds(g, ls_world, NULL, &err);
	} else {
		char *name = cmd_store_world(g, argv[0]);
		if (!name) {
			store_reg_close(g);
			return CLI_USAGE;
		}
		char **ops;
		int nops;
		rc = store_world_operators(g, name, &ops, &nops, &err);
		for (int i = 0; rc == 0 && i < nops; i++)
			printf("%s%s", i ? " " : "world operators: ", ops[i]);
		if (rc == 0 && nops)
			putchar('\n');
		if (rc == 0)
			store_names_free_n(ops, nops);
		printf("%-20s %4s %4s %-7s %-12s %s\n", "PARCEL", "X", "Y", "SIZE",
		       "ZONE", "OWNER");
		if (rc == 0)
			rc = store_list_parcels(g, name, ls_parcel, NULL, &err);
		bool first = true;
		if (rc == 0)
			rc = store_list_claims_elsewhere(g, name, ls_claim, &first, &err);
		free(name);
	}
	if (rc != 0)
		cli_error("%s", err.msg);
	store_reg_close(g);
	return rc == 0 ? CLI_OK : CLI_USAGE;
}

static const struct cli_opt cmd_ls_opts[] = {
	{"registry", 0, "FILE", "the registry database (see 'acre index --help')", 'r'},
	{NULL, 0, NULL, NULL, 0},
};

const struct cmd_entry cmd_ls_entry = {
    .name = "ls",
    .usage = "[WORLD]",
    .summary = "list the registry's worlds, or one world's parcels and owners",
    .help = "Without WORLD, one line per world and repository: revisions,\n"
            "parcels, claims, validation runs, the last run's status and the\n"
            "world directory. With WORLD (an indexed repository or world\n"
            "directory, or a world name), the world's operators, then one line\n"
            "per parcel: name, position and size in unit parcels, zone, owner\n"
            "(from the registry), operators, and how the owner got it (push,\n"
            "file or grant) and by whom ('acre who' shows the whole log); then\n"
            "the claims whose parcel is not in the indexed revision (it lives on\n"
            "another branch, or was removed), whose land is held all the same.\n"
            "Reads the registry only.\n",
    .run = cmd_ls,
    .opts = cmd_ls_opts,
};
