/* cmd-check.c — `acre check`: validate a world: format, rules, scripts, ownership, determinism (not yet built). */
#include "cli/cli.h"

static int cmd_check(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	cli_error("check: not available in this build yet");
	return CLI_USAGE;
}

const struct cmd_entry cmd_check_entry = {
	.name = "check",
	.usage = "[--format text|json|junit|sarif|github] [--ticks N] [--base REV] [--as IDENTITY] [--registry FILE] [WORLD]",
	.summary = "validate a world: format, rules, scripts, ownership, determinism",
	.help = "",
	.run = cmd_check,
};
