/* check-report.c — the report writers of `acre check` on a fixed report:
 * exact text and GitHub annotations, and JSON, JUnit and SARIF read back by
 * real parsers (python3's json and xml.etree), hostile strings included.
 */
#include "check/report.h"

#include "tests/unit/unit.h"

#include <stdlib.h>
#include <unistd.h>

static char tmpdir[] = "/tmp/acre-check-unit.XXXXXX";

/* A report with a world-level error, a parcel with a rule error and a budget
 * finding, a parcel whose name and message need every kind of escaping, and
 * a clean one. Findings are added out of order to exercise sorting. */
static void sample(check_report *r)
{
	check_report_init(r, "w");
	check_report_set(&r->name, "neon street");
	check_report_set(&r->commit, "0123456789abcdef0123456789abcdef01234567");
	r->ran = true;
	r->ticks = 100;
	r->state_hash[0] = r->state_hash[1] = 0xfeedfacecafebeefu;
	int plaza = check_report_parcel(r, "plaza");
	int odd = check_report_parcel(r, "shop,1:%");
	int quiet = check_report_parcel(r, "quiet");
	check_report_owner(r, plaza, "ronin");
	check_report_owner(r, plaza, "hiro"); /* the registry's, over the file's */
	r->parcels[plaza].scripted = true;
	r->parcels[plaza].source = CHECK_RAN;
	r->parcels[plaza].peak_instructions = 1000001;
	r->parcels[plaza].peak_memory = 40960;
	r->parcels[quiet].scripted = true;
	r->parcels[quiet].source = CHECK_CACHED;
	r->parcels[quiet].has_hash = true;
	r->parcels[quiet].state_hash = 42;
	check_report_add_limit(r, CHECK_ERROR, "instructions", "w/scripts/plaza.lua", 4,
	                       plaza, 1000001, 1000000,
	                       "on_tick: instruction budget exhausted");
	check_report_add(r, CHECK_ERROR, "rules", "w/world.acre", 12, 5, plaza,
	                 "entity 'lamp' at 40 7 is outside parcel 'plaza'");
	check_report_add(r, CHECK_WARNING, "rules", "w/world.acre", 30, 1, odd,
	                 "odd <name> & \"quotes\" 'too', 100%%\nsecond line\r\x01 \xff!");
	check_report_add(r, CHECK_ERROR, "format", "w/world.acre", 3, 1, -1,
	                 "expected 'end' before end of file");
	check_report_add(r, CHECK_NOTE, "registry", NULL, 0, 0, -1,
	                 "no earlier results in the registry");
	check_report_sort(r);
}

/* Write the report in `fmt` to a file under tmpdir; return its path. */
static const char *write_to(const check_report *r, check_format fmt, const char *name)
{
	static char path[256];
	snprintf(path, sizeof path, "%s/%s", tmpdir, name);
	FILE *f = fopen(path, "w");
	int rc = f ? check_write(f, r, fmt, false) : -1;
	if (f)
		fclose(f);
	return rc == 0 ? path : NULL;
}

