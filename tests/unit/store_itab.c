/* store_itab.c — store/'s open-addressing tables of indexes (itab.c):
 * sizing, growing, probing past collisions, refusing what 32-bit entry
 * numbers cannot hold. */
#include "store/store_int.h"
#include "tests/unit/unit.h"

#include <stdint.h>
#include <stdlib.h>

#define N 5000

static uint64_t keys[N];

/* Entry i's hash: its key, or the same for every entry (all collide). */
static uint64_t hash_key(const void *arg, size_t i)
{
	return arg ? 42 : keys[i];
}

/* The entry holding `key`, by probing as the users of itab do; -1 when
 * none. */
static long find(const itab *t, uint64_t h, uint64_t key)
{
	for (size_t k = itab_first(t, h); t->slot[k]; k = itab_next(t, k))
		if (keys[t->slot[k] - 1] == key)
			return (long)t->slot[k] - 1;
	return -1;
}

static int every_entry_found(const itab *t, size_t n, bool collide)
{
	for (size_t i = 0; i < n; i++)
		if (find(t, collide ? 42 : keys[i], keys[i]) != (long)i)
			return 0;
	return find(t, collide ? 42 : 7, 7) == -1;
}

int main(void)
{
	itab t = {0};
	for (size_t i = 0; i < N; i++)
		keys[i] = (i + 1) * 0x9e3779b97f4a7c15ull;
	CHECK(itab_full(&t, 1), "a table without slots is full");
	CHECK(itab_reset(&t, 0) == 0 && t.mask == 255 && !itab_full(&t, 128) &&
	          itab_full(&t, 129),
	      "the smallest table has 256 slots and holds 128 entries");

	size_t grown = 0;
	for (size_t n = 1; n <= N; n++) {
		if (itab_full(&t, n)) {
			CHECK(itab_rebuild(&t, n, hash_key, NULL) == 0, "grows for %zu", n);
			grown++;
		} else {
			itab_put(&t, keys[n - 1], n - 1);
		}
	}
	CHECK(t.mask + 1 == 16384 && grown == 6,
	      "adding 5000 entries one at a time grows it 6 times to 16384 slots "
	      "(got %zu, %zu)",
	      grown, t.mask + 1);
	CHECK(every_entry_found(&t, N, false), "every entry is found, and no other");

	CHECK(itab_rebuild(&t, 300, hash_key, "collide") == 0 &&
	          every_entry_found(&t, 300, true),
	      "entries whose hashes all collide are found by probing");

	uint32_t *before = t.slot;
	CHECK(itab_reset(&t, (size_t)UINT32_MAX / 2) == -1 && t.slot == before,
	      "more entries than 32-bit numbers hold are refused, the table kept");
	itab_free(&t);
	CHECK(!t.slot && itab_full(&t, 1), "a freed table is empty");
	return unit_done();
}
