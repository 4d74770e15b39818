/* worldfmt.c — unit tests of the world model: lexer and parser through
 * small inputs, the static rules with their exact messages, round trips
 * (parse → write → parse is the identity; write is idempotent), clone,
 * budgets, UTF-8 and atomic saves. */
#include "worldfmt/worldfmt.h"
#include "tests/unit/unit.h"

#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* ---- Deep equality of two models (what "identity" means) ----------------- */

static bool s_eq(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static bool note_eq(const wf_note *a, const wf_note *b)
{
	return s_eq(a->lead, b->lead) && s_eq(a->trail, b->trail);
}

static bool attrs_eq(const wf_attr *a, int na, const wf_attr *b, int nb)
{
	if (na != nb)
		return false;
	for (int i = 0; i < na; i++)
		if (!s_eq(a[i].key, b[i].key) || !s_eq(a[i].value, b[i].value) ||
		    a[i].quoted != b[i].quoted || !note_eq(&a[i].note, &b[i].note))
			return false;
	return true;
}

static bool parcel_eq(const wf_world *wa, const wf_parcel *a, const wf_parcel *b)
{
	if (!s_eq(a->name, b->name) || a->px != b->px || a->py != b->py ||
	    a->pw != b->pw || a->ph != b->ph || !s_eq(a->owner, b->owner) ||
	    !s_eq(a->zone, b->zone) || !s_eq(a->script, b->script) ||
	    !attrs_eq(a->attrs, a->nattrs, b->attrs, b->nattrs) ||
	    a->nentities != b->nentities || !a->tiles != !b->tiles)
		return false;
	for (int s = 0; s < WF_PS_NSLOTS; s++)
		if (!note_eq(&a->notes[s], &b->notes[s]))
			return false;
	size_t n = (size_t)wf_parcel_tw(wa, a) * (size_t)wf_parcel_th(wa, a);
	if (a->tiles && memcmp(a->tiles, b->tiles, n) != 0)
		return false;
	for (int i = 0; i < a->nentities; i++) {
		const wf_entity *x = &a->entities[i], *y = &b->entities[i];
		if (!s_eq(x->name, y->name) || x->x != y->x || x->y != y->y ||
		    !s_eq(x->glyph, y->glyph) || !s_eq(x->script, y->script) ||
		    !attrs_eq(x->attrs, x->nattrs, y->attrs, y->nattrs) ||
		    !note_eq(&x->note, &y->note))
			return false;
	}
	return true;
}

static bool world_eq(const wf_world *a, const wf_world *b)
{
	if (!s_eq(a->name, b->name) || a->format != b->format || a->seed != b->seed ||
	    a->width != b->width || a->height != b->height ||
	    a->parcel_w != b->parcel_w || a->parcel_h != b->parcel_h ||
	    memcmp(&a->unit_budget, &b->unit_budget, sizeof a->unit_budget) != 0 ||
	    !s_eq(a->events, b->events) || a->npalette != b->npalette ||
	    a->nzones != b->nzones || a->nparcels != b->nparcels ||
	    !attrs_eq(a->attrs, a->nattrs, b->attrs, b->nattrs))
		return false;
	for (int s = 0; s < WF_WS_NSLOTS; s++)
		if (!note_eq(&a->notes[s], &b->notes[s]))
			return false;
	for (int i = 0; i < a->npalette; i++) {
		const wf_glyph *x = &a->palette[i], *y = &b->palette[i];
		if (!s_eq(x->glyph, y->glyph) || !s_eq(x->name, y->name) ||
		    x->solid != y->solid || !s_eq(x->script, y->script) ||
		    !attrs_eq(x->attrs, x->nattrs, y->attrs, y->nattrs) ||
		    !note_eq(&x->note, &y->note))
			return false;
	}
	for (int i = 0; i < a->nzones; i++) {
		const wf_zone *x = &a->zones[i], *y = &b->zones[i];
		if (!s_eq(x->name, y->name) || x->caps != y->caps ||
		    x->max_entities != y->max_entities ||
		    !attrs_eq(x->attrs, x->nattrs, y->attrs, y->nattrs) ||
		    !note_eq(&x->note, &y->note) ||
		    !note_eq(&x->end_note, &y->end_note) ||
		    !note_eq(&x->allow_note, &y->allow_note) ||
		    !note_eq(&x->max_note, &y->max_note))
			return false;
	}
	for (int i = 0; i < a->nparcels; i++)
		if (!parcel_eq(a, &a->parcels[i], &b->parcels[i]))
			return false;
	return true;
}

static wf_world *parse_str(const char *src, wf_diags *d)
{
	return wf_parse(src, strlen(src), "world.acre", d);
}

/* parse → write → parse is the identity, and write is idempotent. */
static void check_round_trip(const char *what, const char *src, size_t len)
{
	wf_diags d = {0};
	wf_world *a = wf_parse(src, len, "world.acre", &d);
	CHECK(a && d.errors == 0, "%s: parses without errors", what);
	wf_buf b1 = {0}, b2 = {0};
	CHECK(wf_write(a, &b1) == 0, "%s: writes", what);
	wf_world *b = wf_parse(b1.data, b1.len, "world.acre", &d);
	CHECK(b && d.errors == 0, "%s: its canonical text parses", what);
	CHECK(b && world_eq(a, b), "%s: parse → write → parse is the identity", what);
	wf_write(b, &b2);
	CHECK(b1.len == b2.len && memcmp(b1.data, b2.data, b1.len) == 0,
	      "%s: writing is idempotent", what);
	wf_world *c = wf_world_clone(a);
	CHECK(c && world_eq(a, c), "%s: a clone equals its source", what);
	wf_world_free(c);
	wf_world_free(a);
	wf_world_free(b);
	wf_buf_free(&b1);
	wf_buf_free(&b2);
	wf_diags_free(&d);
}

static void test_samples(void)
{
	static const char *const files[] = {
	    "samples/starter/world.acre",
	    "samples/neon-street/world.acre",
	    "tests/golden/world/comments.in.acre",
	    "tests/golden/world/comments.out.acre",
	};
	for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
		char *src;
		size_t len;
		if (wf_world_read(NULL, files[i], WF_MAX_WORLD_BYTES, &src, &len) != WF_READ_OK) {
			CHECK(0, "%s: readable", files[i]);
			continue;
		}
		check_round_trip(files[i], src, len);
		free(src);
		if (strncmp(files[i], "samples/", 8) != 0)
			continue;
		char dir[256];
		snprintf(dir, sizeof dir, "%.*s",
		         (int)(strrchr(files[i], '/') - files[i]), files[i]);
		wf_diags d = {0};
		wf_world *w = wf_load(dir, &d);
		int n = w ? wf_validate(w, dir, "world.acre", &d) : -1;
		char msg[512] = "";
		if (d.n)
			wf_diag_format(&d.v[0], msg, sizeof msg);
		CHECK(n == 0 && d.errors == 0, "%s is valid %s", dir, msg);
		wf_world_free(w);
		wf_diags_free(&d);
	}
}

