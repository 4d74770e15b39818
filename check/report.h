/* report.h — what a check found, as plain data, and the writers that turn
 * it into text, JSON, JUnit XML, SARIF 2.1.0 or GitHub annotations.
 *
 * The check itself (the phases in check/) fills a check_report from whatever layer
 * found the problem — world format, static rules, the sandbox, the registry —
 * and knows nothing of output formats; the writers (report.c,
 * json.c) know nothing of how findings were made. Names carry the
 * check_ prefix: they live in check/. The JSON schema is documented in
 * acre-check(1); keep the two in step. */
#ifndef ACRE_CHECK_REPORT_H
#define ACRE_CHECK_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

typedef enum check_severity {
	CHECK_ERROR,
	CHECK_WARNING,
	CHECK_NOTE,
} check_severity;

/* One finding. Strings are owned by the report. */
typedef struct check_finding {
	check_severity severity;
	const char *rule;   /* an id from check_rules[]: "format", "rules" … */
	char *file;         /* path as shown to the user, or NULL */
	uint32_t line, col; /* 1-based; 0 when unknown */
	uint32_t end_col;   /* just past the offending token; 0 when unknown */
	const char *id;     /* the precise rule ("unknown-zone"), or NULL */
	char *help;         /* the fix in one line, or NULL */
	int parcel;         /* index into report->parcels, or -1: the whole world */
	char *msg;          /* one line, no location prefix */
	int64_t used, limit; /* for budget findings; -1 when not applicable */
	int seq;            /* insertion order, so that sorting is stable */
} check_finding;

/* Where a parcel's script results come from. */
typedef enum check_source {
	CHECK_STATIC,  /* no script: only the static rules apply */
	CHECK_RAN,     /* its scripts ran in this check */
	CHECK_CACHED,  /* unchanged since --base: script results from the registry */
	CHECK_SKIPPED, /* scripts not run (static errors came first) */
} check_source;

typedef struct check_parcel {
	/* Both in the report's string pool (check_report.strings): set the
	 * owner with check_report_owner, never free either. */
	char *name;
	char *owner;      /* the registry's owner when known, else the file's; or NULL */
	bool scripted;
	bool changed;     /* differs from --base (true when there is no base) */
	bool removed;     /* in the base, no longer in the world */
	check_source source;
	int errors, warnings;
	int64_t peak_instructions; /* most in one tick; -1 when not run */
	int64_t peak_memory;       /* bytes; -1 when not run */
	bool has_hash;
	uint64_t state_hash;       /* of the parcel's script state after the run */
} check_parcel;

typedef struct check_report {
	char *world;  /* the world directory as given */
	char *name;   /* the world's name from its file, or NULL */
	char *commit; /* the revision checked (hex), or NULL outside git */
	char *base;   /* --base as given, or NULL */
	char *as;     /* --as, or NULL */
	int64_t ticks;         /* ticks run (each run); 0 when scripts did not run */
	bool ran;              /* the headless run happened */
	uint64_t state_hash[2]; /* world state hash of run 1 and run 2 */
	check_finding *findings;
	int nfindings, findings_cap;
	check_parcel *parcels;
	int nparcels, parcels_cap;
	int *slots;            /* open-addressing name index: parcel+1, 0 free */
	size_t nslots;
	int nindexed;          /* parcels in the index (check_report_append) */
	/* Blocks holding the parcels' names and owners, freed with the
	 * report: a world of 65,536 parcels would otherwise mean 131,072
	 * allocations made and freed one by one. */
	struct check_strings *strings;
	int errors, warnings, notes;
	int dropped;           /* findings the checked layer did not record (cap) */
	double seconds;        /* wall time of the check */
} check_report;

/* Rule ids with a one-line description, for SARIF's rule table and the man
 * page. Every finding's rule is one of these. */
typedef struct check_rule {
	const char *id;
	const char *text;
} check_rule;
extern const check_rule check_rules[];
int check_rule_index(const char *id); /* -1 when unknown */

typedef enum check_format {
	CHECK_TEXT,
	CHECK_JSON,
	CHECK_JUNIT,
	CHECK_SARIF,
	CHECK_GITHUB,
} check_format;
/* 0 and the format for "text", "json" …; -1 when unknown. */
int check_format_parse(const char *s, check_format *out);

const char *check_severity_name(check_severity s);  /* "error" … */
const char *check_source_name(check_source s);      /* "static" … */

/* Life cycle. check_report_init copies `world`. Adding returns 0, or -1 when
 * out of memory (the report stays consistent). */
int check_report_init(check_report *r, const char *world);
void check_report_free(check_report *r);
int check_report_set(char **field, const char *value); /* strdup into a field */

/* Add a parcel (by name, unique) and return its index, or -1. */
int check_report_parcel(check_report *r, const char *name);
/* The same for a name the caller knows is not in the report yet (the
 * parcels of a world whose names were found unique): no lookup. */
int check_report_append(check_report *r, const char *name);
/* Set (a copy of) the owner shown for parcel p, or none with NULL. 0, or
 * -1 when out of memory (the owner stays as it was). */
int check_report_owner(check_report *r, int p, const char *owner);
/* Room for n more parcels, so that adding a world's parcels does not grow
 * the list step by step. 0, or -1 when out of memory. */
int check_report_reserve(check_report *r, int n);
/* Index of a parcel by name, or -1. */
int check_report_find(const check_report *r, const char *name);

/* Add a finding about `parcel` (index or -1); `file` may be NULL. */
int check_report_add(check_report *r, check_severity sev, const char *rule,
                     const char *file, uint32_t line, uint32_t col, int parcel,
                     const char *fmt, ...) __attribute__((format(printf, 8, 9)));
/* Give the finding added last its end column, precise rule id (a static
 * string) and help (copied; may be NULL). Returns 0, or -1 when out of
 * memory (the finding stays, without its help). */
int check_report_detail(check_report *r, uint32_t end_col, const char *id,
                        const char *help);
/* The same with a budget figure (used of limit). */
int check_report_add_limit(check_report *r, check_severity sev, const char *rule,
                           const char *file, uint32_t line, int parcel,
                           int64_t used, int64_t limit, const char *msg);

/* Order findings for output: world-level first, then by parcel in report
 * order, then file, line, column, then the order they were added. */
void check_report_sort(check_report *r);

static inline bool check_report_valid(const check_report *r)
{
	return r->errors == 0;
}

/* Write the report in one format. `color` applies to text only. Returns 0,
 * or -1 on a write error or when out of memory. The report must be sorted. */
int check_write(FILE *out, const check_report *r, check_format fmt, bool color);
int check_write_text(FILE *out, const check_report *r, bool color);
int check_write_github(FILE *out, const check_report *r);
int check_write_junit(FILE *out, const check_report *r);
int check_write_json(FILE *out, const check_report *r);
int check_write_sarif(FILE *out, const check_report *r);

/* How the text report shows byte c: control bytes as "\n", "\r", "\t"
 * or "\xHH", anything else as itself (in buf). Every
 * place that writes untrusted text for a terminal or a log line uses this,
 * so a script or a submitted file cannot forge a line or drive a terminal. */
const char *check_escape_byte(unsigned char c, char buf[8]);

/* Text as valid UTF-8: each byte of an invalid sequence becomes U+FFFD.
 * Returns a malloc'd string, or NULL when out of memory. JSON and XML must
 * not carry invalid UTF-8, and a world file may hold any bytes. */
char *check_utf8_clean(const char *s);

#endif
