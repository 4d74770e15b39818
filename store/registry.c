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
    /* 3 -> 4: worlds are keyed by repository (the key is the world
     * directory of the repository that holds the land, see store.h), no
     * longer by name; world operators; who made each claim; and the
     * log of every grant and revoke. Runs with foreign keys off (the
     * table rebuild SQLite documents for changing a constraint). A world
     * of an older registry keeps its id (so its claims and runs) and takes
     * the directory of its newest indexed repository as key. */
    "CREATE TABLE worlds_new("
    "  id INTEGER PRIMARY KEY,"
    "  name TEXT NOT NULL,"
    "  key TEXT NOT NULL UNIQUE,"
    "  created INTEGER NOT NULL);"
    "INSERT INTO worlds_new(id, name, key, created) SELECT w.id, w.name, "
    "  coalesce((SELECT r.dir FROM repos r WHERE r.world_id = w.id "
    "  ORDER BY r.indexed DESC LIMIT 1), 'name:' || w.name), w.created "
    "  FROM worlds w;"
    "DROP TABLE worlds;"
    "ALTER TABLE worlds_new RENAME TO worlds;"
    "CREATE INDEX worlds_name ON worlds(name);"
    "ALTER TABLE claims ADD COLUMN by TEXT;"
    "ALTER TABLE operators ADD COLUMN by TEXT;"
    "CREATE TABLE world_operators("
    "  world_id INTEGER NOT NULL REFERENCES worlds(id),"
    "  identity TEXT NOT NULL,"
    "  since INTEGER NOT NULL,"
    "  by TEXT,"
    "  PRIMARY KEY(world_id, identity));"
    "CREATE TABLE grants("
    "  id INTEGER PRIMARY KEY,"
    "  world_id INTEGER NOT NULL REFERENCES worlds(id),"
    "  parcel TEXT,"
    "  action TEXT NOT NULL,"
    "  identity TEXT NOT NULL,"
    "  by TEXT NOT NULL,"
    "  at INTEGER NOT NULL);"
    "CREATE INDEX grants_parcel ON grants(world_id, parcel, id);",
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
	/* Every write starts here: say plainly that this handle only reads. */
	if (g->readonly) {
		store_seterr(err,
		             "registry %s: opened read-only; this command only reads",
		             g->path);
		return -1;
	}
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
	/* Foreign keys go on after the migrations: a table rebuild (3 -> 4)
	 * must not cascade or check while the old table is dropped. */
	if (reg_exec(g, "PRAGMA journal_mode=WAL", err) != 0 ||
	    reg_exec(g, "PRAGMA synchronous=NORMAL", err) != 0 ||
	    reg_migrate(g, err) != 0 || reg_exec(g, "PRAGMA foreign_keys=ON", err) != 0)
		goto fail;
	*out = g;
	return 0;
fail:
	store_reg_close(g);
	return -1;
}

/* A URI naming `path` for sqlite3_open_v2 with `query`, or NULL. Only the
 * characters a URI gives a meaning are escaped. */
static char *reg_uri(const char *path, const char *query)
{
	size_t n = strlen(path);
	char *u = malloc(n * 3 + strlen(query) + 16);
	if (!u)
		return NULL;
	char *o = u + sprintf(u, "file:");
	for (const char *p = path; *p; p++)
		o += strchr("%?#", *p) ? sprintf(o, "%%%02X", (unsigned char)*p)
		                       : sprintf(o, "%c", *p);
	sprintf(o, "?%s", query);
	return u;
}

static int reg_try_ro(store_reg *g, const char *query, store_err *err)
{
	char *uri = reg_uri(g->path, query);
	if (!uri) {
		store_seterr(err, "out of memory");
		return -1;
	}
	int rc =
	    sqlite3_open_v2(uri, &g->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, NULL);
	free(uri);
	int v = 0;
	if (rc == SQLITE_OK) {
		sqlite3_busy_timeout(g->db, STORE_BUSY_MS);
		sqlite3_stmt *st = NULL;
		rc = sqlite3_prepare_v2(g->db, "PRAGMA user_version", -1, &st, NULL);
		if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
			v = sqlite3_column_int(st, 0);
			rc = SQLITE_OK;
		}
		sqlite3_finalize(st);
		if (rc != SQLITE_OK)
			store_seterr(err, "registry %s: %s", g->path,
			             sqlite3_errmsg(g->db));
	} else {
		store_seterr(err, "registry %s: cannot open: %s", g->path,
		             g->db ? sqlite3_errmsg(g->db) : sqlite3_errstr(rc));
	}
	if (rc != SQLITE_OK) {
		sqlite3_close(g->db);
		g->db = NULL;
		return -1;
	}
	if (v != REG_VERSION) {
		store_seterr(err,
		             v > REG_VERSION
		                 ? "registry %s: schema version %d is newer than this "
		                   "acre knows (%d); use a newer acre"
		                 : "registry %s: schema version %d is older than this "
		                   "acre's (%d); upgrade it once with a command that "
		                   "writes, such as 'acre index'",
		             g->path, v, REG_VERSION);
		return -2;
	}
	return 0;
}

