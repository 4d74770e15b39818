/* shares.c — each parcel's use of its instruction and memory budgets from
 * the last check, kept for the editor (its budget heat map and parcel
 * panel show them before anything is submitted).
 *
 * Every `acre check` of a working tree whose scripts ran writes a small
 * text file (atomically; a cache: delete it at will) that is never part of
 * the world: in a repository, in the git directory of the work tree
 * (a linked worktree's own) as acre/budget (acre/budget-a+b for a world in
 * the subdirectory a/b), so that it shows in no `git status` and travels
 * with no copy of the world; elsewhere beside world.acre as
 * .world.acre.budget.
 *
 *   acre-budget 1
 *   revision HEX          (the commit checked, or "-" for a changed tree)
 *   at UNIX-SECONDS
 *   ticks N
 *   parcel NAME PEAK-INSTRUCTIONS INSTRUCTION-LIMIT PEAK-BYTES MEMORY-LIMIT
 *   …                     (one line per parcel whose scripts ran)
 *
 * The limits are the ones the parcel ran with, so a share is the check's
 * own figure even after the budget is edited. */
#include "check/check-int.h"
#include "stdlib/api.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define SHARES_FILE  ".world.acre.budget"

/* Where the shares of the world in `dir` live (see above); malloc'd, NULL
 * when out of memory. `r` is the world's repository when already open. */
static char *shares_path(const char *dir, store_repo *r)
{
	store_repo *own = NULL;
	store_err err;
	if (!r && store_repo_open(dir, &own, &err) == 0)
		r = own;
	char *path = NULL;
	if (r) {
		const char *g = store_repo_gitdir(r), *pre = store_repo_prefix(r);
		char sub[4096];
		snprintf(sub, sizeof sub, "%s", pre);
		size_t n = strlen(sub);
		if (n && sub[n - 1] == '/')
			sub[--n] = '\0';
		for (char *c = sub; *c; c++)
			if (*c == '/')
				*c = '+';
		if (asprintf(&path, "%sacre", g) >= 0) {
			mkdir(path, 0777); /* there already, or the write fails */
			free(path);
			if (asprintf(&path, "%sacre/budget%s%s", g, n ? "-" : "", sub) < 0)
				path = NULL;
		} else {
			path = NULL;
		}
	} else if (asprintf(&path, "%s/" SHARES_FILE, dir) < 0) {
		path = NULL;
	}
	if (own)
		store_repo_close(own);
	return path;
}

/* The digits of v at the end of buf (which has room for 21 bytes before
 * `end`); returns where they start. */
static char *digits(char *end, int64_t v)
{
	uint64_t u = v < 0 ? -(uint64_t)v : (uint64_t)v;
	do
		*--end = (char)('0' + u % 10);
	while (u /= 10);
	if (v < 0)
		*--end = '-';
	return end;
}

/* One parcel line (see above), put together by hand: printf costs more
 * than the rest of writing the file, on the Street's 6,367 lines. */
static int put_parcel(wf_buf *b, const char *name, const int64_t v[4])
{
	char line[512], num[24];
	size_t n = strlen(name);
	if (n > 256)
		return -1; /* names are far shorter (WF_MAX_NAME) */
	memcpy(line, "parcel ", 7);
	memcpy(line + 7, name, n);
	n += 7;
	for (int k = 0; k < 4; k++) {
		char *d = digits(num + sizeof num, v[k]);
		size_t len = (size_t)(num + sizeof num - d);
		line[n++] = ' ';
		memcpy(line + n, d, len);
		n += len;
	}
	line[n++] = '\n';
	return wf_buf_put(b, line, n);
}

/* Replace the file at path by data, through a temporary file and a
 * rename, so that a reader sees the old file or the new one. No fsync: the
 * file is a cache, and on a busy disk an fsync can take longer than the
 * rest of a --base check; after a crash the old file or an unreadable one
 * is no worse than none. */
static void save_cache(const char *path, const char *data, size_t len)
{
	char *tmp;
	/* The process id makes the name this process's own: O_TRUNC only
	 * ever takes over what a dead process with the same id left. */
	if (asprintf(&tmp, "%s.tmp.%ld", path, (long)getpid()) < 0)
		return;
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0666);
	bool ok = fd >= 0;
	for (size_t off = 0; ok && off < len;) {
		ssize_t w = write(fd, data + off, len - off);
		if (w < 0 && errno == EINTR)
			continue;
		ok = w > 0;
		off += ok ? (size_t)w : 0;
	}
	if (fd >= 0 && close(fd) != 0)
		ok = false;
	if (!ok || rename(tmp, path) != 0)
		unlink(tmp);
	free(tmp);
}

static int put(wf_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int put(wf_buf *b, const char *fmt, ...)
{
	char line[512];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof line)
		return -1;
	return wf_buf_put(b, line, (size_t)n);
}

int check_shares_write(check_ctx *c)
{
	const check_report *r = &c->rep;
	/* Only the working tree's figures: a check of another revision (--rev)
	 * says nothing of the world the editor opens. */
	if (c->rev || !c->w || !r->ran)
		return 0;
	wf_buf b = {0};
	int rc = put(&b, CHECK_SHARES_MAGIC "revision %s\nat %lld\nticks %lld\n",
	             c->head[0] ? c->head : "-", (long long)time(NULL),
	             (long long)r->ticks);
	api_opts o = {0}; /* a check runs with the budgets of the file */
	for (int i = 0; rc == 0 && i < c->w->nparcels; i++) {
		const wf_parcel *p = &c->w->parcels[i];
		const check_parcel *cp = c->rp && c->rp[i] >= 0 ? &r->parcels[c->rp[i]] : NULL;
		if (!cp || cp->peak_instructions < 0)
			continue;
		vm_limits l = api_parcel_limits(c->w, p, &o);
		int64_t v[4] = {cp->peak_instructions, (int64_t)l.tick_instructions,
		                cp->peak_memory < 0 ? 0 : cp->peak_memory,
		                (int64_t)l.memory};
		rc = put_parcel(&b, p->name, v);
	}
	char *path = shares_path(c->dir, c->repo);
	/* A cache: a world directory that cannot be written to does not fail
	 * the check. */
	if (rc == 0 && path)
		save_cache(path, b.data, b.len);
	free(path);
	wf_buf_free(&b);
	return 0;
}

int check_shares_read(const char *dir, check_shares *s)
{
	memset(s, 0, sizeof *s);
	char *data, *path = shares_path(dir, NULL);
	size_t len;
	if (!path)
		return -1;
	wf_read_status st = wf_read_named(path, WF_MAX_WORLD_BYTES, &data, &len);
	free(path);
	if (st == WF_READ_MISSING)
		return 1;
	if (st != WF_READ_OK)
		return -1;
	int rc = check_shares_parse(data, len, s);
	free(data);
	return rc;
}
