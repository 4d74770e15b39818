/* play.c — play mode: the world's scripts run in the sandbox, tick by tick.
 *
 * The run (stdlib/api.h) reads the edited world but never writes it: live
 * tiles and entities are the run's own copies, which the screen shows while
 * playing. So leaving play mode "restores" the edited world by simply
 * dropping the run. Edits are refused while playing, so the world the run
 * points into cannot change under it.
 */
#include "editor/ui.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <curses.h>

#define TRACE_KEEP 256 /* trace lines kept for the panel */

static const int speeds[] = {1, 2, 5, 10, 20, 50, 100};
#define NSPEEDS ((int)(sizeof speeds / sizeof *speeds))

struct ed_play {
	api_run *run;
	api_opts opts;
	api_events events;
	bool running;
	int speed;      /* index into speeds */
	double next_ms; /* when the next tick is due while running */
	char *trace[TRACE_KEEP];
	int ntrace, trace_head; /* ring: oldest at trace_head when full */
};

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void on_trace(void *ud, const char *line, size_t len)
{
	ed_play *p = ud;
	char *s = strndup(line, len);
	if (!s)
		return;
	if (p->ntrace < TRACE_KEEP) {
		p->trace[p->ntrace++] = s;
		return;
	}
	free(p->trace[p->trace_head]);
	p->trace[p->trace_head] = s;
	p->trace_head = (p->trace_head + 1) % TRACE_KEEP;
}

/* Each parcel's share of its per-tick instruction budget at its peak, for
 * the budget overlay (kept after leaving play mode). */
static void update_budget(ed_ui *u)
{
	ed_play *p = u->play;
	wf_world *w = u->m.w;
	if (u->nbudget != w->nparcels) {
		free(u->budget_use);
		u->budget_use = calloc((size_t)w->nparcels, sizeof *u->budget_use);
		u->nbudget = u->budget_use ? w->nparcels : 0;
	}
	for (int i = 0; i < u->nbudget; i++) {
		const api_parcel_stats *s = api_run_stats(p->run, i);
		vm_limits l = api_parcel_limits(w, &w->parcels[i], &p->opts);
		u->budget_use[i] =
		    s && l.tick_instructions > 0
		        ? (double)s->peak_instructions / (double)l.tick_instructions
		        : 0;
	}
}

static void play_free(ed_play *p)
{
	if (p->run)
		api_run_free(p->run);
	api_events_free(&p->events);
	for (int i = 0; i < p->ntrace; i++)
		free(p->trace[i]);
	free(p);
}

/* Load the world's events file, if it names one; a bad one is reported and
 * play goes on without events. */
static void load_events(ed_ui *u, ed_play *p)
{
	const char *ev = u->m.w->events;
	if (!ev)
		return;
	if (api_events_load(u->dir, ev, ev, &p->events) != 0 ||
	    api_events_check(&p->events, u->m.w) != 0) {
		ed_set_msg(u, true, "events file %s: %s; playing without events", ev,
		           p->events.nerrs ? p->events.errs[0].msg : "unreadable");
		api_events_free(&p->events);
		memset(&p->events, 0, sizeof p->events);
	}
}

int ed_play_start(ed_ui *u)
{
	ed_revalidate(u);
	if (u->diags.errors) {
		ed_set_msg(u, true,
		           "the world has %d problem%s: fix %s first (! lists %s)",
		           u->diags.errors, u->diags.errors == 1 ? "" : "s",
		           u->diags.errors == 1 ? "it" : "them",
		           u->diags.errors == 1 ? "it" : "them");
		return -1;
	}
	ed_play *p = calloc(1, sizeof *p);
	if (!p) {
		ed_set_msg(u, true, "out of memory");
		return -1;
	}
	p->speed = 3;
	p->opts.trace = on_trace;
	p->opts.trace_ud = p;
	load_events(u, p);
	api_error err = {0};
	p->run = api_run_new(u->m.w, u->dir, &p->opts, &err);
	if (!p->run) {
		ed_set_msg(u, true, "cannot play: %s%s%s", err.file,
		           err.file[0] ? ": " : "", err.msg);
		play_free(p);
		return -1;
	}
	u->play = p;
	u->m.mode = ED_PLAY;
	update_budget(u);
	ed_set_msg(u, false, "play: s step, r run/pause, + - speed, P leaves");
	return 0;
}

