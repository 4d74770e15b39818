/* load.c — reading a world for the editor fast: the file is mapped, and a
 * big one is parsed in two halves on two threads.
 *
 * Opening is dominated by parsing (the Street is 28 MB). A world file is a
 * header (world, palette, zones) followed mostly by parcel blocks, each
 * independent of the others, so the file is split at a `parcel` line in the
 * middle: the first half is parsed as it is, the second as "header + second
 * half" on another thread, and the second half's parcels are moved into the
 * first world. The split is used only when both halves parse without a
 * single diagnostic and agree on the header (same palette and zones); else
 * the whole file is parsed once, the ordinary way, and its diagnostics are
 * the ones reported. Line numbers of moved parcels are shifted back to the
 * file's own. The second world stays alive (its arena holds the moved
 * parcels' strings) until the editor closes; see ed_load_free.
 *
 * A big world is also read progressively (ed_load_preview): the header and
 * the first parcels of the file are parsed at once for the first frame, and
 * the whole file on a background thread, which the key loop polls; the
 * editor swaps the whole world in when it is read (edits wait till then).
 * The thread also builds the world's index, which ed_model_init keeps, and
 * moves the world to huge pages (bg.c).
 */
#include "editor/ui.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define SPLIT_MIN   (4u << 20)   /* files smaller than this are parsed whole */
#define PREVIEW_LEN (256u << 10) /* bytes parsed for the first frame */

/* Offset of the start of the first line at or after `from` that begins with
 * "parcel " and follows a line that is not a comment (a comment above a
 * parcel belongs to it), or 0 when there is none. */
static size_t parcel_line(const char *b, size_t len, size_t from)
{
	for (size_t i = from; i + 8 < len; i++) {
		const char *p = memchr(b + i, '\n', len - i);
		if (!p)
			return 0;
		i = (size_t)(p - b);
		if (i + 8 >= len || memcmp(p + 1, "parcel ", 7) != 0)
			continue;
		size_t s = i; /* start of the line before */
		while (s > 0 && b[s - 1] != '\n')
			s--;
		while (s < i && (b[s] == ' ' || b[s] == '\t'))
			s++;
		if (b[s] != '#')
			return i + 1;
	}
	return 0;
}

static uint32_t count_lines(const char *b, size_t n)
{
	uint32_t k = 0;
	for (const char *p = b, *e = b + n; (p = memchr(p, '\n', (size_t)(e - p))); p++)
		k++;
	return k;
}

typedef struct half {
	const char *buf;
	size_t len;
	const char *file;
	wf_diags d;
	wf_world *w;
} half;

static void *parse_half(void *arg)
{
	half *h = arg;
	h->w = wf_parse(h->buf, h->len, h->file, &h->d);
	return NULL;
}

static bool same_header(const wf_world *a, const wf_world *b)
{
	if (a->npalette != b->npalette || a->nzones != b->nzones)
		return false;
	for (int i = 0; i < a->npalette; i++)
		if (strcmp(a->palette[i].glyph, b->palette[i].glyph) != 0)
			return false;
	for (int i = 0; i < a->nzones; i++)
		if (strcmp(a->zones[i].name, b->zones[i].name) != 0)
			return false;
	return true;
}

/* Move b's parcels to the end of a; b keeps its arena (the strings). */
static int merge(wf_world *a, wf_world *b, int32_t line_shift)
{
	int n = a->nparcels + b->nparcels;
	if (n > a->parcels_cap) {
		wf_parcel *v = realloc(a->parcels, (size_t)n * sizeof *v);
		if (!v)
			return -1;
		a->parcels = v;
		a->parcels_cap = n;
	}
	for (int i = 0; i < b->nparcels; i++) {
		wf_parcel *p = &b->parcels[i];
		p->line += line_shift;
		if (p->layout_line)
			p->layout_line += line_shift;
		for (int e = 0; e < p->nentities; e++)
			p->entities[e].line += line_shift;
	}
	memcpy(a->parcels + a->nparcels, b->parcels,
	       (size_t)b->nparcels * sizeof *b->parcels);
	a->nparcels = n;
	b->nparcels = 0;
	/* Comments at the very end of the file were read by the second half. */
	a->notes[WF_WS_TAIL] = b->notes[WF_WS_TAIL];
	free(a->grid);
	a->grid = NULL;
	return 0;
}

/* Try the two-half parse; NULL when it does not apply (then parse whole). */
static wf_world *parse_split(const char *buf, size_t len, const char *file,
                             wf_world **keep)
{
	size_t head = parcel_line(buf, len, 0);
	size_t cut = head ? parcel_line(buf, len, len / 2) : 0;
	if (!head || !cut || cut <= head)
		return NULL;
	char *second = malloc(head + (len - cut));
	if (!second)
		return NULL;
	memcpy(second, buf, head);
	memcpy(second + head, buf + cut, len - cut);
	half a = {buf, cut, file, {0}, NULL},
	     b = {second, head + len - cut, file, {0}, NULL};
	pthread_t t;
	bool threaded = pthread_create(&t, NULL, parse_half, &b) == 0;
	parse_half(&a);
	if (threaded)
		pthread_join(t, NULL);
	else
		parse_half(&b);
	free(second);
	wf_world *w = NULL;
	if (a.w && b.w && a.d.n == 0 && b.d.n == 0 && same_header(a.w, b.w) &&
	    merge(a.w, b.w, (int32_t)(count_lines(buf, cut) - count_lines(buf, head))) ==
	        0) {
		w = a.w;
		*keep = b.w;
	} else {
		wf_world_free(a.w);
		wf_world_free(b.w);
	}
	wf_diags_free(&a.d);
	wf_diags_free(&b.d);
	return w;
}

