/* model.c — the in-memory world: arena, diagnostics, life cycle, deep copy,
 * queries (name index, tile → parcel grid), budgets and UTF-8 checks. */
#include "worldfmt/internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <strings.h>

/* ---- Arena ----------------------------------------------------------------
 * Strings only, so no alignment. A chunk list; big strings get their own
 * chunk so that the bump chunk is not wasted. */
#define ARENA_CHUNK (64 * 1024)

wf_arena *wf_arena_new(void)
{
	return calloc(1, sizeof(wf_arena));
}

void wf_arena_free(wf_arena *a)
{
	if (!a)
		return;
	for (struct wf_chunk *c = a->head, *next; c; c = next) {
		next = c->next;
		free(c);
	}
	free(a);
}

char *wf_arena_alloc_slow(wf_arena *a, size_t n)
{
	struct wf_chunk *c;
	size_t size = n > ARENA_CHUNK / 4 ? n : ARENA_CHUNK;
	c = malloc(sizeof *c + size);
	if (!c)
		return NULL;
	c->size = size;
	c->used = n;
	if (size == n && a->head) {
		/* A big string: keep the current bump chunk at the head. */
		c->next = a->head->next;
		a->head->next = c;
	} else {
		c->next = a->head;
		a->head = c;
	}
	return c->data;
}

const char *wf_strdup(wf_world *w, const char *s)
{
	return s ? wf_arena_strndup(w->arena, s, strlen(s)) : NULL;
}

void wf_huge_hint(void *p, size_t n)
{
#ifdef MADV_HUGEPAGE
	/* Only big blocks: glibc gives them their own mapping, so the hint
	 * touches no other allocation's pages. It covers the whole mapping,
	 * the page of the block's header included: a hint on part of it
	 * splits the mapping in two, and realloc can then no longer grow the
	 * block in place (mremap fails) but copies it. */
	if (!p || n < ((size_t)2 << 20))
		return;
	uintptr_t a = (uintptr_t)p & ~(uintptr_t)4095;
	uintptr_t e = ((uintptr_t)p + n + 4095) & ~(uintptr_t)4095;
	if (e > a)
		(void)madvise((void *)a, e - a, MADV_HUGEPAGE);
#else
	(void)p;
	(void)n;
#endif
}

bool wf_grow(void **v, int *cap, int n, size_t elem)
{
	if (n < *cap)
		return true;
	if (n >= (1 << 28))
		return false;
	/* A first block of about 256 bytes (1 to 8 elements): most parcels
	 * have an entity or two, and 65,536 blocks of eight entities are 64
	 * MB that the allocator touches page by page. */
	int first = elem >= 256 ? 1 : elem > 32 ? (int)(256 / elem) : 8;
	int ncap = *cap ? *cap * 2 : first;
	while (ncap <= n)
		ncap *= 2;
	void *p = realloc(*v, (size_t)ncap * elem);
	if (!p)
		return false;
	wf_huge_hint(p, (size_t)ncap * elem);
	*v = p;
	*cap = ncap;
	return true;
}

/* ---- Diagnostics ----------------------------------------------------------*/

wf_diag *wf_diag_add(wf_diags *d, wf_severity sev, const char *file, uint32_t line,
                     uint32_t col, const char *parcel, const char *fmt, ...)
{
	if (sev == WF_ERROR)
		d->errors++;
	int max = d->max > 0 ? d->max : WF_MAX_DIAGS;
	/* Past the cap nothing is formatted, so hostile input with millions of
	 * errors costs a counter each. */
	if (d->n >= max || !wf_grow((void **)&d->v, &d->cap, d->n, sizeof *d->v)) {
		d->dropped++;
		return NULL;
	}
	wf_diag *g = &d->v[d->n];
	*g = (wf_diag){0};
	va_list ap;
	va_start(ap, fmt);
	int r = vasprintf(&g->msg, fmt, ap);
	va_end(ap);
	g->file = strdup(file ? file : "world.acre");
	g->parcel = parcel ? strdup(parcel) : NULL;
	if (r < 0 || !g->file) {
		free(r < 0 ? NULL : g->msg);
		free((char *)g->file);
		free(g->parcel);
		d->dropped++;
		return NULL;
	}
	g->severity = sev;
	g->line = line;
	g->col = col;
	d->n++;
	return g;
}

