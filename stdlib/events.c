/* events.c — the events file: timed avatar events and outside messages.
 *
 * Libc only, so that it can be fuzzed on its own (tests/fuzz/fuzz-events.c).
 * The format is in api.h and acre-lua(7), EVENTS FILE. Every line is read
 * even after an error, so that all of a file's errors are reported (up to
 * API_MAX_EVENT_ERRORS recorded). */
#include "stdlib/api.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The cursor over one line; `s` is the line's start, len excludes '\n'. */
typedef struct ev_line {
	const char *s;
	size_t len, pos;
	uint32_t lineno;
} ev_line;

static const char *const ev_kind_names[] = {"enter", "leave", "interact", "message"};

const char *api_event_kind_name(api_event_kind k)
{
	if ((unsigned)k >= sizeof ev_kind_names / sizeof ev_kind_names[0])
		return "?";
	return ev_kind_names[k];
}

static void ev_error(api_events *ev, const char *file, uint32_t line, uint32_t col,
                     const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void ev_error(api_events *ev, const char *file, uint32_t line, uint32_t col,
                     const char *fmt, ...)
{
	ev->errors++;
	if (ev->nerrs >= API_MAX_EVENT_ERRORS)
		return;
	api_error *e = &ev->errs[ev->nerrs++];
	snprintf(e->file, sizeof e->file, "%s", file);
	e->line = line;
	e->col = col;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof e->msg, fmt, ap);
	va_end(ap);
}

static void ev_skip_space(ev_line *l)
{
	while (l->pos < l->len && (l->s[l->pos] == ' ' || l->s[l->pos] == '\t'))
		l->pos++;
}

/* The next whitespace-delimited token; *tlen is 0 at the end of the line. */
static const char *ev_token(ev_line *l, size_t *tlen)
{
	ev_skip_space(l);
	size_t start = l->pos;
	while (l->pos < l->len && l->s[l->pos] != ' ' && l->s[l->pos] != '\t')
		l->pos++;
	*tlen = l->pos - start;
	return l->s + start;
}

/* Show at most 24 bytes of a bad token, with anything unprintable as '?'. */
static void ev_quote(const char *t, size_t n, char *out, size_t outlen)
{
	size_t k = 0;
	for (size_t i = 0; i < n && i < 24 && k + 4 < outlen; i++) {
		unsigned char c = (unsigned char)t[i];
		out[k++] = (c >= 0x20 && c < 0x7f) ? (char)c : '?';
	}
	if (n > 24 && k + 4 < outlen) {
		memcpy(out + k, "...", 3);
		k += 3;
	}
	out[k] = '\0';
}

/* Byte offset of the first invalid UTF-8 or control byte, or -1. */
static long ev_bad_text(const char *t, size_t n)
{
	size_t i = 0;
	while (i < n) {
		unsigned char c = (unsigned char)t[i];
		if (c < 0x20 && c != '\t')
			return (long)i;
		int k = wf_utf8_len((const unsigned char *)t + i, n - i);
		if (k == 0)
			return (long)i;
		i += (size_t)k;
	}
	return -1;
}

static char *ev_dup(const char *t, size_t n)
{
	char *s = malloc(n + 1);
	if (s) {
		memcpy(s, t, n);
		s[n] = '\0';
	}
	return s;
}

typedef struct ev_ctx {
	api_events *ev;
	const char *file;
	int64_t last_tick;
} ev_ctx;

/* Read a name field; reports and returns NULL-with-*bad when it is not one. */
static bool ev_name(ev_ctx *c, ev_line *l, const char *what, const char **t, size_t *n)
{
	*t = ev_token(l, n);
	uint32_t col = (uint32_t)(*t - l->s) + 1;
	if (*n == 0) {
		ev_error(c->ev, c->file, l->lineno, col, "expected %s name", what);
		return false;
	}
	if (!wf_name_ok(*t, *n)) {
		char q[32];
		ev_quote(*t, *n, q, sizeof q);
		ev_error(c->ev, c->file, l->lineno, col,
		         "'%s' is not a valid %s name (letters, digits, '_', '.', '-'; "
		         "at most %d bytes)",
		         q, what, WF_MAX_NAME);
		return false;
	}
	return true;
}

