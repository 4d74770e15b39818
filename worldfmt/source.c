/* source.c — the text form of a diagnostic, as the best compilers print it:
 *
 *   world.acre:27:8: error: parcel 'b' names unknown zone 'comercial' [unknown-zone]
 *      27 |   zone comercial
 *         |        ^^^^^^^^^
 *      help: did you mean 'commercial'?
 *
 * The first line is wf_diag_format's (editors jump to it); the source line
 * and the caret under [col, end_col) follow when the file can be read, and
 * the help line when the layer that found the mistake knows the fix. It is
 * rendered here, into a buffer, so that every printer (cli's, and the text
 * report of acre check) shows the same thing; the file is read again
 * through a wf_source, which keeps the last file read. */
#include "worldfmt/internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define C_RED "\033[1;31m"
#define C_BLUE "\033[1;34m"
#define C_GREEN "\033[1;32m"
#define C_OFF "\033[0m"

/* Files larger than this are not read again for their source lines. */
#define SNIPPET_MAX_FILE (64u << 20)
/* Code points of a source line shown around the caret. */
#define SNIPPET_WIDTH 100

static void put(wf_buf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 256;
		while (cap < b->len + n + 1)
			cap *= 2;
		char *d = realloc(b->data, cap);
		if (!d)
			return; /* the snippet is cut; the diagnostic stands */
		b->data = d;
		b->cap = cap;
	}
	memcpy(b->data + b->len, s, n);
	b->len += n;
	b->data[b->len] = '\0';
}

__attribute__((format(printf, 2, 3))) static void putf(wf_buf *b, const char *fmt, ...)
{
	char tmp[512];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
	va_end(ap);
	if (n > 0)
		put(b, tmp, (size_t)n < sizeof tmp ? (size_t)n : sizeof tmp - 1);
}

void wf_source_free(wf_source *src)
{
	free(src->path);
	free(src->data);
	*src = (wf_source){0};
}

void wf_source_set(wf_source *src, const char *name, const char *data, size_t len)
{
	wf_source_free(src);
	src->path = strdup(name);
	src->data = malloc(len + 1);
	src->len = src->data ? len : 0;
	if (src->data) {
		memcpy(src->data, data, len);
		src->data[len] = '\0';
	}
}

static bool load_source(wf_source *src, const char *path)
{
	if (src->path && strcmp(src->path, path) == 0)
		return src->data != NULL;
	wf_source_free(src);
	src->path = strdup(path);
	char *data;
	size_t len;
	if (wf_read_named(path, SNIPPET_MAX_FILE, &data, &len) != WF_READ_OK)
		return false;
	src->data = data;
	src->len = len;
	return true;
}

/* Line `line` (1-based) of the file read, without its line end. */
static bool source_line(const wf_source *src, uint32_t line, const char **s, size_t *n)
{
	const char *p = src->data, *end = p + src->len;
	/* A BOM is not part of the first line's columns. */
	if (src->len >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
		p += 3;
	for (uint32_t l = 1; l < line; l++) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			return false;
		p = nl + 1;
	}
	if (p >= end)
		return false; /* the end of the file, after its last line */
	const char *nl = memchr(p, '\n', (size_t)(end - p));
	const char *e = nl ? nl : end;
	if (e > p && e[-1] == '\r')
		e--;
	*s = p;
	*n = (size_t)(e - p);
	return true;
}

/* Width of one character of the source as shown: a tab is 4 columns, a
 * valid UTF-8 sequence 1, any other byte 1 (shown as '?'). */
static int show_char(wf_buf *out, const char *s, size_t n, size_t *len)
{
	unsigned char c = (unsigned char)*s;
	if (c == '\t') {
		*len = 1;
		if (out)
			put(out, "    ", 4);
		return 4;
	}
	if (c >= 0x80) {
		int l = wf_utf8_len((const unsigned char *)s, n);
		*len = l ? (size_t)l : 1;
		if (out)
			put(out, l ? s : "?", l ? (size_t)l : 1);
		return 1;
	}
	*len = 1;
	if (out)
		put(out, c < 0x20 || c == 0x7f ? "?" : s, 1);
	return 1;
}

