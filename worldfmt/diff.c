/* diff.c — the semantic diff of two world models (declared in worldfmt.h,
 * "Semantic diff"): which parcels, tiles, entities, palette entries and
 * zones changed, in the world's own terms. Pure model code, libc only.
 *
 * Matching is by name (glyph for palette entries), with a linear scan over a
 * sorted index so that the Street's 65,536 parcels diff in O(n log n).
 * Tiles are compared through a map from old palette index to new one, so
 * the cost per tile is one table lookup and no string compare. */
#include "worldfmt/internal.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

bool wf_str_eq(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	return strcmp(a, b) == 0;
}

bool wf_attrs_eq(const wf_attr *a, int na, const wf_attr *b, int nb)
{
	if (na != nb)
		return false;
	for (int i = 0; i < na; i++) {
		int j = 0;
		while (j < nb && !wf_str_eq(a[i].key, b[j].key))
			j++;
		if (j == nb || !wf_str_eq(a[i].value, b[j].value))
			return false;
	}
	return true;
}

/* ---- Growing arrays of changes ------------------------------------------ */

static int push_change(wf_change **v, int *n, wf_change_kind kind, int a, int b)
{
	wf_change *nv = realloc(*v, (size_t)(*n + 1) * sizeof *nv);
	if (!nv)
		return -1;
	nv[*n] = (wf_change){kind, a, b};
	*v = nv;
	(*n)++;
	return 0;
}

/* ---- Name index ---------------------------------------------------------
 * A sorted array of (name, index) so that matching n items against n items
 * costs n log n. Items without a name are left out. */
typedef struct name_ix {
	const char *name;
	int i;
} name_ix;

static int name_cmp(const void *x, const void *y)
{
	return strcmp(((const name_ix *)x)->name, ((const name_ix *)y)->name);
}

static name_ix *index_names(const void *base, size_t stride, size_t off, int n,
                            int *count)
{
	name_ix *ix = malloc((size_t)(n ? n : 1) * sizeof *ix);
	int k = 0;
	*count = 0;
	if (!ix)
		return NULL;
	for (int i = 0; i < n; i++) {
		const char *s =
		    *(const char *const *)((const char *)base + (size_t)i * stride + off);
		if (s)
			ix[k++] = (name_ix){s, i};
	}
	qsort(ix, (size_t)k, sizeof *ix, name_cmp);
	*count = k;
	return ix;
}

static int find_name(const name_ix *ix, int n, const char *name)
{
	if (!name)
		return -1;
	name_ix key = {name, 0};
	const name_ix *hit = bsearch(&key, ix, (size_t)n, sizeof *ix, name_cmp);
	return hit ? hit->i : -1;
}

/* Match every item of b against a by name: changed (when !same), added,
 * then the removed ones of a. `same(a, i, b, j)` compares two items. */
typedef bool (*same_fn)(const void *wa, int i, const void *wb, int j);

static int diff_named(const void *abase, int na, const void *bbase, int nb, size_t stride,
                      size_t off, same_fn same, const void *wa, const void *wb,
                      wf_change **out, int *nout)
{
	int ca, cb;
	name_ix *ia = index_names(abase, stride, off, na, &ca);
	name_ix *ib = index_names(bbase, stride, off, nb, &cb);
	int rc = (ia && ib) ? 0 : -1;
	for (int j = 0; rc == 0 && j < nb; j++) {
		const char *s = *(const char *const *)((const char *)bbase +
		                                       (size_t)j * stride + off);
		int i = find_name(ia, ca, s);
		if (i < 0)
			rc = push_change(out, nout, WF_CH_ADDED, -1, j);
		else if (!same(wa, i, wb, j))
			rc = push_change(out, nout, WF_CH_CHANGED, i, j);
	}
	for (int i = 0; rc == 0 && i < na; i++) {
		const char *s = *(const char *const *)((const char *)abase +
		                                       (size_t)i * stride + off);
		if (find_name(ib, cb, s) < 0)
			rc = push_change(out, nout, WF_CH_REMOVED, i, -1);
	}
	free(ia);
	free(ib);
	return rc;
}

/* ---- Palette and zones --------------------------------------------------- */

static bool glyph_same(const void *wa, int i, const void *wb, int j)
{
	const wf_glyph *a = &((const wf_world *)wa)->palette[i];
	const wf_glyph *b = &((const wf_world *)wb)->palette[j];
	return wf_str_eq(a->name, b->name) && a->solid == b->solid &&
	       wf_str_eq(a->script, b->script) &&
	       wf_attrs_eq(a->attrs, a->nattrs, b->attrs, b->nattrs);
}

