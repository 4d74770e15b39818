/* editor_model.c — the editing model without a terminal: moves, every kind of
 * edit, the rules that refuse an edit, and undo/redo of each. */
#include "editor/editor.h"
#include "tests/unit/unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A 4×3 world of 4×4-tile parcels: "a" at 0 0 (2×1, with a layout and an
 * entity), "b" at 0 1 (no layout), zones "shop" (no scripts, 1 entity) and
 * "open". Palette: . # + */
static wf_world *small_world(void)
{
	wf_world *w = wf_world_new();
	w->name = wf_strdup(w, "small");
	w->width = 4;
	w->height = 3;
	w->parcel_w = w->parcel_h = 4;
	w->unit_budget.entities = 10;
	const char *glyphs[] = {".", "#", "+"}, *names[] = {"floor", "wall", "door"};
	w->palette = calloc(4, sizeof *w->palette);
	w->palette_cap = 4;
	for (int i = 0; i < 3; i++)
		w->palette[w->npalette++] = (wf_glyph){.glyph = wf_strdup(w, glyphs[i]),
		                                       .name = wf_strdup(w, names[i])};
	w->zones = calloc(2, sizeof *w->zones);
	w->zones_cap = 2;
	w->zones[w->nzones++] = (wf_zone){
	    .name = wf_strdup(w, "shop"), .caps = WF_CAP_TILES, .max_entities = 1};
	w->zones[w->nzones++] = (wf_zone){
	    .name = wf_strdup(w, "open"), .caps = WF_CAP_ALL, .max_entities = -1};
	w->parcels = calloc(4, sizeof *w->parcels);
	w->parcels_cap = 4;
	wf_parcel *a = &w->parcels[w->nparcels++];
	*a = (wf_parcel){.name = wf_strdup(w, "a"),
	                 .px = 0,
	                 .py = 0,
	                 .pw = 2,
	                 .ph = 1,
	                 .zone_index = -1};
	a->tiles = calloc(8 * 4, 1);
	a->tiles[0] = 1;
	a->entities = calloc(1, sizeof *a->entities);
	a->entities_cap = 1;
	a->entities[a->nentities++] =
	    (wf_entity){.name = wf_strdup(w, "lamp"), .x = 7, .y = 3};
	wf_parcel *b = &w->parcels[w->nparcels++];
	*b = (wf_parcel){.name = wf_strdup(w, "b"),
	                 .px = 0,
	                 .py = 1,
	                 .pw = 1,
	                 .ph = 1,
	                 .zone_index = -1};
	return w;
}

static void test_moves(void)
{
	ed_model m;
	ed_model_init(&m, small_world());
	m.vw = 5;
	m.vh = 3;
	CHECK(m.cx == 0 && m.cy == 0, "cursor starts on the first parcel");
	ed_move(&m, 100, 100);
	CHECK(m.cx == 15 && m.cy == 11, "moves are clamped to the world (%d %d)", m.cx,
	      m.cy);
	CHECK(m.vx == 11 && m.vy == 9, "viewport follows the cursor (%d %d)", m.vx, m.vy);
	ed_move(&m, -INT32_MAX, 0);
	CHECK(m.cx == 0, "a huge move does not overflow");
	CHECK(ed_goto_parcel(&m, "b") == 0 && m.cx == 0 && m.cy == 4, "goto parcel");
	CHECK(ed_goto_parcel(&m, "zz") == -1, "goto unknown parcel fails");
	CHECK_STR(m.err, "no parcel named 'zz'", "goto names the missing parcel");
	CHECK(ed_goto_parcel(&m, "bb") == -1, "goto a near miss fails");
	CHECK_STR(m.err, "no parcel named 'bb'", "no suggestion for a two-letter name");
	CHECK(ed_parcel_here(&m) == 1, "parcel under the cursor");
	ed_goto(&m, 9, 0);
	CHECK(ed_parcel_here(&m) == -1 && ed_tile(&m, 9, 0) == -1, "no parcel at 9 0");
	ed_scroll(&m, 0, 5);
	CHECK(m.vy == 5 && m.cy == 5, "wheel scroll drags the cursor (%d %d)", m.vy,
	      m.cy);
	ed_model_free(&m);
}

