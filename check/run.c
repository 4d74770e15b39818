/* run.c — the scripts phase of `acre check`: load every selected
 * parcel's scripts (compile errors and bytecode limits surface here), run
 * the world headless for --ticks ticks with its events file, then do it
 * again in a second, separate runner and compare. Each handler failure
 * becomes a finding with the parcel, script file:line, limit and usage.
 *
 * Determinism is judged per parcel: after each run every parcel gets a
 * digest of what the host can see of it (tiles, entities with their
 * properties, handler calls, failures, peak instructions and memory,
 * messages sent). Instruction counts move with any change of path through a
 * script, so a script that reads anything outside the world, its seed and
 * its events shows up as a differing digest, which names the parcel.
 *
 * With --base, only changed parcels, their neighbours on the grid and
 * parcels without a result recorded at the base run; the other scripted
 * parcels' results come from the registry (acre-check(1), INCREMENTAL
 * CHECKS). */
#include "check/check-int.h"
#include "stdlib/api.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct run_out {
	uint64_t hash;
	uint64_t *digest; /* per world parcel; 0 for parcels that did not run */
} run_out;

/* The rule id of a sandbox failure (acre-check(1), RULES): a limit is
 * named as the sandbox names it; a script that does not load is "script". */
static const char *rule_of(vm_status s)
{
	switch (s) {
	case VM_ERR_SYNTAX:
	case VM_ERR_BYTECODE:
	case VM_ERR_NOT_FOUND:
		return "script";
	case VM_OK:
	case VM_ERR_RUNTIME:
		return "runtime";
	default:
		return vm_status_name(s);
	}
}

static bool is_limit(vm_status s)
{
	return s == VM_ERR_INSTRUCTIONS || s == VM_ERR_MEMORY || s == VM_ERR_DEPTH ||
	       s == VM_ERR_OUTPUT || s == VM_ERR_MESSAGES;
}

/* ---- Which parcels have scripts --------------------------------------------*/

static void mark_scripted(check_ctx *c, bool *scripted)
{
	for (int i = 0; i < c->w->nparcels; i++) {
		scripted[i] = wf_parcel_scripted(c->w, &c->w->parcels[i]);
		if (scripted[i]) {
			c->rep.parcels[c->rp[i]].scripted = true;
			c->rep.parcels[c->rp[i]].source = CHECK_SKIPPED;
		}
	}
}

/* ---- Events -------------------------------------------------------------------*/

/* The errors recorded in ev as findings. */
static int add_event_errors(check_ctx *c, const api_events *ev)
{
	for (int i = 0; i < ev->nerrs; i++) {
		const api_error *e = &ev->errs[i];
		/* The file is named as it was opened: already inside the world. */
		int rc = check_report_add(&c->rep, CHECK_ERROR, "events",
		                          e->file[0] ? e->file : NULL, e->line, e->col,
		                          -1, "%s", e->msg);
		if (rc != 0)
			return check_fail(c, "out of memory");
	}
	return 0;
}

/* Read the world's events file, if it names one. Errors in it are findings:
 * the run does not start with a bad events file. */
static int load_events(check_ctx *c, api_events *ev)
{
	if (!c->w->events)
		return 0;
	char *path = check_path(c, c->w->events);
	if (!path)
		return check_fail(c, "out of memory");
	int n = api_events_load(c->dir, c->w->events, path, ev);
	free(path);
	if (n < 0 && ev->nerrs == 0)
		return check_fail(c, "out of memory");
	if (n == 0)
		api_events_check(ev, c->w);
	if (add_event_errors(c, ev) != 0)
		return -1;
	c->rep.dropped += ev->errors - ev->nerrs;
	return 0;
}

/* ---- One run ---------------------------------------------------------------------*/

static void progress(const check_ctx *c, int64_t t, double *last)
{
	double n = check_now();
	if (!c->progress || n - *last < 0.2)
		return;
	*last = n;
	fprintf(stderr, "\racre check: running tick %lld of %lld (twice) ", (long long)t,
	        (long long)c->ticks);
}

