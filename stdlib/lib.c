/* lib.c — installing the creator API into a parcel's state, the argument
 * checks every module shares, and the small modules: world, parcel, events,
 * rng and log. (tiles, entities, messages and economy have files of their
 * own.) Every API function charges API_COST_CALL fuel first and reaches its
 * parcel through api_ps(). */
#include "stdlib/api-int.h"

#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- Shared checks ----------------------------------------------------------- */

/* The parcel lives in the state's extra space (set by api_lib_open, copied
 * into coroutines by Lua), not in an upvalue: vm_state_hash walks upvalues,
 * and a light userdata would put a host address into the state hash. */
api_pstate *api_ps(lua_State *L)
{
	api_pstate *ps = *(api_pstate **)lua_getextraspace(L);
	vm_charge(L, API_COST_CALL);
	return ps;
}

int api_raise(lua_State *L, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	return vm_raise(L, "%s", msg);
}

void api_need(lua_State *L, api_pstate *ps, int cap, const char *call)
{
	if (!(ps->caps & cap))
		api_raise(L, "%s: zone '%s' does not allow %s (parcel '%s')", call,
		          ps->zone_name, wf_cap_name(cap), ps->p->name);
}

int api_cap_exceeded(lua_State *L, api_pstate *ps, vm_status st, int64_t used,
                     int64_t limit, const char *what)
{
	lua_Debug ar;
	if (!ps->forced_err && !(ps->forced_err = malloc(sizeof *ps->forced_err))) {
		ps->forced = st;
		return api_raise(L, "%s", what);
	}
	vm_error *e = ps->forced_err;
	memset(e, 0, sizeof *e);
	e->status = st;
	e->used = used;
	e->limit = limit;
	/* The innermost script line: the caller may be pcall or another C
	 * function. */
	for (int level = 1; lua_getstack(L, level, &ar); level++) {
		if (lua_getinfo(L, "Sl", &ar) && ar.currentline > 0) {
			snprintf(e->file, sizeof e->file, "%s", ar.short_src);
			e->line = ar.currentline;
			break;
		}
	}
	if (e->line > 0)
		snprintf(e->msg, sizeof e->msg, "%s:%d: %s", e->file, e->line, what);
	else
		snprintf(e->msg, sizeof e->msg, "%s", what);
	ps->forced = st;
	return api_raise(L, "%s", what);
}

const char *api_typename(lua_State *L, int idx)
{
	return lua_type(L, idx) == LUA_TNONE ? "nil" : lua_typename(L, lua_type(L, idx));
}

int64_t api_arg_int(lua_State *L, int idx, const char *call, const char *what)
{
	int isnum = 0;
	lua_Integer v = lua_tointegerx(L, idx, &isnum);
	if (!isnum || lua_type(L, idx) != LUA_TNUMBER)
		return api_raise(L, "%s: %s must be an integer, not %s", call, what,
		                 lua_type(L, idx) == LUA_TNUMBER ? "a fraction"
		                                                 : api_typename(L, idx));
	return v;
}

const char *api_arg_str(lua_State *L, int idx, const char *call, const char *what,
                        size_t *len)
{
	if (lua_type(L, idx) != LUA_TSTRING) {
		api_raise(L, "%s: %s must be a string, not %s", call, what,
		          api_typename(L, idx));
		return NULL;
	}
	return lua_tolstring(L, idx, len);
}

const char *api_arg_name(lua_State *L, int idx, const char *call, const char *what)
{
	size_t n;
	const char *s = api_arg_str(L, idx, call, what, &n);
	if (!wf_name_ok(s, n))
		api_raise(L,
		          "%s: '%.64s' is not a valid %s (letters, digits, '_', '.', "
		          "'-'; at most %d bytes)",
		          call, s, what, WF_MAX_NAME);
	return s;
}

