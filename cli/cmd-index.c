/* cmd-index.c — `acre index`: rebuild the registry's records of a world from its history (not yet built). */
#include "cli/cli.h"

static int cmd_index(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	cli_error("index: not available in this build yet");
	return CLI_USAGE;
}

const struct cmd_entry cmd_index_entry = {
	.name = "index",
	.usage = "[--registry FILE] [WORLD]",
	.summary = "rebuild the registry's records of a world from its history",
	.help = "",
	.run = cmd_index,
};
