/* ui.c — the terminal editor's life: open (and recover), the key loop,
 * saving, live validation, the recovery file and the --stats figures.
 *
 * The loop waits for a key; when none comes for IDLE_MS it does the work
 * that may be slow on a big world — validation and writing the recovery
 * file — so that typing and scrolling never wait on them.
 */
#include "editor/ui.h"

#include <curses.h>
#include <dirent.h>
#include <errno.h>
#include <locale.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <wchar.h>

#define IDLE_MS        300
#define WATCH_MS       500 /* how often the world's files are looked at */
#define RECOVER_PREFIX ".world.acre."
#define RECOVER_SUFFIX ".acre-recover"
#define RECOVER_OLD    ".world.acre.acre-recover" /* one file for all editors */
#define RECOVER_MAX    9 /* offered on start; one key picks each */

/* Set by SIGHUP and SIGTERM (the one piece of state outside ed_ui, as a
 * signal handler can reach nothing else); the loop then keeps the edits in
 * the recovery file and leaves. */
static volatile sig_atomic_t ed_signalled;

static void on_signal(int sig)
{
	ed_signalled = sig;
}

static void catch_signals(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void seterr(char *err, size_t len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void seterr(char *err, size_t len, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, len, fmt, ap);
	va_end(ap);
}

/* Each editor writes its own recovery file, named after its process id,
 * so that two editors on one world never overwrite each other's edits. */
char *ed_recover_path(const char *dir, long pid)
{
	char *p = NULL;
	if (asprintf(&p, "%s/" RECOVER_PREFIX "%ld" RECOVER_SUFFIX, dir, pid) < 0)
		return NULL;
	return p;
}

/* The process id a recovery file is named after, 0 for the single file
 * of earlier versions, or -1 when `name` is not a recovery file. */
static long recover_pid(const char *name)
{
	if (strcmp(name, RECOVER_OLD) == 0)
		return 0;
	size_t n = strlen(name), np = strlen(RECOVER_PREFIX), ns = strlen(RECOVER_SUFFIX);
	if (n <= np + ns || strncmp(name, RECOVER_PREFIX, np) != 0 ||
	    strcmp(name + n - ns, RECOVER_SUFFIX) != 0)
		return -1;
	long pid = 0;
	for (const char *c = name + np; c < name + n - ns; c++) {
		if (*c < '0' || *c > '9' || pid > 100000000)
			return -1;
		pid = pid * 10 + (*c - '0');
	}
	return pid > 0 ? pid : -1;
}

void ed_recover_free(ed_recovery *v, int n)
{
	for (int i = 0; i < n; i++)
		free(v[i].path);
}

static bool pid_alive(long pid)
{
	return pid > 0 && (kill((pid_t)pid, 0) == 0 || errno == EPERM);
}

static int newest_first(const void *a, const void *b)
{
	const ed_recovery *x = a, *y = b;
	if (x->mtime != y->mtime)
		return x->mtime < y->mtime ? 1 : -1;
	return strcmp(x->path, y->path);
}

/* The recovery files left in `dir` by editors that are no longer running,
 * newest first (at most RECOVER_MAX); `*live` gets the id of a running
 * editor on the same world, or 0. A running editor's file is not offered:
 * its edits are still its own. */
int ed_recover_list(const char *dir, ed_recovery *out, int max, long *live)
{
	*live = 0;
	DIR *d = opendir(dir);
	if (!d)
		return 0;
	int n = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		long pid = recover_pid(e->d_name);
		if (pid < 0 || pid == (long)getpid())
			continue;
		if (pid_alive(pid)) {
			*live = pid;
			continue;
		}
		ed_recovery r = {.pid = pid};
		struct stat st;
		if (asprintf(&r.path, "%s/%s", dir, e->d_name) < 0)
			continue;
		/* lstat: a recovery file is one this editor wrote, never a
		 * link; a world from elsewhere may hold one that points out of
		 * it, and taking it would copy that file into world.acre. */
		if (lstat(r.path, &st) != 0 || !S_ISREG(st.st_mode)) {
			free(r.path);
			continue;
		}
		r.mtime = st.st_mtime;
		r.size = st.st_size;
		if (n == max) { /* keep the newest `max` */
			qsort(out, (size_t)n, sizeof *out, newest_first);
			if (r.mtime <= out[n - 1].mtime) {
				free(r.path);
				continue;
			}
			free(out[--n].path);
		}
		out[n++] = r;
	}
	closedir(d);
	qsort(out, (size_t)n, sizeof *out, newest_first);
	return n;
}

