/* repo.c — world repositories through libgit2: open, resolve, read at a
 * revision, commit, init and checkout.
 *
 * Paths given to store_* are relative to the world directory; the world may
 * sit in a subdirectory of its repository, so every path is prefixed with
 * r->prefix before it reaches git. libgit2 writes objects and references
 * through lock files and renames; we also ask it to fsync them, so a crash
 * at any point leaves the repository as it was before or after a commit. */
#include "store/store_int.h"
#include "worldfmt/worldfmt.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* The files a world is made of, relative to the world directory. */
static const char *const repo_world_paths[] = {"world.acre", "scripts", "assets"};
#define REPO_NPATHS 3

/* A lock file that exists already is what a crashed git or acre leaves
 * behind (or another one at work): say so, since libgit2 does not. */
int repo_fail(store_err *err, const char *what)
{
	const git_error *e = git_error_last();
	const char *msg = e && e->message ? e->message : "git error";
	int len = (int)strlen(msg);
	while (len > 0 && (msg[len - 1] == ' ' || msg[len - 1] == ':'))
		len--; /* some messages end in ": " with no reason after */
	bool lock = strstr(msg, ".lock'") != NULL;
	store_seterr(err, "%s: %.*s%s", what, len, msg,
	             lock ? "; another git or acre is at work here, or one was "
	                    "stopped: if none is running, remove the lock file"
	                  : "");
	return -1;
}

/* libgit2 is initialised once per open handle (it counts), with fsync of
 * objects, references and the index turned on. */
static void repo_lib_init(void)
{
	git_libgit2_init();
	git_libgit2_opts(GIT_OPT_ENABLE_FSYNC_GITDIR, 1);
}

static int repo_set_prefix(store_repo *r, store_err *err)
{
	char *wd = realpath(git_repository_workdir(r->repo), NULL);
	size_t n = wd ? strlen(wd) : 0;
	if (!wd || strncmp(r->dir, wd, n) != 0 || (r->dir[n] && r->dir[n] != '/')) {
		store_seterr(err, "%s: not inside the work tree of its repository",
		             r->dir);
		free(wd);
		return -1;
	}
	const char *rest = r->dir[n] == '/' ? r->dir + n + 1 : "";
	free(wd);
	r->prefix = malloc(strlen(rest) + 2);
	if (!r->prefix) {
		store_seterr(err, "out of memory");
		return -1;
	}
	sprintf(r->prefix, "%s%s", rest, *rest ? "/" : "");
	return 0;
}

int store_repo_open(const char *dir, store_repo **out, store_err *err)
{
	*out = NULL;
	store_repo *r = calloc(1, sizeof *r);
	if (!r) {
		store_seterr(err, "out of memory");
		return -1;
	}
	repo_lib_init();
	if (!(r->dir = realpath(dir, NULL))) {
		store_seterr(err, "%s: %s", dir, strerror(errno));
		goto fail;
	}
	int rc = git_repository_open_ext(&r->repo, r->dir, 0, NULL);
	if (rc == GIT_ENOTFOUND) {
		store_seterr(err, "%s: not a git repository (make one with 'acre init')",
		             dir);
		goto fail;
	}
	if (rc < 0) {
		repo_fail(err, dir);
		goto fail;
	}
	if (git_repository_is_bare(r->repo)) {
		store_seterr(err,
		             "%s: a bare repository has no world to work on; "
		             "clone it first",
		             dir);
		goto fail;
	}
	if (repo_set_prefix(r, err) != 0)
		goto fail;
	*out = r;
	return 0;
fail:
	store_repo_close(r);
	return -1;
}

void store_repo_close(store_repo *r)
{
	if (!r)
		return;
	git_repository_free(r->repo);
	free(r->dir);
	free(r->prefix);
	free(r);
	git_libgit2_shutdown();
}

const char *store_repo_dir(const store_repo *r)
{
	return r->dir;
}

static void repo_path(const store_repo *r, const char *path, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s", r->prefix, path);
}

