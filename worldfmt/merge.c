/* merge.c — the three-way merge of world models (worldfmt.h, "Three-way
 * merge"): what `acre merge`, the git merge driver, writes. Pure model code,
 * libc only.
 *
 * The result starts as a copy of ours and takes each change theirs made
 * since the base, key by key: header fields, palette entries by glyph, zones
 * by name, parcels by name and, inside a parcel, each field, each tile and
 * each entity (by name, field by field). A key changed the same way on both
 * sides is taken once; changed two different ways it is a conflict. Parcels
 * that end up on overlapping land although neither side had them overlap
 * are a conflict too.
 *
 * Conflicts are written as git does, with <<<<<<< ours / ======= / >>>>>>>
 * theirs lines, but inside the canonical text: the merge runs twice, once
 * resolving every conflict with ours and once with theirs, both results are
 * written canonically and a line diff of the two texts places the markers.
 * Each side between the markers is therefore exactly what that side wants,
 * and the parser (conflict.c) reads the marked file back into ours and
 * theirs and names every conflict per parcel and tile. */
#include "worldfmt/internal.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

/* What a three-way comparison decides for one key. */
enum { TAKE_OURS, TAKE_THEIRS, CONFLICT };

static int three(bool ours_is_base, bool theirs_is_base, bool same)
{
	if (theirs_is_base || same)
		return TAKE_OURS;
	if (ours_is_base)
		return TAKE_THEIRS;
	return CONFLICT;
}

typedef struct merger {
	const wf_world *o, *a, *b; /* base, ours, theirs */
	wf_world *r;               /* the result: a copy of ours, changed */
	bool theirs;               /* resolve conflicts with theirs (second run) */
	int conflicts;
	bool oom, give_up;
	/* Palette index of each side → index in r->palette. */
	int map_o[256], map_a[256], map_b[256];
	/* Palette entries theirs removed (or kept only for a side's tiles):
	 * dropped at the end unless a merged tile still uses them. */
	bool drop[256];
	wf_names no, nb; /* parcel names of base and theirs */
} merger;

/* Take theirs for this key? Counts the conflict when it is one. */
static bool take_theirs(merger *M, int how)
{
	if (how == CONFLICT) {
		M->conflicts++;
		return M->theirs;
	}
	return how == TAKE_THEIRS;
}

static const char *dup(merger *M, const char *s)
{
	if (!s)
		return NULL;
	const char *c = wf_strdup(M->r, s);
	if (!c)
		M->oom = true;
	return c;
}

static wf_note dup_note(merger *M, wf_note n)
{
	return (wf_note){dup(M, n.lead), dup(M, n.trail)};
}

static bool note_eq(const wf_note *x, const wf_note *y)
{
	return wf_str_eq(x->lead, y->lead) && wf_str_eq(x->trail, y->trail);
}

/* Comments merge like any key, but never conflict: ours wins. */
static void merge_note(merger *M, wf_note *r, const wf_note *a, const wf_note *o,
                       const wf_note *b)
{
	if (note_eq(a, o) && !note_eq(b, o))
		*r = dup_note(M, *b);
}

static bool str_take(merger *M, const char **r, const char *a, const char *o,
                     const char *b)
{
	if (!take_theirs(M, three(wf_str_eq(a, o), wf_str_eq(b, o), wf_str_eq(a, b))))
		return false;
	*r = dup(M, b);
	return true;
}

static bool i64_take(merger *M, int64_t a, int64_t o, int64_t b)
{
	return take_theirs(M, three(a == o, b == o, a == b));
}

/* ---- Arrays of named things (zones, entities, parcels, the palette) ----- */

/* A name index over the n structs of `size` bytes at v, whose first field
 * is the name, with room for `cap` entries; false (and M->oom) when out of
 * memory. */
static bool names_of(merger *M, wf_names *t, const void *v, size_t size, int n, int cap)
{
	if (!wf_names_init(t, v, size, cap)) {
		M->oom = true;
		return false;
	}
	for (int i = 0; i < n; i++)
		wf_names_put(t, i);
	return true;
}

/* Drop the structs marked in gone[] from the n of `size` bytes at v,
 * keeping the order of the rest, and free each dropped one's attribute
 * array (the wf_attr pointer at offset attrs_at). renum, when not NULL,
 * gets each kept struct's new index. Returns how many are left. */
static int drop_marked(void *v, int n, size_t size, size_t attrs_at, const bool *gone,
                       int *renum)
{
	char *base = v;
	int k = 0;
	for (int i = 0; i < n; i++) {
		char *e = base + (size_t)i * size;
		if (gone[i]) {
			wf_attr *attrs;
			memcpy(&attrs, e + attrs_at, sizeof attrs);
			free(attrs);
			continue;
		}
		if (renum)
			renum[i] = k;
		if (k != i)
			memcpy(base + (size_t)k * size, e, size);
		k++;
	}
	return k;
}

/* ---- Attributes, by key ------------------------------------------------- */

static int attr_find(const wf_attr *v, int n, const char *key)
{
	for (int i = 0; i < n; i++)
		if (wf_str_eq(v[i].key, key))
			return i;
	return -1;
}

static bool attr_same(const wf_attr *x, const wf_attr *y)
{
	return wf_str_eq(x->value, y->value) && x->quoted == y->quoted;
}

/* r/rn hold ours' attributes (r's copies); apply theirs' changes since o. */
static void merge_attrs(merger *M, wf_attr **rv, int *rn, const wf_attr *o, int no,
                        const wf_attr *b, int nb)
{
	for (int j = 0; j < nb; j++) {
		int io = attr_find(o, no, b[j].key), ia = attr_find(*rv, *rn, b[j].key);
		if (ia >= 0) {
			const wf_attr *oa = io >= 0 ? &o[io] : NULL;
			int how = three(oa && attr_same(&(*rv)[ia], oa),
			                oa && attr_same(&b[j], oa),
			                attr_same(&(*rv)[ia], &b[j]));
			if (take_theirs(M, how)) {
				(*rv)[ia].value = dup(M, b[j].value);
				(*rv)[ia].quoted = b[j].quoted;
			}
			if (oa)
				merge_note(M, &(*rv)[ia].note, &(*rv)[ia].note, &oa->note,
				           &b[j].note);
			continue;
		}
		/* Not in ours: added by theirs, or removed by ours. */
		if (io >= 0 &&
		    !take_theirs(M, attr_same(&b[j], &o[io]) ? TAKE_OURS : CONFLICT))
			continue;
		wf_attr *nv = realloc(*rv, (size_t)(*rn + 1) * sizeof *nv);
		if (!nv) {
			M->oom = true;
			return;
		}
		nv[*rn] = (wf_attr){dup(M, b[j].key), dup(M, b[j].value), b[j].quoted,
		                    dup_note(M, b[j].note)};
		*rv = nv;
		(*rn)++;
	}
	/* Removed by theirs. */
	for (int i = 0; i < no; i++) {
		if (attr_find(b, nb, o[i].key) >= 0)
			continue;
		int ia = attr_find(*rv, *rn, o[i].key);
		if (ia < 0)
			continue;
		if (!take_theirs(M,
		                 attr_same(&(*rv)[ia], &o[i]) ? TAKE_THEIRS : CONFLICT))
			continue;
		memmove(&(*rv)[ia], &(*rv)[ia + 1], (size_t)(*rn - ia - 1) * sizeof **rv);
		(*rn)--;
	}
}