static bool ev_tick(ev_ctx *c, ev_line *l, int64_t *tick)
{
	size_t n;
	const char *t = ev_token(l, &n);
	uint32_t col = (uint32_t)(t - l->s) + 1;
	int64_t v = 0;
	bool digits = n > 0 && n <= 10;
	for (size_t i = 0; digits && i < n; i++) {
		if (t[i] < '0' || t[i] > '9')
			digits = false;
		else
			v = v * 10 + (t[i] - '0');
	}
	if (!digits) {
		char q[32];
		ev_quote(t, n, q, sizeof q);
		ev_error(c->ev, c->file, l->lineno, col,
		         "expected a tick number, not '%s'", q);
		return false;
	}
	if (v < 1 || v > API_MAX_TICK) {
		ev_error(c->ev, c->file, l->lineno, col,
		         "tick must be from 1 to %lld, not %lld", API_MAX_TICK,
		         (long long)v);
		return false;
	}
	if (v < c->last_tick) {
		ev_error(c->ev, c->file, l->lineno, col,
		         "events must be in tick order: tick %lld comes after tick %lld",
		         (long long)v, (long long)c->last_tick);
		return false;
	}
	*tick = v;
	return true;
}

static int ev_kind(ev_ctx *c, ev_line *l)
{
	size_t n;
	const char *t = ev_token(l, &n);
	for (size_t k = 0; k < sizeof ev_kind_names / sizeof ev_kind_names[0]; k++)
		if (n == strlen(ev_kind_names[k]) && memcmp(t, ev_kind_names[k], n) == 0)
			return (int)k;
	uint32_t col = (uint32_t)(t - l->s) + 1;
	if (n == 0) {
		ev_error(c->ev, c->file, l->lineno, col,
		         "expected an event (enter, leave, interact or message)");
		return -1;
	}
	char q[32];
	ev_quote(t, n, q, sizeof q);
	ev_error(c->ev, c->file, l->lineno, col,
	         "unknown event '%s' (expected enter, leave, interact or message)", q);
	return -1;
}

static int ev_push(api_events *ev, const api_event *e)
{
	if (ev->n == ev->cap) {
		int cap = ev->cap ? ev->cap * 2 : 16;
		api_event *v = realloc(ev->v, (size_t)cap * sizeof *v);
		if (!v)
			return -1;
		ev->v = v;
		ev->cap = cap;
	}
	ev->v[ev->n++] = *e;
	return 0;
}

static void ev_event_free(api_event *e)
{
	free(e->avatar);
	free(e->parcel);
	free(e->entity);
	free(e->text);
}

/* The message text: the rest of the line, trailing blanks dropped. */
static bool ev_text(ev_ctx *c, ev_line *l, const char **t, size_t *n)
{
	ev_skip_space(l);
	*t = l->s + l->pos;
	*n = l->len - l->pos;
	while (*n > 0 && ((*t)[*n - 1] == ' ' || (*t)[*n - 1] == '\t'))
		(*n)--;
	uint32_t col = (uint32_t)l->pos + 1;
	if (*n == 0) {
		ev_error(c->ev, c->file, l->lineno, col, "expected message text");
		return false;
	}
	if (*n > WF_MAX_STRING) {
		ev_error(c->ev, c->file, l->lineno, col,
		         "message text is longer than %d bytes", WF_MAX_STRING);
		return false;
	}
	long bad = ev_bad_text(*t, *n);
	if (bad >= 0) {
		ev_error(c->ev, c->file, l->lineno, col + (uint32_t)bad,
		         "message text is not valid UTF-8 text");
		return false;
	}
	return true;
}

