/* cmd-commit.c — `acre commit`: record the world's files in git, with a
 * message naming the parcels that changed when none is given. */
#include "cli/store-cli.h"
#include "worldfmt/worldfmt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct commit_opts {
	const char *message;
};

static bool commit_opt(int c, const char *arg, void *ctx)
{
	struct commit_opts *o = ctx;
	if (c == 'm') {
		if (!*arg) {
			cli_usage(&cmd_commit_entry, "-m wants a message");
			return false;
		}
		o->message = arg;
	}
	return true;
}

/* "Change parcels a, b and 3 more" from the semantic diff against HEAD;
 * NULL when it cannot be worked out (a side does not parse, no HEAD). */
static char *commit_message(store_repo *r)
{
	char **names, *msg;
	int n;
	store_err err;
	if (store_changed_parcels(r, "HEAD", NULL, &names, &n, &err) != 0)
		return NULL;
	size_t cap = 160;
	if (n == 0 || !(msg = malloc(cap))) {
		store_names_free(names, n);
		return NULL;
	}
	int len = snprintf(msg, cap, "Change parcel%s", n > 1 ? "s" : "");
	int shown = 0;
	for (; shown < n && len + strlen(names[shown]) + 16 < cap; shown++)
		len += snprintf(msg + len, cap - (size_t)len, "%s%s", shown ? ", " : " ",
		                names[shown]);
	if (shown < n)
		snprintf(msg + len, cap - (size_t)len, " and %d more", n - shown);
	store_names_free(names, n);
	return msg;
}

/* A world that does not parse is committed all the same (history keeps
 * work in progress), with a warning naming the first error; but a world
 * with merge conflict markers is an unfinished merge, and committing it is
 * refused with every conflict named (returns false). The world parsed
 * is left in *out (NULL when none) for store_commit_world. */
static bool commit_check_parse(store_repo *r, wf_world **out)
{
	char path[4096];
	wf_diags d = {0};
	snprintf(path, sizeof path, "%s", store_repo_dir(r));
	wf_world *w = wf_load(path, &d);
	bool conflicted = false;
	for (int i = 0; i < d.n && !conflicted; i++)
		conflicted = strstr(d.v[i].msg, "merge conflict") != NULL;
	if (conflicted) {
		cli_print_diags(&d);
		cli_error("world.acre has unresolved merge conflicts; resolve them "
		          "(keep one side of each), then commit");
	} else if (d.errors && d.n) {
		cli_warn("world.acre does not parse (%u:%u: %s); committing it anyway",
		         d.v[0].line, d.v[0].col, d.v[0].msg);
	}
	*out = w;
	wf_diags_free(&d);
	return !conflicted;
}

static int cmd_commit(int argc, char **argv)
{
	struct commit_opts o = {0};
	char hex[STORE_OID_HEX];
	bool nothing;
	store_err err;
	int status;
	int n = cli_args(&cmd_commit_entry, argc, argv, commit_opt, &o, &status);
	if (n < 0)
		return status;
	if (n > 1)
		return cli_usage(&cmd_commit_entry, "one world at a time");
	store_repo *r = cmd_store_repo(n ? argv[0] : NULL);
	if (!r)
		return CLI_USAGE;
	wf_world *w;
	if (!commit_check_parse(r, &w)) {
		wf_world_free(w);
		store_repo_close(r);
		return CLI_INVALID;
	}
	/* A merge is described by git's MERGE_MSG unless -m is given. */
	bool merging = store_merging(r);
	char *auto_msg = o.message || merging ? NULL : commit_message(r);
	const char *msg = o.message ? o.message : auto_msg;
	int rc = store_commit_world(r, w, msg, hex, &nothing, &err);
	wf_world_free(w);
	if (rc != 0)
		cli_error("%s", err.msg);
	else if (nothing)
		printf("nothing to commit: the world is as in HEAD\n");
	else
		printf("[%.10s] %s\n", hex, msg       ? msg
		                         : merging ? "Merge (git's merge message)"
		                                   : "Update the world");
	free(auto_msg);
	store_repo_close(r);
	return rc == 0 ? CLI_OK : CLI_USAGE;
}

static const struct cli_opt cmd_commit_opts[] = {
	{"message", 'm', "MSG",
	 "the commit message (default: \"Change parcels\n"
	 "...\" naming the parcels that changed)",
	 'm'},
	{NULL, 0, NULL, NULL, 0},
};

const struct cmd_entry cmd_commit_entry = {
    .name = "commit",
    .usage = "[WORLD]",
    .summary = "commit the world's files to its git history",
    .help = "Records world.acre, scripts/, assets/, .gitattributes and every file\n"
            "world.acre names (its events file, scripts kept elsewhere) of WORLD\n"
            "(default: the world around the current directory) as they are on\n"
            "disk, additions and removals included, as a new commit on the\n"
            "current branch. Other files, staged with 'git add' or not, are\n"
            "left out and stay as they are.\n"
            "\n"
            "During a 'git merge' the commit is the merge: the whole index, as\n"
            "'git commit' would record it, with both parents and git's merge\n"
            "message unless -m is given. It is refused while world.acre holds\n"
            "conflict markers (each conflict is named) or another path is\n"
            "unmerged. A world.acre that is missing, a directory or a symbolic\n"
            "link is refused too: committing it would delete the world.\n"
            "\n"
            "The author comes from GIT_AUTHOR_NAME and GIT_AUTHOR_EMAIL, else\n"
            "git's user.name and user.email; a commit without one is refused,\n"
            "as is one on a detached HEAD.\n",
    .run = cmd_commit,
    .opts = cmd_commit_opts,
};
