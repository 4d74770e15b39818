/* vm.c — the sandbox: one budgeted, deterministic Lua state per parcel.
 *
 * Builds on Acre's patched Lua (vm/lua-patches/): the patches count
 * instructions and fuel into one budget and stop the state when it runs out;
 * this file owns the policy around them: the allocator and its cap, the
 * vetted environment, the per-call and per-tick budgets, and turning a
 * failure into a vm_error. See vm/README.md for the design.
 *
 * Invariant: host code touches the state only inside lua_pcall (through
 * vm_protect), so that a memory error or a script's metamethod can never
 * reach Lua's panic handler. */
#include "vm/vm-lua.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xxhash.h>

#include "lauxlib.h"
#include "lualib.h"

/* Fuel for compiling source: one unit per this many bytes (as load in the
 * patched Lua: compiling costs ~35 ns a byte of dense code). */
#define VM_PARSE_BYTES_PER_FUEL 1
/* Extra CallInfos beyond the script's own depth: the base frame, the
 * host's protected call and its message handler. */
#define VM_DEPTH_SLACK  3
#define VM_TRACE_FRAMES 6

struct vm {
	lua_State *L;
	vm_config cfg;
	char name[64];
	size_t mem, peak_mem;
	size_t refused_mem; /* bytes in use when the allocator last refused */
	size_t host;        /* host memory kept for the state, part of mem */
	bool running;       /* inside vm_protect: script code may be running */
	uint64_t reseeds;   /* math.randomseed() calls without a seed */
	size_t cap;        /* memory cap; raised while the state is built */
	int64_t allowance; /* budget given to the current call */
	int64_t tick_left; /* instructions left in this tick */
	int64_t tick_used;
	size_t out_used; /* print output in the current call */
	vm_usage usage;
	/* Filled by the message handler at the point of the error. */
	char tb[sizeof(((vm_error *)0)->traceback)];
	char where_file[256];
	int where_line;
};

static const char *const vm_status_names[] = {
    [VM_OK] = "ok",
    [VM_ERR_SYNTAX] = "syntax",
    [VM_ERR_RUNTIME] = "runtime",
    [VM_ERR_INSTRUCTIONS] = "instructions",
    [VM_ERR_MEMORY] = "memory",
    [VM_ERR_DEPTH] = "depth",
    [VM_ERR_OUTPUT] = "output",
    [VM_ERR_MESSAGES] = "messages",
    [VM_ERR_BYTECODE] = "bytecode",
    [VM_ERR_NOT_FOUND] = "not-found",
};

const char *vm_status_name(vm_status s)
{
	if ((unsigned)s < sizeof vm_status_names / sizeof vm_status_names[0])
		return vm_status_names[s];
	return "unknown";
}

vm_limits vm_default_limits(void)
{
	return (vm_limits){
	    .instructions = 100000000,
	    .tick_instructions = 100000000,
	    .memory = 64u << 20,
	    .depth = 1000,
	    .output = 1u << 20,
	    .messages = 100,
	    .max_instructions = 1000000,
	    .max_constants = 100000,
	    .max_functions = 10000,
	};
}

/* --- allocator ----------------------------------------------------------- */

/* Every byte Lua asks for is counted at its requested size, so that the
 * figures (and where the cap bites) are the same in every run whatever
 * malloc does. Shrinking never fails, as Lua requires. */
/* Growing or shrinking a block (osize 0: a new one). */
static __attribute__((noinline)) void *vm_realloc(vm *v, void *ptr,
						   size_t osize, size_t nsize)
{
	if (nsize <= osize) {
		v->mem -= osize - nsize;
		void *p = realloc(ptr, nsize);
		return p ? p : ptr; /* keep the larger block; count what Lua believes */
	}
	size_t grow = nsize - osize;
	if (v->mem > v->cap || grow > v->cap - v->mem) {
		/* the memory stop that may follow reports this figure: by the
		 * time the host reads it the stack has unwound and freed */
		v->refused_mem = v->mem;
		return NULL;
	}
	void *p = ptr ? realloc(ptr, nsize) : malloc(nsize);
	if (p != NULL) {
		v->mem += grow;
		if (v->mem > v->peak_mem)
			v->peak_mem = v->mem;
	}
	return p;
}

