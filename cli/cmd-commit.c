/* cmd-commit.c — `acre commit`: record the world's current state in its history (not yet built). */
#include "cli/cli.h"

static int cmd_commit(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	cli_error("commit: not available in this build yet");
	return CLI_USAGE;
}

const struct cmd_entry cmd_commit_entry = {
	.name = "commit",
	.usage = "[-m MSG] [WORLD]",
	.summary = "record the world's current state in its history",
	.help = "",
	.run = cmd_commit,
};