/* Map the world file at `path` through the guarded open; NULL with a
 * diagnostic when it cannot be read (*len 0 and NULL for an empty file is
 * not an error: *ok tells). */
static char *map_world(const char *path, const char *file, size_t *lenp, bool populate,
                       wf_diags *d, bool *ok)
{
	*ok = false;
	*lenp = 0;
	/* The directory is the user's; the file in it is read through the
	 * world's guarded open (no link followed, a regular file, capped). */
	int fd;
	uint64_t size;
	wf_read_status st = wf_open_named(path, &fd, &size);
	if (st == WF_READ_OK && size > WF_MAX_WORLD_BYTES) {
		close(fd);
		st = WF_READ_TOOBIG;
	}
	if (st != WF_READ_OK) {
		wf_diag_add(d, WF_ERROR, file, 0, 0, NULL, "cannot read: %s",
		            wf_read_strerror(st));
		return NULL;
	}
	size_t len = (size_t)size;
	char *buf = len ? mmap(NULL, len, PROT_READ,
	                       MAP_PRIVATE | (populate ? MAP_POPULATE : 0), fd, 0)
	                : NULL;
	close(fd);
	if (buf == MAP_FAILED) {
		wf_diag_add(d, WF_ERROR, file, 0, 0, NULL, "cannot read: %s",
		            strerror(errno));
		return NULL;
	}
	*lenp = len;
	*ok = true;
	return buf;
}

static wf_world *parse_all(const char *buf, size_t len, const char *file, wf_world **keep,
                           wf_diags *d)
{
	wf_world *w = len >= SPLIT_MIN ? parse_split(buf, len, file, keep) : NULL;
	if (!w)
		w = wf_parse(buf ? buf : "", len, file, d);
	return w;
}

wf_world *ed_load(const char *path, const char *file, wf_world **keep, wf_diags *d)
{
	*keep = NULL;
	size_t len;
	bool ok;
	char *buf = map_world(path, file, &len, true, d, &ok);
	if (!ok)
		return NULL;
	wf_world *w = parse_all(buf, len, file, keep, d);
	if (buf)
		munmap(buf, len);
	return w;
}

/* ---- Progressive reading ------------------------------------------------- */

struct ed_loader {
	char *buf;
	size_t len;
	char *file;
	pthread_t thread;
	atomic_bool done;
	bool exact; /* wf_index_exact of the index built */
	wf_world *w, *keep;
	wf_diags d;
};

static void *load_thread(void *arg)
{
	ed_loader *l = arg;
	l->w = parse_all(l->buf, l->len, l->file, &l->keep, &l->d);
	/* The index (a second on a million parcels) is built here too, so
	 * that swapping the world in costs the key loop nothing. */
	if (l->w && l->d.errors == 0) {
		wf_world_index(l->w);
		l->exact = wf_index_exact(l->w);
		ed_bg_compact_now(); /* bg.c: forks of it are cheaper then */
	}
	/* Unmapping the file's pages (10 to 20 ms for the largest) is done
	 * here too: the world holds copies of what it needs. */
	if (l->buf)
		munmap(l->buf, l->len);
	l->buf = NULL;
	atomic_store(&l->done, true);
	return NULL;
}

static void *free_thread(void *arg)
{
	wf_world_free(arg);
	return NULL;
}

void ed_load_free_later(wf_world *w)
{
	pthread_t t;
	pthread_attr_t at;
	bool started = false;
	if (w && pthread_attr_init(&at) == 0) {
		pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
		started = pthread_create(&t, &at, free_thread, w) == 0;
		pthread_attr_destroy(&at);
	}
	if (!started)
		wf_world_free(w);
}

wf_world *ed_load_preview(const char *path, const char *file, wf_world **keep,
                          ed_loader **job, wf_diags *d)
{
	*keep = NULL;
	*job = NULL;
	size_t len;
	bool ok;
	char *buf = map_world(path, file, &len, false, d, &ok);
	if (!ok)
		return NULL;
	/* The preview: the header and the parcels of the first PREVIEW_LEN
	 * bytes, up to a parcel line. Used only when it parses cleanly. */
	size_t cut = len >= SPLIT_MIN ? parcel_line(buf, len, PREVIEW_LEN) : 0;
	wf_world *pre = NULL;
	if (cut) {
		wf_diags pd = {0};
		pre = wf_parse(buf, cut, file, &pd);
		if (pd.n) {
			wf_world_free(pre);
			pre = NULL;
		}
		wf_diags_free(&pd);
	}
	ed_loader *l = pre ? calloc(1, sizeof *l) : NULL;
	if (l) {
		l->buf = buf;
		l->len = len;
		l->file = strdup(file);
		atomic_init(&l->done, false);
		if (l->file && pthread_create(&l->thread, NULL, load_thread, l) == 0) {
			*job = l;
			return pre;
		}
		free(l->file);
		free(l);
	}
	wf_world_free(pre);
	wf_world *w = parse_all(buf, len, file, keep, d);
	if (buf)
		munmap(buf, len);
	return w;
}

bool ed_load_done(ed_loader *l)
{
	return atomic_load(&l->done);
}

bool ed_load_exact(const ed_loader *l)
{
	return atomic_load(&l->done) && l->exact;
}

wf_world *ed_load_finish(ed_loader *l, wf_world **keep, wf_diags *d)
{
	pthread_join(l->thread, NULL);
	wf_world *w = l->w;
	*keep = l->keep;
	*d = l->d;
	if (l->buf)
		munmap(l->buf, l->len);
	free(l->file);
	free(l);
	return w;
}
