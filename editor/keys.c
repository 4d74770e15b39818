/* keys.c — key bindings and ':' commands as data, and their actions.
 *
 * Two tables hold every binding: `keys` (single keys, per mode) and `cmds`
 * (what may follow ':'). The help screen, `acre edit --keys` and the key list
 * of acre-edit(1) are all printed from these tables, so help and bindings
 * cannot drift apart. An action only calls model operations and sets the
 * message; drawing happens once per frame in draw.c.
 */
#include "editor/ui.h"

#include <curses.h>
#include <stdarg.h>
#include <stdio.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

/* Key codes: characters are themselves, curses function keys are negated so
 * that the two never collide (wide characters may exceed KEY_MIN). */
#define FK(k)   (-(k))
#define CTRL(c) ((c)&0x1f)
#define ESC     27

enum {
	M_NORMAL = 1 << ED_NORMAL,
	M_PAINT = 1 << ED_PAINT,
	M_SELECT = 1 << ED_SELECT,
	M_LINE = 1 << ED_LINE,
	M_PLAY = 1 << ED_PLAY,
	/* where cursor keys work: play mode too (the cursor is free there) */
	M_MOVE = M_NORMAL | M_PAINT | M_SELECT | M_LINE | M_PLAY,
};

typedef struct keydef {
	ed_keyhelp h;
	int key[4]; /* 0-terminated */
	int modes;
	void (*fn)(ed_ui *u);
} keydef;

typedef struct cmddef {
	ed_keyhelp h;
	const char *name;
	void (*fn)(ed_ui *u, const char *args);
} cmddef;

void ed_set_msg(ed_ui *u, bool error, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(u->msg, sizeof u->msg, fmt, ap);
	va_end(ap);
	u->msg_error = error;
}

/* Report the result of a model operation. */
static void report(ed_ui *u, int r, const char *ok)
{
	if (r)
		ed_set_msg(u, true, "%s", u->m.err);
	else if (ok)
		ed_set_msg(u, false, "%s", ok);
}

static void prompt(ed_ui *u, const char *label, const char *text,
                   void (*done)(ed_ui *u, const char *text))
{
	ed_typing *l = &u->line;
	l->active = true;
	snprintf(l->label, sizeof l->label, "%s", label);
	snprintf(l->text, sizeof l->text, "%s", text ? text : "");
	l->len = strlen(l->text);
	l->done = done;
}

void ed_prompt(ed_ui *u, const char *label, const char *text,
               void (*done)(ed_ui *u, const char *text))
{
	prompt(u, label, text, done);
}

static int here(ed_ui *u)
{
	int pi = ed_parcel_here(&u->m);
	if (pi < 0)
		ed_set_msg(u, true, "no parcel under the cursor");
	return pi;
}

/* ---- Moves ---------------------------------------------------------------- */

static void mv_left(ed_ui *u)
{
	ed_move(&u->m, -1, 0);
}
static void mv_right(ed_ui *u)
{
	ed_move(&u->m, 1, 0);
}
static void mv_up(ed_ui *u)
{
	ed_move(&u->m, 0, -1);
}
static void mv_down(ed_ui *u)
{
	ed_move(&u->m, 0, 1);
}
static void mv_pleft(ed_ui *u)
{
	ed_move(&u->m, -u->m.w->parcel_w, 0);
}
static void mv_pright(ed_ui *u)
{
	ed_move(&u->m, u->m.w->parcel_w, 0);
}
static void mv_pup(ed_ui *u)
{
	ed_move(&u->m, 0, -u->m.w->parcel_h);
}
static void mv_pdown(ed_ui *u)
{
	ed_move(&u->m, 0, u->m.w->parcel_h);
}
static void mv_pgdn(ed_ui *u)
{
	ed_scroll(&u->m, 0, u->m.vh);
	ed_move(&u->m, 0, 0);
}
static void mv_pgup(ed_ui *u)
{
	ed_scroll(&u->m, 0, -u->m.vh);
}
static void mv_halfdn(ed_ui *u)
{
	ed_move(&u->m, 0, u->m.vh / 2);
}
static void mv_halfup(ed_ui *u)
{
	ed_move(&u->m, 0, -u->m.vh / 2);
}
static void mv_home(ed_ui *u)
{
	ed_goto(&u->m, 0, 0);
}
static void mv_end(ed_ui *u)
{
	ed_goto(&u->m, ed_world_tw(&u->m) - 1, ed_world_th(&u->m) - 1);
}
static void mv_bol(ed_ui *u)
{
	ed_goto(&u->m, 0, u->m.cy);
}
static void mv_eol(ed_ui *u)
{
	ed_goto(&u->m, ed_world_tw(&u->m) - 1, u->m.cy);
}

/* ---- Modes and tiles ------------------------------------------------------ */

static void k_paint(ed_ui *u)
{
	ed_group_begin(&u->m, "insert"); /* the whole insert is one undo step */
	u->m.mode = ED_PAINT;
	u->paint_col = u->m.cx;
	ed_set_msg(u, false, "paint: type palette glyphs, Esc to leave");
}

static void k_escape(ed_ui *u)
{
	ed_group_end(&u->m);
	u->m.mode = ED_NORMAL;
	u->msg[0] = 0;
}

static void k_newline(ed_ui *u)
{
	ed_goto(&u->m, u->paint_col, u->m.cy + 1);
}

static void k_back(ed_ui *u)
{
	ed_move(&u->m, -1, 0);
}

static void k_brush(ed_ui *u)
{
	report(u, ed_paint(&u->m, u->m.cx, u->m.cy, u->m.brush), NULL);
}

static void k_select(ed_ui *u)
{
	u->m.mode = ED_SELECT;
	u->m.ax = u->m.cx;
	u->m.ay = u->m.cy;
	ed_set_msg(u, false, "select: move, then f fill, y copy, d clear; Esc to leave");
}

static void k_linemode(ed_ui *u)
{
	u->m.mode = ED_LINE;
	u->m.ax = u->m.cx;
	u->m.ay = u->m.cy;
	ed_set_msg(u, false, "line: move to the other end, Enter draws it; Esc to leave");
}

static void k_draw_line(ed_ui *u)
{
	ed_model *m = &u->m;
	report(u, ed_line(m, m->ax, m->ay, m->cx, m->cy, m->brush), "line drawn");
	m->mode = ED_NORMAL;
}

static void k_fill(ed_ui *u)
{
	ed_model *m = &u->m;
	report(u, ed_fill(m, m->ax, m->ay, m->cx, m->cy, m->brush), "filled");
	m->mode = ED_NORMAL;
}

static void k_clear(ed_ui *u)
{
	ed_model *m = &u->m;
	report(u, ed_fill(m, m->ax, m->ay, m->cx, m->cy, 0), "cleared");
	m->mode = ED_NORMAL;
}

static void k_copy(ed_ui *u)
{
	ed_model *m = &u->m;
	if (ed_copy(m, m->ax, m->ay, m->cx, m->cy) == 0)
		ed_set_msg(u, false, "copied %d by %d tiles", m->clip.w, m->clip.h);
	else
		report(u, -1, NULL);
	m->mode = ED_NORMAL;
}

static void k_paste(ed_ui *u)
{
	report(u, ed_paste(&u->m, u->m.cx, u->m.cy), "pasted");
}