/* Lua frees about as often as it allocates: freeing keeps nothing alive
 * across its call, so it costs no more than Lua's own allocator. */
static void *vm_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
	vm *v = ud;
	if (nsize == 0) {
		if (ptr != NULL) /* (with no block, osize is a type tag) */
			v->mem -= osize;
		free(ptr);
		return NULL;
	}
	return vm_realloc(v, ptr, ptr ? osize : 0, nsize);
}

void vm_host_note(vm *v, size_t bytes)
{
	/* Between calls only count: nothing runs that could stop, and the
	 * next call's allocations meet the cap. */
	if (v->running && (bytes > v->cap || v->mem > v->cap - bytes)) {
		lua_gc(v->L, LUA_GCCOLLECT);
		if (bytes > v->cap || v->mem > v->cap - bytes) {
			v->refused_mem = v->mem;
			lua_stopsoon(v->L, LUA_STOP_MEMORY);
		}
	}
	v->mem += bytes;
	v->host += bytes;
	if (v->mem > v->peak_mem)
		v->peak_mem = v->mem;
}

void vm_host_set(vm *v, size_t bytes)
{
	v->mem = v->mem - v->host + bytes;
	v->host = bytes;
	if (v->mem > v->peak_mem)
		v->peak_mem = v->mem;
}

vm *vm_of(lua_State *L)
{
	void *ud = NULL;
	lua_getallocf(L, &ud);
	return ud;
}

lua_State *vm_lua(vm *v)
{
	return v->L;
}

/* --- errors -------------------------------------------------------------- */

int vm_raise(lua_State *L, const char *fmt, ...)
{
	va_list ap;
	luaL_where(L, 1);
	va_start(ap, fmt);
	lua_pushvfstring(L, fmt, ap);
	va_end(ap);
	lua_concat(L, 2);
	return lua_error(L);
}

void vm_charge(lua_State *L, int64_t cost)
{
	lua_charge(L, cost);
}

/* Append "\n\tfile:line: in WHAT" for a few Lua frames. Runs inside a
 * failing state, so it allocates nothing in Lua. */
static void vm_trace(lua_State *L, vm *v)
{
	lua_Debug ar;
	size_t n = 0;
	int frames = 0;
	v->tb[0] = '\0';
	v->where_file[0] = '\0';
	v->where_line = 0;
	for (int level = 0; lua_getstack(L, level, &ar); level++) {
		if (!lua_getinfo(L, "Sln", &ar) || ar.currentline <= 0)
			continue;
		if (v->where_line == 0) {
			snprintf(v->where_file, sizeof v->where_file, "%s", ar.short_src);
			v->where_line = ar.currentline;
		}
		if (frames++ == VM_TRACE_FRAMES || n >= sizeof v->tb)
			break;
		char what[96];
		if (*ar.what == 'm')
			snprintf(what, sizeof what, "main chunk");
		else if (ar.name)
			snprintf(what, sizeof what, "function '%s'", ar.name);
		else
			snprintf(what, sizeof what, "function <%s:%d>", ar.short_src,
			         ar.linedefined);
		int w = snprintf(v->tb + n, sizeof v->tb - n, "\n\t%s:%d: in %s",
		                 ar.short_src, ar.currentline, what);
		if (w > 0)
			n += (size_t)w;
	}
}

/* The message handler of every host call: remember where the error
 * happened. The error object goes back unchanged; a script's __tostring is
 * never called by the host. */
static int vm_msgh(lua_State *L)
{
	vm_trace(L, vm_of(L));
	return 1;
}

static void vm_error_clear(vm_error *err)
{
	memset(err, 0, sizeof *err);
}

static void vm_set_where_from_msg(vm_error *err)
{
	/* "file:line: ..." — file is everything up to the last ":N:" prefix. */
	const char *m = err->msg;
	for (const char *c = strchr(m, ':'); c; c = strchr(c + 1, ':')) {
		char *end;
		long line = strtol(c + 1, &end, 10);
		if (end > c + 1 && *end == ':' && line > 0) {
			size_t fl = (size_t)(c - m);
			if (fl >= sizeof err->file)
				fl = sizeof err->file - 1;
			memcpy(err->file, m, fl);
			err->file[fl] = '\0';
			err->line = (int)line;
			return;
		}
	}
}

