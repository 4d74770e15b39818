/* cmd-lua.c — `acre lua`: run one Lua script in the sandbox, without a world.
 *
 * The same sandbox as a parcel's (vm/): budgets, determinism, no escape.
 * print() goes to stdout; require() finds modules next to the script. This
 * is how creators try code and how the sandbox is benchmarked. */
#include "cli/cli.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vm/vm.h"
#include "worldfmt/worldfmt.h"

/* The seed of `acre lua` runs: fixed, so that runs repeat exactly. */
#define CMD_LUA_SEED 1992

struct cmd_lua_ctx {
	const char *dir; /* the script's directory, "" for the cwd */
};

static void cmd_lua_output(void *ud, const char *text, size_t len)
{
	(void)ud;
	fwrite(text, 1, len, stdout);
}

/* Module "a.b" is a/b.lua beside the script, read as a world reads its
 * modules (acre-world(5)): no link followed, a regular file, capped. */
static int cmd_lua_module(void *ud, const char *name, char **src, size_t *len, char *path,
                          size_t pathlen)
{
	const struct cmd_lua_ctx *c = ud;
	char rel[512];
	int n = snprintf(rel, sizeof rel, "%s.lua", name);
	if (n < 0 || (size_t)n >= sizeof rel)
		return -1;
	for (char *p = rel; p < rel + n - 4; p++)
		if (*p == '.')
			*p = '/';
	if (wf_world_read(c->dir, rel, WF_MAX_SCRIPT_BYTES, src, len) != WF_READ_OK)
		return -1;
	snprintf(path, pathlen, "%s%s%s", c->dir, *c->dir ? "/" : "", rel);
	return 0;
}

/* Set the global `arg`: arg[0] is the script, arg[1..] its arguments. */
static void cmd_lua_args(vm *v, int argc, char **argv)
{
	lua_State *L = vm_lua(v);
	lua_createtable(L, argc, 1);
	for (int i = 0; i < argc; i++) {
		lua_pushstring(L, argv[i]);
		lua_rawseti(L, -2, i);
	}
	lua_setglobal(L, "arg");
}

static int cmd_lua(int argc, char **argv)
{
	vm_limits lim = vm_default_limits();
	/* stdout, not a parcel's log, so more than a world allows; but a cap
	 * all the same: a loop of prints must end */
	lim.output = (size_t)64 << 20;
	int i = 1;
	for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		const char *opt = argv[i];
		if (strcmp(opt, "--") == 0) {
			i++;
			break;
		}
		if (i + 1 >= argc &&
		    (strcmp(opt, "--instructions") == 0 || strcmp(opt, "--memory") == 0 ||
		     strcmp(opt, "--output") == 0))
			return cli_usage(&cmd_lua_entry, "%s needs a value", opt);
		if (strcmp(opt, "--instructions") == 0) {
			int64_t n;
			if (!cli_parse_int(&cmd_lua_entry, "--instructions", argv[++i], 1,
			                   INT64_C(1) << 60, &n))
				return CLI_USAGE;
			lim.instructions = lim.tick_instructions = n;
		} else if (strcmp(opt, "--memory") == 0) {
			uint64_t n;
			if (!cli_parse_size(&cmd_lua_entry, "--memory", argv[++i], &n))
				return CLI_USAGE;
			lim.memory = n > SIZE_MAX ? SIZE_MAX : (size_t)n;
		} else if (strcmp(opt, "--output") == 0) {
			uint64_t n;
			if (!cli_parse_size(&cmd_lua_entry, "--output", argv[++i], &n))
				return CLI_USAGE;
			lim.output = n > SIZE_MAX ? SIZE_MAX : (size_t)n;
		} else {
			return cli_usage(&cmd_lua_entry, "unknown option '%s'", opt);
		}
	}
	if (i >= argc)
		return cli_usage(&cmd_lua_entry, "no script given");
	const char *file = argv[i];

	char *src;
	size_t len;
	wf_read_status rs = wf_read_named(file, WF_MAX_SCRIPT_BYTES, &src, &len);
	if (rs != WF_READ_OK) {
		cli_error("lua: %s: %s", file, wf_read_strerror(rs));
		return CLI_USAGE;
	}
	const char *slash = strrchr(file, '/');
	char *dir = slash == file ? strdup("/")
	                          : strndup(file, slash ? (size_t)(slash - file) : 0);
	struct cmd_lua_ctx ctx = {.dir = dir};
	vm_config cfg = {
	    .limits = lim,
	    .seed = CMD_LUA_SEED,
	    .name = file,
	    .output = cmd_lua_output,
	    .module = cmd_lua_module,
	    .ud = &ctx,
	};
	vm *v = vm_new(&cfg);
	if (!v) {
		cli_error("lua: a memory limit of %zu bytes is too small for the sandbox",
		          lim.memory);
		free(src);
		free(dir);
		return CLI_USAGE;
	}
	cmd_lua_args(v, argc - i, argv + i);
	/* A first line "#!..." is skipped as the stand-alone lua does; its
	 * newline stays, so that line numbers do not move. */
	size_t skip = 0;
	if (len > 0 && src[0] == '#')
		while (skip < len && src[skip] != '\n')
			skip++;
	vm_error err;
	vm_status s = vm_load(v, file, src + skip, len - skip, &err);
	fflush(stdout);
	if (s != VM_OK)
		fprintf(stderr, "%s%s\n", err.msg, err.traceback);
	vm_free(v);
	free(src);
	free(dir);
	return s == VM_OK ? CLI_OK : CLI_INVALID;
}

const struct cmd_entry cmd_lua_entry = {
    .name = "lua",
    .usage = "[--instructions N] [--memory SIZE] [--output SIZE] FILE [ARGS...]",
    .summary = "run one Lua script in the sandbox, without a world",
    .help = "Runs FILE in the same sandbox as a parcel's scripts: the vetted\n"
            "environment, hard budgets and deterministic behaviour described in\n"
            "acre-lua(7). print() writes to standard output; require(\"a.b\") loads\n"
            "a/b.lua from FILE's own directory. The global table `arg` holds FILE\n"
            "as arg[0] and ARGS as arg[1], arg[2] ...\n"
            "\n"
            "Options:\n"
            "  --instructions N  instruction budget for the whole run (VM\n"
            "                    instructions plus fuel charged by library\n"
            "                    functions); default 100000000\n"
            "  --memory SIZE     hard cap on the script's heap, e.g. 512KiB,\n"
            "                    64MiB (K, M, G are powers of 1024); default 64MiB\n"
            "  --output SIZE     cap on what print() writes in the run;\n"
            "                    default 64MiB\n"
            "\n"
            "Exit status: 0 when the chunk completes; 1 when it fails or runs out\n"
            "of a limit, with \"FILE:LINE: message\" and a short traceback on\n"
            "standard error; 2 on a usage error or an unreadable FILE.\n",
    .run = cmd_lua,
};