static void k_palette(ed_ui *u)
{
	u->pick_palette = true;
	ed_set_msg(u, false,
	           "palette: type a glyph or move with j/k, Enter picks, Esc cancels");
}

/* After an undo or redo in the merge view: how many conflicts are left
 * (a pick undone brings its conflict back). */
static const char *conflicts_note(const ed_ui *u, char *note, size_t n)
{
	note[0] = 0;
	if (u->cf) {
		int left = ed_conflict_left(u);
		snprintf(note, n, " (%d merge conflict%s left)", left,
		         left == 1 ? "" : "s");
	}
	return note;
}

static void k_undo(ed_ui *u)
{
	int n = u->m.pos;
	const char *what = n > 0 ? u->m.steps[n - 1].what : NULL;
	char note[64];
	if (ed_undo(&u->m) == 0)
		ed_set_msg(u, false, "undid %s%s", what,
		           conflicts_note(u, note, sizeof note));
	else
		report(u, -1, NULL);
}

static void k_redo(ed_ui *u)
{
	char note[64];
	if (ed_redo(&u->m) == 0)
		ed_set_msg(u, false, "redid %s%s", u->m.steps[u->m.pos - 1].what,
		           conflicts_note(u, note, sizeof note));
	else
		report(u, -1, NULL);
}

/* ---- Parcels and entities -------------------------------------------------- */

static void c_parcel(ed_ui *u, const char *args);
static void c_move(ed_ui *u, const char *args);
static void c_resize(ed_ui *u, const char *args);
static void c_entity(ed_ui *u, const char *args);

static void k_new_parcel(ed_ui *u)
{
	prompt(u, "new parcel NAME [W H]: ", NULL, c_parcel);
}

static void k_move_parcel(ed_ui *u)
{
	int pi = here(u);
	if (pi < 0)
		return;
	char t[64];
	snprintf(t, sizeof t, "%d %d", u->m.w->parcels[pi].px, u->m.w->parcels[pi].py);
	prompt(u, "move parcel to PX PY: ", t, c_move);
}

static void k_resize_parcel(ed_ui *u)
{
	int pi = here(u);
	if (pi < 0)
		return;
	char t[64];
	snprintf(t, sizeof t, "%d %d", u->m.w->parcels[pi].pw, u->m.w->parcels[pi].ph);
	prompt(u, "resize parcel to W H: ", t, c_resize);
}

static void delete_answer(ed_ui *u, const char *text)
{
	int pi = ed_parcel_here(&u->m);
	if (pi < 0 || (strcmp(text, "y") && strcmp(text, "yes"))) {
		ed_set_msg(u, false, "parcel kept");
		return;
	}
	report(u, ed_parcel_delete(&u->m, pi), "parcel deleted");
}

static void k_delete_parcel(ed_ui *u)
{
	int pi = here(u);
	if (pi < 0)
		return;
	char l[128];
	snprintf(l, sizeof l, "delete parcel %.64s? (y/n) ", u->m.w->parcels[pi].name);
	prompt(u, l, NULL, delete_answer);
}

/* The property form: one prompt per field, each applied as it is accepted. */
static const struct field {
	const char *label;
	int (*set)(ed_model *m, int pi, const char *v);
} fields[] = {
    {"name: ", ed_parcel_rename},
    {"owner: ", ed_set_owner},
    {"zone: ", ed_set_zone},
    {"script: ", ed_set_script},
};

static void form_next(ed_ui *u);

static void form_done(ed_ui *u, const char *text)
{
	const struct field *f = &fields[u->form.field];
	if (f->set(&u->m, u->form.pi, text)) {
		report(u, -1, NULL);
		u->form.field = -1; /* stop at the first refused field */
		ed_group_end(&u->m);
		return;
	}
	u->form.field++;
	form_next(u);
}

static void form_next(ed_ui *u)
{
	int n = (int)(sizeof fields / sizeof *fields);
	if (u->form.field >= n || u->form.pi >= u->m.w->nparcels) {
		u->form.field = -1;
		ed_group_end(&u->m);
		ed_set_msg(u, false, "properties saved");
		return;
	}
	const wf_parcel *p = &u->m.w->parcels[u->form.pi];
	const char *v[] = {p->name, p->owner, p->zone, p->script};
	prompt(u, fields[u->form.field].label, v[u->form.field], form_done);
}

static void c_entity_script(ed_ui *u, const char *args);
static void c_ename(ed_ui *u, const char *args);

static void entity_script_done(ed_ui *u, const char *text)
{
	c_entity_script(u, text);
	ed_group_end(&u->m);
}

/* The entity form: its name, then its script; one undo step. */
static void entity_name_done(ed_ui *u, const char *text)
{
	int epi, ei = ed_entity_at(&u->m, u->m.cx, u->m.cy, &epi);
	if (ei < 0)
		return;
	if (strcmp(text, u->m.w->parcels[epi].entities[ei].name) != 0) {
		c_ename(u, text);
		if (u->msg_error) {
			ed_group_end(&u->m);
			return;
		}
	}
	const wf_entity *e = &u->m.w->parcels[epi].entities[ei];
	char l[128];
	snprintf(l, sizeof l, "entity %.64s script: ", e->name);
	prompt(u, l, e->script, entity_script_done);
}

/* On an entity, its form (name, script); elsewhere the parcel's form. */
static void k_properties(ed_ui *u)
{
	int epi, ei = ed_entity_at(&u->m, u->m.cx, u->m.cy, &epi);
	if (ei >= 0) {
		const wf_entity *e = &u->m.w->parcels[epi].entities[ei];
		char l[128];
		snprintf(l, sizeof l, "entity %.64s name: ", e->name);
		ed_group_begin(&u->m, "entity properties");
		prompt(u, l, e->name, entity_name_done);
		return;
	}
	int pi = here(u);
	if (pi < 0)
		return;
	u->form.pi = pi;
	u->form.field = 0;
	ed_group_begin(&u->m, "properties"); /* the form is one undo step */
	form_next(u);
}

static void k_new_entity(ed_ui *u)
{
	if (here(u) >= 0)
		prompt(u, "new entity NAME [GLYPH]: ", NULL, c_entity);
}

static void k_delete_entity(ed_ui *u)
{
	int pi, ei = ed_entity_at(&u->m, u->m.cx, u->m.cy, &pi);
	if (ei < 0) {
		ed_set_msg(u, true, "no entity under the cursor");
		return;
	}
	report(u, ed_entity_delete(&u->m, pi, ei), "entity deleted");
}

static void k_open_script(ed_ui *u)
{
	ed_open_script(u);
}

static void k_take(ed_ui *u)
{
	ed_model *m = &u->m;
	if (u->carry_ei < 0) {
		int pi, ei = ed_entity_at(m, m->cx, m->cy, &pi);
		if (ei < 0) {
			ed_set_msg(u, true, "no entity under the cursor");
			return;
		}
		u->carry_pi = pi;
		u->carry_ei = ei;
		ed_set_msg(u, false, "carrying '%s': move and press t to put it down",
		           m->w->parcels[pi].entities[ei].name);
		return;
	}
	if (u->carry_pi >= m->w->nparcels || !m->w->parcels[u->carry_pi].name) {
		ed_set_msg(u, true, "the carried entity's parcel was deleted");
		u->carry_ei = u->carry_pi = -1;
		return;
	}
	const wf_parcel *p = &m->w->parcels[u->carry_pi];
	int r =
	    ed_entity_move(m, u->carry_pi, u->carry_ei, m->cx - p->px * m->w->parcel_w,
	                   m->cy - p->py * m->w->parcel_h);
	report(u, r, "entity moved");
	u->carry_ei = u->carry_pi = -1;
}

