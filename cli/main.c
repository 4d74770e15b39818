/* main.c — acre's entry point: the command table and dispatch.
 *
 * Adding a command means adding cli/cmd-NAME.c with its `cmd_NAME_entry` and
 * one line in the table below. `acre CMD --help` is answered here, so each
 * command's run function sees only its own options. */
#include "cli/cli.h"

#include <stdio.h>
#include <string.h>


const struct cmd_entry *const cli_commands[] = {
	&cmd_init_entry,   &cmd_gen_entry,    &cmd_fmt_entry,   &cmd_check_entry,
	&cmd_run_entry,    &cmd_lua_entry,    &cmd_edit_entry,  &cmd_commit_entry,
	&cmd_log_entry,    &cmd_diff_entry,   &cmd_blame_entry, &cmd_checkout_entry, &cmd_merge_entry,
	&cmd_index_entry,  &cmd_ls_entry,     &cmd_who_entry,   &cmd_stats_entry,
	&cmd_grant_entry,  &cmd_help_entry,   NULL,
};

const struct cmd_entry *cli_find(const char *name)
{
	for (int i = 0; cli_commands[i]; i++)
		if (strcmp(cli_commands[i]->name, name) == 0)
			return cli_commands[i];
	return NULL;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return cmd_help_entry.run(1, (char *[]){"help", NULL});
	const char *name = argv[1];
	if (strcmp(name, "--version") == 0 || strcmp(name, "-V") == 0) {
		printf("acre %s\n", ACRE_VERSION);
		return CLI_OK;
	}
	if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0)
		return cmd_help_entry.run(1, (char *[]){"help", NULL});

	const struct cmd_entry *e = cli_find(name);
	if (!e) {
		cli_error("'%s' is not an acre command; see 'acre help'", name);
		return CLI_USAGE;
	}
	if (argc > 2 && (strcmp(argv[2], "--help") == 0 || strcmp(argv[2], "-h") == 0)) {
		cli_print_help(e);
		return CLI_OK;
	}
	return e->run(argc - 1, argv + 1);
}
