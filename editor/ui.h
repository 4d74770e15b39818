/* ui.h — private to editor/: the terminal editor's one state struct and the
 * functions the drawing, key and file parts share. Nothing outside editor/
 * includes this; the front door is editor.h. */
#ifndef ACRE_EDITOR_UI_H
#define ACRE_EDITOR_UI_H

#include "editor/editor.h"
#include "stdlib/api.h"

#include <stdint.h>
#include <stdio.h>
#include <time.h>

typedef enum ed_overlay { OV_NONE, OV_OWNER, OV_ZONE, OV_BUDGET, OV_COUNT } ed_overlay;
typedef enum ed_colours { COL_MONO, COL_8, COL_256 } ed_colours;
typedef enum ed_panel { PANEL_PARCEL, PANEL_ERRORS, PANEL_HISTORY, PANEL_PLAY } ed_panel;

typedef struct ed_ui ed_ui;

/* A line being typed on the bottom row: a command after ':' or the answer
 * to a prompt. `done` runs on Enter with the text (not on Esc). */
typedef struct ed_line {
	bool active;
	char label[160];
	char text[512];
	size_t len;
	void (*done)(ed_ui *u, const char *text);
} ed_typing;

/* A form is a run of prompts over one parcel's fields (name, owner …). */
typedef struct ed_form {
	int field; /* next field to ask, -1 when no form is open */
	int pi;
} ed_form;

/* The play-mode run, kept opaque so that the rest of the editor builds
 * whether or not scripts can be run. */
typedef struct ed_play ed_play;
typedef struct ed_loader ed_loader; /* load.c: a world being read */
typedef struct ed_conflicts ed_conflicts; /* conflict.c: a merge being resolved */
typedef struct ed_bg ed_bg;         /* bg.c: a job on a snapshot of the world */

/* The slow work on a big world, each done by a forked child (bg.c). */
typedef enum ed_bg_kind { BG_SAVE, BG_VALIDATE, BG_RECOVER } ed_bg_kind;
struct ed_bg {
	ed_bg_kind kind;
	int pid;        /* the child, 0 once reaped */
	int fd;         /* the pipe from it, -1 at its end */
	wf_buf out;     /* what it reported */
	bool broken;    /* out of memory while reading it */
	int status;     /* its exit status, -1 when it died */
	char *path;     /* the file written (save, recovery) */
	uint64_t gen;   /* the model's generation it saw */
	int pos;        /* and its undo position */
	double t0;      /* monotonic ms at its start */
	bool quit_after; /* :wq, or q answered y */
};

struct ed_ui {
	ed_model m;
	const ed_options *opt;
	char *dir;
	char *recover;  /* path of the recovery file */
	FILE *tty;      /* the terminal when stdout is not one, or NULL */
	wf_world *keep; /* holds strings of a world loaded in halves (load.c) */
	ed_colours colours;
	int cellw; /* terminal columns per tile: 1, or 2 when a glyph is wide */
	/* Screen layout, recomputed on every frame from LINES/COLS. */
	int map_rows, map_cols, panel_x, panel_w;
	bool too_small;
	unsigned char tile_cls[256]; /* draw.c: colour class per palette entry */
	bool classes_ready;
	bool show_panel, show_names, show_help;
	int help_top;
	ed_panel panel;
	ed_overlay overlay;
	ed_typing line;
	ed_form form;
	char msg[512]; /* message for the bottom row until the next key */
	bool msg_error;
	bool quit;
	bool file_known; /* world.acre's mtime and size when read or written */
	struct timespec file_mtime;
	long long file_size;
	bool lost;              /* the terminal went away: keep the recovery file */
	bool keep_recovery;     /* q kept a merge's picks for later in it */
	bool pick_palette;      /* the palette picker is open */
	int carry_pi, carry_ei; /* entity being carried by `t`, or -1 */
	int count;              /* a count being typed before a key, or 0 */
	char search[256];       /* the last `/` search, for n and N */
	int32_t paint_col;      /* column where paint mode began, for Enter */
	/* Validation, refreshed when the world changed and the keyboard is idle. */
	wf_diags diags;
	uint64_t diags_gen;
	int diag_cur;
	/* Recovery file: written when edits are pending and the keyboard idles. */
	uint64_t recover_gen;
	/* History panel text (one parcel's log), one line per entry. */
	char **hist;
	int nhist;
	/* Watching the world's files (workshop.c). */
	const char **watch; /* distinct script paths named by the world */
	int nwatch;
	uint64_t watch_gen, watch_sig;
	bool watch_known;
	double watch_next;  /* monotonic ms of the next look */
	/* The script paths being collected again, a few ms of parcels at a
	 * time (a million parcels take a third of a second): a set of the
	 * distinct paths so far, the next parcel, for model shape coll_gen. */
	const char **coll;
	uint32_t coll_mask, coll_n;
	int coll_next;
	uint64_t coll_gen;
	bool collecting;
	ed_loader *loading; /* the rest of a big world, being read */
	ed_bg *saving;      /* a big world being saved in the background */
	ed_bg *validating;  /* its problems being found */
	ed_bg *recovering;  /* its recovery file being written */
	char fatal[1024];   /* why the editor had to close (a bad world) */
	ed_play *play;
	ed_play *play_next; /* a play whose run is being made (play.c) */
	double *budget_use; /* per parcel 0..1 from the last run, or NULL */
	int nbudget;
	double *budget_mem; /* per parcel share of the memory budget, or NULL */
	int nbudget_mem;
	ed_conflicts *cf; /* the merge conflicts being resolved, or NULL */
	bool merging;     /* a git merge is in progress (MERGE_HEAD) */
	int pane_x;       /* column of the second map pane, 0 when none */
	/* Where the shares come from: "play, tick 12" or "check, 2026-11-30
	 * 06:50", and of what: "" for a play, a commit or "the working tree". */
	char budget_from[64], budget_of[64];
	/* --stats */
	double *key_ms;
	int nkeys, capkeys;
	double idle_max_ms;
};

