/* cmd-edit.c — `acre edit`: open a world in the full-screen editor (not yet built). */
#include "cli/cli.h"

static int cmd_edit(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	cli_error("edit: not available in this build yet");
	return CLI_USAGE;
}

const struct cmd_entry cmd_edit_entry = {
	.name = "edit",
	.usage = "[WORLD]",
	.summary = "open a world in the full-screen editor",
	.help = "",
	.run = cmd_edit,
};