/* ---- Files --------------------------------------------------------------- */

/* What world.acre looked like on disk when it was read or last written,
 * to notice another program changing it behind the editor's back. */
static void remember_file(ed_ui *u)
{
	char path[4096];
	struct stat st;
	snprintf(path, sizeof path, "%s/world.acre", u->dir);
	u->file_known = stat(path, &st) == 0;
	u->file_mtime = u->file_known ? st.st_mtim : (struct timespec){0};
	u->file_size = u->file_known ? st.st_size : 0;
}

static bool file_changed(ed_ui *u)
{
	char path[4096];
	struct stat st;
	snprintf(path, sizeof path, "%s/world.acre", u->dir);
	if (stat(path, &st) != 0 || !u->file_known)
		return false;
	return st.st_size != u->file_size || st.st_mtim.tv_sec != u->file_mtime.tv_sec ||
	       st.st_mtim.tv_nsec != u->file_mtime.tv_nsec;
}

/* A big world's save, validation and recovery file are done by a forked
 * child on a snapshot of the world (bg.c), while the key loop answers and
 * edits go on; small worlds are served at once, as before. */
#define BG_PARCELS 8192

bool ed_big(const ed_ui *u)
{
	return u->m.w->nparcels >= BG_PARCELS;
}

static bool big(const ed_ui *u)
{
	return ed_big(u);
}

static void recovery_cancel(ed_ui *u);

static void saved(ed_ui *u, double ms)
{
	remember_file(u);
	u->watch_known = false; /* our own write is no news: look afresh */
	if (!ed_dirty(&u->m)) {
		recovery_cancel(u);
		unlink(u->recover);
		u->recover_gen = u->m.generation;
	}
	if (ms >= 0) {
		/* A big world: its problems are found in the background. */
		ed_set_msg(u, false, "wrote world.acre in %.1f s%s", ms / 1000,
		           ed_dirty(&u->m) ? " (edits made meanwhile are not saved)"
		                           : "");
		ed_conflict_saved(u); /* a merge's recovery files name it no more */
		return;
	}
	ed_revalidate(u);
	if (u->diags.errors)
		ed_set_msg(u, false, "wrote world.acre (%d problem%s: ! lists them)",
		           u->diags.errors, u->diags.errors == 1 ? "" : "s");
	else
		ed_set_msg(u, false, "wrote world.acre");
	ed_conflict_saved(u);
}

int ed_save(ed_ui *u, bool force)
{
	if (u->saving) {
		ed_set_msg(u, true, "already saving world.acre");
		return -1;
	}
	if (u->cf && ed_conflict_blocks_save(u))
		return -1;
	if (!force && file_changed(u)) {
		ed_set_msg(u, true,
		           "world.acre changed on disk since it was read: "
		           ":w! overwrites it, :q! leaves it");
		return -1;
	}
	char *path = NULL;
	if (asprintf(&path, "%s/world.acre", u->dir) < 0)
		path = NULL;
	if (path && big(u) && (u->saving = ed_bg_start(u, BG_SAVE, path))) {
		free(path);
		ed_save_begin(&u->m);
		ed_set_msg(u, false, "saving world.acre...");
		return 1;
	}
	free(path); /* no child: save here, as for a small world */
	double t0 = now_ms();
	wf_world *w = ed_world_dense(&u->m);
	if (!w || wf_save(w, u->dir) != 0) {
		ed_set_msg(u, true, "cannot save %s/world.acre: %s", u->dir,
		           strerror(w ? errno : ENOMEM));
		ed_world_dense_free(&u->m, w);
		return -1;
	}
	ed_world_dense_free(&u->m, w);
	ed_mark_saved(&u->m);
	saved(u, big(u) ? now_ms() - t0 : -1);
	return 0;
}

