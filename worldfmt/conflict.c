/* conflict.c — reading a world file that holds merge conflict markers.
 *
 * git (and `acre merge`, see merge.c) leave an unresolved merge as lines
 * between "<<<<<<<", "=======" and ">>>>>>>" at column 0. No statement of
 * the format starts there with '<', '=' or '>', so a marker is never
 * valid text. wf_parse hands such a file here: it is split into ours and
 * theirs, ours is parsed (and returned, its lines pointing back into the
 * marked file), and the semantic diff of the two sides names every
 * conflict in the world's terms: "merge conflict in parcel X, tile (x, y):
 * ours '#', theirs '.'". A marked file always has at least one error, so
 * it can never pass `acre check`. */
#include "worldfmt/internal.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* At most this many tile conflicts are named per parcel; the rest are
 * counted in one line. */
#define TILES_NAMED 8

typedef enum { M_NONE, M_START, M_BASE, M_MID, M_END } marker;

static marker marker_at(const char *s, size_t n)
{
	static const struct {
		char c;
		marker m;
	} kinds[] = {{'<', M_START}, {'|', M_BASE}, {'=', M_MID}, {'>', M_END}};
	if (n < 7)
		return M_NONE;
	for (size_t k = 0; k < sizeof kinds / sizeof *kinds; k++) {
		if (s[0] != kinds[k].c)
			continue;
		for (int i = 1; i < 7; i++)
			if (s[i] != kinds[k].c)
				return M_NONE;
		if (n == 7 || s[7] == ' ' || s[7] == '\n' || s[7] == '\r')
			return kinds[k].m;
		return M_NONE;
	}
	return M_NONE;
}

bool wf_has_conflict_markers(const char *buf, size_t len)
{
	const char *p = buf, *end = buf + len;
	while (p < end) {
		const char *hit = memmem(p, (size_t)(end - p), "<<<<<<<", 7);
		if (!hit)
			return false;
		if ((hit == buf || hit[-1] == '\n') &&
		    marker_at(hit, (size_t)(end - hit)) == M_START)
			return true;
		p = hit + 7;
	}
	return false;
}

typedef struct linemap {
	uint32_t *v;
	size_t n, cap;
} linemap;

static int map_push(linemap *m, uint32_t line)
{
	if (m->n == m->cap) {
		size_t cap = m->cap ? m->cap * 2 : 1024;
		uint32_t *v = realloc(m->v, cap * sizeof *v);
		if (!v)
			return -1;
		m->v = v;
		m->cap = cap;
	}
	m->v[m->n++] = line;
	return 0;
}

/* Lines of one side between two markers lie next to each other in buf, so
 * each side's text is copied in runs, flushed at a marker: the Street's
 * 28 MB split in a few copies instead of a million. */
typedef struct run {
	wf_buf *out;
	const char *from;
	size_t n;
} run;

static int run_flush(run *r)
{
	int rc = r->n ? wf_buf_put(r->out, r->from, r->n) : 0;
	r->n = 0;
	return rc;
}

static int run_add(run *r, const char *s, size_t n)
{
	if (r->n && r->from + r->n != s && run_flush(r))
		return -1;
	if (!r->n)
		r->from = s;
	r->n += n;
	return 0;
}

