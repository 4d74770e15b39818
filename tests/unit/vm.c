/* vm.c — unit tests of the sandbox API (vm/vm.h): load, call, budgets per
 * call and per tick, output, modules, usage and the state hash. */
#include "vm/vm-lua.h"

#include <inttypes.h>
#include <locale.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "lauxlib.h"
#include "tests/unit/unit.h"

struct out {
	char buf[4096];
	size_t len;
};

static void capture(void *ud, const char *text, size_t len)
{
	struct out *o = ud;
	if (len > sizeof o->buf - 1 - o->len)
		len = sizeof o->buf - 1 - o->len;
	memcpy(o->buf + o->len, text, len);
	o->len += len;
	o->buf[o->len] = '\0';
}

static int modules(void *ud, const char *name, char **src, size_t *len, char *path,
                   size_t pathlen)
{
	(void)ud;
	const char *text = NULL;
	if (strcmp(name, "util.greet") == 0)
		text = "return { hi = function(n) return 'hi ' .. n end }";
	else if (strcmp(name, "loop") == 0)
		text = "return require('loop')";
	if (!text)
		return -1;
	snprintf(path, pathlen, "scripts/%s.lua", name);
	*src = strdup(text);
	*len = strlen(text);
	return 0;
}

static vm *make(struct out *o, vm_limits lim)
{
	vm_config cfg = {.limits = lim,
	                 .seed = 7,
	                 .name = "plaza",
	                 .output = capture,
	                 .module = modules,
	                 .ud = o};
	return vm_new(&cfg);
}

static vm_status load(vm *v, const char *src, vm_error *err)
{
	return vm_load(v, "p.lua", src, strlen(src), err);
}

static void test_load_and_call(void)
{
	struct out o = {0};
	vm *v = make(&o, vm_default_limits());
	vm_error err;
	bool called;
	CHECK(v != NULL, "vm_new with default limits");
	CHECK(load(v, "function on_tick(n) print('tick', n) end", &err) == VM_OK,
	      "load a handler");
	lua_pushinteger(vm_lua(v), 3);
	CHECK(vm_call(v, "on_tick", 1, &called, &err) == VM_OK && called,
	      "call it with an argument");
	CHECK_STR(o.buf, "tick\t3\n", "print reaches the output callback");
	CHECK(vm_call(v, "on_enter", 0, &called, &err) == VM_OK && !called,
	      "a missing handler is not an error");
	CHECK(lua_gettop(vm_lua(v)) == 0, "calls leave the stack as they found it");
	CHECK(vm_of(vm_lua(v)) == v, "vm_of finds the vm of its state");
	vm_free(v);
}

static void test_errors(void)
{
	struct out o = {0};
	vm *v = make(&o, vm_default_limits());
	vm_error err;
	CHECK(load(v, "x = = 1", &err) == VM_ERR_SYNTAX, "syntax error status");
	CHECK_STR(err.msg, "p.lua:1: unexpected symbol near '='", "syntax message");
	CHECK(load(v, "\n\nerror('boom')", &err) == VM_ERR_RUNTIME, "runtime status");
	CHECK_STR(err.msg, "p.lua:3: boom", "runtime message");
	CHECK(err.line == 3 && strcmp(err.file, "p.lua") == 0, "file and line");
	CHECK(strstr(err.traceback, "p.lua:3: in main chunk") != NULL,
	      "traceback names the frame");
	CHECK(load(v,
	           "error(setmetatable({}, {__tostring = function() while true do end "
	           "end}))",
	           &err) == VM_ERR_RUNTIME,
	      "error object with looping __tostring");
	CHECK_STR(err.msg, "p.lua:1: (error object is a table value)",
	          "the host never calls __tostring");
	CHECK(load(v, "\x1bLua", &err) == VM_ERR_BYTECODE, "binary chunk refused");
	CHECK_STR(err.msg, "p.lua: binary chunks are refused (source text only)",
	          "binary chunk message");
	vm_free(v);
}