/* ---- Header ------------------------------------------------------------- */

static void merge_header(merger *M)
{
	const wf_world *a = M->a, *o = M->o, *b = M->b;
	wf_world *r = M->r;
	str_take(M, &r->name, a->name, o->name, b->name);
	if (i64_take(M, a->format, o->format, b->format))
		r->format = b->format;
	if (take_theirs(
	        M, three(a->seed == o->seed, b->seed == o->seed, a->seed == b->seed)))
		r->seed = b->seed;
	if (take_theirs(M, three(a->width == o->width && a->height == o->height,
	                         b->width == o->width && b->height == o->height,
	                         a->width == b->width && a->height == b->height))) {
		r->width = b->width;
		r->height = b->height;
	}
	if (take_theirs(
	        M, three(a->parcel_w == o->parcel_w && a->parcel_h == o->parcel_h,
	                 b->parcel_w == o->parcel_w && b->parcel_h == o->parcel_h,
	                 a->parcel_w == b->parcel_w && a->parcel_h == b->parcel_h))) {
		r->parcel_w = b->parcel_w;
		r->parcel_h = b->parcel_h;
	}
	if (i64_take(M, a->unit_budget.entities, o->unit_budget.entities,
	             b->unit_budget.entities))
		r->unit_budget.entities = b->unit_budget.entities;
	if (i64_take(M, a->unit_budget.instructions, o->unit_budget.instructions,
	             b->unit_budget.instructions))
		r->unit_budget.instructions = b->unit_budget.instructions;
	if (i64_take(M, a->unit_budget.memory, o->unit_budget.memory,
	             b->unit_budget.memory))
		r->unit_budget.memory = b->unit_budget.memory;
	str_take(M, &r->events, a->events, o->events, b->events);
	merge_attrs(M, &r->attrs, &r->nattrs, o->attrs, o->nattrs, b->attrs, b->nattrs);
	for (int s = 0; s < WF_WS_NSLOTS; s++)
		merge_note(M, &r->notes[s], &a->notes[s], &o->notes[s], &b->notes[s]);
}

/* ---- Palette, by glyph -------------------------------------------------- */

static bool glyph_same(const wf_glyph *x, const wf_glyph *y)
{
	return wf_str_eq(x->name, y->name) && x->solid == y->solid &&
	       wf_str_eq(x->script, y->script) &&
	       wf_attrs_eq(x->attrs, x->nattrs, y->attrs, y->nattrs);
}

static wf_attr *dup_attrs(merger *M, const wf_attr *v, int n)
{
	if (!n)
		return NULL;
	wf_attr *c = malloc((size_t)n * sizeof *c);
	if (!c) {
		M->oom = true;
		return NULL;
	}
	for (int i = 0; i < n; i++)
		c[i] = (wf_attr){dup(M, v[i].key), dup(M, v[i].value), v[i].quoted,
		                 dup_note(M, v[i].note)};
	return c;
}

/* Replace r's entry (ours' copy) with theirs' fields. */
static void glyph_set(merger *M, wf_glyph *r, const wf_glyph *b)
{
	free(r->attrs);
	*r = (wf_glyph){.glyph = dup(M, b->glyph),
	                .name = dup(M, b->name),
	                .solid = b->solid,
	                .script = dup(M, b->script),
	                .attrs = dup_attrs(M, b->attrs, b->nattrs),
	                .nattrs = b->nattrs,
	                .note = dup_note(M, b->note),
	                .line = b->line};
	if (b->nattrs && !r->attrs)
		r->nattrs = 0;
}

static int glyph_append(merger *M, const wf_glyph *b)
{
	wf_world *r = M->r;
	if (r->npalette >= WF_MAX_PALETTE) {
		M->give_up = true;
		return -1;
	}
	if (!wf_grow((void **)&r->palette, &r->palette_cap, r->npalette,
	             sizeof *r->palette)) {
		M->oom = true;
		return -1;
	}
	r->palette[r->npalette] = (wf_glyph){0};
	glyph_set(M, &r->palette[r->npalette], b);
	return r->npalette++;
}

/* Map every palette index of w to r's, appending (to be dropped unless
 * used) the glyphs r lacks, so that every tile of every side has a place. */
static void palette_map(merger *M, const wf_world *w, int map[256])
{
	for (int i = 0; i < 256; i++)
		map[i] = 0;
	for (int i = 0; i < w->npalette && !M->give_up && !M->oom; i++) {
		int k = wf_find_glyph(M->r, w->palette[i].glyph);
		if (k < 0) {
			k = glyph_append(M, &w->palette[i]);
			if (k >= 0)
				M->drop[k] = true;
		}
		map[i] = k < 0 ? 0 : k;
	}
}

