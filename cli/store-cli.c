/* store-cli.c — helpers shared by the history and registry commands. */
#include "cli/store-cli.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* The one progress line of this process: shown once a walk has run for a
 * second, redrawn at most ten times a second. */
static struct {
	struct timespec start, last;
	bool started, shown;
} progress;

static double since(const struct timespec *t)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - t->tv_sec) + (double)(now.tv_nsec - t->tv_nsec) / 1e9;
}

static void progress_show(const char *what, uint64_t done, uint64_t total, void *arg)
{
	(void)arg;
	if (!progress.started) {
		clock_gettime(CLOCK_MONOTONIC, &progress.start);
		progress.started = true;
		return;
	}
	if (since(&progress.start) < 1.0 || (progress.shown && since(&progress.last) < 0.1))
		return;
	clock_gettime(CLOCK_MONOTONIC, &progress.last);
	if (total)
		fprintf(stderr, "\racre: %s: %llu/%llu (%llu%%)\033[K", what,
		        (unsigned long long)done, (unsigned long long)total,
		        (unsigned long long)(done * 100 / total));
	else
		fprintf(stderr, "\racre: %s: %llu commits\033[K", what, (unsigned long long)done);
	progress.shown = true;
}

void cmd_progress_clear(void)
{
	if (progress.shown)
		fprintf(stderr, "\r\033[K");
	progress.shown = false;
}

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
	if (isatty(2)) {
		store_repo_progress(r, progress_show, NULL);
		atexit(cmd_progress_clear);
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

int cmd_store_args(const struct cmd_entry *e, int argc, char **argv,
                   const char *shortopts, const struct option *longopts,
                   bool (*fn)(int c, const char *arg, void *ctx), void *ctx)
{
	char spec[64];
	int c, npos = 0;
	snprintf(spec, sizeof spec, ":%s", shortopts);
	opterr = 0;
	optind = 1;
	/* Permuting getopt lets options follow positional arguments
	 * ("acre log world --parcel x"); "--" ends the options. */
	while ((c = getopt_long(argc, argv, spec, longopts, NULL)) != -1) {
		if (c == '?') {
			if (optopt)
				cli_usage(e, "unknown option '-%c'", optopt);
			else
				cli_usage(e, "unknown option '%s'", argv[optind - 1]);
			return -1;
		}
		if (c == ':') {
			cli_usage(e, "option '%s' wants a value", argv[optind - 1]);
			return -1;
		}
		if (!fn(c, optarg, ctx))
			return -1;
	}
	for (int i = optind; i < argc; i++)
		argv[npos++] = argv[i];
	return npos;
}
