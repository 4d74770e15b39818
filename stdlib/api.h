/* api.h — the creator API and the tick loop: the only front door to stdlib/.
 *
 * stdlib/ sits on vm/ (one sandboxed Lua state per scripted parcel) and
 * worldfmt/ (the model). It gives scripts their modules (world, parcel,
 * tiles, entities, events, messages, rng, log, economy; acre-lua(7)) and
 * drives them from a deterministic tick loop. `acre run`, `acre check` and
 * the editor's play mode all run worlds through an api_run.
 *
 * Life of a run:
 *
 *	api_run *r = api_run_new(w, dir, &opts, &err);   // loads scripts, on_load
 *	for (t = 1; t <= ticks; t++)
 *		api_run_tick(r, evs.v, evs.n);            // events due this tick
 *	printf("state %016llx\n", api_run_hash(r));
 *	api_run_free(r);
 *
 * Tick t: every scripted parcel gets, in this order, the events of the
 * events file for tick t that name it (in file order), the messages sent to
 * it during tick t-1 (ordered by sending parcel, then send order), then
 * on_tick. Parcels are independent within a tick: a parcel reads and writes
 * only its own tiles and entities, reads the ledger as it stood at the start
 * of the tick, and its outgoing effects (messages, transfers to others,
 * trace lines) are buffered. So parcels may run on any number of threads;
 * the buffers are merged afterwards in parcel order, which makes the
 * effects, the trace and the state hash independent of the thread count.
 *
 * Each handler call is a transaction: its effects are applied only when it
 * returns within budget, otherwise they are discarded and a failure is
 * recorded (parcel, handler, script file:line, limit, usage).
 *
 * Threading: an api_run is used from one thread at a time; it starts its
 * own worker threads inside api_run_tick when opts.threads > 1.
 */
#ifndef ACRE_API_H
#define ACRE_API_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vm/vm.h"
#include "worldfmt/worldfmt.h"

/* ---- Errors ---------------------------------------------------------------
 * An error of the host side (unreadable file, bad events file, out of
 * memory). Script failures are not api_errors: they are api_failures. */
typedef struct api_error {
	char file[256];     /* "" when not about a file */
	uint32_t line, col; /* 1-based; 0 when unknown */
	char msg[512];      /* without file:line:col */
} api_error;

/* ---- Events file -----------------------------------------------------------
 * A text file of timed input, one event per line (acre-lua(7), EVENTS FILE):
 *
 *	# comment; blank lines are ignored
 *	TICK enter AVATAR PARCEL          an avatar enters a parcel
 *	TICK leave AVATAR PARCEL          ... leaves it
 *	TICK interact AVATAR PARCEL ENTITY  ... uses an entity of the parcel
 *	TICK message PARCEL TEXT...       a message from outside (rest of line)
 *
 * TICK is a whole number from 1 to API_MAX_TICK; lines must be in
 * non-decreasing tick order. AVATAR, PARCEL and ENTITY are names
 * ([A-Za-z0-9_.-]+, at most WF_MAX_NAME bytes). The parser uses libc only
 * (it is fuzzed); whether the parcels exist is checked by api_events_check. */
#define API_MAX_TICK         1000000000LL
#define API_MAX_EVENT_ERRORS 20

typedef enum api_event_kind {
	API_EV_ENTER,
	API_EV_LEAVE,
	API_EV_INTERACT,
	API_EV_MESSAGE,
} api_event_kind;

typedef struct api_event {
	int64_t tick;
	api_event_kind kind;
	char *avatar;  /* enter, leave, interact; else NULL */
	char *parcel;  /* always */
	char *entity;  /* interact; else NULL */
	char *text;    /* message; else NULL */
	uint32_t line; /* in the events file */
	uint32_t col;  /* of the parcel name */
} api_event;

typedef struct api_events {
	char file[256]; /* as named to the parser */
	api_event *v;   /* in tick order */
	int n, cap;
	api_error errs[API_MAX_EVENT_ERRORS]; /* the first errors found */
	int nerrs;                            /* recorded in errs */
	int errors;                           /* all errors, recorded or not */
} api_events;

