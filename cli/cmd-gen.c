/* cmd-gen.c — `acre gen street`: generate a large world (the Street) for
 * tests and benchmarks. The generation itself is wf_gen_street. */
#include "cli/cli.h"
#include "worldfmt/worldfmt.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

extern const struct cmd_entry cmd_gen_entry;

static void gen_progress(void *ud, int64_t done, int64_t total)
{
	if (done == total)
		cli_progress_note(ud, "writing world.acre and the scripts");
	else
		cli_progress_step(ud, done);
}

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
	cli_getopt g;
	int c;
	cli_getopt_init(&g, e, argc - 1, argv + 1);
	while ((c = cli_getopt_next(&g)) > 0) {
		int64_t v;
		if (c == 'p') {
			if (!cli_parse_int(
			        e, g.name, g.value, 1,
			        (int64_t)WF_MAX_WORLD_PARCELS * WF_MAX_WORLD_PARCELS, &v))
				return CLI_USAGE;
			o.parcels = v;
		} else if (c == 's') {
			if (!cli_parse_int(e, g.name, g.value, 0, 100, &v))
				return CLI_USAGE;
			o.scripted_pct = (int)v;
		} else if (c == 'S') {
			if (!cli_parse_int(e, g.name, g.value, 0, INT64_MAX, &v))
				return CLI_USAGE;
			o.seed = (uint64_t)v;
		}
	}
	if (c < 0)
		return g.status;
	if (g.nops > 1)
		return cli_usage(e, "one DIR only, not '%s' too", argv[3]);
	dir = g.nops ? argv[2] : NULL;
	if (!dir)
		return cli_usage(e, "where? (give a DIR for the new world)");
	char path[4096];
	snprintf(path, sizeof path, "%s/world.acre", dir);
	if (access(path, F_OK) == 0) {
		cli_error("%s already holds a world; choose a new directory", dir);
		return CLI_USAGE;
	}
	char err[512];
	cli_progress pr;
	cli_progress_start(&pr, "acre gen", "parcel", o.parcels);
	o.progress = gen_progress;
	o.progress_ud = &pr;
	int r = wf_gen_street(dir, &o, err, sizeof err);
	cli_progress_end(&pr);
	if (r < 0) {
		cli_error("gen: %s", err);
		return CLI_USAGE;
	}
	/* A silent success leaves users wondering: say what was made. */
	printf("made the Street in %s: %lld unit parcel%s, %d%% scripted, seed %llu\n",
	       dir, (long long)o.parcels, o.parcels == 1 ? "" : "s", o.scripted_pct,
	       (unsigned long long)o.seed);
	return CLI_OK;
}

static const struct cli_opt cmd_gen_opts[] = {
	{"parcels", 0, "N", "how many parcels (default 65536: a 256x256 grid)", 'p'},
	{"scripted", 0, "PCT",
	 "percentage of parcels that carry a script (default\n"
	 "10); the scripts go to DIR/scripts/",
	 's'},
	{"seed", 0, "S", "the generator's seed, also the world's (default 1)", 'S'},
	{NULL, 0, NULL, NULL, 0},
};

const struct cmd_entry cmd_gen_entry = {
    .name = "gen",
    .usage = "street DIR",
    .summary = "generate a large world (the Street) for tests and benchmarks",
    .help = "Writes a new world to DIR (created if needed; it must not hold a\n"
            "world.acre yet): N unit parcels of 16x16 tiles on a near-square grid,\n"
            "rows of shops and plazas with a road every eighth row, owners, doors,\n"
            "lamps and shopkeepers, in canonical form. The same options and seed\n"
            "always give the same world, byte for byte.\n",
    .run = cmd_gen,
    .opts = cmd_gen_opts,
};
