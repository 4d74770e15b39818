/* cmd-run.c — `acre run`: run a world's scripts headless, tick by tick, and
 * end with its state hash (the line platforms and tests compare). */
#include "check/report.h"
#include "cli/cli.h"
#include "stdlib/api.h"
#include "worldfmt/worldfmt.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

extern const struct cmd_entry cmd_run_entry;

typedef struct run_args {
	int64_t ticks;
	api_opts opts;
	const char *events, *trace, *world;
	bool stats, quiet;
} run_args;

static void run_trace_line(void *ud, const char *line, size_t len)
{
	FILE *f = ud;
	fwrite(line, 1, len, f);
	fputc('\n', f);
}

/* Options in any order before WORLD; returns CLI_OK or CLI_USAGE. */
static int run_parse(int argc, char **argv, run_args *a)
{
	const struct cmd_entry *e = &cmd_run_entry;
	int64_t v;
	uint64_t sz;
	for (int i = 1; i < argc; i++) {
		const char *o = argv[i];
		const char *val = i + 1 < argc ? argv[i + 1] : NULL;
		bool takes = strcmp(o, "--ticks") == 0 || strcmp(o, "--seed") == 0 ||
		             strcmp(o, "--events") == 0 || strcmp(o, "--trace") == 0 ||
		             strcmp(o, "--threads") == 0 ||
		             strcmp(o, "--instructions") == 0 ||
		             strcmp(o, "--memory") == 0;
		if (takes && !val)
			return cli_usage(e, "%s needs a value", o);
		if (strcmp(o, "--ticks") == 0) {
			if (!cli_parse_int(e, "--ticks", val, 0, API_MAX_TICK, &a->ticks))
				return CLI_USAGE;
		} else if (strcmp(o, "--seed") == 0) {
			if (!cli_parse_int(e, "--seed", val, 0, INT64_MAX, &v))
				return CLI_USAGE;
			a->opts.seed = (uint64_t)v;
			a->opts.seed_set = true;
		} else if (strcmp(o, "--threads") == 0) {
			if (!cli_parse_int(e, "--threads", val, 1, 64, &v))
				return CLI_USAGE;
			a->opts.threads = (int)v;
		} else if (strcmp(o, "--instructions") == 0) {
			if (!cli_parse_int(e, "--instructions", val, 1000, INT64_MAX, &v))
				return CLI_USAGE;
			a->opts.limits.instructions = v;
		} else if (strcmp(o, "--memory") == 0) {
			if (!cli_parse_size(e, "--memory", val, &sz))
				return CLI_USAGE;
			if (sz < 16384 || sz > (1ULL << 34))
				return cli_usage(
				    e,
				    "--memory wants a size from 16KiB to 16GiB, not '%s'",
				    val);
			a->opts.limits.memory = (size_t)sz;
		} else if (strcmp(o, "--events") == 0) {
			a->events = val;
		} else if (strcmp(o, "--trace") == 0) {
			a->trace = val;
		} else if (strcmp(o, "--stats") == 0) {
			a->stats = true;
			continue;
		} else if (strcmp(o, "--quiet") == 0 || strcmp(o, "-q") == 0) {
			a->quiet = true;
			continue;
		} else if (o[0] == '-' && o[1]) {
			return cli_usage(e, "unknown option '%s'", o);
		} else if (a->world) {
			return cli_usage(e, "one world at a time ('%s' and '%s')",
			                 a->world, o);
		} else {
			a->world = o;
			continue;
		}
		i++;
	}
	return CLI_OK;
}

/* Text from a script or a world's files on stderr, escaped the way the
 * text report of `acre check` escapes it: a script's error message cannot
 * end its line, forge a `state` line or a `::error` workflow command, or
 * drive the terminal. */
static void run_escaped(const char *s)
{
	char buf[8];
	for (; *s; s++)
		fputs(check_escape_byte((unsigned char)*s, buf), stderr);
}

/* "FILE:LINE:COL: MSG" (the parts that are known), escaped, on stderr. */
static void run_print_error(const api_error *x)
{
	fflush(stdout);
	run_escaped(x->file);
	if (x->line)
		fprintf(stderr, ":%u", x->line);
	if (x->line && x->col)
		fprintf(stderr, ":%u", x->col);
	fputs(x->file[0] || x->line ? ": " : "", stderr);
	run_escaped(x->msg);
	fputc('\n', stderr);
}

static void run_print_event_errors(const api_events *ev)
{
	for (int i = 0; i < ev->nerrs; i++)
		run_print_error(&ev->errs[i]);
	if (ev->errors > ev->nerrs)
		fprintf(stderr, "... and %d more\n", ev->errors - ev->nerrs);
}