void wf_diag_help(wf_diag *g, const char *fmt, ...)
{
	if (!g)
		return;
	char *h;
	va_list ap;
	va_start(ap, fmt);
	int r = vasprintf(&h, fmt, ap);
	va_end(ap);
	if (r < 0)
		return; /* the diagnostic stands without its help */
	free(g->help);
	g->help = h;
}

int wf_diag_format(const wf_diag *g, char *buf, size_t size)
{
	const char *sev = g->severity == WF_WARNING ? "warning" : "error";
	char rule[80] = "";
	if (g->rule)
		snprintf(rule, sizeof rule, " [%s]", g->rule);
	if (g->line == 0)
		return snprintf(buf, size, "%s: %s: %s%s", g->file, sev, g->msg, rule);
	return snprintf(buf, size, "%s:%u:%u: %s: %s%s", g->file, g->line, g->col,
	                sev, g->msg, rule);
}

void wf_diags_free(wf_diags *d)
{
	for (int i = 0; i < d->n; i++) {
		free((char *)d->v[i].file);
		free(d->v[i].parcel);
		free(d->v[i].msg);
		free(d->v[i].help);
	}
	free(d->v);
	d->v = NULL;
	d->n = d->cap = d->dropped = d->errors = 0;
}

/* ---- Life cycle -----------------------------------------------------------*/

wf_world *wf_world_new(void)
{
	wf_world *w = calloc(1, sizeof *w);
	if (!w)
		return NULL;
	w->arena = wf_arena_new();
	if (!w->arena) {
		free(w);
		return NULL;
	}
	w->name = wf_strdup(w, "untitled");
	w->format = WF_FORMAT_VERSION;
	w->width = w->height = 16;
	w->parcel_w = w->parcel_h = 16;
	w->unit_budget =
	    (wf_budget){WF_DEFAULT_ENTITIES, WF_DEFAULT_INSTRUCTIONS, WF_DEFAULT_MEMORY};
	return w;
}

void wf_world_free(wf_world *w)
{
	if (!w)
		return;
	for (int i = 0; i < w->npalette; i++)
		free(w->palette[i].attrs);
	for (int i = 0; i < w->nzones; i++)
		free(w->zones[i].attrs);
	for (int i = 0; i < w->nparcels; i++) {
		wf_parcel *p = &w->parcels[i];
		for (int j = 0; j < p->nentities; j++)
			free(p->entities[j].attrs);
		free(p->entities);
		free(p->attrs);
		free(p->tiles);
	}
	free(w->palette);
	free(w->zones);
	free(w->parcels);
	free(w->attrs);
	free(w->grid);
	free(w->names);
	wf_arena_free(w->arena);
	free(w);
}

/* ---- Deep copy ------------------------------------------------------------*/

static void *dup_array(const void *v, int n, size_t elem, bool *ok)
{
	if (!v || n <= 0)
		return NULL;
	void *p = malloc((size_t)n * elem);
	if (!p)
		*ok = false;
	else
		memcpy(p, v, (size_t)n * elem);
	return p;
}

static const char *cs(wf_world *c, const char *s, bool *ok)
{
	const char *r = wf_strdup(c, s);
	if (s && !r)
		*ok = false;
	return r;
}

static void clone_note(wf_world *c, wf_note *n, bool *ok)
{
	n->lead = cs(c, n->lead, ok);
	n->trail = cs(c, n->trail, ok);
}

static wf_attr *clone_attrs(wf_world *c, const wf_attr *a, int n, bool *ok)
{
	wf_attr *r = dup_array(a, n, sizeof *a, ok);
	for (int i = 0; r && i < n; i++) {
		r[i].key = cs(c, r[i].key, ok);
		r[i].value = cs(c, r[i].value, ok);
		clone_note(c, &r[i].note, ok);
	}
	return r;
}