static void merge_palette(merger *M)
{
	const wf_world *o = M->o, *b = M->b;
	wf_world *r = M->r;
	for (int j = 0; j < b->npalette; j++) {
		const wf_glyph *bg = &b->palette[j];
		int io = wf_find_glyph(o, bg->glyph), ir = wf_find_glyph(r, bg->glyph);
		const wf_glyph *og = io >= 0 ? &o->palette[io] : NULL;
		if (ir >= 0) {
			wf_glyph *rg = &r->palette[ir];
			int how = three(og && glyph_same(rg, og),
			                og && glyph_same(bg, og), glyph_same(rg, bg));
			if (take_theirs(M, how))
				glyph_set(M, rg, bg);
			else if (og)
				merge_note(M, &rg->note, &rg->note, &og->note, &bg->note);
			continue;
		}
		if (og && !take_theirs(M, glyph_same(bg, og) ? TAKE_OURS : CONFLICT))
			continue;
		glyph_append(M, bg);
	}
	/* Removed by theirs: dropped at the end unless tiles still use it. */
	for (int i = 0; i < o->npalette; i++) {
		if (wf_find_glyph(b, o->palette[i].glyph) >= 0)
			continue;
		int ir = wf_find_glyph(r, o->palette[i].glyph);
		if (ir >= 0 && take_theirs(M, glyph_same(&r->palette[ir], &o->palette[i])
		                                  ? TAKE_THEIRS
		                                  : CONFLICT))
			M->drop[ir] = true;
	}
	palette_map(M, M->a, M->map_a);
	palette_map(M, o, M->map_o);
	palette_map(M, b, M->map_b);
}

/* ---- Zones, by name ----------------------------------------------------- */

static void zone_set(merger *M, wf_zone *r, const wf_zone *b)
{
	free(r->attrs);
	*r = *b;
	r->name = dup(M, b->name);
	r->attrs = dup_attrs(M, b->attrs, b->nattrs);
	if (b->nattrs && !r->attrs)
		r->nattrs = 0;
	r->note = dup_note(M, b->note);
	r->end_note = dup_note(M, b->end_note);
	r->allow_note = dup_note(M, b->allow_note);
	r->max_note = dup_note(M, b->max_note);
}

static bool zone_same(const wf_zone *x, const wf_zone *y)
{
	return x->caps == y->caps && x->max_entities == y->max_entities &&
	       wf_attrs_eq(x->attrs, x->nattrs, y->attrs, y->nattrs);
}

/* Zones by name, with hashed lookups (a hostile file may hold many). */
static void merge_zones(merger *M)
{
	const wf_world *o = M->o, *b = M->b;
	wf_world *r = M->r;
	wf_names nr = {0}, no = {0}, nb = {0};
	int need = r->nzones + b->nzones;
	bool *gone = calloc((size_t)(need ? need : 1), sizeof *gone);
	if (!gone || !wf_grow((void **)&r->zones, &r->zones_cap, need ? need - 1 : 0,
	                      sizeof *r->zones)) {
		M->oom = true;
		goto out;
	}
	if (!names_of(M, &nr, r->zones, sizeof *r->zones, r->nzones, need) ||
	    !names_of(M, &no, o->zones, sizeof *o->zones, o->nzones, o->nzones) ||
	    !names_of(M, &nb, b->zones, sizeof *b->zones, b->nzones, b->nzones))
		goto out;
	for (int j = 0; j < b->nzones && !M->oom; j++) {
		const wf_zone *bz = &b->zones[j];
		int io = wf_names_get(&no, bz->name), ir = wf_names_get(&nr, bz->name);
		const wf_zone *oz = io >= 0 ? &o->zones[io] : NULL;
		if (ir >= 0 && oz) {
			wf_zone *rz = &r->zones[ir];
			if (i64_take(M, rz->caps, oz->caps, bz->caps))
				rz->caps = bz->caps;
			if (i64_take(M, rz->max_entities, oz->max_entities,
			             bz->max_entities))
				rz->max_entities = bz->max_entities;
			merge_attrs(M, &rz->attrs, &rz->nattrs, oz->attrs, oz->nattrs,
			            bz->attrs, bz->nattrs);
			merge_note(M, &rz->note, &rz->note, &oz->note, &bz->note);
			continue;
		}
		if (ir >= 0) { /* added on both sides */
			if (take_theirs(M, zone_same(&r->zones[ir], bz) ? TAKE_OURS
			                                                : CONFLICT))
				zone_set(M, &r->zones[ir], bz);
			continue;
		}
		if (oz && !take_theirs(M, zone_same(oz, bz) ? TAKE_OURS : CONFLICT))
			continue; /* removed by ours */
		r->zones[r->nzones] = (wf_zone){0};
		zone_set(M, &r->zones[r->nzones], bz);
		wf_names_put(&nr, r->nzones++);
	}
	for (int i = 0; i < o->nzones; i++) {
		if (wf_names_get(&nb, o->zones[i].name) >= 0)
			continue;
		int ir = wf_names_get(&nr, o->zones[i].name);
		if (ir >= 0 &&
		    take_theirs(M, zone_same(&r->zones[ir], &o->zones[i]) ? TAKE_THEIRS
		                                                          : CONFLICT))
			gone[ir] = true;
	}
	r->nzones = drop_marked(r->zones, r->nzones, sizeof *r->zones,
	                        offsetof(wf_zone, attrs), gone, NULL);
out:
	free(gone);
	wf_names_free(&nr);
	wf_names_free(&no);
	wf_names_free(&nb);
}

/* ---- Tiles -------------------------------------------------------------- */

/* A parcel's tiles seen in r's palette: the side's world, its map. */
typedef struct side {
	const wf_world *w;
	const wf_parcel *p;
	const int *map;
} side;

static int64_t side_tw(const side *s)
{
	return (int64_t)s->p->pw * s->w->parcel_w;
}
static int64_t side_th(const side *s)
{
	return (int64_t)s->p->ph * s->w->parcel_h;
}
static int side_tile(const side *s, size_t i)
{
	return s->map[s->p->tiles ? s->p->tiles[i] : 0];
}

static bool tiles_eq(const side *x, const side *y)
{
	int64_t w = side_tw(x), h = side_th(x);
	if (w != side_tw(y) || h != side_th(y))
		return false;
	size_t n = (size_t)(w > 0 && h > 0 ? w * h : 0);
	if (x->p->tiles && y->p->tiles &&
	    memcmp(x->map, y->map, sizeof(int) * 256) == 0 &&
	    memcmp(x->p->tiles, y->p->tiles, n) == 0)
		return true;
	for (size_t i = 0; i < n; i++)
		if (side_tile(x, i) != side_tile(y, i))
			return false;
	return true;
}

/* Tiles of s in r's palette, malloc'd (NULL when there are none). */
static uint8_t *tiles_copy(merger *M, const side *s)
{
	int64_t w = side_tw(s), h = side_th(s);
	/* No layout means palette entry 0, which may sit elsewhere in r. */
	if ((!s->p->tiles && s->map[0] == 0) || w <= 0 || h <= 0)
		return NULL;
	size_t n = (size_t)(w * h);
	uint8_t *t = malloc(n);
	if (!t) {
		M->oom = true;
		return NULL;
	}
	for (size_t i = 0; i < n; i++)
		t[i] = (uint8_t)side_tile(s, i);
	return t;
}

