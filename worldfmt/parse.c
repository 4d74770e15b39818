/* parse.c — the parser of world.acre (grammar: acre-world(5)); the lexer
 * is lex.c, reading the file is files.c.
 *
 * One pass over one buffer with a cursor. The file is a sequence of lines;
 * a line is tokenised only when it is a statement, and layout rows — the
 * bulk of a big world — go through a byte-table loop with no allocation.
 * Strings that the model keeps are copied into the world's arena; tiles go
 * straight into each parcel's flat array. Every error is reported with its
 * line, column and end column (the token's extent), a rule id and, when the
 * fix is known, a help line ("did you mean 'owner'?"); the parser goes on
 * with the next line, so a file's errors come out together. One mistake is
 * meant to give one error: blocks left open at a keyword that cannot be
 * inside them (`parcel` inside a parcel, …) are closed with an error; a
 * block whose opening line is wrong or misspelt is passed over to its `end`
 * (C_SKIP); a layout reports its first wrong row; and a file that is not
 * text gives a single error. */
#include "worldfmt/parse-int.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* ---- Statements ------------------------------------------------------------*/

static void close_block_missing(parser *P, uint32_t col, const char *what)
{
	const char *kind = P->ctx == C_PALETTE  ? "palette"
	                   : P->ctx == C_ZONE   ? "zone"
	                   : P->ctx == C_LAYOUT ? "the layout of parcel"
	                                        : "parcel";
	char label[128] = "";
	if (P->ctx == C_ZONE)
		snprintf(label, sizeof label, " '%s'", P->w->zones[P->zone].name);
	else if (P->ctx == C_PARCEL || P->ctx == C_LAYOUT)
		snprintf(label, sizeof label, " '%s'", P->w->parcels[P->parcel].name);
	uint32_t opened = P->ctx == C_LAYOUT ? P->lay_line : P->block_line;
	wfx_err(P, col, "expected 'end' to close %s%s (opened at line %u) %s", kind,
	        label, opened, what);
	/* One missing `end` may close two blocks; report both on this line. */
	P->line_bad = false;
}

static void header_pair(parser *P, uint32_t col, unsigned bit, const char *kw,
                        int64_t min, int64_t max, int32_t *a, int32_t *b, int slot,
                        wf_pos *pos)
{
	int64_t x, y;
	if (P->seen & bit) {
		wfx_rule(wfx_err(P, col, "%s given twice", kw), "duplicate");
		return;
	}
	if (!wfx_num(P, "a width", min, max, &x))
		return;
	wf_pos px = P->last;
	if (!wfx_num(P, "a height", min, max, &y))
		return;
	if (!wfx_end_stmt(P, &P->w->notes[slot]))
		return;
	*pos = wfx_span_pos(px, P->last);
	P->seen |= bit;
	*a = (int32_t)x;
	*b = (int32_t)y;
}

static void stmt_budget(parser *P, uint32_t col)
{
	wf_budget *b = &P->w->unit_budget;
	if (P->seen & S_BUDGET) {
		wfx_rule(wfx_err(P, col, "budget given twice"), "duplicate");
		return;
	}
	int count = 0;
	for (;;) {
		tok t = wfx_lex(P);
		if (t.kind == T_BAD)
			return;
		if (t.kind == T_EOL)
			break;
		int64_t v;
		bool ok = t.kind == T_KV;
		if (ok && t.n == 8 && memcmp(t.s, "entities", 8) == 0)
			ok = wfx_parse_i64(t.v, strlen(t.v), 0, WF_MAX_ENTITIES, &v) &&
			     (b->entities = v, true);
		else if (ok && t.n == 12 && memcmp(t.s, "instructions", 12) == 0)
			ok = wfx_parse_i64(t.v, strlen(t.v), 0, INT64_C(1000000000000),
			                   &v) &&
			     (b->instructions = v, true);
		else if (ok && t.n == 6 && memcmp(t.s, "memory", 6) == 0) {
			uint64_t m;
			ok = wf_size_parse(t.v, strlen(t.v), WF_MAX_MEMORY, &m) &&
			     (b->memory = (int64_t)m, true);
		} else {
			static const char *const keys[] = {"entities", "instructions",
			                                   "memory", NULL};
			wfx_suggest_word(wfx_err(P, t.col,
			                         "expected entities=N, instructions=N or "
			                         "memory=SIZE, found %s",
			                         FOUND(t)),
			                 &t, keys, NULL);
			return;
		}
		if (!ok) {
			wfx_rule(
			    wfx_err(P, t.col,
			            "invalid budget value '%.*s=%s' (entities 0 to %d, "
			            "instructions 0 to 10^12, memory up to 1TiB with K, "
			            "M or G)",
			            wfx_quote_len(t.s, t.n), t.s, t.v, WF_MAX_ENTITIES),
			    "range");
			return;
		}
		count++;
		P->w->pos_budget =
		    wfx_span_pos(count == 1 ? P->last : P->w->pos_budget, P->last);
	}
	if (count == 0) {
		wfx_err(P, col,
		        "expected entities=N, instructions=N or memory=SIZE after "
		        "budget");
		return;
	}
	P->w->notes[WF_WS_BUDGET].lead = wfx_take_lead(P);
	P->w->notes[WF_WS_BUDGET].trail =
	    P->trail.s ? wf_arena_strndup(P->w->arena, P->trail.s, P->trail.n) : NULL;
	P->seen |= S_BUDGET;
}

static void open_palette(parser *P, uint32_t col)
{
	if (P->palette_seen)
		wfx_rule(wfx_err(P, col, "palette given twice (a world has one palette)"),
		         "duplicate");
	else if (P->parcel_seen)
		wfx_err(P, col, "palette must come before the first parcel");
	/* Entered even when the line was wrong: its entries follow either way,
	 * and read at the top level each would be one more error. */
	wfx_end_stmt(P, P->palette_seen ? NULL : &P->w->notes[WF_WS_PALETTE]);
	P->palette_seen = true;
	P->ctx = C_PALETTE;
	P->block_line = P->lineno;
}

