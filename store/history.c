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

/* The line `parcel NAME ...` at column 0, or NULL. */
static const char *find_parcel_line(const char *text, size_t len, const char *name)
{
	size_t nl = strlen(name);
	const char *end = text + len, *p = text;
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
static wf_world *hist_cut(const char *text, size_t len, const char *name, bool *absent)
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
	const char *start = find_parcel_line(text, len, name);
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
                                   int *pi)
{
	bool absent;
	*pi = -1;
	wf_world *w = hist_cut(text, len, name, &absent);
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
	v->w = hist_parcel_world(text, len, parcel, &v->pi);
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

typedef struct walker {
	git_revwalk *walk;
	git_commit *c;
	git_tree *tree;
	git_commit *p; /* first parent, or NULL */
	git_tree *ptree;
} walker;

static void walker_step_free(walker *k)
{
	git_tree_free(k->tree);
	git_commit_free(k->c);
	git_tree_free(k->ptree);
	git_commit_free(k->p);
	k->tree = k->ptree = NULL;
	k->c = k->p = NULL;
}

static int walker_open(store_repo *r, const char *rev, walker *k, store_err *err)
{
	git_commit *start;
	memset(k, 0, sizeof *k);
	if (repo_commit_of(r, rev, &start, err) != 0)
		return -1;
	int rc = git_revwalk_new(&k->walk, r->repo);
	if (rc >= 0)
		rc = git_revwalk_push(k->walk, git_commit_id(start));
	if (rc >= 0)
		rc = git_revwalk_simplify_first_parent(k->walk);
	git_commit_free(start);
	return rc < 0 ? repo_fail(err, "history") : 0;
}

/* Next commit and its first parent, with both trees; 1 at the end. */
static int walker_next(store_repo *r, walker *k, store_err *err)
{
	git_oid id;
	walker_step_free(k);
	int rc = git_revwalk_next(&id, k->walk);
	if (rc == GIT_ITEROVER)
		return 1;
	if (rc < 0 || git_commit_lookup(&k->c, r->repo, &id) < 0 ||
	    git_commit_tree(&k->tree, k->c) < 0)
		return repo_fail(err, "history");
	if (git_commit_parentcount(k->c) > 0 && (git_commit_parent(&k->p, k->c, 0) < 0 ||
	                                         git_commit_tree(&k->ptree, k->p) < 0))
		return repo_fail(err, "history");
	return 0;
}

static void walker_close(walker *k)
{
	walker_step_free(k);
	git_revwalk_free(k->walk);
}

static int report(git_commit *c, store_log_fn fn, void *arg)
{
	store_commit_info info;
	repo_info(c, &info);
	int stop = fn(&info, arg);
	store_commit_info_free(&info);
	return stop;
}

/* Did commit k->c change parcel `parcel`? `cur` holds the commit's view
 * on entry and its parent's on return (the walk's next commit). */
static int parcel_changed(store_repo *r, walker *k, const char *parcel, pview *cur,
                          bool *changed, store_err *err)
{
	pview par = {0};
	par.pi = -1;
	*changed = scripts_differ(r, k->ptree, k->tree, pview_parcel(cur));
	if (k->ptree) {
		git_oid id;
		bool have = repo_entry_id(r, k->ptree, "world.acre", &id);
		if (have && cur->have_world && git_oid_equal(&id, &cur->world_id))
			return 0; /* same blob: the parent's view is this one */
		if (pview_load(r, k->ptree, parcel, &par, err) != 0)
			return -1;
	}
	*changed = *changed || !pview_same_model(cur, &par);
	pview_free(cur);
	*cur = par;
	return 0;
}

int store_log(store_repo *r, const char *rev, const char *parcel, int limit,
              store_log_fn fn, void *arg, store_err *err)
{
	walker k;
	pview cur = {0};
	int shown = 0, rc;
	if (walker_open(r, rev, &k, err) != 0)
		return -1;
	bool loaded = false, absent = false;
	while ((rc = walker_next(r, &k, err)) == 0) {
		bool changed;
		if (!parcel) {
			changed = world_files_differ(r, k.ptree, k.tree);
		} else {
			if (!loaded && pview_load(r, k.tree, parcel, &cur, err) != 0) {
				rc = -1;
				break;
			}
			/* A parcel not at the start: an error, as for blame, unless
			 * the history shows it (a removed parcel still has a log). */
			if (!loaded && !pview_parcel(&cur))
				absent = true;
			loaded = true;
			if (parcel_changed(r, &k, parcel, &cur, &changed, err) != 0) {
				rc = -1;
				break;
			}
		}
		if (changed && absent)
			absent = false;
		if (changed && (report(k.c, fn, arg) || (limit > 0 && ++shown >= limit)))
			break;
	}
	pview_free(&cur);
	walker_close(&k);
	if (rc >= 0 && absent) {
		store_seterr(err, "no parcel '%s' in world.acre at %s, nor in its history",
		             parcel, rev ? rev : "HEAD");
		return -1;
	}
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

/* Walk back from HEAD; a row still unattributed whose text in the parent
 * differs (or the parent lacks the parcel) was last changed by this commit. */
static int blame_rows(store_repo *r, walker *k, pview *cur, store_blame *b,
                      store_err *err)
{
	int left = b->nrows, rc;
	while (left > 0 && (rc = walker_next(r, k, err)) == 0) {
		pview par = {0};
		par.pi = -1;
		if (k->ptree) {
			git_oid id;
			if (repo_entry_id(r, k->ptree, "world.acre", &id) &&
			    cur->have_world && git_oid_equal(&id, &cur->world_id))
				continue; /* world.acre untouched: no row changed */
			if (pview_load(r, k->ptree, b->parcel, &par, err) != 0)
				return -1;
		}
		for (int i = 0; i < b->nrows; i++) {
			if (b->rows[i].commit.author ||
			    row_equal(&par, i, b->rows[i].text))
				continue;
			repo_info(k->c, &b->rows[i].commit);
			left--;
		}
		pview_free(cur);
		*cur = par;
	}
	return left > 0 && rc < 0 ? -1 : 0;
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
	o.flags = GIT_BLAME_FIRST_PARENT;
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
	walker k;
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
	int rc = pview_load(r, tree, parcel, &cur, err);
	git_tree_free(tree);
	git_commit_free(head);
	if (rc != 0 || blame_setup(&cur, parcel, out, err) != 0 ||
	    walker_open(r, "HEAD", &k, err) != 0)
		goto out;
	rc = blame_rows(r, &k, &cur, out, err);
	walker_close(&k);
	if (rc == 0 && out->script && blame_script(r, out, err) != 0)
		goto out;
	ret = rc;
out:
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
