/* check-int.h — what the phases of a check share, and nobody outside
 * check/ sees (the front door is check.h).
 *
 * A check runs these phases in order over one check_ctx, each adding
 * findings to ctx->rep:
 *
 *   check_begin      open the registry and repository, resolve the base, and
 *                    start reading it in a second thread (base.c)
 *   check_static     world.acre read, parsed and validated (static.c)
 *   check_changes    which parcels differ from the base revision (base.c)
 *   check_ownership  every changed parcel may be changed by --as (owner.c)
 *   check_scripts    scripts loaded and run twice, results compared, unchanged
 *                    parcels' results taken from the registry (run.c)
 *   check_record     with --record: the new parcels claimed (owner.c) and
 *                    the result recorded in the registry (base.c)
 *
 * A phase returns 0 when it did its work (whatever it found), or -1 on an
 * environment error (unreadable file, repository or registry; out of
 * memory), with ctx->err saying what went wrong: `acre check` then exits 2. */
#ifndef ACRE_CHECK_INT_H
#define ACRE_CHECK_INT_H

#include "check/check.h"
#include "store/store.h"
#include "worldfmt/worldfmt.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

/* Where the base's world.acre and the world's differ, as found by the
 * loader (base.c): the differing middle of the world's text is [pre, end),
 * on lines first_line to last_line. */
typedef struct check_span {
	bool have;  /* both texts were there */
	bool same;  /* the texts are equal (then nothing else is set) */
	size_t pre, end;
	uint32_t first_line, last_line;
} check_span;

typedef struct check_ctx {
	/* Options (check_opts). */
	int64_t ticks;
	const char *base;     /* --base REV, or NULL */
	const char *as;       /* --as IDENTITY, or NULL */
	const char *registry; /* --registry FILE, or NULL */
	const char *rev;      /* --rev REV: the world as it is there, or NULL */
	bool record;          /* --record: write the result (and claims) */
	const char *ref;      /* --ref REF: the branch pushed to, or NULL */
	bool progress;        /* show progress on stderr (a terminal) */

	/* The world. */
	char *dir;            /* world directory as given ("." by default) */
	char *file;           /* its world.acre as shown in findings */
	wf_world *w;          /* NULL until check_static has read it */
	int *rp;              /* world parcel index → report parcel index */

	/* History and registry; each NULL when not available. */
	store_repo *repo;
	store_reg *reg;
	char *reg_path;
	char head[STORE_OID_HEX];     /* commit checked; "" for a dirty tree */
	char base_hex[STORE_OID_HEX]; /* the base commit; "" without a base */
	char *base_name;      /* the world's name at the base, or NULL */
	char *world_key;      /* the world's key in the registry (store.h) */
	char *export_dir;     /* --rev: where the world was written, or NULL */
	char *cwd;            /* --rev: the directory to return to */

	/* The base's texts, read by a second thread while check_static
	 * parses the world (base.c). */
	pthread_t loader;
	bool loading;         /* the thread runs: join before using repo */
	int load_rc;
	store_err load_err;
	store_pair pair;
	bool have_pair;
	check_span span;      /* of pair's texts, found by the same thread */
	/* The base's results in the registry (store_run_last), sorted by
	 * parcel name with check_cmp_result; results_rc -1 with results_err
	 * when the query failed. Read by the same thread, for run.c. */
	store_parcel_result *results;
	int nresults;
	bool have_results;
	int results_rc;
	store_err results_err;

	/* Changes: one flag per world parcel, and the names of parcels that
	 * exist at the base but no longer in the world. */
	uint8_t *changed;     /* NULL: every parcel counts as changed */
	char **removed;
	int nremoved;

	bool events_changed;  /* the events file differs from the base */
	int static_errors;    /* errors of check_static: scripts do not run */
	check_report rep;
	char err[768];
} check_ctx;

int check_begin(check_ctx *c);
int check_static(check_ctx *c);
int check_changes(check_ctx *c);
int check_ownership(check_ctx *c);
int check_scripts(check_ctx *c);
int check_record(check_ctx *c);
/* The budget shares of a working tree's run, beside its world (shares.c);
 * a cache: never fails the check. */
int check_shares_write(check_ctx *c);
/* With --record and --as, claim the new parcels of a valid world (and
 * move the land of moved ones) for the submitter (owner.c). */
int check_claims(check_ctx *c);

/* Join the base loader if it still runs and free the texts it read; safe
 * to call at any time, and again. check_end_results also frees the
 * registry results it read. */
void check_end(check_ctx *c);
void check_end_results(check_ctx *c);
/* Order of store_parcel_result by parcel name (qsort, bsearch). */
int check_cmp_result(const void *a, const void *b);
/* Remove what --rev wrote and return to the starting directory. */
void check_cleanup(check_ctx *c);

/* Open the registry when one is available (acre-check(1), REGISTRY): the
 * file of --registry, else of $ACRE_REGISTRY, else the default one when it
 * exists. `need` makes a missing registry an error. */
int check_open_registry(check_ctx *c, bool need);

/* A path inside the world directory as the user should see it: "dir/rel",
 * or "rel" for the current directory. malloc'd, NULL when out of memory. */
char *check_path(const check_ctx *c, const char *rel);

/* The name in the `world "NAME"` statement at the top of a world file's
 * text (only the header is read). malloc'd; NULL when there is none. */
char *check_header_name(const char *s, const char *end);

/* Seconds on a monotonic clock. */
double check_now(void);

/* Set ctx->err; returns -1 so that a phase can `return check_fail(...)`. */
int check_fail(check_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Why a parcel counts as changed (c->changed[i] holds these bits): its
 * own statement or scripts changed, or only the events file that drives
 * every scripted parcel did (it must run again, but nothing of the parcel
 * changed: ownership does not judge it). */
enum { CHECK_CHANGED_PARCEL = 1, CHECK_CHANGED_EVENTS = 2 };

/* Is world parcel `i` changed since the base (true without a base)? */
static inline bool check_changed(const check_ctx *c, int i)
{
	return !c->changed || c->changed[i];
}

/* Did the parcel itself change (what ownership judges)? */
static inline bool check_parcel_changed(const check_ctx *c, int i)
{
	return !c->changed || (c->changed[i] & CHECK_CHANGED_PARCEL);
}

#endif