int store_reg_open_ro(const char *path, store_reg **out, store_err *err)
{
	*out = NULL;
	if (access(path, F_OK) != 0) {
		store_seterr(err,
		             "registry %s: %s (nothing has been indexed or "
		             "recorded there yet)",
		             path, strerror(errno));
		return -1;
	}
	store_reg *g = calloc(1, sizeof *g);
	if (!g || !(g->path = strdup(path))) {
		free(g);
		store_seterr(err, "out of memory");
		return -1;
	}
	/* A WAL database is read through its shared-memory file, which a
	 * reader must be able to create: on a read-only disk (or directory)
	 * without one, read the file as immutable instead — nobody can be
	 * writing it there. */
	int rc = reg_try_ro(g, "mode=ro", err);
	if (rc == -1) {
		store_err again;
		rc = reg_try_ro(g, "immutable=1", &again);
	}
	if (rc == -2 && access(path, W_OK) == 0) {
		/* An older schema where it can be written: migrate once (as
		 * any command would), then read. */
		store_reg *w;
		sqlite3_close(g->db);
		g->db = NULL;
		if (store_reg_open(path, &w, err) != 0) {
			store_reg_close(g);
			return -1;
		}
		store_reg_close(w);
		rc = reg_try_ro(g, "mode=ro", err);
	}
	if (rc != 0) {
		store_reg_close(g);
		return -1;
	}
	g->readonly = true;
	*out = g;
	return 0;
}

void store_reg_close(store_reg *g)
{
	if (!g)
		return;
	sqlite3_finalize(g->log_st);
	sqlite3_close(g->db);
	free(g->path);
	free(g);
}

/* ---- Worlds ------------------------------------------------------------- */

int reg_world_id(store_reg *g, const char *key, const char *create_name, int64_t *id,
                 store_err *err)
{
	sqlite3_stmt *st =
	    reg_prep(g, err, "SELECT id, name FROM worlds WHERE key = ?", "t", key);
	if (!st)
		return -1;
	int rc = sqlite3_step(st);
	*id = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	bool renamed = rc == SQLITE_ROW && create_name &&
	               strcmp((const char *)sqlite3_column_text(st, 1), create_name) != 0;
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return reg_fail(g, err, "reading worlds");
	if (!create_name || (*id && !renamed))
		return 0;
	if (*id)
		st = reg_prep(g, err, "UPDATE worlds SET name = ? WHERE id = ?", "ti",
		              create_name, *id);
	else
		st = reg_prep(g, err,
		              "INSERT INTO worlds(name, key, created) VALUES(?, ?, ?)",
		              "tti", create_name, key, (int64_t)time(NULL));
	if (!st || reg_done(g, st, err) != 0)
		return -1;
	if (!*id)
		*id = sqlite3_last_insert_rowid(g->db);
	return 0;
}

static int reg_known_world(store_reg *g, const char *world, int64_t *id, store_err *err)
{
	if (reg_world_id(g, world, NULL, id, err) != 0)
		return -1;
	if (*id == 0) {
		store_seterr(err,
		             "world %s is not in the registry %s (run 'acre index' "
		             "on its repository)",
		             world, g->path);
		return -1;
	}
	return 0;
}

int reg_log_grant(store_reg *g, int64_t wid, const char *parcel, const char *action,
                  const char *identity, const char *by, store_err *err)
{
	if (!g->log_st &&
	    !(g->log_st = reg_prep(g, err,
	                           "INSERT INTO grants(world_id, parcel, action, "
	                           "identity, by, at) VALUES(?, ?, ?, ?, ?, ?)",
	                           "")))
		return -1;
	sqlite3_stmt *st = g->log_st;
	sqlite3_reset(st);
	sqlite3_bind_int64(st, 1, wid);
	sqlite3_bind_text(st, 2, parcel, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 3, action, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, identity, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 5, by ? by : STORE_PLATFORM, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 6, (int64_t)time(NULL));
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : reg_fail(g, err, "logging a grant");
}

