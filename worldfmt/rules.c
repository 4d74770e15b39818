/* rules.c — the static rules of a world (acre-world(5), RULES), checked
 * without running code: geometry, palette, zones and caps, names, scripts
 * on disk, budgets and text. Each broken rule is one diagnostic naming the
 * statement's line, so `acre check` and the editor's panel can jump to it. */
#include "worldfmt/internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct rules {
	wf_world *w;
	const char *dir, *file;
	wf_diags *d;
	int errors;
	wf_names zones; /* zone name → index */
} rules;

__attribute__((format(printf, 4, 5))) static void
bad(rules *R, uint32_t line, const char *parcel, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	R->errors++;
	wf_diag_add(R->d, WF_ERROR, R->file, line, line ? 1 : 0, parcel, "%s", msg);
}

/* Names and free text must read back the same after a write. */
static void check_name(rules *R, uint32_t line, const char *parcel, const char *what,
                       const char *s)
{
	if (!s || !wf_name_ok(s, strlen(s)))
		bad(R, line, parcel,
		    "invalid %s name '%.64s' (letters, digits, '_', '-' "
		    "or '.', at most %d bytes)",
		    what, s ? s : "", WF_MAX_NAME);
}

static void check_text(rules *R, uint32_t line, const char *parcel, const char *what,
                       const char *s)
{
	if (s && (!wf_text_ok(s) || strlen(s) > WF_MAX_STRING))
		bad(R, line, parcel, "%s is not valid UTF-8 text of at most %d bytes",
		    what, WF_MAX_STRING);
}

static void check_attrs(rules *R, uint32_t line, const char *parcel, const wf_attr *a,
                        int n)
{
	for (int i = 0; i < n; i++) {
		if (!a[i].key || !wf_name_ok(a[i].key, strlen(a[i].key)))
			bad(R, line, parcel, "invalid attribute key '%.64s'",
			    a[i].key ? a[i].key : "");
		else if (!a[i].value || !*a[i].value)
			bad(R, line, parcel, "attribute '%s' has no value", a[i].key);
		else
			check_text(R, line, parcel, "attribute value", a[i].value);
	}
}

/* A file the world names (a script, the events file) must pass the guarded
 * reader that will read it: relative, inside the world, no symbolic link,
 * a regular file within its size cap. The message names the path and the
 * reason, never the content of what is there. */
static void check_file(rules *R, uint32_t line, const char *parcel, const char *what,
                       const char *path, size_t cap)
{
	check_text(R, line, parcel, what, path);
	wf_read_status st = wf_path_check(path);
	if (st == WF_READ_OK && R->dir)
		st = wf_world_probe(R->dir, path, cap);
	if (st == WF_READ_BADPATH)
		bad(R, line, parcel, "%s path '%.200s' must be relative to the world and stay inside it",
		    what, path);
	else if (st == WF_READ_MISSING)
		bad(R, line, parcel, "%s '%.200s' not found in the world", what, path);
	else if (st == WF_READ_TOOBIG)
		bad(R, line, parcel, "%s '%.200s' is larger than %zu bytes", what, path, cap);
	else if (st != WF_READ_OK)
		bad(R, line, parcel, "%s '%.200s' is %s", what, path, wf_read_strerror(st));
}

static void check_script(rules *R, uint32_t line, const char *parcel, const char *path)
{
	check_file(R, line, parcel, "script", path, WF_MAX_SCRIPT_BYTES);
}

