/* index.c — `acre index`: rebuild the registry's view of one repository
 * from git, and record first claims of ownership when a world is imported.
 *
 * Everything written here can be thrown away and rebuilt (revisions,
 * parcels at a revision), except claims: when asked to, a parcel is claimed
 * for the owner its file names the first time its repository is indexed
 * with it, and from then on only store_grant changes its owner. An owner
 * edited in world.acre is therefore reported (rep->kept) but never
 * transfers land. The whole rebuild is one transaction, and it writes only
 * what differs from the last one: the commits added since the head
 * indexed then, the parcel rows that changed. */
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

static wf_world *index_load_head(store_repo *r, const char *rev, char hex[STORE_OID_HEX],
                                 store_err *err)
{
	char *text;
	size_t len;
	wf_diags d = {0};
	d.max = 1;
	if (store_resolve(r, rev, hex, err) != 0 ||
	    store_read_at(r, hex, "world.acre", &text, &len, err) != 0)
		return NULL;
	wf_world *w = wf_parse(text, len, "world.acre", &d);
	free(text);
	if (w && d.errors) {
		store_seterr(err,
		             "world.acre at %s does not parse (%u:%u: %s); fix and "
		             "commit it, then index again",
		             rev, d.v[0].line, d.v[0].col, d.v[0].msg);
		wf_world_free(w);
		w = NULL;
	} else if (w && (!w->name || !*w->name)) {
		store_seterr(err, "world.acre at %s has no world name", rev);
		wf_world_free(w);
		w = NULL;
	}
	wf_diags_free(&d);
	return w;
}

/* What the registry holds of the repository from its last index. */
typedef struct prev_index {
	char head[STORE_OID_HEX]; /* "" when never indexed */
	char blob[STORE_OID_HEX]; /* world.acre's blob at that head, or "" */
	int64_t nrev;             /* revisions indexed */
	/* The oldest commit indexed still has no parents here. Else a shallow
	 * clone was made deeper and the history indexed is not whole. */
	bool whole;
} prev_index;

static int index_prev(store_reg *g, store_repo *r, prev_index *pv, store_err *err)
{
	sqlite3_stmt *st = reg_prep(
	    g, err,
	    "SELECT p.head, (SELECT count(*) FROM revisions v WHERE v.repo_id = p.id), "
	    "(SELECT commit_id FROM revisions v WHERE v.repo_id = p.id ORDER BY seq "
	    "DESC LIMIT 1), (SELECT world_blob FROM revisions v WHERE v.repo_id = "
	    "p.id AND v.seq = 0) FROM repos p WHERE p.dir = ?",
	    "t", r->dir);
	if (!st)
		return -1;
	memset(pv, 0, sizeof *pv);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && sqlite3_column_text(st, 0) && sqlite3_column_text(st, 2)) {
		git_oid id;
		git_commit *c = NULL;
		snprintf(pv->head, sizeof pv->head, "%s", (const char *)sqlite3_column_text(st, 0));
		if (sqlite3_column_text(st, 3))
			snprintf(pv->blob, sizeof pv->blob, "%s",
			         (const char *)sqlite3_column_text(st, 3));
		pv->nrev = sqlite3_column_int64(st, 1);
		pv->whole = git_oid_fromstr(&id, (const char *)sqlite3_column_text(st, 2)) == 0 &&
		            git_commit_lookup(&c, r->repo, &id) == 0 && repo_parentcount(r, c) == 0;
		git_commit_free(c);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : reg_fail(g, err, "repos");
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
	return *rid ? 0 : reg_fail(g, err, "repos");
}

/* New revisions are written below this offset first, apart from the rows
 * of the last index, and moved into place at the end. */
#define SEQ_NEW ((int64_t)1 << 40)

static int index_exec(store_reg *g, store_err *err, const char *sql, int64_t rid,
                      int64_t k)
{
	sqlite3_stmt *st = reg_prep(g, err, sql, "ii", rid, k);
	return st ? reg_done(g, st, err) : -1;
}

/* The first-parent history of `head`, newest first (seq 0 is head). Only
 * what is new is written: the walk stops at the head indexed last (`stop`,
 * or NULL), whose rows then move down by the number of new commits; when
 * it is not met (another branch, a history rewritten), the old rows go. */
