/* json.c — the JSON writers of a check_report: Acre's own schema
 * (`--format json`, documented in acre-check(1), SCHEMA) and SARIF 2.1.0
 * (`--format sarif`) for code-scanning dashboards. Both are built as jansson
 * trees; every string goes through check_utf8_clean first, since a world file
 * may hold any bytes and JSON may not. */
#include "check/report.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Bumped when a field changes meaning or goes away (adding one does not). */
#define CHECK_JSON_SCHEMA 1

/* A JSON string from any bytes, or null for NULL. */
static json_t *jstr(const char *s)
{
	if (!s)
		return json_null();
	char *clean = check_utf8_clean(s);
	json_t *j = clean ? json_string(clean) : NULL;
	free(clean);
	return j;
}

static json_t *jhex(bool have, uint64_t v)
{
	char buf[17];
	if (!have)
		return json_null();
	snprintf(buf, sizeof buf, "%016llx", (unsigned long long)v);
	return json_string(buf);
}

/* json_object_set_new that remembers a failure instead of returning it, so
 * that building a tree reads as a list of fields. */
static void set(json_t *o, const char *key, json_t *v, bool *ok)
{
	if (!v || json_object_set_new(o, key, v) != 0)
		*ok = false;
}

static void push(json_t *a, json_t *v, bool *ok)
{
	if (!v || json_array_append_new(a, v) != 0)
		*ok = false;
}

static json_t *json_finding(const check_report *r, const check_finding *x, bool *ok)
{
	json_t *o = json_object();
	if (!o) {
		*ok = false;
		return NULL;
	}
	set(o, "severity", json_string(check_severity_name(x->severity)), ok);
	set(o, "rule", json_string(x->rule), ok);
	set(o, "parcel", jstr(x->parcel >= 0 ? r->parcels[x->parcel].name : NULL), ok);
	set(o, "file", jstr(x->file), ok);
	set(o, "line", x->line ? json_integer(x->line) : json_null(), ok);
	set(o, "col", x->col ? json_integer(x->col) : json_null(), ok);
	set(o, "message", jstr(x->msg), ok);
	set(o, "used", x->limit >= 0 ? json_integer(x->used) : json_null(), ok);
	set(o, "limit", x->limit >= 0 ? json_integer(x->limit) : json_null(), ok);
	return o;
}

static json_t *json_figure(int64_t v)
{
	return v >= 0 ? json_integer(v) : json_null();
}

static json_t *json_parcel(const check_parcel *p, bool *ok)
{
	json_t *o = json_object();
	if (!o) {
		*ok = false;
		return NULL;
	}
	set(o, "name", jstr(p->name), ok);
	set(o, "owner", jstr(p->owner), ok);
	set(o, "status", json_string(p->errors ? "invalid" : "valid"), ok);
	set(o, "source", json_string(check_source_name(p->source)), ok);
	set(o, "scripted", json_boolean(p->scripted), ok);
	set(o, "changed", json_boolean(p->changed), ok);
	set(o, "removed", json_boolean(p->removed), ok);
	set(o, "errors", json_integer(p->errors), ok);
	set(o, "warnings", json_integer(p->warnings), ok);
	set(o, "peak_instructions", json_figure(p->peak_instructions), ok);
	set(o, "peak_memory", json_figure(p->peak_memory), ok);
	set(o, "state_hash", jhex(p->has_hash, p->state_hash), ok);
	return o;
}

static json_t *json_summary(const check_report *r, bool *ok)
{
	int scripted = 0, ran = 0, cached = 0, failing = 0;
	for (int i = 0; i < r->nparcels; i++) {
		const check_parcel *p = &r->parcels[i];
		scripted += p->scripted;
		ran += p->scripted && p->source == CHECK_RAN;
		cached += p->scripted && p->source == CHECK_CACHED;
		failing += p->errors > 0;
	}
	json_t *o = json_object();
	if (!o) {
		*ok = false;
		return NULL;
	}
	set(o, "errors", json_integer(r->errors), ok);
	set(o, "warnings", json_integer(r->warnings), ok);
	set(o, "notes", json_integer(r->notes), ok);
	set(o, "unlisted", json_integer(r->dropped), ok);
	set(o, "parcels", json_integer(r->nparcels), ok);
	set(o, "failing", json_integer(failing), ok);
	set(o, "scripted", json_integer(scripted), ok);
	set(o, "ran", json_integer(ran), ok);
	set(o, "cached", json_integer(cached), ok);
	set(o, "seconds", json_real(round(r->seconds * 1000) / 1000), ok);
	return o;
}

