/* runs.c — validation runs in the registry, and the read-only queries
 * behind `acre ls`, `acre who` and `acre stats`.
 *
 * A run is recorded whole or not at all (one transaction). Results are kept
 * per parcel so that `acre check --base` can reuse the figures of parcels a
 * change did not touch. */
#include "store/store_int.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

static int run_insert_errors(store_reg *g, int64_t id, const store_run *run,
                             store_err *err)
{
	for (int i = 0; i < run->nerrors; i++) {
		const store_run_error *e = &run->errors[i];
		sqlite3_stmt *st = reg_prep(
		    g, err,
		    "INSERT INTO run_errors(run_id, seq, file, line, "
		    "col, parcel, severity, message) VALUES(?, ?, ?, "
		    "?, ?, ?, ?, ?)",
		    "iitiittt", id, (int64_t)i, e->file, (int64_t)e->line,
		    (int64_t)e->col, e->parcel, e->severity ? e->severity : "error",
		    e->message ? e->message : "");
		if (!st || reg_done(g, st, err) != 0)
			return -1;
	}
	return 0;
}

static int run_insert_parcels(store_reg *g, int64_t id, const store_run *run,
                              store_err *err)
{
	for (int i = 0; i < run->nparcels; i++) {
		const store_run_parcel *p = &run->parcels[i];
		sqlite3_stmt *st =
		    reg_prep(g, err,
		             "INSERT OR REPLACE INTO run_parcels(run_id, "
		             "parcel, status, instructions, memory, nerrors) "
		             "VALUES(?, ?, ?, ?, ?, ?)",
		             "ittiii", id, p->parcel, p->status ? p->status : "ok",
		             p->instructions, p->memory, (int64_t)p->nerrors);
		if (!st || reg_done(g, st, err) != 0)
			return -1;
	}
	return 0;
}

static int run_record_tx(store_reg *g, const store_run *run, int64_t *run_id,
                         store_err *err)
{
	int64_t wid;
	if (reg_world_id(g, run->world, true, &wid, err) != 0)
		return -1;
	sqlite3_stmt *st =
	    reg_prep(g, err,
	             "INSERT INTO runs(world_id, dir, commit_id, status, "
	             "identity, state_hash, ticks, duration_ms, at) "
	             "VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?)",
	             "itttttiii", wid, run->dir, run->commit, run->status, run->identity,
	             run->state_hash, run->ticks, run->duration_ms, (int64_t)time(NULL));
	if (!st || reg_done(g, st, err) != 0)
		return -1;
	int64_t id = sqlite3_last_insert_rowid(g->db);
	if (run_insert_errors(g, id, run, err) != 0 ||
	    run_insert_parcels(g, id, run, err) != 0)
		return -1;
	if (run_id)
		*run_id = id;
	return 0;
}

int store_run_record(store_reg *g, const store_run *run, int64_t *run_id, store_err *err)
{
	if (!run->world || !run->status) {
		store_seterr(err, "a validation run needs a world and a status");
		return -1;
	}
	if (reg_begin(g, err) != 0)
		return -1;
	if (run_record_tx(g, run, run_id, err) != 0 || reg_commit(g, err) != 0) {
		reg_rollback(g);
		return -1;
	}
	return 0;
}

void store_parcel_results_free(store_parcel_result *v, int n)
{
	for (int i = 0; i < n; i++) {
		free(v[i].parcel);
		free(v[i].status);
		free(v[i].run_status);
		free(v[i].state_hash);
	}
	free(v);
}

