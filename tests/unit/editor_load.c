/* editor_load.c — the editor's two-half parse gives the same world as the
 * ordinary parse: same canonical text, same line numbers, same comments;
 * and files it cannot split safely fall back to the ordinary parse. */
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
	append(path, "# a comment at the very end\n");
	compare(path, "a comment at the end", true);
	append(path, "zone late\n  allow tiles\nend\n");
	compare(path, "a zone after the parcels", false);
	char cmd[512];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	return system(cmd) == 0 ? unit_done() : 1;
}
