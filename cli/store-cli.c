/* store-cli.c — helpers shared by the history and registry commands. */
#include "cli/store-cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

store_repo *cmd_store_repo(const char *world)
{
	store_repo *r;
	store_err err;
	char *dir = cli_world_dir(world);
	if (!dir)
		return NULL;
	int rc = store_repo_open(dir, &r, &err);
	free(dir);
	if (rc != 0) {
		cli_error("%s", err.msg);
		return NULL;
	}
	return r;
}

store_reg *cmd_store_registry(const char *opt)
{
	store_reg *g;
	store_err err;
	char *path = store_registry_path(opt, &err);
	if (!path) {
		cli_error("%s", err.msg);
		return NULL;
	}
	int rc = store_reg_open(path, &g, &err);
	free(path);
	if (rc != 0) {
		cli_error("%s", err.msg);
		return NULL;
	}
	return g;
}

char *cmd_store_world(store_reg *g, const char *arg)
{
	store_err err;
	char *name;
	if (store_world_lookup(g, arg ? arg : ".", &name, &err) != 0) {
		cli_error("%s", err.msg);
		return NULL;
	}
	return name;
}

void cmd_store_date(const store_commit_info *c, char *buf, size_t len)
{
	time_t t = (time_t)(c->time + (int64_t)c->tz * 60);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(buf, len, "%Y-%m-%d %H:%M", &tm);
}
