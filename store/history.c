/* history.c — history in the world's language: the parcels a change
 * touched, the log of one parcel, and the blame of a parcel's rows.
 *
 * Speed on long histories comes from two habits. First, a revision whose
 * world.acre (and scripts) are the same blobs as its parent's is skipped
 * from the tree entry ids alone, without reading a byte. Second, when
 * world.acre did change, only the one parcel asked about is parsed: its
 * block is cut from the text (the header up to the first parcel, plus the
 * lines from `parcel NAME` to the next top-level statement) and parsed as a
 * small world of its own. When the text cannot be cut that way (an unusual
 * layout) or the cut does not parse, the whole file is parsed instead, so
 * the fast path never changes an answer. */
#include "store/store_int.h"
#include "worldfmt/worldfmt.h"

#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- Parsing, whole and cut --------------------------------------------- */

static wf_world *hist_parse(const char *text, size_t len, const char *file, int *errors)
{
	wf_diags d = {0};
	d.max = 1;
	wf_world *w = wf_parse(text, len, file, &d);
	if (errors)
		*errors = d.errors;
	wf_diags_free(&d);
	return w;
}

static bool at_line_start(const char *text, const char *p)
{
	return p == text || p[-1] == '\n';
}

static bool is_end_of_word(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '#';
}

/* The line `parcel NAME ...` at column 0, or NULL; looked for from offset
 * `from` on (where the caller expects it), then from the start. */
static const char *find_parcel_line(const char *text, size_t len, const char *name,
                                    size_t from)
{
	size_t nl = strlen(name);
	const char *end = text + len, *p = text + (from < len ? from : 0);
	if (p != text) {
		const char *hit = find_parcel_line(p, (size_t)(end - p), name, 0);
		/* p is at a line start when the hint is (pc_back gives those). */
		if (hit && (hit > p || at_line_start(text, p)))
			return hit;
		p = text;
	}
	while ((p = memmem(p, (size_t)(end - p), "parcel ", 7))) {
		const char *q = p + 7;
		if (at_line_start(text, p)) {
			while (q < end && (*q == ' ' || *q == '\t'))
				q++;
			if ((size_t)(end - q) > nl && memcmp(q, name, nl) == 0 &&
			    is_end_of_word(q[nl]))
				return p;
		}
		p = q;
	}
	return NULL;
}

/* Does the line at p start a top-level statement? Layout rows never hold a
 * space, so "parcel " or "zone " at column 0 cannot be one. */
static bool top_level(const char *p, const char *end)
{
	static const char *const kw[] = {"parcel ",   "zone ",    "world ",  "palette\n",
	                                 "palette\r", "palette ", "palette#"};
	for (size_t i = 0; i < sizeof kw / sizeof kw[0]; i++) {
		size_t n = strlen(kw[i]);
		if ((size_t)(end - p) >= n && memcmp(p, kw[i], n) == 0)
			return true;
	}
	return false;
}

/* A small world made of the header of `text` and the block of parcel
 * `name`, or NULL when the text cannot be cut. */
static wf_world *hist_cut(const char *text, size_t len, const char *name, size_t hint,
                          bool *absent)
{
	const char *end = text + len;
	const char *first = text;
	*absent = false;
	if (len < 7 || memcmp(text, "parcel ", 7) != 0) {
		first = memmem(text, len, "\nparcel ", 8);
		if (!first) {
			*absent = true; /* no parcel at all at column 0 */
			return NULL;
		}
		first++;
	}
	const char *start = find_parcel_line(text, len, name, hint);
	if (!start) {
		*absent = true;
		return NULL;
	}
	const char *stop = memchr(start, '\n', (size_t)(end - start));
	while (stop && stop + 1 < end && !top_level(stop + 1, end))
		stop = memchr(stop + 1, '\n', (size_t)(end - stop - 1));
	stop = stop ? stop + 1 : end;
	size_t hl = (size_t)(first - text), bl = (size_t)(stop - start);
	char *buf = malloc(hl + bl + 1);
	if (!buf)
		return NULL;
	memcpy(buf, text, hl);
	memcpy(buf + hl, start, bl);
	buf[hl + bl] = '\n';
	int errors;
	wf_world *w = hist_parse(buf, hl + bl + 1, "world.acre", &errors);
	free(buf);
	if (w && (errors || w->nparcels != 1 || strcmp(w->parcels[0].name, name) != 0)) {
		wf_world_free(w);
		w = NULL;
	}
	return w;
}

/* The world holding parcel `name` as `text` has it: *pi is its index, -1
 * when the text has no such parcel (the world may then be NULL). */
static wf_world *hist_parcel_world(const char *text, size_t len, const char *name,
                                   size_t hint, int *pi)
{
	bool absent;
	*pi = -1;
	wf_world *w = hist_cut(text, len, name, hint, &absent);
	if (w) {
		*pi = 0;
		return w;
	}
	/* "absent" from the cut is only a hint: an indented file hides its
	 * parcels from it, so the whole parse decides. */
	w = hist_parse(text, len, "world.acre", NULL);
	if (w)
		*pi = wf_find_parcel(w, name);
	return w;
}

/* ---- One revision's view of a parcel -------------------------------------- */

typedef struct pview {
	git_oid world_id; /* blob id of world.acre, zero when absent */
	bool have_world;
	wf_world *w; /* NULL when the parcel is absent */
	int pi;
} pview;

static void pview_free(pview *v)
{
	wf_world_free(v->w);
	memset(v, 0, sizeof *v);
}

static int pview_load(store_repo *r, git_tree *tree, const char *parcel, pview *v,
                      store_err *err)
{
	char *text;
	size_t len;
	bool found;
	memset(v, 0, sizeof *v);
	v->pi = -1;
	v->have_world = repo_entry_id(r, tree, "world.acre", &v->world_id);
	if (!v->have_world)
		return 0;
	if (repo_read_blob(r, tree, "world.acre", &text, &len, &found, err) != 0)
		return -1;
	v->w = hist_parcel_world(text, len, parcel, 0, &v->pi);
	free(text);
	if (v->w && v->pi < 0) {
		wf_world_free(v->w);
		v->w = NULL;
	}
	return 0;
}

static const wf_parcel *pview_parcel(const pview *v)
{
	return v->w && v->pi >= 0 ? &v->w->parcels[v->pi] : NULL;
}