/* A stop (budget, memory, depth, output): the patch recorded where. */
static vm_status vm_stop_error(vm *v, const char *why, vm_error *err)
{
	const vm_limits *lim = &v->cfg.limits;
	const char *where = lua_stopmessage(v->L);
	vm_status s;
	if (strcmp(why, LUA_STOP_INSTRUCTIONS) == 0) {
		s = VM_ERR_INSTRUCTIONS;
		err->used = v->allowance;
		err->limit = v->allowance;
		bool tick = v->allowance < lim->instructions;
		snprintf(err->msg, sizeof err->msg, "%s (%s limit %" PRId64 ")", where,
		         tick ? "tick" : "call",
		         tick ? lim->tick_instructions : lim->instructions);
		err->limit = tick ? lim->tick_instructions : lim->instructions;
		return s;
	}
	if (strcmp(why, LUA_STOP_MEMORY) == 0) {
		s = VM_ERR_MEMORY;
		err->used = (int64_t)v->refused_mem;
		err->limit = (int64_t)lim->memory;
		snprintf(err->msg, sizeof err->msg, "%s (limit %zu bytes)", where,
		         lim->memory);
	} else if (strcmp(why, LUA_STOP_DEPTH) == 0) {
		s = VM_ERR_DEPTH;
		err->limit = lim->depth;
		snprintf(err->msg, sizeof err->msg, "%s (limit %d nested calls)", where,
		         lim->depth);
	} else if (strcmp(why, "output limit exceeded") == 0) {
		s = VM_ERR_OUTPUT;
		err->used = (int64_t)v->out_used;
		err->limit = (int64_t)lim->output;
		snprintf(err->msg, sizeof err->msg, "%s (limit %zu bytes)", where,
		         lim->output);
	} else {
		s = strstr(why, "message") ? VM_ERR_MESSAGES : VM_ERR_RUNTIME;
		snprintf(err->msg, sizeof err->msg, "%s", where);
	}
	return s;
}

/* Fill err from a failed protected call; the error object is on top. */
static vm_status vm_fill_error(vm *v, int status, vm_status plain, vm_error *err)
{
	lua_State *L = v->L;
	const char *why = lua_stopped(L);
	vm_error_clear(err);
	snprintf(err->traceback, sizeof err->traceback, "%s", v->tb);
	if (why) {
		err->status = vm_stop_error(v, why, err);
	} else if (status == LUA_ERRERR) {
		err->status = VM_ERR_RUNTIME;
		snprintf(err->msg, sizeof err->msg, "%s:%d: error in error handling",
		         v->where_file, v->where_line);
	} else {
		err->status = plain;
		int t = lua_type(L, -1);
		if (t == LUA_TSTRING || t == LUA_TNUMBER) {
			size_t len;
			const char *s = lua_tolstring(L, -1, &len);
			snprintf(err->msg, sizeof err->msg, "%.*s", (int)len, s);
		} else if (v->where_line > 0) {
			snprintf(err->msg, sizeof err->msg,
			         "%s:%d: (error object is a %s value)", v->where_file,
			         v->where_line, lua_typename(L, t));
		} else {
			snprintf(err->msg, sizeof err->msg,
			         "(error object is a %s value)", lua_typename(L, t));
		}
	}
	vm_set_where_from_msg(err);
	if (err->line == 0 && v->where_line > 0) {
		snprintf(err->file, sizeof err->file, "%s", v->where_file);
		err->line = v->where_line;
	}
	return err->status;
}

/* --- budgets --------------------------------------------------------------- */

static void vm_call_begin(vm *v)
{
	int64_t allow = v->cfg.limits.instructions;
	if (v->tick_left < allow)
		allow = v->tick_left;
	if (allow < 0)
		allow = 0;
	v->allowance = allow;
	v->out_used = 0;
	v->tb[0] = '\0';
	v->where_line = 0;
	lua_setbudget(v->L, allow);
}