static void test_budgets(void)
{
	struct out o = {0};
	vm_limits lim = vm_default_limits();
	lim.instructions = 10000;
	lim.tick_instructions = 25000;
	vm *v = make(&o, lim);
	vm_error err;
	bool called;
	CHECK(load(v, "function spin(n) for i = 1, n do end end", &err) == VM_OK,
	      "load spin");
	lua_pushinteger(vm_lua(v), 100000);
	CHECK(vm_call(v, "spin", 1, &called, &err) == VM_ERR_INSTRUCTIONS,
	      "per-call budget stops a long call");
	CHECK_STR(err.msg, "p.lua:1: instruction budget exhausted (call limit 10000)",
	          "per-call message");
	lua_pushinteger(vm_lua(v), 100);
	CHECK(vm_call(v, "spin", 1, &called, &err) == VM_OK,
	      "the next call gets a fresh budget");
	vm_usage u = vm_get_usage(v);
	CHECK(u.instructions > 100 && u.instructions < 1000,
	      "usage counts the call (%lld)", (long long)u.instructions);
	lua_pushinteger(vm_lua(v), 8000);
	CHECK(vm_call(v, "spin", 1, &called, &err) == VM_OK,
	      "a call within both budgets");
	lua_pushinteger(vm_lua(v), 8000);
	CHECK(vm_call(v, "spin", 1, &called, &err) == VM_ERR_INSTRUCTIONS,
	      "the tick budget runs out across calls");
	CHECK(strstr(err.msg, "(tick limit 25000)") != NULL, "tick message: %s", err.msg);
	vm_tick(v);
	lua_pushinteger(vm_lua(v), 100);
	CHECK(vm_call(v, "spin", 1, &called, &err) == VM_OK, "a new tick refills it");
	CHECK(vm_get_usage(v).peak_instructions >= 25000, "peak per tick is kept");
	vm_free(v);
}

static void test_output_cap(void)
{
	struct out o = {0};
	vm_limits lim = vm_default_limits();
	lim.output = 10;
	vm *v = make(&o, lim);
	vm_error err;
	CHECK(load(v, "print('12345')\npcall(print, '67890')\nprint('never')", &err) ==
	          VM_ERR_OUTPUT,
	      "output cap stops the call, through pcall");
	CHECK_STR(err.msg, "p.lua:2: output limit exceeded (limit 10 bytes)",
	          "output message");
	CHECK_STR(o.buf, "12345\n", "output before the cap was delivered");
	vm_free(v);
}

static void test_modules(void)
{
	struct out o = {0};
	vm *v = make(&o, vm_default_limits());
	vm_error err;
	CHECK(load(v,
	           "local g = require('util.greet')\nprint(g.hi('ada'), "
	           "require('util.greet') == g)",
	           &err) == VM_OK,
	      "require through the callback");
	CHECK_STR(o.buf, "hi ada\ttrue\n", "modules run once and are cached");
	CHECK(load(v, "require('nope')", &err) == VM_ERR_RUNTIME, "missing module");
	CHECK_STR(err.msg, "p.lua:1: module 'nope' not found", "missing module message");
	CHECK(load(v, "require('../etc/passwd')", &err) == VM_ERR_RUNTIME, "bad name");
	CHECK_STR(err.msg, "p.lua:1: bad module name '../etc/passwd'",
	          "bad name message");
	CHECK(load(v, "require('loop')", &err) == VM_ERR_RUNTIME, "require cycle");
	CHECK_STR(err.msg, "scripts/loop.lua:1: module 'loop' requires itself",
	          "cycle message");
	vm_free(v);
}

static void test_bytecode_caps(void)
{
	struct out o = {0};
	vm_limits lim = vm_default_limits();
	lim.max_functions = 3;
	vm *v = make(&o, lim);
	vm_error err;
	CHECK(load(v, "local function a() end local function b() end", &err) == VM_OK,
	      "three functions fit");
	CHECK(load(v,
	           "local function a() end local function b() end local function c() end",
	           &err) == VM_ERR_BYTECODE,
	      "four do not");
	CHECK_STR(err.msg, "p.lua: compiled size over the cap: 4 functions (limit 3)",
	          "cap message");
	const char *big =
	    "x = 1 local function a() end local function b() end local function c() end";
	CHECK(vm_compile(v, "c.lua", big, strlen(big), &err) == VM_ERR_BYTECODE,
	      "vm_compile checks the caps");
	CHECK(vm_compile(v, "c.lua", "x = 2", 5, &err) == VM_OK,
	      "vm_compile of a good chunk");
	CHECK(vm_compile(v, "c.lua", "x = ", 4, &err) == VM_ERR_SYNTAX &&
	          strcmp(err.msg, "c.lua:1: unexpected symbol near <eof>") == 0,
	      "vm_compile reports syntax errors: %s", err.msg);
	lua_getglobal(vm_lua(v), "x");
	CHECK(lua_isnil(vm_lua(v), -1), "vm_compile runs nothing");
	lua_pop(vm_lua(v), 1);
	vm_free(v);
}