int wf_conflict_split(const char *buf, size_t len, wf_buf *ours, uint32_t **lines_ours,
                      wf_buf *theirs, uint32_t **lines_theirs, uint32_t *bad_line)
{
	enum { BOTH, OURS, BASE, THEIRS } st = BOTH;
	linemap mo = {0}, mt = {0};
	run ro = {.out = ours}, rt = {.out = theirs};
	uint32_t line = 0;
	/* Each side is at most the whole: no copy while growing. */
	int rc =
	    wf_buf_reserve(ours, len + 1) || wf_buf_reserve(theirs, len + 1) ? -1 : 0;
	*bad_line = 0;
	for (size_t at = 0; at < len && rc == 0;) {
		const char *s = buf + at, *nl = memchr(s, '\n', len - at);
		size_t n = nl ? (size_t)(nl - s) + 1 : len - at;
		at += n;
		line++;
		marker m = s[0] == '<' || s[0] == '|' || s[0] == '=' || s[0] == '>'
		               ? marker_at(s, n)
		               : M_NONE;
		int next = st;
		if (m == M_START && st == BOTH)
			next = OURS;
		else if (m == M_BASE && st == OURS)
			next = BASE;
		else if (m == M_MID && (st == OURS || st == BASE))
			next = THEIRS;
		else if (m == M_END && st == THEIRS)
			next = BOTH;
		else if (m != M_NONE && !*bad_line)
			*bad_line = line;
		if (m != M_NONE) {
			st = next;
			continue; /* a marker belongs to neither side */
		}
		if (st == BOTH || st == OURS)
			rc = run_add(&ro, s, n) || (lines_ours && map_push(&mo, line))
			         ? -1
			         : 0;
		if (rc == 0 && (st == BOTH || st == THEIRS))
			rc = run_add(&rt, s, n) || (lines_theirs && map_push(&mt, line))
			         ? -1
			         : 0;
	}
	if (st != BOTH && !*bad_line)
		*bad_line = line;
	/* Empty sides still need a buffer to parse. */
	if (rc == 0 && (run_flush(&ro) || run_flush(&rt) || wf_buf_put(ours, "", 0) ||
	                wf_buf_put(theirs, "", 0)))
		rc = -1;
	if (lines_ours && rc == 0)
		*lines_ours = mo.v;
	else
		free(mo.v);
	if (lines_theirs && rc == 0)
		*lines_theirs = mt.v;
	else
		free(mt.v);
	return rc;
}

/* ---- Reporting ---------------------------------------------------------- */

typedef struct reporter {
	wf_diags *d;
	const char *file;
	const uint32_t *map; /* ours' line → the marked file's line */
	size_t nmap;
	uint32_t first; /* the first "<<<<<<<" line */
	const wf_world *a, *b;
} reporter;

static uint32_t orig(const reporter *R, uint32_t line)
{
	if (line == 0)
		return R->first;
	return line <= R->nmap ? R->map[line - 1] : R->first;
}

static const char *orq(const char *s)
{
	return s ? s : "(none)";
}

static void header_conflicts(reporter *R, unsigned what)
{
	const wf_world *a = R->a, *b = R->b;
	const char *pre = "merge conflict in the world header";
	if (what & WF_DIFFW_NAME)
		wf_diag_add(R->d, WF_ERROR, R->file, R->first, 1, NULL,
		            "%s, name: ours \"%s\", theirs \"%s\"", pre, orq(a->name),
		            orq(b->name));
	if (what & WF_DIFFW_FORMAT)
		wf_diag_add(R->d, WF_ERROR, R->file, R->first, 1, NULL,
		            "%s, format: ours %d, theirs %d", pre, a->format, b->format);
	if (what & WF_DIFFW_SEED)
		wf_diag_add(R->d, WF_ERROR, R->file, R->first, 1, NULL,
		            "%s, seed: ours %" PRIu64 ", theirs %" PRIu64, pre, a->seed,
		            b->seed);
	if (what & WF_DIFFW_SIZE)
		wf_diag_add(R->d, WF_ERROR, R->file, R->first, 1, NULL,
		            "%s, size: ours %d %d, theirs %d %d", pre, a->width,
		            a->height, b->width, b->height);
	if (what & WF_DIFFW_PARCEL_SIZE)
		wf_diag_add(R->d, WF_ERROR, R->file, R->first, 1, NULL,
		            "%s, parcel-size: ours %d %d, theirs %d %d", pre, a->parcel_w,
		            a->parcel_h, b->parcel_w, b->parcel_h);
	if (what & WF_DIFFW_BUDGET)
		wf_diag_add(R->d, WF_ERROR, R->file, R->first, 1, NULL,
		            "%s, budget: ours and theirs differ", pre);
	if (what & WF_DIFFW_EVENTS)
		wf_diag_add(R->d, WF_ERROR, R->file, R->first, 1, NULL,
		            "%s, events: ours \"%s\", theirs \"%s\"", pre, orq(a->events),
		            orq(b->events));
	if (what & WF_DIFFW_ATTRS)
		wf_diag_add(R->d, WF_ERROR, R->file, R->first, 1, NULL,
		            "%s: ours and theirs set different attributes", pre);
}

