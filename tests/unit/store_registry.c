/* store_registry.c — the SQLite registry on real database files: opening,
 * migrations from an older schema, validation runs, concurrent writers,
 * claims and checked grants, read-only opening. */
#include "store/store.h"
#include "tests/unit/unit.h"

#include <sqlite3.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static char tmp[256];

static char *path_in(const char *name)
{
	static char buf[4][512];
	static int k;
	char *b = buf[k++ % 4];
	snprintf(b, 512, "%s/%s", tmp, name);
	return b;
}

static void sql(const char *db, const char *q)
{
	sqlite3 *h;
	sqlite3_open(db, &h);
	char *msg = NULL;
	if (sqlite3_exec(h, q, NULL, NULL, &msg) != SQLITE_OK)
		printf("# sql: %s\n", msg);
	sqlite3_free(msg);
	sqlite3_close(h);
}

static long long sql_int(const char *db, const char *q)
{
	sqlite3 *h;
	sqlite3_stmt *st;
	long long v = -1;
	sqlite3_open(db, &h);
	if (sqlite3_prepare_v2(h, q, -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(h);
	return v;
}

static void test_open_new(void)
{
	store_reg *g;
	store_err err = {{0}};
	char *db = path_in("new/deeper/registry.db");
	CHECK(store_reg_open(db, &g, &err) == 0,
	      "a new registry opens, directories made");
	store_reg_close(g);
	CHECK(sql_int(db, "PRAGMA user_version") == store_reg_schema_version(),
	      "a new registry is at the current schema");
	CHECK(sql_int(db, "SELECT count(*) FROM pragma_journal_mode "
	                  "WHERE journal_mode = 'wal'") == 1,
	      "the registry is in WAL mode");
}

static void test_paths(void)
{
	store_err err;
	setenv("ACRE_REGISTRY", "/x/env.db", 1);
	char *p = store_registry_path("/x/given.db", &err);
	CHECK_STR(p, "/x/given.db", "--registry wins over the environment");
	free(p);
	p = store_registry_path(NULL, &err);
	CHECK_STR(p, "/x/env.db", "ACRE_REGISTRY is next");
	free(p);
	unsetenv("ACRE_REGISTRY");
	setenv("XDG_DATA_HOME", "/x/data", 1);
	p = store_registry_path(NULL, &err);
	CHECK_STR(p, "/x/data/acre/registry.db", "then XDG_DATA_HOME");
	free(p);
	unsetenv("XDG_DATA_HOME");
	setenv("HOME", "/x/home", 1);
	p = store_registry_path(NULL, &err);
	CHECK_STR(p, "/x/home/.local/share/acre/registry.db", "then HOME");
	free(p);
}

/* The schema as version 1 shipped it, with one claim in it. */
static void make_v1(const char *db)
{
	sql(db,
	    "CREATE TABLE worlds(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE,"
	    " created INTEGER NOT NULL);"
	    "CREATE TABLE repos(id INTEGER PRIMARY KEY, world_id INTEGER NOT NULL"
	    " REFERENCES worlds(id), dir TEXT NOT NULL UNIQUE, head TEXT,"
	    " parcel_w INTEGER, parcel_h INTEGER, indexed INTEGER);"
	    "CREATE TABLE revisions(repo_id INTEGER NOT NULL REFERENCES repos(id)"
	    " ON DELETE CASCADE, seq INTEGER NOT NULL, commit_id TEXT NOT NULL,"
	    " parent TEXT, author TEXT, email TEXT, time INTEGER, summary TEXT,"
	    " world_blob TEXT, PRIMARY KEY(repo_id, commit_id));"
	    "CREATE TABLE parcels(repo_id INTEGER NOT NULL REFERENCES repos(id)"
	    " ON DELETE CASCADE, name TEXT NOT NULL, px INTEGER, py INTEGER,"
	    " pw INTEGER, ph INTEGER, x0 INTEGER, y0 INTEGER, x1 INTEGER,"
	    " y1 INTEGER, zone TEXT, file_owner TEXT, script TEXT,"
	    " PRIMARY KEY(repo_id, name));"
	    "CREATE INDEX parcels_xy ON parcels(repo_id, x0, y0);"
	    "CREATE TABLE claims(world_id INTEGER NOT NULL REFERENCES worlds(id),"
	    " parcel TEXT NOT NULL, owner TEXT NOT NULL, px INTEGER, py INTEGER,"
	    " pw INTEGER, ph INTEGER, source TEXT NOT NULL, since INTEGER NOT NULL,"
	    " PRIMARY KEY(world_id, parcel));"
	    "CREATE TABLE operators(world_id INTEGER NOT NULL, parcel TEXT NOT NULL,"
	    " identity TEXT NOT NULL, since INTEGER NOT NULL,"
	    " PRIMARY KEY(world_id, parcel, identity), FOREIGN KEY(world_id, parcel)"
	    " REFERENCES claims(world_id, parcel) ON DELETE CASCADE);"
	    "CREATE TABLE runs(id INTEGER PRIMARY KEY, world_id INTEGER NOT NULL"
	    " REFERENCES worlds(id), dir TEXT, commit_id TEXT, status TEXT NOT NULL,"
	    " identity TEXT, state_hash TEXT, ticks INTEGER, duration_ms INTEGER,"
	    " at INTEGER NOT NULL);"
	    "CREATE TABLE run_errors(run_id INTEGER NOT NULL REFERENCES runs(id)"
	    " ON DELETE CASCADE, seq INTEGER NOT NULL, file TEXT, line INTEGER,"
	    " col INTEGER, parcel TEXT, severity TEXT, message TEXT NOT NULL,"
	    " PRIMARY KEY(run_id, seq));"
	    "INSERT INTO worlds VALUES(1, 'old-world', 0);"
	    "INSERT INTO claims VALUES(1, 'plaza', 'hiro', 0, 0, 1, 1, 'file', 0);"
	    "INSERT INTO runs VALUES(1, 1, NULL, 'abc', 'valid', NULL, NULL, 10, 5, 0);"
	    "PRAGMA user_version = 1;");
}

static void test_migrate(void)
{
	store_reg *g;
	store_err err = {{0}};
	char *db = path_in("v1.db");
	make_v1(db);
	CHECK(store_reg_open(db, &g, &err) == 0, "a version 1 registry opens: %s",
	      err.msg);
	store_right right;
	CHECK(store_may_modify(g, "name:old-world", "plaza", "hiro", &right, &err) == 0 &&
	          right == STORE_RIGHT_OWNER,
	      "claims survive the migration (a world never indexed is keyed by "
	      "its old name)");
	store_run_parcel rp = {
	    .parcel = "plaza", .status = "ok", .instructions = 7, .memory = 9};
	store_run run = {.world = "name:old-world",
	                 .commit = "abc",
	                 .status = "valid",
	                 .parcels = &rp,
	                 .nparcels = 1};
	CHECK(store_run_record(g, &run, NULL, &err) == 0,
	      "per-parcel figures can be recorded after migrating: %s", err.msg);
	store_reg_close(g);
	CHECK(sql_int(db, "PRAGMA user_version") == store_reg_schema_version(),
	      "the version is bumped");
	CHECK(sql_int(db, "SELECT count(*) FROM runs") == 2, "old runs are kept");
}

static void test_newer(void)
{
	store_reg *g;
	store_err err = {{0}};
	char *db = path_in("future.db");
	char want[600];
	sql(db, "CREATE TABLE x(y); PRAGMA user_version = 99;");
	CHECK(store_reg_open(db, &g, &err) == -1, "a newer schema is refused");
	snprintf(want, sizeof want,
	         "registry %s: schema version 99 is newer than this acre knows (%d); "
	         "use a newer acre",
	         db, store_reg_schema_version());
	CHECK_STR(err.msg, want, "and says so");
}

static void test_garbage(void)
{
	store_reg *g;
	store_err err = {{0}};
	char *db = path_in("garbage.db");
	char want[600];
	FILE *f = fopen(db, "w");
	fputs("this is not a database, just some text that is long enough to be "
	      "mistaken for a header by nobody at all, really not at all.\n",
	      f);
	fclose(f);
	CHECK(store_reg_open(db, &g, &err) == -1, "a file that is not a database fails");
	snprintf(want, sizeof want, "registry %s: file is not a database", db);
	CHECK_STR(err.msg, want, "with SQLite's reason");
}

static void test_runs(void)
{
	store_reg *g;
	store_err err = {{0}};
	store_parcel_result *res;
	int n;
	CHECK(store_reg_open(path_in("runs.db"), &g, &err) == 0, "open");
	store_run_error e[] = {{"world.acre", 3, 5, "shop", "error", "bad glyph"},
	                       {"scripts/a.lua", 1, 1, NULL, "warning", "unused"}};
	store_run_parcel p1[] = {{"shop", "ok", 100, 2000, 1}, {"plaza", "ok", 5, 6, 0}};
	store_run_parcel p2[] = {{"shop", "instructions", 999, 3000, 0}};
	store_run r1 = {.world = "w",
	                .name = "w",
	                .commit = "c1",
	                .status = "invalid",
	                .state_hash = "aa",
	                .errors = e,
	                .nerrors = 2,
	                .parcels = p1,
	                .nparcels = 2};
	store_run r2 = {.world = "w",
	                .name = "w",
	                .commit = "c1",
	                .status = "invalid",
	                .state_hash = "bb",
	                .parcels = p2,
	                .nparcels = 1};
	int64_t id1, id2;
	CHECK(store_run_record(g, &r1, &id1, &err) == 0, "record a run");
	CHECK(store_run_record(g, &r2, &id2, &err) == 0 && id2 > id1,
	      "record a second run");
	CHECK(store_run_last(g, "w", "c1", &res, &n, &err) == 0 && n == 2,
	      "one result per parcel");
	if (n == 2) {
		CHECK_STR(res[0].parcel, "plaza", "sorted by name");
		CHECK(res[0].run_id == id1 && res[0].instructions == 5,
		      "plaza from the first run");
		CHECK(res[1].run_id == id2 && res[1].instructions == 999 &&
		          strcmp(res[1].status, "instructions") == 0 &&
		          strcmp(res[1].state_hash, "bb") == 0,
		      "shop from the newest run");
	}
	store_parcel_results_free(res, n);
	CHECK(store_run_last(g, "w", "c2", &res, &n, &err) == 0 && n == 0,
	      "no results for another commit");
	store_stats s;
	CHECK(store_get_stats(g, NULL, &s, &err) == 0 && s.runs == 2 &&
	          s.runs_invalid == 2 && s.errors == 2 && s.peak_instructions == 999,
	      "stats count runs and errors");
	CHECK_STR(s.peak_instructions_parcel, "w:shop", "and name the peak parcel");
	store_right right;
	CHECK(store_may_modify(g, "w", "shop", "ann", &right, &err) == 0 &&
	          right == STORE_RIGHT_UNCLAIMED,
	      "an unclaimed parcel is reported as such");
	CHECK(store_grant(g, "w", "shop", "ann", false, NULL, &err) == -1,
	      "grant of an unknown parcel fails");
	CHECK_STR(err.msg, "world w has no parcel 'shop' in the registry",
	          "and says which");
	CHECK(store_grant(g, "nowhere", "shop", "ann", false, NULL, &err) == -1,
	      "grant in an unknown world fails");
	store_reg_close(g);
}

/* Two processes record runs into one file at the same time; both succeed
 * and every run is there. */
static void test_concurrent(void)
{
	char *db = path_in("busy.db");
	store_reg *g;
	store_err err;
	enum { N = 60 };
	if (store_reg_open(db, &g, &err) == 0)
		store_reg_close(g);
	pid_t kids[2];
	for (int k = 0; k < 2; k++) {
		kids[k] = fork();
		if (kids[k] == 0) {
			int bad = 0;
			for (int i = 0; i < N; i++) {
				store_reg *h;
				store_run_parcel p = {"p", "ok", i, i, 0};
				store_run r = {.world = k ? "a" : "b",
				               .commit = "c",
				               .status = "valid",
				               .parcels = &p,
				               .nparcels = 1};
				if (store_reg_open(db, &h, &err) != 0 ||
				    store_run_record(h, &r, NULL, &err) != 0) {
					bad++;
					fprintf(stderr, "%s\n", err.msg);
				}
				store_reg_close(h);
			}
			_exit(bad ? 1 : 0);
		}
	}
	int ok = 1;
	for (int k = 0; k < 2; k++) {
		int st;
		waitpid(kids[k], &st, 0);
		ok &= WIFEXITED(st) && WEXITSTATUS(st) == 0;
	}
	CHECK(ok, "two writers at once both succeed");
	CHECK(sql_int(db, "SELECT count(*) FROM runs") == 2 * N, "every run is recorded");
	CHECK(sql_int(db, "SELECT count(*) FROM worlds") == 2, "each world once");
}

static int count_log(const store_grant_row *r, void *arg)
{
	char *buf = arg;
	size_t n = strlen(buf);
	snprintf(buf + n, 1024 - n, "%s %s %s %s;", r->parcel ? r->parcel : "-",
	         r->action, r->identity, r->by);
	return 0;
}

/* Claims by an accepted change and grants that check who grants. */
static void test_claims(void)
{
	store_reg *g;
	store_err err = {{0}};
	store_right right;
	CHECK(store_reg_open(path_in("claims.db"), &g, &err) == 0, "open");
	store_claim shed = {"shed", {2, 0, 1, 1}}, hut = {"hut", {2, 0, 1, 1}};
	CHECK(store_claim_land(g, "/srv/a.git", "town", &shed, 1, "bob", true, &err) == 0,
	      "a new parcel is claimed for who submits it: %s", err.msg);
	CHECK(store_may_modify(g, "/srv/a.git", "shed", "bob", &right, &err) == 0 &&
	          right == STORE_RIGHT_OWNER,
	      "and is theirs");
	CHECK(store_may_modify(g, "/srv/b.git", "shed", "eve", &right, &err) == 0 &&
	          right == STORE_RIGHT_UNCLAIMED,
	      "another repository of the same name is other land");
	CHECK(store_claim_land(g, "/srv/a.git", "town", &shed, 1, "eve", true, &err) == 1,
	      "a claimed parcel cannot be claimed again");
	CHECK_STR(err.msg, "parcel 'shed' was claimed by someone else meanwhile",
	          "and says so");
	CHECK(store_claim_land(g, "/srv/a.git", "town", &hut, 1, "eve", true, &err) == 1,
	      "nor can its land be claimed under another name");
	CHECK_STR(err.msg, "parcel 'hut' lies on land of parcel 'shed', claimed by bob",
	          "and says whose");
	store_claim moved = {"shed", {3, 0, 1, 1}};
	CHECK(store_claim_land(g, "/srv/a.git", "town", &moved, 1, "bob", true, &err) == 0 &&
	          store_claim_land(g, "/srv/a.git", "town", &hut, 1, "eve", true, &err) == 0,
	      "the owner moves the parcel; the land it left is free again");
	store_claim side = {"shed", {4, 0, 1, 1}}, barn = {"barn", {3, 0, 1, 1}},
	            pen = {"pen", {5, 0, 1, 1}};
	CHECK(store_claim_land(g, "/srv/a.git", "town", &side, 1, "bob", false, &err) == 0 &&
	          sql_int(path_in("claims.db"),
	                  "SELECT px FROM claims WHERE parcel = 'shed'") == 3,
	      "a move on a side branch leaves the claim on the default branch's land");
	CHECK(store_claim_land(g, "/srv/a.git", "town", &barn, 1, "eve", false, &err) == 1,
	      "so the land it left there stays taken: %s", err.msg);
	CHECK(store_claim_land(g, "/srv/a.git", "town", &pen, 1, "eve", false, &err) == 0 &&
	          sql_int(path_in("claims.db"),
	                  "SELECT px FROM claims WHERE parcel = 'pen'") == 5,
	      "a new parcel on a side branch is claimed with its land");

	CHECK(store_grant(g, "/srv/a.git", "shed", "eve", false, "eve", &err) == 1,
	      "a stranger may not grant herself the parcel");
	CHECK_STR(err.msg,
	          "'eve' may not grant or revoke rights on parcel 'shed': it belongs "
	          "to bob, and only its owner or an operator of the world may",
	          "and is told why");
	CHECK(store_grant(g, "/srv/a.git", "shed", "eve", true, "eve", &err) == 1,
	      "nor make herself an operator");
	CHECK(store_grant(g, "/srv/a.git", "shed", "eve", true, "bob", &err) == 0,
	      "the owner may: %s", err.msg);
	CHECK(store_may_modify(g, "/srv/a.git", "shed", "eve", &right, &err) == 0 &&
	          right == STORE_RIGHT_OPERATOR,
	      "she operates it");
	CHECK(store_grant(g, "/srv/a.git", "shed", "cy", true, "eve", &err) == 1,
	      "an operator may not grant");
	CHECK(store_revoke(g, "/srv/a.git", "shed", "eve", "eve", &err) == 1,
	      "nor revoke");
	CHECK(store_grant_world(g, "/srv/a.git", "ops", false, "bob", &err) == 1,
	      "a parcel owner may not name world operators");
	CHECK(store_grant_world(g, "/srv/a.git", "ops", false, NULL, &err) == 0,
	      "the platform may");
	CHECK(store_may_modify(g, "/srv/a.git", "shed", "ops", &right, &err) == 0 &&
	          right == STORE_RIGHT_WORLD_OPERATOR,
	      "a world operator may change any parcel");
	CHECK(store_revoke(g, "/srv/a.git", "shed", "eve", "ops", &err) == 0,
	      "and revoke rights on it");
	CHECK(store_grant(g, "/srv/a.git", "shed", "ops", false, "bob", &err) == 0,
	      "the owner gives the parcel away");
	CHECK(store_grant(g, "/srv/a.git", "shed", "bob", false, "bob", &err) == 1,
	      "and cannot take it back");
	char glog[1024] = "";
	const char *glogp = glog;
	CHECK(store_grant_log(g, "/srv/a.git", "shed", count_log, glog, &err) == 0,
	      "the log of grants reads");
	CHECK_STR(glogp,
	          "shed claim bob bob;shed operator eve bob;- world-operator ops "
	          "(platform);shed revoke-operator eve ops;shed owner ops bob;",
	          "every grant with who did it, refusals not");
	store_reg_close(g);
}

/* Reading commands open the registry read-only: a file (and directory)
 * nobody may write still reads, and writing through it fails cleanly. */
static void test_readonly(void)
{
	store_reg *g;
	store_err err = {{0}};
	char *dir = path_in("ro"), *db = path_in("ro/r.db");
	store_claim c = {"shed", {0, 0, 1, 1}};
	mkdir(dir, 0755);
	CHECK(store_reg_open(db, &g, &err) == 0 &&
	          store_claim_land(g, "/w", "w", &c, 1, "bob", true, &err) == 0,
	      "a registry with a claim");
	store_reg_close(g);
	chmod(db, 0444);
	chmod(dir, 0555);
	bool bound = access(db, W_OK) != 0; /* not as root */
	store_right right;
	CHECK(store_reg_open_ro(db, &g, &err) == 0, "opens read-only%s: %s",
	      bound ? " on a read-only file and directory" : "", err.msg);
	CHECK(g && store_may_modify(g, "/w", "shed", "bob", &right, &err) == 0 &&
	          right == STORE_RIGHT_OWNER,
	      "and reads: %s", err.msg);
	CHECK(g && store_grant_world(g, "/w", "ops", false, NULL, &err) == -1 &&
	          strstr(err.msg, "opened read-only"),
	      "writing through it fails: %s", err.msg);
	store_reg_close(g);
	chmod(dir, 0755);
	chmod(db, 0644);
	CHECK(store_reg_open_ro(path_in("ro/none.db"), &g, &err) == -1 &&
	          access(path_in("ro/none.db"), F_OK) != 0,
	      "a missing registry is an error, not created");
}

int main(void)
{
	snprintf(tmp, sizeof tmp, "%s/acre-store-XXXXXX",
	         getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(tmp))
		return 2;
	test_open_new();
	test_migrate();
	test_newer();
	test_garbage();
	test_runs();
	test_concurrent();
	test_claims();
	test_readonly();
	test_paths();
	char cmd[600];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp);
	if (system(cmd) != 0)
		return 2;
	return unit_done();
}
