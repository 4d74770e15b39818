/* gen.c — the generated Street: a big, plausible world for tests and
 * benchmarks. Rows of shops face road rows every eighth line, with a few
 * plazas; owners, doors, lamps, keepers and scripts come from a seeded
 * generator, so a seed names one world exactly. The model is built in
 * memory and saved through the canonical writer, so the result is always
 * canonical. */
#include "worldfmt/internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* splitmix64: small, fast, and the same everywhere. */
static uint64_t next(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15u);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
	return z ^ (z >> 31);
}

static int below(uint64_t *s, int n)
{
	return (int)(next(s) % (uint64_t)n);
}

enum { G_FLOOR, G_WALL, G_DOOR, G_COUNTER, G_LAMP, G_ROAD, G_LANE, G_TREE, G_WATER };
enum { K_SHOP, K_PLAZA, K_ROAD };
static const char *const kind_names[] = {"shop", "plaza", "road"};
static const char *const kind_zones[] = {"commercial", "civic", "road"};

#define PW 16
#define PH 16

static const char *const scripts[] = {
    "-- A shop front: keeps a running tally of its ticks.\n"
    "local ticks = 0\n"
    "function on_tick()\n"
    "\tticks = ticks + 1\n"
    "\tlocal sum = 0\n"
    "\tfor i = 1, 8 do sum = sum + i * ticks end\n"
    "end\n",
    "-- A plaza: a fountain that cycles through its phases.\n"
    "local phase = 0\n"
    "function on_tick()\n"
    "\tphase = (phase + 3) % 7\n"
    "end\n",
    "-- A road: counts what passes.\n"
    "local passed = 0\n"
    "function on_tick()\n"
    "\tpassed = passed + 1\n"
    "end\n",
};

static void palette(wf_world *w, bool *ok)
{
	static const struct {
		const char *g, *name;
		bool solid;
		const char *attr;
	} P[] = {
	    {".", "floor", false, NULL}, {"#", "wall", true, NULL},
	    {"+", "door", false, NULL},  {"=", "counter", true, NULL},
	    {"*", "lamp", false, "3"},   {"_", "road", false, NULL},
	    {"-", "lane", false, NULL},  {"T", "tree", true, NULL},
	    {"~", "water", true, NULL},
	};
	int n = (int)(sizeof P / sizeof P[0]);
	w->palette = calloc((size_t)n, sizeof *w->palette);
	if (!w->palette) {
		*ok = false;
		return;
	}
	w->npalette = w->palette_cap = n;
	for (int i = 0; i < n; i++) {
		wf_glyph *g = &w->palette[i];
		g->glyph = wf_strdup(w, P[i].g);
		g->name = wf_strdup(w, P[i].name);
		g->solid = P[i].solid;
		if (P[i].attr) {
			g->attrs = calloc(1, sizeof *g->attrs);
			if (!g->attrs) {
				*ok = false;
				continue;
			}
			g->attrs[0] = (wf_attr){.key = wf_strdup(w, "light"),
			                        .value = wf_strdup(w, P[i].attr)};
			g->nattrs = 1;
		}
	}
}

static void zones(wf_world *w, bool *ok)
{
	w->zones = calloc(3, sizeof *w->zones);
	if (!w->zones) {
		*ok = false;
		return;
	}
	w->nzones = w->zones_cap = 3;
	w->zones[0] = (wf_zone){
	    .name = wf_strdup(w, "commercial"), .caps = WF_CAP_ALL, .max_entities = 16};
	w->zones[1] = (wf_zone){.name = wf_strdup(w, "civic"),
	                        .caps = WF_CAP_SCRIPTS | WF_CAP_TILES | WF_CAP_ENTITIES |
	                                WF_CAP_MESSAGES,
	                        .max_entities = -1};
	w->zones[2] = (wf_zone){.name = wf_strdup(w, "road"),
	                        .caps = WF_CAP_SCRIPTS | WF_CAP_MESSAGES,
	                        .max_entities = 0};
	w->zones[0].note.lead = wf_strdup(w, "# Shops: code, trade and building.");
	w->zones[2].note.lead = wf_strdup(w, "# Roads carry messages, nothing else.");
}

static void layout(uint8_t *t, int kind, uint64_t *rng)
{
	for (int y = 0; y < PH; y++) {
		for (int x = 0; x < PW; x++) {
			uint8_t v = G_FLOOR;
			if (kind == K_ROAD)
				v = y == PH / 2 && x % 4 < 2 ? G_LANE : G_ROAD;
			else if (kind == K_SHOP &&
			         (x == 0 || y == 0 || x == PW - 1 || y == PH - 1))
				v = G_WALL;
			t[y * PW + x] = v;
		}
	}
	if (kind == K_SHOP) {
		int door = 2 + below(rng, PW - 4);
		t[(PH - 1) * PW + door] = G_DOOR;
		int cy = 3 + below(rng, 4);
		for (int x = 3; x < PW - 3; x++)
			t[cy * PW + x] = G_COUNTER;
		t[PW + 1] = t[2 * PW - 2] = G_LAMP;
	} else if (kind == K_PLAZA) {
		t[0] = t[PW - 1] = t[(PH - 1) * PW] = t[PH * PW - 1] = G_TREE;
		for (int y = 6; y < 10; y++)
			for (int x = 6; x < 10; x++)
				t[y * PW + x] = G_WATER;
		t[2 * PW + 2 + below(rng, PW - 4)] = G_LAMP;
	}
}