/* Parse `len` bytes of an events file named `file` into `out` (which must be
 * zeroed or freed before). Any bytes are handled. Returns the number of
 * errors (0 when the file is good), or -1 when out of memory. */
int api_events_parse(const char *buf, size_t len, const char *file, api_events *out);
/* Read and parse the events file `rel` of the world in `dir` (through the
 * world's guarded reader), or, with `dir` NULL, the file the user named as
 * `rel`; errors name it `file`. -1 with out->errs[0] set when it cannot be
 * read. */
int api_events_load(const char *dir, const char *rel, const char *file,
                    api_events *out);
void api_events_free(api_events *ev);
/* The name of a kind as the file spells it ("enter" …). */
const char *api_event_kind_name(api_event_kind k);
/* Check that every event names a parcel of `w` (and for interact, one of
 * its entities in the world file); adds errors to ev. Returns errors added. */
int api_events_check(api_events *ev, const wf_world *w);

/* ---- Runner options ------------------------------------------------------- */

#define API_MAX_THREADS 64

/* One line of trace, without its newline, e.g. "3 plaza tile 4 5 #".
 * Called on the thread that called api_run_new/api_run_tick, in merge order. */
typedef void (*api_trace_fn)(void *ud, const char *line, size_t len);

typedef struct api_opts {
	uint64_t seed; /* used when seed_set, instead of the world's */
	bool seed_set;
	int threads; /* threads, the caller's included (at most
	                API_MAX_THREADS); 0 or 1: only the caller's */
	/* Limits: each field that is non-zero replaces the limit derived from
	 * the parcel's budget (wf_parcel_budget) for every parcel. */
	vm_limits limits;
	int64_t max_entities; /* non-zero: replaces every parcel's entity cap */
	/* Optional mask of world->nparcels entries: only parcels with a
	 * non-zero entry run their scripts (acre check --base). NULL: all.
	 * The others are not even set up until asked about, so a run's cost
	 * follows the parcels selected, not the world's size. */
	const uint8_t *select;
	api_trace_fn trace; /* NULL: no trace */
	void *trace_ud;
	/* Trying a script (acre lua --world): when set, each selected parcel
	 * runs this one source, named `try_name`, instead of its own scripts,
	 * whether or not it has any. The API and its checks are the same. */
	const char *try_name;
	const char *try_src;
	size_t try_len;
	/* Optional: once it reads true, api_run_new stops setting up and
	 * loading parcels and fails with "cancelled" (the editor's play, left
	 * while its run is made on another thread). */
	const _Atomic bool *cancel;
} api_opts;

/* ---- Results --------------------------------------------------------------- */

/* One failed handler call (or script load). */
typedef struct api_failure {
	int parcel;          /* index into world->parcels */
	int64_t tick;        /* 0 for loading and on_load */
	const char *handler; /* "load", "on_tick" … (static string) */
	vm_error err;        /* status, file, line, msg, used, limit */
} api_failure;

#define API_MAX_FAILURES 1000 /* recorded per run; more are only counted */
/* A parcel's opening funds, at most: 2^20 parcels of it still sum to less
 * than 2^63, so the supply cannot wrap (acre-lua(7), MODULE economy). */
#define API_MAX_FUNDS 1000000000000LL

/* Per-parcel figures, for summaries and the registry. */
typedef struct api_parcel_stats {
	bool scripted;             /* has a script that runs in this run */
	bool loaded;               /* the script compiled and its top level ran */
	int64_t calls;             /* handler calls made */
	int64_t failures;          /* handler calls that failed */
	int64_t peak_instructions; /* most in one tick */
	size_t peak_memory;
	int64_t messages_sent;
	int64_t entities; /* live entities now */
} api_parcel_stats;

/* ---- Live state seen from the host ---------------------------------------- */

typedef enum api_value_type {
	API_NIL,
	API_BOOL,
	API_INT,
	API_NUM,
	API_STR
} api_value_type;

