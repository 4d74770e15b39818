/* parse.c — the lexer and parser of world.acre (grammar: acre-world(5)).
 *
 * One pass over one buffer with a cursor. The file is a sequence of lines;
 * a line is tokenised only when it is a statement, and layout rows — the
 * bulk of a big world — go through a byte-table loop with no allocation.
 * Strings that the model keeps are copied into the world's arena; tiles go
 * straight into each parcel's flat array. Every error is reported with its
 * line and column and the parser goes on with the next line, so a file's
 * errors come out together. Blocks left open at a keyword that cannot be
 * inside them (`parcel` inside a parcel, …) are closed with an error, which
 * keeps one missing `end` from hiding the rest of the file. */
#include "worldfmt/internal.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

enum tok_kind { T_EOL, T_WORD, T_STRING, T_KV, T_BAD };

typedef struct tok {
	int kind;
	const char *s; /* WORD: into the line; STRING: arena copy; KV: key */
	size_t n;
	const char *v; /* KV: the value (arena copy, NUL-terminated) */
	bool quoted;   /* KV: the value was a quoted string */
	uint32_t col;
} tok;

typedef struct span {
	const char *s;
	size_t n;
} span;

enum ctx { C_START, C_TOP, C_PALETTE, C_ZONE, C_PARCEL, C_LAYOUT };

/* Header statements seen (for "given twice"). */
enum { S_FORMAT = 1, S_SEED = 2, S_SIZE = 4, S_PSIZE = 8, S_BUDGET = 16, S_EVENTS = 32 };
/* Parcel statements seen. */
enum { P_SIZE = 1, P_OWNER = 2, P_ZONE = 4, P_SCRIPT = 8, P_LAYOUT = 16 };
/* Zone statements seen. */
enum { Z_MAX = 1 };

typedef struct parser {
	const char *buf, *end, *cur; /* cur: start of the next line */
	const char *file;
	wf_diags *d;
	wf_world *w;
	uint32_t lineno;
	const char *line, *lend, *p; /* the current line (no CR/LF) and cursor */
	bool line_bad;               /* an error was reported on this line */
	span trail;                  /* the comment ending this line, if any */
	span *lead;                  /* comment lines waiting for a statement */
	int nlead, leadcap;
	int ctx;
	int zone, parcel;    /* the open block's index */
	uint32_t block_line; /* where the open block started */
	unsigned seen, pseen, zseen;
	bool palette_seen, parcel_seen;
	/* Layout being read. */
	uint32_t lay_line;
	int64_t lay_w, lay_h, lay_rows;
	uint8_t *lay_tiles; /* NULL when not stored (see tile_budget) */
	/* Glyph lookup: ASCII bytes → index + 1; other code points in a small
	 * open-addressed table (≤ 255 entries in 512 slots). */
	uint8_t ascii[256];
	uint32_t mb_cp[512];
	uint8_t mb_ix[512];
	/* Tiles may be allocated only up to the input size (plus a margin): a
	 * complete layout needs a byte per tile, so hostile headers cannot
	 * make the parser allocate more than the file could fill. */
	uint64_t tile_budget;
	bool oom;
} parser;

/* Byte classes for bare words: a constant table, so that parsers on
 * several threads share it without initialising anything. */
enum { B_WORD, B_STOP, B_CTRL, B_HIGH };
static const uint8_t bclass[256] = {
	[0x00 ... 0x08] = B_CTRL, ['\t'] = B_STOP, [0x0a ... 0x1f] = B_CTRL,
	[0x7f] = B_CTRL, [0x80 ... 0xff] = B_HIGH, [' '] = B_STOP, ['"'] = B_STOP, ['#'] = B_STOP,
	['='] = B_STOP,
};

/* ---- Errors ---------------------------------------------------------------*/

static const char *parcel_name(parser *P)
{
	if ((P->ctx == C_PARCEL || P->ctx == C_LAYOUT) && P->parcel >= 0)
		return P->w->parcels[P->parcel].name;
	return NULL;
}

__attribute__((format(printf, 3, 4))) static void err(parser *P, uint32_t col,
                                                      const char *fmt, ...)
{
	if (P->line_bad)
		return;
	P->line_bad = true;
	int max = P->d->max > 0 ? P->d->max : WF_MAX_DIAGS;
	if (P->d->n >= max) {
		/* Past the cap: count without formatting. */
		P->d->errors++;
		P->d->dropped++;
		return;
	}
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	wf_diag_add(P->d, WF_ERROR, P->file, P->lineno, col, parcel_name(P), "%s", msg);
}

static uint32_t col_of(parser *P, const char *at)
{
	size_t c = (size_t)(at - P->line) + 1;
	return c > UINT32_MAX ? UINT32_MAX : (uint32_t)c;
}

/* Up to 40 bytes of s, cut at a code point boundary, for messages. */
static int quote_len(const char *s, size_t n)
{
	if (n <= 40)
		return (int)n;
	n = 40;
	while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
		n--;
	return (int)n;
}

/* What a token is, for "expected X, found Y". */
static const char *describe(const tok *t, char *buf, size_t size)
{
	switch (t->kind) {
	case T_EOL:
		return "end of line";
	case T_STRING:
		return "a string";
	case T_KV:
		snprintf(buf, size, "'%.*s=…'", quote_len(t->s, t->n), t->s);
		return buf;
	case T_WORD:
		snprintf(buf, size, "'%.*s%s'", quote_len(t->s, t->n), t->s,
		         t->n > 40 ? "…" : "");
		return buf;
	}
	return "an invalid token";
}

#define FOUND(t) describe(&(t), (char[64]){0}, 64)

/* ---- Lexer ----------------------------------------------------------------*/

static bool next_line(parser *P)
{
	if (P->cur >= P->end)
		return false;
	P->line = P->cur;
	const char *nl = memchr(P->cur, '\n', (size_t)(P->end - P->cur));
	P->lend = nl ? nl : P->end;
	P->cur = nl ? nl + 1 : P->end;
	if (P->lend > P->line && P->lend[-1] == '\r')
		P->lend--;
	P->p = P->line;
	P->lineno++;
	P->line_bad = false;
	P->trail = (span){NULL, 0};
	return true;
}

