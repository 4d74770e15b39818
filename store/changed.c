/* changed.c — comparing two states of a world: a revision against another
 * or against the working tree. Loads both sides of world.acre, lists the
 * files under scripts/ that differ (through a git tree diff, so unchanged
 * scripts are never read), and works out which parcels a change touches. */
#include "store/store_int.h"
#include "worldfmt/worldfmt.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int store_pair_read(store_repo *r, const store_pair *p, int side, const char *path,
                    char **data, size_t *len, store_err *err)
{
	*data = NULL;
	*len = 0;
	if (p->rev[side])
		return store_read_at_opt(r, p->rev[side], path, data, len, err);
	/* The working tree is read like any world's files: guarded, capped. */
	size_t cap = strcmp(path, "world.acre") == 0 ? WF_MAX_WORLD_BYTES : WF_MAX_SCRIPT_BYTES;
	wf_read_status st = wf_world_read(r->dir, path, cap, data, len);
	if (st != WF_READ_OK && st != WF_READ_MISSING) {
		store_seterr(err, "%s: %s", path, wf_read_strerror(st));
		return -1;
	}
	return 0;
}

static int pair_tree(store_repo *r, const char *rev, git_tree **t, store_err *err)
{
	git_commit *c;
	if (repo_commit_of(r, rev, &c, err) != 0)
		return -1;
	int rc = git_commit_tree(t, c);
	git_commit_free(c);
	return rc < 0 ? repo_fail(err, rev) : 0;
}

static int pair_add_script(store_pair *p, const char *path, char status)
{
	char **v = realloc(p->scripts, (size_t)(p->nscripts + 1) * sizeof *v);
	char *k = realloc(p->script_status, (size_t)(p->nscripts + 1));
	if (v)
		p->scripts = v;
	if (k)
		p->script_status = k;
	if (!v || !k || !(v[p->nscripts] = strdup(path)))
		return -1;
	k[p->nscripts++] = status;
	return 0;
}

/* The files under scripts/ that differ between the two sides. */
static int pair_scripts(store_repo *r, store_pair *p, store_err *err)
{
	git_tree *ta = NULL, *tb = NULL;
	git_diff *d = NULL;
	git_diff_options o;
	char spec[PATH_MAX], *specs[1] = {spec};
	int ret = -1;

	git_diff_options_init(&o, GIT_DIFF_OPTIONS_VERSION);
	snprintf(spec, sizeof spec, "%sscripts", r->prefix);
	o.pathspec.strings = specs;
	o.pathspec.count = 1;
	o.flags = GIT_DIFF_INCLUDE_UNTRACKED | GIT_DIFF_RECURSE_UNTRACKED_DIRS;
	if (pair_tree(r, p->rev[0], &ta, err) != 0 ||
	    (p->rev[1] && pair_tree(r, p->rev[1], &tb, err) != 0))
		goto out;
	int rc = p->rev[1] ? git_diff_tree_to_tree(&d, r->repo, ta, tb, &o)
	                   : git_diff_tree_to_workdir_with_index(&d, r->repo, ta, &o);
	if (rc < 0) {
		repo_fail(err, "comparing scripts");
		goto out;
	}
	size_t plen = strlen(r->prefix);
	for (size_t i = 0; i < git_diff_num_deltas(d); i++) {
		const git_diff_delta *dd = git_diff_get_delta(d, i);
		const char *path =
		    dd->new_file.path ? dd->new_file.path : dd->old_file.path;
		char st =
		    dd->status == GIT_DELTA_ADDED || dd->status == GIT_DELTA_UNTRACKED
		        ? 'A'
		    : dd->status == GIT_DELTA_DELETED ? 'D'
		                                      : 'M';
		if (strlen(path) > plen && pair_add_script(p, path + plen, st) != 0) {
			store_seterr(err, "out of memory");
			goto out;
		}
	}
	ret = 0;
out:
	git_diff_free(d);
	git_tree_free(ta);
	git_tree_free(tb);
	return ret;
}

static char *pair_label(store_repo *r, const char *rev, store_err *err)
{
	char hex[STORE_OID_HEX], buf[64];
	if (!rev)
		return strdup("working tree");
	if (store_resolve(r, rev, hex, err) != 0)
		return NULL;
	snprintf(buf, sizeof buf, "%.10s", hex);
	return strdup(buf);
}

int store_pair_load(store_repo *r, const char *rev_a, const char *rev_b, store_pair *p,
                    store_err *err)
{
	memset(p, 0, sizeof *p);
	p->rev[0] = strdup(rev_a ? rev_a : "HEAD");
	p->rev[1] = rev_b ? strdup(rev_b) : NULL;
	for (int s = 0; s < 2; s++)
		if (!(p->label[s] = pair_label(r, p->rev[s], err)))
			goto fail;
	for (int s = 0; s < 2; s++)
		if (store_pair_read(r, p, s, "world.acre", &p->text[s], &p->len[s],
		                    err) != 0)
			goto fail;
	if (pair_scripts(r, p, err) != 0)
		goto fail;
	return 0;
fail:
	store_pair_free(p);
	return -1;
}