/* A property value of an entity (what a script may store there). */
typedef struct api_value {
	api_value_type type;
	union {
		bool b;
		int64_t i;
		double n;
		char *s; /* NUL-terminated, owned by the run */
	} u;
} api_value;

typedef struct api_prop {
	char *key;
	api_value value;
} api_prop;

/* An entity as the run sees it now. Entities of the world file start with
 * their attributes as string properties. */
typedef struct api_entity {
	char *name;
	int32_t x, y;    /* relative to the parcel's top-left tile */
	char glyph[8];   /* one UTF-8 code point, or "" */
	api_prop *props; /* in the order they were first set */
	int nprops, props_cap;
} api_entity;

/* ---- The runner ------------------------------------------------------------ */

typedef struct api_run api_run;

/* Prepare a run of world `w` (validated by the caller) with scripts read
 * from `dir`. The run keeps a pointer to
 * `w` and reads it, but never writes it: live tiles and entities are the
 * run's own copies. Loads every scripted parcel's script (one vm each) and
 * calls on_load; load failures are api_failures, not errors. NULL with
 * `err` set on host errors (out of memory, unreadable scripts directory). */
api_run *api_run_new(wf_world *w, const char *dir, const api_opts *o, api_error *err);
void api_run_free(api_run *r);

/* Run the next tick with `ev` (the whole events array is fine: only the
 * events of this tick are used; they must be sorted by tick). Returns the
 * number of handler failures in this tick, or -1 on a host error (out of
 * memory, a thread could not start). */
int api_run_tick(api_run *r, const api_event *ev, int nev);

/* Ticks run so far (0 after api_run_new). */
int64_t api_run_ticks(const api_run *r);

/* XXH3-64 over the live state: every parcel's tiles and entities, the
 * ledger, the messages in flight and vm_state_hash of each scripted parcel.
 * The same for any thread count. With a selection (api_opts.select), a
 * parcel left out contributes only its ledger entry and messages: the rest
 * of it is the world's, which no script of it changed. */
uint64_t api_run_hash(api_run *r);
/* What the host sees of parcel i after a run: its figures (calls, failures,
 * peak instructions and memory, messages sent, entities), tiles and
 * entities with their properties. Never 0 (0 means "did not run"), except
 * when out of memory. Two runs of a deterministic world agree on it; a
 * parcel whose script reads anything else shows up as a differing digest
 * (acre-check(1)). */
uint64_t api_run_parcel_digest(api_run *r, int i);

/* Live tiles of parcel `i` (the wf_parcel layout: row-major palette indices,
 * wf_parcel_tw × wf_parcel_th); never NULL, except when out of memory for
 * a parcel left out of the run (api_opts.select), whose state is set up at
 * the first question about it. */
const uint8_t *api_run_tiles(const api_run *r, int i);
/* Live entities of parcel `i`; returns the count, sets *out. */
int api_run_entities(const api_run *r, int i, const api_entity **out);

/* Per-parcel figures (i indexes world->parcels). */
const api_parcel_stats *api_run_stats(const api_run *r, int i);
/* Failures recorded so far, oldest first; returns the count recorded (at
 * most API_MAX_FAILURES), *total gets all of them. */
int api_run_failures(const api_run *r, const api_failure **out, int64_t *total);

/* Ledger: balance of an account ("@identity" or a parcel's name); false
 * when there is no such account. Total is the supply, constant unless the
 * world mints. */
bool api_run_balance(const api_run *r, const char *account, int64_t *out);
int64_t api_run_supply(const api_run *r);

/* The limits one parcel runs with (its budget, then opts overrides). */
vm_limits api_parcel_limits(const wf_world *w, const wf_parcel *p, const api_opts *o);

/* Human text of one failure: "parcel NAME: on_tick at tick 3: FILE:LINE:
 * message (instructions 1000001 of 1000000)". */
void api_failure_format(const api_run *r, const api_failure *f, char *buf, size_t len);

#endif
