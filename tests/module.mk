# tests/module.mk — unit-test binaries, fuzz targets and benchmark helpers.
#
# Every tests/unit/NAME.c is one unit-test program linked against libacre and
# Lua; it prints TAP-style "ok"/"not ok" lines (see tests/unit/unit.h).
# Every tests/fuzz/fuzz-NAME.c is a libFuzzer target over worldfmt (libc only),
# unless a module.mk has an explicit rule for it; tests/fuzz/fuzz-NAME.seeds,
# when present, names its seed directories instead of tests/fuzz/seeds.

UNIT_SRCS := $(sort $(wildcard tests/unit/*.c))
UNIT_BINS := $(patsubst tests/unit/%.c,$(B)/tests/%,$(UNIT_SRCS))

.PHONY: test-bins bench-bins
test-bins: $(UNIT_BINS) $(LUA_STOCK)
bench-bins: $(LUA_STOCK)

$(B)/tests/%: tests/unit/%.c $(ACRE_A) $(LUA_A) tests/unit/unit.h
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) $(UNIT_LDFLAGS) -o $@ $< $(ACRE_A) $(LUA_A) $(ALL_LIBS)

# alloc-fail makes each allocation of Acre's own code fail in turn: its
# malloc family is wrapped at link time (see tests/unit/alloc-fail.c).
$(B)/tests/alloc-fail: UNIT_LDFLAGS := \
	-Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc,--wrap=strdup,--wrap=strndup

FUZZ_SRCS := $(sort $(wildcard tests/fuzz/fuzz-*.c))
FUZZ_BINS := $(patsubst tests/fuzz/%.c,build/fuzz/%,$(FUZZ_SRCS))
FUZZ_SECONDS ?= 60
FUZZ_CC ?= clang

build/fuzz/%: tests/fuzz/%.c $(wildcard worldfmt/*.c worldfmt/*.h)
	@mkdir -p $(@D)
	$(FUZZ_CC) -std=gnu11 -g -O1 -I. -D_GNU_SOURCE -fsanitize=fuzzer,address,undefined \
		-o $@ $< $(wildcard worldfmt/*.c)

fuzz: $(FUZZ_BINS)
	@set -e; for f in $(FUZZ_BINS); do \
		n=$${f##*/}; mkdir -p build/fuzz/corpus-$$n; \
		echo "fuzz: $$n for $(FUZZ_SECONDS)s"; \
		seeds=tests/fuzz/seeds; \
		if [ -f tests/fuzz/$$n.seeds ]; then seeds=$$(cat tests/fuzz/$$n.seeds); fi; \
		$$f -max_total_time=$(FUZZ_SECONDS) -timeout=5 -max_len=65536 \
			build/fuzz/corpus-$$n $$seeds >build/fuzz/$$n.log 2>&1 || \
			{ tail -n 40 build/fuzz/$$n.log; exit 1; }; \
		tail -n 3 build/fuzz/$$n.log; \
	done