static void skip_ws(parser *P)
{
	while (P->p < P->lend && (*P->p == ' ' || *P->p == '\t'))
		P->p++;
}

/* Checks text (a comment) for invalid UTF-8 and control characters. */
static bool check_text(parser *P, const char *s, const char *e, const char *what)
{
	for (const char *q = s; q < e;) {
		unsigned char c = (unsigned char)*q;
		if (c >= 0x80) {
			int len = wf_utf8_len((const unsigned char *)q, (size_t)(e - q));
			if (!len) {
				err(P, col_of(P, q), "invalid UTF-8 byte 0x%02x in %s", c,
				    what);
				return false;
			}
			q += len;
			continue;
		}
		if ((c < 0x20 && c != '\t') || c == 0x7f) {
			err(P, col_of(P, q), "unexpected control character 0x%02x in %s",
			    c, what);
			return false;
		}
		q++;
	}
	return true;
}

/* A quoted string at P->p; returns the decoded text in the arena. */
static const char *lex_string(parser *P, size_t *outn)
{
	const char *start = P->p++;
	const char *q = P->p;
	size_t extra = 0; /* escapes: each shortens the text by one */
	for (;;) {
		if (q >= P->lend) {
			err(P, col_of(P, start),
			    "unterminated string: expected '\"' before "
			    "the end of the line");
			return NULL;
		}
		unsigned char c = (unsigned char)*q;
		if (c == '"')
			break;
		if (c == '\\') {
			if (q + 1 >= P->lend || !strchr("\\\"nt", q[1]) || !q[1]) {
				err(P, col_of(P, q),
				    "unknown escape in string (expected \\\\, "
				    "\\\", \\n or \\t)");
				return NULL;
			}
			q += 2;
			extra++;
			continue;
		}
		if (c < 0x20 || c == 0x7f) {
			err(P, col_of(P, q),
			    "unexpected control character 0x%02x in string "
			    "(write \\t or \\n)",
			    c);
			return NULL;
		}
		if (c >= 0x80) {
			int len =
			    wf_utf8_len((const unsigned char *)q, (size_t)(P->lend - q));
			if (!len) {
				err(P, col_of(P, q),
				    "invalid UTF-8 byte 0x%02x in string", c);
				return NULL;
			}
			q += len;
			continue;
		}
		q++;
	}
	size_t n = (size_t)(q - P->p) - extra;
	if (n > WF_MAX_STRING) {
		err(P, col_of(P, start), "string longer than %d bytes", WF_MAX_STRING);
		return NULL;
	}
	char *s = wf_arena_alloc(P->w->arena, n + 1);
	if (!s) {
		P->oom = true;
		return NULL;
	}
	size_t k = 0;
	for (const char *r = P->p; r < q; r++) {
		if (*r == '\\') {
			r++;
			s[k++] = *r == 'n' ? '\n' : *r == 't' ? '\t' : *r;
		} else {
			s[k++] = *r;
		}
	}
	s[k] = '\0';
	P->p = q + 1;
	*outn = n;
	return s;
}

/* A bare word at P->p (at least one byte). */
static bool lex_word(parser *P, const char **s, size_t *n)
{
	const char *q = P->p;
	for (;;) {
		while (q < P->lend && bclass[(unsigned char)*q] == B_WORD)
			q++;
		if (q >= P->lend)
			break;
		unsigned char c = (unsigned char)*q;
		if (bclass[c] == B_STOP)
			break;
		if (bclass[c] == B_CTRL) {
			err(P, col_of(P, q),
			    c ? "unexpected control character 0x%02x"
			      : "unexpected NUL byte",
			    c);
			return false;
		}
		int len = wf_utf8_len((const unsigned char *)q, (size_t)(P->lend - q));
		if (!len) {
			err(P, col_of(P, q), "invalid UTF-8 byte 0x%02x", c);
			return false;
		}
		q += len;
	}
	*s = P->p;
	*n = (size_t)(q - P->p);
	P->p = q;
	return true;
}

/* The next token of the line; T_EOL at the end or at a comment (kept in
 * P->trail); T_BAD after reporting an error. */
static tok lex(parser *P)
{
	tok t = {.kind = T_BAD};
	skip_ws(P);
	t.col = col_of(P, P->p);
	if (P->p >= P->lend) {
		t.kind = T_EOL;
		return t;
	}
	char c = *P->p;
	if (c == '#') {
		const char *e = P->lend;
		while (e > P->p && (e[-1] == ' ' || e[-1] == '\t'))
			e--;
		if (!check_text(P, P->p, e, "comment"))
			return t;
		P->trail = (span){P->p, (size_t)(e - P->p)};
		P->p = P->lend;
		t.kind = T_EOL;
		return t;
	}
	if (c == '"') {
		t.s = lex_string(P, &t.n);
		if (t.s)
			t.kind = T_STRING;
		return t;
	}
	if (c == '=') {
		err(P, t.col, "unexpected '=' (expected key=value)");
		return t;
	}
	if (!lex_word(P, &t.s, &t.n))
		return t;
	if (P->p >= P->lend || *P->p != '=') {
		t.kind = T_WORD;
		return t;
	}
	P->p++;
	if (P->p < P->lend && *P->p == '"') {
		t.v = lex_string(P, &(size_t){0});
		t.quoted = true;
	} else {
		const char *v;
		size_t vn;
		if (!lex_word(P, &v, &vn))
			return t;
		if (vn == 0) {
			err(P, col_of(P, P->p), "expected a value after '%.*s='",
			    quote_len(t.s, t.n), t.s);
			return t;
		}
		t.v = wf_arena_strndup(P->w->arena, v, vn);
		if (!t.v)
			P->oom = true;
	}
	if (t.v)
		t.kind = T_KV;
	return t;
}

static bool is(const tok *t, const char *word)
{
	size_t n = strlen(word);
	return t->kind == T_WORD && t->n == n && memcmp(t->s, word, n) == 0;
}

/* ---- Comments -------------------------------------------------------------*/

static void push_lead(parser *P)
{
	if (!wf_grow((void **)&P->lead, &P->leadcap, P->nlead, sizeof *P->lead)) {
		P->oom = true;
		return;
	}
	P->lead[P->nlead++] = P->trail;
}