static void clone_parcel(wf_world *c, const wf_world *w, wf_parcel *p, bool *ok)
{
	p->name = cs(c, p->name, ok);
	p->owner = cs(c, p->owner, ok);
	p->zone = cs(c, p->zone, ok);
	p->script = cs(c, p->script, ok);
	for (int s = 0; s < WF_PS_NSLOTS; s++)
		clone_note(c, &p->notes[s], ok);
	p->attrs = clone_attrs(c, p->attrs, p->nattrs, ok);
	if (p->tiles) {
		size_t n = (size_t)wf_parcel_tw(w, p) * (size_t)wf_parcel_th(w, p);
		uint8_t *t = malloc(n ? n : 1);
		if (t)
			memcpy(t, p->tiles, n);
		else
			*ok = false;
		p->tiles = t;
	}
	const wf_entity *src = p->entities;
	p->entities = dup_array(src, p->nentities, sizeof *src, ok);
	p->entities_cap = p->entities ? p->nentities : 0;
	for (int i = 0; p->entities && i < p->nentities; i++) {
		wf_entity *e = &p->entities[i];
		e->name = cs(c, e->name, ok);
		e->glyph = cs(c, e->glyph, ok);
		e->script = cs(c, e->script, ok);
		e->attrs = clone_attrs(c, e->attrs, e->nattrs, ok);
		clone_note(c, &e->note, ok);
	}
}

wf_world *wf_world_clone(const wf_world *w)
{
	wf_world *c = malloc(sizeof *c);
	if (!c)
		return NULL;
	*c = *w;
	c->arena = wf_arena_new();
	c->grid = NULL;
	c->names = NULL;
	c->names_mask = 0;
	c->palette = NULL;
	c->zones = NULL;
	c->parcels = NULL;
	c->attrs = NULL;
	c->npalette = c->nzones = c->nparcels = c->nattrs = 0;
	c->palette_cap = c->zones_cap = c->parcels_cap = 0;
	if (!c->arena) {
		free(c);
		return NULL;
	}
	bool ok = true;
	c->name = cs(c, w->name, &ok);
	c->events = cs(c, w->events, &ok);
	for (int s = 0; s < WF_WS_NSLOTS; s++)
		clone_note(c, &c->notes[s], &ok);
	c->attrs = clone_attrs(c, w->attrs, w->nattrs, &ok);
	c->nattrs = c->attrs ? w->nattrs : 0;

	c->palette = dup_array(w->palette, w->npalette, sizeof *w->palette, &ok);
	c->npalette = c->palette_cap = c->palette ? w->npalette : 0;
	for (int i = 0; i < c->npalette; i++) {
		wf_glyph *g = &c->palette[i];
		g->glyph = cs(c, g->glyph, &ok);
		g->name = cs(c, g->name, &ok);
		g->script = cs(c, g->script, &ok);
		g->attrs = clone_attrs(c, g->attrs, g->nattrs, &ok);
		clone_note(c, &g->note, &ok);
	}
	c->zones = dup_array(w->zones, w->nzones, sizeof *w->zones, &ok);
	c->nzones = c->zones_cap = c->zones ? w->nzones : 0;
	for (int i = 0; i < c->nzones; i++) {
		wf_zone *z = &c->zones[i];
		z->name = cs(c, z->name, &ok);
		z->attrs = clone_attrs(c, z->attrs, z->nattrs, &ok);
		clone_note(c, &z->note, &ok);
		clone_note(c, &z->end_note, &ok);
		clone_note(c, &z->allow_note, &ok);
		clone_note(c, &z->max_note, &ok);
	}
	c->parcels = dup_array(w->parcels, w->nparcels, sizeof *w->parcels, &ok);
	c->nparcels = c->parcels_cap = c->parcels ? w->nparcels : 0;
	for (int i = 0; i < c->nparcels; i++)
		clone_parcel(c, w, &c->parcels[i], &ok);
	if (!ok) {
		wf_world_free(c);
		return NULL;
	}
	return c;
}

