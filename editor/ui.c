/* ui.c — the terminal editor's life: open (and recover), the key loop,
 * saving, live validation, the recovery file and the --stats figures.
 *
 * The loop waits for a key; when none comes for IDLE_MS it does the work
 * that may be slow on a big world — validation and writing the recovery
 * file — so that typing and scrolling never wait on them.
 */
#include "editor/ui.h"

#include <curses.h>
#include <errno.h>
#include <locale.h>
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
#define RECOVER_SUFFIX ".world.acre.acre-recover"

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

char *ed_recover_path(const char *dir)
{
	size_t n = strlen(dir) + sizeof RECOVER_SUFFIX + 1;
	char *p = malloc(n);
	if (p)
		snprintf(p, n, "%s/%s", dir, RECOVER_SUFFIX);
	return p;
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

int ed_save(ed_ui *u, bool force)
{
	if (!force && file_changed(u)) {
		ed_set_msg(u, true,
		           "world.acre changed on disk since it was read: "
		           ":w! overwrites it, :q! leaves it");
		return -1;
	}
	if (wf_save(u->m.w, u->dir) != 0) {
		ed_set_msg(u, true, "cannot save %s/world.acre: %s", u->dir,
		           strerror(errno));
		return -1;
	}
	ed_mark_saved(&u->m);
	remember_file(u);
	unlink(u->recover);
	u->recover_gen = u->m.generation;
	ed_revalidate(u);
	if (u->diags.errors)
		ed_set_msg(u, false, "wrote world.acre (%d problem%s: ! lists them)",
		           u->diags.errors, u->diags.errors == 1 ? "" : "s");
	else
		ed_set_msg(u, false, "wrote world.acre");
	return 0;
}

/* The recovery file holds the edited world whenever it differs from the
 * saved one; it is written atomically, so a kill at any moment leaves a
 * whole file (the previous or the new one). */
void ed_write_recovery(ed_ui *u)
{
	if (u->recover_gen == u->m.generation)
		return;
	u->recover_gen = u->m.generation;
	if (!ed_dirty(&u->m)) {
		unlink(u->recover);
		return;
	}
	wf_buf b = {0};
	if (wf_write(u->m.w, &b) == 0 && wf_save_atomic(u->recover, b.data, b.len) != 0)
		ed_set_msg(u, true, "cannot write the recovery file %s: %s", u->recover,
		           strerror(errno));
	wf_buf_free(&b);
}

void ed_revalidate(ed_ui *u)
{
	if (u->diags_gen == u->m.generation && u->diags.v)
		return;
	wf_diags_free(&u->diags);
	memset(&u->diags, 0, sizeof u->diags);
	wf_validate(u->m.w, u->dir, "world.acre", &u->diags);
	u->diags_gen = u->m.generation;
	if (u->diag_cur >= u->diags.n)
		u->diag_cur = 0;
}

static wf_world *load_world(ed_ui *u, const char *file, char *err, size_t errlen)
{
	wf_diags d = {0};
	char *path = NULL;
	if (!file && asprintf(&path, "%s/world.acre", u->dir) < 0)
		path = NULL;
	if (!file && !path) {
		seterr(err, errlen, "out of memory");
		return NULL;
	}
	wf_world *w = ed_load(file ? file : path, file ? file : path, &u->keep, &d);
	free(path);
	if (d.errors > 0 || !w) {
		/* A world that does not parse is not opened: saving the part that
		 * was read would lose the rest. */
		const wf_diag *e = NULL;
		for (int i = 0; i < d.n && !e; i++)
			if (d.v[i].severity == WF_ERROR)
				e = &d.v[i];
		if (e)
			seterr(
			    err, errlen,
			    "%s:%u:%u: %s (%d error%s in all; 'acre check' lists them)",
			    e->file, e->line, e->col, e->msg, d.errors,
			    d.errors == 1 ? "" : "s");
		else
			seterr(err, errlen, "cannot read the world in %s", u->dir);
		wf_diags_free(&d);
		wf_world_free(w);
		return NULL;
	}
	wf_diags_free(&d);
	return w;
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

/* Ask what to do with a recovery file left by an earlier session:
 * 'r' recover, 'd' discard, 'q' quit. */
static int ask_recover(ed_ui *u, const char *path)
{
	struct stat st;
	char when[64] = "?";
	if (stat(path, &st) == 0)
		strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S", localtime(&st.st_mtime));
	(void)u;
	for (;;) {
		erase();
		mvprintw(1, 2, "A recovery file from an unsaved session exists:");
		mvprintw(2, 4, "%s (written %s)", path, when);
		mvprintw(4, 2, "r  recover it (the editor opens it; :w saves it)");
		mvprintw(5, 2, "d  discard it and open the saved world");
		mvprintw(6, 2, "q  quit and leave it alone");
		refresh();
		wint_t wc;
		int r = get_wch(&wc);
		if (r == OK && (wc == 'r' || wc == 'd' || wc == 'q'))
			return (int)wc;
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
	if (ed_play_running(u)) {
		ed_play_idle(u);
		return;
	}
	ed_revalidate(u);
	ed_write_recovery(u);
}

static void loop(ed_ui *u)
{
	while (!u->quit) {
		bool pending = u->diags_gen != u->m.generation ||
		               u->recover_gen != u->m.generation || ed_play_running(u);
		int wait = ed_play_running(u) ? 50 : pending ? IDLE_MS : -1;
		timeout(wait);
		wint_t wc;
		int r = get_wch(&wc);
		if (ed_signalled || (r == ERR && wait < 0)) {
			/* Killed, or a blocking read failed (the terminal is gone):
			 * keep the edits in the recovery file and leave. */
			ed_write_recovery(u);
			u->lost = true;
			return;
		}
		if (r == ERR) {
			idle(u);
			ed_draw(u);
			continue;
		}
		double t0 = now_ms();
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
	ed_play_stop(u);
	ed_model_free(&u->m);
	wf_world_free(u->keep);
	wf_diags_free(&u->diags);
	for (int i = 0; i < u->nhist; i++)
		free(u->hist[i]);
	free(u->hist);
	free(u->budget_use);
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
	u->recover = ed_recover_path(o->dir);
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
	bool ask = access(u->recover, F_OK) == 0, recovering = ask && o->recover;
	wf_world *w = NULL;
	if (!ask || recovering) {
		w = load_world(u, recovering ? u->recover : NULL, err, errlen);
		if (!w) {
			ui_free(u);
			free(u);
			return -1;
		}
	}
	SCREEN *scr = term_start(u, err, errlen);
	if (!scr) {
		wf_world_free(w);
		ui_free(u);
		free(u);
		return -1;
	}
	if (!w) {
		int a = ask_recover(u, u->recover);
		if (a == 'q') {
			endwin();
			delscreen(scr);
			ui_free(u);
			free(u);
			return 0;
		}
		if (a == 'd')
			unlink(u->recover);
		recovering = a == 'r';
		w = load_world(u, recovering ? u->recover : NULL, err, errlen);
		if (!w) {
			endwin();
			delscreen(scr);
			ui_free(u);
			free(u);
			return -1;
		}
	}
	st->load_ms = now_ms() - t0;
	remember_file(u);
	ed_model_init(&u->m, w);
	u->cellw = wide_glyphs(w);
	if (recovering) {
		u->m.saved_pos = -1; /* the recovered edits are not saved yet */
		u->recover_gen = u->m.generation;
		ed_set_msg(u, false, "recovered unsaved edits: :w saves them");
	} else {
		u->recover_gen = u->m.generation;
	}
	u->diags_gen = UINT64_MAX; /* validate once the first frame is up */
	ed_draw(u);
	st->first_frame_ms = now_ms() - t0;
	loop(u);
	endwin();
	delscreen(scr);
	/* Leaving on purpose (:q, :wq, :q!) settles the recovery question. */
	if (!u->lost)
		unlink(u->recover);
	fill_stats(u, st);
	/* A terminal that went away counts as a hangup. */
	st->signal = ed_signalled ? ed_signalled : u->lost ? SIGHUP : 0;
	ui_free(u);
	free(u);
	return 0;
}
