/* vm.h — the sandbox: one Lua state per scripted parcel, with hard budgets.
 *
 * This is the only front door to vm/. A `vm` wraps one lua_State built on
 * Acre's patched Lua 5.4 (vm/lua-patches/): its own allocator with a hard
 * memory cap, an instruction counter decremented in the VM's dispatch, fuel
 * charged inside C library loops, a string-hash seed taken from the world,
 * and no host addresses anywhere a script can see them. The environment is
 * vetted (see vm_new); higher layers add their API to it with vm_lua().
 *
 * Budgets are per handler call and per tick. Exhausting one raises an error
 * that no pcall, error handler, __close, __gc or __tostring can catch or
 * prolong; the call then returns a vm_status other than VM_OK.
 */
#ifndef ACRE_VM_H
#define ACRE_VM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lua.h"

typedef enum vm_status {
	VM_OK = 0,
	VM_ERR_SYNTAX,       /* the chunk does not compile */
	VM_ERR_RUNTIME,      /* a Lua error escaped the handler */
	VM_ERR_INSTRUCTIONS, /* instruction budget (call or tick) exhausted */
	VM_ERR_MEMORY,       /* memory cap reached */
	VM_ERR_DEPTH,        /* stack depth (Lua or C) exceeded */
	VM_ERR_OUTPUT,       /* output (print/log) cap exceeded */
	VM_ERR_MESSAGES,     /* message cap exceeded (set by the API layer) */
	VM_ERR_BYTECODE,     /* compiled size over the cap, or a binary chunk */
	VM_ERR_NOT_FOUND,    /* script or module file missing */
} vm_status;

/* A short name of the limit or failure: "instructions", "memory" … */
const char *vm_status_name(vm_status s);

typedef struct vm_limits {
	int64_t instructions;      /* per handler call (VM instructions + fuel) */
	int64_t tick_instructions; /* per tick, across all calls of the state */
	size_t memory;             /* hard cap on the state's heap, bytes */
	int depth;                 /* nested Lua calls */
	size_t output;             /* bytes of print/log output per call */
	int messages;              /* messages per tick (enforced by stdlib) */
	/* Compiled size caps, checked at load, over the chunk and every nested
	 * function together. */
	int max_instructions;      /* bytecode instructions */
	int max_constants;
	int max_functions;
} vm_limits;

/* Defaults for `acre lua` and for tests (also documented in acre-lua(7)). */
vm_limits vm_default_limits(void);

typedef struct vm_error {
	vm_status status;
	char file[256];     /* script file of the failing line, or "" */
	int line;           /* 0 when unknown */
	char msg[512];      /* "file:line: message" as Lua formats it */
	char traceback[1024]; /* a few frames, "\n\tfile:line: in function …" */
	int64_t used;       /* how much of the exhausted limit was used */
	int64_t limit;
} vm_error;

/* How print() output and module loading reach the host. Both may be NULL:
 * print then discards, require then fails with "module not found". */
typedef void (*vm_output_fn)(void *ud, const char *text, size_t len);
/* Read module `name` (already validated: [A-Za-z0-9_.]+ with dots as
 * directory separators) into a malloc'd buffer; return 0, or -1 when absent. */
typedef int (*vm_module_fn)(void *ud, const char *name, char **src, size_t *len,
                            char *path, size_t pathlen);

typedef struct vm_config {
	vm_limits limits;
	uint64_t seed;        /* world seed: string hashing, math.random */
	const char *name;     /* the parcel's name, for messages */
	vm_output_fn output;
	vm_module_fn module;
	void *ud;             /* passed to output and module */
} vm_config;

typedef struct vm vm;

/* A new sandboxed state with the vetted environment: base functions without
 * dofile/loadfile/collectgarbage control (load takes text only), string
 * without dump, table, math (random seeded from cfg->seed), utf8,
 * coroutine, and a `require` that goes through cfg->module. NULL when the
 * memory cap is too small to build it. */
vm *vm_new(const vm_config *cfg);
void vm_free(vm *v);

/* The Lua state, so that higher layers can add their API. Values a script
 * hands back must be type-checked by the caller: never trust them. */
lua_State *vm_lua(vm *v);
/* The vm that owns L (for C functions registered by higher layers). */
vm *vm_of(lua_State *L);

/* Compile `src` as chunk `file` (text only) under the bytecode caps, then run
 * its top level under the per-call budget. */
vm_status vm_load(vm *v, const char *file, const char *src, size_t len,
                  vm_error *err);

/* Only compile and check the bytecode caps (VM_ERR_SYNTAX, VM_ERR_BYTECODE),
 * without running anything: for `acre check`. */
vm_status vm_compile(vm *v, const char *file, const char *src, size_t len,
                     vm_error *err);

/* Call global function `fn` with the `nargs` values on top of the stack,
 * under the per-call budget; results are discarded. A missing handler is not
 * an error: *called is set to false and VM_OK returned.
 *
 * vm_load and vm_call are the only ways to run script code: they run it
 * protected and charged. Between them the budget is lifted, so the host can
 * push arguments freely; it must not call Lua functions itself. */
vm_status vm_call(vm *v, const char *fn, int nargs, bool *called, vm_error *err);

/* Start a new tick: the per-tick instruction budget is refilled. */
void vm_tick(vm *v);

/* Charge `cost` units of fuel from C code (API functions). Raises the budget
 * error in L when the budget runs out; does not return in that case. */
void vm_charge(lua_State *L, int64_t cost);

/* Raise a clean Lua error "file:line: message" at the calling script line. */
int vm_raise(lua_State *L, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Host memory kept for the state (its entities and their properties,
 * messages, trace lines, ledger entries …) counts against the state's
 * memory cap together with the Lua heap. vm_host_note adds `bytes` as the
 * host keeps them; when the total passes the cap (after collecting Lua
 * garbage) the running script stops with the memory stop at its next
 * instruction. It never raises, so it may be called from any host code.
 * vm_host_set replaces the host figure with an exact count (the layer
 * that keeps the memory recounts it, e.g. at each tick). */
void vm_host_note(vm *v, size_t bytes);
void vm_host_set(vm *v, size_t bytes);

typedef struct vm_usage {
	int64_t instructions;      /* in the last call */
	int64_t peak_instructions; /* most in one tick so far */
	size_t memory;             /* bytes in use now */
	size_t peak_memory;
	size_t output;             /* bytes written in the last call */
} vm_usage;
vm_usage vm_get_usage(const vm *v);

/* A 64-bit hash of the script-visible state: the global table walked in its
 * deterministic order, values by content (tables recursively, functions by
 * their prototype, no addresses). Mixed into `acre run`'s state hash. */
uint64_t vm_state_hash(vm *v);

#endif
