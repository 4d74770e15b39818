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

int api_index_names(api_run *r)
{
	uint32_t cap = 16;
	while (cap < (uint32_t)r->w->nparcels * 2)
		cap *= 2;
	r->names = malloc(cap * sizeof *r->names);
	if (!r->names)
		return -1;
	memset(r->names, 0xff, cap * sizeof *r->names);
	r->names_mask = cap - 1;
	for (int i = 0; i < r->w->nparcels; i++) {
		const char *nm = r->w->parcels[i].name;
		if (!nm || api_find_parcel(r, nm, strlen(nm)) >= 0)
			continue; /* a duplicate name: the first one wins */
		uint32_t h = (uint32_t)api_strhash(nm, strlen(nm)) & r->names_mask;
		while (r->names[h] >= 0)
			h = (h + 1) & r->names_mask;
		r->names[h] = i;
	}
	return 0;
}

int api_find_parcel(const api_run *r, const char *name, size_t len)
{
	uint32_t h = (uint32_t)api_strhash(name, len) & r->names_mask;
	for (; r->names[h] >= 0; h = (h + 1) & r->names_mask) {
		const char *nm = r->w->parcels[r->names[h]].name;
		if (strlen(nm) == len && memcmp(nm, name, len) == 0)
			return r->names[h];
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

const uint8_t *api_run_tiles(const api_run *r, int i)
{
	return r->ps[i].tiles;
}

int api_run_entities(const api_run *r, int i, const api_entity **out)
{
	*out = r->ps[i].ents;
	return r->ps[i].nents;
}

const api_parcel_stats *api_run_stats(const api_run *r, int i)
{
	api_pstate *ps = &r->ps[i];
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

static void hash_u64(XXH3_state_t *st, uint64_t v)
{
	XXH3_64bits_update(st, &v, sizeof v);
}

static void hash_str(XXH3_state_t *st, const char *s)
{
	size_t n = strlen(s);
	hash_u64(st, n);
	XXH3_64bits_update(st, s, n);
}

static void hash_value(XXH3_state_t *st, const api_value *v)
{
	hash_u64(st, v->type);
	switch (v->type) {
	case API_NIL:
		break;
	case API_BOOL:
		hash_u64(st, v->u.b);
		break;
	case API_INT:
		hash_u64(st, (uint64_t)v->u.i);
		break;
	case API_NUM: {
		uint64_t bits;
		memcpy(&bits, &v->u.n, sizeof bits);
		hash_u64(st, bits);
		break;
	}
	case API_STR:
		hash_str(st, v->u.s);
		break;
	}
}

static void hash_parcel(XXH3_state_t *st, api_pstate *ps, int64_t balance)
{
	hash_u64(st, (uint64_t)ps->index);
	XXH3_64bits_update(st, ps->tiles, (size_t)ps->tw * (size_t)ps->th);
	hash_u64(st, (uint64_t)ps->nents);
	for (int i = 0; i < ps->nents; i++) {
		const api_entity *e = &ps->ents[i];
		hash_str(st, e->name);
		hash_u64(st, ((uint64_t)(uint32_t)e->x << 32) | (uint32_t)e->y);
		hash_str(st, e->glyph);
		hash_u64(st, (uint64_t)e->nprops);
		for (int j = 0; j < e->nprops; j++) {
			hash_str(st, e->props[j].key);
			hash_value(st, &e->props[j].value);
		}
	}
	hash_u64(st, (uint64_t)ps->navatars);
	for (int i = 0; i < ps->navatars; i++)
		hash_str(st, ps->avatars[i]);
	hash_u64(st, (uint64_t)balance);
	hash_u64(st, (uint64_t)ps->inbox.n);
	for (int i = 0; i < ps->inbox.n; i++) {
		hash_u64(st, (uint64_t)ps->inbox.v[i].from);
		hash_u64(st, ps->inbox.v[i].len);
		XXH3_64bits_update(st, ps->inbox.v[i].data, ps->inbox.v[i].len);
	}
	hash_u64(st, ps->v ? vm_state_hash(ps->v) : 0);
}

uint64_t api_run_hash(api_run *r)
{
	XXH3_state_t *st = XXH3_createState();
	if (!st)
		return 0;
	XXH3_64bits_reset(st);
	hash_u64(st, (uint64_t)r->tick);
	for (int i = 0; i < r->w->nparcels; i++) {
		api_pstate *ps = &r->ps[i];
		if (r->opts.select && !r->opts.select[i]) {
			/* A parcel left out of the run (acre check --base) keeps
			 * the world's tiles and entities; only what others send
			 * it can change. On the Street this is most parcels. */
			hash_u64(st, (uint64_t)i);
			hash_u64(st, (uint64_t)r->ledger[i]);
			hash_u64(st, (uint64_t)ps->inbox.n);
			for (int k = 0; k < ps->inbox.n; k++) {
				hash_u64(st, (uint64_t)ps->inbox.v[k].from);
				hash_u64(st, ps->inbox.v[k].len);
				XXH3_64bits_update(st, ps->inbox.v[k].data, ps->inbox.v[k].len);
			}
			continue;
		}
		hash_parcel(st, ps, r->ledger[i]);
	}
	hash_u64(st, (uint64_t)r->nidents);
	for (int i = 0; i < r->nidents; i++) {
		hash_str(st, r->idents[i].name);
		hash_u64(st, (uint64_t)r->idents[i].balance);
	}
	uint64_t h = XXH3_64bits_digest(st);
	XXH3_freeState(st);
	return h;
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
	const api_pstate *ps = &r->ps[i];
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
	int added = 0;
	for (int i = 0; i < ev->n; i++) {
		const api_event *e = &ev->v[i];
		if (wf_find_parcel(w, e->parcel) >= 0)
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
	return added;
}