int repo_commit_of(store_repo *r, const char *rev, git_commit **out, store_err *err)
{
	git_object *obj = NULL, *peeled = NULL;
	*out = NULL;
	if (!rev)
		rev = "HEAD";
	int rc = git_revparse_single(&obj, r->repo, rev);
	if (rc < 0) {
		if (strcmp(rev, "HEAD") == 0 && git_repository_head_unborn(r->repo) == 1)
			store_seterr(err, "%s: no commits yet", r->dir);
		else if (rc == GIT_ENOTFOUND || rc == GIT_EINVALIDSPEC ||
		         rc == GIT_EAMBIGUOUS)
			store_seterr(err, "unknown revision '%s'", rev);
		else
			repo_fail(err, rev);
		return -1;
	}
	rc = git_object_peel(&peeled, obj, GIT_OBJECT_COMMIT);
	git_object_free(obj);
	if (rc < 0) {
		store_seterr(err, "'%s' does not name a commit", rev);
		return -1;
	}
	*out = (git_commit *)peeled;
	return 0;
}

int store_resolve(store_repo *r, const char *rev, char hex[STORE_OID_HEX], store_err *err)
{
	git_commit *c;
	if (repo_commit_of(r, rev, &c, err) != 0)
		return -1;
	git_oid_tostr(hex, STORE_OID_HEX, git_commit_id(c));
	git_commit_free(c);
	return 0;
}

bool repo_entry_id(store_repo *r, git_tree *tree, const char *path, git_oid *id)
{
	char full[PATH_MAX];
	git_tree_entry *e;
	repo_path(r, path, full, sizeof full);
	if (git_tree_entry_bypath(&e, tree, full) < 0)
		return false;
	git_oid_cpy(id, git_tree_entry_id(e));
	git_tree_entry_free(e);
	return true;
}

int repo_read_blob(store_repo *r, git_tree *tree, const char *path, char **data,
                   size_t *len, bool *found, store_err *err)
{
	char full[PATH_MAX];
	git_tree_entry *e;
	git_blob *b;
	*data = NULL;
	*len = 0;
	repo_path(r, path, full, sizeof full);
	*found = git_tree_entry_bypath(&e, tree, full) == 0;
	if (!*found)
		return 0;
	/* A revision's files obey the working tree's rules (worldfmt's guarded
	 * reader): a link or a tree is not a file, and the size is checked
	 * from the object's header before its content is inflated. */
	git_filemode_t mode = git_tree_entry_filemode(e);
	git_oid id;
	git_oid_cpy(&id, git_tree_entry_id(e));
	git_tree_entry_free(e);
	if (mode != GIT_FILEMODE_BLOB && mode != GIT_FILEMODE_BLOB_EXECUTABLE) {
		store_seterr(err, "%s: %s", path,
		             wf_read_strerror(mode == GIT_FILEMODE_LINK ? WF_READ_SYMLINK
		                                                        : WF_READ_NOTFILE));
		return -1;
	}
	git_odb *odb;
	size_t size = 0;
	git_object_t type;
	if (git_repository_odb(&odb, r->repo) == 0) {
		if (git_odb_read_header(&size, &type, odb, &id) < 0)
			size = 0;
		git_odb_free(odb);
	}
	if (size > WF_MAX_WORLD_BYTES) {
		store_seterr(err, "%s: %s", path, wf_read_strerror(WF_READ_TOOBIG));
		return -1;
	}
	if (git_blob_lookup(&b, r->repo, &id) < 0)
		return repo_fail(err, path);
	size_t n = (size_t)git_blob_rawsize(b);
	*data = malloc(n + 1);
	if (!*data) {
		git_blob_free(b);
		store_seterr(err, "out of memory reading %s", path);
		return -1;
	}
	memcpy(*data, git_blob_rawcontent(b), n);
	(*data)[n] = '\0';
	*len = n;
	git_blob_free(b);
	return 0;
}

