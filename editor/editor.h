/* editor.h — the curses world editor: its editing model and its entry point.
 *
 * This is the only front door to editor/. The editor is split the way kilo
 * and tig are: an *editing model* (model.c) that holds the world, the cursor,
 * the viewport, the selection and an unlimited undo history, and that can be
 * driven and tested without a terminal; and the terminal side (ui.c, draw.c,
 * keys.c), which composes the screen from the model each frame and turns keys
 * into model operations through one data table (ed_keys).
 *
 * Every edit is a function on the model that either applies the change and
 * records it for undo, or leaves the world untouched and returns -1 with the
 * reason in m->err (the format's rules, acre-world(5), decide what may be
 * made). Coordinates are world tiles unless a name says otherwise.
 */
#ifndef ACRE_EDITOR_H
#define ACRE_EDITOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "worldfmt/worldfmt.h"

/* ---- The editing model --------------------------------------------------- */

typedef enum ed_mode {
	ED_NORMAL, /* move, run single-key commands */
	ED_PAINT,  /* each typed palette glyph paints at the cursor and advances */
	ED_SELECT, /* a rectangle from the anchor to the cursor is selected */
	ED_LINE,   /* a line from the anchor to the cursor is drawn on Enter */
	ED_PLAY,   /* the scripts run; edits are refused */
} ed_mode;

const char *ed_mode_name(ed_mode m); /* "NORMAL", "PAINT" … */

/* One undo step is a list of changes applied in order (undone in reverse).
 * Tile changes are kept as differences; structural changes (parcels,
 * entities, properties) as before/after copies of the one parcel involved,
 * so that every kind of edit undoes the same way. */
typedef struct ed_change ed_change;
typedef struct ed_step {
	ed_change *v;
	int n, cap;
	const char *what; /* "paint", "move parcel" … for the status line */
} ed_step;

/* The clipboard: a rectangle of palette indices; -1 marks tiles that lay
 * outside every parcel (pasting skips them). */
typedef struct ed_clip {
	int32_t w, h;
	int16_t *tiles;
} ed_clip;

typedef struct ed_model {
	wf_world *w;
	int32_t cx, cy; /* cursor, in tiles */
	int32_t vx, vy; /* viewport's top-left tile */
	int32_t vw, vh; /* viewport size in tiles (set by the screen) */
	ed_mode mode;
	int brush;      /* palette index painted by line/fill */
	int32_t ax, ay; /* anchor of ED_SELECT / ED_LINE */
	ed_clip clip;
	/* Undo history: steps [0, pos) are applied, [pos, n) can be redone. */
	ed_step *steps;
	int nsteps, capsteps, pos;
	int saved_pos; /* pos at the last save; -1 when none matches */
	int save_pos;  /* pos a save under way writes (-1 as saved_pos) */
	bool save_open; /* a save is under way (edits may go on meanwhile) */
	int group;     /* first step of the open undo group, or -1 */
	const char *group_what;
	uint64_t generation; /* bumped by every edit, undo and redo */
	uint64_t shape_gen;  /* bumped by those that change more than tiles */
	/* The world's index is kept one parcel at a time (1) while that gives
	 * what a rebuild would (wf_index_exact); 0: a rebuild is due; -1: the
	 * world has overlaps or shared names, so every shape edit rebuilds. */
	int index_state;
	/* Called with a mark's key and value whenever ed_mark sets it and
	 * undo or redo passes it (NULL: marks are only kept). */
	void (*on_mark)(void *arg, int key, int value);
	void *mark_arg;
	int holes;           /* empty slots in w->parcels (model.c, "Holes") */
	char err[256];       /* why the last operation failed */
} ed_model;

/* Take ownership of `w` (freed by ed_model_free). The cursor starts at the
 * top-left of the first parcel. Its index (wf_world_index) is built unless
 * it already has one, which must then be current. */
void ed_model_init(ed_model *m, wf_world *w);
/* As ed_model_init, for a world whose index was checked with
 * wf_index_exact (`exact`) where it was built. */
void ed_model_init_indexed(ed_model *m, wf_world *w, bool exact);
void ed_model_free(ed_model *m);

/* A deleted parcel may leave a hole in m->w->parcels: a slot whose name
 * is NULL, in no index (so that no other parcel moves). Code that walks
 * the model's parcels skips them; code that reads the whole world as the
 * file has it (writing, validating, diffing, running) takes
 * ed_world_dense: m->w itself when there are no holes, else a copy of the
 * world's header with a list of the parcels alone, sharing everything else
 * with the model (valid until the next edit), or NULL when out of memory.
 * Free it with ed_world_dense_free (m->w itself is left). */
