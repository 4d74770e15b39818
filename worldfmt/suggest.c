/* suggest.c — "did you mean": the closest name to a mistyped one.
 *
 * Every layer that refuses a name a person typed (a keyword, zone, palette
 * or parcel name in the file; a command or option; a parcel named to the
 * API at run time) asks here, so all of Acre suggests by the same measure:
 * optimal string alignment distance (Levenshtein plus the swap of two
 * neighbours, the commonest typo), small enough to be a slip of the hand. */
#include "worldfmt/internal.h"

#include <string.h>

/* Names are at most a few hundred bytes; longer ones are never typos. */
#define SUGGEST_MAX_LEN 256

int wf_edit_distance(const char *a, const char *b, int max)
{
	size_t n = strlen(a), m = strlen(b);
	if (n > SUGGEST_MAX_LEN || m > SUGGEST_MAX_LEN)
		return max + 1;
	if ((n > m ? n - m : m - n) > (size_t)max)
		return max + 1;
	/* Three rows of the dynamic programme: i-2, i-1 and i. */
	int rows[3][SUGGEST_MAX_LEN + 1];
	int *pp = rows[0], *prev = rows[1], *cur = rows[2];
	for (size_t j = 0; j <= m; j++)
		prev[j] = (int)j;
	for (size_t i = 1; i <= n; i++) {
		cur[0] = (int)i;
		int best = cur[0];
		for (size_t j = 1; j <= m; j++) {
			int cost = a[i - 1] != b[j - 1];
			int v = prev[j] + 1;
			if (cur[j - 1] + 1 < v)
				v = cur[j - 1] + 1;
			if (prev[j - 1] + cost < v)
				v = prev[j - 1] + cost;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    pp[j - 2] + 1 < v)
				v = pp[j - 2] + 1;
			cur[j] = v;
			if (v < best)
				best = v;
		}
		if (best > max)
			return max + 1;
		int *t = pp;
		pp = prev;
		prev = cur;
		cur = t;
	}
	return prev[m] > max ? max + 1 : prev[m];
}

/* How far a word may be from a suggestion: a third of its length, 1 to 3;
 * nothing is close to a word of one or two bytes ('b' is not a typo of
 * 'a'). */
static int allowed(const char *word)
{
	size_t len = strlen(word);
	if (len < 3)
		return 0;
	int n = (int)len / 3;
	return n < 1 ? 1 : n > 3 ? 3 : n;
}

const char *wf_suggest(const char *word, const void *base, size_t stride, int n)
{
	if (!word || !*word)
		return NULL;
	int max = allowed(word);
	if (max == 0)
		return NULL;
	const char *best = NULL;
	int bestd = max + 1;
	for (int i = 0; i < n; i++) {
		const char *c = *(const char *const *)((const char *)base + (size_t)i * stride);
		if (!c || strcmp(c, word) == 0)
			continue;
		int d = wf_edit_distance(word, c, bestd - 1 < max ? bestd - 1 : max);
		if (d < bestd) {
			bestd = d;
			best = c;
		}
	}
	return best;
}

const char *wf_suggest_list(const char *word, const char *const *list)
{
	int n = 0;
	while (list[n])
		n++;
	return wf_suggest(word, list, sizeof *list, n);
}