int store_run_last(store_reg *g, const char *world, const char *commit,
                   store_parcel_result **out, int *n, store_err *err)
{
	*out = NULL;
	*n = 0;
	/* The newest run naming each parcel: max(run id) per parcel. */
	sqlite3_stmt *st = reg_prep(
	    g, err,
	    "SELECT rp.parcel, rp.status, rp.instructions, rp.memory, rp.nerrors, "
	    "r.id, r.status, r.state_hash FROM run_parcels rp JOIN runs r ON "
	    "r.id = rp.run_id JOIN worlds w ON w.id = r.world_id "
	    "WHERE w.name = ? AND r.commit_id = ? AND r.id = (SELECT max(r2.id) "
	    "FROM run_parcels rp2 JOIN runs r2 ON r2.id = rp2.run_id WHERE "
	    "r2.world_id = r.world_id AND r2.commit_id = r.commit_id AND "
	    "rp2.parcel = rp.parcel) ORDER BY rp.parcel",
	    "tt", world, commit);
	if (!st)
		return -1;
	int rc;
	bool oom = false;
	while (!oom && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		store_parcel_result *v = realloc(*out, (size_t)(*n + 1) * sizeof *v);
		if (!v) {
			oom = true;
			break;
		}
		*out = v;
		store_parcel_result *p = &v[(*n)++];
		p->parcel = reg_col_str(st, 0);
		p->status = reg_col_str(st, 1);
		p->instructions = sqlite3_column_int64(st, 2);
		p->memory = sqlite3_column_int64(st, 3);
		p->nerrors = sqlite3_column_int(st, 4);
		p->run_id = sqlite3_column_int64(st, 5);
		p->run_status = reg_col_str(st, 6);
		p->state_hash = reg_col_str(st, 7);
		/* Every column but the hash is NOT NULL: a NULL here is a copy
		 * that could not be made. */
		oom = !p->parcel || !p->status || !p->run_status ||
		      (!p->state_hash && sqlite3_column_type(st, 7) != SQLITE_NULL);
	}
	sqlite3_finalize(st);
	if (oom || rc != SQLITE_DONE) {
		store_parcel_results_free(*out, *n);
		*out = NULL;
		*n = 0;
		if (oom) {
			store_seterr(err, "out of memory");
			return -1;
		}
		return reg_fail(g, err, "reading validation runs");
	}
	return 0;
}

/* ---- Queries ------------------------------------------------------------ */

void store_parcel_row_free(store_parcel_row *p)
{
	free(p->world);
	free(p->parcel);
	free(p->zone);
	free(p->owner);
	free(p->file_owner);
	free(p->script);
	for (int i = 0; i < p->noperators; i++)
		free(p->operators[i]);
	free(p->operators);
	memset(p, 0, sizeof *p);
}

int store_world_lookup(store_reg *g, const char *arg, char **name, store_err *err)
{
	char *abs = realpath(arg, NULL);
	*name = NULL;
	sqlite3_stmt *st = reg_prep(g, err,
	                            "SELECT name FROM worlds WHERE name = ?1 UNION ALL "
	                            "SELECT w.name FROM repos r JOIN worlds w ON "
	                            "w.id = r.world_id WHERE r.dir = ?2 LIMIT 1",
	                            "tt", arg, abs ? abs : "");
	free(abs);
	if (!st)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		*name = reg_col_str(st, 0);
	sqlite3_finalize(st);
	if (!*name) {
		store_seterr(
		    err,
		    "'%s' is neither a world name nor an indexed world directory "
		    "in the registry %s (run 'acre index' in the world first)",
		    arg, g->path);
		return -1;
	}
	return 0;
}

/* Parcel columns, in the order parcel_row reads them. The newest index of
 * any repository of the world answers; owners come from the claims. */
#define PARCEL_COLS                                                                      \
	"w.name, p.name, p.zone, c.owner, p.file_owner, p.script, p.px, p.py, "          \
	"p.pw, p.ph, p.x0, p.y0, p.x1, p.y1, w.id "
#define PARCEL_FROM                                                                      \
	"FROM parcels p JOIN repos r ON r.id = p.repo_id JOIN worlds w ON "              \
	"w.id = r.world_id LEFT JOIN claims c ON c.world_id = w.id AND "                 \
	"c.parcel = p.name WHERE w.name = ? AND r.id = (SELECT r2.id FROM repos "        \
	"r2 WHERE r2.world_id = w.id ORDER BY r2.indexed DESC, r2.id DESC LIMIT 1) "

