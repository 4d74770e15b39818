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
#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

/* The files a world is made of, relative to the world directory, besides
 * the files world.acre itself names (repo_named_paths). .gitattributes
 * carries the merge driver's entry, so clones merge parcel by parcel. */
static const char *const repo_world_paths[] = {"world.acre", "scripts", "assets",
                                               ".gitattributes"};
#define REPO_NPATHS 4
/* At most this many files named by the world (events, scripts outside
 * scripts/) are added to what a commit records. */
#define REPO_MAX_NAMED 256

/* What `acre init` installs: the attribute that routes world.acre to the
 * driver, and the driver itself (gitattributes(5)). */
#define REPO_ATTR_LINE "world.acre merge=acre"
#define REPO_DRIVER "acre merge %O %A %B %P"

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

/* libgit2 as Debian builds it (with mbedTLS) parses every certificate of
 * the system's CA bundle in its first git_libgit2_init: 54 million
 * instructions, more than `git log` spends on a 1,000-commit history, paid
 * by every acre command. Acre never opens a connection, so while it
 * initialises libgit2 the bundle is not read: this definition stands in
 * for mbedTLS's (a program's own symbols come before its libraries'),
 * fails as a missing file would (libgit2 then carries on without
 * certificates: a connection would refuse every server, never trust one)
 * and otherwise hands over to mbedTLS's. A libgit2 built without mbedTLS
 * never calls it. Atomic: two threads may open repositories at once. */
static _Atomic bool repo_in_init;

int mbedtls_x509_crt_parse_file(void *chain, const char *path);
int mbedtls_x509_crt_parse_file(void *chain, const char *path)
{
	static int (*real)(void *, const char *);
	if (repo_in_init)
		return -0x2900; /* MBEDTLS_ERR_X509_FILE_IO_ERROR */
	if (!real)
		*(void **)&real = dlsym(RTLD_NEXT, "mbedtls_x509_crt_parse_file");
	return real ? real(chain, path) : -0x2900;
}

/* libgit2 is initialised once per open handle (it counts), with fsync of
 * objects, references and the index turned on. */
void repo_lib_init(void)
{
	repo_in_init = true;
	if (git_libgit2_init() == 1)
		git_error_clear(); /* "failed to load CA certificates" */
	repo_in_init = false;
	git_libgit2_opts(GIT_OPT_ENABLE_FSYNC_GITDIR, 1);
	/* Objects are not hashed again on every read: git does not either
	 * (git fsck does), and a pushed pack was hashed by git index-pack on
	 * its way in. Re-hashing each world.acre read was most of the cost of
	 * reading a long history. */
	git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, 0);
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

/* Is there a work tree above `dir` (absolute) whose .git belongs to
 * another user? git refuses those ("dubious ownership") unless listed in
 * safe.directory; its top goes to `top`. */
