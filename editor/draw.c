/* draw.c — composes the editor's screen from the model, once per frame.
 *
 * Only what is visible is looked at: the viewport's tiles (found through the
 * world's unit-parcel grid, O(1) per cell), the parcels that reach into it,
 * and a fixed-size minimap. So a frame costs the same on a 16-parcel world
 * and on the 65,536-parcel Street. curses keeps the previous frame and sends
 * only the cells that changed.
 *
 * Colour: palette entries take their colour= attribute, or else are sorted
 * into a few colour classes by name (wall, water, plant ...); 256-colour
 * terminals also tint every other parcel so that borders show, 8-colour
 * terminals draw every other parcel bright; monochrome terminals and
 * NO_COLOR get attributes (bold, dim, reverse) only.
 */
#include "editor/ui.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

enum {
	CL_PLAIN,
	CL_WALL,
	CL_FLOOR,
	CL_DOOR,
	CL_WATER,
	CL_PLANT,
	CL_LIGHT,
	CL_ROAD,
	CL_FIRE,
	CL_GLASS,
	CL_OTHER,
	/* Set by a palette entry's colour=NAME (or color=NAME) attribute. */
	CL_RED,
	CL_GREEN,
	CL_YELLOW,
	CL_BLUE,
	CL_MAGENTA,
	CL_CYAN,
	CL_WHITE,
	NCLASS
};

/* Colour pairs: tiles are 1 + class + NCLASS * tint (tint 0 or 1); then the
 * overlay backgrounds and the fixed pairs. */
enum {
	P_OVERLAY = 1 + 2 * NCLASS,
	P_HEAT = P_OVERLAY + 6,
	P_CURSOR = P_HEAT + 3,
	P_ENTITY,
	P_NAME,
	P_ERROR,
	P_STATUS
};

#define PANEL_W  32
#define MIN_COLS 50
#define MIN_ROWS 10

static const struct {
	const char *word;
	int cls;
} class_words[] = {
    {"wall", CL_WALL},    {"stone", CL_WALL},  {"rock", CL_WALL},    {"floor", CL_FLOOR},
    {"ground", CL_FLOOR}, {"sand", CL_FLOOR},  {"door", CL_DOOR},    {"gate", CL_DOOR},
    {"water", CL_WATER},  {"river", CL_WATER}, {"sea", CL_WATER},    {"grass", CL_PLANT},
    {"tree", CL_PLANT},   {"plant", CL_PLANT}, {"park", CL_PLANT},   {"lamp", CL_LIGHT},
    {"light", CL_LIGHT},  {"neon", CL_LIGHT},  {"sign", CL_LIGHT},   {"road", CL_ROAD},
    {"street", CL_ROAD},  {"path", CL_ROAD},   {"pave", CL_ROAD},    {"fire", CL_FIRE},
    {"lava", CL_FIRE},    {"glass", CL_GLASS}, {"window", CL_GLASS}, {"ice", CL_GLASS},
};

static const char *const colour_names[] = {"red",     "green", "yellow", "blue",
                                           "magenta", "cyan",  "white"};

static int glyph_class(const wf_glyph *g)
{
	for (int i = 0; i < g->nattrs; i++) {
		if (strcmp(g->attrs[i].key, "colour") && strcmp(g->attrs[i].key, "color"))
			continue;
		for (int c = 0; c < 7; c++)
			if (strcmp(g->attrs[i].value, colour_names[c]) == 0)
				return CL_RED + c;
	}
	for (size_t i = 0; i < sizeof class_words / sizeof *class_words; i++)
		if (g->name && strstr(g->name, class_words[i].word))
			return class_words[i].cls;
	return g->solid ? CL_WALL : CL_OTHER;
}

/* The class of each palette entry, worked out once (the editor does not
 * change the palette). */
static int tile_class(ed_ui *u, int g)
{
	wf_world *w = u->m.w;
	if (g >= w->npalette)
		return CL_OTHER;
	if (!u->classes_ready) {
		for (int i = 0; i < w->npalette && i < 256; i++)
			u->tile_cls[i] = (unsigned char)glyph_class(&w->palette[i]);
		u->classes_ready = true;
	}
	return u->tile_cls[g];
}

