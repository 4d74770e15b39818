/* cmd-help.c — `acre help [CMD]`: the command list, or one command's help. */
#include "cli/cli.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/* Print `s` for roff: backslashes and hyphens escaped, and a leading '.' or
 * '\'' protected so that no line of help text reads as a request. */
static void roff_text(const char *s)
{
	bool bol = true;
	for (; *s; s++) {
		if (bol && (*s == '.' || *s == '\''))
			fputs("\\&", stdout);
		if (*s == '\\')
			fputs("\\e", stdout);
		else if (*s == '-')
			fputs("\\-", stdout);
		else
			putchar(*s);
		bol = *s == '\n';
	}
}

/* The COMMANDS section of acre(1), generated from the table so that the
 * manual and --help cannot drift apart (tests/t/0000-cli.sh compares them). */
static void help_roff(void)
{
	for (int i = 0; cli_commands[i]; i++) {
		const struct cmd_entry *e = cli_commands[i];
		printf(".TP\n\\fBacre %s\\fR ", e->name);
		roff_text(e->usage);
		putchar('\n');
		roff_text(e->summary);
		putchar('\n');
		if (e->help && *e->help) {
			printf(".RS\n.nf\n");
			roff_text(e->help);
			if (e->help[strlen(e->help) - 1] != '\n')
				putchar('\n');
			printf(".fi\n.RE\n");
		}
	}
}

static int cmd_help(int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "--roff") == 0) {
		help_roff();
		return CLI_OK;
	}
	if (argc > 2)
		return cli_usage(&cmd_help_entry, "too many arguments");
	if (argc == 2) {
		const struct cmd_entry *e = cli_find(argv[1]);
		if (!e) {
			cli_error("'%s' is not an acre command; see 'acre help'", argv[1]);
			return CLI_USAGE;
		}
		cli_print_help(e);
		return CLI_OK;
	}
	printf("acre — build user-generated worlds: parcels, Lua scripts, history.\n\n"
	       "usage: acre COMMAND [OPTIONS] [ARGS]\n\nCommands:\n");
	for (int i = 0; cli_commands[i]; i++)
		printf("  %-9s %s\n", cli_commands[i]->name, cli_commands[i]->summary);
	printf("\nWORLD defaults to the current directory. 'acre help COMMAND' or\n"
	       "'acre COMMAND --help' describes one command; man acre(1) has them all.\n"
	       "Exit status: 0 ok, 1 the world or a script is invalid, 2 usage or\n"
	       "environment error.\n");
	return CLI_OK;
}

const struct cmd_entry cmd_help_entry = {
	.name = "help",
	.usage = "[COMMAND]",
	.summary = "list the commands, or describe one",
	.help = "With no argument, lists every command with a one-line summary.\n"
	        "With COMMAND, prints that command's usage and options, the same as\n"
	        "'acre COMMAND --help'.\n",
	.run = cmd_help,
};