static bool zone_same(const void *wa, int i, const void *wb, int j)
{
	const wf_zone *a = &((const wf_world *)wa)->zones[i];
	const wf_zone *b = &((const wf_world *)wb)->zones[j];
	return a->caps == b->caps && a->max_entities == b->max_entities &&
	       wf_attrs_eq(a->attrs, a->nattrs, b->attrs, b->nattrs);
}

static unsigned diff_header(const wf_world *a, const wf_world *b)
{
	unsigned w = 0;
	if (!wf_str_eq(a->name, b->name))
		w |= WF_DIFFW_NAME;
	if (a->format != b->format)
		w |= WF_DIFFW_FORMAT;
	if (a->seed != b->seed)
		w |= WF_DIFFW_SEED;
	if (a->width != b->width || a->height != b->height)
		w |= WF_DIFFW_SIZE;
	if (a->parcel_w != b->parcel_w || a->parcel_h != b->parcel_h)
		w |= WF_DIFFW_PARCEL_SIZE;
	if (memcmp(&a->unit_budget, &b->unit_budget, sizeof a->unit_budget) != 0)
		w |= WF_DIFFW_BUDGET;
	if (!wf_str_eq(a->events, b->events))
		w |= WF_DIFFW_EVENTS;
	if (!wf_attrs_eq(a->attrs, a->nattrs, b->attrs, b->nattrs))
		w |= WF_DIFFW_ATTRS;
	return w;
}

/* ---- Tiles ----------------------------------------------------------------- */

const char *wf_tile_glyph(const wf_world *w, const wf_parcel *p, int32_t x, int32_t y)
{
	int32_t tw = wf_parcel_tw(w, p);
	int idx = p->tiles ? p->tiles[(size_t)y * (size_t)tw + (size_t)x] : 0;
	return idx < w->npalette ? w->palette[idx].glyph : NULL;
}

/* map[i] = the new palette index with the glyph of old index i; -1 when
 * the glyph is gone (so the tile differs whatever it holds now), -2 for
 * indexes outside the old palette (they equal only each other). */
static void palette_map(const wf_world *a, const wf_world *b, int map[256])
{
	for (int i = 0; i < 256; i++) {
		map[i] = i < a->npalette ? -1 : -2;
		if (i >= a->npalette)
			continue;
		for (int j = 0; j < b->npalette; j++)
			if (wf_str_eq(a->palette[i].glyph, b->palette[j].glyph)) {
				map[i] = j;
				break;
			}
	}
}

static int tile_at(const wf_parcel *p, int32_t tw, int32_t th, int32_t x, int32_t y)
{
	if (x >= tw || y >= th)
		return -3; /* outside this side's extent */
	return p->tiles ? p->tiles[(size_t)y * (size_t)tw + (size_t)x] : 0;
}

static bool tiles_same(const int map[256], int nb_palette, int ta, int tb)
{
	if (ta == -3 || tb == -3)
		return ta == tb;
	int m = map[ta];
	if (m == -2)
		return tb >= nb_palette && ta == tb;
	return m == tb;
}

static void diff_tiles(const wf_world *wa, const wf_parcel *a, const wf_world *wb,
                       const wf_parcel *b, const int map[256], wf_parcel_diff *d)
{
	int32_t aw = wf_parcel_tw(wa, a), ah = wf_parcel_th(wa, a);
	int32_t bw = wf_parcel_tw(wb, b), bh = wf_parcel_th(wb, b);
	int32_t w = aw > bw ? aw : bw, h = ah > bh ? ah : bh;
	bool ident = aw == bw && ah == bh && a->tiles && b->tiles;

	for (int i = 0; ident && i < wa->npalette; i++)
		ident = map[i] == i;
	if (ident && wa->npalette == wb->npalette &&
	    memcmp(a->tiles, b->tiles, (size_t)aw * (size_t)ah) == 0)
		return;
	d->x0 = w, d->y0 = h, d->x1 = 0, d->y1 = 0;
	for (int32_t y = 0; y < h; y++)
		for (int32_t x = 0; x < w; x++) {
			if (tiles_same(map, wb->npalette, tile_at(a, aw, ah, x, y),
			               tile_at(b, bw, bh, x, y)))
				continue;
			d->tiles++;
			d->x0 = x < d->x0 ? x : d->x0;
			d->y0 = y < d->y0 ? y : d->y0;
			d->x1 = x + 1 > d->x1 ? x + 1 : d->x1;
			d->y1 = y + 1 > d->y1 ? y + 1 : d->y1;
		}
	if (d->tiles)
		d->what |= WF_DIFF_TILES;
}

/* ---- Entities ---------------------------------------------------------------- */