/* ---- Ownership ---------------------------------------------------------- */

static void reg_names_free(char **v, int n)
{
	for (int i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

void store_owner_free(store_owner *o)
{
	free(o->owner);
	free(o->by);
	free(o->source);
	reg_names_free(o->operators, o->noperators);
	memset(o, 0, sizeof *o);
}

/* The strings of column 0 of a query bound with (wid, text). */
static int reg_strings(store_reg *g, const char *sql, int64_t wid, const char *arg,
                       char ***out, int *n, store_err *err)
{
	*out = NULL;
	*n = 0;
	sqlite3_stmt *st = reg_prep(g, err, sql, arg ? "it" : "i", wid, arg);
	if (!st)
		return -1;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		char **v = realloc(*out, (size_t)(*n + 1) * sizeof *v);
		if (!v || !(v[*n] = reg_col_str(st, 0))) {
			if (v)
				*out = v;
			sqlite3_finalize(st);
			store_seterr(err, "out of memory");
			return -1;
		}
		*out = v;
		(*n)++;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		reg_names_free(*out, *n);
		*out = NULL;
		*n = 0;
		return reg_fail(g, err, "reading the registry");
	}
	return 0;
}

int reg_operators(store_reg *g, int64_t wid, const char *parcel, char ***ops, int *n,
                  store_err *err)
{
	return reg_strings(g,
	                   "SELECT identity FROM operators WHERE world_id = ? AND "
	                   "parcel = ? ORDER BY identity",
	                   wid, parcel, ops, n, err);
}

int store_world_operators(store_reg *g, const char *world, char ***ids, int *n,
                          store_err *err)
{
	int64_t wid;
	*ids = NULL;
	*n = 0;
	if (reg_world_id(g, world, NULL, &wid, err) != 0)
		return -1;
	if (!wid)
		return 0;
	return reg_strings(g,
	                   "SELECT identity FROM world_operators WHERE world_id = ? "
	                   "ORDER BY identity",
	                   wid, NULL, ids, n, err);
}

void store_names_free_n(char **names, int n)
{
	reg_names_free(names, n);
}

static int reg_is_world_operator(store_reg *g, int64_t wid, const char *identity,
                                 bool *yes, store_err *err)
{
	*yes = false;
	if (!identity)
		return 0;
	sqlite3_stmt *st = reg_prep(g, err,
	                            "SELECT 1 FROM world_operators WHERE world_id = ? "
	                            "AND identity = ?",
	                            "it", wid, identity);
	if (!st)
		return -1;
	int rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return reg_fail(g, err, "reading world operators");
	*yes = rc == SQLITE_ROW;
	return 0;
}

static int reg_owner(store_reg *g, int64_t wid, const char *parcel, store_owner *out,
                     store_err *err)
{
	memset(out, 0, sizeof *out);
	sqlite3_stmt *st = reg_prep(g, err,
	                            "SELECT owner, by, source, since FROM claims WHERE "
	                            "world_id = ? AND parcel = ?",
	                            "it", wid, parcel);
	if (!st)
		return -1;
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		out->owner = reg_col_str(st, 0);
		out->by = reg_col_str(st, 1);
		out->source = reg_col_str(st, 2);
		out->since = sqlite3_column_int64(st, 3);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return reg_fail(g, err, "reading claims");
	return reg_operators(g, wid, parcel, &out->operators, &out->noperators, err);
}

int store_parcel_owner(store_reg *g, const char *world, const char *parcel,
                       store_owner *out, store_err *err)
{
	int64_t wid;
	memset(out, 0, sizeof *out);
	if (reg_world_id(g, world, NULL, &wid, err) != 0)
		return -1;
	return wid ? reg_owner(g, wid, parcel, out, err) : 0;
}

static store_right reg_right(const store_owner *o, const char *identity, bool wop)
{
	if (!o->owner)
		return STORE_RIGHT_UNCLAIMED;
	if (strcmp(o->owner, identity) == 0)
		return STORE_RIGHT_OWNER;
	for (int i = 0; i < o->noperators; i++)
		if (strcmp(o->operators[i], identity) == 0)
			return STORE_RIGHT_OPERATOR;
	return wop ? STORE_RIGHT_WORLD_OPERATOR : STORE_RIGHT_NONE;
}

int store_may_modify(store_reg *g, const char *world, const char *parcel,
                     const char *identity, store_right *right, store_err *err)
{
	store_owner o;
	int64_t wid;
	bool wop = false;
	*right = STORE_RIGHT_UNCLAIMED;
	if (reg_world_id(g, world, NULL, &wid, err) != 0)
		return -1;
	if (!wid)
		return 0;
	if (reg_owner(g, wid, parcel, &o, err) != 0 ||
	    reg_is_world_operator(g, wid, identity, &wop, err) != 0) {
		store_owner_free(&o);
		return -1;
	}
	*right = reg_right(&o, identity, wop);
	store_owner_free(&o);
	return 0;
}

int store_is_world_operator(store_reg *g, const char *world, const char *identity,
                            bool *yes, store_err *err)
{
	int64_t wid;
	*yes = false;
	if (reg_world_id(g, world, NULL, &wid, err) != 0)
		return -1;
	return wid ? reg_is_world_operator(g, wid, identity, yes, err) : 0;
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

/* Land a claimed parcel still covers in the world's indexed revision (the
 * default branch, as the post-receive hook indexes it) although its claim
 * was moved elsewhere: by a move pushed on another branch. That land is
 * not free while the default branch has the parcel there, or a stranger
 * could build under it and the owner could no longer change it there.
 * Answers like reg_overlap_owner; `other` stays empty when none. */
static int reg_overlap_held(store_reg *g, int64_t wid, const char *parcel,
                            const int32_t r[4], char *other, size_t len, char *owner,
                            size_t olen, store_err *err)
{
	sqlite3_stmt *st = reg_prep(
	    g, err,
	    "SELECT p.name, c.owner FROM repos o JOIN parcels p ON p.repo_id = o.id "
	    "JOIN claims c ON c.world_id = o.world_id AND c.parcel = p.name "
	    "WHERE o.world_id = ?1 AND p.name <> ?2 AND p.px < ?3 + ?5 AND "
	    "?3 < p.px + p.pw AND p.py < ?4 + ?6 AND ?4 < p.py + p.ph AND "
	    "NOT (c.px = p.px AND c.py = p.py AND c.pw = p.pw AND c.ph = p.ph) "
	    "LIMIT 1",
	    "itiiii", wid, parcel, (int64_t)r[0], (int64_t)r[1], (int64_t)r[2],
	    (int64_t)r[3]);
	if (!st)
		return -1;
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		snprintf(other, len, "%s", (const char *)sqlite3_column_text(st, 0));
		if (owner)
			snprintf(owner, olen, "%s", (const char *)sqlite3_column_text(st, 1));
	}
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : reg_fail(g, err, "reading parcels");
}

/* The name of another claim of world `wid` overlapping the rectangle, in
 * `other` (empty when the land is free), and its owner in `owner` when
 * that is not NULL. `ext` is reg_claim_extent's answer, or NULL to ask.
 * With `held`, land a claimed parcel still covers on the default branch
 * counts as its claim's too (reg_overlap_held). */
static int reg_overlap_owner(store_reg *g, int64_t wid, const char *parcel,
                             const int32_t r[4], const int32_t *ext, bool held,
                             char *other, size_t len, char *owner, size_t olen,
                             store_err *err)
{
	int32_t e[2];
	if (!ext) {
		if (reg_claim_extent(g, wid, &e[0], &e[1], err) != 0)
			return -1;
		ext = e;
	}
	sqlite3_stmt *st =
	    reg_prep(g, err,
	             "SELECT parcel, owner FROM claims WHERE world_id = ? AND "
	             "px > ? AND px < ? AND parcel <> ? AND ? < px + pw "
	             "AND py < ? AND ? < py + ph LIMIT 1",
	             "iiitiii", wid, (int64_t)r[0] - ext[0], (int64_t)r[0] + r[2], parcel,
	             (int64_t)r[0], (int64_t)r[1] + r[3], (int64_t)r[1]);
	if (!st)
		return -1;
	int rc = sqlite3_step(st);
	other[0] = '\0';
	if (owner)
		owner[0] = '\0';
	if (rc == SQLITE_ROW) {
		snprintf(other, len, "%s", (const char *)sqlite3_column_text(st, 0));
		if (owner)
			snprintf(owner, olen, "%s",
			         (const char *)sqlite3_column_text(st, 1));
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return reg_fail(g, err, "reading claims");
	if (held && !other[0])
		return reg_overlap_held(g, wid, parcel, r, other, len, owner, olen, err);
	return 0;
}

int reg_overlap(store_reg *g, int64_t wid, const char *parcel, const int32_t r[4],
                const int32_t *ext, char *other, size_t len, store_err *err)
{
	return reg_overlap_owner(g, wid, parcel, r, ext, false, other, len, NULL, 0, err);
}

int store_land_taken(store_reg *g, const char *world, const char *parcel,
                     const int32_t land[4], char *other, size_t len, char *owner,
                     size_t olen, store_err *err)
{
	int64_t wid;
	other[0] = owner[0] = '\0';
	if (reg_world_id(g, world, NULL, &wid, err) != 0)
		return -1;
	return wid ? reg_overlap_owner(g, wid, parcel, land, NULL, true, other, len, owner,
	                               olen, err)
	           : 0;
}

/* Where parcel `parcel` of world `wid` lies, from an existing claim or the
 * index of the world's repository. *known = false when neither has heard
 * of it. */
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

/* May `by` grant or revoke rights on the parcel? Its owner may, and so may
 * an operator of the world; `by` NULL is the platform itself (whoever can
 * write the registry file), which may do anything. Returns 1 with the
 * reason in err when not. */
static int reg_may_grant(store_reg *g, int64_t wid, const char *world, const char *parcel,
                         const store_owner *o, const char *by, store_err *err)
{
	bool wop;
	if (!by)
		return 0;
	if (reg_is_world_operator(g, wid, by, &wop, err) != 0)
		return -1;
	if (wop || (o->owner && strcmp(o->owner, by) == 0))
		return 0;
	if (o->owner)
		store_seterr(err,
		             "'%s' may not grant or revoke rights on parcel '%s': it "
		             "belongs to %s, and only its owner or an operator of the "
		             "world may",
		             by, parcel, o->owner);
	else
		store_seterr(err,
		             "'%s' may not grant parcel '%s' of world %s: nobody owns "
		             "it, and only an operator of the world may grant "
		             "unclaimed land",
		             by, parcel, world);
	return 1;
}

static int reg_grant_tx(store_reg *g, const char *world, const char *parcel,
                        const char *identity, bool as_operator, const char *by,
                        store_err *err)
{
	int64_t wid, now = time(NULL);
	int32_t a[4];
	bool claimed, known;
	char other[160];
	store_owner o;

	if (reg_known_world(g, world, &wid, err) != 0 ||
	    reg_parcel_area(g, wid, parcel, a, &claimed, &known, err) != 0)
		return -1;
	if (!known) {
		store_seterr(err, "world %s has no parcel '%s' in the registry", world,
		             parcel);
		return -1;
	}
	if (reg_owner(g, wid, parcel, &o, err) != 0) {
		store_owner_free(&o);
		return -1;
	}
	int rc = reg_may_grant(g, wid, world, parcel, &o, by, err);
	store_owner_free(&o);
	if (rc != 0)
		return rc;
	if (!claimed && as_operator) {
		store_seterr(err,
		             "parcel '%s' of world %s has no owner yet; grant an "
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
			return 1;
		}
	}
	sqlite3_stmt *st;
	if (as_operator)
		st = reg_prep(
		    g, err,
		    "INSERT OR IGNORE INTO operators(world_id, parcel, identity, "
		    "since, by) VALUES(?, ?, ?, ?, ?)",
		    "ittit", wid, parcel, identity, now, by ? by : STORE_PLATFORM);
	else
		st = reg_prep(
		    g, err,
		    "INSERT INTO claims(world_id, parcel, owner, px, py, pw, ph, "
		    "source, since, by) VALUES(?, ?, ?, ?, ?, ?, ?, 'grant', ?, ?) "
		    "ON CONFLICT(world_id, parcel) DO UPDATE SET owner = "
		    "excluded.owner, source = 'grant', since = excluded.since, "
		    "by = excluded.by",
		    "ittiiiiit", wid, parcel, identity, (int64_t)a[0], (int64_t)a[1],
		    (int64_t)a[2], (int64_t)a[3], now, by ? by : STORE_PLATFORM);
	if (!st || reg_done(g, st, err) != 0)
		return -1;
	return reg_log_grant(g, wid, parcel, as_operator ? "operator" : "owner", identity,
	                     by, err);
}

/* Run one write transaction: fn's 0 commits, anything else rolls back
 * and is returned. */
static int reg_tx(store_reg *g, store_err *err, int rc)
{
	if (rc == 0 && reg_commit(g, err) == 0)
		return 0;
	reg_rollback(g);
	return rc ? rc : -1;
}

static int reg_check_identity(const char *identity, store_err *err)
{
	if (!identity || !*identity) {
		store_seterr(err, "an identity cannot be empty");
		return -1;
	}
	return 0;
}

int store_grant(store_reg *g, const char *world, const char *parcel, const char *identity,
                bool as_operator, const char *by, store_err *err)
{
	if (reg_check_identity(identity, err) != 0 || reg_begin(g, err) != 0)
		return -1;
	return reg_tx(g, err,
	              reg_grant_tx(g, world, parcel, identity, as_operator, by, err));
}

static int reg_revoke_tx(store_reg *g, const char *world, const char *parcel,
                         const char *identity, const char *by, store_err *err)
{
	int64_t wid;
	store_owner o;
	if (reg_known_world(g, world, &wid, err) != 0)
		return -1;
	if (reg_owner(g, wid, parcel, &o, err) != 0) {
		store_owner_free(&o);
		return -1;
	}
	int rc = reg_may_grant(g, wid, world, parcel, &o, by, err);
	store_owner_free(&o);
	if (rc != 0)
		return rc;
	sqlite3_stmt *st = reg_prep(g, err,
	                            "DELETE FROM operators WHERE world_id = ? AND "
	                            "parcel = ? AND identity = ?",
	                            "itt", wid, parcel, identity);
	if (!st || reg_done(g, st, err) != 0)
		return -1;
	if (sqlite3_changes(g->db) == 0)
		return 0; /* nothing changed, nothing to log */
	return reg_log_grant(g, wid, parcel, "revoke-operator", identity, by, err);
}

int store_revoke(store_reg *g, const char *world, const char *parcel,
                 const char *identity, const char *by, store_err *err)
{
	if (reg_check_identity(identity, err) != 0 || reg_begin(g, err) != 0)
		return -1;
	return reg_tx(g, err, reg_revoke_tx(g, world, parcel, identity, by, err));
}

/* World operators are named by the platform (by NULL) or by another world
 * operator; the world's first one can only come from the platform. */
static int reg_world_grant_tx(store_reg *g, const char *world, const char *identity,
                              bool revoke, const char *by, store_err *err)
{
	int64_t wid;
	bool wop;
	if (reg_known_world(g, world, &wid, err) != 0 ||
	    reg_is_world_operator(g, wid, by, &wop, err) != 0)
		return -1;
	if (by && !wop) {
		store_seterr(err,
		             "'%s' may not name or remove operators of world %s: only "
		             "an operator of the world (or the platform) may",
		             by, world);
		return 1;
	}
	sqlite3_stmt *st;
	if (revoke)
		st = reg_prep(g, err,
		              "DELETE FROM world_operators WHERE world_id = ? AND "
		              "identity = ?",
		              "it", wid, identity);
	else
		st = reg_prep(g, err,
		              "INSERT OR IGNORE INTO world_operators(world_id, identity, "
		              "since, by) VALUES(?, ?, ?, ?)",
		              "itit", wid, identity, (int64_t)time(NULL),
		              by ? by : STORE_PLATFORM);
	if (!st || reg_done(g, st, err) != 0)
		return -1;
	if (sqlite3_changes(g->db) == 0)
		return 0;
	return reg_log_grant(g, wid, NULL,
	                     revoke ? "revoke-world-operator" : "world-operator",
	                     identity, by, err);
}

int store_grant_world(store_reg *g, const char *world, const char *identity, bool revoke,
                      const char *by, store_err *err)
{
	if (reg_check_identity(identity, err) != 0 || reg_begin(g, err) != 0)
		return -1;
	return reg_tx(g, err, reg_world_grant_tx(g, world, identity, revoke, by, err));
}

/* ---- Claims made by an accepted change ---------------------------------- */

/* One claim: a new parcel is claimed for `by`; a claimed one that `by` may
 * change has its land follow the file when the change is to the default
 * branch (`moves`). Refused (1) when another holds the parcel or its land
 * in the file. */
static int reg_claim_one(store_reg *g, int64_t wid, const store_claim *c, const char *by,
                         bool moves, store_err *err)
{
	store_owner o;
	bool wop;
	char other[160], owner[160];
	if (reg_owner(g, wid, c->parcel, &o, err) != 0 ||
	    reg_is_world_operator(g, wid, by, &wop, err) != 0) {
		store_owner_free(&o);
		return -1;
	}
	store_right right = reg_right(&o, by, wop);
	store_owner_free(&o);
	if (right == STORE_RIGHT_NONE) {
		store_seterr(err, "parcel '%s' was claimed by someone else meanwhile",
		             c->parcel);
		return 1;
	}
	if (reg_overlap_owner(g, wid, c->parcel, c->land, NULL, true, other, sizeof other,
	                      owner, sizeof owner, err) != 0)
		return -1;
	if (other[0]) {
		store_seterr(err,
		             "parcel '%s' lies on land of parcel '%s', claimed by %s",
		             c->parcel, other, owner);
		return 1;
	}
	if (right != STORE_RIGHT_UNCLAIMED && !moves)
		return 0; /* a move on a side branch: the claim stays where it is */
	sqlite3_stmt *st;
	if (right == STORE_RIGHT_UNCLAIMED)
		st = reg_prep(g, err,
		              "INSERT INTO claims(world_id, parcel, owner, px, py, pw, "
		              "ph, source, since, by) VALUES(?, ?, ?, ?, ?, ?, ?, "
		              "'push', ?, ?)",
		              "ittiiiiit", wid, c->parcel, by, (int64_t)c->land[0],
		              (int64_t)c->land[1], (int64_t)c->land[2],
		              (int64_t)c->land[3], (int64_t)time(NULL), by);
	else
		st = reg_prep(g, err,
		              "UPDATE claims SET px = ?, py = ?, pw = ?, ph = ? WHERE "
		              "world_id = ? AND parcel = ?",
		              "iiiiit", (int64_t)c->land[0], (int64_t)c->land[1],
		              (int64_t)c->land[2], (int64_t)c->land[3], wid, c->parcel);
	if (!st || reg_done(g, st, err) != 0)
		return -1;
	return right == STORE_RIGHT_UNCLAIMED
	           ? reg_log_grant(g, wid, c->parcel, "claim", by, by, err)
	           : 0;
}

static int reg_claim_tx(store_reg *g, const char *world, const char *name,
                        const store_claim *claims, int n, const char *by, bool moves,
                        store_err *err)
{
	int64_t wid;
	if (reg_world_id(g, world, name, &wid, err) != 0)
		return -1;
	for (int i = 0; i < n; i++) {
		int rc = reg_claim_one(g, wid, &claims[i], by, moves, err);
		if (rc != 0)
			return rc;
	}
	return 0;
}

int store_claim_land(store_reg *g, const char *world, const char *name,
                     const store_claim *claims, int n, const char *by, bool on_default,
                     store_err *err)
{
	if (reg_check_identity(by, err) != 0 || reg_begin(g, err) != 0)
		return -1;
	return reg_tx(g, err,
	              reg_claim_tx(g, world, name, claims, n, by, on_default, err));
}

/* ---- The log of grants -------------------------------------------------- */

int store_grant_log(store_reg *g, const char *world, const char *parcel,
                    int (*fn)(const store_grant_row *, void *), void *arg, store_err *err)
{
	int64_t wid;
	if (reg_known_world(g, world, &wid, err) != 0)
		return -1;
	sqlite3_stmt *st = reg_prep(g, err,
	                            "SELECT parcel, action, identity, by, at FROM grants "
	                            "WHERE world_id = ?1 AND (?2 IS NULL OR parcel = ?2 "
	                            "OR parcel IS NULL) ORDER BY id",
	                            "it", wid, parcel);
	if (!st)
		return -1;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		store_grant_row r = {
		    .parcel = (const char *)sqlite3_column_text(st, 0),
		    .action = (const char *)sqlite3_column_text(st, 1),
		    .identity = (const char *)sqlite3_column_text(st, 2),
		    .by = (const char *)sqlite3_column_text(st, 3),
		    .at = sqlite3_column_int64(st, 4),
		};
		if (fn(&r, arg)) {
			rc = SQLITE_DONE;
			break;
		}
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : reg_fail(g, err, "reading grants");
}
