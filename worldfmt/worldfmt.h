/* worldfmt.h — the world file format: model, parser, canonical writer, rules.
 *
 * This is the only front door to worldfmt/. The layer uses libc alone, so a
 * reader can learn the whole format from this directory (the grammar itself
 * is specified in man/acre-world.5).
 *
 * Model in one paragraph: a world is a grid of W×H *unit parcels*, each
 * PW×PH tiles. A parcel covers a rectangle of unit parcels and owns the tiles
 * inside it as one flat row-major array of palette indices. Entities live in
 * a parcel at tile coordinates relative to the parcel's top-left tile. Every
 * string of the model lives in the world's arena and is freed with the world.
 * Comments are kept on the statement they precede (`lead`) or end (`trail`),
 * so a parse → write round trip keeps them in place.
 */
#ifndef ACRE_WORLDFMT_H
#define ACRE_WORLDFMT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- Diagnostics ---------------------------------------------------------
 * Errors are values: parsing and validation append to a wf_diags and go on,
 * so that all of a file's errors are reported, up to `max` (then `dropped`
 * counts the rest). `file` is the path as given; line and col are 1-based,
 * col counting bytes (0 when the error is about the whole file). end_col is
 * the column just past the offending token (exclusive, like SARIF's
 * endColumn), so [col, end_col) is what a caret underlines; 0 when unknown.
 * `rule` names what was broken, one of the ids in acre-world(5),
 * DIAGNOSTICS ("syntax", "unknown-zone" …); `help`, when set, is the fix in
 * one line ("did you mean 'commercial'?"). */
typedef enum { WF_ERROR, WF_WARNING } wf_severity;

typedef struct wf_diag {
	wf_severity severity;
	const char *file; /* a copy of the name passed in, freed with the diags */
	uint32_t line, col;
	uint32_t end_col; /* exclusive; 0 when unknown */
	const char *rule; /* a static string, or NULL */
	char *parcel;     /* the parcel this is about, or NULL (malloc'd) */
	char *msg;        /* malloc'd, no trailing newline */
	char *help;       /* malloc'd, or NULL */
} wf_diag;

/* A position in the file: line and byte columns [col, end), 1-based; all 0
 * when unknown (a model built by an editor rather than parsed). */
typedef struct wf_pos {
	uint32_t line, col, end;
} wf_pos;

typedef struct wf_diags {
	wf_diag *v;
	int n, cap;
	int max;     /* stop recording after this many (0: WF_MAX_DIAGS) */
	int dropped; /* how many were not recorded */
	int errors;  /* how many of all (recorded or not) were WF_ERROR */
} wf_diags;

#define WF_MAX_DIAGS 100

/* Appends a diagnostic; returns it (to set end_col, rule and help), or NULL
 * when it was not recorded (over the cap, out of memory). */
wf_diag *wf_diag_add(wf_diags *d, wf_severity sev, const char *file, uint32_t line,
                     uint32_t col, const char *parcel, const char *fmt, ...)
	__attribute__((format(printf, 7, 8)));