void api_arg_xy(lua_State *L, api_pstate *ps, int idx, const char *call, int32_t *x,
                int32_t *y)
{
	int64_t vx = api_arg_int(L, idx, call, "x");
	int64_t vy = api_arg_int(L, idx + 1, call, "y");
	if (vx < 0 || vy < 0 || vx >= ps->tw || vy >= ps->th)
		api_raise(L,
		          "%s: (%" PRId64 ", %" PRId64 ") is outside parcel '%s' "
		          "(x 0..%d, y 0..%d)",
		          call, vx, vy, ps->p->name, (int)ps->tw - 1, (int)ps->th - 1);
	*x = (int32_t)vx;
	*y = (int32_t)vy;
}

/* ---- world -------------------------------------------------------------------- */

static int world_name(lua_State *L)
{
	api_pstate *ps = api_ps(L);
	lua_pushstring(L, ps->run->w->name ? ps->run->w->name : "");
	return 1;
}

static int world_seed(lua_State *L)
{
	api_pstate *ps = api_ps(L);
	lua_pushinteger(L, (lua_Integer)ps->run->seed);
	return 1;
}

static int world_tick(lua_State *L)
{
	api_pstate *ps = api_ps(L);
	lua_pushinteger(L, ps->run->tick);
	return 1;
}

static int world_size(lua_State *L)
{
	const wf_world *w = api_ps(L)->run->w;
	lua_pushinteger(L, (lua_Integer)w->width * w->parcel_w);
	lua_pushinteger(L, (lua_Integer)w->height * w->parcel_h);
	return 2;
}

static int world_parcel_size(lua_State *L)
{
	const wf_world *w = api_ps(L)->run->w;
	lua_pushinteger(L, w->parcel_w);
	lua_pushinteger(L, w->parcel_h);
	return 2;
}

static int world_parcels(lua_State *L)
{
	api_pstate *ps = api_ps(L);
	lua_pushinteger(L, ps->run->w->nparcels);
	return 1;
}

static void push_parcel_info(lua_State *L, const wf_world *w, const wf_parcel *p)
{
	lua_createtable(L, 0, 7);
	lua_pushstring(L, p->name);
	lua_setfield(L, -2, "name");
	lua_pushinteger(L, (lua_Integer)p->px * w->parcel_w);
	lua_setfield(L, -2, "x");
	lua_pushinteger(L, (lua_Integer)p->py * w->parcel_h);
	lua_setfield(L, -2, "y");
	lua_pushinteger(L, wf_parcel_tw(w, p));
	lua_setfield(L, -2, "w");
	lua_pushinteger(L, wf_parcel_th(w, p));
	lua_setfield(L, -2, "h");
	if (p->owner) {
		lua_pushstring(L, p->owner);
		lua_setfield(L, -2, "owner");
	}
	if (p->zone) {
		lua_pushstring(L, p->zone);
		lua_setfield(L, -2, "zone");
	}
}

static int world_parcel(lua_State *L)
{
	api_pstate *ps = api_ps(L);
	size_t n;
	const char *name = api_arg_str(L, 1, "world.parcel", "the parcel name", &n);
	int i = api_find_parcel(ps->run, name, n);
	if (i < 0) {
		lua_pushnil(L);
		return 1;
	}
	push_parcel_info(L, ps->run->w, &ps->run->w->parcels[i]);
	return 1;
}

const luaL_Reg api_world_lib[] = {
    {"name", world_name},
    {"seed", world_seed},
    {"tick", world_tick},
    {"size", world_size},
    {"parcel_size", world_parcel_size},
    {"parcels", world_parcels},
    {"parcel", world_parcel},
    {NULL, NULL},
};

/* ---- parcel ----------------------------------------------------------------------- */

static int parcel_name(lua_State *L)
{
	lua_pushstring(L, api_ps(L)->p->name);
	return 1;
}

static int parcel_owner(lua_State *L)
{
	const wf_parcel *p = api_ps(L)->p;
	if (p->owner)
		lua_pushstring(L, p->owner);
	else
		lua_pushnil(L);
	return 1;
}

static int parcel_zone(lua_State *L)
{
	const wf_parcel *p = api_ps(L)->p;
	if (p->zone)
		lua_pushstring(L, p->zone);
	else
		lua_pushnil(L);
	return 1;
}

