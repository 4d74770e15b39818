/* cmd-init.c — `acre init`: create a new world repository with a sample parcel (not yet built). */
#include "cli/cli.h"

static int cmd_init(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	cli_error("init: not available in this build yet");
	return CLI_USAGE;
}

const struct cmd_entry cmd_init_entry = {
	.name = "init",
	.usage = "[DIR]",
	.summary = "create a new world repository with a sample parcel",
	.help = "",
	.run = cmd_init,
};