static json_t *json_run(const check_report *r, bool *ok)
{
	if (!r->ran)
		return json_null();
	json_t *o = json_object();
	json_t *h = json_array();
	if (!o || !h) {
		json_decref(o);
		json_decref(h);
		*ok = false;
		return NULL;
	}
	push(h, jhex(true, r->state_hash[0]), ok);
	push(h, jhex(true, r->state_hash[1]), ok);
	set(o, "ticks", json_integer(r->ticks), ok);
	set(o, "state_hashes", h, ok);
	set(o, "deterministic", json_boolean(r->state_hash[0] == r->state_hash[1]), ok);
	return o;
}

static int dump(FILE *out, json_t *root, bool ok)
{
	int rc = -1;
	if (ok && json_dumpf(root, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER) == 0) {
		fputc('\n', out);
		rc = fflush(out) == 0 && !ferror(out) ? 0 : -1;
	}
	json_decref(root);
	return rc;
}

int check_write_json(FILE *out, const check_report *r)
{
	bool ok = true;
	json_t *root = json_object();
	json_t *findings = json_array(), *parcels = json_array();
	if (!root || !findings || !parcels) {
		json_decref(root);
		json_decref(findings);
		json_decref(parcels);
		return -1;
	}
	set(root, "schema", json_integer(CHECK_JSON_SCHEMA), &ok);
	set(root, "tool", json_string("acre " ACRE_VERSION), &ok);
	set(root, "world", jstr(r->world), &ok);
	set(root, "name", jstr(r->name), &ok);
	set(root, "valid", json_boolean(check_report_valid(r)), &ok);
	set(root, "commit", jstr(r->commit), &ok);
	set(root, "base", jstr(r->base), &ok);
	set(root, "as", jstr(r->as), &ok);
	set(root, "summary", json_summary(r, &ok), &ok);
	set(root, "run", json_run(r, &ok), &ok);
	for (int i = 0; i < r->nfindings && ok; i++)
		push(findings, json_finding(r, &r->findings[i], &ok), &ok);
	set(root, "findings", findings, &ok);
	for (int i = 0; i < r->nparcels && ok; i++)
		push(parcels, json_parcel(&r->parcels[i], &ok), &ok);
	set(root, "parcels", parcels, &ok);
	return dump(out, root, ok);
}

/* ---- SARIF 2.1.0 ------------------------------------------------------------
 * One run; the driver lists every rule of check_rules[]; each finding is a
 * result with ruleId/ruleIndex, level, message.text and, when it has a file,
 * a physical location (uri relative to the current directory, region only
 * when the line is known). The parcel is a logical location. */

/* A URI for a path: unreserved bytes and '/' as they are, everything else
 * percent-encoded (spaces, '#', '?', ':', non-ASCII), after `prefix` and
 * before `suffix`. */
static json_t *sarif_uri(const char *prefix, const char *path, const char *suffix)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t n = strlen(prefix) + strlen(path) * 3 + strlen(suffix);
	char *u = malloc(n + 1), *o = u;
	if (!u)
		return NULL;
	o = stpcpy(o, prefix);
	for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		    (*p >= '0' && *p <= '9') || strchr("-._~/", *p)) {
			*o++ = (char)*p;
		} else {
			*o++ = '%';
			*o++ = hex[*p >> 4];
			*o++ = hex[*p & 15];
		}
	}
	strcpy(o, suffix);
	json_t *j = json_string(u);
	free(u);
	return j;
}

#define SRCROOT "%SRCROOT%"