static void vm_call_end(vm *v)
{
	int64_t left = lua_getbudget(v->L);
	if (left < 0)
		left = 0;
	int64_t used = v->allowance - left;
	v->tick_left -= used;
	v->tick_used += used;
	v->usage.instructions = used;
	if (v->tick_used > v->usage.peak_instructions)
		v->usage.peak_instructions = v->tick_used;
	v->usage.output = v->out_used;
}

void vm_tick(vm *v)
{
	v->tick_left = v->cfg.limits.tick_instructions;
	v->tick_used = 0;
}

vm_usage vm_get_usage(const vm *v)
{
	vm_usage u = v->usage;
	u.memory = v->mem;
	u.peak_memory = v->peak_mem;
	return u;
}

/* --- the environment ------------------------------------------------------- */

static int vm_print(lua_State *L)
{
	vm *v = vm_of(L);
	int n = lua_gettop(L);
	luaL_Buffer b;
	luaL_buffinit(L, &b);
	for (int i = 1; i <= n; i++) {
		/* The separator before the value is pushed: a buffer may only
		 * grow while its box is on top of the stack. */
		if (i > 1)
			luaL_addchar(&b, '\t');
		luaL_tolstring(L, i, NULL);
		luaL_addvalue(&b);
	}
	luaL_addchar(&b, '\n');
	luaL_pushresult(&b);
	size_t len;
	const char *s = lua_tolstring(L, -1, &len);
	if (len > v->cfg.limits.output - v->out_used ||
	    v->out_used > v->cfg.limits.output)
		return lua_stop(L, "output limit exceeded");
	v->out_used += len;
	if (v->cfg.output)
		v->cfg.output(v->cfg.ud, s, len);
	return 0;
}

/* math.randomseed() without a seed would read the clock and addresses:
 * here it takes the next seed of a sequence drawn from the world seed, so
 * it still gives a fresh state each time, the same in every run. Like Lua
 * 5.4.4's it returns the two seed parts. (load needs no wrapper: the
 * patched core charges compiling and refuses binary chunks.) */
static int vm_randomseed(lua_State *L)
{
	if (lua_isnone(L, 1)) {
		vm *v = vm_of(L);
		uint64_t k = ++v->reseeds;
		lua_pushinteger(L, (lua_Integer)(v->cfg.seed ^ (k * 0x9e3779b97f4a7c15u)));
		lua_pushinteger(L, (lua_Integer)k);
	}
	luaL_checkinteger(L, 1);
	lua_pushvalue(L, lua_upvalueindex(1));
	lua_insert(L, 1);
	lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
	return lua_gettop(L);
}

static bool vm_module_name_ok(const char *s, size_t len)
{
	if (len == 0 || len > 200 || s[0] == '.' || s[len - 1] == '.')
		return false;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		          (c >= '0' && c <= '9') || c == '_' || c == '.';
		if (!ok || (c == '.' && s[i + 1] == '.'))
			return false;
	}
	return true;
}

static int vm_check_size(lua_State *L, vm *v, const char *file);

#define VM_LOADED "acre.loaded"

/* require(name): modules come only through the host's callback, compiled
 * as text under the same caps as scripts, run once, cached per state. */
