/* static.c — the first phase of `acre check`: read world.acre, parse
 * it and check the static rules of acre-world(5), turning worldfmt's
 * diagnostics into findings ("format" for the grammar, "rules" for the
 * rules). Every parcel of the world gets its place in the report here, in
 * file order, so that later phases can name it. */
#include "check/check-int.h"

#include <stdlib.h>
#include <string.h>

/* Add worldfmt diagnostics [from, to) as findings of `rule`. */
static int add_diags(check_ctx *c, const wf_diags *d, int from, int to,
                     const char *rule)
{
	for (int i = from; i < to; i++) {
		const wf_diag *x = &d->v[i];
		int p = check_report_find(&c->rep, x->parcel);
		check_severity sev = x->severity == WF_ERROR ? CHECK_ERROR : CHECK_WARNING;
		if (check_report_add(&c->rep, sev, rule, x->file, x->line, x->col, p,
		                     "%s", x->msg) != 0 ||
		    check_report_detail(&c->rep, x->end_col, x->rule, x->help) != 0)
			return check_fail(c, "out of memory");
	}
	return 0;
}

/* Give every parcel of the world a place in the report. Two parcels with
 * the same name (a rule error) share one; `unique` says the rules found
 * every name different, so that none needs looking up. */
static int add_parcels(check_ctx *c, bool unique)
{
	wf_world *w = c->w;
	c->rp = malloc(sizeof *c->rp * (size_t)(w->nparcels ? w->nparcels : 1));
	if (!c->rp || check_report_reserve(&c->rep, w->nparcels) != 0)
		return check_fail(c, "out of memory");
	for (int i = 0; i < w->nparcels; i++) {
		const wf_parcel *p = &w->parcels[i];
		const char *name = p->name ? p->name : "";
		int r = unique ? check_report_append(&c->rep, name)
		               : check_report_parcel(&c->rep, name);
		if (r < 0)
			return check_fail(c, "out of memory");
		c->rp[i] = r;
		if (p->owner && !c->rep.parcels[r].owner &&
		    check_report_owner(&c->rep, r, p->owner) != 0)
			return check_fail(c, "out of memory");
	}
	return 0;
}

int check_static(check_ctx *c)
{
	wf_diags d = {0};
	wf_read_status st;
	c->w = wf_load_status(c->dir, &d, &st);
	if (!c->w) {
		/* A world.acre that is there but refused by the guarded reader
		 * (a link, a device, too big) is the submission's fault: a
		 * finding in a complete report. A missing or unreadable one
		 * means there is nothing to check. The reader's own answer
		 * says which: no second look at the file. */
		if (st == WF_READ_SYMLINK || st == WF_READ_NOTFILE || st == WF_READ_TOOBIG)
			c->w = wf_world_new();
		if (!c->w) {
			/* The message names the file: "w/world.acre: cannot read…". */
			if (d.n)
				check_fail(c, "%s: %s", d.v[0].file, d.v[0].msg);
			else
				check_fail(c, "cannot read world.acre");
			wf_diags_free(&d);
			return -1;
		}
	}
	int parsed = d.n;
	/* Rules are checked only on a world that parsed: on a half-read one
	 * they would mostly repeat the syntax errors in other words. */
	bool validated = d.errors == 0;
	if (validated)
		wf_validate(c->w, c->dir, c->file, &d);
	/* A world without errors has no two parcels of one name (a rule):
	 * its 65,536 names go into the report without a lookup each. */
	bool unique = validated && d.errors == 0;
	for (int i = 0; unique && i < c->w->nparcels; i++)
		unique = c->w->parcels[i].name != NULL;
	if (check_report_set(&c->rep.name, c->w->name) != 0 ||
	    add_parcels(c, unique) != 0) {
		wf_diags_free(&d);
		return -1;
	}
	int rc = add_diags(c, &d, 0, parsed, "format");
	if (rc == 0)
		rc = add_diags(c, &d, parsed, d.n, "rules");
	c->rep.dropped += d.dropped;
	c->static_errors = d.errors;
	wf_diags_free(&d);
	return rc;
}
