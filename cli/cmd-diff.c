/* cmd-diff.c — `acre diff`: what changed between two states of a world, in
 * the world's terms: parcels added, removed, moved, resized; tiles changed
 * per parcel with a small preview; entities; palette; zones; owners; and
 * scripts, attributed to the parcels that run them. When a side does not
 * parse, a plain line diff is shown instead. */
#include "cli/store-cli.h"
#include "worldfmt/worldfmt.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The preview shows at most this many changed rows, this many columns. */
#define DIFF_PREVIEW_ROWS 3
#define DIFF_PREVIEW_COLS 40

struct diff_opts {
	const char *world;
	bool stat;
};

/* Everything one rendering needs. */
struct diff_ctx {
	store_repo *r;
	store_pair p;
	wf_world *w[2];
	wf_diff d;
	bool stat;
};

static bool diff_opt(int c, const char *arg, void *ctx)
{
	struct diff_opts *o = ctx;
	if (c == 'w')
		o->world = arg;
	else if (c == 's')
		o->stat = true;
	return true;
}

static const char *nz(const char *s)
{
	return s ? s : "(none)";
}

/* ---- Header, palette, zones ---------------------------------------------- */

static void diff_world(const struct diff_ctx *x)
{
	const wf_world *a = x->w[0], *b = x->w[1];
	unsigned f = x->d.world;
	if (f & WF_DIFFW_NAME)
		printf("world: name \"%s\" -> \"%s\"\n", nz(a->name), nz(b->name));
	if (f & WF_DIFFW_FORMAT)
		printf("world: format %d -> %d\n", a->format, b->format);
	if (f & WF_DIFFW_SEED)
		printf("world: seed %" PRIu64 " -> %" PRIu64 "\n", a->seed, b->seed);
	if (f & WF_DIFFW_SIZE)
		printf("world: size %dx%d -> %dx%d\n", a->width, a->height, b->width,
		       b->height);
	if (f & WF_DIFFW_PARCEL_SIZE)
		printf("world: parcel-size %dx%d -> %dx%d\n", a->parcel_w, a->parcel_h,
		       b->parcel_w, b->parcel_h);
	if (f & WF_DIFFW_BUDGET)
		printf("world: budget changed\n");
	if (f & WF_DIFFW_EVENTS)
		printf("world: events %s -> %s\n", nz(a->events), nz(b->events));
	if (f & WF_DIFFW_ATTRS)
		printf("world: attributes changed\n");
}

static const char *kind_word(wf_change_kind k)
{
	return k == WF_CH_ADDED ? "added" : k == WF_CH_REMOVED ? "removed" : "changed";
}

static void diff_palette(const struct diff_ctx *x)
{
	for (int i = 0; i < x->d.npalette; i++) {
		const wf_change *c = &x->d.palette[i];
		const wf_glyph *g =
		    c->b >= 0 ? &x->w[1]->palette[c->b] : &x->w[0]->palette[c->a];
		printf("palette: %s \"%s\" %s\n", kind_word(c->kind), g->glyph,
		       nz(g->name));
	}
}

static void print_caps(int caps)
{
	if (!caps)
		printf(" nothing");
	for (int bit = 1; bit & WF_CAP_ALL; bit <<= 1)
		if (caps & bit)
			printf(" %s", wf_cap_name(bit));
}

static void diff_zones(const struct diff_ctx *x)
{
	for (int i = 0; i < x->d.nzones; i++) {
		const wf_change *c = &x->d.zones[i];
		const wf_zone *z =
		    c->b >= 0 ? &x->w[1]->zones[c->b] : &x->w[0]->zones[c->a];
		printf("zone %s: %s", z->name, kind_word(c->kind));
		if (c->kind == WF_CH_CHANGED) {
			const wf_zone *o = &x->w[0]->zones[c->a];
			if (o->caps != z->caps) {
				printf(" (allow");
				print_caps(o->caps);
				printf(" ->");
				print_caps(z->caps);
				printf(")");
			}
			if (o->max_entities != z->max_entities)
				printf(" (max-entities-per-parcel %" PRId64 " -> %" PRId64
				       ")",
				       o->max_entities, z->max_entities);
		}
		putchar('\n');
	}
}

/* ---- Parcels ----------------------------------------------------------------- */

/* Row y of a parcel's tiles from column x0, at most DIFF_PREVIEW_COLS
 * glyphs; blank when the row lies outside the parcel. */
static void preview_row(const wf_world *w, const wf_parcel *p, int32_t y, int32_t x0,
                        char *buf, size_t len)
{
	size_t n = 0;
	buf[0] = '\0';
	if (y >= wf_parcel_th(w, p))
		return;
	int32_t tw = wf_parcel_tw(w, p);
	for (int32_t x = x0; x < tw && x < x0 + DIFF_PREVIEW_COLS; x++) {
		const char *g = wf_tile_glyph(w, p, x, y);
		n += (size_t)snprintf(buf + n, len - n, "%s", g ? g : "?");
		if (n >= len)
			break;
	}
}

