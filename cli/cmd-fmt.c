/* cmd-fmt.c — `acre fmt`: rewrite worlds in canonical form, comments kept.
 *
 * Parse errors leave the file untouched (exit 1 with the errors); otherwise
 * the canonical text replaces the file atomically, only when it differs.
 * --check writes nothing and names the files that are not canonical.
 * --stats times parse, validate and write of each world (for benchmarks). */
#include "cli/cli.h"
#include "worldfmt/worldfmt.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

extern const struct cmd_entry cmd_fmt_entry;

struct fmt_opts {
	bool check, stats;
};

/* Wall-clock and CPU seconds: the CPU figure is what one core does,
 * whatever else the machine is running. */
struct stamp {
	double wall, cpu;
};

static struct stamp now(void)
{
	struct timespec w, c;
	clock_gettime(CLOCK_MONOTONIC, &w);
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c);
	return (struct stamp){(double)w.tv_sec + (double)w.tv_nsec / 1e9,
	                      (double)c.tv_sec + (double)c.tv_nsec / 1e9};
}

static double mbps(size_t len, double secs)
{
	return secs > 0 ? (double)len / 1e6 / secs : 0.0;
}

static void print_stats(const char *path, size_t len, const struct stamp t[4])
{
	printf("%s: %zu bytes, parse %.3f s, validate %.3f s, write %.3f s, "
	       "%.1f MB/s, %.1f MB/s of CPU time\n",
	       path, len, t[1].wall - t[0].wall, t[2].wall - t[1].wall,
	       t[3].wall - t[2].wall, mbps(len, t[3].wall - t[0].wall),
	       mbps(len, t[3].cpu - t[0].cpu));
}

/* One world: CLI_OK, or CLI_INVALID (parse errors / not canonical), or
 * CLI_USAGE (cannot read or write). */
static int fmt_one(const char *arg, const struct fmt_opts *o)
{
	char *dir = cli_world_dir(arg);
	if (!dir)
		return CLI_USAGE;
	char path[4096];
	snprintf(path, sizeof path, "%s/world.acre", dir);
	const char *shown = strcmp(dir, ".") == 0 ? "world.acre" : path;
	char *src;
	size_t len;
	wf_read_status st = wf_world_read(dir, "world.acre", WF_MAX_WORLD_BYTES, &src, &len);
	if (st != WF_READ_OK) {
		cli_error("%s: cannot read: %s", shown, wf_read_strerror(st));
		free(dir);
		return CLI_USAGE;
	}
	wf_diags d = {0};
	wf_buf out = {0};
	int rc = CLI_OK;
	struct stamp t[4];
	t[0] = now();
	wf_world *w = wf_parse(src, len, shown, &d);
	t[1] = now();
	if (!w) {
		cli_error("%s: out of memory", shown);
		rc = CLI_USAGE;
		goto done;
	}
	if (d.errors) {
		cli_print_diags(&d);
		rc = CLI_INVALID;
		goto done;
	}
	if (o->stats)
		wf_validate(w, dir, shown, &d);
	t[2] = now();
	/* The canonical text is about as long as the source. */
	out.cap = len + len / 8 + 4096;
	out.data = malloc(out.cap);
	if (!out.data)
		out.cap = 0;
	if (wf_write(w, &out) < 0) {
		cli_error("%s: out of memory", shown);
		rc = CLI_USAGE;
		goto done;
	}
	t[3] = now();
	if (o->stats) {
		/* The figures are only meaningful for a valid world. */
		print_stats(shown, len, t);
		if (d.errors) {
			cli_print_diags(&d);
			rc = CLI_INVALID;
		}
		goto done;
	}
	if (out.len == len && memcmp(out.data, src, len) == 0)
		goto done;
	if (o->check) {
		fprintf(stderr, "%s: not in canonical form (run 'acre fmt')\n", shown);
		rc = CLI_INVALID;
	} else if (wf_save_atomic(path, out.data, out.len) < 0) {
		cli_error("%s: cannot write: %s", shown, strerror(errno));
		rc = CLI_USAGE;
	}
done:
	wf_buf_free(&out);
	wf_world_free(w);
	wf_diags_free(&d);
	free(src);
	free(dir);
	return rc;
}

static int cmd_fmt(int argc, char **argv)
{
	struct fmt_opts o = {0};
	int i = 1;
	for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		if (strcmp(argv[i], "--") == 0) {
			i++;
			break;
		}
		if (strcmp(argv[i], "--check") == 0)
			o.check = true;
		else if (strcmp(argv[i], "--stats") == 0)
			o.stats = true;
		else
			return cli_usage(&cmd_fmt_entry, "unknown option '%s'", argv[i]);
	}
	if (i == argc)
		return fmt_one(NULL, &o);
	int rc = CLI_OK;
	for (; i < argc; i++) {
		int r = fmt_one(argv[i], &o);
		if (r > rc)
			rc = r;
	}
	return rc;
}

const struct cmd_entry cmd_fmt_entry = {
    .name = "fmt",
    .usage = "[--check] [--stats] [WORLD...]",
    .summary = "rewrite worlds in canonical form, comments kept",
    .help = "Rewrites each WORLD's world.acre (WORLD is a world directory or its\n"
            "world.acre; default: the current directory) in the canonical layout of\n"
            "acre-world(5). Comments stay with the statements they belong to. The\n"
            "file is replaced atomically, and only when it changes. A file with\n"
            "parse errors is left alone and its errors are printed as\n"
            "FILE:LINE:COL: message.\n"
            "\n"
            "Options:\n"
            "  --check   write nothing; name each file that is not in canonical\n"
            "            form and exit 1 if there is any\n"
            "  --stats   write nothing; time parse, validate (the rules of\n"
            "            acre-world(5)) and write of each world and print the\n"
            "            bytes and MB/s (for benchmarks); rule errors exit 1\n"
            "\n"
            "Exit status: 0 all canonical (or rewritten), 1 parse errors or (with\n"
            "--check) a file not canonical, 2 usage error or unreadable file.\n",
    .run = cmd_fmt,
};
