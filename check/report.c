/* report.c — the check_report model (findings, parcels, ordering) and
 * its line-oriented writers: human text, GitHub workflow annotations and
 * JUnit XML. JSON and SARIF are in json.c. */
#include "check/report.h"
#include "worldfmt/worldfmt.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

const check_rule check_rules[] = {
	{"format", "the world file does not follow the grammar of acre-world(5)"},
	{"rules", "a static rule of acre-world(5) is broken (bounds, overlaps, "
	          "layout, palette, entities, zones, names, scripts, budgets)"},
	{"script", "a script is missing, does not compile, or is over the "
	           "bytecode limits"},
	{"events", "the world's events file is unreadable or malformed, or names "
	           "parcels or entities the world does not have"},
	{"runtime", "a handler raised an error"},
	{"instructions", "a handler used more than its instruction budget"},
	{"memory", "a parcel's scripts used more than their memory budget"},
	{"depth", "a handler nested calls deeper than allowed"},
	{"output", "a handler printed more than allowed"},
	{"messages", "a parcel sent more messages than allowed"},
	{"determinism", "two runs of the same ticks ended in different states"},
	{"ownership", "a changed parcel is not owned or operated by the submitter"},
	{"registry", "a note about results taken from or missing in the registry"},
	{NULL, NULL},
};

int check_rule_index(const char *id)
{
	for (int i = 0; id && check_rules[i].id; i++)
		if (strcmp(check_rules[i].id, id) == 0)
			return i;
	return -1;
}

int check_format_parse(const char *s, check_format *out)
{
	static const char *const names[] = {"text", "json", "junit", "sarif",
	                                    "github"};
	for (int i = 0; i < (int)(sizeof names / sizeof names[0]); i++) {
		if (strcmp(s, names[i]) == 0) {
			*out = (check_format)i;
			return 0;
		}
	}
	return -1;
}

const char *check_severity_name(check_severity s)
{
	switch (s) {
	case CHECK_ERROR:
		return "error";
	case CHECK_WARNING:
		return "warning";
	case CHECK_NOTE:
		return "note";
	}
	return "error";
}

const char *check_source_name(check_source s)
{
	switch (s) {
	case CHECK_STATIC:
		return "static";
	case CHECK_RAN:
		return "ran";
	case CHECK_CACHED:
		return "cached";
	case CHECK_SKIPPED:
		return "skipped";
	}
	return "static";
}

/* ---- UTF-8 ---------------------------------------------------------------*/

/* Length of the valid UTF-8 sequence at s, or 0 (overlong, surrogate, past
 * U+10FFFF, truncated). */