/* A failure's message without the "file:line: " Lua puts in front. */
static const char *bare_message(const vm_error *e)
{
	size_t n = strlen(e->file);
	const char *m = e->msg;
	if (n && strncmp(m, e->file, n) == 0 && m[n] == ':') {
		const char *p = m + n + 1;
		while (*p >= '0' && *p <= '9')
			p++;
		if (*p == ':' && p[1] == ' ')
			return p + 2;
	}
	return m;
}

/* Do two failures repeat one another (one finding for both)? */
static bool same_failure(const api_failure *a, const api_failure *b)
{
	return a->parcel == b->parcel && a->err.status == b->err.status &&
	       a->err.line == b->err.line && strcmp(a->handler, b->handler) == 0 &&
	       strcmp(a->err.file, b->err.file) == 0;
}

/* One finding for failure f, which happened `times` times, the last at
 * tick `last`. */
static int add_failure(check_ctx *c, const api_failure *f, int times, int64_t last)
{
	const vm_error *e = &f->err;
	int rp = c->rp[f->parcel];
	char *file = e->file[0] ? check_path(c, e->file) : NULL;
	char *msg = NULL, again[96] = "";
	int rc = -1;
	if (times > 1)
		snprintf(again, sizeof again, "; %d times, the last at tick %lld", times,
		         (long long)last);
	if (f->tick > 0)
		rc = asprintf(&msg, "%s at tick %lld: %s%s", f->handler, (long long)f->tick,
		              bare_message(e), again);
	else
		rc = asprintf(&msg, "%s: %s%s", f->handler, bare_message(e), again);
	if (rc >= 0 && is_limit(e->status))
		rc = check_report_add_limit(&c->rep, CHECK_ERROR, rule_of(e->status),
		                            file, (uint32_t)e->line, rp, e->used, e->limit,
		                            msg);
	else if (rc >= 0) {
		/* Lua gives no column: find the token on the script's line. */
		uint32_t line = (uint32_t)(e->line > 0 ? e->line : 0), col = 0, end = 0;
		wf_source src = {0};
		if (!wf_source_token(&src, file, &line, bare_message(e), &col, &end))
			col = end = 0;
		wf_source_free(&src);
		rc = check_report_add(&c->rep, CHECK_ERROR, rule_of(e->status), file,
		                      line, col, rp, "%s", msg);
		if (rc == 0)
			rc = check_report_detail(&c->rep, end, NULL, NULL);
	}
	free(file);
	free(msg);
	return rc == 0 ? 0 : check_fail(c, "out of memory");
}

/* Failures and figures of the first run go into the report. A parcel whose
 * failures were past the runner's cap still fails, with one line for them.
 * Parcels left out of the run (`sel`) ran nothing: the runner is not even
 * asked about them, as it would set them up to answer. */
static int collect(check_ctx *c, api_run *r, const uint8_t *sel)
{
	const api_failure *f;
	int64_t total;
	int n = api_run_failures(r, &f, &total);
	int *listed = calloc((size_t)c->w->nparcels + 1, sizeof *listed);
	/* The first failure of each kind, how often it happened, and when last.
	 * Repeats are sought among the firsts so far: at most API_MAX_FAILURES
	 * squared comparisons, and usually few firsts. */
	int *firsts = calloc((size_t)n + 1, sizeof *firsts), nfirsts = 0;
	int *times = calloc((size_t)n + 1, sizeof *times);
	int64_t *last = calloc((size_t)n + 1, sizeof *last);
	int rc = listed && firsts && times && last ? 0 : check_fail(c, "out of memory");
	for (int i = 0; rc == 0 && i < n; i++) {
		int k = 0;
		while (k < nfirsts && !same_failure(&f[firsts[k]], &f[i]))
			k++;
		if (k == nfirsts)
			firsts[nfirsts++] = i;
		times[firsts[k]]++;
		last[firsts[k]] = f[i].tick;
		listed[f[i].parcel]++;
	}
	for (int k = 0; rc == 0 && k < nfirsts; k++)
		rc = add_failure(c, &f[firsts[k]], times[firsts[k]], last[firsts[k]]);
	free(firsts);
	free(times);
	free(last);
	for (int i = 0; i < c->w->nparcels && rc == 0; i++) {
		if (sel && !sel[i])
			continue;
		const api_parcel_stats *s = api_run_stats(r, i);
		check_parcel *p = &c->rep.parcels[c->rp[i]];
		if (!s->scripted)
			continue;
		p->scripted = true;
		p->source = CHECK_RAN;
		p->peak_instructions = s->peak_instructions;
		p->peak_memory = (int64_t)s->peak_memory;
		if (s->failures > listed[i])
			rc = check_report_add(&c->rep, CHECK_ERROR, "runtime", NULL, 0, 0,
			                      c->rp[i], "%lld more handler failures, not listed",
			                      (long long)(s->failures - listed[i]));
	}
	free(listed);
	return rc == 0 ? 0 : check_fail(c, "out of memory");
}