static const char *take_lead(parser *P)
{
	if (P->nlead == 0)
		return NULL;
	size_t n = 0;
	for (int i = 0; i < P->nlead; i++)
		n += P->lead[i].n + 1;
	char *s = wf_arena_alloc(P->w->arena, n);
	if (!s) {
		P->oom = true;
		P->nlead = 0;
		return NULL;
	}
	char *q = s;
	for (int i = 0; i < P->nlead; i++) {
		memcpy(q, P->lead[i].s, P->lead[i].n);
		q += P->lead[i].n;
		*q++ = '\n';
	}
	q[-1] = '\0';
	P->nlead = 0;
	return s;
}

/* `prev` (may be NULL) followed by the pending comment lines. */
static const char *join_lead(parser *P, const char *prev)
{
	const char *more = take_lead(P);
	if (!prev || !more)
		return prev ? prev : more;
	size_t a = strlen(prev), b = strlen(more);
	char *s = wf_arena_alloc(P->w->arena, a + b + 2);
	if (!s) {
		P->oom = true;
		return prev;
	}
	memcpy(s, prev, a);
	s[a] = '\n';
	memcpy(s + a + 1, more, b + 1);
	return s;
}

/* Ends a statement: the rest of the line must be empty or a comment. The
 * statement's comments go to `note` (may be NULL: then they stay pending). */
static bool end_stmt(parser *P, wf_note *note)
{
	tok t = lex(P);
	if (t.kind == T_BAD)
		return false;
	if (t.kind != T_EOL) {
		err(P, t.col, "expected end of line, found %s", FOUND(t));
		return false;
	}
	if (note) {
		note->lead = take_lead(P);
		note->trail = P->trail.s
		                  ? wf_arena_strndup(P->w->arena, P->trail.s, P->trail.n)
		                  : NULL;
	}
	return true;
}

/* ---- Values ---------------------------------------------------------------*/

static bool parse_i64(const char *s, size_t n, int64_t min, int64_t max, int64_t *out)
{
	size_t i = 0;
	bool neg = false;
	if (n > 0 && s[0] == '-')
		neg = true, i = 1;
	if (i >= n || n - i > 19)
		return false;
	uint64_t v = 0;
	for (; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	if (v > (uint64_t)INT64_MAX)
		return false;
	int64_t r = neg ? -(int64_t)v : (int64_t)v;
	if (r < min || r > max)
		return false;
	*out = r;
	return true;
}

static bool parse_u64(const char *s, size_t n, uint64_t *out)
{
	if (n == 0 || n > 20)
		return false;
	uint64_t v = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		uint64_t d = (uint64_t)(s[i] - '0');
		if (v > (UINT64_MAX - d) / 10)
			return false;
		v = v * 10 + d;
	}
	*out = v;
	return true;
}

/* A number token in [min, max]; `what` names it in the message. */
static bool num(parser *P, const char *what, int64_t min, int64_t max, int64_t *out)
{
	tok t = lex(P);
	if (t.kind == T_BAD)
		return false;
	if (t.kind != T_WORD || !parse_i64(t.s, t.n, min, max, out)) {
		if (min == INT32_MIN)
			err(P, t.col, "expected %s, a whole number, found %s", what,
			    FOUND(t));
		else
			err(P, t.col,
			    "expected %s, a whole number from %lld to %lld, found %s",
			    what, (long long)min, (long long)max, FOUND(t));
		return false;
	}
	return true;
}

/* A name token (see wf_name_ok), copied into the arena. */
static const char *name(parser *P, const char *what)
{
	tok t = lex(P);
	if (t.kind == T_BAD)
		return NULL;
	if (t.kind != T_WORD || !wf_name_ok(t.s, t.n)) {
		err(P, t.col,
		    "expected %s (letters, digits, '_', '-' or '.', at most %d "
		    "bytes), found %s",
		    what, WF_MAX_NAME, FOUND(t));
		return NULL;
	}
	const char *s = wf_arena_strndup(P->w->arena, t.s, t.n);
	if (!s)
		P->oom = true;
	return s;
}

/* A string, quoted or bare, copied into the arena. */
static const char *text(parser *P, const char *what)
{
	tok t = lex(P);
	if (t.kind == T_STRING)
		return t.s;
	if (t.kind == T_WORD) {
		const char *s = wf_arena_strndup(P->w->arena, t.s, t.n);
		if (!s)
			P->oom = true;
		return s;
	}
	if (t.kind != T_BAD)
		err(P, t.col, "expected %s (a \"string\"), found %s", what, FOUND(t));
	return NULL;
}

static bool add_attr(parser *P, wf_attr **v, int *n, const tok *t)
{
	if (*n >= WF_MAX_ATTRS) {
		err(P, t->col, "more than %d key=value attributes", WF_MAX_ATTRS);
		return false;
	}
	if (t->n > WF_MAX_NAME || !wf_name_ok(t->s, t->n)) {
		err(P, t->col,
		    "invalid attribute key '%.*s' (letters, digits, '_', '-' "
		    "or '.')",
		    quote_len(t->s, t->n), t->s);
		return false;
	}
	int cap = *n; /* arrays of attributes are sized exactly */
	wf_attr *a = realloc(*v, (size_t)(cap + 1) * sizeof **v);
	if (!a) {
		P->oom = true;
		return false;
	}
	*v = a;
	a[*n] = (wf_attr){.key = wf_arena_strndup(P->w->arena, t->s, t->n),
	                  .value = t->v,
	                  .quoted = t->quoted};
	if (!a[*n].key)
		P->oom = true;
	(*n)++;
	return true;
}

/* ---- Glyph lookup ----------------------------------------------------------*/

static uint32_t decode(const unsigned char *s, int len)
{
	uint32_t cp = len == 2 ? s[0] & 0x1f : len == 3 ? s[0] & 0x0f : s[0] & 0x07;
	for (int i = 1; i < len; i++)
		cp = cp << 6 | (s[i] & 0x3f);
	return cp;
}