/* Size and tiles merge together: a parcel resized on one side takes that
 * side's tiles, which only merges when the other side left them alone. */
static void merge_tiles(merger *M, wf_parcel *rp, const side *A, const side *O,
                        const side *B)
{
	bool ao = tiles_eq(A, O), bo = tiles_eq(B, O), ab = !bo && !ao && tiles_eq(A, B);
	int how = three(ao, bo, ab);
	bool dims = side_tw(A) == side_tw(O) && side_tw(B) == side_tw(O) &&
	            side_th(A) == side_th(O) && side_th(B) == side_th(O);
	if (how == CONFLICT && dims && side_tw(O) > 0 && side_th(O) > 0) {
		size_t n = (size_t)(side_tw(O) * side_th(O));
		if (!rp->tiles) {
			rp->tiles = malloc(n);
			if (!rp->tiles) {
				M->oom = true;
				return;
			}
			memset(rp->tiles, M->map_a[0], n);
		}
		for (size_t i = 0; i < n; i++) {
			int a = rp->tiles[i], o = side_tile(O, i), b = side_tile(B, i);
			if (b == o || b == a)
				continue;
			if (a == o || take_theirs(M, CONFLICT))
				rp->tiles[i] = (uint8_t)b;
		}
		return;
	}
	if (!take_theirs(M, how))
		return;
	free(rp->tiles);
	rp->tiles = tiles_copy(M, B);
	rp->pw = B->p->pw;
	rp->ph = B->p->ph;
}

/* ---- Entities, by name -------------------------------------------------- */

static bool entity_same(const wf_entity *x, const wf_entity *y)
{
	return x->x == y->x && x->y == y->y && wf_str_eq(x->glyph, y->glyph) &&
	       wf_str_eq(x->script, y->script) &&
	       wf_attrs_eq(x->attrs, x->nattrs, y->attrs, y->nattrs);
}

static wf_entity entity_copy(merger *M, const wf_entity *b)
{
	wf_entity e = *b;
	e.name = dup(M, b->name);
	e.glyph = dup(M, b->glyph);
	e.script = dup(M, b->script);
	e.attrs = dup_attrs(M, b->attrs, b->nattrs);
	e.note = dup_note(M, b->note);
	return e;
}

static void entity_merge(merger *M, wf_entity *re, const wf_entity *oe,
                         const wf_entity *be)
{
	if (take_theirs(M, three(re->x == oe->x && re->y == oe->y,
	                         be->x == oe->x && be->y == oe->y,
	                         re->x == be->x && re->y == be->y))) {
		re->x = be->x;
		re->y = be->y;
	}
	str_take(M, &re->glyph, re->glyph, oe->glyph, be->glyph);
	str_take(M, &re->script, re->script, oe->script, be->script);
	merge_attrs(M, &re->attrs, &re->nattrs, oe->attrs, oe->nattrs, be->attrs,
	            be->nattrs);
	merge_note(M, &re->note, &re->note, &oe->note, &be->note);
}

static void merge_entities(merger *M, wf_parcel *rp, const wf_parcel *op,
                           const wf_parcel *bp)
{
	wf_names nr = {0}, no = {0}, nb = {0};
	bool *gone = NULL;
	/* Room for every addition up front, so the index's base stays put. */
	int need = rp->nentities + bp->nentities;
	if (!wf_grow((void **)&rp->entities, &rp->entities_cap, need ? need - 1 : 0,
	             sizeof *rp->entities) ||
	    !(gone = calloc((size_t)(need ? need : 1), sizeof *gone))) {
		M->oom = true;
		goto out;
	}
	/* Hashed: a hostile file may hold WF_MAX_ENTITIES in one parcel, so
	 * no lookup may be linear. */
	if (!names_of(M, &nr, rp->entities, sizeof *rp->entities, rp->nentities, need) ||
	    !names_of(M, &no, op->entities, sizeof *op->entities, op->nentities,
	              op->nentities) ||
	    !names_of(M, &nb, bp->entities, sizeof *bp->entities, bp->nentities,
	              bp->nentities))
		goto out;
	for (int j = 0; j < bp->nentities && !M->oom; j++) {
		const wf_entity *be = &bp->entities[j];
		int io = wf_names_get(&no, be->name), ir = wf_names_get(&nr, be->name);
		const wf_entity *oe = io >= 0 ? &op->entities[io] : NULL;
		if (ir >= 0 && oe) {
			entity_merge(M, &rp->entities[ir], oe, be);
			continue;
		}
		if (ir >= 0) { /* added on both sides */
			if (take_theirs(M, entity_same(&rp->entities[ir], be)
			                       ? TAKE_OURS
			                       : CONFLICT)) {
				free(rp->entities[ir].attrs);
				rp->entities[ir] = entity_copy(M, be);
			}
			continue;
		}
		if (oe && !take_theirs(M, entity_same(oe, be) ? TAKE_OURS : CONFLICT))
			continue; /* removed by ours */
		rp->entities[rp->nentities] = entity_copy(M, be);
		wf_names_put(&nr, rp->nentities++);
	}
	for (int i = 0; i < op->nentities; i++) {
		const wf_entity *oe = &op->entities[i];
		if (wf_names_get(&nb, oe->name) >= 0)
			continue;
		int ir = wf_names_get(&nr, oe->name);
		if (ir >= 0 &&
		    take_theirs(M, entity_same(&rp->entities[ir], oe) ? TAKE_THEIRS
		                                                      : CONFLICT))
			gone[ir] = true;
	}
	rp->nentities = drop_marked(rp->entities, rp->nentities, sizeof *rp->entities,
	                            offsetof(wf_entity, attrs), gone, NULL);
out:
	free(gone);
	wf_names_free(&nr);
	wf_names_free(&no);
	wf_names_free(&nb);
}

/* ---- Parcels, by name --------------------------------------------------- */