/* The file's text, or a marker that fails every comparison. */
static const char *slurp(const char *path)
{
	FILE *f = path ? fopen(path, "rb") : NULL;
	if (!f)
		return "(not written)";
	static char buf[65536];
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/* Run a python3 program over a file; true when it exits 0. */
static bool python_ok(const char *prog, const char *file)
{
	char cmd[4096];
	snprintf(cmd, sizeof cmd, "python3 -c '%s' '%s' >&2", prog, file);
	return system(cmd) == 0;
}

static void test_model(void)
{
	check_report r;
	check_report_init(&r, "w");
	char name[32];
	for (int i = 0; i < 5000; i++) {
		snprintf(name, sizeof name, "p%d", i);
		check_report_parcel(&r, name);
	}
	CHECK(r.nparcels == 5000, "5000 distinct parcels are added");
	CHECK(check_report_parcel(&r, "p4321") == 4321, "adding again finds the parcel");
	CHECK(check_report_find(&r, "p17") == 17, "find by name after the index grew");
	CHECK(check_report_find(&r, "nope") == -1, "an unknown name is -1");
	/* Room made ahead (a world's parcels at once) keeps every name found. */
	CHECK(check_report_reserve(&r, 70000) == 0 && r.parcels_cap >= 75000,
	      "room for 70000 more parcels");
	for (int i = 5000; i < 75000; i++) {
		snprintf(name, sizeof name, "p%d", i);
		check_report_parcel(&r, name);
	}
	CHECK(r.nparcels == 75000 && check_report_find(&r, "p17") == 17 &&
	          check_report_find(&r, "p74999") == 74999 &&
	          check_report_parcel(&r, "p4321") == 4321,
	      "parcels added after the reserve are found, as are those before");
	/* Names known to be new go in without a lookup; the index catches up
	 * at the next one. */
	for (int i = 75000; i < 76000; i++) {
		snprintf(name, sizeof name, "p%d", i);
		check_report_append(&r, name);
	}
	CHECK(r.nparcels == 76000 && check_report_find(&r, "p75500") == 75500 &&
	          check_report_parcel(&r, "p75999") == 75999 &&
	          check_report_parcel(&r, "p76000") == 76000 &&
	          check_report_find(&r, "p17") == 17,
	      "appended parcels are found by name after the next lookup");
	check_format f;
	CHECK(check_format_parse("sarif", &f) == 0 && f == CHECK_SARIF, "format names parse");
	CHECK(check_format_parse("xml", &f) == -1, "an unknown format is refused");
	char *clean = check_utf8_clean("a\xff\xc0\x80\xed\xa0\x80z\xe2\x82\xac");
	CHECK_STR(clean, "a\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"
	                 "\xef\xbf\xbdz\xe2\x82\xac",
	          "invalid UTF-8 becomes U+FFFD byte by byte, valid text stays");
	free(clean);
	check_report_free(&r);
}

static const char want_text[] =
	"w/world.acre:3:1: error: expected 'end' before end of file [format]\n"
	"acre check: note: no earlier results in the registry [registry]\n"
	"parcel plaza (owner hiro)\n"
	"w/scripts/plaza.lua:4: error: on_tick: instruction budget exhausted "
	"(used 1000001 of 1000000) [instructions]\n"
	"w/world.acre:12:5: error: entity 'lamp' at 40 7 is outside parcel 'plaza' "
	"[rules]\n"
	"parcel shop,1:%\n"
	"w/world.acre:30:1: warning: odd <name> & \"quotes\" 'too', 100%\\nsecond "
	"line\\r\\x01 \xff! [rules]\n"
	"invalid: 3 errors, 1 warning, 1 parcel failing of 3 parcels, 2 scripted; "
	"100 ticks run twice (1 parcel ran, 1 from the registry), state "
	"feedfacecafebeef\n";

static const char want_github[] =
	"::error file=w/world.acre,line=3,col=1,title=acre check format::expected "
	"'end' before end of file\n"
	"::notice title=acre check registry::no earlier results in the registry\n"
	"::error file=w/scripts/plaza.lua,line=4,title=acre check instructions%3A "
	"parcel plaza::on_tick: instruction budget exhausted (used 1000001 of "
	"1000000)\n"
	"::error file=w/world.acre,line=12,col=5,title=acre check rules%3A parcel "
	"plaza::entity 'lamp' at 40 7 is outside parcel 'plaza'\n"
	"::warning file=w/world.acre,line=30,col=1,title=acre check rules%3A parcel "
	"shop%2C1%3A%25::odd <name> & \"quotes\" 'too', 100%25\\nsecond "
	"line\\r\\x01 \xff!\n"
	"invalid: 3 errors, 1 warning, 1 parcel failing of 3 parcels, 2 scripted; "
	"100 ticks run twice (1 parcel ran, 1 from the registry), state "
	"feedfacecafebeef\n";

static void test_text(const check_report *r)
{
	const char *p = write_to(r, CHECK_TEXT, "report.txt");
	CHECK(p, "text is written");
	CHECK_STR(slurp(p), want_text, "text: exact output, grouped by parcel");
	p = write_to(r, CHECK_GITHUB, "report.gh");
	CHECK_STR(slurp(p), want_github,
	          "github: annotations with %% , : escaped, control bytes shown");
	check_report ok;
	check_report_init(&ok, "w");
	check_report_parcel(&ok, "a");
	check_report_sort(&ok);
	p = write_to(&ok, CHECK_TEXT, "ok.txt");
	CHECK_STR(slurp(p), "valid: 1 parcel, 0 scripted\n",
	          "text: a valid world without scripts is one summary line");
	check_report_free(&ok);
}

static const char json_prog[] =
	"import json,sys\n"
	"d=json.load(open(sys.argv[1]))\n"
	"assert d[\"schema\"]==1 and d[\"valid\"] is False, d\n"
	"assert d[\"name\"]==\"neon street\" and d[\"world\"]==\"w\"\n"
	"assert d[\"summary\"][\"errors\"]==3 and d[\"summary\"][\"warnings\"]==1\n"
	"assert d[\"summary\"][\"parcels\"]==3 and d[\"summary\"][\"failing\"]==1\n"
	"assert d[\"run\"][\"state_hashes\"]==[\"feedfacecafebeef\"]*2\n"
	"assert d[\"run\"][\"deterministic\"] is True\n"
	"f=d[\"findings\"]\n"
	"assert [x[\"rule\"] for x in f]==[\"format\",\"registry\",\"instructions\",\"rules\",\"rules\"], f\n"
	"assert f[0][\"parcel\"] is None and f[0][\"line\"]==3 and f[0][\"col\"]==1\n"
	"assert f[2][\"used\"]==1000001 and f[2][\"limit\"]==1000000 and f[2][\"col\"] is None\n"
	"assert f[4][\"parcel\"]==\"shop,1:%\"\n"
	"assert f[4][\"message\"].endswith(\"line\\r\\x01 \\ufffd!\"), f[4]\n"
	"p=d[\"parcels\"]\n"
	"assert [x[\"name\"] for x in p]==[\"plaza\",\"shop,1:%\",\"quiet\"]\n"
	"assert p[0][\"status\"]==\"invalid\" and p[0][\"peak_instructions\"]==1000001\n"
	"assert p[2][\"source\"]==\"cached\" and p[2][\"state_hash\"]==\"000000000000002a\"\n";

static const char junit_prog[] =
	"import sys,xml.etree.ElementTree as E\n"
	"t=E.parse(sys.argv[1]).getroot()\n"
	"assert t.tag==\"testsuites\" and t.get(\"tests\")==\"4\" and t.get(\"failures\")==\"2\"\n"
	"c=t.findall(\"testsuite/testcase\")\n"
	"assert [x.get(\"name\") for x in c]==[\"world\",\"parcel plaza\",\"parcel shop,1:%\",\"parcel quiet\"]\n"
	"assert c[0].find(\"failure\") is not None and c[2].find(\"failure\") is None\n"
	"f=c[1].find(\"failure\").text\n"
	"assert \"w/world.acre:12:5: error: entity\" in f, f\n"
	"assert c[0].get(\"classname\")==\"neon street\"\n";

static const char sarif_prog[] =
	"import json,sys\n"
	"d=json.load(open(sys.argv[1]))\n"
	"assert d[\"version\"]==\"2.1.0\" and len(d[\"runs\"])==1\n"
	"r=d[\"runs\"][0]\n"
	"rules=[x[\"id\"] for x in r[\"tool\"][\"driver\"][\"rules\"]]\n"
	"assert r[\"tool\"][\"driver\"][\"name\"]==\"acre\"\n"
	"res=r[\"results\"]\n"
	"assert len(res)==5\n"
	"for x in res: assert rules[x[\"ruleIndex\"]]==x[\"ruleId\"] and x[\"level\"] in (\"error\",\"warning\",\"note\") and x[\"message\"][\"text\"]\n"
	"l=res[3][\"locations\"][0]\n"
	"assert l[\"physicalLocation\"][\"artifactLocation\"][\"uri\"]==\"w/world.acre\"\n"
	"assert l[\"physicalLocation\"][\"region\"]=={\"startLine\":12,\"startColumn\":5}\n"
	"assert l[\"logicalLocations\"][0][\"name\"]==\"plaza\"\n"
	"assert res[1][\"locations\"]==[] and res[1][\"level\"]==\"note\"\n"
	"assert \"startColumn\" not in res[2][\"locations\"][0][\"physicalLocation\"][\"region\"]\n"
	"assert \"(used 1000001 of 1000000)\" in res[2][\"message\"][\"text\"]\n";

static void test_parsed(const check_report *r)
{
	const char *p = write_to(r, CHECK_JSON, "report.json");
	CHECK(p && python_ok(json_prog, p), "json: parses and holds the schema's fields");
	p = write_to(r, CHECK_JUNIT, "report.xml");
	CHECK(p && python_ok(junit_prog, p), "junit: parses as XML, one testcase per parcel");
	p = write_to(r, CHECK_SARIF, "report.sarif");
	CHECK(p && python_ok(sarif_prog, p), "sarif: 2.1.0 fields, rules, regions");
}

/* A world at an absolute path holding XML's specials, and a message that
 * tries to start workflow commands and drive the terminal. */
static const char hostile_junit_prog[] =
	"import sys,xml.etree.ElementTree as E\n"
	"t=E.parse(sys.argv[1]).getroot()\n"
	"f=t.find(\"testsuite/testcase/failure\").text\n"
	"assert f.startswith(\"/abs/odd &<>\\\"/world.acre:2:1: error: \"), f\n";

static const char hostile_sarif_prog[] =
	"import json,sys\n"
	"r=json.load(open(sys.argv[1]))[\"runs\"][0]\n"
	"a=[x[\"locations\"][0][\"physicalLocation\"][\"artifactLocation\"] for x in r[\"results\"]]\n"
	"assert a[0]=={\"uri\":\"file:///abs/odd%20%26%3C%3E%22/world.acre\"}, a\n"
	"assert a[1]=={\"uri\":\"rel/world.acre\",\"uriBaseId\":\"%SRCROOT%\"}, a\n"
	"u=r[\"originalUriBaseIds\"][\"%SRCROOT%\"][\"uri\"]\n"
	"assert u.startswith(\"file:///\") and u.endswith(\"/\"), u\n";

static void test_hostile(void)
{
	check_report r;
	check_report_init(&r, "/abs/odd &<>\"");
	check_report_add(&r, CHECK_ERROR, "runtime", "/abs/odd &<>\"/world.acre", 2, 1,
	                 -1, "x\n::error::forged\x1b[2J\x07 %%0A");
	check_report_add(&r, CHECK_ERROR, "rules", "rel/world.acre", 3, 0, -1, "y");
	check_report_sort(&r);
	const char *p = write_to(&r, CHECK_GITHUB, "hostile.gh");
	const char *gh = p ? slurp(p) : NULL;
	CHECK(gh && strstr(gh, "::error file=/abs/odd &<>\"/world.acre,line=2,col=1,"
	                       "title=acre check runtime::x\\n::error::forged\\x1b[2J"
	                       "\\x07 %250A\n"),
	      "github: a message cannot start a command or hold a control byte");
	bool clean = gh != NULL;
	for (const char *c = gh; c && *c; c++)
		if ((unsigned char)*c < 0x20 && *c != '\n')
			clean = false;
	CHECK(clean, "github: no control byte but the line ends");
	p = write_to(&r, CHECK_TEXT, "hostile.txt");
	const char *txt = p ? slurp(p) : NULL;
	CHECK(txt && strstr(txt, "world.acre:2:1: error: x\\n::error::forged\\x1b[2J\\x07"),
	      "text: the same message escaped");
	p = write_to(&r, CHECK_JUNIT, "hostile.xml");
	CHECK(p && python_ok(hostile_junit_prog, p),
	      "junit: a world path with & < > \" is well-formed XML");
	p = write_to(&r, CHECK_SARIF, "hostile.sarif");
	CHECK(p && python_ok(hostile_sarif_prog, p),
	      "sarif: an absolute path is a file: URI without a base; a relative one "
	      "has %%SRCROOT%%");
	check_report_free(&r);
}

int main(void)
{
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 1;
	}
	check_report r;
	sample(&r);
	test_model();
	test_text(&r);
	test_parsed(&r);
	test_hostile();
	check_report_free(&r);
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		perror("rm");
	return unit_done();
}