static int vm_require(lua_State *L)
{
	vm *v = vm_of(L);
	size_t len;
	const char *name = luaL_checklstring(L, 1, &len);
	if (!vm_module_name_ok(name, len))
		return vm_raise(L, "bad module name '%s'", name);
	/* the standard libraries the sandbox has (_G, string, table, math,
	 * utf8, coroutine), as stock require finds them in package.loaded */
	if (lua_getfield(L, LUA_REGISTRYINDEX, LUA_LOADED_TABLE) == LUA_TTABLE &&
	    lua_getfield(L, -1, name) != LUA_TNIL)
		return 1;
	lua_settop(L, 1);
	lua_getfield(L, LUA_REGISTRYINDEX, VM_LOADED);
	lua_pushvalue(L, 1);
	int t = lua_rawget(L, 2);
	if (t == LUA_TLIGHTUSERDATA)
		return vm_raise(L, "module '%s' requires itself", name);
	if (t != LUA_TNIL)
		return 1;
	lua_pop(L, 1);
	char *src = NULL, path[256] = "";
	size_t srclen = 0;
	if (!v->cfg.module ||
	    v->cfg.module(v->cfg.ud, name, &src, &srclen, path, sizeof path) != 0)
		return vm_raise(L, "module '%s' not found", name);
	lua_charge(L, (lua_Integer)(srclen / VM_PARSE_BYTES_PER_FUEL));
	lua_pushfstring(L, "@%s", path[0] ? path : name);
	int st = luaL_loadbufferx(L, src, srclen, lua_tostring(L, -1), "t");
	free(src);
	if (st != LUA_OK)
		return lua_error(L);
	vm_check_size(L, v, path[0] ? path : name);
	/* mark as loading, so that a cycle is an error, not a deep recursion */
	lua_pushvalue(L, 1);
	lua_pushlightuserdata(L, v);
	lua_rawset(L, 2);
	lua_pushvalue(L, 1);
	lua_call(L, 1, 1);
	if (lua_isnil(L, -1)) {
		lua_pop(L, 1);
		lua_pushboolean(L, 1);
	}
	lua_pushvalue(L, 1);
	lua_pushvalue(L, -2);
	lua_rawset(L, 2);
	return 1;
}

static void vm_wrap(lua_State *L, const char *lib, const char *fn, lua_CFunction w)
{
	if (lib)
		lua_getglobal(L, lib);
	else
		lua_pushglobaltable(L);
	lua_getfield(L, -1, fn);
	lua_pushcclosure(L, w, 1);
	lua_setfield(L, -2, fn);
	lua_pop(L, 1);
}

static void vm_remove(lua_State *L, const char *lib, const char *fn)
{
	if (lib)
		lua_getglobal(L, lib);
	else
		lua_pushglobaltable(L);
	lua_pushnil(L);
	lua_setfield(L, -2, fn);
	lua_pop(L, 1);
}

static int vm_open(lua_State *L)
{
	vm *v = vm_of(L);
	static const luaL_Reg libs[] = {
	    {LUA_GNAME, luaopen_base},
	    {LUA_STRLIBNAME, luaopen_string},
	    {LUA_TABLIBNAME, luaopen_table},
	    {LUA_MATHLIBNAME, luaopen_math},
	    {LUA_UTF8LIBNAME, luaopen_utf8},
	    {LUA_COLIBNAME, luaopen_coroutine},
	    {NULL, NULL},
	};
	for (const luaL_Reg *l = libs; l->func; l++) {
		luaL_requiref(L, l->name, l->func, 1);
		lua_pop(L, 1);
	}
	vm_remove(L, NULL, "dofile");
	vm_remove(L, NULL, "loadfile");
	vm_remove(L, NULL, "collectgarbage");
	vm_remove(L, NULL, "warn");
	vm_remove(L, LUA_STRLIBNAME, "dump");
	lua_register(L, "print", vm_print);
	lua_register(L, "require", vm_require);
	vm_wrap(L, LUA_MATHLIBNAME, "randomseed", vm_randomseed);
	/* The shared string metatable stays out of reach: getmetatable("")
	 * answers false. */
	lua_pushliteral(L, "");
	lua_getmetatable(L, -1);
	lua_pushboolean(L, 0);
	lua_setfield(L, -2, "__metatable");
	lua_pop(L, 2);
	/* math.random starts from the world seed. */
	lua_getglobal(L, LUA_MATHLIBNAME);
	lua_getfield(L, -1, "randomseed");
	lua_pushinteger(L, (lua_Integer)v->cfg.seed);
	lua_call(L, 1, 0);
	lua_pop(L, 1);
	lua_newtable(L);
	lua_setfield(L, LUA_REGISTRYINDEX, VM_LOADED);
	return 0;
}