/* load.c: parse the world file at `path` (named `file` in diagnostics). */
wf_world *ed_load(const char *path, const char *file, wf_world **keep, wf_diags *d);
/* A big world progressively: returns a preview (the header and the first
 * parcels) and sets *job to the background read of the whole, or, when
 * that does not apply, the whole world with *job NULL. Poll ed_load_done;
 * ed_load_finish joins and hands over the whole world (with its
 * diagnostics, which may hold errors). */
wf_world *ed_load_preview(const char *path, const char *file, wf_world **keep,
                          ed_loader **job, wf_diags *d);
bool ed_load_done(ed_loader *job);
/* Once done: whether the index built with the world may be kept one
 * parcel at a time (wf_index_exact). */
bool ed_load_exact(const ed_loader *job);
wf_world *ed_load_finish(ed_loader *job, wf_world **keep, wf_diags *d);
/* Free a world on a thread of its own (the preview a whole world replaces:
 * its index alone is megabytes to give back), or here when none starts. */
void ed_load_free_later(wf_world *w);

/* bg.c: start a job (NULL when no child can be made: the caller then does
 * the work itself), follow it (true once it ended and was reaped), wait for
 * it, or stop it; then read its result and free it. */
ed_bg *ed_bg_start(ed_ui *u, ed_bg_kind kind, const char *path);
bool ed_bg_poll(ed_bg *j);
void ed_bg_wait(ed_bg *j);
void ed_bg_cancel(ed_bg *j);
void ed_bg_free(ed_bg *j);
bool ed_bg_text_done(const ed_bg *j);
int ed_bg_result(const ed_bg *j, int *err);
int ed_bg_diags(const ed_bg *j, wf_diags *d);
/* Back the big world with huge pages (cheaper forks): now, or on a thread. */
void ed_bg_compact_now(void);
void ed_bg_compact(void);

/* draw.c */
void ed_draw_init(ed_ui *u);
void ed_draw(ed_ui *u);

