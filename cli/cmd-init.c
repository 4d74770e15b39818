/* cmd-init.c — `acre init`: a new world repository with one sample parcel,
 * its script, and an initial commit. */
#include "cli/store-cli.h"
#include "worldfmt/worldfmt.h"

#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The sample world, in canonical form. The first %s is the world's name
 * (the directory's), the second the parcel's owner: the author who makes
 * the world, claimed in the registry by the first 'acre index'. */
static const char init_world[] =
    "# A new Acre world. Edit it with 'acre edit', check it with 'acre check',\n"
    "# save its history with 'acre commit'. The format: acre-world(5).\n"
    "world \"%s\"\n"
    "  format 1\n"
    "  seed 1\n"
    "  size 4 4  # unit parcels across and down\n"
    "  parcel-size 16 8  # tiles per unit parcel\n"
    "  budget entities=64 instructions=1000000 memory=1MiB\n"
    "\n"
    "palette\n"
    "  \".\" floor\n"
    "  \"#\" wall solid\n"
    "  \"+\" door\n"
    "  \"*\" lamp light=3\n"
    "end\n"
    "\n"
    "# Shops may run code, build, trade and talk to their neighbours.\n"
    "zone commercial\n"
    "  allow scripts tiles entities messages economy\n"
    "  max-entities-per-parcel 16\n"
    "end\n"
    "\n"
    "parcel hello 1 1\n"
    "  owner \"%s\"\n"
    "  zone commercial\n"
    "  script \"scripts/hello.lua\"\n"
    "  layout\n"
    "    ################\n"
    "    #..............#\n"
    "    #..*........*..#\n"
    "    #..............#\n"
    "    #..............#\n"
    "    #..*........*..#\n"
    "    #..............#\n"
    "    #######++#######\n"
    "  end\n"
    "  entity greeter 7 3 glyph=\"@\"\n"
    "end\n";

static const char init_script[] =
    "-- hello.lua: the script of parcel 'hello'. The host calls its handlers\n"
    "-- (on_load, on_tick, on_enter, on_message ...) in the sandbox; see\n"
    "-- acre-lua(7) for what a script may use.\n"
    "local ticks = 0\n"
    "\n"
    "function on_tick()\n"
    "  ticks = ticks + 1\n"
    "end\n";

static bool init_opt(int c, const char *arg, void *ctx)
{
	const char **owner = ctx;
	if (c == 'o')
		*owner = arg;
	return true;
}

/* Owners are logins (acre-history(7), GOVERNANCE): --owner, else the git
 * author's name when it is shaped like a login (no blanks or quotes: a
 * display name such as "Ada Lovelace" is not one), else the login of the
 * local account. */
static bool init_owner(const char *dir, const char *given, char *owner, size_t len,
                       store_err *err)
{
	if (given) {
		snprintf(owner, len, "%s", given);
	} else {
		if (store_whoami(dir, owner, len, err) != 0)
			return false;
		if (!*owner || strpbrk(owner, " \t\"\\") || !wf_text_ok(owner)) {
			const char *u = getenv("USER");
			struct passwd *pw = (!u || !*u) ? getpwuid(getuid()) : NULL;
			snprintf(owner, len, "%s", u && *u ? u : pw ? pw->pw_name : "owner");
		}
	}
	if (!*owner || strpbrk(owner, " \t\"\\") || !wf_text_ok(owner)) {
		snprintf(err->msg, sizeof err->msg,
		         "owner '%.64s' is not a login (no blanks, quotes or control "
		         "characters)", owner);
		return false;
	}
	return true;
}

/* The world's name: the last component of DIR (of the current directory
 * for "."), kept to what a world name may hold. */
static void init_name(const char *dir, char *name, size_t len)
{
	char buf[PATH_MAX];
	char *abs = realpath(dir, NULL);
	snprintf(buf, sizeof buf, "%s", abs ? abs : dir);
	free(abs);
	size_t n = strlen(buf);
	while (n > 1 && buf[n - 1] == '/')
		buf[--n] = '\0';
	const char *base = strrchr(buf, '/');
	base = base && base[1] ? base + 1 : buf;
	size_t k = 0;
	for (const char *p = base; *p && k + 1 < len && k < 63; p++)
		name[k++] =
		    (*p == '"' || *p == '\\' || (unsigned char)*p < ' ') ? '-' : *p;
	name[k] = '\0';
	if (!k)
		snprintf(name, len, "world");
}

/* Whether an executable `acre` is on PATH, where git looks for the merge
 * driver it is configured to run. */
static bool acre_on_path(void)
{
	const char *path = getenv("PATH");
	char file[PATH_MAX];
	while (path && *path) {
		size_t n = strcspn(path, ":");
		/* An empty entry is the current directory, as for the shell. */
		if ((size_t)snprintf(file, sizeof file, "%.*s%sacre", (int)n, path,
		                     n ? "/" : "") < sizeof file &&
		    access(file, X_OK) == 0)
			return true;
		path += n + (path[n] == ':');
	}
	return false;
}

static int cmd_init(int argc, char **argv)
{
	char name[128], owner[128], hex[STORE_OID_HEX];
	store_err err;
	int status;
	const char *given = NULL;
	int n = cli_args(&cmd_init_entry, argc, argv, init_opt, &given, &status);
	if (n < 0)
		return status;
	if (n > 1)
		return cli_usage(&cmd_init_entry, "one directory at a time");
	const char *dir = n ? argv[0] : ".";
	init_name(dir, name, sizeof name);
	if (!init_owner(dir, given, owner, sizeof owner, &err)) {
		cli_error("%s", err.msg);
		return CLI_USAGE;
	}
	char *world = malloc(sizeof init_world + strlen(name) + strlen(owner));
	if (!world)
		return CLI_USAGE;
	sprintf(world, init_world, name, owner);
	store_file files[] = {{"world.acre", world}, {"scripts/hello.lua", init_script}};
	store_init_result res;
	int rc = store_init(dir, files, 2, "New world with a sample parcel", hex, &res, &err);
	free(world);
	if (rc != 0) {
		cli_error("%s", err.msg);
		return CLI_USAGE;
	}
	if (res == STORE_INIT_DRIVER)
		printf("%s is already a world repository: merge driver set up "
		       "(.gitattributes, merge.acre.driver)\n", dir);
	else if (res == STORE_INIT_ADOPTED)
		printf("made a repository of the world in %s (commit %.10s)\n", dir, hex);
	else
		printf("made world '%s' in %s (commit %.10s)\n", name, dir, hex);
	if (!acre_on_path())
		cli_warn("'acre' is not on PATH, so git cannot run its merge driver: "
		         "a merge that changes world.acre on both sides conflicts until it is "
		         "('make install', or add acre's directory to PATH)");
	return CLI_OK;
}

static const struct cli_opt cmd_init_opts[] = {
	{"owner", 0, "LOGIN",
	 "the sample parcel's owner (default: the author's name\n"
	 "when it is a login, else $USER)",
	 'o'},
	{NULL, 0, NULL, NULL, 0},
};

const struct cmd_entry cmd_init_entry = {
    .name = "init",
    .usage = "[DIR]",
    .summary = "create a new world repository with a sample parcel",
    .help = "Makes DIR (default: the current directory) a git repository holding\n"
            "a world named after the directory: world.acre with one parcel\n"
            "'hello' in a commercial zone, its script scripts/hello.lua, and an\n"
            "initial commit. DIR must be new or empty. The commit's author comes\n"
            "from GIT_AUTHOR_NAME and GIT_AUTHOR_EMAIL, else git's user.name and\n"
            "user.email. The sample parcel's owner is a login, as on a platform\n"
            "(acre-history(7)): --owner, else the author's name when it has no\n"
            "blanks, else the local account's login ($USER).\n"
            "\n"
            "A DIR that already holds world.acre (a Street from 'acre gen') keeps\n"
            "its files and becomes a repository with them as the first commit.\n"
            "In every case world.acre is routed to the merge driver, so that git\n"
            "merges it parcel by parcel ('acre merge --help'): .gitattributes\n"
            "gets \"world.acre merge=acre\" and the repository's configuration\n"
            "merge.acre.driver. In a world repository that exists already (a\n"
            "clone: git does not clone configuration) 'acre init' sets up only\n"
            "the driver. git runs the driver as 'acre' found on PATH; init warns\n"
            "when there is none.\n",
    .run = cmd_init,
    .opts = cmd_init_opts,
};
