/* state.c — the live state of a run and what the host reads of it: byte
 * buffers, the parcel-name index, entities and their values, queries, and
 * the state hash (XXH3-64 through libxxhash). */
#include "stdlib/api-int.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

/* ---- Buffers ---------------------------------------------------------------*/

int api_buf_put(api_buf *b, const void *p, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		while (cap < b->len + n + 1)
			cap *= 2;
		char *d = realloc(b->data, cap);
		if (!d)
			return -1;
		b->data = d;
		b->cap = cap;
	}
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return 0;
}

int api_buf_printf(api_buf *b, const char *fmt, ...)
{
	char small[256];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(small, sizeof small, fmt, ap);
	va_end(ap);
	if (n < 0)
		return -1;
	if ((size_t)n < sizeof small)
		return api_buf_put(b, small, (size_t)n);
	char *big = malloc((size_t)n + 1);
	if (!big)
		return -1;
	va_start(ap, fmt);
	vsnprintf(big, (size_t)n + 1, fmt, ap);
	va_end(ap);
	int rc = api_buf_put(b, big, (size_t)n);
	free(big);
	return rc;
}

int api_buf_escaped(api_buf *b, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		char esc[8];
		int k = 0;
		if (c == '\\')
			k = snprintf(esc, sizeof esc, "\\\\");
		else if (c == '\n')
			k = snprintf(esc, sizeof esc, "\\n");
		else if (c == '\t')
			k = snprintf(esc, sizeof esc, "\\t");
		else if (c < 0x20 || c == 0x7f)
			k = snprintf(esc, sizeof esc, "\\x%02x", c);
		if (k ? api_buf_put(b, esc, (size_t)k) : api_buf_put(b, s + i, 1))
			return -1;
	}
	return 0;
}

/* ---- Parcel names ---------------------------------------------------------- */

uint64_t api_strhash(const char *s, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 0x100000001b3ULL;
	return h;
}

/* Build the name index of r (see api_run.names); NULL when out of memory. */
static int32_t *index_names(const api_run *r, uint32_t *mask)
{
	uint32_t cap = 16;
	while (cap < (uint32_t)r->w->nparcels * 2)
		cap *= 2;
	int32_t *v = malloc(cap * sizeof *v);
	if (!v)
		return NULL;
	memset(v, 0xff, cap * sizeof *v);
	*mask = cap - 1;
	for (int i = 0; i < r->w->nparcels; i++) {
		const char *nm = r->w->parcels[i].name;
		if (!nm)
			continue;
		size_t len = strlen(nm);
		uint32_t h = (uint32_t)api_strhash(nm, len) & *mask;
		for (; v[h] >= 0; h = (h + 1) & *mask) {
			const char *other = r->w->parcels[v[h]].name;
			if (strcmp(other, nm) == 0)
				break; /* a duplicate name: the first one wins */
		}
		if (v[h] < 0)
			v[h] = i;
	}
	return v;
}

/* The name index, built at the first lookup; NULL when there is no memory
 * for it (lookups then scan, with the same answers). */
static const int32_t *names_index(const api_run *r)
{
	api_run *m = (api_run *)r; /* the index is a cache of r->w */
	int32_t *v = __atomic_load_n(&m->names, __ATOMIC_ACQUIRE);
	if (v)
		return v;
	pthread_mutex_lock(&m->names_mu);
	if (!(v = m->names)) {
		uint32_t mask = 0;
		if ((v = index_names(r, &mask))) {
			m->names_mask = mask;
			__atomic_store_n(&m->names, v, __ATOMIC_RELEASE);
		}
	}
	pthread_mutex_unlock(&m->names_mu);
	return v;
}

int api_find_parcel(const api_run *r, const char *name, size_t len)
{
	const int32_t *v = names_index(r);
	if (!v) {
		for (int i = 0; i < r->w->nparcels; i++) {
			const char *nm = r->w->parcels[i].name;
			if (nm && strlen(nm) == len && memcmp(nm, name, len) == 0)
				return i;
		}
		return -1;
	}
	uint32_t h = (uint32_t)api_strhash(name, len) & r->names_mask;
	for (; v[h] >= 0; h = (h + 1) & r->names_mask) {
		const char *nm = r->w->parcels[v[h]].name;
		if (strlen(nm) == len && memcmp(nm, name, len) == 0)
			return v[h];
	}
	return -1;
}

