/* lib-entities.c — the `entities` module: the own parcel's entities.
 *
 * Entities are found by name in the own parcel only, so a script can never
 * name, move or remove another parcel's entity. spawn/move/remove/set need
 * the zone's `entities` capability; spawn also stays within the parcel's
 * entity budget. The live list keeps spawn order (world-file entities
 * first), which is the order list/find/at return. */
#include "stdlib/api-int.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int ent_index(api_pstate *ps, const char *name)
{
	for (int i = 0; i < ps->nents; i++)
		if (strcmp(ps->ents[i].name, name) == 0)
			return i;
	return -1;
}

static const char *ent_suggest(api_pstate *ps, const char *name, char *hint)
{
	return api_suggest(name, ps->nents ? &ps->ents[0].name : NULL, sizeof *ps->ents,
	                   ps->nents, hint);
}

/* The named entity; raises when the parcel has none of that name. */
static int ent_arg(lua_State *L, api_pstate *ps, const char *call)
{
	size_t n;
	const char *name = api_arg_str(L, 1, call, "the entity name", &n);
	int i = strlen(name) == n ? ent_index(ps, name) : -1;
	if (i < 0) {
		char hint[API_SUGGEST_MAX];
		api_raise(L, "%s: no entity named '%.64s' in parcel '%s'%s", call, name,
		          ps->p->name, ent_suggest(ps, name, hint));
	}
	return i;
}

static void ent_glyph_arg(lua_State *L, int idx, const char *call, char out[8])
{
	/* All eight bytes: the array is copied whole into the entity, and no
	 * byte of it may depend on what the stack held before. */
	memset(out, 0, 8);
	if (lua_isnoneornil(L, idx))
		return;
	size_t n;
	const char *g = api_arg_str(L, idx, call, "the glyph", &n);
	if (n == 0 || n > 4 || wf_utf8_len((const unsigned char *)g, n) != (int)n ||
	    g[0] == ' ')
		api_raise(L, "%s: the glyph must be one character, not '%.16s'", call, g);
	memcpy(out, g, n);
	out[n] = '\0';
}

/* Read a property value; raises for anything but nil/boolean/number/string. */
static api_value ent_value_arg(lua_State *L, int idx, const char *call)
{
	api_value v = {.type = API_NIL};
	switch (lua_type(L, idx)) {
	case LUA_TNONE:
	case LUA_TNIL:
		break;
	case LUA_TBOOLEAN:
		v.type = API_BOOL;
		v.u.b = lua_toboolean(L, idx);
		break;
	case LUA_TNUMBER:
		if (lua_isinteger(L, idx)) {
			v.type = API_INT;
			v.u.i = lua_tointeger(L, idx);
		} else {
			v.type = API_NUM;
			v.u.n = lua_tonumber(L, idx);
		}
		break;
	case LUA_TSTRING: {
		size_t n;
		lua_tolstring(L, idx, &n);
		if (n > WF_MAX_STRING)
			api_raise(L, "%s: a property string is limited to %d bytes", call,
			          WF_MAX_STRING);
		v.type = API_STR;
		v.u.s = NULL; /* copied by the caller once nothing can raise */
		break;
	}
	default:
		api_raise(L,
		          "%s: a property must be nil, a boolean, a number or a string, "
		          "not %s",
		          call, api_typename(L, idx));
	}
	return v;
}

static void ent_push_value(lua_State *L, const api_value *v)
{
	switch (v->type) {
	case API_NIL:
		lua_pushnil(L);
		break;
	case API_BOOL:
		lua_pushboolean(L, v->u.b);
		break;
	case API_INT:
		lua_pushinteger(L, v->u.i);
		break;
	case API_NUM:
		lua_pushnumber(L, v->u.n);
		break;
	case API_STR:
		lua_pushstring(L, v->u.s);
		break;
	}
}

