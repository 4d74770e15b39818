/* store_int.h — what the files of store/ share with each other and nobody
 * else: the two handles' insides and small SQLite and libgit2 helpers.
 * Not a front door: code outside store/ includes store/store.h only. */
#ifndef ACRE_STORE_INT_H
#define ACRE_STORE_INT_H

#include "store/store.h"

#include <git2.h>
#include <sqlite3.h>

/* How long a writer waits for another to finish before giving up. Long
 * enough for an index of a large world by another process. */
#define STORE_BUSY_MS 30000

struct store_reg {
	sqlite3 *db;
	char *path;
	bool readonly; /* opened by store_reg_open_ro */
	sqlite3_stmt *log_st; /* reg_log_grant's insert, prepared once (an
	                         import logs a claim per parcel) */
};

struct store_repo {
	git_repository *repo;
	char *dir;    /* absolute world directory, no trailing slash */
	char *prefix; /* world directory relative to the work tree: "" or "a/b/" */
	bool bare;    /* a server's copy: the world exists only at revisions */
	/* The commits of a shallow clone whose parents are not here (the
	 * repository's "shallow" file), sorted; read on first use. */
	git_oid *shallow;
	size_t nshallow;
	bool shallow_read;
	store_progress_fn progress; /* or NULL */
	void *progress_arg;
};

/* Report progress of a long walk, if anybody listens. */
static inline void repo_progress(store_repo *r, const char *what, uint64_t done,
                                 uint64_t total)
{
	if (r->progress)
		r->progress(what, done, total, r->progress_arg);
}

void store_seterr(store_err *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Registry helpers (registry.c). */
int reg_fail(store_reg *g, store_err *err, const char *what);
int reg_exec(store_reg *g, const char *sql, store_err *err);
int reg_begin(store_reg *g, store_err *err);
int reg_commit(store_reg *g, store_err *err);
void reg_rollback(store_reg *g);
sqlite3_stmt *reg_prep(store_reg *g, store_err *err, const char *sql, const char *types,
                       ...);
int reg_done(store_reg *g, sqlite3_stmt *st, store_err *err);
char *reg_col_str(sqlite3_stmt *st, int col);
/* The id of the world keyed `key`; 0 when unknown. With `create_name`,
 * an unknown world is made with that name, and a known one renamed to it. */
int reg_world_id(store_reg *g, const char *key, const char *create_name, int64_t *id,
                 store_err *err);
/* Append to the log of grants (who did what, when). */
int reg_log_grant(store_reg *g, int64_t wid, const char *parcel, const char *action,
                  const char *identity, const char *by, store_err *err);
int reg_operators(store_reg *g, int64_t wid, const char *parcel, char ***ops, int *n,
                  store_err *err);
int reg_claim_extent(store_reg *g, int64_t wid, int32_t *maxw, int32_t *maxh,
                     store_err *err);
int reg_overlap(store_reg *g, int64_t wid, const char *parcel, const int32_t r[4],
                const int32_t *ext, char *other, size_t len, store_err *err);

/* Open-addressing tables of indexes (itab.c): slot[k] is `index + 1` of
 * an entry in an array the user keeps, 0 an empty slot; the user hashes
 * and compares keys, probing from itab_first with itab_next until an
 * empty slot. A table is at most half full: before adding the n-th
 * entry, itab_full(t, n) says whether to rebuild it bigger. */
typedef struct itab {
	uint32_t *slot;
	size_t mask; /* slots - 1 (a power of two, less one) */
} itab;

/* The mask (slots - 1) of an open-addressing table holding n entries at
 * most half full, with at least min_mask + 1 slots (min_mask: 2^k - 1). */
static inline size_t itab_mask(size_t n, size_t min_mask)
{
	size_t m = min_mask;
	while (m + 1 < n * 2 + 2)
		m = m * 2 + 1;
	return m;
}

/* Make t empty with room for n entries (at least 256 slots). On failure
 * (out of memory, n past 32-bit numbering) t is as it was. */
int itab_reset(itab *t, size_t n);
/* itab_reset, then entries 0..n-1 put in, entry i under hash(arg, i). */
int itab_rebuild(itab *t, size_t n, uint64_t (*hash)(const void *arg, size_t i),
                 const void *arg);
void itab_free(itab *t);

static inline bool itab_full(const itab *t, size_t n)
{
	return !t->slot || n * 2 > t->mask + 1;
}

static inline size_t itab_first(const itab *t, uint64_t h)
{
	return (size_t)h & t->mask;
}

static inline size_t itab_next(const itab *t, size_t k)
{
	return (k + 1) & t->mask;
}

/* Put entry i in the first empty slot from hash h (t not full). */
static inline void itab_put(itab *t, uint64_t h, size_t i)
{
	size_t k = itab_first(t, h);
	while (t->slot[k])
		k = itab_next(t, k);
	t->slot[k] = (uint32_t)i + 1;
}

/* Git helpers (repo.c). */
/* git_libgit2_init for store/: every caller goes through here (with
 * git_libgit2_shutdown to match), for the options it sets. */
void repo_lib_init(void);
int repo_fail(store_err *err, const char *what);
int repo_commit_of(store_repo *r, const char *rev, git_commit **out, store_err *err);
/* The blob id of world-relative `path` in `tree`; false when absent. */
bool repo_entry_id(store_repo *r, git_tree *tree, const char *path, git_oid *id);
int repo_read_blob(store_repo *r, git_tree *tree, const char *path, char **data,
                   size_t *len, bool *found, store_err *err);
/* The blob at `path` in `tree` itself (*out NULL when absent), with
 * repo_read_blob's checks, for a caller that reads it in place: its
 * content is not NUL-terminated. */
int repo_blob(store_repo *r, git_tree *tree, const char *path, git_blob **out,
              store_err *err);
void repo_info(git_commit *c, store_commit_info *out);
/* The parents of commit c that this clone has: none for a commit at the
 * edge of a shallow clone (git's "grafted" commits), all of them
 * otherwise. libgit2 1.5 does not know about shallow clones. */
unsigned repo_parentcount(store_repo *r, const git_commit *c);

#endif
