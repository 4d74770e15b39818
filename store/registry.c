/* registry.c — the SQLite registry: opening, schema migrations, ownership.
 *
 * One file shared by every world on the machine (store.h says how worlds are
 * identified). Invariants kept here:
 *  - the schema is at store_reg_schema_version() once store_reg_open
 *    returns; migrations run in order, each in the same IMMEDIATE
 *    transaction that bumps PRAGMA user_version, so a crash leaves the file
 *    at the old version or the new one;
 *  - every write is one IMMEDIATE transaction (taking the write lock at
 *    BEGIN, so two writers queue on the busy timeout instead of failing
 *    with SQLITE_BUSY when a read lock would have to be upgraded);
 *  - claims of one world never overlap (checked before each insert).
 */
#include "store/store_int.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* Each entry brings the schema from version i to i+1. Never edit a shipped
 * entry: add one. Version 1 was the first release; version 2 added the
 * per-parcel figures of validation runs and the index that finds runs by
 * commit; version 3 an index on the land of claims, so that checking a new
 * claim against the others costs a range scan, not a pass over them all. */
static const char *const reg_migrations[] = {
    /* 0 -> 1 */
    "CREATE TABLE worlds("
    "  id INTEGER PRIMARY KEY,"
    "  name TEXT NOT NULL UNIQUE,"
    "  created INTEGER NOT NULL);"
    "CREATE TABLE repos("
    "  id INTEGER PRIMARY KEY,"
    "  world_id INTEGER NOT NULL REFERENCES worlds(id),"
    "  dir TEXT NOT NULL UNIQUE,"
    "  head TEXT,"
    "  parcel_w INTEGER, parcel_h INTEGER,"
    "  indexed INTEGER);"
    "CREATE TABLE revisions("
    "  repo_id INTEGER NOT NULL REFERENCES repos(id) ON DELETE CASCADE,"
    "  seq INTEGER NOT NULL,"
    "  commit_id TEXT NOT NULL,"
    "  parent TEXT, author TEXT, email TEXT, time INTEGER, summary TEXT,"
    "  world_blob TEXT,"
    "  PRIMARY KEY(repo_id, commit_id));"
    "CREATE TABLE parcels("
    "  repo_id INTEGER NOT NULL REFERENCES repos(id) ON DELETE CASCADE,"
    "  name TEXT NOT NULL,"
    "  px INTEGER, py INTEGER, pw INTEGER, ph INTEGER,"
    "  x0 INTEGER, y0 INTEGER, x1 INTEGER, y1 INTEGER,"
    "  zone TEXT, file_owner TEXT, script TEXT,"
    "  PRIMARY KEY(repo_id, name));"
    "CREATE INDEX parcels_xy ON parcels(repo_id, x0, y0);"
    "CREATE TABLE claims("
    "  world_id INTEGER NOT NULL REFERENCES worlds(id),"
    "  parcel TEXT NOT NULL,"
    "  owner TEXT NOT NULL,"
    "  px INTEGER, py INTEGER, pw INTEGER, ph INTEGER,"
    "  source TEXT NOT NULL,"
    "  since INTEGER NOT NULL,"
    "  PRIMARY KEY(world_id, parcel));"
    "CREATE TABLE operators("
    "  world_id INTEGER NOT NULL,"
    "  parcel TEXT NOT NULL,"
    "  identity TEXT NOT NULL,"
    "  since INTEGER NOT NULL,"
    "  PRIMARY KEY(world_id, parcel, identity),"
    "  FOREIGN KEY(world_id, parcel) REFERENCES claims(world_id, parcel)"
    "    ON DELETE CASCADE);"
    "CREATE TABLE runs("
    "  id INTEGER PRIMARY KEY,"
    "  world_id INTEGER NOT NULL REFERENCES worlds(id),"
    "  dir TEXT, commit_id TEXT,"
    "  status TEXT NOT NULL,"
    "  identity TEXT, state_hash TEXT,"
    "  ticks INTEGER, duration_ms INTEGER,"
    "  at INTEGER NOT NULL);"
    "CREATE TABLE run_errors("
    "  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,"
    "  seq INTEGER NOT NULL,"
    "  file TEXT, line INTEGER, col INTEGER, parcel TEXT, severity TEXT,"
    "  message TEXT NOT NULL,"
    "  PRIMARY KEY(run_id, seq));",
    /* 1 -> 2 */
    "CREATE TABLE run_parcels("
    "  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,"
    "  parcel TEXT NOT NULL,"
    "  status TEXT NOT NULL,"
    "  instructions INTEGER, memory INTEGER, nerrors INTEGER,"
    "  PRIMARY KEY(run_id, parcel));"
    "CREATE INDEX runs_commit ON runs(world_id, commit_id, id);",
    /* 2 -> 3 */
    "CREATE INDEX claims_land ON claims(world_id, px, py);",
};
#define REG_VERSION ((int)(sizeof reg_migrations / sizeof reg_migrations[0]))