/* One of the two runs. The second runs on its own thread while the first
 * runs on the caller's; both only read the world. Each keeps its own error
 * text, as check_fail's buffer is not for two threads. */
typedef struct run_job {
	check_ctx *c;
	const api_events *ev;
	const uint8_t *select;
	int which;            /* 1 or 2 */
	run_out out;
	api_run *r;           /* kept after run 1 for collect(); NULL otherwise */
	int rc;
	char err[sizeof(api_error)];
	api_error bad; /* a located refusal of the world (line > 0) */
} run_job;

static void *run_job_main(void *arg)
{
	run_job *j = arg;
	const check_ctx *c = j->c;
	/* The second run spreads parcels over two worker threads: the state
	 * must not depend on how many there are. */
	api_opts o = {.threads = j->which == 1 ? 1 : 2, .select = j->select};
	api_error err;
	api_run *r = api_run_new(c->w, c->dir, &o, &err);
	j->rc = -1;
	if (!r) {
		if (err.line > 0)
			j->bad = err;
		snprintf(j->err, sizeof j->err, "%s%s%s", err.file, err.file[0] ? ": " : "",
		         err.msg);
		return NULL;
	}
	double last = check_now();
	for (int64_t t = 1; t <= c->ticks; t++) {
		if (api_run_tick(r, j->ev->v, j->ev->n) < 0) {
			snprintf(j->err, sizeof j->err, "the run stopped at tick %lld: out of "
			                                "memory or no thread could start",
			         (long long)t);
			api_run_free(r);
			return NULL;
		}
		if (j->which == 1)
			progress(c, t, &last);
	}
	j->out.hash = api_run_hash(r);
	j->rc = 0;
	for (int i = 0; j->rc == 0 && i < c->w->nparcels; i++)
		if ((!j->select || j->select[i]) &&
		    (j->out.digest[i] = api_run_parcel_digest(r, i)) == 0) {
			snprintf(j->err, sizeof j->err, "out of memory");
			j->rc = -1;
		}
	if (j->which == 1 && j->rc == 0)
		j->r = r;
	else
		api_run_free(r);
	return NULL;
}

/* The runner refused the world at a place in it (a parcel's funds out of
 * range): the world is invalid, not the check impossible. */
static int add_refusal(check_ctx *c, const api_error *e)
{
	int parcel = -1;
	for (int i = 0; i < c->w->nparcels; i++)
		if (c->w->parcels[i].line == e->line)
			parcel = c->rp[i];
	char *file = e->file[0] ? check_path(c, e->file) : NULL;
	int rc = check_report_add(&c->rep, CHECK_ERROR, "rules", file, e->line, e->col,
	                          parcel, "%s", e->msg);
	free(file);
	return rc == 0 ? 0 : check_fail(c, "out of memory");
}

/* Both runs at once (two cores are common; on one, the threads take
 * turns), then the first one's failures and figures into the report.
 * Returns 0, 1 when the runner refused the world (now a finding), or -1. */