/* Where a background save is, for the message line; finish it when done. */
void ed_save_poll(ed_ui *u)
{
	ed_bg *sv = u->saving;
	if (!sv)
		return;
	double ms = now_ms() - sv->t0;
	if (!ed_bg_poll(sv)) {
		/* A key's own message stays; progress takes the line otherwise. */
		if (!u->msg[0] || strncmp(u->msg, "saving world.acre", 17) == 0)
			ed_set_msg(u, false, "saving world.acre: %s (%.1f s)",
			           ed_bg_text_done(sv) ? "writing the file"
			                               : "writing the text",
			           ms / 1000);
		return;
	}
	u->saving = NULL;
	bool quit = sv->quit_after;
	int err;
	if (ed_bg_result(sv, &err) != 0) {
		ed_save_end(&u->m, false);
		ed_set_msg(u, true, "cannot save %s/world.acre: %s", u->dir,
		           strerror(err));
		quit = false;
	} else {
		ed_save_end(&u->m, true);
		saved(u, ms);
	}
	ed_bg_free(sv);
	if (quit && !ed_dirty(&u->m))
		u->quit = true;
	else if (quit)
		ed_set_msg(u, true, "wrote world.acre, but edits were made meanwhile: "
		                    ":wq again, or :q! drops them");
}

void ed_save_then_quit(ed_ui *u)
{
	if (u->saving)
		u->saving->quit_after = true;
}

/* The recovery file holds the edited world whenever it differs from the
 * saved one; it is written atomically, so a kill at any moment leaves a
 * whole file (the previous or the new one). A big world's is written by a
 * child, one at a time: edits made meanwhile go in the next one. */
/* A background recovery write ended: say so when it failed. */
static void recovery_poll(ed_ui *u)
{
	if (!u->recovering || !ed_bg_poll(u->recovering))
		return;
	int err;
	if (ed_bg_result(u->recovering, &err) != 0)
		ed_set_msg(u, true, "cannot write the recovery file %s: %s", u->recover,
		           strerror(err));
	ed_bg_free(u->recovering);
	u->recovering = NULL;
}

/* Stop a recovery write under way: a newer file is written, or none is
 * wanted (the world was saved, the editor is leaving on purpose). */
static void recovery_cancel(ed_ui *u)
{
	if (!u->recovering)
		return;
	ed_bg_cancel(u->recovering);
	ed_bg_free(u->recovering);
	u->recovering = NULL;
	u->recover_gen = UINT64_MAX;
}

void ed_write_recovery(ed_ui *u, bool now)
{
	if (now)
		recovery_cancel(u);
	recovery_poll(u);
	/* A preview is part of the world: never let it stand for the whole. */
	if (u->recover_gen == u->m.generation || u->loading || u->recovering)
		return;
	u->recover_gen = u->m.generation;
	if (!ed_dirty(&u->m)) {
		unlink(u->recover);
		return;
	}
	if (!now && big(u) && (u->recovering = ed_bg_start(u, BG_RECOVER, u->recover)))
		return;
	wf_buf b = {0};
	wf_world *w = ed_world_dense(&u->m);
	if (w && ed_conflict_recovery_head(u, &b) == 0 && wf_write(w, &b) == 0 &&
	    wf_save_atomic(u->recover, b.data, b.len) != 0)
		ed_set_msg(u, true, "cannot write the recovery file %s: %s", u->recover,
		           strerror(errno));
	ed_world_dense_free(&u->m, w);
	wf_buf_free(&b);
}

/* diags_gen is UINT64_MAX (or UINT64_MAX - 1 after a failed child) until
 * the first validation: a world without problems is current too. */
bool ed_diags_current(const ed_ui *u)
{
	return u->diags_gen == u->m.generation;
}

/* A background validation ended: its list stands for the world it saw
 * (a newer one starts when the keyboard idles again). */
