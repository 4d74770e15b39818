/* check-base.c — what `acre check` compares against: the registry (where
 * ownership is decided and results are recorded) and the base revision
 * (which parcels changed). Decisions written down in acre-check(1):
 *
 *  - The registry is opened when --registry or $ACRE_REGISTRY names one, or
 *    when the default one already exists; `acre check` never creates the
 *    default registry just to record a check. --as needs one.
 *  - The base is --base REV; with --as but no --base it is HEAD (so that a
 *    creator can check uncommitted work); without either, or outside git,
 *    every parcel counts as changed.
 *  - The commit recorded is HEAD when the world's files are as committed,
 *    else none (a working tree). */
#include "cli/check.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int check_open_registry(check_ctx *c, bool need)
{
	store_err err;
	const char *env = getenv("ACRE_REGISTRY");
	bool named = c->registry || (env && *env);
	c->reg_path = store_registry_path(c->registry, &err);
	if (!c->reg_path)
		return need ? check_fail(c, "%s", err.msg) : 0;
	if (!named && access(c->reg_path, F_OK) != 0) {
		if (!need)
			return 0;
		return check_fail(c, "--as needs the registry that records who owns "
		                     "each parcel, and there is none at %s (give "
		                     "--registry FILE)",
		                  c->reg_path);
	}
	if (store_reg_open(c->reg_path, &c->reg, &err) != 0)
		return check_fail(c, "%s", err.msg);
	return 0;
}

/* The commit the world's files are at, when they are all committed. */
static int find_head(check_ctx *c)
{
	store_err err;
	bool dirty = true;
	if (store_dirty(c->repo, &dirty, NULL, 0, &err) != 0)
		return check_fail(c, "%s", err.msg);
	/* A repository without commits has no HEAD to resolve: not an error. */
	if (!dirty && store_resolve(c->repo, "HEAD", c->head, &err) != 0)
		c->head[0] = '\0';
	return 0;
}

static int open_repo(check_ctx *c)
{
	store_err err;
	if (store_repo_open(c->dir, &c->repo, &err) != 0) {
		c->repo = NULL;
		if (c->base)
			return check_fail(c, "--base needs the world's git repository: %s",
			                  err.msg);
		return 0; /* outside git: nothing to compare, no commit to record */
	}
	return find_head(c);
}

static int add_removed(check_ctx *c, const char *name)
{
	char **v = realloc(c->removed, sizeof *v * (size_t)(c->nremoved + 1));
	if (!v)
		return check_fail(c, "out of memory");
	c->removed = v;
	if (!(v[c->nremoved] = strdup(name)))
		return check_fail(c, "out of memory");
	c->nremoved++;
	return 0;
}

/* Mark the parcels named by the store as changed; names no longer in the
 * world were removed. */
static int mark_changed(check_ctx *c, char **names, int n)
{
	c->changed = calloc((size_t)(c->w->nparcels ? c->w->nparcels : 1), 1);
	if (!c->changed)
		return check_fail(c, "out of memory");
	for (int i = 0; i < n; i++) {
		int p = wf_find_parcel(c->w, names[i]);
		if (p >= 0) {
			c->changed[p] = 1;
		} else if (add_removed(c, names[i]) != 0) {
			return -1;
		}
	}
	for (int i = 0; i < c->w->nparcels; i++)
		c->rep.parcels[c->rp[i]].changed = c->changed[i];
	return 0;
}

