/* cmd-blame.c — `acre blame`: show who last changed each row of a parcel and its script (not yet built). */
#include "cli/cli.h"

static int cmd_blame(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	cli_error("blame: not available in this build yet");
	return CLI_USAGE;
}

const struct cmd_entry cmd_blame_entry = {
	.name = "blame",
	.usage = "PARCEL",
	.summary = "show who last changed each row of a parcel and its script",
	.help = "",
	.run = cmd_blame,
};