int store_read_at_opt(store_repo *r, const char *rev, const char *path, char **data,
                      size_t *len, store_err *err)
{
	git_commit *c;
	git_tree *t;
	bool found;
	*data = NULL;
	*len = 0;
	if (repo_commit_of(r, rev, &c, err) != 0)
		return -1;
	int rc = git_commit_tree(&t, c);
	git_commit_free(c);
	if (rc < 0)
		return repo_fail(err, rev ? rev : "HEAD");
	rc = repo_read_blob(r, t, path, data, len, &found, err);
	git_tree_free(t);
	return rc;
}

int store_read_at(store_repo *r, const char *rev, const char *path, char **data,
                  size_t *len, store_err *err)
{
	if (store_read_at_opt(r, rev, path, data, len, err) != 0)
		return -1;
	if (!*data) {
		store_seterr(err, "%s: not in revision %s", path, rev ? rev : "HEAD");
		return -1;
	}
	return 0;
}

/* ---- Working tree --------------------------------------------------------- */

static void repo_pathspec(const store_repo *r, char bufs[REPO_NPATHS][PATH_MAX],
                          char *ptrs[REPO_NPATHS], git_strarray *spec)
{
	for (int i = 0; i < REPO_NPATHS; i++) {
		repo_path(r, repo_world_paths[i], bufs[i], PATH_MAX);
		ptrs[i] = bufs[i];
	}
	spec->strings = ptrs;
	spec->count = REPO_NPATHS;
}

int store_dirty(store_repo *r, bool *dirty, char *first, size_t firstlen, store_err *err)
{
	char bufs[REPO_NPATHS][PATH_MAX], *ptrs[REPO_NPATHS];
	git_status_options o;
	git_status_list *list;

	git_status_options_init(&o, GIT_STATUS_OPTIONS_VERSION);
	repo_pathspec(r, bufs, ptrs, &o.pathspec);
	o.flags =
	    GIT_STATUS_OPT_INCLUDE_UNTRACKED | GIT_STATUS_OPT_RECURSE_UNTRACKED_DIRS;
	if (git_status_list_new(&list, r->repo, &o) < 0)
		return repo_fail(err, r->dir);
	size_t n = git_status_list_entrycount(list);
	*dirty = n > 0;
	if (first && firstlen) {
		first[0] = '\0';
		if (n > 0) {
			const git_status_entry *e = git_status_byindex(list, 0);
			const git_diff_delta *d =
			    e->index_to_workdir ? e->index_to_workdir : e->head_to_index;
			snprintf(first, firstlen, "%s",
			         d && d->new_file.path
			             ? d->new_file.path + strlen(r->prefix)
			             : "?");
		}
	}
	git_status_list_free(list);
	return 0;
}

/* Author as git would pick it: the environment, then the configuration. */
static int repo_signature(git_repository *repo, git_signature **sig, store_err *err)
{
	const char *name = getenv("GIT_AUTHOR_NAME"), *email = getenv("GIT_AUTHOR_EMAIL");
	if (name && *name && email && *email) {
		if (git_signature_now(sig, name, email) < 0)
			return repo_fail(err, "author");
		return 0;
	}
	if (!repo || git_signature_default(sig, repo) < 0) {
		store_seterr(err, "no author identity: tell git who you are with\n"
		                  "  git config --global user.name \"Your Name\"\n"
		                  "  git config --global user.email you@example.org");
		return -1;
	}
	return 0;
}

int store_whoami(const char *dir, char *name, size_t len, store_err *err)
{
	git_repository *repo = NULL;
	git_signature *sig = NULL;
	repo_lib_init();
	/* Outside a repository, git_signature_default reads the global and
	 * system configuration only. */
	git_repository_open_ext(&repo, dir, 0, NULL);
	int rc = repo ? repo_signature(repo, &sig, err) : -1;
	if (!repo) {
		git_config *cfg = NULL;
		git_config_entry *e = NULL;
		const char *env = getenv("GIT_AUTHOR_NAME");
		rc = 0;
		if (env && *env)
			snprintf(name, len, "%s", env);
		else if (git_config_open_default(&cfg) == 0 &&
		         git_config_get_entry(&e, cfg, "user.name") == 0)
			snprintf(name, len, "%s", e->value);
		else
			rc = repo_signature(NULL, &sig, err);
		git_config_entry_free(e);
		git_config_free(cfg);
	} else if (rc == 0)
		snprintf(name, len, "%s", sig->name);
	git_signature_free(sig);
	git_repository_free(repo);
	git_libgit2_shutdown();
	return rc;
}