/* ---- Views ------------------------------------------------------------------ */

static void k_overlay(ed_ui *u)
{
	static const char *const names[] = {"none", "owner", "zone", "budget use"};
	u->overlay = (u->overlay + 1) % OV_COUNT;
	if (u->overlay == OV_BUDGET && !u->budget_use)
		ed_set_msg(u, false, "overlay: budget use (no run yet: press P to play)");
	else if (u->overlay == OV_BUDGET)
		ed_set_msg(u, false, "overlay: budget use (from %s%s%s)", u->budget_from,
		           u->budget_of[0] ? " of " : "", u->budget_of);
	else
		ed_set_msg(u, false, "overlay: %s", names[u->overlay]);
}

static void k_names(ed_ui *u)
{
	u->show_names = !u->show_names;
}
static void k_panel(ed_ui *u)
{
	u->show_panel = !u->show_panel;
}
/* The help screen's line where `section` starts (as draw_help lays it
 * out: a line per section title, a line per entry). */
static int help_line(const char *section)
{
	const char *sec = NULL;
	int line = 0;
	for (int i = 0; ed_help_entry(i); i++) {
		const ed_keyhelp *h = ed_help_entry(i);
		if (!sec || strcmp(sec, h->section) != 0) {
			sec = h->section;
			if (strcmp(sec, section) == 0)
				return line;
			line++;
		}
		line++;
	}
	return 0;
}

/* In the merge view the help opens at its keys (k scrolls up to the
 * rest): that is what the first message's "? lists the keys" means. */
static void k_help(ed_ui *u)
{
	u->show_help = true;
	u->help_top = u->cf ? help_line("Merge") : 0;
}
static void k_redraw(ed_ui *u)
{
	(void)u;
	clearok(curscr, TRUE);
}

static void k_errors(ed_ui *u)
{
	u->panel = u->panel == PANEL_ERRORS ? PANEL_PARCEL : PANEL_ERRORS;
	u->show_panel = true;
	if (u->panel == PANEL_ERRORS)
		ed_revalidate(u);
}

/* The parcel whose block holds file line `line` (as the file was read:
 * parcels keep the line they were read from), or -1. */
static int parcel_of_line(ed_ui *u, uint32_t line)
{
	int best = -1;
	for (int i = 0; line && i < u->m.w->nparcels; i++) {
		uint32_t l = u->m.w->parcels[i].line;
		if (l && l <= line && (best < 0 || l > u->m.w->parcels[best].line))
			best = i;
	}
	return best;
}

/* Jump to the next (dir 1) or previous (-1) problem: to the parcel it names,
 * else to the parcel whose block holds its line. */
static void jump_error(ed_ui *u, int dir)
{
	ed_revalidate(u);
	int n = u->diags.n;
	if (n == 0) {
		ed_set_msg(u, false, "no problems found");
		return;
	}
	u->diag_cur = ((u->diag_cur + dir) % n + n) % n;
	const wf_diag *d = &u->diags.v[u->diag_cur];
	int pi =
	    d->parcel ? wf_find_parcel(u->m.w, d->parcel) : parcel_of_line(u, d->line);
	if (pi >= 0)
		ed_goto(&u->m, u->m.w->parcels[pi].px * u->m.w->parcel_w,
		        u->m.w->parcels[pi].py * u->m.w->parcel_h);
	u->panel = PANEL_ERRORS;
	u->show_panel = true;
	ed_set_msg(u, d->severity == WF_ERROR, "%d/%d: %s", u->diag_cur + 1, n, d->msg);
}

static void k_next_error(ed_ui *u)
{
	jump_error(u, 1);
}
static void k_prev_error(ed_ui *u)
{
	jump_error(u, -1);
}

static void search(ed_ui *u, int dir)
{
	char what[200];
	if (!u->search[0]) {
		ed_set_msg(u, true, "no search yet: / starts one");
		return;
	}
	if (ed_search(&u->m, u->search, dir, what, sizeof what) == 0)
		ed_set_msg(u, false, "/%s: %s", u->search, what);
	else
		report(u, -1, NULL);
}

static void search_answer(ed_ui *u, const char *text)
{
	if (*text)
		snprintf(u->search, sizeof u->search, "%s", text);
	search(u, 1);
}

static void k_search(ed_ui *u)
{
	prompt(u, "/", NULL, search_answer);
}
static void k_next(ed_ui *u)
{
	search(u, 1);
}
static void k_prev(ed_ui *u)
{
	search(u, -1);
}

static void k_command(ed_ui *u)
{
	prompt(u, ":", NULL, ed_command);
}

/* ---- Play, commit, history --------------------------------------------- */

static void k_play(ed_ui *u)
{
	if (u->m.mode == ED_PLAY) {
		ed_play_stop(u);
		return;
	}
	if (ed_play_loading(u)) { /* P again while it loads: not now */
		ed_play_stop(u);
		ed_set_msg(u, false, "play: cancelled");
		return;
	}
	/* Loading every script of a big world takes a moment: say so first. */
	ed_set_msg(u, false, "play: loading the scripts...");
	ed_draw(u);
	ed_play_start(u);
}

static void k_play_key(ed_ui *u)
{
	(void)u; /* play.c reads the key itself through ed_play_key */
}

static void commit_answer(ed_ui *u, const char *text)
{
	ed_commit(u, text);
}

static void k_commit(ed_ui *u)
{
	if (ed_conflict_blocks_commit(u))
		return;
	if (ed_dirty(&u->m)) {
		ed_set_msg(u, true, "unsaved changes: :w first, then commit");
		return;
	}
	prompt(u, "commit message: ", NULL, commit_answer);
}

static void k_history(ed_ui *u)
{
	ed_history(u);
}

static void c_write_quit(ed_ui *u, const char *args);

static void quit_answer(ed_ui *u, const char *text)
{
	if (strcmp(text, "y") == 0 || strcmp(text, "yes") == 0)
		c_write_quit(u, "");
	else if (strcmp(text, "n") == 0 || strcmp(text, "no") == 0)
		u->quit = true;
	else
		ed_set_msg(u, false, "not quitting");
}

/* Leaving a merge with conflicts left: the picks cannot be saved in
 * world.acre yet, so y keeps them in the recovery file, which the next
 * acre edit offers back (the merge view returns with them); n drops them.
 * world.acre keeps its markers either way. */
static void quit_merge_answer(ed_ui *u, const char *text)
{
	if (strcmp(text, "y") == 0 || strcmp(text, "yes") == 0) {
		ed_write_recovery(u, true);
		u->keep_recovery = true;
		u->quit = true;
	} else if (strcmp(text, "n") == 0 || strcmp(text, "no") == 0) {
		u->quit = true;
	} else {
		ed_set_msg(u, false, "not quitting");
	}
}

/* q leaves at once when everything is saved, and asks otherwise. */
static void k_quit(ed_ui *u)
{
	if (!ed_dirty(&u->m)) {
		u->quit = true;
		return;
	}
	int left = ed_conflict_left(u);
	if (left > 0) {
		char label[160];
		snprintf(label, sizeof label,
		         "%d conflict%s left: keep the picks for the next acre edit? "
		         "(y keeps, n drops, Esc stays) ",
		         left, left == 1 ? "" : "s");
		prompt(u, label, NULL, quit_merge_answer);
		return;
	}
	prompt(u,
	       "unsaved changes: save them before quitting? (y saves, n drops, "
	       "Esc stays) ",
	       NULL, quit_answer);
}