const char *api_suggest(const char *name, const void *base, size_t stride, int n,
                        char *buf)
{
	const char *s = wf_suggest(name, base, stride, n);
	if (!s)
		return "";
	snprintf(buf, API_SUGGEST_MAX, " (did you mean '%.64s'?)", s);
	return buf;
}

/* ---- Entities ---------------------------------------------------------------*/

void api_value_free(api_value *v)
{
	if (v->type == API_STR)
		free(v->u.s);
	v->type = API_NIL;
}

void api_entity_free(api_entity *e)
{
	for (int i = 0; i < e->nprops; i++) {
		free(e->props[i].key);
		api_value_free(&e->props[i].value);
	}
	free(e->props);
	free(e->name);
	memset(e, 0, sizeof *e);
}

int api_entity_copy(api_entity *dst, const api_entity *src)
{
	*dst = *src;
	dst->name = strdup(src->name);
	dst->props = src->nprops ? calloc((size_t)src->nprops, sizeof *dst->props) : NULL;
	dst->props_cap = src->nprops;
	dst->nprops = 0;
	if (!dst->name || (src->nprops && !dst->props))
		goto oom;
	for (int i = 0; i < src->nprops; i++) {
		api_prop *d = &dst->props[i];
		const api_prop *s = &src->props[i];
		d->key = strdup(s->key);
		d->value = s->value;
		if (s->value.type == API_STR)
			d->value.u.s = strdup(s->value.u.s);
		dst->nprops++;
		if (!d->key || (s->value.type == API_STR && !d->value.u.s))
			goto oom;
	}
	return 0;
oom:
	api_entity_free(dst);
	return -1;
}

api_prop *api_entity_prop(api_entity *e, const char *key)
{
	for (int i = 0; i < e->nprops; i++)
		if (strcmp(e->props[i].key, key) == 0)
			return &e->props[i];
	return NULL;
}

void api_free_ents(api_entity *v, int n)
{
	for (int i = 0; i < n; i++)
		api_entity_free(&v[i]);
	free(v);
}

/* ---- Queries --------------------------------------------------------------------- */

/* A parcel left out of the run has no state until asked for (api_run.ps):
 * the queries set it up. */
static api_pstate *query_ps(const api_run *r, int i)
{
	return api_run_ps((api_run *)r, i);
}

const uint8_t *api_run_tiles(const api_run *r, int i)
{
	const api_pstate *ps = query_ps(r, i);
	return ps ? ps->tiles : r->w->parcels[i].tiles;
}

int api_run_entities(const api_run *r, int i, const api_entity **out)
{
	const api_pstate *ps = query_ps(r, i);
	*out = ps ? ps->ents : NULL;
	return ps ? ps->nents : 0;
}

const api_parcel_stats *api_run_stats(const api_run *r, int i)
{
	static const api_parcel_stats none;
	api_pstate *ps = query_ps(r, i);
	if (!ps)
		return &none;
	ps->stats.entities = ps->nents;
	return &ps->stats;
}

int api_run_failures(const api_run *r, const api_failure **out, int64_t *total)
{
	*out = r->fails;
	if (total)
		*total = r->total_fails;
	return r->nfails;
}

bool api_run_balance(const api_run *r, const char *account, int64_t *out)
{
	if (account[0] == '@') {
		const api_ident *id = api_find_ident(r, account + 1);
		*out = id ? id->balance : 0;
		return true;
	}
	int i = api_find_parcel(r, account, strlen(account));
	if (i < 0)
		return false;
	*out = r->ledger[i];
	return true;
}

int64_t api_run_supply(const api_run *r)
{
	return r->supply;
}

/* ---- State hash ------------------------------------------------------------------- */

/* The hash is fed through a buffer of its own: XXH3 streams give the same
 * digest however the input is split, and most of the input comes in
 * pieces of 8 bytes (three per parcel left out of a run, 65,536 parcels on
 * the Street), which cost a call each to XXH3 itself. */
typedef struct hasher {
	XXH3_state_t *st;
	size_t n;
	unsigned char buf[4096];
} hasher;