static uint64_t hash_of(const char *src)
{
	struct out o = {0};
	vm *v = make(&o, vm_default_limits());
	vm_error err;
	load(v, src, &err);
	uint64_t h = vm_state_hash(v);
	vm_free(v);
	return h;
}

static void test_state_hash(void)
{
	const char *a = "t = {1, 2, x = {y = 'z'}}; t.self = t; n = 0.5\n"
	                "function f() return t end";
	CHECK(hash_of(a) == hash_of(a), "same script, same hash");
	CHECK(hash_of(a) != hash_of("t = {1, 2}"), "different state, different hash");
	CHECK(hash_of("n = 1") != hash_of("n = 1.0"), "integers and floats differ");
}

static void test_memory(void)
{
	struct out o = {0};
	vm_limits lim = vm_default_limits();
	lim.memory = 256 << 10;
	vm *v = make(&o, lim);
	vm_error err;
	CHECK(v != NULL, "a state fits in 256 KiB");
	CHECK(load(v, "local t = {} for i = 1, 1e9 do t[i] = {} end", &err) ==
	          VM_ERR_MEMORY,
	      "memory cap");
	CHECK(vm_get_usage(v).peak_memory <= lim.memory, "never above the cap");
	CHECK(load(v, "x = 1", &err) == VM_OK, "the state works after the stop: %s",
	      err.msg);
	vm_free(v);
	lim.memory = 1024;
	CHECK(make(&o, lim) == NULL, "too small a cap gives NULL");
}

/* Every memory cap from 1 KiB to 256 KiB against scripts that allocate in
 * different ways, each once with a budget that outlasts the cap and once
 * with one that may run out just as memory does: every run ends with the
 * memory stop (or the instruction stop in the second case), never a crash,
 * and reports what was in use when the allocator refused. A cap below the
 * vetted environment's own size is refused by vm_new (a usage error). */
static const char *const sweep_scripts[] = {
    "local t = {} local i = 0\n"
    "while true do i = i + 1 t[i] = {i, x = i} end",
    "local t = {} local i = 0\n"
    "while true do i = i + 1 t[i] = 's' .. i .. string.rep('y', i % 50) end",
    "local t = {} local i = 0\n"
    "while true do i = i + 1 t[i] = string.rep('ab', i * 7, ',') .. "
    "table.concat({i, i, i}, '-') .. string.format('%5d%s', i, 'q') end",
    "local t = {} local i = 0\n"
    "while true do i = i + 1 local j = i t[i] = function() return j end end",
    "local t = {} local i = 0\n"
    "while true do i = i + 1 local co = coroutine.create(function(a) "
    "coroutine.yield(a) end) coroutine.resume(co, i) t[i] = co end",
    "local t = {} local i = 0\n"
    "while true do i = i + 1 t[#t + 1] = {tostring(i)} t['k' .. i] = i * 0.5 "
    "pcall(error, {i}) end",
    "local s = 'x'\nwhile true do s = s .. s end",
};

static void test_memory_sweep(void)
{
	int bad = 0, refused = 0, runs = 0;
	size_t smallest = 0;
	for (size_t s = 0; s < sizeof sweep_scripts / sizeof *sweep_scripts; s++) {
		for (size_t kib = 1; kib <= 256; kib++) {
			for (int pass = 0; pass < 2; pass++) {
				struct out o = {0};
				vm_limits lim = vm_default_limits();
				lim.memory = kib << 10;
				lim.instructions = pass ? (int64_t)kib * 40 : 100000000;
				lim.tick_instructions = lim.instructions;
				vm *v = make(&o, lim);
				if (!v) {
					refused++;
					if (kib > 32 || (smallest && kib >= smallest))
						bad++;
					continue;
				}
				if (!smallest || kib < smallest)
					smallest = kib;
				vm_error err;
				vm_status st = load(v, sweep_scripts[s], &err);
				char want[96];
				snprintf(want, sizeof want, "not enough memory (limit %zu bytes)",
				         lim.memory);
				/* at the smallest caps compiling the script is what fails */
				bool ok = st == VM_ERR_MEMORY && strstr(err.msg, want) &&
				          (strncmp(err.msg, "p.lua:2: ", 9) == 0 ||
				           strcmp(err.msg, want) == 0) &&
				          err.used > 0 && (size_t)err.used <= lim.memory &&
				          vm_get_usage(v).peak_memory <= lim.memory;
				if (pass && st == VM_ERR_INSTRUCTIONS)
					ok = strstr(err.msg, "instruction budget exhausted") != NULL;
				if (!ok && bad++ < 100)
					printf("# script %zu, %zu KiB, pass %d: %s (%s)\n", s, kib,
					       pass, err.msg, vm_status_name(st));
				runs++;
				vm_free(v);
			}
		}
	}
	CHECK(bad == 0 && runs > 0,
	      "memory sweep 1..256 KiB: %d runs stopped cleanly, %d caps refused "
	      "by vm_new (smallest cap that runs: %zu KiB), %d bad",
	      runs, refused, smallest, bad);
}