/* Parse one non-blank, non-comment line. Returns -1 only when out of memory. */
static int ev_parse_line(ev_ctx *c, ev_line *l)
{
	api_event e = {.line = l->lineno};
	const char *a = NULL, *p = NULL, *x = NULL;
	size_t an = 0, pn = 0, xn = 0;

	if (!ev_tick(c, l, &e.tick))
		return 0;
	int k = ev_kind(c, l);
	if (k < 0)
		return 0;
	e.kind = (api_event_kind)k;
	if (e.kind != API_EV_MESSAGE && !ev_name(c, l, "avatar", &a, &an))
		return 0;
	if (!ev_name(c, l, "parcel", &p, &pn))
		return 0;
	e.col = (uint32_t)(p - l->s) + 1;
	if (e.kind == API_EV_INTERACT && !ev_name(c, l, "entity", &x, &xn))
		return 0;
	if (e.kind == API_EV_MESSAGE) {
		if (!ev_text(c, l, &x, &xn))
			return 0;
	} else {
		size_t rn;
		const char *rest = ev_token(l, &rn);
		if (rn) {
			char q[32];
			ev_quote(rest, rn, q, sizeof q);
			ev_error(c->ev, c->file, l->lineno, (uint32_t)(rest - l->s) + 1,
			         "unexpected '%s' after the %s event", q,
			         api_event_kind_name(e.kind));
			return 0;
		}
	}
	c->last_tick = e.tick;
	e.avatar = a ? ev_dup(a, an) : NULL;
	e.parcel = ev_dup(p, pn);
	if (e.kind == API_EV_INTERACT)
		e.entity = ev_dup(x, xn);
	if (e.kind == API_EV_MESSAGE)
		e.text = ev_dup(x, xn);
	bool oom = (a && !e.avatar) || !e.parcel || (x && !e.entity && !e.text);
	if (oom || ev_push(c->ev, &e) < 0) {
		ev_event_free(&e);
		return -1;
	}
	return 0;
}

int api_events_parse(const char *buf, size_t len, const char *file, api_events *out)
{
	ev_ctx c = {.ev = out, .file = file, .last_tick = 0};
	snprintf(out->file, sizeof out->file, "%s", file);
	size_t pos = 0;
	uint32_t lineno = 0;

	while (pos < len) {
		const char *nl = memchr(buf + pos, '\n', len - pos);
		size_t end = nl ? (size_t)(nl - buf) : len;
		ev_line l = {.s = buf + pos, .len = end - pos, .lineno = ++lineno};
		pos = nl ? end + 1 : len;
		if (l.len && l.s[l.len - 1] == '\r')
			l.len--;
		if (lineno == 1 && l.len >= 3 && memcmp(l.s, "\xef\xbb\xbf", 3) == 0)
			l.pos = 3; /* a byte-order mark */
		const char *nul = memchr(l.s, '\0', l.len);
		if (nul) {
			ev_error(out, file, lineno, (uint32_t)(nul - l.s) + 1,
			         "NUL byte in the events file");
			continue;
		}
		ev_skip_space(&l);
		if (l.pos == l.len || l.s[l.pos] == '#')
			continue;
		if (ev_parse_line(&c, &l) < 0)
			return -1;
	}
	return out->errors;
}

int api_events_load(const char *dir, const char *rel, const char *file,
                    api_events *out)
{
	char *buf = NULL;
	size_t len = 0;
	wf_read_status st = dir ? wf_world_read(dir, rel, WF_MAX_EVENTS_BYTES, &buf, &len)
	                        : wf_read_named(rel, WF_MAX_EVENTS_BYTES, &buf, &len);
	if (st != WF_READ_OK) {
		ev_error(out, file, 0, 0, "cannot read the events file: %s",
		         wf_read_strerror(st));
		return -1;
	}
	int rc = api_events_parse(buf, len, file, out);
	free(buf);
	return rc;
}

void api_events_free(api_events *ev)
{
	for (int i = 0; i < ev->n; i++)
		ev_event_free(&ev->v[i]);
	free(ev->v);
	memset(ev, 0, sizeof *ev);
}
