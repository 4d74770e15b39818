/* api-int.h — what the files of stdlib/ share among themselves (private).
 *
 * The run (run.c) keeps one api_pstate per parcel of the world. During a
 * tick a parcel's task reads and writes only its own api_pstate; everything
 * it wants to do to others (messages, credits to other accounts, trace
 * lines) goes into buffers that run.c merges afterwards in parcel order.
 * The Lua bindings (lib-*.c) reach their parcel's state through api_ps(),
 * which reads the Lua state's extra space. */
#ifndef ACRE_API_INT_H
#define ACRE_API_INT_H

#include "stdlib/api.h"
#include "vm/vm-lua.h"

#include "lauxlib.h"

#include <pthread.h>
#include <stdatomic.h>

/* Fuel charged by API calls, on top of the VM instructions of the call
 * itself (acre-lua(7), BUDGETS). */
enum {
	API_COST_CALL = 20,    /* every API call */
	API_COST_TILE = 1,     /* per tile written by tiles.fill */
	API_COST_ENTITY = 4,   /* per entity visited by list/find/at */
	API_COST_BYTE_DIV = 8, /* messages and logs: one unit per 8 bytes */
};

#define API_MAX_MESSAGE       4096 /* bytes of one encoded message */
#define API_MAX_MESSAGE_DEPTH 8    /* nested tables in one message */
#define API_MESSAGES_PER_UNIT 16   /* default cap per tick per unit parcel */