static void check_header(rules *R)
{
	wf_world *w = R->w;
	check_text(R, 1, NULL, "the world's name", w->name);
	if (w->format != WF_FORMAT_VERSION)
		bad(R, 1, NULL, "unsupported format %d (this acre writes format %d)",
		    w->format, WF_FORMAT_VERSION);
	if (w->width < 1 || w->height < 1 || w->width > WF_MAX_WORLD_PARCELS ||
	    w->height > WF_MAX_WORLD_PARCELS)
		bad(R, 1, NULL, "world size %d×%d is outside 1..%d unit parcels",
		    w->width, w->height, WF_MAX_WORLD_PARCELS);
	if (w->parcel_w < 1 || w->parcel_h < 1 || w->parcel_w > WF_MAX_PARCEL_TILES ||
	    w->parcel_h > WF_MAX_PARCEL_TILES)
		bad(R, 1, NULL, "parcel-size %d×%d is outside 1..%d tiles", w->parcel_w,
		    w->parcel_h, WF_MAX_PARCEL_TILES);
	int64_t tiles = (int64_t)w->width * w->parcel_w * w->height * w->parcel_h;
	if (tiles > WF_MAX_WORLD_TILES)
		bad(R, 1, NULL,
		    "the world has %lld tiles (%d×%d unit parcels of %d×%d); at "
		    "most %lld are allowed",
		    (long long)tiles, w->width, w->height, w->parcel_w, w->parcel_h,
		    (long long)WF_MAX_WORLD_TILES);
	const wf_budget *b = &w->unit_budget;
	if (b->entities < 0 || b->instructions < 0 || b->memory < 0)
		bad(R, 1, NULL, "budget values must not be negative");
	if (w->events)
		check_file(R, 1, NULL, "events file", w->events, WF_MAX_EVENTS_BYTES);
	check_attrs(R, 1, NULL, w->attrs, w->nattrs);
}

static void check_palette(rules *R)
{
	wf_world *w = R->w;
	if (w->npalette > WF_MAX_PALETTE)
		bad(R, 1, NULL, "more than %d palette entries", WF_MAX_PALETTE);
	for (int i = 0; i < w->npalette; i++) {
		const wf_glyph *g = &w->palette[i];
		if (!g->glyph || !wf_glyph_ok(g->glyph))
			bad(R, g->line, NULL,
			    "palette entry %d: a glyph is one character "
			    "(one UTF-8 code point, not a space, a control or '\"')",
			    i + 1);
		check_name(R, g->line, NULL, "glyph", g->name);
		if (g->script)
			check_script(R, g->line, NULL, g->script);
		check_attrs(R, g->line, NULL, g->attrs, g->nattrs);
		for (int j = 0; j < i; j++) {
			const wf_glyph *o = &w->palette[j];
			if (g->glyph && o->glyph && strcmp(g->glyph, o->glyph) == 0)
				bad(R, g->line, NULL,
				    "glyph \"%s\" defined twice in the "
				    "palette (first at line %u)",
				    g->glyph, o->line);
			if (g->name && o->name && strcmp(g->name, o->name) == 0)
				bad(R, g->line, NULL,
				    "palette name '%s' used twice (first at "
				    "line %u)",
				    g->name, o->line);
		}
	}
}

static void check_zones(rules *R)
{
	wf_world *w = R->w;
	for (int i = 0; i < w->nzones; i++) {
		const wf_zone *z = &w->zones[i];
		check_name(R, z->line, NULL, "zone", z->name);
		if (z->caps & ~WF_CAP_ALL)
			bad(R, z->line, NULL, "zone '%s' allows unknown capabilities",
			    z->name);
		if (z->max_entities > WF_MAX_ENTITIES)
			bad(R, z->line, NULL,
			    "zone '%s': max-entities-per-parcel above %d", z->name,
			    WF_MAX_ENTITIES);
		check_attrs(R, z->line, NULL, z->attrs, z->nattrs);
		int j = wf_names_put(&R->zones, i);
		if (j != i)
			bad(R, z->line, NULL,
			    "zone '%s' defined twice (first at line %u)", z->name,
			    w->zones[j].line);
	}
}

/* Entities: names unique in the parcel, inside it, scripts allowed. The
 * names are compared pairwise only for small parcels; bigger ones sort a
 * copy of the names. */