static void named_conflicts(reporter *R, const wf_change *v, int n, const char *what,
                            bool palette)
{
	for (int i = 0; i < n; i++) {
		const char *name;
		uint32_t line;
		if (palette) {
			const wf_glyph *g =
			    v[i].a >= 0 ? &R->a->palette[v[i].a] : &R->b->palette[v[i].b];
			name = g->glyph;
			line = v[i].a >= 0 ? orig(R, g->line) : R->first;
		} else {
			const wf_zone *z =
			    v[i].a >= 0 ? &R->a->zones[v[i].a] : &R->b->zones[v[i].b];
			name = z->name;
			line = v[i].a >= 0 ? orig(R, z->line) : R->first;
		}
		const char *how = v[i].kind == WF_CH_ADDED     ? "only theirs has it"
		                  : v[i].kind == WF_CH_REMOVED ? "only ours has it"
		                                               : "ours and theirs differ";
		wf_diag_add(R->d, WF_ERROR, R->file, line, 1, NULL,
		            "merge conflict in %s%s%s%s: %s", what, palette ? " '" : " ",
		            name, palette ? "'" : "", how);
	}
}

static void tile_conflicts(reporter *R, const wf_parcel_diff *pd)
{
	const wf_parcel *p = &R->a->parcels[pd->a], *q = &R->b->parcels[pd->b];
	int32_t w = wf_parcel_tw(R->a, p), h = wf_parcel_th(R->a, p);
	if (w != wf_parcel_tw(R->b, q) || h != wf_parcel_th(R->b, q))
		return; /* named by the size conflict */
	int64_t named = 0;
	for (int32_t y = pd->y0; y < pd->y1; y++)
		for (int32_t x = pd->x0; x < pd->x1; x++) {
			const char *ga = wf_tile_glyph(R->a, p, x, y);
			const char *gb = wf_tile_glyph(R->b, q, x, y);
			if (wf_str_eq(ga, gb) || named++ >= TILES_NAMED)
				continue;
			uint32_t line = p->layout_line
			                    ? orig(R, p->layout_line + (uint32_t)y)
			                    : orig(R, p->line);
			wf_diag_add(R->d, WF_ERROR, R->file, line, (uint32_t)x + 5,
			            p->name,
			            "merge conflict in parcel %s, tile (%d, %d): ours "
			            "'%s', theirs '%s'",
			            p->name, x, y, orq(ga), orq(gb));
		}
	if (named > TILES_NAMED)
		wf_diag_add(R->d, WF_ERROR, R->file, orig(R, p->line), 1, p->name,
		            "merge conflict in parcel %s: %" PRId64 " more tiles differ",
		            p->name, named - TILES_NAMED);
}

