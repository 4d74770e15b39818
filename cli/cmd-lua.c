/* cmd-lua.c — `acre lua`: run one Lua script in the sandbox, without a world (not yet built). */
#include "cli/cli.h"

static int cmd_lua(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	cli_error("lua: not available in this build yet");
	return CLI_USAGE;
}

const struct cmd_entry cmd_lua_entry = {
	.name = "lua",
	.usage = "[--instructions N] [--memory SIZE] FILE [ARGS...]",
	.summary = "run one Lua script in the sandbox, without a world",
	.help = "",
	.run = cmd_lua,
};