static int run_both(check_ctx *c, run_job *a, run_job *b)
{
	pthread_t t;
	bool threaded = pthread_create(&t, NULL, run_job_main, b) == 0;
	run_job_main(a);
	if (threaded)
		pthread_join(t, NULL);
	else
		run_job_main(b);
	int rc = 0;
	if (a->rc != 0 && a->bad.line > 0) {
		if (a->r)
			api_run_free(a->r);
		a->r = NULL;
		return add_refusal(c, &a->bad) == 0 ? 1 : -1;
	}
	if (a->rc != 0 || b->rc != 0)
		rc = check_fail(c, "%s", a->rc != 0 ? a->err : b->err);
	if (rc == 0)
		rc = collect(c, a->r, a->select);
	if (a->r)
		api_run_free(a->r);
	return rc;
}

/* ---- Determinism ---------------------------------------------------------------*/

static int compare_runs(check_ctx *c, const run_out *a, const run_out *b)
{
	int named = 0;
	for (int i = 0; i < c->w->nparcels; i++) {
		if (a->digest[i] == b->digest[i])
			continue;
		named++;
		const wf_parcel *p = &c->w->parcels[i];
		if (check_report_add(&c->rep, CHECK_ERROR, "determinism", c->file, p->line,
		                     1, c->rp[i],
		                     "parcel '%s' ended the second run differently from "
		                     "the first: its scripts depend on something other "
		                     "than the world, its seed and its events",
		                     p->name) != 0)
			return check_fail(c, "out of memory");
	}
	if (!named && a->hash != b->hash &&
	    check_report_add(&c->rep, CHECK_ERROR, "determinism", NULL, 0, 0, -1,
	                     "the two runs ended in different states (%016llx, "
	                     "%016llx), though every parcel's tiles, entities and "
	                     "figures agree",
	                     (unsigned long long)a->hash,
	                     (unsigned long long)b->hash) != 0)
		return check_fail(c, "out of memory");
	return 0;
}

/* ---- Incremental selection -------------------------------------------------------*/

static const store_parcel_result *find_result(const store_parcel_result *v, int n,
                                              const char *name)
{
	store_parcel_result key = {.parcel = (char *)name};
	return bsearch(&key, v, (size_t)n, sizeof *v, check_cmp_result);
}

/* Mark the parcels next to parcel i on the unit grid (sharing an edge). */
static void mark_neighbours(const wf_world *w, int i, uint8_t *sel)
{
	const wf_parcel *p = &w->parcels[i];
	for (int32_t y = p->py - 1; y <= p->py + p->ph; y++) {
		for (int32_t x = p->px - 1; x <= p->px + p->pw; x++) {
			bool inside = x >= p->px && x < p->px + p->pw && y >= p->py &&
			              y < p->py + p->ph;
			bool corner = (x < p->px || x >= p->px + p->pw) &&
			              (y < p->py || y >= p->py + p->ph);
			if (inside || corner || x < 0 || y < 0 || x >= w->width ||
			    y >= w->height)
				continue;
			int32_t q = w->grid[(size_t)y * (size_t)w->width + (size_t)x];
			if (q >= 0)
				sel[q] = 1;
		}
	}
}

/* A cached result stands in for a run of parcel i. */
static int use_cached(check_ctx *c, int i, const store_parcel_result *res)
{
	check_parcel *p = &c->rep.parcels[c->rp[i]];
	p->source = CHECK_CACHED;
	p->peak_instructions = res->instructions;
	p->peak_memory = res->memory;
	if (strcmp(res->status, "ok") == 0)
		return 0;
	/* The rule must be the table's own string: res is freed soon. */
	int k = check_rule_index(res->status);
	const char *rule = k >= 0 ? check_rules[k].id : "runtime";
	if (check_report_add(&c->rep, CHECK_ERROR, rule, c->file, c->w->parcels[i].line,
	                     1, c->rp[i],
	                     "parcel '%s' is unchanged since %.12s and failed there "
	                     "(%s, %d error%s; registry run %lld)",
	                     c->w->parcels[i].name, c->base_hex, res->status,
	                     res->nerrors, res->nerrors == 1 ? "" : "s",
	                     (long long)res->run_id) != 0)
		return check_fail(c, "out of memory");
	return 0;
}

