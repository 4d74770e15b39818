/* owner.c — `acre check --as IDENTITY`: every parcel changed since the
 * base (added, removed, moved, resized, retiled, rescripted, re-owned …)
 * must be owned or operated by IDENTITY in the registry, or be unclaimed
 * land (a new parcel). The registry is the only authority: the `owner`
 * field of the file is ignored here, so writing your name into it grants
 * nothing — it is itself a change to someone else's parcel. */
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
		return 0;
	store_owner o;
	if (store_parcel_owner(c->reg, world, name, &o, &err) != 0)
		return check_fail(c, "%s", err.msg);
	char who[512];
	describe_owner(&o, who, sizeof who);
	/* Show the registry's owner, the one that counts; on failure the
	 * file's stays shown, which is not worth stopping for. */
	if (rp >= 0 && o.owner)
		(void)check_report_set(&c->rep.parcels[rp].owner, o.owner);
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

/* The registry knows land by world name, so renaming the world would make
 * every parcel look unclaimed: a change under --as may not rename it. */
static int check_rename(check_ctx *c)
{
	if (!c->base_name || strcmp(c->base_name, c->w->name) == 0)
		return 0;
	if (check_report_add(&c->rep, CHECK_ERROR, "ownership", c->file, 0, 0, -1,
	                     "the world is renamed from '%s' to '%s'; '%s' may not "
	                     "rename it",
	                     c->base_name, c->w->name, c->as) != 0)
		return check_fail(c, "out of memory");
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
	if (check_rename(c) != 0)
		return -1;
	for (int i = 0; i < c->w->nparcels; i++) {
		const wf_parcel *p = &c->w->parcels[i];
		if (check_changed(c, i) && p->name &&
		    check_one(c, c->w->name, p->name, p->line, c->rp[i]) != 0)
			return -1;
	}
	for (int i = 0; i < c->nremoved; i++) {
		int rp = check_report_find(&c->rep, c->removed[i]);
		if (check_one(c, c->w->name, c->removed[i], 0, rp) != 0)
			return -1;
	}
	return 0;
}
