/* editor_load.c — the editor's two-half parse gives the same world as the
 * ordinary parse: same canonical text, same line numbers, same comments;
 * and files it cannot split safely fall back to the ordinary parse. And
 * its background jobs (bg.c): a validation in a child reports exactly
 * what wf_validate finds, and a save writes the world as it was when the
 * save began, whatever is edited meanwhile. */
#include "editor/ui.h"
#include "tests/unit/unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char *written(const wf_world *w)
{
	wf_buf b = {0};
	if (wf_write(w, &b) != 0)
		return NULL;
	char *s = realloc(b.data, b.len + 1);
	if (s)
		s[b.len] = 0;
	return s;
}

/* Load `path` both ways and compare. */
static void compare(const char *path, const char *what, bool expect_split)
{
	wf_diags d1 = {0}, d2 = {0};
	wf_world *keep = NULL;
	wf_world *a = ed_load(path, path, &keep, &d1);
	char *buf;
	size_t len;
	wf_world *b = NULL;
	char dir[256];
	snprintf(dir, sizeof dir, "%.*s", (int)(strrchr(path, '/') - path), path);
	if (wf_world_read(dir, "world.acre", WF_MAX_WORLD_BYTES, &buf, &len) == WF_READ_OK) {
		b = wf_parse(buf, len, path, &d2);
		free(buf);
	}
	CHECK(a && b, "%s: both parse", what);
	CHECK((keep != NULL) == expect_split, "%s: %s", what,
	      expect_split ? "parsed in two halves" : "parsed whole");
	if (a && b) {
		char *ta = written(a), *tb = written(b);
		CHECK(ta && tb && strcmp(ta, tb) == 0, "%s: the same canonical text",
		      what);
		free(ta);
		free(tb);
		bool lines = a->nparcels == b->nparcels;
		for (int i = 0; lines && i < a->nparcels; i++) {
			lines = a->parcels[i].line == b->parcels[i].line &&
			        a->parcels[i].layout_line == b->parcels[i].layout_line;
			for (int e = 0; lines && e < a->parcels[i].nentities; e++)
				lines = a->parcels[i].entities[e].line ==
				        b->parcels[i].entities[e].line;
		}
		CHECK(lines, "%s: the same line numbers", what);
		CHECK(d1.n == d2.n, "%s: the same diagnostics (%d, %d)", what, d1.n,
		      d2.n);
	}
	wf_world_free(a);
	wf_world_free(b);
	wf_world_free(keep);
	wf_diags_free(&d1);
	wf_diags_free(&d2);
}

/* The problems of the world in `dir` with a script gone, found by a child
 * and by wf_validate here; then a save in a child while the model is
 * edited. */
static void background(const char *dir)
{
	char script[512], moved[512];
	snprintf(script, sizeof script, "%s/scripts/shop.lua", dir);
	snprintf(moved, sizeof moved, "%s/shop.lua.away", dir);
	CHECK(rename(script, moved) == 0, "a script goes away");
	char path[512];
	snprintf(path, sizeof path, "%s/world.acre", dir);
	wf_diags d = {0}, here = {0}, got;
	wf_world *keep = NULL;
	ed_ui *u = calloc(1, sizeof *u);
	u->dir = strdup(dir);
	ed_model_init(&u->m, ed_load(path, path, &keep, &d));
	wf_validate(u->m.w, dir, "world.acre", &here);
	ed_bg *j = ed_bg_start(u, BG_VALIDATE, NULL);
	CHECK(j != NULL, "a validation starts in a child");
	ed_bg_wait(j);
	CHECK(ed_bg_diags(j, &got) == 0, "and reports whole");
	CHECK(got.n == here.n && got.errors == here.errors && got.dropped == here.dropped &&
	          here.errors > 0,
	      "the same problems (%d errors, %d kept) as here (%d, %d)", got.errors, got.n,
	      here.errors, here.n);
	bool same = got.n == here.n;
	for (int i = 0; same && i < got.n; i++) {
		const wf_diag *a = &got.v[i], *b = &here.v[i];
		same = a->severity == b->severity && a->line == b->line && a->col == b->col &&
		       a->end_col == b->end_col && a->rule == b->rule &&
		       strcmp(a->msg, b->msg) == 0 && strcmp(a->file, b->file) == 0 &&
		       !a->parcel == !b->parcel && (!a->parcel || !strcmp(a->parcel, b->parcel)) &&
		       !a->help == !b->help && (!a->help || !strcmp(a->help, b->help));
	}
	CHECK(same, "each problem the same, field by field");
	ed_bg_free(j);
	wf_diags_free(&got);
	wf_diags_free(&here);
	rename(moved, script);

	/* A save: the model is painted right after the fork; the file holds
	 * the world before the paint. */
	char *before = written(u->m.w);
	ed_save_begin(&u->m);
	j = ed_bg_start(u, BG_SAVE, path);
	CHECK(j != NULL, "a save starts in a child");
	int x = u->m.w->parcels[0].px * u->m.w->parcel_w,
	    y = u->m.w->parcels[0].py * u->m.w->parcel_h;
	CHECK(ed_paint(&u->m, x + 1, y + 1, ed_tile(&u->m, x + 1, y + 1) == 1 ? 0 : 1) == 0,
	      "an edit while it saves");
	ed_bg_wait(j);
	int err = 0;
	CHECK(ed_bg_result(j, &err) == 0 && ed_bg_text_done(j), "the save succeeds (%s)",
	      strerror(err));
	ed_save_end(&u->m, true);
	CHECK(ed_dirty(&u->m), "the edit made meanwhile is not saved");
	char *buf = NULL;
	size_t len = 0;
	CHECK(wf_world_read(dir, "world.acre", WF_MAX_WORLD_BYTES, &buf, &len) == WF_READ_OK &&
	          before && len == strlen(before) && memcmp(buf, before, len) == 0,
	      "the file is the world as it was when the save began");
	free(buf);
	free(before);
	ed_bg_free(j);
	ed_model_free(&u->m);
	wf_world_free(keep);
	wf_diags_free(&d);
	free(u->dir);
	free(u);
}

static void append(const char *path, const char *text)
{
	FILE *f = fopen(path, "a");
	fputs(text, f);
	fclose(f);
}

int main(void)
{
	char dir[] = "/tmp/acre-edload-XXXXXX", path[256], err[256];
	if (!mkdtemp(dir))
		return 1;
	wf_gen_opts o = {.parcels = 16384, .scripted_pct = 10, .seed = 7};
	snprintf(path, sizeof path, "%s/world.acre", dir);
	CHECK(wf_gen_street(dir, &o, err, sizeof err) == 0, "generate a street: %s", err);
	compare(path, "the street", true);
	background(dir);
	append(path, "# a comment at the very end\n");
	compare(path, "a comment at the end", true);
	append(path, "zone late\n  allow tiles\nend\n");
	compare(path, "a zone after the parcels", false);
	char cmd[512];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	return system(cmd) == 0 ? unit_done() : 1;
}