/* With a base and its results in the registry: which parcels must run.
 * *sel stays NULL when every parcel runs. */
static int select_parcels(check_ctx *c, const bool *scripted, uint8_t **sel)
{
	*sel = NULL;
	if (!c->changed || !c->base_hex[0] || !c->reg || !c->w->name)
		return 0;
	/* The loader read the results while the world was parsed (base.c). */
	check_end(c);
	if (!c->have_results)
		return check_fail(c, "%s",
		                  c->results_rc ? c->results_err.msg : "out of memory");
	const store_parcel_result *res = c->results;
	int n = c->nresults;
	if (n == 0)
		return check_report_add(&c->rep, CHECK_NOTE, "registry", NULL, 0, 0, -1,
		                        "no results for %.12s in the registry: every "
		                        "parcel ran",
		                        c->base_hex) == 0
		               ? 0
		               : check_fail(c, "out of memory");
	uint8_t *s = calloc((size_t)c->w->nparcels + 1, 1);
	int rc = s ? 0 : check_fail(c, "out of memory");
	for (int i = 0; s && i < c->w->nparcels; i++)
		if (c->changed[i])
			mark_neighbours(c->w, i, s);
	for (int i = 0; s && rc == 0 && i < c->w->nparcels; i++) {
		const store_parcel_result *r;
		if (c->changed[i] || !scripted[i] || s[i])
			s[i] = scripted[i];
		else if ((r = find_result(res, n, c->w->parcels[i].name)))
			rc = use_cached(c, i, r);
		else
			s[i] = 1; /* no result to reuse: run it */
	}
	*sel = s;
	return rc;
}

/* ---- The phase -----------------------------------------------------------------*/

static int run_twice(check_ctx *c, const uint8_t *sel)
{
	api_events ev = {0};
	run_job a = {.c = c, .ev = &ev, .select = sel, .which = 1};
	run_job b = {.c = c, .ev = &ev, .select = sel, .which = 2};
	int rc = load_events(c, &ev);
	size_t n = (size_t)c->w->nparcels + 1;
	if (rc == 0 && ev.errors == 0) {
		a.out.digest = calloc(n, sizeof *a.out.digest);
		b.out.digest = calloc(n, sizeof *b.out.digest);
		rc = a.out.digest && b.out.digest ? 0 : check_fail(c, "out of memory");
		if (rc == 0)
			rc = run_both(c, &a, &b);
		if (c->progress)
			fputs("\r\033[K", stderr);
		if (rc == 1) {
			rc = 0; /* refused: a finding, and nothing ran */
		} else if (rc == 0) {
			c->rep.ran = true;
			c->rep.ticks = c->ticks;
			c->rep.state_hash[0] = a.out.hash;
			c->rep.state_hash[1] = b.out.hash;
			rc = compare_runs(c, &a.out, &b.out);
		}
	}
	free(a.out.digest);
	free(b.out.digest);
	api_events_free(&ev);
	return rc;
}

/* With --base, may every scripted parcel keep its recorded result? Then
 * nothing runs at all (on the Street, setting up two runners for no
 * script costs more than the rest of the check). */
static bool none_selected(const check_ctx *c, const uint8_t *sel)
{
	if (!sel)
		return false;
	for (int i = 0; i < c->w->nparcels; i++)
		if (sel[i])
			return false;
	return true;
}

int check_scripts(check_ctx *c)
{
	if (!c->w)
		return 0;
	bool *scripted = calloc((size_t)c->w->nparcels + 1, sizeof *scripted);
	if (!scripted)
		return check_fail(c, "out of memory");
	mark_scripted(c, scripted);
	int rc = 0;
	/* The runner trusts a validated world; with static errors the scripts
	 * are left alone (their parcels show as skipped). */
	if (c->static_errors == 0) {
		uint8_t *sel = NULL;
		rc = select_parcels(c, scripted, &sel);
		if (rc == 0 && !none_selected(c, sel))
			rc = run_twice(c, sel);
		free(sel);
	}
	free(scripted);
	return rc;
}