/* Sets g's help line (g may be NULL: nothing happens). */
void wf_diag_help(wf_diag *g, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* ---- Suggestions ----------------------------------------------------------
 * "Did you mean": the candidate closest to `word` by edit distance
 * (Damerau-Levenshtein: a swap of two neighbours counts one), when it is
 * close enough to be a typo (at most a third of the word's length, at
 * least 1, at most 3; nothing for words under three bytes) and not the
 * word itself; else NULL. Candidates are
 * `n` strings at base + i * stride (a `const char *` field of an array of
 * structs, or an array of strings with stride sizeof(char *)); NULL ones
 * are skipped. Ties go to the first candidate. */
const char *wf_suggest(const char *word, const void *base, size_t stride, int n);
/* The same over a NULL-terminated list of strings. */
const char *wf_suggest_list(const char *word, const char *const *list);
/* The edit distance itself, capped: returns max + 1 when it exceeds max. */
int wf_edit_distance(const char *a, const char *b, int max);
void wf_diags_free(wf_diags *d);
/* "FILE:LINE:COL: error: message [rule]" ("FILE: error: …" when line is 0;
 * "warning" for warnings) into buf, truncated to size; returns the length
 * snprintf would have written. The first line of every diagnostic a
 * command prints (the source line, caret and help follow it). */
int wf_diag_format(const wf_diag *g, char *buf, size_t size);

/* ---- Limits (also in acre-world(5)) -------------------------------------- */
#define WF_FORMAT_VERSION 1
#define WF_MAX_NAME 64             /* bytes in a name */
#define WF_MAX_STRING 1024         /* bytes in a quoted string */
#define WF_MAX_PALETTE 255         /* entries; tile values are uint8_t */
#define WF_MAX_WORLD_PARCELS 1024  /* world width or height in unit parcels */
#define WF_MAX_PARCEL_TILES 256    /* parcel-size width or height in tiles */
#define WF_MAX_ENTITIES 100000     /* per parcel, before zone caps */
#define WF_MAX_ATTRS 64            /* key=value attributes per statement */
/* Tiles in the whole world (width × parcel-size w by height × parcel-size
 * h) and in one parcel. Every tile is a byte the runner and the editor
 * hold, more than once: without these a 140-byte file inside the other
 * limits asks for 64 GiB. 2^28 is the 1,048,576-parcel Street of 16×16
 * parcels; 2^24 is, for example, 64×64 unit parcels of 64×64 tiles. */
#define WF_MAX_WORLD_TILES (INT64_C(1) << 28)
#define WF_MAX_PARCEL_AREA (INT64_C(1) << 24)

/* The unit budget when a world does not set one (acre-world(5), BUDGETS). */
#define WF_DEFAULT_ENTITIES 64
#define WF_DEFAULT_INSTRUCTIONS 1000000
#define WF_DEFAULT_MEMORY (1024 * 1024)

/* ---- Model ----------------------------------------------------------------*/

/* Comments attached to one statement. `lead` holds the whole comment lines
 * directly above it (each starting with '#', joined with '\n', no final
 * newline), `trail` the comment after it on the same line. Either may be
 * NULL. Blank lines are not kept: the canonical layout places its own. */
typedef struct wf_note {
	const char *lead;
	const char *trail;
} wf_note;

/* key=value attributes not otherwise known to the format (light=3 …).
 * `note` is used for attributes on a line of their own (world, zone and
 * parcel blocks); attributes inside a palette or entity line have none. */
typedef struct wf_attr {
	const char *key;
	const char *value;   /* unquoted text */
	bool quoted;         /* written with quotes */
	wf_note note;
} wf_attr;

typedef struct wf_glyph {
	const char *glyph;   /* one UTF-8 code point, never a space */
	const char *name;    /* floor, wall … */
	bool solid;
	const char *script;  /* per-tile script path, or NULL */
	wf_attr *attrs;
	int nattrs;
	wf_note note;
	uint32_t line;
	wf_pos pos_glyph, pos_name, pos_script; /* tokens of its line */
} wf_glyph;

/* Capabilities a zone may allow (`allow scripts tiles …`). */
enum {
	WF_CAP_SCRIPTS = 1 << 0,  /* attach scripts at all */
	WF_CAP_TILES = 1 << 1,    /* tiles.set / fill */
	WF_CAP_ENTITIES = 1 << 2, /* entities.spawn / move / remove */
	WF_CAP_MESSAGES = 1 << 3, /* messages.send */
	WF_CAP_ECONOMY = 1 << 4,  /* economy.transfer */
	WF_CAP_ALL = (1 << 5) - 1,
};
const char *wf_cap_name(int cap);      /* "scripts" … for one bit */
int wf_cap_parse(const char *name);    /* bit, or 0 when unknown */

/* Per-unit-parcel budget; a parcel of N unit parcels gets N times each. */
typedef struct wf_budget {
	int64_t entities;
	int64_t instructions; /* per tick, all handlers of the parcel */
	int64_t memory;       /* bytes of Lua heap */
} wf_budget;

typedef struct wf_zone {
	const char *name;
	int caps;                 /* WF_CAP_* bits */
	int64_t max_entities;     /* per parcel; -1 when not set */
	wf_attr *attrs;
	int nattrs;
	wf_note note, end_note;   /* end_note: comments before `end` */
	uint32_t line;
	wf_note allow_note;       /* the `allow` line(s), merged into one */
	wf_note max_note;         /* the `max-entities-per-parcel` line */
	wf_pos pos_name;          /* the zone's name on its `zone` line */
} wf_zone;

typedef struct wf_entity {
	const char *name;
	int32_t x, y;         /* tile position relative to the parcel */
	const char *glyph;    /* one code point, or NULL */
	const char *script;   /* or NULL */
	wf_attr *attrs;
	int nattrs;
	wf_note note;
	uint32_t line;
	wf_pos pos_name, pos_xy, pos_glyph, pos_script; /* tokens of its line */
} wf_entity;

/* Statement slots of a parcel block, for keeping their comments. */
enum {
	WF_PS_HEAD, WF_PS_SIZE, WF_PS_OWNER, WF_PS_ZONE, WF_PS_SCRIPT,
	WF_PS_LAYOUT, WF_PS_LAYOUT_END, WF_PS_END, WF_PS_NSLOTS
};

typedef struct wf_parcel {
	const char *name;
	int32_t px, py;       /* position in unit parcels */
	int32_t pw, ph;       /* size in unit parcels (default 1 1) */
	const char *owner;    /* or NULL */
	const char *zone;     /* zone name, or NULL */
	int zone_index;       /* index into world->zones, -1 when none/unknown */
	const char *script;   /* path relative to the world dir, or NULL */
	/* Tiles: (pw*parcel_w) × (ph*parcel_h), row-major, palette indices.
	 * NULL when the parcel has no layout (all tiles are palette entry 0). */
	uint8_t *tiles;
	wf_entity *entities;
	int nentities, entities_cap;
	wf_attr *attrs;
	int nattrs;
	wf_note notes[WF_PS_NSLOTS];
	uint32_t line;        /* of the `parcel` statement */
	uint32_t layout_line; /* of the first layout row, 0 when none */
	/* Where each statement's value is, so that a rule can point at the line
	 * that is wrong rather than at the block (zeroes when not parsed). */
	wf_pos pos_name, pos_xy; /* on the `parcel` line: NAME, and X..Y */
	wf_pos pos_size, pos_owner, pos_zone, pos_script;
	wf_pos pos_layout;       /* the `layout` keyword */
} wf_parcel;

/* Statement slots of the world header, for keeping their comments. */
enum {
	WF_WS_HEAD, WF_WS_FORMAT, WF_WS_SEED, WF_WS_SIZE, WF_WS_PARCEL_SIZE,
	WF_WS_BUDGET, WF_WS_EVENTS, WF_WS_PALETTE, WF_WS_PALETTE_END, WF_WS_TAIL,
	WF_WS_NSLOTS
};

typedef struct wf_arena wf_arena;

typedef struct wf_world {
	const char *name;
	int format;
	uint64_t seed;
	int32_t width, height;         /* in unit parcels */
	int32_t parcel_w, parcel_h;    /* tiles per unit parcel */
	wf_budget unit_budget;         /* per unit parcel */
	const char *events;            /* default events file, or NULL */
	wf_glyph *palette;
	int npalette, palette_cap;
	wf_zone *zones;
	int nzones, zones_cap;
	wf_parcel *parcels;
	int nparcels, parcels_cap;
	wf_attr *attrs;
	int nattrs;
	wf_note notes[WF_WS_NSLOTS];
	/* Values of the header statements, for rules that point at them. */
	wf_pos pos_format, pos_size, pos_parcel_size, pos_budget, pos_events;
	/* Derived: unit-parcel grid → parcel index, or -1. Built by
	 * wf_world_index(); NULL until then. */
	int32_t *grid;
	wf_arena *arena;
	/* Derived: open-addressed hash of parcel names → index + 1 (0 empty),
	 * also built by wf_world_index(). Only a hint: wf_find_parcel checks
	 * every hit, so a stale index after edits is slow, never wrong. */
	int32_t *names;
	uint32_t names_mask;
} wf_world;

/* ---- Life cycle -----------------------------------------------------------*/
/* Ownership: strings live in the arena (wf_strdup). The arrays palette,
 * zones, parcels, every attrs and entities array, every parcel's tiles and
 * the derived grid and names are malloc'd, owned by the world and freed by
 * wf_world_free; an editor may realloc them (keeping the *_cap fields). */

/* An empty world with defaults (format 1, size 16×16 of 16×16 tiles, the
 * default unit budget, an empty palette). */
wf_world *wf_world_new(void);
void wf_world_free(wf_world *w);
/* Copy a string into the world's arena (for edits); NULL stays NULL. */
const char *wf_strdup(wf_world *w, const char *s);
/* A deep copy (for undo snapshots, play mode and diffs). */
wf_world *wf_world_clone(const wf_world *w);

/* Parse `len` bytes (any bytes: NULs, invalid UTF-8, CRLF, a BOM are all
 * handled). Returns a world even when there were errors — as much of it as
 * could be read — or NULL only when out of memory. Errors go to `d`, named
 * with `file`. After errors a parcel's tiles may be partly filled, or NULL
 * when its layout could not fit in the rest of the input (whatever sizes it
 * reads, the parser allocates at most len + 4 KiB tiles in all).
 * The grammar is in acre-world(5); the parser does not apply the rules of
 * wf_validate. */
wf_world *wf_parse(const char *buf, size_t len, const char *file, wf_diags *d);

/* Read `dir`/world.acre through the guarded reader below and parse it.
 * NULL with a diagnostic when the file cannot be read. Diagnostics name the
 * file "world.acre" when dir is "." or empty, else "DIR/world.acre". */
wf_world *wf_load(const char *dir, wf_diags *d);

/* ---- Reading a world's files (worldfmt/files.c) ---------------------------
 * The one way every module reads a file that a world names: the world file,
 * scripts, modules, the events file. `rel` must pass wf_path_check; it is
 * opened relative to `dir` one component at a time without following any
 * symbolic link, must be a regular file, and must hold at most `cap` bytes
 * (checked before reading, and while reading). On success *data is a
 * malloc'd, NUL-terminated copy and *len its length without the NUL. No
 * status ever carries the content of a refused file. `dir` is trusted (the
 * command line names it) and opened as given; NULL or "" is the cwd. */
typedef enum wf_read_status {
	WF_READ_OK = 0,
	WF_READ_BADPATH, /* absolute, '..', empty component, control bytes */
	WF_READ_MISSING, /* no such file */
	WF_READ_SYMLINK, /* a component is a symbolic link */
	WF_READ_NOTFILE, /* a directory, fifo, device or socket */
	WF_READ_TOOBIG,  /* more than `cap` bytes */
	WF_READ_DENIED,  /* permission denied */
	WF_READ_NOMEM,
	WF_READ_IO,      /* any other error */
} wf_read_status;

/* Caps on what one file may hold (acre-world(5), LIMITS). */
#define WF_MAX_WORLD_BYTES ((size_t)1 << 30)   /* world.acre */
#define WF_MAX_SCRIPT_BYTES ((size_t)1 << 20)  /* a script or module */
#define WF_MAX_EVENTS_BYTES ((size_t)64 << 20) /* an events file */

wf_read_status wf_path_check(const char *rel);
wf_read_status wf_world_read(const char *dir, const char *rel, size_t cap,
                             char **data, size_t *len);
/* The guarded open alone: a read-only descriptor of the regular file (for
 * callers that map it), its size in *size; the caller checks the cap. */
wf_read_status wf_world_open(const char *dir, const char *rel, int *fd,
                             uint64_t *size);
/* The same checks as wf_world_read without reading the content. */
wf_read_status wf_world_probe(const char *dir, const char *rel, size_t cap);
/* A file the user named on the command line: its directory is trusted and
 * opened as given, its last component is read as wf_world_read reads. */
wf_read_status wf_read_named(const char *path, size_t cap, char **data, size_t *len);
/* The same file opened, not read (for a caller that maps it): *fd and
 * *size as wf_world_open gives them. */
wf_read_status wf_open_named(const char *path, int *fd, uint64_t *size);
/* What a status means, as a phrase to follow "PATH: " in a message. */
const char *wf_read_strerror(wf_read_status st);
/* wf_load, also saying what the guarded reader said of the file (*status:
 * WF_READ_OK when it was read, whether or not it parsed), so that a caller
 * need not probe the file again to learn why it was refused. */
wf_world *wf_load_status(const char *dir, wf_diags *d, wf_read_status *status);

/* ---- Canonical writer -----------------------------------------------------
 * wf_write appends the canonical text of `w` to a growing buffer. parse →
 * write → parse is the identity on the model, and write ∘ parse ∘ write =
 * write (fmt is idempotent). */
typedef struct wf_buf {
	char *data;
	size_t len, cap;
} wf_buf;
void wf_buf_free(wf_buf *b);
/* Room for n more bytes; 0, or -1 when out of memory. */
int wf_buf_reserve(wf_buf *b, size_t n);
/* Append n bytes and keep the text NUL-terminated; 0 or -1. */
int wf_buf_put(wf_buf *b, const char *s, size_t n);
int wf_write(const wf_world *w, wf_buf *out);  /* 0, or -1 out of memory */

/* Write `len` bytes to `path` atomically: a temporary file in the same
 * directory, fsync, rename, fsync of the directory. A crash leaves the old
 * or the new file, never a torn one. Returns 0 or -1 with errno set. */
int wf_save_atomic(const char *path, const void *data, size_t len);
/* wf_write + wf_save_atomic to `dir`/world.acre. */
int wf_save(const wf_world *w, const char *dir);

/* ---- Rules ----------------------------------------------------------------
 * Static rules, checked without running code (acre-world(5), RULES): parcels
 * inside the world, no overlaps, layout dimensions, palette glyphs defined,
 * entities inside their parcel, zone rules and caps, names unique, scripts
 * present (when `dir` is not NULL, relative to it), budgets. Returns the
 * number of errors added. Builds w->grid as a side effect. */
int wf_validate(wf_world *w, const char *dir, const char *file, wf_diags *d);

/* ---- Queries ------------------------------------------------------------- */

/* (Re)build w->grid; returns -1 when parcels overlap or leave the world
 * (the grid then records the first parcel at each place). A parcel without
 * a name (never parsed: see below) is left out. */
int wf_world_index(wf_world *w);
/* Upkeep of the index one parcel at a time, for an editor: the same index
 * wf_world_index builds, at the cost of the parcel's size, while every
 * parcel claims its whole rectangle inside the world and no two share a
 * name (the caller knows that; otherwise it rebuilds). wf_index_drop takes
 * parcel i out (before it moves, changes name or leaves the array);
 * wf_index_add puts it in and returns false when it cannot be done exactly
 * (a cell outside the world or taken, its name taken, the name table too
 * full): the caller then rebuilds. wf_index_exact says whether the index
 * is the one wf_world_index builds for a world with those properties. A
 * parcel without a name (the slot an editor keeps for a deleted parcel, so
 * that the others keep their indices) is in no index, and wf_index_exact
 * skips it. */
void wf_index_drop(wf_world *w, int i);
bool wf_index_add(wf_world *w, int i);
bool wf_index_exact(const wf_world *w);
/* Parcel index at tile (tx, ty), or -1 (uses the grid; builds it if NULL). */
int wf_parcel_at(wf_world *w, int32_t tx, int32_t ty);
int wf_find_parcel(const wf_world *w, const char *name);  /* index or -1 */

/* A hash index over the names of an array of structs: entry i's name is
 * the `const char *` at base + i * stride (NULL names are never found).
 * Hostile files may hold many zones or parcels, so lookups by name must
 * not be linear. wf_find_parcel's index may be stale after edits, so it
 * scans on a miss; a caller looking up many names that may be missing
 * (an events file) builds one of these over the parcels as they are. */
typedef struct wf_names {
	int32_t *slot; /* index + 1; 0 is empty */
	uint32_t mask;
	const char *base;
	size_t stride;
} wf_names;
bool wf_names_init(wf_names *t, const void *base, size_t stride, int n);
/* Inserts entry i; returns the index of an earlier entry with the same
 * name (i is then not inserted), or i. */
int wf_names_put(wf_names *t, int i);
int wf_names_get(const wf_names *t, const char *name); /* index or -1 */
void wf_names_free(wf_names *t);
int wf_find_zone(const wf_world *w, const char *name);
int wf_find_glyph(const wf_world *w, const char *glyph);  /* palette index */

/* The capabilities a parcel's zone allows: the zone's `allow` bits, or
 * WF_CAP_ALL for a parcel without a zone (unzoned land is unrestricted). */
int wf_parcel_caps(const wf_world *w, const wf_parcel *p);

/* Tile dimensions of a parcel, and its top-left tile in world coordinates. */
static inline int32_t wf_parcel_tw(const wf_world *w, const wf_parcel *p)
{
	return p->pw * w->parcel_w;
}
static inline int32_t wf_parcel_th(const wf_world *w, const wf_parcel *p)
{
	return p->ph * w->parcel_h;
}

/* The budget of one parcel: unit budget × area in unit parcels, with the
 * zone's entity cap applied (acre-world(5), BUDGETS):
 *   area         = pw × ph
 *   entities     = area × min(unit.entities, zone max-entities-per-parcel)
 *   instructions = area × unit.instructions
 *   memory       = area × unit.memory
 * The zone cap counts per unit parcel, like every other allowance. */
wf_budget wf_parcel_budget(const wf_world *w, const wf_parcel *p);

/* ---- Generation -----------------------------------------------------------
 * The Street: `parcels` unit parcels on a near-square grid, a seeded mix of
 * shops, plazas and roads; `scripted_pct` of them carry a script (written to
 * `dir`/scripts/). Deterministic for a given seed. Writes `dir`/world.acre. */
typedef struct wf_gen_opts {
	int64_t parcels;     /* default 65536 */
	int scripted_pct;    /* 0..100 */
	uint64_t seed;
	/* Called now and then with the parcels made so far (may be NULL),
	 * and with done == total before the files are written: a big street
	 * takes seconds, and the caller may show progress. */
	void (*progress)(void *ud, int64_t done, int64_t total);
	void *progress_ud;
} wf_gen_opts;
int wf_gen_street(const char *dir, const wf_gen_opts *o, char *err, size_t errlen);

/* ---- Names and text (the one definition of each) ------------------------- */
/* A name (parcel, zone, entity, palette name, attribute key): 1..WF_MAX_NAME
 * bytes of [A-Za-z0-9_.-], not starting with '.' or '-'. */
bool wf_name_ok(const char *s, size_t n);
/* Text for a quoted string: valid UTF-8 without control characters other
 * than newline and tab (which the writer escapes). */
bool wf_text_ok(const char *s);
/* A size: decimal digits with an optional suffix B, K/KB/KiB, M/MB/MiB,
 * G/GB/GiB (any case; powers of 1024). False unless the value is at most
 * `max`: checked before any multiplication, so nothing wraps. */
bool wf_size_parse(const char *s, size_t n, uint64_t max, uint64_t *out);
#define WF_MAX_MEMORY (INT64_C(1) << 40) /* a budget's memory= per unit parcel */
/* Is s[0..n) valid UTF-8 (wf_utf8_len's rules) throughout? */
bool wf_utf8_valid(const char *s, size_t n);

/* ---- Source lines under diagnostics ----------------------------------------
 * The lines that follow a diagnostic's first line (worldfmt/source.c):
 *
 *      27 |   zone comercial
 *         |        ^^^^^^^^^
 *        help: did you mean 'commercial'?
 *
 * A wf_source reads the named file again (wf_read_named, up to 64 MiB) and
 * keeps the last one read, so a list of diagnostics sorted by file reads
 * each once; zero-initialise it, wf_source_free it. */
typedef struct wf_source {
	char *path, *data;
	size_t len;
} wf_source;
void wf_source_free(wf_source *src);
/* Use `data` as the text of `name` (a script read from standard input
 * cannot be read again). */
void wf_source_set(wf_source *src, const char *name, const char *data, size_t len);
/* Append the source line of `file` with '^' under columns [col, end_col)
 * (one caret when end_col is 0) and "help: …" when help is not NULL, with
 * ANSI colours when `color`. Appends nothing for what cannot be shown. */
void wf_source_snippet(wf_source *src, wf_buf *out, const char *file, uint32_t line,
                       uint32_t col, uint32_t end_col, const char *help, bool color);
/* A column for a message without one (Lua's "FILE:LINE: message"): the
 * token it names ("near 'x'"), or a string it quotes as the line writes
 * it, else the line's first non-blank. False when the line cannot be
 * read (Lua names the line after the last for an unfinished chunk). */
bool wf_source_token(wf_source *src, const char *file, uint32_t *line, const char *msg,
                     uint32_t *col, uint32_t *end_col);

/* ---- UTF-8 ---------------------------------------------------------------- */
/* Length in bytes of the valid UTF-8 sequence at s (at most n bytes), or 0
 * when it is not valid (overlong, surrogate, > U+10FFFF, truncated). */
int wf_utf8_len(const unsigned char *s, size_t n);

/* ---- Semantic diff ----
 * What changed between two models, in the world's terms (worldfmt/diff.c).
 * Parcels, palette entries, zones and entities are matched by name (glyph
 * for the palette); a rename is a removal and an addition. Tiles are
 * compared by glyph, not palette index, so reordering the palette changes
 * nothing. Comments and the file's layout are not part of the model and so
 * never show up. Indexes a/b point into the old and new world's arrays, -1
 * on the side where the item does not exist. */
typedef enum { WF_CH_ADDED = 1, WF_CH_REMOVED, WF_CH_CHANGED } wf_change_kind;

typedef struct wf_change {
	wf_change_kind kind;
	int a, b;
} wf_change;

enum {
	WF_DIFF_ADDED = 1 << 0,
	WF_DIFF_REMOVED = 1 << 1,
	WF_DIFF_MOVED = 1 << 2,    /* px, py */
	WF_DIFF_RESIZED = 1 << 3,  /* pw, ph */
	WF_DIFF_OWNER = 1 << 4,
	WF_DIFF_ZONE = 1 << 5,
	WF_DIFF_SCRIPT = 1 << 6,   /* the parcel's script path */
	WF_DIFF_TILES = 1 << 7,
	WF_DIFF_ENTITIES = 1 << 8,
	WF_DIFF_ATTRS = 1 << 9,
};

/* World header fields (wf_diff.world). */
enum {
	WF_DIFFW_NAME = 1 << 0,
	WF_DIFFW_FORMAT = 1 << 1,
	WF_DIFFW_SEED = 1 << 2,
	WF_DIFFW_SIZE = 1 << 3,
	WF_DIFFW_PARCEL_SIZE = 1 << 4,
	WF_DIFFW_BUDGET = 1 << 5,
	WF_DIFFW_EVENTS = 1 << 6,
	WF_DIFFW_ATTRS = 1 << 7,
};

typedef struct wf_parcel_diff {
	int a, b;
	unsigned what;        /* WF_DIFF_* bits, never 0 */
	/* Tile positions (over both extents laid top-left on top-left) whose
	 * glyph differs, and their bounding box, x1/y1 exclusive. */
	int64_t tiles;
	int32_t x0, y0, x1, y1;
	wf_change *entities;  /* by entity name */
	int nentities;
} wf_parcel_diff;

typedef struct wf_diff {
	unsigned world;           /* WF_DIFFW_* bits */
	wf_change *palette;
	int npalette;
	wf_change *zones;
	int nzones;
	wf_parcel_diff *parcels;  /* changed ones: new world's order, then removed */
	int nparcels;
} wf_diff;

/* Fill `d` with the differences from `a` to `b`. Returns 0, or -1 when out
 * of memory (d is then empty). Neither world is modified. */
int wf_diff_worlds(const wf_world *a, const wf_world *b, wf_diff *d);
void wf_diff_free(wf_diff *d);
/* Is the diff empty (the two models are the same world)? */
bool wf_diff_empty(const wf_diff *d);

/* The glyph of the tile at (x, y) of parcel p (relative to the parcel), or
 * NULL when the index is outside the palette. */
const char *wf_tile_glyph(const wf_world *w, const wf_parcel *p, int32_t x, int32_t y);

/* ---- A parcel's scripts (worldfmt/scripts.c) ------------------------------
 * A parcel runs its own script, its entities' scripts in file order, then
 * the scripts of the palette glyphs its tiles use in palette order, each
 * path once. This is the one definition: the runner loads this list, the
 * rules check it, history and incremental checks follow it. */
#define WF_MAX_PARCEL_SCRIPTS 64 /* distinct scripts one parcel may run */

/* Fill out[0..max) with the distinct scripts of p in load order; returns
 * how many there are, or max + 1 when there are more than max. The strings
 * are the world's. */
int wf_parcel_scripts(const wf_world *w, const wf_parcel *p, const char **out, int max);
/* Does p run any script at all? */
bool wf_parcel_scripted(const wf_world *w, const wf_parcel *p);
/* Does parcel p run the script at `path`? */
bool wf_parcel_uses_script(const wf_world *w, const wf_parcel *p, const char *path);
/* used[g]: does some tile of p show palette entry g? */
void wf_parcel_glyphs(const wf_world *w, const wf_parcel *p, bool used[256]);
/* Set mark[i] = 1 for every parcel that a change of the file `path` reaches:
 * those that run it, or, when none does (a module any script may require),
 * every scripted parcel. Returns how many run it directly. */
int wf_mark_script_users(const wf_world *w, const char *path, uint8_t *mark);

/* ---- Three-way merge (worldfmt/merge.c) -----------------------------------
 * Merge the changes from `base` to `theirs` into `ours`, parcel by parcel
 * and, inside a parcel, field by field, tile by tile and entity by entity;
 * header fields, palette entries (by glyph) and zones (by name) merge by
 * key. The canonical text of the result is appended to `out`. A key changed
 * two different ways is a conflict, as are parcels placed on overlapping
 * land by the two sides: then the text holds git-style markers
 * (<<<<<<< ours, =======, >>>>>>> theirs) around the lines where the two
 * resolutions differ, each side between them canonical, and `*conflicts`
 * counts them. wf_parse recognises such a file and reports each conflict
 * ("merge conflict in parcel X, tile (x, y): ours '#', theirs '.'").
 * UNMERGEABLE: a change the model cannot merge key by key (a change of
 * parcel-size, which reshapes every parcel's tiles, a palette past
 * WF_MAX_PALETTE, or a side naming two parcels, zones, glyphs or entities
 * of one parcel alike, which the rules forbid but the parser reads); the
 * caller falls back to a merge of lines. None of the
 * worlds is modified. */
typedef enum {
	WF_MERGE_CLEAN = 0,
	WF_MERGE_CONFLICTS,
	WF_MERGE_UNMERGEABLE,
	WF_MERGE_OOM,
} wf_merge_status;

wf_merge_status wf_merge(const wf_world *base, const wf_world *ours,
                         const wf_world *theirs, wf_buf *out, int *conflicts);

/* ---- Conflict markers (worldfmt/conflict.c) ------------------------------
 * A world file holding merge conflict markers (a line starting with
 * "<<<<<<<" at column 0, as git and `acre merge` write them) is read as two
 * worlds: ours (the lines before each "=======") and theirs (the lines
 * after it), a diff3 "|||||||" base section dropped. */
bool wf_has_conflict_markers(const char *buf, size_t len);
/* Split a marked file into ours' and theirs' text. lines_ours[i] (and
 * lines_theirs) is the line of `buf` that line i+1 of that side came from;
 * malloc'd, may be NULL when the caller does not want them. `bad_line` is
 * set to the first marker line out of order (0 when none). 0 or -1 (out
 * of memory). */
int wf_conflict_split(const char *buf, size_t len, wf_buf *ours, uint32_t **lines_ours,
                      wf_buf *theirs, uint32_t **lines_theirs, uint32_t *bad_line);

#endif