int store_reg_schema_version(void)
{
	return REG_VERSION;
}

void store_seterr(store_err *err, const char *fmt, ...)
{
	va_list ap;
	if (!err)
		return;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof err->msg, fmt, ap);
	va_end(ap);
}

int reg_fail(store_reg *g, store_err *err, const char *what)
{
	store_seterr(err, "registry %s: %s: %s", g->path, what, sqlite3_errmsg(g->db));
	return -1;
}

int reg_exec(store_reg *g, const char *sql, store_err *err)
{
	char *msg = NULL;
	if (sqlite3_exec(g->db, sql, NULL, NULL, &msg) == SQLITE_OK)
		return 0;
	store_seterr(err, "registry %s: %s", g->path, msg ? msg : sqlite3_errmsg(g->db));
	sqlite3_free(msg);
	return -1;
}

int reg_begin(store_reg *g, store_err *err)
{
	return reg_exec(g, "BEGIN IMMEDIATE", err);
}

int reg_commit(store_reg *g, store_err *err)
{
	return reg_exec(g, "COMMIT", err);
}

void reg_rollback(store_reg *g)
{
	if (!sqlite3_get_autocommit(g->db))
		sqlite3_exec(g->db, "ROLLBACK", NULL, NULL, NULL);
}

/* Prepare `sql` and bind the arguments described by `types`: 'i' int64,
 * 't' text (NULL binds NULL). Returns NULL after filling err. */
sqlite3_stmt *reg_prep(store_reg *g, store_err *err, const char *sql, const char *types,
                       ...)
{
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(g->db, sql, -1, &st, NULL) != SQLITE_OK) {
		reg_fail(g, err, "prepare");
		return NULL;
	}
	va_list ap;
	va_start(ap, types);
	for (int i = 0; types[i]; i++) {
		if (types[i] == 'i')
			sqlite3_bind_int64(st, i + 1, va_arg(ap, int64_t));
		else
			sqlite3_bind_text(st, i + 1, va_arg(ap, const char *), -1,
			                  SQLITE_TRANSIENT);
	}
	va_end(ap);
	return st;
}

/* Step a statement that returns no rows, then finalize it. */
int reg_done(store_reg *g, sqlite3_stmt *st, store_err *err)
{
	int rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return reg_fail(g, err, "write");
	return 0;
}

char *reg_col_str(sqlite3_stmt *st, int col)
{
	const unsigned char *s = sqlite3_column_text(st, col);
	return s ? strdup((const char *)s) : NULL;
}

/* ---- Opening ---------------------------------------------------------- */

char *store_registry_path(const char *explicit_path, store_err *err)
{
	const char *env = getenv("ACRE_REGISTRY");
	const char *xdg = getenv("XDG_DATA_HOME");
	const char *home = getenv("HOME");
	char buf[PATH_MAX];

	if (explicit_path && *explicit_path)
		return strdup(explicit_path);
	if (env && *env)
		return strdup(env);
	if (xdg && *xdg == '/')
		snprintf(buf, sizeof buf, "%s/acre/registry.db", xdg);
	else if (home && *home)
		snprintf(buf, sizeof buf, "%s/.local/share/acre/registry.db", home);
	else {
		store_seterr(err,
		             "no registry: set HOME, XDG_DATA_HOME or ACRE_REGISTRY, "
		             "or pass --registry FILE");
		return NULL;
	}
	return strdup(buf);
}

/* mkdir of one directory that may exist already (as a directory). */
static int reg_mkdir(const char *dir)
{
	struct stat st;
	if (mkdir(dir, 0755) == 0)
		return 0;
	if (errno != EEXIST)
		return -1;
	if (stat(dir, &st) != 0)
		return -1;
	if (!S_ISDIR(st.st_mode)) {
		errno = ENOTDIR;
		return -1;
	}
	return 0;
}

/* mkdir -p of the directory part of `path`. */
static int reg_mkdirs(const char *path, store_err *err)
{
	char buf[PATH_MAX];
	if (snprintf(buf, sizeof buf, "%s", path) >= (int)sizeof buf) {
		store_seterr(err, "registry %s: path too long", path);
		return -1;
	}
	char *slash = strrchr(buf, '/');
	if (!slash || slash == buf)
		return 0;
	*slash = '\0';
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (reg_mkdir(buf) != 0)
			goto fail;
		*p = '/';
	}
	if (reg_mkdir(buf) != 0)
		goto fail;
	return 0;