static void test_tiles(void)
{
	ed_model m;
	ed_model_init(&m, small_world());
	CHECK(!ed_dirty(&m), "a fresh model is clean");
	CHECK(ed_paint(&m, 1, 0, 2) == 0 && ed_tile(&m, 1, 0) == 2, "paint a tile");
	CHECK(ed_dirty(&m), "an edit makes it dirty");
	CHECK(ed_paint(&m, 9, 0, 1) == -1, "paint outside parcels fails");
	CHECK_STR(m.err, "cannot paint at 9 0: no parcel there", "and says why");
	CHECK(ed_paint(&m, 1, 0, 7) == -1, "unknown palette entry fails");
	CHECK_STR(m.err, "palette has no entry 7 (it has 3)", "and says why");
	CHECK(ed_paint(&m, 1, 5, 1) == 0 && m.w->parcels[1].tiles != NULL,
	      "painting a parcel without a layout gives it one");
	CHECK(ed_undo(&m) == 0 && m.w->parcels[1].tiles == NULL,
	      "undo takes the new layout away again");
	CHECK(ed_redo(&m) == 0 && ed_tile(&m, 1, 5) == 1, "redo paints it again");
	CHECK(ed_line(&m, 0, 3, 7, 3, 1) == 0, "a line");
	int n = 0;
	for (int x = 0; x < 8; x++)
		n += ed_tile(&m, x, 3) == 1;
	CHECK(n == 8, "the line covers 8 tiles (%d)", n);
	CHECK(ed_line(&m, 0, 0, 3, 3, 2) == 0 && ed_tile(&m, 2, 2) == 2,
	      "a diagonal line");
	CHECK(ed_fill(&m, 6, 6, 0, 4, 1) == 0, "fill across the edge of a parcel");
	CHECK(ed_tile(&m, 3, 7) == 0 && ed_tile(&m, 3, 6) == 1 && ed_tile(&m, 0, 4) == 1,
	      "fill covers the rectangle, corners in any order");
	CHECK(ed_fill(&m, 8, 4, 15, 11, 1) == -1,
	      "a fill entirely outside parcels fails");
	CHECK_STR(m.err, "cannot fill there: no parcel under it", "and says why");
	CHECK(ed_undo(&m) == 0 && ed_tile(&m, 0, 4) == 0 && ed_tile(&m, 1, 5) == 1,
	      "undo of the fill keeps the earlier paint");
	CHECK(ed_tile(&m, 2, 5) == 0, "undo of the fill restores its tiles");
	ed_redo(&m);
	CHECK(ed_copy(&m, 0, 3, 1, 4) == 0 && m.clip.w == 2 && m.clip.h == 2, "copy");
	CHECK(ed_paste(&m, 4, 0) == 0 && ed_tile(&m, 4, 0) == 1 && ed_tile(&m, 4, 1) == 1,
	      "paste");
	CHECK(ed_paste(&m, 14, 10) == -1, "paste where no parcel is fails");
	while (ed_undo(&m) == 0)
		;
	CHECK_STR(m.err, "nothing to undo", "undo all the way back");
	CHECK(!ed_dirty(&m) && ed_tile(&m, 0, 0) == 1 && ed_tile(&m, 1, 0) == 0,
	      "back to the opened world");
	CHECK(ed_redo(&m) == 0 && ed_dirty(&m) && ed_tile(&m, 1, 0) == 2,
	      "redo after all");
	ed_model_free(&m);
}

static void test_parcels(void)
{
	ed_model m;
	ed_model_init(&m, small_world());
	wf_world *w = m.w;
	CHECK(ed_parcel_create(&m, "c", 2, 1, 2, 2) == 0 && w->nparcels == 3, "create");
	CHECK(wf_parcel_at(w, 12, 8) == 2, "the grid knows the new parcel");
	CHECK(ed_parcel_create(&m, "c", 0, 2, 1, 1) == -1, "duplicate name refused");
	CHECK_STR(m.err, "a parcel named 'c' already exists", "and says why");
	CHECK(ed_parcel_create(&m, "d", 1, 0, 1, 1) == -1, "overlap refused");
	CHECK_STR(m.err, "parcel would overlap parcel 'a' at 1 0", "and says where");
	CHECK(ed_parcel_create(&m, "d", 3, 2, 2, 1) == -1, "leaving the world refused");
	CHECK_STR(m.err, "parcel at 3 2 size 2 1 would leave the world (4 by 3 parcels)",
	          "and says why");
	CHECK(ed_parcel_create(&m, "bad name", 0, 2, 1, 1) == -1, "bad name refused");
	CHECK_STR(
	    m.err,
	    "parcel name 'bad name' may hold only letters, digits, '_', '-' and '.'",
	    "and says why");
	CHECK(ed_parcel_move(&m, 1, 1, 1) == 0 && wf_parcel_at(w, 4, 4) == 1 &&
	          wf_parcel_at(w, 0, 4) == -1,
	      "move");
	CHECK(ed_parcel_move(&m, 1, 2, 1) == -1, "move onto another parcel refused");
	CHECK(ed_parcel_resize(&m, 0, 1, 1) == -1, "resize that drops an entity refused");
	CHECK_STR(m.err, "entity 'lamp' at 7 3 would fall outside the parcel",
	          "and says why");
	CHECK(ed_parcel_resize(&m, 0, 2, 2) == -1, "resize onto another parcel refused");
	CHECK(ed_parcel_resize(&m, 0, 1, 2) == -1,
	      "shrinking past the entity is refused");
	CHECK(ed_entity_delete(&m, 0, 0) == 0 && w->parcels[0].nentities == 0,
	      "entity delete");
	CHECK(ed_parcel_resize(&m, 0, 1, 1) == 0 && w->parcels[0].pw == 1 &&
	          ed_tile(&m, 0, 0) == 1,
	      "resize keeps tiles from the top-left");
	CHECK(ed_parcel_delete(&m, 0) == 0 && w->nparcels == 3 && ed_holes(&m) == 1 &&
	          !w->parcels[0].name && wf_find_parcel(w, "a") == -1 &&
	          wf_parcel_at(w, 4, 4) == 1 && wf_parcel_at(w, 0, 0) == -1,
	      "delete leaves a hole: the others keep their places");
	CHECK(ed_parcel_move(&m, 0, 3, 2) == -1 && strcmp(m.err, "no parcel there") == 0,
	      "the hole is no parcel to edit");
	wf_world *dw = ed_world_dense(&m);
	CHECK(dw && dw != w && dw->nparcels == 2 &&
	          strcmp(dw->parcels[0].name, "b") == 0 &&
	          strcmp(dw->parcels[1].name, "c") == 0 &&
	          dw->parcels[1].tiles == w->parcels[2].tiles,
	      "the dense world lists the parcels alone, sharing their arrays");
	ed_world_dense_free(&m, dw);
	CHECK(ed_undo(&m) == 0 && wf_find_parcel(w, "a") == 0 && ed_tile(&m, 0, 0) == 1 &&
	          ed_holes(&m) == 0 && ed_world_dense(&m) == w,
	      "undo delete puts it back in place");
	ed_undo(&m);
	CHECK(w->parcels[0].pw == 2 && ed_tile(&m, 0, 0) == 1, "undo resize");
	ed_undo(&m);
	CHECK(w->parcels[0].nentities == 1, "undo entity delete");
	ed_undo(&m);
	CHECK(wf_parcel_at(w, 0, 4) == 1, "undo move");
	ed_undo(&m);
	CHECK(w->nparcels == 2 && wf_parcel_at(w, 12, 8) == -1, "undo create");
	for (int i = 0; i < 5; i++)
		ed_redo(&m);
	CHECK(w->nparcels == 3 && ed_holes(&m) == 1 && wf_find_parcel(w, "a") == -1 &&
	          wf_find_parcel(w, "c") == 2,
	      "redo all of them");
	ed_model_free(&m);
}