static json_t *sarif_text(const char *s)
{
	return json_pack("{s:o}", "text", jstr(s));
}

static json_t *sarif_rules(bool *ok)
{
	json_t *a = json_array();
	if (!a) {
		*ok = false;
		return NULL;
	}
	for (int i = 0; check_rules[i].id; i++)
		push(a, json_pack("{s:s, s:o}", "id", check_rules[i].id,
		                  "shortDescription", sarif_text(check_rules[i].text)),
		     ok);
	return a;
}

static json_t *sarif_location(const check_report *r, const check_finding *x, bool *ok)
{
	json_t *loc = json_object();
	if (!loc) {
		*ok = false;
		return NULL;
	}
	if (x->file) {
		/* A relative path is relative to where the check ran (the
		 * checkout's root in CI): %SRCROOT%. An absolute one is a file:
		 * URI of its own, without a base (SARIF1004). */
		json_t *phys =
		    x->file[0] == '/'
		        ? json_pack("{s:{s:o}}", "artifactLocation", "uri",
		                    sarif_uri("file://", x->file, ""))
		        : json_pack("{s:{s:o, s:s}}", "artifactLocation", "uri",
		                    sarif_uri("", x->file, ""), "uriBaseId", SRCROOT);
		if (phys && x->line) {
			json_t *region = json_pack("{s:i}", "startLine", (json_int_t)x->line);
			if (region && x->col)
				set(region, "startColumn", json_integer(x->col), ok);
			set(phys, "region", region, ok);
		}
		set(loc, "physicalLocation", phys, ok);
	}
	if (x->parcel >= 0)
		set(loc, "logicalLocations",
		    json_pack("[{s:o, s:s}]", "name", jstr(r->parcels[x->parcel].name),
		              "kind", "module"),
		    ok);
	return loc;
}

static json_t *sarif_result(const check_report *r, const check_finding *x, bool *ok)
{
	static const char *const level[] = {"error", "warning", "note"};
	char *text = NULL;
	if (x->limit >= 0 &&
	    asprintf(&text, "%s (used %lld of %lld)", x->msg, (long long)x->used,
	             (long long)x->limit) < 0)
		text = NULL;
	json_t *res = json_pack("{s:s, s:i, s:s, s:o}", "ruleId", x->rule, "ruleIndex",
	                        (json_int_t)check_rule_index(x->rule), "level",
	                        level[x->severity], "message",
	                        sarif_text(text ? text : x->msg));
	free(text);
	if (!res) {
		*ok = false;
		return NULL;
	}
	json_t *locs = json_array();
	json_t *loc = sarif_location(r, x, ok);
	if (loc && json_object_size(loc))
		push(locs, loc, ok);
	else
		json_decref(loc);
	set(res, "locations", locs, ok);
	return res;
}

int check_write_sarif(FILE *out, const check_report *r)
{
	bool ok = true;
	json_t *results = json_array();
	for (int i = 0; i < r->nfindings && ok && results; i++)
		push(results, sarif_result(r, &r->findings[i], &ok), &ok);
	json_t *driver = json_pack("{s:s, s:s, s:o}", "name", "acre", "version",
	                           ACRE_VERSION, "rules", sarif_rules(&ok));
	json_t *run = json_pack("{s:{s:o}, s:o, s:[{s:b}]}", "tool", "driver", driver,
	                        "results", results, "invocations",
	                        "executionSuccessful", 1);
	/* Where %SRCROOT% is: the directory the check ran in. */
	char *cwd = getcwd(NULL, 0);
	if (run && cwd && strcmp(cwd, "/") != 0)
		set(run, "originalUriBaseIds",
		    json_pack("{s:{s:o}}", SRCROOT, "uri", sarif_uri("file://", cwd, "/")),
		    &ok);
	free(cwd);
	json_t *root = json_pack("{s:s, s:s, s:[o]}", "$schema",
	                         "https://json.schemastore.org/sarif-2.1.0.json",
	                         "version", "2.1.0", "runs", run);
	return dump(out, root, ok && root);
}