static void entity_conflicts(reporter *R, const wf_parcel_diff *pd)
{
	const wf_parcel *p = &R->a->parcels[pd->a], *q = &R->b->parcels[pd->b];
	for (int i = 0; i < pd->nentities; i++) {
		const wf_change *c = &pd->entities[i];
		const wf_entity *ea = c->a >= 0 ? &p->entities[c->a] : NULL;
		const wf_entity *eb = c->b >= 0 ? &q->entities[c->b] : NULL;
		uint32_t line = orig(R, ea ? ea->line : p->line);
		const char *name = ea ? ea->name : eb->name;
		if (ea && eb && (ea->x != eb->x || ea->y != eb->y))
			wf_diag_add(
			    R->d, WF_ERROR, R->file, line, 1, p->name,
			    "merge conflict in parcel %s, entity %s: ours at (%d, %d), "
			    "theirs at (%d, %d)",
			    p->name, name, ea->x, ea->y, eb->x, eb->y);
		else
			wf_diag_add(R->d, WF_ERROR, R->file, line, 1, p->name,
			            "merge conflict in parcel %s, entity %s: %s", p->name,
			            name,
			            !ea   ? "only theirs has it"
			            : !eb ? "only ours has it"
			                  : "ours and theirs differ");
	}
}

/* Theirs' parcel q on land where ours has another parcel? Its name, else
 * NULL. */
static const char *land_of(const reporter *R, const wf_parcel *q)
{
	for (int i = 0; i < R->a->nparcels; i++) {
		const wf_parcel *p = &R->a->parcels[i];
		if (p->px < q->px + q->pw && q->px < p->px + p->pw &&
		    p->py < q->py + q->ph && q->py < p->py + p->ph &&
		    !wf_str_eq(p->name, q->name))
			return p->name;
	}
	return NULL;
}

static void parcel_conflicts(reporter *R, const wf_parcel_diff *pd)
{
	if (pd->what & WF_DIFF_ADDED) {
		const wf_parcel *q = &R->b->parcels[pd->b];
		const char *other = land_of(R, q);
		if (other)
			wf_diag_add(
			    R->d, WF_ERROR, R->file, R->first, 1, q->name,
			    "merge conflict in parcel %s: theirs places it on land where "
			    "ours has parcel %s",
			    q->name, other);
		else
			wf_diag_add(R->d, WF_ERROR, R->file, R->first, 1, q->name,
			            "merge conflict in parcel %s: only theirs has it",
			            q->name);
		return;
	}
	const wf_parcel *p = &R->a->parcels[pd->a];
	uint32_t line = orig(R, p->line);
	if (pd->what & WF_DIFF_REMOVED) {
		wf_diag_add(R->d, WF_ERROR, R->file, line, 1, p->name,
		            "merge conflict in parcel %s: only ours has it", p->name);
		return;
	}
	const wf_parcel *q = &R->b->parcels[pd->b];
	if (pd->what & WF_DIFF_MOVED)
		wf_diag_add(R->d, WF_ERROR, R->file, line, 1, p->name,
		            "merge conflict in parcel %s: ours places it at %d %d, "
		            "theirs at %d %d",
		            p->name, p->px, p->py, q->px, q->py);
	if (pd->what & WF_DIFF_RESIZED)
		wf_diag_add(R->d, WF_ERROR, R->file, line, 1, p->name,
		            "merge conflict in parcel %s, size: ours %d %d, theirs %d %d",
		            p->name, p->pw, p->ph, q->pw, q->ph);
	if (pd->what & WF_DIFF_OWNER)
		wf_diag_add(
		    R->d, WF_ERROR, R->file, line, 1, p->name,
		    "merge conflict in parcel %s, owner: ours \"%s\", theirs \"%s\"",
		    p->name, orq(p->owner), orq(q->owner));
	if (pd->what & WF_DIFF_ZONE)
		wf_diag_add(R->d, WF_ERROR, R->file, line, 1, p->name,
		            "merge conflict in parcel %s, zone: ours %s, theirs %s",
		            p->name, orq(p->zone), orq(q->zone));
	if (pd->what & WF_DIFF_SCRIPT)
		wf_diag_add(
		    R->d, WF_ERROR, R->file, line, 1, p->name,
		    "merge conflict in parcel %s, script: ours \"%s\", theirs \"%s\"",
		    p->name, orq(p->script), orq(q->script));
	if (pd->what & WF_DIFF_ATTRS)
		wf_diag_add(R->d, WF_ERROR, R->file, line, 1, p->name,
		            "merge conflict in parcel %s: ours and theirs set different "
		            "attributes",
		            p->name);
	if (pd->what & WF_DIFF_TILES)
		tile_conflicts(R, pd);
	if (pd->what & WF_DIFF_ENTITIES)
		entity_conflicts(R, pd);
}

