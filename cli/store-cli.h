/* store-cli.h — what the history and registry commands (init, commit, log,
 * diff, blame, checkout, index, ls, who, stats, grant) share: opening the
 * repository and the registry with the same messages. Their options go
 * through the one parser of cli/opts.c. */
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
/* What cmd_store_repo sets up, for a repository opened another way: that
 * progress, and malloc tuned for reading history. */
void cmd_store_setup(store_repo *r);

/* Open the registry named by --registry FILE (NULL: ACRE_REGISTRY, then the
 * default under $XDG_DATA_HOME), printing why not. */
store_reg *cmd_store_registry(const char *opt);
/* The same for commands that only read: works on a registry that cannot
 * be written, and never creates one. */
store_reg *cmd_store_registry_ro(const char *opt);

/* The world key for a WORLD argument: an indexed repository or directory
 * (default "."), or a world name that only one world has. Prints why not.
 * malloc'd. */
char *cmd_store_world(store_reg *g, const char *arg);

/* "2026-11-26 14:03" in the commit's own time zone. */
void cmd_store_date(const store_commit_info *c, char *buf, size_t len);

#endif