/* ---- Queries ------------------------------------------------------------- */

bool wf_names_init(wf_names *t, const void *base, size_t stride, int n)
{
	uint32_t size = 16;
	while (size < (uint32_t)n * 2u && size < (1u << 30))
		size *= 2;
	t->slot = calloc(size, sizeof *t->slot);
	t->mask = t->slot ? size - 1 : 0;
	t->base = base;
	t->stride = stride;
	return t->slot != NULL;
}

static const char *name_at(const wf_names *t, int i)
{
	return *(const char *const *)(const void *)(t->base + (size_t)i * t->stride);
}

int wf_names_put(wf_names *t, int i)
{
	const char *name = name_at(t, i);
	if (!name || !t->slot)
		return i;
	uint32_t h = wf_hash(name) & t->mask;
	for (; t->slot[h]; h = (h + 1) & t->mask)
		if (strcmp(name_at(t, t->slot[h] - 1), name) == 0)
			return t->slot[h] - 1;
	t->slot[h] = i + 1;
	return i;
}

int wf_names_get(const wf_names *t, const char *name)
{
	if (!t->slot || !name)
		return -1;
	uint32_t h = wf_hash(name) & t->mask;
	for (; t->slot[h]; h = (h + 1) & t->mask)
		if (strcmp(name_at(t, t->slot[h] - 1), name) == 0)
			return t->slot[h] - 1;
	return -1;
}

void wf_names_free(wf_names *t)
{
	free(t->slot);
	t->slot = NULL;
}

/* The parcel name index of the world (see wf_world.names). A name that
 * an earlier parcel has is not inserted: with `dups`, such parcels are
 * listed there (*ndups -1 when the list could not grow). */
static int build_names(wf_world *w, wf_dup **dups, int *ndups)
{
	wf_names t;
	free(w->names);
	w->names = NULL;
	w->names_mask = 0;
	if (!wf_names_init(&t, w->nparcels ? &w->parcels[0].name : NULL,
	                   sizeof *w->parcels, w->nparcels))
		return -1;
	int cap = 0;
	for (int i = 0; i < w->nparcels; i++) {
		int first = wf_names_put(&t, i);
		if (first == i || !dups || *ndups < 0)
			continue;
		if (!wf_grow((void **)dups, &cap, *ndups, sizeof **dups)) {
			*ndups = -1;
			continue;
		}
		(*dups)[(*ndups)++] = (wf_dup){i, first};
	}
	w->names = t.slot;
	w->names_mask = t.mask;
	return 0;
}

/* Claims each parcel's cells in row-major order and stops a parcel at its
 * first cell that is already taken, so the work is bounded by the world's
 * area plus the number of parcels, whatever the parcels claim. */
static bool claim(wf_world *w, int i)
{
	const wf_parcel *p = &w->parcels[i];
	if (!p->name)
		return true; /* a hole an editor keeps (worldfmt.h): in no index */
	if (p->px < 0 || p->py < 0 || p->pw < 1 || p->ph < 1 ||
	    (int64_t)p->px + p->pw > w->width || (int64_t)p->py + p->ph > w->height)
		return false;
	for (int32_t y = p->py; y < p->py + p->ph; y++) {
		int32_t *row = &w->grid[(size_t)y * (size_t)w->width];
		for (int32_t x = p->px; x < p->px + p->pw; x++) {
			if (row[x] >= 0)
				return false;
			row[x] = i;
		}
	}
	return true;
}

int wf_world_index(wf_world *w)
{
	return wf_world_index_dups(w, NULL, NULL);
}