/* A block whose opening line was wrong: pass over its body (C_SKIP). */
static void skip_block(parser *P, int what)
{
	P->skip_ret = what == C_LAYOUT ? C_PARCEL : C_TOP;
	P->ctx = C_SKIP;
	P->skip_what = what;
	P->skip_depth = 0;
	P->block_line = P->lineno;
}

static void open_zone(parser *P)
{
	const char *n = wfx_name(P, "a zone name");
	wf_pos pn = P->last;
	wf_note note;
	if (!n || !wfx_end_stmt(P, &note)) {
		if (!P->oom)
			skip_block(P, C_ZONE);
		return;
	}
	wf_world *w = P->w;
	if (!wf_grow((void **)&w->zones, &w->zones_cap, w->nzones, sizeof *w->zones)) {
		P->oom = true;
		return;
	}
	P->zone = w->nzones++;
	w->zones[P->zone] = (wf_zone){.name = n,
	                              .max_entities = -1,
	                              .note = note,
	                              .line = P->lineno,
	                              .pos_name = pn};
	P->ctx = C_ZONE;
	P->zseen = 0;
	P->block_line = P->lineno;
}

static void open_parcel(parser *P)
{
	int64_t x, y;
	wf_pos pn = {0}, px = {0};
	const char *n = wfx_name(P, "a parcel name");
	wf_note note;
	bool ok =
	    n && (pn = P->last, true) &&
	    wfx_num(P, "the parcel's x (in unit parcels)", INT32_MIN, INT32_MAX, &x) &&
	    (px = P->last, true) &&
	    wfx_num(P, "the parcel's y (in unit parcels)", INT32_MIN, INT32_MAX, &y) &&
	    wfx_end_stmt(P, &note);
	if (!ok) {
		if (!P->oom)
			skip_block(P, C_PARCEL);
		return;
	}
	wf_world *w = P->w;
	if (!wf_grow((void **)&w->parcels, &w->parcels_cap, w->nparcels,
	             sizeof *w->parcels)) {
		P->oom = true;
		return;
	}
	P->parcel = w->nparcels++;
	wf_parcel *p = &w->parcels[P->parcel];
	*p = (wf_parcel){.name = n,
	                 .px = (int32_t)x,
	                 .py = (int32_t)y,
	                 .pw = 1,
	                 .ph = 1,
	                 .zone_index = -1,
	                 .line = P->lineno,
	                 .pos_name = pn,
	                 .pos_xy = wfx_span_pos(px, P->last)};
	p->notes[WF_PS_HEAD] = note;
	P->ctx = C_PARCEL;
	P->pseen = 0;
	P->size_broken = false;
	P->parcel_seen = true;
	P->block_line = P->lineno;
}

static void stmt_world(parser *P, tok t)
{
	if (P->ctx != C_START) {
		wfx_rule(wfx_err(P, t.col, "world given twice (a file holds one world)"),
		         "duplicate");
		return;
	}
	P->ctx = C_TOP;
	const char *n = wfx_text(P, "the world's name");
	if (n && wfx_end_stmt(P, &P->w->notes[WF_WS_HEAD]))
		P->w->name = n;
}

static void stmt_format(parser *P, tok t)
{
	int64_t v;
	if (P->seen & S_FORMAT) {
		wfx_rule(wfx_err(P, t.col, "format given twice"), "duplicate");
		return;
	}
	if (!wfx_num(P, "the format version", 0, INT32_MAX, &v))
		return;
	if (v != WF_FORMAT_VERSION) {
		wf_diag_help(wfx_rule(wfx_err(P, P->last.col,
		                              "unsupported format %lld (this acre reads "
		                              "format %d)",
		                              (long long)v, WF_FORMAT_VERSION),
		                      "format-version"),
		             "write 'format %d'", WF_FORMAT_VERSION);
		return;
	}
	P->w->pos_format = P->last;
	if (wfx_end_stmt(P, &P->w->notes[WF_WS_FORMAT])) {
		P->seen |= S_FORMAT;
		P->w->format = (int)v;
	}
}

static void stmt_seed(parser *P, tok t)
{
	tok s = wfx_lex(P);
	uint64_t seed;
	if (s.kind == T_BAD)
		return;
	if (P->seen & S_SEED) {
		wfx_rule(wfx_err(P, t.col, "seed given twice"), "duplicate");
		return;
	}
	if (s.kind != T_WORD || !wfx_parse_u64(s.s, s.n, &seed)) {
		wfx_err(P, s.col,
		        "expected the seed (a whole number from 0 to "
		        "18446744073709551615), found %s",
		        FOUND(s));
		return;
	}
	if (wfx_end_stmt(P, &P->w->notes[WF_WS_SEED])) {
		P->seen |= S_SEED;
		P->w->seed = seed;
	}
}

static void skip_block(parser *P, int what);

/* The keywords of each block, for "did you mean". */
static const char *const top_kws[] = {"format", "seed",   "size",    "parcel-size",
                                      "budget", "events", "palette", "zone",
                                      "parcel", "world",  NULL};
static const char *const parcel_kws[] = {"size",   "owner",  "zone", "script",
                                         "layout", "entity", "end",  NULL};
static const char *const zone_kws[] = {"allow", "max-entities-per-parcel", "end", NULL};

/* A statement that does not start with a keyword of its block. A word is
 * "unknown"; anything else is "expected …, found …". */