vm *vm_new(const vm_config *cfg)
{
	vm *v = calloc(1, sizeof *v);
	if (!v)
		return NULL;
	v->cfg = *cfg;
	snprintf(v->name, sizeof v->name, "%s", cfg->name ? cfg->name : "");
	v->cfg.name = v->name;
	v->cap = cfg->limits.memory;
	unsigned int seed = (unsigned int)(cfg->seed ^ (cfg->seed >> 32));
	v->L = lua_newseededstate(vm_alloc, v, seed);
	if (!v->L) {
		free(v);
		return NULL;
	}
	lua_setdepth(v->L, cfg->limits.depth + VM_DEPTH_SLACK);
	lua_setbudget(v->L, LUA_MAXINTEGER); /* building the environment */
	vm_tick(v);
	lua_pushcfunction(v->L, vm_open);
	if (lua_pcall(v->L, 0, 0, 0) != LUA_OK) {
		vm_free(v);
		return NULL;
	}
	v->peak_mem = v->mem;
	return v;
}

void vm_free(vm *v)
{
	if (!v)
		return;
	if (v->L)
		lua_close(v->L);
	free(v);
}

/* --- load and call ------------------------------------------------------- */

/* Raise VM_ERR_BYTECODE-worthy error when the function on top is too big. */
static int vm_check_size(lua_State *L, vm *v, const char *file)
{
	lua_Integer size[3];
	const vm_limits *lim = &v->cfg.limits;
	lua_chunksize(L, -1, size);
	const char *what = NULL;
	lua_Integer have = 0, cap = 0;
	if (size[0] > lim->max_instructions)
		what = "instructions", have = size[0], cap = lim->max_instructions;
	else if (size[1] > lim->max_constants)
		what = "constants", have = size[1], cap = lim->max_constants;
	else if (size[2] > lim->max_functions)
		what = "functions", have = size[2], cap = lim->max_functions;
	if (!what)
		return 0;
	return luaL_error(L, "%s: compiled size over the cap: %I %s (limit %I)", file,
	                  have, what, cap);
}

enum vm_phase { VM_PHASE_COMPILE, VM_PHASE_SIZE, VM_PHASE_RUN, VM_PHASE_DONE };

struct vm_job {
	vm *v;
	const char *file, *src, *fn;
	size_t len;
	int nargs;
	bool run; /* vm_do_load: run the chunk after compiling it */
	enum vm_phase phase;
	bool called;
};

static int vm_do_load(lua_State *L)
{
	struct vm_job *j = lua_touserdata(L, 1);
	char chunk[300];
	if (j->len > 0 && j->src[0] == LUA_SIGNATURE[0])
		return luaL_error(L, "%s: binary chunks are refused (source text only)",
		                  j->file);
	lua_charge(L, (lua_Integer)(j->len / VM_PARSE_BYTES_PER_FUEL));
	snprintf(chunk, sizeof chunk, "@%s", j->file);
	if (luaL_loadbufferx(L, j->src, j->len, chunk, "t") != LUA_OK)
		return lua_error(L);
	j->phase = VM_PHASE_SIZE;
	vm_check_size(L, j->v, j->file);
	j->phase = VM_PHASE_RUN;
	if (j->run)
		lua_call(L, 0, 0);
	j->phase = VM_PHASE_DONE;
	return 0;
}

static int vm_do_call(lua_State *L)
{
	struct vm_job *j = lua_touserdata(L, 1);
	lua_pushglobaltable(L);
	lua_pushstring(L, j->fn);
	if (lua_rawget(L, -2) != LUA_TFUNCTION)
		return 0;
	j->called = true;
	lua_replace(L, 1); /* the function where the job was */
	lua_pop(L, 1);     /* the global table */
	lua_call(L, j->nargs, 0);
	return 0;
}

/* Run f(job, args...) protected, under a fresh per-call budget. The nargs
 * values on top of the stack are its arguments; all are popped. */
static int vm_protect(vm *v, lua_CFunction f, struct vm_job *j, int nargs)
{
	lua_State *L = v->L;
	int base = lua_gettop(L) - nargs;
	if (!lua_checkstack(L, 3)) {
		lua_pushliteral(L, LUA_STOP_MEMORY); /* preallocated: no allocation */
		return LUA_ERRMEM;
	}
	lua_pushcfunction(L, vm_msgh);
	lua_pushcfunction(L, f);
	lua_pushlightuserdata(L, j);
	lua_rotate(L, base + 1, 3);
	vm_call_begin(v);
	v->running = true;
	int st = lua_pcall(L, nargs + 1, 0, base + 1);
	v->running = false;
	vm_call_end(v);
	return st;
}