static void index_glyph(parser *P, const char *g, int ix)
{
	unsigned char c = (unsigned char)g[0];
	if (c < 0x80) {
		if (!P->ascii[c])
			P->ascii[c] = (uint8_t)(ix + 1);
		return;
	}
	uint32_t cp = decode((const unsigned char *)g, (int)strlen(g));
	uint32_t h = (cp * 2654435761u) >> 23;
	while (P->mb_cp[h] && P->mb_cp[h] != cp)
		h = (h + 1) & 511;
	if (!P->mb_cp[h]) {
		P->mb_cp[h] = cp;
		P->mb_ix[h] = (uint8_t)ix;
	}
}

static int lookup_mb(parser *P, uint32_t cp)
{
	uint32_t h = (cp * 2654435761u) >> 23;
	for (; P->mb_cp[h]; h = (h + 1) & 511)
		if (P->mb_cp[h] == cp)
			return P->mb_ix[h];
	return -1;
}

/* ---- Statements ------------------------------------------------------------*/

static void close_block_missing(parser *P, uint32_t col, const char *what)
{
	const char *kind = P->ctx == C_PALETTE  ? "palette"
	                   : P->ctx == C_ZONE   ? "zone"
	                   : P->ctx == C_LAYOUT ? "the layout of parcel"
	                                        : "parcel";
	char label[128] = "";
	if (P->ctx == C_ZONE)
		snprintf(label, sizeof label, " '%s'", P->w->zones[P->zone].name);
	else if (P->ctx == C_PARCEL || P->ctx == C_LAYOUT)
		snprintf(label, sizeof label, " '%s'", P->w->parcels[P->parcel].name);
	uint32_t opened = P->ctx == C_LAYOUT ? P->lay_line : P->block_line;
	err(P, col, "expected 'end' to close %s%s (opened at line %u) %s", kind, label,
	    opened, what);
	/* One missing `end` may close two blocks; report both on this line. */
	P->line_bad = false;
}

static void header_pair(parser *P, uint32_t col, unsigned bit, const char *kw,
                        int64_t min, int64_t max, int32_t *a, int32_t *b, int slot)
{
	int64_t x, y;
	if (P->seen & bit) {
		err(P, col, "%s given twice", kw);
		return;
	}
	if (!num(P, "a width", min, max, &x) || !num(P, "a height", min, max, &y))
		return;
	if (!end_stmt(P, &P->w->notes[slot]))
		return;
	P->seen |= bit;
	*a = (int32_t)x;
	*b = (int32_t)y;
}

static void stmt_budget(parser *P, uint32_t col)
{
	wf_budget *b = &P->w->unit_budget;
	if (P->seen & S_BUDGET) {
		err(P, col, "budget given twice");
		return;
	}
	int count = 0;
	for (;;) {
		tok t = lex(P);
		if (t.kind == T_BAD)
			return;
		if (t.kind == T_EOL)
			break;
		int64_t v;
		bool ok = t.kind == T_KV;
		if (ok && t.n == 8 && memcmp(t.s, "entities", 8) == 0)
			ok = parse_i64(t.v, strlen(t.v), 0, WF_MAX_ENTITIES, &v) &&
			     (b->entities = v, true);
		else if (ok && t.n == 12 && memcmp(t.s, "instructions", 12) == 0)
			ok = parse_i64(t.v, strlen(t.v), 0, INT64_C(1000000000000), &v) &&
			     (b->instructions = v, true);
		else if (ok && t.n == 6 && memcmp(t.s, "memory", 6) == 0)
		{
			uint64_t m;
			ok = wf_size_parse(t.v, strlen(t.v), WF_MAX_MEMORY, &m) &&
			     (b->memory = (int64_t)m, true);
		}
		else {
			err(P, t.col,
			    "expected entities=N, instructions=N or memory=SIZE, "
			    "found %s",
			    FOUND(t));
			return;
		}
		if (!ok) {
			err(P, t.col,
			    "invalid budget value '%.*s=%s' (entities 0 to %d, "
			    "instructions 0 to 10^12, memory up to 1TiB with K, M or G)",
			    quote_len(t.s, t.n), t.s, t.v, WF_MAX_ENTITIES);
			return;
		}
		count++;
	}
	if (count == 0) {
		err(P, col,
		    "expected entities=N, instructions=N or memory=SIZE after "
		    "budget");
		return;
	}
	P->w->notes[WF_WS_BUDGET].lead = take_lead(P);
	P->w->notes[WF_WS_BUDGET].trail =
	    P->trail.s ? wf_arena_strndup(P->w->arena, P->trail.s, P->trail.n) : NULL;
	P->seen |= S_BUDGET;
}

static void open_palette(parser *P, uint32_t col)
{
	if (P->palette_seen)
		err(P, col, "palette given twice (a world has one palette)");
	else if (P->parcel_seen)
		err(P, col, "palette must come before the first parcel");
	if (!end_stmt(P, P->palette_seen ? NULL : &P->w->notes[WF_WS_PALETTE]))
		return;
	P->palette_seen = true;
	P->ctx = C_PALETTE;
	P->block_line = P->lineno;
}

static void open_zone(parser *P)
{
	const char *n = name(P, "a zone name");
	wf_note note;
	if (!n || !end_stmt(P, &note))
		return;
	wf_world *w = P->w;
	if (!wf_grow((void **)&w->zones, &w->zones_cap, w->nzones, sizeof *w->zones)) {
		P->oom = true;
		return;
	}
	P->zone = w->nzones++;
	w->zones[P->zone] =
	    (wf_zone){.name = n, .max_entities = -1, .note = note, .line = P->lineno};
	P->ctx = C_ZONE;
	P->zseen = 0;
	P->block_line = P->lineno;
}

static void open_parcel(parser *P)
{
	int64_t x, y;
	const char *n = name(P, "a parcel name");
	if (!n || !num(P, "the parcel's x (in unit parcels)", INT32_MIN, INT32_MAX, &x) ||
	    !num(P, "the parcel's y (in unit parcels)", INT32_MIN, INT32_MAX, &y))
		return;
	wf_note note;
	if (!end_stmt(P, &note))
		return;
	wf_world *w = P->w;
	if (!wf_grow((void **)&w->parcels, &w->parcels_cap, w->nparcels,
	             sizeof *w->parcels)) {
		P->oom = true;
		return;
	}
	P->parcel = w->nparcels++;
	wf_parcel *p = &w->parcels[P->parcel];
	*p = (wf_parcel){.name = n,
	                 .px = (int32_t)x,
	                 .py = (int32_t)y,
	                 .pw = 1,
	                 .ph = 1,
	                 .zone_index = -1,
	                 .line = P->lineno};
	p->notes[WF_PS_HEAD] = note;
	P->ctx = C_PARCEL;
	P->pseen = 0;
	P->parcel_seen = true;
	P->block_line = P->lineno;
}

