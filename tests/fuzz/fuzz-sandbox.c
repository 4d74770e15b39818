/* fuzz-sandbox.c — libFuzzer target: any bytes as a Lua script in the
 * sandbox, with small caps, under ASan and UBSan (make fuzz builds it with
 * the patched Lua). Seeded from tests/lua/hostile and tests/lua/corpus.
 *
 * Besides memory errors and undefined behaviour it asserts the sandbox's
 * promises: every run ends within a bounded multiple of its budget in wall
 * time, the heap never passes the memory cap, output stays within its cap,
 * and a second run of the same script gives the same result. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "vm/vm.h"

#define FUZZ_INSTRUCTIONS 200000
#define FUZZ_MEMORY (256u << 10)
#define FUZZ_OUTPUT (16u << 10)
/* 200000 units take about a millisecond; sanitizers, a loaded machine and
 * the second run stay far below this */
#define FUZZ_SECONDS_MAX 5.0
#define FUZZ_RSS_MAX_KIB (1024 * 1024)

struct fuzz_out {
	size_t len;
	unsigned long long sum;
};

static void fuzz_output(void *ud, const char *text, size_t len)
{
	struct fuzz_out *o = ud;
	o->len += len;
	for (size_t i = 0; i < len; i++)
		o->sum = o->sum * 131 + (unsigned char)text[i];
}

static double fuzz_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

struct fuzz_result {
	vm_status st;
	char msg[512];
	struct fuzz_out out;
	uint64_t hash;
};

static void fuzz_fail(const char *what, const struct fuzz_result *r)
{
	fprintf(stderr, "fuzz-sandbox: %s (status %s: %s)\n", what,
	        vm_status_name(r->st), r->msg);
	abort();
}

static void fuzz_run(const char *src, size_t len, struct fuzz_result *r)
{
	vm_limits lim = vm_default_limits();
	lim.instructions = lim.tick_instructions = FUZZ_INSTRUCTIONS;
	lim.memory = FUZZ_MEMORY;
	lim.output = FUZZ_OUTPUT;
	lim.depth = 200;
	lim.max_instructions = 20000;
	lim.max_constants = 2000;
	lim.max_functions = 200;
	memset(r, 0, sizeof *r);
	vm_config cfg = {.limits = lim, .seed = 7, .name = "fuzz",
	                 .output = fuzz_output, .ud = &r->out};
	vm *v = vm_new(&cfg);
	if (!v)
		fuzz_fail("vm_new failed with a 256 KiB cap", r);
	vm_error err;
	double t0 = fuzz_now();
	r->st = vm_load(v, "fuzz.lua", src, len, &err);
	snprintf(r->msg, sizeof r->msg, "%s", err.msg);
	if (r->st == VM_OK) {
		/* a handler too, in a fresh call with the same budgets */
		vm_tick(v);
		bool called;
		lua_pushinteger(vm_lua(v), 1);
		r->st = vm_call(v, "on_tick", 1, &called, &err);
		snprintf(r->msg, sizeof r->msg, "%s", err.msg);
	}
	double secs = fuzz_now() - t0;
	vm_usage u = vm_get_usage(v);
	if (secs > FUZZ_SECONDS_MAX)
		fuzz_fail("a run took longer than its budget allows", r);
	if (u.peak_memory > FUZZ_MEMORY)
		fuzz_fail("the heap passed the memory cap", r);
	if (r->out.len > 2 * FUZZ_OUTPUT)
		fuzz_fail("output passed its cap", r);
	r->hash = vm_state_hash(v);
	vm_free(v);
	struct rusage ru;
	if (getrusage(RUSAGE_SELF, &ru) == 0 && ru.ru_maxrss > FUZZ_RSS_MAX_KIB)
		fuzz_fail("the process grew past 1 GiB", r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_result a, b;
	fuzz_run((const char *)data, size, &a);
	fuzz_run((const char *)data, size, &b);
	if (a.st != b.st || strcmp(a.msg, b.msg) != 0 || a.out.len != b.out.len ||
	    a.out.sum != b.out.sum || a.hash != b.hash)
		fuzz_fail("two runs of the same script differ", &a);
	return 0;
}
