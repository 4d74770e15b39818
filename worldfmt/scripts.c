/* scripts.c — which scripts a parcel runs: the one definition.
 *
 * A parcel runs its own script, then its entities' scripts in file order,
 * then the scripts of the palette glyphs its tiles use in palette order;
 * each path once, first place kept (acre-world(5), SCRIPTS). The runner
 * loads exactly this list, the rules check it, and history and incremental
 * checks use it to find the parcels a changed file reaches. */
#include "worldfmt/worldfmt.h"

#include <string.h>

void wf_parcel_glyphs(const wf_world *w, const wf_parcel *p, bool used[256])
{
	memset(used, 0, 256 * sizeof *used);
	if (!p->tiles) {
		used[0] = true; /* no layout: every tile is palette entry 0 */
		return;
	}
	size_t n = (size_t)wf_parcel_tw(w, p) * (size_t)wf_parcel_th(w, p);
	for (size_t i = 0; i < n; i++)
		used[p->tiles[i]] = true;
}

/* Append `s` to out[0..*n) unless it is there; *n may pass max, counting
 * one past it at most, so that the caller learns "more than max". */
static void add_once(const char *s, const char **out, int max, int *n)
{
	if (!s || *n > max)
		return;
	int k = *n < max ? *n : max;
	for (int i = 0; i < k; i++)
		if (strcmp(out[i], s) == 0)
			return;
	if (*n < max)
		out[*n] = s;
	(*n)++;
}

int wf_parcel_scripts(const wf_world *w, const wf_parcel *p, const char **out, int max)
{
	int n = 0;
	add_once(p->script, out, max, &n);
	for (int i = 0; i < p->nentities && n <= max; i++)
		add_once(p->entities[i].script, out, max, &n);
	bool any = false;
	for (int g = 0; g < w->npalette && !any; g++)
		any = w->palette[g].script != NULL;
	if (any && n <= max) {
		bool used[256];
		wf_parcel_glyphs(w, p, used);
		for (int g = 0; g < w->npalette && g < 256 && n <= max; g++)
			if (used[g])
				add_once(w->palette[g].script, out, max, &n);
	}
	return n;
}

bool wf_parcel_scripted(const wf_world *w, const wf_parcel *p)
{
	if (p->script)
		return true;
	for (int i = 0; i < p->nentities; i++)
		if (p->entities[i].script)
			return true;
	bool used[256];
	bool any = false;
	for (int g = 0; g < w->npalette && !any; g++)
		any = w->palette[g].script != NULL;
	if (!any)
		return false;
	wf_parcel_glyphs(w, p, used);
	for (int g = 0; g < w->npalette && g < 256; g++)
		if (used[g] && w->palette[g].script)
			return true;
	return false;
}

bool wf_parcel_uses_script(const wf_world *w, const wf_parcel *p, const char *path)
{
	if (p->script && strcmp(p->script, path) == 0)
		return true;
	for (int i = 0; i < p->nentities; i++)
		if (p->entities[i].script && strcmp(p->entities[i].script, path) == 0)
			return true;
	bool used[256];
	bool any = false;
	for (int g = 0; g < w->npalette && !any; g++)
		any = w->palette[g].script && strcmp(w->palette[g].script, path) == 0;
	if (!any)
		return false;
	wf_parcel_glyphs(w, p, used);
	for (int g = 0; g < w->npalette && g < 256; g++)
		if (used[g] && w->palette[g].script &&
		    strcmp(w->palette[g].script, path) == 0)
			return true;
	return false;
}

int wf_mark_script_users(const wf_world *w, const char *path, uint8_t *mark)
{
	int direct = 0;
	for (int i = 0; i < w->nparcels; i++)
		if (wf_parcel_uses_script(w, &w->parcels[i], path)) {
			mark[i] = 1;
			direct++;
		}
	if (direct)
		return direct;
	/* A file no parcel names is a module any script may require. */
	for (int i = 0; i < w->nparcels; i++)
		if (wf_parcel_scripted(w, &w->parcels[i]))
			mark[i] = 1;
	return 0;
}
