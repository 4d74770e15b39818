/* owner.c — `acre check --as IDENTITY`: every parcel changed since the
 * base (added, removed, moved, resized, retiled, rescripted, re-owned …)
 * must be owned or operated by IDENTITY in the registry (or IDENTITY must
 * operate the world), or be unclaimed (a new parcel); and wherever it now
 * lies, no other parcel's claim may hold the land. Changes to the world
 * itself (its name, its events file) are for operators of the world. The
 * registry is the only authority: the `owner` field of the file is ignored
 * here, so writing your name into it grants nothing — it is itself a
 * change to someone else's parcel.
 *
 * With --record, a valid change then claims its new parcels for IDENTITY
 * and moves the land of the ones it moved (check_claims), in one registry
 * transaction that checks every claim again: of two pushes racing for the
 * same land, the second is refused here. */
#include "check/check-int.h"

#include <stdlib.h>
#include <string.h>

/* "ann" or "ann (operators bo, cy)" for a refusal message. */
static void describe_owner(const store_owner *o, char *buf, size_t len)
{
	size_t n = (size_t)snprintf(buf, len, "%s", o->owner ? o->owner : "nobody");
	for (int i = 0; i < o->noperators && n < len; i++)
		n += (size_t)snprintf(buf + n, len - n, "%s%s",
		                      i == 0 ? " (operators " : ", ", o->operators[i]);
	if (o->noperators && n < len)
		snprintf(buf + n, len - n, ")");
}

/* The land of a parcel of the world, in unit parcels. */
static void parcel_land(const wf_parcel *p, int32_t land[4])
{
	land[0] = p->px;
	land[1] = p->py;
	land[2] = p->pw;
	land[3] = p->ph;
}

/* A changed parcel that IDENTITY may change must still lie on free land:
 * moving or growing it onto land another parcel's claim holds is refused
 * (the file alone cannot show this when that parcel is not in it). */
static int check_land(check_ctx *c, const char *world, const char *name, uint32_t line,
                      int rp)
{
	store_err err;
	char other[160], owner[160];
	int32_t land[4];
	int i = wf_find_parcel(c->w, name);
	if (i < 0)
		return 0;
	parcel_land(&c->w->parcels[i], land);
	if (store_land_taken(c->reg, world, name, land, other, sizeof other, owner,
	                     sizeof owner, &err) != 0)
		return check_fail(c, "%s", err.msg);
	if (!other[0])
		return 0;
	if (check_report_add(&c->rep, CHECK_ERROR, "ownership", c->file, line, 1, rp,
	                     "parcel '%s' lies on land claimed by parcel '%s' of %s; "
	                     "'%s' may not build there",
	                     name, other, owner, c->as) != 0)
		return check_fail(c, "out of memory");
	return 0;
}

/* Check one changed parcel; `line` is its statement in the file (0 when it
 * was removed), `rp` its report index (-1 when removed). */
static int check_one(check_ctx *c, const char *world, const char *name,
                     uint32_t line, int rp)
{
	store_err err;
	store_right right;
	if (store_may_modify(c->reg, world, name, c->as, &right, &err) != 0)
		return check_fail(c, "%s", err.msg);
	if (right != STORE_RIGHT_NONE)
		return rp >= 0 ? check_land(c, world, name, line, rp) : 0;
	store_owner o;
	if (store_parcel_owner(c->reg, world, name, &o, &err) != 0)
		return check_fail(c, "%s", err.msg);
	char who[512];
	describe_owner(&o, who, sizeof who);
	/* Show the registry's owner, the one that counts; on failure the
	 * file's stays shown, which is not worth stopping for. */
	if (rp >= 0 && o.owner)
		(void)check_report_owner(&c->rep, rp, o.owner);
	store_owner_free(&o);
	int rc;
	if (line)
		rc = check_report_add(&c->rep, CHECK_ERROR, "ownership", c->file, line, 1,
		                      rp, "parcel '%s' changed, but it belongs to %s; "
		                          "'%s' may not change it",
		                      name, who, c->as);
	else
		rc = check_report_add(&c->rep, CHECK_ERROR, "ownership", c->file, 0, 0,
		                      rp, "parcel '%s' removed, but it belongs to %s; "
		                          "'%s' may not remove it",
		                      name, who, c->as);
	return rc == 0 ? 0 : check_fail(c, "out of memory");
}