/* After a call and its error report: drop what the call left and lift
 * the stop, so that the host can push values (and make long strings)
 * between calls without meeting a spent budget. Only vm_call runs Lua. */
static void vm_finish(vm *v, int base)
{
	lua_settop(v->L, base);
	lua_setbudget(v->L, LUA_MAXINTEGER);
}

static vm_status vm_load_job(vm *v, const char *file, const char *src, size_t len,
                             bool run, vm_error *err)
{
	/* A UTF-8 byte order mark is not Lua; editors add it, and the world
	 * file accepts it, so every script does too. Lines do not move. */
	if (len >= 3 && memcmp(src, "\xef\xbb\xbf", 3) == 0)
		src += 3, len -= 3;
	struct vm_job j = {.v = v, .file = file, .src = src, .len = len, .run = run};
	int base = lua_gettop(v->L);
	int st = vm_protect(v, vm_do_load, &j, 0);
	vm_status s = VM_OK;
	if (st != LUA_OK) {
		vm_status plain = j.phase == VM_PHASE_COMPILE ? VM_ERR_SYNTAX
		                  : j.phase == VM_PHASE_SIZE  ? VM_ERR_BYTECODE
		                                              : VM_ERR_RUNTIME;
		if (len > 0 && src[0] == LUA_SIGNATURE[0])
			plain = VM_ERR_BYTECODE;
		s = vm_fill_error(v, st, plain, err);
	} else {
		vm_error_clear(err);
	}
	vm_finish(v, base);
	return s;
}

vm_status vm_load(vm *v, const char *file, const char *src, size_t len, vm_error *err)
{
	return vm_load_job(v, file, src, len, true, err);
}

vm_status vm_compile(vm *v, const char *file, const char *src, size_t len, vm_error *err)
{
	return vm_load_job(v, file, src, len, false, err);
}

vm_status vm_call(vm *v, const char *fn, int nargs, bool *called, vm_error *err)
{
	struct vm_job j = {.v = v, .fn = fn, .nargs = nargs};
	int base = lua_gettop(v->L) - nargs;
	int st = vm_protect(v, vm_do_call, &j, nargs);
	vm_status s = VM_OK;
	if (st != LUA_OK)
		s = vm_fill_error(v, st, VM_ERR_RUNTIME, err);
	else
		vm_error_clear(err);
	if (called)
		*called = j.called;
	vm_finish(v, base);
	return s;
}

/* --- state hash ------------------------------------------------------------ */

/* Walks values without allocating in the state (a stopped or full state
 * can be hashed): numbers and strings by content, tables by their entries
 * in 'next' order, Lua functions by source and line and their upvalues,
 * C functions by kind, other objects by the serial number the patched Lua
 * gives them, so the hash is the same in every build. Each
 * object is hashed once (a cycle or a shared table is a back reference);
 * nesting deeper than VM_HASH_DEPTH counts as a marker. */
#define VM_HASH_DEPTH 64

struct vm_seen {
	uintptr_t *slot;
	size_t cap, n;
};

static bool vm_seen_add(struct vm_seen *s, uintptr_t key)
{
	if (s->n * 2 >= s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 256;
		uintptr_t *slot = calloc(cap, sizeof *slot);
		if (!slot)
			return false;
		for (size_t i = 0; i < s->cap; i++) {
			if (!s->slot[i])
				continue;
			size_t h = (s->slot[i] * 0x9e3779b97f4a7c15u) & (cap - 1);
			while (slot[h])
				h = (h + 1) & (cap - 1);
			slot[h] = s->slot[i];
		}
		free(s->slot);
		s->slot = slot;
		s->cap = cap;
	}
	size_t h = (key * 0x9e3779b97f4a7c15u) & (s->cap - 1);
	while (s->slot[h]) {
		if (s->slot[h] == key)
			return false;
		h = (h + 1) & (s->cap - 1);
	}
	s->slot[h] = key;
	s->n++;
	return true;
}

