/* play.c — play mode: the world's scripts run in the sandbox, tick by tick.
 *
 * The run (stdlib/api.h) reads the edited world but never writes it: live
 * tiles and entities are the run's own copies, which the screen shows while
 * playing. So leaving play mode "restores" the edited world by simply
 * dropping the run. Edits are refused while playing, so the world the run
 * points into cannot change under it; the cursor moves freely, and may
 * follow an entity as it walks.
 *
 * A run is deterministic (the same world, scripts and events give the same
 * ticks), so stepping back is a replay: a fresh run is ticked to the tick
 * before. Nothing of the past has to be kept.
 *
 * Starting a run loads every scripted parcel (a minute on a million
 * parcels) and needs the world's problems (a background validation on a big
 * world, seconds): P starts both at once and the keys go on answering. The
 * run is made on a thread of its own (u->play_next) while edits wait, as
 * they do while a big world is read, and play begins once both are done
 * (ed_play_poll), or not, with the problems said, when there are some. The
 * thread only reads the world; nothing else runs scripts meanwhile.
 */
#include "editor/ui.h"
#include "check/check.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
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
	/* The world the run reads: the model's without holes (model.c), and
	 * for each slot of the model's parcel array the run's index of its
	 * parcel (-1 for a hole), or NULL when the two are the same. Edits
	 * wait while playing, so both hold for the whole play. */
	wf_world *world;
	int *run_of;
	/* While the run is made on its thread (see above). */
	pthread_t thread;
	bool threaded; /* else the run was made on the key loop */
	atomic_bool made;
	atomic_bool cancel; /* left before it was made (opts.cancel) */
	api_error err;
	char *dir;
	double t0;
	api_opts opts;
	api_events events;
	bool running;
	int speed;      /* index into speeds */
	double next_ms; /* when the next tick is due while running */
	char *trace[TRACE_KEEP];
	int ntrace, trace_head; /* ring: oldest at trace_head when full */
	/* Follow mode: the entity the cursor stays on, by parcel and name
	 * (its index may change as entities come and go). */
	bool follow;
	int follow_pi;
	char follow_name[128];
};

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* The run's index of the model's parcel pi. */
static int run_pi(const ed_play *p, int pi)
{
	return p->run_of && pi >= 0 ? p->run_of[pi] : pi;
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
	if (!u->budget_mem || u->nbudget_mem != u->nbudget) {
		free(u->budget_mem);
		u->budget_mem = calloc((size_t)u->nbudget + 1, sizeof *u->budget_mem);
		u->nbudget_mem = u->budget_mem ? u->nbudget : 0;
	}
	snprintf(u->budget_from, sizeof u->budget_from, "play, tick %lld",
	         (long long)api_run_ticks(p->run));
	u->budget_of[0] = '\0';
	for (int i = 0; i < u->nbudget; i++) {
		int ri = run_pi(p, i);
		const api_parcel_stats *s = ri >= 0 ? api_run_stats(p->run, ri) : NULL;
		vm_limits l = api_parcel_limits(w, &w->parcels[i], &p->opts);
		u->budget_use[i] =
		    s && l.tick_instructions > 0
		        ? (double)s->peak_instructions / (double)l.tick_instructions
		        : 0;
		if (i < u->nbudget_mem)
			u->budget_mem[i] = s && l.memory > 0
			                       ? (double)s->peak_memory / (double)l.memory
			                       : 0;
	}
}

/* Room for a share per parcel of the world, all 0; false when out of
 * memory (then there are none). */
static bool budget_alloc(ed_ui *u, int n)
{
	free(u->budget_use);
	free(u->budget_mem);
	u->budget_use = calloc((size_t)n + 1, sizeof *u->budget_use);
	u->budget_mem = calloc((size_t)n + 1, sizeof *u->budget_mem);
	if (!u->budget_use || !u->budget_mem) {
		free(u->budget_use);
		free(u->budget_mem);
		u->budget_use = u->budget_mem = NULL;
		n = 0;
	}
	u->nbudget = u->nbudget_mem = n;
	return n > 0;
}