static void stmt_world(parser *P, tok t)
{
	if (P->ctx != C_START) {
		err(P, t.col, "world given twice (a file holds one world)");
		return;
	}
	P->ctx = C_TOP;
	const char *n = text(P, "the world's name");
	if (n && end_stmt(P, &P->w->notes[WF_WS_HEAD]))
		P->w->name = n;
}

static void stmt_format(parser *P, tok t)
{
	int64_t v;
	if (P->seen & S_FORMAT) {
		err(P, t.col, "format given twice");
		return;
	}
	if (!num(P, "the format version", 0, INT32_MAX, &v))
		return;
	if (v != WF_FORMAT_VERSION) {
		err(P, t.col, "unsupported format %lld (this acre reads format %d)",
		    (long long)v, WF_FORMAT_VERSION);
		return;
	}
	if (end_stmt(P, &P->w->notes[WF_WS_FORMAT])) {
		P->seen |= S_FORMAT;
		P->w->format = (int)v;
	}
}

static void stmt_seed(parser *P, tok t)
{
	tok s = lex(P);
	uint64_t seed;
	if (s.kind == T_BAD)
		return;
	if (P->seen & S_SEED) {
		err(P, t.col, "seed given twice");
		return;
	}
	if (s.kind != T_WORD || !parse_u64(s.s, s.n, &seed)) {
		err(P, s.col,
		    "expected the seed (a whole number from 0 to "
		    "18446744073709551615), found %s",
		    FOUND(s));
		return;
	}
	if (end_stmt(P, &P->w->notes[WF_WS_SEED])) {
		P->seen |= S_SEED;
		P->w->seed = seed;
	}
}

/* Top level: `world`, header statements, block openers. */
static void stmt_top(parser *P, tok t)
{
	wf_world *w = P->w;
	if (P->ctx == C_START && !is(&t, "world")) {
		err(P, t.col, "expected 'world NAME' at the start of the file, found %s",
		    FOUND(t));
		P->ctx = C_TOP;
		return;
	}
	if (is(&t, "world")) {
		stmt_world(P, t);
	} else if (is(&t, "format")) {
		stmt_format(P, t);
	} else if (is(&t, "seed")) {
		stmt_seed(P, t);
	} else if (is(&t, "size")) {
		header_pair(P, t.col, S_SIZE, "size", 1, WF_MAX_WORLD_PARCELS, &w->width,
		            &w->height, WF_WS_SIZE);
	} else if (is(&t, "parcel-size")) {
		if (P->parcel_seen) {
			err(P, t.col, "parcel-size must come before the first parcel");
			return;
		}
		header_pair(P, t.col, S_PSIZE, "parcel-size", 1, WF_MAX_PARCEL_TILES,
		            &w->parcel_w, &w->parcel_h, WF_WS_PARCEL_SIZE);
	} else if (is(&t, "budget")) {
		stmt_budget(P, t.col);
	} else if (is(&t, "events")) {
		if (P->seen & S_EVENTS) {
			err(P, t.col, "events given twice");
			return;
		}
		const char *e = text(P, "the events file");
		if (e && end_stmt(P, &w->notes[WF_WS_EVENTS]))
			P->seen |= S_EVENTS, w->events = e;
	} else if (t.kind == T_KV) {
		if (add_attr(P, &w->attrs, &w->nattrs, &t) &&
		    !end_stmt(P, &w->attrs[w->nattrs - 1].note))
			w->nattrs--;
	} else if (is(&t, "palette")) {
		open_palette(P, t.col);
	} else if (is(&t, "zone")) {
		open_zone(P);
	} else if (is(&t, "parcel")) {
		open_parcel(P);
	} else if (is(&t, "end")) {
		err(P, t.col, "'end' without a block to close");
	} else {
		err(P, t.col,
		    "expected format, seed, size, parcel-size, budget, events, "
		    "key=value, palette, zone or parcel, found %s",
		    FOUND(t));
	}
}

/* Closes a block at `end`; its comments go to `note`. */
static void stmt_end(parser *P, wf_note *note)
{
	if (end_stmt(P, note))
		P->ctx = C_TOP;
}

static void stmt_palette(parser *P, tok t)
{
	wf_world *w = P->w;
	if (is(&t, "end")) {
		stmt_end(P, &w->notes[WF_WS_PALETTE_END]);
		return;
	}
	if (t.kind != T_STRING) {
		err(P, t.col,
		    "expected a palette entry (\"GLYPH\" NAME …) or 'end', "
		    "found %s",
		    FOUND(t));
		return;
	}
	if (!wf_glyph_ok(t.s)) {
		err(P, t.col,
		    "a glyph is one character (one UTF-8 code point, not a "
		    "space, a control or '\"'), found \"%.*s\"",
		    quote_len(t.s, t.n), t.s);
		return;
	}
	if (w->npalette >= WF_MAX_PALETTE) {
		err(P, t.col, "more than %d palette entries", WF_MAX_PALETTE);
		return;
	}
	wf_glyph g = {.glyph = t.s, .line = P->lineno};
	if (!(g.name = name(P, "the glyph's name")))
		return;
	for (;;) {
		tok o = lex(P);
		if (o.kind == T_BAD)
			goto fail;
		if (o.kind == T_EOL)
			break;
		if (is(&o, "solid")) {
			g.solid = true;
		} else if (o.kind == T_KV && o.n == 6 && memcmp(o.s, "script", 6) == 0) {
			g.script = o.v;
		} else if (o.kind == T_KV) {
			if (!add_attr(P, &g.attrs, &g.nattrs, &o))
				goto fail;
		} else {
			err(P, o.col,
			    "expected solid, script=\"FILE\" or key=value, found %s",
			    FOUND(o));
			goto fail;
		}
	}
	g.note.lead = take_lead(P);
	g.note.trail =
	    P->trail.s ? wf_arena_strndup(w->arena, P->trail.s, P->trail.n) : NULL;
	if (!wf_grow((void **)&w->palette, &w->palette_cap, w->npalette,
	             sizeof *w->palette)) {
		P->oom = true;
		goto fail;
	}
	index_glyph(P, g.glyph, w->npalette);
	w->palette[w->npalette++] = g;
	return;
fail:
	free(g.attrs);
}