/* A buffer that cannot grow is a memory stop, not an error pcall catches;
 * and garbage the script left collects first, so it is no false stop. */
static void test_memory_buffers(void)
{
	struct out o = {0};
	vm_limits lim = vm_default_limits();
	lim.memory = 1 << 20;
	vm *v = make(&o, lim);
	vm_error err;
	CHECK(load(v, "print(pcall(string.rep, 'x', 4e6))", &err) == VM_ERR_MEMORY &&
	          strstr(err.msg, "p.lua:1: not enough memory") != NULL,
	      "a buffer over the cap stops: %s", err.msg);
	CHECK(load(v,
	           "local hog = {} for i = 1, 900 do hog[i] = string.rep('h', 1000) .. i end\n"
	           "hog = nil\n"
	           "local s = string.rep('x', 50000) print(#s)",
	           &err) == VM_OK &&
	          strstr(o.buf, "50000\n") != NULL,
	      "garbage is collected before a buffer fails: %s", err.msg);
	CHECK(load(v,
	           "local hog = {} for i = 1, 1e9 do hog[i] = string.rep('h', 1000) .. i end",
	           &err) == VM_ERR_MEMORY &&
	          err.used > (int64_t)lim.memory - 4096,
	      "the stop reports the memory in use when it happened: %" PRId64, err.used);
	vm_free(v);
}

/* The editor calls setlocale(LC_ALL, "") and runs play mode in the same
 * process: under a locale with ',' as decimal point and its own collation,
 * scripts still see '.' and byte order. Makes such a locale with localedef
 * when the system has none; skips when that is impossible. */
static void test_locale(void)
{
	char dir[] = "/tmp/acre-vm-locale-XXXXXX";
	bool made = false;
	const char *loc = setlocale(LC_ALL, "de_DE.UTF-8");
	if (!loc && mkdtemp(dir)) {
		made = true;
		char cmd[256];
		snprintf(cmd, sizeof cmd,
		         "localedef -i de_DE -f UTF-8 %s/de_DE.UTF-8 >/dev/null 2>&1", dir);
		if (system(cmd) == 0) {
			setenv("LOCPATH", dir, 1);
			loc = setlocale(LC_ALL, "de_DE.UTF-8");
		}
	}
	if (!loc || strcmp(localeconv()->decimal_point, ",") != 0) {
		printf("ok %d - locale independence # SKIP no locale with ','\n", ++unit_n);
	} else {
		struct out o = {0};
		vm *v = make(&o, vm_default_limits());
		vm_error err;
		CHECK(load(v,
		           "print(1.5, 1e100, 0.1, string.format('%.2f %g %a', 3.25, 2.5, 1.0),\n"
		           "  tonumber('1.5'), tonumber('1,5'), '1.5' + 1, 3 / 2)\n"
		           "print('B' < 'a', 'a\\0b' < 'a\\0c', 'z' > 'Z', ('%5.1f'):format(2))",
		           &err) == VM_OK,
		      "a script runs under a ',' locale: %s", err.msg);
		CHECK_STR(o.buf,
		          "1.5\t1e+100\t0.1\t3.25 2.5 0x1p+0\t1.5\tnil\t2.5\t1.5\n"
		          "true\ttrue\ttrue\t  2.0\n",
		          "numbers use '.' and strings order by bytes whatever the locale");
		vm_free(v);
	}
	setlocale(LC_ALL, "C");
	if (made) {
		char cmd[256];
		snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
		if (system(cmd) != 0)
			printf("# could not remove %s\n", dir);
	}
}

/* Integers are written by Acre's own digit loops (tostring, '..' and
 * string.format's %d and %i): the text is snprintf's, byte for byte, for
 * every flag set, width and precision str_format accepts, at both ends of
 * the integers and at every digit count. */
