/* store.h — world history (git, through libgit2) and the registry (SQLite).
 *
 * This is the only front door to store/. Two halves:
 *
 *  - store_repo: a world directory inside a git repository. Revisions are
 *    read straight from the object database (never by running `git`), so a
 *    world can be read at any commit without touching the working tree.
 *  - store_reg: the registry, one SQLite file shared by every world on the
 *    machine. It is the authority on who owns and who operates each parcel,
 *    and it indexes revisions, parcels and validation runs for fast queries.
 *    Everything in it except ownership can be rebuilt from git (acre index).
 *
 * How worlds are identified: a world is the land of one *repository*. Its
 * key is the absolute path of the world directory in that repository (for
 * a bare repository, the git directory, plus the world's subdirectory when
 * it has one). Claims, grants, runs and the parcel index hang off the key,
 * so a throwaway copy or a fork of a world never touches the land of the
 * original, and two repositories with the same `world "NAME"` are two
 * worlds. The name is kept for display and for finding a world by name.
 *
 * Identities are opaque strings compared exactly: the platform's logins
 * ("hiro", "ann"), the same strings the git server's hook passes as the
 * pusher and `acre check --as` receives. acre-history(7) has the model.
 *
 * Errors are values: every call that can fail returns 0 on success or -1
 * and fills a store_err with one line saying what is wrong and where. No
 * call prints or exits.
 */
#ifndef ACRE_STORE_H
#define ACRE_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct store_err {
	char msg[512];
} store_err;

/* ---- Git: world repositories ------------------------------------------- */

typedef struct store_repo store_repo;

#define STORE_OID_HEX 41 /* 40 hex digits and a NUL */

/* Open the repository holding world directory `dir` (found upward from
 * it, as git does). The world may sit in a subdirectory of the repository;
 * paths given to the calls below are relative to the world directory.
 * Fails on a directory that is not in a repository and on a bare one. */
int store_repo_open(const char *dir, store_repo **out, store_err *err);
void store_repo_close(store_repo *r);

/* Progress of long walks (log, blame, index): called often with what is
 * being done, how much is done and the total (0 when unknown); the caller
 * decides whether and how often to show it. */
typedef void (*store_progress_fn)(const char *what, uint64_t done, uint64_t total,
                                  void *arg);
void store_repo_progress(store_repo *r, store_progress_fn fn, void *arg);

/* Absolute path of the world directory (no trailing slash). */
const char *store_repo_dir(const store_repo *r);
/* The git directory of the work tree the world is in (with a trailing
 * slash; a linked worktree's own, not the one its worktrees share), where
 * caches of that work tree live under acre/, and the world directory
 * relative to the work tree ("" or "a/b/"). */
const char *store_repo_gitdir(const store_repo *r);
const char *store_repo_prefix(const store_repo *r);

/* Resolve REV (HEAD, a branch, a tag, an abbreviated hash, HEAD~3 …) to a
 * commit and write its 40-digit hex id to `hex`. */
int store_resolve(store_repo *r, const char *rev, char hex[STORE_OID_HEX],
                  store_err *err);

/* Read file `path` (relative to the world directory, e.g. "world.acre" or
 * "scripts/shop.lua") as it is in commit REV. *data is malloc'd and
 * NUL-terminated (the NUL is not counted in *len). A missing file is an
 * error whose message names the path and the revision. */
int store_read_at(store_repo *r, const char *rev, const char *path, char **data,
                  size_t *len, store_err *err);

/* Like store_read_at, but a path missing from REV is not an error: *data
 * is then NULL. */
int store_read_at_opt(store_repo *r, const char *rev, const char *path, char **data,
                      size_t *len, store_err *err);

/* Names of the parcels that differ between revision `rev_a` and `rev_b`
 * (NULL: the working tree): every parcel added, removed, moved, resized or
 * otherwise changed in world.acre (semantically: comments and layout of the
 * text do not count), and every parcel whose scripts (its own, its
 * entities', its tiles') changed. A change to the world header, palette or
 * zones marks the parcels that depend on it. Names are malloc'd, in the
 * order of rev_b's file then the removed ones; free with store_names_free.
 * Fails when either side does not parse. */
int store_changed_parcels(store_repo *r, const char *rev_a, const char *rev_b,
                          char ***names, int *n, store_err *err);
void store_names_free(char **names, int n);

/* Two states of a world side by side, for diffs: side 0 is revision
 * rev[0], side 1 is rev[1] or the working tree when rev[1] is NULL. */
