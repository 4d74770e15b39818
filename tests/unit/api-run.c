/* api-run.c — the runner as the editor and `acre check` use it: live tiles
 * and entities, per-parcel figures, failures with file:line, limits that
 * scale with land, the selection mask, and the state hash. */
#include "stdlib/api.h"
#include "tests/unit/unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static char dir[64];

static const char world_text[] = "world \"unit\"\n"
                                 "  format 1\n"
                                 "  seed 5\n"
                                 "  size 3 1\n"
                                 "  parcel-size 4 4\n"
                                 "  budget entities=2 instructions=50000 memory=512KiB\n"
                                 "palette\n  \".\" floor\n  \"#\" wall solid\nend\n"
                                 "parcel painter 0 0\n"
                                 "  script \"scripts/painter.lua\"\n"
                                 "  entity brush 0 0 glyph=\"b\" color=red\nend\n"
                                 "parcel wide 1 0\n"
                                 "  size 2 1\n"
                                 "  script \"scripts/broken.lua\"\nend\n";

static const char painter[] = "function on_tick(t)\n"
                              "  tiles.set(t % 4, 0, '#')\n"
                              "  entities.move('brush', t % 4, 1)\n"
                              "  entities.set('brush', 'strokes', t)\n"
                              "end\n";

static const char broken[] = "function on_tick(t)\n"
                             "  if t == 2 then\n"
                             "    local x = nil\n"
                             "    return x.field\n"
                             "  end\n"
                             "end\n";

static void put(const char *rel, const char *text)
{
	char path[256];
	snprintf(path, sizeof path, "%s/%s", dir, rel);
	FILE *f = fopen(path, "w");
	fputs(text, f);
	fclose(f);
}

static wf_world *load(void)
{
	wf_diags d = {0};
	wf_world *w = wf_load(dir, &d);
	if (w)
		wf_validate(w, dir, "world.acre", &d);
	CHECK(w && d.errors == 0, "the unit world is valid (%d errors)", d.errors);
	wf_diags_free(&d);
	return w;
}

static void test_live_state(wf_world *w)
{
	api_error err;
	api_run *r = api_run_new(w, dir, &(api_opts){0}, &err);
	CHECK(r != NULL, "the run starts");
	if (!r)
		return;
	CHECK(api_run_ticks(r) == 0, "no ticks yet");
	CHECK(api_run_tick(r, NULL, 0) == 0, "tick 1 has no failures");
	const uint8_t *t = api_run_tiles(r, 0);
	CHECK(t[1] == 1 && t[0] == 0, "the live tiles show tick 1's write");
	CHECK(w->parcels[0].tiles == NULL || w->parcels[0].tiles[1] == 0,
	      "the world model itself is not written");
	const api_entity *e;
	int n = api_run_entities(r, 0, &e);
	CHECK(n == 1 && strcmp(e[0].name, "brush") == 0 && e[0].x == 1 && e[0].y == 1,
	      "the live entity moved");
	CHECK(e[0].nprops == 2 && strcmp(e[0].props[0].key, "color") == 0 &&
	          e[0].props[0].value.type == API_STR &&
	          strcmp(e[0].props[0].value.u.s, "red") == 0,
	      "world-file attributes are string properties");
	CHECK(e[0].props[1].value.type == API_INT && e[0].props[1].value.u.i == 1,
	      "a script's integer property");
	CHECK(api_run_tick(r, NULL, 0) == 1, "tick 2 has one failure");
	api_run_tick(r, NULL, 0);
	const api_failure *f;
	int64_t total;
	int nf = api_run_failures(r, &f, &total);
	CHECK(nf == 1 && total == 1, "one failure recorded");
	CHECK(f[0].parcel == 1 && f[0].tick == 2 && strcmp(f[0].handler, "on_tick") == 0,
	      "with parcel, tick and handler");
	CHECK_STR(f[0].err.file, "scripts/broken.lua", "and the script file");
	CHECK(f[0].err.line == 4, "and line (%d)", f[0].err.line);
	char buf[1024];
	const char *line = buf;
	api_failure_format(r, &f[0], buf, sizeof buf);
	CHECK_STR(
	    line,
	    "parcel wide: on_tick at tick 2: scripts/broken.lua:4: attempt to index a "
	    "nil value (local 'x')",
	    "a failure as text");
	const api_parcel_stats *s = api_run_stats(r, 0);
	CHECK(s->scripted && s->loaded && s->calls == 3 && s->failures == 0,
	      "painter: 3 calls, no failure");
	CHECK(s->peak_instructions > 0 && s->peak_memory > 0, "peaks are measured");
	CHECK(api_run_stats(r, 1)->failures == 1, "wide: one failure");
	api_run_free(r);
}