static void validated(ed_ui *u)
{
	ed_bg *j = u->validating;
	if (!ed_bg_poll(j))
		return;
	u->validating = NULL;
	wf_diags d;
	if (ed_bg_diags(j, &d) == 0) {
		wf_diags_free(&u->diags);
		u->diags = d;
		u->diags_gen = j->gen;
		if (u->diag_cur >= u->diags.n)
			u->diag_cur = 0;
	} else {
		/* The child failed (out of memory?): validate here next time. */
		u->diags_gen = UINT64_MAX - 1;
	}
	ed_bg_free(j);
}

static void validate_now(ed_ui *u)
{
	wf_diags_free(&u->diags);
	memset(&u->diags, 0, sizeof u->diags);
	wf_world *w = ed_world_dense(&u->m);
	if (w)
		wf_validate(w, u->dir, "world.acre", &u->diags);
	else
		wf_diag_add(&u->diags, WF_ERROR, "world.acre", 0, 0, NULL,
		            "cannot validate: out of memory");
	ed_world_dense_free(&u->m, w);
	u->diags_gen = u->m.generation;
	if (u->diag_cur >= u->diags.n)
		u->diag_cur = 0;
}

void ed_revalidate(ed_ui *u)
{
	if (u->validating)
		validated(u);
	if (ed_diags_current(u) || u->validating || u->loading)
		return;
	if (big(u) && u->diags_gen != UINT64_MAX - 1 &&
	    (u->validating = ed_bg_start(u, BG_VALIDATE, NULL)))
		return;
	validate_now(u);
}

/* The first error of a world that does not parse, as the editor says it. */
static void load_error(ed_ui *u, const wf_diags *d, char *err, size_t errlen)
{
	const wf_diag *e = NULL;
	for (int i = 0; i < d->n && !e; i++)
		if (d->v[i].severity == WF_ERROR)
			e = &d->v[i];
	if (e)
		seterr(err, errlen,
		       "%s:%u:%u: %s (%d error%s in all; 'acre check' lists them)",
		       e->file, e->line, e->col, e->msg, d->errors,
		       d->errors == 1 ? "" : "s");
	else
		seterr(err, errlen, "cannot read the world in %s", u->dir);
}

/* Read the world (or the recovery file `file`). With `job`, a big one is
 * read progressively: a preview now, the whole in the background. */
static wf_world *load_world(ed_ui *u, const char *file, ed_loader **job, char *err,
                            size_t errlen)
{
	wf_diags d = {0};
	char *path = NULL;
	if (!file && asprintf(&path, "%s/world.acre", u->dir) < 0)
		path = NULL;
	if (!file && !path) {
		seterr(err, errlen, "out of memory");
		return NULL;
	}
	const char *p = file ? file : path;
	wf_world *w = NULL;
	int cf = ed_conflict_load(u, file, &w, err, errlen);
	if (cf != 0) { /* merge conflicts, read side by side (conflict.c) */
		free(path);
		return w;
	}
	w =
	    job ? ed_load_preview(p, p, &u->keep, job, &d) : ed_load(p, p, &u->keep, &d);
	free(path);
	if (d.errors > 0 || !w) {
		/* A world that does not parse is not opened: saving the part that
		 * was read would lose the rest. */
		load_error(u, &d, err, errlen);
		wf_diags_free(&d);
		wf_world_free(w);
		return NULL;
	}
	wf_diags_free(&d);
	return w;
}

/* The background read is done: swap the whole world in for the preview,
 * keeping the view, or close the editor when the world does not parse. */