static bool entities_eq(const wf_parcel *x, const wf_parcel *y)
{
	if (x->nentities != y->nentities)
		return false;
	wf_names t = {0};
	if (!wf_names_init(&t, y->entities, sizeof *y->entities, y->nentities))
		return false; /* out of memory: "changed" is the safe answer */
	for (int i = 0; i < y->nentities; i++)
		wf_names_put(&t, i);
	bool same = true;
	for (int i = 0; i < x->nentities && same; i++) {
		int j = wf_names_get(&t, x->entities[i].name);
		same = j >= 0 && entity_same(&x->entities[i], &y->entities[j]);
	}
	wf_names_free(&t);
	return same;
}

static bool parcel_same(const side *x, const side *y)
{
	const wf_parcel *p = x->p, *q = y->p;
	return p->px == q->px && p->py == q->py && p->pw == q->pw && p->ph == q->ph &&
	       wf_str_eq(p->owner, q->owner) && wf_str_eq(p->zone, q->zone) &&
	       wf_str_eq(p->script, q->script) &&
	       wf_attrs_eq(p->attrs, p->nattrs, q->attrs, q->nattrs) && tiles_eq(x, y) &&
	       entities_eq(p, q);
}

static void parcel_release(wf_parcel *p)
{
	free(p->tiles);
	for (int i = 0; i < p->nentities; i++)
		free(p->entities[i].attrs);
	free(p->entities);
	free(p->attrs);
	memset(p, 0, sizeof *p);
}

/* A copy of s's parcel in r: strings in r's arena, tiles in r's palette. */
static wf_parcel parcel_copy(merger *M, const side *s)
{
	const wf_parcel *b = s->p;
	wf_parcel p = *b;
	p.name = dup(M, b->name);
	p.owner = dup(M, b->owner);
	p.zone = dup(M, b->zone);
	p.script = dup(M, b->script);
	p.attrs = dup_attrs(M, b->attrs, b->nattrs);
	for (int i = 0; i < WF_PS_NSLOTS; i++)
		p.notes[i] = dup_note(M, b->notes[i]);
	p.tiles = tiles_copy(M, s);
	p.entities = NULL;
	p.nentities = p.entities_cap = 0;
	if (b->nentities) {
		p.entities = malloc((size_t)b->nentities * sizeof *p.entities);
		if (!p.entities) {
			M->oom = true;
			return p;
		}
		for (int i = 0; i < b->nentities; i++)
			p.entities[i] = entity_copy(M, &b->entities[i]);
		p.nentities = p.entities_cap = b->nentities;
	}
	return p;
}

static void parcel_merge(merger *M, wf_parcel *rp, const side *A, const side *O,
                         const side *B)
{
	const wf_parcel *o = O->p, *b = B->p;
	if (take_theirs(M, three(rp->px == o->px && rp->py == o->py,
	                         b->px == o->px && b->py == o->py,
	                         rp->px == b->px && rp->py == b->py))) {
		rp->px = b->px;
		rp->py = b->py;
	}
	merge_tiles(M, rp, A, O, B);
	str_take(M, &rp->owner, rp->owner, o->owner, b->owner);
	str_take(M, &rp->zone, rp->zone, o->zone, b->zone);
	str_take(M, &rp->script, rp->script, o->script, b->script);
	merge_attrs(M, &rp->attrs, &rp->nattrs, o->attrs, o->nattrs, b->attrs, b->nattrs);
	merge_entities(M, rp, o, b);
	for (int s = 0; s < WF_PS_NSLOTS; s++)
		merge_note(M, &rp->notes[s], &rp->notes[s], &o->notes[s], &b->notes[s]);
}

/* The result's parcels: ours' order, each of theirs' additions placed after
 * the parcel it follows in theirs (so two sides appending at the end of the
 * file give ours' new parcels, then theirs'). Built as a new array. */
typedef struct plist {
	wf_parcel *v;
	int n, cap;
} plist;

static void plist_push(merger *M, plist *L, wf_parcel p)
{
	if (!wf_grow((void **)&L->v, &L->cap, L->n, sizeof *L->v)) {
		M->oom = true;
		parcel_release(&p);
		return;
	}
	L->v[L->n++] = p;
}

static void sides_of(merger *M, const char *name, side *A, side *O, side *B, int ia,
                     int *io, int *ib)
{
	*io = wf_names_get(&M->no, name);
	*ib = wf_names_get(&M->nb, name);
	*A = (side){M->a, ia >= 0 ? &M->a->parcels[ia] : NULL, M->map_a};
	*O = (side){M->o, *io >= 0 ? &M->o->parcels[*io] : NULL, M->map_o};
	*B = (side){M->b, *ib >= 0 ? &M->b->parcels[*ib] : NULL, M->map_b};
}

/* Theirs' parcel j, absent from ours: added by theirs, or removed by ours. */
static void theirs_only(merger *M, plist *L, int j)
{
	side A, O, B;
	int io, ib;
	sides_of(M, M->b->parcels[j].name, &A, &O, &B, -1, &io, &ib);
	if (O.p && !take_theirs(M, parcel_same(&B, &O) ? TAKE_OURS : CONFLICT))
		return;
	plist_push(M, L, parcel_copy(M, &B));
}