/* "row 3" or "rows 3-5" for the half-open range [a, b). */
static void print_range(const char *word, int32_t a, int32_t b)
{
	if (b - a == 1)
		printf("%s %d", word, a);
	else
		printf("%ss %d-%d", word, a, b - 1);
}

static void diff_tiles(const struct diff_ctx *x, const wf_parcel_diff *pd,
                       const char *name)
{
	const wf_parcel *a = &x->w[0]->parcels[pd->a], *b = &x->w[1]->parcels[pd->b];
	char ra[DIFF_PREVIEW_COLS * 4 + 8], rb[sizeof ra];
	/* Whole rows when they fit, else from a little before the change. */
	int32_t x0 = pd->x1 <= DIFF_PREVIEW_COLS ? 0 : pd->x0 > 2 ? pd->x0 - 2 : 0;
	printf("parcel %s: %" PRId64 " tile%s changed (", name, pd->tiles,
	       pd->tiles == 1 ? "" : "s");
	print_range("row", pd->y0, pd->y1);
	printf(", ");
	print_range("column", pd->x0, pd->x1);
	printf(")\n");
	int shown = 0;
	for (int32_t y = pd->y0; y < pd->y1 && shown < DIFF_PREVIEW_ROWS; y++) {
		preview_row(x->w[0], a, y, x0, ra, sizeof ra);
		preview_row(x->w[1], b, y, x0, rb, sizeof rb);
		if (strcmp(ra, rb) == 0)
			continue;
		printf("    row %-3d - %s\n            + %s\n", y, ra, rb);
		shown++;
	}
	if (shown == DIFF_PREVIEW_ROWS && pd->y1 - pd->y0 > DIFF_PREVIEW_ROWS)
		printf("    ...\n");
}

static void diff_entities(const struct diff_ctx *x, const wf_parcel_diff *pd,
                          const char *name)
{
	const wf_parcel *a = &x->w[0]->parcels[pd->a], *b = &x->w[1]->parcels[pd->b];
	for (int i = 0; i < pd->nentities; i++) {
		const wf_change *c = &pd->entities[i];
		const wf_entity *ea = c->a >= 0 ? &a->entities[c->a] : NULL;
		const wf_entity *eb = c->b >= 0 ? &b->entities[c->b] : NULL;
		printf("parcel %s: entity %s ", name, (eb ? eb : ea)->name);
		if (!ea)
			printf("added at %d,%d\n", eb->x, eb->y);
		else if (!eb)
			printf("removed (was at %d,%d)\n", ea->x, ea->y);
		else if (ea->x != eb->x || ea->y != eb->y)
			printf("moved %d,%d -> %d,%d\n", ea->x, ea->y, eb->x, eb->y);
		else
			printf("changed\n");
	}
}

static void diff_parcel_fields(const wf_parcel *a, const wf_parcel *b, unsigned f,
                               const char *name)
{
	if (f & WF_DIFF_MOVED)
		printf("parcel %s: moved %d,%d -> %d,%d\n", name, a->px, a->py, b->px,
		       b->py);
	if (f & WF_DIFF_RESIZED)
		printf("parcel %s: resized %dx%d -> %dx%d\n", name, a->pw, a->ph, b->pw,
		       b->ph);
	if (f & WF_DIFF_OWNER)
		printf("parcel %s: owner %s -> %s\n", name, nz(a->owner), nz(b->owner));
	if (f & WF_DIFF_ZONE)
		printf("parcel %s: zone %s -> %s\n", name, nz(a->zone), nz(b->zone));
	if (f & WF_DIFF_SCRIPT)
		printf("parcel %s: script %s -> %s\n", name, nz(a->script),
		       nz(b->script));
	if (f & WF_DIFF_ATTRS)
		printf("parcel %s: attributes changed\n", name);
}

static void diff_parcel(const struct diff_ctx *x, const wf_parcel_diff *pd)
{
	const wf_parcel *a = pd->a >= 0 ? &x->w[0]->parcels[pd->a] : NULL;
	const wf_parcel *b = pd->b >= 0 ? &x->w[1]->parcels[pd->b] : NULL;
	const char *name = (b ? b : a)->name;
	if (!a) {
		printf("parcel %s: added at %d,%d size %dx%d, owner %s, zone %s\n", name,
		       b->px, b->py, b->pw, b->ph, nz(b->owner), nz(b->zone));
		return;
	}
	if (!b) {
		printf("parcel %s: removed (was at %d,%d size %dx%d)\n", name, a->px,
		       a->py, a->pw, a->ph);
		return;
	}
	diff_parcel_fields(a, b, pd->what, name);
	if (pd->what & WF_DIFF_TILES)
		diff_tiles(x, pd, name);
	diff_entities(x, pd, name);
}

