/* internal.h — what the files of worldfmt/ share and nobody else sees:
 * the string arena, name and UTF-8 checks, and growable arrays. */
#ifndef ACRE_WF_INTERNAL_H
#define ACRE_WF_INTERNAL_H

#include "worldfmt/worldfmt.h"

#include <string.h>

/* Bump allocation of strings in chunks; freed all at once. The common
 * case (room in the current chunk) is inline: the parser copies every
 * name and string of a world through here. */
struct wf_chunk {
	struct wf_chunk *next;
	size_t used, size;
	char data[];
};

struct wf_arena {
	struct wf_chunk *head;
};

wf_arena *wf_arena_new(void);
void wf_arena_free(wf_arena *a);
char *wf_arena_alloc_slow(wf_arena *a, size_t n);

static inline char *wf_arena_alloc(wf_arena *a, size_t n)
{
	struct wf_chunk *c = a->head;
	if (c && c->size - c->used >= n) {
		char *p = c->data + c->used;
		c->used += n;
		return p;
	}
	return wf_arena_alloc_slow(a, n);
}

static inline const char *wf_arena_strndup(wf_arena *a, const char *s, size_t n)
{
	char *p = wf_arena_alloc(a, n + 1);
	if (!p)
		return NULL;
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

/* Short byte runs (a layout row: 16 bytes in most worlds) compared and
 * copied eight bytes at a time in line: the libc call costs more than
 * the work at these sizes. The last word may overlap the one before. */
static inline bool wf_bytes_eq(const void *a, const void *b, size_t n)
{
	const unsigned char *p = a, *q = b;
	if (n < 8)
		return memcmp(p, q, n) == 0;
	uint64_t x, y, u, v;
	if (n <= 16) {
		/* Two words, overlapping when n < 16: no loop. */
		memcpy(&x, p, 8);
		memcpy(&y, q, 8);
		memcpy(&u, p + n - 8, 8);
		memcpy(&v, q + n - 8, 8);
		return ((x ^ y) | (u ^ v)) == 0;
	}
	for (size_t i = 0; i + 8 < n; i += 8) {
		memcpy(&x, p + i, 8);
		memcpy(&y, q + i, 8);
		if (x != y)
			return false;
	}
	memcpy(&x, p + n - 8, 8);
	memcpy(&y, q + n - 8, 8);
	return x == y;
}

/* Copies n bytes between runs that do not overlap (see wf_bytes_eq). */
static inline void wf_bytes_copy(void *restrict dst, const void *restrict src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;
	if (n < 8) {
		memcpy(d, s, n);
		return;
	}
	uint64_t x, y;
	if (n <= 16) {
		memcpy(&x, s, 8);
		memcpy(&y, s + n - 8, 8);
		memcpy(d, &x, 8);
		memcpy(d + n - 8, &y, 8);
		return;
	}
	for (size_t i = 0; i + 8 < n; i += 8) {
		memcpy(&x, s + i, 8);
		memcpy(d + i, &x, 8);
	}
	memcpy(&x, s + n - 8, 8);
	memcpy(d + n - 8, &x, 8);
}

/* The bytes of a name, and the rest of wf_name_ok's rule (its length and
 * first byte), for the lexer, which scans a name's bytes as it finds it. */
extern const bool wf_name_byte[256];
static inline bool wf_name_ends_ok(const char *s, size_t n)
{
	return n > 0 && n <= WF_MAX_NAME && s[0] != '.' && s[0] != '-';
}

/* wf_name_ok of a whole string, in one pass. */
static inline bool wf_name_ok_str(const char *s)
{
	size_t n = 0;
	while (wf_name_byte[(unsigned char)s[n]])
		n++;
	return s[n] == '\0' && wf_name_ends_ok(s, n);
}

/* Grow a malloc'd array so that index `n` fits; false when out of memory
 * or when the count would exceed `limit`. */
bool wf_grow(void **v, int *cap, int n, size_t elem);

/* A big block about to be filled: ask for huge pages where the system
 * gives them on request, so that filling it takes a few page faults rather
 * than one per 4 KiB (a hint; nothing changes where it is not taken). */
void wf_huge_hint(void *p, size_t n);

/* Length of the code point at s when it is exactly one valid code point
 * that may stand as a glyph (not a control, space or '"'); 0 otherwise. */
int wf_glyph_ok(const char *s);

/* Strings equal, NULL equal only to NULL; attribute lists equal as sets
 * of key=value (their order is layout, not meaning). Shared by the diff
 * and the merge so that both agree on what "changed" means. */
bool wf_str_eq(const char *a, const char *b);
bool wf_attrs_eq(const wf_attr *a, int na, const wf_attr *b, int nb);

/* wf_world_index, also listing in parcel order each parcel whose name an
 * earlier parcel has (`first`, the earliest): what the duplicate-name rule
 * needs, found while the name index is built. *dups is malloc'd or NULL;
 * *ndups is -1 when the list is not known (out of memory). */
typedef struct wf_dup {
	int i, first;
} wf_dup;
int wf_world_index_dups(wf_world *w, wf_dup **dups, int *ndups);

/* wf_parse of a file holding merge conflict markers (conflict.c). */
wf_world *wf_parse_conflicted(const char *buf, size_t len, const char *file,
                              wf_diags *d);

/* FNV-1a, for the name index. */
static inline uint32_t wf_hash(const char *s)
{
	uint32_t h = 2166136261u;
	while (*s)
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h;
}

/* (wf_names, the hash index over names: worldfmt.h) */

/* wf_names_get with its last answer remembered: parcels that follow each
 * other mostly name the same zone, and a string compare costs less than
 * hashing the name. Start from {0}; the table must not change meanwhile. */
typedef struct wf_names_memo {
	const char *name;
	int index;
} wf_names_memo;
static inline int wf_names_get_memo(const wf_names *t, wf_names_memo *m, const char *name)
{
	if (!m->name || !name || strcmp(m->name, name) != 0) {
		m->index = wf_names_get(t, name);
		m->name = name;
	}
	return m->index;
}

#endif