/* ---- Parser ---------------------------------------------------------------*/

static const char *const MINI = "world \"mini\"\n"
                                "  size 2 1\n"
                                "  parcel-size 2 2\n"
                                "palette\n"
                                "  \".\" floor\n"
                                "  \"#\" wall solid\n"
                                "  \"█\" block\n"
                                "end\n";

static void test_parser(void)
{
	wf_diags d = {0};
	char src[1024];
	snprintf(src, sizeof src,
	         "%sparcel a 0 0  # trail\n  layout\n    #█\n    .#\n  end\n"
	         "  entity e 1 1 glyph=\"@\" hp=3 tag=\"x y\"\nend\n",
	         MINI);
	wf_world *w = parse_str(src, &d);
	CHECK(w && d.errors == 0, "a small world parses");
	CHECK(w->width == 2 && w->height == 1 && w->parcel_w == 2, "header values");
	CHECK(w->npalette == 3 && w->palette[1].solid, "palette entries and solid");
	wf_parcel *p = &w->parcels[0];
	CHECK(p->tiles && p->tiles[0] == 1 && p->tiles[1] == 2 && p->tiles[2] == 0 &&
	          p->tiles[3] == 1,
	      "layout rows become palette indices, '#' and a wide glyph included");
	CHECK_STR(p->notes[WF_PS_HEAD].trail, "# trail", "trailing comment kept");
	CHECK(p->nentities == 1 && p->entities[0].x == 1 && p->entities[0].nattrs == 2,
	      "entity with attributes");
	CHECK_STR(p->entities[0].attrs[1].value, "x y", "quoted attribute value");
	CHECK(p->entities[0].attrs[1].quoted && !p->entities[0].attrs[0].quoted,
	      "quoting is remembered");
	CHECK(wf_find_glyph(w, "█") == 2 && wf_find_parcel(w, "a") == 0 &&
	          wf_find_parcel(w, "b") == -1,
	      "find glyph and parcel");
	wf_world_free(w);
	wf_diags_free(&d);

	/* The error cap: recorded up to max, the rest counted. */
	d = (wf_diags){.max = 3};
	w = parse_str("world a\n x\n y\n z\n w\n v\n", &d);
	CHECK(d.n == 3 && d.dropped == 2 && d.errors == 5,
	      "error cap: %d kept, %d dropped", d.n, d.dropped);
	wf_world_free(w);
	wf_diags_free(&d);
}