/* The merge picks: one function in conflict.c takes the side. */
static void k_ours(ed_ui *u)
{
	ed_conflict_take(u, false, NULL);
}
static void k_theirs(ed_ui *u)
{
	ed_conflict_take(u, true, NULL);
}
static void c_ours(ed_ui *u, const char *args)
{
	ed_conflict_take(u, false, args);
}
static void c_theirs(ed_ui *u, const char *args)
{
	ed_conflict_take(u, true, args);
}

/* The key table. Order is the order of the help screen. */
static const keydef keys[] = {
    {{"h j k l", "move the cursor one tile (also the arrow keys)", "Move"},
     {'h', FK(KEY_LEFT)},
     M_MOVE,
     mv_left},
    {{NULL, NULL, NULL}, {'l', FK(KEY_RIGHT)}, M_MOVE, mv_right},
    {{NULL, NULL, NULL}, {'k', FK(KEY_UP)}, M_MOVE & ~M_PAINT, mv_up},
    {{NULL, NULL, NULL}, {'j', FK(KEY_DOWN)}, M_MOVE & ~M_PAINT, mv_down},
    {{NULL, NULL, NULL}, {FK(KEY_UP)}, M_PAINT, mv_up},
    {{NULL, NULL, NULL}, {FK(KEY_DOWN)}, M_PAINT, mv_down},
    {{NULL, NULL, NULL}, {FK(KEY_LEFT)}, M_PAINT, mv_left},
    {{NULL, NULL, NULL}, {FK(KEY_RIGHT)}, M_PAINT, mv_right},
    {{"H J K L", "move one parcel left, down, up, right", "Move"},
     {'H'},
     M_MOVE & ~M_PAINT,
     mv_pleft},
    {{NULL, NULL, NULL}, {'J'}, M_MOVE & ~M_PAINT, mv_pdown},
    {{NULL, NULL, NULL}, {'K'}, M_MOVE & ~M_PAINT, mv_pup},
    {{NULL, NULL, NULL}, {'L'}, M_MOVE & ~M_PAINT, mv_pright},
    {{"PgDn Ctrl-F", "page down", "Move"}, {FK(KEY_NPAGE), CTRL('f')}, M_MOVE, mv_pgdn},
    {{"PgUp Ctrl-B", "page up", "Move"}, {FK(KEY_PPAGE), CTRL('b')}, M_MOVE, mv_pgup},
    {{"Ctrl-D Ctrl-U", "half a page down, up", "Move"}, {CTRL('d')}, M_MOVE, mv_halfdn},
    {{NULL, NULL, NULL}, {CTRL('u')}, M_MOVE, mv_halfup},
    {{"g G", "top-left, bottom-right corner of the world", "Move"},
     {'g', FK(KEY_HOME)},
     M_MOVE & ~M_PAINT,
     mv_home},
    {{NULL, NULL, NULL}, {'G', FK(KEY_END)}, M_MOVE & ~M_PAINT, mv_end},
    {{"0 $", "start, end of the row", "Move"},
     {'0'},
     M_NORMAL | M_SELECT | M_LINE,
     mv_bol},
    {{NULL, NULL, NULL}, {'$'}, M_NORMAL | M_SELECT | M_LINE, mv_eol},
    {{"/",
      "search parcel names, owners, entities and glyphs (a palette glyph or "
      "entry name finds its tiles)",
      "Move"},
     {'/'},
     M_NORMAL | M_PLAY,
     k_search},
    {{"n N", "next, previous match of the last search", "Move"},
     {'n'},
     M_NORMAL | M_PLAY,
     k_next},
    {{NULL, NULL, NULL}, {'N'}, M_NORMAL | M_PLAY, k_prev},
    {{"mouse", "click places the cursor, the wheel scrolls", "Move"}, {0}, 0, NULL},
    {{"COUNT", "a number before a move, u or Ctrl-R repeats it (5j, 12l)", "Move"},
     {0},
     0,
     NULL},
    {{"i", "paint mode: each palette glyph typed paints and advances", "Edit"},
     {'i'},
     M_NORMAL,
     k_paint},
    {{"Esc", "leave paint, select or line mode", "Edit"},
     {ESC},
     M_PAINT | M_SELECT | M_LINE | M_NORMAL,
     k_escape},
    {{"Enter", "paint mode: next row; line mode: draw the line", "Edit"},
     {'\n', '\r', FK(KEY_ENTER)},
     M_PAINT,
     k_newline},
    {{NULL, NULL, NULL}, {'\n', '\r', FK(KEY_ENTER)}, M_LINE, k_draw_line},
    {{NULL, NULL, NULL}, {FK(KEY_BACKSPACE), 127, CTRL('h')}, M_PAINT, k_back},
    {{"space", "paint the brush at the cursor", "Edit"}, {' '}, M_NORMAL, k_brush},
    {{"b", "palette picker: choose the brush", "Edit"}, {'b'}, M_NORMAL, k_palette},
    {{"v", "select a rectangle (then f, d, y)", "Edit"}, {'v'}, M_NORMAL, k_select},
    {{"f", "fill the selection with the brush", "Edit"}, {'f'}, M_SELECT, k_fill},
    {{"d", "clear the selection (palette entry 0)", "Edit"}, {'d'}, M_SELECT, k_clear},
    {{"y", "copy the selection", "Edit"}, {'y'}, M_SELECT, k_copy},
    {{"p", "paste at the cursor", "Edit"}, {'p'}, M_NORMAL, k_paste},
    {{"-", "line mode: a line from here to where Enter is pressed", "Edit"},
     {'-'},
     M_NORMAL,
     k_linemode},
    {{"u", "undo", "Edit"}, {'u'}, M_NORMAL, k_undo},
    {{"Ctrl-R", "redo", "Edit"}, {CTRL('r')}, M_NORMAL, k_redo},
    {{"A", "add a parcel at the cursor", "Parcels"}, {'A'}, M_NORMAL, k_new_parcel},
    {{"e",
      "edit the properties of the parcel (name, owner, zone, script) or of the "
      "entity (name, script) under the cursor",
      "Parcels"},
     {'e'},
     M_NORMAL,
     k_properties},
    {{"M", "move the parcel", "Parcels"}, {'M'}, M_NORMAL, k_move_parcel},
    {{"R", "resize the parcel", "Parcels"}, {'R'}, M_NORMAL, k_resize_parcel},
    {{"X", "delete the parcel (asks first)", "Parcels"},
     {'X'},
     M_NORMAL,
     k_delete_parcel},
    {{"E", "new entity at the cursor", "Parcels"}, {'E'}, M_NORMAL, k_new_entity},
    {{"O",
      "open the script of the entity or parcel under the cursor in $VISUAL or "
      "$EDITOR; a parcel without one gets a new one from a template",
      "Parcels"},
     {'O'},
     M_NORMAL | M_PLAY,
     k_open_script},
    {{"t", "take the entity under the cursor; t again puts it down", "Parcels"},
     {'t'},
     M_NORMAL,
     k_take},
    {{"x", "delete the entity under the cursor", "Parcels"},
     {'x'},
     M_NORMAL,
     k_delete_entity},
    {{"o", "overlay: owner, zone, budget use, none", "View"},
     {'o'},
     M_NORMAL | M_PLAY,
     k_overlay},
    {{"#", "show or hide parcel names", "View"}, {'#'}, M_NORMAL | M_PLAY, k_names},
    {{"Tab", "show or hide the side panel", "View"}, {'\t'}, M_NORMAL | M_PLAY, k_panel},
    {{"!", "validation panel (the world's problems, live)", "View"},
     {'!'},
     M_NORMAL,
     k_errors},
    {{"] [", "jump to the next, previous problem", "View"},
     {']'},
     M_NORMAL,
     k_next_error},
    {{NULL, NULL, NULL}, {'['}, M_NORMAL, k_prev_error},
    {{"Ctrl-L", "redraw the screen", "View"}, {CTRL('l')}, M_NORMAL | M_PLAY, k_redraw},
    {{"?", "this help", "View"}, {'?', FK(KEY_F(1))}, M_NORMAL | M_PLAY, k_help},
    {{"P", "play mode: run the scripts; P again restores the edited world", "Play"},
     {'P'},
     M_NORMAL | M_PLAY,
     k_play},
    {{"s", "play: run one tick", "Play"}, {'s'}, M_PLAY, k_play_key},
    {{"r", "play: run or pause", "Play"}, {'r', ' '}, M_PLAY, k_play_key},
    {{"S", "play: step back one tick (the run is replayed to the tick before)", "Play"},
     {'S'},
     M_PLAY,
     k_play_key},
    {{"f", "play: follow the entity under the cursor; f again or a move stops", "Play"},
     {'f'},
     M_PLAY,
     k_play_key},
    {{"+ -", "play: faster, slower", "Play"}, {'+', '-'}, M_PLAY, k_play_key},
    {{"q", "quit; asks first when there are unsaved changes", "Quit"},
     {'q'},
     M_NORMAL,
     k_quit},
    {{"Ctrl-C", "cancel: the line being typed, a mode, a count, a running play", "Quit"},
     {0},
     0,
     NULL},
    {{"c", "commit the saved world with a message", "History"},
     {'c'},
     M_NORMAL,
     k_commit},
    {{"C", "history of the parcel under the cursor", "History"},
     {'C'},
     M_NORMAL,
     k_history},
    {{"]c [c",
      "merge conflicts: the next, previous conflict left (]] and [[ the "
      "problems)",
      "Merge"},
     {0},
     0,
     NULL},
    {{"<", "merge conflicts: keep ours for the conflict under the cursor", "Merge"},
     {'<'},
     M_NORMAL,
     k_ours},
    {{">", "merge conflicts: take theirs for the conflict under the cursor", "Merge"},
     {'>'},
     M_NORMAL,
     k_theirs},
    {{":ours [parcel|all]",
      "merge conflicts: keep ours for the one under the cursor, the parcel's "
      "or all left",
      "Merge"},
     {0},
     0,
     NULL},
    {{":theirs [parcel|all]",
      "merge conflicts: take theirs for the one under the cursor, the parcel "
      "whole or all left",
      "Merge"},
     {0},
     0,
     NULL},
    {{"u Ctrl-R", "merge conflicts: a pick is undone and redone like any edit", "Merge"},
     {0},
     0,
     NULL},
    {{"=", "merge conflicts: the right pane shows theirs or ours", "Merge"},
     {'='},
     M_NORMAL,
     ed_conflict_pane},
    {{":w c",
      "merge conflicts: :w once none is left writes the merged world; c "
      "commits the merge",
      "Merge"},
     {0},
     0,
     NULL},
    {{"q",
      "merge conflicts: with some left, q can keep the picks for the next "
      "acre edit",
      "Merge"},
     {0},
     0,
     NULL},
    {{":", "command line (see the commands below)", "Commands"},
     {':'},
     M_NORMAL,
     k_command},
};
#define NKEYS ((int)(sizeof keys / sizeof *keys))