static bool entity_same(const void *pa, int i, const void *pb, int j)
{
	const wf_entity *a = &((const wf_parcel *)pa)->entities[i];
	const wf_entity *b = &((const wf_parcel *)pb)->entities[j];
	return a->x == b->x && a->y == b->y && wf_str_eq(a->glyph, b->glyph) &&
	       wf_str_eq(a->script, b->script) &&
	       wf_attrs_eq(a->attrs, a->nattrs, b->attrs, b->nattrs);
}

/* ---- Parcels ----------------------------------------------------------------- */

static int diff_parcel(const wf_world *wa, int i, const wf_world *wb, int j,
                       const int map[256], wf_parcel_diff *d)
{
	const wf_parcel *a = &wa->parcels[i], *b = &wb->parcels[j];
	memset(d, 0, sizeof *d);
	d->a = i;
	d->b = j;
	if (a->px != b->px || a->py != b->py)
		d->what |= WF_DIFF_MOVED;
	if (a->pw != b->pw || a->ph != b->ph)
		d->what |= WF_DIFF_RESIZED;
	if (!wf_str_eq(a->owner, b->owner))
		d->what |= WF_DIFF_OWNER;
	if (!wf_str_eq(a->zone, b->zone))
		d->what |= WF_DIFF_ZONE;
	if (!wf_str_eq(a->script, b->script))
		d->what |= WF_DIFF_SCRIPT;
	if (!wf_attrs_eq(a->attrs, a->nattrs, b->attrs, b->nattrs))
		d->what |= WF_DIFF_ATTRS;
	diff_tiles(wa, a, wb, b, map, d);
	if (diff_named(a->entities, a->nentities, b->entities, b->nentities,
	               sizeof(wf_entity), offsetof(wf_entity, name), entity_same, a, b,
	               &d->entities, &d->nentities) != 0)
		return -1;
	if (d->nentities)
		d->what |= WF_DIFF_ENTITIES;
	return 0;
}

static int push_parcel(wf_diff *d, const wf_parcel_diff *pd)
{
	wf_parcel_diff *v = realloc(d->parcels, (size_t)(d->nparcels + 1) * sizeof *v);
	if (!v)
		return -1;
	v[d->nparcels++] = *pd;
	d->parcels = v;
	return 0;
}

static int diff_parcels(const wf_world *a, const wf_world *b, wf_diff *d)
{
	int map[256], ca, cb;
	name_ix *ia = index_names(a->parcels, sizeof(wf_parcel),
	                          offsetof(wf_parcel, name), a->nparcels, &ca);
	name_ix *ib = index_names(b->parcels, sizeof(wf_parcel),
	                          offsetof(wf_parcel, name), b->nparcels, &cb);
	int rc = (ia && ib) ? 0 : -1;
	palette_map(a, b, map);
	for (int j = 0; rc == 0 && j < b->nparcels; j++) {
		wf_parcel_diff pd = {.a = -1, .b = j, .what = WF_DIFF_ADDED};
		int i = find_name(ia, ca, b->parcels[j].name);
		if (i >= 0 && (rc = diff_parcel(a, i, b, j, map, &pd)) != 0)
			break;
		if (pd.what && (rc = push_parcel(d, &pd)) != 0)
			free(pd.entities);
	}
	for (int i = 0; rc == 0 && i < a->nparcels; i++) {
		wf_parcel_diff pd = {.a = i, .b = -1, .what = WF_DIFF_REMOVED};
		if (find_name(ib, cb, a->parcels[i].name) < 0)
			rc = push_parcel(d, &pd);
	}
	free(ia);
	free(ib);
	return rc;
}

int wf_diff_worlds(const wf_world *a, const wf_world *b, wf_diff *d)
{
	memset(d, 0, sizeof *d);
	d->world = diff_header(a, b);
	if (diff_named(a->palette, a->npalette, b->palette, b->npalette, sizeof(wf_glyph),
	               offsetof(wf_glyph, glyph), glyph_same, a, b, &d->palette,
	               &d->npalette) != 0 ||
	    diff_named(a->zones, a->nzones, b->zones, b->nzones, sizeof(wf_zone),
	               offsetof(wf_zone, name), zone_same, a, b, &d->zones,
	               &d->nzones) != 0 ||
	    diff_parcels(a, b, d) != 0) {
		wf_diff_free(d);
		return -1;
	}
	return 0;
}

void wf_diff_free(wf_diff *d)
{
	for (int i = 0; i < d->nparcels; i++)
		free(d->parcels[i].entities);
	free(d->parcels);
	free(d->palette);
	free(d->zones);
	memset(d, 0, sizeof *d);
}

bool wf_diff_empty(const wf_diff *d)
{
	return !d->world && !d->npalette && !d->nzones && !d->nparcels;
}
