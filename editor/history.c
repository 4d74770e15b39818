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
		ed_set_msg(u, false, "nothing to commit: the world is as in the last commit");
	else
		ed_set_msg(u, false, "committed %.7s %s", hex, msg);
	store_repo_close(r);
}

static void hist_add(ed_ui *u, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
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

/* Toggle the history panel for the parcel under the cursor: whether the
 * saved file changes it against HEAD (a semantic diff), then its log. */
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
	char **names = NULL;
	int n = 0;
	if (store_changed_parcels(r, "HEAD", NULL, &names, &n, &e) == 0) {
		bool changed = false;
		for (int i = 0; i < n; i++)
			changed |= strcmp(names[i], name) == 0;
		hist_add(u, changed ? "saved file changes it since HEAD" : "unchanged since HEAD");
		store_names_free(names, n);
	}
	if (store_log(r, NULL, name, 20, log_entry, u, &e))
		hist_add(u, "log: %s", e.msg);
	else if (u->nhist <= 2)
		hist_add(u, "no commit changed it");
	store_repo_close(r);
	u->panel = PANEL_HISTORY;
	u->show_panel = true;
}
