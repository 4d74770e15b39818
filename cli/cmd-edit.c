/* cmd-edit.c — `acre edit`: open a world in the full-screen editor. */
#include "cli/cli.h"
#include "editor/editor.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The key list as acre-edit(1) shows it (roff), from the editor's key
 * table; tests/t/60-edit-basics.sh checks that the man page holds it. */
static void print_keys(bool roff)
{
	const char *section = NULL;
	for (int i = 0; ed_help_entry(i); i++) {
		const ed_keyhelp *h = ed_help_entry(i);
		if (!section || strcmp(section, h->section) != 0) {
			section = h->section;
			printf(roff ? ".SS %s\n" : "%s\n", section);
		}
		if (!roff) {
			printf("  %-22s %s\n", h->keys, h->help);
			continue;
		}
		printf(".TP\n.B ");
		for (const char *s = h->keys; *s; s++) /* roff: escape - and \ */
			printf("%s", *s == '-'    ? "\\-"
			             : *s == '\\' ? "\\e"
			                          : (char[]){*s, 0});
		printf("\n%s\n", h->help);
	}
}

static int cmd_edit(int argc, char **argv)
{
	ed_options o = {0};
	const char *arg = NULL;
	cli_getopt g;
	int c;
	cli_getopt_init(&g, &cmd_edit_entry, argc, argv);
	while ((c = cli_getopt_next(&g)) > 0) {
		if (c == 's') {
			o.stats = true;
		} else if (c == 'r') {
			o.recover = true;
		} else if (c == 'k') {
			if (g.value && strcmp(g.value, "roff") != 0)
				return cli_usage(&cmd_edit_entry,
				                 "--keys wants nothing or =roff, not '%s'",
				                 g.value);
			print_keys(g.value != NULL);
			return CLI_OK;
		}
	}
	if (c < 0)
		return g.status;
	if (g.nops > 1)
		return cli_usage(&cmd_edit_entry, "one world at a time");
	arg = g.nops ? argv[1] : NULL;
	char *dir = cli_world_dir(arg);
	if (!dir)
		return CLI_USAGE;
	o.dir = dir;
	ed_stats st = {0};
	char err[1024] = "";
	int r = ed_run(&o, &st, err, sizeof err);
	free(dir);
	if (r != 0) {
		cli_error("edit: %s", err);
		return CLI_USAGE;
	}
	if (st.signal) {
		/* Hung up or terminated: the edits are in the recovery file. Leave
		 * at once with the status of the signal, as a shell expects, and
		 * without exit handlers: the terminal is gone, and nothing else is
		 * left to flush. */
		cli_error("edit: %s: unsaved edits kept for 'acre edit --recover'",
		          strsignal(st.signal));
		_exit(128 + st.signal);
	}
	if (o.stats) {
		printf("first frame: %.1f ms (world read in %.1f ms)\n",
		       st.first_frame_ms, st.load_ms);
		printf("keystroke to frame: %d keys, p50 %.2f ms, p99 %.2f ms, max %.2f "
		       "ms\n",
		       st.keys, st.p50_ms, st.p99_ms, st.max_ms);
		printf("work between keys once the world was read: longest turn %.2f ms\n",
		       st.idle_max_ms);
	}
	return CLI_OK;
}

static const struct cli_opt cmd_edit_opts[] = {
	{"stats", 0, NULL,
	 "on exit, print the time to the first frame, the\n"
	 "keystroke-to-frame times (p50, p99, max) and the\n"
	 "longest turn of work between keys once the world\n"
	 "was read",
	 's'},
	{"recover", 0, NULL,
	 "take the newest recovery file of an earlier session\n"
	 "without asking (each editor keeps its unsaved edits\n"
	 "beside world.acre as .world.acre.PID.acre-recover\n"
	 "until the world is saved)",
	 'r'},
	{"keys", 0, "[=roff]",
	 "print the key bindings and commands, and exit\n"
	 "(--keys=roff prints them as acre-edit(1) shows them)",
	 'k'},
	{NULL, 0, NULL, NULL, 0},
};

const struct cmd_entry cmd_edit_entry = {
    .name = "edit",
    .usage = "[WORLD]",
    .summary = "open a world in the full-screen editor",
    .help = "Opens WORLD (default: the current directory) in a full-screen terminal\n"
            "editor: paint tiles, lay out parcels and entities, edit their owner,\n"
            "zone and script, watch the world's problems live, play the scripts, save\n"
            "and commit. Press ? inside for every key; acre-edit(1) lists them too.\n"
            "\n"
            "A world that does not parse is not opened (acre check lists why),\n"
            "except one with merge conflict markers: it opens side by side, ours\n"
            "and theirs, to resolve each conflict (]c next, < ours, > theirs,\n"
            "u undoes a pick; acre-edit(1), MERGE CONFLICTS). An editor that dies\n"
            "mid-merge leaves a recovery file that brings the merge view back with\n"
            "the picks made.\n"
            "NO_COLOR (any value) turns colour off.\n",
    .run = cmd_edit,
    .opts = cmd_edit_opts,
};