static const short fg8[NCLASS] = {
    -1,           COLOR_WHITE,  -1,         COLOR_YELLOW,  COLOR_BLUE,    COLOR_GREEN,
    COLOR_YELLOW, -1,           COLOR_RED,  COLOR_CYAN,    COLOR_MAGENTA, COLOR_RED,
    COLOR_GREEN,  COLOR_YELLOW, COLOR_BLUE, COLOR_MAGENTA, COLOR_CYAN,    COLOR_WHITE};
static const short fg256[NCLASS] = {-1, 252, 242, 179, 33,  70, 227, 245, 196,
                                    51, 176, 203, 83,  227, 69, 207, 87,  255};
static const short over8[6] = {COLOR_BLUE,    COLOR_GREEN,  COLOR_CYAN,
                               COLOR_MAGENTA, COLOR_YELLOW, COLOR_RED};

void ed_draw_init(ed_ui *u)
{
	if (u->colours == COL_MONO)
		return;
	bool rich = u->colours == COL_256;
	for (int c = 0; c < NCLASS; c++) {
		short fg = rich ? fg256[c] : fg8[c];
		init_pair((short)(1 + c), fg, -1);
		init_pair((short)(1 + c + NCLASS), fg, rich ? 236 : -1);
	}
	for (int i = 0; i < 6; i++)
		init_pair((short)(P_OVERLAY + i), COLOR_BLACK, over8[i]);
	init_pair(P_HEAT, COLOR_BLACK, COLOR_GREEN);
	init_pair(P_HEAT + 1, COLOR_BLACK, COLOR_YELLOW);
	init_pair(P_HEAT + 2, COLOR_WHITE, COLOR_RED);
	init_pair(P_CURSOR, COLOR_BLACK, COLOR_YELLOW);
	init_pair(P_ENTITY, COLOR_MAGENTA, -1);
	init_pair(P_NAME, COLOR_BLACK, COLOR_CYAN);
	init_pair(P_ERROR, COLOR_RED, -1);
	init_pair(P_STATUS, COLOR_BLACK, COLOR_WHITE);
}

static short pair(const ed_ui *u, short p)
{
	return u->colours == COL_MONO ? 0 : p;
}

/* ---- Cells ---------------------------------------------------------------- */

/* Put UTF-8 text `s` (one code point expected) in the cell at (y, x), padded
 * to `cellw` columns. Anything unprintable shows as '?'. */
static void put_glyph(const ed_ui *u, int y, int x, const char *s, attr_t a, short p)
{
	wchar_t wc[3] = {L'?', 0, 0};
	mbstate_t st = {0};
	if (s && mbrtowc(&wc[0], s, strlen(s), &st) > (size_t)-3)
		wc[0] = L'?';
	int w = wcwidth(wc[0]);
	if (w < 1 || w > u->cellw)
		wc[0] = L'?', w = 1;
	cchar_t cc;
	setcchar(&cc, wc, a, p, NULL);
	mvadd_wch(y, x, &cc);
	if (w < u->cellw) {
		wchar_t sp[2] = {L' ', 0};
		setcchar(&cc, sp, a, p, NULL);
		mvadd_wch(y, x + 1, &cc);
	}
}