static void finish_load(ed_ui *u)
{
	wf_world *keep = NULL;
	wf_diags d = {0};
	bool exact = ed_load_exact(u->loading);
	wf_world *w = ed_load_finish(u->loading, &keep, &d);
	u->loading = NULL;
	if (d.errors > 0 || !w) {
		load_error(u, &d, u->fatal, sizeof u->fatal);
		wf_diags_free(&d);
		wf_world_free(w);
		wf_world_free(keep);
		u->quit = true;
		return;
	}
	wf_diags_free(&d);
	ed_model *m = &u->m;
	int32_t cx = m->cx, cy = m->cy, vx = m->vx, vy = m->vy, vw = m->vw, vh = m->vh;
	int brush = m->brush;
	bool recovered = m->saved_pos == -1; /* opened from a recovery file */
	/* The preview: nothing was edited in it. Its world goes on a thread,
	 * as the whole world came: the key loop only swaps. */
	wf_world *preview = m->w;
	m->w = NULL;
	ed_model_free(m);
	ed_load_free_later(preview);
	ed_model_init_indexed(m, w, exact);
	if (recovered)
		m->saved_pos = -1; /* the recovered edits are still not saved */
	wf_world_free(u->keep);
	u->keep = keep;
	m->vw = vw;
	m->vh = vh;
	m->vx = vx;
	m->vy = vy;
	m->brush = brush < w->npalette ? brush : 0;
	ed_goto(m, cx, cy);
	u->recover_gen = m->generation;
	u->diags_gen = UINT64_MAX;
	/* A new model: its scripts are collected, a slice a turn from the
	 * next turn on (the files are looked at then). */
	ed_watch_reset(u);
	ed_budget_from_check(u);
	if (recovered)
		ed_set_msg(u, false,
		           "world read: %d parcels (recovered unsaved edits: :w saves them)",
		           w->nparcels);
	else
		ed_set_msg(u, false, "world read: %d parcels", w->nparcels);
}

bool ed_loading(const ed_ui *u)
{
	return u->loading != NULL;
}

/* ---- Terminal -------------------------------------------------------------- */

static ed_colours pick_colours(void)
{
	const char *nc = getenv("NO_COLOR");
	if ((nc && *nc) || !has_colors())
		return COL_MONO;
	start_color();
	use_default_colors();
	return COLORS >= 256 ? COL_256 : COL_8;
}

static int wide_glyphs(const wf_world *w)
{
	for (int i = 0; i < w->npalette; i++) {
		wchar_t wc;
		mbstate_t st = {0};
		const char *g = w->palette[i].glyph;
		if (g && mbrtowc(&wc, g, strlen(g), &st) < (size_t)-2 && wcwidth(wc) == 2)
			return 2;
	}
	return 1;
}

static SCREEN *term_start(ed_ui *u, char *err, size_t errlen)
{
	/* With standard output redirected (acre edit --stats >FILE), the
	 * screen goes to the controlling terminal instead. */
	FILE *out = isatty(1) ? stdout : NULL;
	if (isatty(0) && !out && (out = fopen("/dev/tty", "w")))
		u->tty = out;
	if (!isatty(0) || !out) {
		seterr(err, errlen, "standard input and output must be a terminal");
		return NULL;
	}
	SCREEN *s = newterm(NULL, out, stdin);
	if (!s) {
		const char *t = getenv("TERM");
		seterr(err, errlen, "cannot use terminal type '%s'",
		       t ? t : "(TERM unset)");
		return NULL;
	}
	raw();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	set_escdelay(25);
	mousemask(BUTTON1_CLICKED | BUTTON1_PRESSED | BUTTON4_PRESSED | BUTTON5_PRESSED,
	          NULL);
	mouseinterval(0);
	catch_signals();
	u->colours = pick_colours();
	ed_draw_init(u);
	return s;
}

/* Ask what to do with the recovery files left by earlier sessions: a
 * digit (or 'r' when there is one) recovers that file, 'd' discards them
 * all, 'q' (or Ctrl-C) quits and leaves them alone. Returns the index
 * chosen, -1 for discard, -2 for quit (also when the terminal is gone). */