/* keys.c */
void ed_key(ed_ui *u, int key, bool is_char);
void ed_set_msg(ed_ui *u, bool error, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void ed_command(ed_ui *u, const char *cmd);
void ed_prompt(ed_ui *u, const char *label, const char *text,
               void (*done)(ed_ui *u, const char *text));

/* workshop.c */
void ed_open_script(ed_ui *u);
void ed_watch(ed_ui *u, bool force);
/* Whether the script paths are still being collected (ed_watch goes on
 * with it at each call), and forgetting them for a new model. */
bool ed_watch_busy(const ed_ui *u);
void ed_watch_reset(ed_ui *u);

/* ui.c */
/* force: even if the file changed on disk. 0 saved, 1 saving in the
 * background (ed_save_then_quit leaves when it is done), -1 refused. */
int ed_save(ed_ui *u, bool force);
void ed_save_poll(ed_ui *u);
void ed_save_then_quit(ed_ui *u);
/* Bring the problem list up to date: at once for a small world; for a big
 * one a background validation starts (ed_diags_current says when the list
 * is the world's as it is now). */
void ed_revalidate(ed_ui *u);
bool ed_diags_current(const ed_ui *u);
/* now: write it here, whatever the world's size (the editor is leaving). */
void ed_write_recovery(ed_ui *u, bool now);
/* A big world is being read: edits wait. */
bool ed_loading(const ed_ui *u);
/* A world big enough for its saves, validation and recovery file to be
 * done in the background (and its play to be loaded on a thread). */
bool ed_big(const ed_ui *u);

/* play.c */
/* P: the run is made (on a thread on a big world) while the world's
 * problems are found; ed_play_poll begins play when both are done. Not
 * while a play loads (P then cancels it: ed_play_stop). */
int ed_play_start(ed_ui *u);
bool ed_play_loading(const ed_ui *u);
void ed_play_poll(ed_ui *u);
void ed_play_stop(ed_ui *u);
void ed_play_key(ed_ui *u, int key);
void ed_play_idle(ed_ui *u); /* advance a running play by one frame's ticks */
bool ed_play_running(const ed_ui *u);
void ed_play_unfollow(ed_ui *u); /* a move of the cursor ends follow mode */
void ed_play_reload(ed_ui *u);   /* scripts changed: replay to the same tick */
void ed_play_panel(ed_ui *u, int y, int x, int h, int w);
/* Live tiles and entities of parcel pi while playing, else NULL / -1. */
const uint8_t *ed_play_tiles(ed_ui *u, int pi);
int ed_play_entities(ed_ui *u, int pi, const api_entity **out);

/* conflict.c: world.acre with merge conflict markers, resolved side by
 * side. ed_conflict_load: 1 when it read such a world into *w (and set
 * u->cf), 0 when the world is to be read the ordinary way, -1 (err). */
/* With `file` (a recovery file): 1 when it was written while resolving
 * the merge world.acre holds (the merge view comes back, picks and all),
 * 0 for an ordinary one, -1 (err) when world.acre is no longer that. */
int ed_conflict_load(ed_ui *u, const char *file, wf_world **w, char *err, size_t errlen);
/* The recovery files of v that can be taken while world.acre is as it
 * is, kept in order (the others freed; why says of the first); returns
 * how many. ed_conflict_recovery_head starts a recovery file's text
 * during a merge (nothing otherwise). */
int ed_conflict_recover_filter(const char *dir, ed_recovery *v, int n, char *why,
                               size_t whylen);
int ed_conflict_recovery_head(const ed_ui *u, wf_buf *b);
void ed_conflict_opened(ed_ui *u); /* the first message */
void ed_conflict_free(ed_ui *u);
int ed_conflict_left(const ed_ui *u);
bool ed_conflict_blocks_save(ed_ui *u); /* conflicts left: says so */
bool ed_conflict_blocks_commit(ed_ui *u); /* still merging here: says so */
void ed_conflict_saved(ed_ui *u);       /* written: the merge is resolved */
bool ed_conflict_key(ed_ui *u, int key); /* ]c [c */
void ed_conflict_next(ed_ui *u);
void ed_conflict_prev(ed_ui *u);
/* Keep ours or take theirs: args NULL or "" for the conflict under the
 * cursor (< and >), "parcel" or "all" (:ours and :theirs). */
void ed_conflict_take(ed_ui *u, bool theirs, const char *args);
void ed_conflict_pane(ed_ui *u);
void ed_conflict_draw(ed_ui *u);
int ed_conflict_panel(ed_ui *u, int y);
void ed_conflict_status(ed_ui *u, char *buf, size_t n);

/* The budget shares of the last `acre check` of the world (shares.c in
 * check/), when there are any and no play has filled them. */
void ed_budget_from_check(ed_ui *u);

/* history.c */
void ed_commit(ed_ui *u, const char *msg);
void ed_history(ed_ui *u);

#endif
