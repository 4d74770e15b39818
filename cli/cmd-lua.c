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

#include "stdlib/api.h"
#include "vm/vm-lua.h" /* the `arg` table is built with Lua's API */
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

/* The rule id of a failed script: Lua's own errors say so, a limit is
 * named as the sandbox names it ("instructions", "memory" …). */
static const char *cmd_lua_rule(vm_status s)
{
	if (s == VM_ERR_SYNTAX)
		return "lua-syntax";
	if (s == VM_ERR_RUNTIME)
		return "lua-runtime";
	return vm_status_name(s);
}

/* A failed run as every other diagnostic: "FILE:LINE:COL: error: message
 * [rule]", the source line with a caret, then Lua's traceback. */
static void cmd_lua_report(wf_source *src, const vm_error *e, vm_status s)
{
	const char *m = e->msg;
	size_t fn = strlen(e->file);
	uint32_t col = 0, end = 0, line = (uint32_t)(e->line > 0 ? e->line : 0);
	if (fn && e->line > 0 && strncmp(m, e->file, fn) == 0 && m[fn] == ':') {
		const char *p = m + fn + 1;
		while (*p >= '0' && *p <= '9')
			p++;
		if (*p == ':' && p[1] == ' ')
			m = p + 2;
	}
	bool color = cli_color(2);
	if (m != e->msg && wf_source_token(src, e->file, &line, m, &col, &end)) {
		fprintf(stderr, "%s%s:%u:%u:%s %serror:%s %s [%s]\n",
		        color ? "\033[1m" : "", e->file, line, col,
		        color ? "\033[0m" : "", color ? "\033[1;31m" : "",
		        color ? "\033[0m" : "", m, cmd_lua_rule(s));
		cli_print_snippet(src, e->file, line, col, end, NULL, color);
	} else if (m != e->msg) {
		fprintf(stderr, "%s:%u: error: %s [%s]\n", e->file, line, m,
		        cmd_lua_rule(s));
	} else {
		fprintf(stderr, "%s: error: %s [%s]\n", e->file[0] ? e->file : "acre lua",
		        m, cmd_lua_rule(s));
	}
	if (e->traceback[0])
		fprintf(stderr, "%s\n", e->traceback[0] == '\n' ? e->traceback + 1
		                                                : e->traceback);
}

/* All of standard input, up to the script size cap. */
static int cmd_lua_stdin(char **buf, size_t *len)
{
	size_t cap = 65536, n = 0;
	char *b = malloc(cap);
	while (b) {
		size_t r = fread(b + n, 1, cap - n, stdin);
		n += r;
		if (r == 0)
			break;
		if (n == cap) {
			if (cap >= WF_MAX_SCRIPT_BYTES) {
				free(b);
				errno = EFBIG;
				return -1;
			}
			char *nb = realloc(b, cap * 2);
			if (!nb) {
				free(b);
				b = NULL;
				break;
			}
			b = nb;
			cap *= 2;
		}
	}
	if (!b || ferror(stdin)) {
		int e = b ? EIO : ENOMEM;
		free(b);
		errno = e;
		return -1;
	}
	*buf = b;
	*len = n;
	return 0;
}

static void cmd_lua_trace(void *ud, const char *line, size_t len)
{
	(void)ud;
	fwrite(line, 1, len, stdout);
	fputc('\n', stdout);
}

/* acre lua --world DIR --parcel NAME FILE: FILE runs as the only script of
 * parcel NAME, with the API that parcel's land gives it (its zone's
 * capabilities and its budgets unless --instructions or --memory say
 * otherwise): load and on_load, then `ticks` ticks. Every effect is
 * printed (the trace of acre run), print() and log included. */