static void test_properties(void)
{
	ed_model m;
	ed_model_init(&m, small_world());
	wf_world *w = m.w;
	CHECK(ed_set_owner(&m, 0, "hiro") == 0, "set owner");
	CHECK_STR(w->parcels[0].owner, "hiro", "owner set");
	CHECK(ed_set_owner(&m, 0, "a\001b") == -1, "control bytes in an owner refused");
	CHECK_STR(m.err, "owner may hold only valid UTF-8 without control characters",
	          "and says why");
	CHECK(ed_parcel_create(&m, "-x", 0, 2, 1, 1) == -1,
	      "a name the parser refuses is refused");
	CHECK_STR(m.err, "parcel name '-x' may not start with '-' or '.'",
	          "and says why");
	CHECK(ed_set_zone(&m, 0, "nope") == -1, "unknown zone refused");
	CHECK_STR(m.err, "no zone named 'nope'", "and says why");
	CHECK(ed_set_zone(&m, 0, "shpo") == -1, "a mistyped zone is refused");
	CHECK_STR(m.err, "no zone named 'shpo'; did you mean 'shop'?", "with the near name");
	CHECK(ed_set_zone(&m, 0, "shop") == 0 && w->parcels[0].zone_index == 0,
	      "set zone");
	CHECK(ed_set_script(&m, 0, "scripts/a.lua") == -1,
	      "script in a no-script zone refused");
	CHECK_STR(m.err, "zone 'shop' does not allow scripts", "and says why");
	CHECK(ed_entity_create(&m, 0, "two", 1, 1, "o") == 0, "entity create");
	CHECK(ed_entity_create(&m, 0, "three", 1, 2, "o") == -1, "zone entity cap");
	CHECK_STR(m.err, "parcel 'a' already holds its limit of 2 entities",
	          "and says why");
	CHECK(ed_set_zone(&m, 0, "open") == 0, "change zone");
	CHECK(ed_set_script(&m, 0, "/etc/passwd") == -1, "absolute script path refused");
	CHECK_STR(m.err, "script '/etc/passwd' must be a relative path inside the world",
	          "and says why");
	CHECK(ed_set_script(&m, 0, "scripts/a.lua") == 0, "set script");
	CHECK(ed_set_zone(&m, 0, "shop") == -1,
	      "zone without scripts refused while scripted");
	CHECK(ed_entity_create(&m, 0, "four", 3, 1, "o") == 0 &&
	          w->parcels[0].nentities == 3,
	      "entity create in the open zone");
	CHECK(ed_entity_create(&m, 0, "two", 2, 1, NULL) == -1,
	      "duplicate entity refused");
	CHECK(ed_entity_create(&m, 0, "far", 8, 0, NULL) == -1, "entity outside refused");
	CHECK_STR(m.err, "8 0 is outside parcel 'a' (8 by 4 tiles)", "and says why");
	CHECK(ed_entity_create(&m, 0, "g", 0, 0, "ab") == -1,
	      "two-character glyph refused");
	CHECK(ed_entity_move(&m, 0, 1, 2, 2) == 0 && w->parcels[0].entities[1].x == 2,
	      "move");
	int pi = -1;
	CHECK(ed_entity_at(&m, 2, 2, &pi) == 1 && pi == 0, "entity at a tile");
	CHECK(ed_entity_set_script(&m, 0, 1, "scripts/two.lua") == 0, "entity script");
	CHECK(ed_parcel_rename(&m, 0, "b") == -1, "rename onto another name refused");
	CHECK(ed_parcel_rename(&m, 0, "plaza") == 0 && wf_find_parcel(w, "plaza") == 0,
	      "rename");
	CHECK(ed_set_owner(&m, 0, "") == 0 && w->parcels[0].owner == NULL, "clear owner");
	while (ed_undo(&m) == 0)
		;
	CHECK(w->parcels[0].owner == NULL && w->parcels[0].zone == NULL &&
	          w->parcels[0].script == NULL && w->parcels[0].nentities == 1 &&
	          strcmp(w->parcels[0].name, "a") == 0,
	      "every property edit undoes");
	while (ed_redo(&m) == 0)
		;
	CHECK(w->parcels[0].owner == NULL && strcmp(w->parcels[0].zone, "open") == 0 &&
	          strcmp(w->parcels[0].script, "scripts/a.lua") == 0 &&
	          w->parcels[0].nentities == 3,
	      "and redoes");
	ed_paint(&m, 0, 0, 0);
	CHECK(ed_redo(&m) == -1, "a new edit drops the redo history");
	ed_model_free(&m);
}

static void test_saved_marker(void)
{
	ed_model m;
	ed_model_init(&m, small_world());
	ed_paint(&m, 1, 1, 1);
	ed_mark_saved(&m);
	CHECK(!ed_dirty(&m), "clean after save");
	ed_undo(&m);
	CHECK(ed_dirty(&m), "undo past the save is dirty");
	ed_redo(&m);
	CHECK(!ed_dirty(&m), "redo back to the save is clean");
	ed_undo(&m);
	ed_paint(&m, 2, 2, 2);
	ed_undo(&m);
	ed_paint(&m, 1, 1, 0);
	CHECK(ed_dirty(&m), "a branch away from the save stays dirty");
	ed_model_free(&m);
}