void store_pair_free(store_pair *p)
{
	for (int s = 0; s < 2; s++) {
		free(p->rev[s]);
		free(p->label[s]);
		free(p->text[s]);
	}
	store_names_free(p->scripts, p->nscripts);
	free(p->script_status);
	memset(p, 0, sizeof *p);
}

void store_names_free(char **names, int n)
{
	for (int i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

/* ---- Changed parcels ------------------------------------------------------- */

static wf_world *pair_parse(const store_pair *p, int side, store_err *err)
{
	wf_diags d = {0};
	d.max = 1;
	if (!p->text[side]) {
		store_seterr(err, "world.acre: not in %s", p->label[side]);
		return NULL;
	}
	wf_world *w = wf_parse(p->text[side], p->len[side], "world.acre", &d);
	if (w && d.errors) {
		store_seterr(err, "world.acre in %s does not parse: %u:%u: %s",
		             p->label[side], d.v[0].line, d.v[0].col, d.v[0].msg);
		wf_world_free(w);
		w = NULL;
	} else if (!w)
		store_seterr(err, "out of memory");
	wf_diags_free(&d);
	return w;
}

/* Mark the parcels of b that a change of header, palette, zone or script
 * reaches. A script file no parcel names directly is a module some script
 * may require, so it marks every scripted parcel. */
static void mark_dependents(const wf_world *a, const wf_world *b, const wf_diff *d,
                            const store_pair *p, uint8_t *mark)
{
	for (int j = 0; j < b->nparcels; j++) {
		const wf_parcel *q = &b->parcels[j];
		if (d->world)
			mark[j] = 1;
		if (!mark[j] && d->npalette) {
			bool used[256];
			wf_parcel_glyphs(b, q, used);
			for (int i = 0; i < d->npalette && !mark[j]; i++)
				if (d->palette[i].b >= 0 && d->palette[i].b < 256)
					mark[j] = used[d->palette[i].b];
		}
		for (int i = 0; i < d->nzones && !mark[j]; i++) {
			const wf_change *z = &d->zones[i];
			const char *name =
			    z->b >= 0 ? b->zones[z->b].name : a->zones[z->a].name;
			mark[j] = q->zone && strcmp(q->zone, name) == 0;
		}
	}
	for (int s = 0; s < p->nscripts; s++)
		wf_mark_script_users(b, p->scripts[s], mark);
}

static int push_name(char ***names, int *n, const char *s)
{
	char **v = realloc(*names, (size_t)(*n + 1) * sizeof *v);
	if (!v)
		return -1;
	*names = v;
	return (v[(*n)++] = strdup(s)) ? 0 : -1;
}

static int collect(const wf_world *a, const wf_world *b, const wf_diff *d, uint8_t *mark,
                   char ***names, int *n)
{
	for (int i = 0; i < d->nparcels; i++)
		if (d->parcels[i].b >= 0)
			mark[d->parcels[i].b] = true;
	for (int j = 0; j < b->nparcels; j++)
		if (mark[j] && push_name(names, n, b->parcels[j].name) != 0)
			return -1;
	for (int i = 0; i < d->nparcels; i++)
		if (d->parcels[i].b < 0 &&
		    push_name(names, n, a->parcels[d->parcels[i].a].name) != 0)
			return -1;
	return 0;
}

int store_changed_parcels(store_repo *r, const char *rev_a, const char *rev_b,
                          char ***names, int *n, store_err *err)
{
	store_pair p;
	wf_world *a = NULL, *b = NULL;
	wf_diff d = {0};
	uint8_t *mark = NULL;
	int ret = -1;

	*names = NULL;
	*n = 0;
	if (store_pair_load(r, rev_a, rev_b, &p, err) != 0)
		return -1;
	if (!(a = pair_parse(&p, 0, err)) || !(b = pair_parse(&p, 1, err)))
		goto out;
	if (wf_diff_worlds(a, b, &d) != 0 ||
	    !(mark = calloc((size_t)b->nparcels + 1, sizeof *mark))) {
		store_seterr(err, "out of memory");
		goto out;
	}
	mark_dependents(a, b, &d, &p, mark);
	if (collect(a, b, &d, mark, names, n) != 0) {
		store_seterr(err, "out of memory");
		store_names_free(*names, *n);
		*names = NULL;
		*n = 0;
		goto out;
	}
	ret = 0;
out:
	free(mark);
	wf_diff_free(&d);
	wf_world_free(a);
	wf_world_free(b);
	store_pair_free(&p);
	return ret;
}

/* ---- Plain text diff ------------------------------------------------------- */

int store_text_diff(const char *a, size_t alen, const char *b, size_t blen,
                    const char *path, char **out, store_err *err)
{
	git_patch *patch = NULL;
	git_buf buf = {0};
	*out = NULL;
	repo_lib_init();
	int rc = git_patch_from_buffers(&patch, a, alen, path, b, blen, path, NULL);
	if (rc >= 0)
		rc = git_patch_to_buf(&buf, patch);
	if (rc >= 0)
		*out = strndup(buf.ptr ? buf.ptr : "", buf.size);
	git_buf_dispose(&buf);
	git_patch_free(patch);
	git_libgit2_shutdown();
	if (rc < 0)
		return repo_fail(err, path);
	return *out ? 0 : (store_seterr(err, "out of memory"), -1);
}
