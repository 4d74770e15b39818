/* model.c — the editing model: cursor, viewport and the edits with undo.
 *
 * Undo is a linear history of steps. Every change is kept in a form that is
 * its own inverse, so undo and redo are the same operation run in opposite
 * orders over a step:
 *   - CH_TILES holds (offset, old, new) triples for one parcel;
 *   - CH_SWAP holds "the other version" of one parcel: applying it swaps
 *     that copy with the world's parcel (properties, moves, resizes, entity
 *     edits);
 *   - CH_INSERT / CH_REMOVE move a whole parcel between the world's array and
 *     the change (create, delete): a parcel removed from the middle of the
 *     array leaves a hole there (see "Holes" below), so no other parcel moves;
 *   - CH_GLYPH / CH_ZONE hold the other version of one palette entry or
 *     zone (swapped like CH_SWAP); CH_GLYPH_ADD / CH_ZONE_ADD an entry
 *     appended at the end (undo drops the count, redo raises it again);
 *   - CH_HEADER holds the other version of the world's header (swapped);
 *   - CH_MARK holds a value outside the world (a merge conflict settled on
 *     purpose) before and after, handed to m->on_mark at undo and redo.
 * Invariant: every tiles or entities array is owned by exactly one holder —
 * the world or one change — so freeing the history never double-frees.
 * Invariant: the world's grid (w->grid) is up to date after every call.
 *
 * Holes. The world's parcel array of a million parcels is 300 MB: shifting
 * it to delete one (or to put one back) cost a key 50 ms, and up to 400 ms
 * while a save's child shared its pages copy-on-write. So a parcel removed
 * from anywhere but the end leaves its slot empty (all zero, no name), and
 * putting it back fills that slot: no other parcel moves, every index into
 * the array (the grid, the name table, the history's changes) stays valid,
 * and a delete or its undo costs the parcel's size. Each hole belongs to
 * the applied step that made it (undo fills it), so holes never pile up
 * beyond the deletes in the history. A hole is in no index and found by no
 * name; whatever reads the whole world (writing, validating, diffing,
 * playing) gets it without holes from ed_world_dense.
 */
#include "editor/editor.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum ch_kind {
	CH_TILES,
	CH_SWAP,
	CH_INSERT,
	CH_REMOVE,
	CH_GLYPH,
	CH_ZONE,
	CH_GLYPH_ADD,
	CH_ZONE_ADD,
	CH_HEADER,
	CH_MARK
};

/* The world header as a step holds it (parcel-size is never changed:
 * every parcel's tiles would change shape with it). */
typedef struct header {
	const char *name, *events;
	int format;
	uint64_t seed;
	int32_t width, height;
	wf_budget unit_budget;
	wf_attr *attrs; /* owned by whichever holds it, the world or the change */
	int nattrs;
} header;

struct ed_change {
	enum ch_kind kind;
	int pi;
	/* CH_TILES */
	uint32_t *off;
	uint8_t *was, *now;
	int n, cap;
	bool made_tiles; /* the parcel had no tiles before (tiles == NULL) */
	/* CH_SWAP, CH_INSERT, CH_REMOVE: valid when `held` */
	wf_parcel other;
	bool held;
	/* CH_GLYPH, CH_ZONE: the other version (strings in the world's arena,
	 * attrs shared: an edit never changes them) */
	wf_glyph glyph;
	wf_zone zone;
	/* CH_HEADER: the other version; CH_MARK: key (in pi), was, now */
	header hdr;
	int was_mark, now_mark;
};

const char *ed_mode_name(ed_mode m)
{
	static const char *const names[] = {"NORMAL", "PAINT", "SELECT", "LINE", "PLAY"};
	return (unsigned)m < sizeof names / sizeof *names ? names[m] : "?";
}