/* Stage the world's files (additions, changes, removals) and return the
 * tree they make. The index is written through its lock file. */
static int repo_stage(store_repo *r, git_oid *tree_id, store_err *err)
{
	char bufs[REPO_NPATHS][PATH_MAX], *ptrs[REPO_NPATHS];
	git_strarray spec;
	git_index *idx;

	repo_pathspec(r, bufs, ptrs, &spec);
	if (git_repository_index(&idx, r->repo) < 0)
		return repo_fail(err, "index");
	int rc = git_index_read(idx, 1);
	if (rc >= 0)
		rc = git_index_add_all(idx, &spec, GIT_INDEX_ADD_DEFAULT, NULL, NULL);
	if (rc >= 0)
		rc = git_index_update_all(idx, &spec, NULL, NULL);
	if (rc >= 0)
		rc = git_index_write_tree(tree_id, idx);
	if (rc >= 0)
		rc = git_index_write(idx);
	git_index_free(idx);
	if (rc < 0)
		return repo_fail(err, "staging the world");
	return 0;
}

static int repo_head_state(store_repo *r, git_commit **parent, store_err *err)
{
	*parent = NULL;
	if (git_repository_head_detached(r->repo) == 1) {
		char hex[11];
		git_reference *h;
		git_repository_head(&h, r->repo);
		git_oid_tostr(hex, sizeof hex, git_reference_target(h));
		git_reference_free(h);
		store_seterr(err,
		             "HEAD is detached at %s: a commit here would belong to no "
		             "branch; 'acre checkout BRANCH' first",
		             hex);
		return -1;
	}
	if (git_repository_head_unborn(r->repo) == 1)
		return 0;
	return repo_commit_of(r, "HEAD", parent, err);
}

int store_commit(store_repo *r, const char *message, char hex[STORE_OID_HEX],
                 bool *nothing, store_err *err)
{
	git_commit *parent = NULL;
	git_signature *sig = NULL;
	git_tree *tree = NULL;
	git_oid tree_id, id;
	int ret = -1;

	*nothing = false;
	hex[0] = '\0';
	if (repo_head_state(r, &parent, err) != 0 ||
	    repo_signature(r->repo, &sig, err) != 0 || repo_stage(r, &tree_id, err) != 0)
		goto out;
	if (parent && git_oid_equal(&tree_id, git_commit_tree_id(parent))) {
		*nothing = true;
		ret = 0;
		goto out;
	}
	if (git_tree_lookup(&tree, r->repo, &tree_id) < 0) {
		repo_fail(err, "tree");
		goto out;
	}
	const git_commit *parents[1] = {parent};
	if (git_commit_create(&id, r->repo, "HEAD", sig, sig, NULL,
	                      message && *message ? message : "Update the world", tree,
	                      parent ? 1 : 0, parents) < 0) {
		repo_fail(err, "commit");
		goto out;
	}
	git_oid_tostr(hex, STORE_OID_HEX, &id);
	ret = 0;
out:
	git_tree_free(tree);
	git_signature_free(sig);
	git_commit_free(parent);
	return ret;
}

/* ---- Init ----------------------------------------------------------------- */

static int init_check_empty(const char *dir, store_err *err)
{
	DIR *d = opendir(dir);
	if (!d) {
		if (errno == ENOENT)
			return 0;
		store_seterr(err, "%s: %s", dir, strerror(errno));
		return -1;
	}
	struct dirent *e;
	bool empty = true;
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, ".."))
			empty = false;
	closedir(d);
	if (!empty) {
		store_seterr(err,
		             "%s: not empty; 'acre init' makes a world in a new or "
		             "empty directory",
		             dir);
		return -1;
	}
	return 0;
}