static void merge_parcels(merger *M)
{
	wf_world *r = M->r;
	const wf_world *b = M->b;
	wf_names na = {0};
	plist L = {0};
	/* head[i + 1]: theirs' additions that follow ours' parcel i (head[0]:
	 * those before any), chained through next[]. */
	int *next = malloc((size_t)(b->nparcels + 1) * sizeof *next);
	int *head = malloc((size_t)(r->nparcels + 1) * sizeof *head);
	if (!next || !head) {
		M->oom = true;
		goto out;
	}
	if (!names_of(M, &na, M->a->parcels, sizeof(wf_parcel), M->a->nparcels,
	              M->a->nparcels))
		goto out;
	for (int i = 0; i <= r->nparcels; i++)
		head[i] = -1;
	/* Anchor each addition of theirs on the nearest earlier parcel of theirs
	 * that ours has; chain them in reverse so that they come out in order. */
	int anchor = -1;
	for (int j = 0; j < b->nparcels; j++) {
		int ia = wf_names_get(&na, b->parcels[j].name);
		if (ia >= 0) {
			anchor = ia;
			continue;
		}
		next[j] = -1;
		int *tail = &head[anchor + 1];
		while (*tail >= 0)
			tail = &next[*tail];
		*tail = j;
	}
	/* Theirs' additions wait until the next parcel both sides have, so that
	 * ours' own additions at the same place come first. */
	int pending = 0; /* head[] slot whose chain is still to be placed */
	bool waiting = head[0] >= 0;
	for (int i = 0; i < r->nparcels && !M->oom; i++) {
		wf_parcel *rp = &r->parcels[i];
		side A, O, B;
		int io, ib;
		sides_of(M, rp->name, &A, &O, &B, i, &io, &ib);
		if (B.p && waiting) {
			for (int j = head[pending]; j >= 0; j = next[j])
				theirs_only(M, &L, j);
			waiting = false;
		}
		bool keep = true;
		if (O.p && B.p) {
			parcel_merge(M, rp, &A, &O, &B);
		} else if (O.p) { /* removed by theirs */
			keep =
			    !take_theirs(M, parcel_same(&A, &O) ? TAKE_THEIRS : CONFLICT);
		} else if (B.p) { /* added on both sides */
			if (take_theirs(M, parcel_same(&A, &B) ? TAKE_OURS : CONFLICT)) {
				parcel_release(rp);
				*rp = parcel_copy(M, &B);
			}
		}
		if (keep) {
			plist_push(M, &L, *rp);
		} else {
			parcel_release(rp);
		}
		memset(rp, 0, sizeof *rp);
		if (head[i + 1] >= 0) {
			pending = i + 1;
			waiting = true;
		}
	}
	for (int j = waiting ? head[pending] : -1; j >= 0; j = next[j])
		theirs_only(M, &L, j);
	for (int i = 0; i < r->nparcels; i++)
		parcel_release(&r->parcels[i]);
	free(r->parcels);
	r->parcels = L.v;
	r->nparcels = L.n;
	r->parcels_cap = L.cap;
	L.v = NULL;
out:
	free(L.v);
	wf_names_free(&na);
	free(next);
	free(head);
}

/* ---- Land --------------------------------------------------------------- */

/* Does side w place both p and q where r has them? Then their overlap is
 * not the merge's doing. */
static bool side_has_both(const wf_world *w, const wf_names *nw, const wf_parcel *p,
                          const wf_parcel *q)
{
	int i = wf_names_get(nw, p->name), j = wf_names_get(nw, q->name);
	if (i < 0 || j < 0)
		return false;
	const wf_parcel *x = &w->parcels[i], *y = &w->parcels[j];
	return x->px == p->px && x->py == p->py && x->pw == p->pw && x->ph == p->ph &&
	       y->px == q->px && y->py == q->py && y->pw == q->pw && y->ph == q->ph;
}

static bool same_place(const wf_parcel *p, const wf_parcel *q)
{
	return p->px == q->px && p->py == q->py && p->pw == q->pw && p->ph == q->ph;
}

/* Two parcels on overlapping land that neither side had overlapping: one
 * is a conflict. The parcel not where the preferred side has it goes back
 * to that side's version (or away, when that side has none). Repeats until
 * the land is settled; each round moves a parcel to the preferred side's
 * place, so it ends. */
static void settle_land(merger *M)
{
	wf_world *r = M->r;
	wf_names na = {0};
	if (!names_of(M, &na, M->a->parcels, sizeof(wf_parcel), M->a->nparcels,
	              M->a->nparcels))
		return;
	const wf_world *pw = M->theirs ? M->b : M->a;
	const wf_names *pn = M->theirs ? &M->nb : &na;
	const int *pmap = M->theirs ? M->map_b : M->map_a;
	for (int round = 0; round < r->nparcels + 1 && !M->oom; round++) {
		if (wf_world_index(r) == 0)
			break;
		/* The grid records the first parcel on each unit of land, so any
		 * other parcel on it overlaps that one: one pass finds a pair. */
		int fix = -1;
		for (int j = 0; j < r->nparcels && fix < 0; j++) {
			const wf_parcel *q = &r->parcels[j];
			for (int32_t y = q->py; y < q->py + q->ph && fix < 0; y++)
				for (int32_t x = q->px; x < q->px + q->pw && fix < 0;
				     x++) {
					if (x < 0 || y < 0 || x >= r->width ||
					    y >= r->height)
						continue;
					int g = r->grid[(size_t)y * (size_t)r->width +
					                (size_t)x];
					if (g < 0 || g == j)
						continue;
					const wf_parcel *p = &r->parcels[g];
					if (side_has_both(M->a, &na, p, q) ||
					    side_has_both(M->b, &M->nb, p, q))
						continue;
					int ip = wf_names_get(pn, p->name);
					fix = ip >= 0 && same_place(&pw->parcels[ip], p)
					          ? j
					          : g;
				}
		}
		if (fix < 0)
			break;
		M->conflicts++;
		wf_parcel *fp = &r->parcels[fix];
		int k = wf_names_get(pn, fp->name);
		parcel_release(fp);
		if (k >= 0) {
			side s = {pw, &pw->parcels[k], pmap};
			*fp = parcel_copy(M, &s);
		} else {
			memmove(fp, fp + 1, (size_t)(r->nparcels - fix - 1) * sizeof *fp);
			r->nparcels--;
		}
	}
	wf_names_free(&na);
}

/* ---- One run ------------------------------------------------------------ */

/* Drop the palette entries marked for dropping that no tile uses, and
 * renumber the tiles. Palette entry 0 is what a parcel without a layout
 * shows, so those parcels get their tiles spelled out when it moves. */
static void prune_palette(merger *M)
{
	wf_world *r = M->r;
	bool used[256] = {false};
	for (int i = 0; i < r->nparcels; i++) {
		const wf_parcel *p = &r->parcels[i];
		size_t n = (size_t)wf_parcel_tw(r, p) * (size_t)wf_parcel_th(r, p);
		if (!p->tiles) {
			used[0] = true;
			continue;
		}
		for (size_t k = 0; k < n; k++)
			used[p->tiles[k]] = true;
	}
	bool gone[256];
	int renum[256];
	for (int i = 0; i < r->npalette; i++)
		gone[i] = M->drop[i] && !used[i];
	int n = drop_marked(r->palette, r->npalette, sizeof *r->palette,
	                    offsetof(wf_glyph, attrs), gone, renum);
	if (n == r->npalette)
		return;
	r->npalette = n;
	for (int i = 0; i < r->nparcels; i++) {
		wf_parcel *p = &r->parcels[i];
		if (!p->tiles)
			continue;
		size_t cnt = (size_t)wf_parcel_tw(r, p) * (size_t)wf_parcel_th(r, p);
		for (size_t k = 0; k < cnt; k++)
			p->tiles[k] = (uint8_t)renum[p->tiles[k]];
	}
}