static void ent_trace_value(api_buf *b, const api_value *v)
{
	switch (v->type) {
	case API_NIL:
		api_buf_put(b, "nil", 3);
		break;
	case API_BOOL:
		api_buf_printf(b, "%s", v->u.b ? "true" : "false");
		break;
	case API_INT:
		api_buf_printf(b, "%" PRId64, v->u.i);
		break;
	case API_NUM:
		api_buf_printf(b, "%.17g", v->u.n);
		break;
	case API_STR:
		api_buf_put(b, "\"", 1);
		api_buf_escaped(b, v->u.s, strlen(v->u.s));
		api_buf_put(b, "\"", 1);
		break;
	}
}

static int ent_grow(api_pstate *ps)
{
	if (ps->nents < ps->ents_cap)
		return 0;
	int cap = ps->ents_cap ? ps->ents_cap * 2 : 8;
	api_entity *v = realloc(ps->ents, (size_t)cap * sizeof *v);
	if (!v)
		return -1;
	ps->ents = v;
	ps->ents_cap = cap;
	return 0;
}

static int ent_set_prop(api_pstate *ps, api_entity *e, const char *key,
                        const api_value *v)
{
	api_prop *p = api_entity_prop(e, key);
	/* the host keeps the key and value for the parcel: its memory cap */
	if (v->type != API_NIL)
		vm_host_note(ps->v, sizeof *p + (p ? 0 : strlen(key) + 1) +
		                        (v->type == API_STR ? strlen(v->u.s) + 1 : 0));
	if (!p && v->type == API_NIL)
		return 0;
	if (!p) {
		if (e->nprops == e->props_cap) {
			int cap = e->props_cap ? e->props_cap * 2 : 4;
			api_prop *np = realloc(e->props, (size_t)cap * sizeof *np);
			if (!np)
				return -1;
			e->props = np;
			e->props_cap = cap;
		}
		p = &e->props[e->nprops];
		if (!(p->key = strdup(key)))
			return -1;
		p->value.type = API_NIL;
		e->nprops++;
	}
	api_value_free(&p->value);
	if (v->type == API_NIL) {
		/* Removing keeps the order of the others. */
		free(p->key);
		int at = (int)(p - e->props);
		memmove(p, p + 1, (size_t)(e->nprops - at - 1) * sizeof *p);
		e->nprops--;
		return 0;
	}
	p->value = *v;
	return 0;
}

/* entities.spawn(name, x, y [, glyph [, props]]) */
static int ent_spawn(lua_State *L)
{
	api_pstate *ps = api_ps(L);
	api_need(L, ps, WF_CAP_ENTITIES, "entities.spawn");
	const char *name = api_arg_name(L, 1, "entities.spawn", "entity name");
	int32_t x, y;
	api_arg_xy(L, ps, 2, "entities.spawn", &x, &y);
	char glyph[8];
	ent_glyph_arg(L, 4, "entities.spawn", glyph);
	if (!lua_isnoneornil(L, 5) && lua_type(L, 5) != LUA_TTABLE)
		return api_raise(L,
		                 "entities.spawn: the properties must be a table, not %s",
		                 api_typename(L, 5));
	if (ent_index(ps, name) >= 0)
		return api_raise(L,
		                 "entities.spawn: parcel '%s' already has an entity "
		                 "named '%s'",
		                 ps->p->name, name);
	if (ps->nents >= ps->max_entities)
		return api_raise(L,
		                 "entities.spawn: parcel '%s' is at its entity budget "
		                 "(%" PRId64 ")",
		                 ps->p->name, ps->max_entities);
	/* Check every property before changing anything. */
	if (lua_type(L, 5) == LUA_TTABLE) {
		lua_pushnil(L);
		while (lua_next(L, 5)) {
			if (lua_type(L, -2) != LUA_TSTRING)
				return api_raise(
				    L, "entities.spawn: property names must be strings");
			ent_value_arg(L, -1, "entities.spawn");
			vm_charge(L, API_COST_ENTITY);
			lua_pop(L, 1);
		}
	}
	api_touch_ents(ps);
	if (ent_grow(ps) < 0)
		return api_raise(L, "entities.spawn: out of memory");
	api_entity *e = &ps->ents[ps->nents];
	memset(e, 0, sizeof *e);
	if (!(e->name = strdup(name)))
		return api_raise(L, "entities.spawn: out of memory");
	ps->nents++;
	vm_host_note(ps->v, sizeof *e + strlen(name) + 1);
	e->x = x;
	e->y = y;
	memcpy(e->glyph, glyph, sizeof e->glyph);
	api_trace(ps, "spawn %s %d %d %s", name, (int)x, (int)y, glyph[0] ? glyph : "-");
	if (lua_type(L, 5) == LUA_TTABLE) {
		lua_pushnil(L);
		while (lua_next(L, 5)) {
			api_value v = ent_value_arg(L, -1, "entities.spawn");
			if (v.type == API_STR && !(v.u.s = strdup(lua_tostring(L, -1))))
				return api_raise(L, "entities.spawn: out of memory");
			if (ent_set_prop(ps, e, lua_tostring(L, -2), &v) < 0) {
				api_value_free(&v);
				return api_raise(L, "entities.spawn: out of memory");
			}
			lua_pop(L, 1);
		}
	}
	lua_pushstring(L, name);
	return 1;
}