static int init_write(const char *dir, const store_file *f, store_err *err)
{
	char path[PATH_MAX];
	snprintf(path, sizeof path, "%s/%s", dir, f->path);
	for (char *p = path + strlen(dir) + 1; (p = strchr(p, '/')); p++) {
		*p = '\0';
		if (mkdir(path, 0777) != 0 && errno != EEXIST) {
			store_seterr(err, "%s: %s", path, strerror(errno));
			return -1;
		}
		*p = '/';
	}
	if (wf_save_atomic(path, f->text, strlen(f->text)) != 0) {
		store_seterr(err, "%s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

int store_init(const char *dir, const store_file *files, int nfiles, const char *message,
               char hex[STORE_OID_HEX], store_err *err)
{
	git_repository *repo = NULL;
	git_signature *sig = NULL;
	git_repository_init_options o;
	bool nothing;

	if (init_check_empty(dir, err) != 0)
		return -1;
	repo_lib_init();
	git_repository_init_options_init(&o, GIT_REPOSITORY_INIT_OPTIONS_VERSION);
	o.flags = GIT_REPOSITORY_INIT_MKPATH | GIT_REPOSITORY_INIT_NO_REINIT;
	int ret = -1;
	if (git_repository_init_ext(&repo, dir, &o) < 0) {
		repo_fail(err, dir);
		goto out;
	}
	/* Ask for the author before writing anything, so a missing identity
	 * leaves just an empty repository to retry in. */
	if (repo_signature(repo, &sig, err) != 0)
		goto out;
	for (int i = 0; i < nfiles; i++)
		if (init_write(dir, &files[i], err) != 0)
			goto out;
	store_repo *r;
	if (store_repo_open(dir, &r, err) != 0)
		goto out;
	ret = store_commit(r, message, hex, &nothing, err);
	store_repo_close(r);
out:
	git_signature_free(sig);
	git_repository_free(repo);
	git_libgit2_shutdown();
	return ret;
}

/* ---- Checkout ------------------------------------------------------------- */

int store_checkout(store_repo *r, const char *rev, store_err *err)
{
	git_checkout_options o;
	git_reference *branch = NULL;
	git_commit *c = NULL;
	char first[PATH_MAX];
	bool dirty;
	int ret = -1;

	git_checkout_options_init(&o, GIT_CHECKOUT_OPTIONS_VERSION);
	if (store_dirty(r, &dirty, first, sizeof first, err) != 0)
		return -1;
	if (dirty) {
		store_seterr(err,
		             "uncommitted changes in %s would be lost; commit them with "
		             "'acre commit' first",
		             first);
		return -1;
	}
	if (git_branch_lookup(&branch, r->repo, rev, GIT_BRANCH_LOCAL) < 0)
		branch = NULL;
	if (repo_commit_of(r, branch ? git_reference_name(branch) : rev, &c, err) != 0)
		goto out;
	o.checkout_strategy = GIT_CHECKOUT_SAFE;
	if (git_checkout_tree(r->repo, (git_object *)c, &o) < 0) {
		repo_fail(err, "checkout");
		goto out;
	}
	if (branch ? git_repository_set_head(r->repo, git_reference_name(branch))
	           : git_repository_set_head_detached(r->repo, git_commit_id(c))) {
		repo_fail(err, "moving HEAD");
		goto out;
	}
	ret = 0;
out:
	git_commit_free(c);
	git_reference_free(branch);
	return ret;
}

void store_commit_info_free(store_commit_info *c)
{
	free(c->author);
	free(c->email);
	free(c->summary);
	c->author = c->email = c->summary = NULL;
}

void repo_info(git_commit *c, store_commit_info *out)
{
	const git_signature *a = git_commit_author(c);
	const char *s = git_commit_summary(c);
	git_oid_tostr(out->id, STORE_OID_HEX, git_commit_id(c));
	out->author = strdup(a->name ? a->name : "");
	out->email = strdup(a->email ? a->email : "");
	out->time = a->when.time;
	out->tz = a->when.offset;
	out->summary = strdup(s ? s : "");
}