static int index_revisions(store_reg *g, store_repo *r, int64_t rid, const char *head,
                           const prev_index *pv, store_index_report *rep, store_err *err)
{
	sqlite3_stmt *st = reg_prep(g, err,
	                            "INSERT OR REPLACE INTO revisions(repo_id, seq, "
	                            "commit_id, parent, author, email, time, summary, "
	                            "world_blob) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?)",
	                            "");
	if (!st)
		return -1;
	git_oid stop;
	bool have_stop = pv->nrev > 0 && pv->whole && git_oid_fromstr(&stop, pv->head) == 0;
	bool met = false;
	/* A repository indexed for the first time has no old rows to keep
	 * apart from the new. */
	int64_t k = 0, off = pv->nrev > 0 ? SEQ_NEW : 0;
	/* First parents by hand: a revwalk would look up the missing parents
	 * of a shallow clone's oldest commit and fail. */
	git_commit *c = NULL, *next = NULL;
	int rc = repo_commit_of(r, head, &next, err) == 0 ? 0 : -2;
	while (rc >= 0 && (c = next)) {
		git_tree *t;
		git_oid blob;
		char hex[STORE_OID_HEX], phex[STORE_OID_HEX], bhex[STORE_OID_HEX];
		git_oid id = *git_commit_id(c);
		next = NULL;
		if (have_stop && git_oid_equal(&id, &stop)) {
			git_commit_free(c);
			met = true;
			break;
		}
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
		sqlite3_bind_int64(st, 2, k - off);
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
		k++;
		repo_progress(r, "indexing revisions", (uint64_t)k, 0);
	}
	sqlite3_finalize(st);
	git_commit_free(next);
	if (rc == -2)
		return -1;
	if (rc < 0)
		return repo_fail(err, "history");
	rep->revisions = k + (met ? pv->nrev : 0);
	if (!off)
		return 0;
	if (met ? index_exec(g, err,
	                     "UPDATE revisions SET seq = seq + ?2 WHERE repo_id = ?1 AND seq >= 0",
	                     rid, k)
	        : index_exec(g, err, "DELETE FROM revisions WHERE repo_id = ?1 AND seq >= ?2",
	                     rid, 0))
		return -1;
	return index_exec(g, err,
	                  "UPDATE revisions SET seq = seq + ?2 WHERE repo_id = ?1 AND seq < 0",
	                  rid, SEQ_NEW);
}

/* The index of each parcel of w by name (the first of a name), for
 * index_parcels. */
typedef itab pnames;

static uint64_t hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ull;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

static int pnames_find(const pnames *pn, const wf_world *w, const char *name)
{
	for (size_t k = itab_first(pn, hash_str(name)); pn->slot[k]; k = itab_next(pn, k))
		if (strcmp(w->parcels[pn->slot[k] - 1].name, name) == 0)
			return (int)pn->slot[k] - 1;
	return -1;
}

static int pnames_make(pnames *pn, const wf_world *w)
{
	if (itab_reset(pn, (size_t)w->nparcels) != 0)
		return -1;
	for (int i = 0; i < w->nparcels; i++) {
		const char *name = w->parcels[i].name;
		size_t k = itab_first(pn, hash_str(name));
		while (pn->slot[k] && strcmp(w->parcels[pn->slot[k] - 1].name, name))
			k = itab_next(pn, k);
		if (!pn->slot[k])
			pn->slot[k] = (uint32_t)i + 1;
	}
	return 0;
}

/* A parcel's row: px, py, pw, ph in unit parcels, then x0, y0, x1, y1 in
 * tiles. */
static void parcel_row(const wf_world *w, const wf_parcel *p, int64_t v[8])
{
	v[0] = p->px;
	v[1] = p->py;
	v[2] = p->pw;
	v[3] = p->ph;
	v[4] = (int64_t)p->px * w->parcel_w;
	v[5] = (int64_t)p->py * w->parcel_h;
	v[6] = ((int64_t)p->px + p->pw) * w->parcel_w;
	v[7] = ((int64_t)p->py + p->ph) * w->parcel_h;
}

static bool col_is(sqlite3_stmt *st, int col, const char *s)
{
	const char *t = (const char *)sqlite3_column_text(st, col);
	return t && s ? strcmp(t, s) == 0 : !t && !s;
}

/* Make the repository's parcels rows those of w, writing only the rows
 * that differ from the last index's (a new commit changes a few). */
