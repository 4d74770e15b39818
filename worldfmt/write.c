/* write.c — the canonical writer and atomic saves.
 *
 * The canonical layout: the world header, then the palette, the zones and
 * the parcels in model order, one blank line between blocks; two spaces of
 * indentation per level (four for layout rows); one space between words;
 * two spaces before a trailing comment; lead comments on their own lines at
 * the statement's indentation. Statements that hold a default are left out,
 * unless they carry a comment (so no comment is ever dropped). A comment
 * whose statement has nothing to write moves down to the next statement of
 * its block. */
#include "worldfmt/internal.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct writer {
	wf_buf *b;
	bool oom;
	/* Comments of statements that were not written, for the next one. */
	const char *pend[2 * WF_PS_NSLOTS + 8];
	int npend;
} writer;

void wf_buf_free(wf_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

int wf_buf_reserve(wf_buf *b, size_t n)
{
	if (b->cap - b->len >= n)
		return 0;
	if (n > SIZE_MAX / 2 - b->len)
		return -1;
	size_t cap = b->cap ? b->cap : 4096;
	while (cap - b->len < n)
		cap *= 2;
	char *d = realloc(b->data, cap);
	if (!d)
		return -1;
	wf_huge_hint(d, cap);
	b->data = d;
	b->cap = cap;
	return 0;
}

int wf_buf_put(wf_buf *b, const char *s, size_t n)
{
	if (wf_buf_reserve(b, n + 1) != 0)
		return -1;
	if (n)
		memcpy(b->data + b->len, s, n);
	b->len += n;
	b->data[b->len] = '\0';
	return 0;
}

/* The writer calls these per token: inline, so that a literal's length
 * and a short copy fold into a few instructions. */
#define WF_INLINE static inline __attribute__((always_inline))

WF_INLINE bool reserve(writer *W, size_t n)
{
	/* The common case stays in line: the writer calls this per token. */
	if (W->b->cap - W->b->len >= n || wf_buf_reserve(W->b, n) == 0)
		return true;
	W->oom = true;
	return false;
}

WF_INLINE void put(writer *W, const char *s, size_t n)
{
	if (n == 0 || !reserve(W, n))
		return;
	memcpy(W->b->data + W->b->len, s, n);
	W->b->len += n;
}

WF_INLINE void puts_(writer *W, const char *s)
{
	put(W, s, strlen(s));
}

WF_INLINE void putc_(writer *W, char c)
{
	if (reserve(W, 1))
		W->b->data[W->b->len++] = c;
}

/* 0 to 999 straight into the buffer: coordinates and sizes, most of the
 * numbers of a world. */
WF_INLINE void put_small(writer *W, uint32_t u)
{
	if (!reserve(W, 3))
		return;
	char *o = W->b->data + W->b->len;
	if (u >= 100) {
		*o++ = (char)('0' + u / 100);
		u %= 100;
		*o++ = (char)('0' + u / 10);
	} else if (u >= 10) {
		*o++ = (char)('0' + u / 10);
	}
	*o++ = (char)('0' + u % 10);
	W->b->len = (size_t)(o - W->b->data);
}

static void put_i64(writer *W, int64_t v)
{
	if (v >= 0 && v < 1000) {
		put_small(W, (uint32_t)v);
		return;
	}
	char tmp[24], *e = tmp + sizeof tmp, *q = e;
	uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
	do
		*--q = (char)('0' + u % 10);
	while (u /= 10);
	if (v < 0)
		*--q = '-';
	put(W, q, (size_t)(e - q));
}

static void put_u64(writer *W, uint64_t u)
{
	char tmp[24], *e = tmp + sizeof tmp, *q = e;
	do
		*--q = (char)('0' + u % 10);
	while (u /= 10);
	put(W, q, (size_t)(e - q));
}

/* A quoted string with \\ \" \n \t escaped. */
static void put_quoted(writer *W, const char *s)
{
	putc_(W, '"');
	for (const char *q = s;;) {
		size_t n = strcspn(q, "\\\"\n\t");
		put(W, q, n);
		q += n;
		if (!*q)
			break;
		char esc[2] = {'\\', *q == '\n' ? 'n' : *q == '\t' ? 't' : *q};
		put(W, esc, 2);
		q++;
	}
	putc_(W, '"');
}

/* A model being edited may hold a NULL name for a moment; the writer
 * never crashes on it (wf_validate reports it). */
static const char *orq(const char *s)
{
	return s ? s : "?";
}

/* A bare attribute value must not need quotes to read back the same. */
static bool bare_ok(const char *s)
{
	if (!*s)
		return false;
	for (const unsigned char *q = (const unsigned char *)s; *q; q++)
		if (*q <= 0x20 || *q == '"' || *q == '#' || *q == '=' || *q == 0x7f)
			return false;
	return true;
}

static void put_attr(writer *W, const wf_attr *a)
{
	const char *v = a->value ? a->value : "";
	puts_(W, orq(a->key));
	putc_(W, '=');
	if (a->quoted || !bare_ok(v))
		put_quoted(W, v);
	else
		puts_(W, v);
}

static void put_attrs_inline(writer *W, const wf_attr *a, int n)
{
	for (int i = 0; i < n; i++) {
		putc_(W, ' ');
		put_attr(W, &a[i]);
	}
}

/* ---- Comments -------------------------------------------------------------*/

static void put_lines(writer *W, const char *lead, int indent)
{
	for (const char *q = lead; q;) {
		const char *nl = strchr(q, '\n');
		put(W, "        ", (size_t)indent);
		put(W, q, nl ? (size_t)(nl - q) : strlen(q));
		putc_(W, '\n');
		q = nl ? nl + 1 : NULL;
	}
}

/* Lead comments of a statement about to be written, with anything pending. */
static void lead(writer *W, const wf_note *n, int indent)
{
	for (int i = 0; i < W->npend; i++)
		put_lines(W, W->pend[i], indent);
	W->npend = 0;
	if (n && n->lead)
		put_lines(W, n->lead, indent);
}

WF_INLINE void trail(writer *W, const wf_note *n)
{
	if (n && n->trail) {
		put(W, "  ", 2);
		puts_(W, n->trail);
	}
	putc_(W, '\n');
}

/* A statement that is not written keeps its comments for the next one. */
static void skip(writer *W, const wf_note *n)
{
	if (n->lead && W->npend < (int)(sizeof W->pend / sizeof W->pend[0]))
		W->pend[W->npend++] = n->lead;
	if (n->trail && W->npend < (int)(sizeof W->pend / sizeof W->pend[0]))
		W->pend[W->npend++] = n->trail;
}

static bool noted(const wf_note *n)
{
	return n->lead || n->trail;
}

/* ---- Blocks ----------------------------------------------------------------*/

static void put_memory(writer *W, int64_t m)
{
	static const char *const suf[] = {"GiB", "MiB", "KiB"};
	static const int shift[] = {30, 20, 10};
	for (int i = 0; i < 3; i++) {
		if (m > 0 && m % (INT64_C(1) << shift[i]) == 0) {
			put_i64(W, m >> shift[i]);
			puts_(W, suf[i]);
			return;
		}
	}
	put_i64(W, m);
}

static void put_attr_lines(writer *W, const wf_attr *a, int n, int indent)
{
	for (int i = 0; i < n; i++) {
		lead(W, &a[i].note, indent);
		put(W, "        ", (size_t)indent);
		put_attr(W, &a[i]);
		trail(W, &a[i].note);
	}
}

static void write_header(writer *W, const wf_world *w)
{
	const wf_note *N = w->notes;
	lead(W, &N[WF_WS_HEAD], 0);
	puts_(W, "world ");
	put_quoted(W, w->name ? w->name : "untitled");
	trail(W, &N[WF_WS_HEAD]);
	lead(W, &N[WF_WS_FORMAT], 2);
	puts_(W, "  format ");
	put_i64(W, w->format);
	trail(W, &N[WF_WS_FORMAT]);
	lead(W, &N[WF_WS_SEED], 2);
	puts_(W, "  seed ");
	put_u64(W, w->seed);
	trail(W, &N[WF_WS_SEED]);
	lead(W, &N[WF_WS_SIZE], 2);
	puts_(W, "  size ");
	put_i64(W, w->width);
	putc_(W, ' ');
	put_i64(W, w->height);
	trail(W, &N[WF_WS_SIZE]);
	lead(W, &N[WF_WS_PARCEL_SIZE], 2);
	puts_(W, "  parcel-size ");
	put_i64(W, w->parcel_w);
	putc_(W, ' ');
	put_i64(W, w->parcel_h);
	trail(W, &N[WF_WS_PARCEL_SIZE]);
	lead(W, &N[WF_WS_BUDGET], 2);
	puts_(W, "  budget entities=");
	put_i64(W, w->unit_budget.entities);
	puts_(W, " instructions=");
	put_i64(W, w->unit_budget.instructions);
	puts_(W, " memory=");
	put_memory(W, w->unit_budget.memory);
	trail(W, &N[WF_WS_BUDGET]);
	if (w->events) {
		lead(W, &N[WF_WS_EVENTS], 2);
		puts_(W, "  events ");
		put_quoted(W, w->events);
		trail(W, &N[WF_WS_EVENTS]);
	} else {
		skip(W, &N[WF_WS_EVENTS]);
	}
	put_attr_lines(W, w->attrs, w->nattrs, 2);
}

static void write_palette(writer *W, const wf_world *w)
{
	putc_(W, '\n');
	lead(W, &w->notes[WF_WS_PALETTE], 0);
	puts_(W, "palette");
	trail(W, &w->notes[WF_WS_PALETTE]);
	for (int i = 0; i < w->npalette; i++) {
		const wf_glyph *g = &w->palette[i];
		lead(W, &g->note, 2);
		puts_(W, "  ");
		put_quoted(W, g->glyph ? g->glyph : "?");
		putc_(W, ' ');
		puts_(W, g->name ? g->name : "unnamed");
		if (g->solid)
			puts_(W, " solid");
		if (g->script) {
			puts_(W, " script=");
			put_quoted(W, g->script);
		}
		put_attrs_inline(W, g->attrs, g->nattrs);
		trail(W, &g->note);
	}
	lead(W, &w->notes[WF_WS_PALETTE_END], 2);
	puts_(W, "end");
	trail(W, &w->notes[WF_WS_PALETTE_END]);
}

static void write_zone(writer *W, const wf_zone *z)
{
	putc_(W, '\n');
	lead(W, &z->note, 0);
	puts_(W, "zone ");
	puts_(W, orq(z->name));
	trail(W, &z->note);
	if (z->caps & WF_CAP_ALL) {
		lead(W, &z->allow_note, 2);
		puts_(W, "  allow");
		for (int bit = 1; bit & WF_CAP_ALL; bit <<= 1) {
			if (z->caps & bit) {
				putc_(W, ' ');
				puts_(W, wf_cap_name(bit));
			}
		}
		trail(W, &z->allow_note);
	} else {
		skip(W, &z->allow_note);
	}
	if (z->max_entities >= 0) {
		lead(W, &z->max_note, 2);
		puts_(W, "  max-entities-per-parcel ");
		put_i64(W, z->max_entities);
		trail(W, &z->max_note);
	} else {
		skip(W, &z->max_note);
	}
	put_attr_lines(W, z->attrs, z->nattrs, 2);
	lead(W, &z->end_note, 2);
	puts_(W, "end");
	trail(W, &z->end_note);
}

/* Glyph text per palette index; `one` when every glyph is one byte. */
typedef struct glyphs {
	const char *s[256];
	uint8_t n[256];
	char byte[256];
	bool one;
} glyphs;

static void glyph_table(const wf_world *w, glyphs *G)
{
	G->one = true;
	for (int i = 0; i < 256; i++) {
		const char *g =
		    i < w->npalette && w->palette[i].glyph ? w->palette[i].glyph : "?";
		G->s[i] = g;
		G->n[i] = (uint8_t)strlen(g);
		G->byte[i] = g[0];
		if (G->n[i] != 1)
			G->one = false;
	}
}

static void write_layout(writer *W, const wf_world *w, const wf_parcel *p,
                         const glyphs *G)
{
	size_t tw = (size_t)wf_parcel_tw(w, p), th = (size_t)wf_parcel_th(w, p);
	lead(W, &p->notes[WF_PS_LAYOUT], 2);
	puts_(W, "  layout");
	trail(W, &p->notes[WF_PS_LAYOUT]);
	for (size_t y = 0; y < th; y++) {
		const uint8_t *row = p->tiles + y * tw;
		if (!reserve(W, 5 + tw * 4))
			return;
		char *o = W->b->data + W->b->len;
		memcpy(o, "    ", 4);
		o += 4;
		if (G->one && y > 0 && wf_bytes_eq(row, row - tw, tw)) {
			/* The row above again (walls, floors): its text again. */
			wf_bytes_copy(o, o - tw - 5, tw);
			o += tw;
		} else if (G->one) {
			char *restrict d = o;
			const char *restrict byte = G->byte;
			size_t x = 0;
			for (; x + 4 <= tw; x += 4) {
				d[x] = byte[row[x]];
				d[x + 1] = byte[row[x + 1]];
				d[x + 2] = byte[row[x + 2]];
				d[x + 3] = byte[row[x + 3]];
			}
			for (; x < tw; x++)
				d[x] = byte[row[x]];
			o += tw;
		} else {
			for (size_t x = 0; x < tw; x++) {
				memcpy(o, G->s[row[x]], G->n[row[x]]);
				o += G->n[row[x]];
			}
		}
		*o++ = '\n';
		W->b->len = (size_t)(o - W->b->data);
	}
	lead(W, NULL, 2);
	puts_(W, "  end");
	trail(W, &p->notes[WF_PS_LAYOUT_END]);
}

static void write_entity(writer *W, const wf_entity *e)
{
	lead(W, &e->note, 2);
	puts_(W, "  entity ");
	puts_(W, orq(e->name));
	putc_(W, ' ');
	put_i64(W, e->x);
	putc_(W, ' ');
	put_i64(W, e->y);
	if (e->glyph) {
		puts_(W, " glyph=");
		put_quoted(W, e->glyph);
	}
	if (e->script) {
		puts_(W, " script=");
		put_quoted(W, e->script);
	}
	put_attrs_inline(W, e->attrs, e->nattrs);
	trail(W, &e->note);
}

/* owner, zone, script: written when set. In line, so that the keyword's
 * length is a constant. */
WF_INLINE void parcel_text(writer *W, const wf_parcel *p, int slot, const char *kw,
                           const char *v, bool quoted)
{
	if (!v) {
		skip(W, &p->notes[slot]);
		return;
	}
	lead(W, &p->notes[slot], 2);
	puts_(W, kw);
	if (quoted)
		put_quoted(W, v);
	else
		puts_(W, v);
	trail(W, &p->notes[slot]);
}

static void write_parcel(writer *W, const wf_world *w, const wf_parcel *p,
                         const glyphs *G)
{
	const wf_note *N = p->notes;
	putc_(W, '\n');
	lead(W, &N[WF_PS_HEAD], 0);
	puts_(W, "parcel ");
	puts_(W, orq(p->name));
	putc_(W, ' ');
	put_i64(W, p->px);
	putc_(W, ' ');
	put_i64(W, p->py);
	trail(W, &N[WF_PS_HEAD]);
	if (p->pw != 1 || p->ph != 1 || noted(&N[WF_PS_SIZE])) {
		lead(W, &N[WF_PS_SIZE], 2);
		puts_(W, "  size ");
		put_i64(W, p->pw);
		putc_(W, ' ');
		put_i64(W, p->ph);
		trail(W, &N[WF_PS_SIZE]);
	}
	parcel_text(W, p, WF_PS_OWNER, "  owner ", p->owner, true);
	parcel_text(W, p, WF_PS_ZONE, "  zone ", p->zone, false);
	parcel_text(W, p, WF_PS_SCRIPT, "  script ", p->script, true);
	put_attr_lines(W, p->attrs, p->nattrs, 2);
	if (p->tiles && p->pw > 0 && p->ph > 0) {
		write_layout(W, w, p, G);
	} else {
		skip(W, &N[WF_PS_LAYOUT]);
		skip(W, &N[WF_PS_LAYOUT_END]);
	}
	for (int i = 0; i < p->nentities; i++)
		write_entity(W, &p->entities[i]);
	lead(W, &N[WF_PS_END], 2);
	puts_(W, "end");
	trail(W, &N[WF_PS_END]);
}

int wf_write(const wf_world *w, wf_buf *out)
{
	writer W = {.b = out};
	wf_huge_hint(out->data, out->cap); /* a caller's preallocated buffer */
	glyphs *G = malloc(sizeof *G);
	if (!G)
		return -1;
	glyph_table(w, G);
	write_header(&W, w);
	write_palette(&W, w);
	for (int i = 0; i < w->nzones; i++)
		write_zone(&W, &w->zones[i]);
	for (int i = 0; i < w->nparcels; i++)
		write_parcel(&W, w, &w->parcels[i], G);
	free(G);
	if (w->notes[WF_WS_TAIL].lead || W.npend) {
		putc_(&W, '\n');
		lead(&W, &w->notes[WF_WS_TAIL], 0);
	}
	return W.oom ? -1 : 0;
}

/* ---- Atomic save ------------------------------------------------------------
 * The temporary file of a save of DIR/NAME is DIR/.NAME.tmp.PID.XXXXXX: a
 * dot file (out of the way of `ls` and globs), named after the file it
 * replaces and the process that writes it. A save killed between mkstemp
 * and rename leaves one behind; the next save of the same file removes
 * every such file whose process is gone. Files of a live process (another
 * editor saving at this moment) and files of any other name are left
 * alone. */

/* Is `name` ".BASE.tmp.PID.XXXXXX" with PID a process that no longer
 * exists? */
static bool stale_temp(const char *name, const char *base)
{
	size_t bl = strlen(base);
	if (name[0] != '.' || strncmp(name + 1, base, bl) != 0 ||
	    strncmp(name + 1 + bl, ".tmp.", 5) != 0)
		return false;
	const char *p = name + 1 + bl + 5;
	char *end;
	errno = 0;
	long pid = strtol(p, &end, 10);
	if (end == p || *end != '.' || strlen(end + 1) != 6 || errno || pid <= 0 ||
	    pid > INT32_MAX || p[0] == '0' || p[0] == '+' || p[0] == '-')
		return false;
	return kill((pid_t)pid, 0) != 0 && errno == ESRCH;
}

static void remove_stale_temps(const char *dir, const char *base)
{
	DIR *d = opendir(dir);
	if (!d)
		return;
	struct dirent *ent;
	while ((ent = readdir(d)) != NULL)
		if (stale_temp(ent->d_name, base))
			(void)unlinkat(dirfd(d), ent->d_name, 0);
	closedir(d);
}

int wf_save_atomic(const char *path, const void *data, size_t len)
{
	const char *slash = strrchr(path, '/');
	const char *base = slash ? slash + 1 : path;
	char *dir = slash ? strndup(path, slash == path ? 1 : (size_t)(slash - path))
	                  : strdup(".");
	char *tmp = NULL;
	int fd = -1, e = 0;
	if (!dir || asprintf(&tmp, "%.*s.%s.tmp.%ld.XXXXXX", (int)(base - path), path,
	                     base, (long)getpid()) < 0) {
		tmp = NULL;
		e = ENOMEM;
		goto out;
	}
	remove_stale_temps(dir, base);
	fd = mkstemp(tmp);
	if (fd < 0) {
		e = errno;
		goto out;
	}
	/* Keep the mode of the file being replaced, or give the mode a new
	 * file would get (mkstemp makes it 0600). */
	struct stat st;
	if (stat(path, &st) == 0) {
		(void)fchmod(fd, st.st_mode & 07777);
	} else {
		mode_t um = umask(0);
		umask(um);
		(void)fchmod(fd, 0666 & ~um);
	}
	for (size_t off = 0; off < len;) {
		ssize_t r = write(fd, (const char *)data + off, len - off);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			e = r < 0 ? errno : EIO;
			goto out;
		}
		off += (size_t)r;
	}
	if (fsync(fd) != 0 || close(fd) != 0) {
		e = errno;
		fd = -1;
		goto out;
	}
	fd = -1;
	if (rename(tmp, path) != 0) {
		e = errno;
		goto out;
	}
	free(tmp);
	tmp = NULL;
	int dfd = open(dir, O_RDONLY | O_DIRECTORY);
	if (dfd >= 0) {
		/* Makes the rename itself durable. */
		if (fsync(dfd) != 0)
			e = errno;
		close(dfd);
	}
out:
	if (fd >= 0)
		close(fd);
	if (tmp) {
		unlink(tmp);
		free(tmp);
	}
	free(dir);
	if (e) {
		errno = e;
		return -1;
	}
	return 0;
}

int wf_save(const wf_world *w, const char *dir)
{
	wf_buf b = {0};
	char *path = NULL;
	if (wf_write(w, &b) < 0 ||
	    asprintf(&path, "%s/world.acre", dir && *dir ? dir : ".") < 0) {
		wf_buf_free(&b);
		errno = ENOMEM;
		return -1;
	}
	int r = wf_save_atomic(path, b.data ? b.data : "", b.len);
	int e = errno;
	free(path);
	wf_buf_free(&b);
	errno = e;
	return r;
}
