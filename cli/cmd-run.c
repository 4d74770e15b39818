/* cmd-run.c — `acre run`: run a world's scripts headless; last line is its state hash (not yet built). */
#include "cli/cli.h"

static int cmd_run(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	cli_error("run: not available in this build yet");
	return CLI_USAGE;
}

const struct cmd_entry cmd_run_entry = {
	.name = "run",
	.usage = "[--ticks N] [--seed S] [--events FILE] [--trace FILE] [--threads N] [WORLD]",
	.summary = "run a world's scripts headless; last line is its state hash",
	.help = "",
	.run = cmd_run,
};