void ed_play_stop(ed_ui *u)
{
	if (!u->play)
		return;
	update_budget(u);
	int64_t t = api_run_ticks(u->play->run);
	play_free(u->play);
	u->play = NULL;
	u->m.mode = ED_NORMAL;
	ed_set_msg(u, false, "left play after %lld tick%s; the edited world is back",
	           (long long)t, t == 1 ? "" : "s");
}

static void step(ed_ui *u)
{
	ed_play *p = u->play;
	if (api_run_tick(p->run, p->events.v, p->events.n) < 0) {
		p->running = false;
		ed_set_msg(u, true, "the run stopped: out of memory");
	}
	update_budget(u);
}

void ed_play_key(ed_ui *u, int key)
{
	ed_play *p = u->play;
	if (!p)
		return;
	if (key == 's') {
		p->running = false;
		step(u);
	} else if (key == 'r' || key == ' ') {
		p->running = !p->running;
		p->next_ms = now_ms();
	} else if (key == '+' && p->speed < NSPEEDS - 1) {
		p->speed++;
	} else if (key == '-' && p->speed > 0) {
		p->speed--;
	}
}

bool ed_play_running(const ed_ui *u)
{
	return u->play && u->play->running;
}

void ed_play_idle(ed_ui *u)
{
	ed_play *p = u->play;
	double t = now_ms();
	/* Catch up at most a few ticks, for at most 50 ms, per frame, so keys
	 * stay responsive on a big world. */
	for (int n = 0; p && p->running && p->next_ms <= t && n < 10 && now_ms() - t < 50;
	     n++) {
		step(u);
		p->next_ms += 1000.0 / speeds[p->speed];
	}
	if (p && p->next_ms < t)
		p->next_ms = t;
}

const uint8_t *ed_play_tiles(ed_ui *u, int pi)
{
	return u->play ? api_run_tiles(u->play->run, pi) : u->m.w->parcels[pi].tiles;
}

int ed_play_entities(ed_ui *u, int pi, const api_entity **out)
{
	*out = NULL;
	return u->play ? api_run_entities(u->play->run, pi, out) : 0;
}

/* One line of the panel, cut at its width (curses would wrap it). */
static void put(int y, int x, int w, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void put(int y, int x, int w, const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	mvaddnstr(y, x, buf, w);
}

/* The panel: tick and speed, the parcel's figures, its latest trace lines. */
void ed_play_panel(ed_ui *u, int y, int x, int h, int w)
{
	ed_play *p = u->play;
	if (!p)
		return;
	int end = y + h;
	for (int r = y; r < end; r++) {
		move(r, x);
		clrtoeol();
	}
	const api_failure *f;
	int64_t total = 0;
	api_run_failures(p->run, &f, &total);
	attr_set(A_BOLD | A_UNDERLINE, 0, NULL);
	mvaddnstr(y++, x, "Play", w);
	attr_set(0, 0, NULL);
	if (y < end)
		put(y++, x, w, " tick %lld  %s  %d/s", (long long)api_run_ticks(p->run),
		    p->running ? "running" : "paused", speeds[p->speed]);
	if (y < end)
		put(y++, x, w, " failures %lld", (long long)total);
	int pi = ed_parcel_here(&u->m);
	if (pi < 0)
		return;
	const wf_parcel *wp = &u->m.w->parcels[pi];
	const api_parcel_stats *s = api_run_stats(p->run, pi);
	vm_limits l = api_parcel_limits(u->m.w, wp, &p->opts);
	if (s && y < end)
		put(y++, x, w, " instr %lld of %lld", (long long)s->peak_instructions,
		    (long long)l.tick_instructions);
	if (s && y < end)
		put(y++, x, w, " memory %zu KiB  calls %lld", s->peak_memory / 1024,
		    (long long)s->calls);
	/* The newest trace lines of this parcel ("TICK PARCEL what…"), newest
	 * last, as many as fit. */
	size_t nl = strlen(wp->name);
	int want = end - y, shown = 0;
	const char *pick[64];
	for (int k = p->ntrace - 1; k >= 0 && shown < want && shown < 64; k--) {
		const char *t =
		    p->trace[(p->trace_head + k) % (p->ntrace ? p->ntrace : 1)];
		const char *sp = strchr(t, ' ');
		if (sp && strncmp(sp + 1, wp->name, nl) == 0 && sp[1 + nl] == ' ')
			pick[shown++] = t;
	}
	for (int k = shown - 1; k >= 0 && y < end; k--)
		mvaddnstr(y++, x, pick[k], w);
}