/* A save in the background writes the state it began with: edits made
 * before it ends stay unsaved, and a state undo can no longer reach is
 * never called saved. Tile edits leave shape_gen alone. */
static void test_background_save(void)
{
	ed_model m;
	ed_model_init(&m, small_world());
	ed_paint(&m, 1, 1, 1);
	uint64_t shape = m.shape_gen;
	ed_save_begin(&m);
	ed_paint(&m, 2, 1, 1);
	ed_save_end(&m, true);
	CHECK(ed_dirty(&m), "an edit made during the save is not saved");
	CHECK(m.shape_gen == shape, "painting does not change the shape (%llu)",
	      (unsigned long long)m.shape_gen);
	CHECK(ed_undo(&m) == 0 && !ed_dirty(&m), "undoing it is the saved state");
	ed_save_begin(&m);
	ed_undo(&m);
	ed_paint(&m, 3, 1, 1); /* a branch: the state being saved is gone */
	ed_save_end(&m, true);
	CHECK(ed_dirty(&m) && m.saved_pos == -1,
	      "a save of a state undo cannot reach matches no step");
	ed_save_begin(&m);
	ed_save_end(&m, false);
	CHECK(ed_dirty(&m), "a failed save saves nothing");
	ed_set_owner(&m, 0, "ada");
	CHECK(m.shape_gen == shape + 1, "a property edit changes the shape");
	ed_undo(&m);
	CHECK(m.shape_gen == shape + 2, "and so does its undo");
	ed_save_begin(&m);
	ed_group_begin(&m, "insert");
	ed_paint(&m, 4, 1, 1);
	ed_group_end(&m);
	ed_save_end(&m, true);
	CHECK(ed_dirty(&m) && ed_undo(&m) == 0 && !ed_dirty(&m),
	      "a save begun before a group is the state before it");
	ed_model_free(&m);
}

/* An undo group (an insert) is one step; a save inside it keeps the saved
 * marker honest, and an empty group leaves history alone. */
static void test_groups(void)
{
	ed_model m;
	ed_model_init(&m, small_world());
	ed_paint(&m, 0, 1, 2);
	ed_group_begin(&m, "insert");
	for (int x = 1; x < 6; x++)
		ed_paint(&m, x, 1, 1);
	ed_set_owner(&m, 0, "ada");
	ed_group_end(&m);
	CHECK(m.nsteps == 2 && m.pos == 2, "five paints and an owner are one step (%d)",
	      m.nsteps);
	CHECK_STR(m.steps[1].what, "insert", "named after the group");
	CHECK(ed_undo(&m) == 0 && ed_tile(&m, 1, 1) == 0 && ed_tile(&m, 5, 1) == 0 &&
	          m.w->parcels[0].owner == NULL,
	      "one undo takes the whole insert back");
	CHECK(ed_tile(&m, 0, 1) == 2, "and keeps the paint before it");
	CHECK(ed_redo(&m) == 0 && ed_tile(&m, 5, 1) == 1 && m.w->parcels[0].owner &&
	          strcmp(m.w->parcels[0].owner, "ada") == 0,
	      "one redo brings it all back");
	ed_group_begin(&m, "insert");
	ed_group_end(&m);
	CHECK(m.nsteps == 2, "an empty group records nothing");
	ed_group_begin(&m, "insert");
	ed_paint(&m, 1, 2, 1);
	ed_mark_saved(&m);
	ed_paint(&m, 2, 2, 1);
	ed_group_end(&m);
	CHECK(ed_dirty(&m) && m.saved_pos == -1,
	      "a save inside a group is a state no step reaches now");
	ed_group_begin(&m, "insert");
	ed_paint(&m, 3, 2, 1);
	CHECK(ed_undo(&m) == 0 && ed_tile(&m, 3, 2) == 0 && ed_tile(&m, 2, 2) == 1,
	      "undo closes an open group first");
	CHECK(m.group == -1, "and the group is closed");
	ed_model_free(&m);
}

/* Search walks matches in reading order, wraps, and goes back with dir -1. */
static void test_search(void)
{
	ed_model m;
	ed_model_init(&m, small_world());
	char what[200];
	const char *wp = what;
	ed_set_owner(&m, 1, "Ada");
	CHECK(ed_search(&m, "lamp", 1, what, sizeof what) == 0 && m.cx == 7 && m.cy == 3,
	      "an entity by name");
	CHECK_STR(wp, "entity lamp in parcel a", "and says what it found");
	CHECK(ed_search(&m, "ADA", 1, what, sizeof what) == 0 && m.cx == 0 && m.cy == 4,
	      "an owner, case ignored");
	CHECK_STR(wp, "parcel b, owner Ada", "named with its parcel");
	CHECK(ed_search(&m, "#", 1, what, sizeof what) == 0 && m.cx == 0 && m.cy == 0,
	      "a glyph's tiles, wrapping past the end");
	CHECK_STR(wp, "(wrapped) wall in parcel a", "and says it wrapped");
	ed_paint(&m, 5, 2, 1);
	CHECK(ed_search(&m, "wall", 1, what, sizeof what) == 0 && m.cx == 5 && m.cy == 2,
	      "a palette entry's name finds its tiles");
	CHECK(ed_search(&m, "wall", -1, what, sizeof what) == 0 && m.cx == 0 && m.cy == 0,
	      "backwards");
	CHECK(ed_search(&m, ".", 1, what, sizeof what) == 0 && m.cx == 1 && m.cy == 0,
	      "palette entry 0 is found in parcels without a layout too");
	CHECK(ed_search(&m, "zzz", 1, what, sizeof what) == -1, "no match");
	CHECK_STR(m.err, "no match for 'zzz'", "says so");
	ed_model_free(&m);
}