static int utf8_len(const unsigned char *s)
{
	unsigned c = s[0];
	int n;
	unsigned min, cp;
	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		n = 2, min = 0x80, cp = c & 0x1f;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3, min = 0x800, cp = c & 0x0f;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4, min = 0x10000, cp = c & 0x07;
	else
		return 0;
	for (int i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80) /* also stops at the NUL */
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

char *check_utf8_clean(const char *s)
{
	size_t len = strlen(s);
	char *out = malloc(len * 3 + 1); /* each bad byte grows to 3 */
	if (!out)
		return NULL;
	const unsigned char *p = (const unsigned char *)s;
	size_t o = 0;
	while (*p) {
		int n = utf8_len(p);
		if (n == 0) {
			memcpy(out + o, "\xef\xbf\xbd", 3);
			o += 3;
			p++;
			continue;
		}
		memcpy(out + o, p, (size_t)n);
		o += (size_t)n;
		p += n;
	}
	out[o] = '\0';
	return out;
}

const char *check_escape_byte(unsigned char c, char buf[8])
{
	if (c == '\n')
		return "\\n";
	if (c == '\r')
		return "\\r";
	if (c == '\t')
		return "\\t";
	if (c < 0x20 || c == 0x7f) {
		snprintf(buf, 8, "\\x%02x", c);
		return buf;
	}
	buf[0] = (char)c;
	buf[1] = '\0';
	return buf;
}

/* ---- The model ------------------------------------------------------------*/

/* A block of the string pool (check_report.strings). */
struct check_strings {
	struct check_strings *next;
	size_t len, cap;
	char data[];
};


int check_report_init(check_report *r, const char *world)
{
	memset(r, 0, sizeof *r);
	return check_report_set(&r->world, world);
}

void check_report_free(check_report *r)
{
	for (int i = 0; i < r->nfindings; i++) {
		free(r->findings[i].file);
		free(r->findings[i].msg);
		free(r->findings[i].help);
	}
	while (r->strings) {
		struct check_strings *next = r->strings->next;
		free(r->strings);
		r->strings = next;
	}
	free(r->findings);
	free(r->parcels);
	free(r->slots);
	free(r->world);
	free(r->name);
	free(r->commit);
	free(r->base);
	free(r->as);
	memset(r, 0, sizeof *r);
}

int check_report_set(char **field, const char *value)
{
	char *s = value ? strdup(value) : NULL;
	if (value && !s)
		return -1;
	free(*field);
	*field = s;
	return 0;
}

/* ---- The string pool of names and owners ---------------------------------*/

/* Room for `want` more bytes of strings in the pool; -1 when out of memory. */
static int pool_reserve(check_report *r, size_t want)
{
	struct check_strings *b = r->strings;
	if (b && b->cap - b->len >= want)
		return 0;
	size_t cap = want > 65536 ? want : 65536;
	if (!(b = malloc(sizeof *b + cap)))
		return -1;
	*b = (struct check_strings){.next = r->strings, .cap = cap};
	r->strings = b;
	return 0;
}

static char *pool_dup(check_report *r, const char *s)
{
	size_t n = strlen(s) + 1;
	if (pool_reserve(r, n) != 0)
		return NULL;
	char *p = r->strings->data + r->strings->len;
	memcpy(p, s, n);
	r->strings->len += n;
	return p;
}

int check_report_owner(check_report *r, int p, const char *owner)
{
	char *s = owner ? pool_dup(r, owner) : NULL;
	if (owner && !s)
		return -1;
	r->parcels[p].owner = s;
	return 0;
}

static size_t name_hash(const char *s)
{
	uint64_t h = 1469598103934665603u; /* FNV-1a */
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211u;
	return (size_t)h;
}

/* Slot for `name`: the one holding it, or the free one where it would go.
 * Invariant: nslots is a power of two and at most half full. */
static size_t find_slot(const check_report *r, const char *name)
{
	size_t mask = r->nslots - 1;
	size_t i = name_hash(name) & mask;
	while (r->slots[i] && strcmp(r->parcels[r->slots[i] - 1].name, name) != 0)
		i = (i + 1) & mask;
	return i;
}

/* Rehash into at least `want` slots (a power of two). */
static int resize_index(check_report *r, size_t want)
{
	size_t n = r->nslots ? r->nslots : 64;
	while (n < want)
		n *= 2;
	int *old = r->slots;
	size_t oldn = r->nslots;
	r->slots = calloc(n, sizeof *r->slots);
	if (!r->slots) {
		r->slots = old;
		return -1;
	}
	r->nslots = n;
	for (size_t i = 0; i < oldn; i++)
		if (old[i])
			r->slots[find_slot(r, r->parcels[old[i] - 1].name)] = old[i];
	free(old);
	return 0;
}

int check_report_reserve(check_report *r, int n)
{
	if (n <= 0)
		return 0;
	size_t total = (size_t)r->nparcels + (size_t)n;
	if (total > (size_t)r->parcels_cap) {
		check_parcel *v = realloc(r->parcels, total * sizeof *v);
		if (!v)
			return -1;
		r->parcels = v;
		r->parcels_cap = (int)total;
	}
	return 0;
}

/* Bring the name index up to date, with room for `extra` more names:
 * parcels added by check_report_append are indexed at the first lookup
 * after them (a valid world's parcels usually never are). -1 when out of
 * memory. */
static int index_all(check_report *r, int extra)
{
	size_t want = ((size_t)r->nparcels + (size_t)extra) * 2 + 2;
	if (want > r->nslots && resize_index(r, want) != 0)
		return -1;
	for (; r->nindexed < r->nparcels; r->nindexed++)
		r->slots[find_slot(r, r->parcels[r->nindexed].name)] = r->nindexed + 1;
	return 0;
}

int check_report_find(const check_report *r, const char *name)
{
	if (!name || !r->nparcels)
		return -1;
	if (index_all((check_report *)r, 0) != 0) { /* the index is a cache */
		for (int i = 0; i < r->nparcels; i++)
			if (strcmp(r->parcels[i].name, name) == 0)
				return i;
		return -1;
	}
	int s = r->slots[find_slot(r, name)];
	return s ? s - 1 : -1;
}

int check_report_append(check_report *r, const char *name)
{
	if (r->nparcels == r->parcels_cap) {
		int cap = r->parcels_cap ? r->parcels_cap * 2 : 64;
		check_parcel *v = realloc(r->parcels, (size_t)cap * sizeof *v);
		if (!v)
			return -1;
		r->parcels = v;
		r->parcels_cap = cap;
	}
	char *copy = pool_dup(r, name);
	if (!copy)
		return -1;
	r->parcels[r->nparcels] = (check_parcel){
	    .name = copy, .changed = true, .peak_instructions = -1, .peak_memory = -1};
	return r->nparcels++;
}

int check_report_parcel(check_report *r, const char *name)
{
	if (index_all(r, 1) != 0)
		return -1;
	size_t slot = find_slot(r, name);
	if (r->slots[slot])
		return r->slots[slot] - 1;
	int p = check_report_append(r, name);
	if (p < 0)
		return -1;
	r->slots[slot] = p + 1;
	r->nindexed = r->nparcels;
	return p;
}

static check_finding *new_finding(check_report *r, check_severity sev,
                                  const char *rule, const char *file,
                                  uint32_t line, uint32_t col, int parcel)
{
	if (r->nfindings == r->findings_cap) {
		int cap = r->findings_cap ? r->findings_cap * 2 : 32;
		check_finding *v = realloc(r->findings, (size_t)cap * sizeof *v);
		if (!v)
			return NULL;
		r->findings = v;
		r->findings_cap = cap;
	}
	char *f = file ? strdup(file) : NULL;
	if (file && !f)
		return NULL;
	check_finding *x = &r->findings[r->nfindings];
	*x = (check_finding){
		.severity = sev, .rule = rule, .file = f, .line = line, .col = col,
		.parcel = parcel, .used = -1, .limit = -1, .seq = r->nfindings,
	};
	return x;
}

/* Count a finding that now holds its message. */
static void count_finding(check_report *r, check_finding *x)
{
	r->nfindings++;
	int *pc = NULL;
	switch (x->severity) {
	case CHECK_ERROR:
		r->errors++;
		pc = x->parcel >= 0 ? &r->parcels[x->parcel].errors : NULL;
		break;
	case CHECK_WARNING:
		r->warnings++;
		pc = x->parcel >= 0 ? &r->parcels[x->parcel].warnings : NULL;
		break;
	case CHECK_NOTE:
		r->notes++;
		break;
	}
	if (pc)
		(*pc)++;
}

int check_report_add(check_report *r, check_severity sev, const char *rule,
                     const char *file, uint32_t line, uint32_t col, int parcel,
                     const char *fmt, ...)
{
	check_finding *x = new_finding(r, sev, rule, file, line, col, parcel);
	if (!x)
		return -1;
	va_list ap;
	va_start(ap, fmt);
	int n = vasprintf(&x->msg, fmt, ap);
	va_end(ap);
	if (n < 0) {
		free(x->file);
		return -1;
	}
	count_finding(r, x);
	return 0;
}

int check_report_detail(check_report *r, uint32_t end_col, const char *id,
                        const char *help)
{
	if (r->nfindings == 0)
		return 0;
	check_finding *x = &r->findings[r->nfindings - 1];
	x->end_col = end_col;
	x->id = id;
	if (help && !(x->help = strdup(help)))
		return -1;
	return 0;
}

int check_report_add_limit(check_report *r, check_severity sev, const char *rule,
                           const char *file, uint32_t line, int parcel,
                           int64_t used, int64_t limit, const char *msg)
{
	check_finding *x = new_finding(r, sev, rule, file, line, 0, parcel);
	if (!x)
		return -1;
	x->msg = strdup(msg);
	if (!x->msg) {
		free(x->file);
		return -1;
	}
	x->used = used;
	x->limit = limit;
	count_finding(r, x);
	return 0;
}

static int cmp_u32(uint32_t a, uint32_t b)
{
	return (a > b) - (a < b);
}

static int cmp_finding(const void *pa, const void *pb)
{
	const check_finding *a = pa, *b = pb;
	int c;
	if (a->parcel != b->parcel)
		return a->parcel < b->parcel ? -1 : 1; /* -1, the world, first */
	if (!a->file != !b->file)
		return a->file ? -1 : 1; /* located findings first */
	if (a->file && (c = strcmp(a->file, b->file)) != 0)
		return c;
	if ((c = cmp_u32(a->line, b->line)) != 0)
		return c;
	if ((c = cmp_u32(a->col, b->col)) != 0)
		return c;
	return (a->seq > b->seq) - (a->seq < b->seq);
}

void check_report_sort(check_report *r)
{
	if (r->nfindings > 1)
		qsort(r->findings, (size_t)r->nfindings, sizeof *r->findings,
		      cmp_finding);
}

int check_write(FILE *out, const check_report *r, check_format fmt, bool color)
{
	switch (fmt) {
	case CHECK_TEXT:
		return check_write_text(out, r, color);
	case CHECK_JSON:
		return check_write_json(out, r);
	case CHECK_JUNIT:
		return check_write_junit(out, r);
	case CHECK_SARIF:
		return check_write_sarif(out, r);
	case CHECK_GITHUB:
		return check_write_github(out, r);
	}
	return -1;
}

static int finish(FILE *out)
{
	return fflush(out) == 0 && !ferror(out) ? 0 : -1;
}

/* ---- Text -----------------------------------------------------------------
 * One line per finding, "file:line:col: severity: message [rule]", the form
 * compilers use so that editors can jump to it; findings about a parcel come
 * under a "parcel NAME" heading; a summary line ends the report. */

#define C_BOLD "\033[1m"
#define C_RED "\033[1;31m"
#define C_YELLOW "\033[1;33m"
#define C_CYAN "\033[36m"
#define C_GREEN "\033[1;32m"
#define C_OFF "\033[0m"

static const char *sev_color(check_severity s)
{
	return s == CHECK_ERROR ? C_RED : s == CHECK_WARNING ? C_YELLOW : C_CYAN;
}

/* Messages, names and paths may come from a submission or its scripts:
 * control characters are shown escaped so that a finding stays on one line
 * and cannot drive the terminal or forge another line. */
static void text_escape(FILE *out, const char *s)
{
	char buf[8];
	for (; *s; s++)
		fputs(check_escape_byte((unsigned char)*s, buf), out);
}

static void text_location(FILE *out, const check_finding *x)
{
	if (!x->file) {
		fputs("acre check", out);
		return;
	}
	text_escape(out, x->file);
	if (x->line)
		fprintf(out, ":%u", x->line);
	if (x->line && x->col)
		fprintf(out, ":%u", x->col);
}

static void text_finding(FILE *out, wf_source *src, const check_finding *x, bool color)
{
	if (color)
		fputs(C_BOLD, out);
	text_location(out, x);
	fprintf(out, ":%s %s%s:%s ", color ? C_OFF : "",
	        color ? sev_color(x->severity) : "", check_severity_name(x->severity),
	        color ? C_OFF : "");
	text_escape(out, x->msg);
	if (x->limit >= 0)
		fprintf(out, " (used %lld of %lld)", (long long)x->used,
		        (long long)x->limit);
	fprintf(out, " [%s]\n", x->id ? x->id : x->rule);
	/* The source line with a caret, and the help (acre-world(5)). */
	wf_buf b = {0};
	wf_source_snippet(src, &b, x->file, x->line, x->col, x->end_col, x->help, color);
	if (b.len)
		fwrite(b.data, 1, b.len, out);
	wf_buf_free(&b);
}

static void text_heading(FILE *out, const check_parcel *p, bool color)
{
	fprintf(out, "%sparcel ", color ? C_CYAN : "");
	text_escape(out, p->name);
	if (p->owner) {
		fputs(" (owner ", out);
		text_escape(out, p->owner);
		fputc(')', out);
	}
	fprintf(out, "%s\n", color ? C_OFF : "");
}

static void plural(FILE *out, int n, const char *what)
{
	fprintf(out, "%d %s%s", n, what, n == 1 ? "" : "s");
}

static int count_scripted(const check_report *r, check_source src, bool any)
{
	int n = 0;
	for (int i = 0; i < r->nparcels; i++)
		if (r->parcels[i].scripted && (any || r->parcels[i].source == src))
			n++;
	return n;
}

static int count_failed(const check_report *r)
{
	int n = 0;
	for (int i = 0; i < r->nparcels; i++)
		if (r->parcels[i].errors)
			n++;
	return n;
}

static void text_summary(FILE *out, const check_report *r, bool color)
{
	bool ok = check_report_valid(r);
	fprintf(out, "%s%s%s: ", color ? (ok ? C_GREEN : C_RED) : "",
	        ok ? "valid" : "invalid", color ? C_OFF : "");
	if (!ok) {
		plural(out, r->errors, "error");
		fputs(", ", out);
	}
	if (r->warnings) {
		plural(out, r->warnings, "warning");
		fputs(", ", out);
	}
	if (!ok) {
		plural(out, count_failed(r), "parcel");
		fputs(" failing of ", out);
	}
	plural(out, r->nparcels, "parcel");
	fprintf(out, ", %d scripted", count_scripted(r, CHECK_RAN, true));
	if (r->ran) {
		fprintf(out, "; %lld tick%s run twice (", (long long)r->ticks,
		        r->ticks == 1 ? "" : "s");
		plural(out, count_scripted(r, CHECK_RAN, false), "parcel");
		fprintf(out, " ran, %d from the registry), state %016llx",
		        count_scripted(r, CHECK_CACHED, false),
		        (unsigned long long)r->state_hash[0]);
	} else if (count_scripted(r, CHECK_CACHED, false)) {
		int n = count_scripted(r, CHECK_CACHED, false);
		fprintf(out, "; no script changed: %d result%s from the registry", n,
		        n == 1 ? "" : "s");
	}
	fputc('\n', out);
	if (r->dropped)
		fprintf(out, "(%d more findings were not listed)\n", r->dropped);
}

int check_write_text(FILE *out, const check_report *r, bool color)
{
	int last = -1;
	wf_source src = {0}; /* findings are sorted by file: each read once */
	for (int i = 0; i < r->nfindings; i++) {
		const check_finding *x = &r->findings[i];
		if (x->parcel >= 0 && x->parcel != last)
			text_heading(out, &r->parcels[x->parcel], color);
		last = x->parcel;
		text_finding(out, &src, x, color);
	}
	wf_source_free(&src);
	text_summary(out, r, color);
	return finish(out);
}

/* ---- GitHub workflow annotations -------------------------------------------
 * "::error file=F,line=L,col=C,title=T::MESSAGE". The runner unescapes only
 * %25 %0D %0A (and %3A %2C in property values), so every control byte is
 * first shown the way the text report shows it ("\n", "\x1b"): no byte of
 * a message can end the command line, start another command or reach the
 * log's terminal. Then % is escaped as %25, and property values also escape
 * : and , (%3A %2C), which would otherwise end the value. */

static void gh_escape(FILE *out, const char *s, bool property)
{
	char buf[8];
	for (; *s; s++) {
		switch (*s) {
		case '%':
			fputs("%25", out);
			break;
		case ':':
			fputs(property ? "%3A" : ":", out);
			break;
		case ',':
			fputs(property ? "%2C" : ",", out);
			break;
		default:
			fputs(check_escape_byte((unsigned char)*s, buf), out);
		}
	}
}

static void gh_finding(FILE *out, const check_report *r, const check_finding *x)
{
	static const char *const kind[] = {"error", "warning", "notice"};
	fprintf(out, "::%s ", kind[x->severity]);
	if (x->file) {
		fputs("file=", out);
		gh_escape(out, x->file, true);
		if (x->line)
			fprintf(out, ",line=%u", x->line);
		if (x->line && x->col)
			fprintf(out, ",col=%u", x->col);
		if (x->line && x->col && x->end_col)
			fprintf(out, ",endColumn=%u", x->end_col);
		fputc(',', out);
	}
	fputs("title=", out);
	char title[160];
	if (x->parcel >= 0)
		snprintf(title, sizeof title, "acre check %s: parcel %s", x->rule,
		         r->parcels[x->parcel].name);
	else
		snprintf(title, sizeof title, "acre check %s", x->rule);
	gh_escape(out, title, true);
	fputs("::", out);
	gh_escape(out, x->msg, false);
	if (x->limit >= 0)
		fprintf(out, " (used %lld of %lld)", (long long)x->used,
		        (long long)x->limit);
	fputc('\n', out);
}

int check_write_github(FILE *out, const check_report *r)
{
	for (int i = 0; i < r->nfindings; i++)
		gh_finding(out, r, &r->findings[i]);
	/* The plain summary line shows in the log; annotations show on the diff. */
	text_summary(out, r, false);
	return finish(out);
}

/* ---- JUnit XML ------------------------------------------------------------
 * One <testsuite> for the world, one <testcase> for the world as a whole and
 * one per parcel; a parcel with errors has a <failure> listing them; a
 * parcel whose scripts were not run is <skipped/> only when it has scripts. */

/* Escape for XML 1.0 text and attribute values. Characters XML cannot hold
 * at all (C0 controls other than tab, LF, CR) are written as U+FFFD. */
static void xml_escape(FILE *out, const char *raw)
{
	char *s = check_utf8_clean(raw);
	const char *p = s ? s : "";
	for (; *p; p++) {
		unsigned char c = (unsigned char)*p;
		/* U+FFFE and U+FFFF are UTF-8 but not XML characters. */
		if (c == 0xef && (unsigned char)p[1] == 0xbf &&
		    ((unsigned char)p[2] == 0xbe || (unsigned char)p[2] == 0xbf)) {
			fputs("\xef\xbf\xbd", out);
			p += 2;
			continue;
		}
		switch (c) {
		case '&':
			fputs("&amp;", out);
			break;
		case '<':
			fputs("&lt;", out);
			break;
		case '>':
			fputs("&gt;", out);
			break;
		case '"':
			fputs("&quot;", out);
			break;
		case '\'':
			fputs("&apos;", out);
			break;
		case '\n':
			fputs("&#10;", out);
			break;
		case '\r':
			fputs("&#13;", out);
			break;
		case '\t':
			fputs("&#9;", out);
			break;
		default:
			if (c < 0x20)
				fputs("\xef\xbf\xbd", out);
			else
				fputc(c, out);
		}
	}
	free(s);
}

static void junit_failure_line(FILE *out, const check_finding *x)
{
	if (x->file) {
		xml_escape(out, x->file);
		if (x->line)
			fprintf(out, ":%u", x->line);
		if (x->line && x->col)
			fprintf(out, ":%u", x->col);
	} else {
		fputs("acre check", out);
	}
	fprintf(out, ": %s: ", check_severity_name(x->severity));
	xml_escape(out, x->msg);
	if (x->limit >= 0)
		fprintf(out, " (used %lld of %lld)", (long long)x->used,
		        (long long)x->limit);
	fprintf(out, " [%s]\n", x->rule);
}

/* Findings of one parcel (or of the world, -1) start at index *i in the
 * sorted list; write them and advance *i past them. */
static void junit_case(FILE *out, const check_report *r, int parcel, int *i)
{
	const check_parcel *p = parcel >= 0 ? &r->parcels[parcel] : NULL;
	int errors = p ? p->errors : 0;
	if (!p)
		for (int j = *i; j < r->nfindings && r->findings[j].parcel < 0; j++)
			errors += r->findings[j].severity == CHECK_ERROR;
	fputs("    <testcase classname=\"", out);
	xml_escape(out, r->name ? r->name : r->world);
	fputs("\" name=\"", out);
	if (p) {
		fputs("parcel ", out);
		xml_escape(out, p->name);
	} else {
		fputs("world", out);
	}
	fputs("\">\n", out);
	if (errors) {
		fprintf(out, "      <failure type=\"acre-check\" message=\"%d error%s\">",
		        errors, errors == 1 ? "" : "s");
		for (int j = *i; j < r->nfindings && r->findings[j].parcel == parcel; j++)
			junit_failure_line(out, &r->findings[j]);
		fputs("</failure>\n", out);
	} else if (p && p->scripted && p->source == CHECK_SKIPPED) {
		fputs("      <skipped message=\"scripts not run\"/>\n", out);
	}
	while (*i < r->nfindings && r->findings[*i].parcel == parcel)
		++*i;
	fputs("    </testcase>\n", out);
}

int check_write_junit(FILE *out, const check_report *r)
{
	int world_errors = 0, skipped = 0;
	for (int i = 0; i < r->nfindings && r->findings[i].parcel < 0; i++)
		world_errors += r->findings[i].severity == CHECK_ERROR;
	for (int i = 0; i < r->nparcels; i++)
		skipped += !r->parcels[i].errors && r->parcels[i].scripted &&
		           r->parcels[i].source == CHECK_SKIPPED;
	int failures = count_failed(r) + (world_errors > 0);
	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", out);
	fprintf(out, "<testsuites name=\"acre check\" tests=\"%d\" failures=\"%d\" "
	             "errors=\"0\" skipped=\"%d\" time=\"%.3f\">\n",
	        r->nparcels + 1, failures, skipped, r->seconds);
	fputs("  <testsuite name=\"", out);
	xml_escape(out, r->name ? r->name : r->world);
	fprintf(out, "\" tests=\"%d\" failures=\"%d\" errors=\"0\" skipped=\"%d\" "
	             "time=\"%.3f\">\n",
	        r->nparcels + 1, failures, skipped, r->seconds);
	int i = 0;
	junit_case(out, r, -1, &i);
	for (int p = 0; p < r->nparcels; p++)
		junit_case(out, r, p, &i);
	fputs("  </testsuite>\n</testsuites>\n", out);
	return finish(out);
}
