# stdlib/module.mk — rules of the creator API beyond the wildcard sources.
#
# The events-file parser uses worldfmt's rules (names, UTF-8, the guarded
# reader) and libc, so its fuzz target links that file and worldfmt.

build/fuzz/fuzz-events: tests/fuzz/fuzz-events.c stdlib/events.c stdlib/api.h \
		$(wildcard worldfmt/*.c worldfmt/*.h)
	@mkdir -p $(@D)
	$(FUZZ_CC) -std=gnu11 -g -O1 -I. -I$(LUA_PATCHED)/src -D_GNU_SOURCE \
		-fsanitize=fuzzer,address,undefined -o $@ $< stdlib/events.c \
		$(wildcard worldfmt/*.c)
