# check/module.mk — rules of the check module beyond the wildcard sources.
#
# The budget-shares file's parser (shares-parse.c) uses worldfmt's name rule
# and libc only, so its fuzz target links that file and worldfmt.

build/fuzz/fuzz-shares: tests/fuzz/fuzz-shares.c check/shares-parse.c check/check.h \
		$(wildcard worldfmt/*.c worldfmt/*.h)
	@mkdir -p $(@D)
	$(FUZZ_CC) -std=gnu11 -g -O1 -I. -D_GNU_SOURCE \
		-fsanitize=fuzzer,address,undefined -o $@ $< check/shares-parse.c \
		$(wildcard worldfmt/*.c)