/* Do two views hold the same parcel (model and the scripts it runs)? */
static bool pview_same_model(const pview *a, const pview *b)
{
	const wf_parcel *pa = pview_parcel(a), *pb = pview_parcel(b);
	if (!pa || !pb)
		return !pa && !pb;
	wf_diff d;
	if (wf_diff_worlds(a->w, b->w, &d) != 0)
		return false;
	/* Only this parcel counts: a cut world and a whole one differ in the
	 * others. */
	bool same = true;
	for (int i = 0; i < d.nparcels; i++)
		if (d.parcels[i].a == a->pi || d.parcels[i].b == b->pi)
			same = false;
	wf_diff_free(&d);
	return same;
}

/* Script paths parcel p runs (own and entities'), into v (at most max). */
static int parcel_scripts(const wf_parcel *p, const char **v, int max)
{
	int n = 0;
	if (p && p->script && n < max)
		v[n++] = p->script;
	for (int i = 0; p && i < p->nentities && n < max; i++)
		if (p->entities[i].script)
			v[n++] = p->entities[i].script;
	return n;
}

static bool scripts_differ(store_repo *r, git_tree *ta, git_tree *tb, const wf_parcel *p)
{
	const char *paths[64];
	int n = parcel_scripts(p, paths, 64);
	for (int i = 0; i < n; i++) {
		git_oid a, b;
		bool ha = ta && repo_entry_id(r, ta, paths[i], &a);
		bool hb = repo_entry_id(r, tb, paths[i], &b);
		if (ha != hb || (ha && !git_oid_equal(&a, &b)))
			return true;
	}
	return false;
}

/* ---- Log ------------------------------------------------------------------- */

/* Did any of the world's files change from parent tree pa (NULL: none) to
 * tree tb? Compared by entry id, so unchanged revisions cost nothing. */
static bool world_files_differ(store_repo *r, git_tree *pa, git_tree *tb)
{
	static const char *const paths[] = {"world.acre", "scripts", "assets"};
	for (int i = 0; i < 3; i++) {
		git_oid a, b;
		bool ha = pa && repo_entry_id(r, pa, paths[i], &a);
		bool hb = repo_entry_id(r, tb, paths[i], &b);
		if (ha != hb || (ha && !git_oid_equal(&a, &b)))
			return true;
	}
	return false;
}

/* ---- The parcel-change cache ----------------------------------------------
 * Which parcels differ between two versions of world.acre depends only on
 * the two blobs, so it is worked out once and kept in the repository's git
 * directory (acre/parcel-changes; delete it at will, it is rebuilt). A
 * warm `acre log --parcel` then reads no world.acre at all, as `git log --
 * world.acre` reads none. A record is the two blob ids and either the
 * exact names of the parcels whose model differs, or "unknown" (the
 * header, palette or zones changed, or many parcels did): those pairs are
 * compared parcel by parcel each time, as without the cache. A record
 * from the zero id lists every parcel of the blob: a root commit changed
 * (created) exactly those.
 *
 * File: "ACREPC1\n", then records of 20 + 20 bytes of ids, a 4-byte
 * little-endian count (0xffffffff: unknown) and per name a length byte and
 * the name. Records are appended whole; a torn tail is ignored. */
#define PC_MAGIC "ACREPC1\n"
#define PC_UNKNOWN 0xffffffffu
#define PC_MAX_NAMES 64
/* A record whose first id is zero lists the parcels a world.acre has at
 * all (a root commit's change): any number of them, within reason. */
#define PC_MAX_ROOT_NAMES (1u << 22)

typedef struct pc_rec {
	git_oid a, b;
	uint32_t n;   /* PC_UNKNOWN, or the count of names */
	char **names; /* sorted */
} pc_rec;

typedef struct pcache {
	/* The last two world.acre blobs read, read in place (their text is
	 * not NUL-terminated): walking back, a commit's parent text is the
	 * next commit's own. */
	git_oid tid[2];
	git_blob *text[2];
	int tnext;
	pc_rec *v;
	size_t n, cap;
	itab byab;    /* the records by (a, b) */
	size_t saved; /* records 0..saved-1 are in the file */
	bool loaded;
	bool rewrite; /* the file is foreign or torn: write it anew */
	char path[PATH_MAX];
} pcache;

static size_t pc_hash(const git_oid *a, const git_oid *b)
{
	size_t x, y;
	memcpy(&x, a->id, sizeof x);
	memcpy(&y, b->id + 4, sizeof y);
	return x ^ (y * 0x9e3779b97f4a7c15ull);
}

static const pc_rec *pc_find(const pcache *c, const git_oid *a, const git_oid *b)
{
	const itab *t = &c->byab;
	if (!t->slot)
		return NULL;
	for (size_t k = itab_first(t, pc_hash(a, b)); t->slot[k]; k = itab_next(t, k)) {
		const pc_rec *e = &c->v[t->slot[k] - 1];
		if (git_oid_equal(&e->a, a) && git_oid_equal(&e->b, b))
			return e;
	}
	return NULL;
}

static uint64_t pc_hash_rec(const void *arg, size_t i)
{
	const pc_rec *r = &((const pcache *)arg)->v[i];
	return pc_hash(&r->a, &r->b);
}

static int pc_add(pcache *c, pc_rec *r)
{
	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 256;
		pc_rec *v = realloc(c->v, cap * sizeof *v);
		if (!v)
			return -1;
		c->v = v;
		c->cap = cap;
	}
	c->v[c->n++] = *r;
	if (itab_full(&c->byab, c->n))
		return itab_rebuild(&c->byab, c->n, pc_hash_rec, c);
	itab_put(&c->byab, pc_hash(&r->a, &r->b), c->n - 1);
	return 0;
}

/* A record from the all-ones id lists, for the blob, "PARCEL\tSCRIPT" for
 * every script each parcel runs (its own and its entities'). */
static bool pc_is_scripts(const git_oid *a)
{
	for (int i = 0; i < GIT_OID_RAWSZ; i++)
		if (a->id[i] != 0xff)
			return false;
	return true;
}

static void pc_rec_free(pc_rec *r)
{
	for (uint32_t i = 0; r->n != PC_UNKNOWN && i < r->n; i++)
		free(r->names[i]);
	free(r->names);
}

