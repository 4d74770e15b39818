/* run.c — the tick loop: loading parcels, handlers as transactions, parallel
 * ticks with a deterministic merge and the ledger. A run's set-up and
 * freeing are in setup.c, its worker threads in pool.c, the state hash in
 * state.c.
 *
 * Invariant between ticks: r->ledger and r->idents hold every balance, each
 * api_pstate's per-tick buffers are empty except `inbox`, which holds the
 * messages to deliver at the next tick in (sender parcel, send order). */
#include "stdlib/api-int.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- Identities (sorted by name, changed only while merging) --------------- */

static int run_ident_slot(const api_run *r, const char *name, bool *found)
{
	int lo = 0, hi = r->nidents;
	while (lo < hi) {
		int mid = (lo + hi) / 2;
		int c = strcmp(r->idents[mid].name, name);
		if (c == 0) {
			*found = true;
			return mid;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*found = false;
	return lo;
}

const api_ident *api_find_ident(const api_run *r, const char *name)
{
	bool found;
	int i = run_ident_slot(r, name, &found);
	return found ? &r->idents[i] : NULL;
}

static int run_credit_ident(api_run *r, const char *name, int64_t amount)
{
	bool found;
	int i = run_ident_slot(r, name, &found);
	if (!found) {
		if (r->nidents == r->idents_cap) {
			int cap = r->idents_cap ? r->idents_cap * 2 : 16;
			api_ident *v = realloc(r->idents, (size_t)cap * sizeof *v);
			if (!v)
				return -1;
			r->idents = v;
			r->idents_cap = cap;
		}
		char *nm = strdup(name);
		if (!nm)
			return -1;
		memmove(&r->idents[i + 1], &r->idents[i],
		        (size_t)(r->nidents - i) * sizeof *r->idents);
		r->idents[i] = (api_ident){.name = nm, .balance = 0};
		r->nidents++;
	}
	r->idents[i].balance += amount;
	return 0;
}

/* ---- Transactions -------------------------------------------------------------
 * A handler writes the live tiles and entities directly; the first write of
 * each kind takes a copy so that a failed handler can be rolled back. */

void api_touch_tiles(api_pstate *ps)
{
	if (ps->tiles_dirty)
		return;
	size_t n = (size_t)ps->tw * (size_t)ps->th;
	if (!ps->snap_tiles)
		ps->snap_tiles = malloc(n ? n : 1);
	if (!ps->snap_tiles) {
		api_oom(ps->run);
		return;
	}
	memcpy(ps->snap_tiles, ps->tiles, n);
	ps->tiles_dirty = true;
}

void api_touch_ents(api_pstate *ps)
{
	if (ps->ents_dirty)
		return;
	ps->snap_ents =
	    ps->nents ? calloc((size_t)ps->nents, sizeof *ps->snap_ents) : NULL;
	ps->snap_nents = 0;
	if (ps->nents && !ps->snap_ents) {
		api_oom(ps->run);
		return;
	}
	for (int i = 0; i < ps->nents; i++) {
		if (api_entity_copy(&ps->snap_ents[i], &ps->ents[i]) < 0) {
			api_oom(ps->run);
			break;
		}
		ps->snap_nents++;
	}
	ps->ents_dirty = true;
}

static void ps_commit(api_pstate *ps)
{
	ps->tiles_dirty = false;
	if (ps->ents_dirty) {
		api_free_ents(ps->snap_ents, ps->snap_nents);
		ps->snap_ents = NULL;
		ps->ents_dirty = false;
	}
}

static void ps_rollback(api_pstate *ps)
{
	if (ps->tiles_dirty)
		memcpy(ps->tiles, ps->snap_tiles, (size_t)ps->tw * (size_t)ps->th);
	ps->tiles_dirty = false;
	if (ps->ents_dirty) {
		api_free_ents(ps->ents, ps->nents);
		ps->ents = ps->snap_ents;
		ps->nents = ps->ents_cap = ps->snap_nents;
		ps->snap_ents = NULL;
		ps->ents_dirty = false;
	}
}

/* ---- Trace ------------------------------------------------------------------*/

void api_trace(api_pstate *ps, const char *fmt, ...)
{
	char small[512];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(small, sizeof small, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	int rc =
	    api_buf_printf(&ps->trace, "%" PRId64 " %s ", ps->run->tick, ps->p->name);
	if ((size_t)n < sizeof small) {
		rc |= api_buf_put(&ps->trace, small, (size_t)n);
	} else {
		char *big = malloc((size_t)n + 1);
		if (!big) {
			api_oom(ps->run);
			return;
		}
		va_start(ap, fmt);
		vsnprintf(big, (size_t)n + 1, fmt, ap);
		va_end(ap);
		rc |= api_buf_put(&ps->trace, big, (size_t)n);
		free(big);
	}
	rc |= api_buf_put(&ps->trace, "\n", 1);
	if (rc)
		api_oom(ps->run);
	/* what the host keeps for the parcel counts against its memory cap */
	if (ps->v)
		vm_host_note(ps->v, (size_t)n + 32);
}

/* The host memory a parcel makes the run keep: its entities and their
 * properties, its outgoing messages and transfers, its trace. Recounted
 * at each tick (what was freed stops counting); between recounts every
 * addition is noted as it happens (vm_host_note). */
static size_t ps_host_bytes(const api_pstate *ps)
{
	size_t n = (size_t)ps->ents_cap * sizeof *ps->ents + ps->trace.cap +
	           (size_t)ps->outbox.cap * sizeof *ps->outbox.v +
	           (size_t)ps->xfers_cap * sizeof *ps->xfers;
	for (int i = 0; i < ps->nents; i++) {
		const api_entity *e = &ps->ents[i];
		n += strlen(e->name) + 1 + (size_t)e->props_cap * sizeof *e->props;
		for (int j = 0; j < e->nprops; j++) {
			n += strlen(e->props[j].key) + 1;
			if (e->props[j].value.type == API_STR)
				n += strlen(e->props[j].value.u.s) + 1;
		}
	}
	for (int i = 0; i < ps->outbox.n; i++)
		n += ps->outbox.v[i].len;
	for (int i = 0; i < ps->nxfers; i++)
		if (ps->xfers[i].to_identity)
			n += strlen(ps->xfers[i].to_identity) + 1;
	return n;
}

/* print() from a script: one trace line per call, newlines escaped. */
static void run_output(void *ud, const char *text, size_t len)
{
	api_pstate *ps = ud;
	if (len && text[len - 1] == '\n')
		len--;
	api_buf b = {0};
	if (api_buf_escaped(&b, text, len) == 0)
		api_trace(ps, "print %s", b.data ? b.data : "");
	else
		api_oom(ps->run);
	free(b.data);
}

/* ---- Files --------------------------------------------------------------------*/

/* require("a.b") reads scripts/a/b.lua of the world, through the world's
 * guarded reader like every script. */
static int run_module(void *ud, const char *name, char **src, size_t *len, char *path,
                      size_t pathlen)
{
	api_pstate *ps = ud;
	char rel[512];
	int n = snprintf(rel, sizeof rel, "scripts/%s.lua", name);
	if (n < 0 || (size_t)n >= sizeof rel)
		return -1;
	for (char *c = rel + 8; *c && c < rel + n - 4; c++)
		if (*c == '.')
			*c = '/';
	if (wf_world_read(ps->run->dir, rel, WF_MAX_SCRIPT_BYTES, src, len) != WF_READ_OK)
		return -1;
	snprintf(path, pathlen, "%s", rel);
	return 0;
}

/* ---- Failures -------------------------------------------------------------------*/

static void ps_fail(api_pstate *ps, const char *handler, const vm_error *err)
{
	ps->stats.failures++;
	/* An error message may hold newlines: one trace line all the same. */
	api_buf *b = &ps->scratch;
	b->len = 0;
	if (api_buf_escaped(b, err->msg, strlen(err->msg)) < 0)
		api_oom(ps->run);
	api_trace(ps, "fail %s %s %s", handler, vm_status_name(err->status),
	          b->len ? b->data : "");
	if (ps->nfails == ps->fails_cap) {
		int cap = ps->fails_cap ? ps->fails_cap * 2 : 4;
		api_failure *v = realloc(ps->fails, (size_t)cap * sizeof *v);
		if (!v) {
			api_oom(ps->run);
			return;
		}
		ps->fails = v;
		ps->fails_cap = cap;
	}
	ps->fails[ps->nfails++] = (api_failure){
	    .parcel = ps->index, .tick = ps->run->tick, .handler = handler, .err = *err};
}

static void ps_fail_host(api_pstate *ps, const char *handler, vm_status st,
                         const char *file, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static void ps_fail_host(api_pstate *ps, const char *handler, vm_status st,
                         const char *file, const char *fmt, ...)
{
	vm_error e = {.status = st};
	snprintf(e.file, sizeof e.file, "%s", file);
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(e.msg, sizeof e.msg, fmt, ap);
	va_end(ap);
	ps_fail(ps, handler, &e);
}

void api_failure_format(const api_run *r, const api_failure *f, char *buf, size_t len)
{
	const char *pname = r->w->parcels[f->parcel].name;
	int n = snprintf(buf, len, "parcel %s: %s at tick %" PRId64 ": %s", pname,
	                 f->handler, f->tick, f->err.msg);
	if (n < 0 || (size_t)n >= len)
		return;
	if (f->err.limit > 0)
		snprintf(buf + n, len - (size_t)n,
		         " (%s: used %" PRId64 " of %" PRId64 ")",
		         vm_status_name(f->err.status), f->err.used, f->err.limit);
}

/* ---- Handlers --------------------------------------------------------------------*/

/* What a handler is called with. Arguments are pushed inside a protected
 * call, since the memory cap may be reached by pushing them. */
typedef struct ps_args {
	const char *s1, *s2; /* strings, or NULL */
	bool nil_first;      /* on_message from outside: nil, text */
	const api_msg *msg;  /* on_message from a parcel: name, value */
	const char *from;
	bool tick; /* on_tick(tick) */
	int64_t t;
} ps_args;

static int ps_push(lua_State *L)
{
	const ps_args *a = lua_touserdata(L, 1);
	lua_pop(L, 1);
	if (a->msg) {
		lua_pushstring(L, a->from);
		api_msg_push(L, a->msg->data, a->msg->len);
		return 2;
	}
	if (a->tick) {
		lua_pushinteger(L, a->t);
		return 1;
	}
	int n = 0;
	if (a->nil_first) {
		lua_pushnil(L);
		n++;
	}
	if (a->s1) {
		lua_pushstring(L, a->s1);
		n++;
	}
	if (a->s2) {
		lua_pushstring(L, a->s2);
		n++;
	}
	return n;
}

/* Push a handler's arguments; false when there was no memory for them. An
 * integer needs no memory, so on_tick's goes straight on; the others are
 * pushed inside a protected call. */
static bool ps_push_args(lua_State *L, const ps_args *a)
{
	if (a->tick) {
		lua_pushinteger(L, a->t);
		return true;
	}
	lua_pushcfunction(L, ps_push);
	lua_pushlightuserdata(L, (void *)a);
	return lua_pcall(L, 1, LUA_MULTRET, 0) == LUA_OK;
}

/* Marks of the buffered effects at a handler's start, to roll back to. */
typedef struct ps_mark {
	size_t trace;
	int outbox, xfers;
	int64_t balance, sent;
} ps_mark;

static ps_mark ps_begin(api_pstate *ps, const char *fn)
{
	ps->handler = fn;
	ps->out_bytes = 0;
	ps->forced = VM_OK;
	return (ps_mark){.trace = ps->trace.len,
	                 .outbox = ps->outbox.n,
	                 .xfers = ps->nxfers,
	                 .balance = ps->balance,
	                 .sent = ps->sent};
}

/* End a handler: keep its effects, or undo them and record the failure. */
static bool ps_end(api_pstate *ps, const ps_mark *m, vm_status st, vm_error *err)
{
	/* A cap the API enforces wins over the runtime error it raised, and
	 * over success when the script caught that error. */
	if ((st == VM_OK || st == VM_ERR_RUNTIME) && ps->forced != VM_OK) {
		st = ps->forced;
		if (ps->forced_err) {
			*err = *ps->forced_err;
		} else { /* no memory for the details: the limit alone */
			memset(err, 0, sizeof *err);
			err->status = st;
			snprintf(err->msg, sizeof err->msg, "%s", vm_status_name(st));
		}
	}
	if (st == VM_OK) {
		ps_commit(ps);
		return true;
	}
	ps_rollback(ps);
	ps->trace.len = m->trace;
	if (ps->trace.data)
		ps->trace.data[m->trace] = '\0';
	for (int i = m->outbox; i < ps->outbox.n; i++)
		free(ps->outbox.v[i].data);
	ps->outbox.n = m->outbox;
	for (int i = m->xfers; i < ps->nxfers; i++)
		free(ps->xfers[i].to_identity);
	ps->nxfers = m->xfers;
	ps->balance = m->balance;
	ps->sent = m->sent;
	err->status = st;
	ps_fail(ps, ps->handler, err);
	return false;
}

/* Call handler `fn` as one transaction. Returns false when it failed. */
static bool ps_call(api_pstate *ps, const char *fn, const ps_args *a)
{
	lua_State *L = vm_lua(ps->v);
	int base = lua_gettop(L);
	ps_mark m = ps_begin(ps, fn);
	vm_error err;
	memset(&err, 0, sizeof err);

	if (!ps_push_args(L, a)) {
		lua_settop(L, base);
		snprintf(err.msg, sizeof err.msg, "no memory left to call %s", fn);
		err.limit = (int64_t)ps->lim.memory;
		err.used = (int64_t)vm_get_usage(ps->v).memory;
		return ps_end(ps, &m, VM_ERR_MEMORY, &err);
	}
	bool called = false;
	vm_status st = vm_call(ps->v, fn, lua_gettop(L) - base, &called, &err);
	lua_settop(L, base);
	if (called)
		ps->stats.calls++;
	vm_usage u = vm_get_usage(ps->v);
	if (u.peak_memory > ps->stats.peak_memory)
		ps->stats.peak_memory = u.peak_memory;
	return ps_end(ps, &m, st, &err);
}

static void ps_load(api_run *r, api_pstate *ps)
{
	vm_config cfg = {
	    .limits = ps->lim,
	    .seed = r->seed,
	    .name = ps->p->name,
	    .output = run_output,
	    .module = run_module,
	    .ud = ps,
	};
	ps->v = vm_new(&cfg);
	if (!ps->v) {
		ps_fail_host(
		    ps, "load", VM_ERR_MEMORY, "",
		    "the memory budget (%zu bytes) is too small to start a script",
		    ps->lim.memory);
		return;
	}
	if (api_lib_open(ps) < 0) {
		ps_fail_host(ps, "load", VM_ERR_MEMORY, "",
		             "the memory budget (%zu bytes) is too small for the API",
		             ps->lim.memory);
		return;
	}
	/* The parcel's scripts share its state, loaded in the order of
	 * wf_parcel_scripts (acre-lua(7), SCRIPTS); the rules refuse a parcel
	 * with more than the cap, so the list is never cut here. */
	const char *list[WF_MAX_PARCEL_SCRIPTS];
	int n = wf_parcel_scripts(r->w, ps->p, list, WF_MAX_PARCEL_SCRIPTS);
	if (n > WF_MAX_PARCEL_SCRIPTS) {
		ps_fail_host(ps, "load", VM_ERR_NOT_FOUND, "",
		             "the parcel runs more than %d scripts", WF_MAX_PARCEL_SCRIPTS);
		return;
	}
	vm_tick(ps->v);
	if (r->opts.try_src) {
		vm_error err = {0};
		ps_mark m = ps_begin(ps, "load");
		vm_status st = vm_load(ps->v, r->opts.try_name, r->opts.try_src,
		                       r->opts.try_len, &err);
		if (!ps_end(ps, &m, st, &err))
			return;
		n = 0; /* the tried source replaces the parcel's scripts */
	}
	for (int i = 0; i < n; i++) {
		char *src;
		size_t len;
		wf_read_status rs =
		    wf_world_read(r->dir, list[i], WF_MAX_SCRIPT_BYTES, &src, &len);
		if (rs != WF_READ_OK) {
			ps_fail_host(ps, "load", VM_ERR_NOT_FOUND, list[i],
			             "%s: cannot read the script: %s", list[i],
			             wf_read_strerror(rs));
			return;
		}
		vm_error err = {0};
		ps_mark m = ps_begin(ps, "load");
		vm_status st = vm_load(ps->v, list[i], src, len, &err);
		free(src);
		if (!ps_end(ps, &m, st, &err))
			return;
	}
	ps->loaded = true;
	ps->stats.loaded = true;
	ps_call(ps, "on_load", &(ps_args){0});
}

/* ---- One parcel's tick ---------------------------------------------------------- */

typedef struct run_phase {
	api_run *r;
	const api_event *ev;  /* this tick's events */
	const int *ev_parcel; /* target parcel index of each */
	int nev;
	bool loading; /* api_run_load: stops early when cancelled */
} run_phase;

static void ps_seed_rng(api_run *r, api_pstate *ps)
{
	uint64_t h = api_strhash(ps->p->name, strlen(ps->p->name));
	ps->rng = r->seed ^ (h * 0x9e3779b97f4a7c15ULL) ^
	          ((uint64_t)r->tick * 0xbf58476d1ce4e5b9ULL);
}

static void ps_event(api_pstate *ps, const api_event *e)
{
	switch (e->kind) {
	case API_EV_ENTER:
		ps_call(ps, "on_enter", &(ps_args){.s1 = e->avatar});
		break;
	case API_EV_LEAVE:
		ps_call(ps, "on_leave", &(ps_args){.s1 = e->avatar});
		break;
	case API_EV_INTERACT:
		ps_call(ps, "on_interact", &(ps_args){.s1 = e->avatar, .s2 = e->entity});
		break;
	case API_EV_MESSAGE:
		ps_call(ps, "on_message", &(ps_args){.nil_first = true, .s1 = e->text});
		break;
	}
}

static void ps_tick(run_phase *ph, api_pstate *ps)
{
	api_run *r = ph->r;
	ps_seed_rng(r, ps);
	if (r->tick == 0) {
		ps_load(r, ps);
	} else if (ps->loaded) {
		vm_tick(ps->v);
		vm_host_set(ps->v, ps_host_bytes(ps));
		for (int i = 0; i < ph->nev; i++)
			if (ph->ev_parcel[i] == ps->index)
				ps_event(ps, &ph->ev[i]);
		for (int i = 0; i < ps->inbox.n; i++) {
			const api_msg *m = &ps->inbox.v[i];
			ps_call(
			    ps, "on_message",
			    &(ps_args){.msg = m, .from = r->w->parcels[m->from].name});
		}
		ps_call(ps, "on_tick", &(ps_args){.tick = true, .t = r->tick});
	}
	if (ps->v) {
		vm_usage u = vm_get_usage(ps->v);
		if (u.peak_instructions > ps->stats.peak_instructions)
			ps->stats.peak_instructions = u.peak_instructions;
		if (u.peak_memory > ps->stats.peak_memory)
			ps->stats.peak_memory = u.peak_memory;
	}
}

/* Run every scripted parcel's part of the tick, on all threads (pool.c):
 * thread w of n runs the w-th of n fixed slices of the scripted parcels,
 * so a parcel always runs on the same thread. */
static void run_slice(void *ctx, int w, int n)
{
	run_phase *ph = ctx;
	api_run *r = ph->r;
	int lo = (int)((int64_t)r->nscripted * w / n);
	int hi = (int)((int64_t)r->nscripted * (w + 1) / n);
	for (int k = lo; k < hi && !(ph->loading && api_run_cancelled(r)); k++)
		ps_tick(ph, r->ps[r->scripted[k]]);
}

/* ---- Merge (one thread, parcel order) ------------------------------------------ */

static void run_emit_trace(api_run *r, api_pstate *ps)
{
	if (r->opts.trace && ps->trace.len) {
		const char *s = ps->trace.data, *end = s + ps->trace.len;
		while (s < end) {
			const char *nl = memchr(s, '\n', (size_t)(end - s));
			r->opts.trace(r->opts.trace_ud, s, (size_t)(nl - s));
			s = nl + 1;
		}
	}
	ps->trace.len = 0;
}

static int run_push_msg(api_msgs *q, api_msg m)
{
	if (q->n == q->cap) {
		int cap = q->cap ? q->cap * 2 : 8;
		api_msg *v = realloc(q->v, (size_t)cap * sizeof *v);
		if (!v)
			return -1;
		q->v = v;
		q->cap = cap;
	}
	q->v[q->n++] = m;
	return 0;
}

static void run_merge_parcel(api_run *r, api_pstate *ps)
{
	r->ledger[ps->index] += ps->balance - ps->balance_start;
	for (int i = 0; i < ps->nxfers; i++) {
		api_transfer *t = &ps->xfers[i];
		if (t->to_parcel >= 0)
			r->ledger[t->to_parcel] += t->amount;
		else if (run_credit_ident(r, t->to_identity, t->amount) < 0)
			r->oom = true;
		free(t->to_identity);
	}
	ps->nxfers = 0;
	for (int i = 0; i < ps->outbox.n; i++) {
		api_msg m = ps->outbox.v[i];
		api_pstate *to = r->ps[m.to]; /* NULL: left out of the run */
		if (!to || !to->loaded || run_push_msg(&to->inbox, m) < 0)
			free(m.data);
	}
	ps->outbox.n = 0;
	run_emit_trace(r, ps);
	for (int i = 0; i < ps->nfails; i++) {
		if (r->nfails < API_MAX_FAILURES)
			r->fails[r->nfails++] = ps->fails[i];
		r->total_fails++;
	}
	ps->nfails = 0;
}

static int run_merge(api_run *r)
{
	int failures = 0;
	for (int k = 0; k < r->nscripted; k++) {
		api_pstate *ps = r->ps[r->scripted[k]];
		for (int i = 0; i < ps->inbox.n; i++)
			free(ps->inbox.v[i].data);
		ps->inbox.n = 0;
	}
	for (int k = 0; k < r->nscripted; k++) {
		api_pstate *ps = r->ps[r->scripted[k]];
		failures += ps->nfails;
		run_merge_parcel(r, ps);
	}
	for (int k = 0; k < r->nscripted; k++) {
		api_pstate *ps = r->ps[r->scripted[k]];
		ps->balance = ps->balance_start = r->ledger[ps->index];
		ps->sent = 0;
	}
	return r->oom ? -1 : failures;
}

/* ---- Presence ------------------------------------------------------------------- */

static int ps_presence(api_pstate *ps, const api_event *e)
{
	int at = -1;
	for (int i = 0; i < ps->navatars; i++)
		if (strcmp(ps->avatars[i], e->avatar) == 0)
			at = i;
	if (e->kind == API_EV_LEAVE && at >= 0) {
		free(ps->avatars[at]);
		memmove(&ps->avatars[at], &ps->avatars[at + 1],
		        (size_t)(ps->navatars - at - 1) * sizeof *ps->avatars);
		ps->navatars--;
	}
	if (e->kind != API_EV_ENTER || at >= 0)
		return 0;
	if (ps->navatars == ps->avatars_cap) {
		int cap = ps->avatars_cap ? ps->avatars_cap * 2 : 4;
		char **v = realloc(ps->avatars, (size_t)cap * sizeof *v);
		if (!v)
			return -1;
		ps->avatars = v;
		ps->avatars_cap = cap;
	}
	if (!(ps->avatars[ps->navatars] = strdup(e->avatar)))
		return -1;
	ps->navatars++;
	return 0;
}

/* ---- The tick ------------------------------------------------------------------- */

static int run_step(api_run *r, const api_event *ev, int nev)
{
	/* The first event of this tick: events are sorted by tick. */
	int lo = 0, top = nev;
	while (lo < top) {
		int mid = lo + (top - lo) / 2;
		if (ev[mid].tick < r->tick)
			lo = mid + 1;
		else
			top = mid;
	}
	int hi = lo;
	while (hi < nev && ev[hi].tick == r->tick)
		hi++;
	int *target = hi > lo ? malloc((size_t)(hi - lo) * sizeof *target) : NULL;
	if (hi > lo && !target)
		return -1;
	for (int i = lo; i < hi; i++) {
		const api_event *e = &ev[i];
		target[i - lo] = api_find_parcel(r, e->parcel, strlen(e->parcel));
		api_pstate *ps = target[i - lo] >= 0 && e->avatar
		                     ? api_run_ps(r, target[i - lo])
		                     : NULL;
		if (target[i - lo] >= 0 && e->avatar && (!ps || ps_presence(ps, e) < 0)) {
			free(target);
			return -1;
		}
	}
	run_phase ph = {.r = r, .ev = ev + lo, .ev_parcel = target, .nev = hi - lo};
	api_pool_run(r, run_slice, &ph);
	free(target);
	return run_merge(r);
}

int api_run_tick(api_run *r, const api_event *ev, int nev)
{
	r->tick++;
	return run_step(r, ev, nev);
}

int64_t api_run_ticks(const api_run *r)
{
	return r->tick;
}

/* Tick 0: every scripted parcel loads its scripts and runs on_load. */
int api_run_load(api_run *r)
{
	run_phase ph = {.r = r, .loading = true};
	api_pool_run(r, run_slice, &ph);
	return api_run_cancelled(r) ? 0 : run_merge(r);
}