static void unknown_stmt(parser *P, const tok *t, const char *where,
                         const char *const *kws, const char *expected)
{
	char hint[256];
	snprintf(hint, sizeof hint, "expected %s", expected);
	if (t->kind != T_WORD) {
		wfx_err(P, t->col, "expected %s %s, found %s", expected, where,
		        FOUND(*t));
		return;
	}
	wf_diag *g = wfx_rule(wfx_err(P, t->col, "unknown keyword '%.*s' %s",
	                              wfx_quote_len(t->s, t->n), t->s, where),
	                      "unknown-keyword");
	const char *s = wfx_suggest_word(g, t, kws, hint);
	/* A misspelt block opener still opens its block: its body is passed
	 * over, so one typo gives one error, not one per line of the body. */
	if (!s)
		return;
	if (strcmp(s, "palette") == 0) {
		P->palette_seen = P->palette_broken = true;
		skip_block(P, C_PALETTE);
	} else if (strcmp(s, "zone") == 0 && P->ctx == C_TOP) {
		skip_block(P, C_ZONE);
	} else if (strcmp(s, "parcel") == 0) {
		P->parcel_seen = true;
		skip_block(P, C_PARCEL);
	} else if (strcmp(s, "layout") == 0 && P->ctx == C_PARCEL) {
		P->pseen |= P_LAYOUT | P_SIZE;
		skip_block(P, C_LAYOUT);
	}
}

/* Top level: `world`, header statements, block openers. */
static void stmt_top(parser *P, tok t)
{
	wf_world *w = P->w;
	if (P->ctx == C_START && !wfx_is(&t, "world")) {
		wfx_err(P, t.col,
		        "expected 'world NAME' at the start of the file, found %s",
		        FOUND(t));
		P->ctx = C_TOP;
		return;
	}
	if (wfx_is(&t, "world")) {
		stmt_world(P, t);
	} else if (wfx_is(&t, "format")) {
		stmt_format(P, t);
	} else if (wfx_is(&t, "seed")) {
		stmt_seed(P, t);
	} else if (wfx_is(&t, "size")) {
		header_pair(P, t.col, S_SIZE, "size", 1, WF_MAX_WORLD_PARCELS, &w->width,
		            &w->height, WF_WS_SIZE, &w->pos_size);
	} else if (wfx_is(&t, "parcel-size")) {
		if (P->parcel_seen) {
			wfx_err(P, t.col,
			        "parcel-size must come before the first parcel");
			return;
		}
		header_pair(P, t.col, S_PSIZE, "parcel-size", 1, WF_MAX_PARCEL_TILES,
		            &w->parcel_w, &w->parcel_h, WF_WS_PARCEL_SIZE,
		            &w->pos_parcel_size);
	} else if (wfx_is(&t, "budget")) {
		stmt_budget(P, t.col);
	} else if (wfx_is(&t, "events")) {
		if (P->seen & S_EVENTS) {
			wfx_rule(wfx_err(P, t.col, "events given twice"), "duplicate");
			return;
		}
		const char *e = wfx_text(P, "the events file");
		wf_pos pe = P->last;
		if (e && wfx_end_stmt(P, &w->notes[WF_WS_EVENTS]))
			P->seen |= S_EVENTS, w->events = e, w->pos_events = pe;
	} else if (t.kind == T_KV) {
		if (wfx_add_attr(P, &w->attrs, &w->nattrs, &t) &&
		    !wfx_end_stmt(P, &w->attrs[w->nattrs - 1].note))
			w->nattrs--;
	} else if (wfx_is(&t, "palette")) {
		open_palette(P, t.col);
	} else if (wfx_is(&t, "zone")) {
		open_zone(P);
	} else if (wfx_is(&t, "parcel")) {
		open_parcel(P);
	} else if (wfx_is(&t, "end")) {
		wf_diag_help(wfx_rule(wfx_err(P, t.col, "'end' without a block to close"),
		                      "unbalanced-end"),
		             "remove this line, or open the block it was meant to close");
	} else {
		unknown_stmt(P, &t, "at the top level", top_kws,
		             "format, seed, size, parcel-size, budget, events, "
		             "key=value, palette, zone or parcel");
	}
}

/* Closes a block at `end`; its comments go to `note`. */
static void stmt_end(parser *P, wf_note *note)
{
	if (wfx_end_stmt(P, note))
		P->ctx = C_TOP;
}

static void stmt_palette(parser *P, tok t)
{
	wf_world *w = P->w;
	if (wfx_is(&t, "end")) {
		stmt_end(P, &w->notes[WF_WS_PALETTE_END]);
		return;
	}
	if (t.kind != T_STRING) {
		wfx_err(P, t.col,
		        "expected a palette entry (\"GLYPH\" NAME …) or 'end', "
		        "found %s",
		        FOUND(t));
		return;
	}
	if (!wf_glyph_ok(t.s)) {
		wfx_err(P, t.col,
		        "a glyph is one character (one UTF-8 code point, not a "
		        "space, a control or '\"'), found \"%.*s\"",
		        wfx_quote_len(t.s, t.n), t.s);
		return;
	}
	if (w->npalette >= WF_MAX_PALETTE) {
		wfx_err(P, t.col, "more than %d palette entries", WF_MAX_PALETTE);
		return;
	}
	wf_glyph g = {.glyph = t.s, .line = P->lineno, .pos_glyph = P->last};
	if (!(g.name = wfx_name(P, "the glyph's name")))
		return;
	g.pos_name = P->last;
	/* A wrong option is reported and the entry kept without it: the
	 * layouts that use the glyph would otherwise all be wrong too. */
	for (;;) {
		tok o = wfx_lex(P);
		if (o.kind == T_BAD)
			break;
		if (o.kind == T_EOL)
			break;
		if (wfx_is(&o, "solid")) {
			g.solid = true;
		} else if (o.kind == T_KV && o.n == 6 && memcmp(o.s, "script", 6) == 0) {
			g.script = o.v;
			g.pos_script = P->last;
		} else if (o.kind == T_KV) {
			if (!wfx_add_attr(P, &g.attrs, &g.nattrs, &o))
				break;
		} else {
			static const char *const opts[] = {"solid", NULL};
			wfx_suggest_word(wfx_err(P, o.col,
			                         "expected solid, script=\"FILE\" or "
			                         "key=value, found %s",
			                         FOUND(o)),
			                 &o, opts, NULL);
			break;
		}
	}
	g.note.lead = wfx_take_lead(P);
	g.note.trail =
	    P->trail.s ? wf_arena_strndup(w->arena, P->trail.s, P->trail.n) : NULL;
	if (!wf_grow((void **)&w->palette, &w->palette_cap, w->npalette,
	             sizeof *w->palette)) {
		P->oom = true;
		goto fail;
	}
	wfx_index_glyph(P, g.glyph, w->npalette);
	w->palette[w->npalette++] = g;
	return;
fail:
	free(g.attrs);
}