static void pc_load(store_repo *r, pcache *c)
{
	c->loaded = true;
	snprintf(c->path, sizeof c->path, "%sacre/parcel-changes",
	         git_repository_commondir(r->repo));
	FILE *f = fopen(c->path, "rb");
	if (!f)
		return;
	char magic[8];
	if (fread(magic, 1, 8, f) != 8 || memcmp(magic, PC_MAGIC, 8) != 0) {
		c->rewrite = true;
		fclose(f);
		return;
	}
	unsigned char hdr[44];
	while (fread(hdr, 1, 44, f) == 44) {
		pc_rec e = {0};
		memcpy(e.a.id, hdr, 20);
		memcpy(e.b.id, hdr + 20, 20);
		e.n = (uint32_t)hdr[40] | (uint32_t)hdr[41] << 8 | (uint32_t)hdr[42] << 16 |
		      (uint32_t)hdr[43] << 24;
		bool ok = e.n == PC_UNKNOWN || e.n <= PC_MAX_NAMES ||
		          ((git_oid_is_zero(&e.a) || pc_is_scripts(&e.a)) &&
		           e.n <= PC_MAX_ROOT_NAMES);
		if (ok && e.n != PC_UNKNOWN && e.n) {
			e.names = calloc(e.n, sizeof *e.names);
			ok = e.names != NULL;
			for (uint32_t i = 0; ok && i < e.n; i++) {
				int l = fgetc(f);
				ok = l > 0 && (e.names[i] = malloc((size_t)l + 1)) &&
				     fread(e.names[i], 1, (size_t)l, f) == (size_t)l;
				if (ok)
					e.names[i][l] = '\0';
			}
		}
		if (!ok || pc_add(c, &e) != 0) {
			pc_rec_free(&e);
			c->rewrite = true;
			break; /* a torn or foreign tail: what came before stands */
		}
	}
	if (!feof(f) && fgetc(f) != EOF)
		c->rewrite = true; /* bytes after the last whole record */
	c->saved = c->n;
	fclose(f);
}

/* Append the records worked out in this run. A failure only costs the
 * next run the work again. */
static void pc_save(store_repo *r, pcache *c)
{
	if (c->saved == c->n)
		return;
	char dir[PATH_MAX + 8];
	snprintf(dir, sizeof dir, "%sacre", git_repository_commondir(r->repo));
	mkdir(dir, 0777);
	/* Appending is the rule; a damaged file is replaced whole, through a
	 * temporary file and a rename, so no reader sees half of it. */
	char tmp[PATH_MAX + 16];
	snprintf(tmp, sizeof tmp, "%s.%ld", c->path, (long)getpid());
	FILE *f = fopen(c->rewrite ? tmp : c->path, c->rewrite ? "wb" : "ab");
	if (!f)
		return;
	if (c->rewrite)
		c->saved = 0;
	if (ftell(f) == 0)
		fwrite(PC_MAGIC, 1, 8, f);
	for (size_t i = c->saved; i < c->n; i++) {
		const pc_rec *e = &c->v[i];
		unsigned char hdr[44];
		memcpy(hdr, e->a.id, 20);
		memcpy(hdr + 20, e->b.id, 20);
		for (int k = 0; k < 4; k++)
			hdr[40 + k] = (unsigned char)(e->n >> (8 * k));
		fwrite(hdr, 1, 44, f);
		for (uint32_t k = 0; e->n != PC_UNKNOWN && k < e->n; k++) {
			size_t l = strlen(e->names[k]);
			fputc((int)l, f);
			fwrite(e->names[k], 1, l, f);
		}
	}
	if (fclose(f) == 0 && c->rewrite && rename(tmp, c->path) == 0)
		c->rewrite = false;
	else if (c->rewrite)
		unlink(tmp);
	c->saved = c->n;
}

static void pc_free(pcache *c)
{
	git_blob_free(c->text[0]);
	git_blob_free(c->text[1]);
	for (size_t i = 0; i < c->n; i++)
		pc_rec_free(&c->v[i]);
	free(c->v);
	itab_free(&c->byab);
	memset(c, 0, sizeof *c);
}