static void stmt_allow(parser *P, wf_zone *z, tok t)
{
	int caps = 0;
	for (;;) {
		tok c = lex(P);
		if (c.kind == T_BAD)
			return;
		if (c.kind == T_EOL)
			break;
		char nm[16];
		int bit = 0;
		if (c.kind == T_WORD && c.n < sizeof nm) {
			memcpy(nm, c.s, c.n);
			nm[c.n] = '\0';
			bit = wf_cap_parse(nm);
		}
		if (!bit) {
			err(P, c.col,
			    "unknown capability %s (expected scripts, tiles, "
			    "entities, messages or economy)",
			    FOUND(c));
			return;
		}
		caps |= bit;
	}
	if (!caps) {
		err(P, t.col,
		    "expected capabilities after allow (scripts, tiles, "
		    "entities, messages or economy)");
		return;
	}
	/* Several allow lines add up; so do their comments: a later line's
	 * comments join the lead (a second trailing comment becomes a lead
	 * line), so none is lost. */
	if (P->trail.s && z->allow_note.trail)
		push_lead(P);
	else if (P->trail.s)
		z->allow_note.trail =
		    wf_arena_strndup(P->w->arena, P->trail.s, P->trail.n);
	z->allow_note.lead = join_lead(P, z->allow_note.lead);
	z->caps |= caps;
}

static void stmt_zone(parser *P, tok t)
{
	wf_zone *z = &P->w->zones[P->zone];
	if (is(&t, "end")) {
		stmt_end(P, &z->end_note);
	} else if (is(&t, "allow")) {
		stmt_allow(P, z, t);
	} else if (is(&t, "max-entities-per-parcel")) {
		int64_t v;
		if (P->zseen & Z_MAX) {
			err(P, t.col, "max-entities-per-parcel given twice");
			return;
		}
		if (num(P, "the entity cap", 0, WF_MAX_ENTITIES, &v) &&
		    end_stmt(P, &z->max_note))
			z->max_entities = v, P->zseen |= Z_MAX;
	} else if (t.kind == T_KV) {
		if (add_attr(P, &z->attrs, &z->nattrs, &t) &&
		    !end_stmt(P, &z->attrs[z->nattrs - 1].note))
			z->nattrs--;
	} else if (is(&t, "zone") || is(&t, "parcel") || is(&t, "palette") ||
	           is(&t, "world")) {
		close_block_missing(P, t.col, "before this line");
		P->ctx = C_TOP;
		stmt_top(P, t);
	} else {
		err(P, t.col,
		    "expected allow, max-entities-per-parcel, key=value or 'end' "
		    "in zone '%s', found %s",
		    z->name, FOUND(t));
	}
}

static void stmt_entity(parser *P, wf_parcel *p)
{
	int64_t x, y;
	wf_entity e = {.line = P->lineno};
	if (!(e.name = name(P, "an entity name")) ||
	    !num(P, "the entity's x (in tiles)", INT32_MIN, INT32_MAX, &x) ||
	    !num(P, "the entity's y (in tiles)", INT32_MIN, INT32_MAX, &y))
		return;
	e.x = (int32_t)x;
	e.y = (int32_t)y;
	for (;;) {
		tok o = lex(P);
		if (o.kind == T_BAD)
			goto fail;
		if (o.kind == T_EOL)
			break;
		if (o.kind == T_KV && o.n == 5 && memcmp(o.s, "glyph", 5) == 0) {
			if (!wf_glyph_ok(o.v)) {
				err(P, o.col,
				    "a glyph is one character (one UTF-8 code point, "
				    "not a space, a control or '\"'), found \"%.*s\"",
				    quote_len(o.v, strlen(o.v)), o.v);
				goto fail;
			}
			e.glyph = o.v;
		} else if (o.kind == T_KV && o.n == 6 && memcmp(o.s, "script", 6) == 0) {
			e.script = o.v;
		} else if (o.kind == T_KV) {
			if (!add_attr(P, &e.attrs, &e.nattrs, &o))
				goto fail;
		} else {
			err(P, o.col,
			    "expected glyph=\"G\", script=\"FILE\" or key=value, "
			    "found %s",
			    FOUND(o));
			goto fail;
		}
	}
	if (p->nentities >= WF_MAX_ENTITIES) {
		err(P, 1, "more than %d entities in one parcel", WF_MAX_ENTITIES);
		goto fail;
	}
	e.note.lead = take_lead(P);
	e.note.trail =
	    P->trail.s ? wf_arena_strndup(P->w->arena, P->trail.s, P->trail.n) : NULL;
	if (!wf_grow((void **)&p->entities, &p->entities_cap, p->nentities,
	             sizeof *p->entities)) {
		P->oom = true;
		goto fail;
	}
	p->entities[p->nentities++] = e;
	return;
fail:
	free(e.attrs);
}

static void open_layout(parser *P, wf_parcel *p, uint32_t col)
{
	if (P->pseen & P_LAYOUT) {
		err(P, col, "layout given twice in parcel '%s'", p->name);
		return;
	}
	if (!end_stmt(P, &p->notes[WF_PS_LAYOUT]))
		return;
	P->pseen |= P_LAYOUT | P_SIZE;
	P->ctx = C_LAYOUT;
	P->lay_line = P->lineno;
	P->lay_w = (int64_t)p->pw * P->w->parcel_w;
	P->lay_h = (int64_t)p->ph * P->w->parcel_h;
	P->lay_rows = 0;
	P->lay_tiles = NULL;
	uint64_t n = (uint64_t)P->lay_w * (uint64_t)P->lay_h;
	if (n <= P->tile_budget) {
		P->lay_tiles = calloc(n ? n : 1, 1);
		if (!P->lay_tiles)
			P->oom = true;
		else
			P->tile_budget -= n;
	}
	p->tiles = P->lay_tiles;
	p->layout_line = P->lineno + 1;
}

