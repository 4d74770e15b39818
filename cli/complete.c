/* complete.c — bash and zsh completion scripts, made from the command table
 * (`acre help --completion=bash|zsh`, installed by `make install`), so that
 * a new command or option completes as soon as it is in its cmd_entry. */
#include "cli/cli.h"

#include <stdio.h>
#include <string.h>

/* The options of `e` as "--a --b -c", for a completion word list. */
static void words(const struct cmd_entry *e)
{
	const char *sep = "";
	for (const struct cli_opt *o = e->opts; o && o->name; o++) {
		bool opt = o->arg && o->arg[0] == '[';
		printf("%s--%s%s", sep, o->name, o->arg && !opt ? "=" : "");
		sep = " ";
		if (o->short_name)
			printf(" -%c", o->short_name);
	}
	printf("%s--help", sep);
}

static void bash(void)
{
	printf("# bash completion for acre, made by 'acre help --completion=bash'\n"
	       "_acre() {\n"
	       "\tlocal cur=${COMP_WORDS[COMP_CWORD]} cmd=${COMP_WORDS[1]}\n"
	       "\tif [ \"$COMP_CWORD\" -eq 1 ]; then\n"
	       "\t\tCOMPREPLY=($(compgen -W \"");
	for (int i = 0; cli_commands[i]; i++)
		printf("%s%s", i ? " " : "", cli_commands[i]->name);
	printf(" --help --version\" -- \"$cur\"))\n"
	       "\t\treturn\n"
	       "\tfi\n"
	       "\tlocal opts\n"
	       "\tcase $cmd in\n");
	for (int i = 0; cli_commands[i]; i++) {
		printf("\t%s) opts=\"", cli_commands[i]->name);
		words(cli_commands[i]);
		printf("\" ;;\n");
	}
	printf("\t*) return ;;\n"
	       "\tesac\n"
	       "\tif [ \"$cmd\" = help ] && [ \"$COMP_CWORD\" -eq 2 ]; then\n"
	       "\t\tCOMPREPLY=($(compgen -W \"");
	for (int i = 0; cli_commands[i]; i++)
		printf("%s%s", i ? " " : "", cli_commands[i]->name);
	printf("\" -- \"$cur\"))\n"
	       "\t\treturn\n"
	       "\tfi\n"
	       "\tcase $cur in\n"
	       "\t-*) COMPREPLY=($(compgen -W \"$opts\" -- \"$cur\"))\n"
	       "\t    [ \"${COMPREPLY[0]%%=}\" != \"${COMPREPLY[0]}\" ] && compopt -o nospace ;;\n"
	       "\t*) COMPREPLY=($(compgen -f -- \"$cur\")) ;;\n"
	       "\tesac\n"
	       "}\n"
	       "complete -F _acre acre\n");
}

/* A zsh description: no ':' or ']' or quotes, first line only. */
static void zsh_text(const char *s)
{
	for (; *s && *s != '\n'; s++)
		putchar(*s == ':' || *s == ']' || *s == '[' || *s == '\'' ? ' ' : *s);
}

static void zsh(void)
{
	printf("#compdef acre\n"
	       "# zsh completion for acre, made by 'acre help --completion=zsh'\n"
	       "_acre() {\n"
	       "\tlocal -a cmds\n"
	       "\tcmds=(\n");
	for (int i = 0; cli_commands[i]; i++) {
		printf("\t\t'%s:", cli_commands[i]->name);
		zsh_text(cli_commands[i]->summary);
		printf("'\n");
	}
	printf("\t)\n"
	       "\tif (( CURRENT == 2 )); then\n"
	       "\t\t_describe command cmds\n"
	       "\t\treturn\n"
	       "\tfi\n"
	       "\tcase $words[2] in\n");
	for (int i = 0; cli_commands[i]; i++) {
		const struct cmd_entry *e = cli_commands[i];
		printf("\t%s) _arguments", e->name);
		for (const struct cli_opt *o = e->opts; o && o->name; o++) {
			bool opt = o->arg && o->arg[0] == '[';
			printf(" \\\n\t\t'--%s%s[", o->name, o->arg && !opt ? "=" : "");
			zsh_text(o->help);
			printf("]%s'", o->arg && !opt ? ":value:_files" : "");
			if (o->short_name) {
				printf(" \\\n\t\t'-%c[", o->short_name);
				zsh_text(o->help);
				printf("]%s'", o->arg ? ":value:_files" : "");
			}
		}
		printf(" \\\n\t\t'*:file:_files' ;;\n");
	}
	printf("\tesac\n"
	       "}\n"
	       "_acre \"$@\"\n");
}

int cli_completion(const char *shell)
{
	if (strcmp(shell, "bash") == 0)
		bash();
	else if (strcmp(shell, "zsh") == 0)
		zsh();
	else
		return cli_usage(&cmd_help_entry, "--completion wants bash or zsh, not '%s'",
		                 shell);
	return CLI_OK;
}