/* Palette, zones and entity names follow the file's rules, read back by
 * worldfmt's own parser; each edit is one undo step. */
static void test_palette_zones(void)
{
	ed_model m;
	ed_model_init(&m, small_world());
	CHECK(ed_palette_add(&m, "ab", "x", false) == -1, "a glyph of two characters");
	CHECK(strstr(m.err, "a glyph is one character") != NULL, "is refused: %s", m.err);
	CHECK(ed_palette_add(&m, "\"", "x", false) == -1,
	      "a quote as a glyph is refused");
	CHECK(ed_palette_add(&m, "#", "x", false) == -1, "a glyph already there");
	CHECK(ed_palette_add(&m, "%", "wall", false) == -1, "a name already there");
	CHECK(strstr(m.err, "palette name 'wall' used twice") != NULL, "says so: %s",
	      m.err);
	CHECK(ed_palette_add(&m, "%", "-x", false) == -1, "a bad name");
	CHECK(ed_palette_add(&m, "%", "x solid", false) == -1,
	      "a name that would read as a flag");
	CHECK(ed_palette_add(&m, "%", "rubble", true) == 0 && m.w->npalette == 4 &&
	          m.w->palette[3].solid,
	      "a new entry");
	CHECK(ed_paint(&m, 1, 1, 3) == 0, "and it paints");
	CHECK(ed_palette_set(&m, 3, "stones", false) == 0 &&
	          strcmp(m.w->palette[3].name, "stones") == 0 && !m.w->palette[3].solid,
	      "renamed, not solid");
	CHECK(ed_palette_set(&m, 3, "floor", false) == -1, "renamed onto another name");
	CHECK(ed_palette_script(&m, 3, "../x.lua") == -1, "a script outside the world");
	CHECK(ed_zone_add(&m, "shop", WF_CAP_TILES, -1) == -1, "a zone already there");
	CHECK(ed_zone_add(&m, "park", WF_CAP_TILES | WF_CAP_ENTITIES, 3) == 0 &&
	          m.w->nzones == 3 && wf_find_zone(m.w, "park") == 2,
	      "a new zone, found by name");
	CHECK(ed_zone_set(&m, 0, WF_CAP_ALL, -1) == 0 &&
	          m.w->zones[0].caps == WF_CAP_ALL && m.w->zones[0].max_entities == -1,
	      "a zone's allowances and cap");
	CHECK(ed_entity_rename(&m, 0, 0, "bad name") == -1,
	      "an entity name with a space");
	CHECK(ed_entity_rename(&m, 0, 0, "torch") == 0 &&
	          strcmp(m.w->parcels[0].entities[0].name, "torch") == 0,
	      "an entity renamed");
	for (int i = 0; i < 6; i++)
		ed_undo(&m);
	CHECK(m.w->npalette == 3 && m.w->nzones == 2 &&
	          m.w->zones[0].caps == WF_CAP_TILES &&
	          strcmp(m.w->parcels[0].entities[0].name, "lamp") == 0 &&
	          ed_tile(&m, 1, 1) == 0 && !ed_dirty(&m),
	      "six undos give the world back as opened");
	for (int i = 0; i < 6; i++)
		ed_redo(&m);
	CHECK(m.w->npalette == 4 && strcmp(m.w->palette[3].name, "stones") == 0 &&
	          m.w->nzones == 3 && wf_find_zone(m.w, "park") == 2 &&
	          ed_tile(&m, 1, 1) == 3,
	      "six redos bring every edit back");
	ed_model_free(&m);
}

/* 65,536 unit parcels: a fill over all of them must stay linear (a
 * quadratic one would not finish), and undo must give every parcel back
 * its missing layout. */
static void test_big_fill(void)
{
	wf_world *w = wf_world_new();
	w->width = w->height = 256;
	w->parcel_w = w->parcel_h = 4;
	w->palette = calloc(2, sizeof *w->palette);
	w->palette_cap = 2;
	w->palette[w->npalette++] =
	    (wf_glyph){.glyph = wf_strdup(w, "."), .name = "floor"};
	w->palette[w->npalette++] =
	    (wf_glyph){.glyph = wf_strdup(w, "#"), .name = "wall"};
	w->parcels = calloc(256 * 256, sizeof *w->parcels);
	w->parcels_cap = 256 * 256;
	for (int i = 0; i < 256 * 256; i++) {
		char name[32];
		snprintf(name, sizeof name, "p%d", i);
		w->parcels[w->nparcels++] = (wf_parcel){.name = wf_strdup(w, name),
		                                        .px = i % 256,
		                                        .py = i / 256,
		                                        .pw = 1,
		                                        .ph = 1,
		                                        .zone_index = -1};
	}
	ed_model m;
	ed_model_init(&m, w);
	CHECK(ed_fill(&m, 0, 0, 1023, 1023, 1) == 0, "fill the whole big world");
	CHECK(ed_tile(&m, 1023, 1023) == 1 && ed_tile(&m, 517, 3) == 1,
	      "every tile is filled");
	CHECK(ed_undo(&m) == 0 && w->parcels[65535].tiles == NULL &&
	          w->parcels[0].tiles == NULL,
	      "undo gives every parcel back its missing layout");
	ed_model_free(&m);
}

static char *text_of(const wf_world *w)
{
	wf_buf b = {0};
	if (wf_write(w, &b) != 0)
		return NULL;
	char *t = realloc(b.data, b.len + 1);
	if (t)
		t[b.len] = 0;
	return t;
}

