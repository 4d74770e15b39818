/* store-cli.h — what the history and registry commands (init, commit, log,
 * diff, blame, checkout, index, ls, who, stats, grant) share: opening the
 * repository and the registry with the same messages, and option parsing
 * for --registry and --world. */
#ifndef ACRE_STORE_CLI_H
#define ACRE_STORE_CLI_H

#include "cli/cli.h"
#include "store/store.h"

/* Open the world repository of WORLD (default "."), printing why not. */
store_repo *cmd_store_repo(const char *world);

/* Progress on stderr for walks that take more than a second, when stderr
 * is a terminal (cmd_store_repo installs it). A command printing results
 * as it goes clears the line first with cmd_progress_clear. */
void cmd_progress_clear(void);

/* Open the registry named by --registry FILE (NULL: ACRE_REGISTRY, then the
 * default under $XDG_DATA_HOME), printing why not. */
store_reg *cmd_store_registry(const char *opt);

/* The world name for a WORLD argument: a registered name, or a directory
 * (default ".") that has been indexed. Prints why not. malloc'd. */
char *cmd_store_world(store_reg *g, const char *arg);

/* "2026-11-26 14:03" in the commit's own time zone. */
void cmd_store_date(const store_commit_info *c, char *buf, size_t len);

/* Parse argv for the options in `opts` (getopt_long syntax, leading '+'
 * implied); positional arguments are moved to the front of argv and their
 * count returned, or -1 after reporting a usage error. `fn` receives each
 * option's short code and argument and returns false to fail. */
struct option;
int cmd_store_args(const struct cmd_entry *e, int argc, char **argv,
                   const char *shortopts, const struct option *longopts,
                   bool (*fn)(int c, const char *arg, void *ctx), void *ctx);

#endif