/* ---- Rules: input → the exact first message of wf_validate ---------------- */

static const struct rule_case {
	const char *name, *body, *want;
} rule_cases[] = {
    {"valid", "parcel a 0 0\nend\n", NULL},
    {"outside the world", "parcel a 1 0\n  size 2 1\nend\n",
     "world.acre:10:8: error: parcel 'a' at 1 0 (size 2×1) is outside the world "
     "(2×1 unit parcels) [parcel-outside]"},
    {"overlap", "parcel a 0 0\nend\nparcel b 0 0\nend\n",
     "world.acre:11:10: error: parcel 'b' overlaps parcel 'a' (line 9) [overlap]"},
    {"duplicate parcel", "parcel a 0 0\nend\nparcel a 1 0\nend\n",
     "world.acre:11:8: error: parcel name 'a' used twice (first at line 9) "
     "[duplicate]"},
    {"unknown zone", "parcel a 0 0\n  zone nowhere\nend\n",
     "world.acre:10:8: error: parcel 'a' names unknown zone 'nowhere' "
     "[unknown-zone]"},
    {"script not allowed",
     "zone quiet\n  allow tiles\nend\nparcel a 0 0\n"
     "  zone quiet\n  script \"s.lua\"\nend\n",
     "world.acre:14:10: error: parcel 'a' has a script but zone 'quiet' does not "
     "allow scripts [script-not-allowed]"},
    {"script missing", "parcel a 0 0\n  script \"scripts/nope.lua\"\nend\n",
     "world.acre:10:10: error: script 'scripts/nope.lua' not found in the world "
     "[missing-script]"},
    {"script escapes", "parcel a 0 0\n  script \"../x.lua\"\nend\n",
     "world.acre:10:10: error: script path '../x.lua' must be relative to the "
     "world and stay inside it [file-path]"},
    {"entity outside", "parcel a 0 0\n  entity e 2 0\nend\n",
     "world.acre:10:12: error: entity 'e' at 2 0 is outside parcel 'a' (2×2 "
     "tiles) [entity-outside]"},
    {"entity names", "parcel a 0 0\n  entity e 0 0\n  entity e 1 1\nend\n",
     "world.acre:11:10: error: entity name 'e' used twice in parcel 'a' (first "
     "at line 10) [duplicate]"},
    {"entity cap",
     "zone tight\n  max-entities-per-parcel 1\nend\nparcel a 0 0\n"
     "  zone tight\n  entity e 0 0\n  entity f 1 1\nend\n",
     "world.acre:15:10: error: parcel 'a' has 2 entities; its budget allows 1 (1 "
     "unit parcel × 1) [budget]"},
    {"duplicate zone", "zone z\nend\nzone z\nend\n",
     "world.acre:11:6: error: zone 'z' defined twice (first at line 9) "
     "[duplicate]"},
};