static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void check_entities(rules *R, wf_parcel *p, int caps)
{
	wf_world *w = R->w;
	int64_t tw = wf_parcel_tw(w, p), th = wf_parcel_th(w, p);
	for (int i = 0; i < p->nentities; i++) {
		const wf_entity *e = &p->entities[i];
		check_name(R, e->line, p->name, "entity", e->name);
		if (e->x < 0 || e->y < 0 || e->x >= tw || e->y >= th)
			bad(R, e->line, p->name,
			    "entity '%s' at %d %d is outside parcel "
			    "'%s' (%lld×%lld tiles)",
			    e->name, e->x, e->y, p->name, (long long)tw, (long long)th);
		if (e->glyph && !wf_glyph_ok(e->glyph))
			bad(R, e->line, p->name, "entity '%s': a glyph is one character",
			    e->name);
		if (e->script) {
			if (!(caps & WF_CAP_SCRIPTS))
				bad(R, e->line, p->name,
				    "entity '%s' has a script but zone "
				    "'%s' does not allow scripts",
				    e->name, p->zone);
			check_script(R, e->line, p->name, e->script);
		}
		check_attrs(R, e->line, p->name, e->attrs, e->nattrs);
	}
	if (p->nentities < 2)
		return;
	const char **names = malloc((size_t)p->nentities * sizeof *names);
	if (!names)
		return;
	int n = 0;
	for (int i = 0; i < p->nentities; i++)
		if (p->entities[i].name)
			names[n++] = p->entities[i].name;
	qsort(names, (size_t)n, sizeof *names, cmp_str);
	for (int i = 1; i < n; i++)
		if (strcmp(names[i], names[i - 1]) == 0 &&
		    (i == 1 || strcmp(names[i], names[i - 2]) != 0))
			bad(R, p->line, p->name,
			    "entity name '%s' used twice in parcel '%s'", names[i],
			    p->name);
	free(names);
}

static void check_tiles(rules *R, const wf_parcel *p)
{
	wf_world *w = R->w;
	if (!p->tiles || p->pw < 1 || p->ph < 1)
		return;
	size_t n = (size_t)wf_parcel_tw(w, p) * (size_t)wf_parcel_th(w, p);
	uint8_t maxv = 0;
	for (size_t i = 0; i < n; i++)
		if (p->tiles[i] > maxv)
			maxv = p->tiles[i];
	if (maxv >= w->npalette)
		bad(R, p->layout_line ? p->layout_line : p->line, p->name,
		    "parcel '%s' uses tile %d, but the palette has %d entries", p->name,
		    maxv, w->npalette);
}

static void check_parcel(rules *R, wf_parcel *p, int index)
{
	wf_world *w = R->w;
	check_name(R, p->line, p->name, "parcel", p->name);
	if (p->pw < 1 || p->ph < 1)
		bad(R, p->line, p->name, "parcel '%s' has size %d×%d (at least 1×1)",
		    p->name, p->pw, p->ph);
	else if (p->px < 0 || p->py < 0 || (int64_t)p->px + p->pw > w->width ||
	         (int64_t)p->py + p->ph > w->height)
		bad(R, p->line, p->name,
		    "parcel '%s' at %d %d (size %d×%d) is outside "
		    "the world (%d×%d unit parcels)",
		    p->name, p->px, p->py, p->pw, p->ph, w->width, w->height);
	else if ((int64_t)wf_parcel_tw(w, p) * wf_parcel_th(w, p) > WF_MAX_PARCEL_AREA)
		bad(R, p->line, p->name,
		    "parcel '%s' has %lld tiles (%d×%d); a parcel may have at "
		    "most %lld",
		    p->name, (long long)wf_parcel_tw(w, p) * wf_parcel_th(w, p),
		    wf_parcel_tw(w, p), wf_parcel_th(w, p),
		    (long long)WF_MAX_PARCEL_AREA);
	check_text(R, p->line, p->name, "owner", p->owner);
	check_attrs(R, p->line, p->name, p->attrs, p->nattrs);
	int caps = WF_CAP_ALL;
	p->zone_index = -1;
	if (p->zone) {
		p->zone_index = wf_names_get(&R->zones, p->zone);
		if (p->zone_index < 0) {
			bad(R, p->line, p->name, "parcel '%s' names unknown zone '%.64s'",
			    p->name, p->zone);
			caps = WF_CAP_ALL; /* one error is enough */
		} else {
			caps = w->zones[p->zone_index].caps;
		}
	}
	if (p->script) {
		if (!(caps & WF_CAP_SCRIPTS))
			bad(R, p->line, p->name,
			    "parcel '%s' has a script but zone '%s' does "
			    "not allow scripts",
			    p->name, p->zone);
		check_script(R, p->line, p->name, p->script);
	}
	check_tiles(R, p);
	check_entities(R, p, caps);
	const char *list[WF_MAX_PARCEL_SCRIPTS];
	if (wf_parcel_scripts(w, p, list, WF_MAX_PARCEL_SCRIPTS) > WF_MAX_PARCEL_SCRIPTS)
		bad(R, p->line, p->name, "parcel '%s' runs more than %d distinct scripts",
		    p->name, WF_MAX_PARCEL_SCRIPTS);
	wf_budget b = wf_parcel_budget(w, p);
	if (p->nentities > b.entities)
		bad(R, p->line, p->name,
		    "parcel '%s' has %d entities; its budget allows "
		    "%lld (%d unit parcels × %lld)",
		    p->name, p->nentities, (long long)b.entities, p->pw * p->ph,
		    (long long)(b.entities / (p->pw * p->ph > 0 ? p->pw * p->ph : 1)));
	(void)index;
}