/* ---- ':' commands ------------------------------------------------------------ */

static void c_write(ed_ui *u, const char *args)
{
	(void)args;
	ed_save(u, false);
}

static void c_force_write(ed_ui *u, const char *args)
{
	(void)args;
	ed_save(u, true);
}

static void c_quit(ed_ui *u, const char *args)
{
	(void)args;
	int left = ed_conflict_left(u);
	if (ed_dirty(&u->m) && left > 0) {
		ed_set_msg(u, true,
		           "%d merge conflict%s left: settle them and :w; q keeps the "
		           "picks for later, :q! drops them",
		           left, left == 1 ? "" : "s");
		return;
	}
	if (ed_dirty(&u->m)) {
		ed_set_msg(u, true, "unsaved changes: :w to save them, :q! to drop them");
		return;
	}
	u->quit = true;
}

static void c_force_quit(ed_ui *u, const char *args)
{
	(void)args;
	u->quit = true;
}

static void c_write_quit(ed_ui *u, const char *args)
{
	(void)args;
	int r = ed_save(u, false);
	if (r == 0)
		u->quit = true;
	else if (r == 1)
		ed_save_then_quit(u); /* leaves once the world is written */
}

static void c_goto(ed_ui *u, const char *args)
{
	long x, y;
	char extra;
	if (sscanf(args, "%ld %ld %c", &x, &y, &extra) == 2) {
		ed_goto(&u->m,
		        (int32_t)(x < 0           ? 0
		                  : x > INT32_MAX ? INT32_MAX
		                                  : x),
		        (int32_t)(y < 0           ? 0
		                  : y > INT32_MAX ? INT32_MAX
		                                  : y));
		return;
	}
	if (!*args || strchr(args, ' ')) {
		ed_set_msg(u, true, "usage: :goto PARCEL or :goto X Y");
		return;
	}
	report(u, ed_goto_parcel(&u->m, args), NULL);
}

static void c_parcel(ed_ui *u, const char *args)
{
	char name[128];
	int w = 1, h = 1, n = sscanf(args, "%127s %d %d", name, &w, &h);
	if (n != 1 && n != 3) {
		ed_set_msg(u, true, "usage: :parcel NAME [W H]");
		return;
	}
	ed_model *m = &u->m;
	int r = ed_parcel_create(m, name, m->cx / m->w->parcel_w, m->cy / m->w->parcel_h,
	                         w, h);
	report(u, r, "parcel created");
}

static void c_move(ed_ui *u, const char *args)
{
	int px, py, pi = here(u);
	if (pi < 0)
		return;
	if (sscanf(args, "%d %d", &px, &py) != 2) {
		ed_set_msg(u, true, "usage: :move PX PY (in parcels)");
		return;
	}
	report(u, ed_parcel_move(&u->m, pi, px, py), "parcel moved");
	if (ed_parcel_here(&u->m) != pi)
		ed_goto(&u->m, px * u->m.w->parcel_w, py * u->m.w->parcel_h);
}

static void c_resize(ed_ui *u, const char *args)
{
	int w, h, pi = here(u);
	if (pi < 0)
		return;
	if (sscanf(args, "%d %d", &w, &h) != 2) {
		ed_set_msg(u, true, "usage: :resize W H (in parcels)");
		return;
	}
	report(u, ed_parcel_resize(&u->m, pi, w, h), "parcel resized");
}