static void stmt_allow(parser *P, wf_zone *z, tok t)
{
	int caps = 0;
	for (;;) {
		tok c = wfx_lex(P);
		if (c.kind == T_BAD)
			return;
		if (c.kind == T_EOL)
			break;
		char nm[16];
		int bit = 0;
		if (c.kind == T_WORD && c.n < sizeof nm) {
			memcpy(nm, c.s, c.n);
			nm[c.n] = '\0';
			bit = wf_cap_parse(nm);
		}
		if (!bit) {
			static const char *const caps_kw[] = {
			    "scripts", "tiles", "entities", "messages", "economy", NULL};
			wfx_suggest_word(
			    wfx_rule(wfx_err(P, c.col,
			                     "unknown capability %s (expected "
			                     "scripts, tiles, entities, messages "
			                     "or economy)",
			                     FOUND(c)),
			             "unknown-capability"),
			    &c, caps_kw, NULL);
			return;
		}
		caps |= bit;
	}
	if (!caps) {
		wfx_err(P, t.col,
		        "expected capabilities after allow (scripts, tiles, "
		        "entities, messages or economy)");
		return;
	}
	/* Several allow lines add up; so do their comments: a later line's
	 * comments join the lead (a second trailing comment becomes a lead
	 * line), so none is lost. */
	if (P->trail.s && z->allow_note.trail)
		wfx_push_lead(P);
	else if (P->trail.s)
		z->allow_note.trail =
		    wf_arena_strndup(P->w->arena, P->trail.s, P->trail.n);
	z->allow_note.lead = wfx_join_lead(P, z->allow_note.lead);
	z->caps |= caps;
}

static void stmt_zone(parser *P, tok t)
{
	wf_zone *z = &P->w->zones[P->zone];
	if (wfx_is(&t, "end")) {
		stmt_end(P, &z->end_note);
	} else if (wfx_is(&t, "allow")) {
		stmt_allow(P, z, t);
	} else if (wfx_is(&t, "max-entities-per-parcel")) {
		int64_t v;
		if (P->zseen & Z_MAX) {
			wfx_rule(wfx_err(P, t.col, "max-entities-per-parcel given twice"),
			         "duplicate");
			return;
		}
		if (wfx_num(P, "the entity cap", 0, WF_MAX_ENTITIES, &v) &&
		    wfx_end_stmt(P, &z->max_note))
			z->max_entities = v, P->zseen |= Z_MAX;
	} else if (t.kind == T_KV) {
		if (wfx_add_attr(P, &z->attrs, &z->nattrs, &t) &&
		    !wfx_end_stmt(P, &z->attrs[z->nattrs - 1].note))
			z->nattrs--;
	} else if (wfx_is(&t, "zone") || wfx_is(&t, "parcel") || wfx_is(&t, "palette") ||
	           wfx_is(&t, "world")) {
		close_block_missing(P, t.col, "before this line");
		P->ctx = C_TOP;
		stmt_top(P, t);
	} else {
		char where[128];
		snprintf(where, sizeof where, "in zone '%s'", z->name);
		unknown_stmt(P, &t, where, zone_kws,
		             "allow, max-entities-per-parcel, key=value or 'end'");
	}
}

static void stmt_entity(parser *P, wf_parcel *p)
{
	int64_t x, y;
	wf_entity e = {.line = P->lineno};
	wf_pos px = {0};
	if (!(e.name = wfx_name(P, "an entity name")) || (e.pos_name = P->last, false) ||
	    !wfx_num(P, "the entity's x (in tiles)", INT32_MIN, INT32_MAX, &x) ||
	    (px = P->last, false) ||
	    !wfx_num(P, "the entity's y (in tiles)", INT32_MIN, INT32_MAX, &y))
		return;
	e.pos_xy = wfx_span_pos(px, P->last);
	e.x = (int32_t)x;
	e.y = (int32_t)y;
	for (;;) {
		tok o = wfx_lex(P);
		if (o.kind == T_BAD)
			goto fail;
		if (o.kind == T_EOL)
			break;
		if (o.kind == T_KV && o.n == 5 && memcmp(o.s, "glyph", 5) == 0) {
			if (!wf_glyph_ok(o.v)) {
				wfx_err(P, o.col,
				        "a glyph is one character (one UTF-8 code point, "
				        "not a space, a control or '\"'), found \"%.*s\"",
				        wfx_quote_len(o.v, strlen(o.v)), o.v);
				goto fail;
			}
			e.glyph = o.v;
			e.pos_glyph = P->last;
		} else if (o.kind == T_KV && o.n == 6 && memcmp(o.s, "script", 6) == 0) {
			e.script = o.v;
			e.pos_script = P->last;
		} else if (o.kind == T_KV) {
			if (!wfx_add_attr(P, &e.attrs, &e.nattrs, &o))
				goto fail;
		} else {
			wfx_err(P, o.col,
			        "expected glyph=\"G\", script=\"FILE\" or key=value, "
			        "found %s",
			        FOUND(o));
			goto fail;
		}
	}
	if (p->nentities >= WF_MAX_ENTITIES) {
		wfx_err(P, 1, "more than %d entities in one parcel", WF_MAX_ENTITIES);
		goto fail;
	}
	e.note.lead = wfx_take_lead(P);
	e.note.trail =
	    P->trail.s ? wf_arena_strndup(P->w->arena, P->trail.s, P->trail.n) : NULL;
	if (!wf_grow((void **)&p->entities, &p->entities_cap, p->nentities,
	             sizeof *p->entities)) {
		P->oom = true;
		goto fail;
	}
	p->entities[p->nentities++] = e;
	return;
fail:
	free(e.attrs);
}