static int ent_move(lua_State *L)
{
	api_pstate *ps = api_ps(L);
	api_need(L, ps, WF_CAP_ENTITIES, "entities.move");
	int i = ent_arg(L, ps, "entities.move");
	int32_t x, y;
	api_arg_xy(L, ps, 2, "entities.move", &x, &y);
	api_touch_ents(ps);
	api_entity *e = &ps->ents[i];
	e->x = x;
	e->y = y;
	api_trace(ps, "move %s %d %d", e->name, (int)x, (int)y);
	return 0;
}

static int ent_remove(lua_State *L)
{
	api_pstate *ps = api_ps(L);
	api_need(L, ps, WF_CAP_ENTITIES, "entities.remove");
	int i = ent_arg(L, ps, "entities.remove");
	api_touch_ents(ps);
	api_trace(ps, "remove %s", ps->ents[i].name);
	api_entity_free(&ps->ents[i]);
	memmove(&ps->ents[i], &ps->ents[i + 1],
	        (size_t)(ps->nents - i - 1) * sizeof *ps->ents);
	ps->nents--;
	return 0;
}

static int ent_set(lua_State *L)
{
	api_pstate *ps = api_ps(L);
	api_need(L, ps, WF_CAP_ENTITIES, "entities.set");
	int i = ent_arg(L, ps, "entities.set");
	const char *key = api_arg_name(L, 2, "entities.set", "property name");
	/* finding the property reads the entity's list of them */
	vm_charge(L, 1 + ps->ents[i].nprops / 16);
	api_value v = ent_value_arg(L, 3, "entities.set");
	if (v.type == API_STR && !(v.u.s = strdup(lua_tostring(L, 3))))
		return api_raise(L, "entities.set: out of memory");
	api_touch_ents(ps);
	api_buf b = {0};
	ent_trace_value(&b, &v);
	api_trace(ps, "set %s %s %s", ps->ents[i].name, key, b.data ? b.data : "");
	free(b.data);
	if (ent_set_prop(ps, &ps->ents[i], key, &v) < 0) {
		api_value_free(&v);
		return api_raise(L, "entities.set: out of memory");
	}
	return 0;
}

static int ent_prop(lua_State *L)
{
	api_pstate *ps = api_ps(L);
	int i = ent_arg(L, ps, "entities.prop");
	size_t n;
	const char *key = api_arg_str(L, 2, "entities.prop", "the property name", &n);
	api_prop *p = api_entity_prop(&ps->ents[i], key);
	if (p)
		ent_push_value(L, &p->value);
	else
		lua_pushnil(L);
	return 1;
}

/* entities.get(name) → {name=, x=, y=, glyph=, props={...}} or nil */
static int ent_get(lua_State *L)
{
	api_pstate *ps = api_ps(L);
	size_t n;
	const char *name = api_arg_str(L, 1, "entities.get", "the entity name", &n);
	int i = ent_index(ps, name);
	if (i < 0) {
		lua_pushnil(L);
		return 1;
	}
	const api_entity *e = &ps->ents[i];
	vm_charge(L, (int64_t)e->nprops * API_COST_ENTITY);
	lua_createtable(L, 0, 5);
	lua_pushstring(L, e->name);
	lua_setfield(L, -2, "name");
	lua_pushinteger(L, e->x);
	lua_setfield(L, -2, "x");
	lua_pushinteger(L, e->y);
	lua_setfield(L, -2, "y");
	if (e->glyph[0]) {
		lua_pushstring(L, e->glyph);
		lua_setfield(L, -2, "glyph");
	}
	lua_createtable(L, 0, e->nprops);
	for (int k = 0; k < e->nprops; k++) {
		ent_push_value(L, &e->props[k].value);
		lua_setfield(L, -2, e->props[k].key);
	}
	lua_setfield(L, -2, "props");
	return 1;
}