void ed_budget_from_check(ed_ui *u)
{
	check_shares s;
	if (u->play || check_shares_read(u->dir, &s) != 0)
		return; /* none, or unreadable: the overlay says "no run yet" */
	const wf_world *w = u->m.w;
	if (budget_alloc(u, w->nparcels)) {
		for (int i = 0; i < s.n; i++) {
			const check_share *c = &s.v[i];
			int pi = wf_find_parcel(w, c->parcel);
			if (pi < 0)
				continue; /* renamed or deleted since */
			u->budget_use[pi] = c->instruction_limit > 0 ? (double)c->instructions /
			                                                   (double)c->instruction_limit
			                                             : 0;
			u->budget_mem[pi] = c->memory_limit > 0 ? (double)c->memory /
			                                              (double)c->memory_limit
			                                        : 0;
		}
		char when[32] = "?";
		time_t at = (time_t)s.at;
		struct tm tm;
		if (localtime_r(&at, &tm))
			strftime(when, sizeof when, "%Y-%m-%d %H:%M", &tm);
		snprintf(u->budget_from, sizeof u->budget_from, "check, %s", when);
		if (strcmp(s.revision, "-") == 0)
			snprintf(u->budget_of, sizeof u->budget_of, "the working tree");
		else
			snprintf(u->budget_of, sizeof u->budget_of, "%.12s", s.revision);
	}
	check_shares_free(&s);
}

static void trace_clear(ed_play *p)
{
	for (int i = 0; i < p->ntrace; i++)
		free(p->trace[i]);
	p->ntrace = p->trace_head = 0;
}

static void play_free(ed_ui *u, ed_play *p)
{
	if (p->run)
		api_run_free(p->run);
	ed_world_dense_free(&u->m, p->world);
	free(p->run_of);
	free(p->dir);
	api_events_free(&p->events);
	trace_clear(p);
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
	    api_events_check(&p->events, p->world) != 0) {
		ed_set_msg(u, true, "events file %s: %s; playing without events", ev,
		           p->events.nerrs ? p->events.errs[0].msg : "unreadable");
		api_events_free(&p->events);
		memset(&p->events, 0, sizeof p->events);
	}
}

/* The world the run reads, and where each of the model's parcels is in
 * it (see struct ed_play). */
static int run_world(ed_ui *u, ed_play *p)
{
	const wf_world *w = u->m.w;
	if (!(p->world = ed_world_dense(&u->m)))
		return -1;
	if (p->world == w)
		return 0;
	if (!(p->run_of = malloc((size_t)w->nparcels * sizeof *p->run_of)))
		return -1;
	for (int i = 0, k = 0; i < w->nparcels; i++)
		p->run_of[i] = w->parcels[i].name ? k++ : -1;
	return 0;
}

static void *make_run(void *arg)
{
	ed_play *p = arg;
	p->run = api_run_new(p->world, p->dir, &p->opts, &p->err);
	atomic_store(&p->made, true);
	return NULL;
}

int ed_play_start(ed_ui *u)
{
	ed_play *p = calloc(1, sizeof *p);
	if (!p || !(p->dir = strdup(u->dir)) || run_world(u, p)) {
		if (p)
			play_free(u, p);
		ed_set_msg(u, true, "out of memory");
		return -1;
	}
	p->speed = 3;
	p->opts.trace = on_trace;
	p->opts.trace_ud = p;
	p->t0 = now_ms();
	atomic_init(&p->made, false);
	atomic_init(&p->cancel, false);
	p->opts.cancel = &p->cancel;
	load_events(u, p);
	/* A small world's run is made at once, as its problems are found. */
	p->threaded = ed_big(u) && pthread_create(&p->thread, NULL, make_run, p) == 0;
	if (!p->threaded)
		make_run(p);
	u->play_next = p;
	/* A big world's problems are found in the background meanwhile. */
	ed_revalidate(u);
	ed_play_poll(u);
	if (u->play_next)
		ed_set_msg(u, false, "play: loading the scripts%s (moves work, edits wait; P cancels)",
		           u->validating ? " and checking the world" : "");
	return 0;
}

bool ed_play_loading(const ed_ui *u)
{
	return u->play_next != NULL;
}

/* Begin the play being loaded when its run is made and the world's
 * problems are known: refused (and dropped) when there are problems. */
