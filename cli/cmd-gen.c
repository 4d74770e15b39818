/* cmd-gen.c — `acre gen street`: generate a large world (the Street) for
 * tests and benchmarks. The generation itself is wf_gen_street. */
#include "cli/cli.h"
#include "worldfmt/worldfmt.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

extern const struct cmd_entry cmd_gen_entry;

static int cmd_gen(int argc, char **argv)
{
	const struct cmd_entry *e = &cmd_gen_entry;
	wf_gen_opts o = {.parcels = 65536, .scripted_pct = 10, .seed = 1};
	const char *dir = NULL;
	if (argc < 2)
		return cli_usage(e, "what to generate? (only 'street' so far)");
	if (strcmp(argv[1], "street") != 0)
		return cli_usage(e, "cannot generate '%s' (only 'street' so far)",
		                 argv[1]);
	for (int i = 2; i < argc; i++) {
		const char *a = argv[i];
		int64_t v;
		if (a[0] != '-' || !a[1]) {
			if (dir)
				return cli_usage(e, "one DIR only, not '%s' too", a);
			dir = a;
			continue;
		}
		if (i + 1 >= argc && (!strcmp(a, "--parcels") ||
		                      !strcmp(a, "--scripted") || !strcmp(a, "--seed")))
			return cli_usage(e, "%s wants a value", a);
		if (strcmp(a, "--parcels") == 0) {
			if (!cli_parse_int(
			        e, a, argv[++i], 1,
			        (int64_t)WF_MAX_WORLD_PARCELS * WF_MAX_WORLD_PARCELS, &v))
				return CLI_USAGE;
			o.parcels = v;
		} else if (strcmp(a, "--scripted") == 0) {
			if (!cli_parse_int(e, a, argv[++i], 0, 100, &v))
				return CLI_USAGE;
			o.scripted_pct = (int)v;
		} else if (strcmp(a, "--seed") == 0) {
			if (!cli_parse_int(e, a, argv[++i], 0, INT64_MAX, &v))
				return CLI_USAGE;
			o.seed = (uint64_t)v;
		} else {
			return cli_usage(e, "unknown option '%s'", a);
		}
	}
	if (!dir)
		return cli_usage(e, "where? (give a DIR for the new world)");
	char path[4096];
	snprintf(path, sizeof path, "%s/world.acre", dir);
	if (access(path, F_OK) == 0) {
		cli_error("%s already holds a world; choose a new directory", dir);
		return CLI_USAGE;
	}
	char err[512];
	if (wf_gen_street(dir, &o, err, sizeof err) < 0) {
		cli_error("gen: %s", err);
		return CLI_USAGE;
	}
	return CLI_OK;
}

const struct cmd_entry cmd_gen_entry = {
    .name = "gen",
    .usage = "street [--parcels N] [--scripted PCT] [--seed S] DIR",
    .summary = "generate a large world (the Street) for tests and benchmarks",
    .help = "Writes a new world to DIR (created if needed; it must not hold a\n"
            "world.acre yet): N unit parcels of 16x16 tiles on a near-square grid,\n"
            "rows of shops and plazas with a road every eighth row, owners, doors,\n"
            "lamps and shopkeepers, in canonical form. The same options and seed\n"
            "always give the same world, byte for byte.\n"
            "\n"
            "Options:\n"
            "  --parcels N     how many parcels (default 65536: a 256x256 grid)\n"
            "  --scripted PCT  percentage of parcels that carry a script (default\n"
            "                  10); the scripts go to DIR/scripts/\n"
            "  --seed S        the generator's seed, also the world's (default 1)\n",
    .run = cmd_gen,
};