/* ---- Scripts ------------------------------------------------------------------ */

/* Lines added and removed, counted from a unified diff. */
static void count_lines(const char *patch, int *plus, int *minus)
{
	*plus = *minus = 0;
	for (const char *l = patch; l && *l;) {
		if (l[0] == '+' && strncmp(l, "+++ ", 4) != 0)
			(*plus)++;
		else if (l[0] == '-' && strncmp(l, "--- ", 4) != 0)
			(*minus)++;
		const char *nl = strchr(l, '\n');
		l = nl ? nl + 1 : NULL;
	}
}

static int script_counts(struct diff_ctx *x, const char *path, int *plus, int *minus)
{
	char *t[2], *patch;
	size_t len[2];
	store_err err;
	int rc = 0;
	for (int s = 0; s < 2; s++)
		if (store_pair_read(x->r, &x->p, s, path, &t[s], &len[s], &err) != 0) {
			t[s] = NULL;
			rc = -1;
		}
	if (rc == 0 && store_text_diff(t[0] ? t[0] : "", len[0], t[1] ? t[1] : "", len[1],
	                               path, &patch, &err) == 0) {
		count_lines(patch, plus, minus);
		free(patch);
	} else {
		cli_error("%s", err.msg);
		rc = -1;
	}
	free(t[0]);
	free(t[1]);
	return rc;
}

/* Which parcels run a script: of the new side, or the old one when the
 * script is gone from the new. */
static void script_users(const struct diff_ctx *x, const char *path)
{
	int n = 0;
	for (int s = 1; s >= 0 && n == 0; s--) {
		const wf_world *w = x->w[s];
		for (int j = 0; j < w->nparcels; j++)
			if (wf_parcel_uses_script(w, &w->parcels[j], path))
				printf("%s%s", n++ ? ", " : ", parcel ",
				       w->parcels[j].name);
	}
	if (n == 0)
		printf(", named by no parcel (a module?)");
}

static int diff_scripts(struct diff_ctx *x)
{
	for (int i = 0; i < x->p.nscripts; i++) {
		const char *path = x->p.scripts[i];
		char st = x->p.script_status[i];
		int plus, minus;
		if (script_counts(x, path, &plus, &minus) != 0)
			return -1;
		printf("script %s: %s (+%d -%d)", path,
		       st == 'A'   ? "added"
		       : st == 'D' ? "removed"
		                   : "changed",
		       plus, minus);
		if (!x->stat)
			script_users(x, path);
		putchar('\n');
	}
	return 0;
}

/* ---- --stat ------------------------------------------------------------------ */

static void stat_parcel(const struct diff_ctx *x, const wf_parcel_diff *pd)
{
	const wf_parcel *p =
	    pd->b >= 0 ? &x->w[1]->parcels[pd->b] : &x->w[0]->parcels[pd->a];
	static const struct {
		unsigned bit;
		const char *word;
	} words[] = {{WF_DIFF_ADDED, "added"},   {WF_DIFF_REMOVED, "removed"},
	             {WF_DIFF_MOVED, "moved"},   {WF_DIFF_RESIZED, "resized"},
	             {WF_DIFF_OWNER, "owner"},   {WF_DIFF_ZONE, "zone"},
	             {WF_DIFF_SCRIPT, "script"}, {WF_DIFF_ATTRS, "attributes"}};
	int n = 0;
	printf(" %-24s |", p->name);
	for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
		if (pd->what & words[i].bit)
			printf("%s%s", n++ ? ", " : " ", words[i].word);
	if (pd->what & WF_DIFF_TILES)
		printf("%s%" PRId64 " tile%s", n++ ? ", " : " ", pd->tiles,
		       pd->tiles == 1 ? "" : "s");
	if (pd->what & WF_DIFF_ENTITIES)
		printf("%s%d entit%s", n++ ? ", " : " ", pd->nentities,
		       pd->nentities == 1 ? "y" : "ies");
	putchar('\n');
}

static void stat_summary(const struct diff_ctx *x)
{
	int added = 0, removed = 0;
	for (int i = 0; i < x->d.nparcels; i++) {
		added += x->d.parcels[i].a < 0;
		removed += x->d.parcels[i].b < 0;
	}
	printf(" %d parcel%s changed (%d added, %d removed), %d palette entr%s, %d "
	       "zone%s, %d script%s\n",
	       x->d.nparcels, x->d.nparcels == 1 ? "" : "s", added, removed,
	       x->d.npalette, x->d.npalette == 1 ? "y" : "ies", x->d.nzones,
	       x->d.nzones == 1 ? "" : "s", x->p.nscripts, x->p.nscripts == 1 ? "" : "s");
}

