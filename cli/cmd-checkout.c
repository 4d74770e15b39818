/* cmd-checkout.c — `acre checkout`: bring the world to an earlier or later revision (not yet built). */
#include "cli/cli.h"

static int cmd_checkout(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	cli_error("checkout: not available in this build yet");
	return CLI_USAGE;
}

const struct cmd_entry cmd_checkout_entry = {
	.name = "checkout",
	.usage = "REV",
	.summary = "bring the world to an earlier or later revision",
	.help = "",
	.run = cmd_checkout,
};
