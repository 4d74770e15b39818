/* history.c — commit and the history of one parcel, from inside the editor,
 * through store/ (libgit2). The editor commits what is saved on disk, so a
 * commit with unsaved edits is refused rather than silently leaving them out.
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
	if (ed_dirty(&u->m)) {
		ed_set_msg(u, true, "unsaved changes: :w first, then commit");
		return;
	}
	if (!msg || !*msg) {
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
	else
		ed_set_msg(u, false, "committed %.7s %s", hex, msg);
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

static int log_entry(const store_commit_info *c, void *arg)
{
	char day[16] = "";
	time_t t = (time_t)c->time;
	strftime(day, sizeof day, "%Y-%m-%d", gmtime(&t));
	hist_add(arg, "%.7s %s %s", c->id, day, c->author ? c->author : "?");
	hist_add(arg, "  %s", c->summary ? c->summary : "");
	return 0;
}

/* One line per kind of change of parcel pi between HEAD and the world as
 * edited (saved or not): a semantic diff through worldfmt. */
static void describe(ed_ui *u, const wf_diff *d, int pi)
{
	static const struct {
		unsigned bit;
		const char *word;
	} words[] = {
	    {WF_DIFF_ADDED, "new since HEAD"},     {WF_DIFF_MOVED, "moved"},
	    {WF_DIFF_RESIZED, "resized"},          {WF_DIFF_OWNER, "owner changed"},
	    {WF_DIFF_ZONE, "zone changed"},        {WF_DIFF_SCRIPT, "script changed"},
	    {WF_DIFF_ATTRS, "attributes changed"},
	};
	for (int i = 0; i < d->nparcels; i++) {
		const wf_parcel_diff *p = &d->parcels[i];
		if (p->b != pi)
			continue;
		for (size_t k = 0; k < sizeof words / sizeof *words; k++)
			if (p->what & words[k].bit)
				hist_add(u, " %s", words[k].word);
		if (p->what & WF_DIFF_TILES)
			hist_add(u, " %lld tiles in %d,%d-%d,%d", (long long)p->tiles,
			         p->x0, p->y0, p->x1 - 1, p->y1 - 1);
		int add = 0, del = 0, chg = 0;
		for (int e = 0; e < p->nentities; e++) {
			add += p->entities[e].kind == WF_CH_ADDED;
			del += p->entities[e].kind == WF_CH_REMOVED;
			chg += p->entities[e].kind == WF_CH_CHANGED;
		}
		if (p->what & WF_DIFF_ENTITIES)
			hist_add(u, " entities: %d new, %d gone, %d changed", add, del,
			         chg);
		return;
	}
	hist_add(u, " unchanged since HEAD");
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
	if (head && wf_diff_worlds(head, u->m.w, &d) == 0) {
		hist_add(u, "Edited vs HEAD");
		describe(u, &d, pi);
	}
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
	if (store_log(r, NULL, name, 20, log_entry, u, &e))
		hist_add(u, "log: %s", e.msg);
	else if (u->nhist == 0 || strncmp(u->hist[u->nhist - 1], "  ", 2) != 0)
		hist_add(u, "no commit changed it");
	store_repo_close(r);
	u->panel = PANEL_HISTORY;
	u->show_panel = true;
}