/* Changes to the world as a whole: renaming it, or changing the events
 * file that drives every scripted parcel. They belong to no parcel, so
 * only an operator of the world may make them. */
static int check_world_change(check_ctx *c, const char *what)
{
	store_err err;
	bool wop;
	if (store_is_world_operator(c->reg, c->world_key, c->as, &wop, &err) != 0)
		return check_fail(c, "%s", err.msg);
	if (wop)
		return 0;
	if (check_report_add(&c->rep, CHECK_ERROR, "ownership", c->file, 0, 0, -1,
	                     "%s; only an operator of the world may, and '%s' is not "
	                     "one",
	                     what, c->as) != 0)
		return check_fail(c, "out of memory");
	return 0;
}

static int check_world_changes(check_ctx *c)
{
	char what[600];
	if (c->base_name && strcmp(c->base_name, c->w->name) != 0) {
		snprintf(what, sizeof what, "the world is renamed from '%s' to '%s'",
		         c->base_name, c->w->name);
		if (check_world_change(c, what) != 0)
			return -1;
	}
	if (c->events_changed) {
		snprintf(what, sizeof what, "the events file %s differs from the base",
		         c->w->events ? c->w->events : "");
		if (check_world_change(c, what) != 0)
			return -1;
	}
	return 0;
}

int check_ownership(check_ctx *c)
{
	/* A world with static errors is refused for them; judging ownership
	 * on a half-read file would only add noise. */
	if (!c->as || !c->w || c->static_errors)
		return 0;
	if (check_report_set(&c->rep.as, c->as) != 0)
		return check_fail(c, "out of memory");
	if (!c->w->name)
		return 0; /* a static error already says the world has no name */
	if (check_world_changes(c) != 0)
		return -1;
	for (int i = 0; i < c->w->nparcels; i++) {
		const wf_parcel *p = &c->w->parcels[i];
		if (check_parcel_changed(c, i) && p->name &&
		    check_one(c, c->world_key, p->name, p->line, c->rp[i]) != 0)
			return -1;
	}
	for (int i = 0; i < c->nremoved; i++) {
		int rp = check_report_find(&c->rep, c->removed[i]);
		if (check_one(c, c->world_key, c->removed[i], 0, rp) != 0)
			return -1;
	}
	return 0;
}

int check_claims(check_ctx *c)
{
	if (!c->record || !c->as || !c->reg || !c->w || !c->w->name ||
	    !check_report_valid(&c->rep))
		return 0;
	/* Land follows the default branch: a push to another branch claims
	 * new land but moves none (store_claim_land). Without --ref the
	 * revision checked is taken for the default branch's. */
	store_err err;
	bool on_default = true;
	if (c->ref && c->repo &&
	    store_repo_default_branch(c->repo, c->ref, &on_default, &err) != 0)
		return check_fail(c, "%s", err.msg);
	store_claim *v = calloc((size_t)c->w->nparcels + 1, sizeof *v);
	int n = 0;
	if (!v)
		return check_fail(c, "out of memory");
	for (int i = 0; i < c->w->nparcels; i++) {
		const wf_parcel *p = &c->w->parcels[i];
		if (!check_parcel_changed(c, i) || !p->name)
			continue;
		v[n].parcel = p->name;
		parcel_land(p, v[n++].land);
	}
	int rc = n ? store_claim_land(c->reg, c->world_key, c->w->name, v, n, c->as,
	                              on_default, &err)
	           : 0;
	free(v);
	if (rc < 0)
		return check_fail(c, "%s", err.msg);
	if (rc > 0 && check_report_add(&c->rep, CHECK_ERROR, "ownership", c->file, 0, 0,
	                               -1, "%s; '%s' may not claim it", err.msg,
	                               c->as) != 0)
		return check_fail(c, "out of memory");
	return 0;
}
