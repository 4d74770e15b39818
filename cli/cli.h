/* cli.h — the command table and the few things every subcommand shares.
 *
 * Each subcommand lives in cli/cmd-NAME.c and ends with one `struct cmd_entry`
 * (name, usage, summary, help, run function); cli/main.c lists them all in one
 * table, and `acre help`, `acre CMD --help` and acre(1) are built from it.
 * Only cli/ prints to the user and chooses exit codes. */
#ifndef ACRE_CLI_H
#define ACRE_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* ACRE_VERSION, which `acre --version` prints and reports carry, is set
 * by the Makefile for every module. */

/* Exit status, the same for every subcommand (acre(1), EXIT STATUS). */
enum {
	CLI_OK = 0,      /* success; the world is valid */
	CLI_INVALID = 1, /* the world or a script is invalid */
	CLI_USAGE = 2,   /* wrong usage, missing file, environment error */
};

/* One option of a command: --NAME, and -S too when `short_name` is not 0.
 * `arg` names the value ("N", "FILE"), NULL for a flag; in brackets
 * ("[=roff]") the value is optional and given only as --NAME=VALUE. `key` is what the
 * parser returns for it (> 0; the short letter is the usual choice). */
struct cli_opt {
	const char *name; /* without the dashes: "ticks" */
	char short_name;
	const char *arg;
	const char *help; /* one line, or lines joined with '\n' */
	int key;
};

struct cmd_entry {
	const char *name;
	const char *usage;   /* the operands after the options: "[WORLD...]" */
	const char *summary; /* one line for `acre help` */
	const char *help;    /* the notes for `acre CMD --help`, after the options */
	int (*run)(int argc, char **argv); /* argv[0] is the command name */
	/* The options, ending with a {NULL} entry; the usage line, --help,
	 * acre(1) and shell completion are all made from this table. */
	const struct cli_opt *opts;
	bool opts_first; /* options only before the first operand (lua FILE ARGS) */
};

/* The one option parser (cli/opts.c). A loop over the options:
 *
 *   cli_getopt g;
 *   cli_getopt_init(&g, &cmd_x_entry, argc, argv);
 *   while ((c = cli_getopt_next(&g)) > 0)
 *       switch (c) { case 'q': …; case OPT_TICKS: use g.value; }
 *   if (c < 0) return g.status;
 *
 * next returns an option's key (its value in g.value, as written in g.name),
 * 0 at the end, or -1 after printing a usage error (g.status CLI_USAGE) or
 * the help (--help, g.status CLI_OK). At the end the operands are
 * argv[1 .. g.nops] and g.argc is 1 + g.nops. */
typedef struct cli_getopt {
	const struct cmd_entry *e;
	int argc;
	char **argv;
	int i, nops;
	bool dashdash;
	const char *short_rest;
	const char *value;
	char name[64];
	int status;
} cli_getopt;
void cli_getopt_init(cli_getopt *g, const struct cmd_entry *e, int argc, char **argv);
int cli_getopt_next(cli_getopt *g);
/* The same as a call: `fn` gets each option's key and value and returns
 * false after reporting a bad value. Operands are moved to argv[0..n-1];
 * returns n, or -1 with the exit status in *status. */
int cli_args(const struct cmd_entry *e, int argc, char **argv,
             bool (*fn)(int key, const char *value, void *ctx), void *ctx, int *status);
/* Progress of a long operation on stderr, on a terminal only (cli/progress.c):
 * "acre run: tick 120 of 200 (60%)", from half a second on, erased at the
 * end. `unit` names what is counted; total 0 when unknown. */
typedef struct cli_progress {
	const char *what, *unit;
	int64_t total;
	bool on, shown;
	double start, last;
} cli_progress;
void cli_progress_start(cli_progress *p, const char *what, const char *unit,
                        int64_t total);
void cli_progress_step(cli_progress *p, int64_t done);
/* A phase without a count ("writing …"), shown at once on a terminal. */
void cli_progress_note(cli_progress *p, const char *what);
void cli_progress_end(cli_progress *p);

/* A completion script for `shell` ("bash" or "zsh") on stdout, made from
 * the command table (cli/complete.c); CLI_USAGE for another shell. */
int cli_completion(const char *shell);
/* "usage: acre NAME [OPTIONS…] OPERANDS" and the "Options:" list. */
void cli_print_usage(FILE *out, const struct cmd_entry *e);
void cli_print_options(FILE *out, const struct cmd_entry *e);

/* Every command's entry, defined in its cmd-NAME.c. */
extern const struct cmd_entry cmd_init_entry, cmd_gen_entry, cmd_fmt_entry,
	cmd_check_entry, cmd_run_entry, cmd_lua_entry, cmd_edit_entry,
	cmd_commit_entry, cmd_log_entry, cmd_diff_entry, cmd_blame_entry,
	cmd_checkout_entry, cmd_merge_entry, cmd_index_entry, cmd_ls_entry, cmd_who_entry,
	cmd_stats_entry, cmd_grant_entry, cmd_help_entry;

/* The table, in the order `acre help` lists it; NULL-terminated. */
extern const struct cmd_entry *const cli_commands[];
const struct cmd_entry *cli_find(const char *name);
/* "'chek' is not an acre command; did you mean 'acre check'?"; returns
 * CLI_USAGE. */
int cli_unknown_command(const char *name);

/* Messages on stderr as "acre: …" (or "acre CMD: …" with cli_cmd_error). */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void cli_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Print "acre CMD: MSG" and the command's usage line; returns CLI_USAGE. */
int cli_usage(const struct cmd_entry *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Print the full help of one command to stdout. */
void cli_print_help(const struct cmd_entry *e);

/* True when stdout (fd 1) or stderr (fd 2) is a terminal and NO_COLOR is
 * unset or empty (https://no-color.org). */
bool cli_color(int fd);

/* Option values. Each returns false (and reports through cli_usage) when the
 * text is not a valid value; `what` names the option in the message. */
bool cli_parse_int(const struct cmd_entry *e, const char *what, const char *s,
                   int64_t min, int64_t max, int64_t *out);
/* Sizes: a number with an optional K, KiB, M, MiB, G, GiB suffix (powers
 * of 1024; KB/MB/GB are accepted as the same). */
bool cli_parse_size(const struct cmd_entry *e, const char *what, const char *s,
                    uint64_t *out);

/* Print a world's diagnostics to stderr (cli/diag.c): each as
 * "FILE:LINE:COL: error: message [rule]", then the source line with a caret
 * under the token and the help line when there is one; then "... and N
 * more" when some were not recorded. Colour only on a terminal. */
struct wf_diags;
struct wf_source;
void cli_print_diags(const struct wf_diags *d);
/* The same, quoting source lines through `src`, which may already hold a
 * text that is not (yet) on disk under its name (wf_source_set). */
void cli_print_diags_in(const struct wf_diags *d, struct wf_source *src);
/* The source line, caret and help of a diagnostic (wf_source_snippet) on
 * stderr; `src` keeps the file read across calls. */
void cli_print_snippet(struct wf_source *src, const char *file, uint32_t line,
                       uint32_t col, uint32_t end_col, const char *help, bool color);



/* The world directory named by an optional argument (default "."): returns
 * a malloc'd path to the directory holding world.acre, or NULL after
 * printing why ("not a world: DIR has no world.acre"). */
char *cli_world_dir(const char *arg);

#endif
