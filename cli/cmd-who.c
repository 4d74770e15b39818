/* cmd-who.c — `acre who`: tell who owns and operates the parcel at a tile (not yet built). */
#include "cli/cli.h"

static int cmd_who(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	cli_error("who: not available in this build yet");
	return CLI_USAGE;
}

const struct cmd_entry cmd_who_entry = {
	.name = "who",
	.usage = "[--registry FILE] X Y",
	.summary = "tell who owns and operates the parcel at a tile",
	.help = "",
	.run = cmd_who,
};