/* A growable byte buffer. */
typedef struct api_buf {
	char *data;
	size_t len, cap;
} api_buf;
int api_buf_put(api_buf *b, const void *p, size_t n);
int api_buf_printf(api_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Append text with '\\', newlines, tabs and control bytes escaped. */
int api_buf_escaped(api_buf *b, const char *s, size_t n);

/* A message in flight: `from` is a parcel index, or -1 from the events
 * file; data is the encoded value (msg.c). */
typedef struct api_msg {
	int from, to;
	char *data;
	size_t len;
} api_msg;

typedef struct api_msgs {
	api_msg *v;
	int n, cap;
} api_msgs;

/* A transfer from the parcel's own account to account `to` (a parcel index
 * ≥ 0, or -1 - identity index). */
typedef struct api_transfer {
	int to_parcel;     /* -1 when to an identity */
	char *to_identity; /* malloc'd, when to_parcel < 0 */
	int64_t amount;
} api_transfer;

typedef struct api_pstate {
	int index;
	const wf_parcel *p;
	int32_t tw, th;
	uint8_t *tiles;   /* live */
	/* The parcel's scripts do not run in this run, so its tiles never
	 * change: `tiles` is the world's own array, not a copy, and is not
	 * freed. Keeps a one-parcel run of a huge world from copying it. */
	bool tiles_shared;
	api_entity *ents; /* live, in spawn order */
	int nents, ents_cap;
	char **avatars; /* present now, in order of entry */
	int navatars, avatars_cap;

	/* Transaction: copies taken at a handler's first write, restored when it
	 * fails. */
	uint8_t *snap_tiles;
	bool tiles_dirty;
	api_entity *snap_ents;
	int snap_nents;
	bool ents_dirty;

	vm *v; /* NULL when the parcel does not run */
	bool loaded;
	int caps;              /* WF_CAP_* of the zone */
	const char *zone_name; /* "(none)" when no zone */
	vm_limits lim;
	int64_t max_entities;

	/* Per tick. */
	uint64_t rng;
	api_buf trace; /* lines of this tick, each ending '\n' */
	api_msgs outbox;
	api_transfer *xfers;
	int nxfers, xfers_cap;
	int64_t balance;       /* own account, working copy */
	int64_t balance_start; /* at the start of the tick */
	int64_t sent;          /* messages sent this tick */
	api_msgs inbox;        /* delivered this tick */
	int64_t peak_tick_instr;

	/* Reused by API calls that build text or messages: a Lua error may
	 * unwind past the call at any charge, and must not leak a buffer. */
	api_buf scratch;

	/* Per handler call. */
	const char *handler;
	size_t out_bytes;
	vm_status forced; /* a cap hit by the API (messages, output) */
	vm_error *forced_err; /* its details; allocated at the first cap hit,
	                       * since a vm_error is large and parcels many */

	api_parcel_stats stats;
	api_failure *fails; /* this tick's, merged by run.c */
	int nfails, fails_cap;
	struct api_run *run;
	bool alone; /* allocated by itself (api_run_ps), not in ps_block */
} api_pstate;

/* An identity account ("@name"). */
typedef struct api_ident {
	char *name;
	int64_t balance;
} api_ident;

struct api_run {
	wf_world *w;
	char *dir;
	api_opts opts;
	uint64_t seed;
	int64_t tick;
	/* One state per parcel. Parcels left out of the run (api_opts.select)
	 * have none (NULL) until something asks for one (api_run_ps): their
	 * scripts never run, and setting up 65,536 states to run one parcel
	 * of the Street cost more than the run. The others are set up by
	 * api_run_new, in one block. */
	api_pstate **ps;
	api_pstate *ps_block;
	int *scripted;  /* indexes of parcels that run, in order */
	int nscripted;
	/* Parcel names → index, open addressing (capacity a power of two),
	 * built at the first lookup (api_find_parcel, from any worker thread:
	 * under names_mu); NULL until then. */
	int32_t *names;
	uint32_t names_mask;
	pthread_mutex_t names_mu;
	int64_t *ledger;   /* parcel accounts, as of the tick start */
	api_ident *idents; /* sorted by name */
	int nidents, idents_cap;
	int64_t supply;
	api_failure *fails;
	int nfails;
	int64_t total_fails;
	bool oom;
	struct run_pool *pool; /* worker threads, or NULL (pool.c) */
};

/* pool.c: start opts.threads - 1 workers (the run stays single-threaded
 * when none starts; -1 only when out of memory), stop them, and run
 * fn(ctx, w, n) on each of the n threads, the caller's as w = 0, returning
 * when all are done. */
int api_pool_start(api_run *r);
void api_pool_stop(api_run *r);
void api_pool_run(api_run *r, void (*fn)(void *ctx, int w, int n), void *ctx);

/* run.c: tick 0, every scripted parcel loading; -1 when out of memory. */
int api_run_load(api_run *r);

/* Whether the run being made was cancelled (api_opts.cancel): only
 * api_run_new and the load it runs ask. */
static inline bool api_run_cancelled(const struct api_run *r)
{
	return r->opts.cancel && atomic_load_explicit(r->opts.cancel, memory_order_relaxed);
}

/* Note that memory ran out; parcels' tasks may do this on several threads
 * at once, and the run's next merge then reports a host error. */
static inline void api_oom(struct api_run *r)
{
	__atomic_store_n(&r->oom, true, __ATOMIC_RELAXED);
}

/* setup.c: the state of parcel i, set up now if it was left out of the
 * run (api_run.ps); NULL when out of memory. Only from the thread that
 * drives the run, never from a parcel's task. */
api_pstate *api_run_ps(struct api_run *r, int i);

/* state.c */
uint64_t api_strhash(const char *s, size_t n); /* FNV-1a */
void api_free_ents(api_entity *v, int n);

/* run.c */
int api_find_parcel(const struct api_run *r, const char *name, size_t len);
/* " (did you mean 'NAME'?)" for a parcel name that is not in the world, or
 * "" when none is close: appended to the API's "no parcel named" errors.
 * The buffer holds at least API_SUGGEST_MAX bytes. */
#define API_SUGGEST_MAX 96
const char *api_suggest(const char *name, const void *base, size_t stride, int n,
                        char *buf);
const api_ident *api_find_ident(const struct api_run *r, const char *name);
void api_trace(api_pstate *ps, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Take the transaction copies before the first write of a handler. */
void api_touch_tiles(api_pstate *ps);
void api_touch_ents(api_pstate *ps);
void api_entity_free(api_entity *e);
int api_entity_copy(api_entity *dst, const api_entity *src);
api_prop *api_entity_prop(api_entity *e, const char *key);
void api_value_free(api_value *v);

/* lib.c: install every module into a parcel's state. 0 or -1 (memory). */
int api_lib_open(api_pstate *ps);
/* The parcel behind an API function; charges API_COST_CALL. */
api_pstate *api_ps(lua_State *L);
/* vm_raise with printf formats (lua_pushfstring knows only a few). */
int api_raise(lua_State *L, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Raise unless the parcel's zone allows `cap`; `call` names the call. */
void api_need(lua_State *L, api_pstate *ps, int cap, const char *call);
/* Stop the handler with a cap the API enforces (messages, output). */
int api_cap_exceeded(lua_State *L, api_pstate *ps, vm_status st, int64_t used,
                     int64_t limit, const char *what);

/* Argument checks for API functions: each raises "CALL: WHAT must be …"
 * at the script's line when the argument is wrong. */
int64_t api_arg_int(lua_State *L, int idx, const char *call, const char *what);
const char *api_arg_str(lua_State *L, int idx, const char *call, const char *what,
                        size_t *len);
/* The type of an argument as messages name it ("nil" when absent). */
const char *api_typename(lua_State *L, int idx);
const char *api_arg_name(lua_State *L, int idx, const char *call, const char *what);
/* A tile position inside the own parcel (two arguments from idx). */
void api_arg_xy(lua_State *L, api_pstate *ps, int idx, const char *call, int32_t *x,
                int32_t *y);

/* The modules (lib-*.c); api_lib_open installs them as globals. */
extern const luaL_Reg api_world_lib[], api_parcel_lib[], api_tiles_lib[],
    api_entities_lib[], api_events_lib[], api_messages_lib[], api_rng_lib[],
    api_log_lib[], api_economy_lib[];

/* msg.c: encode the value at `idx` (raises a Lua error when it cannot be
 * sent), decode onto the stack (charging fuel), render for the trace. */
int api_msg_encode(lua_State *L, int idx, api_buf *out);
void api_msg_push(lua_State *L, const char *data, size_t len);
int api_msg_render(const char *data, size_t len, api_buf *out);

#endif
