/* store-cli.c — helpers shared by the history and registry commands. */
#include "cli/store-cli.h"

#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* The one progress line of this process: shown once the command has run
 * for a second, redrawn at most ten times a second. */
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
	cmd_store_setup(r);
	return r;
}

void cmd_store_setup(store_repo *r)
{
	/* Reading history allocates and frees megabyte buffers over and over
	 * (libgit2 rebuilds each version of world.acre from its deltas). By
	 * default glibc serves those with fresh pages from the kernel each
	 * time, and the page faults cost more than the work: keep freed memory
	 * for reuse instead. These commands are short-lived. */
	mallopt(M_MMAP_THRESHOLD, 256 << 20);
	mallopt(M_TRIM_THRESHOLD, 512 << 20);
	/* The second counts from here, not from the first step reported: a
	 * command that reads and parses a large world first has been at work
	 * all that while. */
	if (!progress.started) {
		clock_gettime(CLOCK_MONOTONIC, &progress.start);
		progress.started = true;
	}
	if (isatty(2)) {
		store_repo_progress(r, progress_show, NULL);
		atexit(cmd_progress_clear);
	}
}

static store_reg *open_registry(const char *opt, bool write)
{
	store_reg *g;
	store_err err;
	char *path = store_registry_path(opt, &err);
	if (!path) {
		cli_error("%s", err.msg);
		return NULL;
	}
	int rc =
	    write ? store_reg_open(path, &g, &err) : store_reg_open_ro(path, &g, &err);
	free(path);
	if (rc != 0) {
		cli_error("%s", err.msg);
		return NULL;
	}
	return g;
}

store_reg *cmd_store_registry(const char *opt)
{
	return open_registry(opt, true);
}

store_reg *cmd_store_registry_ro(const char *opt)
{
	return open_registry(opt, false);
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
