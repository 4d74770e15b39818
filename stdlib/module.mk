# stdlib/module.mk — rules of the creator API beyond the wildcard sources.
#
# The events-file parser is libc only, so its fuzz target links just that
# file (the generic fuzz rule in tests/module.mk links worldfmt).

build/fuzz/fuzz-events: tests/fuzz/fuzz-events.c stdlib/events.c stdlib/api.h
	@mkdir -p $(@D)
	$(FUZZ_CC) -std=gnu11 -g -O1 -I. -I$(LUA_PATCHED)/src -D_GNU_SOURCE \
		-fsanitize=fuzzer,address,undefined -o $@ $< stdlib/events.c
