/* alloc-fail.c — every allocation of worldfmt and store made to fail in
 * turn, as SQLite's tests do: the program is linked with
 * -Wl,--wrap=malloc,... (tests/module.mk), so each malloc, calloc, realloc,
 * strdup and strndup made by Acre's own code goes through a countdown here.
 * For N = 0, 1, 2 … the Nth allocation of one operation fails (once, and in
 * a second pass from then on), until the operation makes fewer than N
 * allocations. Each run must end in either the operation's normal result or
 * its out-of-memory result, never a crash, a wrong "success" or a leak (run
 * under ASan, LeakSanitizer checks at exit that nothing is left).
 * Allocations inside SQLite, libgit2 and libc itself are not counted: they
 * are the libraries' own to handle. */
#include "store/store.h"
#include "tests/unit/unit.h"
#include "worldfmt/worldfmt.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- The countdown ------------------------------------------------------ */

static long fail_at = -1; /* the allocation (0-based) that fails; -1: none */
static bool fail_after;   /* and every one after it */
static long calls;        /* allocations since arm() */
static long failed;       /* how many were made to fail */

void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t n);
char *__real_strdup(const char *s);
char *__real_strndup(const char *s, size_t n);

static bool fail_now(void)
{
	long i = calls++;
	if (fail_at < 0 || i < fail_at || (i > fail_at && !fail_after))
		return false;
	failed++;
	return true;
}

void *__wrap_malloc(size_t n)
{
	return fail_now() ? NULL : __real_malloc(n);
}

void *__wrap_calloc(size_t n, size_t size)
{
	return fail_now() ? NULL : __real_calloc(n, size);
}

void *__wrap_realloc(void *p, size_t n)
{
	return fail_now() ? NULL : __real_realloc(p, n);
}

char *__wrap_strdup(const char *s)
{
	return fail_now() ? NULL : __real_strdup(s);
}

char *__wrap_strndup(const char *s, size_t n)
{
	return fail_now() ? NULL : __real_strndup(s, n);
}

static void arm(long at, bool after)
{
	fail_at = at;
	fail_after = after;
	calls = 0;
	failed = 0;
}

static void disarm(void)
{
	fail_at = -1;
}

/* ---- Operations -----------------------------------------------------------
 * Each runs once with the countdown armed and says how it ended: 1 the
 * normal result (checked against the reference made without failures), 0
 * its out-of-memory result, -1 a wrong result. */

typedef struct fixture {
	char *text;      /* a sample world file */
	size_t len;
	const char *dir; /* its directory */
	char *canon;     /* its canonical text, without failures */
	size_t canon_len;
	wf_world *world; /* parsed, validated, without failures */
	const char *db;  /* a registry file for the store operations */
} fixture;

/* The canonical text of w, made with the countdown off; NULL on failure. */
static char *canon_of(const wf_world *w, size_t *len)
{
	long saved = fail_at;
	disarm();
	wf_buf b = {0};
	char *s = wf_write(w, &b) == 0 ? b.data : NULL;
	*len = b.len;
	if (!s)
		wf_buf_free(&b);
	fail_at = saved;
	return s;
}

static int op_parse(fixture *f)
{
	wf_diags d = {0};
	wf_world *w = wf_parse(f->text, f->len, "world.acre", &d);
	int rc = 0;
	if (w && d.errors == 0) {
		/* A world without errors must be the whole world. */
		size_t n;
		char *s = canon_of(w, &n);
		rc = s && n == f->canon_len && memcmp(s, f->canon, n) == 0 ? 1 : -1;
		free(s);
	} else if (w) {
		/* Out of memory shows as an error, never as a silent gap. */
		rc = d.errors > 0 ? 0 : -1;
	}
	wf_world_free(w);
	wf_diags_free(&d);
	return rc;
}

static int op_validate(fixture *f)
{
	wf_diags d = {0};
	/* A private copy (made without failures) to validate. */
	long saved = fail_at;
	disarm();
	wf_world *w = wf_parse(f->text, f->len, "world.acre", &d);
	fail_at = saved;
	calls = 0;
	if (!w)
		return -1;
	int errors = wf_validate(w, f->dir, "world.acre", &d);
	/* The sample is valid: any error must be the one saying memory ran
	 * out (or a diagnostic that could not even be recorded). */
	int rc = errors == 0 ? 1 : 0;
	for (int i = 0; i < d.n; i++)
		if (d.v[i].severity == WF_ERROR && !strstr(d.v[i].msg, "memory"))
			rc = -1;
	wf_world_free(w);
	wf_diags_free(&d);
	return rc;
}

static int op_write(fixture *f)
{
	wf_buf b = {0};
	int rc = wf_write(f->world, &b) == 0 ? 1 : 0;
	if (rc == 1 && (b.len != f->canon_len || memcmp(b.data, f->canon, b.len) != 0))
		rc = -1;
	wf_buf_free(&b);
	return rc;
}