static void hash_flush(hasher *h)
{
	if (h->n)
		XXH3_64bits_update(h->st, h->buf, h->n);
	h->n = 0;
}

static void hash_bytes(hasher *h, const void *p, size_t n)
{
	if (n > sizeof h->buf - h->n) {
		hash_flush(h);
		if (n >= sizeof h->buf) {
			XXH3_64bits_update(h->st, p, n);
			return;
		}
	}
	if (n)
		memcpy(h->buf + h->n, p, n);
	h->n += n;
}

static inline void hash_u64(hasher *h, uint64_t v)
{
	if (h->n + sizeof v > sizeof h->buf)
		hash_flush(h);
	memcpy(h->buf + h->n, &v, sizeof v);
	h->n += sizeof v;
}

static void hash_str(hasher *h, const char *s)
{
	size_t n = strlen(s);
	hash_u64(h, n);
	hash_bytes(h, s, n);
}

static void hash_value(hasher *h, const api_value *v)
{
	hash_u64(h, v->type);
	switch (v->type) {
	case API_NIL:
		break;
	case API_BOOL:
		hash_u64(h, v->u.b);
		break;
	case API_INT:
		hash_u64(h, (uint64_t)v->u.i);
		break;
	case API_NUM: {
		uint64_t bits;
		memcpy(&bits, &v->u.n, sizeof bits);
		hash_u64(h, bits);
		break;
	}
	case API_STR:
		hash_str(h, v->u.s);
		break;
	}
}

static void hash_inbox(hasher *h, const api_msgs *q)
{
	hash_u64(h, (uint64_t)q->n);
	for (int i = 0; i < q->n; i++) {
		hash_u64(h, (uint64_t)q->v[i].from);
		hash_u64(h, q->v[i].len);
		hash_bytes(h, q->v[i].data, q->v[i].len);
	}
}

static void hash_parcel(hasher *h, api_pstate *ps, int64_t balance)
{
	hash_u64(h, (uint64_t)ps->index);
	hash_bytes(h, ps->tiles, (size_t)ps->tw * (size_t)ps->th);
	hash_u64(h, (uint64_t)ps->nents);
	for (int i = 0; i < ps->nents; i++) {
		const api_entity *e = &ps->ents[i];
		hash_str(h, e->name);
		hash_u64(h, ((uint64_t)(uint32_t)e->x << 32) | (uint32_t)e->y);
		hash_str(h, e->glyph);
		hash_u64(h, (uint64_t)e->nprops);
		for (int j = 0; j < e->nprops; j++) {
			hash_str(h, e->props[j].key);
			hash_value(h, &e->props[j].value);
		}
	}
	hash_u64(h, (uint64_t)ps->navatars);
	for (int i = 0; i < ps->navatars; i++)
		hash_str(h, ps->avatars[i]);
	hash_u64(h, (uint64_t)balance);
	hash_inbox(h, &ps->inbox);
	hash_u64(h, ps->v ? vm_state_hash(ps->v) : 0);
}

uint64_t api_run_hash(api_run *r)
{
	hasher *h = malloc(sizeof *h);
	if (!h || !(h->st = XXH3_createState())) {
		free(h);
		return 0;
	}
	h->n = 0;
	XXH3_64bits_reset(h->st);
	hash_u64(h, (uint64_t)r->tick);
	for (int i = 0; i < r->w->nparcels; i++) {
		api_pstate *ps = r->ps[i];
		if (r->opts.select && !r->opts.select[i]) {
			/* A parcel left out of the run (acre check --base) keeps
			 * the world's tiles and entities; only what others send
			 * it can change. On the Street this is most parcels.
			 * Most have no state at all (api_run.ps): nothing was
			 * sent to them. */
			hash_u64(h, (uint64_t)i);
			hash_u64(h, (uint64_t)r->ledger[i]);
			if (ps)
				hash_inbox(h, &ps->inbox);
			else
				hash_u64(h, 0);
			continue;
		}
		hash_parcel(h, ps, r->ledger[i]);
	}
	hash_u64(h, (uint64_t)r->nidents);
	for (int i = 0; i < r->nidents; i++) {
		hash_str(h, r->idents[i].name);
		hash_u64(h, (uint64_t)r->idents[i].balance);
	}
	hash_flush(h);
	uint64_t d = XXH3_64bits_digest(h->st);
	XXH3_freeState(h->st);
	free(h);
	return d;
}