int ed_holes(const ed_model *m);
wf_world *ed_world_dense(const ed_model *m);
void ed_world_dense_free(const ed_model *m, wf_world *d);

/* World size in tiles. */
int32_t ed_world_tw(const ed_model *m);
int32_t ed_world_th(const ed_model *m);

/* True when there are edits since the last save (or since opening). */
bool ed_dirty(const ed_model *m);
void ed_mark_saved(ed_model *m);
/* A save in the background writes the world as it is at begin; edits may
 * follow before it ends. At end (ok: the file was written) the state it
 * wrote is the saved one, when undo can still reach it. */
void ed_save_begin(ed_model *m);
void ed_save_end(ed_model *m, bool ok);

/* ---- Moving (never fail: positions are clamped to the world) ------------- */
void ed_move(ed_model *m, int32_t dx, int32_t dy);
void ed_goto(ed_model *m, int32_t tx, int32_t ty);
int ed_goto_parcel(ed_model *m, const char *name); /* -1: no such parcel */
/* Keep the cursor inside the viewport, scrolling by as little as needed. */
void ed_follow(ed_model *m);
/* Scroll the viewport (mouse wheel), dragging the cursor along if needed. */
void ed_scroll(ed_model *m, int32_t dx, int32_t dy);
/* Search: the next (dir 1) or previous (-1) match of `query` from the
 * cursor, in reading order (rows, then columns), wrapping at the ends: a
 * parcel whose name or owner holds it (at its top-left tile), an entity
 * whose name holds it (case ignored), or every tile whose palette glyph or
 * entry name is `query`. Moves the cursor there and describes the match in
 * `what`; -1 with "no match for …" when there is none. */
int ed_search(ed_model *m, const char *query, int dir, char *what, size_t whatlen);
/* Index of the parcel under the cursor, or -1. */
int ed_parcel_here(ed_model *m);
/* Palette index of the tile at (tx, ty), or -1 outside every parcel. */
int ed_tile(ed_model *m, int32_t tx, int32_t ty);

/* ---- Tiles ----------------------------------------------------------------*/
int ed_paint(ed_model *m, int32_t tx, int32_t ty, int glyph);
/* A straight line (Bresenham) and a filled rectangle, corners inclusive, in
 * any order. Tiles outside every parcel are skipped; it is an error when
 * none is left. One undo step each. */
int ed_line(ed_model *m, int32_t x0, int32_t y0, int32_t x1, int32_t y1, int glyph);
int ed_fill(ed_model *m, int32_t x0, int32_t y0, int32_t x1, int32_t y1, int glyph);
int ed_copy(ed_model *m, int32_t x0, int32_t y0, int32_t x1, int32_t y1);
int ed_paste(ed_model *m, int32_t tx, int32_t ty);

/* ---- Parcels (positions and sizes in unit parcels) ----------------------- */
int ed_parcel_create(ed_model *m, const char *name, int32_t px, int32_t py, int32_t pw,
                     int32_t ph);
int ed_parcel_move(ed_model *m, int pi, int32_t px, int32_t py);
/* Tiles keep their place from the top-left; new tiles are palette entry 0.
 * Refused when an entity would fall outside. */
int ed_parcel_resize(ed_model *m, int pi, int32_t pw, int32_t ph);
int ed_parcel_delete(ed_model *m, int pi);
/* Properties: an empty or NULL value clears owner, zone or script. */
int ed_set_owner(ed_model *m, int pi, const char *owner);
int ed_set_zone(ed_model *m, int pi, const char *zone);
int ed_set_script(ed_model *m, int pi, const char *script);
int ed_parcel_rename(ed_model *m, int pi, const char *name);
/* Make parcel pi a copy of q (pi -1: add q as a new parcel; q NULL:
 * delete parcel pi) as one step named `what`: how one side of a merge
 * conflict is taken whole. q's tiles are palette indices of this world;
 * its strings are copied in (q may belong to another world). Refused
 * when it would overlap another parcel, leave the world or take another
 * parcel's name. */
int ed_parcel_set(ed_model *m, int pi, const wf_parcel *q, const char *what);

/* ---- Entities (positions relative to the parcel) ------------------------- */
int ed_entity_create(ed_model *m, int pi, const char *name, int32_t x, int32_t y,
                     const char *glyph);