/* Overlaps come out of the index: cells are claimed in parcel order and
 * row-major order, each parcel stopping at its first taken cell, so the
 * first cell of a parcel that is not its own names the parcel it overlaps.
 * Parcels outside the world were reported by check_parcel. */
static void check_overlaps(rules *R)
{
	wf_world *w = R->w;
	if (wf_world_index(w) == 0)
		return;
	if (!w->grid) {
		/* Unchecked is not valid. */
		bad(R, 0, NULL, "out of memory: overlaps not checked");
		return;
	}
	for (int i = 0; i < w->nparcels; i++) {
		const wf_parcel *p = &w->parcels[i];
		if (p->px < 0 || p->py < 0 || p->pw < 1 || p->ph < 1 ||
		    (int64_t)p->px + p->pw > w->width ||
		    (int64_t)p->py + p->ph > w->height)
			continue;
		int32_t other = -1;
		for (int32_t y = p->py; other < 0 && y < p->py + p->ph; y++) {
			const int32_t *row = &w->grid[(size_t)y * (size_t)w->width];
			for (int32_t x = p->px; x < p->px + p->pw; x++) {
				if (row[x] != i) {
					other = row[x];
					break;
				}
			}
		}
		if (other >= 0)
			bad(R, p->line, p->name,
			    "parcel '%s' overlaps parcel '%s' (line %u)", p->name,
			    w->parcels[other].name, w->parcels[other].line);
	}
}

static void check_names(rules *R)
{
	wf_world *w = R->w;
	for (int i = 0; i < w->nparcels; i++) {
		const wf_parcel *p = &w->parcels[i];
		if (!p->name)
			continue;
		int first = wf_find_parcel(w, p->name);
		if (first >= 0 && first != i)
			bad(R, p->line, p->name,
			    "parcel name '%s' used twice (first at line "
			    "%u)",
			    p->name, w->parcels[first].line);
	}
}

int wf_validate(wf_world *w, const char *dir, const char *file, wf_diags *d)
{
	rules R = {.w = w, .dir = dir, .file = file ? file : "world.acre", .d = d};
	if (!wf_names_init(&R.zones, w->nzones ? &w->zones[0].name : NULL,
	                   sizeof *w->zones, w->nzones)) {
		bad(&R, 0, NULL, "out of memory");
		return R.errors;
	}
	check_header(&R);
	check_palette(&R);
	check_zones(&R);
	for (int i = 0; i < w->nparcels; i++)
		check_parcel(&R, &w->parcels[i], i);
	check_overlaps(&R);
	check_names(&R);
	wf_names_free(&R.zones);
	return R.errors;
}