void wf_source_snippet(wf_source *src, wf_buf *out, const char *file, uint32_t line,
                       uint32_t col, uint32_t end_col, const char *help, bool color)
{
	const char *s;
	size_t n;
	char num[16];
	int gw = snprintf(num, sizeof num, "%u", line);
	if (gw < 3)
		gw = 3;
	if (file && line && col && load_source(src, file) && source_line(src, line, &s, &n)) {
		size_t c0 = col - 1 > n ? n : col - 1;
		size_t c1 = end_col > col ? end_col - 1 : c0 + 1;
		if (c1 > n + 1)
			c1 = n + 1;
		/* A window of the line around the caret, cut at characters. */
		size_t from = 0;
		if (c0 > SNIPPET_WIDTH / 2) {
			from = c0 - SNIPPET_WIDTH / 2;
			while (from > 0 && ((unsigned char)s[from] & 0xc0) == 0x80)
				from--;
		}
		putf(out, "%s%*u |%s ", color ? C_BLUE : "", gw + 2, line, color ? C_OFF : "");
		if (from)
			put(out, "…", strlen("…"));
		int shown = 0, at = from ? 1 : 0, at_end = -1;
		int caret = -1;
		size_t i = from;
		for (; i < n && shown < SNIPPET_WIDTH;) {
			size_t l;
			if (i == c0)
				caret = at;
			if (i == c1 && at_end < 0)
				at_end = at;
			int w = show_char(out, s + i, n - i, &l);
			at += w;
			shown++;
			i += l;
		}
		if (i < n)
			put(out, "…", strlen("…"));
		if (caret < 0)
			caret = at; /* at or past the end of the line */
		if (at_end < 0 || at_end <= caret)
			at_end = i >= c1 ? at : caret + 1;
		if (at_end <= caret)
			at_end = caret + 1;
		putf(out, "\n%s%*s |%s %*s%s", color ? C_BLUE : "", gw + 2, "",
		     color ? C_OFF : "", caret, "", color ? C_RED : "");
		for (int k = caret; k < at_end; k++)
			put(out, "^", 1);
		putf(out, "%s\n", color ? C_OFF : "");
	}
	if (help && *help) {
		putf(out, "%*s%shelp:%s ", gw + 2, "", color ? C_GREEN : "",
		     color ? C_OFF : "");
		put(out, help, strlen(help));
		put(out, "\n", 1);
	}
}

/* A word the message quotes ('fountian') that the line holds as a string
 * literal ("fountian" or 'fountian'): the argument that was wrong. */
static bool quoted_in_line(const char *msg, const char *s, size_t n, uint32_t *col,
                           uint32_t *end_col)
{
	for (const char *q = strchr(msg, '\''); q; q = strchr(q, '\'')) {
		const char *e = strchr(q + 1, '\'');
		if (!e)
			break;
		size_t tn = (size_t)(e - q - 1);
		for (size_t k = 0; tn && k + tn + 2 <= n; k++)
			if ((s[k] == '"' || s[k] == '\'') && s[k + tn + 1] == s[k] &&
			    memcmp(s + k + 1, q + 1, tn) == 0) {
				*col = (uint32_t)k + 1;
				*end_col = (uint32_t)(k + tn + 2) + 1;
				return true;
			}
		q = e + 1;
	}
	return false;
}

/* Lua reports "FILE:LINE: message" without a column. Its syntax errors end
 * in "near 'TOKEN'" (or "near <eof>"): the parser stops at the first token
 * that cannot follow what it read, so the last TOKEN of the line is the
 * likelier one. Otherwise the statement starts at the line's first
 * non-blank; "near <eof>" points after the line's text. Returns false
 * when the line cannot be read (Lua names the line after the last for an
 * unfinished chunk): the caller then prints the line alone. *line is kept
 * as Lua gives it, so every report format names the same line. */
bool wf_source_token(wf_source *src, const char *file, uint32_t *line, const char *msg,
                     uint32_t *col, uint32_t *end_col)
{
	const char *s;
	size_t n;
	if (!file || !*line || !load_source(src, file))
		return false;
	bool eof = msg && strstr(msg, " near <eof>");
	if (!source_line(src, *line, &s, &n))
		return false;
	/* A BOM on the first line is not a column. */
	size_t i = 0;
	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	size_t e = n;
	while (e > i && (s[e - 1] == ' ' || s[e - 1] == '\t' || s[e - 1] == '\r'))
		e--;
	*col = (uint32_t)i + 1;
	*end_col = (uint32_t)e + 1;
	const char *near = msg ? strstr(msg, " near '") : NULL;
	if (near) {
		near += 7;
		const char *q = strrchr(near, '\'');
		size_t tn = q && q > near ? (size_t)(q - near) : 0;
		for (size_t k = n; tn && k-- > 0;)
			if (k + tn <= n && memcmp(s + k, near, tn) == 0) {
				*col = (uint32_t)k + 1;
				*end_col = (uint32_t)(k + tn) + 1;
				break;
			}
	} else if (msg && quoted_in_line(msg, s, n, col, end_col)) {
		/* the name the message quotes, where the script wrote it */
	} else if (eof) {
		*col = *end_col = (uint32_t)e + 1;
		(*end_col)++;
	}
	return true;
}