static bool repo_foreign(const char *dir, char *top, size_t len)
{
	char path[PATH_MAX + 8];
	struct stat st;
	snprintf(top, len, "%s", dir);
	for (;;) {
		snprintf(path, sizeof path, "%s/.git", top);
		if (lstat(path, &st) == 0)
			return st.st_uid != geteuid();
		char *slash = strrchr(top, '/');
		if (!slash || slash == top)
			return false;
		*slash = '\0';
	}
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
	if (rc == GIT_EOWNER) {
		/* The words git uses, and its remedy. */
		store_seterr(err,
		             "%s: detected dubious ownership in repository (owned by "
		             "another user); to trust it: git config --global --add "
		             "safe.directory '%s'",
		             dir, r->dir);
		goto fail;
	}
	char top[PATH_MAX];
	if (rc == GIT_ENOTFOUND && repo_foreign(r->dir, top, sizeof top)) {
		/* libgit2 1.5 reports a repository it refuses to trust as none. */
		store_seterr(err,
		             "%s: detected dubious ownership in repository at '%s' (owned "
		             "by another user); to trust it: git config --global --add "
		             "safe.directory '%s'",
		             dir, top, top);
		goto fail;
	}
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

/* Split `path` into its longest existing ancestor (realpath'd, in *top)
 * and the rest ("" or "a/b"), which must be plain names. */
static int repo_split(const char *path, char **top, char **rest, store_err *err)
{
	char buf[PATH_MAX];
	if (snprintf(buf, sizeof buf, "%s", path) >= (int)sizeof buf) {
		store_seterr(err, "%s: path too long", path);
		return -1;
	}
	size_t n = strlen(buf);
	while (n > 1 && buf[n - 1] == '/')
		buf[--n] = '\0';
	char *cut = NULL;
	for (;;) {
		if ((*top = realpath(buf, NULL)))
			break;
		char *slash = strrchr(buf, '/');
		if (!slash || slash == buf) {
			store_seterr(err, "%s: %s", path, strerror(ENOENT));
			return -1;
		}
		if (cut)
			*cut = '/';
		*slash = '\0';
		cut = slash;
	}
	*rest = strdup(cut ? cut + 1 : "");
	if (!*rest) {
		free(*top);
		store_seterr(err, "out of memory");
		return -1;
	}
	for (char *p = *rest, *q; *p; p = q + (*q == '/')) {
		q = p + strcspn(p, "/");
		if (q == p || (q - p == 1 && p[0] == '.') ||
		    (q - p == 2 && p[0] == '.' && p[1] == '.')) {
			store_seterr(err,
			             "%s: the world's directory inside the repository "
			             "must be plain names",
			             path);
			free(*top);
			free(*rest);
			return -1;
		}
	}
	return 0;
}

/* Inside a git server's pre-receive hook, the objects of the push being
 * judged are not in the repository yet: git names their directory in
 * GIT_OBJECT_DIRECTORY and the repository's own in
 * GIT_ALTERNATE_OBJECT_DIRECTORIES. Reading a pushed revision needs both,
 * as git's own commands in the hook see them. */
static int repo_quarantine(git_repository *repo, store_err *err)
{
	const char *objs = getenv("GIT_OBJECT_DIRECTORY");
	const char *alts = getenv("GIT_ALTERNATE_OBJECT_DIRECTORIES");
	git_odb *odb;
	if ((!objs || !*objs) && (!alts || !*alts))
		return 0;
	if (git_repository_odb(&odb, repo) < 0)
		return repo_fail(err, "objects");
	int rc = 0;
	if (objs && *objs)
		rc = git_odb_add_disk_alternate(odb, objs);
	for (const char *p = alts; rc >= 0 && p && *p;) {
		size_t n = strcspn(p, ":");
		char dir[PATH_MAX];
		if (n && n < sizeof dir) {
			memcpy(dir, p, n);
			dir[n] = '\0';
			rc = git_odb_add_disk_alternate(odb, dir);
		}
		p += n + (p[n] == ':');
	}
	git_odb_free(odb);
	return rc < 0 ? repo_fail(err, "objects of the push") : 0;
}

int store_repo_open_at(const char *path, store_repo **out, store_err *err)
{
	char *top, *rest;
	git_repository *bare = NULL;
	*out = NULL;
	repo_lib_init();
	if (repo_split(path, &top, &rest, err) != 0) {
		git_libgit2_shutdown();
		return -1;
	}
	/* Only a bare repository may be named with a path that does not exist:
	 * a world in a work tree is a directory on disk. */
	int rc = git_repository_open_bare(&bare, top);
	if (rc < 0 || !git_repository_is_bare(bare)) {
		git_repository_free(bare);
		free(top);
		if (*rest) {
			store_seterr(err, "%s: %s", path, strerror(ENOENT));
			free(rest);
			git_libgit2_shutdown();
			return -1;
		}
		free(rest);
		/* libgit2 stays initialised across the two opens: its first init
		 * is the costly one (it parses the system's CA certificates). */
		rc = store_repo_open(path, out, err);
		git_libgit2_shutdown();
		return rc;
	}
	store_repo *r = calloc(1, sizeof *r);
	if (!r) {
		git_repository_free(bare);
		free(top);
		free(rest);
		store_seterr(err, "out of memory");
		git_libgit2_shutdown();
		return -1;
	}
	/* The init above is the handle's (store_repo_close shuts it down). */
	r->repo = bare;
	r->bare = true;
	if (repo_quarantine(bare, err) != 0) {
		store_repo_close(r);
		free(top);
		free(rest);
		return -1;
	}
	r->dir = malloc(strlen(top) + strlen(rest) + 2);
	r->prefix = malloc(strlen(rest) + 2);
	if (r->dir && r->prefix) {
		sprintf(r->dir, "%s%s%s", top, *rest ? "/" : "", rest);
		sprintf(r->prefix, "%s%s", rest, *rest ? "/" : "");
	}
	free(top);
	free(rest);
	if (!r->dir || !r->prefix) {
		store_repo_close(r);
		store_seterr(err, "out of memory");
		return -1;
	}
	*out = r;
	return 0;
}

bool store_repo_bare(const store_repo *r)
{
	return r->bare;
}

int store_repo_default_branch(store_repo *r, const char *ref, bool *yes, store_err *err)
{
	git_reference *head = NULL, *branch = NULL;
	*yes = true;
	if (git_reference_lookup(&head, r->repo, "HEAD") != 0)
		return repo_fail(err, "HEAD");
	const char *target = git_reference_symbolic_target(head);
	if (target && git_reference_lookup(&branch, r->repo, target) == 0) {
		bool full = strncmp(ref, "refs/", 5) == 0;
		*yes = full ? strcmp(target, ref) == 0
		            : strncmp(target, "refs/heads/", 11) == 0 &&
		                  strcmp(target + 11, ref) == 0;
	}
	git_reference_free(branch);
	git_reference_free(head);
	return 0;
}

/* ---- Export ---------------------------------------------------------------- */

/* Is a tree entry's name safe to create inside a directory? Git's own
 * checks refuse these too, but a pushed tree is written by a stranger. */
static bool repo_plain_name(const char *name)
{
	return *name && strcmp(name, ".") != 0 && strcmp(name, "..") != 0 &&
	       strcasecmp(name, ".git") != 0 && !strchr(name, '/');
}

/* What an export may write. A pushed tree is a stranger's: a blob of
 * zeros compresses a thousandfold, so sizes are checked before writing.
 * A file larger than any reader of a world accepts (world.acre at the top,
 * WF_MAX_WORLD_BYTES; anything else, WF_MAX_EVENTS_BYTES, the largest other
 * cap) is written as a sparse file of its size: the guarded reader then
 * refuses it as too large, as it would in a work tree, and no disk is
 * used. */
#define EXPORT_MAX_BYTES   ((uint64_t)2 << 30)
#define EXPORT_MAX_ENTRIES 1000000

typedef struct export_budget {
	uint64_t bytes;
	long entries;
} export_budget;

static int repo_export_blob(store_repo *r, const git_tree_entry *e, int dirfd,
                            const char *name, bool top, export_budget *bud,
                            store_err *err)
{
	git_odb *odb;
	size_t size;
	git_object_t type;
	if (git_repository_odb(&odb, r->repo) < 0)
		return repo_fail(err, name);
	int rc = git_odb_read_header(&size, &type, odb, git_tree_entry_id(e));
	git_odb_free(odb);
	if (rc < 0)
		return repo_fail(err, name);
	size_t cap = top && strcmp(name, "world.acre") == 0 ? WF_MAX_WORLD_BYTES
	                                                    : WF_MAX_EVENTS_BYTES;
	int fd = openat(dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
	                0644);
	if (fd >= 0 && size > cap) {
		if (ftruncate(fd, (off_t)size) != 0 || close(fd) != 0) {
			store_seterr(err, "exporting %s: %s", name, strerror(errno));
			return -1;
		}
		return 0;
	}
	if (fd >= 0 && (bud->bytes += size) > EXPORT_MAX_BYTES) {
		close(fd);
		store_seterr(err,
		             "exporting: the revision's files are larger than %llu "
		             "bytes together",
		             (unsigned long long)EXPORT_MAX_BYTES);
		return -1;
	}
	git_blob *b;
	if (git_blob_lookup(&b, r->repo, git_tree_entry_id(e)) < 0) {
		if (fd >= 0)
			close(fd);
		return repo_fail(err, name);
	}
	const char *p = git_blob_rawcontent(b);
	size_t left = (size_t)git_blob_rawsize(b);
	while (fd >= 0 && left > 0) {
		ssize_t n = write(fd, p, left);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		p += n;
		left -= (size_t)n;
	}
	int saved = errno;
	git_blob_free(b);
	if (fd < 0 || left > 0 || close(fd) != 0) {
		store_seterr(err, "exporting %s: %s", name,
		             strerror(fd < 0 ? errno : saved));
		return -1;
	}
	return 0;
}

/* A symbolic link is written as the link it is, never followed: the
 * guarded reader then refuses it by name, as it would in a work tree
 * (leaving it out would report a missing file instead). */
static int repo_export_link(store_repo *r, const git_tree_entry *e, int dirfd,
                            const char *name, store_err *err)
{
	git_blob *b;
	char target[PATH_MAX];
	if (git_blob_lookup(&b, r->repo, git_tree_entry_id(e)) < 0)
		return repo_fail(err, name);
	size_t n = (size_t)git_blob_rawsize(b);
	bool fits = n > 0 && n < sizeof target;
	if (fits) {
		memcpy(target, git_blob_rawcontent(b), n);
		target[n] = '\0';
		fits = strlen(target) == n;
	}
	git_blob_free(b);
	if (!fits)
		snprintf(target, sizeof target, "(a link)");
	if (symlinkat(target, dirfd, name) != 0) {
		store_seterr(err, "exporting %s: %s", name, strerror(errno));
		return -1;
	}
	return 0;
}

static int repo_export_tree(store_repo *r, git_tree *t, int dirfd, int depth,
                            export_budget *bud, store_err *err)
{
	if (depth > 64) {
		store_seterr(err, "exporting: directories nested too deeply");
		return -1;
	}
	for (size_t i = 0; i < git_tree_entrycount(t); i++) {
		const git_tree_entry *e = git_tree_entry_byindex(t, i);
		const char *name = git_tree_entry_name(e);
		git_filemode_t mode = git_tree_entry_filemode(e);
		if (!repo_plain_name(name))
			continue;
		if (++bud->entries > EXPORT_MAX_ENTRIES) {
			store_seterr(err,
			             "exporting: the revision has more than %d files",
			             EXPORT_MAX_ENTRIES);
			return -1;
		}
		if (mode == GIT_FILEMODE_BLOB || mode == GIT_FILEMODE_BLOB_EXECUTABLE) {
			if (repo_export_blob(r, e, dirfd, name, depth == 0, bud, err) !=
			    0)
				return -1;
		} else if (mode == GIT_FILEMODE_TREE) {
			git_tree *sub;
			if (mkdirat(dirfd, name, 0755) != 0) {
				store_seterr(err, "exporting %s: %s", name,
				             strerror(errno));
				return -1;
			}
			int fd = openat(dirfd, name,
			                O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (fd < 0 ||
			    git_tree_lookup(&sub, r->repo, git_tree_entry_id(e)) < 0) {
				if (fd >= 0)
					close(fd);
				return fd < 0 ? (store_seterr(err, "exporting %s: %s",
				                              name, strerror(errno)),
				                 -1)
				              : repo_fail(err, name);
			}
			int rc = repo_export_tree(r, sub, fd, depth + 1, bud, err);
			git_tree_free(sub);
			close(fd);
			if (rc != 0)
				return -1;
		} else if (mode == GIT_FILEMODE_LINK) {
			if (repo_export_link(r, e, dirfd, name, err) != 0)
				return -1;
		}
		/* Submodules are left out. */
	}
	return 0;
}

int store_export(store_repo *r, const char *rev, const char *dest, store_err *err)
{
	git_commit *c;
	git_tree *root, *t = NULL;
	git_tree_entry *e = NULL;
	if (repo_commit_of(r, rev, &c, err) != 0)
		return -1;
	int rc = git_commit_tree(&root, c);
	git_commit_free(c);
	if (rc < 0)
		return repo_fail(err, rev);
	if (*r->prefix) {
		char sub[PATH_MAX];
		snprintf(sub, sizeof sub, "%.*s", (int)strlen(r->prefix) - 1, r->prefix);
		rc = git_tree_entry_bypath(&e, root, sub);
		if (rc < 0 || git_tree_entry_type(e) != GIT_OBJECT_TREE) {
			store_seterr(err, "%s: no directory %s in revision %s", r->dir,
			             sub, rev);
			git_tree_entry_free(e);
			git_tree_free(root);
			return -1;
		}
		rc = git_tree_lookup(&t, r->repo, git_tree_entry_id(e));
		git_tree_entry_free(e);
		if (rc < 0) {
			git_tree_free(root);
			return repo_fail(err, sub);
		}
	}
	int fd = open(dest, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		store_seterr(err, "%s: %s", dest, strerror(errno));
		rc = -1;
	} else {
		export_budget bud = {0};
		rc = repo_export_tree(r, t ? t : root, fd, 0, &bud, err);
		close(fd);
	}
	git_tree_free(t);
	git_tree_free(root);
	return rc;
}

static int oid_cmp(const void *a, const void *b)
{
	return git_oid_cmp(a, b);
}

/* .git/shallow: one 40-digit commit id a line (in the common directory,
 * so linked worktrees of a shallow clone see it too). */
static void repo_read_shallow(store_repo *r)
{
	char path[PATH_MAX + 16], line[128];
	r->shallow_read = true;
	snprintf(path, sizeof path, "%sshallow", git_repository_commondir(r->repo));
	FILE *f = fopen(path, "r");
	if (!f)
		return;
	size_t cap = 0;
	while (fgets(line, sizeof line, f)) {
		git_oid id;
		if (git_oid_fromstrn(&id, line, 40) != 0)
			continue;
		if (r->nshallow == cap) {
			cap = cap ? cap * 2 : 16;
			git_oid *v = realloc(r->shallow, cap * sizeof *v);
			if (!v)
				break;
			r->shallow = v;
		}
		r->shallow[r->nshallow++] = id;
	}
	fclose(f);
	if (r->nshallow)
		qsort(r->shallow, r->nshallow, sizeof *r->shallow, oid_cmp);
}

unsigned repo_parentcount(store_repo *r, const git_commit *c)
{
	if (!r->shallow_read)
		repo_read_shallow(r);
	if (r->nshallow &&
	    bsearch(git_commit_id(c), r->shallow, r->nshallow, sizeof *r->shallow, oid_cmp))
		return 0;
	return git_commit_parentcount(c);
}

void store_repo_close(store_repo *r)
{
	if (!r)
		return;
	free(r->shallow);
	git_repository_free(r->repo);
	free(r->dir);
	free(r->prefix);
	free(r);
	git_libgit2_shutdown();
}

void store_repo_progress(store_repo *r, store_progress_fn fn, void *arg)
{
	r->progress = fn;
	r->progress_arg = arg;
}

const char *store_repo_dir(const store_repo *r)
{
	return r->dir;
}

const char *store_repo_gitdir(const store_repo *r)
{
	return git_repository_path(r->repo);
}

const char *store_repo_prefix(const store_repo *r)
{
	return r->prefix ? r->prefix : "";
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

int repo_blob(store_repo *r, git_tree *tree, const char *path, git_blob **out,
              store_err *err)
{
	char full[PATH_MAX];
	git_tree_entry *e;
	*out = NULL;
	repo_path(r, path, full, sizeof full);
	if (git_tree_entry_bypath(&e, tree, full) != 0)
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
	if (git_blob_lookup(out, r->repo, &id) < 0)
		return repo_fail(err, path);
	return 0;
}

int repo_read_blob(store_repo *r, git_tree *tree, const char *path, char **data,
                   size_t *len, bool *found, store_err *err)
{
	git_blob *b;
	*data = NULL;
	*len = 0;
	*found = false;
	if (repo_blob(r, tree, path, &b, err) != 0)
		return -1;
	if (!b)
		return 0;
	*found = true;
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

/* The paths a world is made of, as a pathspec relative to the work tree:
 * repo_world_paths, then (with `named`) the files world.acre names outside
 * them (its events file, scripts kept elsewhere), so that a commit never
 * leaves out a file the world needs. */
typedef struct repo_spec {
	char *v[REPO_NPATHS + REPO_MAX_NAMED];
	git_strarray arr;
} repo_spec;

static void repo_spec_free(repo_spec *sp)
{
	for (size_t i = 0; i < sp->arr.count; i++)
		free(sp->v[i]);
	sp->arr.count = 0;
}

static bool repo_spec_has(const repo_spec *sp, const char *path)
{
	for (size_t i = 0; i < sp->arr.count; i++)
		if (strcmp(sp->v[i], path) == 0)
			return true;
	return false;
}

static int repo_spec_add(const store_repo *r, repo_spec *sp, const char *rel)
{
	char buf[PATH_MAX];
	/* A name from the world file is taken literally, inside the world only:
	 * no absolute path, no "..", nothing git would read as a pattern. */
	if (!rel || wf_path_check(rel) != WF_READ_OK || strpbrk(rel, "*?[\\:") ||
	    strncmp(rel, "scripts/", 8) == 0 || strncmp(rel, "assets/", 7) == 0)
		return 0;
	repo_path(r, rel, buf, sizeof buf);
	if (repo_spec_has(sp, buf) || sp->arr.count >= REPO_NPATHS + REPO_MAX_NAMED)
		return 0;
	if (!(sp->v[sp->arr.count] = strdup(buf)))
		return -1;
	sp->arr.count++;
	return 0;
}

/* The files world `w` names. */
static int repo_spec_world(const store_repo *r, repo_spec *sp, const wf_world *w)
{
	int rc = repo_spec_add(r, sp, w->events);
	for (int i = 0; rc == 0 && i < w->npalette; i++)
		rc = repo_spec_add(r, sp, w->palette[i].script);
	for (int i = 0; rc == 0 && i < w->nparcels; i++) {
		const wf_parcel *p = &w->parcels[i];
		rc = repo_spec_add(r, sp, p->script);
		for (int k = 0; rc == 0 && k < p->nentities; k++)
			rc = repo_spec_add(r, sp, p->entities[k].script);
	}
	return rc;
}

/* The files the working world.acre names; a world that cannot be read or
 * parsed names none (its own files are still committed). */
static int repo_spec_named(const store_repo *r, repo_spec *sp)
{
	char *data = NULL;
	size_t len;
	if (wf_world_read(r->dir, "world.acre", WF_MAX_WORLD_BYTES, &data, &len) != WF_READ_OK)
		return 0;
	wf_diags d = {.max = 1};
	wf_world *w = wf_parse(data, len, "world.acre", &d);
	int rc = w ? repo_spec_world(r, sp, w) : 0;
	wf_world_free(w);
	wf_diags_free(&d);
	free(data);
	return rc;
}

/* The world's own paths, then with `named` the files the working
 * world.acre names: those of `w` when the caller has parsed it already,
 * else read and parsed here. */
static int repo_spec_build(const store_repo *r, repo_spec *sp, bool named,
                           const wf_world *w, store_err *err)
{
	memset(sp, 0, sizeof *sp);
	sp->arr.strings = sp->v;
	int rc = 0;
	for (int i = 0; rc == 0 && i < REPO_NPATHS; i++) {
		char buf[PATH_MAX];
		repo_path(r, repo_world_paths[i], buf, sizeof buf);
		if (!(sp->v[i] = strdup(buf)))
			rc = -1;
		else
			sp->arr.count++;
	}
	if (rc == 0 && named)
		rc = w ? repo_spec_world(r, sp, w) : repo_spec_named(r, sp);
	if (rc != 0) {
		repo_spec_free(sp);
		store_seterr(err, "out of memory");
	}
	return rc;
}

/* store_dirty over the paths `paths`. */
static int repo_dirty(store_repo *r, const git_strarray *paths, bool *dirty, char *first,
                      size_t firstlen, store_err *err)
{
	git_status_options o;
	git_status_list *list;

	git_status_options_init(&o, GIT_STATUS_OPTIONS_VERSION);
	o.pathspec = *paths;
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

/* The world's own paths first: a change among them answers without
 * reading and parsing world.acre for the files it names besides (which
 * costs about as much as the status itself). Only a clean world pays for
 * the parse, to look at those files too. */
int store_dirty(store_repo *r, bool *dirty, char *first, size_t firstlen, store_err *err)
{
	repo_spec sp;
	if (repo_spec_build(r, &sp, false, NULL, err) != 0)
		return -1;
	int rc = repo_dirty(r, &sp.arr, dirty, first, firstlen, err);
	size_t own = sp.arr.count;
	if (rc == 0 && !*dirty && repo_spec_named(r, &sp) != 0) {
		store_seterr(err, "out of memory");
		rc = -1;
	}
	if (rc == 0 && !*dirty && sp.arr.count > own) {
		git_strarray named = {sp.v + own, sp.arr.count - own};
		rc = repo_dirty(r, &named, dirty, first, firstlen, err);
	}
	repo_spec_free(&sp);
	return rc;
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

/* The tree a commit records. The world's files are staged (additions,
 * changes, removals, as `git add -A -- PATHS` would) in the index, written
 * through its lock file. During a merge the whole index is the commit, as
 * with `git commit`; otherwise only the world's files go in, on top of
 * HEAD's tree, and whatever else was staged with `git add` stays staged
 * for a later `git commit` (as `git commit -- PATHS` does). */
/* Stage the world's paths in idx as `git add --all -- PATHS` does:
 * additions, changes, type changes and removals. (libgit2's
 * git_index_add_all and git_index_update_all diff the index with the work
 * tree twice, and the first walks its diff with git_diff_foreach, which
 * makes a patch of every changed file, reading its staged blob and
 * diffing the two texts, only to hand over its path: on a 1 MB world.acre
 * that was over half the instructions of a commit.) One diff here, its
 * deltas read as they are. */
static int repo_add_all(store_repo *r, git_index *idx, const git_strarray *paths)
{
	git_diff_options o;
	git_diff *diff = NULL;
	git_diff_options_init(&o, GIT_DIFF_OPTIONS_VERSION);
	o.flags = GIT_DIFF_INCLUDE_TYPECHANGE | GIT_DIFF_INCLUDE_UNTRACKED |
	          GIT_DIFF_RECURSE_UNTRACKED_DIRS;
	o.pathspec = *paths;
	int rc = git_diff_index_to_workdir(&diff, r->repo, idx, &o);
	for (size_t i = 0; rc >= 0 && i < git_diff_num_deltas(diff); i++) {
		const git_diff_delta *d = git_diff_get_delta(diff, i);
		rc = d->status == GIT_DELTA_DELETED
		         ? git_index_remove_bypath(idx, d->old_file.path)
		         : git_index_add_bypath(idx, d->new_file.path);
	}
	git_diff_free(diff);
	return rc;
}

static int repo_stage(store_repo *r, const wf_world *w, git_commit *head, bool merging,
                      git_oid *tree_id, store_err *err)
{
	repo_spec sp;
	git_index *idx = NULL, *only = NULL;
	git_pathspec *ps = NULL;
	git_tree *ht = NULL;

	if (repo_spec_build(r, &sp, true, w, err) != 0)
		return -1;
	int rc = git_repository_index(&idx, r->repo);
	if (rc >= 0)
		rc = git_index_read(idx, 1);
	if (rc >= 0)
		rc = repo_add_all(r, idx, &sp.arr);
	if (rc >= 0)
		rc = git_index_write(idx);
	if (rc >= 0 && merging && git_index_has_conflicts(idx)) {
		git_index_conflict_iterator *it = NULL;
		const git_index_entry *anc, *ours, *theirs;
		const char *path = "?";
		if (git_index_conflict_iterator_new(&it, idx) == 0 &&
		    git_index_conflict_next(&anc, &ours, &theirs, it) == 0)
			path = ours ? ours->path : theirs ? theirs->path : anc->path;
		store_seterr(err,
		             "%s is not merged yet: resolve it and 'git add' it, then "
		             "commit again",
		             path);
		git_index_conflict_iterator_free(it);
		rc = -2;
	} else if (rc >= 0 && merging) {
		rc = git_index_write_tree(tree_id, idx);
	} else if (rc >= 0) {
		rc = git_index_new(&only);
		if (rc >= 0 && head && (rc = git_commit_tree(&ht, head)) >= 0)
			rc = git_index_read_tree(only, ht);
		if (rc >= 0)
			rc = git_pathspec_new(&ps, &sp.arr);
		/* HEAD's entries under the world's paths go, the index's come in. */
		for (size_t i = git_index_entrycount(only); rc >= 0 && i-- > 0;) {
			const git_index_entry *e = git_index_get_byindex(only, i);
			if (git_pathspec_matches_path(ps, 0, e->path))
				rc = git_index_remove(only, e->path, 0);
		}
		for (size_t i = 0; rc >= 0 && i < git_index_entrycount(idx); i++) {
			const git_index_entry *e = git_index_get_byindex(idx, i);
			if (git_pathspec_matches_path(ps, 0, e->path))
				rc = git_index_add(only, e);
		}
		if (rc >= 0)
			rc = git_index_write_tree_to(tree_id, only, r->repo);
	}
	git_pathspec_free(ps);
	git_tree_free(ht);
	git_index_free(only);
	git_index_free(idx);
	repo_spec_free(&sp);
	if (rc == -2)
		return -1;
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

/* The world file must be there, a regular file, and free of conflict
 * markers: committing a directory or a missing file in its place would
 * record the world's deletion, and a marked file is an unfinished merge. */
static int repo_world_ok(store_repo *r, store_err *err)
{
	char path[PATH_MAX], *data = NULL;
	size_t len;
	struct stat st;
	snprintf(path, sizeof path, "%s/world.acre", r->dir);
	if (lstat(path, &st) != 0) {
		store_seterr(err, "world.acre: %s; nothing committed (to remove the world, "
		                  "use git rm)", strerror(errno));
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		store_seterr(err,
		             "world.acre is %s, not a file; nothing committed",
		             S_ISDIR(st.st_mode)   ? "a directory"
		             : S_ISLNK(st.st_mode) ? "a symbolic link"
		                                   : "not a regular file");
		return -1;
	}
	wf_read_status rs = wf_world_read(r->dir, "world.acre", WF_MAX_WORLD_BYTES, &data, &len);
	if (rs != WF_READ_OK) {
		store_seterr(err, "world.acre: %s", wf_read_strerror(rs));
		return -1;
	}
	bool marked = wf_has_conflict_markers(data, len);
	free(data);
	if (marked) {
		store_seterr(err, "world.acre has unresolved merge conflicts ('acre check' "
		                  "names them); resolve them, then commit");
		return -1;
	}
	return 0;
}

/* The commits being merged into HEAD (MERGE_HEAD), in order. */
typedef struct repo_heads {
	git_oid v[16];
	int n;
} repo_heads;

static int repo_head_cb(const git_oid *id, void *payload)
{
	repo_heads *h = payload;
	if (h->n < 16)
		h->v[h->n++] = *id;
	return 0;
}

bool store_merging(store_repo *r)
{
	return git_repository_state(r->repo) == GIT_REPOSITORY_STATE_MERGE;
}

int store_commit(store_repo *r, const char *message, char hex[STORE_OID_HEX],
                 bool *nothing, store_err *err)
{
	return store_commit_world(r, NULL, message, hex, nothing, err);
}

int store_commit_world(store_repo *r, const struct wf_world *w, const char *message,
                       char hex[STORE_OID_HEX], bool *nothing, store_err *err)
{
	git_commit *parents[17] = {NULL};
	git_signature *sig = NULL;
	git_tree *tree = NULL;
	git_oid tree_id, id;
	git_buf merge_msg = {0};
	repo_heads heads = {.n = 0};
	int ret = -1, np = 0;

	*nothing = false;
	hex[0] = '\0';
	bool merging = store_merging(r);
	if (merging && git_repository_mergehead_foreach(r->repo, repo_head_cb, &heads) < 0) {
		repo_fail(err, "MERGE_HEAD");
		return -1;
	}
	if (repo_world_ok(r, err) != 0 || repo_head_state(r, &parents[0], err) != 0 ||
	    repo_signature(r->repo, &sig, err) != 0)
		goto out;
	np = parents[0] ? 1 : 0;
	for (int i = 0; i < heads.n; i++)
		if (git_commit_lookup(&parents[np], r->repo, &heads.v[i]) < 0) {
			repo_fail(err, "MERGE_HEAD");
			goto out;
		} else {
			np++;
		}
	if (repo_stage(r, w, parents[0], merging, &tree_id, err) != 0)
		goto out;
	if (!merging && parents[0] && git_oid_equal(&tree_id, git_commit_tree_id(parents[0]))) {
		*nothing = true;
		ret = 0;
		goto out;
	}
	if (git_tree_lookup(&tree, r->repo, &tree_id) < 0) {
		repo_fail(err, "tree");
		goto out;
	}
	/* A merge without -m is described as git would (MERGE_MSG). */
	if (merging && (!message || !*message) &&
	    git_repository_message(&merge_msg, r->repo) == 0) {
		/* git's "strip" cleanup: comment lines go, as do trailing blanks. */
		char *o = merge_msg.ptr;
		for (const char *l = merge_msg.ptr; *l;) {
			const char *nl = strchr(l, '\n');
			size_t n = nl ? (size_t)(nl - l) + 1 : strlen(l);
			if (*l != '#') {
				memmove(o, l, n);
				o += n;
			}
			l += n;
		}
		while (o > merge_msg.ptr && (o[-1] == '\n' || o[-1] == ' '))
			o--;
		*o = '\0';
		message = merge_msg.ptr;
	}
	if (git_commit_create(&id, r->repo, "HEAD", sig, sig, NULL,
	                      message && *message ? message : "Update the world", tree,
	                      (size_t)np, (const git_commit **)parents) < 0) {
		repo_fail(err, "commit");
		goto out;
	}
	git_oid_tostr(hex, STORE_OID_HEX, &id);
	if (merging && git_repository_state_cleanup(r->repo) < 0) {
		repo_fail(err, "ending the merge");
		goto out;
	}
	ret = 0;
out:
	git_buf_dispose(&merge_msg);
	git_tree_free(tree);
	git_signature_free(sig);
	for (int i = 0; i < 17; i++)
		git_commit_free(parents[i]);
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
		             "%s: not empty and no world.acre in it; 'acre init' makes a "
		             "world in a new or empty directory, or a repository of an "
		             "existing world",
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

/* .gitattributes of the world directory routes world.acre to the driver:
 * the line is added when no line already names world.acre's merge. */
static int init_attributes(const char *dir, bool *changed, store_err *err)
{
	char path[PATH_MAX], *data = NULL;
	size_t len = 0;
	snprintf(path, sizeof path, "%s/.gitattributes", dir);
	wf_read_status rs = wf_world_read(dir, ".gitattributes", (size_t)1 << 20, &data, &len);
	if (rs != WF_READ_OK && rs != WF_READ_MISSING) {
		store_seterr(err, "%s: %s", path, wf_read_strerror(rs));
		return -1;
	}
	for (const char *l = data; l && *l;) {
		const char *nl = strchr(l, '\n');
		size_t n = nl ? (size_t)(nl - l) : strlen(l);
		if (n >= 10 && strncmp(l, "world.acre", 10) == 0 &&
		    memmem(l, n, "merge=", 6)) {
			free(data);
			return 0;
		}
		l = nl ? nl + 1 : l + n;
	}
	size_t cap = len + sizeof REPO_ATTR_LINE + 2;
	char *text = malloc(cap);
	if (!text) {
		free(data);
		store_seterr(err, "out of memory");
		return -1;
	}
	snprintf(text, cap, "%.*s%s%s\n", (int)len, data ? data : "",
	         len && data[len - 1] != '\n' ? "\n" : "", REPO_ATTR_LINE);
	free(data);
	int rc = wf_save_atomic(path, text, strlen(text));
	free(text);
	if (rc != 0) {
		store_seterr(err, "%s: %s", path, strerror(errno));
		return -1;
	}
	*changed = true;
	return 0;
}

/* The driver in the repository's own configuration (a clone has to set it
 * again: configuration is not cloned; acre-world(5) gives the line). */
static int init_driver(git_repository *repo, bool *changed, store_err *err)
{
	git_config *cfg = NULL;
	git_config_entry *e = NULL;
	int rc = git_repository_config(&cfg, repo);
	if (rc == 0 && git_config_get_entry(&e, cfg, "merge.acre.driver") == 0) {
		git_config_entry_free(e);
		git_config_free(cfg);
		return 0;
	}
	if (rc == 0)
		rc = git_config_set_string(cfg, "merge.acre.name",
		                           "Acre world files, parcel by parcel");
	if (rc == 0)
		rc = git_config_set_string(cfg, "merge.acre.driver", REPO_DRIVER);
	git_config_free(cfg);
	if (rc != 0)
		return repo_fail(err, "setting merge.acre.driver");
	*changed = true;
	return 0;
}

int store_init(const char *dir, const store_file *files, int nfiles, const char *message,
               char hex[STORE_OID_HEX], store_init_result *res, store_err *err)
{
	git_repository *repo = NULL;
	git_signature *sig = NULL;
	git_repository_init_options o;
	bool nothing, changed = false;
	char path[PATH_MAX];
	struct stat st;

	*res = STORE_INIT_NEW;
	hex[0] = '\0';
	snprintf(path, sizeof path, "%s/world.acre", dir);
	bool existing = lstat(path, &st) == 0 && S_ISREG(st.st_mode);
	if (!existing && init_check_empty(dir, err) != 0)
		return -1;
	repo_lib_init();
	int ret = -1;
	/* A world already in a repository (a clone) gets the driver only. */
	if (existing && git_repository_open_ext(&repo, dir, 0, NULL) == 0) {
		*res = STORE_INIT_DRIVER;
		if (init_attributes(dir, &changed, err) == 0 &&
		    init_driver(repo, &changed, err) == 0)
			ret = 0;
		goto out;
	}
	git_repository_init_options_init(&o, GIT_REPOSITORY_INIT_OPTIONS_VERSION);
	o.flags = GIT_REPOSITORY_INIT_MKPATH | GIT_REPOSITORY_INIT_NO_REINIT;
	if (git_repository_init_ext(&repo, dir, &o) < 0) {
		repo_fail(err, dir);
		goto out;
	}
	/* Ask for the author before writing anything, so a missing identity
	 * leaves just an empty repository to retry in. */
	if (repo_signature(repo, &sig, err) != 0)
		goto out;
	if (existing) {
		*res = STORE_INIT_ADOPTED; /* a world made by 'acre gen': keep its files */
	} else {
		for (int i = 0; i < nfiles; i++)
			if (init_write(dir, &files[i], err) != 0)
				goto out;
	}
	if (init_attributes(dir, &changed, err) != 0 || init_driver(repo, &changed, err) != 0)
		goto out;
	store_repo *r;
	if (store_repo_open(dir, &r, err) != 0)
		goto out;
	ret = store_commit(r, existing ? "Start the world's history" : message, hex,
	                   &nothing, err);
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
	/* git lets one branch be checked out in one worktree only; ask before
	 * touching anything, so that a refusal changes nothing. */
	if (branch && !git_branch_is_head(branch) && git_branch_is_checked_out(branch) == 1) {
		store_seterr(err,
		             "'%s' is already checked out in another worktree ('git "
		             "worktree list' shows where); nothing changed",
		             rev);
		goto out;
	}
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