static unsigned hash_str(const char *s)
{
	unsigned h = 2166136261u;
	for (; s && *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

/* How an overlay colours parcel pi: an index 0..5 (or 6..8 for heat), or -1. */
static int overlay_index(const ed_ui *u, int pi)
{
	const wf_parcel *p = &u->m.w->parcels[pi];
	switch (u->overlay) {
	case OV_OWNER:
		return p->owner ? (int)(hash_str(p->owner) % 6) : -1;
	case OV_ZONE:
		return p->zone ? (int)(hash_str(p->zone) % 6) : -1;
	case OV_BUDGET: {
		if (!u->budget_use || pi >= u->nbudget)
			return -1;
		/* The tighter of the two budgets decides the heat. */
		double use = u->budget_use[pi];
		if (u->budget_mem && pi < u->nbudget_mem && u->budget_mem[pi] > use)
			use = u->budget_mem[pi];
		return 6 + (use < 0.5 ? 0 : use < 0.9 ? 1 : 2);
	}
	default:
		return -1;
	}
}

static bool in_selection(const ed_ui *u, int32_t x, int32_t y)
{
	const ed_model *m = &u->m;
	if (m->mode != ED_SELECT)
		return false;
	int32_t x0 = m->ax < m->cx ? m->ax : m->cx, x1 = m->ax < m->cx ? m->cx : m->ax;
	int32_t y0 = m->ay < m->cy ? m->ay : m->cy, y1 = m->ay < m->cy ? m->cy : m->ay;
	return x >= x0 && x <= x1 && y >= y0 && y <= y1;
}

static void draw_tile(ed_ui *u, int row, int col, int32_t tx, int32_t ty)
{
	wf_world *w = u->m.w;
	int32_t gx = tx / w->parcel_w, gy = ty / w->parcel_h;
	int pi = w->grid[gy * w->width + gx];
	int sx = col * u->cellw;
	if (pi < 0) {
		put_glyph(u, row, sx, " ", in_selection(u, tx, ty) ? A_REVERSE : 0, 0);
		return;
	}
	const wf_parcel *p = &w->parcels[pi];
	const uint8_t *tiles = u->m.mode == ED_PLAY ? ed_play_tiles(u, pi) : p->tiles;
	int32_t lx = tx - p->px * w->parcel_w, ly = ty - p->py * w->parcel_h;
	int g = tiles ? tiles[ly * wf_parcel_tw(w, p) + lx] : 0;
	const char *s = g < w->npalette ? w->palette[g].glyph : "?";
	int cls = tile_class(u, g);
	attr_t a = 0;
	short cp;
	int ov = overlay_index(u, pi);
	if (ov >= 0) {
		cp = (short)(ov < 6 ? P_OVERLAY + ov : P_HEAT + ov - 6);
		if (u->colours == COL_MONO)
			a |= (ov & 1) ? A_REVERSE : A_BOLD | A_UNDERLINE;
	} else {
		cp = (short)(1 + cls +
		             (u->colours == COL_256 && ((p->px + p->py) & 1) ? NCLASS
		                                                             : 0));
		if (u->colours == COL_MONO)
			a |= cls == CL_WALL                      ? A_BOLD
			     : cls == CL_FLOOR || cls == CL_ROAD ? A_DIM
			                                         : 0;
		/* 8-colour terminals have no tint to spare: every other parcel
		 * is drawn in the bright colours instead, so borders show. */
		if (cls == CL_LIGHT || (u->colours == COL_8 && ((p->px + p->py) & 1)))
			a |= A_BOLD;
	}
	if (in_selection(u, tx, ty))
		a |= A_REVERSE;
	put_glyph(u, row, sx, s, a, pair(u, cp));
}

/* Entities (and names) of every parcel reaching into the viewport. The
 * visible unit-parcel cells are walked, and a parcel is drawn at the first
 * cell of it met, so each is drawn once. */
static void draw_parcel_extras(ed_ui *u, int pi)
{
	ed_model *m = &u->m;
	wf_world *w = m->w;
	const wf_parcel *p = &w->parcels[pi];
	int32_t ox = p->px * w->parcel_w, oy = p->py * w->parcel_h;
	const api_entity *live = NULL;
	int n = m->mode == ED_PLAY ? ed_play_entities(u, pi, &live) : p->nentities;
	for (int i = 0; i < n; i++) {
		int32_t x = ox + (live ? live[i].x : p->entities[i].x);
		int32_t y = oy + (live ? live[i].y : p->entities[i].y);
		const char *g = live
		                    ? (live[i].glyph[0] ? live[i].glyph : "@")
		                    : (p->entities[i].glyph ? p->entities[i].glyph : "@");
		if (x >= m->vx && x < m->vx + m->vw && y >= m->vy && y < m->vy + m->vh)
			put_glyph(u, y - m->vy, (x - m->vx) * u->cellw, g, A_BOLD,
			          pair(u, P_ENTITY));
	}
	if (!u->show_names)
		return;
	/* The name goes on the parcel's top edge, or on the top row of the
	 * screen when that edge is above it; when that row is the cursor's
	 * (the label would hide the tiles being edited), on the parcel's
	 * bottom row in view instead, or the row below the top one. So every
	 * parcel with a row on screen shows its name. */
	int32_t nx = ox > m->vx ? ox : m->vx, ny = oy > m->vy ? oy : m->vy;
	int32_t last = oy + wf_parcel_th(w, p) - 1, vbot = m->vy + m->vh - 1;
	if (last > vbot)
		last = vbot;
	if (ny == m->cy)
		ny = last != m->cy ? last : ny + 1 <= last ? ny + 1 : -1;
	int col = (nx - m->vx) * u->cellw, room = u->map_cols - col;
	int32_t pw = wf_parcel_tw(w, p) * u->cellw - (nx - ox) * u->cellw;
	if (room > pw)
		room = pw;
	if (room > 0 && ny >= m->vy && ny <= vbot) {
		attr_set(A_REVERSE * (u->colours == COL_MONO), pair(u, P_NAME), NULL);
		mvaddnstr(ny - m->vy, col, p->name, room);
		attr_set(0, 0, NULL);
	}
}

static void draw_map(ed_ui *u)
{
	ed_model *m = &u->m;
	wf_world *w = m->w;
	if (!w->grid)
		wf_world_index(w);
	int32_t tw = ed_world_tw(m), th = ed_world_th(m);
	for (int r = 0; r < u->map_rows; r++) {
		move(r, 0);
		clrtoeol();
		for (int c = 0; c < m->vw && r < m->vh; c++)
			if (m->vx + c < tw && m->vy + r < th)
				draw_tile(u, r, c, m->vx + c, m->vy + r);
	}
	/* Parcels reaching into the viewport, each once (last cell owner wins). */
	int32_t gx0 = m->vx / w->parcel_w, gy0 = m->vy / w->parcel_h;
	int32_t gx1 = (m->vx + m->vw - 1) / w->parcel_w,
	        gy1 = (m->vy + m->vh - 1) / w->parcel_h;
	for (int32_t gy = gy0; gy <= gy1 && gy < w->height; gy++)
		for (int32_t gx = gx0; gx <= gx1 && gx < w->width; gx++) {
			int pi = w->grid[gy * w->width + gx];
			if (pi < 0)
				continue;
			const wf_parcel *p = &w->parcels[pi];
			int32_t fx = p->px > gx0 ? p->px : gx0,
			        fy = p->py > gy0 ? p->py : gy0;
			if (gx == fx && gy == fy)
				draw_parcel_extras(u, pi);
		}
	/* The cursor; in line mode the anchor too. */
	if (m->mode == ED_LINE && m->ax >= m->vx && m->ay >= m->vy &&
	    m->ax < m->vx + m->vw && m->ay < m->vy + m->vh)
		mvchgat(m->ay - m->vy, (m->ax - m->vx) * u->cellw, u->cellw, A_REVERSE,
		        pair(u, P_CURSOR), NULL);
	ed_conflict_draw(u); /* the other side beside the map, when merging */
	mvchgat(m->cy - m->vy, (m->cx - m->vx) * u->cellw, u->cellw, A_REVERSE | A_BOLD,
	        pair(u, P_CURSOR), NULL);
}

/* ---- Panel ------------------------------------------------------------------ */

static int panel_line(ed_ui *u, int y, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int panel_line(ed_ui *u, int y, const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	if (y >= u->map_rows)
		return y;
	move(y, u->panel_x);
	clrtoeol();
	addnstr(buf, u->panel_w);
	return y + 1;
}

static int panel_head(ed_ui *u, int y, const char *title)
{
	if (y >= u->map_rows)
		return y;
	attr_set(A_BOLD | A_UNDERLINE, 0, NULL);
	y = panel_line(u, y, "%s", title);
	attr_set(0, 0, NULL);
	return y;
}

static int draw_props(ed_ui *u, int y)
{
	ed_model *m = &u->m;
	wf_world *w = m->w;
	int pi = ed_parcel_here(m);
	y = panel_head(u, y, "Parcel");
	if (pi < 0)
		return panel_line(u, y, " (none here)");
	const wf_parcel *p = &w->parcels[pi];
	wf_budget b = wf_parcel_budget(w, p);
	y = panel_line(u, y, " name   %s", p->name);
	y = panel_line(u, y, " at     %d,%d  size %dx%d", p->px, p->py, p->pw, p->ph);
	y = panel_line(u, y, " owner  %s", p->owner ? p->owner : "-");
	y = panel_line(u, y, " zone   %s", p->zone ? p->zone : "-");
	y = panel_line(u, y, " script %s", p->script ? p->script : "-");
	y = panel_line(u, y, " entities %d of %lld", p->nentities, (long long)b.entities);
	y = panel_line(u, y, " budget %lld instr/tick", (long long)b.instructions);
	/* The share of its budget the parcel used at its peak in the last
	 * play, so a creator sees the headroom before submitting. */
	if (pi < u->nbudget && u->budget_use)
		y = panel_line(
		    u, y, " used   %.0f%% instr %.0f%% mem", 100 * u->budget_use[pi],
		    pi < u->nbudget_mem && u->budget_mem ? 100 * u->budget_mem[pi] : 0.0);
	if (pi < u->nbudget && u->budget_use && u->budget_from[0]) {
		y = panel_line(u, y, " from   %s", u->budget_from);
		if (u->budget_of[0])
			y = panel_line(u, y, "        of %s", u->budget_of);
	}
	int ei, epi;
	if ((ei = ed_entity_at(m, m->cx, m->cy, &epi)) >= 0) {
		const wf_entity *e = &w->parcels[epi].entities[ei];
		y = panel_line(u, y, " entity %s %s", e->name,
		               e->script ? e->script : "");
	}
	return y;
}

static int draw_brush(ed_ui *u, int y)
{
	wf_world *w = u->m.w;
	if (u->pick_palette) {
		y = panel_head(u, y, "Palette");
		for (int i = 0; i < w->npalette && y < u->map_rows; i++) {
			attr_set(i == u->m.brush ? A_REVERSE : 0, 0, NULL);
			y = panel_line(u, y, " %s %s%s", w->palette[i].glyph,
			               w->palette[i].name,
			               w->palette[i].solid ? " (solid)" : "");
			attr_set(0, 0, NULL);
		}
		return y;
	}
	if (u->m.brush < w->npalette)
		y = panel_line(u, y, "Brush  %s %s", w->palette[u->m.brush].glyph,
		               w->palette[u->m.brush].name);
	return y;
}

/* A fixed-size map of the whole world: '#' where a parcel is, ' ' where
 * none; the viewport is reversed. Each cell samples a few unit parcels, so
 * its cost does not grow with the world. */
static int draw_minimap(ed_ui *u, int y)
{
	ed_model *m = &u->m;
	wf_world *w = m->w;
	int mh = u->map_rows - y - 8, mw = u->panel_w - 2;
	if (mh > 10)
		mh = 10;
	if (mh < 3 || mw < 4)
		return y;
	y = panel_head(u, y, "Map");
	int32_t tw = ed_world_tw(m), th = ed_world_th(m);
	for (int r = 0; r < mh; r++) {
		move(y + r, u->panel_x);
		clrtoeol();
		int32_t ty0 = (int32_t)((int64_t)th * r / mh),
		        ty1 = (int32_t)((int64_t)th * (r + 1) / mh);
		for (int c = 0; c < mw; c++) {
			int32_t tx0 = (int32_t)((int64_t)tw * c / mw),
			        tx1 = (int32_t)((int64_t)tw * (c + 1) / mw);
			int32_t sx = (tx0 + tx1) / 2, sy = (ty0 + ty1) / 2;
			bool view = tx1 > m->vx && tx0 < m->vx + m->vw && ty1 > m->vy &&
			            ty0 < m->vy + m->vh;
			bool cur =
			    m->cx >= tx0 && m->cx < tx1 && m->cy >= ty0 && m->cy < ty1;
			int pi = wf_parcel_at(w, sx, sy);
			attr_set(view ? A_REVERSE : 0, 0, NULL);
			addch(cur       ? '@'
			      : pi >= 0 ? (u->colours == COL_MONO ? '#' : ACS_CKBOARD)
			                : '.');
		}
		attr_set(0, 0, NULL);
	}
	return y + mh;
}

static int draw_errors(ed_ui *u, int y)
{
	y = panel_head(u, y, "Problems (] [ jump)");
	if (!ed_diags_current(u))
		y = panel_line(u, y, " (being found again in the background)");
	if (u->diags.n == 0)
		return panel_line(u, y, " none");
	/* Each problem whole: wrapped at spaces over as many rows as it
	 * needs, so the reason is never cut off. */
	int w = u->panel_w - 1 > 8 ? u->panel_w - 1 : 8;
	for (int i = 0; i < u->diags.n && y < u->map_rows; i++) {
		const wf_diag *d = &u->diags.v[i];
		char buf[1024];
		snprintf(buf, sizeof buf, "%s%s%s", d->parcel ? d->parcel : "",
		         d->parcel ? ": " : "", d->msg);
		attr_set(i == u->diag_cur ? A_REVERSE : 0, 0, NULL);
		for (const char *s = buf; *s && y < u->map_rows;) {
			int room = s == buf ? w : w - 2, n = (int)strlen(s);
			if (n > room) {
				n = room;
				while (n > 0 && s[n] != ' ')
					n--;
				if (n == 0)
					n = room; /* one long word: cut it */
			}
			y = panel_line(u, y, "%s%.*s", s == buf ? " " : "   ", n, s);
			s += n;
			while (*s == ' ')
				s++;
		}
		attr_set(0, 0, NULL);
	}
	return y;
}

static int draw_history(ed_ui *u, int y)
{
	y = panel_head(u, y, "History (C closes)");
	for (int i = 0; i < u->nhist && y < u->map_rows; i++)
		y = panel_line(u, y, " %s", u->hist[i]);
	return y;
}

static void draw_panel(ed_ui *u)
{
	for (int r = 0; r < u->map_rows; r++)
		mvaddch(r, u->panel_x - 1, ACS_VLINE);
	int y = draw_props(u, 0);
	y = draw_brush(u, y);
	if (u->cf)
		y = ed_conflict_panel(u, y);
	else
		y = draw_minimap(u, y);
	if (u->cf && u->panel != PANEL_ERRORS)
		; /* the conflicts take the panel's room */
	else if (u->m.mode == ED_PLAY)
		ed_play_panel(u, y, u->panel_x, u->map_rows - y, u->panel_w);
	else if (u->panel == PANEL_ERRORS)
		y = draw_errors(u, y);
	else if (u->panel == PANEL_HISTORY)
		y = draw_history(u, y);
	for (; y < u->map_rows && u->m.mode != ED_PLAY; y++) {
		move(y, u->panel_x);
		clrtoeol();
	}
}

/* ---- Status, message, help ------------------------------------------------- */

static void draw_status(ed_ui *u)
{
	ed_model *m = &u->m;
	wf_world *w = m->w;
	char buf[768];
	int pi = ed_parcel_here(m);
	/* Every field is cut short, so the line stays far below sizeof buf
	 * and the mode and markers stay visible. */
	/* In the merge view the conflicts left come early: a narrow terminal
	 * cuts the end of the line. */
	char cf[64];
	ed_conflict_status(u, cf, sizeof cf);
	int n = snprintf(buf, sizeof buf, " %.32s  %d,%d (%d,%d)%s",
	                 w->name ? w->name : "?", m->cx, m->cy, m->cx / w->parcel_w,
	                 m->cy / w->parcel_h, u->cf ? cf : "");
	if (pi >= 0) {
		const wf_parcel *p = &w->parcels[pi];
		n += snprintf(buf + n, sizeof buf - (size_t)n,
		              "  %.64s owner %.24s zone %.24s", p->name,
		              p->owner ? p->owner : "-", p->zone ? p->zone : "-");
	}
	if (m->mode == ED_SELECT)
		n += snprintf(buf + n, sizeof buf - (size_t)n, "  %dx%d",
		              abs(m->cx - m->ax) + 1, abs(m->cy - m->ay) + 1);
	snprintf(buf + n, sizeof buf - (size_t)n, "  %s%s%s%s", ed_mode_name(m->mode),
	         ed_dirty(m) ? "  [+]" : "", u->diags.errors ? "  !" : "",
	         u->cf ? "" : cf);
	attr_set(A_REVERSE, pair(u, P_STATUS), NULL);
	move(LINES - 2, 0);
	clrtoeol();
	addnstr(buf, COLS);
	for (int x = getcurx(stdscr); x < COLS && x > 0; x++)
		addch(' ');
	attr_set(0, 0, NULL);
}

static void draw_bottom(ed_ui *u)
{
	move(LINES - 1, 0);
	clrtoeol();
	if (u->line.active) {
		addnstr(u->line.label, COLS);
		addnstr(u->line.text, COLS - getcurx(stdscr));
		return;
	}
	if (u->msg[0]) {
		attr_set(u->msg_error ? A_BOLD : 0, u->msg_error ? pair(u, P_ERROR) : 0,
		         NULL);
		addnstr(u->msg, COLS);
		attr_set(0, 0, NULL);
	} else if (u->cf) {
		addnstr("]c next conflict  < ours  > theirs  u undo  ? help  :w once "
		        "none is left",
		        COLS);
	} else {
		addnstr("? help  i paint  u undo  / search  :w save  q quit", COLS);
	}
}

static void draw_help(ed_ui *u)
{
	erase();
	attr_set(A_BOLD, 0, NULL);
	mvaddnstr(0, 0,
	          u->cf ? "acre edit: keys and commands, the merge's first (j/k "
	                  "scroll, any other key closes)"
	                : "acre edit: keys and commands (j/k scroll, any other key "
	                  "closes)",
	          COLS);
	attr_set(0, 0, NULL);
	const char *section = NULL;
	int row = 1, line = 0;
	for (int i = 0; ed_help_entry(i); i++) {
		const ed_keyhelp *h = ed_help_entry(i);
		if (!section || strcmp(section, h->section)) {
			section = h->section;
			if (line++ >= u->help_top && row < LINES) {
				attr_set(A_BOLD, 0, NULL);
				mvaddnstr(row++, 0, section, COLS);
				attr_set(0, 0, NULL);
			}
		}
		if (line++ < u->help_top || row >= LINES)
			continue;
		mvprintw(row, 2, "%-22s", h->keys);
		addnstr(h->help, COLS - 25 > 0 ? COLS - 25 : 0);
		row++;
	}
	if (u->help_top > line)
		u->help_top = line;
}

static void layout(ed_ui *u)
{
	u->too_small = COLS < MIN_COLS || LINES < MIN_ROWS;
	bool panel = u->show_panel && COLS >= 80;
	u->panel_w = panel ? PANEL_W - 1 : 0;
	u->panel_x = panel ? COLS - PANEL_W + 1 : COLS;
	u->map_cols = panel ? COLS - PANEL_W : COLS;
	u->map_rows = LINES - 2;
	/* Merge conflicts: the map halves, the other side on the right. */
	u->pane_x = u->cf ? u->map_cols / 2 + 1 : 0;
	if (u->cf)
		u->map_cols = u->map_cols / 2;
	u->m.vw = u->map_cols / u->cellw;
	u->m.vh = u->map_rows;
	ed_follow(&u->m);
}

void ed_draw(ed_ui *u)
{
	layout(u);
	if (u->too_small) {
		erase();
		mvprintw(0, 0, "Terminal too small: %dx%d.", COLS, LINES);
		mvprintw(1, 0, "acre edit needs at least %dx%d.", MIN_COLS, MIN_ROWS);
		refresh();
		return;
	}
	if (u->show_help) {
		draw_help(u);
		refresh();
		return;
	}
	draw_map(u);
	if (u->panel_w > 0)
		draw_panel(u);
	draw_status(u);
	draw_bottom(u);
	if (u->line.active)
		curs_set(1);
	else
		move(u->m.cy - u->m.vy, (u->m.cx - u->m.vx) * u->cellw);
	refresh();
}
