/* check-run.c — the scripts phase of `acre check`. Until the runner of
 * stdlib/ is available this phase only notes which parcels carry scripts;
 * they show as skipped. */
#include "cli/check.h"

#include <stdlib.h>

int check_scripts(check_ctx *c)
{
	if (!c->w)
		return 0;
	for (int i = 0; i < c->w->nparcels; i++) {
		const wf_parcel *p = &c->w->parcels[i];
		bool scripted = p->script != NULL;
		for (int e = 0; e < p->nentities; e++)
			scripted |= p->entities[e].script != NULL;
		if (scripted) {
			c->rep.parcels[c->rp[i]].scripted = true;
			c->rep.parcels[c->rp[i]].source = CHECK_SKIPPED;
		}
	}
	return 0;
}
