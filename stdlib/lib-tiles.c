/* lib-tiles.c — the `tiles` module: read and write the own parcel's tiles.
 *
 * Coordinates are 0-based and relative to the parcel's top-left tile, and
 * are checked against the parcel's own size before anything is touched, so
 * no argument can reach another parcel's tiles. Writes need the zone's
 * `tiles` capability. */
#include "stdlib/api-int.h"

#include <inttypes.h>
#include <string.h>

/* A palette entry named by its glyph ("#") or its name ("wall"). */
static int tiles_glyph_arg(lua_State *L, api_pstate *ps, int idx, const char *call)
{
	size_t n;
	const char *s = api_arg_str(L, idx, call, "the tile", &n);
	const wf_world *w = ps->run->w;
	int g = wf_find_glyph(w, s);
	if (g >= 0)
		return g;
	for (int i = 0; i < w->npalette; i++)
		if (w->palette[i].name && strcmp(w->palette[i].name, s) == 0)
			return i;
	char hint[API_SUGGEST_MAX];
	return api_raise(L, "%s: '%.64s' is neither a glyph nor a name in the palette%s",
	                 call, s,
	                 api_suggest(s, w->npalette ? &w->palette[0].name : NULL,
	                             sizeof *w->palette, w->npalette, hint));
}

static const wf_glyph *tiles_at(lua_State *L, api_pstate *ps, const char *call)
{
	int32_t x, y;
	api_arg_xy(L, ps, 1, call, &x, &y);
	uint8_t g = ps->tiles[(size_t)y * (size_t)ps->tw + (size_t)x];
	const wf_world *w = ps->run->w;
	return g < w->npalette ? &w->palette[g] : NULL;
}

static int tiles_get(lua_State *L)
{
	api_pstate *ps = api_ps(L);
	const wf_glyph *g = tiles_at(L, ps, "tiles.get");
	lua_pushstring(L, g ? g->glyph : " ");
	return 1;
}

static int tiles_name(lua_State *L)
{
	api_pstate *ps = api_ps(L);
	const wf_glyph *g = tiles_at(L, ps, "tiles.name");
	lua_pushstring(L, g && g->name ? g->name : "");
	return 1;
}

static int tiles_solid(lua_State *L)
{
	api_pstate *ps = api_ps(L);
	const wf_glyph *g = tiles_at(L, ps, "tiles.solid");
	lua_pushboolean(L, g && g->solid);
	return 1;
}

static int tiles_set(lua_State *L)
{
	api_pstate *ps = api_ps(L);
	api_need(L, ps, WF_CAP_TILES, "tiles.set");
	int32_t x, y;
	api_arg_xy(L, ps, 1, "tiles.set", &x, &y);
	int g = tiles_glyph_arg(L, ps, 3, "tiles.set");
	uint8_t *t = &ps->tiles[(size_t)y * (size_t)ps->tw + (size_t)x];
	if (*t == g)
		return 0;
	api_touch_tiles(ps);
	*t = (uint8_t)g;
	api_trace(ps, "tile %d %d %s", (int)x, (int)y, ps->run->w->palette[g].glyph);
	return 0;
}

static int tiles_fill(lua_State *L)
{
	api_pstate *ps = api_ps(L);
	api_need(L, ps, WF_CAP_TILES, "tiles.fill");
	int32_t x, y;
	api_arg_xy(L, ps, 1, "tiles.fill", &x, &y);
	int64_t w = api_arg_int(L, 3, "tiles.fill", "the width");
	int64_t h = api_arg_int(L, 4, "tiles.fill", "the height");
	if (w < 1 || h < 1 || w > ps->tw - x || h > ps->th - y)
		return api_raise(
		    L,
		    "tiles.fill: %" PRId64 "x%" PRId64 " at (%d, %d) does not "
		    "fit in parcel '%s' (%dx%d)",
		    w, h, (int)x, (int)y, ps->p->name, (int)ps->tw, (int)ps->th);
	int g = tiles_glyph_arg(L, ps, 5, "tiles.fill");
	vm_charge(L, w * h * API_COST_TILE);
	api_touch_tiles(ps);
	for (int64_t j = 0; j < h; j++)
		memset(&ps->tiles[(size_t)(y + j) * (size_t)ps->tw + (size_t)x], g,
		       (size_t)w);
	api_trace(ps, "fill %d %d %" PRId64 " %" PRId64 " %s", (int)x, (int)y, w, h,
	          ps->run->w->palette[g].glyph);
	return 0;
}

static int tiles_size(lua_State *L)
{
	api_pstate *ps = api_ps(L);
	lua_pushinteger(L, ps->tw);
	lua_pushinteger(L, ps->th);
	return 2;
}

/* How many tiles of the parcel hold this glyph. */
static int tiles_count(lua_State *L)
{
	api_pstate *ps = api_ps(L);
	int g = tiles_glyph_arg(L, ps, 1, "tiles.count");
	size_t area = (size_t)ps->tw * (size_t)ps->th, n = 0;
	vm_charge(L, (int64_t)(area / API_COST_BYTE_DIV));
	for (size_t i = 0; i < area; i++)
		n += ps->tiles[i] == g;
	lua_pushinteger(L, (lua_Integer)n);
	return 1;
}

const luaL_Reg api_tiles_lib[] = {
    {"get", tiles_get},     {"name", tiles_name}, {"solid", tiles_solid},
    {"set", tiles_set},     {"fill", tiles_fill}, {"size", tiles_size},
    {"count", tiles_count}, {NULL, NULL},
};
