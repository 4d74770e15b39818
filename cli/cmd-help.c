/* cmd-help.c — `acre help [CMD]`: the command list, or one command's help. */
#include "cli/cli.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
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
		/* The synopsis and options as --help prints them. */
		char *usage = NULL, *opts = NULL;
		size_t ul = 0, ol = 0;
		FILE *f = open_memstream(&usage, &ul);
		if (f) {
			cli_print_usage(f, e);
			fclose(f);
		}
		f = open_memstream(&opts, &ol);
		if (f) {
			cli_print_options(f, e);
			fclose(f);
		}
		const char *syn = usage ? usage + strlen("usage: acre ") + strlen(e->name) : "";
		printf(".TP\n\\fBacre %s\\fR", e->name);
		if (usage && ul > 0)
			usage[ul - 1] = '\0'; /* the newline */
		roff_text(syn);
		putchar('\n');
		roff_text(e->summary);
		putchar('\n');
		bool help = e->help && *e->help, options = opts && *opts;
		if (help || options) {
			printf(".RS\n.nf\n");
			if (help) {
				roff_text(e->help);
				if (e->help[strlen(e->help) - 1] != '\n')
					putchar('\n');
			}
			if (help && options)
				putchar('\n');
			if (options)
				roff_text(opts);
			printf(".fi\n.RE\n");
		}
		free(usage);
		free(opts);
	}
}

static int cmd_help(int argc, char **argv)
{
	cli_getopt g;
	int c;
	cli_getopt_init(&g, &cmd_help_entry, argc, argv);
	while ((c = cli_getopt_next(&g)) > 0) {
		if (c == 'r') {
			help_roff();
			return CLI_OK;
		}
		if (c == 'c')
			return cli_completion(g.value);
	}
	if (c < 0)
		return g.status;
	argc = g.argc;
	if (argc > 2)
		return cli_usage(&cmd_help_entry, "too many arguments");
	if (argc == 2) {
		const struct cmd_entry *e = cli_find(argv[1]);
		if (!e)
			return cli_unknown_command(argv[1]);
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

static const struct cli_opt cmd_help_opts[] = {
	{"roff", 0, NULL, "print the COMMANDS section of acre(1) in roff", 'r'},
	{"completion", 0, "SHELL",
	 "print a completion script for bash or zsh, made from\n"
	 "the command table ('make install' installs both)",
	 'c'},
	{NULL, 0, NULL, NULL, 0},
};

const struct cmd_entry cmd_help_entry = {
	.name = "help",
	.usage = "[COMMAND]",
	.summary = "list the commands, or describe one",
	.help = "With no argument, lists every command with a one-line summary.\n"
	        "With COMMAND, prints that command's usage and options, the same as\n"
	        "'acre COMMAND --help'.\n",
	.run = cmd_help,
	.opts = cmd_help_opts,
};