static void test_rules(void)
{
	for (size_t i = 0; i < sizeof rule_cases / sizeof rule_cases[0]; i++) {
		const struct rule_case *c = &rule_cases[i];
		char src[2048];
		snprintf(src, sizeof src, "%s%s", MINI, c->body);
		wf_diags d = {0};
		wf_world *w = parse_str(src, &d);
		CHECK(w && d.errors == 0, "rules/%s: parses", c->name);
		int n = wf_validate(w, "tests/unit", "world.acre", &d);
		char got[512] = "";
		if (d.n)
			wf_diag_format(&d.v[0], got, sizeof got);
		const char *g = d.n ? got : NULL;
		if (c->want)
			CHECK_STR(g, c->want, "rules/%s", c->name);
		else
			CHECK(n == 0 && d.n == 0, "rules/%s: no errors (got '%s')",
			      c->name, got);
		wf_world_free(w);
		wf_diags_free(&d);
	}

	/* Rules over an edited model: what the parser cannot produce. */
	wf_diags d = {0};
	wf_world *w = parse_str(MINI, &d);
	w->palette[2].glyph = wf_strdup(w, "#");
	w->palette[2].name = wf_strdup(w, "bad name");
	wf_validate(w, NULL, "world.acre", &d);
	char buf[512] = "";
	const char *got = buf;
	CHECK(d.n == 2, "edited palette: two errors (%d)", d.n);
	if (d.n == 2) {
		wf_diag_format(&d.v[0], buf, sizeof buf);
		CHECK_STR(got,
		          "world.acre:7:1: error: invalid glyph name 'bad name' "
		          "(letters, digits, '_', '-' or '.', at most 64 bytes) [rules]",
		          "bad palette name");
		wf_diag_format(&d.v[1], buf, sizeof buf);
		CHECK_STR(got,
		          "world.acre:7:3: error: glyph \"#\" defined twice in the "
		          "palette (first at line 6) [duplicate]",
		          "duplicate glyph");
	}
	wf_world_free(w);
	wf_diags_free(&d);
}

/* Hostile geometry: many world-sized parcels must not make validation
 * quadratic in their area (this would take minutes if it were). */
static void test_hostile_geometry(void)
{
	size_t cap = 3000 * 48 + 64, len = 0;
	char *src = malloc(cap);
	/* Parcels of 4×4 tiles: a world-sized parcel stays within the tiles
	 * a parcel may have (2^24). */
	len += (size_t)snprintf(src, cap, "world h\n  size 1024 1024\n"
	                                  "  parcel-size 4 4\n");
	for (int i = 0; i < 3000; i++)
		len += (size_t)snprintf(src + len, cap - len,
		                        "parcel p%d 0 0\n  size 1024 1024\nend\n", i);
	wf_diags d = {0};
	wf_world *w = wf_parse(src, len, "world.acre", &d);
	CHECK(w && d.errors == 0, "3000 world-sized parcels parse");
	CHECK(wf_validate(w, NULL, "world.acre", &d) == 2999 && d.n == WF_MAX_DIAGS &&
	          d.dropped == 2999 - WF_MAX_DIAGS,
	      "each later parcel overlaps the first (%d kept, %d dropped)", d.n,
	      d.dropped);
	wf_world_free(w);
	wf_diags_free(&d);
	free(src);
}

/* An edited model may hold NULLs and bad values for a moment: writing it
 * never crashes, and validation names what is wrong. */
static void test_edited_model(void)
{
	wf_world *w = wf_world_new();
	wf_parcel p = {.pw = 1, .ph = 1, .zone_index = -1};
	w->parcels = calloc(1, sizeof *w->parcels);
	w->parcels[0] = p;
	w->nparcels = w->parcels_cap = 1;
	w->parcels[0].attrs = calloc(1, sizeof(wf_attr));
	w->parcels[0].nattrs = 1;
	wf_buf b = {0};
	CHECK(wf_write(w, &b) == 0 && strstr(b.data, "parcel ? 0 0\n"),
	      "a nameless parcel is written without a crash");
	wf_diags d = {0};
	CHECK(wf_validate(w, NULL, "world.acre", &d) == 2, "and reported (%d errors)",
	      d.errors);
	wf_buf_free(&b);
	wf_diags_free(&d);
	wf_world_free(w);
}

/* ---- Budgets ----------------------------------------------------------------*/