static void open_layout(parser *P, wf_parcel *p, uint32_t col)
{
	/* A wrong layout line still opens the layout: its rows follow, and
	 * read as statements each would be one more error. A second layout
	 * is read but not kept. */
	bool twice = P->pseen & P_LAYOUT;
	if (twice)
		wfx_rule(wfx_err(P, col, "layout given twice in parcel '%s'", p->name),
		         "duplicate");
	else
		p->pos_layout = (wf_pos){P->lineno, col, col + 6};
	wfx_end_stmt(P, twice ? NULL : &p->notes[WF_PS_LAYOUT]);
	P->lay_bad = P->size_broken; /* then no row is reported */
	if (twice) {
		P->ctx = C_LAYOUT;
		P->lay_line = P->lineno;
		P->lay_rows = 0;
		P->lay_tiles = NULL;
		return;
	}
	P->pseen |= P_LAYOUT | P_SIZE;
	P->ctx = C_LAYOUT;
	P->lay_line = P->lineno;
	P->lay_w = (int64_t)p->pw * P->w->parcel_w;
	P->lay_h = (int64_t)p->ph * P->w->parcel_h;
	P->lay_rows = 0;
	P->lay_tiles = NULL;
	uint64_t n = (uint64_t)P->lay_w * (uint64_t)P->lay_h;
	if (n <= P->tile_budget) {
		P->lay_tiles = calloc(n ? n : 1, 1);
		if (!P->lay_tiles)
			P->oom = true;
		else
			P->tile_budget -= n;
	}
	p->tiles = P->lay_tiles;
	p->layout_line = P->lineno + 1;
}

/* A parcel statement that names a string: owner, zone, script. */
static void parcel_text(parser *P, wf_parcel *p, unsigned bit, const char *kw,
                        const char **dst, int slot, uint32_t col, wf_pos *pos)
{
	if (P->pseen & bit) {
		wfx_rule(wfx_err(P, col, "%s given twice in parcel '%s'", kw, p->name),
		         "duplicate");
		return;
	}
	const char *v = bit == P_ZONE ? wfx_name(P, "a zone name") : wfx_text(P, kw);
	wf_pos at = P->last;
	if (v && wfx_end_stmt(P, &p->notes[slot])) {
		*dst = v;
		*pos = at;
		P->pseen |= bit;
	}
}

static void stmt_parcel(parser *P, tok t)
{
	wf_parcel *p = &P->w->parcels[P->parcel];
	if (wfx_is(&t, "end")) {
		stmt_end(P, &p->notes[WF_PS_END]);
	} else if (wfx_is(&t, "size")) {
		int64_t x, y;
		if (P->pseen & P_LAYOUT) {
			wfx_err(P, t.col, "size must come before layout in parcel '%s'",
			        p->name);
			return;
		}
		if (P->pseen & P_SIZE) {
			wfx_rule(
			    wfx_err(P, t.col, "size given twice in parcel '%s'", p->name),
			    "duplicate");
			return;
		}
		wf_pos px = {0};
		/* Numbers read are kept even when the line goes on wrongly, and
		 * a size that could not be read leaves the layout unchecked: the
		 * layout is not what is wrong. */
		if (wfx_num(P, "a width in unit parcels", 1, WF_MAX_WORLD_PARCELS, &x) &&
		    (px = P->last, true) &&
		    wfx_num(P, "a height in unit parcels", 1, WF_MAX_WORLD_PARCELS, &y)) {
			p->pos_size = wfx_span_pos(px, P->last);
			p->pw = (int32_t)x;
			p->ph = (int32_t)y;
			P->pseen |= P_SIZE;
			wfx_end_stmt(P, &p->notes[WF_PS_SIZE]);
		} else {
			P->size_broken = true;
		}
	} else if (wfx_is(&t, "owner")) {
		parcel_text(P, p, P_OWNER, "owner", &p->owner, WF_PS_OWNER, t.col,
		            &p->pos_owner);
	} else if (wfx_is(&t, "zone")) {
		parcel_text(P, p, P_ZONE, "zone", &p->zone, WF_PS_ZONE, t.col,
		            &p->pos_zone);
	} else if (wfx_is(&t, "script")) {
		parcel_text(P, p, P_SCRIPT, "script", &p->script, WF_PS_SCRIPT, t.col,
		            &p->pos_script);
	} else if (wfx_is(&t, "layout")) {
		open_layout(P, p, t.col);
	} else if (wfx_is(&t, "entity")) {
		stmt_entity(P, p);
	} else if (t.kind == T_KV) {
		if (wfx_add_attr(P, &p->attrs, &p->nattrs, &t) &&
		    !wfx_end_stmt(P, &p->attrs[p->nattrs - 1].note))
			p->nattrs--;
	} else if (wfx_is(&t, "parcel") || wfx_is(&t, "palette") || wfx_is(&t, "world")) {
		close_block_missing(P, t.col, "before this line");
		P->ctx = C_TOP;
		stmt_top(P, t);
	} else {
		char where[128];
		snprintf(where, sizeof where, "in parcel '%s'", p->name);
		unknown_stmt(P, &t, where, parcel_kws,
		             "size, owner, zone, script, layout, entity, key=value "
		             "or 'end'");
	}
}

/* ---- Layout rows ------------------------------------------------------------
 * A row is the glyphs of one tile row, after any indentation and before any
 * trailing blanks; '#' is a glyph like any other here, so a layout holds no
 * comments. The line `end` (optionally followed by blanks and a comment)
 * closes the layout. Blank lines are skipped. */

static void layout_end(parser *P, const char *q)
{
	wf_parcel *p = &P->w->parcels[P->parcel];
	P->p = q + 3;
	if (P->lay_rows < P->lay_h && !P->lay_bad)
		wfx_rule(wfx_err(P, wfx_col_of(P, q),
		                 "layout of parcel '%s' has %lld row%s, expected %lld",
		                 p->name, (long long)P->lay_rows,
		                 P->lay_rows == 1 ? "" : "s", (long long)P->lay_h),
		         "layout-size");
	P->line_bad = false;
	if (!wfx_end_stmt(P, &p->notes[WF_PS_LAYOUT_END]))
		return;
	P->ctx = C_PARCEL;
}