static int name_cmp(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

static bool pc_has(const pc_rec *e, const char *name)
{
	return e->n && bsearch(&name, e->names, e->n, sizeof *e->names, name_cmp) != NULL;
}

/* Does a `parcel` line start at t[i] (of len bytes)? */
static bool pc_parcel_at(const char *t, size_t len, size_t i)
{
	return (i == 0 || t[i - 1] == '\n') && len - i >= 7 && memcmp(t + i, "parcel ", 7) == 0;
}

/* Start of the `parcel` line at or before `at` (the header's end when
 * none), and the end of the block holding `at` (the next `parcel` line). */
static size_t pc_back(const char *t, size_t len, size_t at)
{
	for (size_t i = (at < len ? at : len) + 1; i-- > 0;)
		if (i < len && pc_parcel_at(t, len, i))
			return i;
	return 0;
}

static size_t pc_fwd(const char *t, size_t len, size_t at)
{
	const char *p = at < len ? memmem(t + at, len - at, "\nparcel ", 8) : NULL;
	return p ? (size_t)(p - t) + 1 : len;
}

/* Names of the parcel lines starting in t[from, to), added to v. */
static int pc_names(const char *t, size_t len, size_t from, size_t to, char **v,
                    uint32_t *n)
{
	for (size_t i = from; i < to; i++) {
		if (!pc_parcel_at(t, len, i))
			continue;
		const char *q = t + i + 7, *end = t + len;
		while (q < end && (*q == ' ' || *q == '\t'))
			q++;
		size_t l = 0;
		while (q + l < end && !strchr(" \t\r\n#", q[l]))
			l++;
		if (!l || l > 255)
			continue;
		bool dup = false;
		for (uint32_t k = 0; k < *n && !dup; k++)
			dup = strlen(v[k]) == l && memcmp(v[k], q, l) == 0;
		if (dup)
			continue;
		if (*n >= PC_MAX_NAMES)
			return -1;
		if (!(v[(*n)++] = strndup(q, l)))
			return -1;
	}
	return 0;
}

/* The record for texts ta (parent) and tb: the text that differs (after
 * the common head and tail) names the candidate parcels, and each
 * candidate's block is compared as a model, as the log compares it. */
static void pc_compute(const char *ta, size_t la, const char *tb, size_t lb, pc_rec *e)
{
	/* Block by block first (memcmp is many times faster than a byte loop
	 * over a megabyte), then byte by byte inside the block that differs. */
	enum { BLK = 256 };
	size_t head = 0, tail = 0, most = la < lb ? la : lb;
	while (head + BLK <= most && memcmp(ta + head, tb + head, BLK) == 0)
		head += BLK;
	while (head < most && ta[head] == tb[head])
		head++;
	most -= head;
	while (tail + BLK <= most && memcmp(ta + la - tail - BLK, tb + lb - tail - BLK, BLK) == 0)
		tail += BLK;
	while (tail < most && ta[la - 1 - tail] == tb[lb - 1 - tail])
		tail++;
	e->n = PC_UNKNOWN;
	e->names = NULL;
	const char *fa = memmem(ta, la, "\nparcel ", 8), *fb = memmem(tb, lb, "\nparcel ", 8);
	/* A change in the header, palette or zones may reach every parcel. */
	if (!fa || !fb || head <= (size_t)(fa - ta) || head <= (size_t)(fb - tb) ||
	    (size_t)(fa - ta) != (size_t)(fb - tb) || memcmp(ta, tb, (size_t)(fa - ta)))
		return;
	char *cand[PC_MAX_NAMES];
	uint32_t nc = 0;
	size_t ea = la - tail, eb = lb - tail;
	if (pc_names(ta, la, pc_back(ta, la, head), pc_fwd(ta, la, ea > head ? ea : head), cand,
	             &nc) ||
	    pc_names(tb, lb, pc_back(tb, lb, head), pc_fwd(tb, lb, eb > head ? eb : head), cand,
	             &nc)) {
		for (uint32_t i = 0; i < nc; i++)
			free(cand[i]);
		return;
	}
	char **names = malloc((nc ? nc : 1) * sizeof *names);
	uint32_t n = 0;
	bool ok = names != NULL;
	/* The candidates' blocks are where the texts differ: look there first. */
	size_t hint_a = pc_back(ta, la, head), hint_b = pc_back(tb, lb, head);
	for (uint32_t i = 0; i < nc; i++) {
		pview va = {.pi = -1}, vb = {.pi = -1};
		if (ok) {
			va.w = hist_parcel_world(ta, la, cand[i], hint_a, &va.pi);
			vb.w = hist_parcel_world(tb, lb, cand[i], hint_b, &vb.pi);
			if (va.pi < 0) {
				wf_world_free(va.w);
				va.w = NULL;
			}
			if (vb.pi < 0) {
				wf_world_free(vb.w);
				vb.w = NULL;
			}
			if (!pview_same_model(&va, &vb))
				names[n++] = cand[i], cand[i] = NULL;
		}
		pview_free(&va);
		pview_free(&vb);
		free(cand[i]);
	}
	if (!ok)
		return;
	qsort(names, n, sizeof *names, name_cmp);
	e->n = n;
	e->names = names;
}

/* Records about one world blob alone come from a sentinel first id: the
 * zero id for the parcels the blob has (what a root commit created), the
 * all-ones id for the scripts each parcel runs. Each is worked out by one
 * parse of the whole file, the first time it is asked for. */
typedef enum { PC_ROOT, PC_SCRIPTS } pc_kind;

static git_oid pc_sentinel(pc_kind k)
{
	git_oid id;
	memset(id.id, k == PC_ROOT ? 0 : 0xff, sizeof id.id);
	return id;
}

/* The names of every parcel of w (PC_ROOT), or "PARCEL\tSCRIPT" for every
 * script each parcel runs (PC_SCRIPTS), into e; false when out of memory.
 * A name too long for the file is left out: a PC_ROOT record then stays
 * unknown, a PC_SCRIPTS one leaves that script to the parse. */
static bool pc_fill(const wf_world *w, pc_kind k, pc_rec *e)
{
	size_t cap = 0;
	if (k == PC_ROOT && (!w->nparcels || (uint32_t)w->nparcels > PC_MAX_ROOT_NAMES))
		return true; /* unknown: the parcel is looked up in the text */
	e->n = 0;
	for (int i = 0; i < w->nparcels; i++) {
		const wf_parcel *p = &w->parcels[i];
		const char *paths[64];
		int n = k == PC_ROOT ? 1 : parcel_scripts(p, paths, 64);
		for (int j = 0; j < n; j++) {
			char buf[512];
			int l = k == PC_ROOT ? snprintf(buf, sizeof buf, "%s", p->name)
			                     : snprintf(buf, sizeof buf, "%s\t%s", p->name, paths[j]);
			if (l <= 0 || l > 255 || e->n >= PC_MAX_ROOT_NAMES)
				continue;
			if (e->n == cap) {
				cap = cap ? cap * 2 : 64;
				char **v = realloc(e->names, cap * sizeof *v);
				if (!v)
					return false;
				e->names = v;
			}
			if (!(e->names[e->n] = strdup(buf)))
				return false;
			e->n++;
		}
	}
	if (e->n)
		qsort(e->names, e->n, sizeof *e->names, name_cmp);
	return true;
}

/* The record of kind k for world blob `id` (in tree t); NULL when the
 * blob cannot be read. A blob that does not parse gets an unknown one. */
static const pc_rec *pc_blob(store_repo *r, pcache *c, git_tree *t, const git_oid *id,
                             pc_kind k, store_err *err)
{
	git_oid from = pc_sentinel(k);
	if (!c->loaded)
		pc_load(r, c);
	const pc_rec *hit = pc_find(c, &from, id);
	if (hit)
		return hit;
	char *text;
	size_t len;
	bool found;
	if (repo_read_blob(r, t, "world.acre", &text, &len, &found, err) != 0 || !found)
		return NULL;
	int errors;
	wf_world *w = hist_parse(text, len, "world.acre", &errors);
	free(text);
	pc_rec e = {.a = from, .b = *id, .n = PC_UNKNOWN};
	if (w && !errors && !pc_fill(w, k, &e)) {
		pc_rec_free(&e);
		e.names = NULL;
		e.n = PC_UNKNOWN;
	}
	wf_world_free(w);
	if (pc_add(c, &e) != 0) {
		pc_rec_free(&e);
		return NULL;
	}
	return &c->v[c->n - 1];
}

/* The text of world blob `id` in tree t, from the two-text cache. */
static int pc_text(store_repo *r, pcache *c, git_tree *t, const git_oid *id,
                   const char **text, size_t *len, store_err *err)
{
	int k = c->tnext;
	for (int i = 0; i < 2; i++)
		if (c->text[i] && git_oid_equal(&c->tid[i], id))
			k = i;
	if (!c->text[k] || !git_oid_equal(&c->tid[k], id)) {
		git_blob_free(c->text[k]);
		c->text[k] = NULL;
		if (repo_blob(r, t, "world.acre", &c->text[k], err) != 0 || !c->text[k])
			return -1;
		c->tid[k] = *id;
	}
	c->tnext = k ^ 1; /* keep the text just used */
	*text = git_blob_rawcontent(c->text[k]);
	*len = (size_t)git_blob_rawsize(c->text[k]);
	return 0;
}

/* The cached record for world blobs ia → ib (reading them once when it is
 * not cached yet), or NULL when they cannot be read. */
static const pc_rec *pc_get(store_repo *r, pcache *c, git_tree *ta, const git_oid *ia,
                            git_tree *tb, const git_oid *ib, store_err *err)
{
	if (!c->loaded)
		pc_load(r, c);
	const pc_rec *hit = pc_find(c, ia, ib);
	if (hit)
		return hit;
	const char *xa, *xb;
	size_t la, lb;
	pc_rec e = {.a = *ia, .b = *ib};
	/* The child first: walking back, the parent read now is the next
	 * pair's child, and the slot kept is the one used last. */
	if (pc_text(r, c, tb, ib, &xb, &lb, err) != 0 ||
	    pc_text(r, c, ta, ia, &xa, &la, err) != 0)
		return NULL;
	pc_compute(xa, la, xb, lb, &e);
	if (pc_add(c, &e) != 0) {
		pc_rec_free(&e);
		return NULL;
	}
	return &c->v[c->n - 1];
}

/* ---- Walking the graph ------------------------------------------------------
 * Commits are visited newest first (by committer time), parents after
 * children, every parent of a merge included: what git's log and blame
 * walk. A commit at the edge of a shallow clone has no parents here. */

typedef struct hnode {
	git_commit *c;
	uint8_t *rows; /* blame: the rows this commit still answers for */
} hnode;

typedef struct hwalk {
	hnode *q;
	int n, cap;
	git_oid *seen; /* open-addressed set of queued commits */
	size_t seen_mask, nseen;
	int nrows;
} hwalk;

static size_t oid_slot(const git_oid *id, size_t mask)
{
	size_t h;
	memcpy(&h, id->id, sizeof h);
	return h & mask;
}

/* Add id to the seen set; false when it was there already. */
static bool hwalk_mark(hwalk *w, const git_oid *id)
{
	static const git_oid zero = {{0}};
	if ((w->nseen + 1) * 2 > w->seen_mask + 1) {
		size_t nm = w->seen_mask ? w->seen_mask * 2 + 1 : 255;
		git_oid *ns = calloc(nm + 1, sizeof *ns);
		if (!ns)
			return true;
		for (size_t i = 0; w->seen && i <= w->seen_mask; i++) {
			if (git_oid_equal(&w->seen[i], &zero))
				continue;
			size_t k = oid_slot(&w->seen[i], nm);
			while (!git_oid_equal(&ns[k], &zero))
				k = (k + 1) & nm;
			ns[k] = w->seen[i];
		}
		free(w->seen);
		w->seen = ns;
		w->seen_mask = nm;
	}
	size_t k = oid_slot(id, w->seen_mask);
	while (!git_oid_equal(&w->seen[k], &zero)) {
		if (git_oid_equal(&w->seen[k], id))
			return false;
		k = (k + 1) & w->seen_mask;
	}
	w->seen[k] = *id;
	w->nseen++;
	return true;
}

/* Queue commit c (taking it); for blame, `rows` are or-ed into its set
 * when it is queued already. */
static int hwalk_push(hwalk *w, git_commit *c, const uint8_t *rows)
{
	if (!hwalk_mark(w, git_commit_id(c))) {
		for (int i = 0; i < w->n; i++)
			if (git_oid_equal(git_commit_id(w->q[i].c), git_commit_id(c))) {
				for (int k = 0; rows && w->q[i].rows && k < w->nrows; k++)
					w->q[i].rows[k] |= rows[k];
				break;
			}
		git_commit_free(c);
		return 0;
	}
	if (w->n == w->cap) {
		int cap = w->cap ? w->cap * 2 : 16;
		hnode *q = realloc(w->q, (size_t)cap * sizeof *q);
		if (!q) {
			git_commit_free(c);
			return -1;
		}
		w->q = q;
		w->cap = cap;
	}
	hnode h = {c, NULL};
	if (rows) {
		h.rows = malloc((size_t)(w->nrows ? w->nrows : 1));
		if (!h.rows) {
			git_commit_free(c);
			return -1;
		}
		memcpy(h.rows, rows, (size_t)w->nrows);
	}
	w->q[w->n++] = h;
	return 0;
}

/* The newest queued commit; false when the walk is over. */
static bool hwalk_pop(hwalk *w, hnode *out)
{
	if (!w->n)
		return false;
	int best = 0;
	for (int i = 1; i < w->n; i++)
		if (git_commit_time(w->q[i].c) > git_commit_time(w->q[best].c))
			best = i;
	*out = w->q[best];
	w->q[best] = w->q[--w->n];
	return true;
}

static void hwalk_free(hwalk *w)
{
	for (int i = 0; i < w->n; i++) {
		git_commit_free(w->q[i].c);
		free(w->q[i].rows);
	}
	free(w->q);
	free(w->seen);
	memset(w, 0, sizeof *w);
}

/* A few parcel views by world.acre blob: a merge and its parents, and a
 * commit and the child that loaded it, share them. */
#define VIEWS 8
typedef struct vcache {
	pview v[VIEWS];
	bool used[VIEWS];
	int next;
} vcache;

static int vcache_get(store_repo *r, vcache *vc, git_tree *tree, const char *parcel,
                      const pview **out, store_err *err)
{
	git_oid id;
	bool have = repo_entry_id(r, tree, "world.acre", &id);
	for (int i = 0; i < VIEWS; i++)
		if (vc->used[i] && vc->v[i].have_world == have &&
		    (!have || git_oid_equal(&vc->v[i].world_id, &id))) {
			*out = &vc->v[i];
			return 0;
		}
	int k = vc->next;
	vc->next = (vc->next + 1) % VIEWS;
	if (vc->used[k])
		pview_free(&vc->v[k]);
	vc->used[k] = false;
	if (pview_load(r, tree, parcel, &vc->v[k], err) != 0)
		return -1;
	vc->used[k] = true;
	*out = &vc->v[k];
	return 0;
}

static void vcache_free(vcache *vc)
{
	for (int i = 0; i < VIEWS; i++)
		if (vc->used[i])
			pview_free(&vc->v[i]);
}

static int report(git_commit *c, store_log_fn fn, void *arg)
{
	store_commit_info info;
	repo_info(c, &info);
	int stop = fn(&info, arg);
	store_commit_info_free(&info);
	return stop;
}

/* The world directory's tree inside commit tree t (t itself, or the tree
 * at the world's prefix); NULL when absent. */
static git_tree *world_tree(store_repo *r, git_tree *t)
{
	git_tree *w = NULL;
	git_tree_entry *e = NULL;
	if (!*r->prefix) {
		git_object_dup((git_object **)&w, (git_object *)t);
		return w;
	}
	char dir[PATH_MAX];
	snprintf(dir, sizeof dir, "%s", r->prefix);
	dir[strlen(dir) - 1] = '\0';
	if (git_tree_entry_bypath(&e, t, dir) == 0 && git_tree_entry_type(e) == GIT_OBJECT_TREE)
		git_tree_lookup(&w, git_tree_owner(t), git_tree_entry_id(e));
	git_tree_entry_free(e);
	return w;
}

/* Is every file of the world directory other than world.acre the same
 * blob (or subtree) in ta and tb? Then no script of any parcel changed,
 * and nothing needs to be read to know it. */
static bool others_same(store_repo *r, git_tree *ta, git_tree *tb)
{
	git_tree *wa = world_tree(r, ta), *wb = world_tree(r, tb);
	bool same = wa && wb;
	size_t na = same ? git_tree_entrycount(wa) : 0, nb = same ? git_tree_entrycount(wb) : 0;
	for (size_t i = 0, j = 0; same && (i < na || j < nb);) {
		const git_tree_entry *x = i < na ? git_tree_entry_byindex(wa, i) : NULL;
		const git_tree_entry *y = j < nb ? git_tree_entry_byindex(wb, j) : NULL;
		if (x && strcmp(git_tree_entry_name(x), "world.acre") == 0) {
			i++;
			continue;
		}
		if (y && strcmp(git_tree_entry_name(y), "world.acre") == 0) {
			j++;
			continue;
		}
		same = x && y && strcmp(git_tree_entry_name(x), git_tree_entry_name(y)) == 0 &&
		       git_oid_equal(git_tree_entry_id(x), git_tree_entry_id(y));
		i++, j++;
	}
	git_tree_free(wa);
	git_tree_free(wb);
	return same;
}

/* Is the parcel (or, without one, the world's files) the same in trees a
 * and b? */
static int same_in(store_repo *r, vcache *vc, pcache *pc, const char *parcel,
                   git_tree *ta, git_tree *tb, bool *same, store_err *err)
{
	if (!parcel) {
		*same = !world_files_differ(r, ta, tb);
		return 0;
	}
	const pview *va, *vb;
	git_oid ia, ib;
	bool ha = repo_entry_id(r, ta, "world.acre", &ia);
	bool hb = repo_entry_id(r, tb, "world.acre", &ib);
	if (!others_same(r, ta, tb)) {
		const pc_rec *e = hb ? pc_blob(r, pc, tb, &ib, PC_SCRIPTS, err) : NULL;
		if (e && e->n != PC_UNKNOWN) {
			/* The parcel's "NAME\t…" entries are together in the sorted list. */
			size_t nl = strlen(parcel), lo = 0, hi = e->n;
			while (lo < hi) {
				size_t mid = (lo + hi) / 2;
				if (strncmp(e->names[mid], parcel, nl) < 0 ||
				    (strncmp(e->names[mid], parcel, nl) == 0 && e->names[mid][nl] < '\t'))
					lo = mid + 1;
				else
					hi = mid;
			}
			for (size_t i = lo; i < e->n && strncmp(e->names[i], parcel, nl) == 0 &&
			                    e->names[i][nl] == '\t';
			     i++) {
				git_oid a, b;
				const char *path = e->names[i] + nl + 1;
				bool ha2 = repo_entry_id(r, ta, path, &a), hb2 = repo_entry_id(r, tb, path, &b);
				if (ha2 != hb2 || (ha2 && !git_oid_equal(&a, &b))) {
					*same = false;
					return 0;
				}
			}
		} else {
			if (vcache_get(r, vc, tb, parcel, &vb, err) != 0)
				return -1;
			if (scripts_differ(r, ta, tb, pview_parcel(vb))) {
				*same = false;
				return 0;
			}
		}
	}
	if (ha == hb && (!ha || git_oid_equal(&ia, &ib))) {
		*same = true;
		return 0;
	}
	if (ha && hb) {
		const pc_rec *e = pc_get(r, pc, ta, &ia, tb, &ib, err);
		if (e && e->n != PC_UNKNOWN) {
			*same = !pc_has(e, parcel);
			return 0;
		}
	}
	if (vcache_get(r, vc, ta, parcel, &va, err) != 0 ||
	    vcache_get(r, vc, tb, parcel, &vb, err) != 0)
		return -1;
	*same = pview_same_model(va, vb);
	return 0;
}

/* One commit of the log: shown when it changed the parcel against its
 * parent; a merge that matches one of its parents is not shown and only
 * that parent is followed (git's history simplification), one that
 * matches none is shown and every parent followed. */
static int log_step(store_repo *r, hwalk *w, vcache *vc, pcache *pc, const char *parcel,
                    git_commit *c, bool *show, store_err *err)
{
	git_tree *t = NULL;
	unsigned np = repo_parentcount(r, c);
	int rc = git_commit_tree(&t, c) < 0 ? repo_fail(err, "history") : 0;
	*show = true;
	if (rc == 0 && np == 0) {
		const pview *v;
		git_oid id;
		const pc_rec *e = NULL;
		/* A root commit changed the parcel when it has it at all. */
		if (parcel && repo_entry_id(r, t, "world.acre", &id))
			e = pc_blob(r, pc, t, &id, PC_ROOT, err);
		if (e && e->n != PC_UNKNOWN)
			*show = pc_has(e, parcel);
		else if (parcel && (rc = vcache_get(r, vc, t, parcel, &v, err)) == 0)
			*show = pview_parcel(v) != NULL;
		else if (!parcel)
			*show = world_files_differ(r, NULL, t);
	}
	git_commit **ps = calloc(np ? np : 1, sizeof *ps);
	git_tree **pt = calloc(np ? np : 1, sizeof *pt);
	if (!ps || !pt)
		rc = -1;
	for (unsigned i = 0; rc == 0 && i < np; i++)
		if (git_commit_parent(&ps[i], c, i) < 0 || git_commit_tree(&pt[i], ps[i]) < 0)
			rc = repo_fail(err, "history");
	int follow = -1; /* the parent that alone is followed, or -1: all */
	for (unsigned i = 0; rc == 0 && i < np && follow < 0; i++) {
		bool same;
		rc = same_in(r, vc, pc, parcel, pt[i], t, &same, err);
		if (rc == 0 && same && np > 1)
			follow = (int)i;
		if (rc == 0 && np == 1)
			*show = !same;
	}
	if (follow >= 0)
		*show = false;
	for (unsigned i = 0; i < np; i++) {
		git_tree_free(pt[i]);
		if (rc == 0 && ps[i] && (follow < 0 || (unsigned)follow == i)) {
			rc = hwalk_push(w, ps[i], NULL);
			ps[i] = NULL;
		}
		git_commit_free(ps[i]);
	}
	free(ps);
	free(pt);
	git_tree_free(t);
	return rc;
}

/* Is the parcel missing from commit `id`? */
static bool log_absent(store_repo *r, vcache *vc, const git_oid *id, const char *parcel,
                       store_err *err)
{
	git_commit *c = NULL;
	git_tree *t = NULL;
	const pview *v;
	bool absent = false;
	if (git_commit_lookup(&c, r->repo, id) == 0 && git_commit_tree(&t, c) == 0 &&
	    vcache_get(r, vc, t, parcel, &v, err) == 0)
		absent = pview_parcel(v) == NULL;
	git_tree_free(t);
	git_commit_free(c);
	return absent;
}

int store_log(store_repo *r, const char *rev, const char *parcel, int limit,
              store_log_fn fn, void *arg, store_err *err)
{
	hwalk w = {0};
	vcache vc = {0};
	pcache pc = {0};
	git_commit *start;
	int shown = 0, rc = 0;
	hnode h;
	if (repo_commit_of(r, rev, &start, err) != 0)
		return -1;
	bool any = false;
	git_oid start_id = *git_commit_id(start);
	if (hwalk_push(&w, start, NULL) != 0)
		rc = -1;
	uint64_t done = 0;
	while (rc == 0 && hwalk_pop(&w, &h)) {
		bool show;
		repo_progress(r, "reading history", ++done, 0);
		rc = log_step(r, &w, &vc, &pc, parcel, h.c, &show, err);
		any = any || (rc == 0 && show);
		if (rc == 0 && show &&
		    (report(h.c, fn, arg) || (limit > 0 && ++shown >= limit))) {
			git_commit_free(h.c);
			break;
		}
		git_commit_free(h.c);
	}
	pc_save(r, &pc);
	pc_free(&pc);
	hwalk_free(&w);
	/* A parcel not at the start is an error, as for blame, unless the
	 * history shows it (a removed parcel still has a log). Asked only when
	 * nothing was shown: a parcel the start has was made by a commit the
	 * walk shows, so a warm log reads no world.acre at all. */
	if (rc == 0 && parcel && !any && log_absent(r, &vc, &start_id, parcel, err)) {
		vcache_free(&vc);
		store_seterr(err, "no parcel '%s' in world.acre at %s, nor in its history",
		             parcel, rev ? rev : "HEAD");
		return -1;
	}
	vcache_free(&vc);
	return rc < 0 ? -1 : 0;
}

/* ---- Blame ----------------------------------------------------------------- */

/* Row y of parcel p as its glyphs ("?" for an index outside the palette). */
static char *row_text(const wf_world *w, const wf_parcel *p, int32_t y)
{
	int32_t tw = wf_parcel_tw(w, p);
	size_t cap = (size_t)tw * 4 + 1, n = 0;
	char *s = malloc(cap);
	if (!s)
		return NULL;
	for (int32_t x = 0; x < tw; x++) {
		const char *g = wf_tile_glyph(w, p, x, y);
		size_t gl = strlen(g ? g : "?");
		if (n + gl >= cap)
			break;
		memcpy(s + n, g ? g : "?", gl);
		n += gl;
	}
	s[n] = '\0';
	return s;
}

static bool row_equal(const pview *v, int32_t y, const char *want)
{
	const wf_parcel *p = pview_parcel(v);
	if (!p || y >= wf_parcel_th(v->w, p))
		return false;
	char *s = row_text(v->w, p, y);
	bool eq = s && strcmp(s, want) == 0;
	free(s);
	return eq;
}

/* Walk back from HEAD as git blame does: each commit answers for a set of
 * rows whose text there is HEAD's; a row a parent has with the same text
 * passes to that parent (the first such parent of a merge), and the rows
 * no parent has were last changed by this commit. */
static int blame_rows(store_repo *r, hwalk *w, vcache *vc, pcache *pc, store_blame *b,
                      store_err *err)
{
	int left = b->nrows, rc = 0;
	hnode h;
	uint8_t *pass = malloc((size_t)(b->nrows ? b->nrows : 1));
	if (!pass)
		return -1;
	uint64_t done = 0;
	while (rc == 0 && left > 0 && hwalk_pop(w, &h)) {
		repo_progress(r, "reading history", ++done, 0);
		git_tree *t = NULL;
		unsigned np = repo_parentcount(r, h.c);
		git_oid cid;
		bool chave = false;
		if (git_commit_tree(&t, h.c) < 0)
			rc = repo_fail(err, "history");
		else
			chave = repo_entry_id(r, t, "world.acre", &cid);
		for (unsigned i = 0; rc == 0 && i < np; i++) {
			git_commit *p = NULL;
			git_tree *pt = NULL;
			git_oid pid;
			if (git_commit_parent(&p, h.c, i) < 0 || git_commit_tree(&pt, p) < 0) {
				git_commit_free(p);
				rc = repo_fail(err, "history");
				break;
			}
			bool phave = repo_entry_id(r, pt, "world.acre", &pid);
			bool same = chave && phave && git_oid_equal(&pid, &cid);
			if (!same && chave && phave) {
				/* The parcel's model the same: every row is too. */
				const pc_rec *e = pc_get(r, pc, pt, &pid, t, &cid, err);
				same = e && e->n != PC_UNKNOWN && !pc_has(e, b->parcel);
			}
			const pview *pv = NULL;
			if (!same)
				rc = vcache_get(r, vc, pt, b->parcel, &pv, err);
			bool any = false;
			for (int k = 0; rc == 0 && k < b->nrows; k++) {
				pass[k] = h.rows[k] && (same || row_equal(pv, k, b->rows[k].text));
				if (pass[k])
					h.rows[k] = 0, any = true;
			}
			git_tree_free(pt);
			if (rc == 0 && any)
				rc = hwalk_push(w, p, pass);
			else
				git_commit_free(p);
		}
		for (int k = 0; rc == 0 && k < b->nrows; k++)
			if (h.rows[k] && !b->rows[k].commit.author) {
				repo_info(h.c, &b->rows[k].commit);
				left--;
			}
		git_tree_free(t);
		git_commit_free(h.c);
		free(h.rows);
	}
	free(pass);
	return rc;
}

static int split_lines(const char *text, size_t len, store_blame *b)
{
	int n = 0;
	for (size_t i = 0; i < len; i++)
		n += text[i] == '\n';
	if (len && text[len - 1] != '\n')
		n++;
	b->lines = calloc((size_t)(n ? n : 1), sizeof *b->lines);
	if (!b->lines)
		return -1;
	const char *p = text, *end = text + len;
	for (int i = 0; i < n; i++) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t l = nl ? (size_t)(nl - p) : (size_t)(end - p);
		b->lines[i].text = strndup(p, l);
		p = nl ? nl + 1 : end;
	}
	b->nlines = n;
	return 0;
}