/* The world, loaded and validated; NULL (after printing why) when invalid. */
static wf_world *run_load_world(const char *dir, int *rc)
{
	wf_diags d = {0};
	char file[4096];
	snprintf(file, sizeof file, "%s/world.acre", dir);
	wf_world *w = wf_load(dir, &d);
	if (w && d.errors == 0)
		wf_validate(w, dir, file, &d);
	if (!w || d.errors) {
		cli_print_diags(&d);
		cli_error("run: %s is not a valid world; nothing was run", dir);
		wf_diags_free(&d);
		wf_world_free(w);
		*rc = w ? CLI_INVALID : CLI_USAGE;
		return NULL;
	}
	cli_print_diags(&d); /* warnings */
	wf_diags_free(&d);
	return w;
}

/* Events from --events, else from the world's `events` setting. */
static int run_load_events(const run_args *a, const char *dir, wf_world *w,
                           api_events *ev)
{
	char path[4096];
	const char *file = a->events;
	if (!file && w->events) {
		snprintf(path, sizeof path, "%s/%s", dir, w->events);
		file = path;
	}
	if (!file)
		return CLI_OK;
	/* --events names a file of the user's; the world's own events file is
	 * read through the world's guarded reader, and one it cannot read
	 * makes the world invalid. */
	int n = a->events ? api_events_load(NULL, file, file, ev)
	                  : api_events_load(dir, w->events, file, ev);
	if (n < 0 && ev->nerrs && ev->errs[0].line == 0) {
		cli_error("run: %s: %s", file, ev->errs[0].msg);
		return a->events ? CLI_USAGE : CLI_INVALID;
	}
	if (n == 0)
		api_events_check(ev, w);
	if (ev->errors) {
		run_print_event_errors(ev);
		cli_error("run: %s has %d error%s; nothing was run", file, ev->errors,
		          ev->errors == 1 ? "" : "s");
		return CLI_INVALID;
	}
	return CLI_OK;
}

