/* cmd-grant.c — `acre grant`: give a parcel to an owner, or add an operator (not yet built). */
#include "cli/cli.h"

static int cmd_grant(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	cli_error("grant: not available in this build yet");
	return CLI_USAGE;
}

const struct cmd_entry cmd_grant_entry = {
	.name = "grant",
	.usage = "[--registry FILE] [--operator] PARCEL IDENTITY",
	.summary = "give a parcel to an owner, or add an operator",
	.help = "",
	.run = cmd_grant,
};