static void test_integer_text(void)
{
	lua_Integer vals[64];
	int nv = 0;
	vals[nv++] = LUA_MININTEGER;
	vals[nv++] = LUA_MININTEGER + 1;
	vals[nv++] = LUA_MAXINTEGER;
	for (lua_Integer p = 1; nv < 60; p *= 10) {
		vals[nv++] = p - 1;
		vals[nv++] = -p;
		vals[nv++] = p;
		if (p > LUA_MAXINTEGER / 10)
			break;
	}
	int bad_str = 0, bad_fmt = 0, forms = 0;
	char got[256], want[256], form[32], wform[40], first[640] = "";
	for (int i = 0; i < nv; i++) {
		int n = luai_int2str(got, sizeof got, vals[i]);
		snprintf(want, sizeof want, LUA_INTEGER_FMT, (LUAI_UACINT)vals[i]);
		if (strcmp(got, want) != 0 || n != (int)strlen(want))
			bad_str++;
	}
	static const char flagset[] = "-+ 0";
	for (int fl = 0; fl < 16; fl++) {
		for (int w = -1; w <= 26; w++) {
			for (int pr = -2; pr <= 26; pr++) {
				char *f = form;
				*f++ = '%';
				for (int b = 0; b < 4; b++)
					if (fl & (1 << b))
						*f++ = flagset[b];
				int wd = (w == 26) ? 99 : w, pd = (pr == 26) ? 99 : pr;
				if (wd > 0)
					f += sprintf(f, "%d", wd);
				if (pd == -1)
					*f++ = '.'; /* a '.' alone: precision 0 */
				else if (pd >= 0)
					f += sprintf(f, ".%d", pd);
				*f++ = (pr & 1) ? 'i' : 'd';
				*f = '\0';
				forms++;
				snprintf(wform, sizeof wform, "%.*sll%c", (int)(f - form - 1), form,
				         f[-1]);
				for (int i = 0; i < nv; i++) {
					int n = luai_fmtint(got, sizeof got, form, vals[i]);
					int m = snprintf(want, sizeof want, wform, (LUAI_UACINT)vals[i]);
					if (n != m || strcmp(got, want) != 0) {
						if (bad_fmt++ == 0)
							snprintf(first, sizeof first, "%s of %lld: '%s', want '%s'",
							         form, (long long)vals[i], got, want);
					}
				}
			}
		}
	}
	CHECK(bad_str == 0, "tostring of %d integers is snprintf's (%d differ)", nv, bad_str);
	CHECK(bad_fmt == 0, "%d formats x %d integers are snprintf's (%d differ) %s", forms, nv,
	      bad_fmt, first);
}

/* States share nothing: the same script in two threads at once gives the
 * same output and hash as one after the other. */
struct run {
	struct out out;
	uint64_t hash;
};

static void *run_script(void *arg)
{
	struct run *r = arg;
	vm *v = make(&r->out, vm_default_limits());
	vm_error err;
	load(v,
	     "local t = {} for i = 1, 20000 do t['k' .. i] = {i} end\n"
	     "local n = 0 for k, v in pairs(t) do n = n + 1 if n % 4000 == 0 then "
	     "print(k) end end\n"
	     "print(tostring({}), math.random(1000))\n"
	     "keep = t",
	     &err);
	r->hash = vm_state_hash(v);
	vm_free(v);
	return NULL;
}

static void test_threads(void)
{
	struct run alone = {0}, a = {0}, b = {0};
	pthread_t ta, tb;
	run_script(&alone);
	pthread_create(&ta, NULL, run_script, &a);
	pthread_create(&tb, NULL, run_script, &b);
	pthread_join(ta, NULL);
	pthread_join(tb, NULL);
	CHECK(alone.out.len > 0 && strcmp(alone.out.buf, a.out.buf) == 0 &&
	          strcmp(a.out.buf, b.out.buf) == 0,
	      "same output in parallel threads");
	CHECK(alone.hash == a.hash && a.hash == b.hash,
	      "same state hash in parallel threads");
}

int main(void)
{
	test_threads();
	test_load_and_call();
	test_errors();
	test_budgets();
	test_output_cap();
	test_modules();
	test_bytecode_caps();
	test_state_hash();
	test_memory();
	test_memory_sweep();
	test_memory_buffers();
	test_locale();
	test_integer_text();
	return unit_done();
}