static void c_delete(ed_ui *u, const char *args)
{
	(void)args;
	int pi = here(u);
	if (pi >= 0)
		report(u, ed_parcel_delete(&u->m, pi), "parcel deleted");
}

static void c_prop(ed_ui *u, const char *args, int (*set)(ed_model *, int, const char *),
                   const char *ok)
{
	int pi = here(u);
	if (pi >= 0)
		report(u, set(&u->m, pi, args), ok);
}

static void c_owner(ed_ui *u, const char *a)
{
	c_prop(u, a, ed_set_owner, "owner set");
}
static void c_zone(ed_ui *u, const char *a)
{
	c_prop(u, a, ed_set_zone, "zone set");
}
static void c_script(ed_ui *u, const char *a)
{
	c_prop(u, a, ed_set_script, "script set");
}
static void c_rename(ed_ui *u, const char *a)
{
	c_prop(u, a, ed_parcel_rename, "renamed");
}

static void c_entity(ed_ui *u, const char *args)
{
	char name[128], glyph[16] = "";
	int pi = here(u);
	if (pi < 0)
		return;
	if (sscanf(args, "%127s %15s", name, glyph) < 1) {
		ed_set_msg(u, true, "usage: :entity NAME [GLYPH]");
		return;
	}
	ed_model *m = &u->m;
	const wf_parcel *p = &m->w->parcels[pi];
	int r = ed_entity_create(m, pi, name, m->cx - p->px * m->w->parcel_w,
	                         m->cy - p->py * m->w->parcel_h, glyph);
	report(u, r, "entity created");
}

static void c_entity_script(ed_ui *u, const char *args)
{
	int pi, ei = ed_entity_at(&u->m, u->m.cx, u->m.cy, &pi);
	if (ei < 0) {
		ed_set_msg(u, true, "no entity under the cursor");
		return;
	}
	report(u, ed_entity_set_script(&u->m, pi, ei, args), "entity script set");
}

/* ---- Palette, zones, entity names ---------------------------------------- */

static void c_palette(ed_ui *u, const char *args)
{
	char g[64], name[128], flag[16] = "";
	int n = sscanf(args, "%63s %127s %15s", g, name, flag);
	if (n < 2 || (n == 3 && strcmp(flag, "solid") != 0)) {
		ed_set_msg(u, true, "usage: :palette GLYPH NAME [solid]");
		return;
	}
	if (ed_palette_add(&u->m, g, name, n == 3) == 0) {
		u->m.brush = u->m.w->npalette - 1;
		ed_set_msg(u, false, "palette: added %s %s (the brush now)", g, name);
	} else {
		report(u, -1, NULL);
	}
}

static void c_gname(ed_ui *u, const char *args)
{
	const wf_glyph *g = &u->m.w->palette[u->m.brush];
	report(u, ed_palette_set(&u->m, u->m.brush, args, g->solid),
	       "palette entry renamed");
}

static void c_solid(ed_ui *u, const char *args)
{
	(void)args;
	const wf_glyph *g = &u->m.w->palette[u->m.brush];
	bool now = !g->solid;
	report(u, ed_palette_set(&u->m, u->m.brush, g->name, now),
	       now ? "the brush's entry is solid" : "the brush's entry is not solid");
}

static void c_gscript(ed_ui *u, const char *args)
{
	report(u, ed_palette_script(&u->m, u->m.brush, args), "palette script set");
}

/* CAPS: words of wf_cap_parse ("scripts tiles …", or "all"/"none"). */
static int parse_caps(ed_ui *u, const char *s, int *caps)
{
	*caps = 0;
	char word[64];
	int k;
	while (sscanf(s, "%63s%n", word, &k) == 1) {
		s += k;
		int bit = strcmp(word, "all") == 0    ? WF_CAP_ALL
		          : strcmp(word, "none") == 0 ? 0
		                                      : wf_cap_parse(word);
		if (bit == 0 && strcmp(word, "none") != 0) {
			ed_set_msg(u, true,
			           "unknown capability '%s' (scripts tiles entities "
			           "messages economy, all, none)",
			           word);
			return -1;
		}
		*caps |= bit;
	}
	return 0;
}

static void c_newzone(ed_ui *u, const char *args)
{
	char name[128];
	int k, caps;
	if (sscanf(args, "%127s%n", name, &k) != 1) {
		ed_set_msg(u, true, "usage: :newzone NAME [CAP…]");
		return;
	}
	if (parse_caps(u, args + k, &caps) == 0)
		report(u, ed_zone_add(&u->m, name, caps, -1), "zone added");
}

static int zone_arg(ed_ui *u, const char *args, int *k)
{
	char name[128];
	if (sscanf(args, "%127s%n", name, k) != 1)
		return -1;
	int zi = wf_find_zone(u->m.w, name);
	if (zi < 0)
		ed_set_msg(u, true, "no zone named '%s'", name);
	return zi;
}

static void c_allow(ed_ui *u, const char *args)
{
	int k = 0, caps, zi = zone_arg(u, args, &k);
	if (zi < 0) {
		if (!u->msg[0])
			ed_set_msg(u, true, "usage: :allow ZONE CAP…");
		return;
	}
	if (parse_caps(u, args + k, &caps) == 0)
		report(u, ed_zone_set(&u->m, zi, caps, u->m.w->zones[zi].max_entities),
		       "zone allowances set");
}

static void c_maxent(ed_ui *u, const char *args)
{
	int k = 0, zi = zone_arg(u, args, &k);
	char v[32];
	if (zi < 0 || sscanf(args + k, "%31s", v) != 1) {
		if (!u->msg[0] || zi >= 0)
			ed_set_msg(u, true, "usage: :maxent ZONE N (or - for no cap)");
		return;
	}
	char *end;
	long long n = strcmp(v, "-") == 0 ? -1 : strtoll(v, &end, 10);
	if (strcmp(v, "-") != 0 && (*end || n < 0)) {
		ed_set_msg(u, true, "usage: :maxent ZONE N (or - for no cap)");
		return;
	}
	report(u, ed_zone_set(&u->m, zi, u->m.w->zones[zi].caps, n), "zone cap set");
}

static void c_ename(ed_ui *u, const char *args)
{
	int pi, ei = ed_entity_at(&u->m, u->m.cx, u->m.cy, &pi);
	if (ei < 0) {
		ed_set_msg(u, true, "no entity under the cursor");
		return;
	}
	report(u, ed_entity_rename(&u->m, pi, ei, args), "entity renamed");
}

static void c_brush(ed_ui *u, const char *args)
{
	int g = wf_find_glyph(u->m.w, args);
	if (g < 0) {
		ed_set_msg(u, true, "'%s' is not in the palette", args);
		return;
	}
	u->m.brush = g;
}

static void c_commit(ed_ui *u, const char *args)
{
	ed_commit(u, args);
}

static void c_log(ed_ui *u, const char *args)
{
	(void)args;
	ed_history(u);
}

static void c_help(ed_ui *u, const char *args)
{
	(void)args;
	k_help(u);
}

