/* store_diff.c — the semantic diff (worldfmt/diff.c), table-driven: one
 * base world, one edit per case, and what the diff must say about it. */
#include "tests/unit/unit.h"
#include "worldfmt/worldfmt.h"

#include <stdlib.h>

static const char base[] = "world \"t\"\n"
                           "  format 1\n"
                           "  seed 7\n"
                           "  size 4 2\n"
                           "  parcel-size 4 2\n"
                           "\n"
                           "palette\n"
                           "  \".\" floor\n"
                           "  \"#\" wall solid\n"
                           "  \"*\" lamp script=\"scripts/lamp.lua\"\n"
                           "end\n"
                           "\n"
                           "zone market\n"
                           "  allow scripts tiles\n"
                           "end\n"
                           "\n"
                           "parcel a 0 0\n"
                           "  owner \"ada\"\n"
                           "  zone market\n"
                           "  script \"scripts/a.lua\"\n"
                           "  layout\n"
                           "    ####\n"
                           "    #..#\n"
                           "  end\n"
                           "  entity e 1 1 script=\"scripts/e.lua\"\n"
                           "end\n"
                           "\n"
                           "parcel b 1 0\n"
                           "  layout\n"
                           "    ....\n"
                           "    .*..\n"
                           "  end\n"
                           "end\n";

/* Replace the first `from` in base by `to` (a malloc'd copy). */
static char *edit(const char *from, const char *to)
{
	const char *at = strstr(base, from);
	size_t n = strlen(base) + strlen(to) + 1;
	char *s = malloc(n);
	if (!at) {
		printf("# edit: '%s' not in the base world\n", from);
		snprintf(s, n, "%s", base);
		return s;
	}
	snprintf(s, n, "%.*s%s%s", (int)(at - base), base, to, at + strlen(from));
	return s;
}

static wf_world *parse(const char *text)
{
	wf_diags d = {0};
	wf_world *w = wf_parse(text, strlen(text), "world.acre", &d);
	if (d.errors)
		printf("# parse: %u:%u: %s\n", d.v[0].line, d.v[0].col, d.v[0].msg);
	wf_diags_free(&d);
	return w;
}

struct pcase {
	const char *name, *from, *to;
	unsigned world; /* expected WF_DIFFW_* bits */
	int npalette, nzones, nparcels;
	unsigned what; /* of the first parcel diff */
	int64_t tiles;
	int nentities;
};

static const struct pcase cases[] = {
    {"comments and spacing change nothing", "parcel a 0 0\n",
     "# a comment\nparcel   a 0 0   # trailing\n", 0, 0, 0, 0, 0, 0, 0},
    {"seed", "seed 7", "seed 8", WF_DIFFW_SEED, 0, 0, 0, 0, 0, 0},
    {"palette entry added", "end\n\nzone", "  \"~\" water\nend\n\nzone", 0, 1, 0, 0, 0, 0,
     0},
    {"palette entry changed", "\"#\" wall solid", "\"#\" wall", 0, 1, 0, 0, 0, 0, 0},
    {"zone changed", "allow scripts tiles", "allow scripts", 0, 0, 1, 0, 0, 0, 0},
    {"parcel moved", "parcel b 1 0", "parcel b 2 1", 0, 0, 0, 1, WF_DIFF_MOVED, 0, 0},
    {"owner changed", "owner \"ada\"", "owner \"bo\"", 0, 0, 0, 1, WF_DIFF_OWNER, 0, 0},
    {"zone of a parcel removed", "  zone market\n  script", "  script", 0, 0, 0, 1,
     WF_DIFF_ZONE, 0, 0},
    {"script path changed", "script \"scripts/a.lua\"", "script \"scripts/z.lua\"", 0, 0,
     0, 1, WF_DIFF_SCRIPT, 0, 0},
    {"two tiles changed", "    #..#\n", "    #**#\n", 0, 0, 0, 1, WF_DIFF_TILES, 2, 0},
    {"entity moved", "entity e 1 1", "entity e 2 1", 0, 0, 0, 1, WF_DIFF_ENTITIES, 0, 1},
    {"entity added", "  entity e 1 1", "  entity f 0 0\n  entity e 1 1", 0, 0, 0, 1,
     WF_DIFF_ENTITIES, 0, 1},
    {"parcel resized counts the new tiles",
     "parcel b 1 0\n  layout\n    ....\n    .*..\n",
     "parcel b 1 0\n  size 2 1\n  layout\n    ........\n    .*......\n", 0, 0, 0, 1,
     WF_DIFF_RESIZED, 8, 0},
    {"parcel removed", "parcel b 1 0\n  layout\n    ....\n    .*..\n  end\nend\n", "", 0,
     0, 0, 1, WF_DIFF_REMOVED, 0, 0},
    {"parcel added", "parcel b 1 0", "parcel c 3 1\nend\n\nparcel b 1 0", 0, 0, 0, 1,
     WF_DIFF_ADDED, 0, 0},
};