static int parcel_bounds(lua_State *L)
{
	api_pstate *ps = api_ps(L);
	const wf_world *w = ps->run->w;
	lua_pushinteger(L, (lua_Integer)ps->p->px * w->parcel_w);
	lua_pushinteger(L, (lua_Integer)ps->p->py * w->parcel_h);
	lua_pushinteger(L, ps->tw);
	lua_pushinteger(L, ps->th);
	return 4;
}

static int parcel_size(lua_State *L)
{
	api_pstate *ps = api_ps(L);
	lua_pushinteger(L, ps->tw);
	lua_pushinteger(L, ps->th);
	return 2;
}

static void set_int(lua_State *L, const char *k, int64_t v)
{
	lua_pushinteger(L, v);
	lua_setfield(L, -2, k);
}

static int parcel_budget(lua_State *L)
{
	api_pstate *ps = api_ps(L);
	lua_createtable(L, 0, 5);
	set_int(L, "instructions", ps->lim.tick_instructions);
	set_int(L, "call_instructions", ps->lim.instructions);
	set_int(L, "memory", (int64_t)ps->lim.memory);
	set_int(L, "entities", ps->max_entities);
	set_int(L, "messages", ps->lim.messages);
	return 1;
}

static int parcel_usage(lua_State *L)
{
	api_pstate *ps = api_ps(L);
	vm_usage u = vm_get_usage(ps->v);
	lua_createtable(L, 0, 4);
	set_int(L, "memory", (int64_t)u.memory);
	set_int(L, "peak_instructions", u.peak_instructions);
	set_int(L, "entities", ps->nents);
	set_int(L, "messages", ps->sent);
	return 1;
}

static int parcel_allows(lua_State *L)
{
	api_pstate *ps = api_ps(L);
	size_t n;
	const char *what = api_arg_str(L, 1, "parcel.allows", "the capability", &n);
	int cap = wf_cap_parse(what);
	if (!cap)
		return api_raise(L,
		                 "parcel.allows: unknown capability '%.64s' (scripts, "
		                 "tiles, entities, messages or economy)",
		                 what);
	lua_pushboolean(L, (ps->caps & cap) != 0);
	return 1;
}

static int parcel_avatars(lua_State *L)
{
	api_pstate *ps = api_ps(L);
	vm_charge(L, (int64_t)ps->navatars * API_COST_ENTITY);
	lua_createtable(L, ps->navatars, 0);
	for (int i = 0; i < ps->navatars; i++) {
		lua_pushstring(L, ps->avatars[i]);
		lua_rawseti(L, -2, i + 1);
	}
	return 1;
}

const luaL_Reg api_parcel_lib[] = {
    {"name", parcel_name},       {"owner", parcel_owner},
    {"zone", parcel_zone},       {"bounds", parcel_bounds},
    {"size", parcel_size},       {"budget", parcel_budget},
    {"usage", parcel_usage},     {"allows", parcel_allows},
    {"avatars", parcel_avatars}, {NULL, NULL},
};

/* ---- events ------------------------------------------------------------------------
 * Handlers are global functions named on_EVENT; events.on(EVENT, fn) sets
 * one, and when one is already set chains them (the old one runs first),
 * so that entity scripts sharing the parcel's state can each add theirs. */

static const char *const event_names[] = {"load",    "tick",     "enter", "leave",
                                          "message", "interact", NULL};

static int events_chained(lua_State *L)
{
	int n = lua_gettop(L);
	for (int k = 1; k <= 2; k++) {
		lua_pushvalue(L, lua_upvalueindex(k));
		for (int i = 1; i <= n; i++)
			lua_pushvalue(L, i);
		lua_call(L, n, 0);
	}
	return 0;
}

static const char *events_arg(lua_State *L, const char *call)
{
	size_t n;
	const char *name = api_arg_str(L, 1, call, "the event", &n);
	for (int i = 0; event_names[i]; i++)
		if (strcmp(name, event_names[i]) == 0)
			return event_names[i];
	api_raise(L,
	          "%s: unknown event '%.64s' (load, tick, enter, leave, message or "
	          "interact)",
	          call, name);
	return NULL;
}