static const cmddef cmds[] = {
    {{":w", "save the world (canonical form, comments kept)", "Commands"}, "w", c_write},
    {{":w!", "save even when world.acre changed on disk since it was read", "Commands"},
     "w!",
     c_force_write},
    {{":q", "quit; refused while there are unsaved changes", "Commands"}, "q", c_quit},
    {{":q!", "quit and drop unsaved changes", "Commands"}, "q!", c_force_quit},
    {{":wq :x", "save and quit", "Commands"}, "wq", c_write_quit},
    {{NULL, NULL, NULL}, "x", c_write_quit},
    {{":goto PARCEL", "jump to a parcel by name", "Commands"}, "goto", c_goto},
    {{":goto X Y", "jump to a tile", "Commands"}, NULL, NULL},
    {{":parcel NAME [W H]", "new parcel at the cursor", "Commands"}, "parcel", c_parcel},
    {{":move PX PY", "move the parcel (parcel units)", "Commands"}, "move", c_move},
    {{":resize W H", "resize the parcel (parcel units)", "Commands"}, "resize", c_resize},
    {{":delete", "delete the parcel under the cursor", "Commands"}, "delete", c_delete},
    {{":rename NAME", "rename the parcel", "Commands"}, "rename", c_rename},
    {{":owner TEXT", "set the owner (empty clears)", "Commands"}, "owner", c_owner},
    {{":zone NAME", "set the zone (empty clears)", "Commands"}, "zone", c_zone},
    {{":script PATH", "set the script (empty clears)", "Commands"}, "script", c_script},
    {{":entity NAME [GLYPH]", "new entity at the cursor", "Commands"},
     "entity",
     c_entity},
    {{":escript PATH", "set the script of the entity under the cursor (empty clears)",
      "Commands"},
     "escript",
     c_entity_script},
    {{":brush GLYPH", "choose the brush", "Commands"}, "brush", c_brush},
    {{":palette GLYPH NAME [solid]", "add a palette entry (and make it the brush)",
      "Commands"},
     "palette",
     c_palette},
    {{":gname NAME", "rename the brush's palette entry", "Commands"}, "gname", c_gname},
    {{":solid", "make the brush's palette entry solid, or not", "Commands"},
     "solid",
     c_solid},
    {{":gscript PATH", "set the script of the brush's palette entry (empty clears)",
      "Commands"},
     "gscript",
     c_gscript},
    {{":newzone NAME [CAP...]",
      "add a zone allowing CAPs (scripts tiles entities "
      "messages economy, or all)",
      "Commands"},
     "newzone",
     c_newzone},
    {{":allow ZONE CAP...", "set what a zone allows (none for nothing)", "Commands"},
     "allow",
     c_allow},
    {{":maxent ZONE N", "cap the entities per parcel of a zone (- removes the cap)",
      "Commands"},
     "maxent",
     c_maxent},
    {{":ename NAME", "rename the entity under the cursor", "Commands"}, "ename", c_ename},
    {{":commit MESSAGE", "commit the saved world", "Commands"}, "commit", c_commit},
    {{":log", "history of the parcel under the cursor", "Commands"}, "log", c_log},
    {{":help", "this help", "Commands"}, "help", c_help},
    /* Listed under Merge with the keys. */
    {{NULL, NULL, NULL}, "ours", c_ours},
    {{NULL, NULL, NULL}, "theirs", c_theirs},
};
#define NCMDS ((int)(sizeof cmds / sizeof *cmds))

void ed_command(ed_ui *u, const char *line)
{
	while (*line == ' ')
		line++;
	size_t n = strcspn(line, " ");
	const char *args = line + n;
	while (*args == ' ')
		args++;
	if (n == 0)
		return;
	for (int i = 0; i < NCMDS; i++)
		if (cmds[i].name && strlen(cmds[i].name) == n &&
		    strncmp(cmds[i].name, line, n) == 0) {
			cmds[i].fn(u, args);
			return;
		}
	char word[64];
	snprintf(word, sizeof word, "%.*s", (int)n, line);
	const char *names[NCMDS + 1];
	int k = 0;
	for (int i = 0; i < NCMDS; i++)
		if (cmds[i].name)
			names[k++] = cmds[i].name;
	names[k] = NULL;
	const char *near = wf_suggest_list(word, names);
	if (near)
		ed_set_msg(u, true, "not an editor command: %s; did you mean :%s?", word,
		           near);
	else
		ed_set_msg(u, true, "not an editor command: %s (see ?)", word);
}

const ed_keyhelp *ed_help_entry(int n)
{
	for (int i = 0; i < NKEYS; i++)
		if (keys[i].h.keys && n-- == 0)
			return &keys[i].h;
	for (int i = 0; i < NCMDS; i++)
		if (cmds[i].h.keys && n-- == 0)
			return &cmds[i].h;
	return NULL;
}

/* ---- Dispatch ---------------------------------------------------------------- */

/* Typing on the bottom line. Characters arrive as wide characters. */
static void line_cancel(ed_ui *u)
{
	u->line.active = false;
	ed_group_end(&u->m); /* a form's fields accepted so far stay, as one step */
	u->form.field = -1;
	u->msg[0] = 0;
}

static void line_key(ed_ui *u, int key)
{
	ed_typing *l = &u->line;
	if (key == ESC || key == CTRL('c')) {
		line_cancel(u);
	} else if (key == '\n' || key == '\r' || key == FK(KEY_ENTER)) {
		char text[sizeof l->text];
		memcpy(text, l->text, sizeof text);
		l->active = false;
		l->done(u, text);
	} else if (key == FK(KEY_BACKSPACE) || key == 127 || key == CTRL('h')) {
		while (l->len > 0 && ((unsigned char)l->text[l->len - 1] & 0xc0) == 0x80)
			l->len--;
		if (l->len > 0)
			l->len--;
		l->text[l->len] = 0;
		if (l->len == 0 && strcmp(l->label, ":") == 0)
			l->active = false;
	} else if (key == CTRL('u')) {
		l->len = 0;
		l->text[0] = 0;
	} else if (key >= ' ') {
		char mb[MB_LEN_MAX];
		mbstate_t st = {0};
		size_t k = wcrtomb(mb, (wchar_t)key, &st);
		if (k != (size_t)-1 && l->len + k < sizeof l->text) {
			memcpy(l->text + l->len, mb, k);
			l->len += k;
			l->text[l->len] = 0;
		}
	}
}

/* The glyph typed as UTF-8, or "" when it cannot be encoded. */
static void key_utf8(int key, char *out)
{
	mbstate_t st = {0};
	size_t k = wcrtomb(out, (wchar_t)key, &st);
	out[k == (size_t)-1 ? 0 : k] = 0;
}

static void palette_key(ed_ui *u, int key)
{
	ed_model *m = &u->m;
	int n = m->w->npalette;
	if (key == ESC || key == '\n' || key == '\r' || key == FK(KEY_ENTER)) {
		u->pick_palette = false;
		u->msg[0] = 0;
		return;
	}
	if (n == 0) {
		u->pick_palette = false;
		ed_set_msg(u, true, "the palette is empty");
		return;
	}
	if (key == 'j' || key == FK(KEY_DOWN)) {
		m->brush = (m->brush + 1) % n;
		return;
	}
	if (key == 'k' || key == FK(KEY_UP)) {
		m->brush = (m->brush + n - 1) % n;
		return;
	}
	char g[MB_LEN_MAX + 1];
	key_utf8(key, g);
	int i = wf_find_glyph(m->w, g);
	if (i >= 0) {
		m->brush = i;
		u->pick_palette = false;
		ed_set_msg(u, false, "brush: %s %s", g, m->w->palette[i].name);
	} else {
		ed_set_msg(u, true, "'%s' is not in the palette", g);
	}
}

