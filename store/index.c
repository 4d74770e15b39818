/* index.c — `acre index`: rebuild the registry's view of one repository
 * from git, and record first claims of ownership.
 *
 * Everything written here can be thrown away and rebuilt (revisions,
 * parcels at HEAD), except claims: a parcel is claimed for the owner its
 * file names the first time any repository of the world is indexed with it,
 * and from then on only store_grant changes its owner. An owner edited in
 * world.acre is therefore reported (rep->kept) but never transfers land.
 * The whole rebuild is one transaction. */
#include "store/store_int.h"
#include "worldfmt/worldfmt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

static int64_t now_ms(void)
{
	struct timeval tv;
	gettimeofday(&tv, NULL);
	return (int64_t)tv.tv_sec * 1000 + tv.tv_usec / 1000;
}

static wf_world *index_load_head(store_repo *r, char hex[STORE_OID_HEX], store_err *err)
{
	char *text;
	size_t len;
	wf_diags d = {0};
	d.max = 1;
	if (store_resolve(r, "HEAD", hex, err) != 0 ||
	    store_read_at(r, "HEAD", "world.acre", &text, &len, err) != 0)
		return NULL;
	wf_world *w = wf_parse(text, len, "world.acre", &d);
	free(text);
	if (w && d.errors) {
		store_seterr(err,
		             "world.acre at HEAD does not parse (%u:%u: %s); fix and "
		             "commit it, then index again",
		             d.v[0].line, d.v[0].col, d.v[0].msg);
		wf_world_free(w);
		w = NULL;
	} else if (w && (!w->name || !*w->name)) {
		store_seterr(err, "world.acre at HEAD has no world name; the registry "
		                  "knows worlds by name");
		wf_world_free(w);
		w = NULL;
	}
	wf_diags_free(&d);
	return w;
}

static int index_repo_row(store_reg *g, store_repo *r, int64_t wid, const wf_world *w,
                          const char *head, int64_t *rid, store_err *err)
{
	sqlite3_stmt *st = reg_prep(
	    g, err,
	    "INSERT INTO repos(world_id, dir, head, parcel_w, parcel_h, indexed) "
	    "VALUES(?, ?, ?, ?, ?, ?) ON CONFLICT(dir) DO UPDATE SET "
	    "world_id = excluded.world_id, head = excluded.head, parcel_w = "
	    "excluded.parcel_w, parcel_h = excluded.parcel_h, indexed = excluded.indexed",
	    "ittiii", wid, r->dir, head, (int64_t)w->parcel_w, (int64_t)w->parcel_h,
	    now_ms());
	if (!st || reg_done(g, st, err) != 0)
		return -1;
	st = reg_prep(g, err, "SELECT id FROM repos WHERE dir = ?", "t", r->dir);
	if (!st)
		return -1;
	*rid = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_finalize(st);
	if (!*rid)
		return reg_fail(g, err, "repos");
	st = reg_prep(g, err, "DELETE FROM revisions WHERE repo_id = ?", "i", *rid);
	if (!st || reg_done(g, st, err) != 0)
		return -1;
	st = reg_prep(g, err, "DELETE FROM parcels WHERE repo_id = ?", "i", *rid);
	return st ? reg_done(g, st, err) : -1;
}

/* The first-parent history of HEAD, newest first (seq 0 is HEAD). */
static int index_revisions(store_reg *g, store_repo *r, int64_t rid,
                           store_index_report *rep, store_err *err)
{
	sqlite3_stmt *st = reg_prep(g, err,
	                            "INSERT OR IGNORE INTO revisions(repo_id, seq, "
	                            "commit_id, parent, author, email, time, summary, "
	                            "world_blob) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?)",
	                            "");
	if (!st)
		return -1;
	/* First parents by hand: a revwalk would look up the missing parents
	 * of a shallow clone's oldest commit and fail. */
	git_commit *c = NULL, *next = NULL;
	int rc = repo_commit_of(r, "HEAD", &next, err) == 0 ? 0 : -2;
	while (rc >= 0 && (c = next)) {
		git_tree *t;
		git_oid blob;
		char hex[STORE_OID_HEX], phex[STORE_OID_HEX], bhex[STORE_OID_HEX];
		git_oid id = *git_commit_id(c);
		next = NULL;
		if (repo_parentcount(r, c) && (rc = git_commit_parent(&next, c, 0)) < 0) {
			git_commit_free(c);
			break;
		}
		const git_signature *a = git_commit_author(c);
		git_oid_tostr(hex, sizeof hex, &id);
		phex[0] = bhex[0] = '\0';
		if (next)
			git_oid_tostr(phex, sizeof phex, git_commit_parent_id(c, 0));
		if (git_commit_tree(&t, c) == 0) {
			if (repo_entry_id(r, t, "world.acre", &blob))
				git_oid_tostr(bhex, sizeof bhex, &blob);
			git_tree_free(t);
		}
		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, rid);
		sqlite3_bind_int64(st, 2, rep->revisions);
		sqlite3_bind_text(st, 3, hex, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 4, *phex ? phex : NULL, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 5, a->name, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 6, a->email, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(st, 7, a->when.time);
		sqlite3_bind_text(st, 8, git_commit_summary(c), -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 9, *bhex ? bhex : NULL, -1, SQLITE_TRANSIENT);
		git_commit_free(c);
		if (sqlite3_step(st) != SQLITE_DONE) {
			sqlite3_finalize(st);
			git_commit_free(next);
			return reg_fail(g, err, "revisions");
		}
		rep->revisions++;
		repo_progress(r, "indexing revisions", (uint64_t)rep->revisions, 0);
	}
	sqlite3_finalize(st);
	git_commit_free(next);
	if (rc == -2)
		return -1;
	return rc < 0 ? repo_fail(err, "history") : 0;
}