fail:
	store_seterr(err, "registry %s: cannot create directory %s: %s", path, buf,
	             strerror(errno));
	return -1;
}

static int reg_user_version(store_reg *g, int *v, store_err *err)
{
	sqlite3_stmt *st = reg_prep(g, err, "PRAGMA user_version", "");
	if (!st)
		return -1;
	int rc = sqlite3_step(st);
	*v = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW)
		return reg_fail(g, err, "reading the schema version");
	return 0;
}

/* Bring the schema up to date. The version is read again inside the write
 * transaction, so two processes opening a new file at once migrate it once. */
static int reg_migrate(store_reg *g, store_err *err)
{
	int v;
	if (reg_user_version(g, &v, err) != 0)
		return -1;
	if (v == REG_VERSION)
		return 0;
	if (v > REG_VERSION) {
		store_seterr(err,
		             "registry %s: schema version %d is newer than this acre "
		             "knows (%d); use a newer acre",
		             g->path, v, REG_VERSION);
		return -1;
	}
	if (reg_begin(g, err) != 0 || reg_user_version(g, &v, err) != 0)
		goto fail;
	for (; v < REG_VERSION; v++) {
		char sql[64];
		if (reg_exec(g, reg_migrations[v], err) != 0)
			goto fail;
		snprintf(sql, sizeof sql, "PRAGMA user_version = %d", v + 1);
		if (reg_exec(g, sql, err) != 0)
			goto fail;
	}
	return reg_commit(g, err);
fail:
	reg_rollback(g);
	return -1;
}

/* Why the file could not be opened: for a new file, whether its directory
 * takes new files (a read-only disk says so there, while SQLite's last
 * errno is from its read-only retry); else SQLite's own errno. */
static int reg_open_errno(const char *path, sqlite3 *db)
{
	char dir[PATH_MAX];
	snprintf(dir, sizeof dir, "%s", path);
	char *slash = strrchr(dir, '/');
	if (slash)
		*slash = '\0';
	if (access(path, F_OK) != 0 &&
	    access(slash ? (slash == dir ? "/" : dir) : ".", W_OK) != 0)
		return errno;
	return db ? sqlite3_system_errno(db) : 0;
}

int store_reg_open(const char *path, store_reg **out, store_err *err)
{
	*out = NULL;
	if (reg_mkdirs(path, err) != 0)
		return -1;
	store_reg *g = calloc(1, sizeof *g);
	if (!g || !(g->path = strdup(path))) {
		free(g);
		store_seterr(err, "out of memory");
		return -1;
	}
	int rc = sqlite3_open_v2(path, &g->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
	                         NULL);
	if (rc != SQLITE_OK) {
		/* SQLite's message is generic; the system's reason is not. */
		int sys = reg_open_errno(path, g->db);
		store_seterr(err, "registry %s: cannot open: %s%s%s%s", path,
		             g->db ? sqlite3_errmsg(g->db) : sqlite3_errstr(rc),
		             sys ? " (" : "", sys ? strerror(sys) : "", sys ? ")" : "");
		goto fail;
	}
	sqlite3_busy_timeout(g->db, STORE_BUSY_MS);
	sqlite3_extended_result_codes(g->db, 0);
	/* journal_mode answers with a row; WAL cannot be set on a read-only
	 * file, and that is the first place a bad file shows itself. */
	if (reg_exec(g, "PRAGMA journal_mode=WAL", err) != 0 ||
	    reg_exec(g, "PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON", err) != 0 ||
	    reg_migrate(g, err) != 0)
		goto fail;
	*out = g;
	return 0;
fail:
	store_reg_close(g);
	return -1;
}

void store_reg_close(store_reg *g)
{
	if (!g)
		return;
	sqlite3_close(g->db);
	free(g->path);
	free(g);
}

/* ---- Worlds ------------------------------------------------------------- */

/* The id of world `name`; 0 when unknown and !create. */
int reg_world_id(store_reg *g, const char *name, bool create, int64_t *id, store_err *err)
{
	sqlite3_stmt *st =
	    reg_prep(g, err, "SELECT id FROM worlds WHERE name = ?", "t", name);
	if (!st)
		return -1;
	int rc = sqlite3_step(st);
	*id = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return reg_fail(g, err, "reading worlds");
	if (*id || !create)
		return 0;
	st = reg_prep(g, err, "INSERT INTO worlds(name, created) VALUES(?, ?)", "ti",
	              name, (int64_t)time(NULL));
	if (!st || reg_done(g, st, err) != 0)
		return -1;
	*id = sqlite3_last_insert_rowid(g->db);
	return 0;
}