static int op_diff(fixture *f)
{
	/* The sample against itself with one parcel moved. */
	long saved = fail_at;
	disarm();
	wf_world *b = wf_world_clone(f->world);
	fail_at = saved;
	calls = 0;
	if (!b)
		return -1;
	b->parcels[0].owner = wf_strdup(b, "somebody-else");
	wf_diff d;
	int rc = wf_diff_worlds(f->world, b, &d) == 0 ? 1 : 0;
	if (rc == 1 && (d.nparcels != 1 || d.parcels[0].what != WF_DIFF_OWNER))
		rc = -1;
	if (rc == 1)
		wf_diff_free(&d);
	wf_world_free(b);
	return rc;
}

static int op_text_diff(fixture *f)
{
	(void)f;
	static const char a[] = "one\ntwo\nthree\nfour\n";
	static const char b[] = "one\n2\nthree\nfour\nfive\n";
	char *out = NULL;
	store_err err;
	int rc = store_text_diff(a, sizeof a - 1, b, sizeof b - 1, "x", &out, &err) == 0
	             ? 1
	             : 0;
	if (rc == 1 && (!out || !strstr(out, "+five")))
		rc = -1;
	free(out);
	return rc;
}

/* Open the registry, record a run, read it back, close. */
static int op_registry(fixture *f)
{
	store_reg *g = NULL;
	store_err err;
	if (store_reg_open(f->db, &g, &err) != 0)
		return 0;
	store_run_error e[] = {{"world.acre", 3, 5, "shop", "error", "bad glyph"}};
	store_run_parcel p[] = {{"shop", "ok", 100, 2000, 1}, {"plaza", "ok", 5, 6, 0}};
	store_run run = {.world = "w", .commit = "c1", .status = "invalid",
	                 .state_hash = "aa", .errors = e, .nerrors = 1,
	                 .parcels = p, .nparcels = 2};
	int rc = 0;
	store_parcel_result *res = NULL;
	int n = 0;
	if (store_run_record(g, &run, NULL, &err) == 0 &&
	    store_run_last(g, "w", "c1", &res, &n, &err) == 0) {
		rc = n == 2 && strcmp(res[0].parcel, "plaza") == 0 &&
		             strcmp(res[1].parcel, "shop") == 0
		         ? 1
		         : -1;
		store_parcel_results_free(res, n);
	}
	store_reg_close(g);
	return rc;
}

/* ---- The loop -------------------------------------------------------------*/

typedef struct op {
	const char *name;
	int (*run)(fixture *);
} op;

/* Fail allocation N of `o` for every N it makes; returns how many points
 * were tried, or -1 after the first wrong result. */
static long sweep(const op *o, fixture *f, bool after)
{
	for (long n = 0;; n++) {
		arm(n, after);
		int rc = o->run(f);
		long made = calls, hit = failed;
		disarm();
		if (rc < 0) {
			printf("# %s: a wrong result when allocation %ld failed%s\n", o->name,
			       n, after ? " (and every later one)" : "");
			return -1;
		}
		if (hit == 0) /* the operation made fewer than n + 1 allocations */
			return rc == 1 ? n : -1;
		(void)made;
	}
}

int main(void)
{
	fixture f = {.dir = "samples/neon-street"};
	char db[] = "/tmp/acre-alloc-fail-XXXXXX";
	if (wf_world_read(f.dir, "world.acre", WF_MAX_WORLD_BYTES, &f.text, &f.len) !=
	    WF_READ_OK) {
		/* Run from the repository's root (tests/run.sh does). */
		CHECK(0, "read %s/world.acre", f.dir);
		return unit_done();
	}
	wf_diags d = {0};
	f.world = wf_parse(f.text, f.len, "world.acre", &d);
	CHECK(f.world && d.errors == 0 && wf_validate(f.world, f.dir, "world.acre", &d) == 0,
	      "the sample parses and validates without failures");
	wf_diags_free(&d);
	f.canon = canon_of(f.world, &f.canon_len);
	int fd = mkstemp(db);
	if (fd >= 0)
		close(fd);
	f.db = db;

	static const op ops[] = {
	    {"wf_parse", op_parse},        {"wf_validate", op_validate},
	    {"wf_write", op_write},        {"wf_diff_worlds", op_diff},
	    {"store_text_diff", op_text_diff}, {"store registry", op_registry},
	};
	for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++) {
		for (int after = 0; after < 2; after++) {
			long n = sweep(&ops[i], &f, after);
			CHECK(n > 0, "%s: each of its %ld allocations failing %s ends "
			             "cleanly",
			      ops[i].name, n, after ? "from then on" : "once");
		}
	}
	wf_world_free(f.world);
	free(f.text);
	free(f.canon);
	unlink(db);
	return unit_done();
}