int ed_entity_move(ed_model *m, int pi, int ei, int32_t x, int32_t y);
int ed_entity_delete(ed_model *m, int pi, int ei);
int ed_entity_set_script(ed_model *m, int pi, int ei, const char *script);
int ed_entity_rename(ed_model *m, int pi, int ei, const char *name);
/* The entity at world tile (tx, ty): returns its index and sets *pi, or -1. */
int ed_entity_at(ed_model *m, int32_t tx, int32_t ty, int *pi);

/* ---- Palette and zones ----------------------------------------------------
 * Judged by worldfmt's own parser and rules (the same messages as acre
 * check gives for the file): a glyph is one character, names follow the
 * name rule and are unique, caps are known ones. max -1: no entity cap. */
int ed_palette_add(ed_model *m, const char *glyph, const char *name, bool solid);
int ed_palette_set(ed_model *m, int gi, const char *name, bool solid);
int ed_palette_script(ed_model *m, int gi, const char *script); /* "" clears */
int ed_zone_add(ed_model *m, const char *name, int caps, int64_t max);
int ed_zone_set(ed_model *m, int zi, int caps, int64_t max);

/* ---- Taking one side of a merge conflict ---------------------------------
 * The header key `which` (one WF_DIFFW_ bit) made what `from` has, as one
 * step named `what`; refused for the parcel-size (every parcel's tiles
 * would change shape) and for a size that would leave a parcel outside. */
int ed_header_take(ed_model *m, const wf_world *from, unsigned which, const char *what);
/* A step that changes no world but a value the caller keeps (a conflict
 * settled on purpose): m->on_mark(key, now) at once and at redo, (key,
 * was) at undo, in order with the edits around it. */
int ed_mark(ed_model *m, int key, int was, int now, const char *what);

/* ---- Undo ----------------------------------------------------------------- */
/* An undo group: every step recorded between begin and end becomes one
 * step named `what` (an insert, a form of several fields), as vim undoes a
 * whole insert. Groups do not nest; undo and redo close an open one. */
void ed_group_begin(ed_model *m, const char *what);
void ed_group_end(ed_model *m);
int ed_undo(ed_model *m); /* -1 with "nothing to undo" */
int ed_redo(ed_model *m);

/* ---- The terminal editor ------------------------------------------------- */

typedef struct ed_options {
	const char *dir; /* world directory (holds world.acre) */
	bool stats;      /* print keystroke-to-frame times on exit */
	bool recover;    /* take the recovery file without asking */
} ed_options;

/* Figures for --stats, filled by ed_run. */
typedef struct ed_stats {
	double first_frame_ms; /* from ed_run's start to the first full frame */
	double load_ms;
	int keys; /* keystrokes measured */
	double p50_ms, p99_ms, max_ms;
	/* The longest turn of the key loop spent on its own work between keys
	 * (swapping in a big world read in the background, starting
	 * background jobs, drawing) once the whole world was read: a key
	 * typed then waits that long. */
	double idle_max_ms;
	int signal; /* SIGHUP or SIGTERM that ended the editor (SIGHUP also
	             * when the terminal was lost), else 0 */
} ed_stats;

/* Run the editor on a terminal. Returns 0 on a normal quit, or -1 with a
 * message in err (world unreadable, not a terminal …); the caller prints. */
int ed_run(const ed_options *o, ed_stats *st, char *err, size_t errlen);

/* The key table: every binding with the help text the `?` screen prints.
 * `keys` is the key as a user types it ("h ←", "Ctrl-R", ":w"). */
typedef struct ed_keyhelp {
	const char *keys;
	const char *help;
	const char *section; /* "Move", "Edit" …, for grouping */
} ed_keyhelp;
/* The n-th entry of the help listing, or NULL past the end. The same list
 * drives the help screen and `acre edit --keys` (and so the man page). */
const ed_keyhelp *ed_help_entry(int n);

/* Recovery files: each editor instance keeps its unsaved edits in
 * DIR/.world.acre.PID.acre-recover (PID its process id). */
char *ed_recover_path(const char *dir, long pid); /* malloc'd */
typedef struct ed_recovery {
	char *path; /* malloc'd */
	long pid;   /* the editor that wrote it; 0 for the single file of old */
	time_t mtime;
	long long size;
	bool merge; /* written while resolving the merge world.acre holds */
} ed_recovery;
/* The recovery files in `dir` left by editors no longer running, newest
 * first, at most `max`; `*live` gets the process id of an editor running
 * on the same world (its file is not listed), or 0. Free with
 * ed_recover_free. */
int ed_recover_list(const char *dir, ed_recovery *out, int max, long *live);
void ed_recover_free(ed_recovery *v, int n);

#endif
