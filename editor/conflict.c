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
 * any edit by hand counts too. A pick is one undo step: the model edit
 * that makes the world hold the side's value (ed_header_take for the
 * header) and the mark that says it was settled on purpose (ed_mark), so u
 * and Ctrl-R undo and redo every pick alike.
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
#include <xxhash.h>

enum { K_HEADER, K_GLYPH, K_ZONE, K_PARCEL, K_TILE, K_ENTITY };
enum { S_LEFT, S_OURS, S_THEIRS, S_HAND };

typedef struct cf_item {
	int kind;
	unsigned what;      /* K_PARCEL: one WF_DIFF_ bit; K_HEADER: a WF_DIFFW_ one */
	const char *parcel; /* strings of ours or theirs, which live as long */
	const char *name;   /* the entity, glyph or zone */
	int32_t x, y;       /* K_TILE: in the parcel */
	int flag;           /* F_: set and unset through ed_mark (undoable) */
} cf_item;

/* Why a conflict whose world value is ours' is settled all the same. */
enum {
	F_NONE,
	F_KEPT,   /* ours kept on purpose (<) */
	F_FORCED, /* theirs taken where the world cannot show it */
};

struct ed_conflicts {
	wf_world *ours, *theirs; /* the two sides as the file holds them */
	cf_item *v;
	int n, cap;
	int cur;        /* the conflict ]c, [c or a pick went to last; -1 */
	int32_t cx, cy; /* where the cursor was left then */
	bool show_ours; /* the right pane shows ours instead of theirs */
	int bracket;    /* ']' or '[' typed, waiting for 'c'; else 0 */
	int top;        /* first line of the panel's list */
	uint64_t hash;  /* XXH3-64 of the marked world.acre, and its size */
	size_t size;
	bool recovered; /* opened from a recovery file, picks and all */
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
		return c->flag == F_KEPT     ? S_OURS
		       : c->flag == F_FORCED ? S_THEIRS
		                             : S_LEFT;
	return S_HAND;
}

int ed_conflict_left(const ed_ui *u)
{
	int n = 0;
	for (int i = 0; u->cf && i < u->cf->n; i++)
		n += state(u, &u->cf->v[i]) == S_LEFT;
	return n;
}

/* What a conflict is about: "the world header, seed", "parcel hello,
 * tile (1, 1)" (after "merge conflict in "); brief, for the panel's
 * narrow list: "header seed", "hello (1,1)", "hello owner". */
static void subject(const cf_item *c, bool brief, char *buf, size_t n)
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
	bool head = c->kind == K_HEADER;
	const char *word = "";
	for (size_t i = 0; head && i < sizeof hw / sizeof *hw; i++)
		if (hw[i].bit == c->what)
			word = hw[i].word;
	for (size_t i = 0; c->kind == K_PARCEL && i < sizeof pw / sizeof *pw; i++)
		if (pw[i].bit == c->what)
			word = pw[i].word;
	switch (c->kind) {
	case K_HEADER:
		snprintf(buf, n, brief ? "header %s" : "the world header, %s", word);
		return;
	case K_GLYPH:
		snprintf(buf, n, brief ? "glyph '%s'" : "the palette, glyph '%s'",
		         c->name);
		return;
	case K_ZONE:
		snprintf(buf, n, "zone %s", c->name);
		return;
	case K_TILE:
		snprintf(buf, n, brief ? "%s (%d,%d)" : "parcel %s, tile (%d, %d)",
		         c->parcel, c->x, c->y);
		return;
	case K_ENTITY:
		snprintf(buf, n, brief ? "%s entity %s" : "parcel %s, entity %s",
		         c->parcel, c->name);
		return;
	}
	if (brief && *word)
		snprintf(buf, n, "%s %s", c->parcel, word);
	else
		snprintf(buf, n, "parcel %s%s%s", c->parcel, *word ? ", " : "", word);
}