static int index_parcels(store_reg *g, int64_t rid, const wf_world *w,
                         store_index_report *rep, store_err *err)
{
	pnames pn = {0};
	uint8_t *keep = calloc((size_t)w->nparcels + 1, 1);
	sqlite3_stmt *old = NULL, *put = NULL, *del = NULL;
	int ret = -1, rc;
	if (!keep || pnames_make(&pn, w) != 0) {
		store_seterr(err, "out of memory");
		goto out;
	}
	if (!(old = reg_prep(g, err,
	                     "SELECT name, px, py, pw, ph, x0, y0, x1, y1, zone, "
	                     "file_owner, script FROM parcels WHERE repo_id = ?",
	                     "i", rid)) ||
	    !(put = reg_prep(g, err,
	                     "INSERT INTO parcels(repo_id, name, px, py, pw, ph, x0, "
	                     "y0, x1, y1, zone, file_owner, script) VALUES(?, ?, ?, ?, "
	                     "?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(repo_id, name) DO "
	                     "UPDATE SET px = excluded.px, py = excluded.py, pw = "
	                     "excluded.pw, ph = excluded.ph, x0 = excluded.x0, y0 = "
	                     "excluded.y0, x1 = excluded.x1, y1 = excluded.y1, zone = "
	                     "excluded.zone, file_owner = excluded.file_owner, script "
	                     "= excluded.script",
	                     "")) ||
	    !(del = reg_prep(g, err, "DELETE FROM parcels WHERE repo_id = ? AND name = ?", "")))
		goto out;
	/* keep: 1 the row is right already, 2 a row of that name is to go. */
	while ((rc = sqlite3_step(old)) == SQLITE_ROW) {
		int i = pnames_find(&pn, w, (const char *)sqlite3_column_text(old, 0));
		if (i < 0)
			continue; /* removed: deleted below */
		const wf_parcel *p = &w->parcels[i];
		int64_t v[8];
		parcel_row(w, p, v);
		bool same = col_is(old, 9, p->zone) && col_is(old, 10, p->owner) &&
		            col_is(old, 11, p->script);
		for (int k = 0; k < 8 && same; k++)
			same = sqlite3_column_int64(old, 1 + k) == v[k];
		keep[i] = same;
	}
	if (rc != SQLITE_DONE) {
		reg_fail(g, err, "parcels");
		goto out;
	}
	/* The rows of parcels no longer in the file. */
	sqlite3_reset(old);
	while ((rc = sqlite3_step(old)) == SQLITE_ROW) {
		if (pnames_find(&pn, w, (const char *)sqlite3_column_text(old, 0)) >= 0)
			continue;
		sqlite3_reset(del);
		sqlite3_bind_int64(del, 1, rid);
		sqlite3_bind_text(del, 2, (const char *)sqlite3_column_text(old, 0), -1,
		                  SQLITE_TRANSIENT);
		if (sqlite3_step(del) != SQLITE_DONE) {
			reg_fail(g, err, "parcels");
			goto out;
		}
	}
	if (rc != SQLITE_DONE) {
		reg_fail(g, err, "parcels");
		goto out;
	}
	for (int i = 0; i < w->nparcels; i++) {
		const wf_parcel *p = &w->parcels[i];
		int64_t v[8];
		rep->parcels++;
		if (keep[i] || pnames_find(&pn, w, p->name) != i)
			continue; /* unchanged, or a second parcel of one name */
		parcel_row(w, p, v);
		sqlite3_reset(put);
		sqlite3_bind_int64(put, 1, rid);
		sqlite3_bind_text(put, 2, p->name, -1, SQLITE_STATIC);
		for (int k = 0; k < 8; k++)
			sqlite3_bind_int64(put, 3 + k, v[k]);
		sqlite3_bind_text(put, 11, p->zone, -1, SQLITE_STATIC);
		sqlite3_bind_text(put, 12, p->owner, -1, SQLITE_STATIC);
		sqlite3_bind_text(put, 13, p->script, -1, SQLITE_STATIC);
		if (sqlite3_step(put) != SQLITE_DONE) {
			reg_fail(g, err, "parcels");
			goto out;
		}
	}
	ret = 0;
out:
	sqlite3_finalize(old);
	sqlite3_finalize(put);
	sqlite3_finalize(del);
	itab_free(&pn);
	free(keep);
	return ret;
}

/* ---- The claims of the world, in memory ------------------------------------
 * Claiming asks two questions per parcel: its claim, and whether its land
 * overlaps another claim. Asked of SQLite per parcel, the overlap is a
 * range scan that grows with the world (the full Street took minutes), so
 * an index reads the world's claims once, answers both from memory and
 * keeps the copy in step with what it writes. Claims never overlap, so a
 * unit cell of land has at most one claim: a map from cell to claim
 * answers an overlap in pw * ph lookups. */