static void paint_glyph(ed_ui *u, int key)
{
	char g[MB_LEN_MAX + 1];
	key_utf8(key, g);
	int i = wf_find_glyph(u->m.w, g);
	if (i < 0) {
		ed_set_msg(u, true, "'%s' is not in the palette", g);
		return;
	}
	u->m.brush = i;
	if (ed_paint(&u->m, u->m.cx, u->m.cy, i))
		report(u, -1, NULL);
	else
		ed_move(&u->m, 1, 0);
}

static void help_key(ed_ui *u, int key)
{
	if (key == 'j' || key == FK(KEY_DOWN))
		u->help_top++;
	else if (key == 'k' || key == FK(KEY_UP))
		u->help_top = u->help_top > 0 ? u->help_top - 1 : 0;
	else if (key == ' ' || key == FK(KEY_NPAGE))
		u->help_top += 10;
	else
		u->show_help = false;
}

static void mouse_key(ed_ui *u)
{
	MEVENT e;
	if (getmouse(&e) != OK)
		return;
	if (e.bstate & BUTTON4_PRESSED) {
		ed_scroll(&u->m, 0, -3);
	} else if (e.bstate & BUTTON5_PRESSED) {
		ed_scroll(&u->m, 0, 3);
	} else if (e.bstate & (BUTTON1_CLICKED | BUTTON1_PRESSED | BUTTON1_RELEASED)) {
		if (e.y < u->map_rows && e.x < u->map_cols)
			ed_goto(&u->m, u->m.vx + e.x / u->cellw, u->m.vy + e.y);
	}
}

/* A count typed before a key (vim's "5j"): digits outside paint mode,
 * '0' only after another digit (alone it goes to the start of the row). */
static bool take_count(ed_ui *u, int key)
{
	if (u->m.mode == ED_PAINT || u->m.mode == ED_PLAY || key < '0' || key > '9' ||
	    (key == '0' && u->count == 0))
		return false;
	if (u->count < 100000)
		u->count = u->count * 10 + (key - '0');
	ed_set_msg(u, false, "%d", u->count);
	return true;
}

static void busy(ed_ui *u)
{
	ed_set_msg(u, true, "%s: moves and search work, edits wait",
	           ed_play_loading(u) ? "play: still loading the scripts"
	           : u->saving        ? "still saving world.acre"
	                              : "still reading the rest of the world");
}

/* A big world being read, or its play being loaded: edits wait. */
static bool waiting(const ed_ui *u)
{
	return ed_loading(u) || ed_play_loading(u);
}

/* What may run while a big world is still being read or saved: nothing that edits
 * (the preview is replaced by the whole world when it is read). */
static bool while_loading(void (*fn)(ed_ui *))
{
	static void (*const ok[])(ed_ui *) = {
	    mv_left,  mv_right, mv_up,    mv_down,   mv_pleft,  mv_pright, mv_pup,
	    mv_pdown, mv_pgdn,  mv_pgup,  mv_halfdn, mv_halfup, mv_home,   mv_end,
	    mv_bol,   mv_eol,   k_search, k_next,    k_prev,    k_help,    k_panel,
	    k_names,  k_redraw, k_quit,   k_overlay,
	};
	for (size_t i = 0; i < sizeof ok / sizeof *ok; i++)
		if (ok[i] == fn)
			return true;
	return false;
}

/* Moves, undo and redo repeat `count` times; other actions run once. */
static void run_key(ed_ui *u, const keydef *d, int key, int count)
{
	static void (*const repeat[])(ed_ui *) = {
	    mv_left, mv_right, mv_up,   mv_down, mv_pleft,  mv_pright,
	    mv_pup,  mv_pdown, mv_pgdn, mv_pgup, mv_halfdn, mv_halfup,
	    k_undo,  k_redo,   k_next,  k_prev,
	};
	if (u->m.mode == ED_PLAY && d->fn == k_play_key) {
		ed_play_key(u, key);
		return;
	}
	bool again = false;
	for (size_t i = 0; i < sizeof repeat / sizeof *repeat; i++)
		again |= repeat[i] == d->fn;
	if (again && u->m.mode == ED_PLAY)
		ed_play_unfollow(u); /* the creator took the cursor back */
	for (int n = again ? count : 1; n > 0; n--) {
		d->fn(u);
		if (u->msg_error)
			break; /* "nothing to undo": stop repeating */
	}
}

/* Ctrl-C cancels whatever is under way, innermost first, and never quits
 * (q and :q do). */
static void cancel(ed_ui *u)
{
	if (u->show_help) {
		u->show_help = false;
	} else if (u->line.active) {
		line_cancel(u);
		ed_set_msg(u, false, "cancelled");
	} else if (u->pick_palette) {
		u->pick_palette = false;
		ed_set_msg(u, false, "cancelled");
	} else if (u->count) {
		u->count = 0;
		ed_set_msg(u, false, "cancelled");
	} else if (u->carry_ei >= 0) {
		u->carry_ei = u->carry_pi = -1;
		ed_set_msg(u, false, "cancelled: the entity stays where it was");
	} else if (u->m.mode == ED_PAINT || u->m.mode == ED_SELECT ||
	           u->m.mode == ED_LINE) {
		k_escape(u);
		ed_set_msg(u, false, "cancelled");
	} else if (ed_play_running(u)) {
		ed_play_key(u, 'r');
		ed_set_msg(u, false, "play paused");
	} else {
		ed_set_msg(u, false, "nothing to cancel (q quits)");
	}
}

void ed_key(ed_ui *u, int key, bool is_char)
{
	if (!is_char)
		key = FK(key);
	if (key == FK(KEY_MOUSE)) {
		mouse_key(u);
		return;
	}
	if (key == CTRL('c')) {
		cancel(u);
		return;
	}
	if (u->show_help) {
		help_key(u, key);
		return;
	}
	if (u->line.active) {
		line_key(u, key);
		return;
	}
	if (u->pick_palette) {
		palette_key(u, key);
		return;
	}
	u->msg[0] = 0;
	u->msg_error = false;
	if (!waiting(u) && u->m.mode == ED_NORMAL && ed_conflict_key(u, key))
		return;
	if (take_count(u, key))
		return;
	int count = u->count > 0 ? u->count : 1, mode = 1 << u->m.mode;
	u->count = 0;
	for (int i = 0; i < NKEYS; i++) {
		if (!(keys[i].modes & mode))
			continue;
		for (int k = 0; k < 4 && keys[i].key[k]; k++)
			if (keys[i].key[k] == key) {
				/* P while the play loads cancels it (k_play) */
				bool cancels = keys[i].fn == k_play && ed_play_loading(u);
				if (waiting(u) && !while_loading(keys[i].fn) && !cancels) {
					busy(u);
					return;
				}
				run_key(u, &keys[i], key, count);
				return;
			}
	}
	if (waiting(u)) {
		busy(u);
		return;
	}
	if (u->m.mode == ED_PAINT && key > ' ' && key != 127) {
		paint_glyph(u, key);
		return;
	}
	if (u->m.mode == ED_PLAY) {
		if (key == ESC || key == 'q')
			ed_play_stop(u);
		else
			ed_set_msg(u, true,
			           "play mode: the world cannot be edited (P leaves)");
		return;
	}
	ed_set_msg(u, true, "no binding for that key (? lists them)");
}
