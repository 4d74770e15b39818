/* setup.c — a run's life cycle: every parcel's funds into the ledger, the
 * limits, entities and tiles of each parcel that runs taken from the world
 * (a parcel left out of the run only when something asks about it), the
 * worker threads started, tick 0 run (every scripted parcel loads), and
 * everything freed again. The tick loop itself is in run.c. */
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

static void ps_free(api_pstate *ps);

/* A parcel's opening funds into the ledger: every parcel's, whether it
 * runs or not, since any script may read or pay any account. -1 with
 * `err` located at the parcel when its funds are out of range. */
static int run_funds(api_run *r, int i, api_error *err)
{
	const wf_parcel *p = &r->w->parcels[i];
	int64_t funds = 0;
	if (run_attr_int(p->attrs, p->nattrs, "funds", API_MAX_FUNDS, &funds) < 0) {
		snprintf(err->file, sizeof err->file, "world.acre");
		err->line = p->line;
		err->col = 1;
		snprintf(err->msg, sizeof err->msg,
		         "parcel %s: funds must be a whole number from 0 to %lld",
		         p->name, API_MAX_FUNDS);
		return -1;
	}
	r->ledger[i] = funds;
	r->supply += funds;
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

/* Set up the zeroed state `ps` of parcel i; -1 when out of memory (what
 * was allocated is freed with the run). */
static int ps_init(api_run *r, api_pstate *ps, int i)
{
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
	/* The opening funds, checked already by run_funds. */
	int64_t funds = 0;
	run_attr_int(p->attrs, p->nattrs, "funds", API_MAX_FUNDS, &funds);
	ps->balance = ps->balance_start = funds;
	ps->stats.scripted = run_runs_scripts(r, ps);
	return ps_init_tiles(ps);
}

api_pstate *api_run_ps(api_run *r, int i)
{
	if (r->ps[i])
		return r->ps[i];
	/* Left out of the run: its scripts never run, so the state is the
	 * one it had at the start whenever it is set up. */
	api_pstate *ps = calloc(1, sizeof *ps);
	if (!ps)
		return NULL;
	ps->alone = true;
	if (ps_init(r, ps, i) < 0) {
		ps_free(ps);
		free(ps);
		return NULL;
	}
	return r->ps[i] = ps;
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
	pthread_mutex_init(&r->names_mu, NULL);
	r->w = w;
	r->dir = strdup(dir ? dir : ".");
	if (o)
		r->opts = *o;
	r->seed = r->opts.seed_set ? r->opts.seed : w->seed;
	int n = w->nparcels, nrun = 0;
	const uint8_t *sel = r->opts.select;
	for (int i = 0; i < n; i++)
		nrun += !sel || sel[i];
	r->ps = calloc((size_t)(n > 0 ? n : 1), sizeof *r->ps);
	r->ps_block = calloc((size_t)(nrun > 0 ? nrun : 1), sizeof *r->ps_block);
	r->ledger = calloc((size_t)(n > 0 ? n : 1), sizeof *r->ledger);
	r->scripted = calloc((size_t)(nrun > 0 ? nrun : 1), sizeof *r->scripted);
	r->fails = calloc(API_MAX_FAILURES, sizeof *r->fails);
	if (!r->dir || !r->ps || !r->ps_block || !r->ledger || !r->scripted || !r->fails)
		goto oom;
	for (int i = 0; i < n; i++)
		if (run_funds(r, i, err) < 0)
			goto fail;
	for (int i = 0, k = 0; i < n; i++) {
		if ((i & 1023) == 0 && api_run_cancelled(r))
			goto cancelled;
		if (sel && !sel[i])
			continue; /* set up when asked for (api_run_ps) */
		api_pstate *ps = r->ps[i] = &r->ps_block[k++];
		if (ps_init(r, ps, i) < 0)
			goto oom;
		if (ps->stats.scripted)
			r->scripted[r->nscripted++] = i;
	}
	if (api_pool_start(r) < 0 || api_run_load(r) < 0)
		goto oom;
	if (api_run_cancelled(r))
		goto cancelled;
	return r;
cancelled:
	snprintf(err->msg, sizeof err->msg, "cancelled");
	goto fail;
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
	for (int i = 0; r->ps && i < r->w->nparcels; i++) {
		api_pstate *ps = r->ps[i];
		if (!ps)
			continue;
		ps_free(ps);
		if (ps->alone)
			free(ps);
	}
	for (int i = 0; i < r->nidents; i++)
		free(r->idents[i].name);
	free(r->idents);
	free(r->ps);
	free(r->ps_block);
	pthread_mutex_destroy(&r->names_mu);
	free(r->ledger);
	free(r->scripted);
	free(r->names);
	free(r->fails);
	free(r->dir);
	free(r);
}