int wf_world_index_dups(wf_world *w, wf_dup **dups, int *ndups)
{
	int bad = 0;
	size_t cells = (size_t)(w->width > 0 ? w->width : 0) *
	               (size_t)(w->height > 0 ? w->height : 0);
	if (dups) {
		*dups = NULL;
		*ndups = 0;
	}
	free(w->grid);
	w->grid = malloc((cells ? cells : 1) * sizeof *w->grid);
	if (dups && !w->grid)
		*ndups = -1;
	if (!w->grid || build_names(w, dups, ndups) < 0) {
		if (dups && *ndups >= 0) {
			free(*dups);
			*dups = NULL;
			*ndups = -1;
		}
		/* Out of memory: no grid at all, never one left unfilled. */
		free(w->grid);
		w->grid = NULL;
		return -1;
	}
	for (size_t i = 0; i < cells; i++)
		w->grid[i] = -1;
	for (int i = 0; i < w->nparcels; i++)
		if (!claim(w, i))
			bad = 1;
	return bad ? -1 : 0;
}

static bool in_world(const wf_world *w, const wf_parcel *p)
{
	return p->px >= 0 && p->py >= 0 && p->pw >= 1 && p->ph >= 1 &&
	       (int64_t)p->px + p->pw <= w->width && (int64_t)p->py + p->ph <= w->height;
}

/* The slot of w->names holding parcel i, or -1. */
static int64_t name_slot(const wf_world *w, int i)
{
	const char *name = w->parcels[i].name;
	if (!w->names || !name)
		return -1;
	uint32_t h = wf_hash(name) & w->names_mask;
	for (; w->names[h]; h = (h + 1) & w->names_mask)
		if (w->names[h] == i + 1)
			return h;
	return -1;
}

void wf_index_drop(wf_world *w, int i)
{
	const wf_parcel *p = &w->parcels[i];
	if (w->grid && in_world(w, p))
		for (int32_t y = p->py; y < p->py + p->ph; y++) {
			int32_t *row = &w->grid[(size_t)y * (size_t)w->width];
			for (int32_t x = p->px; x < p->px + p->pw; x++)
				if (row[x] == i)
					row[x] = -1;
		}
	int64_t at = name_slot(w, i);
	if (at < 0)
		return;
	/* Linear probing: empty the slot, then move back each later entry of
	 * the run that the hole would cut off from its home slot. */
	uint32_t mask = w->names_mask, hole = (uint32_t)at;
	w->names[hole] = 0;
	for (uint32_t k = (hole + 1) & mask; w->names[k]; k = (k + 1) & mask) {
		uint32_t home = wf_hash(w->parcels[w->names[k] - 1].name) & mask;
		if (((k - home) & mask) >= ((k - hole) & mask)) {
			w->names[hole] = w->names[k];
			w->names[k] = 0;
			hole = k;
		}
	}
}

bool wf_index_add(wf_world *w, int i)
{
	const wf_parcel *p = &w->parcels[i];
	if (!w->grid || !w->names || !p->name || !in_world(w, p) ||
	    (uint64_t)w->nparcels * 4 > ((uint64_t)w->names_mask + 1) * 3)
		return false;
	for (int32_t y = p->py; y < p->py + p->ph; y++) {
		const int32_t *row = &w->grid[(size_t)y * (size_t)w->width];
		for (int32_t x = p->px; x < p->px + p->pw; x++)
			if (row[x] >= 0)
				return false;
	}
	uint32_t h = wf_hash(p->name) & w->names_mask;
	for (; w->names[h]; h = (h + 1) & w->names_mask)
		if (strcmp(w->parcels[w->names[h] - 1].name, p->name) == 0)
			return false;
	w->names[h] = i + 1;
	for (int32_t y = p->py; y < p->py + p->ph; y++) {
		int32_t *row = &w->grid[(size_t)y * (size_t)w->width];
		for (int32_t x = p->px; x < p->px + p->pw; x++)
			row[x] = i;
	}
	return true;
}

