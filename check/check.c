/* check.c — one check from start to end: the phases in order over one
 * check_ctx (check-int.h), the report handed to the caller, and the small
 * helpers every phase shares. */
#include "check/check-int.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int check_fail(check_ctx *c, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(c->err, sizeof c->err, fmt, ap);
	va_end(ap);
	return -1;
}

char *check_path(const check_ctx *c, const char *rel)
{
	char *s;
	if (strcmp(c->dir, ".") == 0)
		return strdup(rel);
	size_t n = strlen(c->dir);
	bool slash = n > 0 && c->dir[n - 1] == '/';
	if (asprintf(&s, "%s%s%s", c->dir, slash ? "" : "/", rel) < 0)
		return NULL;
	return s;
}

double check_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void ctx_free(check_ctx *c)
{
	check_end_results(c);
	check_cleanup(c);
	for (int i = 0; i < c->nremoved; i++)
		free(c->removed[i]);
	free(c->removed);
	free(c->changed);
	free(c->rp);
	if (c->w)
		wf_world_free(c->w);
	if (c->repo)
		store_repo_close(c->repo);
	if (c->reg)
		store_reg_close(c->reg);
	free(c->reg_path);
	free(c->base_name);
	free(c->dir);
	free(c->file);
	check_report_free(&c->rep);
}

/* The phases in order; -1 on an environment error. */
static int run_phases(check_ctx *c, double t0)
{
	if (check_begin(c) != 0 || check_static(c) != 0)
		return -1;
	if (check_changes(c) != 0 || check_ownership(c) != 0)
		return -1;
	if (check_scripts(c) != 0)
		return -1;
	c->rep.seconds = check_now() - t0;
	check_report_sort(&c->rep);
	check_shares_write(c);
	return check_record(c);
}

int check_world(const char *dir, const check_opts *o, check_report *rep, char *err,
                size_t errlen)
{
	check_ctx c = {
	    .ticks = o->ticks,
	    .base = o->base,
	    .as = o->as,
	    .registry = o->registry,
	    .rev = o->rev,
	    .record = o->record,
	    .ref = o->ref,
	    .progress = o->progress,
	};
	double t0 = check_now();
	int rc = -1;
	if (!(c.dir = strdup(dir)) || check_report_init(&c.rep, c.dir) != 0 ||
	    !(c.file = check_path(&c, "world.acre")))
		snprintf(err, errlen, "out of memory");
	else if (run_phases(&c, t0) != 0)
		snprintf(err, errlen, "%s", c.err);
	else
		rc = 0;
	/* The report is the caller's, whatever happened. */
	*rep = c.rep;
	memset(&c.rep, 0, sizeof c.rep);
	ctx_free(&c);
	return rc;
}
