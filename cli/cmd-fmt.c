/* cmd-fmt.c — `acre fmt`: rewrite worlds in canonical form, comments kept (not yet built). */
#include "cli/cli.h"

static int cmd_fmt(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	cli_error("fmt: not available in this build yet");
	return CLI_USAGE;
}

const struct cmd_entry cmd_fmt_entry = {
	.name = "fmt",
	.usage = "[--check] [WORLD...]",
	.summary = "rewrite worlds in canonical form, comments kept",
	.help = "",
	.run = cmd_fmt,
};
