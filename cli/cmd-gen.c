/* cmd-gen.c — `acre gen`: generate a large world (the Street) for tests and benchmarks (not yet built). */
#include "cli/cli.h"

static int cmd_gen(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	cli_error("gen: not available in this build yet");
	return CLI_USAGE;
}

const struct cmd_entry cmd_gen_entry = {
	.name = "gen",
	.usage = "street [--parcels N] [--scripted PCT] [--seed S] DIR",
	.summary = "generate a large world (the Street) for tests and benchmarks",
	.help = "",
	.run = cmd_gen,
};
