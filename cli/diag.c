/* diag.c — the text form of a diagnostic, as the best compilers print it:
 *
 *   world.acre:27:8: error: parcel 'b' names unknown zone 'comercial' [unknown-zone]
 *      27 |   zone comercial
 *         |        ^^^^^^^^^
 *      help: did you mean 'commercial'?
 *
 * The first line is wf_diag_format's (editors jump to it); the source line
 * and the caret under [col, end_col) follow when the file can be read, and
 * the help line when the layer that found the mistake knows the fix. Every
 * command prints diagnostics through here (cli_print_diags in util.c, and
 * the text report of `acre check`), so they all look alike. This file
 * depends on libc and worldfmt alone, so the report writers' unit tests can
 * compile it in. */
#include "cli/cli.h"
#include "worldfmt/worldfmt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define C_RED "\033[1;31m"
#define C_BLUE "\033[1;34m"
#define C_GREEN "\033[1;32m"
#define C_OFF "\033[0m"

/* Files larger than this are not read again for their source lines. */
#define SNIPPET_MAX_FILE (64u << 20)
/* Code points of a source line shown around the caret. */
#define SNIPPET_WIDTH 100

/* The last file read for snippets: diagnostics come sorted by file, so one
 * is enough. The only state of this file. */
static struct {
	char *path;
	char *data;
	size_t len;
} src_cache;

void cli_diag_source_set(const char *name, const char *data, size_t len)
{
	free(src_cache.path);
	free(src_cache.data);
	src_cache.path = strdup(name);
	src_cache.data = malloc(len + 1);
	src_cache.len = src_cache.data ? len : 0;
	if (src_cache.data) {
		memcpy(src_cache.data, data, len);
		src_cache.data[len] = '\0';
	}
}

static bool load_source(const char *path)
{
	if (src_cache.path && strcmp(src_cache.path, path) == 0)
		return src_cache.data != NULL;
	free(src_cache.path);
	free(src_cache.data);
	src_cache.path = strdup(path);
	src_cache.data = NULL;
	src_cache.len = 0;
	FILE *f = fopen(path, "rb");
	if (!f)
		return false;
	struct stat st;
	if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode) ||
	    (uint64_t)st.st_size > SNIPPET_MAX_FILE) {
		fclose(f);
		return false;
	}
	char *buf = malloc((size_t)st.st_size + 1);
	size_t n = buf ? fread(buf, 1, (size_t)st.st_size, f) : 0;
	fclose(f);
	if (!buf)
		return false;
	buf[n] = '\0';
	src_cache.data = buf;
	src_cache.len = n;
	return true;
}

/* Line `line` (1-based) of the cached file, without its line end. */
static bool source_line(uint32_t line, const char **s, size_t *n)
{
	const char *p = src_cache.data, *end = p + src_cache.len;
	/* A BOM is not part of the first line's columns. */
	if (src_cache.len >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
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
static int show_char(FILE *out, const char *s, size_t n, size_t *len)
{
	unsigned char c = (unsigned char)*s;
	if (c == '\t') {
		*len = 1;
		if (out)
			fputs("    ", out);
		return 4;
	}
	if (c >= 0x80) {
		int l = wf_utf8_len((const unsigned char *)s, n);
		*len = l ? (size_t)l : 1;
		if (out) {
			if (l)
				fwrite(s, 1, (size_t)l, out);
			else
				fputc('?', out);
		}
		return 1;
	}
	*len = 1;
	if (out)
		fputc(c < 0x20 || c == 0x7f ? '?' : c, out);
	return 1;
}

void cli_diag_source(FILE *out, const char *file, uint32_t line, uint32_t col,
                     uint32_t end_col, const char *help, bool color)
{
	const char *s;
	size_t n;
	char num[16];
	int gw = snprintf(num, sizeof num, "%u", line);
	if (gw < 3)
		gw = 3;
	if (file && line && col && load_source(file) && source_line(line, &s, &n)) {
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
		fprintf(out, "%s%*u |%s ", color ? C_BLUE : "", gw + 2, line,
		        color ? C_OFF : "");
		if (from)
			fputs("…", out);
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
			fputs("…", out);
		if (caret < 0)
			caret = at; /* at or past the end of the line */
		if (at_end < 0 || at_end <= caret)
			at_end = i >= c1 ? at : caret + 1;
		if (at_end <= caret)
			at_end = caret + 1;
		fprintf(out, "\n%s%*s |%s %*s%s", color ? C_BLUE : "", gw + 2, "",
		        color ? C_OFF : "", caret, "", color ? C_RED : "");
		for (int k = caret; k < at_end; k++)
			fputc('^', out);
		fprintf(out, "%s\n", color ? C_OFF : "");
	}
	if (help && *help)
		fprintf(out, "%*s%shelp:%s %s\n", gw + 2, "", color ? C_GREEN : "",
		        color ? C_OFF : "", help);
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
bool cli_lua_position(const char *file, uint32_t *line, const char *msg, uint32_t *col,
                      uint32_t *end_col)
{
	const char *s;
	size_t n;
	if (!file || !*line || !load_source(file))
		return false;
	bool eof = msg && strstr(msg, " near <eof>");
	if (!source_line(*line, &s, &n))
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