/* The conflict's value in side w as the parser shows it ("3", "\"bob\"",
 * "*" for a tile, "(6, 3)" for an entity's place): 1; 0 when w has no
 * such key; -1 when the value is too much to show (a budget, attributes,
 * a palette entry). */
static int shown(const wf_world *w, const cf_item *c, char *buf, size_t n)
{
	char v[512];
	value(w, c, v, sizeof v);
	if (!v[0] && c->kind != K_HEADER)
		return 0;
	const wf_parcel *p = parcel_of(w, c->parcel, NULL);
	const wf_entity *e;
	switch (c->kind) {
	case K_HEADER:
		if (c->what == WF_DIFFW_NAME || c->what == WF_DIFFW_EVENTS) {
			snprintf(buf, n, v[0] ? "\"%.120s\"" : "(none)", v);
			return 1;
		}
		if (c->what == WF_DIFFW_BUDGET || c->what == WF_DIFFW_ATTRS)
			return -1;
		snprintf(buf, n, "%.120s", v);
		return 1;
	case K_TILE:
		snprintf(buf, n, "%.120s", v);
		return 1;
	case K_ENTITY:
		e = entity_of(p, c->name, NULL);
		snprintf(buf, n, "(%d, %d)", e->x, e->y);
		return 1;
	case K_PARCEL:
		if (c->what == WF_DIFF_MOVED || c->what == WF_DIFF_RESIZED) {
			snprintf(buf, n, "%.120s", v);
			return 1;
		}
		if (c->what == WF_DIFF_OWNER || c->what == WF_DIFF_ZONE ||
		    c->what == WF_DIFF_SCRIPT) {
			/* past the key's letter */
			snprintf(buf, n, v[1] ? "\"%.120s\"" : "(none)", v + 1);
			return 1;
		}
		return c->what == WF_DIFF_ATTRS ? -1 : 1;
	}
	return -1;
}

/* "merge conflict in parcel X, tile (x, y): ours '#', theirs '.'", as the
 * parser says it (worldfmt/conflict.c), values and all; brief, for the
 * panel: "hello (1,1): '#'|'.'". */
