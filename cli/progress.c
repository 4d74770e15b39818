/* progress.c — one progress line on stderr for long operations, shown only
 * on a terminal (never in pipes or logs, never with ACRE_NO_PROGRESS set),
 * only once the operation has taken half a second, redrawn at most five
 * times a second, and erased when it ends so that output is unchanged. */
#include "cli/cli.h"

#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void cli_progress_start(cli_progress *p, const char *what, const char *unit,
                        int64_t total)
{
	*p = (cli_progress){.what = what, .unit = unit, .total = total};
	p->on = isatty(2) && getenv("ACRE_NO_PROGRESS") == NULL;
	p->start = p->on ? now() : 0;
}

void cli_progress_step(cli_progress *p, int64_t done)
{
	if (!p->on)
		return;
	double t = now();
	if (t - p->start < 0.5 || t - p->last < 0.2)
		return;
	p->last = t;
	p->shown = true;
	if (p->total > 0)
		fprintf(stderr, "\r%s: %s %lld of %lld (%d%%) ", p->what, p->unit,
		        (long long)done, (long long)p->total,
		        (int)(done * 100 / p->total));
	else
		fprintf(stderr, "\r%s: %lld %s ", p->what, (long long)done, p->unit);
}

void cli_progress_note(cli_progress *p, const char *what)
{
	if (!p->on)
		return;
	p->shown = true;
	fprintf(stderr, "\r\033[K%s: %s ", p->what, what);
}

void cli_progress_end(cli_progress *p)
{
	if (p->shown)
		fputs("\r\033[K", stderr);
	p->shown = false;
}