static int ask_recover(ed_ui *u, const ed_recovery *v, int n)
{
	(void)u;
	for (;;) {
		erase();
		if (n == 1)
			mvprintw(1, 2, "A recovery file from an unsaved session exists:");
		else
			mvprintw(1, 2,
			         "%d recovery files from unsaved sessions exist "
			         "(newest first):",
			         n);
		for (int i = 0; i < n; i++) {
			char when[64] = "?";
			strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S",
			         localtime(&v[i].mtime));
			const char *merge = v[i].merge ? ", a merge being resolved" : "";
			if (n == 1)
				mvprintw(2, 4, "%s (written %s%s)", v[i].path, when,
				         merge);
			else
				mvprintw(2 + i, 2, "%d  %s (written %s, %lld bytes%s)",
				         i + 1, v[i].path, when, v[i].size, merge);
		}
		int y = 3 + (n == 1 ? 1 : n);
		if (n == 1 && v[0].merge)
			mvprintw(y++, 2,
			         "r  recover it (the merge view comes back with the "
			         "picks made so far)");
		else if (n == 1)
			mvprintw(y++, 2,
			         "r  recover it (the editor opens it; :w saves it)");
		else
			mvprintw(y++, 2,
			         "1-%d  recover that one (the others stay for later)", n);
		mvprintw(y++, 2, "d  discard %s and open the saved world",
		         n == 1 ? "it" : "them all");
		mvprintw(y++, 2, "q  quit and leave %s alone", n == 1 ? "it" : "them");
		refresh();
		wint_t wc;
		int r = get_wch(&wc);
		if (r == ERR || (r == OK && (wc == 'q' || wc == 3)))
			return -2; /* a blocking read fails only when the terminal is gone
			            */
		if (r == OK && wc == 'd')
			return -1;
		if (r == OK && n == 1 && wc == 'r')
			return 0;
		if (r == OK && wc >= '1' && wc < (wint_t)('1' + n))
			return (int)(wc - '1');
	}
}

/* ---- The loop ---------------------------------------------------------------- */