typedef struct store_pair {
	char *rev[2];
	char *label[2]; /* an abbreviated commit id, or "working tree" */
	char *text[2];  /* world.acre of each side, NULL when absent */
	size_t len[2];
	char **scripts;      /* files under scripts/ that differ, world-relative */
	char *script_status; /* per script: 'A'dded, 'D'eleted, 'M'odified */
	int nscripts;
} store_pair;
int store_pair_load(store_repo *r, const char *rev_a, const char *rev_b, store_pair *p,
                    store_err *err);
void store_pair_free(store_pair *p);
/* Read a file of one side (a missing file gives *data == NULL). */
int store_pair_read(store_repo *r, const store_pair *p, int side, const char *path,
                    char **data, size_t *len, store_err *err);

/* A unified line diff of two texts (git's format, headed with `path`),
 * malloc'd in *out; empty when they are equal. */
int store_text_diff(const char *a, size_t alen, const char *b, size_t blen,
                    const char *path, char **out, store_err *err);

/* Does the working tree differ from HEAD in files the world is made of
 * (world.acre, scripts/, assets/)? Untracked files count. */
int store_dirty(store_repo *r, bool *dirty, char *first, size_t firstlen, store_err *err);

/* Commit the world's files (world.acre, scripts/, assets/, .gitattributes
 * and every file world.acre names, such as its events file; additions,
 * changes and removals) on the current branch. Other files staged with
 * `git add` stay staged and out of the commit, except during a merge: then,
 * as with `git commit`, the whole index is committed, with HEAD and every
 * MERGE_HEAD as parents (the message defaults to git's MERGE_MSG), and the
 * merge state is cleared. Refused while world.acre holds conflict markers
 * or another path is unmerged, and when world.acre is missing or not a
 * regular file (which would commit the world's deletion). Author and
 * committer come from GIT_AUTHOR_NAME/EMAIL (as git does), else the git
 * configuration (user.name, user.email); when neither is set, an error says
 * how to set them. Refuses a detached HEAD. `hex` receives the new commit's
 * id; *nothing is set (and no commit made) when nothing changed. */
int store_commit(store_repo *r, const char *message, char hex[STORE_OID_HEX],
                 bool *nothing, store_err *err);
/* The same, for a caller that has just parsed the working world.acre into
 * `w` (worldfmt.h): the files it names are taken from `w` instead of
 * reading and parsing the file again (NULL: read and parse it here). */
struct wf_world;
int store_commit_world(store_repo *r, const struct wf_world *w, const char *message,
                       char hex[STORE_OID_HEX], bool *nothing, store_err *err);
/* Is a `git merge` in progress (MERGE_HEAD present)? */
bool store_merging(store_repo *r);

/* Open the repository at `path` whether it has a work tree or is bare (a
 * server's copy). For a bare one, `path` is the git directory, optionally
 * followed by the world's subdirectory inside its trees ("srv/w.git/town"),
 * which need not exist on disk; the world is then read only at revisions
 * (store_read_at, store_export). store_repo_dir gives the world key. */
int store_repo_open_at(const char *path, store_repo **out, store_err *err);
bool store_repo_bare(const store_repo *r);

/* Is branch `ref` ("refs/heads/NAME" or "NAME") the repository's default
 * branch, the one HEAD names? Land follows the default branch (store.h,
 * store_claim_land). When HEAD names no branch that exists (an empty
 * repository's first push, a detached HEAD) every branch counts as the
 * default one, as for the sample post-receive hook, which then indexes
 * whichever branch is pushed. */
int store_repo_default_branch(store_repo *r, const char *ref, bool *yes, store_err *err);

/* Write the world's files as they are at REV (everything under the world
 * directory: world.acre, scripts/, assets/, an events file …) into the
 * existing empty directory `dest`. Regular files and directories are
 * written, symbolic links as links (never followed here, and refused by
 * the guarded reader that reads a world), submodules not at all; names are
 * checked before use, sizes before writing. */
int store_export(store_repo *r, const char *rev, const char *dest, store_err *err);

/* Create a world repository in `dir` (made if missing): writes the given
 * files atomically, routes world.acre to the merge driver (.gitattributes
 * and the repository's merge.acre.driver) and makes the initial commit.
 * files[i] = {path, text}. The author is asked for before anything is
 * written. A directory that already holds a world.acre keeps its files:
 * outside a repository it becomes one (STORE_INIT_ADOPTED, e.g. a Street
 * from 'acre gen'), inside one only the merge driver is set up
 * (STORE_INIT_DRIVER, `hex` empty, .gitattributes left for the next
 * commit). Any other non-empty directory is refused. */
