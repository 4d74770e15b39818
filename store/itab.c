/* itab.c — open-addressing tables of indexes, for store/'s in-memory
 * lookups (index.c's parcels and claims by name, history.c's cache of
 * parcel changes by pair of blobs). A table maps a hash to `index + 1` of
 * an entry in an array its user keeps (0: an empty slot), probing
 * linearly; the user hashes and compares keys. Sizing (at most half full)
 * and filling live here, once (store_int.h has the probe steps). */
#include "store/store_int.h"

#include <stdlib.h>

int itab_reset(itab *t, size_t n)
{
	if (n >= UINT32_MAX / 2)
		return -1; /* entries are numbered in 32 bits */
	size_t m = itab_mask(n, 255);
	uint32_t *slot = calloc(m + 1, sizeof *slot);
	if (!slot)
		return -1;
	free(t->slot);
	t->slot = slot;
	t->mask = m;
	return 0;
}

int itab_rebuild(itab *t, size_t n, uint64_t (*hash)(const void *arg, size_t i),
                 const void *arg)
{
	if (itab_reset(t, n) != 0)
		return -1;
	for (size_t i = 0; i < n; i++)
		itab_put(t, hash(arg, i), i);
	return 0;
}

void itab_free(itab *t)
{
	free(t->slot);
	t->slot = NULL;
	t->mask = 0;
}