/* A line with a blank inside is not a row: a keyword means the layout's
 * `end` was forgotten. */
static bool layout_keyword(const char *q, const char *e)
{
	static const char *const kws[] = {"parcel", "entity", "zone", "palette", "world"};
	for (size_t i = 0; i < sizeof kws / sizeof kws[0]; i++) {
		size_t n = strlen(kws[i]);
		if ((size_t)(e - q) > n && memcmp(q, kws[i], n) == 0 &&
		    (q[n] == ' ' || q[n] == '\t'))
			return true;
	}
	return false;
}

/* A layout error underlines one glyph, not the rest of the row. */
static wf_diag *glyph_end(wf_diag *g, int len)
{
	if (g)
		g->end_col = g->col + (uint32_t)len;
	return g;
}

/* The general row reader, from glyph x on: multi-byte glyphs, and every
 * way a row can be wrong. */
static void row_glyphs(parser *P, const char *row, const unsigned char *s,
                       const unsigned char *se, int64_t x, uint8_t *out)
{
	const wf_parcel *p = &P->w->parcels[P->parcel];
	int64_t w = P->lay_w;
	for (; s < se; x++) {
		int ix, len = 1;
		const char *at = (const char *)s;
		if (*s < 0x80) {
			ix = P->ascii[*s] == WF_NO_GLYPH ? -1 : P->ascii[*s];
		} else {
			len = wf_utf8_len(s, (size_t)(se - s));
			if (!len) {
				wfx_err(P, wfx_col_of(P, at),
				        "invalid UTF-8 byte 0x%02x in layout row", *s);
				return;
			}
			ix = wfx_lookup_mb(P, wfx_decode(s, len));
		}
		if (x >= w) {
			wfx_rule(wfx_err(P, wfx_col_of(P, at),
			                 "layout row has more than %lld glyphs (parcel "
			                 "'%s' is %lld tiles wide)",
			                 (long long)w, p->name, (long long)w),
			         "layout-size");
			return;
		}
		if (ix < 0 && P->palette_broken && *s != ' ' && *s != '\t') {
			ix = 0; /* the palette was not read: any glyph may be in it */
		} else if (ix < 0) {
			if (*s == ' ' || *s == '\t')
				wfx_err(P, wfx_col_of(P, at),
				        "unexpected blank in layout row (a row is "
				        "glyphs only; close the layout with 'end')");
			else if (*s < 0x20 || *s == 0x7f)
				wfx_err(P, wfx_col_of(P, at),
				        "unexpected control character 0x%02x in "
				        "layout row",
				        *s);
			else
				wf_diag_help(
				    glyph_end(
				        wfx_rule(
				            wfx_err(P, wfx_col_of(P, at),
				                    "glyph '%.*s' is not in the palette",
				                    len, at),
				            "unknown-glyph"),
				        len),
				    "add it to the palette (\"%.*s\" NAME) or use one "
				    "of its glyphs",
				    len, at);
			return;
		}
		if (out)
			out[x] = (uint8_t)ix;
		s += len;
	}
	if (x < w)
		wfx_rule(wfx_err(P, wfx_col_of(P, row),
		                 "layout row has %lld glyph%s, expected %lld",
		                 (long long)x, x == 1 ? "" : "s", (long long)w),
		         "layout-size");
}

/* Returns false when the line is not a row but a statement to reparse. */
static bool layout_row(parser *P)
{
	const char *q = P->line, *e = P->lend;
	while (q < e && (*q == ' ' || *q == '\t'))
		q++;
	while (e > q && (e[-1] == ' ' || e[-1] == '\t'))
		e--;
	if (q == e)
		return true;
	if (e - q >= 3 && q[0] == 'e' && q[1] == 'n' && q[2] == 'd' &&
	    (e - q == 3 || q[3] == ' ' || q[3] == '\t')) {
		layout_end(P, q);
		return true;
	}
	int64_t row = P->lay_rows;
	uint8_t *out =
	    row < P->lay_h && P->lay_tiles ? P->lay_tiles + row * P->lay_w : NULL;
	const unsigned char *s = (const unsigned char *)q, *se = (const unsigned char *)e;
	int64_t x = 0, w = P->lay_w;
	/* Fast path: an ASCII row of exactly the right width. */
	if (se - s == w && out) {
		for (; x < w; x++) {
			uint8_t v = P->ascii[s[x]];
			if (v == WF_NO_GLYPH)
				break;
			out[x] = v;
		}
		if (x == w) {
			P->lay_rows++;
			return true;
		}
	}
	/* Only a line with a blank inside can be a statement, so valid rows
	 * never get here. */
	if ((memchr(q, ' ', (size_t)(e - q)) || memchr(q, '\t', (size_t)(e - q))) &&
	    layout_keyword(q, e)) {
		close_block_missing(P, wfx_col_of(P, q), "before this line");
		P->ctx = C_PARCEL;
		return false;
	}
	P->lay_rows++;
	/* One wrong row is reported; the rows after it are still read (and
	 * counted) but not reported: a parcel one tile too narrow would
	 * otherwise give one error a row. */
	P->line_bad = P->lay_bad;
	if (row >= P->lay_h) {
		if (row == P->lay_h)
			wfx_rule(wfx_err(P, wfx_col_of(P, q),
			                 "layout of parcel '%s' has more than %lld rows",
			                 P->w->parcels[P->parcel].name,
			                 (long long)P->lay_h),
			         "layout-size");
	} else {
		row_glyphs(P, q, s + x, se, x, out);
	}
	P->lay_bad = P->line_bad;
	return true;
}

