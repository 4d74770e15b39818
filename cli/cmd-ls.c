/* cmd-ls.c — `acre ls`: list the worlds and parcels in the registry (not yet built). */
#include "cli/cli.h"

static int cmd_ls(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	cli_error("ls: not available in this build yet");
	return CLI_USAGE;
}

const struct cmd_entry cmd_ls_entry = {
	.name = "ls",
	.usage = "[--registry FILE]",
	.summary = "list the worlds and parcels in the registry",
	.help = "",
	.run = cmd_ls,
};