static void test_budgets(void)
{
	wf_diags d = {0};
	wf_world *w = parse_str("world b\n  size 8 8\n  budget entities=10 "
	                        "instructions=1000 memory=64KiB\nzone z\n"
	                        "  max-entities-per-parcel 4\nend\n"
	                        "parcel a 0 0\n  size 3 2\nend\n"
	                        "parcel b 4 4\n  size 2 2\n  zone z\nend\n",
	                        &d);
	CHECK(w && d.errors == 0, "budget world parses");
	wf_budget a = wf_parcel_budget(w, &w->parcels[0]);
	CHECK(a.entities == 60 && a.instructions == 6000 && a.memory == 6 * 65536,
	      "a 3×2 parcel gets 6 times the unit budget");
	wf_budget b = wf_parcel_budget(w, &w->parcels[1]);
	CHECK(b.entities == 16 && b.instructions == 4000,
	      "the zone cap applies per unit parcel");
	CHECK(wf_parcel_caps(w, &w->parcels[0]) == WF_CAP_ALL &&
	          wf_parcel_caps(w, &w->parcels[1]) == 0,
	      "capabilities: unzoned land has all, a zone what it allows");
	CHECK(wf_validate(w, NULL, "world.acre", &d) == 0, "valid");
	CHECK(wf_parcel_at(w, 0, 0) == 0 && wf_parcel_at(w, 47, 31) == 0 &&
	          wf_parcel_at(w, 48, 0) == -1 && wf_parcel_at(w, 64, 64) == 1,
	      "tile → parcel lookups");
	wf_world_free(w);
	wf_diags_free(&d);
}

/* ---- UTF-8 ------------------------------------------------------------------*/

static void test_utf8(void)
{
	static const struct {
		const char *s;
		int len;
	} cases[] = {
	    {"a", 1},
	    {"é", 2},
	    {"█", 3},
	    {"😀", 4},
	    {"\xc0\xaf", 0},
	    {"\xed\xa0\x80", 0},
	    {"\xf4\x90\x80\x80", 0},
	    {"\xe2\x96", 0},
	    {"\x80", 0},
	    {"\xff", 0},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		CHECK(wf_utf8_len((const unsigned char *)cases[i].s,
		                  strlen(cases[i].s)) == cases[i].len,
		      "utf8 case %zu", i);
}

/* ---- Atomic save ------------------------------------------------------------*/

/* A generated Street round-trips like a hand-written world. */
static void test_gen(void)
{
	char dir[] = "/tmp/acre-unit-gen-XXXXXX";
	if (!mkdtemp(dir)) {
		CHECK(0, "mkdtemp");
		return;
	}
	char err[256] = "", path[300];
	wf_gen_opts o = {.parcels = 2000, .scripted_pct = 20, .seed = 9};
	CHECK(wf_gen_street(dir, &o, err, sizeof err) == 0, "gen street: %s", err);
	snprintf(path, sizeof path, "%s/world.acre", dir);
	char *src;
	size_t len;
	if (wf_world_read(dir, "world.acre", WF_MAX_WORLD_BYTES, &src, &len) == WF_READ_OK) {
		check_round_trip("generated street", src, len);
		wf_diags d = {0};
		wf_world *w = wf_parse(src, len, "world.acre", &d);
		CHECK(w && w->nparcels == 2000 &&
		          wf_validate(w, dir, "world.acre", &d) == 0,
		      "the generated street is valid");
		wf_world_free(w);
		wf_diags_free(&d);
		free(src);
	}
	static const char *const names[] = {"world.acre", "scripts/shop.lua",
	                                    "scripts/plaza.lua", "scripts/road.lua",
	                                    "scripts"};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		snprintf(path, sizeof path, "%s/%s", dir, names[i]);
		remove(path);
	}
	rmdir(dir);
}

/* Sizes are range-checked before they are shifted: a count that would wrap
 * past 2^63 into the range (17179869185G is 2^64 + 1 GiB) is refused, and
 * every size that parses writes back as one that parses to the same. */
