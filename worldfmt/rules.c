/* rules.c — the static rules of a world (acre-world(5), RULES), checked
 * without running code: geometry, palette, zones and caps, names, scripts
 * on disk, budgets and text. Each broken rule is one diagnostic naming the
 * statement's line, so `acre check` and the editor's panel can jump to it. */
#include "worldfmt/internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>

typedef struct rules {
	wf_world *w;
	const char *dir, *file;
	wf_diags *d;
	int errors;
	wf_names zones; /* zone name → index */
	wf_names_memo zone_memo;
	int palette_scripts; /* palette entries with a script */
	/* What the guarded reader said of each distinct file named (path and
	 * cap): the Street names three scripts from 6,000 parcels, and each
	 * probe is a few system calls. Open addressing, grown at half full. */
	struct probe {
		const char *path; /* NULL: empty slot */
		size_t cap;
		wf_read_status st;
	} *probes;
	uint32_t probes_mask; /* slots - 1, 0 before the first */
	uint32_t nprobes;
} rules;

static wf_diag *vbad(rules *R, wf_pos at, const char *parcel, const char *rule,
                     const char *fmt, va_list ap)
{
	char msg[512];
	vsnprintf(msg, sizeof msg, fmt, ap);
	R->errors++;
	if (at.line && !at.col)
		at.col = 1;
	wf_diag *g = wf_diag_add(R->d, WF_ERROR, R->file, at.line, at.line ? at.col : 0,
	                         parcel, "%s", msg);
	if (g) {
		g->end_col = at.line ? at.end : 0;
		g->rule = rule;
	}
	return g;
}

/* A broken rule at a token of the file: `at` is where the wrong value is
 * (its statement's position in the model), so the report points at the
 * line that is wrong, not at the block it is in. */
__attribute__((format(printf, 5, 6))) static wf_diag *
bad_at(rules *R, wf_pos at, const char *parcel, const char *rule, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	wf_diag *g = vbad(R, at, parcel, rule, fmt, ap);
	va_end(ap);
	return g;
}

/* The same where only the statement's line is known. */
__attribute__((format(printf, 4, 5))) static wf_diag *
bad(rules *R, uint32_t line, const char *parcel, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	wf_diag *g = vbad(R, (wf_pos){line, 1, 0}, parcel, "rules", fmt, ap);
	va_end(ap);
	return g;
}

/* A position, or the line `line` when the model does not know it (a world
 * built by the editor). */
static wf_pos pos_or(wf_pos p, uint32_t line)
{
	return p.line ? p : (wf_pos){line, 1, 0};
}

