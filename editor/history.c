/* history.c — commit and the history of one parcel, from inside the editor,
 * through store/ (libgit2). The editor commits what is saved on disk, so a
 * commit with unsaved edits is refused rather than silently leaving them out.
 * The history panel shows what the edits change in the parcel since HEAD,
 * then each commit that changed it with what that commit changed in it (a
 * semantic diff of the commit against its parent).
 */
#include "editor/ui.h"
#include "store/store.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

void ed_commit(ed_ui *u, const char *msg)
{
	if (ed_conflict_blocks_commit(u))
		return;
	if (ed_dirty(&u->m)) {
		ed_set_msg(u, true, "unsaved changes: :w first, then commit");
		return;
	}
	/* A merge without a message is described as git would (MERGE_MSG). */
	if ((!msg || !*msg) && !u->merging) {
		ed_set_msg(u, true, "a commit needs a message");
		return;
	}
	store_repo *r;
	store_err e;
	char hex[STORE_OID_HEX];
	bool nothing = false;
	if (store_repo_open(u->dir, &r, &e)) {
		ed_set_msg(u, true, "cannot commit: %s", e.msg);
		return;
	}
	if (store_commit(r, msg, hex, &nothing, &e))
		ed_set_msg(u, true, "cannot commit: %s", e.msg);
	else if (nothing)
		ed_set_msg(u, false,
		           "nothing to commit: the world is as in the last commit");
	else if (u->merging)
		ed_set_msg(u, false, "committed the merge %.7s (both parents)", hex);
	else
		ed_set_msg(u, false, "committed %.7s %s", hex, msg);
	if (!nothing)
		u->merging = store_merging(r);
	store_repo_close(r);
}