#define LAND_MAX_CELLS (1u << 24) /* beyond this, overlaps are asked of SQLite */

typedef struct lclaim {
	char *name, *owner;
	int32_t land[4]; /* px, py, pw, ph */
} lclaim;

typedef struct lcell {
	int64_t key;  /* x << 32 | y */
	uint32_t c;   /* claim index + 1; 0 empty; LAND_GONE a removed cell */
} lcell;
#define LAND_GONE UINT32_MAX

typedef struct land {
	lclaim *v;
	size_t n, cap;
	itab byname;      /* the claims by name */
	lcell *cells;
	size_t cmask, cused; /* cused counts removed cells too */
	bool no_cells;       /* too much land: overlaps are asked of SQLite */
} land;

static uint64_t land_hash_cell(int64_t key)
{
	return (uint64_t)key * 0x9e3779b97f4a7c15ull >> 17;
}

static uint64_t land_hash_name(const void *arg, size_t i)
{
	return hash_str(((const land *)arg)->v[i].name);
}

static lclaim *land_find(const land *l, const char *name)
{
	const itab *t = &l->byname;
	if (!t->slot)
		return NULL;
	for (size_t k = itab_first(t, hash_str(name)); t->slot[k]; k = itab_next(t, k))
		if (strcmp(l->v[t->slot[k] - 1].name, name) == 0)
			return &l->v[t->slot[k] - 1];
	return NULL;
}

static int land_rehash_cells(land *l, size_t want)
{
	size_t m = itab_mask(want, 1023); /* (cells hold keys, not indexes) */
	lcell *t = calloc(m + 1, sizeof *t);
	if (!t)
		return -1;
	size_t used = 0;
	for (size_t i = 0; l->cells && i <= l->cmask; i++) {
		if (!l->cells[i].c || l->cells[i].c == LAND_GONE)
			continue;
		size_t k = land_hash_cell(l->cells[i].key) & m;
		while (t[k].c)
			k = (k + 1) & m;
		t[k] = l->cells[i];
		used++;
	}
	free(l->cells);
	l->cells = t;
	l->cmask = m;
	l->cused = used;
	return 0;
}

/* The claim holding cell (x, y), or 0. */
static uint32_t land_at(const land *l, int64_t x, int64_t y)
{
	int64_t key = (int64_t)((uint64_t)x << 32 | (uint32_t)y);
	for (size_t k = land_hash_cell(key) & l->cmask; l->cells[k].c; k = (k + 1) & l->cmask)
		if (l->cells[k].c != LAND_GONE && l->cells[k].key == key)
			return l->cells[k].c;
	return 0;
}

static uint64_t land_area(const int32_t r[4])
{
	return r[2] > 0 && r[3] > 0 ? (uint64_t)r[2] * (uint64_t)r[3] : 0;
}

/* Mark (c > 0) or clear (c == 0) the cells of rectangle r for claim c. */
static int land_mark(land *l, const int32_t r[4], uint32_t c)
{
	if (l->no_cells)
		return 0;
	if (c && (l->cused + land_area(r)) * 2 > l->cmask + 1) {
		if (l->cused + land_area(r) > LAND_MAX_CELLS) {
			free(l->cells);
			l->cells = NULL;
			l->no_cells = true;
			return 0;
		}
		if (land_rehash_cells(l, l->cused + land_area(r)) != 0)
			return -1;
	}
	for (int64_t y = r[1]; y < (int64_t)r[1] + r[3]; y++)
		for (int64_t x = r[0]; x < (int64_t)r[0] + r[2]; x++) {
			int64_t key = (int64_t)((uint64_t)x << 32 | (uint32_t)y);
			size_t k = land_hash_cell(key) & l->cmask;
			while (l->cells[k].c && !(l->cells[k].c != LAND_GONE && l->cells[k].key == key))
				k = (k + 1) & l->cmask;
			if (c && !l->cells[k].c) {
				l->cells[k].key = key;
				l->cells[k].c = c;
				l->cused++;
			} else if (l->cells[k].c) {
				l->cells[k].c = c ? c : LAND_GONE;
			}
		}
	return 0;
}