/* ---- Driving ----------------------------------------------------------------- */

/* Parse one side; on errors say why (the caller falls back to lines). */
static wf_world *diff_parse(const struct diff_ctx *x, int side)
{
	wf_diags d = {0};
	d.max = 1;
	const char *text = x->p.text[side] ? x->p.text[side] : "";
	wf_world *w =
	    wf_parse(text, x->p.text[side] ? x->p.len[side] : 0, "world.acre", &d);
	if (w && (d.errors || !x->p.text[side])) {
		if (!x->p.text[side])
			cli_warn("no world.acre in %s; showing a line diff",
			         x->p.label[side]);
		else
			cli_warn("world.acre in %s does not parse (%u:%u: %s); showing a "
			         "line diff",
			         x->p.label[side], d.v[0].line, d.v[0].col, d.v[0].msg);
		wf_world_free(w);
		w = NULL;
	}
	wf_diags_free(&d);
	return w;
}

static int diff_lines(struct diff_ctx *x)
{
	char *patch;
	store_err err;
	if (store_text_diff(x->p.text[0] ? x->p.text[0] : "", x->p.len[0],
	                    x->p.text[1] ? x->p.text[1] : "", x->p.len[1], "world.acre",
	                    &patch, &err) != 0) {
		cli_error("%s", err.msg);
		return -1;
	}
	fputs(patch, stdout);
	free(patch);
	return 0;
}

static int diff_run(struct diff_ctx *x)
{
	printf("diff %s (%s) -> ", x->p.rev[0], x->p.label[0]);
	if (x->p.rev[1])
		printf("%s (%s)\n", x->p.rev[1], x->p.label[1]);
	else
		printf("working tree\n");
	if (!(x->w[0] = diff_parse(x, 0)) || !(x->w[1] = diff_parse(x, 1)))
		return diff_lines(x);
	if (wf_diff_worlds(x->w[0], x->w[1], &x->d) != 0) {
		cli_error("out of memory");
		return -1;
	}
	if (x->stat) {
		for (int i = 0; i < x->d.nparcels; i++)
			stat_parcel(x, &x->d.parcels[i]);
		if (diff_scripts(x) != 0)
			return -1;
		stat_summary(x);
		return 0;
	}
	diff_world(x);
	diff_palette(x);
	diff_zones(x);
	for (int i = 0; i < x->d.nparcels; i++)
		diff_parcel(x, &x->d.parcels[i]);
	return diff_scripts(x);
}

static int cmd_diff(int argc, char **argv)
{
	struct diff_opts o = {0};
	struct diff_ctx x = {0};
	store_err err;
	int status;
	int n = cli_args(&cmd_diff_entry, argc, argv, diff_opt, &o, &status);
	if (n < 0)
		return status;
	if (n > 2)
		return cli_usage(&cmd_diff_entry, "at most two revisions");
	if (!(x.r = cmd_store_repo(o.world)))
		return CLI_USAGE;
	x.stat = o.stat;
	int rc = store_pair_load(x.r, n ? argv[0] : "HEAD", n > 1 ? argv[1] : NULL, &x.p,
	                         &err);
	if (rc != 0)
		cli_error("%s", err.msg);
	else
		rc = diff_run(&x);
	wf_diff_free(&x.d);
	wf_world_free(x.w[0]);
	wf_world_free(x.w[1]);
	store_pair_free(&x.p);
	store_repo_close(x.r);
	return rc == 0 ? CLI_OK : CLI_USAGE;
}

static const struct cli_opt cmd_diff_opts[] = {
	{"world", 0, "WORLD",
	 "the world directory (default: the current directory)",
	 'w'},
	{"stat", 0, NULL, "one line per changed parcel and script, and a total", 's'},
	{NULL, 0, NULL, NULL, 0},
};

const struct cmd_entry cmd_diff_entry = {
    .name = "diff",
    .usage = "[REV [REV]]",
    .summary = "show what changed, in parcels, tiles, entities and scripts",
    .help = "Compares the world at the first REV (default: HEAD) with the second\n"
            "REV, or with the working tree when there is none, and names what\n"
            "changed in the world's own terms: the world header, palette entries\n"
            "and zones; parcels added, removed, moved or resized, their owner,\n"
            "zone and script, the tiles changed per parcel (a count, the rows and\n"
            "columns, and a preview of at most 3 rows), entities added, removed,\n"
            "moved or changed; and every file under scripts/ that changed, with\n"
            "its lines added and removed and the parcels that run it. Comments and\n"
            "formatting are not changes. When either side of world.acre does not\n"
            "parse, a plain line diff of it is shown instead.\n",
    .run = cmd_diff,
    .opts = cmd_diff_opts,
};