/* Names and free text must read back the same after a write. */
static void check_name(rules *R, uint32_t line, const char *parcel, const char *what,
                       const char *s)
{
	if (!s || !wf_name_ok_str(s))
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

/* "did you mean" for a file that is not there: the closest name among
 * the files of the directory it names (inside the world). */
static void suggest_file(rules *R, wf_diag *g, const char *path)
{
	if (!g || !R->dir)
		return;
	const char *slash = strrchr(path, '/');
	char dir[4096];
	size_t dn = slash ? (size_t)(slash - path) : 0;
	if ((size_t)snprintf(dir, sizeof dir, "%s/%.*s", R->dir, (int)dn, path) >=
	    sizeof dir)
		return;
	DIR *dp = opendir(dir);
	if (!dp)
		return;
	enum { MAX_FILES = 4096 };
	char **names = malloc(MAX_FILES * sizeof *names);
	int n = 0;
	struct dirent *de;
	while (names && n < MAX_FILES && (de = readdir(dp)))
		if (de->d_name[0] != '.' && (names[n] = strdup(de->d_name)))
			n++;
	closedir(dp);
	const char *s = names ? wf_suggest(slash ? slash + 1 : path, names,
	                                   sizeof *names, n)
	                      : NULL;
	if (s)
		wf_diag_help(g, "did you mean '%.*s%s'?", (int)(slash ? dn + 1 : 0), path,
		             s);
	for (int i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

/* A file the world names (a script, the events file) must pass the guarded
 * reader that will read it: relative, inside the world, no symbolic link,
 * a regular file within its size cap. The message names the path and the
 * reason, never the content of what is there; a missing file gets the
 * closest name in its directory as a suggestion. */
static wf_read_status probe_now(const rules *R, const char *path, size_t cap)
{
	wf_read_status st = wf_path_check(path);
	if (st == WF_READ_OK && R->dir)
		st = wf_world_probe(R->dir, path, cap);
	return st;
}

static bool probes_grow(rules *R)
{
	uint32_t n = R->probes_mask ? (R->probes_mask + 1) * 2 : 64;
	struct probe *v = calloc(n, sizeof *v);
	if (!v)
		return false;
	for (uint32_t i = 0; R->probes_mask && i <= R->probes_mask; i++) {
		if (!R->probes[i].path)
			continue;
		uint32_t h = wf_hash(R->probes[i].path) & (n - 1);
		while (v[h].path)
			h = (h + 1) & (n - 1);
		v[h] = R->probes[i];
	}
	free(R->probes);
	R->probes = v;
	R->probes_mask = n - 1;
	return true;
}

/* The reader's status for a file the world names, probed once per
 * validation: the answer for the same path and cap cannot differ within
 * one pass (a file changed meanwhile is a race either way). */
static wf_read_status probe_file(rules *R, const char *path, size_t cap)
{
	if (!path || !R->dir)
		return probe_now(R, path, cap);
	if ((R->nprobes + 1) * 2 > R->probes_mask + 1 && !probes_grow(R))
		return probe_now(R, path, cap); /* out of memory: uncached */
	uint32_t h = wf_hash(path) & R->probes_mask;
	for (; R->probes[h].path; h = (h + 1) & R->probes_mask)
		if (R->probes[h].cap == cap && strcmp(R->probes[h].path, path) == 0)
			return R->probes[h].st;
	R->probes[h] = (struct probe){path, cap, probe_now(R, path, cap)};
	R->nprobes++;
	return R->probes[h].st;
}

static void check_file(rules *R, wf_pos at, const char *parcel, const char *what,
                       const char *path, size_t cap, const char *missing_rule,
                       const char *remedy)
{
	check_text(R, at.line, parcel, what, path);
	wf_read_status st = probe_file(R, path, cap);
	wf_diag *g = NULL;
	if (st == WF_READ_BADPATH) {
		g = bad_at(R, at, parcel, "file-path",
		           "%s path '%.200s' must be relative to the world and stay "
		           "inside it",
		           what, path);
		wf_diag_help(g, "files live in the world's directory, e.g. "
		                "scripts/NAME.lua");
	} else if (st == WF_READ_MISSING) {
		g = bad_at(R, at, parcel, missing_rule, "%s '%.200s' not found in the world",
		           what, path);
		suggest_file(R, g, path);
		if (g && !g->help)
			wf_diag_help(g, "create %.200s, or %s", path, remedy);
	} else if (st == WF_READ_TOOBIG) {
		bad_at(R, at, parcel, "file-size", "%s '%.200s' is larger than %zu bytes",
		       what, path, cap);
	} else if (st != WF_READ_OK) {
		bad_at(R, at, parcel, "file", "%s '%.200s' is %s", what, path,
		       wf_read_strerror(st));
	}
}

static void check_script(rules *R, wf_pos at, const char *parcel, const char *path)
{
	check_file(R, at, parcel, "script", path, WF_MAX_SCRIPT_BYTES, "missing-script",
	           "correct the path");
}

static void check_header(rules *R)
{
	wf_world *w = R->w;
	check_text(R, 1, NULL, "the world's name", w->name);
	if (w->format != WF_FORMAT_VERSION)
		bad_at(R, pos_or(w->pos_format, 1), NULL, "format-version",
		       "unsupported format %d (this acre writes format %d)", w->format,
		       WF_FORMAT_VERSION);
	if (w->width < 1 || w->height < 1 || w->width > WF_MAX_WORLD_PARCELS ||
	    w->height > WF_MAX_WORLD_PARCELS)
		bad_at(R, pos_or(w->pos_size, 1), NULL, "range",
		       "world size %d×%d is outside 1..%d unit parcels", w->width,
		       w->height, WF_MAX_WORLD_PARCELS);
	if (w->parcel_w < 1 || w->parcel_h < 1 || w->parcel_w > WF_MAX_PARCEL_TILES ||
	    w->parcel_h > WF_MAX_PARCEL_TILES)
		bad_at(R, pos_or(w->pos_parcel_size, 1), NULL, "range",
		       "parcel-size %d×%d is outside 1..%d tiles", w->parcel_w,
		       w->parcel_h, WF_MAX_PARCEL_TILES);
	int64_t tiles = (int64_t)w->width * w->parcel_w * w->height * w->parcel_h;
	if (tiles > WF_MAX_WORLD_TILES)
		bad_at(R, pos_or(w->pos_size, 1), NULL, "range",
		       "the world has %lld tiles (%d×%d unit parcels of %d×%d); at "
		       "most %lld are allowed",
		       (long long)tiles, w->width, w->height, w->parcel_w, w->parcel_h,
		       (long long)WF_MAX_WORLD_TILES);
	const wf_budget *b = &w->unit_budget;
	if (b->entities < 0 || b->instructions < 0 || b->memory < 0)
		bad_at(R, pos_or(w->pos_budget, 1), NULL, "range",
		       "budget values must not be negative");
	if (w->events)
		check_file(R, pos_or(w->pos_events, 1), NULL, "events file", w->events,
		           WF_MAX_EVENTS_BYTES, "missing-events", "remove the events line");
	check_attrs(R, 1, NULL, w->attrs, w->nattrs);
}

static void check_palette(rules *R)
{
	wf_world *w = R->w;
	if (w->npalette > WF_MAX_PALETTE)
		bad(R, 1, NULL, "more than %d palette entries", WF_MAX_PALETTE);
	for (int i = 0; i < w->npalette; i++) {
		const wf_glyph *g = &w->palette[i];
		R->palette_scripts += g->script != NULL;
		if (!g->glyph || !wf_glyph_ok(g->glyph))
			bad(R, g->line, NULL,
			    "palette entry %d: a glyph is one character "
			    "(one UTF-8 code point, not a space, a control or '\"')",
			    i + 1);
		check_name(R, g->line, NULL, "glyph", g->name);
		if (g->script)
			check_script(R, pos_or(g->pos_script, g->line), NULL, g->script);
		check_attrs(R, g->line, NULL, g->attrs, g->nattrs);
		for (int j = 0; j < i; j++) {
			const wf_glyph *o = &w->palette[j];
			if (g->glyph && o->glyph && strcmp(g->glyph, o->glyph) == 0)
				bad_at(R, pos_or(g->pos_glyph, g->line), NULL, "duplicate",
				    "glyph \"%s\" defined twice in the "
				    "palette (first at line %u)",
				    g->glyph, o->line);
			if (g->name && o->name && strcmp(g->name, o->name) == 0)
				bad_at(R, pos_or(g->pos_name, g->line), NULL, "duplicate",
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
			wf_diag_help(bad_at(R, pos_or(z->pos_name, z->line), NULL,
			                    "duplicate",
			                    "zone '%s' defined twice (first at line %u)",
			                    z->name, w->zones[j].line),
			             "rename one of them, or merge them into one block");
	}
}

/* Entities: names unique in the parcel, inside it, scripts allowed. The
 * names are compared pairwise only for small parcels; bigger ones sort a
 * copy of the names. */
static int cmp_entity(const void *a, const void *b)
{
	const wf_entity *x = *(const wf_entity *const *)a;
	const wf_entity *y = *(const wf_entity *const *)b;
	int c = strcmp(x->name, y->name);
	return c ? c : x < y ? -1 : x > y;
}

static void check_entities(rules *R, wf_parcel *p, int caps)
{
	wf_world *w = R->w;
	int64_t tw = wf_parcel_tw(w, p), th = wf_parcel_th(w, p);
	for (int i = 0; i < p->nentities; i++) {
		const wf_entity *e = &p->entities[i];
		check_name(R, e->line, p->name, "entity", e->name);
		if (e->x < 0 || e->y < 0 || e->x >= tw || e->y >= th)
			wf_diag_help(bad_at(R, pos_or(e->pos_xy, e->line), p->name,
			                    "entity-outside",
			                    "entity '%s' at %d %d is outside parcel "
			                    "'%s' (%lld×%lld tiles)",
			                    e->name, e->x, e->y, p->name, (long long)tw,
			                    (long long)th),
			             "tile positions are relative to the parcel: x from "
			             "0 to %lld, y from 0 to %lld",
			             (long long)tw - 1, (long long)th - 1);
		if (e->glyph && !wf_glyph_ok(e->glyph))
			bad(R, e->line, p->name, "entity '%s': a glyph is one character",
			    e->name);
		if (e->script) {
			wf_pos at = pos_or(e->pos_script, e->line);
			if (!(caps & WF_CAP_SCRIPTS))
				wf_diag_help(bad_at(R, at, p->name, "script-not-allowed",
				                    "entity '%s' has a script but zone "
				                    "'%s' does not allow scripts",
				                    e->name, p->zone),
				             "add 'allow scripts' to zone '%s', or remove "
				             "the script",
				             p->zone);
			check_script(R, at, p->name, e->script);
		}
		check_attrs(R, e->line, p->name, e->attrs, e->nattrs);
	}
	if (p->nentities < 2)
		return;
	/* Sorted by name then file order, so the second of two is the one
	 * reported, at its own line. */
	const wf_entity **es = malloc((size_t)p->nentities * sizeof *es);
	if (!es)
		return;
	int n = 0;
	for (int i = 0; i < p->nentities; i++)
		if (p->entities[i].name)
			es[n++] = &p->entities[i];
	qsort(es, (size_t)n, sizeof *es, cmp_entity);
	for (int i = 1; i < n; i++)
		if (strcmp(es[i]->name, es[i - 1]->name) == 0 &&
		    (i == 1 || strcmp(es[i]->name, es[i - 2]->name) != 0))
			wf_diag_help(bad_at(R, pos_or(es[i]->pos_name, es[i]->line),
			                    p->name, "duplicate",
			                    "entity name '%s' used twice in parcel '%s' "
			                    "(first at line %u)",
			                    es[i]->name, p->name, es[i - 1]->line),
			             "give each entity of a parcel its own name");
	free(es);
}

/* Is any of the n tiles >= k? Eight at a time: a byte of x is >= k
 * (k <= 128) exactly when adding 128 - k sets its top bit or it was set;
 * the bytes do not carry into one another since each stays below 256. */
static bool tile_at_least(const uint8_t *t, size_t n, uint8_t k)
{
	if (k == 0)
		return n > 0;
	size_t i = 0;
	if (k <= 128) {
		const uint64_t ones = 0x0101010101010101u, high = ones * 0x80;
		uint64_t add = ones * (uint64_t)(128 - k), acc = 0, big = 0;
		/* Two words a turn: a row of 16 tiles is one. */
		for (; i + 16 <= n; i += 16) {
			uint64_t x, y;
			memcpy(&x, t + i, 8);
			memcpy(&y, t + i + 8, 8);
			acc |= ((x & ~high) + add) | ((y & ~high) + add);
			big |= x | y;
		}
		for (; i + 8 <= n; i += 8) {
			uint64_t x;
			memcpy(&x, t + i, 8);
			acc |= (x & ~high) + add;
			big |= x;
		}
		if ((acc | big) & high)
			return true;
	}
	for (; i < n; i++)
		if (t[i] >= k)
			return true;
	return false;
}

static void check_tiles(rules *R, const wf_parcel *p)
{
	wf_world *w = R->w;
	if (!p->tiles || p->pw < 1 || p->ph < 1)
		return;
	size_t n = (size_t)wf_parcel_tw(w, p) * (size_t)wf_parcel_th(w, p);
	if (w->npalette >= 256 || !tile_at_least(p->tiles, n, (uint8_t)w->npalette))
		return;
	uint8_t maxv = 0;
	for (size_t i = 0; i < n; i++)
		if (p->tiles[i] > maxv)
			maxv = p->tiles[i];
	if (maxv >= w->npalette)
		bad_at(R, (wf_pos){p->layout_line ? p->layout_line : p->line, 1, 0},
		       p->name, "unknown-glyph",
		    "parcel '%s' uses tile %d, but the palette has %d entr%s", p->name,
		    maxv, w->npalette, w->npalette == 1 ? "y" : "ies");
}

/* Where a parcel outside the world is wrong: its size when its corner is
 * inside (the size makes it reach out), else its position. */
static wf_pos outside_pos(const wf_world *w, const wf_parcel *p)
{
	bool corner_in = p->px >= 0 && p->py >= 0 && p->px < w->width && p->py < w->height;
	return pos_or(corner_in && p->pos_size.line ? p->pos_size : p->pos_xy, p->line);
}

static void check_parcel(rules *R, wf_parcel *p, int index)
{
	wf_world *w = R->w;
	check_name(R, p->line, p->name, "parcel", p->name);
	if (p->pw < 1 || p->ph < 1)
		bad_at(R, pos_or(p->pos_size, p->line), p->name, "range",
		       "parcel '%s' has size %d×%d (at least 1×1)", p->name, p->pw,
		       p->ph);
	else if (p->px < 0 || p->py < 0 || (int64_t)p->px + p->pw > w->width ||
	         (int64_t)p->py + p->ph > w->height)
		wf_diag_help(
		    bad_at(R, outside_pos(w, p), p->name, "parcel-outside",
		           "parcel '%s' at %d %d (size %d×%d) is outside "
		           "the world (%d×%d unit parcels)",
		           p->name, p->px, p->py, p->pw, p->ph, w->width, w->height),
		    "the world's unit parcels are x 0 to %d and y 0 to %d; "
		    "grow it with 'size' or move the parcel",
		    w->width - 1, w->height - 1);
	else if ((int64_t)wf_parcel_tw(w, p) * wf_parcel_th(w, p) > WF_MAX_PARCEL_AREA)
		bad_at(R, pos_or(p->pos_size, p->line), p->name, "range",
		       "parcel '%s' has %lld tiles (%d×%d); a parcel may have at "
		       "most %lld",
		       p->name, (long long)wf_parcel_tw(w, p) * wf_parcel_th(w, p),
		       wf_parcel_tw(w, p), wf_parcel_th(w, p),
		       (long long)WF_MAX_PARCEL_AREA);
	check_text(R, pos_or(p->pos_owner, p->line).line, p->name, "owner", p->owner);
	check_attrs(R, p->line, p->name, p->attrs, p->nattrs);
	int caps = WF_CAP_ALL;
	p->zone_index = -1;
	if (p->zone) {
		p->zone_index = wf_names_get_memo(&R->zones, &R->zone_memo, p->zone);
		if (p->zone_index < 0) {
			wf_diag *g = bad_at(R, pos_or(p->pos_zone, p->line), p->name,
			                    "unknown-zone",
			                    "parcel '%s' names unknown zone '%.64s'",
			                    p->name, p->zone);
			const char *s = wf_suggest(p->zone, w->nzones ? &w->zones[0].name : NULL,
			                           sizeof *w->zones, w->nzones);
			if (s)
				wf_diag_help(g, "did you mean '%s'?", s);
			else if (w->nzones == 0)
				wf_diag_help(g, "the world defines no zones; add "
				                "'zone %.64s' … 'end' or remove this line",
				             p->zone);
			else
				wf_diag_help(g, "define it with 'zone %.64s' … 'end', or "
				                "name a zone the world has",
				             p->zone);
			caps = WF_CAP_ALL; /* one error is enough */
		} else {
			caps = w->zones[p->zone_index].caps;
		}
	}
	if (p->script) {
		wf_pos at = pos_or(p->pos_script, p->line);
		if (!(caps & WF_CAP_SCRIPTS))
			wf_diag_help(bad_at(R, at, p->name, "script-not-allowed",
			                    "parcel '%s' has a script but zone '%s' "
			                    "does not allow scripts",
			                    p->name, p->zone),
			             "add 'allow scripts' to zone '%s', or remove the "
			             "script line",
			             p->zone);
		check_script(R, at, p->name, p->script);
	}
	check_tiles(R, p);
	check_entities(R, p, caps);
	/* The scripts a parcel could run at the most, counted cheaply: only a
	 * parcel that could run too many has its list made. */
	int could = R->palette_scripts + (p->script != NULL);
	for (int i = 0; i < p->nentities; i++)
		could += p->entities[i].script != NULL;
	const char *list[WF_MAX_PARCEL_SCRIPTS];
	if (could > WF_MAX_PARCEL_SCRIPTS &&
	    wf_parcel_scripts(w, p, list, WF_MAX_PARCEL_SCRIPTS) > WF_MAX_PARCEL_SCRIPTS)
		bad(R, p->line, p->name, "parcel '%s' runs more than %d distinct scripts",
		    p->name, WF_MAX_PARCEL_SCRIPTS);
	/* With no entity, only a negative budget (an edited model) is exceeded. */
	if (p->nentities == 0 && w->unit_budget.entities >= 0)
		return;
	wf_budget b = wf_parcel_budget(w, p);
	if (p->nentities > b.entities)
		wf_diag_help(bad_at(R,
		       b.entities >= 0 && b.entities < p->nentities
		           ? pos_or(p->entities[b.entities].pos_name,
		                    p->entities[b.entities].line)
		           : (wf_pos){p->line, 1, 0},
		       p->name, "budget",
		    "parcel '%s' has %d entit%s; its budget allows "
		    "%lld (%d unit parcel%s × %lld)",
		    p->name, p->nentities, p->nentities == 1 ? "y" : "ies",
		    (long long)b.entities, p->pw * p->ph,
		    p->pw * p->ph == 1 ? "" : "s",
		    (long long)(b.entities / (p->pw * p->ph > 0 ? p->pw * p->ph : 1))),
		             "remove an entity, or raise the budget (the world's "
		             "'budget entities=' or the zone's max-entities-per-parcel)");
	(void)index;
}

/* Overlaps come out of the index: cells are claimed in parcel order and
 * row-major order, each parcel stopping at its first taken cell, so the
 * first cell of a parcel that is not its own names the parcel it overlaps.
 * Parcels outside the world were reported by check_parcel. */
static void check_overlaps(rules *R, wf_dup **dups, int *ndups)
{
	wf_world *w = R->w;
	if (wf_world_index_dups(w, dups, ndups) == 0)
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
			wf_diag_help(bad_at(R, pos_or(p->pos_xy, p->line), p->name,
			                    "overlap",
			                    "parcel '%s' overlaps parcel '%s' (line %u)",
			                    p->name, w->parcels[other].name,
			                    w->parcels[other].line),
			             "move one of them: parcel '%s' covers x %d..%d, "
			             "y %d..%d",
			             w->parcels[other].name, w->parcels[other].px,
			             w->parcels[other].px + w->parcels[other].pw - 1,
			             w->parcels[other].py,
			             w->parcels[other].py + w->parcels[other].ph - 1);
	}
}

/* Duplicate names, as the index found them (dups, in parcel order); when
 * that list is not known, each parcel's name is looked up. */
static void check_names(rules *R, const wf_dup *dups, int ndups)
{
	wf_world *w = R->w;
	for (int i = 0, k = 0; i < w->nparcels; i++) {
		const wf_parcel *p = &w->parcels[i];
		int first = -1;
		if (ndups >= 0) {
			if (k == ndups || dups[k].i != i)
				continue;
			first = dups[k++].first;
		} else if (p->name) {
			first = wf_find_parcel(w, p->name);
		}
		if (p->name && first >= 0 && first != i)
			wf_diag_help(bad_at(R, pos_or(p->pos_name, p->line), p->name,
			                    "duplicate",
			                    "parcel name '%s' used twice (first at line "
			                    "%u)",
			                    p->name, w->parcels[first].line),
			             "give each parcel its own name");
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
	wf_dup *dups = NULL;
	int ndups = -1;
	check_overlaps(&R, &dups, &ndups);
	check_names(&R, dups, ndups);
	free(dups);
	wf_names_free(&R.zones);
	free(R.probes);
	return R.errors;
}