/* The byte layout is the one recorded digests were made with: keep it. */
static void digest_value(XXH3_state_t *h, const api_value *v)
{
	XXH3_64bits_update(h, &v->type, sizeof v->type);
	switch (v->type) {
	case API_NIL:
		break;
	case API_BOOL:
		XXH3_64bits_update(h, &v->u.b, sizeof v->u.b);
		break;
	case API_INT:
		XXH3_64bits_update(h, &v->u.i, sizeof v->u.i);
		break;
	case API_NUM:
		XXH3_64bits_update(h, &v->u.n, sizeof v->u.n);
		break;
	case API_STR:
		XXH3_64bits_update(h, v->u.s, strlen(v->u.s) + 1);
		break;
	}
}

uint64_t api_run_parcel_digest(api_run *r, int i)
{
	const api_pstate *ps = api_run_ps(r, i);
	if (!ps)
		return 0;
	const api_parcel_stats *s = api_run_stats(r, i);
	XXH3_state_t *h = XXH3_createState();
	if (!h)
		return 0;
	XXH3_64bits_reset(h);
	int64_t fig[] = {
	    s->calls,         s->failures, s->peak_instructions, (int64_t)s->peak_memory,
	    s->messages_sent, s->entities};
	XXH3_64bits_update(h, fig, sizeof fig);
	XXH3_64bits_update(h, api_run_tiles(r, i), (size_t)ps->tw * (size_t)ps->th);
	const api_entity *e;
	int ne = api_run_entities(r, i, &e);
	for (int k = 0; k < ne; k++) {
		XXH3_64bits_update(h, e[k].name, strlen(e[k].name) + 1);
		int32_t xy[2] = {e[k].x, e[k].y};
		XXH3_64bits_update(h, xy, sizeof xy);
		/* Only up to the NUL: the bytes after it are not state. */
		XXH3_64bits_update(h, e[k].glyph, strnlen(e[k].glyph, sizeof e[k].glyph));
		for (int j = 0; j < e[k].nprops; j++) {
			XXH3_64bits_update(h, e[k].props[j].key,
			                   strlen(e[k].props[j].key) + 1);
			digest_value(h, &e[k].props[j].value);
		}
	}
	uint64_t d = XXH3_64bits_digest(h) | 1; /* never 0: "did not run" */
	XXH3_freeState(h);
	return d;
}

/* ---- Events against the world ---------------------------------------------------- */

int api_events_check(api_events *ev, const wf_world *w)
{
	/* An events file may name a million parcels that are not there, and a
	 * miss in the world's own index scans every parcel (the index may be
	 * stale in the editor): look them up in a table of the parcels as they
	 * are, built once. */
	wf_names t = {0};
	bool table = ev->n > 16 && wf_names_init(&t, w->nparcels ? &w->parcels[0].name : NULL,
	                                         sizeof *w->parcels, w->nparcels);
	for (int i = 0; table && i < w->nparcels; i++)
		wf_names_put(&t, i);
	int added = 0;
	for (int i = 0; i < ev->n; i++) {
		const api_event *e = &ev->v[i];
		if ((table ? wf_names_get(&t, e->parcel) : wf_find_parcel(w, e->parcel)) >= 0)
			continue;
		ev->errors++;
		added++;
		if (ev->nerrs >= API_MAX_EVENT_ERRORS)
			continue;
		api_error *x = &ev->errs[ev->nerrs++];
		memset(x, 0, sizeof *x);
		memcpy(x->file, ev->file, sizeof x->file);
		x->line = e->line;
		x->col = e->col;
		char hint[API_SUGGEST_MAX];
		snprintf(x->msg, sizeof x->msg, "no parcel named '%s' in the world%s",
		         e->parcel,
		         api_suggest(e->parcel, w->nparcels ? &w->parcels[0].name : NULL,
		                     sizeof *w->parcels, w->nparcels, hint));
	}
	if (table)
		wf_names_free(&t);
	return added;
}
