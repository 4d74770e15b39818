/* worldfmt_rules.c — unit tests of the domain rules worldfmt exports for
 * every layer: the guarded reader, paths, names, text, sizes and the
 * scripts of a parcel. Table-driven, each row one case. */
#include "worldfmt/worldfmt.h"
#include "tests/unit/unit.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static void test_path_check(void)
{
	static const struct {
		const char *path;
		wf_read_status want;
	} cases[] = {
	    {"scripts/a.lua", WF_READ_OK},
	    {"a", WF_READ_OK},
	    {"a/b/c.lua", WF_READ_OK},
	    {"..a/b", WF_READ_OK}, /* a name that starts with dots is a name */
	    {"", WF_READ_BADPATH},
	    {"/etc/passwd", WF_READ_BADPATH},
	    {"..", WF_READ_BADPATH},
	    {"../x", WF_READ_BADPATH},
	    {"a/../../x", WF_READ_BADPATH},
	    {"a/..", WF_READ_BADPATH},
	    {"./a", WF_READ_BADPATH},
	    {"a//b", WF_READ_BADPATH},
	    {"a/", WF_READ_BADPATH},
	    {"a\\b", WF_READ_BADPATH},
	    {"a\nb", WF_READ_BADPATH},
	    {"a\x1b[2Jb", WF_READ_BADPATH},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		CHECK(wf_path_check(cases[i].path) == cases[i].want,
		      "path check, case %zu", i);
	CHECK(wf_path_check(NULL) == WF_READ_BADPATH, "path check NULL");
	char longp[WF_MAX_STRING + 2];
	memset(longp, 'a', sizeof longp - 1);
	longp[sizeof longp - 1] = '\0';
	CHECK(wf_path_check(longp) == WF_READ_BADPATH, "a path over the cap is refused");
}

static void put(const char *dir, const char *rel, const char *text)
{
	char p[512];
	snprintf(p, sizeof p, "%s/%s", dir, rel);
	FILE *f = fopen(p, "w");
	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

static void test_reader(void)
{
	char dir[] = "/tmp/acre-reader-XXXXXX", out[] = "/tmp/acre-outside-XXXXXX";
	if (!mkdtemp(dir) || !mkdtemp(out)) {
		CHECK(0, "mkdtemp");
		return;
	}
	char p[512], q[512];
	snprintf(p, sizeof p, "%s/scripts", dir);
	mkdir(p, 0755);
	put(dir, "scripts/a.lua", "return 1\n");
	put(out, "secret", "secret\n");
	snprintf(q, sizeof q, "%s/secret", out);
	snprintf(p, sizeof p, "%s/scripts/link.lua", dir);
	CHECK(symlink(q, p) == 0, "make a link out");
	snprintf(p, sizeof p, "%s/scripts/inner.lua", dir);
	CHECK(symlink("a.lua", p) == 0, "make a link in");
	snprintf(p, sizeof p, "%s/host", dir);
	CHECK(symlink(out, p) == 0, "make a directory link");
	snprintf(p, sizeof p, "%s/fifo", dir);
	CHECK(mkfifo(p, 0644) == 0, "make a fifo");
	snprintf(p, sizeof p, "%s/loop", dir);
	CHECK(symlink("loop", p) == 0, "make a link loop");

	static const struct {
		const char *rel;
		size_t cap;
		wf_read_status want;
	} cases[] = {
	    {"scripts/a.lua", 100, WF_READ_OK},
	    {"scripts/a.lua", 9, WF_READ_OK}, /* exactly the cap */
	    {"scripts/a.lua", 8, WF_READ_TOOBIG},
	    {"scripts/none.lua", 100, WF_READ_MISSING},
	    {"scripts/link.lua", 100, WF_READ_SYMLINK},
	    {"scripts/inner.lua", 100, WF_READ_SYMLINK},
	    {"host/secret", 100, WF_READ_SYMLINK},
	    {"loop", 100, WF_READ_SYMLINK},
	    {"fifo", 100, WF_READ_NOTFILE},
	    {"scripts", 100, WF_READ_NOTFILE},
	    {"scripts/a.lua/x", 100, WF_READ_NOTFILE},
	    {"../secret", 100, WF_READ_BADPATH},
	    {"/etc/passwd", 100, WF_READ_BADPATH},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *data = NULL;
		size_t len = 0;
		wf_read_status st =
		    wf_world_read(dir, cases[i].rel, cases[i].cap, &data, &len);
		CHECK(st == cases[i].want, "read '%s' (cap %zu): %s", cases[i].rel,
		      cases[i].cap, wf_read_strerror(st));
		CHECK(wf_world_probe(dir, cases[i].rel, cases[i].cap) == cases[i].want,
		      "probe '%s' agrees", cases[i].rel);
		if (st == WF_READ_OK)
			CHECK(len == 9 && memcmp(data, "return 1\n", 10) == 0,
			      "'%s' holds its bytes, NUL-terminated", cases[i].rel);
		else
			CHECK(data == NULL, "'%s': nothing handed back", cases[i].rel);
		free(data);
	}
	char *data;
	size_t len;
	snprintf(p, sizeof p, "%s/scripts/a.lua", dir);
	CHECK(wf_read_named(p, 100, &data, &len) == WF_READ_OK && len == 9,
	      "a named file is read through its directory");
	if (len == 9)
		free(data);
	snprintf(p, sizeof p, "%s/scripts/link.lua", dir);
	CHECK(wf_read_named(p, 100, &data, &len) == WF_READ_SYMLINK,
	      "a named link is refused");
	/* wf_load says what the reader said of world.acre: missing, a link,
	 * read (whether or not it parses). */
	wf_diags d = {0};
	wf_read_status st = WF_READ_IO;
	CHECK(!wf_load_status(dir, &d, &st) && st == WF_READ_MISSING && d.n == 1,
	      "no world.acre: NULL, MISSING and one diagnostic");
	wf_diags_free(&d);
	snprintf(p, sizeof p, "%s/world.acre", dir);
	CHECK(symlink(q, p) == 0, "make world.acre a link");
	memset(&d, 0, sizeof d);
	CHECK(!wf_load_status(dir, &d, &st) && st == WF_READ_SYMLINK && d.n == 1 &&
	          strstr(d.v[0].msg, "symbolic link"),
	      "world.acre a link: NULL, SYMLINK, and the diagnostic says so");
	wf_diags_free(&d);
	unlink(p);
	put(dir, "world.acre", "world \"w\"\n  nonsense\n");
	memset(&d, 0, sizeof d);
	wf_world *w = wf_load_status(dir, &d, &st);
	CHECK(w && st == WF_READ_OK && d.errors == 1,
	      "a world.acre that is read but wrong: a world, OK, its error");
	wf_world_free(w);
	wf_diags_free(&d);
	snprintf(p, sizeof p, "rm -rf %s %s", dir, out);
	CHECK(system(p) == 0, "clean up");
}

static void test_names(void)
{
	static const struct {
		const char *s;
		bool ok;
	} cases[] = {
	    {"plaza", true}, {"a.b-c_d", true}, {"X9", true},
	    {"", false},     {"-x", false},     {".x", false},
	    {"a b", false},  {"a/b", false},    {"caf\xc3\xa9", false},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		CHECK(wf_name_ok(cases[i].s, strlen(cases[i].s)) == cases[i].ok,
		      "name '%s'", cases[i].s);
	char big[WF_MAX_NAME + 2];
	memset(big, 'a', sizeof big);
	CHECK(wf_name_ok(big, WF_MAX_NAME), "a name of the maximum length");
	CHECK(!wf_name_ok(big, WF_MAX_NAME + 1), "a name one byte longer");
	CHECK(wf_text_ok("caf\xc3\xa9 \"q\"\n\t"), "text: UTF-8, quotes, newline, tab");
	CHECK(!wf_text_ok("a\x01"), "text: a control byte");
	CHECK(!wf_text_ok("\xc3"), "text: a cut sequence");
	CHECK(wf_utf8_valid("a\xe2\x82\xac", 4), "utf8: a euro sign");
	CHECK(!wf_utf8_valid("\xed\xa0\x80", 3), "utf8: a surrogate");
	CHECK(!wf_utf8_valid("\xc0\xaf", 2), "utf8: an overlong slash");
}

static void test_sizes(void)
{
	static const struct {
		const char *s;
		uint64_t max, want;
		bool ok;
	} cases[] = {
	    {"65536", UINT64_MAX, 65536, true},
	    {"64KiB", UINT64_MAX, 65536, true},
	    {"2mib", UINT64_MAX, 2 << 20, true},
	    {"1G", UINT64_MAX, 1 << 30, true},
	    {"7B", UINT64_MAX, 7, true},
	    {"1TiB", UINT64_MAX, 0, false},
	    {"", UINT64_MAX, 0, false},
	    {"K", UINT64_MAX, 0, false},
	    {"-1", UINT64_MAX, 0, false},
	    {"1.5M", UINT64_MAX, 0, false},
	    {"1024G", WF_MAX_MEMORY, (uint64_t)1 << 40, true},
	    {"1025G", WF_MAX_MEMORY, 0, false},
	    {"8589934592G", WF_MAX_MEMORY, 0, false}, /* would wrap to negative */
	    {"17179869185G", UINT64_MAX, 0, false},   /* would wrap past 2^64 */
	    {"99999999999999999999999", UINT64_MAX, 0, false},
	    {"18446744073709551615", UINT64_MAX, UINT64_MAX, true},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		uint64_t v = 0;
		bool ok = wf_size_parse(cases[i].s, strlen(cases[i].s), cases[i].max, &v);
		CHECK(ok == cases[i].ok && (!ok || v == cases[i].want), "size '%s'",
		      cases[i].s);
	}
}

static void test_parcel_scripts(void)
{
	static const char src[] =
	    "world \"s\"\n  size 2 1\n  parcel-size 2 1\n"
	    "palette\n  \".\" floor\n  \"*\" lamp script=\"scripts/lamp.lua\"\n"
	    "  \"#\" wall script=\"scripts/a.lua\"\nend\n"
	    "parcel a 0 0\n  script \"scripts/a.lua\"\n  layout\n    *#\n  end\n"
	    "  entity e 0 0 script=\"scripts/e.lua\"\n"
	    "  entity f 1 0 script=\"scripts/a.lua\"\nend\n"
	    "parcel b 1 0\nend\n";
	wf_diags d = {0};
	wf_world *w = wf_parse(src, sizeof src - 1, "w", &d);
	CHECK(w && d.errors == 0, "the world parses");
	if (!w || d.errors) {
		wf_diags_free(&d);
		wf_world_free(w);
		return;
	}
	const char *list[4];
	int n = wf_parcel_scripts(w, &w->parcels[0], list, 4);
	CHECK(n == 3 && strcmp(list[0], "scripts/a.lua") == 0 &&
	          strcmp(list[1], "scripts/e.lua") == 0 &&
	          strcmp(list[2], "scripts/lamp.lua") == 0,
	      "own, entities', then glyphs' scripts, each once");
	CHECK(wf_parcel_scripts(w, &w->parcels[0], list, 2) == 3,
	      "more than max says so");
	CHECK(wf_parcel_scripts(w, &w->parcels[1], list, 4) == 0 &&
	          !wf_parcel_scripted(w, &w->parcels[1]),
	      "a parcel of floor runs nothing");
	CHECK(wf_parcel_scripted(w, &w->parcels[0]),
	      "a parcel with a script is scripted");
	uint8_t mark[2] = {0, 0};
	CHECK(wf_mark_script_users(w, "scripts/lamp.lua", mark) == 1 && mark[0] &&
	          !mark[1],
	      "a glyph's script marks the parcel that shows the glyph");
	mark[0] = 0;
	CHECK(wf_mark_script_users(w, "scripts/lib/util.lua", mark) == 0 && mark[0] &&
	          !mark[1],
	      "a module marks every scripted parcel");
	wf_world_free(w);
	wf_diags_free(&d);
}

int main(void)
{
	test_path_check();
	test_reader();
	test_names();
	test_sizes();
	test_parcel_scripts();
	return unit_done();
}
