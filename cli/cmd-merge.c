/* cmd-merge.c — `acre merge BASE OURS THEIRS [PATH]`: git's merge driver for
 * world files (gitattributes(5), "Defining a custom merge driver").
 *
 * git calls it as `acre merge %O %A %B %P` with three temporary files; the
 * result replaces OURS (%A). Exit 0 tells git the merge is clean, 1 that
 * conflicts remain (the file then holds markers that `acre check` names per
 * parcel and tile). A side that does not parse cannot be merged parcel by
 * parcel: then git's own line merge (`git merge-file`) does the work, as it
 * would without the driver. */
#include "cli/cli.h"
#include "worldfmt/worldfmt.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern const struct cmd_entry cmd_merge_entry;

struct side {
	const char *path;
	char *data;
	size_t len;
	wf_world *w;
	wf_diags d;
};

static int read_side(struct side *s, const char *label)
{
	wf_read_status st = wf_read_named(s->path, WF_MAX_WORLD_BYTES, &s->data, &s->len);
	if (st != WF_READ_OK) {
		cli_error("merge: %s (%s): %s", s->path, label, wf_read_strerror(st));
		return -1;
	}
	s->d.max = 1;
	/* git passes an empty base when both sides added the file. */
	s->w = s->len ? wf_parse(s->data, s->len, s->path, &s->d) : wf_world_new();
	if (!s->w) {
		cli_error("merge: out of memory");
		return -1;
	}
	return 0;
}

static void free_side(struct side *s)
{
	free(s->data);
	wf_world_free(s->w);
	wf_diags_free(&s->d);
}

/* git's line merge of the three files into OURS: its exit status is the
 * number of conflicts (capped), negative on error. */
static int merge_lines(const char *base, const char *ours, const char *theirs)
{
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		execlp("git", "git", "merge-file", "-L", "ours", "-L", "base", "-L",
		       "theirs", ours, base, theirs, (char *)NULL);
		_exit(127);
	}
	int st;
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -1;
	if (!WIFEXITED(st) || WEXITSTATUS(st) >= 127)
		return -1;
	return WEXITSTATUS(st);
}

static int fallback(struct side s[3], const char *shown, const char *why)
{
	cli_warn("merge: %s: %s; merging it line by line instead", shown, why);
	int rc = merge_lines(s[0].path, s[1].path, s[2].path);
	if (rc < 0) {
		cli_error("merge: %s: 'git merge-file' failed", shown);
		return CLI_USAGE;
	}
	return rc == 0 ? CLI_OK : CLI_INVALID;
}

/* The conflicts, named as the parser names them in the marked result. */
static void print_conflicts(const wf_buf *out, const char *shown)
{
	wf_diags d = {0};
	wf_source src = {0};
	wf_world *w = wf_parse(out->data, out->len, shown, &d);
	/* The marked result is not on disk under its name yet (and a file of
	 * that name in the working directory is another text): quote it. */
	wf_source_set(&src, shown, out->data, out->len);
	cli_print_diags_in(&d, &src);
	wf_source_free(&src);
	wf_world_free(w);
	wf_diags_free(&d);
}

static int cmd_merge(int argc, char **argv)
{
	if (argc < 4 || argc > 5)
		return cli_usage(&cmd_merge_entry, "wants BASE OURS THEIRS [PATH]");
	for (int i = 1; i < argc; i++)
		if (argv[i][0] == '-' && argv[i][1])
			return cli_usage(&cmd_merge_entry, "unknown option '%s'",
			                 argv[i]);
	const char *shown = argc == 5 ? argv[4] : argv[2];
	struct side s[3] = {{.path = argv[1]}, {.path = argv[2]}, {.path = argv[3]}};
	static const char *const label[3] = {"base", "ours", "theirs"};
	int rc = CLI_USAGE;
	for (int i = 0; i < 3; i++)
		if (read_side(&s[i], label[i]) != 0)
			goto out;
	for (int i = 0; i < 3; i++)
		if (s[i].d.errors) {
			char why[256];
			snprintf(why, sizeof why, "%s does not parse (line %u: %s)",
			         label[i], s[i].d.n ? s[i].d.v[0].line : 0,
			         s[i].d.n ? s[i].d.v[0].msg : "");
			rc = fallback(s, shown, why);
			goto out;
		}
	wf_buf out = {0};
	int conflicts = 0;
	wf_merge_status st = wf_merge(s[0].w, s[1].w, s[2].w, &out, &conflicts);
	if (st == WF_MERGE_OOM) {
		cli_error("merge: out of memory");
	} else if (st == WF_MERGE_UNMERGEABLE) {
		rc = fallback(s, shown,
		              "the change cannot be merged parcel by parcel (parcel-size "
		              "changed, or a palette past 255 glyphs)");
	} else if (wf_save_atomic(s[1].path, out.data, out.len) != 0) {
		cli_error("merge: cannot write %s: %s", s[1].path, strerror(errno));
	} else if (st == WF_MERGE_CONFLICTS) {
		print_conflicts(&out, shown);
		rc = CLI_INVALID;
	} else {
		rc = CLI_OK;
	}
	wf_buf_free(&out);
out:
	for (int i = 0; i < 3; i++)
		free_side(&s[i]);
	return rc;
}

const struct cmd_entry cmd_merge_entry = {
    .name = "merge",
    .usage = "BASE OURS THEIRS [PATH]",
    .summary = "three-way merge of world files (git's merge driver)",
    .help = "Merges the changes from BASE to THEIRS into OURS, parcel by parcel\n"
            "and, inside a parcel, tile by tile and entity by entity; header\n"
            "fields, palette entries and zones merge by key. The result replaces\n"
            "OURS in canonical form. Changes that collide (one tile set to two\n"
            "glyphs, parcels placed on overlapping land, one entity changed two\n"
            "ways, an edit against a removal) are conflicts: OURS then holds\n"
            "<<<<<<< ours / ======= / >>>>>>> theirs lines around them, each\n"
            "side canonical, which 'acre check' reports per parcel and tile.\n"
            "PATH names the file in messages. When a side does not parse, the\n"
            "lines are merged by 'git merge-file' instead.\n"
            "\n"
            "git runs it when a repository has (acre init sets both up):\n"
            "  .gitattributes:  world.acre merge=acre\n"
            "  git config merge.acre.driver 'acre merge %O %A %B %P'\n"
            "\n"
            "Exit status: 0 merged cleanly, 1 conflicts remain, 2 a file could\n"
            "not be read or written.\n",
    .run = cmd_merge,
};