/* Thousands of random edits of every kind (many refused), then undo all
 * and redo all: the written world must come back byte for byte each way. */
static void test_random_history(void)
{
	ed_model m;
	ed_model_init(&m, small_world());
	char *start = text_of(m.w);
	unsigned seed = 12345;
	static const char *names[] = {"a", "b", "c", "d", "e"};
	static const char *zones[] = {"shop", "open", "", "nope"};
	int made = 0;
	for (int i = 0; i < 3000; i++) {
		/* Draw every number first: argument order must not matter. */
		int v[8];
		for (int k = 0; k < 8; k++)
			v[k] = (int)((seed = seed * 1103515245u + 12345u) >> 16);
		int pi = m.w->nparcels ? v[0] % m.w->nparcels : 0, g = v[1] % 3, r = -1;
		int32_t x = v[2] % 18 - 1, y = v[3] % 14 - 1, x2 = v[4] % 16,
		        y2 = v[5] % 12;
		int32_t px = v[6] % 4, py = v[7] % 3, pw = 1 + v[1] % 2,
		        ph = 1 + v[2] % 2;
		const char *name = names[v[3] % 5];
		switch (v[7] % 14) {
		case 0:
			r = ed_paint(&m, x, y, g);
			break;
		case 1:
			r = ed_line(&m, x, y, x2, y2, g);
			break;
		case 2:
			r = ed_fill(&m, x, y, x2, y2, g);
			break;
		case 3:
			r = ed_copy(&m, x, y, x2, y2) || ed_paste(&m, x2, y2);
			break;
		case 4:
			r = ed_parcel_create(&m, name, px, py, pw, 1);
			break;
		case 5:
			r = ed_parcel_move(&m, pi, px, py);
			break;
		case 6:
			r = ed_parcel_resize(&m, pi, pw, ph);
			break;
		case 7:
			r = v[4] % 4 ? -1 : ed_parcel_delete(&m, pi);
			break;
		case 8:
			r = ed_set_owner(&m, pi, g ? "hiro" : "");
			break;
		case 9:
			r = ed_set_zone(&m, pi, zones[v[5] % 4]);
			break;
		case 10:
			r = ed_set_script(&m, pi, g ? "scripts/x.lua" : NULL);
			break;
		case 11:
			r = ed_entity_create(&m, pi, name, x2 % 8, y2 % 4, "o");
			break;
		case 12:
			r = ed_entity_move(&m, pi, 0, x2 % 8, y2 % 4);
			break;
		case 13:
			r = g ? ed_entity_delete(&m, pi, 0) : ed_undo(&m);
			break;
		}
		made += r == 0;
	}
	char *end = text_of(m.w);
	CHECK(made > 500 && m.pos > 300, "many random edits were made (%d, %d steps)",
	      made, m.pos);
	int steps = m.pos;
	while (ed_undo(&m) == 0)
		;
	char *back = text_of(m.w);
	CHECK(back && start && strcmp(back, start) == 0,
	      "undoing %d steps gives the start back", steps);
	while (ed_redo(&m) == 0)
		;
	char *again = text_of(m.w);
	CHECK(again && end && strcmp(again, end) == 0, "redoing them gives the end back");
	CHECK(m.pos == steps, "every step was redone");
	free(start);
	free(end);
	free(back);
	free(again);
	ed_model_free(&m);
}

/* A parcel taken whole from another world (one side of a merge): its
 * strings are copied in, so the other world may go; one step undoes it;
 * a parcel on taken land or under a taken name is refused. */
static void test_parcel_set(void)
{
	ed_model m;
	ed_model_init(&m, small_world());
	char *start = text_of(m.w);
	wf_world *side = small_world();
	wf_parcel *q = &side->parcels[0];
	q->owner = wf_strdup(side, "ann");
	q->tiles[1] = 2;
	q->entities[0].x = 1;
	CHECK(ed_parcel_set(&m, 0, q, "take") == 0, "a parcel is set from another world");
	wf_parcel c = side->parcels[1];
	c.name = wf_strdup(side, "c");
	c.px = 2;
	c.py = 2;
	CHECK(ed_parcel_set(&m, -1, &c, "take") == 0,
	      "a parcel is added from another world");
	wf_world_free(side);
	CHECK_STR(m.w->parcels[0].owner, "ann", "its owner came along");
	CHECK(m.w->parcels[0].tiles[1] == 2 && m.w->parcels[0].entities[0].x == 1,
	      "its tiles and entities came along");
	CHECK(m.w->nparcels == 3 && wf_find_parcel(m.w, "c") == 2, "the new one is last");
	wf_parcel d = m.w->parcels[2];
	d.px = 0;
	d.py = 1;
	CHECK(ed_parcel_set(&m, 2, &d, "take") < 0 && strstr(m.err, "overlap parcel 'b'"),
	      "taken land is refused: %s", m.err);
	d = m.w->parcels[2];
	d.name = "b";
	CHECK(ed_parcel_set(&m, 2, &d, "take") < 0 && strstr(m.err, "already exists"),
	      "a taken name is refused: %s", m.err);
	CHECK(ed_parcel_set(&m, 1, NULL, "take") == 0 &&
	          m.w->nparcels - ed_holes(&m) == 2,
	      "no parcel deletes it");
	while (ed_undo(&m) == 0)
		;
	char *back = text_of(m.w);
	CHECK(back && start && strcmp(back, start) == 0, "undo gives the start back");
	free(start);
	free(back);
	ed_model_free(&m);
}

/* Header keys taken from another world, and marks: each one step that
 * undoes and redoes like any edit (a merge pick on the header). */
