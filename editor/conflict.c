/* conflict.c — resolving a merge in the editor, side by side.
 *
 * A world.acre holding merge conflict markers (from `acre merge`, git's
 * merge driver, or git's own line merge) is split by worldfmt into ours
 * and theirs; both sides hold every change that merged cleanly, so the
 * semantic diff of the two is exactly the list of conflicts, named as the
 * parser names them (per header key, palette glyph, zone, parcel field,
 * tile and entity). The world being edited starts as ours; the map shows
 * it on the left and theirs (or ours, `=`) on the right with the same
 * viewport, conflicting tiles highlighted in both. `<` keeps ours and `>`
 * takes theirs for one conflict, `:ours`/`:theirs parcel|all` for more;
 * any edit by hand counts too. Picks are ordinary model edits, so u undoes
 * them.
 *
 * Whether a conflict is settled is read off the world, not remembered:
 * its key's value in the world being edited is compared with ours' and
 * theirs'. Theirs' value, or a third one made by hand, settles it; ours'
 * value settles it only once kept on purpose with `<` (else it is the
 * untouched start). So undoing a pick brings its conflict back. `:w` is
 * refused while any is left, and writes a canonical world without markers;
 * `c` then commits the merge with both parents (store_commit).
 */
#include "editor/ui.h"
#include "store/store.h"

#include <curses.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <wchar.h>

enum { K_HEADER, K_GLYPH, K_ZONE, K_PARCEL, K_TILE, K_ENTITY };
enum { S_LEFT, S_OURS, S_THEIRS, S_HAND };

typedef struct cf_item {
	int kind;
	unsigned what;      /* K_PARCEL: one WF_DIFF_ bit; K_HEADER: a WF_DIFFW_ one */
	const char *parcel; /* strings of ours or theirs, which live as long */
	const char *name;   /* the entity, glyph or zone */
	int32_t x, y;       /* K_TILE: in the parcel */
	bool kept;          /* ours kept on purpose (<) */
	bool forced;        /* theirs taken where the world cannot show it */
} cf_item;

struct ed_conflicts {
	wf_world *ours, *theirs; /* the two sides as the file holds them */
	cf_item *v;
	int n, cap;
	int cur;        /* the conflict ]c, [c or a pick went to last; -1 */
	int32_t cx, cy; /* where the cursor was left then */
	bool show_ours; /* the right pane shows ours instead of theirs */
	int bracket;    /* ']' or '[' typed, waiting for 'c'; else 0 */
	int top;        /* first line of the panel's list */
};

static const char *nz(const char *s)
{
	return s ? s : "";
}