typedef struct store_file {
	const char *path;
	const char *text;
} store_file;
typedef enum { STORE_INIT_NEW, STORE_INIT_ADOPTED, STORE_INIT_DRIVER } store_init_result;
int store_init(const char *dir, const store_file *files, int nfiles, const char *message,
               char hex[STORE_OID_HEX], store_init_result *res, store_err *err);

/* The author name commits in `dir` would carry (see store_commit), into
 * name; an error saying how to set it when there is none. */
int store_whoami(const char *dir, char *name, size_t len, store_err *err);

/* Switch the working tree to REV: a branch name attaches HEAD to it, any
 * other revision detaches HEAD. Refuses (without touching anything) when
 * store_dirty would say the world has uncommitted work. */
int store_checkout(store_repo *r, const char *rev, store_err *err);

/* ---- Git: history in the world's language ------------------------------ */

typedef struct store_commit_info {
	char id[STORE_OID_HEX];
	char *author, *email; /* malloc'd */
	int64_t time;         /* seconds since the epoch */
	int tz;               /* offset in minutes */
	char *summary;        /* first line of the message, malloc'd */
} store_commit_info;
void store_commit_info_free(store_commit_info *c);

/* Walk the first-parent history from REV (NULL: HEAD), newest first,
 * calling fn for each commit that changed `parcel` semantically (NULL: each
 * commit that changed any of the world's files). Revisions whose world.acre
 * and scripts are the same blobs as their parent's are skipped without being
 * read. fn returns nonzero to stop the walk. `limit` > 0 stops after that
 * many reported commits. */
typedef int (*store_log_fn)(const store_commit_info *c, void *arg);
int store_log(store_repo *r, const char *rev, const char *parcel, int limit,
              store_log_fn fn, void *arg, store_err *err);

/* Blame of one parcel at HEAD: for each row of its layout and each line of
 * its script, the commit and author that last changed it. A layout row
 * counts as changed when its glyphs differ from the same row of the parcel
 * in the parent (or the parcel did not exist there, or had another size). */
typedef struct store_blame_line {
	char *text; /* the row's glyphs or the script line, malloc'd */
	store_commit_info commit;
} store_blame_line;
typedef struct store_blame {
	char *parcel;
	char *script;           /* path of the parcel's script, or NULL */
	store_blame_line *rows; /* layout rows, top to bottom */
	int nrows;
	store_blame_line *lines; /* script lines */
	int nlines;
} store_blame;
int store_blame_parcel(store_repo *r, const char *parcel, store_blame *out,
                       store_err *err);
void store_blame_free(store_blame *b);

/* ---- Registry ------------------------------------------------------------ */

typedef struct store_reg store_reg;

/* The registry path: `explicit` when not NULL, else $ACRE_REGISTRY, else
 * $XDG_DATA_HOME/acre/registry.db, else ~/.local/share/acre/registry.db.
 * Returns a malloc'd string, or NULL (with err) when none can be formed. */
char *store_registry_path(const char *explicit_path, store_err *err);

/* Open (creating the file and its directory if needed) and migrate to the
 * current schema. WAL mode, a busy timeout, foreign keys on. Fails with a
 * clear message on an unreadable or corrupt file, a schema newer than this
 * acre knows, or a read-only location. For commands that write. */
int store_reg_open(const char *path, store_reg **out, store_err *err);

/* Open an existing registry for reading only: works on a file or a disk
 * that cannot be written. Every call below that writes fails on it. Fails
 * on a missing file and on a schema other than the current one. */
int store_reg_open_ro(const char *path, store_reg **out, store_err *err);
void store_reg_close(store_reg *g);

/* The schema version this acre writes (PRAGMA user_version). */
int store_reg_schema_version(void);

/* Who did a grant when no identity is given: the platform itself, that is
 * whoever can write the registry file. */
#define STORE_PLATFORM "(platform)"

/* Ownership of one parcel of the world keyed `world`. Strings malloc'd;
 * owner NULL when the parcel is unclaimed. `source` says how the owner got
 * it: "push" (claimed by an accepted push), "file" (the owner named in the
 * file when the world was first indexed) or "grant"; `by` who did it and
 * `since` when (seconds since the epoch). */
typedef struct store_owner {
	char *owner, *source, *by;
	int64_t since;
	char **operators;
	int noperators;
} store_owner;
int store_parcel_owner(store_reg *g, const char *world, const char *parcel,
                       store_owner *out, store_err *err);
void store_owner_free(store_owner *o);