static bool add_entity(wf_parcel *p, wf_world *w, const char *name, int x, int y,
                       const char *glyph)
{
	p->entities = calloc(1, sizeof *p->entities);
	if (!p->entities)
		return false;
	p->entities_cap = p->nentities = 1;
	p->entities[0] = (wf_entity){
	    .name = wf_strdup(w, name), .x = x, .y = y, .glyph = wf_strdup(w, glyph)};
	return true;
}

static bool parcel(wf_world *w, int i, int gw, const wf_gen_opts *o, uint64_t *rng,
                   bool used[3])
{
	int x = i % gw, y = i / gw;
	int kind = y % 8 == 7 ? K_ROAD : below(rng, 10) == 0 ? K_PLAZA : K_SHOP;
	char name[64], owner[32];
	snprintf(name, sizeof name, "%s-%d-%d", kind_names[kind], x, y);
	wf_parcel *p = &w->parcels[i];
	*p = (wf_parcel){.name = wf_strdup(w, name),
	                 .px = x,
	                 .py = y,
	                 .pw = 1,
	                 .ph = 1,
	                 .zone = wf_strdup(w, kind_zones[kind]),
	                 .zone_index = kind};
	if (kind != K_ROAD) {
		snprintf(owner, sizeof owner, "creator-%d", below(rng, 4096));
		p->owner = wf_strdup(w, owner);
	}
	if (below(rng, 100) < o->scripted_pct) {
		char path[64];
		snprintf(path, sizeof path, "scripts/%s.lua", kind_names[kind]);
		p->script = wf_strdup(w, path);
		used[kind] = true;
	}
	p->tiles = malloc(PW * PH);
	if (!p->tiles)
		return false;
	layout(p->tiles, kind, rng);
	if (kind == K_SHOP && below(rng, 4) == 0)
		return add_entity(p, w, "keeper", 2 + below(rng, PW - 4), 2, "@");
	if (kind == K_PLAZA)
		return add_entity(p, w, "fountain", PW / 2, PH / 2, "o");
	return true;
}

static int write_scripts(const char *dir, const bool used[3], char *err, size_t errlen)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/scripts", dir);
	if (mkdir(path, 0777) != 0 && errno != EEXIST) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	for (int k = 0; k < 3; k++) {
		if (!used[k])
			continue;
		snprintf(path, sizeof path, "%s/scripts/%s.lua", dir, kind_names[k]);
		if (wf_save_atomic(path, scripts[k], strlen(scripts[k])) < 0) {
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
			return -1;
		}
	}
	return 0;
}

int wf_gen_street(const char *dir, const wf_gen_opts *o, char *err, size_t errlen)
{
	int64_t n = o->parcels > 0 ? o->parcels : 65536;
	if (n > (int64_t)WF_MAX_WORLD_PARCELS * WF_MAX_WORLD_PARCELS) {
		snprintf(err, errlen, "at most %d parcels",
		         WF_MAX_WORLD_PARCELS * WF_MAX_WORLD_PARCELS);
		return -1;
	}
	int gw = 1;
	while ((int64_t)gw * gw < n)
		gw++;
	wf_world *w = wf_world_new();
	if (!w) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	bool ok = true, used[3] = {false, false, false};
	uint64_t rng = o->seed;
	char title[64];
	snprintf(title, sizeof title, "street-%lld", (long long)n);
	w->name = wf_strdup(w, title);
	w->seed = o->seed;
	w->width = gw;
	w->height = (int32_t)((n + gw - 1) / gw);
	w->parcel_w = PW;
	w->parcel_h = PH;
	w->notes[WF_WS_HEAD].lead = wf_strdup(w, "# The Street, generated by 'acre gen "
	                                         "street'.");
	palette(w, &ok);
	zones(w, &ok);
	w->parcels = calloc((size_t)n, sizeof *w->parcels);
	if (!w->parcels)
		ok = false;
	for (int64_t i = 0; ok && i < n; i++) {
		ok = parcel(w, (int)i, gw, o, &rng, used);
		w->nparcels = w->parcels_cap = (int)i + 1;
		if (o->progress && (i & 1023) == 0)
			o->progress(o->progress_ud, i, n);
	}
	int r = -1;
	if (ok && o->progress)
		o->progress(o->progress_ud, n, n); /* all made; writing comes next */
	if (!ok)
		snprintf(err, errlen, "out of memory");
	else if (mkdir(dir, 0777) != 0 && errno != EEXIST)
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
	else if (write_scripts(dir, used, err, errlen) == 0) {
		if (wf_save(w, dir) < 0)
			snprintf(err, errlen, "%s/world.acre: %s", dir, strerror(errno));
		else
			r = 0;
	}
	wf_world_free(w);
	return r;
}
