# cli/module.mk — rules of the command line beyond the wildcard sources.
#
# The option parser and the option-value parsers (opts.c, util.c) use only
# worldfmt's rules (suggestions, sizes) and libc, so their fuzz target links
# those two files and worldfmt.

build/fuzz/fuzz-opts: tests/fuzz/fuzz-opts.c cli/opts.c cli/util.c cli/cli.h \
		$(wildcard worldfmt/*.c worldfmt/*.h)
	@mkdir -p $(@D)
	$(FUZZ_CC) -std=gnu11 -g -O1 -I. -D_GNU_SOURCE \
		-fsanitize=fuzzer,address,undefined -o $@ $< cli/opts.c cli/util.c \
		$(wildcard worldfmt/*.c)
