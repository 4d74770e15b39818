/* parse-int.h — what the lexer (lex.c) and the parser (parse.c) of the
 * world file share, and nobody else sees: the token, the parser's state,
 * and the lexer's functions (prefix wfx_, as Lua's lexer is luaX_).
 *
 * The lexer reads one line at a time from one buffer with a cursor and
 * turns a statement line into tokens; it also keeps comments for the next
 * statement, reads values (numbers, names, strings, attributes), looks
 * glyphs up, and reports errors at a column with the token's extent. The
 * parser decides what the statements mean and builds the model. */
#ifndef ACRE_WF_PARSE_INT_H
#define ACRE_WF_PARSE_INT_H

#include "worldfmt/internal.h"

#include <string.h>

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

/* C_SKIP: a block whose opening line was wrong. Its body is passed over
 * up to its `end` (or a line that cannot be inside it), so that one broken
 * header gives one error rather than one for every line of the body. */
enum ctx { C_START, C_TOP, C_PALETTE, C_ZONE, C_PARCEL, C_LAYOUT, C_SKIP };

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
	uint8_t *lay_tiles;     /* NULL when not stored (see tile_budget) */
	const char *row_prev;   /* the glyphs of the last canonical row … */
	uint32_t row_prev_line; /* … read at this line (fast_rows) */
	/* Glyph lookup: ASCII bytes → index, WF_NO_GLYPH when not in the
	 * palette; other code points in a small open-addressed table (≤ 255
	 * entries in 512 slots). */
	uint8_t ascii[256];
	uint32_t mb_cp[512];
	uint8_t mb_ix[512];
	/* Tiles may be allocated only up to the input size (plus a margin): a
	 * complete layout needs a byte per tile, so hostile headers cannot
	 * make the parser allocate more than the file could fill. */
	uint64_t tile_budget;
	bool oom;
	wf_pos last;         /* the last token lexed (for the model's positions) */
	bool lay_bad;        /* a row of this layout was wrong: report one */
	int skip_what;       /* C_SKIP: the block skipped (C_PARCEL, C_ZONE …) */
	int skip_ret;        /* C_SKIP: the context after its `end` */
	int skip_depth;      /* C_SKIP: layouts open inside it */
	bool palette_broken; /* the palette was not read: glyphs go unchecked */
	bool size_broken;    /* the parcel's size was not read: nor its layout */
} parser;

/* parser.ascii of a byte that is no glyph: palette indices stop at
 * WF_MAX_PALETTE - 1 = 254. */
#define WF_NO_GLYPH 0xff
_Static_assert(WF_MAX_PALETTE <= WF_NO_GLYPH, "a tile index of 0xff is never valid");

/* Byte classes for bare words (lex.c). */
enum { B_WORD, B_STOP, B_CTRL, B_HIGH };
extern const uint8_t wfx_bclass[256];

uint32_t wfx_col_of(parser *P, const char *at);
wf_diag *wfx_err(parser *P, uint32_t col, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
wf_diag *wfx_rule(wf_diag *g, const char *id);
const char *wfx_suggest_word(wf_diag *g, const tok *t, const char *const *list,
                             const char *hint);
int wfx_quote_len(const char *s, size_t n);
const char *wfx_describe(const tok *t, char *buf, size_t size);
bool wfx_next_line(parser *P);
tok wfx_lex(parser *P);
wf_pos wfx_span_pos(wf_pos a, wf_pos b);
/* Inline, so that the keyword's length and comparison fold into
 * constants: the parser asks this of every statement, several times. */
static inline bool wfx_is(const tok *t, const char *word)
{
	size_t n = strlen(word);
	return t->kind == T_WORD && t->n == n && memcmp(t->s, word, n) == 0;
}
void wfx_push_lead(parser *P);
const char *wfx_take_lead(parser *P);
const char *wfx_join_lead(parser *P, const char *prev);
bool wfx_end_stmt(parser *P, wf_note *note);
bool wfx_parse_i64(const char *s, size_t n, int64_t min, int64_t max, int64_t *out);
bool wfx_parse_u64(const char *s, size_t n, uint64_t *out);
bool wfx_num(parser *P, const char *what, int64_t min, int64_t max, int64_t *out);
const char *wfx_name(parser *P, const char *what);
const char *wfx_text(parser *P, const char *what);
bool wfx_add_attr(parser *P, wf_attr **v, int *n, const tok *t);
uint32_t wfx_decode(const unsigned char *s, int len);
void wfx_index_glyph(parser *P, const char *g, int ix);
int wfx_lookup_mb(parser *P, uint32_t cp);

/* "found X" in messages: what token t is. */
#define FOUND(t) wfx_describe(&(t), (char[64]){0}, 64)

#endif