/* May `identity` modify parcel `parcel` of `world`? */
typedef enum store_right {
	STORE_RIGHT_NONE = 0,       /* claimed by someone else */
	STORE_RIGHT_OWNER,          /* the identity owns it */
	STORE_RIGHT_OPERATOR,       /* the identity is one of its operators */
	STORE_RIGHT_UNCLAIMED,      /* nobody has claimed it (a new parcel) */
	STORE_RIGHT_WORLD_OPERATOR, /* claimed, but the identity operates the world */
} store_right;
int store_may_modify(store_reg *g, const char *world, const char *parcel,
                     const char *identity, store_right *right, store_err *err);

/* Is `identity` an operator of the whole world? */
int store_is_world_operator(store_reg *g, const char *world, const char *identity,
                            bool *yes, store_err *err);
/* The world's operators, sorted; free with store_names_free_n. */
int store_world_operators(store_reg *g, const char *world, char ***ids, int *n,
                          store_err *err);
void store_names_free_n(char **names, int n);

/* The grant calls below act for `by`: the parcel's owner or an operator of
 * the world may grant and revoke; `by` NULL is the platform (STORE_PLATFORM
 * in the log). They return 0 when done, 1 when `by` is not allowed or the
 * land is taken (err says why; nothing changed), -1 on an error. Every
 * change is appended to the log of grants with who and when. */

/* Make `identity` the owner of the parcel (replacing the previous owner,
 * keeping its operators), or add it as an operator. The parcel must be
 * known from an index of the world, or already claimed. Unclaimed land is
 * granted only by a world operator or the platform. */
int store_grant(store_reg *g, const char *world, const char *parcel, const char *identity,
                bool as_operator, const char *by, store_err *err);
/* Remove an operator (not an error when it was not one). */
int store_revoke(store_reg *g, const char *world, const char *parcel,
                 const char *identity, const char *by, store_err *err);
/* Add (or with `revoke`, remove) an operator of the whole world: only the
 * platform or another world operator may. */
int store_grant_world(store_reg *g, const char *world, const char *identity, bool revoke,
                      const char *by, store_err *err);

/* Record what an accepted change does to the land, in one transaction:
 * each parcel that nobody has claimed is claimed for `by` (first come,
 * first served, on whichever branch), and, for a change to the default
 * branch (`on_default`, store_repo_default_branch), each claimed parcel's
 * land follows the file. Land is governed by the default branch: a parcel
 * moved or grown on another branch keeps its claim's land until the move
 * reaches the default branch, so no push to a side branch frees land the
 * default branch's copy of the parcel stands on. The world (keyed
 * `world`, named `name`) is made if new. Returns 1, changing nothing,
 * when a parcel was claimed by someone else meanwhile or its land (in the
 * file) overlaps another claim. Land is in unit parcels: x, y, w, h. */
typedef struct store_claim {
	const char *parcel;
	int32_t land[4];
} store_claim;
int store_claim_land(store_reg *g, const char *world, const char *name,
                     const store_claim *claims, int n, const char *by, bool on_default,
                     store_err *err);

/* The claim, other than `parcel`'s own, that overlaps `land`: its parcel in
 * `other` and owner in `owner` (both empty when the land is free). */
int store_land_taken(store_reg *g, const char *world, const char *parcel,
                     const int32_t land[4], char *other, size_t len, char *owner,
                     size_t olen, store_err *err);

/* The log of grants of one parcel (with the world's own entries, such as
 * world operators), or of the whole world when `parcel` is NULL, oldest
 * first. `action` is "claim", "owner", "operator", "revoke-operator",
 * "world-operator" or "revoke-world-operator". */
typedef struct store_grant_row {
	const char *parcel; /* NULL for world operators */
	const char *action, *identity, *by;
	int64_t at;
} store_grant_row;
int store_grant_log(store_reg *g, const char *world, const char *parcel,
                    int (*fn)(const store_grant_row *, void *), void *arg,
                    store_err *err);

/* ---- Registry: validation runs ----------------------------------------- */

typedef struct store_run_error {
	const char *file;
	uint32_t line, col;
	const char *parcel;   /* or NULL */
	const char *severity; /* "error" or "warning" */
	const char *message;
} store_run_error;

typedef struct store_run_parcel {
	const char *parcel;
	const char *status;   /* "ok", or what stopped it: "instructions" … */
	int64_t instructions; /* peak per tick */
	int64_t memory;       /* peak bytes */
	int nerrors;
} store_run_parcel;