static int land_add(land *l, const char *name, const char *owner, const int32_t r[4])
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 256;
		lclaim *v = realloc(l->v, cap * sizeof *v);
		if (!v)
			return -1;
		l->v = v;
		l->cap = cap;
	}
	lclaim *c = &l->v[l->n];
	c->name = strdup(name);
	c->owner = strdup(owner ? owner : "");
	memcpy(c->land, r, sizeof c->land);
	if (!c->name || !c->owner) {
		free(c->name);
		free(c->owner);
		return -1;
	}
	l->n++;
	if (itab_full(&l->byname, l->n)) {
		if (itab_rebuild(&l->byname, l->n, land_hash_name, l) != 0)
			return -1;
	} else {
		itab_put(&l->byname, hash_str(name), l->n - 1);
	}
	return land_mark(l, r, (uint32_t)l->n);
}

static void land_free(land *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].name);
		free(l->v[i].owner);
	}
	free(l->v);
	itab_free(&l->byname);
	free(l->cells);
	memset(l, 0, sizeof *l);
}

static int land_load(store_reg *g, int64_t wid, land *l, store_err *err)
{
	sqlite3_stmt *st = reg_prep(g, err,
	                            "SELECT parcel, owner, px, py, pw, ph FROM claims "
	                            "WHERE world_id = ?",
	                            "i", wid);
	if (!st)
		return -1;
	int rc;
	if (land_rehash_cells(l, 0) != 0) {
		sqlite3_finalize(st);
		store_seterr(err, "out of memory");
		return -1;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int32_t r[4];
		for (int i = 0; i < 4; i++)
			r[i] = sqlite3_column_int(st, 2 + i);
		if (land_add(l, (const char *)sqlite3_column_text(st, 0),
		             (const char *)sqlite3_column_text(st, 1), r) != 0) {
			sqlite3_finalize(st);
			store_seterr(err, "out of memory");
			return -1;
		}
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : reg_fail(g, err, "claims");
}

/* Another claim overlapping rectangle r (the name of parcel `self` does
 * not count), into `other` ("" when the land is free). */
static int land_overlap(store_reg *g, int64_t wid, const land *l, const char *self,
                        const int32_t r[4], char *other, size_t len, store_err *err)
{
	other[0] = '\0';
	if (l->no_cells || land_area(r) > LAND_MAX_CELLS)
		return reg_overlap(g, wid, self, r, NULL, other, len, err);
	for (int64_t y = r[1]; y < (int64_t)r[1] + r[3]; y++)
		for (int64_t x = r[0]; x < (int64_t)r[0] + r[2]; x++) {
			uint32_t c = land_at(l, x, y);
			if (c && strcmp(l->v[c - 1].name, self) != 0) {
				snprintf(other, len, "%s", l->v[c - 1].name);
				return 0;
			}
		}
	return 0;
}

/* The statements of the claim pass, prepared once. */
typedef struct claimer {
	land land;
	sqlite3_stmt *move, *insert;
} claimer;

static int claimer_step(store_reg *g, sqlite3_stmt *st, store_err *err)
{
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : reg_fail(g, err, "claims");
}

/* Claim one parcel for the owner its file names, unless it is claimed
 * already (then only its recorded land follows the file, when free). */
static int index_claim(store_reg *g, int64_t wid, claimer *cl, const wf_parcel *p,
                       store_index_report *rep, store_err *err)
{
	char other[160];
	int32_t want[4] = {p->px, p->py, p->pw, p->ph};
	lclaim *c = land_find(&cl->land, p->name);
	if (c && p->owner && strcmp(c->owner, p->owner) != 0)
		rep->kept++;
	if ((c && memcmp(c->land, want, sizeof want) == 0) || (!c && !p->owner))
		return 0;
	if (land_overlap(g, wid, &cl->land, p->name, want, other, sizeof other, err) != 0)
		return -1;
	if (other[0]) {
		rep->refused += !c;
		return 0;
	}
	sqlite3_stmt *st = c ? cl->move : cl->insert;
	sqlite3_bind_int64(st, 1, wid);
	sqlite3_bind_text(st, 2, p->name, -1, SQLITE_STATIC);
	for (int k = 0; k < 4; k++)
		sqlite3_bind_int64(st, 3 + k, want[k]);
	if (!c)
		sqlite3_bind_text(st, 7, p->owner, -1, SQLITE_STATIC);
	if (claimer_step(g, st, err) != 0)
		return -1;
	if (c) {
		/* The claim's land moves: its old cells are free again. */
		uint32_t ci = (uint32_t)(c - cl->land.v) + 1;
		if (land_mark(&cl->land, c->land, 0) != 0 || land_mark(&cl->land, want, ci) != 0)
			goto oom;
		memcpy(c->land, want, sizeof want);
		return 0;
	}
	if (reg_log_grant(g, wid, p->name, "claim", p->owner, NULL, err) != 0)
		return -1;
	if (land_add(&cl->land, p->name, p->owner, want) != 0)
		goto oom;
	rep->claimed++;
	rep->not_login += p->owner[strcspn(p->owner, " \t")] != '\0';
	return 0;
oom:
	store_seterr(err, "out of memory");
	return -1;
}

static int index_claims(store_reg *g, store_repo *r, int64_t wid, const wf_world *w,
                        store_index_report *rep, store_err *err)
{
	claimer cl = {0};
	int rc = land_load(g, wid, &cl.land, err);
	if (rc == 0) {
		cl.move = reg_prep(g, err,
		                   "UPDATE claims SET px = ?3, py = ?4, pw = ?5, ph = ?6 "
		                   "WHERE world_id = ?1 AND parcel = ?2",
		                   "");
		cl.insert = cl.move ? reg_prep(g, err,
		                               "INSERT INTO claims(world_id, parcel, px, py, pw, "
		                               "ph, owner, source, since, by) VALUES(?, ?, ?, ?, "
		                               "?, ?, ?, 'file', strftime('%s','now'), '" STORE_PLATFORM
		                               "')",
		                               "")
		                    : NULL;
		rc = cl.insert ? 0 : -1;
	}
	for (int i = 0; rc == 0 && i < w->nparcels; i++) {
		rc = index_claim(g, wid, &cl, &w->parcels[i], rep, err);
		repo_progress(r, "indexing parcels", (uint64_t)i + 1, (uint64_t)w->nparcels);
	}
	sqlite3_finalize(cl.move);
	sqlite3_finalize(cl.insert);
	land_free(&cl.land);
	return rc;
}

/* The blob id of world.acre at commit `head` (hex), "" when absent. */
static void index_head_blob(store_repo *r, const char *head, char hex[STORE_OID_HEX])
{
	git_commit *c = NULL;
	git_tree *t = NULL;
	git_oid id;
	store_err err;
	hex[0] = '\0';
	if (repo_commit_of(r, head, &c, &err) == 0 && git_commit_tree(&t, c) == 0 &&
	    repo_entry_id(r, t, "world.acre", &id))
		git_oid_tostr(hex, STORE_OID_HEX, &id);
	git_tree_free(t);
	git_commit_free(c);
}

static int index_tx(store_reg *g, store_repo *r, const wf_world *w, const char *head,
                    bool claim, store_index_report *rep, store_err *err)
{
	int64_t wid, rid;
	prev_index pv;
	char blob[STORE_OID_HEX];
	if (reg_world_id(g, r->dir, w->name, &wid, err) != 0 || index_prev(g, r, &pv, err) != 0 ||
	    index_repo_row(g, r, wid, w, head, &rid, err) != 0)
		return -1;
	/* A commit never changes: the head indexed last keeps its rows. */
	if (pv.nrev > 0 && pv.whole && strcmp(pv.head, head) == 0)
		rep->revisions = pv.nrev;
	else if (index_revisions(g, r, rid, head, &pv, rep, err) != 0)
		return -1;
	/* The parcels are those of the head's world.acre: kept when it is the
	 * same blob as last time. */
	index_head_blob(r, head, blob);
	if (pv.nrev > 0 && *blob && strcmp(pv.blob, blob) == 0)
		rep->parcels = w->nparcels;
	else if (index_parcels(g, rid, w, rep, err) != 0)
		return -1;
	return claim ? index_claims(g, r, wid, w, rep, err) : 0;
}

int store_index(store_reg *g, store_repo *r, const char *rev, bool claim,
                store_index_report *rep, store_err *err)
{
	char head[STORE_OID_HEX];
	memset(rep, 0, sizeof *rep);
	wf_world *w = index_load_head(r, rev ? rev : "HEAD", head, err);
	if (!w)
		return -1;
	snprintf(rep->world, sizeof rep->world, "%s", w->name);
	int rc = reg_begin(g, err);
	if (rc == 0 && (rc = index_tx(g, r, w, head, claim, rep, err)) == 0)
		rc = reg_commit(g, err);
	if (rc != 0)
		reg_rollback(g);
	wf_world_free(w);
	return rc;
}