static int ent_exists(lua_State *L)
{
	api_pstate *ps = api_ps(L);
	size_t n;
	const char *name = api_arg_str(L, 1, "entities.exists", "the entity name", &n);
	lua_pushboolean(L, ent_index(ps, name) >= 0);
	return 1;
}

/* Push the names of the entities `keep` accepts, as a list. */
static int ent_names(lua_State *L, api_pstate *ps,
                     bool (*keep)(lua_State *, const api_entity *, void *), void *ud)
{
	vm_charge(L, (int64_t)ps->nents * API_COST_ENTITY);
	lua_newtable(L);
	int k = 0;
	for (int i = 0; i < ps->nents; i++) {
		if (keep && !keep(L, &ps->ents[i], ud))
			continue;
		lua_pushstring(L, ps->ents[i].name);
		lua_rawseti(L, -2, ++k);
	}
	return 1;
}

static int ent_list(lua_State *L)
{
	return ent_names(L, api_ps(L), NULL, NULL);
}

static bool ent_keep_at(lua_State *L, const api_entity *e, void *ud)
{
	(void)L;
	const int32_t *xy = ud;
	return e->x == xy[0] && e->y == xy[1];
}

static int ent_at(lua_State *L)
{
	api_pstate *ps = api_ps(L);
	int32_t xy[2];
	api_arg_xy(L, ps, 1, "entities.at", &xy[0], &xy[1]);
	return ent_names(L, ps, ent_keep_at, xy);
}

/* True when e has property key (stack 1), equal to stack 2 when given. */
static bool ent_keep_prop(lua_State *L, const api_entity *e, void *ud)
{
	(void)ud;
	const api_prop *p = api_entity_prop((api_entity *)e, lua_tostring(L, 1));
	if (!p)
		return false;
	if (lua_isnoneornil(L, 2))
		return true;
	const api_value *v = &p->value;
	switch (lua_type(L, 2)) {
	case LUA_TBOOLEAN:
		return v->type == API_BOOL && v->u.b == lua_toboolean(L, 2);
	case LUA_TNUMBER:
		if (v->type == API_INT)
			return lua_isinteger(L, 2) ? v->u.i == lua_tointeger(L, 2)
			                           : (double)v->u.i == lua_tonumber(L, 2);
		return v->type == API_NUM && v->u.n == lua_tonumber(L, 2);
	case LUA_TSTRING:
		return v->type == API_STR && strcmp(v->u.s, lua_tostring(L, 2)) == 0;
	default:
		return false;
	}
}

static int ent_find(lua_State *L)
{
	api_pstate *ps = api_ps(L);
	size_t n;
	api_arg_str(L, 1, "entities.find", "the property name", &n);
	lua_settop(L, 2); /* the value, or nil; the list goes above it */
	return ent_names(L, ps, ent_keep_prop, NULL);
}

static int ent_count(lua_State *L)
{
	lua_pushinteger(L, api_ps(L)->nents);
	return 1;
}

static int ent_limit(lua_State *L)
{
	lua_pushinteger(L, api_ps(L)->max_entities);
	return 1;
}

const luaL_Reg api_entities_lib[] = {
    {"spawn", ent_spawn},   {"move", ent_move},   {"remove", ent_remove},
    {"set", ent_set},       {"prop", ent_prop},   {"get", ent_get},
    {"exists", ent_exists}, {"list", ent_list},   {"at", ent_at},
    {"find", ent_find},     {"count", ent_count}, {"limit", ent_limit},
    {NULL, NULL},
};