static int reg_known_world(store_reg *g, const char *world, int64_t *id, store_err *err)
{
	if (reg_world_id(g, world, false, id, err) != 0)
		return -1;
	if (*id == 0) {
		store_seterr(err,
		             "world '%s' is not in the registry %s (run 'acre index' "
		             "in its directory)",
		             world, g->path);
		return -1;
	}
	return 0;
}

/* ---- Ownership ---------------------------------------------------------- */

void store_owner_free(store_owner *o)
{
	free(o->owner);
	for (int i = 0; i < o->noperators; i++)
		free(o->operators[i]);
	free(o->operators);
	memset(o, 0, sizeof *o);
}

int reg_operators(store_reg *g, int64_t wid, const char *parcel, char ***ops, int *n,
                  store_err *err)
{
	*ops = NULL;
	*n = 0;
	sqlite3_stmt *st = reg_prep(g, err,
	                            "SELECT identity FROM operators WHERE world_id = ? "
	                            "AND parcel = ? ORDER BY identity",
	                            "it", wid, parcel);
	if (!st)
		return -1;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		char **v = realloc(*ops, (size_t)(*n + 1) * sizeof *v);
		if (!v)
			break;
		*ops = v;
		v[(*n)++] = reg_col_str(st, 0);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return reg_fail(g, err, "reading operators");
	return 0;
}

int store_parcel_owner(store_reg *g, const char *world, const char *parcel,
                       store_owner *out, store_err *err)
{
	int64_t wid;
	memset(out, 0, sizeof *out);
	if (reg_world_id(g, world, false, &wid, err) != 0)
		return -1;
	if (wid == 0)
		return 0;
	sqlite3_stmt *st = reg_prep(g, err,
	                            "SELECT owner FROM claims WHERE world_id = ? AND "
	                            "parcel = ?",
	                            "it", wid, parcel);
	if (!st)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		out->owner = reg_col_str(st, 0);
	sqlite3_finalize(st);
	return reg_operators(g, wid, parcel, &out->operators, &out->noperators, err);
}

int store_may_modify(store_reg *g, const char *world, const char *parcel,
                     const char *identity, store_right *right, store_err *err)
{
	store_owner o;
	*right = STORE_RIGHT_NONE;
	if (store_parcel_owner(g, world, parcel, &o, err) != 0)
		return -1;
	if (!o.owner)
		*right = STORE_RIGHT_UNCLAIMED;
	else if (strcmp(o.owner, identity) == 0)
		*right = STORE_RIGHT_OWNER;
	for (int i = 0; i < o.noperators && *right == STORE_RIGHT_NONE; i++)
		if (strcmp(o.operators[i], identity) == 0)
			*right = STORE_RIGHT_OPERATOR;
	store_owner_free(&o);
	return 0;
}

/* The largest claim of world `wid`, in unit parcels across and down: a
 * claim overlapping x..x+w starts after x - maxw, which bounds the scan of
 * the claims_land index. */
int reg_claim_extent(store_reg *g, int64_t wid, int32_t *maxw, int32_t *maxh,
                     store_err *err)
{
	sqlite3_stmt *st = reg_prep(g, err,
	                            "SELECT coalesce(max(pw), 0), coalesce(max(ph), 0) "
	                            "FROM claims WHERE world_id = ?",
	                            "i", wid);
	if (!st)
		return -1;
	int rc = sqlite3_step(st);
	*maxw = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
	*maxh = rc == SQLITE_ROW ? sqlite3_column_int(st, 1) : 0;
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : reg_fail(g, err, "reading claims");
}

/* The name of another claim of world `wid` overlapping the rectangle, in
 * `other` (empty when the land is free). `ext` is reg_claim_extent's
 * answer, or NULL to ask it. */