static void run_case(const wf_world *a, const struct pcase *c)
{
	char *text = edit(c->from, c->to);
	wf_world *b = parse(text);
	wf_diff d;
	CHECK(b && wf_diff_worlds(a, b, &d) == 0, "%s: diff runs", c->name);
	CHECK(d.world == c->world && d.npalette == c->npalette && d.nzones == c->nzones &&
	          d.nparcels == c->nparcels,
	      "%s: header %#x, %d palette, %d zones, %d parcels", c->name, d.world,
	      d.npalette, d.nzones, d.nparcels);
	if (c->nparcels && d.nparcels) {
		const wf_parcel_diff *p = &d.parcels[0];
		CHECK((p->what & c->what) == c->what && p->tiles == c->tiles &&
		          p->nentities == c->nentities,
		      "%s: what %#x, %lld tiles, %d entities", c->name, p->what,
		      (long long)p->tiles, p->nentities);
	}
	CHECK(wf_diff_empty(&d) ==
	          (!c->world && !c->npalette && !c->nzones && !c->nparcels),
	      "%s: empty exactly when nothing changed", c->name);
	wf_diff_free(&d);
	wf_world_free(b);
	free(text);
}

static void test_tiles_box(const wf_world *a)
{
	char *text = edit("    #..#\n", "    #.*#\n");
	wf_world *b = parse(text);
	wf_diff d;
	wf_diff_worlds(a, b, &d);
	CHECK(d.nparcels == 1 && d.parcels[0].x0 == 2 && d.parcels[0].y0 == 1 &&
	          d.parcels[0].x1 == 3 && d.parcels[0].y1 == 2,
	      "the changed tiles' box is the one tile");
	CHECK_STR(wf_tile_glyph(b, &b->parcels[0], 2, 1), "*", "wf_tile_glyph reads it");
	wf_diff_free(&d);
	wf_world_free(b);
	free(text);
}

static void test_scripts(const wf_world *a)
{
	CHECK(wf_parcel_uses_script(a, &a->parcels[0], "scripts/a.lua"),
	      "a parcel runs its own script");
	CHECK(wf_parcel_uses_script(a, &a->parcels[0], "scripts/e.lua"),
	      "and its entities' scripts");
	CHECK(!wf_parcel_uses_script(a, &a->parcels[0], "scripts/lamp.lua"),
	      "but not a glyph script it does not draw");
	CHECK(wf_parcel_uses_script(a, &a->parcels[1], "scripts/lamp.lua"),
	      "a parcel drawing a scripted glyph runs its script");
}

int main(void)
{
	wf_world *a = parse(base);
	CHECK(a && a->nparcels == 2, "the base world parses");
	if (!a)
		return unit_done();
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		run_case(a, &cases[i]);
	test_tiles_box(a);
	test_scripts(a);
	wf_world_free(a);
	return unit_done();
}