/* Ours' tiles in r's palette (r starts as ours' copy). */
static void remap_ours(merger *M)
{
	wf_world *r = M->r;
	bool ident = true;
	for (int i = 0; i < 256; i++)
		ident = ident && M->map_a[i] == i;
	for (int i = 0; i < r->nparcels && !ident && !M->oom; i++) {
		wf_parcel *p = &r->parcels[i];
		size_t n = (size_t)wf_parcel_tw(M->a, p) * (size_t)wf_parcel_th(M->a, p);
		if (!p->tiles && M->map_a[0] != 0 && n) {
			p->tiles = calloc(n, 1);
			if (!p->tiles)
				M->oom = true;
		}
		for (size_t k = 0; p->tiles && k < n; k++)
			p->tiles[k] = (uint8_t)M->map_a[p->tiles[k]];
	}
}

/* Are the names of the n structs of `size` bytes at v (the name first)
 * distinct? Keys are names, so a side that repeats one (against the rules,
 * yet it parses) cannot be merged key by key. */
static bool distinct(const void *v, size_t size, int n, bool *oom)
{
	wf_names t = {0};
	if (!wf_names_init(&t, v, size, n)) {
		*oom = true;
		return false;
	}
	bool ok = true;
	for (int i = 0; i < n && ok; i++)
		ok = wf_names_put(&t, i) == i;
	wf_names_free(&t);
	return ok;
}

static bool keys_distinct(const wf_world *w, bool *oom)
{
	bool ok = distinct(w->palette, sizeof *w->palette, w->npalette, oom) &&
	          distinct(w->zones, sizeof *w->zones, w->nzones, oom) &&
	          distinct(w->parcels, sizeof *w->parcels, w->nparcels, oom);
	for (int i = 0; i < w->nparcels && ok; i++)
		ok = distinct(w->parcels[i].entities, sizeof(wf_entity),
		              w->parcels[i].nentities, oom);
	return ok;
}

static wf_world *merge_run(const wf_world *o, const wf_world *a, const wf_world *b,
                           bool theirs, int *conflicts, bool *give_up)
{
	merger M = {.o = o, .a = a, .b = b, .theirs = theirs};
	*give_up = false;
	M.r = wf_world_clone(a);
	if (!M.r)
		return NULL;
	/* A change of parcel-size reshapes every parcel's tiles, and a name
	 * given twice leaves a key without one meaning: neither is merged key
	 * by key (the caller merges lines instead). */
	bool oom = false;
	if (a->parcel_w != b->parcel_w || a->parcel_h != b->parcel_h ||
	    !keys_distinct(o, &oom) || !keys_distinct(a, &oom) ||
	    !keys_distinct(b, &oom)) {
		*give_up = !oom;
		wf_world_free(M.r);
		return NULL;
	}
	if (names_of(&M, &M.no, o->parcels, sizeof(wf_parcel), o->nparcels, o->nparcels) &&
	    names_of(&M, &M.nb, b->parcels, sizeof(wf_parcel), b->nparcels, b->nparcels)) {
		merge_header(&M);
		merge_palette(&M);
		remap_ours(&M);
		merge_zones(&M);
		if (!M.oom && !M.give_up)
			merge_parcels(&M);
		if (!M.oom && !M.give_up)
			settle_land(&M);
		if (!M.oom && !M.give_up)
			prune_palette(&M);
	}
	wf_names zn = {0};
	if (M.r && !names_of(&M, &zn, M.r->zones, sizeof *M.r->zones, M.r->nzones,
	                     M.r->nzones))
		M.oom = true;
	for (int i = 0; M.r && !M.oom && i < M.r->nparcels; i++)
		M.r->parcels[i].zone_index =
		    M.r->parcels[i].zone ? wf_names_get(&zn, M.r->parcels[i].zone) : -1;
	wf_names_free(&zn);
	wf_names_free(&M.no);
	wf_names_free(&M.nb);
	*conflicts = M.conflicts;
	*give_up = M.give_up;
	if (M.oom || M.give_up) {
		wf_world_free(M.r);
		return NULL;
	}
	return M.r;
}

/* ---- Markers ------------------------------------------------------------
 * A line diff of the two resolutions (Myers' greedy algorithm on line
 * hashes, after the common head and tail are cut off). The texts differ
 * only where conflicts are, so the edit distance D is small and the
 * O((N+M)·D) time and D² memory stay small; past MAX_D lines of difference
 * the whole differing middle becomes one conflict. */
#define MAX_D 2000

typedef struct lines {
	const char *base;
	size_t *off; /* start of line i; off[n] is the end */
	uint32_t *hash;
	size_t n;
} lines;

static int lines_split(const char *s, size_t len, lines *L)
{
	size_t n = 0;
	for (size_t i = 0; i < len; i++)
		n += s[i] == '\n';
	if (len && s[len - 1] != '\n')
		n++;
	L->base = s;
	L->n = n;
	L->off = malloc((n + 1) * sizeof *L->off);
	L->hash = malloc((n + 1) * sizeof *L->hash);
	if (!L->off || !L->hash)
		return -1;
	size_t k = 0, start = 0;
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < len; i++) {
		h = (h ^ (unsigned char)s[i]) * 16777619u;
		if (s[i] == '\n') {
			L->off[k] = start;
			L->hash[k++] = h;
			start = i + 1;
			h = 2166136261u;
		}
	}
	if (k < n) {
		L->off[k] = start;
		L->hash[k++] = h;
	}
	L->off[n] = len;
	return 0;
}

static void lines_free(lines *L)
{
	free(L->off);
	free(L->hash);
}

static bool line_eq(const lines *x, size_t i, const lines *y, size_t j)
{
	size_t lx = x->off[i + 1] - x->off[i], ly = y->off[j + 1] - y->off[j];
	return x->hash[i] == y->hash[j] && lx == ly &&
	       memcmp(x->base + x->off[i], y->base + y->off[j], lx) == 0;
}

static int put_lines(wf_buf *b, const lines *L, size_t from, size_t to)
{
	if (from >= to)
		return 0;
	int rc = wf_buf_put(b, L->base + L->off[from], L->off[to] - L->off[from]);
	/* A last line without its newline still needs one before a marker. */
	if (rc == 0 && L->base[L->off[to] - 1] != '\n')
		rc = wf_buf_put(b, "\n", 1);
	return rc;
}