/* Model lines point into ours' text; make them point into the marked file
 * so that validation errors land on the right line too. */
static void remap_lines(const reporter *R, wf_world *w)
{
	for (int i = 0; i < w->npalette; i++)
		w->palette[i].line = orig(R, w->palette[i].line);
	for (int i = 0; i < w->nzones; i++)
		w->zones[i].line = orig(R, w->zones[i].line);
	for (int i = 0; i < w->nparcels; i++) {
		wf_parcel *p = &w->parcels[i];
		p->line = orig(R, p->line);
		for (int k = 0; k < p->nentities; k++)
			p->entities[k].line = orig(R, p->entities[k].line);
	}
}

static uint32_t first_marker(const char *buf, size_t len)
{
	uint32_t line = 1;
	for (size_t at = 0; at < len;) {
		const char *s = buf + at, *nl = memchr(s, '\n', len - at);
		size_t n = nl ? (size_t)(nl - s) + 1 : len - at;
		if (marker_at(s, n) == M_START)
			return line;
		at += n;
		line++;
	}
	return 1;
}

wf_world *wf_parse_conflicted(const char *buf, size_t len, const char *file, wf_diags *d)
{
	wf_buf ours = {0}, theirs = {0};
	uint32_t *map = NULL, bad = 0;
	if (wf_conflict_split(buf, len, &ours, &map, &theirs, NULL, &bad) != 0) {
		wf_buf_free(&ours);
		wf_buf_free(&theirs);
		return NULL;
	}
	size_t nmap = 0;
	for (size_t i = 0; i < ours.len; i++)
		nmap += ours.data[i] == '\n';
	if (ours.len && ours.data[ours.len - 1] != '\n')
		nmap++;
	reporter R = {.d = d,
	              .file = file,
	              .map = map,
	              .nmap = nmap,
	              .first = first_marker(buf, len)};
	wf_diags da = {.max = d->max}, db = {.max = 1};
	wf_world *a = wf_parse(ours.data, ours.len, file, &da);
	wf_world *b = wf_parse(theirs.data, theirs.len, file, &db);
	int before = d->errors;
	if (bad)
		wf_diag_add(
		    d, WF_ERROR, file, bad, 1, NULL,
		    "merge conflict markers out of order (expected <<<<<<<, ======= "
		    "and >>>>>>> in turn)");
	R.a = a;
	R.b = b;
	wf_diff df;
	if (a && b && !da.errors && !db.errors && wf_diff_worlds(a, b, &df) == 0) {
		header_conflicts(&R, df.world);
		named_conflicts(&R, df.palette, df.npalette, "the palette, glyph", true);
		named_conflicts(&R, df.zones, df.nzones, "zone", false);
		for (int i = 0; i < df.nparcels; i++)
			parcel_conflicts(&R, &df.parcels[i]);
		wf_diff_free(&df);
	}
	if (d->errors == before)
		wf_diag_add(
		    d, WF_ERROR, file, R.first, 1, NULL,
		    "unresolved merge conflict: keep one side and remove the <<<<<<<, "
		    "======= and >>>>>>> lines");
	/* Ours' own errors, on the marked file's lines. */
	for (int i = 0; i < da.n; i++) {
		const wf_diag *g = &da.v[i];
		wf_diag_add(d, g->severity, file, orig(&R, g->line), g->col, g->parcel,
		            "%s", g->msg);
	}
	if (a)
		remap_lines(&R, a);
	wf_diags_free(&da);
	wf_diags_free(&db);
	wf_world_free(b);
	wf_buf_free(&ours);
	wf_buf_free(&theirs);
	free(map);
	return a;
}