/* A parcel statement that names a string: owner, zone, script. */
static void parcel_text(parser *P, wf_parcel *p, unsigned bit, const char *kw,
                        const char **dst, int slot, uint32_t col)
{
	if (P->pseen & bit) {
		err(P, col, "%s given twice in parcel '%s'", kw, p->name);
		return;
	}
	const char *v = bit == P_ZONE ? name(P, "a zone name") : text(P, kw);
	if (v && end_stmt(P, &p->notes[slot])) {
		*dst = v;
		P->pseen |= bit;
	}
}

static void stmt_parcel(parser *P, tok t)
{
	wf_parcel *p = &P->w->parcels[P->parcel];
	if (is(&t, "end")) {
		stmt_end(P, &p->notes[WF_PS_END]);
	} else if (is(&t, "size")) {
		int64_t x, y;
		if (P->pseen & P_LAYOUT) {
			err(P, t.col, "size must come before layout in parcel '%s'",
			    p->name);
			return;
		}
		if (P->pseen & P_SIZE) {
			err(P, t.col, "size given twice in parcel '%s'", p->name);
			return;
		}
		if (num(P, "a width in unit parcels", 1, WF_MAX_WORLD_PARCELS, &x) &&
		    num(P, "a height in unit parcels", 1, WF_MAX_WORLD_PARCELS, &y) &&
		    end_stmt(P, &p->notes[WF_PS_SIZE])) {
			p->pw = (int32_t)x;
			p->ph = (int32_t)y;
			P->pseen |= P_SIZE;
		}
	} else if (is(&t, "owner")) {
		parcel_text(P, p, P_OWNER, "owner", &p->owner, WF_PS_OWNER, t.col);
	} else if (is(&t, "zone")) {
		parcel_text(P, p, P_ZONE, "zone", &p->zone, WF_PS_ZONE, t.col);
	} else if (is(&t, "script")) {
		parcel_text(P, p, P_SCRIPT, "script", &p->script, WF_PS_SCRIPT, t.col);
	} else if (is(&t, "layout")) {
		open_layout(P, p, t.col);
	} else if (is(&t, "entity")) {
		stmt_entity(P, p);
	} else if (t.kind == T_KV) {
		if (add_attr(P, &p->attrs, &p->nattrs, &t) &&
		    !end_stmt(P, &p->attrs[p->nattrs - 1].note))
			p->nattrs--;
	} else if (is(&t, "parcel") || is(&t, "palette") || is(&t, "world")) {
		close_block_missing(P, t.col, "before this line");
		P->ctx = C_TOP;
		stmt_top(P, t);
	} else {
		err(P, t.col,
		    "expected size, owner, zone, script, layout, entity, "
		    "key=value or 'end' in parcel '%s', found %s",
		    p->name, FOUND(t));
	}
}

/* ---- Layout rows ------------------------------------------------------------
 * A row is the glyphs of one tile row, after any indentation and before any
 * trailing blanks; '#' is a glyph like any other here, so a layout holds no
 * comments. The line `end` (optionally followed by blanks and a comment)
 * closes the layout. Blank lines are skipped. */

static void layout_end(parser *P, const char *q)
{
	wf_parcel *p = &P->w->parcels[P->parcel];
	P->p = q + 3;
	if (P->lay_rows < P->lay_h)
		err(P, col_of(P, q),
		    "layout of parcel '%s' has %lld row%s, expected %lld", p->name,
		    (long long)P->lay_rows, P->lay_rows == 1 ? "" : "s",
		    (long long)P->lay_h);
	P->line_bad = false;
	if (!end_stmt(P, &p->notes[WF_PS_LAYOUT_END]))
		return;
	P->ctx = C_PARCEL;
}

/* A line with a blank inside is not a row: a keyword means the layout's
 * `end` was forgotten. */
static bool layout_keyword(const char *q, const char *e)
{
	static const char *const kws[] = {"parcel", "entity", "zone", "palette", "world"};
	for (size_t i = 0; i < sizeof kws / sizeof kws[0]; i++) {
		size_t n = strlen(kws[i]);
		if ((size_t)(e - q) > n && memcmp(q, kws[i], n) == 0 &&
		    (q[n] == ' ' || q[n] == '\t'))
			return true;
	}
	return false;
}

/* The general row reader, from glyph x on: multi-byte glyphs, and every
 * way a row can be wrong. */
static void row_glyphs(parser *P, const char *row, const unsigned char *s,
                       const unsigned char *se, int64_t x, uint8_t *out)
{
	const wf_parcel *p = &P->w->parcels[P->parcel];
	int64_t w = P->lay_w;
	for (; s < se; x++) {
		int ix, len = 1;
		const char *at = (const char *)s;
		if (*s < 0x80) {
			ix = P->ascii[*s] - 1;
		} else {
			len = wf_utf8_len(s, (size_t)(se - s));
			if (!len) {
				err(P, col_of(P, at),
				    "invalid UTF-8 byte 0x%02x in layout row", *s);
				return;
			}
			ix = lookup_mb(P, decode(s, len));
		}
		if (x >= w) {
			err(P, col_of(P, at),
			    "layout row has more than %lld glyphs (parcel "
			    "'%s' is %lld tiles wide)",
			    (long long)w, p->name, (long long)w);
			return;
		}
		if (ix < 0) {
			if (*s == ' ' || *s == '\t')
				err(P, col_of(P, at),
				    "unexpected blank in layout row (a row is "
				    "glyphs only; close the layout with 'end')");
			else if (*s < 0x20 || *s == 0x7f)
				err(P, col_of(P, at),
				    "unexpected control character 0x%02x in "
				    "layout row",
				    *s);
			else
				err(P, col_of(P, at),
				    "glyph '%.*s' is not in the palette", len, at);
			return;
		}
		if (out)
			out[x] = (uint8_t)ix;
		s += len;
	}
	if (x < w)
		err(P, col_of(P, row), "layout row has %lld glyphs, expected %lld",
		    (long long)x, (long long)w);
}