static int blame_script(store_repo *r, store_blame *b, store_err *err)
{
	char *text, full[PATH_MAX];
	size_t len;
	git_blame *gb;
	git_blame_options o;

	if (store_read_at_opt(r, "HEAD", b->script, &text, &len, err) != 0)
		return -1;
	if (!text)
		return 0; /* the script is not committed: nothing to blame */
	int rc = split_lines(text, len, b);
	free(text);
	if (rc != 0)
		return -1;
	git_blame_options_init(&o, GIT_BLAME_OPTIONS_VERSION);
	/* Every parent, as git blame follows them; in a shallow clone, no
	 * further back than its edge (libgit2 would look for what is not
	 * there). */
	if (r->nshallow)
		o.oldest_commit = r->shallow[0];
	snprintf(full, sizeof full, "%s%s", r->prefix, b->script);
	if (git_blame_file(&gb, r->repo, full, &o) < 0)
		return repo_fail(err, b->script);
	for (int i = 0; i < b->nlines; i++) {
		const git_blame_hunk *h = git_blame_get_hunk_byline(gb, (size_t)i + 1);
		git_commit *c;
		if (h && git_commit_lookup(&c, r->repo, &h->final_commit_id) == 0) {
			repo_info(c, &b->lines[i].commit);
			git_commit_free(c);
		}
	}
	git_blame_free(gb);
	return 0;
}