static void test_limits(wf_world *w)
{
	vm_limits one = api_parcel_limits(w, &w->parcels[0], NULL);
	vm_limits two = api_parcel_limits(w, &w->parcels[1], NULL);
	CHECK(one.tick_instructions == 50000 && two.tick_instructions == 100000,
	      "instructions scale with land");
	CHECK(one.memory == 512 * 1024 && two.memory == 1024 * 1024, "so does memory");
	CHECK(one.messages == 16 && two.messages == 32, "and messages per tick");
	api_opts o = {.limits = {.instructions = 7000, .memory = 300000}};
	vm_limits x = api_parcel_limits(w, &w->parcels[1], &o);
	CHECK(x.instructions == 7000 && x.tick_instructions == 7000 && x.memory == 300000,
	      "options replace them");
}

static void test_select(wf_world *w)
{
	uint8_t only[2] = {0, 1};
	api_error err;
	api_run *r = api_run_new(w, dir, &(api_opts){.select = only}, &err);
	api_run_tick(r, NULL, 0);
	CHECK(!api_run_stats(r, 0)->scripted, "an unselected parcel does not run");
	CHECK(api_run_tiles(r, 0)[1] == 0, "and its tiles stay");
	CHECK(api_run_stats(r, 1)->scripted, "a selected one runs");
	api_run_free(r);
}

/* A run cancelled before it is made is not made (the editor's play, left
 * while it loads); one whose flag stays false is made as ever. */
static void test_cancel(wf_world *w)
{
	_Atomic bool yes = true, no = false;
	api_error err;
	api_run *r = api_run_new(w, dir, &(api_opts){.cancel = &yes, .threads = 2}, &err);
	CHECK(r == NULL && strcmp(err.msg, "cancelled") == 0, "a cancelled run is not made: %s",
	      err.msg);
	r = api_run_new(w, dir, &(api_opts){.cancel = &no}, &err);
	CHECK(r && api_run_stats(r, 0)->loaded, "an uncancelled one is");
	api_run_free(r);
}

static uint64_t hash_after(wf_world *w, int threads, int ticks)
{
	api_error err;
	api_run *r = api_run_new(w, dir, &(api_opts){.threads = threads}, &err);
	for (int i = 0; i < ticks; i++)
		api_run_tick(r, NULL, 0);
	uint64_t h = api_run_hash(r);
	api_run_free(r);
	return h;
}

static void test_hash(wf_world *w)
{
	uint64_t a = hash_after(w, 1, 5), b = hash_after(w, 2, 5),
	         c = hash_after(w, 1, 6);
	CHECK(a == b, "the hash does not depend on threads");
	CHECK(a != c, "it changes with the state");
	CHECK(a == hash_after(w, 1, 5), "and is the same on a second run");
}

int main(void)
{
	strcpy(dir, "/tmp/acre-api-run.XXXXXX");
	if (!mkdtemp(dir))
		return 1;
	char sd[128];
	snprintf(sd, sizeof sd, "%s/scripts", dir);
	mkdir(sd, 0755);
	put("world.acre", world_text);
	put("scripts/painter.lua", painter);
	put("scripts/broken.lua", broken);
	wf_world *w = load();
	if (w) {
		test_live_state(w);
		test_limits(w);
		test_select(w);
		test_cancel(w);
		test_hash(w);
	}
	wf_world_free(w);
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	if (system(cmd) != 0)
		printf("# could not remove %s\n", dir);
	return unit_done();
}