static void vm_hash_value(lua_State *L, int idx, XXH3_state_t *h, struct vm_seen *seen,
                          int depth);

static void vm_hash_tag(XXH3_state_t *h, int tag, const void *p, size_t len)
{
	unsigned char t = (unsigned char)tag;
	XXH3_64bits_update(h, &t, 1);
	if (len)
		XXH3_64bits_update(h, p, len);
}

static void vm_hash_object(lua_State *L, int idx, int t, XXH3_state_t *h,
                           struct vm_seen *seen, int depth)
{
	/* The key below is an identity, not an address: the patched Lua returns
	 * a serial number (or an offset, for C functions). */
	uint64_t id = (uint64_t)(uintptr_t)lua_topointer(L, idx);
	/* A light C function's number is its offset in the program, which
	 * moves with every change to the code: hash such functions by kind
	 * only, so that recorded state hashes outlive a rebuild. */
	if (t == LUA_TFUNCTION && lua_iscfunction(L, idx) && !lua_getupvalue(L, idx, 1))
		id = 0;
	else if (t == LUA_TFUNCTION && lua_iscfunction(L, idx))
		lua_pop(L, 1);
	vm_hash_tag(h, t, &id, sizeof id);
	/* (t << 32 | id) + 1 is never 0, the empty slot */
	if (depth >= VM_HASH_DEPTH || !vm_seen_add(seen, ((uintptr_t)t << 32 | id) + 1))
		return;
	if (!lua_checkstack(L, 4))
		return;
	if (t == LUA_TTABLE) {
		lua_pushnil(L);
		while (lua_next(L, idx)) {
			vm_hash_value(L, lua_gettop(L) - 1, h, seen, depth + 1);
			vm_hash_value(L, lua_gettop(L), h, seen, depth + 1);
			lua_pop(L, 1);
		}
	} else if (t == LUA_TFUNCTION) {
		lua_Debug ar;
		lua_pushvalue(L, idx);
		if (lua_getinfo(L, ">S", &ar)) {
			vm_hash_tag(h, 'S', ar.source, strlen(ar.source));
			vm_hash_tag(h, 'l', &ar.linedefined, sizeof ar.linedefined);
		}
		for (int i = 1; lua_getupvalue(L, idx, i); i++) {
			vm_hash_value(L, lua_gettop(L), h, seen, depth + 1);
			lua_pop(L, 1);
		}
	}
}

static void vm_hash_value(lua_State *L, int idx, XXH3_state_t *h, struct vm_seen *seen,
                          int depth)
{
	int t = lua_type(L, idx);
	switch (t) {
	case LUA_TNIL:
		vm_hash_tag(h, t, NULL, 0);
		break;
	case LUA_TBOOLEAN: {
		int b = lua_toboolean(L, idx);
		vm_hash_tag(h, t, &b, sizeof b);
		break;
	}
	case LUA_TNUMBER:
		if (lua_isinteger(L, idx)) {
			lua_Integer i = lua_tointeger(L, idx);
			vm_hash_tag(h, 'i', &i, sizeof i);
		} else {
			lua_Number n = lua_tonumber(L, idx);
			vm_hash_tag(h, 'f', &n, sizeof n);
		}
		break;
	case LUA_TSTRING: {
		size_t len;
		const char *s = lua_tolstring(L, idx, &len);
		vm_hash_tag(h, t, &len, sizeof len);
		XXH3_64bits_update(h, s, len);
		break;
	}
	default:
		vm_hash_object(L, idx, t, h, seen, depth);
	}
}

uint64_t vm_state_hash(vm *v)
{
	lua_State *L = v->L;
	XXH3_state_t *h = XXH3_createState();
	struct vm_seen seen = {0};
	if (!h)
		return 0;
	XXH3_64bits_reset(h);
	int top = lua_gettop(L);
	if (lua_checkstack(L, 2)) {
		lua_pushglobaltable(L);
		vm_hash_value(L, lua_gettop(L), h, &seen, 0);
	}
	lua_settop(L, top);
	uint64_t r = XXH3_64bits_digest(h);
	XXH3_freeState(h);
	free(seen.slot);
	return r;
}
