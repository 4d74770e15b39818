/* lex.c — the lexer of world.acre: lines, tokens, comments, values and
 * glyphs, and the errors the parser reports at a column (parse-int.h).
 *
 * One buffer and a cursor; a line is tokenised only when it is a
 * statement, and nothing here allocates per character: strings the model
 * keeps are copied once into the world's arena. */
#include "worldfmt/parse-int.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Byte classes for bare words: a constant table, so that parsers on
 * several threads share it without initialising anything. */
const uint8_t wfx_bclass[256] = {
    [0x00 ... 0x08] = B_CTRL, ['\t'] = B_STOP,          [0x0a ... 0x1f] = B_CTRL,
    [0x7f] = B_CTRL,          [0x80 ... 0xff] = B_HIGH, [' '] = B_STOP,
    ['"'] = B_STOP,           ['#'] = B_STOP,           ['='] = B_STOP,
};

/* ---- Errors ---------------------------------------------------------------*/

static const char *parcel_name(parser *P)
{
	if ((P->ctx == C_PARCEL || P->ctx == C_LAYOUT) && P->parcel >= 0)
		return P->w->parcels[P->parcel].name;
	return NULL;
}

uint32_t wfx_col_of(parser *P, const char *at)
{
	size_t c = (size_t)(at - P->line) + 1;
	return c > UINT32_MAX ? UINT32_MAX : (uint32_t)c;
}

/* The column just past the token that starts at column `col` of the
 * current line, for the caret's underline: a quoted string up to its
 * closing quote, one byte for a byte that is not text, else up to the next
 * blank. At the end of the line it is col + 1 (a caret after the text). */
static uint32_t token_end(parser *P, uint32_t col)
{
	const char *q = P->line + (col ? col - 1 : 0);
	if (q >= P->lend)
		return col + 1;
	unsigned char c = (unsigned char)*q;
	if ((c < 0x20 && c != '\t') || c == 0x7f ||
	    (c >= 0x80 && !wf_utf8_len((const unsigned char *)q, (size_t)(P->lend - q))))
		return col + 1;
	if (c == '"') {
		for (q++; q < P->lend && *q != '"'; q++)
			if (*q == '\\' && q + 1 < P->lend)
				q++;
		return wfx_col_of(P, q < P->lend ? q + 1 : q);
	}
	while (q < P->lend && *q != ' ' && *q != '\t')
		q++;
	return wfx_col_of(P, q);
}

/* Reports an error at `col` of the current line (the first on a line
 * wins: what follows a broken token is noise). The rule is "syntax" until
 * the caller names another; it may add help with wf_diag_help. */
__attribute__((format(printf, 3, 4))) wf_diag *wfx_err(parser *P, uint32_t col,
                                                       const char *fmt, ...)
{
	if (P->line_bad)
		return NULL;
	P->line_bad = true;
	int max = P->d->max > 0 ? P->d->max : WF_MAX_DIAGS;
	if (P->d->n >= max) {
		/* Past the cap: count without formatting. */
		P->d->errors++;
		P->d->dropped++;
		return NULL;
	}
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	wf_diag *g = wf_diag_add(P->d, WF_ERROR, P->file, P->lineno, col, parcel_name(P),
	                         "%s", msg);
	if (g) {
		g->end_col = token_end(P, col);
		g->rule = "syntax";
	}
	return g;
}

/* Names the rule of a diagnostic just made (g may be NULL). */
wf_diag *wfx_rule(wf_diag *g, const char *id)
{
	if (g)
		g->rule = id;
	return g;
}

/* "did you mean" for an unknown word among `list`'s keywords; else `hint`
 * (may be NULL) as the help. Returns the suggestion, or NULL. */
const char *wfx_suggest_word(wf_diag *g, const tok *t, const char *const *list,
                             const char *hint)
{
	char word[WF_MAX_NAME + 1];
	const char *s = NULL;
	if ((t->kind == T_WORD || t->kind == T_KV) && t->n < sizeof word) {
		memcpy(word, t->s, t->n);
		word[t->n] = '\0';
		s = wf_suggest_list(word, list);
	}
	if (s)
		wf_diag_help(g, "did you mean '%s'?", s);
	else if (hint)
		wf_diag_help(g, "%s", hint);
	return s;
}

/* Up to 40 bytes of s, cut at a code point boundary, for messages. */
int wfx_quote_len(const char *s, size_t n)
{
	if (n <= 40)
		return (int)n;
	n = 40;
	while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
		n--;
	return (int)n;
}