static int parcel_row(store_reg *g, sqlite3_stmt *st, store_parcel_row *p, store_err *err)
{
	memset(p, 0, sizeof *p);
	p->world = reg_col_str(st, 0);
	p->parcel = reg_col_str(st, 1);
	p->zone = reg_col_str(st, 2);
	p->owner = reg_col_str(st, 3);
	p->file_owner = reg_col_str(st, 4);
	p->script = reg_col_str(st, 5);
	int32_t *f[] = {&p->px, &p->py, &p->pw, &p->ph, &p->x0, &p->y0, &p->x1, &p->y1};
	for (int i = 0; i < 8; i++)
		*f[i] = sqlite3_column_int(st, 6 + i);
	return reg_operators(g, sqlite3_column_int64(st, 14), p->parcel, &p->operators,
	                     &p->noperators, err);
}

int store_who(store_reg *g, const char *world, int32_t x, int32_t y,
              store_parcel_row *out, bool *found, store_err *err)
{
	*found = false;
	memset(out, 0, sizeof *out);
	sqlite3_stmt *st =
	    reg_prep(g, err,
	             "SELECT " PARCEL_COLS PARCEL_FROM
	             "AND p.x0 <= ? AND ? < p.x1 AND p.y0 <= ? AND "
	             "? < p.y1 LIMIT 1",
	             "tiiii", world, (int64_t)x, (int64_t)x, (int64_t)y, (int64_t)y);
	if (!st)
		return -1;
	int rc = sqlite3_step(st), ret = 0;
	if (rc == SQLITE_ROW) {
		*found = true;
		ret = parcel_row(g, st, out, err);
	} else if (rc != SQLITE_DONE)
		ret = reg_fail(g, err, "reading parcels");
	sqlite3_finalize(st);
	return ret;
}

int store_list_parcels(store_reg *g, const char *world,
                       int (*fn)(const store_parcel_row *, void *), void *arg,
                       store_err *err)
{
	sqlite3_stmt *st = reg_prep(
	    g, err, "SELECT " PARCEL_COLS PARCEL_FROM "ORDER BY p.py, p.px, p.name", "t",
	    world);
	if (!st)
		return -1;
	int rc, ret = 0;
	while (ret == 0 && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		store_parcel_row p;
		ret = parcel_row(g, st, &p, err);
		if (ret == 0 && fn(&p, arg))
			rc = SQLITE_DONE, ret = 1;
		store_parcel_row_free(&p);
	}
	if (ret == 0 && rc != SQLITE_DONE)
		ret = reg_fail(g, err, "reading parcels");
	sqlite3_finalize(st);
	return ret < 0 ? -1 : 0;
}

int store_list_worlds(store_reg *g, int (*fn)(const store_world_row *, void *), void *arg,
                      store_err *err)
{
	sqlite3_stmt *st = reg_prep(
	    g, err,
	    "SELECT w.name, r.dir, r.head, "
	    "(SELECT count(*) FROM revisions v WHERE v.repo_id = r.id), "
	    "(SELECT count(*) FROM parcels p WHERE p.repo_id = r.id), "
	    "(SELECT count(*) FROM claims c WHERE c.world_id = w.id), "
	    "(SELECT count(*) FROM runs u WHERE u.world_id = w.id), "
	    "(SELECT status FROM runs u WHERE u.world_id = w.id ORDER BY u.id DESC "
	    "LIMIT 1) FROM worlds w LEFT JOIN repos r ON r.world_id = w.id "
	    "ORDER BY w.name, r.dir",
	    "");
	if (!st)
		return -1;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		store_world_row row = {
		    .name = (const char *)sqlite3_column_text(st, 0),
		    .dir = (const char *)sqlite3_column_text(st, 1),
		    .head = (const char *)sqlite3_column_text(st, 2),
		    .revisions = sqlite3_column_int64(st, 3),
		    .parcels = sqlite3_column_int64(st, 4),
		    .claims = sqlite3_column_int64(st, 5),
		    .runs = sqlite3_column_int64(st, 6),
		    .last_status = (const char *)sqlite3_column_text(st, 7),
		};
		if (fn(&row, arg))
			break;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return reg_fail(g, err, "reading worlds");
	return 0;
}

/* One integer from a query over world `wid` (0: all worlds), which the
 * query names as ?1 with "(?1 = 0 OR world_id = ?1)". */
