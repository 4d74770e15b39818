/* cmd-diff.c — `acre diff`: show what changed, in parcels, tiles, entities and scripts (not yet built). */
#include "cli/cli.h"

static int cmd_diff(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	cli_error("diff: not available in this build yet");
	return CLI_USAGE;
}

const struct cmd_entry cmd_diff_entry = {
	.name = "diff",
	.usage = "[--stat] [REV [REV]]",
	.summary = "show what changed, in parcels, tiles, entities and scripts",
	.help = "",
	.run = cmd_diff,
};