/* What a token is, for "expected X, found Y". */
const char *wfx_describe(const tok *t, char *buf, size_t size)
{
	switch (t->kind) {
	case T_EOL:
		return "end of line";
	case T_STRING:
		return "a string";
	case T_KV:
		snprintf(buf, size, "'%.*s=…'", wfx_quote_len(t->s, t->n), t->s);
		return buf;
	case T_WORD:
		snprintf(buf, size, "'%.*s%s'", wfx_quote_len(t->s, t->n), t->s,
		         t->n > 40 ? "…" : "");
		return buf;
	}
	return "an invalid token";
}

/* ---- Lexer ----------------------------------------------------------------*/

bool wfx_next_line(parser *P)
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

/* Does a byte follow the line (its '\n', or the '\r' of CRLF)? Then a
 * scan for bytes that cannot be either stops at the line's end with no
 * bound to test; only a last line with no newline needs one. */
static inline bool line_ended(const parser *P)
{
	return P->lend < P->end;
}

static inline void skip_ws(parser *P)
{
	const char *q = P->p, *e = P->lend;
	if (line_ended(P))
		while (*q == ' ' || *q == '\t')
			q++;
	else
		while (q < e && (*q == ' ' || *q == '\t'))
			q++;
	P->p = q;
}

/* Checks wfx_text (a comment) for invalid UTF-8 and control characters. */
static bool check_text(parser *P, const char *s, const char *e, const char *what)
{
	for (const char *q = s; q < e;) {
		unsigned char c = (unsigned char)*q;
		if (c >= 0x80) {
			int len = wf_utf8_len((const unsigned char *)q, (size_t)(e - q));
			if (!len) {
				wfx_err(P, wfx_col_of(P, q),
				        "invalid UTF-8 byte 0x%02x in %s", c, what);
				return false;
			}
			q += len;
			continue;
		}
		if ((c < 0x20 && c != '\t') || c == 0x7f) {
			wfx_err(P, wfx_col_of(P, q),
			        "unexpected control character 0x%02x in %s", c, what);
			return false;
		}
		q++;
	}
	return true;
}

/* Bytes that stand for themselves in a string: printable ASCII but '"'
 * and '\\'. A run of them is passed over before the general loop. */
static const bool str_plain[256] = {
    [' ' ... '!'] = true,
    ['#' ... '['] = true, /* '"' (0x22) ends the string */
    [']' ... '~'] = true, /* '\\' (0x5c) starts an escape */
};

