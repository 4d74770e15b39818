/* setup.c — a run's life cycle: each parcel's limits, entities and tiles
 * taken from the world, the worker threads started, tick 0 run (every
 * scripted parcel loads), and everything freed again. The tick loop itself
 * is in run.c. */
#include "stdlib/api-int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The whole number in attribute `key`, in 0..max: 1 when set, 0 when not,
 * -1 when it is not such a number. */
static int run_attr_int(const wf_attr *a, int n, const char *key, int64_t max,
                        int64_t *out)
{
	for (int i = 0; i < n; i++) {
		if (strcmp(a[i].key, key) != 0)
			continue;
		char *end;
		errno = 0;
		long long v = strtoll(a[i].value, &end, 10);
		if (!*a[i].value || *end || errno || v < 0 || v > max)
			return -1;
		*out = v;
		return 1;
	}
	return 0;
}

vm_limits api_parcel_limits(const wf_world *w, const wf_parcel *p, const api_opts *o)
{
	vm_limits l = vm_default_limits();
	wf_budget b = wf_parcel_budget(w, p);
	int64_t area = (int64_t)p->pw * p->ph;
	if (b.instructions > 0)
		l.instructions = l.tick_instructions = b.instructions;
	if (b.memory > 0)
		l.memory = (size_t)b.memory;
	l.messages = (int)(API_MESSAGES_PER_UNIT * (area > 0 ? area : 1));
	if (!o)
		return l;
	const vm_limits *x = &o->limits;
	if (x->instructions)
		l.instructions = x->instructions;
	if (x->tick_instructions)
		l.tick_instructions = x->tick_instructions;
	else if (x->instructions)
		l.tick_instructions = x->instructions;
	if (x->memory)
		l.memory = x->memory;
	if (x->depth)
		l.depth = x->depth;
	if (x->output)
		l.output = x->output;
	if (x->messages)
		l.messages = x->messages;
	if (x->max_instructions)
		l.max_instructions = x->max_instructions;
	if (x->max_constants)
		l.max_constants = x->max_constants;
	if (x->max_functions)
		l.max_functions = x->max_functions;
	return l;
}

static int ps_init_ents(api_pstate *ps)
{
	const wf_parcel *p = ps->p;
	ps->ents = p->nentities ? calloc((size_t)p->nentities, sizeof *ps->ents) : NULL;
	if (p->nentities && !ps->ents)
		return -1;
	ps->ents_cap = p->nentities;
	for (int i = 0; i < p->nentities; i++) {
		const wf_entity *we = &p->entities[i];
		api_entity *e = &ps->ents[ps->nents++];
		e->name = strdup(we->name ? we->name : "");
		e->x = we->x;
		e->y = we->y;
		if (we->glyph)
			snprintf(e->glyph, sizeof e->glyph, "%s", we->glyph);
		if (!e->name)
			return -1;
		if (we->nattrs &&
		    !(e->props = calloc((size_t)we->nattrs, sizeof *e->props)))
			return -1;
		e->props_cap = we->nattrs;
		for (int j = 0; j < we->nattrs; j++) {
			api_prop *pr = &e->props[e->nprops++];
			pr->key = strdup(we->attrs[j].key);
			pr->value.type = API_STR;
			pr->value.u.s =
			    strdup(we->attrs[j].value ? we->attrs[j].value : "");
			if (!pr->key || !pr->value.u.s)
				return -1;
		}
	}
	return 0;
}

static bool run_runs_scripts(api_run *r, api_pstate *ps)
{
	if (r->opts.select && !r->opts.select[ps->index])
		return false;
	if (r->opts.try_src)
		return true;
	if (!(ps->caps & WF_CAP_SCRIPTS))
		return false;
	return wf_parcel_scripted(r->w, ps->p);
}

static int ps_init(api_run *r, int i, api_error *err)
{
	api_pstate *ps = &r->ps[i];
	const wf_parcel *p = &r->w->parcels[i];
	ps->run = r;
	ps->index = i;
	ps->p = p;
	ps->tw = wf_parcel_tw(r->w, p);
	ps->th = wf_parcel_th(r->w, p);
	if (ps_init_ents(ps) < 0)
		return -1;
	const wf_zone *z = p->zone_index >= 0 && p->zone_index < r->w->nzones
	                       ? &r->w->zones[p->zone_index]
	                       : NULL;
	/* A parcel without a zone may do everything (acre-world(5), ZONES). */
	ps->caps = z ? z->caps : WF_CAP_ALL;
	ps->zone_name = z ? z->name : "(none)";
	ps->lim = api_parcel_limits(r->w, p, &r->opts);
	ps->max_entities = r->opts.max_entities ? r->opts.max_entities
	                                        : wf_parcel_budget(r->w, p).entities;
	int64_t funds = 0;
	if (run_attr_int(p->attrs, p->nattrs, "funds", API_MAX_FUNDS, &funds) < 0) {
		snprintf(err->file, sizeof err->file, "world.acre");
		err->line = p->line;
		err->col = 1;
		snprintf(err->msg, sizeof err->msg,
		         "parcel %s: funds must be a whole number from 0 to %lld",
		         p->name, API_MAX_FUNDS);
		return -2;
	}
	r->ledger[i] = funds;
	r->supply += funds;
	ps->balance = ps->balance_start = funds;
	return 0;
}