static bool same(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

/* ---- The list --------------------------------------------------------------- */

static cf_item *add(ed_conflicts *cf, int kind, unsigned what, const char *parcel,
                    const char *name)
{
	if (cf->n == cf->cap) {
		int cap = cf->cap ? 2 * cf->cap : 32;
		cf_item *v = realloc(cf->v, (size_t)cap * sizeof *v);
		if (!v)
			return NULL;
		cf->v = v;
		cf->cap = cap;
	}
	cf_item *c = &cf->v[cf->n++];
	*c = (cf_item){.kind = kind, .what = what, .parcel = parcel, .name = name};
	return c;
}

static int build(ed_conflicts *cf)
{
	const wf_world *a = cf->ours, *b = cf->theirs;
	wf_diff d;
	if (wf_diff_worlds(a, b, &d) != 0)
		return -1;
	for (unsigned bit = 1; bit <= WF_DIFFW_ATTRS; bit <<= 1)
		if (d.world & bit)
			add(cf, K_HEADER, bit, NULL, NULL);
	for (int i = 0; i < d.npalette; i++)
		add(cf, K_GLYPH, 0, NULL,
		    d.palette[i].a >= 0 ? a->palette[d.palette[i].a].glyph
		                        : b->palette[d.palette[i].b].glyph);
	for (int i = 0; i < d.nzones; i++)
		add(cf, K_ZONE, 0, NULL,
		    d.zones[i].a >= 0 ? a->zones[d.zones[i].a].name
		                      : b->zones[d.zones[i].b].name);
	for (int i = 0; i < d.nparcels; i++) {
		const wf_parcel_diff *pd = &d.parcels[i];
		const wf_parcel *p = pd->a >= 0 ? &a->parcels[pd->a] : NULL;
		const wf_parcel *q = pd->b >= 0 ? &b->parcels[pd->b] : NULL;
		const char *name = p ? p->name : q->name;
		if (!p || !q) {
			add(cf, K_PARCEL, p ? WF_DIFF_REMOVED : WF_DIFF_ADDED, name,
			    NULL);
			continue;
		}
		static const unsigned fields[] = {WF_DIFF_MOVED,  WF_DIFF_RESIZED,
		                                  WF_DIFF_OWNER,  WF_DIFF_ZONE,
		                                  WF_DIFF_SCRIPT, WF_DIFF_ATTRS};
		for (size_t k = 0; k < sizeof fields / sizeof *fields; k++)
			if (pd->what & fields[k])
				add(cf, K_PARCEL, fields[k], name, NULL);
		bool dims = wf_parcel_tw(a, p) == wf_parcel_tw(b, q) &&
		            wf_parcel_th(a, p) == wf_parcel_th(b, q);
		if ((pd->what & WF_DIFF_TILES) && dims)
			for (int32_t y = pd->y0; y < pd->y1; y++)
				for (int32_t x = pd->x0; x < pd->x1; x++) {
					if (same(wf_tile_glyph(a, p, x, y),
					         wf_tile_glyph(b, q, x, y)))
						continue;
					cf_item *c = add(cf, K_TILE, 0, name, NULL);
					if (c)
						c->x = x, c->y = y;
				}
		for (int e = 0; pd->what & WF_DIFF_ENTITIES && e < pd->nentities; e++) {
			const wf_change *ch = &pd->entities[e];
			add(cf, K_ENTITY, 0, name,
			    ch->a >= 0 ? p->entities[ch->a].name
			               : q->entities[ch->b].name);
		}
	}
	wf_diff_free(&d);
	return 0;
}

/* ---- A conflict's value in a world ------------------------------------------ */

static const wf_parcel *parcel_of(const wf_world *w, const char *name, int *pi)
{
	int i = name ? wf_find_parcel(w, name) : -1;
	if (pi)
		*pi = i;
	return i >= 0 ? &w->parcels[i] : NULL;
}

static const wf_entity *entity_of(const wf_parcel *p, const char *name, int *ei)
{
	for (int i = 0; p && i < p->nentities; i++)
		if (strcmp(p->entities[i].name, name) == 0) {
			if (ei)
				*ei = i;
			return &p->entities[i];
		}
	if (ei)
		*ei = -1;
	return NULL;
}

static void put_attrs(char *buf, size_t n, const wf_attr *v, int nv)
{
	size_t len = strlen(buf);
	for (int i = 0; i < nv && len < n; i++)
		len += (size_t)snprintf(buf + len, n - len, " %s=%s", v[i].key,
		                        nz(v[i].value));
}

/* The text of the conflict's key in world w ("" when w has no such key),
 * for comparing the world being edited with the two sides. */
static void value(const wf_world *w, const cf_item *c, char *buf, size_t n)
{
	buf[0] = 0;
	const wf_parcel *p = parcel_of(w, c->parcel, NULL);
	switch (c->kind) {
	case K_HEADER:
		switch (c->what) {
		case WF_DIFFW_NAME:
			snprintf(buf, n, "%s", nz(w->name));
			break;
		case WF_DIFFW_FORMAT:
			snprintf(buf, n, "%d", w->format);
			break;
		case WF_DIFFW_SEED:
			snprintf(buf, n, "%" PRIu64, w->seed);
			break;
		case WF_DIFFW_SIZE:
			snprintf(buf, n, "%d %d", w->width, w->height);
			break;
		case WF_DIFFW_PARCEL_SIZE:
			snprintf(buf, n, "%d %d", w->parcel_w, w->parcel_h);
			break;
		case WF_DIFFW_BUDGET:
			snprintf(buf, n, "%" PRId64 " %" PRId64 " %" PRId64,
			         w->unit_budget.entities, w->unit_budget.instructions,
			         w->unit_budget.memory);
			break;
		case WF_DIFFW_EVENTS:
			snprintf(buf, n, "%s", nz(w->events));
			break;
		default:
			put_attrs(buf, n, w->attrs, w->nattrs);
		}
		return;
	case K_GLYPH: {
		int g = wf_find_glyph(w, c->name);
		if (g >= 0) {
			const wf_glyph *e = &w->palette[g];
			snprintf(buf, n, "%s %d %s", nz(e->name), e->solid,
			         nz(e->script));
			put_attrs(buf, n, e->attrs, e->nattrs);
		}
		return;
	}
	case K_ZONE: {
		int z = wf_find_zone(w, c->name);
		if (z >= 0)
			snprintf(buf, n, "%d %" PRId64, w->zones[z].caps,
			         w->zones[z].max_entities);
		return;
	}
	case K_TILE:
		if (p && c->x < wf_parcel_tw(w, p) && c->y < wf_parcel_th(w, p))
			snprintf(buf, n, "%s", nz(wf_tile_glyph(w, p, c->x, c->y)));
		return;
	case K_ENTITY: {
		const wf_entity *e = entity_of(p, c->name, NULL);
		if (e) {
			snprintf(buf, n, "%d %d %s %s", e->x, e->y, nz(e->glyph),
			         nz(e->script));
			put_attrs(buf, n, e->attrs, e->nattrs);
		}
		return;
	}
	}
	if (!p)
		return;
	switch (c->what) {
	case WF_DIFF_MOVED:
		snprintf(buf, n, "%d %d", p->px, p->py);
		break;
	case WF_DIFF_RESIZED:
		snprintf(buf, n, "%d %d", p->pw, p->ph);
		break;
	case WF_DIFF_OWNER:
		snprintf(buf, n, "o%s", nz(p->owner));
		break;
	case WF_DIFF_ZONE:
		snprintf(buf, n, "z%s", nz(p->zone));
		break;
	case WF_DIFF_SCRIPT:
		snprintf(buf, n, "s%s", nz(p->script));
		break;
	case WF_DIFF_ATTRS:
		snprintf(buf, n, "a");
		put_attrs(buf, n, p->attrs, p->nattrs);
		break;
	default: /* added or removed: whether the parcel is there */
		snprintf(buf, n, "here");
	}
}

static int state(const ed_ui *u, const cf_item *c)
{
	char vw[512], vo[512], vt[512];
	value(u->m.w, c, vw, sizeof vw);
	value(u->cf->ours, c, vo, sizeof vo);
	value(u->cf->theirs, c, vt, sizeof vt);
	if (strcmp(vw, vt) == 0)
		return S_THEIRS;
	if (strcmp(vw, vo) == 0)
		return c->kept ? S_OURS : c->forced ? S_THEIRS : S_LEFT;
	return S_HAND;
}

int ed_conflict_left(const ed_ui *u)
{
	int n = 0;
	for (int i = 0; u->cf && i < u->cf->n; i++)
		n += state(u, &u->cf->v[i]) == S_LEFT;
	return n;
}

/* "merge conflict in parcel X, tile (x, y): ours '#', theirs '.'" — as
 * the parser says it (worldfmt/conflict.c). */
static void describe(const ed_ui *u, const cf_item *c, char *buf, size_t n)
{
	static const struct {
		unsigned bit;
		const char *word;
	} hw[] = {{WF_DIFFW_NAME, "name"},
	          {WF_DIFFW_FORMAT, "format"},
	          {WF_DIFFW_SEED, "seed"},
	          {WF_DIFFW_SIZE, "size"},
	          {WF_DIFFW_PARCEL_SIZE, "parcel-size"},
	          {WF_DIFFW_BUDGET, "budget"},
	          {WF_DIFFW_EVENTS, "events"},
	          {WF_DIFFW_ATTRS, "attributes"}},
	  pw[] = {{WF_DIFF_MOVED, "place"},   {WF_DIFF_RESIZED, "size"},
	          {WF_DIFF_OWNER, "owner"},   {WF_DIFF_ZONE, "zone"},
	          {WF_DIFF_SCRIPT, "script"}, {WF_DIFF_ATTRS, "attributes"}};
	char vo[64], vt[64];
	const ed_conflicts *cf = u->cf;
	buf[0] = 0;
	switch (c->kind) {
	case K_HEADER:
		for (size_t i = 0; i < sizeof hw / sizeof *hw; i++)
			if (hw[i].bit == c->what)
				snprintf(buf, n, "merge conflict in the world header, %s",
				         hw[i].word);
		return;
	case K_GLYPH:
		snprintf(buf, n, "merge conflict in the palette, glyph '%s'", c->name);
		return;
	case K_ZONE:
		snprintf(buf, n, "merge conflict in zone %s", c->name);
		return;
	case K_TILE:
		value(cf->ours, c, vo, sizeof vo);
		value(cf->theirs, c, vt, sizeof vt);
		snprintf(buf, n,
		         "merge conflict in parcel %s, tile (%d, %d): ours '%s', theirs "
		         "'%s'",
		         c->parcel, c->x, c->y, vo, vt);
		return;
	case K_ENTITY:
		snprintf(buf, n, "merge conflict in parcel %s, entity %s", c->parcel,
		         c->name);
		return;
	}
	if (c->what == WF_DIFF_ADDED || c->what == WF_DIFF_REMOVED) {
		snprintf(buf, n, "merge conflict in parcel %s: only %s has it", c->parcel,
		         c->what == WF_DIFF_ADDED ? "theirs" : "ours");
		return;
	}
	for (size_t i = 0; i < sizeof pw / sizeof *pw; i++)
		if (pw[i].bit == c->what)
			snprintf(buf, n, "merge conflict in parcel %s, %s", c->parcel,
			         pw[i].word);
}

/* Where a conflict is on the map: in the world being edited, else in
 * theirs; false for the header, palette and zones. */
static bool place(const ed_ui *u, const cf_item *c, int32_t *tx, int32_t *ty)
{
	if (c->kind < K_PARCEL)
		return false;
	const wf_world *w = u->m.w;
	const wf_parcel *p = parcel_of(w, c->parcel, NULL);
	if (!p) {
		w = u->cf->theirs;
		p = parcel_of(w, c->parcel, NULL);
	}
	if (!p)
		return false;
	*tx = p->px * w->parcel_w;
	*ty = p->py * w->parcel_h;
	if (c->kind == K_TILE) {
		*tx += c->x;
		*ty += c->y;
	} else if (c->kind == K_ENTITY) {
		const wf_entity *e = entity_of(p, c->name, NULL);
		if (!e)
			e = entity_of(parcel_of(u->cf->theirs, c->parcel, NULL), c->name,
			              NULL);
		if (e)
			*tx += e->x, *ty += e->y;
	}
	return true;
}

/* ---- Opening and closing ---------------------------------------------------- */

/* One side parsed (and, for ours, copied as the world to edit), on a
 * thread of its own: the two sides of a big world parse at once. */
typedef struct side_job {
	const wf_buf *text;
	wf_world *w, *copy;
	bool want_copy;
} side_job;

static void *parse_side(void *arg)
{
	side_job *j = arg;
	wf_diags d = {.max = 1};
	j->w = wf_parse(j->text->data, j->text->len, "world.acre", &d);
	if (j->w && d.errors) {
		wf_world_free(j->w);
		j->w = NULL;
	}
	wf_diags_free(&d);
	if (j->w)
		wf_world_index(j->w);
	if (j->w && j->want_copy)
		j->copy = wf_world_clone(j->w);
	return NULL;
}

int ed_conflict_load(ed_ui *u, wf_world **out, char *err, size_t errlen)
{
	/* Only a look for markers here, through a mapping: a big world is read
	 * the ordinary (fast) way. */
	int fd;
	uint64_t size;
	bool marked = false;
	if (wf_world_open(u->dir, "world.acre", &fd, &size) == WF_READ_OK) {
		void *map = size && size <= WF_MAX_WORLD_BYTES
		                ? mmap(NULL, (size_t)size, PROT_READ, MAP_PRIVATE, fd, 0)
		                : MAP_FAILED;
		if (map != MAP_FAILED) {
			marked = wf_has_conflict_markers(map, (size_t)size);
			munmap(map, (size_t)size);
		}
		close(fd);
	}
	char *data = NULL;
	size_t len = 0;
	if (!marked || wf_world_read(u->dir, "world.acre", WF_MAX_WORLD_BYTES, &data,
	                             &len) != WF_READ_OK) {
		free(data);
		return 0; /* read the ordinary way, which says what is wrong */
	}
	wf_buf a = {0}, b = {0};
	uint32_t bad = 0;
	ed_conflicts *cf = calloc(1, sizeof *cf);
	int rc = 0;
	side_job ja = {.text = &a, .want_copy = true}, jb = {.text = &b};
	if (cf && wf_conflict_split(data, len, &a, NULL, &b, NULL, &bad) == 0 && !bad) {
		pthread_t t;
		bool threaded = pthread_create(&t, NULL, parse_side, &jb) == 0;
		parse_side(&ja);
		if (threaded)
			pthread_join(t, NULL);
		else
			parse_side(&jb);
		cf->ours = ja.w;
		cf->theirs = jb.w;
	}
	/* Sides that do not parse are not resolved here: the ordinary read
	 * names the errors of the file. */
	if (cf && cf->ours && cf->theirs) {
		cf->cur = -1;
		if (!ja.copy || build(cf) != 0) {
			wf_world_free(ja.copy);
			snprintf(err, errlen, "out of memory");
			rc = -1;
		} else {
			*out = ja.copy;
			u->cf = cf;
			cf = NULL;
			rc = 1;
		}
	} else {
		wf_world_free(ja.copy);
	}
	if (cf) {
		wf_world_free(cf->ours);
		wf_world_free(cf->theirs);
		free(cf->v);
		free(cf);
	}
	wf_buf_free(&a);
	wf_buf_free(&b);
	free(data);
	return rc;
}

void ed_conflict_free(ed_ui *u)
{
	ed_conflicts *cf = u->cf;
	if (!cf)
		return;
	wf_world_free(cf->ours);
	wf_world_free(cf->theirs);
	free(cf->v);
	free(cf);
	u->cf = NULL;
}

void ed_conflict_opened(ed_ui *u)
{
	store_repo *r;
	store_err e;
	if (store_repo_open(u->dir, &r, &e) == 0) {
		u->merging = store_merging(r);
		store_repo_close(r);
	}
	if (!u->cf) {
		if (u->merging && !u->msg[0])
			ed_set_msg(u, false,
			           "a merge is in progress: :w, then c commits it with "
			           "both parents");
		return;
	}
	int n = ed_conflict_left(u);
	ed_set_msg(u, false,
	           "merge: %d conflict%s (]c next, < keeps ours, > takes theirs, "
	           "? lists the keys)",
	           n, n == 1 ? "" : "s");
}

bool ed_conflict_blocks_save(ed_ui *u)
{
	int n = ed_conflict_left(u);
	if (n == 0)
		return false;
	ed_set_msg(u, true,
	           "%d merge conflict%s left: ]c goes to the next; :ours all or "
	           ":theirs all settles the rest",
	           n, n == 1 ? "" : "s");
	return true;
}

void ed_conflict_saved(ed_ui *u)
{
	if (!u->cf)
		return;
	ed_conflict_free(u);
	ed_set_msg(u, false, "wrote world.acre: the merge is resolved%s",
	           u->merging ? "; c commits it with both parents" : "");
}

/* ---- Taking a side ------------------------------------------------------------ */

/* Palette index in the world being edited of glyph g of side s, adding
 * the side's entry when the world lacks it; -1 with the reason shown. */
static int glyph_here(ed_ui *u, const wf_world *s, int g)
{
	if (s->npalette == 0)
		return 0; /* a side without a palette has no layouts either */
	const wf_glyph *e = &s->palette[g < s->npalette ? g : 0];
	int k = wf_find_glyph(u->m.w, e->glyph);
	if (k >= 0)
		return k;
	if (ed_palette_add(&u->m, e->glyph, e->name, e->solid) != 0 ||
	    (e->script && ed_palette_script(&u->m, u->m.w->npalette - 1, e->script)))
		return -1;
	return u->m.w->npalette - 1;
}

/* s's parcel sp with its tiles in the world's palette, in *q (tiles
 * malloc'd in *tiles, to free after use). */
static int parcel_here(ed_ui *u, const wf_world *s, const wf_parcel *sp, wf_parcel *q,
                       uint8_t **tiles)
{
	*q = *sp;
	*tiles = NULL;
	if (s->parcel_w != u->m.w->parcel_w || s->parcel_h != u->m.w->parcel_h)
		return ed_set_msg(u, true, "the sides have different parcel-sizes"), -1;
	size_t n = (size_t)wf_parcel_tw(s, sp) * (size_t)wf_parcel_th(s, sp);
	int map[256] = {0};
	for (int g = 0; g < s->npalette && g < 256; g++)
		if ((map[g] = glyph_here(u, s, g)) < 0)
			return -1;
	if (!sp->tiles && map[0] == 0)
		return 0;
	if (!(*tiles = malloc(n ? n : 1)))
		return -1;
	for (size_t i = 0; i < n; i++) {
		int g = sp->tiles ? sp->tiles[i] : 0;
		(*tiles)[i] = (uint8_t)map[g < s->npalette ? g : 0];
	}
	q->tiles = *tiles;
	return 0;
}

/* Make the world's parcel `name` what side s has (removing or adding it). */
static int take_parcel(ed_ui *u, const wf_world *s, const char *name)
{
	int pi;
	parcel_of(u->m.w, name, &pi);
	const wf_parcel *sp = parcel_of(s, name, NULL);
	if (!sp && pi < 0)
		return 0;
	if (!sp)
		return ed_parcel_set(&u->m, pi, NULL, "take a side's parcel");
	wf_parcel q;
	uint8_t *tiles;
	int r = parcel_here(u, s, sp, &q, &tiles);
	if (r == 0)
		r = ed_parcel_set(&u->m, pi, &q, "take a side's parcel");
	free(tiles);
	return r;
}

static int take_entity(ed_ui *u, const wf_world *s, const cf_item *c)
{
	int pi, ei;
	const wf_parcel *wp = parcel_of(u->m.w, c->parcel, &pi);
	const wf_entity *se = entity_of(parcel_of(s, c->parcel, NULL), c->name, NULL);
	if (!wp) {
		snprintf(u->m.err, sizeof u->m.err,
		         "parcel %s is not in the world: take the parcel first",
		         c->parcel);
		return -1;
	}
	entity_of(wp, c->name, &ei);
	wf_parcel q = *wp;
	wf_entity *v = malloc((size_t)(wp->nentities + 1) * sizeof *v);
	if (!v)
		return -1;
	memcpy(v, wp->entities, (size_t)wp->nentities * sizeof *v);
	q.entities = v;
	if (se && ei >= 0)
		v[ei] = *se;
	else if (se)
		v[q.nentities++] = *se;
	else if (ei >= 0)
		memmove(&v[ei], &v[ei + 1], (size_t)(--q.nentities - ei) * sizeof *v);
	int r = ed_parcel_set(&u->m, pi, &q, "take a side's entity");
	free(v);
	return r;
}

static int take_field(ed_ui *u, const wf_world *s, const cf_item *c)
{
	int pi;
	const wf_parcel *wp = parcel_of(u->m.w, c->parcel, &pi);
	const wf_parcel *sp = parcel_of(s, c->parcel, NULL);
	if (!wp || !sp || c->what == WF_DIFF_RESIZED || c->what == WF_DIFF_ADDED ||
	    c->what == WF_DIFF_REMOVED)
		return take_parcel(u, s, c->parcel); /* size and tiles go together */
	wf_parcel q = *wp;
	if (c->what == WF_DIFF_MOVED)
		q.px = sp->px, q.py = sp->py;
	else if (c->what == WF_DIFF_OWNER)
		q.owner = sp->owner;
	else if (c->what == WF_DIFF_ZONE)
		q.zone = sp->zone;
	else if (c->what == WF_DIFF_SCRIPT)
		q.script = sp->script;
	else
		q.attrs = sp->attrs, q.nattrs = sp->nattrs;
	return ed_parcel_set(&u->m, pi, &q, "take a side's parcel field");
}

/* The header has no model edits of its own: a pick there is set in place
 * (it is not undone by u, and marks the world changed). */
static int take_header(ed_ui *u, const wf_world *s, const cf_item *c)
{
	wf_world *w = u->m.w;
	switch (c->what) {
	case WF_DIFFW_NAME:
		w->name = wf_strdup(w, s->name);
		break;
	case WF_DIFFW_FORMAT:
		w->format = s->format;
		break;
	case WF_DIFFW_SEED:
		w->seed = s->seed;
		break;
	case WF_DIFFW_BUDGET:
		w->unit_budget = s->unit_budget;
		break;
	case WF_DIFFW_EVENTS:
		w->events = wf_strdup(w, s->events);
		break;
	default:
		snprintf(u->m.err, sizeof u->m.err,
		         "the world's size, parcel-size and attributes are resolved in "
		         "the file: edit world.acre, then open it again");
		return -1;
	}
	u->m.generation++;
	u->m.saved_pos = -1;
	return 0;
}

static int take_glyph(ed_ui *u, const wf_world *s, cf_item *c)
{
	int g = wf_find_glyph(s, c->name), k = wf_find_glyph(u->m.w, c->name);
	if (g < 0) {
		c->forced = true; /* an entry no tile uses does no harm */
		return 0;
	}
	const wf_glyph *e = &s->palette[g];
	if (k < 0)
		return glyph_here(u, s, g) < 0 ? -1 : 0;
	if (ed_palette_set(&u->m, k, e->name, e->solid))
		return -1;
	return ed_palette_script(&u->m, k, nz(e->script));
}

static int take_zone(ed_ui *u, const wf_world *s, cf_item *c)
{
	int z = wf_find_zone(s, c->name), k = wf_find_zone(u->m.w, c->name);
	if (z < 0) {
		c->forced = true; /* a zone no parcel names does no harm */
		return 0;
	}
	const wf_zone *e = &s->zones[z];
	return k < 0 ? ed_zone_add(&u->m, e->name, e->caps, e->max_entities)
	             : ed_zone_set(&u->m, k, e->caps, e->max_entities);
}

/* Take side s (ours or theirs) for conflict c. */
static int take(ed_ui *u, cf_item *c, bool theirs)
{
	const wf_world *s = theirs ? u->cf->theirs : u->cf->ours;
	c->kept = !theirs;
	c->forced = false;
	int r = 0;
	if (c->kind == K_HEADER) {
		r = theirs ? take_header(u, s, c) : 0;
	} else if (c->kind == K_GLYPH) {
		r = take_glyph(u, s, c);
	} else if (c->kind == K_ZONE) {
		r = take_zone(u, s, c);
	} else if (c->kind == K_PARCEL) {
		r = take_field(u, s, c);
	} else if (c->kind == K_ENTITY) {
		r = take_entity(u, s, c);
	} else {
		const wf_parcel *sp = parcel_of(s, c->parcel, NULL);
		int pi;
		const wf_parcel *wp = parcel_of(u->m.w, c->parcel, &pi);
		if (!sp || !wp) {
			snprintf(u->m.err, sizeof u->m.err,
			         "parcel %s is not on both sides: take the parcel first",
			         c->parcel);
			return -1;
		}
		int g = sp->tiles ? sp->tiles[c->y * wf_parcel_tw(s, sp) + c->x] : 0;
		int k = glyph_here(u, s, g);
		r = k < 0 ? -1
		          : ed_paint(&u->m, wp->px * u->m.w->parcel_w + c->x,
		                     wp->py * u->m.w->parcel_h + c->y, k);
	}
	return r;
}

/* ---- Keys --------------------------------------------------------------------- */

static bool need(ed_ui *u)
{
	if (u->cf)
		return true;
	ed_set_msg(u, true, "no merge conflicts here");
	return false;
}

static void go(ed_ui *u, int i)
{
	ed_conflicts *cf = u->cf;
	cf->cur = i;
	cf_item *c = &cf->v[i];
	int32_t tx, ty;
	if (place(u, c, &tx, &ty))
		ed_goto(&u->m, tx, ty);
	cf->cx = u->m.cx;
	cf->cy = u->m.cy;
	char d[400];
	describe(u, c, d, sizeof d);
	int left = ed_conflict_left(u);
	ed_set_msg(u, false, "%d left: %s", left, d);
}

static void jump(ed_ui *u, int dir)
{
	if (!need(u))
		return;
	ed_conflicts *cf = u->cf;
	int start = cf->cur < 0 ? (dir > 0 ? -1 : 0) : cf->cur;
	for (int k = 1; k <= cf->n; k++) {
		int i = ((start + dir * k) % cf->n + cf->n) % cf->n;
		if (state(u, &cf->v[i]) == S_LEFT) {
			go(u, i);
			return;
		}
	}
	ed_set_msg(u, false, "no merge conflicts left: :w writes the resolved world");
}

void ed_conflict_next(ed_ui *u)
{
	jump(u, 1);
}

void ed_conflict_prev(ed_ui *u)
{
	jump(u, -1);
}

/* The conflict a pick is about: the one ]c or [c went to while the cursor
 * stays there; else a tile's or entity's under the cursor, else one left
 * of the parcel under it, else the last one gone to. */
static int target(ed_ui *u)
{
	ed_conflicts *cf = u->cf;
	if (cf->cur >= 0 && cf->cx == u->m.cx && cf->cy == u->m.cy)
		return cf->cur;
	int best = -1;
	for (int i = 0; i < cf->n; i++) {
		int32_t tx, ty;
		if (!place(u, &cf->v[i], &tx, &ty))
			continue;
		if ((cf->v[i].kind == K_TILE || cf->v[i].kind == K_ENTITY) &&
		    tx == u->m.cx && ty == u->m.cy)
			return i;
		int pi = ed_parcel_here(&u->m);
		if (best < 0 && cf->v[i].kind != K_TILE && pi >= 0 &&
		    strcmp(u->m.w->parcels[pi].name, cf->v[i].parcel) == 0 &&
		    state(u, &cf->v[i]) == S_LEFT)
			best = i;
	}
	return best >= 0 ? best : cf->cur;
}

static void pick(ed_ui *u, bool theirs)
{
	if (!need(u))
		return;
	int i = target(u);
	if (i < 0) {
		ed_set_msg(u, true, "no conflict under the cursor: ]c goes to the next");
		return;
	}
	cf_item *c = &u->cf->v[i];
	u->cf->cur = i;
	u->cf->cx = u->m.cx;
	u->cf->cy = u->m.cy;
	char d[400];
	describe(u, c, d, sizeof d);
	if (take(u, c, theirs) != 0) {
		ed_set_msg(u, true, "%s", u->m.err);
		return;
	}
	int left = ed_conflict_left(u);
	ed_set_msg(u, false, "%s %s; %d left", theirs ? "took theirs" : "kept ours",
	           d + strlen("merge conflict in "), left);
}

void ed_conflict_ours(ed_ui *u)
{
	pick(u, false);
}

void ed_conflict_theirs(ed_ui *u)
{
	pick(u, true);
}

void ed_conflict_pane(ed_ui *u)
{
	if (!need(u))
		return;
	u->cf->show_ours = !u->cf->show_ours;
	ed_set_msg(u, false, "the right pane shows %s",
	           u->cf->show_ours ? "ours (as the merge left it)" : "theirs");
}

/* :ours and :theirs with "parcel" (every conflict of the parcel under the
 * cursor: that side's parcel whole) or "all" (every conflict left), or
 * nothing (the conflict under the cursor, as < and >). */
static void take_many(ed_ui *u, const char *args, bool theirs)
{
	if (!need(u))
		return;
	ed_conflicts *cf = u->cf;
	if (!*args) {
		pick(u, theirs);
		return;
	}
	bool all = strcmp(args, "all") == 0;
	if (!all && strcmp(args, "parcel") != 0) {
		ed_set_msg(u, true, "usage: :%s [parcel|all]",
		           theirs ? "theirs" : "ours");
		return;
	}
	int pi = ed_parcel_here(&u->m);
	const char *name = pi >= 0 ? u->m.w->parcels[pi].name : NULL;
	if (!all && !name) {
		ed_set_msg(u, true, "no parcel under the cursor");
		return;
	}
	ed_group_begin(&u->m, theirs ? "take theirs" : "keep ours");
	int done = 0, failed = 0;
	char why[256] = "";
	if (!all && theirs) { /* the parcel whole, as theirs has it */
		char keep[WF_MAX_NAME + 1];
		snprintf(keep, sizeof keep, "%s", name);
		if (take_parcel(u, cf->theirs, keep) != 0)
			failed++, snprintf(why, sizeof why, "%s", u->m.err);
		name = keep;
		for (int i = 0; i < cf->n; i++)
			if (cf->v[i].parcel && strcmp(cf->v[i].parcel, keep) == 0)
				done += state(u, &cf->v[i]) != S_LEFT;
	} else {
		/* Again while it helps: a parcel placed where another one is to
		 * go away fits once that one is gone. */
		for (int pass = 0, before = -1; pass < 4 && failed != before; pass++) {
			before = failed;
			failed = 0;
			for (int i = 0; i < cf->n; i++) {
				cf_item *c = &cf->v[i];
				if (state(u, c) != S_LEFT ||
				    (!all &&
				     (!c->parcel || strcmp(c->parcel, name) != 0)))
					continue;
				if (take(u, c, theirs) != 0) {
					if (!failed++)
						snprintf(why, sizeof why, "%s", u->m.err);
				} else {
					done++;
				}
			}
		}
	}
	ed_group_end(&u->m);
	int left = ed_conflict_left(u);
	if (failed)
		ed_set_msg(u, true, "%d settled, %d refused (%s); %d left", done, failed,
		           why, left);
	else
		ed_set_msg(u, false, "%s for %d conflict%s; %d left",
		           theirs ? "took theirs" : "kept ours", done,
		           done == 1 ? "" : "s", left);
}

void ed_conflict_cmd_ours(ed_ui *u, const char *args)
{
	take_many(u, args, false);
}

void ed_conflict_cmd_theirs(ed_ui *u, const char *args)
{
	take_many(u, args, true);
}

/* ]c and [c: ] or [ waits for the next key. True when the key was taken. */
bool ed_conflict_key(ed_ui *u, int key)
{
	if (!u->cf)
		return false;
	int b = u->cf->bracket;
	u->cf->bracket = 0;
	if (b && key == 'c') {
		jump(u, b == ']' ? 1 : -1);
		return true;
	}
	if (!b && (key == ']' || key == '[')) {
		u->cf->bracket = key;
		ed_set_msg(u, false, "%cc: the %s conflict (%c again: the %s problem)",
		           key, key == ']' ? "next" : "previous", key,
		           key == ']' ? "next" : "previous");
		return true;
	}
	if (b && key == b)
		return false; /* ]] and [[: the problems, as ] and [ are elsewhere */
	return false;
}

/* ---- Drawing -------------------------------------------------------------------- */

static void put_cell(const ed_ui *u, int y, int x, const char *s, attr_t a)
{
	wchar_t wc[2] = {L'?', 0};
	mbstate_t st = {0};
	if (!s || mbrtowc(&wc[0], s, strlen(s), &st) > (size_t)-3 || wcwidth(wc[0]) < 1 ||
	    wcwidth(wc[0]) > u->cellw)
		wc[0] = L'?';
	cchar_t cc;
	setcchar(&cc, wc, a, 0, NULL);
	mvadd_wch(y, x, &cc);
	if (wcwidth(wc[0]) < u->cellw) {
		wchar_t sp[2] = {L' ', 0};
		setcchar(&cc, sp, a, 0, NULL);
		mvadd_wch(y, x + 1, &cc);
	}
}

/* The right pane: the other side at the same tiles, then every conflict
 * in view marked on both panes. */
void ed_conflict_draw(ed_ui *u)
{
	ed_conflicts *cf = u->cf;
	if (!cf || u->pane_x <= 0)
		return;
	ed_model *m = &u->m;
	wf_world *s = cf->show_ours ? cf->ours : cf->theirs;
	int32_t tw = s->width * s->parcel_w, th = s->height * s->parcel_h;
	for (int r = 0; r < u->map_rows; r++) {
		mvaddch(r, u->pane_x - 1, ACS_VLINE);
		for (int c = 0; c < m->vw; c++) {
			int32_t tx = m->vx + c, ty = m->vy + r;
			int x = u->pane_x + c * u->cellw;
			int pi = tx < tw && ty < th ? wf_parcel_at(s, tx, ty) : -1;
			if (pi < 0) {
				put_cell(u, r, x, " ", 0);
				continue;
			}
			const wf_parcel *p = &s->parcels[pi];
			put_cell(u, r, x,
			         wf_tile_glyph(s, p, tx - p->px * s->parcel_w,
			                       ty - p->py * s->parcel_h),
			         0);
		}
	}
	/* Entities of the side in view. */
	for (int i = 0; i < s->nparcels; i++) {
		const wf_parcel *p = &s->parcels[i];
		int32_t ox = p->px * s->parcel_w, oy = p->py * s->parcel_h;
		if (ox > m->vx + m->vw || oy > m->vy + m->vh ||
		    ox + wf_parcel_tw(s, p) < m->vx || oy + wf_parcel_th(s, p) < m->vy)
			continue;
		for (int e = 0; e < p->nentities; e++) {
			int32_t x = ox + p->entities[e].x - m->vx,
			        y = oy + p->entities[e].y - m->vy;
			if (x >= 0 && y >= 0 && x < m->vw && y < m->vh)
				put_cell(u, y, u->pane_x + x * u->cellw,
				         p->entities[e].glyph ? p->entities[e].glyph
				                              : "@",
				         A_BOLD);
		}
	}
	/* Tiles and entities in conflict: reversed on both panes while left,
	 * underlined once settled. */
	for (int i = 0; i < cf->n; i++) {
		int32_t tx, ty;
		if ((cf->v[i].kind != K_TILE && cf->v[i].kind != K_ENTITY) ||
		    !place(u, &cf->v[i], &tx, &ty))
			continue;
		int32_t x = tx - m->vx, y = ty - m->vy;
		if (x < 0 || y < 0 || x >= m->vw || y >= m->vh)
			continue;
		attr_t a = state(u, &cf->v[i]) == S_LEFT ? A_REVERSE : A_UNDERLINE;
		mvchgat(y, x * u->cellw, u->cellw, a, 0, NULL);
		mvchgat(y, u->pane_x + x * u->cellw, u->cellw, a, 0, NULL);
	}
}

/* The list in the side panel, from row y; returns the next free row. */
int ed_conflict_panel(ed_ui *u, int y)
{
	ed_conflicts *cf = u->cf;
	if (!cf || y >= u->map_rows)
		return y;
	char head[64];
	snprintf(head, sizeof head, "Conflicts: %d left", ed_conflict_left(u));
	attr_set(A_BOLD | A_UNDERLINE, 0, NULL);
	mvaddnstr(y++, u->panel_x, head, u->panel_w);
	attr_set(0, 0, NULL);
	int rows = u->map_rows - y;
	if (cf->cur >= 0 && cf->cur < cf->top)
		cf->top = cf->cur;
	if (cf->cur >= 0 && rows > 0 && cf->cur >= cf->top + rows)
		cf->top = cf->cur - rows + 1;
	static const char mark[] = {' ', '<', '>', '*'};
	for (int i = cf->top; i < cf->n && y < u->map_rows; i++) {
		const cf_item *c = &cf->v[i];
		char line[256], vo[64], vt[64];
		switch (c->kind) {
		case K_TILE:
			value(cf->ours, c, vo, sizeof vo);
			value(cf->theirs, c, vt, sizeof vt);
			snprintf(line, sizeof line, "%s (%d,%d) %s|%s", c->parcel, c->x,
			         c->y, vo, vt);
			break;
		default:
			describe(u, c, line, sizeof line);
			memmove(line, line + strlen("merge conflict in "),
			        strlen(line) - strlen("merge conflict in ") + 1);
		}
		move(y, u->panel_x);
		clrtoeol();
		attr_set(i == cf->cur ? A_REVERSE : 0, 0, NULL);
		printw("%c ", mark[state(u, c)]);
		addnstr(line, u->panel_w - 2);
		attr_set(0, 0, NULL);
		y++;
	}
	return y;
}

/* For the status line: "3 conflicts" or "MERGING" (a merge to commit). */
void ed_conflict_status(ed_ui *u, char *buf, size_t n)
{
	buf[0] = 0;
	if (u->cf) {
		int left = ed_conflict_left(u);
		snprintf(buf, n, "  %d CONFLICT%s  right: %s", left, left == 1 ? "" : "S",
		         u->cf->show_ours ? "ours" : "theirs");
	} else if (u->merging) {
		snprintf(buf, n, "  MERGING");
	}
}