void ed_play_poll(ed_ui *u)
{
	ed_play *p = u->play_next;
	if (!p || !atomic_load(&p->made))
		return;
	if (u->validating || !ed_diags_current(u)) {
		ed_revalidate(u);
		if (u->validating || !ed_diags_current(u))
			return;
	}
	if (p->threaded)
		pthread_join(p->thread, NULL); /* made: it returns at once */
	u->play_next = NULL;
	if (u->diags.errors) {
		ed_set_msg(u, true,
		           "the world has %d problem%s: fix %s first (! lists %s)",
		           u->diags.errors, u->diags.errors == 1 ? "" : "s",
		           u->diags.errors == 1 ? "it" : "them",
		           u->diags.errors == 1 ? "it" : "them");
		play_free(u, p);
		return;
	}
	if (!p->run) {
		ed_set_msg(u, true, "cannot play: %s%s%s", p->err.file,
		           p->err.file[0] ? ": " : "", p->err.msg);
		play_free(u, p);
		return;
	}
	u->play = p;
	u->m.mode = ED_PLAY;
	update_budget(u);
	ed_set_msg(
	    u, false,
	    "play: s step, S step back, r run/pause, f follow, + - speed, P leaves");
}

void ed_play_stop(ed_ui *u)
{
	if (u->play_next) {
		/* The run reads the world: it is told to stop, waited for (a
		 * parcel at most), then dropped. */
		atomic_store(&u->play_next->cancel, true);
		if (u->play_next->threaded)
			pthread_join(u->play_next->thread, NULL);
		play_free(u, u->play_next);
		u->play_next = NULL;
	}
	if (!u->play)
		return;
	update_budget(u);
	int64_t t = api_run_ticks(u->play->run);
	play_free(u, u->play);
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

/* Replay the run from its start to tick `target` (deterministic, so the
 * same tick as before). The trace is collected again on the way. */
static void replay(ed_ui *u, int64_t target)
{
	ed_play *p = u->play;
	api_error err = {0};
	trace_clear(p); /* on_load traces as the new run starts */
	api_run *r = api_run_new(p->world, u->dir, &p->opts, &err);
	if (!r) {
		ed_set_msg(u, true, "cannot replay: %s", err.msg);
		return;
	}
	api_run_free(p->run);
	p->run = r;
	for (int64_t t = 0; t < target; t++)
		if (api_run_tick(r, p->events.v, p->events.n) < 0) {
			ed_set_msg(u, true, "the replay stopped: out of memory");
			break;
		}
	update_budget(u);
}

void ed_play_reload(ed_ui *u)
{
	if (!u->play)
		return;
	int64_t t = api_run_ticks(u->play->run);
	replay(u, t);
	ed_set_msg(u, false,
	           "scripts changed: the run was replayed to tick %lld with them",
	           (long long)t);
}

/* Put the cursor on the followed entity, wherever it walked. */
static void follow(ed_ui *u)
{
	ed_play *p = u->play;
	if (!p || !p->follow)
		return;
	const api_entity *v;
	int n = api_run_entities(p->run, run_pi(p, p->follow_pi), &v);
	for (int i = 0; i < n; i++)
		if (strcmp(v[i].name, p->follow_name) == 0) {
			const wf_parcel *wp = &u->m.w->parcels[p->follow_pi];
			ed_goto(&u->m, wp->px * u->m.w->parcel_w + v[i].x,
			        wp->py * u->m.w->parcel_h + v[i].y);
			return;
		}
	p->follow = false;
	ed_set_msg(u, false, "follow: %s is gone", p->follow_name);
}

void ed_play_unfollow(ed_ui *u)
{
	if (u->play)
		u->play->follow = false;
}

/* The live entity under the cursor: its index, and its parcel in *pi. */
static int live_entity_here(ed_ui *u, int *pi)
{
	*pi = ed_parcel_here(&u->m);
	if (*pi < 0)
		return -1;
	const api_entity *v;
	int n = api_run_entities(u->play->run, run_pi(u->play, *pi), &v);
	const wf_parcel *wp = &u->m.w->parcels[*pi];
	for (int i = 0; i < n; i++)
		if (wp->px * u->m.w->parcel_w + v[i].x == u->m.cx &&
		    wp->py * u->m.w->parcel_h + v[i].y == u->m.cy)
			return i;
	return -1;
}

void ed_play_key(ed_ui *u, int key)
{
	ed_play *p = u->play;
	if (!p)
		return;
	if (key == 's') {
		p->running = false;
		step(u);
		follow(u);
	} else if (key == 'S') {
		p->running = false;
		int64_t t = api_run_ticks(p->run);
		if (t == 0) {
			ed_set_msg(u, true, "at tick 0: nothing to step back to");
			return;
		}
		replay(u, t - 1);
		follow(u);
	} else if (key == 'f') {
		if (p->follow) {
			p->follow = false;
			ed_set_msg(u, false, "follow: off");
			return;
		}
		int pi, ei = live_entity_here(u, &pi);
		if (ei < 0) {
			ed_set_msg(u, true, "follow: no entity under the cursor");
			return;
		}
		const api_entity *v;
		api_run_entities(p->run, run_pi(p, pi), &v);
		p->follow = true;
		p->follow_pi = pi;
		snprintf(p->follow_name, sizeof p->follow_name, "%s", v[ei].name);
		ed_set_msg(u, false, "follow: the cursor stays on %s (f or a move stops)",
		           p->follow_name);
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
	follow(u);
	if (p && p->next_ms < t)
		p->next_ms = t;
}

const uint8_t *ed_play_tiles(ed_ui *u, int pi)
{
	return u->play ? api_run_tiles(u->play->run, run_pi(u->play, pi))
	               : u->m.w->parcels[pi].tiles;
}

int ed_play_entities(ed_ui *u, int pi, const api_entity **out)
{
	*out = NULL;
	return u->play ? api_run_entities(u->play->run, run_pi(u->play, pi), out) : 0;
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
	if (y < end && p->follow)
		put(y++, x, w, " following %s", p->follow_name);
	int pi = ed_parcel_here(&u->m);
	if (pi < 0)
		return;
	const wf_parcel *wp = &u->m.w->parcels[pi];
	const api_parcel_stats *s = api_run_stats(p->run, run_pi(p, pi));
	vm_limits l = api_parcel_limits(u->m.w, wp, &p->opts);
	if (y < end)
		put(y++, x, w, "%s", wp->name);
	if (s && y < end)
		put(y++, x, w, " instr %lld of %lld (%.0f%%)",
		    (long long)s->peak_instructions, (long long)l.tick_instructions,
		    l.tick_instructions ? 100.0 * (double)s->peak_instructions /
		                              (double)l.tick_instructions
		                        : 0.0);
	if (s && y < end)
		put(y++, x, w, " memory %zu of %zu KiB (%.0f%%)", s->peak_memory / 1024,
		    l.memory / 1024,
		    l.memory ? 100.0 * (double)s->peak_memory / (double)l.memory : 0.0);
	if (s && y < end)
		put(y++, x, w, " calls %lld  failures %lld", (long long)s->calls,
		    (long long)s->failures);
	int64_t bal;
	if (y < end && api_run_balance(p->run, wp->name, &bal))
		put(y++, x, w, " balance %lld", (long long)bal);
	/* Its live entities, with the properties of the one under the cursor. */
	const api_entity *ev;
	int ne = api_run_entities(p->run, run_pi(p, pi), &ev), hpi,
	    here = live_entity_here(u, &hpi);
	for (int i = 0; i < ne && y < end - 1; i++) {
		put(y++, x, w, " %s %s at %d,%d", i == here ? ">" : " ", ev[i].name,
		    ev[i].x, ev[i].y);
		for (int k = 0; i == here && k < ev[i].nprops && y < end - 1; k++) {
			const api_value *v = &ev[i].props[k].value;
			char val[64];
			switch (v->type) {
			case API_NIL:
				snprintf(val, sizeof val, "nil");
				break;
			case API_BOOL:
				snprintf(val, sizeof val, v->u.b ? "true" : "false");
				break;
			case API_INT:
				snprintf(val, sizeof val, "%lld", (long long)v->u.i);
				break;
			case API_NUM:
				snprintf(val, sizeof val, "%g", v->u.n);
				break;
			case API_STR:
				snprintf(val, sizeof val, "\"%.40s\"", v->u.s);
				break;
			}
			put(y++, x, w, "     %s=%s", ev[i].props[k].key, val);
		}
	}
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
