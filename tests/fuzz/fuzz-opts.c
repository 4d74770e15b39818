/* fuzz-opts.c — libFuzzer target: the command-line option parser on any
 * argument vector.
 *
 * The input's first byte picks the command's shape (options anywhere, or
 * only before the first operand as `acre lua` has it); the rest, split at
 * NUL bytes, is argv[1..]. Each argument lives in its own allocation of
 * exactly its size, so a read past its end is caught. Beyond "no crash",
 * the target checks what callers rely on: every key returned is one of the
 * table's, a value is there exactly when the option takes one, operands
 * keep their order and point at the original strings, and the parser ends
 * in at most one step per byte. Values go through the int and size parsers
 * too, as the commands do. */
#include "cli/cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { K_QUIET = 'q', K_VERBOSE = 'v', K_TICKS = 'n', K_MEM = 256, K_FORMAT, K_MAN };

static const struct cli_opt opts[] = {
	{"quiet", 'q', NULL, "say less", K_QUIET},
	{"verbose", 'v', NULL, "say more", K_VERBOSE},
	{"ticks", 'n', "N", "ticks to run", K_TICKS},
	{"memory", 0, "SIZE", "memory cap", K_MEM},
	{"format", 0, "FMT[=FILE]", "report format", K_FORMAT},
	{"man", 0, "[=roff]", "optional value", K_MAN},
	{0},
};

static const struct cmd_entry anywhere = {
	.name = "fuzz", .usage = "[ARG...]", .summary = "s", .help = "h", .opts = opts};
static const struct cmd_entry first = {.name = "fuzz",
                                       .usage = "FILE [ARG...]",
                                       .summary = "s",
                                       .help = "h",
                                       .opts = opts,
                                       .opts_first = true};

enum { MAX_ARGS = 64 };

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	/* Usage messages and help are the parser's normal output; keep them
	 * off the fuzzer's log. libFuzzer and the sanitizers keep their own
	 * handles on fd 2. */
	FILE *null = fopen("/dev/null", "w");
	if (null)
		stdout = stderr = null;
	return 0;
}

static const struct cli_opt *by_key(int key)
{
	for (const struct cli_opt *o = opts; o->name; o++)
		if (o->key == key)
			return o;
	return NULL;
}

static bool use_value(int key, const char *value, void *ctx)
{
	const struct cmd_entry *e = ctx;
	int64_t n;
	uint64_t size;
	if (key == K_TICKS)
		return cli_parse_int(e, "--ticks", value, 0, 1000000, &n);
	if (key == K_MEM)
		return cli_parse_size(e, "--memory", value, &size);
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	const struct cmd_entry *e = data[0] & 1 ? &first : &anywhere;
	data++, size--;

	char *args[MAX_ARGS + 1], *orig[MAX_ARGS + 1], *copy[MAX_ARGS + 1];
	int argc = 1;
	args[0] = strdup("acre");
	for (size_t at = 0; at <= size && argc < MAX_ARGS;) {
		const uint8_t *nul = memchr(data + at, 0, size - at);
		size_t n = nul ? (size_t)(nul - (data + at)) : size - at;
		char *a = malloc(n + 1);
		memcpy(a, data + at, n);
		a[n] = '\0';
		args[argc++] = a;
		at += n + 1;
	}
	args[argc] = NULL;
	memcpy(orig, args, sizeof args);
	memcpy(copy, args, sizeof args);

	/* The step-by-step interface. */
	cli_getopt g;
	cli_getopt_init(&g, e, argc, args);
	int c, steps = 0, limit = (int)size + argc + 2;
	while ((c = cli_getopt_next(&g)) > 0) {
		const struct cli_opt *o = by_key(c);
		if (!o || ++steps > limit)
			__builtin_trap();
		bool needs = o->arg && o->arg[0] != '[';
		if (needs && (!g.value || !*g.value))
			__builtin_trap();
		if (!o->arg && g.value)
			__builtin_trap();
		use_value(c, g.value, (void *)e);
	}
	if (c == 0) {
		if (g.argc != 1 + g.nops || g.nops > argc - 1)
			__builtin_trap();
		/* Operands in their original order, each an original string. */
		int last = 0;
		for (int i = 1; i <= g.nops; i++) {
			int j = last + 1;
			while (j < argc && orig[j] != args[i])
				j++;
			if (j >= argc)
				__builtin_trap();
			last = j;
		}
	}

	/* The callback interface, on a fresh vector. */
	int status = 0;
	int n = cli_args(e, argc, copy, use_value, (void *)e, &status);
	if (n < -1 || n > argc - 1 || (n < 0 && status != CLI_OK && status != CLI_USAGE))
		__builtin_trap();

	for (int i = 0; i < argc; i++)
		free(orig[i]);
	return 0;
}