static int index_parcels(store_reg *g, int64_t rid, const wf_world *w,
                         store_index_report *rep, store_err *err)
{
	sqlite3_stmt *st =
	    reg_prep(g, err,
	             "INSERT OR IGNORE INTO parcels(repo_id, name, px, py, "
	             "pw, ph, x0, y0, x1, y1, zone, file_owner, script) "
	             "VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	             "");
	if (!st)
		return -1;
	for (int i = 0; i < w->nparcels; i++) {
		const wf_parcel *p = &w->parcels[i];
		int64_t v[] = {p->px,
		               p->py,
		               p->pw,
		               p->ph,
		               (int64_t)p->px * w->parcel_w,
		               (int64_t)p->py * w->parcel_h,
		               ((int64_t)p->px + p->pw) * w->parcel_w,
		               ((int64_t)p->py + p->ph) * w->parcel_h};
		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, rid);
		sqlite3_bind_text(st, 2, p->name, -1, SQLITE_STATIC);
		for (int k = 0; k < 8; k++)
			sqlite3_bind_int64(st, 3 + k, v[k]);
		sqlite3_bind_text(st, 11, p->zone, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 12, p->owner, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 13, p->script, -1, SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_DONE) {
			sqlite3_finalize(st);
			return reg_fail(g, err, "parcels");
		}
		rep->parcels++;
	}
	sqlite3_finalize(st);
	return 0;
}

/* The claim of one parcel: its owner (malloc'd, NULL when unclaimed) and
 * its recorded land. */
static int index_claim_of(store_reg *g, int64_t wid, const char *parcel, char **owner,
                          int32_t land[4], store_err *err)
{
	sqlite3_stmt *st = reg_prep(g, err,
	                            "SELECT owner, px, py, pw, ph FROM claims WHERE "
	                            "world_id = ? AND parcel = ?",
	                            "it", wid, parcel);
	if (!st)
		return -1;
	*owner = NULL;
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*owner = reg_col_str(st, 0);
		for (int i = 0; i < 4; i++)
			land[i] = sqlite3_column_int(st, 1 + i);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : reg_fail(g, err, "claims");
}

/* Claim one parcel for the owner its file names, unless it is claimed
 * already (then only its recorded land follows the file, when free).
 * ext[2] is the largest claim's size, kept up to date as claims grow. */
static int index_claim(store_reg *g, int64_t wid, const wf_parcel *p, int32_t ext[2],
                       store_index_report *rep, store_err *err)
{
	char other[160], *owner;
	int32_t land[4], want[4] = {p->px, p->py, p->pw, p->ph};
	if (index_claim_of(g, wid, p->name, &owner, land, err) != 0)
		return -1;
	if (owner && p->owner && strcmp(owner, p->owner) != 0)
		rep->kept++;
	bool same = owner && memcmp(land, want, sizeof land) == 0;
	free(owner);
	if (same || (!owner && !p->owner))
		return 0;
	if (reg_overlap(g, wid, p->name, want, ext, other, sizeof other, err) != 0)
		return -1;
	if (other[0]) {
		rep->refused += !owner;
		return 0;
	}
	sqlite3_stmt *st;
	if (owner)
		st = reg_prep(g, err,
		              "UPDATE claims SET px = ?, py = ?, pw = ?, ph = ? WHERE "
		              "world_id = ? AND parcel = ?",
		              "iiiiit", (int64_t)p->px, (int64_t)p->py, (int64_t)p->pw,
		              (int64_t)p->ph, wid, p->name);
	else
		st = reg_prep(
		    g, err,
		    "INSERT INTO claims(world_id, parcel, owner, px, py, pw, ph, "
		    "source, since) VALUES(?, ?, ?, ?, ?, ?, ?, 'file', "
		    "strftime('%s','now'))",
		    "ittiiii", wid, p->name, p->owner, (int64_t)p->px, (int64_t)p->py,
		    (int64_t)p->pw, (int64_t)p->ph);
	if (!st || reg_done(g, st, err) != 0)
		return -1;
	rep->claimed += !owner;
	ext[0] = p->pw > ext[0] ? p->pw : ext[0];
	ext[1] = p->ph > ext[1] ? p->ph : ext[1];
	return 0;
}

static int index_tx(store_reg *g, store_repo *r, const wf_world *w, const char *head,
                    store_index_report *rep, store_err *err)
{
	int64_t wid, rid;
	int32_t ext[2];
	if (reg_world_id(g, w->name, true, &wid, err) != 0 ||
	    index_repo_row(g, r, wid, w, head, &rid, err) != 0 ||
	    index_revisions(g, r, rid, rep, err) != 0 ||
	    index_parcels(g, rid, w, rep, err) != 0 ||
	    reg_claim_extent(g, wid, &ext[0], &ext[1], err) != 0)
		return -1;
	for (int i = 0; i < w->nparcels; i++) {
		if (index_claim(g, wid, &w->parcels[i], ext, rep, err) != 0)
			return -1;
		repo_progress(r, "indexing parcels", (uint64_t)i + 1, (uint64_t)w->nparcels);
	}
	return 0;
}

int store_index(store_reg *g, store_repo *r, store_index_report *rep, store_err *err)
{
	char head[STORE_OID_HEX];
	memset(rep, 0, sizeof *rep);
	wf_world *w = index_load_head(r, head, err);
	if (!w)
		return -1;
	snprintf(rep->world, sizeof rep->world, "%s", w->name);
	int rc = reg_begin(g, err);
	if (rc == 0 && (rc = index_tx(g, r, w, head, rep, err)) == 0)
		rc = reg_commit(g, err);
	if (rc != 0)
		reg_rollback(g);
	wf_world_free(w);
	return rc;
}