static void test_sizes(void)
{
	static const struct {
		const char *mem;
		int64_t want; /* -1: refused */
	} cases[] = {
		{"1024G", INT64_C(1) << 40},  {"1024GiB", INT64_C(1) << 40},
		{"1025G", -1},                {"17179869185G", -1},
		{"8589934592G", -1},          {"1048576M", INT64_C(1) << 40},
		{"1048577M", -1},          {"1099511627776", INT64_C(1) << 40},
		{"1099511627777", -1},        {"9223372036854775807K", -1},
		{"99999999999999999999", -1}, {"7K", 7 << 10},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char src[256];
		snprintf(src, sizeof src, "world s\n  budget memory=%s\n", cases[i].mem);
		wf_diags d = {0};
		wf_world *w = parse_str(src, &d);
		if (cases[i].want < 0) {
			CHECK(w && d.errors == 1 && strstr(d.v[0].msg, "invalid budget value"),
			      "memory=%s is refused", cases[i].mem);
		} else {
			CHECK(w && d.errors == 0 && w->unit_budget.memory == cases[i].want,
			      "memory=%s is %lld bytes", cases[i].mem,
			      (long long)cases[i].want);
			check_round_trip(cases[i].mem, src, strlen(src));
		}
		wf_diags_free(&d);
		wf_world_free(w);
	}
}

/* The tile limits of acre-world(5): a 127-byte world asking for 64 GiB of
 * tiles is a rule error, not an allocation. */
static void test_tile_limits(void)
{
	wf_diags d = {0};
	wf_world *w = parse_str("world h\n  size 1024 1024\n  parcel-size 256 256\n"
	                        "palette\n  \".\" floor\nend\n"
	                        "parcel a 0 0\n  size 1024 1024\nend\n",
	                        &d);
	CHECK(w && d.errors == 0, "a world of 2^36 tiles parses (no layout)");
	CHECK(wf_validate(w, NULL, "world.acre", &d) == 2, "two rule errors");
	CHECK(d.n == 2 && d.v[0].line == 2 &&
	          strstr(d.v[0].msg, "at most 268435456 are allowed"),
	      "the world's tiles are over the limit: %s", d.n ? d.v[0].msg : "");
	CHECK(d.n == 2 && d.v[1].line == 8 &&
	          strstr(d.v[1].msg, "a parcel may have at most 16777216"),
	      "the parcel's tiles are over the limit: %s", d.n > 1 ? d.v[1].msg : "");
	wf_diags_free(&d);
	wf_world_free(w);
	memset(&d, 0, sizeof d);
	w = parse_str("world h\n  size 1024 1024\n  parcel-size 16 16\n"
	              "palette\n  \".\" floor\nend\n"
	              "parcel a 0 0\n  size 256 256\nend\n",
	              &d);
	CHECK(w && wf_validate(w, NULL, "world.acre", &d) == 0,
	      "2^28 tiles in the world and 2^24 in a parcel are allowed");
	wf_diags_free(&d);
	wf_world_free(w);
}

/* Canonical layout rows take a shorter way through the parser than other
 * rows; both must read the same and report the same errors. The worlds
 * have parcels `width` tiles wide, two rows high, and this palette. */
static const char *const ROW_HEAD = "world r\n  size 2 1\n  parcel-size %d 2\n"
                                    "palette\n  \".\" floor\n  \"#\" wall\n"
                                    "  \"e\" e\n  \"n\" n\n  \"d\" d\nend\n";

static wf_world *parse_rows(int width, const char *body, wf_diags *d)
{
	char src[1024];
	int n = snprintf(src, sizeof src, ROW_HEAD, width);
	snprintf(src + n, sizeof src - (size_t)n, "%s", body);
	return parse_str(src, d);
}

/* A layout and what it reads as: its first error (line and a piece of the
 * message), or no error and these tiles (glyphs, row after row). */
static const struct row_case {
	const char *what;
	int width;
	const char *body;
	uint32_t line;
	const char *msg, *tiles;
} row_cases[] = {
    /* "end" is the layout's end even where a row of glyphs e, n, d fits. */
    {"'end' ends a 3-wide layout", 3,
     "parcel a 0 0\n  layout\n    end\n    ...\n  end\nend\n", 13,
     "has 0 rows, expected 2", NULL},
    /* CRLF, other indentation and a blank line between rows. */
    {"rows in other shapes read as canonical ones", 3,
     "parcel a 0 0\n  layout\n\t#.#\r\n\n      .#.  \n  end\nend\n", 0, NULL, "#.#.#."},
};