/* Is any of the n bytes 0xff? Eight at a time: a byte of ~x is zero. */
static inline bool any_ff(const uint8_t *p, size_t n)
{
	const uint64_t ones = 0x0101010101010101u;
	size_t i = 0;
	uint64_t acc = 0;
	if (n >= 8 && n <= 16) {
		/* Two words, overlapping when n < 16: no loop. */
		uint64_t x, y;
		memcpy(&x, p, 8);
		memcpy(&y, p + n - 8, 8);
		x = ~x;
		y = ~y;
		return (((x - ones) & ~x) | ((y - ones) & ~y)) & (ones << 7);
	}
	for (; i + 8 <= n; i += 8) {
		uint64_t x;
		memcpy(&x, p + i, 8);
		x = ~x;
		acc |= (x - ones) & ~x & (ones << 7);
	}
	for (; i < n; i++)
		acc |= p[i] == 0xff;
	return acc != 0;
}

/* The canonical rows, tried before the line is even found: four blanks,
 * exactly the layout's width of one-byte glyphs, a newline. They are most
 * of a big world's bytes, so they are read in one loop with no line search
 * and the parser's line state is set once, for the last row read: the
 * glyphs are looked up without a branch and checked once at the end of a
 * row, and a row that repeats the one above (walls, floors) takes its
 * tiles again. Any other line (a wrong row, `end`, a comment, CRLF) stops
 * the loop and goes the general way; so does the row "end" of a layout 3
 * tiles wide. Returns whether any row was read. */
static bool fast_rows(parser *P)
{
	int64_t w = P->lay_w;
	if (w <= 0 || !P->lay_tiles || P->lay_rows >= P->lay_h)
		return false;
	const char *const first = P->cur, *q = first;
	const size_t n = (size_t)w, step = n + 5;
	const uint8_t *restrict tab = P->ascii;
	uint8_t *out = P->lay_tiles + P->lay_rows * w;
	/* Rows still expected, and no more than the buffer holds. */
	size_t left = (size_t)(P->lay_h - P->lay_rows);
	if ((size_t)(P->end - first) / step < left)
		left = (size_t)(P->end - first) / step;
	/* The glyphs of the row above, when it was canonical too. */
	const unsigned char *prev = P->row_prev_line == P->lineno && P->lay_rows > 0
	                                ? (const unsigned char *)P->row_prev
	                                : NULL;
	for (; left > 0 && memcmp(q, "    ", 4) == 0 && q[4 + n] == '\n' &&
	       !(n == 3 && memcmp(q + 4, "end", 3) == 0);
	     left--) {
		const unsigned char *s = (const unsigned char *)q + 4;
		if (prev && wf_bytes_eq(s, prev, n)) {
			wf_bytes_copy(out, out - n, n);
		} else {
			size_t x = 0;
			for (; x + 4 <= n; x += 4) {
				out[x] = tab[s[x]];
				out[x + 1] = tab[s[x + 1]];
				out[x + 2] = tab[s[x + 2]];
				out[x + 3] = tab[s[x + 3]];
			}
			for (; x < n; x++)
				out[x] = tab[s[x]];
			if (any_ff(out, n)) {
				memset(out, 0, n); /* as the general reader leaves it */
				break;
			}
		}
		prev = s;
		out += n;
		q += step;
	}
	if (q == first)
		return false;
	uint32_t rows = (uint32_t)((size_t)(q - first) / step);
	P->line = P->p = q - step;
	P->lend = q - 1;
	P->cur = q;
	P->lineno += rows;
	P->line_bad = false;
	P->trail = (span){NULL, 0};
	P->lay_rows += rows;
	P->row_prev = (const char *)prev;
	P->row_prev_line = P->lineno;
	return true;
}

static bool word_is(const char *w, size_t n, const char *kw)
{
	return strlen(kw) == n && memcmp(w, kw, n) == 0;
}

/* A line of a block whose opening line was wrong (C_SKIP): passed over up
 * to the block's `end`, counting the layouts inside a parcel. A line that
 * opens a block that cannot be inside it ends the skipping and is read as
 * a statement (returns false) without one more error: the broken header
 * was reported, and its `end` may be what is missing. */
static bool skip_line(parser *P)
{
	const char *q = P->line, *e = P->lend;
	while (q < e && (*q == ' ' || *q == '\t'))
		q++;
	const char *w = q;
	while (q < e && *q != ' ' && *q != '\t' && *q != '#')
		q++;
	size_t n = (size_t)(q - w);
	if (word_is(w, n, "end")) {
		if (P->skip_depth > 0)
			P->skip_depth--;
		else
			P->ctx = P->skip_ret;
		return true;
	}
	if (P->skip_what == C_LAYOUT) {
		/* Rows, unless a statement shows that `end` is missing. */
		if (layout_keyword(w, e)) {
			P->ctx = C_PARCEL;
			return false;
		}
		return true;
	}
	if (P->skip_depth > 0)
		return true; /* a layout row */
	if (word_is(w, n, "layout") && P->skip_what == C_PARCEL) {
		P->skip_depth++;
		return true;
	}
	if (word_is(w, n, "parcel") || word_is(w, n, "palette") ||
	    word_is(w, n, "world") ||
	    (word_is(w, n, "zone") && P->skip_what != C_PARCEL)) {
		P->ctx = C_TOP;
		return false;
	}
	return true;
}

/* ---- Driver ----------------------------------------------------------------*/

static void statement(parser *P)
{
	tok t = wfx_lex(P);
	if (t.kind == T_BAD)
		return;
	if (t.kind == T_EOL) {
		if (P->trail.s)
			wfx_push_lead(P);
		return;
	}
	switch (P->ctx) {
	case C_START:
	case C_TOP:
		stmt_top(P, t);
		break;
	case C_PALETTE:
		if (wfx_is(&t, "zone") || wfx_is(&t, "parcel") || wfx_is(&t, "palette") ||
		    wfx_is(&t, "world")) {
			close_block_missing(P, t.col, "before this line");
			P->ctx = C_TOP;
			stmt_top(P, t);
		} else {
			stmt_palette(P, t);
		}
		break;
	case C_ZONE:
		stmt_zone(P, t);
		break;
	case C_PARCEL:
		stmt_parcel(P, t);
		break;
	}
}