static int stat_int(store_reg *g, const char *sql, int64_t wid, int64_t *out,
                    store_err *err)
{
	sqlite3_stmt *st = reg_prep(g, err, sql, "i", wid);
	if (!st)
		return -1;
	int rc = sqlite3_step(st);
	*out = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW)
		return reg_fail(g, err, "reading statistics");
	return 0;
}

static int stat_peak(store_reg *g, const char *col, int64_t wid, int64_t *v, char *name,
                     size_t len, store_err *err)
{
	char sql[512];
	snprintf(sql, sizeof sql,
	         "SELECT rp.%s, w.name || ':' || rp.parcel FROM run_parcels rp JOIN "
	         "runs r ON r.id = rp.run_id JOIN worlds w ON w.id = r.world_id "
	         "WHERE (?1 = 0 OR r.world_id = ?1) ORDER BY rp.%s DESC LIMIT 1",
	         col, col);
	sqlite3_stmt *st = reg_prep(g, err, sql, "i", wid);
	if (!st)
		return -1;
	*v = 0;
	name[0] = '\0';
	if (sqlite3_step(st) == SQLITE_ROW) {
		*v = sqlite3_column_int64(st, 0);
		snprintf(name, len, "%s", (const char *)sqlite3_column_text(st, 1));
	}
	sqlite3_finalize(st);
	return 0;
}

int store_get_stats(store_reg *g, const char *world, store_stats *s, store_err *err)
{
	static const struct {
		size_t off;
		const char *sql;
	} q[] = {
	    {offsetof(store_stats, worlds),
	     "SELECT count(*) FROM worlds WHERE (?1 = 0 OR id = ?1)"},
	    {offsetof(store_stats, repos),
	     "SELECT count(*) FROM repos WHERE (?1 = 0 OR world_id = ?1)"},
	    {offsetof(store_stats, revisions),
	     "SELECT count(*) FROM revisions v JOIN repos r ON r.id = v.repo_id "
	     "WHERE (?1 = 0 OR r.world_id = ?1)"},
	    {offsetof(store_stats, parcels),
	     "SELECT count(*) FROM parcels p JOIN repos r ON r.id = p.repo_id "
	     "WHERE (?1 = 0 OR r.world_id = ?1)"},
	    {offsetof(store_stats, claims),
	     "SELECT count(*) FROM claims WHERE (?1 = 0 OR world_id = ?1)"},
	    {offsetof(store_stats, operators),
	     "SELECT count(*) FROM operators WHERE (?1 = 0 OR world_id = ?1)"},
	    {offsetof(store_stats, runs),
	     "SELECT count(*) FROM runs WHERE (?1 = 0 OR world_id = ?1)"},
	    {offsetof(store_stats, runs_valid),
	     "SELECT count(*) FROM runs WHERE (?1 = 0 OR world_id = ?1) AND "
	     "status = 'valid'"},
	    {offsetof(store_stats, runs_invalid),
	     "SELECT count(*) FROM runs WHERE (?1 = 0 OR world_id = ?1) AND "
	     "status = 'invalid'"},
	    {offsetof(store_stats, errors),
	     "SELECT count(*) FROM run_errors e JOIN runs r ON r.id = e.run_id "
	     "WHERE (?1 = 0 OR r.world_id = ?1)"},
	};
	int64_t wid = 0;
	struct stat st;
	memset(s, 0, sizeof *s);
	if (world) {
		if (reg_world_id(g, world, false, &wid, err) != 0)
			return -1;
		if (wid == 0) {
			store_seterr(err, "world '%s' is not in the registry %s", world,
			             g->path);
			return -1;
		}
	}
	for (size_t i = 0; i < sizeof q / sizeof q[0]; i++)
		if (stat_int(g, q[i].sql, wid, (int64_t *)((char *)s + q[i].off), err) !=
		    0)
			return -1;
	if (stat_peak(g, "instructions", wid, &s->peak_instructions,
	              s->peak_instructions_parcel, sizeof s->peak_instructions_parcel,
	              err) != 0 ||
	    stat_peak(g, "memory", wid, &s->peak_memory, s->peak_memory_parcel,
	              sizeof s->peak_memory_parcel, err) != 0)
		return -1;
	if (stat(g->path, &st) == 0)
		s->db_bytes = st.st_size;
	s->schema = store_reg_schema_version();
	return 0;
}