static int mark_seen = -1, mark_key = -1;
static void on_mark(void *arg, int key, int value)
{
	(void)arg;
	mark_key = key;
	mark_seen = value;
}

static void test_header_take(void)
{
	ed_model m;
	ed_model_init(&m, small_world());
	m.on_mark = on_mark;
	char *start = text_of(m.w);
	wf_world *side = small_world();
	side->seed = 7;
	side->name = wf_strdup(side, "other");
	side->width = 5;
	side->nattrs = 1;
	side->attrs = calloc(1, sizeof *side->attrs);
	side->attrs[0] =
	    (wf_attr){.key = wf_strdup(side, "mood"), .value = wf_strdup(side, "calm")};
	CHECK(ed_header_take(&m, side, WF_DIFFW_SEED, "take theirs") == 0 &&
	          m.w->seed == 7,
	      "the seed is taken");
	CHECK(ed_header_take(&m, side, WF_DIFFW_NAME, "take theirs") == 0,
	      "the name is taken");
	CHECK(ed_header_take(&m, side, WF_DIFFW_SIZE, "take theirs") == 0 &&
	          ed_world_tw(&m) == 20,
	      "the size is taken");
	CHECK(ed_header_take(&m, side, WF_DIFFW_ATTRS, "take theirs") == 0,
	      "the attributes are taken");
	wf_world_free(side); /* its strings were copied in */
	CHECK_STR(m.w->name, "other", "the name came along");
	CHECK(m.w->nattrs == 1 && strcmp(m.w->attrs[0].value, "calm") == 0,
	      "the attributes came along");
	CHECK(ed_header_take(&m, m.w, WF_DIFFW_PARCEL_SIZE, "x") < 0 &&
	          strstr(m.err, "parcel-size"),
	      "the parcel-size is refused: %s", m.err);
	wf_world *tiny = small_world();
	tiny->width = 1;
	CHECK(ed_header_take(&m, tiny, WF_DIFFW_SIZE, "x") < 0 &&
	          strstr(m.err, "parcel a would lie outside"),
	      "a size that leaves a parcel outside is refused: %s", m.err);
	wf_world_free(tiny);
	CHECK(ed_mark(&m, 3, 0, 1, "keep ours") == 0 && mark_key == 3 && mark_seen == 1,
	      "a mark is set at once");
	CHECK(m.pos == 5, "five steps: %d", m.pos);
	CHECK(ed_undo(&m) == 0 && mark_seen == 0, "undo sets the mark back");
	CHECK(ed_undo(&m) == 0 && m.w->nattrs == 0, "undo takes the attributes back");
	CHECK(ed_undo(&m) == 0 && ed_world_tw(&m) == 16, "undo takes the size back");
	CHECK(ed_redo(&m) == 0 && ed_world_tw(&m) == 20, "redo takes it again");
	CHECK(ed_parcel_create(&m, "far", 4, 0, 1, 1) == 0,
	      "the grid follows the size: a parcel on the new land");
	CHECK(ed_undo(&m) == 0 && ed_undo(&m) == 0 && ed_undo(&m) == 0 &&
	          ed_undo(&m) == 0,
	      "undone to the start");
	char *back = text_of(m.w);
	CHECK(back && start && strcmp(back, start) == 0, "undo gives the start back");
	CHECK(ed_redo(&m) == 0 && m.w->seed == 7 && ed_redo(&m) == 0 &&
	          strcmp(m.w->name, "other") == 0,
	      "redo takes seed and name again");
	free(start);
	free(back);
	ed_model_free(&m);
}

/* The index as wf_world_index builds it from scratch: the grid cell for
 * cell, and the same entries in the name table (their slots may differ:
 * the order they went in differs), each found from its name. Holes (the
 * slots deleted parcels left, as many as the model counts) are in neither;
 * the dense world lists the other parcels in order, and its own index
 * names at each cell the parcel the model's names there. */
static bool index_as_rebuilt(const ed_model *m, char *why, size_t whylen)
{
	const wf_world *w = m->w;
	wf_world *r = wf_world_clone(w);
	if (!r || wf_world_index(r) != 0) {
		snprintf(why, whylen, "the rebuild failed");
		wf_world_free(r);
		return false;
	}
	size_t cells = (size_t)w->width * (size_t)w->height;
	bool ok = memcmp(w->grid, r->grid, cells * sizeof *w->grid) == 0;
	if (!ok)
		snprintf(why, whylen, "the grids differ");
	int n = 0, nr = 0, holes = 0;
	for (int i = 0; i < w->nparcels; i++)
		holes += !w->parcels[i].name;
	for (uint32_t k = 0; ok && k <= w->names_mask; k++)
		n += w->names[k] != 0;
	for (uint32_t k = 0; ok && k <= r->names_mask; k++)
		nr += r->names[k] != 0;
	if (ok && (n != nr || n != w->nparcels - holes || holes != ed_holes(m))) {
		snprintf(why, whylen,
		         "%d names, %d rebuilt, %d parcels, %d holes (%d counted)", n, nr,
		         w->nparcels, holes, ed_holes(m));
		ok = false;
	}
	if (ok && !wf_index_exact(w)) {
		snprintf(why, whylen, "a parcel's name is not found from its slot");
		ok = false;
	}
	for (int i = 0; ok && i < w->nparcels; i++)
		if (w->parcels[i].name && wf_find_parcel(w, w->parcels[i].name) != i) {
			snprintf(why, whylen, "parcel %d not found by name", i);
			ok = false;
		}
	wf_world_free(r);
	/* The dense world: rank[i] is slot i's place in it. */
	wf_world *d = ok ? ed_world_dense(m) : NULL;
	int *rank = ok ? malloc(((size_t)w->nparcels + 1) * sizeof *rank) : NULL;
	if (ok && (!d || !rank || (holes == 0) != (d == w) ||
	           d->nparcels != w->nparcels - holes)) {
		snprintf(why, whylen, "the dense world is not the parcels alone");
		ok = false;
	}
	for (int i = 0, k = 0; ok && i < w->nparcels; i++) {
		rank[i] = w->parcels[i].name ? k++ : -1;
		if (rank[i] >= 0 && d->parcels[rank[i]].name != w->parcels[i].name) {
			snprintf(why, whylen,
			         "slot %d is not in its place in the dense world", i);
			ok = false;
		}
	}
	if (ok && d != w) {
		if (wf_world_index(d) != 0) {
			snprintf(why, whylen, "the dense world's index failed");
			ok = false;
		}
		for (size_t k = 0; ok && k < cells; k++)
			if (d->grid[k] != (w->grid[k] < 0 ? -1 : rank[w->grid[k]])) {
				snprintf(why, whylen, "cell %zu differs in the dense world", k);
				ok = false;
			}
	}
	free(rank);
	if (d)
		ed_world_dense_free(m, d);
	return ok;
}

