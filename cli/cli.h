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

/* ACRE_VERSION, which `acre --version` prints and reports carry, is set
 * by the Makefile for every module. */

/* Exit status, the same for every subcommand (acre(1), EXIT STATUS). */
enum {
	CLI_OK = 0,      /* success; the world is valid */
	CLI_INVALID = 1, /* the world or a script is invalid */
	CLI_USAGE = 2,   /* wrong usage, missing file, environment error */
};

struct cmd_entry {
	const char *name;
	const char *usage;   /* what follows the name: "[--check] [WORLD...]" */
	const char *summary; /* one line for `acre help` */
	const char *help;    /* the options and notes for `acre CMD --help` */
	int (*run)(int argc, char **argv); /* argv[0] is the command name */
};

/* Every command's entry, defined in its cmd-NAME.c. */
extern const struct cmd_entry cmd_init_entry, cmd_gen_entry, cmd_fmt_entry,
	cmd_check_entry, cmd_run_entry, cmd_lua_entry, cmd_edit_entry,
	cmd_commit_entry, cmd_log_entry, cmd_diff_entry, cmd_blame_entry,
	cmd_checkout_entry, cmd_merge_entry, cmd_index_entry, cmd_ls_entry, cmd_who_entry,
	cmd_stats_entry, cmd_grant_entry, cmd_help_entry;

/* The table, in the order `acre help` lists it; NULL-terminated. */
extern const struct cmd_entry *const cli_commands[];
const struct cmd_entry *cli_find(const char *name);

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

/* Print a world's diagnostics to stderr, one "FILE:LINE:COL: message" a
 * line, then "... and N more" when some were not recorded. */
struct wf_diags;
void cli_print_diags(const struct wf_diags *d);

/* The world directory named by an optional argument (default "."): returns
 * a malloc'd path to the directory holding world.acre, or NULL after
 * printing why ("not a world: DIR has no world.acre"). */
char *cli_world_dir(const char *arg);

#endif