static void hist_add(ed_ui *u, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void hist_add(ed_ui *u, const char *fmt, ...)
{
	char **v = realloc(u->hist, (size_t)(u->nhist + 1) * sizeof *v);
	if (!v)
		return;
	u->hist = v;
	va_list ap;
	va_start(ap, fmt);
	if (vasprintf(&u->hist[u->nhist], fmt, ap) >= 0)
		u->nhist++;
	va_end(ap);
}

static void hist_clear(ed_ui *u)
{
	for (int i = 0; i < u->nhist; i++)
		free(u->hist[i]);
	free(u->hist);
	u->hist = NULL;
	u->nhist = 0;
}

#define LOG_MAX     20   /* commits listed */
#define DIFF_BUDGET 1500 /* ms spent on per-commit diffs before giving up */

typedef struct commit_ref {
	char id[STORE_OID_HEX];
	char line1[160], line2[200];
} commit_ref;

typedef struct commits {
	commit_ref v[LOG_MAX];
	int n;
} commits;

static int log_entry(const store_commit_info *c, void *arg)
{
	commits *cs = arg;
	if (cs->n == LOG_MAX)
		return 1;
	commit_ref *k = &cs->v[cs->n++];
	char day[16] = "";
	time_t t = (time_t)c->time;
	strftime(day, sizeof day, "%Y-%m-%d", gmtime(&t));
	snprintf(k->id, sizeof k->id, "%s", c->id);
	snprintf(k->line1, sizeof k->line1, "%.7s %s %.64s", c->id, day,
	         c->author ? c->author : "?");
	snprintf(k->line2, sizeof k->line2, "  %.190s", c->summary ? c->summary : "");
	return 0;
}

/* One line per kind of change of the parcel named `name` in diff d (from
 * world a to world b): a semantic diff through worldfmt. `since` names the
 * older side ("HEAD", "its parent"). */
static void describe(ed_ui *u, const wf_diff *d, const wf_world *a, const wf_world *b,
                     const char *name, const char *since, const char *indent)
{
	static const struct {
		unsigned bit;
		const char *word;
	} words[] = {
	    {WF_DIFF_ADDED, "new"},
	    {WF_DIFF_REMOVED, "removed"},
	    {WF_DIFF_MOVED, "moved"},
	    {WF_DIFF_RESIZED, "resized"},
	    {WF_DIFF_OWNER, "owner changed"},
	    {WF_DIFF_ZONE, "zone changed"},
	    {WF_DIFF_SCRIPT, "script changed"},
	    {WF_DIFF_ATTRS, "attributes changed"},
	};
	for (int i = 0; i < d->nparcels; i++) {
		const wf_parcel_diff *p = &d->parcels[i];
		const char *pn =
		    p->b >= 0 ? b->parcels[p->b].name : a->parcels[p->a].name;
		if (strcmp(pn, name) != 0)
			continue;
		for (size_t k = 0; k < sizeof words / sizeof *words; k++)
			if (p->what & words[k].bit)
				hist_add(u, "%s%s%s%s", indent, words[k].word,
				         words[k].bit == WF_DIFF_ADDED ? " since " : "",
				         words[k].bit == WF_DIFF_ADDED ? since : "");
		if (p->what & WF_DIFF_TILES)
			hist_add(u, "%s%lld tiles in %d,%d-%d,%d", indent,
			         (long long)p->tiles, p->x0, p->y0, p->x1 - 1, p->y1 - 1);
		int add = 0, del = 0, chg = 0;
		for (int e = 0; e < p->nentities; e++) {
			add += p->entities[e].kind == WF_CH_ADDED;
			del += p->entities[e].kind == WF_CH_REMOVED;
			chg += p->entities[e].kind == WF_CH_CHANGED;
		}
		if (p->what & WF_DIFF_ENTITIES)
			hist_add(u, "%sentities: %d new, %d gone, %d changed", indent,
			         add, del, chg);
		return;
	}
	hist_add(u, "%sunchanged since %s", indent, since);
}

/* The world at `rev`, parsed; NULL when it has no world.acre there. The
 * last two read are kept: a commit's parent is often the next commit
 * listed, so each world is parsed once. */
typedef struct at_cache {
	char rev[2][STORE_OID_HEX + 2];
	wf_world *w[2];
	int next;
} at_cache;

static wf_world *world_at(store_repo *r, at_cache *c, const char *rev)
{
	for (int i = 0; i < 2; i++)
		if (c->w[i] && strcmp(c->rev[i], rev) == 0)
			return c->w[i];
	char *text = NULL;
	size_t len = 0;
	store_err e;
	if (store_read_at_opt(r, rev, "world.acre", &text, &len, &e) != 0 || !text) {
		free(text);
		return NULL;
	}
	wf_diags dg = {0};
	wf_world *w = wf_parse(text, len, "world.acre", &dg);
	free(text);
	wf_diags_free(&dg);
	if (!w)
		return NULL;
	int k = c->next;
	c->next ^= 1;
	wf_world_free(c->w[k]);
	c->w[k] = w;
	snprintf(c->rev[k], sizeof c->rev[k], "%s", rev);
	return w;
}

static double mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* Each commit, and what it changed in the parcel against its parent. */
static void commit_diffs(ed_ui *u, store_repo *r, const commits *cs, const char *name)
{
	at_cache c = {0};
	double t0 = mono_ms();
	for (int i = 0; i < cs->n; i++) {
		hist_add(u, "%s", cs->v[i].line1);
		hist_add(u, "%s", cs->v[i].line2);
		if (mono_ms() - t0 > DIFF_BUDGET)
			continue; /* a big world: the rest are listed without diffs */
		char parent[STORE_OID_HEX], prev[STORE_OID_HEX + 2];
		store_err e;
		snprintf(prev, sizeof prev, "%s^", cs->v[i].id);
		wf_world *b = world_at(r, &c, cs->v[i].id);
		wf_world *a = store_resolve(r, prev, parent, &e) == 0
		                  ? world_at(r, &c, parent)
		                  : NULL;
		if (!b)
			continue;
		if (!a) {
			hist_add(u, "   first commit");
			continue;
		}
		wf_diff d = {0};
		if (wf_diff_worlds(a, b, &d) == 0)
			describe(u, &d, a, b, name, "its parent", "   ");
		wf_diff_free(&d);
	}
	for (int i = 0; i < 2; i++)
		wf_world_free(c.w[i]);
}

static void since_head(ed_ui *u, store_repo *r, int pi)
{
	char *text = NULL;
	size_t len = 0;
	store_err e;
	if (store_read_at_opt(r, "HEAD", "world.acre", &text, &len, &e) != 0 || !text) {
		hist_add(u, " not in any commit yet");
		free(text);
		return;
	}
	wf_diags dg = {0};
	wf_world *head = wf_parse(text, len, "HEAD:world.acre", &dg);
	free(text);
	wf_diff d = {0};
	wf_world *w = head ? ed_world_dense(&u->m) : NULL; /* diff indices */
	if (w && wf_diff_worlds(head, w, &d) == 0) {
		hist_add(u, "Edited vs HEAD");
		describe(u, &d, head, w, u->m.w->parcels[pi].name, "HEAD", " ");
	}
	ed_world_dense_free(&u->m, w);
	wf_diff_free(&d);
	wf_world_free(head);
	wf_diags_free(&dg);
}

/* Toggle the history panel for the parcel under the cursor: what the edits
 * change in it since HEAD (a semantic diff), then the commits that changed
 * it. */
void ed_history(ed_ui *u)
{
	if (u->panel == PANEL_HISTORY) {
		u->panel = PANEL_PARCEL;
		return;
	}
	int pi = ed_parcel_here(&u->m);
	if (pi < 0) {
		ed_set_msg(u, true, "no parcel under the cursor");
		return;
	}
	const char *name = u->m.w->parcels[pi].name;
	store_repo *r;
	store_err e;
	if (store_repo_open(u->dir, &r, &e)) {
		ed_set_msg(u, true, "no history: %s", e.msg);
		return;
	}
	hist_clear(u);
	hist_add(u, "parcel %s", name);
	since_head(u, r, pi);
	hist_add(u, "Commits");
	commits cs = {0};
	if (store_log(r, NULL, name, LOG_MAX, log_entry, &cs, &e))
		hist_add(u, "log: %s", e.msg);
	else if (cs.n == 0)
		hist_add(u, "no commit changed it");
	else
		commit_diffs(u, r, &cs, name);
	store_repo_close(r);
	u->panel = PANEL_HISTORY;
	u->show_panel = true;
}