bool wf_index_exact(const wf_world *w)
{
	if (!w->grid || !w->names)
		return false;
	size_t cells = (size_t)w->width * (size_t)w->height, claimed = 0, named = 0;
	for (int i = 0; i < w->nparcels; i++) {
		const wf_parcel *p = &w->parcels[i];
		if (!p->name)
			continue; /* a hole an editor keeps: in no index */
		named++;
		if (!in_world(w, p) || name_slot(w, i) < 0)
			return false;
		for (int32_t y = p->py; y < p->py + p->ph; y++) {
			const int32_t *row = &w->grid[(size_t)y * (size_t)w->width];
			for (int32_t x = p->px; x < p->px + p->pw; x++)
				if (row[x] != i)
					return false;
		}
		claimed += (size_t)p->pw * (size_t)p->ph;
	}
	/* Every cell left is free; the name table holds nothing else. */
	size_t free_cells = 0, names = 0;
	for (size_t k = 0; k < cells; k++)
		free_cells += w->grid[k] < 0;
	for (size_t k = 0; k <= w->names_mask; k++)
		names += w->names[k] != 0;
	return claimed + free_cells == cells && names == named;
}

int wf_parcel_at(wf_world *w, int32_t tx, int32_t ty)
{
	if (!w->grid && wf_world_index(w) < 0 && !w->grid)
		return -1;
	if (tx < 0 || ty < 0 || w->parcel_w <= 0 || w->parcel_h <= 0)
		return -1;
	int32_t x = tx / w->parcel_w, y = ty / w->parcel_h;
	if (x >= w->width || y >= w->height)
		return -1;
	return w->grid[(size_t)y * w->width + x];
}

int wf_find_parcel(const wf_world *w, const char *name)
{
	/* The index may be stale after edits: check every slot before use;
	 * a miss falls back to the scan. */
	if (w->names) {
		uint32_t h = wf_hash(name) & w->names_mask;
		for (; w->names[h]; h = (h + 1) & w->names_mask) {
			int i = w->names[h] - 1;
			if (i < w->nparcels && w->parcels[i].name &&
			    strcmp(w->parcels[i].name, name) == 0)
				return i;
		}
	}
	for (int i = 0; i < w->nparcels; i++)
		if (w->parcels[i].name && strcmp(w->parcels[i].name, name) == 0)
			return i;
	return -1;
}

int wf_find_zone(const wf_world *w, const char *name)
{
	for (int i = 0; i < w->nzones; i++)
		if (w->zones[i].name && strcmp(w->zones[i].name, name) == 0)
			return i;
	return -1;
}

int wf_find_glyph(const wf_world *w, const char *glyph)
{
	for (int i = 0; i < w->npalette; i++)
		if (w->palette[i].glyph && strcmp(w->palette[i].glyph, glyph) == 0)
			return i;
	return -1;
}

int wf_parcel_caps(const wf_world *w, const wf_parcel *p)
{
	if (!p->zone)
		return WF_CAP_ALL;
	int z = p->zone_index >= 0 && p->zone_index < w->nzones &&
	                strcmp(w->zones[p->zone_index].name, p->zone) == 0
	            ? p->zone_index
	            : wf_find_zone(w, p->zone);
	return z >= 0 ? w->zones[z].caps : 0;
}

wf_budget wf_parcel_budget(const wf_world *w, const wf_parcel *p)
{
	int64_t area = (int64_t)(p->pw > 0 ? p->pw : 0) * (p->ph > 0 ? p->ph : 0);
	wf_budget b = w->unit_budget;
	if (p->zone) {
		int z = p->zone_index >= 0 && p->zone_index < w->nzones &&
		                strcmp(w->zones[p->zone_index].name, p->zone) == 0
		            ? p->zone_index
		            : wf_find_zone(w, p->zone);
		if (z >= 0 && w->zones[z].max_entities >= 0 &&
		    w->zones[z].max_entities < b.entities)
			b.entities = w->zones[z].max_entities;
	}
	b.entities *= area;
	b.instructions *= area;
	b.memory *= area;
	return b;
}

static const char *const cap_names[] = {"scripts", "tiles", "entities", "messages",
                                        "economy"};

const char *wf_cap_name(int cap)
{
	for (int i = 0; i < 5; i++)
		if (cap == 1 << i)
			return cap_names[i];
	return NULL;
}

