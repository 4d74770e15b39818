/* cmd-log.c — `acre log`: show the world's history (not yet built). */
#include "cli/cli.h"

static int cmd_log(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	cli_error("log: not available in this build yet");
	return CLI_USAGE;
}

const struct cmd_entry cmd_log_entry = {
	.name = "log",
	.usage = "[--parcel NAME] [WORLD]",
	.summary = "show the world's history",
	.help = "",
	.run = cmd_log,
};