int reg_overlap(store_reg *g, int64_t wid, const char *parcel, const int32_t r[4],
                const int32_t *ext, char *other, size_t len, store_err *err)
{
	int32_t e[2];
	if (!ext) {
		if (reg_claim_extent(g, wid, &e[0], &e[1], err) != 0)
			return -1;
		ext = e;
	}
	sqlite3_stmt *st =
	    reg_prep(g, err,
	             "SELECT parcel FROM claims WHERE world_id = ? AND "
	             "px > ? AND px < ? AND parcel <> ? AND ? < px + pw "
	             "AND py < ? AND ? < py + ph LIMIT 1",
	             "iiitiii", wid, (int64_t)r[0] - ext[0], (int64_t)r[0] + r[2], parcel,
	             (int64_t)r[0], (int64_t)r[1] + r[3], (int64_t)r[1]);
	if (!st)
		return -1;
	int rc = sqlite3_step(st);
	other[0] = '\0';
	if (rc == SQLITE_ROW)
		snprintf(other, len, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return reg_fail(g, err, "reading claims");
	return 0;
}

/* Where parcel `parcel` of world `wid` lies, from an existing claim or the
 * newest index of any repository of the world. *known = false when neither
 * has heard of it. */
static int reg_parcel_area(store_reg *g, int64_t wid, const char *parcel, int32_t a[4],
                           bool *claimed, bool *known, store_err *err)
{
	static const char *const q[2] = {
	    "SELECT px, py, pw, ph FROM claims WHERE world_id = ? AND parcel = ?",
	    "SELECT p.px, p.py, p.pw, p.ph FROM parcels p JOIN repos r ON "
	    "p.repo_id = r.id WHERE r.world_id = ? AND p.name = ? "
	    "ORDER BY r.indexed DESC LIMIT 1",
	};
	*known = *claimed = false;
	for (int k = 0; k < 2 && !*known; k++) {
		sqlite3_stmt *st = reg_prep(g, err, q[k], "it", wid, parcel);
		if (!st)
			return -1;
		if (sqlite3_step(st) == SQLITE_ROW) {
			for (int i = 0; i < 4; i++)
				a[i] = sqlite3_column_int(st, i);
			*known = true;
			*claimed = k == 0;
		}
		sqlite3_finalize(st);
	}
	return 0;
}

static int reg_grant_tx(store_reg *g, const char *world, const char *parcel,
                        const char *identity, bool operator, store_err * err)
{
	int64_t wid, now = time(NULL);
	int32_t a[4];
	bool claimed, known;
	char other[160];

	if (reg_known_world(g, world, &wid, err) != 0 ||
	    reg_parcel_area(g, wid, parcel, a, &claimed, &known, err) != 0)
		return -1;
	if (!known) {
		store_seterr(err, "world '%s' has no parcel '%s' in the registry", world,
		             parcel);
		return -1;
	}
	if (!claimed && operator) {
		store_seterr(err,
		             "parcel '%s' of world '%s' has no owner yet; grant an "
		             "owner before operators",
		             parcel, world);
		return -1;
	}
	if (!claimed) {
		if (reg_overlap(g, wid, parcel, a, NULL, other, sizeof other, err) != 0)
			return -1;
		if (other[0]) {
			store_seterr(err,
			             "parcel '%s' overlaps land claimed by parcel '%s'",
			             parcel, other);
			return -1;
		}
	}
	sqlite3_stmt *st;
	if (operator)
		st = reg_prep(
		    g, err,
		    "INSERT OR IGNORE INTO operators(world_id, parcel, identity, "
		    "since) VALUES(?, ?, ?, ?)",
		    "itti", wid, parcel, identity, now);
	else
		st = reg_prep(
		    g, err,
		    "INSERT INTO claims(world_id, parcel, owner, px, py, pw, ph, "
		    "source, since) VALUES(?, ?, ?, ?, ?, ?, ?, 'grant', ?) "
		    "ON CONFLICT(world_id, parcel) DO UPDATE SET owner = "
		    "excluded.owner, source = 'grant', since = excluded.since",
		    "ittiiiii", wid, parcel, identity, (int64_t)a[0], (int64_t)a[1],
		    (int64_t)a[2], (int64_t)a[3], now);
	return st ? reg_done(g, st, err) : -1;
}

int store_grant(store_reg *g, const char *world, const char *parcel, const char *identity,
                bool operator, store_err * err)
{
	if (!*identity) {
		store_seterr(err, "an identity cannot be empty");
		return -1;
	}
	if (reg_begin(g, err) != 0)
		return -1;
	if (reg_grant_tx(g, world, parcel, identity, operator, err) != 0 ||
	    reg_commit(g, err) != 0) {
		reg_rollback(g);
		return -1;
	}
	return 0;
}

int store_revoke(store_reg *g, const char *world, const char *parcel,
                 const char *identity, store_err *err)
{
	int64_t wid;
	if (reg_begin(g, err) != 0)
		return -1;
	sqlite3_stmt *st;
	if (reg_known_world(g, world, &wid, err) != 0 ||
	    !(st = reg_prep(g, err,
	                    "DELETE FROM operators WHERE world_id = ? AND parcel = ? "
	                    "AND identity = ?",
	                    "itt", wid, parcel, identity)) ||
	    reg_done(g, st, err) != 0 || reg_commit(g, err) != 0) {
		reg_rollback(g);
		return -1;
	}
	return 0;
}