static int blame_setup(const pview *cur, const char *parcel, store_blame *b,
                       store_err *err)
{
	const wf_parcel *p = pview_parcel(cur);
	if (!p) {
		store_seterr(err, "no parcel '%s' in world.acre at HEAD", parcel);
		return -1;
	}
	b->parcel = strdup(parcel);
	b->script = p->script ? strdup(p->script) : NULL;
	b->nrows = p->layout_line || p->tiles ? wf_parcel_th(cur->w, p) : 0;
	b->rows = calloc((size_t)(b->nrows ? b->nrows : 1), sizeof *b->rows);
	if (!b->parcel || !b->rows) {
		store_seterr(err, "out of memory");
		return -1;
	}
	for (int i = 0; i < b->nrows; i++)
		b->rows[i].text = row_text(cur->w, p, i);
	return 0;
}

int store_blame_parcel(store_repo *r, const char *parcel, store_blame *out,
                       store_err *err)
{
	hwalk w = {0};
	vcache vc = {0};
	pcache pc = {0};
	pview cur = {0};
	git_commit *head;
	git_tree *tree;
	int ret = -1;

	memset(out, 0, sizeof *out);
	if (repo_commit_of(r, "HEAD", &head, err) != 0)
		return -1;
	if (git_commit_tree(&tree, head) < 0) {
		git_commit_free(head);
		return repo_fail(err, "HEAD");
	}
	repo_parentcount(r, head); /* reads the shallow list for blame_script */
	int rc = pview_load(r, tree, parcel, &cur, err);
	git_tree_free(tree);
	if (rc != 0 || blame_setup(&cur, parcel, out, err) != 0) {
		git_commit_free(head);
		goto out;
	}
	uint8_t *all = malloc((size_t)(out->nrows ? out->nrows : 1));
	w.nrows = out->nrows;
	if (!all || (memset(all, 1, (size_t)out->nrows), hwalk_push(&w, head, all)) != 0) {
		free(all);
		store_seterr(err, "out of memory");
		goto out;
	}
	free(all);
	rc = blame_rows(r, &w, &vc, &pc, out, err);
	pc_save(r, &pc);
	if (rc == 0 && out->script && blame_script(r, out, err) != 0)
		goto out;
	ret = rc;
out:
	pc_free(&pc);
	hwalk_free(&w);
	vcache_free(&vc);
	pview_free(&cur);
	if (ret != 0)
		store_blame_free(out);
	return ret;
}

void store_blame_free(store_blame *b)
{
	for (int i = 0; i < b->nrows; i++) {
		free(b->rows[i].text);
		store_commit_info_free(&b->rows[i].commit);
	}
	for (int i = 0; i < b->nlines; i++) {
		free(b->lines[i].text);
		store_commit_info_free(&b->lines[i].commit);
	}
	free(b->rows);
	free(b->lines);
	free(b->parcel);
	free(b->script);
	memset(b, 0, sizeof *b);
}