/* A quoted string at P->p; returns the decoded text in the arena. */
static const char *lex_string(parser *P, size_t *outn)
{
	const char *start = P->p++;
	const char *q = P->p, *e = P->lend;
	while (q < e && str_plain[(unsigned char)*q])
		q++;
	size_t extra = 0; /* escapes: each shortens the text by one */
	for (;;) {
		if (q >= P->lend) {
			wfx_err(P, wfx_col_of(P, start),
			        "unterminated string: expected '\"' before "
			        "the end of the line");
			return NULL;
		}
		unsigned char c = (unsigned char)*q;
		if (c == '"')
			break;
		if (c == '\\') {
			if (q + 1 >= P->lend || !strchr("\\\"nt", q[1]) || !q[1]) {
				wfx_err(P, wfx_col_of(P, q),
				        "unknown escape in string (expected \\\\, "
				        "\\\", \\n or \\t)");
				return NULL;
			}
			q += 2;
			extra++;
			continue;
		}
		if (c < 0x20 || c == 0x7f) {
			wfx_err(P, wfx_col_of(P, q),
			        "unexpected control character 0x%02x in string "
			        "(write \\t or \\n)",
			        c);
			return NULL;
		}
		if (c >= 0x80) {
			int len =
			    wf_utf8_len((const unsigned char *)q, (size_t)(P->lend - q));
			if (!len) {
				wfx_err(P, wfx_col_of(P, q),
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
		wfx_err(P, wfx_col_of(P, start), "string longer than %d bytes",
		        WF_MAX_STRING);
		return NULL;
	}
	char *s = wf_arena_alloc(P->w->arena, n + 1);
	if (!s) {
		P->oom = true;
		return NULL;
	}
	if (!extra) {
		memcpy(s, P->p, n);
	} else {
		size_t k = 0;
		for (const char *r = P->p; r < q; r++) {
			if (*r == '\\') {
				r++;
				s[k++] = *r == 'n' ? '\n' : *r == 't' ? '\t' : *r;
			} else {
				s[k++] = *r;
			}
		}
	}
	s[n] = '\0';
	P->p = q + 1;
	*outn = n;
	return s;
}

/* A bare word at P->p (at least one byte). */
static inline bool lex_word(parser *P, const char **s, size_t *n)
{
	const char *q = P->p, *e = P->lend;
	for (;;) {
		while (q < e && wfx_bclass[(unsigned char)*q] == B_WORD)
			q++;
		if (q >= e)
			break;
		unsigned char c = (unsigned char)*q;
		if (wfx_bclass[c] == B_STOP)
			break;
		if (wfx_bclass[c] == B_CTRL) {
			wfx_err(P, wfx_col_of(P, q),
			        c ? "unexpected control character 0x%02x"
			          : "unexpected NUL byte",
			        c);
			return false;
		}
		int len = wf_utf8_len((const unsigned char *)q, (size_t)(P->lend - q));
		if (!len) {
			wfx_err(P, wfx_col_of(P, q), "invalid UTF-8 byte 0x%02x", c);
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
static inline __attribute__((always_inline)) tok lex_token(parser *P)
{
	tok t = {.kind = T_BAD};
	skip_ws(P);
	t.col = wfx_col_of(P, P->p);
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
		wfx_err(P, t.col, "unexpected '=' (expected key=value)");
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
			wfx_err(P, wfx_col_of(P, P->p), "expected a value after '%.*s='",
			        wfx_quote_len(t.s, t.n), t.s);
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

/* lex_token, remembering where the token was (P->last) so that the
 * model can keep the position of each statement's value. Inline into the
 * value readers below, which take most tokens of a world. */
static inline __attribute__((always_inline)) tok lex_full(parser *P)
{
	tok t = lex_token(P);
	if (t.kind != T_EOL && t.kind != T_BAD)
		P->last = (wf_pos){P->lineno, t.col, wfx_col_of(P, P->p)};
	return t;
}

/* Does the token that ends at q end there: the end of the line or a blank
 * (the fast paths below; anything else takes the general way)? */
static inline bool ends_token(const parser *P, const char *q)
{
	return q == P->lend || *q == ' ' || *q == '\t';
}

/* The end of a token read by a fast path: what lex_full leaves. */
static inline void took(parser *P, const char *s, const char *q)
{
	P->p = q;
	P->last = (wf_pos){P->lineno, wfx_col_of(P, s), wfx_col_of(P, q)};
}

/* Most tokens are a word of name bytes (keywords, names, numbers) and a
 * blank: read in place into *t, as lex_full would (name bytes are word
 * bytes, none of them '=', '"' or '#'). Returns false, having read
 * nothing, for any other token: the general way takes it. */
static inline bool fast_word(parser *P, tok *t)
{
	skip_ws(P);
	const char *b = P->p, *q = b, *e = P->lend;
	if (line_ended(P))
		while (wf_name_byte[(unsigned char)*q])
			q++;
	else
		while (q < e && wf_name_byte[(unsigned char)*q])
			q++;
	if (q == b || !ends_token(P, q))
		return false;
	took(P, b, q);
	*t = (tok){.kind = T_WORD, .s = b, .n = (size_t)(q - b), .col = P->last.col};
	return true;
}

tok wfx_lex(parser *P)
{
	tok t;
	if (fast_word(P, &t))
		return t;
	return lex_full(P);
}

/* From the start of one remembered position to the end of another. */
wf_pos wfx_span_pos(wf_pos a, wf_pos b)
{
	return (wf_pos){a.line, a.col, b.end};
}

/* ---- Comments -------------------------------------------------------------*/

void wfx_push_lead(parser *P)
{
	if (!wf_grow((void **)&P->lead, &P->leadcap, P->nlead, sizeof *P->lead)) {
		P->oom = true;
		return;
	}
	P->lead[P->nlead++] = P->trail;
}

const char *wfx_take_lead(parser *P)
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
const char *wfx_join_lead(parser *P, const char *prev)
{
	const char *more = wfx_take_lead(P);
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
bool wfx_end_stmt(parser *P, wf_note *note)
{
	/* Most statements end the line bare: no token, no comment. */
	skip_ws(P);
	if (P->p == P->lend) {
		if (note) {
			note->lead = P->nlead ? wfx_take_lead(P) : NULL;
			note->trail = NULL; /* P->trail is set by a comment only */
		}
		return true;
	}
	tok t = wfx_lex(P);
	if (t.kind == T_BAD)
		return false;
	if (t.kind != T_EOL) {
		wfx_err(P, t.col, "expected end of line, found %s", FOUND(t));
		return false;
	}
	if (note) {
		note->lead = wfx_take_lead(P);
		note->trail = P->trail.s
		                  ? wf_arena_strndup(P->w->arena, P->trail.s, P->trail.n)
		                  : NULL;
	}
	return true;
}

/* ---- Values ---------------------------------------------------------------*/

bool wfx_parse_i64(const char *s, size_t n, int64_t min, int64_t max, int64_t *out)
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

bool wfx_parse_u64(const char *s, size_t n, uint64_t *out)
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
bool wfx_num(parser *P, const char *what, int64_t min, int64_t max, int64_t *out)
{
	/* Most numbers are a few digits and a blank: read in place. Any other
	 * token (and every error) goes the general way. */
	skip_ws(P);
	const char *s = P->p, *q = s, *e = P->lend;
	bool neg = q < e && *q == '-';
	q += neg;
	const char *digits = q, *de = e - q > 19 ? q + 19 : e; /* 19 digits at most */
	uint64_t v = 0;
	while (q < de && (unsigned)(*q - '0') < 10)
		v = v * 10 + (uint64_t)(*q++ - '0');
	if (q > digits && ends_token(P, q) && v <= (uint64_t)INT64_MAX) {
		int64_t r = neg ? -(int64_t)v : (int64_t)v;
		if (r >= min && r <= max) {
			took(P, s, q);
			*out = r;
			return true;
		}
	}
	tok t = lex_full(P);
	if (t.kind == T_BAD)
		return false;
	if (t.kind != T_WORD || !wfx_parse_i64(t.s, t.n, min, max, out)) {
		if (min == INT32_MIN)
			wfx_err(P, t.col, "expected %s, a whole number, found %s", what,
			        FOUND(t));
		else
			wfx_err(P, t.col,
			        "expected %s, a whole number from %lld to %lld, found %s",
			        what, (long long)min, (long long)max, FOUND(t));
		return false;
	}
	return true;
}

/* A name token (see wf_name_ok), copied into the arena. */
const char *wfx_name(parser *P, const char *what)
{
	tok t;
	/* A word read in place has name bytes only: its ends remain to check. */
	bool fast = fast_word(P, &t);
	if (!fast)
		t = lex_full(P);
	if (t.kind == T_BAD)
		return NULL;
	if (t.kind != T_WORD ||
	    !(fast ? wf_name_ends_ok(t.s, t.n) : wf_name_ok(t.s, t.n))) {
		wfx_err(P, t.col,
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
const char *wfx_text(parser *P, const char *what)
{
	/* A quoted string of plain bytes (no escape, no control, no UTF-8)
	 * read in place, as lex_string would; any other goes its way. */
	skip_ws(P);
	const char *b = P->p, *e = P->lend;
	if (b < e && *b == '"') {
		const char *q = b + 1;
		while (q < e && str_plain[(unsigned char)*q])
			q++;
		size_t n = (size_t)(q - b - 1);
		if (q < e && *q == '"' && n <= WF_MAX_STRING) {
			took(P, b, q + 1);
			const char *s = wf_arena_strndup(P->w->arena, b + 1, n);
			if (!s)
				P->oom = true;
			return s;
		}
	}
	tok t = lex_full(P);
	if (t.kind == T_STRING)
		return t.s;
	if (t.kind == T_WORD) {
		const char *s = wf_arena_strndup(P->w->arena, t.s, t.n);
		if (!s)
			P->oom = true;
		return s;
	}
	if (t.kind != T_BAD)
		wfx_err(P, t.col, "expected %s (a \"string\"), found %s", what, FOUND(t));
	return NULL;
}

bool wfx_add_attr(parser *P, wf_attr **v, int *n, const tok *t)
{
	if (*n >= WF_MAX_ATTRS) {
		wfx_err(P, t->col, "more than %d key=value attributes", WF_MAX_ATTRS);
		return false;
	}
	if (t->n > WF_MAX_NAME || !wf_name_ok(t->s, t->n)) {
		wfx_err(P, t->col,
		        "invalid attribute key '%.*s' (letters, digits, '_', '-' "
		        "or '.')",
		        wfx_quote_len(t->s, t->n), t->s);
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

uint32_t wfx_decode(const unsigned char *s, int len)
{
	uint32_t cp = len == 2 ? s[0] & 0x1f : len == 3 ? s[0] & 0x0f : s[0] & 0x07;
	for (int i = 1; i < len; i++)
		cp = cp << 6 | (s[i] & 0x3f);
	return cp;
}

void wfx_index_glyph(parser *P, const char *g, int ix)
{
	unsigned char c = (unsigned char)g[0];
	if (c < 0x80) {
		if (P->ascii[c] == WF_NO_GLYPH)
			P->ascii[c] = (uint8_t)ix;
		return;
	}
	uint32_t cp = wfx_decode((const unsigned char *)g, (int)strlen(g));
	uint32_t h = (cp * 2654435761u) >> 23;
	while (P->mb_cp[h] && P->mb_cp[h] != cp)
		h = (h + 1) & 511;
	if (!P->mb_cp[h]) {
		P->mb_cp[h] = cp;
		P->mb_ix[h] = (uint8_t)ix;
	}
}

int wfx_lookup_mb(parser *P, uint32_t cp)
{
	uint32_t h = (cp * 2654435761u) >> 23;
	for (; P->mb_cp[h]; h = (h + 1) & 511)
		if (P->mb_cp[h] == cp)
			return P->mb_ix[h];
	return -1;
}