static void check_row_case(const struct row_case *c)
{
	wf_diags d = {0};
	wf_world *w = parse_rows(c->width, c->body, &d);
	if (c->msg) {
		CHECK(w && d.errors >= 1 && d.v[0].line == c->line &&
		          strstr(d.v[0].msg, c->msg),
		      "%s: %s", c->what, d.n ? d.v[0].msg : "");
	} else {
		const wf_parcel *p = w && w->nparcels ? &w->parcels[0] : NULL;
		bool same = p && d.errors == 0 && p->tiles;
		for (size_t i = 0; same && c->tiles[i]; i++)
			same = p->tiles[i] == wf_find_glyph(w, (char[2]){c->tiles[i], 0});
		CHECK(same, "%s", c->what);
	}
	wf_world_free(w);
	wf_diags_free(&d);
}

static void test_row_paths(void)
{
	/* A glyph that is not in the palette, in a row of the canonical shape:
	 * one error at its column, and the row left as zeroes. */
	wf_diags d = {0};
	wf_world *w = parse_rows(9,
	                         "parcel a 0 0\n  layout\n    #...x...#\n"
	                         "    #########\n  end\nend\n",
	                         &d);
	CHECK(w && d.errors == 1 && d.n == 1 && d.v[0].line == 13 && d.v[0].col == 9 &&
	          d.v[0].end_col == 10 && strstr(d.v[0].msg, "glyph 'x' is not in"),
	      "an unknown glyph in a canonical row: line %u col %u: %s",
	      d.n ? d.v[0].line : 0, d.n ? d.v[0].col : 0, d.n ? d.v[0].msg : "");
	const wf_parcel *p = w ? &w->parcels[0] : NULL;
	bool zero = p && p->tiles;
	for (int x = 4; zero && x < 9; x++)
		zero = p->tiles[x] == 0;
	CHECK(zero && p->tiles[9] == 1 && p->tiles[17] == 1,
	      "the wrong row holds no stray tile values; the next row is read");
	wf_world_free(w);
	wf_diags_free(&d);
	for (size_t i = 0; i < sizeof row_cases / sizeof row_cases[0]; i++)
		check_row_case(&row_cases[i]);
}

/* Every parcel whose name an earlier one has is reported, in file order,
 * naming the first of that name (the name index finds them as it is
 * built). */
static void test_duplicate_names(void)
{
	wf_diags d = {0};
	wf_world *w = parse_str("world d\n  size 8 1\n"
	                        "parcel a 0 0\nend\nparcel b 1 0\nend\n"
	                        "parcel a 2 0\nend\nparcel c 3 0\nend\n"
	                        "parcel a 4 0\nend\nparcel b 5 0\nend\n",
	                        &d);
	CHECK(w && d.errors == 0, "six parcels, three names, parse");
	CHECK(w && wf_validate(w, NULL, "world.acre", &d) == 3, "three duplicates");
	static const struct {
		uint32_t line;
		const char *msg;
	} want[] = {
	    {7, "parcel name 'a' used twice (first at line 3)"},
	    {11, "parcel name 'a' used twice (first at line 3)"},
	    {13, "parcel name 'b' used twice (first at line 5)"},
	};
	for (int i = 0; i < 3; i++)
		CHECK(d.n == 3 && d.v[i].line == want[i].line && d.v[i].col == 8 &&
		          strcmp(d.v[i].msg, want[i].msg) == 0,
		      "duplicate %d: line %u: %s", i, d.n == 3 ? d.v[i].line : 0,
		      d.n == 3 ? d.v[i].msg : "");
	CHECK(w && wf_find_parcel(w, "a") == 0 && wf_find_parcel(w, "b") == 1 &&
	          wf_find_parcel(w, "c") == 3,
	      "lookups find the first parcel of a name");
	wf_world_free(w);
	wf_diags_free(&d);
}

/* The tile check of wf_validate looks at eight tiles at a time: a value
 * past the palette is found wherever it is, and nothing is found in a
 * valid parcel, for palettes of every size. */