static int fail(ed_model *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(ed_model *m, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(m->err, sizeof m->err, fmt, ap);
	va_end(ap);
	return -1;
}

/* ---- Parcel copies ------------------------------------------------------- */

static size_t parcel_ntiles(const wf_world *w, const wf_parcel *p)
{
	return (size_t)wf_parcel_tw(w, p) * (size_t)wf_parcel_th(w, p);
}

static wf_attr *attrs_dup(const wf_attr *a, int n, bool *ok)
{
	if (!a || n <= 0)
		return NULL;
	wf_attr *r = malloc((size_t)n * sizeof *r);
	if (!r)
		*ok = false;
	else
		memcpy(r, a, (size_t)n * sizeof *r);
	return r;
}

/* A copy of p whose malloc'd arrays (tiles, entities, attributes) are its
 * own; strings stay in the world's arena, which lives as long as the world.
 * NULL arrays stay NULL. */
static void parcel_release(wf_parcel *p);
static int parcel_dup(const wf_world *w, const wf_parcel *p, wf_parcel *out)
{
	bool ok = true;
	*out = *p;
	out->tiles = NULL;
	out->entities = NULL;
	out->entities_cap = p->nentities;
	out->attrs = attrs_dup(p->attrs, p->nattrs, &ok);
	if (p->tiles) {
		size_t n = parcel_ntiles(w, p);
		if ((out->tiles = malloc(n ? n : 1)))
			memcpy(out->tiles, p->tiles, n);
		else
			ok = false;
	}
	if (p->nentities > 0) {
		out->entities = malloc((size_t)p->nentities * sizeof *p->entities);
		if (out->entities) {
			memcpy(out->entities, p->entities,
			       (size_t)p->nentities * sizeof *p->entities);
			for (int i = 0; i < p->nentities; i++)
				out->entities[i].attrs = attrs_dup(
				    p->entities[i].attrs, p->entities[i].nattrs, &ok);
		} else {
			out->nentities = 0;
			ok = false;
		}
	}
	if (!ok)
		parcel_release(out);
	return ok ? 0 : -1;
}

static void parcel_release(wf_parcel *p)
{
	for (int i = 0; p->entities && i < p->nentities; i++)
		free(p->entities[i].attrs);
	free(p->entities);
	free(p->attrs);
	free(p->tiles);
	p->tiles = NULL;
	p->entities = NULL;
	p->attrs = NULL;
}

static void change_free(ed_change *c)
{
	free(c->off);
	free(c->was);
	free(c->now);
	if (c->held)
		parcel_release(&c->other);
	if (c->kind == CH_HEADER)
		free(c->hdr.attrs);
}

static void step_free(ed_step *s)
{
	for (int i = 0; i < s->n; i++)
		change_free(&s->v[i]);
	free(s->v);
	memset(s, 0, sizeof *s);
}

/* ---- Life cycle ---------------------------------------------------------- */

/* ---- The index ------------------------------------------------------------
 * A shape edit takes each parcel it changes out of the world's index before
 * the change and puts it back after (index_drop, index_add), so it costs the
 * parcel's size, not the world's; index_settle rebuilds only when that could
 * not be done exactly. */

static void index_rebuild(ed_model *m)
{
	wf_world_index(m->w);
	m->index_state = wf_index_exact(m->w) ? 1 : -1;
}

static void index_drop(ed_model *m, int pi)
{
	if (m->index_state > 0)
		wf_index_drop(m->w, pi);
}

static void index_add(ed_model *m, int pi)
{
	if (m->index_state > 0 && !wf_index_add(m->w, pi))
		m->index_state = 0;
}

/* Before a shape edit: whether the index built elsewhere may be kept one
 * parcel at a time (0 here means not known yet). */
static void index_begin(ed_model *m)
{
	if (m->index_state == 0)
		m->index_state = m->w->grid && wf_index_exact(m->w) ? 1 : -1;
}

static void index_settle(ed_model *m)
{
	if (m->index_state <= 0)
		index_rebuild(m);
}

void ed_model_init_indexed(ed_model *m, wf_world *w, bool exact)
{
	ed_model_init(m, w);
	if (m->index_state == 0)
		m->index_state = exact ? 1 : -1;
}

void ed_model_init(ed_model *m, wf_world *w)
{
	memset(m, 0, sizeof *m);
	m->w = w;
	m->vw = 80;
	m->vh = 24;
	m->saved_pos = 0;
	m->group = -1;
	/* A world handed over with its index built (load.c builds it on the
	 * thread that reads a big world) keeps it; whether it may be kept one
	 * parcel at a time is found on the first shape edit, unless the
	 * builder said (ed_model_init_indexed). */
	if (!w->grid)
		index_rebuild(m);
	if (w->nparcels > 0) {
		m->cx = w->parcels[0].px * w->parcel_w;
		m->cy = w->parcels[0].py * w->parcel_h;
	}
	ed_goto(m, m->cx, m->cy);
}

void ed_model_free(ed_model *m)
{
	for (int i = 0; i < m->nsteps; i++)
		step_free(&m->steps[i]);
	free(m->steps);
	free(m->clip.tiles);
	wf_world_free(m->w);
	memset(m, 0, sizeof *m);
}

int32_t ed_world_tw(const ed_model *m)
{
	return m->w->width * m->w->parcel_w;
}

int32_t ed_world_th(const ed_model *m)
{
	return m->w->height * m->w->parcel_h;
}

bool ed_dirty(const ed_model *m)
{
	return m->pos != m->saved_pos;
}

void ed_mark_saved(ed_model *m)
{
	m->saved_pos = m->pos;
}

void ed_save_begin(ed_model *m)
{
	m->save_pos = m->pos;
	m->save_open = true;
}

void ed_save_end(ed_model *m, bool ok)
{
	if (ok && m->save_open)
		m->saved_pos = m->save_pos;
	m->save_open = false;
}

/* ---- Moving -------------------------------------------------------------- */

static int32_t clamp(int32_t v, int32_t lo, int32_t hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

void ed_follow(ed_model *m)
{
	int32_t tw = ed_world_tw(m), th = ed_world_th(m);
	if (m->vw < 1)
		m->vw = 1;
	if (m->vh < 1)
		m->vh = 1;
	if (m->cx < m->vx)
		m->vx = m->cx;
	if (m->cx >= m->vx + m->vw)
		m->vx = m->cx - m->vw + 1;
	if (m->cy < m->vy)
		m->vy = m->cy;
	if (m->cy >= m->vy + m->vh)
		m->vy = m->cy - m->vh + 1;
	m->vx = clamp(m->vx, 0, tw > m->vw ? tw - m->vw : 0);
	m->vy = clamp(m->vy, 0, th > m->vh ? th - m->vh : 0);
}

void ed_goto(ed_model *m, int32_t tx, int32_t ty)
{
	m->cx = clamp(tx, 0, ed_world_tw(m) - 1);
	m->cy = clamp(ty, 0, ed_world_th(m) - 1);
	ed_follow(m);
}

void ed_move(ed_model *m, int32_t dx, int32_t dy)
{
	/* 64-bit sums: a huge count typed before a move must not overflow. */
	int64_t x = (int64_t)m->cx + dx, y = (int64_t)m->cy + dy;
	ed_goto(m,
	        (int32_t)(x < 0           ? 0
	                  : x > INT32_MAX ? INT32_MAX
	                                  : x),
	        (int32_t)(y < 0           ? 0
	                  : y > INT32_MAX ? INT32_MAX
	                                  : y));
}

void ed_scroll(ed_model *m, int32_t dx, int32_t dy)
{
	int32_t tw = ed_world_tw(m), th = ed_world_th(m);
	m->vx = clamp(m->vx + dx, 0, tw > m->vw ? tw - m->vw : 0);
	m->vy = clamp(m->vy + dy, 0, th > m->vh ? th - m->vh : 0);
	m->cx = clamp(m->cx, m->vx, m->vx + m->vw - 1);
	m->cy = clamp(m->cy, m->vy, m->vy + m->vh - 1);
	ed_goto(m, m->cx, m->cy);
}

int ed_goto_parcel(ed_model *m, const char *name)
{
	int pi = wf_find_parcel(m->w, name);
	if (pi < 0) {
		const char *near = wf_suggest(name, m->w->nparcels ? &m->w->parcels[0].name : NULL,
		                              sizeof *m->w->parcels, m->w->nparcels);
		if (near)
			return fail(m, "no parcel named '%s'; did you mean '%s'?", name, near);
		return fail(m, "no parcel named '%s'", name);
	}
	const wf_parcel *p = &m->w->parcels[pi];
	ed_goto(m, p->px * m->w->parcel_w, p->py * m->w->parcel_h);
	return 0;
}

/* Positions in reading order; the best after the cursor in the search's
 * direction, and the first in that direction from the world's edge for
 * wrapping. */
typedef struct hunt {
	int64_t cur, after, wrap;
	int dir;
	char after_what[160], wrap_what[160];
} hunt;

static bool hunt_better(int64_t a, int64_t b, int dir)
{
	return b < 0 || (dir > 0 ? a < b : a > b);
}

/* Offer a match at position pos; returns true when it landed after the
 * cursor (a caller walking in the search's direction may stop then). */
static bool hunt_offer(hunt *h, int64_t pos, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static bool hunt_offer(hunt *h, int64_t pos, const char *fmt, ...)
{
	bool ahead = h->dir > 0 ? pos > h->cur : pos < h->cur;
	int64_t *best = ahead ? &h->after : &h->wrap;
	if (!hunt_better(pos, *best, h->dir))
		return ahead;
	*best = pos;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(ahead ? h->after_what : h->wrap_what, sizeof h->after_what, fmt, ap);
	va_end(ap);
	return ahead;
}

/* The tiles of parcel p showing palette entry g, walked in the search's
 * direction: the first one after the cursor ends the walk. */
static void hunt_tiles(hunt *h, const wf_world *w, const wf_parcel *p, int g)
{
	int32_t ptw = wf_parcel_tw(w, p), pth = wf_parcel_th(w, p);
	int64_t tw = (int64_t)w->width * w->parcel_w;
	int64_t n = (int64_t)ptw * pth;
	for (int64_t k = 0; k < n; k++) {
		int64_t i = h->dir > 0 ? k : n - 1 - k;
		if ((p->tiles ? p->tiles[i] : 0) != g)
			continue;
		int64_t x = p->px * w->parcel_w + i % ptw,
		        y = p->py * w->parcel_h + i / ptw;
		if (hunt_offer(h, y * tw + x, "%s in parcel %s",
		               w->palette[g].name ? w->palette[g].name
		                                  : w->palette[g].glyph,
		               p->name))
			return;
	}
}

int ed_search(ed_model *m, const char *q, int dir, char *what, size_t whatlen)
{
	const wf_world *w = m->w;
	if (!q || !*q)
		return fail(m, "nothing to search for (/ starts a search)");
	int64_t tw = ed_world_tw(m);
	hunt h = {
	    .cur = (int64_t)m->cy * tw + m->cx, .after = -1, .wrap = -1, .dir = dir};
	int g = wf_find_glyph(w, q);
	for (int i = 0; g < 0 && i < w->npalette; i++)
		if (w->palette[i].name && strcasecmp(w->palette[i].name, q) == 0)
			g = i;
	for (int pi = 0; pi < w->nparcels; pi++) {
		const wf_parcel *p = &w->parcels[pi];
		int64_t ox = p->px * w->parcel_w, oy = p->py * w->parcel_h;
		if (!p->name)
			continue; /* a hole */
		if (strcasestr(p->name, q))
			hunt_offer(&h, oy * tw + ox, "parcel %s", p->name);
		else if (p->owner && strcasestr(p->owner, q))
			hunt_offer(&h, oy * tw + ox, "parcel %s, owner %s", p->name,
			           p->owner);
		for (int ei = 0; ei < p->nentities; ei++) {
			const wf_entity *e = &p->entities[ei];
			if (strcasestr(e->name, q))
				hunt_offer(&h, (oy + e->y) * tw + ox + e->x,
				           "entity %s in parcel %s", e->name, p->name);
		}
		if (g >= 0)
			hunt_tiles(&h, w, p, g);
	}
	int64_t pos = h.after >= 0 ? h.after : h.wrap;
	if (pos < 0)
		return fail(m, "no match for '%s'", q);
	snprintf(what, whatlen, "%s%s", h.after >= 0 ? "" : "(wrapped) ",
	         h.after >= 0 ? h.after_what : h.wrap_what);
	ed_goto(m, (int32_t)(pos % tw), (int32_t)(pos / tw));
	return 0;
}

int ed_parcel_here(ed_model *m)
{
	return wf_parcel_at(m->w, m->cx, m->cy);
}

/* Offset of world tile (tx, ty) inside parcel p. */
static uint32_t tile_off(const wf_world *w, const wf_parcel *p, int32_t tx, int32_t ty)
{
	int32_t x = tx - p->px * w->parcel_w, y = ty - p->py * w->parcel_h;
	return (uint32_t)y * (uint32_t)wf_parcel_tw(w, p) + (uint32_t)x;
}

int ed_tile(ed_model *m, int32_t tx, int32_t ty)
{
	int pi = wf_parcel_at(m->w, tx, ty);
	if (pi < 0)
		return -1;
	const wf_parcel *p = &m->w->parcels[pi];
	return p->tiles ? p->tiles[tile_off(m->w, p, tx, ty)] : 0;
}

/* ---- Recording ----------------------------------------------------------- */

/* Start a new step: anything that could be redone is dropped first. */
static ed_step *step_begin(ed_model *m, const char *what)
{
	while (m->nsteps > m->pos)
		step_free(&m->steps[--m->nsteps]);
	if (m->saved_pos > m->pos)
		m->saved_pos = -1; /* the saved state can no longer be reached */
	if (m->save_pos > m->pos)
		m->save_pos = -1; /* nor the one a save under way writes */
	if (m->nsteps == m->capsteps) {
		int cap = m->capsteps ? 2 * m->capsteps : 64;
		ed_step *v = realloc(m->steps, (size_t)cap * sizeof *v);
		if (!v)
			return NULL;
		m->steps = v;
		m->capsteps = cap;
	}
	ed_step *s = &m->steps[m->nsteps];
	memset(s, 0, sizeof *s);
	s->what = what;
	return s;
}

/* Whether a step changes tiles alone (no parcel, entity, property, palette
 * entry or zone), which leaves the world's index and scripts as they were. */
static bool tiles_only(const ed_step *s)
{
	for (int i = 0; i < s->n; i++)
		if (s->v[i].kind != CH_TILES && s->v[i].kind != CH_MARK)
			return false;
	return true;
}

/* Make the step begun by step_begin part of history (or drop it if empty). */
static void step_commit(ed_model *m, ed_step *s)
{
	if (s->n == 0) {
		step_free(s);
		return;
	}
	m->nsteps++;
	m->pos = m->nsteps;
	m->generation++;
	if (!tiles_only(s))
		m->shape_gen++;
}

static ed_change *step_add(ed_step *s, enum ch_kind kind, int pi)
{
	if (s->n == s->cap) {
		int cap = s->cap ? 2 * s->cap : 4;
		ed_change *v = realloc(s->v, (size_t)cap * sizeof *v);
		if (!v)
			return NULL;
		s->v = v;
		s->cap = cap;
	}
	ed_change *c = &s->v[s->n++];
	memset(c, 0, sizeof *c);
	c->kind = kind;
	c->pi = pi;
	return c;
}

/* Set one tile, recording it in the step's tile change for that parcel. */
static int set_tile(ed_model *m, ed_step *s, int pi, int32_t tx, int32_t ty, int g)
{
	wf_parcel *p = &m->w->parcels[pi];
	/* Only the step's last change is reused: a parcel met again later gets
	 * a second tile change, which undoes correctly (changes are undone in
	 * reverse order) and keeps recording linear in the tiles set. */
	ed_change *c = s->n > 0 ? &s->v[s->n - 1] : NULL;
	if (c && (c->kind != CH_TILES || c->pi != pi))
		c = NULL;
	if (!c) {
		if (!(c = step_add(s, CH_TILES, pi)))
			return fail(m, "out of memory");
		if (!p->tiles) {
			if (!(p->tiles = calloc(parcel_ntiles(m->w, p), 1)))
				return fail(m, "out of memory");
			c->made_tiles = true;
		}
	}
	uint32_t off = tile_off(m->w, p, tx, ty);
	if (p->tiles[off] == g)
		return 0;
	if (c->n == c->cap) {
		int cap = c->cap ? 2 * c->cap : 16;
		uint32_t *o = realloc(c->off, (size_t)cap * sizeof *o);
		if (o)
			c->off = o;
		uint8_t *a = realloc(c->was, (size_t)cap),
		        *b = a ? realloc(c->now, (size_t)cap) : NULL;
		if (a)
			c->was = a;
		if (b)
			c->now = b;
		if (!o || !a || !b)
			return fail(m, "out of memory");
		c->cap = cap;
	}
	c->off[c->n] = off;
	c->was[c->n] = p->tiles[off];
	c->now[c->n] = (uint8_t)g;
	c->n++;
	p->tiles[off] = (uint8_t)g;
	return 0;
}

/* Record the current version of parcel pi before changing it in place. */
static int save_parcel(ed_model *m, ed_step *s, int pi)
{
	ed_change *c = step_add(s, CH_SWAP, pi);
	if (!c || parcel_dup(m->w, &m->w->parcels[pi], &c->other)) {
		if (c)
			s->n--;
		return fail(m, "out of memory");
	}
	c->held = true;
	return 0;
}

static int parcels_reserve(wf_world *w)
{
	if (w->nparcels < w->parcels_cap)
		return 0;
	int cap = w->parcels_cap ? 2 * w->parcels_cap : 16;
	wf_parcel *v = realloc(w->parcels, (size_t)cap * sizeof *v);
	if (!v)
		return -1;
	w->parcels = v;
	w->parcels_cap = cap;
	return 0;
}

/* Put parcel p at slot pi: the end of the array (room was reserved), or
 * the hole that removing it left. */
static void parcel_insert(ed_model *m, int pi, wf_parcel *p)
{
	wf_world *w = m->w;
	if (pi == w->nparcels) {
		w->nparcels++;
	} else {
		if (w->parcels[pi].name) /* broken invariant: a slot taken twice */
			abort();
		m->holes--;
	}
	w->parcels[pi] = *p;
}

/* Take parcel pi out: the last slot goes, any other is left a hole. Undo
 * runs the inverse on the array exactly as this left it, so a slot that
 * was last when removed is appended again and a hole is filled again. */
static void parcel_remove(ed_model *m, int pi, wf_parcel *out)
{
	wf_world *w = m->w;
	*out = w->parcels[pi];
	if (pi == w->nparcels - 1) {
		w->nparcels--;
	} else {
		memset(&w->parcels[pi], 0, sizeof w->parcels[pi]);
		w->parcels[pi].zone_index = -1;
		m->holes++;
	}
}

int ed_holes(const ed_model *m)
{
	return m->holes;
}

wf_world *ed_world_dense(const ed_model *m)
{
	const wf_world *w = m->w;
	if (m->holes == 0)
		return m->w;
	wf_world *d = malloc(sizeof *d);
	int n = w->nparcels - m->holes;
	wf_parcel *v = malloc((size_t)(n > 0 ? n : 1) * sizeof *v);
	if (!d || !v) {
		free(d);
		free(v);
		return NULL;
	}
	*d = *w;
	d->grid = NULL;
	d->names = NULL;
	d->names_mask = 0;
	d->parcels = v;
	d->nparcels = d->parcels_cap = 0;
	for (int i = 0; i < w->nparcels; i++)
		if (w->parcels[i].name)
			v[d->nparcels++] = w->parcels[i];
	d->parcels_cap = d->nparcels;
	return d;
}

void ed_world_dense_free(const ed_model *m, wf_world *d)
{
	if (!d || d == m->w)
		return;
	/* The parcels' arrays and the arena are the model's; only the list
	 * and an index a reader built on it are the copy's own. */
	free(d->parcels);
	free(d->grid);
	free(d->names);
	free(d);
}

/* ---- Undo ---------------------------------------------------------------- */

static void header_swap(ed_model *m, header *h)
{
	wf_world *w = m->w;
	header t = {w->name,   w->events,      w->format, w->seed,  w->width,
	            w->height, w->unit_budget, w->attrs,  w->nattrs};
	bool resized = w->width != h->width || w->height != h->height;
	w->name = h->name;
	w->events = h->events;
	w->format = h->format;
	w->seed = h->seed;
	w->width = h->width;
	w->height = h->height;
	w->unit_budget = h->unit_budget;
	w->attrs = h->attrs;
	w->nattrs = h->nattrs;
	*h = t;
	if (resized) {
		m->index_state = 0; /* the grid has the world's size: rebuilt */
		ed_goto(m, m->cx, m->cy);
	}
}

static void change_apply(ed_model *m, ed_change *c, bool undo)
{
	wf_world *w = m->w;
	wf_parcel *p = c->kind <= CH_REMOVE ? &w->parcels[c->pi] : NULL;
	wf_parcel tmp;
	wf_glyph gt;
	wf_zone zt;
	switch (c->kind) {
	case CH_GLYPH:
		gt = w->palette[c->pi];
		w->palette[c->pi] = c->glyph;
		c->glyph = gt;
		break;
	case CH_ZONE:
		zt = w->zones[c->pi];
		w->zones[c->pi] = c->zone;
		c->zone = zt;
		break;
	case CH_GLYPH_ADD:
		w->npalette += undo ? -1 : 1;
		break;
	case CH_ZONE_ADD:
		w->nzones += undo ? -1 : 1;
		break;
	case CH_HEADER:
		header_swap(m, &c->hdr);
		break;
	case CH_MARK:
		if (m->on_mark)
			m->on_mark(m->mark_arg, c->pi, undo ? c->was_mark : c->now_mark);
		break;
	case CH_TILES:
		if (undo) {
			for (int i = c->n - 1; i >= 0; i--)
				p->tiles[c->off[i]] = c->was[i];
			if (c->made_tiles) {
				free(p->tiles);
				p->tiles = NULL;
			}
		} else {
			/* Redo: a parcel that had no layout gets a blank one again. */
			if (c->made_tiles)
				p->tiles = calloc(parcel_ntiles(w, p), 1);
			for (int i = 0; p->tiles && i < c->n; i++)
				p->tiles[c->off[i]] = c->now[i];
		}
		break;
	case CH_SWAP:
		index_drop(m, c->pi);
		tmp = *p;
		*p = c->other;
		c->other = tmp;
		index_add(m, c->pi);
		break;
	case CH_INSERT:
	case CH_REMOVE:
		/* Undoing an insert removes; redoing it inserts; and conversely. */
		if ((c->kind == CH_INSERT) == undo) {
			index_drop(m, c->pi);
			parcel_remove(m, c->pi, &c->other);
			c->held = true;
		} else {
			parcel_insert(m, c->pi, &c->other);
			c->held = false;
			index_add(m, c->pi);
		}
		break;
	}
}

void ed_group_begin(ed_model *m, const char *what)
{
	ed_group_end(m);
	m->group = m->pos;
	m->group_what = what;
}

/* Merge steps [group, nsteps) into the first of them: their changes are
 * concatenated in order, so undoing the merged step undoes them in reverse
 * exactly as undoing the steps one by one would. */
void ed_group_end(ed_model *m)
{
	int g = m->group;
	m->group = -1;
	if (g < 0 || g >= m->nsteps || m->pos != m->nsteps)
		return;
	ed_step *first = &m->steps[g];
	int total = 0;
	for (int i = g; i < m->nsteps; i++)
		total += m->steps[i].n;
	if (total > first->cap) {
		ed_change *v = realloc(first->v, (size_t)total * sizeof *v);
		if (!v)
			return; /* out of memory: the steps stay separate, still correct
			         */
		first->v = v;
		first->cap = total;
	}
	for (int i = g + 1; i < m->nsteps; i++) {
		ed_step *s = &m->steps[i];
		memcpy(first->v + first->n, s->v, (size_t)s->n * sizeof *s->v);
		first->n += s->n;
		free(s->v);
		memset(s, 0, sizeof *s);
	}
	if (m->nsteps - g > 1)
		first->what = m->group_what;
	/* A save in the middle of the group names a state no step reaches now. */
	int *saves[] = {&m->saved_pos, &m->save_pos};
	for (int i = 0; i < 2; i++) {
		if (*saves[i] > g && *saves[i] < m->nsteps)
			*saves[i] = -1;
		else if (*saves[i] == m->nsteps)
			*saves[i] = g + 1;
	}
	m->nsteps = m->pos = g + 1;
}

int ed_undo(ed_model *m)
{
	ed_group_end(m);
	if (m->pos == 0)
		return fail(m, "nothing to undo");
	ed_step *s = &m->steps[--m->pos];
	index_begin(m);
	for (int i = s->n - 1; i >= 0; i--)
		change_apply(m, &s->v[i], true);
	if (!tiles_only(s)) {
		index_settle(m);
		m->shape_gen++;
	}
	m->generation++;
	return 0;
}

int ed_redo(ed_model *m)
{
	ed_group_end(m);
	if (m->pos == m->nsteps)
		return fail(m, "nothing to redo");
	ed_step *s = &m->steps[m->pos++];
	index_begin(m);
	for (int i = 0; i < s->n; i++)
		change_apply(m, &s->v[i], false);
	if (!tiles_only(s)) {
		index_settle(m);
		m->shape_gen++;
	}
	m->generation++;
	return 0;
}

/* ---- Tiles --------------------------------------------------------------- */

static int check_glyph(ed_model *m, int g)
{
	if (g < 0 || g >= m->w->npalette)
		return fail(m, "palette has no entry %d (it has %d)", g, m->w->npalette);
	return 0;
}

int ed_paint(ed_model *m, int32_t tx, int32_t ty, int g)
{
	if (check_glyph(m, g))
		return -1;
	int pi = wf_parcel_at(m->w, tx, ty);
	if (pi < 0)
		return fail(m, "cannot paint at %d %d: no parcel there", tx, ty);
	if (ed_tile(m, tx, ty) == g)
		return 0;
	ed_step *s = step_begin(m, "paint");
	if (!s)
		return fail(m, "out of memory");
	int r = set_tile(m, s, pi, tx, ty, g);
	step_commit(m, s);
	return r;
}

/* Paint a list of points as one step; points outside parcels are skipped. */
typedef struct pts {
	int32_t *xy;
	int n, cap;
} pts;

static int pts_add(pts *p, int32_t x, int32_t y)
{
	if (p->n == p->cap) {
		int cap = p->cap ? 2 * p->cap : 64;
		int32_t *v = realloc(p->xy, (size_t)cap * 2 * sizeof *v);
		if (!v)
			return -1;
		p->xy = v;
		p->cap = cap;
	}
	p->xy[2 * p->n] = x;
	p->xy[2 * p->n + 1] = y;
	p->n++;
	return 0;
}

static int paint_points(ed_model *m, pts *p, int g, const char *what)
{
	int painted = 0, r = 0;
	ed_step *s = step_begin(m, what);
	if (!s) {
		free(p->xy);
		return fail(m, "out of memory");
	}
	for (int i = 0; i < p->n && r == 0; i++) {
		int pi = wf_parcel_at(m->w, p->xy[2 * i], p->xy[2 * i + 1]);
		if (pi < 0)
			continue;
		painted++;
		r = set_tile(m, s, pi, p->xy[2 * i], p->xy[2 * i + 1], g);
	}
	free(p->xy);
	step_commit(m, s);
	if (r)
		return r;
	if (painted == 0)
		return fail(m, "cannot %s there: no parcel under it", what);
	return 0;
}

int ed_line(ed_model *m, int32_t x0, int32_t y0, int32_t x1, int32_t y1, int g)
{
	if (check_glyph(m, g))
		return -1;
	pts p = {0};
	int32_t dx = abs(x1 - x0), dy = -abs(y1 - y0);
	int32_t sx = x0 < x1 ? 1 : -1, sy = y0 < y1 ? 1 : -1, e = dx + dy;
	for (;;) {
		if (pts_add(&p, x0, y0)) {
			free(p.xy);
			return fail(m, "out of memory");
		}
		if (x0 == x1 && y0 == y1)
			break;
		int32_t e2 = 2 * e;
		if (e2 >= dy) {
			e += dy;
			x0 += sx;
		}
		if (e2 <= dx) {
			e += dx;
			y0 += sy;
		}
	}
	return paint_points(m, &p, g, "draw a line");
}

static void order(int32_t *a, int32_t *b)
{
	if (*a > *b) {
		int32_t t = *a;
		*a = *b;
		*b = t;
	}
}

int ed_fill(ed_model *m, int32_t x0, int32_t y0, int32_t x1, int32_t y1, int g)
{
	if (check_glyph(m, g))
		return -1;
	order(&x0, &x1);
	order(&y0, &y1);
	x0 = clamp(x0, 0, ed_world_tw(m) - 1);
	x1 = clamp(x1, 0, ed_world_tw(m) - 1);
	y0 = clamp(y0, 0, ed_world_th(m) - 1);
	y1 = clamp(y1, 0, ed_world_th(m) - 1);
	/* Parcel by parcel (each once, at its first unit cell inside the
	 * rectangle), so each parcel's tile changes are recorded together and
	 * a fill over the whole Street stays linear. */
	wf_world *w = m->w;
	int32_t gx0 = x0 / w->parcel_w, gx1 = x1 / w->parcel_w;
	int32_t gy0 = y0 / w->parcel_h, gy1 = y1 / w->parcel_h;
	int painted = 0, r = 0;
	ed_step *s = step_begin(m, "fill");
	if (!s)
		return fail(m, "out of memory");
	for (int32_t gy = gy0; gy <= gy1 && r == 0; gy++)
		for (int32_t gx = gx0; gx <= gx1 && r == 0; gx++) {
			int pi = w->grid[gy * w->width + gx];
			if (pi < 0)
				continue;
			const wf_parcel *p = &w->parcels[pi];
			if (gx != (p->px > gx0 ? p->px : gx0) ||
			    gy != (p->py > gy0 ? p->py : gy0))
				continue;
			int32_t ox = p->px * w->parcel_w, oy = p->py * w->parcel_h;
			int32_t ax = ox > x0 ? ox : x0, ay = oy > y0 ? oy : y0;
			int32_t bx = ox + wf_parcel_tw(w, p) - 1,
			        by = oy + wf_parcel_th(w, p) - 1;
			bx = bx < x1 ? bx : x1;
			by = by < y1 ? by : y1;
			for (int32_t y = ay; y <= by && r == 0; y++)
				for (int32_t x = ax; x <= bx && r == 0; x++, painted++)
					r = set_tile(m, s, pi, x, y, g);
		}
	step_commit(m, s);
	if (r)
		return r;
	if (painted == 0)
		return fail(m, "cannot fill there: no parcel under it");
	return 0;
}

int ed_copy(ed_model *m, int32_t x0, int32_t y0, int32_t x1, int32_t y1)
{
	order(&x0, &x1);
	order(&y0, &y1);
	int32_t w = x1 - x0 + 1, h = y1 - y0 + 1;
	int16_t *t = malloc((size_t)w * (size_t)h * sizeof *t);
	if (!t)
		return fail(m, "out of memory");
	for (int32_t y = 0; y < h; y++)
		for (int32_t x = 0; x < w; x++)
			t[y * w + x] = (int16_t)ed_tile(m, x0 + x, y0 + y);
	free(m->clip.tiles);
	m->clip = (ed_clip){w, h, t};
	return 0;
}

int ed_paste(ed_model *m, int32_t tx, int32_t ty)
{
	if (!m->clip.tiles)
		return fail(m, "nothing to paste: copy a selection first");
	int painted = 0, r = 0;
	ed_step *s = step_begin(m, "paste");
	if (!s)
		return fail(m, "out of memory");
	for (int32_t y = 0; y < m->clip.h && r == 0; y++)
		for (int32_t x = 0; x < m->clip.w && r == 0; x++) {
			int g = m->clip.tiles[y * m->clip.w + x];
			int pi = wf_parcel_at(m->w, tx + x, ty + y);
			if (g < 0 || g >= m->w->npalette || pi < 0)
				continue;
			painted++;
			r = set_tile(m, s, pi, tx + x, ty + y, g);
		}
	step_commit(m, s);
	if (r == 0 && painted == 0)
		return fail(m, "cannot paste there: no parcel under it");
	return r;
}

/* ---- Rules shared by parcel edits ---------------------------------------- */

/* Names follow the file's rule (wf_name_ok); the messages say which part
 * of it a name breaks. */
static int check_name(ed_model *m, const char *what, const char *name)
{
	size_t n = name ? strlen(name) : 0;
	if (wf_name_ok(name, n))
		return 0;
	if (n == 0)
		return fail(m, "%s name is empty", what);
	if (n > WF_MAX_NAME)
		return fail(m, "%s name is longer than %d bytes", what, WF_MAX_NAME);
	if (name[0] == '-' || name[0] == '.')
		return fail(m, "%s name '%s' may not start with '-' or '.'", what, name);
	return fail(m, "%s name '%s' may hold only letters, digits, '_', '-' and '.'",
	            what, name);
}

/* The rectangle must lie inside the world and touch no parcel but `self`. */
static int check_place(ed_model *m, int self, int32_t px, int32_t py, int32_t pw,
                       int32_t ph)
{
	wf_world *w = m->w;
	if (pw < 1 || ph < 1)
		return fail(m, "parcel size must be at least 1 1, not %d %d", pw, ph);
	if (px < 0 || py < 0 || px > w->width - pw || py > w->height - ph)
		return fail(
		    m,
		    "parcel at %d %d size %d %d would leave the world (%d by %d parcels)",
		    px, py, pw, ph, w->width, w->height);
	for (int32_t y = py; y < py + ph; y++)
		for (int32_t x = px; x < px + pw; x++) {
			int o = w->grid[y * w->width + x];
			if (o >= 0 && o != self)
				return fail(m,
				            "parcel would overlap parcel '%s' at %d %d",
				            w->parcels[o].name, x, y);
		}
	return 0;
}

static int check_parcel(ed_model *m, int pi)
{
	if (pi < 0 || pi >= m->w->nparcels || !m->w->parcels[pi].name)
		return fail(m, "no parcel there");
	return 0;
}

/* Text that goes into a quoted string of the file: the file's rule. */
static int check_text(ed_model *m, const char *what, const char *s)
{
	if (strlen(s) > WF_MAX_STRING)
		return fail(m, "%s is longer than %d bytes", what, WF_MAX_STRING);
	if (!wf_text_ok(s))
		return fail(m, "%s may hold only valid UTF-8 without control characters",
		            what);
	return 0;
}

/* A script path follows the guarded reader's rule (wf_path_check). */
static int check_script(ed_model *m, const char *s)
{
	if (check_text(m, "script path", s))
		return -1;
	if (wf_path_check(s) != WF_READ_OK)
		return fail(m, "script '%s' must be a relative path inside the world", s);
	return 0;
}

/* Whether the parcel's zone (if any) allows capability `cap`. */
static bool zone_allows(const wf_world *w, const wf_parcel *p, int cap)
{
	return (wf_parcel_caps(w, p) & cap) != 0;
}

/* How many entities the parcel may hold with zone zi (-1: none): its
 * budget (wf_parcel_budget) as if it were in that zone. */
static int64_t entity_cap(const wf_world *w, const wf_parcel *p, int zi)
{
	wf_parcel q = *p;
	q.zone = zi >= 0 ? w->zones[zi].name : NULL;
	q.zone_index = zi;
	return wf_parcel_budget(w, &q).entities;
}

/* ---- Parcels ------------------------------------------------------------- */

int ed_parcel_create(ed_model *m, const char *name, int32_t px, int32_t py, int32_t pw,
                     int32_t ph)
{
	if (check_name(m, "parcel", name))
		return -1;
	if (wf_find_parcel(m->w, name) >= 0)
		return fail(m, "a parcel named '%s' already exists", name);
	if (check_place(m, -1, px, py, pw, ph))
		return -1;
	if (parcels_reserve(m->w))
		return fail(m, "out of memory");
	ed_step *s = step_begin(m, "create parcel");
	ed_change *c = s ? step_add(s, CH_INSERT, m->w->nparcels) : NULL;
	if (!c)
		return fail(m, "out of memory");
	wf_parcel p = {.name = wf_strdup(m->w, name),
	               .px = px,
	               .py = py,
	               .pw = pw,
	               .ph = ph,
	               .zone_index = -1};
	index_begin(m);
	parcel_insert(m, m->w->nparcels, &p);
	index_add(m, m->w->nparcels - 1);
	step_commit(m, s);
	index_settle(m);
	return 0;
}

int ed_parcel_move(ed_model *m, int pi, int32_t px, int32_t py)
{
	if (check_parcel(m, pi))
		return -1;
	wf_parcel *p = &m->w->parcels[pi];
	if (check_place(m, pi, px, py, p->pw, p->ph))
		return -1;
	ed_step *s = step_begin(m, "move parcel");
	if (!s || save_parcel(m, s, pi))
		return s ? (step_commit(m, s), -1) : fail(m, "out of memory");
	index_begin(m);
	index_drop(m, pi);
	p->px = px;
	p->py = py;
	index_add(m, pi);
	step_commit(m, s);
	index_settle(m);
	return 0;
}

int ed_parcel_resize(ed_model *m, int pi, int32_t pw, int32_t ph)
{
	if (check_parcel(m, pi))
		return -1;
	wf_world *w = m->w;
	wf_parcel *p = &w->parcels[pi];
	if (check_place(m, pi, p->px, p->py, pw, ph))
		return -1;
	int32_t tw = pw * w->parcel_w, th = ph * w->parcel_h;
	for (int i = 0; i < p->nentities; i++)
		if (p->entities[i].x >= tw || p->entities[i].y >= th)
			return fail(
			    m, "entity '%s' at %d %d would fall outside the parcel",
			    p->entities[i].name, p->entities[i].x, p->entities[i].y);
	uint8_t *t = NULL;
	if (p->tiles) {
		if (!(t = calloc((size_t)tw * (size_t)th, 1)))
			return fail(m, "out of memory");
		int32_t ow = wf_parcel_tw(w, p), oh = wf_parcel_th(w, p);
		for (int32_t y = 0; y < th && y < oh; y++)
			memcpy(t + (size_t)y * tw, p->tiles + (size_t)y * ow,
			       (size_t)(tw < ow ? tw : ow));
	}
	ed_step *s = step_begin(m, "resize parcel");
	if (!s || save_parcel(m, s, pi)) {
		free(t);
		return s ? (step_commit(m, s), -1) : fail(m, "out of memory");
	}
	index_begin(m);
	index_drop(m, pi);
	free(p->tiles);
	p->tiles = t;
	p->pw = pw;
	p->ph = ph;
	index_add(m, pi);
	step_commit(m, s);
	index_settle(m);
	return 0;
}

int ed_parcel_delete(ed_model *m, int pi)
{
	if (check_parcel(m, pi))
		return -1;
	ed_step *s = step_begin(m, "delete parcel");
	ed_change *c = s ? step_add(s, CH_REMOVE, pi) : NULL;
	if (!c)
		return fail(m, "out of memory");
	index_begin(m);
	index_drop(m, pi);
	parcel_remove(m, pi, &c->other);
	c->held = true;
	step_commit(m, s);
	index_settle(m);
	return 0;
}

/* Run `edit` on parcel pi as one recorded step. */
static int edit_parcel(ed_model *m, int pi, const char *what,
                       void (*edit)(wf_world *w, wf_parcel *p, const void *arg),
                       const void *arg)
{
	ed_step *s = step_begin(m, what);
	if (!s)
		return fail(m, "out of memory");
	if (save_parcel(m, s, pi)) {
		step_commit(m, s);
		return -1;
	}
	edit(m->w, &m->w->parcels[pi], arg);
	step_commit(m, s);
	return 0;
}

static const char *empty_null(const char *s)
{
	return s && *s ? s : NULL;
}

static void set_owner(wf_world *w, wf_parcel *p, const void *arg)
{
	p->owner = wf_strdup(w, arg);
}

static void set_zone(wf_world *w, wf_parcel *p, const void *arg)
{
	p->zone = wf_strdup(w, arg);
	p->zone_index = arg ? wf_find_zone(w, arg) : -1;
}

static void set_script(wf_world *w, wf_parcel *p, const void *arg)
{
	p->script = wf_strdup(w, arg);
}

static void set_name(wf_world *w, wf_parcel *p, const void *arg)
{
	p->name = wf_strdup(w, arg);
}

int ed_set_owner(ed_model *m, int pi, const char *owner)
{
	owner = empty_null(owner);
	if (check_parcel(m, pi) || (owner && check_text(m, "owner", owner)))
		return -1;
	return edit_parcel(m, pi, "set owner", set_owner, owner);
}

int ed_set_zone(ed_model *m, int pi, const char *zone)
{
	zone = empty_null(zone);
	if (check_parcel(m, pi))
		return -1;
	int zi = zone ? wf_find_zone(m->w, zone) : -1;
	if (zone && zi < 0) {
		const char *near = wf_suggest(zone, m->w->nzones ? &m->w->zones[0].name : NULL,
		                              sizeof *m->w->zones, m->w->nzones);
		if (near)
			return fail(m, "no zone named '%s'; did you mean '%s'?", zone, near);
		return fail(m, "no zone named '%s'", zone);
	}
	const wf_parcel *p = &m->w->parcels[pi];
	if (zi >= 0 && !(m->w->zones[zi].caps & WF_CAP_SCRIPTS)) {
		if (p->script)
			return fail(
			    m,
			    "zone '%s' does not allow scripts, and parcel '%s' has one",
			    zone, p->name);
		for (int i = 0; i < p->nentities; i++)
			if (p->entities[i].script)
				return fail(m,
				            "zone '%s' does not allow scripts, and "
				            "entity '%s' has one",
				            zone, p->entities[i].name);
	}
	if (zi >= 0 && p->nentities > entity_cap(m->w, p, zi))
		return fail(m, "zone '%s' allows parcel '%s' %lld entities; it has %d",
		            zone, p->name, (long long)entity_cap(m->w, p, zi),
		            p->nentities);
	return edit_parcel(m, pi, "set zone", set_zone, zone);
}

int ed_set_script(ed_model *m, int pi, const char *script)
{
	script = empty_null(script);
	if (check_parcel(m, pi) || (script && check_script(m, script)))
		return -1;
	const wf_parcel *p = &m->w->parcels[pi];
	if (script && !zone_allows(m->w, p, WF_CAP_SCRIPTS))
		return fail(m, "zone '%s' does not allow scripts", p->zone);
	return edit_parcel(m, pi, "set script", set_script, script);
}

int ed_parcel_rename(ed_model *m, int pi, const char *name)
{
	if (check_parcel(m, pi) || check_name(m, "parcel", name))
		return -1;
	int other = wf_find_parcel(m->w, name);
	if (other >= 0 && other != pi)
		return fail(m, "a parcel named '%s' already exists", name);
	return edit_parcel(m, pi, "rename parcel", set_name, name);
}

/* ---- Palette and zones ---------------------------------------------------- */

/* Judge a palette or zone as the file would: the header, palette and zones
 * are written as a world file and read back by worldfmt's own parser and
 * rules, so the editor holds no copy of them (a glyph is one character,
 * names unique, caps known …). `glyph_at`/`zone_at` replace that entry
 * (or, at the count, add one); -1 leaves the list alone. */
typedef struct draft {
	int glyph_at;
	const char *glyph, *gname;
	bool solid;
	int zone_at;
	const char *zname;
	int caps;
	int64_t max;
} draft;

static void put_zone(FILE *b, const char *name, int caps, int64_t max)
{
	fprintf(b, "zone %s\n", name);
	if (caps & WF_CAP_ALL) {
		fprintf(b, "  allow");
		for (int bit = 1; bit & WF_CAP_ALL; bit <<= 1)
			if (caps & bit)
				fprintf(b, " %s", wf_cap_name(bit));
		fprintf(b, "\n");
	}
	if (max >= 0)
		fprintf(b, "  max-entities-per-parcel %lld\n", (long long)max);
	fprintf(b, "end\n");
}

static int judge(ed_model *m, const draft *d)
{
	const wf_world *w = m->w;
	char *text = NULL;
	size_t len = 0;
	FILE *b = open_memstream(&text, &len);
	if (!b)
		return fail(m, "out of memory");
	fprintf(b, "world \"x\"\n  format 1\n  size 1 1\n  parcel-size 1 1\n\npalette\n");
	for (int i = 0; i <= w->npalette; i++) {
		if (i == d->glyph_at)
			fprintf(b, "  \"%s\" %s%s\n", d->glyph, d->gname,
			        d->solid ? " solid" : "");
		else if (i < w->npalette)
			fprintf(b, "  \"%s\" %s%s\n", w->palette[i].glyph,
			        w->palette[i].name, w->palette[i].solid ? " solid" : "");
	}
	fprintf(b, "end\n");
	for (int i = 0; i <= w->nzones; i++) {
		if (i == d->zone_at)
			put_zone(b, d->zname, d->caps, d->max);
		else if (i < w->nzones)
			put_zone(b, w->zones[i].name, w->zones[i].caps,
			         w->zones[i].max_entities);
	}
	if (fclose(b) != 0 || !text) {
		free(text);
		return fail(m, "out of memory");
	}
	wf_diags dg = {0};
	wf_world *t = wf_parse(text, len, "", &dg);
	if (t && dg.errors == 0)
		wf_validate(t, NULL, "", &dg);
	int r = 0;
	for (int i = 0; i < dg.n; i++)
		if (dg.v[i].severity == WF_ERROR) {
			r = fail(m, "%s", dg.v[i].msg);
			break;
		}
	if (!t)
		r = fail(m, "out of memory");
	/* What was read back must be what was asked for: text that parses as
	 * something else (a glyph holding a quote and more) is refused. */
	if (r == 0 && d->glyph_at >= 0 &&
	    (d->glyph_at >= t->npalette ||
	     strcmp(t->palette[d->glyph_at].glyph, d->glyph) ||
	     strcmp(t->palette[d->glyph_at].name, d->gname) ||
	     t->palette[d->glyph_at].solid != d->solid))
		r = fail(m,
		         "a glyph is one character (one UTF-8 code point, not a space, a "
		         "control or '\"'), found \"%s\"",
		         d->glyph);
	wf_world_free(t);
	wf_diags_free(&dg);
	free(text);
	return r;
}

static int glyph_check(ed_model *m, int gi)
{
	if (gi < 0 || gi >= m->w->npalette)
		return fail(m, "palette has no entry %d (it has %d)", gi, m->w->npalette);
	return 0;
}

int ed_palette_add(ed_model *m, const char *glyph, const char *name, bool solid)
{
	wf_world *w = m->w;
	if (w->npalette >= 256)
		return fail(m, "the palette is full (256 entries)");
	draft d = {.glyph_at = w->npalette,
	           .glyph = glyph,
	           .gname = name,
	           .solid = solid,
	           .zone_at = -1};
	if (check_name(m, "palette", name) || judge(m, &d))
		return -1;
	if (w->npalette == w->palette_cap) {
		int cap = w->palette_cap ? 2 * w->palette_cap : 16;
		wf_glyph *v = realloc(w->palette, (size_t)cap * sizeof *v);
		if (!v)
			return fail(m, "out of memory");
		w->palette = v;
		w->palette_cap = cap;
	}
	ed_step *s = step_begin(m, "add palette entry");
	ed_change *c = s ? step_add(s, CH_GLYPH_ADD, w->npalette) : NULL;
	if (!c) {
		if (s)
			step_commit(m, s);
		return fail(m, "out of memory");
	}
	w->palette[w->npalette++] = (wf_glyph){
	    .glyph = wf_strdup(w, glyph), .name = wf_strdup(w, name), .solid = solid};
	step_commit(m, s);
	return 0;
}

/* Replace palette entry gi by `g` as one step. */
static int glyph_replace(ed_model *m, int gi, wf_glyph g, const char *what)
{
	ed_step *s = step_begin(m, what);
	ed_change *c = s ? step_add(s, CH_GLYPH, gi) : NULL;
	if (!c) {
		if (s)
			step_commit(m, s);
		return fail(m, "out of memory");
	}
	c->glyph = m->w->palette[gi];
	m->w->palette[gi] = g;
	step_commit(m, s);
	return 0;
}

int ed_palette_set(ed_model *m, int gi, const char *name, bool solid)
{
	if (glyph_check(m, gi))
		return -1;
	const wf_glyph *o = &m->w->palette[gi];
	draft d = {.glyph_at = gi,
	           .glyph = o->glyph,
	           .gname = name,
	           .solid = solid,
	           .zone_at = -1};
	if (check_name(m, "palette", name) || judge(m, &d))
		return -1;
	wf_glyph g = *o;
	g.name = wf_strdup(m->w, name);
	g.solid = solid;
	return glyph_replace(m, gi, g, "edit palette entry");
}

int ed_palette_script(ed_model *m, int gi, const char *script)
{
	script = empty_null(script);
	if (glyph_check(m, gi) || (script && check_script(m, script)))
		return -1;
	wf_glyph g = m->w->palette[gi];
	g.script = wf_strdup(m->w, script);
	return glyph_replace(m, gi, g, "set palette script");
}

static int zone_step(ed_model *m, int zi, wf_zone z, bool add, const char *what)
{
	wf_world *w = m->w;
	if (add && w->nzones == w->zones_cap) {
		int cap = w->zones_cap ? 2 * w->zones_cap : 8;
		wf_zone *v = realloc(w->zones, (size_t)cap * sizeof *v);
		if (!v)
			return fail(m, "out of memory");
		w->zones = v;
		w->zones_cap = cap;
	}
	ed_step *s = step_begin(m, what);
	ed_change *c = s ? step_add(s, add ? CH_ZONE_ADD : CH_ZONE, zi) : NULL;
	if (!c) {
		if (s)
			step_commit(m, s);
		return fail(m, "out of memory");
	}
	if (add) {
		w->zones[w->nzones++] = z;
	} else {
		c->zone = w->zones[zi];
		w->zones[zi] = z;
	}
	step_commit(m, s);
	return 0;
}

int ed_zone_add(ed_model *m, const char *name, int caps, int64_t max)
{
	draft d = {.glyph_at = -1,
	           .zone_at = m->w->nzones,
	           .zname = name,
	           .caps = caps,
	           .max = max};
	if (check_name(m, "zone", name) || judge(m, &d))
		return -1;
	wf_zone z = {.name = wf_strdup(m->w, name), .caps = caps, .max_entities = max};
	return zone_step(m, m->w->nzones, z, true, "add zone");
}

int ed_zone_set(ed_model *m, int zi, int caps, int64_t max)
{
	if (zi < 0 || zi >= m->w->nzones)
		return fail(m, "no zone %d (there are %d)", zi, m->w->nzones);
	draft d = {.glyph_at = -1,
	           .zone_at = zi,
	           .zname = m->w->zones[zi].name,
	           .caps = caps,
	           .max = max};
	if (judge(m, &d))
		return -1;
	wf_zone z = m->w->zones[zi];
	z.caps = caps;
	z.max_entities = max;
	return zone_step(m, zi, z, false, "edit zone");
}

/* ---- Entities ------------------------------------------------------------ */

static int check_entity(ed_model *m, int pi, int ei)
{
	if (check_parcel(m, pi))
		return -1;
	if (ei < 0 || ei >= m->w->parcels[pi].nentities)
		return fail(m, "no entity there");
	return 0;
}

static int check_inside(ed_model *m, const wf_parcel *p, int32_t x, int32_t y)
{
	if (x < 0 || y < 0 || x >= wf_parcel_tw(m->w, p) || y >= wf_parcel_th(m->w, p))
		return fail(m, "%d %d is outside parcel '%s' (%d by %d tiles)", x, y,
		            p->name, wf_parcel_tw(m->w, p), wf_parcel_th(m->w, p));
	return 0;
}

int ed_entity_create(ed_model *m, int pi, const char *name, int32_t x, int32_t y,
                     const char *glyph)
{
	if (check_parcel(m, pi) || check_name(m, "entity", name))
		return -1;
	wf_parcel *p = &m->w->parcels[pi];
	for (int i = 0; i < p->nentities; i++)
		if (strcmp(p->entities[i].name, name) == 0)
			return fail(m, "parcel '%s' already has an entity named '%s'",
			            p->name, name);
	if (check_inside(m, p, x, y))
		return -1;
	glyph = empty_null(glyph);
	if (glyph && (wf_utf8_len((const unsigned char *)glyph, strlen(glyph)) !=
	                  (int)strlen(glyph) ||
	              (unsigned char)glyph[0] <= ' '))
		return fail(m, "entity glyph '%s' must be one printable character",
		            glyph);
	int64_t cap = entity_cap(m->w, p, p->zone ? wf_find_zone(m->w, p->zone) : -1);
	if (p->nentities >= cap)
		return fail(m, "parcel '%s' already holds its limit of %lld entities",
		            p->name, (long long)cap);
	ed_step *s = step_begin(m, "create entity");
	if (!s || save_parcel(m, s, pi))
		return s ? (step_commit(m, s), -1) : fail(m, "out of memory");
	wf_entity *v = realloc(p->entities, (size_t)(p->nentities + 1) * sizeof *v);
	if (!v) {
		step_commit(m, s);
		ed_undo(m);
		return fail(m, "out of memory");
	}
	p->entities = v;
	p->entities_cap = p->nentities + 1;
	v[p->nentities++] = (wf_entity){.name = wf_strdup(m->w, name),
	                                .x = x,
	                                .y = y,
	                                .glyph = wf_strdup(m->w, glyph)};
	step_commit(m, s);
	return 0;
}

int ed_entity_move(ed_model *m, int pi, int ei, int32_t x, int32_t y)
{
	if (check_entity(m, pi, ei) || check_inside(m, &m->w->parcels[pi], x, y))
		return -1;
	ed_step *s = step_begin(m, "move entity");
	if (!s || save_parcel(m, s, pi))
		return s ? (step_commit(m, s), -1) : fail(m, "out of memory");
	m->w->parcels[pi].entities[ei].x = x;
	m->w->parcels[pi].entities[ei].y = y;
	step_commit(m, s);
	return 0;
}

int ed_entity_delete(ed_model *m, int pi, int ei)
{
	if (check_entity(m, pi, ei))
		return -1;
	ed_step *s = step_begin(m, "delete entity");
	if (!s || save_parcel(m, s, pi))
		return s ? (step_commit(m, s), -1) : fail(m, "out of memory");
	wf_parcel *p = &m->w->parcels[pi];
	free(p->entities[ei].attrs); /* the change holds its own copy */
	memmove(&p->entities[ei], &p->entities[ei + 1],
	        (size_t)(p->nentities - ei - 1) * sizeof *p->entities);
	p->nentities--;
	step_commit(m, s);
	return 0;
}

int ed_entity_set_script(ed_model *m, int pi, int ei, const char *script)
{
	script = empty_null(script);
	if (check_entity(m, pi, ei) || (script && check_script(m, script)))
		return -1;
	wf_parcel *p = &m->w->parcels[pi];
	if (script && !zone_allows(m->w, p, WF_CAP_SCRIPTS))
		return fail(m, "zone '%s' does not allow scripts", p->zone);
	ed_step *s = step_begin(m, "set entity script");
	if (!s || save_parcel(m, s, pi))
		return s ? (step_commit(m, s), -1) : fail(m, "out of memory");
	p->entities[ei].script = wf_strdup(m->w, script);
	step_commit(m, s);
	return 0;
}

int ed_entity_rename(ed_model *m, int pi, int ei, const char *name)
{
	if (check_entity(m, pi, ei) || check_name(m, "entity", name))
		return -1;
	wf_parcel *p = &m->w->parcels[pi];
	for (int i = 0; i < p->nentities; i++)
		if (i != ei && strcmp(p->entities[i].name, name) == 0)
			return fail(m, "parcel '%s' already has an entity named '%s'",
			            p->name, name);
	ed_step *s = step_begin(m, "rename entity");
	if (!s || save_parcel(m, s, pi))
		return s ? (step_commit(m, s), -1) : fail(m, "out of memory");
	p->entities[ei].name = wf_strdup(m->w, name);
	step_commit(m, s);
	return 0;
}

int ed_entity_at(ed_model *m, int32_t tx, int32_t ty, int *pip)
{
	int pi = wf_parcel_at(m->w, tx, ty);
	if (pi < 0)
		return -1;
	const wf_parcel *p = &m->w->parcels[pi];
	int32_t x = tx - p->px * m->w->parcel_w, y = ty - p->py * m->w->parcel_h;
	for (int i = p->nentities - 1; i >= 0; i--)
		if (p->entities[i].x == x && p->entities[i].y == y) {
			*pip = pi;
			return i;
		}
	return -1;
}

/* ---- Whole parcels (taking one side of a merge conflict) ------------------ */

static wf_note note_adopt(wf_world *w, wf_note n)
{
	return (wf_note){wf_strdup(w, n.lead), wf_strdup(w, n.trail)};
}

static void attrs_adopt(wf_world *w, wf_attr *a, int n)
{
	for (int i = 0; a && i < n; i++) {
		a[i].key = wf_strdup(w, a[i].key);
		a[i].value = wf_strdup(w, a[i].value);
		a[i].note = note_adopt(w, a[i].note);
	}
}

/* A deep copy of q whose strings live in w's arena: q may come from
 * another world, which may be freed before w and its undo history. */
static int parcel_adopt(wf_world *w, const wf_parcel *q, wf_parcel *out)
{
	if (parcel_dup(w, q, out))
		return -1;
	out->name = wf_strdup(w, q->name);
	out->owner = wf_strdup(w, q->owner);
	out->zone = wf_strdup(w, q->zone);
	out->zone_index = q->zone ? wf_find_zone(w, q->zone) : -1;
	out->script = wf_strdup(w, q->script);
	attrs_adopt(w, out->attrs, out->nattrs);
	for (int s = 0; s < WF_PS_NSLOTS; s++)
		out->notes[s] = note_adopt(w, q->notes[s]);
	for (int i = 0; i < out->nentities; i++) {
		wf_entity *e = &out->entities[i];
		e->name = wf_strdup(w, e->name);
		e->glyph = wf_strdup(w, e->glyph);
		e->script = wf_strdup(w, e->script);
		e->note = note_adopt(w, e->note);
		attrs_adopt(w, e->attrs, e->nattrs);
	}
	if (!out->name) {
		parcel_release(out);
		return -1;
	}
	return 0;
}

int ed_parcel_set(ed_model *m, int pi, const wf_parcel *q, const char *what)
{
	if (!q)
		return ed_parcel_delete(m, pi);
	if (pi >= 0 && check_parcel(m, pi))
		return -1;
	int other = wf_find_parcel(m->w, q->name);
	if (other >= 0 && other != pi)
		return fail(m, "a parcel named '%s' already exists", q->name);
	if (check_place(m, pi, q->px, q->py, q->pw, q->ph))
		return -1;
	wf_parcel np;
	if ((pi < 0 && parcels_reserve(m->w)) || parcel_adopt(m->w, q, &np))
		return fail(m, "out of memory");
	ed_step *s = step_begin(m, what);
	ed_change *c = s && pi < 0 ? step_add(s, CH_INSERT, m->w->nparcels) : NULL;
	if (!s || (pi < 0 && !c) || (pi >= 0 && save_parcel(m, s, pi))) {
		parcel_release(&np);
		if (s)
			step_commit(m, s);
		return fail(m, "out of memory");
	}
	index_begin(m);
	if (pi < 0) {
		parcel_insert(m, m->w->nparcels, &np);
		pi = m->w->nparcels - 1;
	} else {
		index_drop(m, pi);
		parcel_release(&m->w->parcels[pi]);
		m->w->parcels[pi] = np;
	}
	index_add(m, pi);
	step_commit(m, s);
	index_settle(m);
	return 0;
}

/* ---- The world header and marks (settling a merge conflict) -------------- */

int ed_header_take(ed_model *m, const wf_world *from, unsigned which, const char *what)
{
	wf_world *w = m->w;
	header h = {w->name,   w->events,      w->format, w->seed, w->width,
	            w->height, w->unit_budget, NULL,      0};
	switch (which) {
	case WF_DIFFW_NAME:
		h.name = wf_strdup(w, from->name);
		break;
	case WF_DIFFW_FORMAT:
		h.format = from->format;
		break;
	case WF_DIFFW_SEED:
		h.seed = from->seed;
		break;
	case WF_DIFFW_SIZE:
		for (int i = 0; i < w->nparcels; i++) {
			const wf_parcel *p = &w->parcels[i];
			if (p->px + p->pw > from->width || p->py + p->ph > from->height)
				return fail(
				    m,
				    "parcel %s would lie outside a world of %d x %d "
				    "parcels: move or take it first",
				    p->name, from->width, from->height);
		}
		h.width = from->width;
		h.height = from->height;
		break;
	case WF_DIFFW_BUDGET:
		h.unit_budget = from->unit_budget;
		break;
	case WF_DIFFW_EVENTS:
		h.events = wf_strdup(w, from->events);
		break;
	case WF_DIFFW_ATTRS:
		break;
	default:
		return fail(m, "the parcel-size cannot be changed in the editor (every "
		               "parcel's tiles would change shape): edit world.acre");
	}
	/* The attributes are copied whatever the key: the world's own array
	 * goes into the change, so each array keeps one holder. */
	const wf_attr *a = which == WF_DIFFW_ATTRS ? from->attrs : w->attrs;
	int na = which == WF_DIFFW_ATTRS ? from->nattrs : w->nattrs;
	bool ok = true;
	h.attrs = attrs_dup(a, na, &ok);
	h.nattrs = h.attrs ? na : 0;
	if (!ok)
		return fail(m, "out of memory");
	if (which == WF_DIFFW_ATTRS)
		attrs_adopt(w, h.attrs, h.nattrs);
	ed_step *s = step_begin(m, what);
	ed_change *c = s ? step_add(s, CH_HEADER, 0) : NULL;
	if (!c) {
		free(h.attrs);
		if (s)
			step_commit(m, s);
		return fail(m, "out of memory");
	}
	index_begin(m);
	c->hdr = h;
	header_swap(m, &c->hdr);
	step_commit(m, s);
	index_settle(m);
	return 0;
}

int ed_mark(ed_model *m, int key, int was, int now, const char *what)
{
	ed_step *s = step_begin(m, what);
	ed_change *c = s ? step_add(s, CH_MARK, key) : NULL;
	if (!c) {
		if (s)
			step_commit(m, s);
		return fail(m, "out of memory");
	}
	c->was_mark = was;
	c->now_mark = now;
	if (m->on_mark)
		m->on_mark(m->mark_arg, key, now);
	step_commit(m, s);
	return 0;
}