static void at_eof(parser *P)
{
	bool nl = P->end > P->buf && P->end[-1] == '\n';
	if (nl || P->lineno == 0) {
		P->lineno++;
		P->line = P->lend = P->p = P->end;
	} else {
		P->p = P->lend;
	}
	P->line_bad = false;
	if (P->ctx == C_SKIP)
		P->ctx = P->skip_ret; /* its header was reported */
	if (P->ctx == C_START) {
		wfx_err(P, wfx_col_of(P, P->p),
		        "expected 'world NAME', found the end of the file");
		return;
	}
	while (P->ctx != C_TOP) {
		int was = P->ctx;
		close_block_missing(P, wfx_col_of(P, P->p), "before the end of the file");
		P->ctx = was == C_LAYOUT ? C_PARCEL : C_TOP;
	}
	P->w->notes[WF_WS_TAIL].lead = wfx_take_lead(P);
}

/* Is this not a text file at all (an image, an archive, UTF-16)? A NUL
 * byte anywhere says so, as does a start of mostly control bytes and
 * invalid UTF-8; such a file gets one error, not one for each line. The
 * position of the first bad byte goes to *at. */
static bool not_text(const char *buf, size_t len, const char **at)
{
	const char *nul = memchr(buf, '\0', len);
	size_t n = len < 4096 ? len : 4096, bad = 0;
	const char *first = NULL;
	for (size_t i = 0; i < n;) {
		unsigned char c = (unsigned char)buf[i];
		int l = 1;
		bool ok = true;
		if (c >= 0x80)
			ok =
			    (l = wf_utf8_len((const unsigned char *)buf + i, n - i)) != 0;
		else if (c < 0x20)
			ok = c == '\n' || c == '\r' || c == '\t' || c == '\f';
		if (!ok) {
			bad++;
			first = first ? first : buf + i;
			l = 1;
		}
		i += (size_t)l;
	}
	if (nul) {
		*at = first && first < nul ? first : nul;
		return true;
	}
	*at = first;
	return bad >= 8 && bad * 10 >= n; /* a tenth, not one stray byte */
}

/* Could the file hold a conflict marker? Markers start a line with
 * "<<<<<<<", and '<' is rare in a world: memchr finds the candidates, and
 * only a line that starts with seven of them goes to the exact test of
 * wf_has_conflict_markers (from there on). A substring search of the whole
 * file cost more than the rest of reading a layout row. */
static bool maybe_conflicted(const char *buf, size_t len)
{
	const char *p = buf, *end = buf + len;
	while ((p = memchr(p, '<', (size_t)(end - p)))) {
		if ((p == buf || p[-1] == '\n') && end - p >= 7 &&
		    memcmp(p, "<<<<<<<", 7) == 0)
			return wf_has_conflict_markers(p, (size_t)(end - p));
		p++;
	}
	return false;
}

/* See wf_parse: from 8 MB on, a parcel array for a parcel in 512 bytes. */
#define PARCELS_GUESS_MIN  ((size_t)8 << 20)
#define PARCEL_BYTES_GUESS 512

wf_world *wf_parse(const char *buf, size_t len, const char *file, wf_diags *d)
{
	/* An unfinished merge: read as ours and theirs, conflicts named (conflict.c). */
	if (maybe_conflicted(buf, len))
		return wf_parse_conflicted(buf, len, file ? file : "world.acre", d);
	parser *P = calloc(1, sizeof *P);
	if (!P)
		return NULL;
	P->w = wf_world_new();
	if (!P->w) {
		free(P);
		return NULL;
	}
	P->buf = P->cur = buf;
	P->end = buf + len;
	P->file = file ? file : "world.acre";
	P->d = d;
	P->ctx = C_START;
	memset(P->ascii, WF_NO_GLYPH, sizeof P->ascii);
	P->tile_budget = (uint64_t)len + 4096;
	/* A big file: the parcel array made at about the size it will need
	 * (a parcel with a layout takes some hundreds of bytes), so that it is
	 * one block asking for huge pages from the start rather than one that
	 * grows through every size, its early pages faulted in one by one.
	 * What it does not fill costs address space only; if it cannot be
	 * had, the array grows as it would have. */
	if (len >= PARCELS_GUESS_MIN)
		(void)wf_grow((void **)&P->w->parcels, &P->w->parcels_cap,
		              (int)(len / PARCEL_BYTES_GUESS), sizeof *P->w->parcels);
	if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0)
		P->cur += 3;
	const char *bad;
	if (not_text(buf, len, &bad)) {
		/* Locate the first bad byte, then stop: nothing after it reads. */
		while (wfx_next_line(P) && P->cur <= bad)
			;
		if (!P->line)
			P->line = buf;
		wf_diag *g = wfx_rule(wfx_err(P, wfx_col_of(P, bad),
		                              "not a text file (byte 0x%02x is not text)",
		                              (unsigned char)*bad),
		                      "not-text");
		if (g)
			g->end_col = g->col + 1;
		wf_diag_help(g, "a world file is UTF-8 text; was another file "
		                "saved as world.acre?");
		P->ctx = C_TOP;
		P->cur = P->end;
	}
	while (!P->oom) {
		if (P->ctx == C_LAYOUT && fast_rows(P))
			continue;
		if (!wfx_next_line(P))
			break;
		if (P->ctx == C_LAYOUT && layout_row(P))
			continue;
		if (P->ctx == C_SKIP && skip_line(P))
			continue;
		statement(P);
	}
	if (!P->oom)
		at_eof(P);
	wf_world *w = P->w;
	bool oom = P->oom;
	free(P->lead);
	free(P);
	if (oom) {
		wf_world_free(w);
		return NULL;
	}
	wf_names zones;
	if (wf_names_init(&zones, w->nzones ? &w->zones[0].name : NULL, sizeof *w->zones,
	                  w->nzones)) {
		for (int i = 0; i < w->nzones; i++)
			wf_names_put(&zones, i);
		wf_names_memo last = {0};
		for (int i = 0; i < w->nparcels; i++)
			if (w->parcels[i].zone)
				w->parcels[i].zone_index =
				    wf_names_get_memo(&zones, &last, w->parcels[i].zone);
		wf_names_free(&zones);
	}
	return w;
}