static void test_tile_values(void)
{
	for (int np = 1; np <= 255; np += np < 8 ? 1 : 37) {
		for (int at = 0; at < 256; at += 51) {
			wf_world *w = wf_world_new();
			w->parcels = calloc(1, sizeof *w->parcels);
			w->nparcels = w->parcels_cap = 1;
			wf_parcel *p = &w->parcels[0];
			*p = (wf_parcel){.name = "a", .pw = 1, .ph = 1, .zone_index = -1};
			w->palette = calloc((size_t)np, sizeof *w->palette);
			w->npalette = w->palette_cap = np;
			for (int i = 0; i < np; i++) {
				/* Distinct glyphs (U+0100 on) and names: no other finding. */
				char g[4] = {(char)(0xc4 + i / 64), (char)(0x80 + i % 64), 0};
				char nm[16];
				snprintf(nm, sizeof nm, "g%d", i);
				w->palette[i] = (wf_glyph){.glyph = wf_strdup(w, g),
				                           .name = wf_strdup(w, nm)};
			}
			p->tiles = calloc(256, 1);
			for (int i = 0; i < 256; i++)
				p->tiles[i] = (uint8_t)((i * 7) % np);
			wf_diags d = {0};
			wf_validate(w, NULL, "world.acre", &d);
			bool none = true;
			for (int i = 0; i < d.n; i++)
				none = none && !strstr(d.v[i].msg, "uses tile");
			CHECK(none, "palette of %d, tiles below it: no finding", np);
			wf_diags_free(&d);
			memset(&d, 0, sizeof d);
			p->tiles[at] = (uint8_t)np;
			wf_validate(w, NULL, "world.acre", &d);
			char want[64];
			snprintf(want, sizeof want, "uses tile %d, but", np);
			bool found = false;
			for (int i = 0; i < d.n; i++)
				found = found || strstr(d.v[i].msg, want);
			CHECK(found, "palette of %d, tile %d at %d: found", np, np, at);
			wf_diags_free(&d);
			wf_world_free(w);
		}
	}
}

/* A killed save leaves .NAME.tmp.PID.XXXXXX; the next save removes those
 * of dead processes, and nothing else. */
static void test_stale_temps(const char *dir)
{
	pid_t child = fork();
	if (child == 0)
		_exit(0);
	waitpid(child, NULL, 0); /* now a pid of no process */
	char dead[512], live[512], other[512], old[512], path[512];
	snprintf(dead, sizeof dead, "%s/.world.acre.tmp.%ld.AbC123", dir, (long)child);
	snprintf(live, sizeof live, "%s/.world.acre.tmp.%ld.AbC123", dir, (long)getpid());
	snprintf(other, sizeof other, "%s/.other.acre.tmp.%ld.AbC123", dir, (long)child);
	snprintf(old, sizeof old, "%s/world.acre.tmp.AbC123", dir);
	snprintf(path, sizeof path, "%s/world.acre", dir);
	const char *all[] = {dead, live, other, old};
	for (int i = 0; i < 4; i++) {
		FILE *f = fopen(all[i], "w");
		if (f)
			fclose(f);
	}
	CHECK(wf_save_atomic(path, "three\n", 6) == 0, "a third save");
	CHECK(access(dead, F_OK) != 0, "the temporary file of a dead save is removed");
	CHECK(access(live, F_OK) == 0, "one of a live process is kept");
	CHECK(access(other, F_OK) == 0 && access(old, F_OK) == 0,
	      "files of other names are kept");
	for (int i = 0; i < 4; i++)
		unlink(all[i]);
}

static void test_save(void)
{
	char dir[] = "/tmp/acre-unit-XXXXXX";
	if (!mkdtemp(dir)) {
		CHECK(0, "mkdtemp");
		return;
	}
	char path[256];
	snprintf(path, sizeof path, "%s/world.acre", dir);
	CHECK(wf_save_atomic(path, "one\n", 4) == 0, "first save");
	CHECK(wf_save_atomic(path, "two\n", 4) == 0, "second save");
	char *data;
	size_t len;
	CHECK(wf_world_read(dir, "world.acre", 16, &data, &len) == WF_READ_OK && len == 4 &&
	          memcmp(data, "two\n", 4) == 0,
	      "the file holds the new content");
	free(data);
	CHECK(wf_save_atomic("/nonexistent-dir/x", "a", 1) == -1, "a bad dir fails");
	test_stale_temps(dir);
	unlink(path);
	rmdir(dir);
}

int main(void)
{
	test_parser();
	test_rules();
	test_budgets();
	test_hostile_geometry();
	test_edited_model();
	test_utf8();
	test_samples();
	test_gen();
	test_save();
	test_sizes();
	test_tile_limits();
	test_row_paths();
	test_tile_values();
	test_duplicate_names();
	return unit_done();
}