static void record_key(ed_ui *u, double ms)
{
	if (!u->opt->stats)
		return;
	if (u->nkeys == u->capkeys) {
		int cap = u->capkeys ? 2 * u->capkeys : 1024;
		double *v = realloc(u->key_ms, (size_t)cap * sizeof *v);
		if (!v)
			return;
		u->key_ms = v;
		u->capkeys = cap;
	}
	u->key_ms[u->nkeys++] = ms;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static void fill_stats(ed_ui *u, ed_stats *st)
{
	st->idle_max_ms = u->idle_max_ms;
	st->keys = u->nkeys;
	if (u->nkeys == 0)
		return;
	qsort(u->key_ms, (size_t)u->nkeys, sizeof *u->key_ms, cmp_double);
	st->p50_ms = u->key_ms[(u->nkeys - 1) / 2];
	st->p99_ms = u->key_ms[(int)((u->nkeys - 1) * 0.99)];
	st->max_ms = u->key_ms[u->nkeys - 1];
}

static void idle(ed_ui *u)
{
	if (u->saving)
		ed_save_poll(u);
	if (u->loading) {
		if (ed_load_done(u->loading))
			finish_load(u);
		return; /* nothing to validate or recover in a preview */
	}
	double t = now_ms();
	if (t >= u->watch_next || ed_watch_busy(u)) {
		ed_watch(u, false);
		u->watch_next = t + WATCH_MS;
	}
	if (ed_play_running(u)) {
		ed_play_idle(u);
		return;
	}
	if (u->validating)
		validated(u);
	ed_play_poll(u);
	recovery_poll(u);
	/* One job at a time: two cores are shared with the key loop. */
	if (u->saving || u->validating || u->recovering)
		return;
	ed_revalidate(u);
	if (!u->validating)
		ed_write_recovery(u, false);
}

/* Whether the terminal has gone away. A read with a time limit returns ERR
 * both when the time is up and when the terminal hung up, so an early ERR
 * is checked here: a hung-up terminal reports POLLHUP (or an error) on
 * standard input for ever, where a live one never does. */
static bool terminal_gone(void)
{
	struct pollfd pf = {.fd = 0, .events = POLLIN};
	if (poll(&pf, 1, 0) < 0)
		return errno != EINTR;
	return (pf.revents & (POLLHUP | POLLERR | POLLNVAL)) != 0;
}

static void loop(ed_ui *u)
{
	int early = 0; /* ERRs in a row that came back before their time */
	while (!u->quit) {
		bool pending = u->diags_gen != u->m.generation ||
		               u->recover_gen != u->m.generation || ed_play_running(u);
		bool jobs = u->loading || u->saving || u->validating || u->recovering ||
		            ed_watch_busy(u) || ed_play_loading(u);
		/* Never wait for ever: the world's files are watched. */
		int wait = jobs ? 20
		           : ed_play_running(u)    ? 50
		           : pending               ? IDLE_MS
		                                   : WATCH_MS;
		timeout(wait);
		wint_t wc;
		double asked = now_ms();
		int r = get_wch(&wc);
		/* A blocking read fails only when the terminal is gone; a timed
		 * one that fails early, again and again, or with the terminal
		 * hung up, has lost it too (else play mode or a pending
		 * revalidation would spin here at full speed). */
		bool gone = r == ERR && wait < 0;
		if (r == ERR && wait >= 0 && now_ms() - asked < wait / 2.0)
			gone = ++early >= 50 || terminal_gone();
		else
			early = 0;
		if (ed_signalled || gone) {
			/* Killed, or the terminal is gone: keep the edits in the
			 * recovery file and leave. */
			ed_write_recovery(u, true);
			u->lost = true;
			return;
		}
		if (r == ERR) {
			double t = now_ms();
			bool whole = !u->loading || ed_load_done(u->loading);
			idle(u);
			ed_draw(u);
			if (whole && now_ms() - t > u->idle_max_ms)
				u->idle_max_ms = now_ms() - t;
			continue;
		}
		double t0 = now_ms();
		if (u->loading && ed_load_done(u->loading)) {
			/* Swapping in the whole world is work between keys too,
			 * though a key came first (keys typed without a pause
			 * leave no idle turn to do it in). */
			finish_load(u);
			if (now_ms() - t0 > u->idle_max_ms)
				u->idle_max_ms = now_ms() - t0;
		}
		if (u->saving)
			ed_save_poll(u);
		if (u->validating)
			validated(u);
		ed_play_poll(u);
		if (r == KEY_CODE_YES && wc == KEY_RESIZE)
			; /* the next frame lays the screen out again */
		else
			ed_key(u, (int)wc, r != KEY_CODE_YES);
		ed_draw(u);
		record_key(u, now_ms() - t0);
	}
}

static void ui_free(ed_ui *u)
{
	if (u->saving) /* let the file be written whole (it is renamed in) */
		ed_bg_wait(u->saving);
	ed_bg_free(u->saving);
	u->saving = NULL;
	/* Nobody needs these any more (a recovery file being written is
	 * settled by the caller after this). */
	if (u->validating)
		ed_bg_cancel(u->validating);
	ed_bg_free(u->validating);
	u->validating = NULL;
	if (u->recovering)
		ed_bg_cancel(u->recovering);
	ed_bg_free(u->recovering);
	u->recovering = NULL;
	if (u->loading) {
		wf_world *keep = NULL;
		wf_diags d = {0};
		wf_world_free(ed_load_finish(u->loading, &keep, &d));
		wf_world_free(keep);
		wf_diags_free(&d);
		u->loading = NULL;
	}
	ed_play_stop(u);
	ed_conflict_free(u);
	ed_model_free(&u->m);
	wf_world_free(u->keep);
	wf_diags_free(&u->diags);
	for (int i = 0; i < u->nhist; i++)
		free(u->hist[i]);
	free(u->hist);
	free(u->budget_use);
	free(u->budget_mem);
	ed_watch_reset(u);
	free(u->key_ms);
	free(u->recover);
	free(u->dir);
	if (u->tty)
		fclose(u->tty);
}

int ed_run(const ed_options *o, ed_stats *st, char *err, size_t errlen)
{
	double t0 = now_ms();
	ed_ui *u = calloc(1, sizeof *u);
	if (!u) {
		seterr(err, errlen, "out of memory");
		return -1;
	}
	setlocale(LC_ALL, "");
	u->opt = o;
	u->dir = strdup(o->dir);
	u->recover = ed_recover_path(o->dir, (long)getpid());
	u->show_panel = u->show_names = true;
	u->carry_pi = u->carry_ei = -1;
	u->form.field = -1;
	if (!u->dir || !u->recover) {
		seterr(err, errlen, "out of memory");
		ui_free(u);
		free(u);
		return -1;
	}
	/* The world is read before the terminal is taken, so that a world that
	 * does not parse is reported on a plain screen; only a recovery
	 * question needs the terminal first. */
	ed_recovery rv[RECOVER_MAX];
	long live = 0;
	int nrv = ed_recover_list(o->dir, rv, RECOVER_MAX, &live);
	/* Recovering one written outside the merge world.acre holds would
	 * lose that merge: those are not offered (conflict.c says why). */
	char held[512] = "";
	if (nrv > 0)
		nrv = ed_conflict_recover_filter(o->dir, rv, nrv, held, sizeof held);
	int pick = nrv > 0 && o->recover ? 0 : -1; /* --recover: the newest */
	wf_world *w = NULL;
	if (nrv == 0 || pick >= 0) {
		w = load_world(u, pick >= 0 ? rv[pick].path : NULL, &u->loading, err,
		               errlen);
		if (!w) {
			ed_recover_free(rv, nrv);
			ui_free(u);
			free(u);
			return -1;
		}
	}
	SCREEN *scr = term_start(u, err, errlen);
	if (!scr) {
		wf_world_free(w);
		ed_recover_free(rv, nrv);
		ui_free(u);
		free(u);
		return -1;
	}
	if (!w) {
		int a = ask_recover(u, rv, nrv);
		if (a == -1)
			for (int i = 0; i < nrv; i++)
				unlink(rv[i].path);
		pick = a;
		if (a != -2)
			w = load_world(u, pick >= 0 ? rv[pick].path : NULL, &u->loading,
			               err, errlen);
		if (!w) {
			endwin();
			delscreen(scr);
			ed_recover_free(rv, nrv);
			ui_free(u);
			free(u);
			return a == -2 ? 0 : -1;
		}
	}
	/* The recovered file becomes this editor's own: renamed, so that the
	 * edits are on disk under one name or the other at every moment. */
	bool recovering = pick >= 0;
	if (recovering && rename(rv[pick].path, u->recover) != 0)
		u->recover_gen = UINT64_MAX; /* cannot take it: write our own soon */
	int others = recovering ? nrv - 1 : 0;
	ed_recover_free(rv, nrv);
	st->load_ms = now_ms() - t0;
	remember_file(u);
	ed_model_init(&u->m, w);
	u->cellw = wide_glyphs(w);
	if (recovering) {
		u->m.saved_pos = -1; /* the recovered edits are not saved yet */
		if (u->recover_gen != UINT64_MAX)
			u->recover_gen = u->m.generation;
		if (others)
			ed_set_msg(u, false,
			           "recovered unsaved edits: :w saves them (%d more "
			           "recovery file%s kept for later)",
			           others, others == 1 ? "" : "s");
		else
			ed_set_msg(u, false, "recovered unsaved edits: :w saves them");
	} else {
		u->recover_gen = u->m.generation;
	}
	ed_conflict_opened(u);
	if (held[0])
		ed_set_msg(u, true, "%s", held);
	if (u->loading)
		ed_set_msg(u, false, "reading the rest of the world...");
	if (live)
		ed_set_msg(u, true,
		           "another editor (process %ld) has this world open: saving "
		           "here may overwrite its work",
		           live);
	u->diags_gen = UINT64_MAX; /* validate once the first frame is up */
	ed_watch_reset(u);
	ed_draw(u);
	st->first_frame_ms = now_ms() - t0;
	if (!u->loading) { /* else when the whole world is read */
		ed_budget_from_check(u);
		if (big(u))
			ed_bg_compact();
	}
	ed_watch(u, false); /* the files as they were when opened */
	u->watch_next = now_ms() + WATCH_MS;
	loop(u);
	endwin();
	delscreen(scr);
	if (u->fatal[0]) {
		/* The rest of the world did not parse: nothing was edited, and a
		 * recovery file that was taken stays for a look. */
		seterr(err, errlen, "%s", u->fatal);
		ui_free(u);
		free(u);
		return -1;
	}
	/* Leaving on purpose (:q, :wq, :q!) settles the recovery question. */
	if (!u->lost && !u->keep_recovery) {
		recovery_cancel(u);
		unlink(u->recover);
	}
	fill_stats(u, st);
	/* A terminal that went away counts as a hangup. */
	st->signal = ed_signalled ? ed_signalled : u->lost ? SIGHUP : 0;
	ui_free(u);
	free(u);
	return 0;
}