static int cmd_lua_world(wf_source *shown, const char *world, const char *parcel,
                         const char *file, const char *src, size_t len,
                         const vm_limits *lim, int64_t ticks)
{
	char *dir = cli_world_dir(world);
	if (!dir)
		return CLI_USAGE;
	wf_diags d = {0};
	char path[4096];
	snprintf(path, sizeof path, "%s/world.acre", dir);
	wf_world *w = wf_load(dir, &d);
	if (w && d.errors == 0)
		wf_validate(w, dir, path, &d);
	if (!w || d.errors) {
		cli_print_diags(&d);
		cli_error("lua: %s is not a valid world", dir);
		wf_diags_free(&d);
		wf_world_free(w);
		free(dir);
		return w ? CLI_INVALID : CLI_USAGE;
	}
	wf_diags_free(&d);
	int pi = wf_find_parcel(w, parcel);
	if (pi < 0) {
		const char *near = wf_suggest(parcel, w->nparcels ? &w->parcels[0].name : NULL,
		                              sizeof *w->parcels, w->nparcels);
		if (near)
			cli_error("lua: no parcel '%s' in %s; did you mean '%s'?", parcel, path,
			          near);
		else
			cli_error("lua: no parcel '%s' in %s", parcel, path);
		wf_world_free(w);
		free(dir);
		return CLI_USAGE;
	}
	uint8_t *select = calloc((size_t)w->nparcels, 1);
	if (!select) {
		wf_world_free(w);
		free(dir);
		return CLI_USAGE;
	}
	select[pi] = 1;
	api_opts o = {.select = select,
	              .trace = cmd_lua_trace,
	              .try_name = file,
	              .try_src = src,
	              .try_len = len};
	o.limits.instructions = lim->instructions;
	o.limits.memory = lim->memory;
	api_error err;
	api_run *r = api_run_new(w, dir, &o, &err);
	int rc = CLI_OK;
	if (!r) {
		cli_error("lua: %s", err.msg);
		rc = CLI_USAGE;
	}
	for (int64_t t = 1; r && t <= ticks; t++)
		if (api_run_tick(r, NULL, 0) < 0) {
			cli_error("lua: out of memory at tick %lld", (long long)t);
			rc = CLI_USAGE;
			break;
		}
	const api_failure *f;
	int64_t total = 0;
	int n = r ? api_run_failures(r, &f, &total) : 0;
	fflush(stdout);
	for (int i = 0; i < n; i++)
		cmd_lua_report(shown, &f[i].err, f[i].err.status);
	if (rc == CLI_OK && total > 0)
		rc = CLI_INVALID;
	api_run_free(r);
	free(select);
	wf_world_free(w);
	free(dir);
	return rc;
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
	cli_getopt g;
	int c;
	cli_getopt_init(&g, &cmd_lua_entry, argc, argv);
	const char *world = NULL, *parcel = NULL;
	wf_source shown = {0}; /* the script's text for the lines under errors */
	int64_t ticks = 0;
	bool set_ins = false, set_mem = false;
	while ((c = cli_getopt_next(&g)) > 0) {
		if (c == 'w') {
			world = g.value;
		} else if (c == 'p') {
			parcel = g.value;
		} else if (c == 't') {
			if (!cli_parse_int(&cmd_lua_entry, "--ticks", g.value, 0, 1000000,
			                   &ticks))
				return CLI_USAGE;
		} else if (c == 'i') {
			set_ins = true;
			int64_t n;
			if (!cli_parse_int(&cmd_lua_entry, "--instructions", g.value, 1,
			                   INT64_C(1) << 60, &n))
				return CLI_USAGE;
			lim.instructions = lim.tick_instructions = n;
		} else if (c == 'm') {
			uint64_t n;
			if (!cli_parse_size(&cmd_lua_entry, "--memory", g.value, &n))
				return CLI_USAGE;
			set_mem = true;
			lim.memory = n > SIZE_MAX ? SIZE_MAX : (size_t)n;
		} else if (c == 'o') {
			uint64_t n;
			if (!cli_parse_size(&cmd_lua_entry, "--output", g.value, &n))
				return CLI_USAGE;
			lim.output = n > SIZE_MAX ? SIZE_MAX : (size_t)n;
		}
	}
	if (c < 0)
		return g.status;
	/* FILE and its ARGS are argv[1 ..]: the options stop at FILE. */
	int i = 1;
	argc = g.argc;
	if (i >= argc)
		return cli_usage(&cmd_lua_entry, "no script given");
	if ((world || ticks) && !parcel)
		return cli_usage(&cmd_lua_entry, "--world and --ticks need --parcel NAME");
	if (parcel && argc > 2)
		return cli_usage(&cmd_lua_entry, "a script tried in a world takes no ARGS");
	const char *file = argv[i];

	char *src;
	size_t len;
	/* "-" is standard input, named "stdin" in messages, with modules
	 * found in the current directory. */
	bool in = strcmp(file, "-") == 0;
	if (in) {
		if (cmd_lua_stdin(&src, &len) != 0) {
			cli_error("lua: standard input: %s", strerror(errno));
			return CLI_USAGE;
		}
		file = "stdin";
		wf_source_set(&shown, file, src, len);
	} else {
		wf_read_status rs = wf_read_named(file, WF_MAX_SCRIPT_BYTES, &src, &len);
		if (rs != WF_READ_OK) {
			cli_error("lua: %s: %s", file, wf_read_strerror(rs));
			return CLI_USAGE;
		}
	}
	if (parcel) {
		vm_limits wl = {.instructions = set_ins ? lim.instructions : 0,
		                .memory = set_mem ? lim.memory : 0};
		int rc = cmd_lua_world(&shown, world, parcel, file, src, len, &wl, ticks);
		free(src);
		wf_source_free(&shown);
		return rc;
	}
	const char *slash = in ? NULL : strrchr(file, '/');
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
		/* The cap is too small for the sandbox's own environment: the
		 * script runs out of memory before its first instruction, which
		 * is the memory stop like any other (exit 1), not a usage error. */
		fprintf(stderr,
		        "%s: error: not enough memory (limit %zu bytes): the sandbox's "
		        "environment alone needs more [memory]\n",
		        file, lim.memory);
		free(src);
		free(dir);
		return CLI_INVALID;
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
		cmd_lua_report(&shown, &err, s);
	wf_source_free(&shown);
	vm_free(v);
	free(src);
	free(dir);
	return s == VM_OK ? CLI_OK : CLI_INVALID;
}