int check_changes(check_ctx *c)
{
	store_err err;
	if (check_open_registry(c, c->as != NULL) != 0)
		return -1;
	if ((c->base || c->as || c->reg) && open_repo(c) != 0)
		return -1;
	const char *rev = c->base;
	/* --as alone compares with HEAD, when there is one. */
	if (!rev && c->as && c->repo && store_resolve(c->repo, "HEAD", c->base_hex, &err) == 0)
		rev = "HEAD";
	if (!rev)
		return 0;
	if (store_resolve(c->repo, rev, c->base_hex, &err) != 0)
		return check_fail(c, "--base %s: %s", rev, err.msg);
	if (check_report_set(&c->rep.base, c->base_hex) != 0)
		return check_fail(c, "out of memory");
	char **names = NULL;
	int n = 0;
	if (store_changed_parcels(c->repo, c->base_hex, NULL, &names, &n, &err) != 0) {
		/* One side does not parse: without a comparison, every parcel
		 * counts as changed (the stricter reading for --as). */
		c->base_hex[0] = '\0';
		if (c->rep.errors)
			return 0;
		return check_report_add(&c->rep, CHECK_NOTE, "registry", NULL, 0, 0, -1,
		                        "cannot compare with %s (%s): every parcel "
		                        "counts as changed",
		                        rev, err.msg) == 0
		               ? 0
		               : check_fail(c, "out of memory");
	}
	int rc = mark_changed(c, names, n);
	store_names_free(names, n);
	return rc;
}

/* ---- Recording ------------------------------------------------------------*/

/* What stopped a parcel: "ok", or the rule of its first error. */
static const char *parcel_status(const check_report *r, int p)
{
	for (int i = 0; i < r->nfindings; i++)
		if (r->findings[i].parcel == p && r->findings[i].severity == CHECK_ERROR)
			return r->findings[i].rule;
	return "ok";
}

static int record_errors(const check_report *r, store_run_error **out, int *n)
{
	*n = 0;
	*out = calloc((size_t)r->nfindings + 1, sizeof **out);
	if (!*out)
		return -1;
	for (int i = 0; i < r->nfindings; i++) {
		const check_finding *x = &r->findings[i];
		if (x->severity == CHECK_NOTE)
			continue;
		(*out)[(*n)++] = (store_run_error){
			.file = x->file, .line = x->line, .col = x->col,
			.parcel = x->parcel >= 0 ? r->parcels[x->parcel].name : NULL,
			.severity = check_severity_name(x->severity), .message = x->msg,
		};
	}
	return 0;
}

/* Parcels worth a row: the scripted ones (whose results a later --base
 * check reuses) and those with errors. Unscripted parcels are checked
 * afresh every time, and the Street has 65,536 of them. */
static int record_parcels(const check_report *r, store_run_parcel **out, int *n)
{
	*n = 0;
	*out = calloc((size_t)r->nparcels + 1, sizeof **out);
	if (!*out)
		return -1;
	for (int i = 0; i < r->nparcels; i++) {
		const check_parcel *p = &r->parcels[i];
		if (!p->scripted && !p->errors)
			continue;
		(*out)[(*n)++] = (store_run_parcel){
			.parcel = p->name, .status = parcel_status(r, i),
			.instructions = p->peak_instructions > 0 ? p->peak_instructions : 0,
			.memory = p->peak_memory > 0 ? p->peak_memory : 0,
			.nerrors = p->errors,
		};
	}
	return 0;
}

int check_record(check_ctx *c)
{
	if (!c->reg || !c->w || !c->w->name)
		return 0;
	const check_report *r = &c->rep;
	char hash[17];
	snprintf(hash, sizeof hash, "%016llx", (unsigned long long)r->state_hash[0]);
	store_run run = {
		.world = c->w->name, .dir = c->repo ? store_repo_dir(c->repo) : NULL,
		.commit = c->head[0] ? c->head : NULL,
		.status = check_report_valid(r) ? "valid" : "invalid", .identity = c->as,
		.state_hash = r->ran ? hash : NULL, .ticks = r->ran ? r->ticks : 0,
		.duration_ms = (int64_t)(r->seconds * 1000),
	};
	store_run_error *errors = NULL;
	store_run_parcel *parcels = NULL;
	int rc = 0;
	store_err err;
	if (record_errors(r, &errors, &run.nerrors) != 0 ||
	    record_parcels(r, &parcels, &run.nparcels) != 0) {
		rc = check_fail(c, "out of memory");
	} else {
		run.errors = errors;
		run.parcels = parcels;
		if (store_run_record(c->reg, &run, NULL, &err) != 0)
			rc = check_fail(c, "%s", err.msg);
	}
	free(errors);
	free(parcels);
	return rc;
}
