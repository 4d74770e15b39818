/* check.h — CI validation, the front door: run a check, get a report,
 * write it in a format.
 *
 * `acre check` is what a platform runs on every change somebody submits
 * to a shared world: the world file's format and static rules, ownership
 * of the parcels a change touches, the scripts within their bytecode
 * limits, a headless run done twice to prove determinism, incremental with
 * a base revision, and a record of the result in the registry. The phases
 * are the files of this directory (check-int.h says which does what); the
 * report and its writers are in report.h. */
#ifndef ACRE_CHECK_H
#define ACRE_CHECK_H

#include "check/report.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CHECK_DEFAULT_TICKS 100

typedef struct check_opts {
	int64_t ticks;        /* ticks to run (0 still runs on_load) */
	const char *base;     /* base revision, or NULL */
	const char *as;       /* the submitter's identity, or NULL */
	const char *registry; /* registry file, or NULL for the default */
	const char *rev;      /* check the world as it is at this revision (dir
	                         may then be a bare repository), or NULL */
	bool record;          /* record the result, and with `as` claim the
	                         new parcels; else the registry is only read */
	const char *ref;      /* the branch `rev` is pushed to (a git server's
	                         hook), or NULL: with `record`, only a valid
	                         result is recorded, and land moves only on
	                         the default branch (store_claim_land) */
	bool progress;        /* progress lines on stderr */
} check_opts;

/* Check the world in `dir`, filling `rep` (which this initialises; free it
 * with check_report_free). Returns 0 when the check ran, whatever it found
 * (check_report_valid says whether the world passed), or -1 on an
 * environment error (unreadable repository or registry, out of memory)
 * with `err` saying what went wrong. */
int check_world(const char *dir, const check_opts *o, check_report *rep, char *err,
                size_t errlen);

/* Each parcel's use of its budgets in the last check of the working tree
 * of `dir` (shares.c; `acre check` writes it beside world.acre as
 * .world.acre.budget). Returns 0, 1 when no check has left one, or -1
 * when it cannot be read. Free with check_shares_free. */
typedef struct check_share {
	char *parcel;
	int64_t instructions, instruction_limit; /* peak in one tick, and cap */
	int64_t memory, memory_limit;            /* peak bytes, and cap */
} check_share;
typedef struct check_shares {
	char revision[41]; /* the commit checked, "-" for a changed tree */
	int64_t at;        /* when (Unix seconds) */
	int64_t ticks;
	check_share *v;
	int n;
} check_shares;
#define CHECK_SHARES_MAGIC "acre-budget 1\n" /* the file's first line */
int check_shares_read(const char *dir, check_shares *s);
/* The same from the file's text (`data` is changed; shares-parse.c):
 * 0, or -1 when it is not such a file. */
int check_shares_parse(char *data, size_t len, check_shares *s);
void check_shares_free(check_shares *s);

#endif