static int put_conflict(wf_buf *b, const lines *x, size_t x0, size_t x1, const lines *y,
                        size_t y0, size_t y1)
{
	if (wf_buf_put(b, "<<<<<<< ours\n", 13) || put_lines(b, x, x0, x1) ||
	    wf_buf_put(b, "=======\n", 8) || put_lines(b, y, y0, y1) ||
	    wf_buf_put(b, ">>>>>>> theirs\n", 15))
		return -1;
	return 0;
}

/* Myers' forward pass over x[head..n) and y[head..m): trace[d] keeps
 * V[-d..d] after d edits, so the walk back costs D² entries in all.
 * Returns D, or -1 past `max` edits (or out of memory). */
static long myers(const lines *x, const lines *y, size_t head, long N, long M, long max,
                  long **trace)
{
	long *v = calloc((size_t)(2 * max + 3), sizeof *v);
	long off = max + 1, D = -1;
	for (long d = 0; v && d <= max && D < 0; d++) {
		for (long k = -d; k <= d; k += 2) {
			long xx = (k == -d || (k != d && v[off + k - 1] < v[off + k + 1]))
			              ? v[off + k + 1]
			              : v[off + k - 1] + 1;
			long yy = xx - k;
			while (xx < N && yy < M &&
			       line_eq(x, head + (size_t)xx, y, head + (size_t)yy))
				xx++, yy++;
			v[off + k] = xx;
			if (xx >= N && yy >= M) {
				D = d;
				break;
			}
		}
		trace[d] = malloc((size_t)(2 * d + 1) * sizeof *v);
		if (!trace[d]) {
			D = -1;
			break;
		}
		memcpy(trace[d], v + off - d, (size_t)(2 * d + 1) * sizeof *v);
	}
	free(v);
	return D;
}

/* x with markers wherever y differs: the common lines once, each differing
 * stretch as <<<<<<< ours (x's lines) ======= (y's) >>>>>>> theirs. */
static int diff_write(wf_buf *out, const lines *x, const lines *y)
{
	size_t head = 0, n = x->n, m = y->n;
	while (head < n && head < m && line_eq(x, head, y, head))
		head++;
	while (n > head && m > head && line_eq(x, n - 1, y, m - 1))
		n--, m--;
	if (put_lines(out, x, 0, head))
		return -1;
	long N = (long)(n - head), M = (long)(m - head);
	long max = N + M < MAX_D ? N + M : MAX_D;
	long **trace = calloc((size_t)max + 2, sizeof *trace);
	long *snake = trace ? malloc(((size_t)max + 2) * 2 * sizeof *snake) : NULL;
	long D = snake ? myers(x, y, head, N, M, max, trace) : -1;
	int rc = trace && snake ? 0 : -1;
	long ns = 0;
	/* Walk back from (N, M): each step's snake starts just after its edit. */
	for (long d = D, xx = N, yy = M; rc == 0 && d >= 0; d--) {
		long k = xx - yy, pk = 0, px = 0;
		if (d > 0) {
			const long *pv = trace[d - 1]; /* V[-(d-1)..d-1] */
			pk =
			    (k == -d || (k != d && pv[k - 1 + d - 1] < pv[k + 1 + d - 1]))
			        ? k + 1
			        : k - 1;
			px = pv[pk + d - 1];
		}
		long sx = d == 0 ? 0 : (pk == k + 1 ? px : px + 1);
		snake[2 * ns] = sx;
		snake[2 * ns + 1] = sx - k;
		ns++;
		xx = px;
		yy = px - pk;
	}
	/* Forward: equal runs between snakes' starts and ends; whatever lies
	 * between two non-empty runs is one conflict. */
	long cx = 0, cy = 0;
	if (rc == 0 && D >= 0) {
		for (long s = ns - 1; rc == 0 && s >= 0; s--) {
			long x0 = snake[2 * s], y0 = snake[2 * s + 1], ex = x0, ey = y0;
			while (ex < N && ey < M &&
			       line_eq(x, head + (size_t)ex, y, head + (size_t)ey))
				ex++, ey++;
			if (ex == x0)
				continue;
			if (x0 > cx || y0 > cy)
				rc = put_conflict(out, x, head + (size_t)cx,
				                  head + (size_t)x0, y, head + (size_t)cy,
				                  head + (size_t)y0);
			if (rc == 0)
				rc = put_lines(out, x, head + (size_t)x0,
				               head + (size_t)ex);
			cx = ex, cy = ey;
		}
	}
	if (rc == 0 && (cx < N || cy < M))
		rc = put_conflict(out, x, head + (size_t)cx, n, y, head + (size_t)cy, m);
	for (long d = 0; trace && d <= max; d++)
		free(trace[d]);
	free(trace);
	free(snake);
	if (rc == 0)
		rc = put_lines(out, x, n, x->n);
	return rc;
}

/* ---- The front door ----------------------------------------------------- */

wf_merge_status wf_merge(const wf_world *base, const wf_world *ours,
                         const wf_world *theirs, wf_buf *out, int *conflicts)
{
	bool give_up;
	*conflicts = 0;
	wf_world *r = merge_run(base, ours, theirs, false, conflicts, &give_up);
	if (!r)
		return give_up ? WF_MERGE_UNMERGEABLE : WF_MERGE_OOM;
	if (*conflicts == 0) {
		int rc = wf_write(r, out);
		wf_world_free(r);
		return rc == 0 ? WF_MERGE_CLEAN : WF_MERGE_OOM;
	}
	int c2;
	wf_world *t = merge_run(base, ours, theirs, true, &c2, &give_up);
	wf_buf x = {0}, y = {0};
	lines lx = {0}, ly = {0};
	wf_merge_status st = WF_MERGE_OOM;
	if (t && wf_write(r, &x) == 0 && wf_write(t, &y) == 0 &&
	    lines_split(x.data, x.len, &lx) == 0 &&
	    lines_split(y.data, y.len, &ly) == 0 && diff_write(out, &lx, &ly) == 0)
		st = WF_MERGE_CONFLICTS;
	else if (!t && give_up)
		st = WF_MERGE_UNMERGEABLE;
	lines_free(&lx);
	lines_free(&ly);
	wf_buf_free(&x);
	wf_buf_free(&y);
	wf_world_free(r);
	wf_world_free(t);
	return st;
}