static int events_on(lua_State *L)
{
	api_ps(L);
	const char *ev = events_arg(L, "events.on");
	if (lua_type(L, 2) != LUA_TFUNCTION)
		return api_raise(L, "events.on: the handler must be a function, not %s",
		                 api_typename(L, 2));
	char global[32];
	snprintf(global, sizeof global, "on_%s", ev);
	lua_getglobal(L, global);
	if (lua_type(L, -1) == LUA_TFUNCTION) {
		lua_pushvalue(L, 2);
		lua_pushcclosure(L, events_chained, 2);
	} else {
		lua_pop(L, 1);
		lua_pushvalue(L, 2);
	}
	lua_setglobal(L, global);
	return 0;
}

static int events_off(lua_State *L)
{
	api_ps(L);
	const char *ev = events_arg(L, "events.off");
	char global[32];
	snprintf(global, sizeof global, "on_%s", ev);
	lua_pushnil(L);
	lua_setglobal(L, global);
	return 0;
}

static int events_list(lua_State *L)
{
	api_ps(L);
	lua_newtable(L);
	int k = 0;
	for (int i = 0; event_names[i]; i++) {
		char global[32];
		snprintf(global, sizeof global, "on_%s", event_names[i]);
		if (lua_getglobal(L, global) == LUA_TFUNCTION) {
			lua_pushstring(L, event_names[i]);
			lua_rawseti(L, -3, ++k);
		}
		lua_pop(L, 1);
	}
	return 1;
}

const luaL_Reg api_events_lib[] = {
    {"on", events_on},
    {"off", events_off},
    {"list", events_list},
    {NULL, NULL},
};

/* ---- rng -----------------------------------------------------------------------------
 * splitmix64, seeded at the start of every tick from the world seed, the
 * parcel's name and the tick (run.c), so that a parcel's numbers do not
 * depend on other parcels or on the thread that runs it. */

