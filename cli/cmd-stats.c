/* cmd-stats.c — `acre stats`: summarise the registry: worlds, parcels, owners, runs (not yet built). */
#include "cli/cli.h"

static int cmd_stats(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	cli_error("stats: not available in this build yet");
	return CLI_USAGE;
}

const struct cmd_entry cmd_stats_entry = {
	.name = "stats",
	.usage = "[--registry FILE]",
	.summary = "summarise the registry: worlds, parcels, owners, runs",
	.help = "",
	.run = cmd_stats,
};