int wf_cap_parse(const char *name)
{
	for (int i = 0; i < 5; i++)
		if (strcmp(name, cap_names[i]) == 0)
			return 1 << i;
	return 0;
}

/* ---- UTF-8 and names ------------------------------------------------------ */

int wf_utf8_len(const unsigned char *s, size_t n)
{
	if (n == 0)
		return 0;
	unsigned c = s[0];
	if (c < 0x80)
		return 1;
	int len;
	unsigned cp, min;
	if (c >= 0xc2 && c <= 0xdf)
		len = 2, cp = c & 0x1f, min = 0x80;
	else if (c >= 0xe0 && c <= 0xef)
		len = 3, cp = c & 0x0f, min = 0x800;
	else if (c >= 0xf0 && c <= 0xf4)
		len = 4, cp = c & 0x07, min = 0x10000;
	else
		return 0;
	if ((size_t)len > n)
		return 0;
	for (int i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

bool wf_size_parse(const char *s, size_t n, uint64_t max, uint64_t *out)
{
	static const struct {
		const char *suf;
		int shift;
	} units[] = {{"", 0},   {"B", 0},   {"K", 10},  {"KB", 10},  {"KiB", 10}, {"M", 20},
	             {"MB", 20}, {"MiB", 20}, {"G", 30}, {"GB", 30}, {"GiB", 30}};
	size_t digits = 0;
	uint64_t v = 0;
	for (; digits < n && s[digits] >= '0' && s[digits] <= '9'; digits++) {
		unsigned dv = (unsigned)(s[digits] - '0');
		if (v > (UINT64_MAX - dv) / 10)
			return false;
		v = v * 10 + dv;
	}
	if (digits == 0)
		return false;
	size_t rest = n - digits;
	for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
		if (strlen(units[i].suf) != rest ||
		    strncasecmp(s + digits, units[i].suf, rest) != 0)
			continue;
		/* Compare before shifting: the product must not wrap. */
		if (v > (max >> units[i].shift))
			return false;
		*out = v << units[i].shift;
		return true;
	}
	return false;
}

bool wf_utf8_valid(const char *s, size_t n)
{
	for (size_t i = 0; i < n;) {
		int k = wf_utf8_len((const unsigned char *)s + i, n - i);
		if (!k)
			return false;
		i += (size_t)k;
	}
	return true;
}

/* The bytes of a name: a table, as every name of a world is checked. */
const bool wf_name_byte[256] = {
    ['a' ... 'z'] = true, ['A' ... 'Z'] = true, ['0' ... '9'] = true,
    ['_'] = true,         ['-'] = true,         ['.'] = true,
};

bool wf_name_ok(const char *s, size_t n)
{
	if (!s || !wf_name_ends_ok(s, n))
		return false;
	bool ok = true;
	for (size_t i = 0; i < n; i++)
		ok &= wf_name_byte[(unsigned char)s[i]];
	return ok;
}

int wf_glyph_ok(const char *s)
{
	size_t n = strlen(s);
	int len = wf_utf8_len((const unsigned char *)s, n);
	if (len == 0 || (size_t)len != n)
		return 0;
	unsigned char c = (unsigned char)s[0];
	if (c <= 0x20 || c == 0x7f || c == '"')
		return 0;
	/* C1 controls U+0080..U+009F are encoded 0xc2 0x80..0x9f. */
	if (c == 0xc2 && (unsigned char)s[1] < 0xa0)
		return 0;
	return len;
}

/* ASCII bytes that text may not hold: controls but newline and tab. */
/* ASCII that text may hold: printable, tab and newline. */
static const bool text_plain[256] = {
    ['\t'] = true,
    ['\n'] = true,
    [' ' ... '~'] = true,
};

bool wf_text_ok(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	for (;;) {
		while (text_plain[*p])
			p++;
		if (!*p)
			return true;
		if (*p < 0x80)
			return false; /* a control character or DEL */
		int len = wf_utf8_len(p, strlen((const char *)p));
		if (!len)
			return false;
		p += len;
	}
}