static const struct cli_opt cmd_lua_opts[] = {
	{"instructions", 0, "N",
	 "instruction budget for the whole run (VM\n"
	 "instructions plus fuel charged by library\n"
	 "functions); default 100000000",
	 'i'},
	{"world", 0, "DIR",
	 "run FILE in world DIR (default: the current\n"
	 "directory) as parcel NAME's only script, with its API",
	 'w'},
	{"parcel", 0, "NAME", "the parcel of --world whose API FILE uses", 'p'},
	{"ticks", 0, "N", "with --parcel: ticks to run after on_load (default 0)", 't'},
	{"output", 0, "SIZE", "cap on what print() writes in the run;\ndefault 64MiB", 'o'},
	{"memory", 0, "SIZE",
	 "hard cap on the script's heap, e.g. 512KiB,\n"
	 "64MiB (K, M, G are powers of 1024); default 64MiB",
	 'm'},
	{NULL, 0, NULL, NULL, 0},
};

const struct cmd_entry cmd_lua_entry = {
    .name = "lua",
    .usage = "FILE [ARGS...]",
    .summary = "run one Lua script in the sandbox, alone or as a parcel's",
    .help = "Runs FILE in the same sandbox as a parcel's scripts: the vetted\n"
            "environment, hard budgets and deterministic behaviour described in\n"
            "acre-lua(7). print() writes to standard output; require(\"a.b\") loads\n"
            "a/b.lua from FILE's own directory. The global table `arg` holds FILE\n"
            "as arg[0] and ARGS as arg[1], arg[2] ... FILE '-' reads the script\n"
            "from standard input (named \"stdin\" in messages; modules come from\n"
            "the current directory). Options go before FILE: what follows it is\n"
            "the script's.\n"
            "\n"
            "With --parcel NAME, FILE runs instead as the only script of parcel\n"
            "NAME of the world (--world DIR, default the current directory), with\n"
            "the API, capabilities and budgets that parcel's land gives it: its\n"
            "top level and on_load, then --ticks N ticks. Every effect is printed\n"
            "as 'acre run --trace' prints it (print() and log included), so API\n"
            "calls can be tried without a full run. A failing handler's effects are\n"
            "undone, as in a run.\n"
            "\n"
            "Exit status: 0 when the chunk completes; 1 when it fails or runs out\n"
            "of a limit, with \"FILE:LINE:COL: error: message [rule]\", the line\n"
            "and a short traceback on standard error; 2 on a usage error or an\n"
            "unreadable FILE.\n",
    .run = cmd_lua,
    .opts = cmd_lua_opts,
    .opts_first = true,
};