static uint64_t rng_next(api_pstate *ps)
{
	uint64_t z = (ps->rng += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* A uniform integer in [0, n) without modulo bias. */
static uint64_t rng_below(api_pstate *ps, uint64_t n)
{
	uint64_t limit = UINT64_MAX - UINT64_MAX % n;
	uint64_t x;
	do
		x = rng_next(ps);
	while (x >= limit);
	return x % n;
}

static int rng_int(lua_State *L)
{
	api_pstate *ps = api_ps(L);
	int64_t lo = 1, hi;
	if (lua_gettop(L) >= 2) {
		lo = api_arg_int(L, 1, "rng.int", "the low bound");
		hi = api_arg_int(L, 2, "rng.int", "the high bound");
	} else {
		hi = api_arg_int(L, 1, "rng.int", "the high bound");
	}
	if (hi < lo)
		return api_raise(L, "rng.int: empty range %" PRId64 "..%" PRId64, lo, hi);
	uint64_t span = (uint64_t)hi - (uint64_t)lo + 1;
	uint64_t x = span ? rng_below(ps, span) : rng_next(ps);
	lua_pushinteger(L, (lua_Integer)((uint64_t)lo + x));
	return 1;
}

static int rng_float(lua_State *L)
{
	api_pstate *ps = api_ps(L);
	lua_pushnumber(L, (double)(rng_next(ps) >> 11) * 0x1.0p-53);
	return 1;
}

static int rng_chance(lua_State *L)
{
	api_pstate *ps = api_ps(L);
	if (lua_type(L, 1) != LUA_TNUMBER)
		return api_raise(L,
		                 "rng.chance: the probability must be a number, not %s",
		                 api_typename(L, 1));
	double p = lua_tonumber(L, 1);
	lua_pushboolean(L, (double)(rng_next(ps) >> 11) * 0x1.0p-53 < p);
	return 1;
}

static int rng_pick(lua_State *L)
{
	api_pstate *ps = api_ps(L);
	if (lua_type(L, 1) != LUA_TTABLE)
		return api_raise(L, "rng.pick: the list must be a table, not %s",
		                 api_typename(L, 1));
	lua_Unsigned n = lua_rawlen(L, 1);
	if (n == 0)
		return api_raise(L, "rng.pick: the list is empty");
	lua_rawgeti(L, 1, (lua_Integer)(1 + rng_below(ps, n)));
	return 1;
}

const luaL_Reg api_rng_lib[] = {
    {"int", rng_int},   {"float", rng_float}, {"chance", rng_chance},
    {"pick", rng_pick}, {NULL, NULL},
};

/* ---- log
 * -------------------------------------------------------------------------------- Lines
 * go to the trace as "TICK PARCEL log LEVEL TEXT". Values are shown without calling
 * metamethods (nothing of the script runs here), tables and functions by their type only:
 * no addresses. */

static int log_value(lua_State *L, int i, api_buf *b)
{
	char num[64];
	switch (lua_type(L, i)) {
	case LUA_TNIL:
		return api_buf_put(b, "nil", 3);
	case LUA_TBOOLEAN:
		return api_buf_printf(b, "%s", lua_toboolean(L, i) ? "true" : "false");
	case LUA_TNUMBER:
		if (lua_isinteger(L, i))
			snprintf(num, sizeof num, "%lld", (long long)lua_tointeger(L, i));
		else
			snprintf(num, sizeof num, "%.14g", lua_tonumber(L, i));
		return api_buf_put(b, num, strlen(num));
	case LUA_TSTRING: {
		size_t n;
		const char *s = lua_tolstring(L, i, &n);
		return api_buf_escaped(b, s, n);
	}
	default:
		return api_buf_put(b, api_typename(L, i), strlen(api_typename(L, i)));
	}
}

static int log_at(lua_State *L, const char *level)
{
	api_pstate *ps = api_ps(L);
	api_buf *b = &ps->scratch;
	int n = lua_gettop(L), oom = 0;
	b->len = 0;
	for (int i = 1; i <= n; i++) {
		if (i > 1)
			oom |= api_buf_put(b, " ", 1);
		oom |= log_value(L, i, b);
	}
	if (oom)
		return api_raise(L, "log.%s: out of memory", level);
	vm_charge(L, (int64_t)(b->len / API_COST_BYTE_DIV));
	ps->out_bytes += b->len + 1;
	if (ps->lim.output && ps->out_bytes > ps->lim.output)
		return api_cap_exceeded(L, ps, VM_ERR_OUTPUT, (int64_t)ps->out_bytes,
		                        (int64_t)ps->lim.output,
		                        "log: output budget of this call exceeded");
	api_trace(ps, "log %s %s", level, b->len ? b->data : "");
	return 0;
}

static int log_info(lua_State *L)
{
	return log_at(L, "info");
}

static int log_warn(lua_State *L)
{
	return log_at(L, "warn");
}

static int log_error(lua_State *L)
{
	return log_at(L, "error");
}

const luaL_Reg api_log_lib[] = {
    {"info", log_info},
    {"warn", log_warn},
    {"error", log_error},
    {NULL, NULL},
};

/* ---- Installing -----------------------------------------------------------------------
 */

static const struct {
	const char *name;
	const luaL_Reg *fns;
} api_modules[] = {
    {"world", api_world_lib},     {"parcel", api_parcel_lib},
    {"tiles", api_tiles_lib},     {"entities", api_entities_lib},
    {"events", api_events_lib},   {"messages", api_messages_lib},
    {"rng", api_rng_lib},         {"log", api_log_lib},
    {"economy", api_economy_lib},
};

static int lib_open(lua_State *L)
{
	*(api_pstate **)lua_getextraspace(L) = lua_touserdata(L, 1);
	for (size_t i = 0; i < sizeof api_modules / sizeof api_modules[0]; i++) {
		lua_newtable(L);
		luaL_setfuncs(L, api_modules[i].fns, 0);
		lua_setglobal(L, api_modules[i].name);
	}
	return 0;
}

/* In a protected call: building the tables may hit the memory cap. */
int api_lib_open(api_pstate *ps)
{
	lua_State *L = vm_lua(ps->v);
	int top = lua_gettop(L);
	lua_pushcfunction(L, lib_open);
	lua_pushlightuserdata(L, ps);
	int rc = lua_pcall(L, 1, 0, 0);
	lua_settop(L, top);
	return rc == LUA_OK ? 0 : -1;
}