/* Random creates, moves, resizes, renames and deletes, with undos and redos
 * among them, on a world of many small parcels: after each, the index kept
 * one parcel at a time is the one a rebuild makes. */
static void test_index_upkeep(void)
{
	wf_world *w = small_world();
	w->width = w->height = 24;
	w->parcel_w = w->parcel_h = 2;
	w->parcels[0].tiles[0] = 0; /* sized for 4×4 parcels: dropped */
	free(w->parcels[0].tiles);
	w->parcels[0].tiles = NULL;
	w->parcels[0].nentities = 0;
	ed_model m;
	ed_model_init(&m, w);
	char name[16];
	for (int i = 0; i < 150; i++) {
		snprintf(name, sizeof name, "p%d", i);
		ed_parcel_create(&m, name, (i * 7) % 24, 2 + (i * 5) % 22, 1, 1);
	}
	bool exact = m.index_state == 1;
	int made = m.w->nparcels, done = 0, bad = 0, rebuilt = 0, holes = 0;
	char why[128] = "";
	unsigned seed = 4242;
	for (int i = 0; i < 4000 && !bad; i++) {
		int v[6];
		for (int k = 0; k < 6; k++)
			v[k] = (int)((seed = seed * 1103515245u + 12345u) >> 16);
		int pi = m.w->nparcels ? v[0] % m.w->nparcels : 0;
		int32_t x = v[1] % 24, y = v[2] % 24, sw = 1 + v[3] % 3, sh = 1 + v[4] % 3;
		int32_t *grid = m.w->grid;
		int r = -1;
		switch (v[5] % 8) {
		case 0:
			snprintf(name, sizeof name, "n%d", made++);
			r = ed_parcel_create(&m, name, x, y, sw, sh);
			break;
		case 1:
			r = ed_parcel_move(&m, pi, x, y);
			break;
		case 2:
			r = ed_parcel_resize(&m, pi, sw, sh);
			break;
		case 3:
			r = ed_parcel_delete(&m, pi);
			break;
		case 4:
			if (m.w->nparcels) {
				wf_parcel q = m.w->parcels[pi];
				snprintf(name, sizeof name, "r%d", made++);
				q.name = name;
				q.px = x;
				q.tiles = NULL;
				r = ed_parcel_set(&m, pi, &q, "rename");
			}
			break;
		case 5:
		case 6:
			r = ed_undo(&m);
			break;
		case 7:
			r = ed_redo(&m);
			break;
		}
		done += r == 0;
		rebuilt += m.w->grid != grid;
		holes = ed_holes(&m) > holes ? ed_holes(&m) : holes;
		if (m.index_state != 1) {
			snprintf(why, sizeof why, "index state %d", m.index_state);
			bad = i + 1;
		} else if (!index_as_rebuilt(&m, why, sizeof why)) {
			bad = i + 1;
		}
	}
	CHECK(exact, "a clean world's index is kept one parcel at a time");
	CHECK(!bad, "after each of 4000 random shape edits and undos the index is "
	            "the rebuilt one (%d applied; at %d: %s)",
	      done, bad, why);
	CHECK(done > 1000 && rebuilt < 20, "the edits applied (%d), the index was "
	                                   "rebuilt only when its table filled (%d)",
	      done, rebuilt);
	CHECK(holes >= 10, "deletes left holes among the parcels (up to %d at once)", holes);
	while (ed_undo(&m) == 0)
		;
	why[0] = '\0';
	CHECK(m.w->nparcels == 2 && ed_holes(&m) == 0 &&
	          index_as_rebuilt(&m, why, sizeof why),
	      "undoing everything leaves the first index (%s)", why);
	ed_model_free(&m);

	/* Two parcels sharing a name: every shape edit rebuilds, as before. */
	w = small_world();
	w->parcels[1].name = w->parcels[0].name;
	ed_model_init(&m, w);
	CHECK(m.index_state == -1, "shared names: not kept one parcel at a time");
	CHECK(ed_parcel_move(&m, 1, 3, 2) == 0 && m.w->grid[2 * 4 + 3] == 1 &&
	          m.w->grid[4] == -1 && wf_find_parcel(m.w, "a") == 0,
	      "a move there is right all the same");
	ed_model_free(&m);
}

int main(void)
{
	test_random_history();
	test_index_upkeep();
	test_big_fill();
	test_moves();
	test_tiles();
	test_parcels();
	test_properties();
	test_saved_marker();
	test_background_save();
	test_groups();
	test_search();
	test_palette_zones();
	test_parcel_set();
	test_header_take();
	return unit_done();
}