/* Returns false when the line is not a row but a statement to reparse. */
static bool layout_row(parser *P)
{
	const char *q = P->line, *e = P->lend;
	while (q < e && (*q == ' ' || *q == '\t'))
		q++;
	while (e > q && (e[-1] == ' ' || e[-1] == '\t'))
		e--;
	if (q == e)
		return true;
	if (e - q >= 3 && q[0] == 'e' && q[1] == 'n' && q[2] == 'd' &&
	    (e - q == 3 || q[3] == ' ' || q[3] == '\t')) {
		layout_end(P, q);
		return true;
	}
	int64_t row = P->lay_rows;
	uint8_t *out =
	    row < P->lay_h && P->lay_tiles ? P->lay_tiles + row * P->lay_w : NULL;
	const unsigned char *s = (const unsigned char *)q, *se = (const unsigned char *)e;
	int64_t x = 0, w = P->lay_w;
	/* Fast path: an ASCII row of exactly the right width. */
	if (se - s == w && out) {
		for (; x < w; x++) {
			uint8_t v = P->ascii[s[x]];
			if (!v)
				break;
			out[x] = (uint8_t)(v - 1);
		}
		if (x == w) {
			P->lay_rows++;
			return true;
		}
	}
	/* Only a line with a blank inside can be a statement, so valid rows
	 * never get here. */
	if ((memchr(q, ' ', (size_t)(e - q)) || memchr(q, '\t', (size_t)(e - q))) &&
	    layout_keyword(q, e)) {
		close_block_missing(P, col_of(P, q), "before this line");
		P->ctx = C_PARCEL;
		return false;
	}
	P->lay_rows++;
	if (row >= P->lay_h) {
		if (row == P->lay_h)
			err(P, col_of(P, q),
			    "layout of parcel '%s' has more than %lld rows",
			    P->w->parcels[P->parcel].name, (long long)P->lay_h);
		return true;
	}
	row_glyphs(P, q, s + x, se, x, out);
	return true;
}

/* ---- Driver ----------------------------------------------------------------*/

static void statement(parser *P)
{
	tok t = lex(P);
	if (t.kind == T_BAD)
		return;
	if (t.kind == T_EOL) {
		if (P->trail.s)
			push_lead(P);
		return;
	}
	switch (P->ctx) {
	case C_START:
	case C_TOP:
		stmt_top(P, t);
		break;
	case C_PALETTE:
		if (is(&t, "zone") || is(&t, "parcel") || is(&t, "palette") ||
		    is(&t, "world")) {
			close_block_missing(P, t.col, "before this line");
			P->ctx = C_TOP;
			stmt_top(P, t);
		} else {
			stmt_palette(P, t);
		}
		break;
	case C_ZONE:
		stmt_zone(P, t);
		break;
	case C_PARCEL:
		stmt_parcel(P, t);
		break;
	}
}

static void at_eof(parser *P)
{
	bool nl = P->end > P->buf && P->end[-1] == '\n';
	if (nl || P->lineno == 0) {
		P->lineno++;
		P->line = P->lend = P->p = P->end;
	} else {
		P->p = P->lend;
	}
	P->line_bad = false;
	if (P->ctx == C_START) {
		err(P, col_of(P, P->p),
		    "expected 'world NAME', found the end of the file");
		return;
	}
	while (P->ctx != C_TOP) {
		int was = P->ctx;
		close_block_missing(P, col_of(P, P->p), "before the end of the file");
		P->ctx = was == C_LAYOUT ? C_PARCEL : C_TOP;
	}
	P->w->notes[WF_WS_TAIL].lead = take_lead(P);
}

wf_world *wf_parse(const char *buf, size_t len, const char *file, wf_diags *d)
{
	/* An unfinished merge: read as ours and theirs, conflicts named (conflict.c). */
	if (wf_has_conflict_markers(buf, len))
		return wf_parse_conflicted(buf, len, file ? file : "world.acre", d);
	parser *P = calloc(1, sizeof *P);
	if (!P)
		return NULL;
	P->w = wf_world_new();
	if (!P->w) {
		free(P);
		return NULL;
	}
	P->buf = P->cur = buf;
	P->end = buf + len;
	P->file = file ? file : "world.acre";
	P->d = d;
	P->ctx = C_START;
	P->tile_budget = (uint64_t)len + 4096;
	if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0)
		P->cur += 3;
	while (!P->oom && next_line(P)) {
		if (P->ctx == C_LAYOUT && layout_row(P))
			continue;
		statement(P);
	}
	if (!P->oom)
		at_eof(P);
	wf_world *w = P->w;
	bool oom = P->oom;
	free(P->lead);
	free(P);
	if (oom) {
		wf_world_free(w);
		return NULL;
	}
	wf_names zones;
	if (wf_names_init(&zones, w->nzones ? &w->zones[0].name : NULL, sizeof *w->zones,
	                  w->nzones)) {
		for (int i = 0; i < w->nzones; i++)
			wf_names_put(&zones, i);
		for (int i = 0; i < w->nparcels; i++)
			if (w->parcels[i].zone)
				w->parcels[i].zone_index =
				    wf_names_get(&zones, w->parcels[i].zone);
		wf_names_free(&zones);
	}
	return w;
}

wf_world *wf_load(const char *dir, wf_diags *d)
{
	static const char fname[] = "world.acre";
	char *path = NULL;
	if (!dir || !*dir || strcmp(dir, ".") == 0)
		path = strdup(fname);
	else if (asprintf(&path, "%s/%s", dir, fname) < 0)
		path = NULL;
	if (!path)
		return NULL;
	char *buf;
	size_t len;
	wf_world *w = NULL;
	wf_read_status st = wf_world_read(dir, fname, WF_MAX_WORLD_BYTES, &buf, &len);
	if (st != WF_READ_OK) {
		wf_diag_add(d, WF_ERROR, path, 0, 0, NULL, "cannot read: %s",
		            wf_read_strerror(st));
	} else {
		w = wf_parse(buf, len, path, d);
		free(buf);
	}
	free(path);
	return w;
}
