/* check-determinism.c — how `acre check` judges two runs of one world: a
 * parcel whose digest differs between the runs is named with its line; a
 * state that differs where no parcel does is a world-level error; equal runs
 * add nothing. The sandbox is deterministic by construction, so no script
 * can make the runs differ: the comparison is driven here with the digests
 * two runs would leave, on a real world read by check_static.
 *
 * compare_runs and ctx_free are private to check/, so the module's sources
 * are compiled into this program. */
#include "check/base.c"
#include "check/check.c"
#include "check/json.c"
#include "check/owner.c"
#include "check/report.c"
#include "check/run.c"
#include "check/static.c"

#include "tests/unit/unit.h"

#include <sys/stat.h>

static char dir[] = "/tmp/acre-check-det.XXXXXX";

static const char world[] =
	"world \"twins\"\n"
	"  format 1\n"
	"  seed 3\n"
	"  size 3 1\n"
	"  parcel-size 4 4\n"
	"\n"
	"palette\n"
	"  \".\" floor\n"
	"end\n"
	"\n"
	"parcel left 0 0\n"
	"end\n"
	"\n"
	"parcel middle 1 0\n"
	"end\n"
	"\n"
	"parcel right 2 0\n"
	"end\n";

/* A context over the world in `dir`, read by the real first phase. */
static bool open_ctx(check_ctx *c)
{
	memset(c, 0, sizeof *c);
	c->dir = strdup(dir);
	c->file = check_path(c, "world.acre");
	return check_report_init(&c->rep, c->dir) == 0 && check_static(c) == 0 &&
	       c->w && c->w->nparcels == 3 && c->rep.errors == 0;
}

static int count_rule(const check_report *r, const char *rule)
{
	int n = 0;
	for (int i = 0; i < r->nfindings; i++)
		n += strcmp(r->findings[i].rule, rule) == 0;
	return n;
}

static void test_equal(void)
{
	check_ctx c;
	uint64_t da[4] = {11, 12, 13}, db[4] = {11, 12, 13};
	run_out a = {.hash = 7, .digest = da}, b = {.hash = 7, .digest = db};
	CHECK(open_ctx(&c), "the world reads cleanly");
	CHECK(compare_runs(&c, &a, &b) == 0, "comparing equal runs succeeds");
	CHECK(c.rep.nfindings == 0, "equal runs add no finding");
	ctx_free(&c);
}

static void test_parcel_differs(void)
{
	check_ctx c;
	uint64_t da[4] = {11, 12, 13}, db[4] = {11, 99, 13};
	run_out a = {.hash = 7, .digest = da}, b = {.hash = 8, .digest = db};
	CHECK(open_ctx(&c), "the world reads cleanly");
	CHECK(compare_runs(&c, &a, &b) == 0, "comparing differing runs succeeds");
	CHECK(count_rule(&c.rep, "determinism") == 1, "one determinism error");
	const check_finding *f = &c.rep.findings[0];
	CHECK(f->parcel >= 0 && strcmp(c.rep.parcels[f->parcel].name, "middle") == 0,
	      "it names the parcel whose state differs");
	CHECK(f->line == 14 && f->col == 1 && strcmp(f->file, c.file) == 0,
	      "it points at the parcel's statement");
	CHECK(strstr(f->msg, "parcel 'middle' ended the second run differently") != NULL,
	      "it says what happened: %s", f->msg);
	CHECK(!check_report_valid(&c.rep), "the world is invalid");
	ctx_free(&c);
}

static void test_world_differs(void)
{
	check_ctx c;
	uint64_t da[4] = {11, 12, 13}, db[4] = {11, 12, 13};
	run_out a = {.hash = 0x1111, .digest = da}, b = {.hash = 0x2222, .digest = db};
	CHECK(open_ctx(&c), "the world reads cleanly");
	CHECK(compare_runs(&c, &a, &b) == 0, "comparing differing states succeeds");
	CHECK(c.rep.nfindings == 1 && c.rep.findings[0].parcel == -1 &&
	              strcmp(c.rep.findings[0].rule, "determinism") == 0,
	      "a differing state with equal parcels is one world-level error");
	CHECK(strstr(c.rep.findings[0].msg, "0000000000001111, 0000000000002222") != NULL,
	      "it shows both state hashes: %s", c.rep.findings[0].msg);
	ctx_free(&c);
}

static void test_folding(void)
{
	api_failure f[3] = {
		{.parcel = 1, .tick = 1, .handler = "on_tick",
		 .err = {.status = VM_ERR_INSTRUCTIONS, .file = "scripts/a.lua", .line = 2}},
		{.parcel = 1, .tick = 2, .handler = "on_tick",
		 .err = {.status = VM_ERR_INSTRUCTIONS, .file = "scripts/a.lua", .line = 2}},
		{.parcel = 1, .tick = 3, .handler = "on_tick",
		 .err = {.status = VM_ERR_RUNTIME, .file = "scripts/a.lua", .line = 2}},
	};
	CHECK(same_failure(&f[0], &f[1]), "the same limit at the same line repeats");
	CHECK(!same_failure(&f[0], &f[2]), "another kind of failure does not");
	CHECK_STR(rule_of(VM_ERR_BYTECODE), "script", "bytecode limits are script errors");
	CHECK_STR(rule_of(VM_ERR_MEMORY), "memory", "memory has its own rule");
	vm_error e = {.file = "scripts/a.lua", .msg = "scripts/a.lua:12: boom"};
	CHECK_STR(bare_message(&e), "boom", "the location Lua puts in front is dropped");
}

int main(void)
{
	char path[256];
	if (!mkdtemp(dir))
		return 1;
	snprintf(path, sizeof path, "%s/world.acre", dir);
	FILE *f = fopen(path, "w");
	if (!f || fputs(world, f) < 0 || fclose(f) != 0)
		return 1;
	test_equal();
	test_parcel_differs();
	test_world_differs();
	test_folding();
	unlink(path);
	rmdir(dir);
	return unit_done();
}