static void describe(const ed_ui *u, const cf_item *c, bool brief, char *buf, size_t n)
{
	char what[256], vo[160], vt[160];
	subject(c, brief, what, sizeof what);
	int so = shown(u->cf->ours, c, vo, sizeof vo);
	int st = shown(u->cf->theirs, c, vt, sizeof vt);
	/* As the parser says them: "at (6, 3)" for an entity, '*' for a tile. */
	const char *at = c->kind == K_ENTITY ? "at " : c->kind == K_TILE ? "'" : "";
	const char *ta = c->kind == K_TILE ? "'" : "";
	const char *how = so == 0   ? "only theirs has it"
	                  : st == 0 ? "only ours has it"
	                            : "ours and theirs differ";
	bool both = so > 0 && st > 0 && strcmp(vo, vt) != 0;
	if (brief && both)
		snprintf(buf, n, "%.120s %.60s|%.60s", what, vo, vt);
	else if (brief)
		snprintf(buf, n, "%s: %s", what, how);
	else if (both)
		snprintf(buf, n,
		         "merge conflict in %.100s: ours %s%.100s%s, theirs %s%.100s%s",
		         what, at, vo, ta, at, vt, ta);
	else
		snprintf(buf, n, "merge conflict in %s: %s", what, how);
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

static void cf_free(ed_conflicts *cf)
{
	if (!cf)
		return;
	wf_world_free(cf->ours);
	wf_world_free(cf->theirs);
	free(cf->v);
	free(cf);
}

/* world.acre read whole when it holds conflict markers: 1 (*data, *len),
 * else 0. Only a look for markers first, through a mapping: a big world
 * without them is read the ordinary (fast) way. */
static int read_marked(const char *dir, char **data, size_t *len)
{
	int fd;
	uint64_t size;
	bool marked = false;
	*data = NULL;
	if (wf_world_open(dir, "world.acre", &fd, &size) == WF_READ_OK) {
		void *map = size && size <= WF_MAX_WORLD_BYTES
		                ? mmap(NULL, (size_t)size, PROT_READ, MAP_PRIVATE, fd, 0)
		                : MAP_FAILED;
		if (map != MAP_FAILED) {
			marked = wf_has_conflict_markers(map, (size_t)size);
			munmap(map, (size_t)size);
		}
		close(fd);
	}
	if (marked &&
	    wf_world_read(dir, "world.acre", WF_MAX_WORLD_BYTES, data, len) == WF_READ_OK)
		return 1;
	free(*data);
	*data = NULL;
	return 0;
}

/* The two sides of a marked file and their conflicts; *copy gets a copy
 * of ours to edit when asked. NULL when the sides do not parse (err left
 * empty: the ordinary read names the errors of the file) or out of memory
 * (err set). */
static ed_conflicts *open_sides(const char *data, size_t len, wf_world **copy, char *err,
                                size_t errlen)
{
	wf_buf a = {0}, b = {0};
	uint32_t bad = 0;
	ed_conflicts *cf = calloc(1, sizeof *cf);
	side_job ja = {.text = &a, .want_copy = copy != NULL}, jb = {.text = &b};
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
	wf_buf_free(&a);
	wf_buf_free(&b);
	if (!cf || !cf->ours || !cf->theirs) {
		if (!cf)
			snprintf(err, errlen, "out of memory");
		wf_world_free(ja.copy);
		cf_free(cf);
		return NULL;
	}
	cf->cur = -1;
	cf->hash = XXH3_64bits(data, len);
	cf->size = len;
	if ((copy && !ja.copy) || build(cf) != 0) {
		snprintf(err, errlen, "out of memory");
		wf_world_free(ja.copy);
		cf_free(cf);
		return NULL;
	}
	if (copy)
		*copy = ja.copy;
	return cf;
}

/* ---- The recovery file of a merge ------------------------------------------
 * While a merge is resolved, the recovery file is the world as resolved so
 * far after one comment line naming the marked world.acre it came from
 * (its XXH3-64 and size) and the conflicts settled on purpose with ours'
 * value: "# acre merge recovery 1 world.acre=HASH:SIZE kept=0-2,5 forced=7".
 * It is still a world file (the line is a comment). Recovered while
 * world.acre is that same file, the merge view comes back with the picks
 * made; once world.acre is another file, it is not offered, as recovering
 * it would lose that merge; nor is a recovery file written outside the
 * merge that world.acre now holds. */
#define RECOVER_HEAD "# acre merge recovery 1 world.acre="

static void put_flags(wf_buf *b, const ed_conflicts *cf, int flag, const char *key)
{
	char t[64];
	bool any = false;
	for (int i = 0; i < cf->n; i++) {
		if (cf->v[i].flag != flag)
			continue;
		int j = i;
		while (j + 1 < cf->n && cf->v[j + 1].flag == flag)
			j++;
		int k = j > i ? snprintf(t, sizeof t, "%s%d-%d", any ? "," : key, i, j)
		              : snprintf(t, sizeof t, "%s%d", any ? "," : key, i);
		wf_buf_put(b, t, (size_t)k);
		any = true;
		i = j;
	}
}

int ed_conflict_recovery_head(const ed_ui *u, wf_buf *b)
{
	const ed_conflicts *cf = u->cf;
	if (!cf)
		return 0;
	char t[96];
	int k =
	    snprintf(t, sizeof t, RECOVER_HEAD "%016" PRIx64 ":%zu", cf->hash, cf->size);
	wf_buf_put(b, t, (size_t)k);
	put_flags(b, cf, F_KEPT, " kept=");
	put_flags(b, cf, F_FORCED, " forced=");
	return wf_buf_put(b, "\n", 1);
}

static void get_flags(ed_conflicts *cf, const char *line, const char *key, int flag)
{
	const char *p = strstr(line, key);
	if (!p)
		return;
	p += strlen(key);
	while (*p >= '0' && *p <= '9') {
		char *e;
		long a = strtol(p, &e, 10), z = a;
		if (*e == '-')
			z = strtol(e + 1, &e, 10);
		for (long i = a; i <= z && i < cf->n; i++)
			cf->v[i].flag = flag;
		p = *e == ',' ? e + 1 : e;
	}
}

/* Whether text (a recovery file) starts with the merge line, and of what:
 * the hash and size of the marked world.acre. */
static bool merge_head(const char *text, size_t len, uint64_t *hash, size_t *size)
{
	size_t n = strlen(RECOVER_HEAD);
	return len > n && strncmp(text, RECOVER_HEAD, n) == 0 &&
	       sscanf(text + n, "%16" SCNx64 ":%zu", hash, size) == 2;
}

/* Whether the file at path starts with the merge line (its first bytes
 * only: a big world's ordinary recovery file is not read twice). */
static bool merge_file(const char *path, uint64_t *hash, size_t *size)
{
	char head[128] = "";
	FILE *f = fopen(path, "re");
	size_t n = f ? fread(head, 1, sizeof head - 1, f) : 0;
	if (f)
		fclose(f);
	return merge_head(head, n, hash, size);
}

/* Why a recovery file cannot be taken while world.acre is as it is
 * (marked: its hash and size), or NULL when it can. */
static const char *unrecoverable(const char *path, bool marked, uint64_t hash,
                                 size_t size, bool *merge)
{
	uint64_t h;
	size_t z;
	*merge = merge_file(path, &h, &z);
	if (!*merge)
		return marked ? "it predates the merge in world.acre" : NULL;
	if (!marked || h != hash || z != size)
		return "its merge is gone from world.acre";
	return NULL;
}

int ed_conflict_recover_filter(const char *dir, ed_recovery *v, int n, char *why,
                               size_t whylen)
{
	char *data;
	size_t len = 0;
	bool marked = read_marked(dir, &data, &len);
	uint64_t hash = marked ? XXH3_64bits(data, len) : 0;
	free(data);
	int kept = 0;
	why[0] = 0;
	for (int i = 0; i < n; i++) {
		bool merge;
		const char *no = unrecoverable(v[i].path, marked, hash, len, &merge);
		if (!no) {
			v[i].merge = merge;
			v[kept++] = v[i];
			continue;
		}
		const char *base = strrchr(v[i].path, '/');
		if (!why[0])
			snprintf(why, whylen, "not offering %s: %s",
			         base ? base + 1 : v[i].path, no);
		free(v[i].path);
	}
	return kept;
}

/* The merge recovery file `file` (text) on top of the marked world.acre:
 * 1 with the merge view set up, -1 (err). */
static int recover(ed_ui *u, const char *file, const char *text, size_t tlen,
                   wf_world **out, char *err, size_t errlen)
{
	char *data;
	size_t len = 0, size;
	uint64_t hash, h;
	bool merge;
	merge_head(text, tlen, &h, &size);
	bool marked = read_marked(u->dir, &data, &len);
	hash = marked ? XXH3_64bits(data, len) : 0;
	if (!marked || hash != h || len != size) {
		free(data);
		snprintf(err, errlen,
		         "cannot recover %s: %s (recovering it would lose a merge)", file,
		         unrecoverable(file, marked, hash, len, &merge));
		return -1;
	}
	ed_conflicts *cf = open_sides(data, len, NULL, err, errlen);
	free(data);
	const char *body = memchr(text, '\n', tlen);
	body = body ? body + 1 : text + tlen;
	wf_diags d = {.max = 1};
	wf_world *w = cf ? wf_parse(body, tlen - (size_t)(body - text), file, &d) : NULL;
	if (cf && (!w || d.errors)) {
		snprintf(err, errlen, "cannot recover %s: %s", file,
		         d.n ? d.v[0].msg : "out of memory");
		wf_world_free(w);
		w = NULL;
	} else if (!cf && !err[0]) {
		snprintf(err, errlen,
		         "cannot recover %s: the sides of world.acre do not "
		         "parse ('acre check' says why)",
		         file);
	}
	wf_diags_free(&d);
	if (!w) {
		cf_free(cf);
		return -1;
	}
	char *line = strndup(text, (size_t)(body - text));
	if (line) {
		get_flags(cf, line, " kept=", F_KEPT);
		get_flags(cf, line, " forced=", F_FORCED);
		free(line);
	}
	cf->recovered = true;
	u->cf = cf;
	*out = w;
	return 1;
}

int ed_conflict_load(ed_ui *u, const char *file, wf_world **out, char *err, size_t errlen)
{
	err[0] = 0;
	if (file) {
		char *text = NULL;
		size_t tlen = 0, size;
		uint64_t h;
		int r = 0;
		if (merge_file(file, &h, &size) &&
		    wf_read_named(file, WF_MAX_WORLD_BYTES, &text, &tlen) == WF_READ_OK &&
		    merge_head(text, tlen, &h, &size))
			r = recover(u, file, text, tlen, out, err, errlen);
		free(text);
		return r; /* 0: an ordinary recovery file, read the ordinary way */
	}
	char *data;
	size_t len = 0;
	if (!read_marked(u->dir, &data, &len))
		return 0; /* read the ordinary way, which says what is wrong */
	ed_conflicts *cf = open_sides(data, len, out, err, errlen);
	free(data);
	if (!cf)
		return err[0] ? -1 : 0;
	u->cf = cf;
	return 1;
}

/* Undo and redo of a pick set its conflict's flag through here. */
static void on_mark(void *arg, int key, int value)
{
	ed_conflicts *cf = arg;
	if (key >= 0 && key < cf->n)
		cf->v[key].flag = value;
}

void ed_conflict_free(ed_ui *u)
{
	if (!u->cf)
		return;
	if (u->m.mark_arg == u->cf) { /* marks left in the history now do nothing */
		u->m.on_mark = NULL;
		u->m.mark_arg = NULL;
	}
	cf_free(u->cf);
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
	u->m.on_mark = on_mark;
	u->m.mark_arg = u->cf;
	int n = ed_conflict_left(u);
	if (u->cf->recovered)
		ed_set_msg(u, false,
		           "recovered the merge: %d of %d conflict%s left (]c next, < "
		           "keeps ours, > takes theirs, ? lists the keys)",
		           n, u->cf->n, u->cf->n == 1 ? "" : "s");
	else
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

bool ed_conflict_blocks_commit(ed_ui *u)
{
	if (!u->cf)
		return false;
	int n = ed_conflict_left(u);
	if (n)
		ed_set_msg(u, true,
		           "%d merge conflict%s left: settle them and :w, then c commits "
		           "the merge",
		           n, n == 1 ? "" : "s");
	else
		ed_set_msg(u, true,
		           "the merge is settled: :w writes it, then c commits it");
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

/* A palette entry or zone that side s has (take() handles one it lacks). */
static int take_glyph(ed_ui *u, const wf_world *s, const cf_item *c)
{
	int g = wf_find_glyph(s, c->name), k = wf_find_glyph(u->m.w, c->name);
	const wf_glyph *e = &s->palette[g];
	if (k < 0)
		return glyph_here(u, s, g) < 0 ? -1 : 0;
	if (ed_palette_set(&u->m, k, e->name, e->solid))
		return -1;
	return ed_palette_script(&u->m, k, nz(e->script));
}

static int take_zone(ed_ui *u, const wf_world *s, const cf_item *c)
{
	int z = wf_find_zone(s, c->name), k = wf_find_zone(u->m.w, c->name);
	const wf_zone *e = &s->zones[z];
	return k < 0 ? ed_zone_add(&u->m, e->name, e->caps, e->max_entities)
	             : ed_zone_set(&u->m, k, e->caps, e->max_entities);
}

static int take_tile(ed_ui *u, const wf_world *s, const cf_item *c)
{
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
	return k < 0 ? -1
	             : ed_paint(&u->m, wp->px * u->m.w->parcel_w + c->x,
	                        wp->py * u->m.w->parcel_h + c->y, k);
}

/* Make the world hold side s's value for conflict c, by a model edit
 * (none when it does already). *forced: s has no such palette entry or
 * zone, and the world's may stay. */
static int take(ed_ui *u, const cf_item *c, const wf_world *s, bool *forced)
{
	char vw[512], vs[512];
	value(u->m.w, c, vw, sizeof vw);
	value(s, c, vs, sizeof vs);
	*forced = false;
	if (strcmp(vw, vs) == 0)
		return 0;
	if (c->kind == K_GLYPH || c->kind == K_ZONE) {
		/* A side without the entry: the world's may stay, as no tile or
		 * parcel that side has names it (it does no harm). */
		*forced = (c->kind == K_GLYPH ? wf_find_glyph(s, c->name)
		                              : wf_find_zone(s, c->name)) < 0;
		if (*forced)
			return 0;
	}
	switch (c->kind) {
	case K_HEADER:
		return ed_header_take(&u->m, s, c->what, "take a side's header key");
	case K_GLYPH:
		return take_glyph(u, s, c);
	case K_ZONE:
		return take_zone(u, s, c);
	case K_PARCEL:
		return take_field(u, s, c);
	case K_ENTITY:
		return take_entity(u, s, c);
	}
	return take_tile(u, s, c);
}

/* Settle conflict i with one side: the world edit, then the mark saying
 * it was settled on purpose, both undone and redone together (the caller
 * groups them). */
static int settle(ed_ui *u, int i, bool theirs)
{
	cf_item *c = &u->cf->v[i];
	bool forced;
	if (take(u, c, theirs ? u->cf->theirs : u->cf->ours, &forced) != 0)
		return -1;
	int flag = !theirs ? F_KEPT : forced ? F_FORCED : F_NONE;
	return flag == c->flag ? 0 : ed_mark(&u->m, i, c->flag, flag, "pick");
}

/* The undo step a pick made, if any, is named for the status line. */
static void pick_begin(ed_ui *u, bool theirs, uint64_t *gen)
{
	*gen = u->m.generation;
	ed_group_begin(&u->m, theirs ? "take theirs" : "keep ours");
}

static void pick_end(ed_ui *u, bool theirs, uint64_t gen)
{
	ed_group_end(&u->m);
	if (u->m.generation != gen && u->m.pos > 0)
		u->m.steps[u->m.pos - 1].what = theirs ? "take theirs" : "keep ours";
}

/* ---- Keys --------------------------------------------------------------------- */

static bool need(ed_ui *u)
{
	if (u->cf)
		return true;
	ed_set_msg(u, true, "no merge conflicts here");
	return false;
}

/* "; 3 left", or what to do once none is. */
static const char *left_note(const ed_ui *u, char *buf, size_t n)
{
	int left = ed_conflict_left(u);
	if (left)
		snprintf(buf, n, "; %d left", left);
	else
		snprintf(buf, n, "; none left: :w writes the merged world");
	return buf;
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
	char d[512];
	describe(u, c, false, d, sizeof d);
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
	ed_set_msg(u, false, "no merge conflicts left: :w writes the merged world");
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

/* < and > (args NULL or ""): the conflict under the cursor. */
static void pick(ed_ui *u, bool theirs)
{
	int i = target(u);
	if (i < 0) {
		ed_set_msg(u, true, "no conflict under the cursor: ]c goes to the next");
		return;
	}
	cf_item *c = &u->cf->v[i];
	u->cf->cur = i;
	u->cf->cx = u->m.cx;
	u->cf->cy = u->m.cy;
	char d[512], note[80];
	describe(u, c, false, d, sizeof d);
	uint64_t gen;
	pick_begin(u, theirs, &gen);
	int r = settle(u, i, theirs);
	pick_end(u, theirs, gen);
	if (r != 0)
		ed_set_msg(u, true, "%s", u->m.err);
	else
		ed_set_msg(u, false, "%s for %s%s", theirs ? "took theirs" : "kept ours",
		           d + strlen("merge conflict in "),
		           left_note(u, note, sizeof note));
}

/* The conflicts of parcel `name` (every one left when NULL) settled with
 * one side; again while it helps: a parcel placed where another one is to
 * go away fits once that one is gone. */
static void settle_all(ed_ui *u, const char *name, bool theirs, int *done, int *failed,
                       char *why, size_t whylen)
{
	ed_conflicts *cf = u->cf;
	for (int pass = 0, before = -1; pass < 4 && *failed != before; pass++) {
		before = *failed;
		*failed = 0;
		for (int i = 0; i < cf->n; i++) {
			cf_item *c = &cf->v[i];
			if (state(u, c) != S_LEFT ||
			    (name && (!c->parcel || strcmp(c->parcel, name) != 0)))
				continue;
			if (settle(u, i, theirs) != 0) {
				if (!(*failed)++)
					snprintf(why, whylen, "%s", u->m.err);
			} else {
				(*done)++;
			}
		}
	}
}

/* < and > (no args), :ours and :theirs with "parcel" (every conflict of
 * the parcel under the cursor: for theirs that side's parcel whole) or
 * "all" (every conflict left): one function for both sides, one undo step
 * for the lot. */
void ed_conflict_take(ed_ui *u, bool theirs, const char *args)
{
	if (!need(u))
		return;
	ed_conflicts *cf = u->cf;
	if (!args || !*args) {
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
	if (!all && pi < 0) {
		ed_set_msg(u, true, "no parcel under the cursor");
		return;
	}
	char name[WF_MAX_NAME + 1] = "", why[256] = "", note[80];
	if (!all)
		snprintf(name, sizeof name, "%s", u->m.w->parcels[pi].name);
	uint64_t gen;
	int done = 0, failed = 0;
	pick_begin(u, theirs, &gen);
	if (!all && theirs) { /* the parcel whole, as theirs has it */
		if (take_parcel(u, cf->theirs, name) != 0)
			failed++, snprintf(why, sizeof why, "%s", u->m.err);
		for (int i = 0; i < cf->n; i++)
			if (cf->v[i].parcel && strcmp(cf->v[i].parcel, name) == 0)
				done += state(u, &cf->v[i]) != S_LEFT;
	} else {
		settle_all(u, all ? NULL : name, theirs, &done, &failed, why, sizeof why);
	}
	pick_end(u, theirs, gen);
	left_note(u, note, sizeof note);
	if (failed)
		ed_set_msg(u, true, "%d settled, %d refused (%s)%s", done, failed, why,
		           note);
	else
		ed_set_msg(u, false, "%s for %d conflict%s%s",
		           theirs ? "took theirs" : "kept ours", done,
		           done == 1 ? "" : "s", note);
}

void ed_conflict_pane(ed_ui *u)
{
	if (!need(u))
		return;
	u->cf->show_ours = !u->cf->show_ours;
	ed_set_msg(u, false, "the right pane shows %s",
	           u->cf->show_ours ? "ours (as the merge left it)" : "theirs");
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
		char line[400];
		describe(u, c, true, line, sizeof line);
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
		/* The panes: the world being merged on the left, a side on the
		 * right. */
		snprintf(buf, n, "  %d CONFLICT%s  merged|%s", left, left == 1 ? "" : "S",
		         u->cf->show_ours ? "ours" : "theirs");
	} else if (u->merging) {
		snprintf(buf, n, "  MERGING");
	}
}