/* The live tiles: a copy for a parcel whose scripts run, the world's own
 * array for the others (see api_pstate.tiles_shared). */
static int ps_init_tiles(api_pstate *ps)
{
	size_t area = (size_t)ps->tw * (size_t)ps->th;
	if (!ps->stats.scripted && ps->p->tiles) {
		ps->tiles = ps->p->tiles;
		ps->tiles_shared = true;
		return 0;
	}
	ps->tiles = calloc(area ? area : 1, 1);
	if (!ps->tiles)
		return -1;
	if (ps->p->tiles)
		memcpy(ps->tiles, ps->p->tiles, area);
	return 0;
}

static void run_set_oom(api_error *err)
{
	memset(err, 0, sizeof *err);
	snprintf(err->msg, sizeof err->msg, "out of memory");
}

api_run *api_run_new(wf_world *w, const char *dir, const api_opts *o, api_error *err)
{
	memset(err, 0, sizeof *err);
	api_run *r = calloc(1, sizeof *r);
	if (!r) {
		run_set_oom(err);
		return NULL;
	}
	r->w = w;
	r->dir = strdup(dir ? dir : ".");
	if (o)
		r->opts = *o;
	r->seed = r->opts.seed_set ? r->opts.seed : w->seed;
	int n = w->nparcels;
	r->ps = calloc((size_t)(n ? n : 1), sizeof *r->ps);
	r->ledger = calloc((size_t)(n ? n : 1), sizeof *r->ledger);
	r->scripted = calloc((size_t)(n ? n : 1), sizeof *r->scripted);
	r->fails = calloc(API_MAX_FAILURES, sizeof *r->fails);
	if (!r->dir || !r->ps || !r->ledger || !r->scripted || !r->fails ||
	    api_index_names(r) < 0)
		goto oom;
	for (int i = 0; i < n; i++) {
		int rc = ps_init(r, i, err);
		if (rc == -2)
			goto fail;
		if (rc < 0)
			goto oom;
		r->ps[i].stats.scripted = run_runs_scripts(r, &r->ps[i]);
		if (r->ps[i].stats.scripted)
			r->scripted[r->nscripted++] = i;
		if (ps_init_tiles(&r->ps[i]) < 0)
			goto oom;
	}
	if (api_pool_start(r) < 0 || api_run_load(r) < 0)
		goto oom;
	return r;
oom:
	run_set_oom(err);
fail:
	api_run_free(r);
	return NULL;
}

static void ps_free(api_pstate *ps)
{
	if (ps->v)
		vm_free(ps->v);
	if (!ps->tiles_shared)
		free(ps->tiles);
	free(ps->snap_tiles);
	free(ps->forced_err);
	api_free_ents(ps->ents, ps->nents);
	if (ps->ents_dirty)
		api_free_ents(ps->snap_ents, ps->snap_nents);
	for (int i = 0; i < ps->navatars; i++)
		free(ps->avatars[i]);
	free(ps->avatars);
	free(ps->trace.data);
	free(ps->scratch.data);
	for (int i = 0; i < ps->outbox.n; i++)
		free(ps->outbox.v[i].data);
	free(ps->outbox.v);
	for (int i = 0; i < ps->inbox.n; i++)
		free(ps->inbox.v[i].data);
	free(ps->inbox.v);
	for (int i = 0; i < ps->nxfers; i++)
		free(ps->xfers[i].to_identity);
	free(ps->xfers);
	free(ps->fails);
}

void api_run_free(api_run *r)
{
	if (!r)
		return;
	api_pool_stop(r);
	for (int i = 0; r->ps && i < r->w->nparcels; i++)
		ps_free(&r->ps[i]);
	for (int i = 0; i < r->nidents; i++)
		free(r->idents[i].name);
	free(r->idents);
	free(r->ps);
	free(r->ledger);
	free(r->scripted);
	free(r->names);
	free(r->fails);
	free(r->dir);
	free(r);
}
