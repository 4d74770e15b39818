/* util.c — messages, colour and option values shared by every subcommand. */
#include "cli/cli.h"
#include "worldfmt/worldfmt.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

static void vmsg(const char *prefix, const char *fmt, va_list ap)
{
	fflush(stdout);
	fputs(prefix, stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void cli_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vmsg("acre: ", fmt, ap);
	va_end(ap);
}

void cli_warn(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vmsg("acre: warning: ", fmt, ap);
	va_end(ap);
}

int cli_usage(const struct cmd_entry *e, const char *fmt, ...)
{
	va_list ap;
	fflush(stdout);
	fprintf(stderr, "acre %s: ", e->name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	cli_print_usage(stderr, e);
	fprintf(stderr, "Try 'acre %s --help' for more.\n", e->name);
	return CLI_USAGE;
}

void cli_print_help(const struct cmd_entry *e)
{
	cli_print_usage(stdout, e);
	printf("\n%s\n", e->summary);
	if (e->help && *e->help)
		printf("\n%s", e->help);
	if (e->help && *e->help && e->help[strlen(e->help) - 1] != '\n')
		putchar('\n');
	if (e->opts && e->opts->name) {
		putchar('\n');
		cli_print_options(stdout, e);
	}
}

bool cli_color(int fd)
{
	const char *nc = getenv("NO_COLOR");
	if (nc && *nc)
		return false;
	const char *term = getenv("TERM");
	if (term && strcmp(term, "dumb") == 0)
		return false;
	return isatty(fd);
}

bool cli_parse_int(const struct cmd_entry *e, const char *what, const char *s,
                   int64_t min, int64_t max, int64_t *out)
{
	char *end;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (!*s || *end || errno || v < min || v > max) {
		cli_usage(e, "%s wants a whole number from %" PRId64 " to %" PRId64
		          ", not '%s'", what, min, max, s);
		return false;
	}
	*out = v;
	return true;
}

bool cli_parse_size(const struct cmd_entry *e, const char *what, const char *s,
                    uint64_t *out)
{
	if (wf_size_parse(s, strlen(s), UINT64_MAX, out))
		return true;
	cli_usage(e, "%s wants a size such as 65536, 64KiB or 2MiB, not '%s'", what, s);
	return false;
}

/* The nearest directory above the current one that holds world.acre,
 * stopping at the top of a git work tree (a directory holding .git) or at
 * the root; NULL when there is none. */
static char *cli_world_above(void)
{
	char *cwd = getcwd(NULL, 0);
	char path[PATH_MAX];
	struct stat st;
	if (!cwd)
		return NULL;
	for (char *slash; (slash = strrchr(cwd, '/'));) {
		snprintf(path, sizeof path, "%s/.git", cwd);
		if (lstat(path, &st) == 0)
			break; /* the top of the work tree: the world is not above */
		*(slash == cwd ? slash + 1 : slash) = '\0';
		snprintf(path, sizeof path, "%s/world.acre", cwd);
		if (lstat(path, &st) == 0)
			return cwd;
		if (slash == cwd)
			break;
	}
	free(cwd);
	return NULL;
}

char *cli_world_dir(const char *arg)
{
	const char *dir = arg ? arg : ".";
	struct stat st;
	char path[PATH_MAX];

	if (stat(dir, &st) != 0) {
		cli_error("%s: %s", dir, strerror(errno));
		return NULL;
	}
	if (!S_ISDIR(st.st_mode)) {
		/* A path to world.acre itself names its directory. */
		const char *slash = strrchr(dir, '/');
		const char *base = slash ? slash + 1 : dir;
		if (strcmp(base, "world.acre") == 0) {
			if (!slash)
				return strdup(".");
			return strndup(dir, (size_t)(slash - dir) ? (size_t)(slash - dir) : 1);
		}
		cli_error("%s: not a world directory", dir);
		return NULL;
	}
	if ((size_t)snprintf(path, sizeof path, "%s/world.acre", dir) >= sizeof path) {
		cli_error("%s: path too long", dir);
		return NULL;
	}
	if (lstat(path, &st) != 0 && !arg) {
		/* No WORLD given: look upward, as git looks for .git. */
		char *up = cli_world_above();
		if (up)
			return up;
	}
	/* lstat: a world.acre that is a link (even one that loops) or a
	 * directory is there, and its reader says what is wrong with it. */
	if (lstat(path, &st) != 0) {
		cli_error("%s: not a world: no world.acre here (try 'acre init %s')", dir,
		          dir);
		return NULL;
	}
	return strdup(dir);
}

void cli_print_snippet(wf_source *src, const char *file, uint32_t line, uint32_t col,
                       uint32_t end_col, const char *help, bool color)
{
	wf_buf b = {0};
	wf_source_snippet(src, &b, file, line, col, end_col, help, color);
	if (b.len)
		fwrite(b.data, 1, b.len, stderr);
	wf_buf_free(&b);
}

void cli_print_diags(const wf_diags *d)
{
	wf_source src = {0};
	cli_print_diags_in(d, &src);
	wf_source_free(&src);
}

void cli_print_diags_in(const wf_diags *d, wf_source *src)
{
	char line[1024];
	bool color = cli_color(2);
	fflush(stdout);
	for (int i = 0; i < d->n; i++) {
		const wf_diag *g = &d->v[i];
		wf_diag_format(g, line, sizeof line);
		if (color) {
			/* "FILE:L:C:" bold, the severity in its colour. */
			const char *sev = g->severity == WF_WARNING ? "warning" : "error";
			char *at = strstr(line, sev);
			if (at) {
				fprintf(stderr, "\033[1m%.*s\033[0m%s%s\033[0m%s\n",
				        (int)(at - line), line,
				        g->severity == WF_WARNING ? "\033[1;33m" : "\033[1;31m", sev,
				        at + strlen(sev));
			} else {
				fprintf(stderr, "%s\n", line);
			}
		} else {
			fprintf(stderr, "%s\n", line);
		}
		cli_print_snippet(src, g->file, g->line, g->col, g->end_col, g->help,
		                  color);
	}
	if (d->dropped)
		fprintf(stderr, "... and %d more\n", d->dropped);
}