static double run_clock(clockid_t id)
{
	struct timespec ts;
	clock_gettime(id, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double run_now(void)
{
	return run_clock(CLOCK_MONOTONIC);
}

static void run_print_stats(api_run *r, const wf_world *w)
{
	printf("%-24s %8s %8s %12s %10s %8s\n", "parcel", "calls", "failed", "peak-instr",
	       "peak-mem", "entities");
	for (int i = 0; i < w->nparcels; i++) {
		const api_parcel_stats *s = api_run_stats(r, i);
		if (!s->scripted)
			continue;
		printf("%-24s %8" PRId64 " %8" PRId64 " %12" PRId64 " %10zu %8" PRId64
		       "\n",
		       w->parcels[i].name, s->calls, s->failures, s->peak_instructions,
		       s->peak_memory, s->entities);
	}
}

/* Failures on stderr: every recorded one when few, else the first of each
 * parcel and a count. */
static void run_print_failures(api_run *r)
{
	const api_failure *f;
	int64_t total;
	int n = api_run_failures(r, &f, &total);
	char line[2048];
	int shown = 0;
	for (int i = 0; i < n && shown < 20; i++) {
		bool first = true;
		for (int j = 0; j < i && first; j++)
			first = f[j].parcel != f[i].parcel;
		if (!first && total > 20)
			continue;
		api_failure_format(r, &f[i], line, sizeof line);
		run_escaped(line);
		fputc('\n', stderr);
		shown++;
	}
	if (total > shown)
		fprintf(stderr, "... and %" PRId64 " more failure%s\n", total - shown,
		        total - shown == 1 ? "" : "s");
}

static int run_world(const run_args *a, const char *dir, wf_world *w,
                     const api_events *ev)
{
	FILE *trace = NULL;
	api_opts o = a->opts;
	if (a->trace) {
		trace = strcmp(a->trace, "-") == 0 ? stdout : fopen(a->trace, "w");
		if (!trace) {
			cli_error("run: %s: %s", a->trace, strerror(errno));
			return CLI_USAGE;
		}
		o.trace = run_trace_line;
		o.trace_ud = trace;
	}
	api_error err;
	double t0 = run_now();
	api_run *r = api_run_new(w, dir, &o, &err);
	double t1 = run_now(), c1 = run_clock(CLOCK_PROCESS_CPUTIME_ID);
	int rc = CLI_OK;
	if (!r) {
		if (err.line) {
			run_print_error(&err);
		} else {
			fflush(stdout);
			fputs("acre: run: ", stderr);
			run_escaped(err.msg);
			fputc('\n', stderr);
		}
		rc = err.line ? CLI_INVALID : CLI_USAGE;
		goto out;
	}
	for (int64_t t = 1; t <= a->ticks; t++) {
		if (api_run_tick(r, ev->v, ev->n) < 0) {
			cli_error("run: out of memory at tick %" PRId64, t);
			rc = CLI_USAGE;
			goto out;
		}
	}
	double t2 = run_now(), c2 = run_clock(CLOCK_PROCESS_CPUTIME_ID);
	const api_failure *f;
	int64_t total;
	api_run_failures(r, &f, &total);
	int scripted = 0;
	for (int i = 0; i < w->nparcels; i++)
		scripted += api_run_stats(r, i)->scripted;
	if (trace == stdout)
		fflush(stdout);
	run_print_failures(r);
	if (a->stats) {
		run_print_stats(r, w);
		printf("load %.3f s, %" PRId64 " ticks %.3f s, %.1f ticks/s, "
		       "cpu %.3f s, %d thread%s\n",
		       t1 - t0, a->ticks, t2 - t1,
		       t2 > t1 ? (double)a->ticks / (t2 - t1) : 0.0, c2 - c1,
		       o.threads > 1 ? o.threads : 1, o.threads > 1 ? "s" : "");
	}
	if (!a->quiet)
		printf("%" PRId64 " ticks, %d scripted parcel%s, %" PRId64 " failure%s\n",
		       a->ticks, scripted, scripted == 1 ? "" : "s", total,
		       total == 1 ? "" : "s");
	printf("state %016" PRIx64 "\n", api_run_hash(r));
	rc = total ? CLI_INVALID : CLI_OK;
out:
	api_run_free(r);
	if (trace && trace != stdout && fclose(trace) != 0) {
		cli_error("run: %s: %s", a->trace, strerror(errno));
		rc = CLI_USAGE;
	}
	return rc;
}

static int cmd_run(int argc, char **argv)
{
	run_args a = {.ticks = 200};
	int rc = run_parse(argc, argv, &a);
	if (rc != CLI_OK)
		return rc;
	char *dir = cli_world_dir(a.world);
	if (!dir)
		return CLI_USAGE;
	api_events ev = {0};
	wf_world *w = run_load_world(dir, &rc);
	if (w && (rc = run_load_events(&a, dir, w, &ev)) == CLI_OK)
		rc = run_world(&a, dir, w, &ev);
	api_events_free(&ev);
	wf_world_free(w);
	free(dir);
	return rc;
}

const struct cmd_entry cmd_run_entry = {
    .name = "run",
    .usage =
        "[--ticks N] [--seed S] [--events FILE] [--trace FILE] [--threads N] [WORLD]",
    .summary = "run a world's scripts headless; last line is its state hash",
    .help = "Loads every scripted parcel of WORLD (default: the current directory)\n"
            "into its own sandbox, calls on_load, then runs N ticks. Each tick\n"
            "delivers the events of the events file for that tick, the messages\n"
            "parcels sent during the tick before, then calls on_tick. Handler\n"
            "failures are listed on stderr. The last line is the state hash,\n"
            "'state <16 hex digits>', which depends only on the world, the seed\n"
            "and the events, never on the thread count.\n"
            "\n"
            "Options:\n"
            "  --ticks N          ticks to run (default 200; 0 runs only on_load)\n"
            "  --seed S           use seed S instead of the world's\n"
            "  --events FILE      timed events (default: the world's `events` file);\n"
            "                     format in acre-lua(7), EVENTS FILE\n"
            "  --trace FILE       write every effect, message, log line and transfer,\n"
            "                     one per line ('-' for stdout)\n"
            "  --threads N        run parcels on N threads (1-64, default 1)\n"
            "  --instructions N   per-tick instruction budget of every parcel,\n"
            "                     instead of the one its land gives it\n"
            "  --memory SIZE      memory cap of every parcel (e.g. 256KiB)\n"
            "  --stats            print calls, failures, peak instructions and memory\n"
            "                     per scripted parcel, then load time, ticks/s and\n"
            "                     CPU time of the ticks\n"
            "  -q, --quiet        print only failures and the state line\n"
            "\n"
            "Exit status: 0 when every handler succeeded, 1 when one failed or the\n"
            "world or events file is invalid, 2 on usage or environment errors.\n"
            "See acre-lua(7) for the API scripts use.\n",
    .run = cmd_run,
};