typedef struct store_run {
	const char *world;      /* world key (see above) */
	const char *name;       /* world name */
	const char *dir;        /* world directory, or NULL */
	const char *commit;     /* hex commit id, or NULL for a working tree */
	const char *status;     /* "valid", "invalid" or "error" */
	const char *identity;   /* --as, or NULL */
	const char *state_hash; /* hex, or NULL */
	int64_t ticks;
	int64_t duration_ms;
	const store_run_error *errors;
	int nerrors;
	const store_run_parcel *parcels;
	int nparcels;
} store_run;

/* Record a run and its errors and per-parcel figures in one transaction. */
int store_run_record(store_reg *g, const store_run *run, int64_t *run_id, store_err *err);

/* The last recorded result of each parcel of `world` at `commit` (newest
 * run that names the parcel wins). Strings malloc'd. */
typedef struct store_parcel_result {
	char *parcel;
	char *status;
	int64_t instructions, memory;
	int nerrors;
	int64_t run_id;
	char *run_status;
	char *state_hash; /* of that run, or NULL */
} store_parcel_result;
int store_run_last(store_reg *g, const char *world, const char *commit,
                   store_parcel_result **out, int *n, store_err *err);
void store_parcel_results_free(store_parcel_result *v, int n);

/* ---- Registry: index and queries ----------------------------------------- */

typedef struct store_index_report {
	int64_t revisions; /* commits indexed */
	int64_t parcels;   /* parcels at HEAD */
	int64_t claimed;   /* new ownership claims recorded from the file */
	int64_t kept;      /* parcels whose registry owner differs from the file */
	int64_t refused;   /* claims refused: their land overlaps another claim */
	int64_t not_login; /* new claims for an owner that cannot be a login
	                      (it has blanks: a display name, "Ada Lovelace") */
	char world[128];
} store_index_report;

/* Rebuild the registry's view of the repository at `r` from git: the
 * world, its revisions (first-parent history of `rev`, NULL: HEAD) and its
 * parcels there. With `claim`, parcels never claimed before are claimed
 * for the owner named in the file (when their land is free; this is how a
 * platform imports a world); existing claims and grants are never changed.
 * One transaction: a crash leaves the old index or the new one. */
int store_index(store_reg *g, store_repo *r, const char *rev, bool claim,
                store_index_report *rep, store_err *err);

/* Who holds the tile (x, y) of the world keyed `world`? Fills *found =
 * false when no parcel covers the tile. Owners come from the claims (with
 * how, by whom and when), places from the newest index. */
typedef struct store_parcel_row {
	char *world, *parcel, *zone, *owner, *file_owner, *script;
	char *source, *by; /* of the claim, as in store_owner */
	int64_t since;
	int32_t px, py, pw, ph; /* in unit parcels */
	int32_t x0, y0, x1, y1; /* tiles, x1/y1 exclusive */
	char **operators;
	int noperators;
} store_parcel_row;
void store_parcel_row_free(store_parcel_row *p);

/* Resolve a world argument to its key: a repository (or world directory)
 * that has been indexed, a key, or a world name that only one world of the
 * registry has. *key is malloc'd. */
int store_world_lookup(store_reg *g, const char *arg, char **key, store_err *err);

int store_who(store_reg *g, const char *world, int32_t x, int32_t y,
              store_parcel_row *out, bool *found, store_err *err);

/* One call per row; fn returns nonzero to stop. */
typedef struct store_world_row {
	const char *name, *key, *dir, *head;
	int64_t revisions, parcels, claims, runs;
	const char *last_status; /* of the newest run, or NULL */
} store_world_row;
int store_list_worlds(store_reg *g, int (*fn)(const store_world_row *, void *), void *arg,
                      store_err *err);
int store_list_parcels(store_reg *g, const char *world,
                       int (*fn)(const store_parcel_row *, void *), void *arg,
                       store_err *err);
/* Claims of the world whose parcel is not in its newest index (the parcel
 * lives on another branch, or was removed): their land is still held.
 * zone, file_owner and script are NULL. */
int store_list_claims_elsewhere(store_reg *g, const char *world,
                                int (*fn)(const store_parcel_row *, void *), void *arg,
                                store_err *err);
/* Which such claim holds the tile (x, y)? */
int store_claim_at(store_reg *g, const char *world, int32_t x, int32_t y,
                   store_parcel_row *out, bool *found, store_err *err);

typedef struct store_stats {
	int64_t worlds, repos, revisions, parcels, claims, operators;
	int64_t runs, runs_valid, runs_invalid, errors;
	int64_t peak_instructions, peak_memory; /* over all recorded parcels */
	char peak_instructions_parcel[160], peak_memory_parcel[160];
	int64_t db_bytes;
	int schema;
} store_stats;
int store_get_stats(store_reg *g, const char *world, store_stats *out, store_err *err);

#endif
