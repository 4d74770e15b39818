# Acre — one build for one binary.
#
#   make              build ./acre (fetches Lua's source on first use)
#   make run          set up, then open the sample world (editor on a
#                     terminal, headless check + run otherwise)
#   make test         set up, build, run every test
#   make test-sanitize  the same tests under ASan + UBSan
#   make bench        performance figures beside their peers
#   make fuzz         run every libFuzzer target for FUZZ_SECONDS each
#   make deps         install missing Debian packages, fetch Lua's source
#   make install / uninstall   honour PREFIX and DESTDIR
#
# Lua 5.4 is built from the distribution's source package with Acre's patches
# from vm/lua-patches/ applied in order (see vm/README.md). LUA_SRC=DIR uses
# any Lua 5.4 source tree instead. Directories may add rules in a module.mk
# fragment, included below; there is no recursive make.

PREFIX  ?= /usr/local
DESTDIR ?=
BINDIR  ?= $(PREFIX)/bin
MANDIR  ?= $(PREFIX)/share/man

VERSION := 0.1.0
CC      ?= cc
CFLAGS  ?= -O2 -g
WARN    := -Wall -Wextra
# Lua's own warning flags (the CFLAGS of its src/Makefile); Lua is compiled
# with these and Acre's. WERROR=1 (as CI builds) makes every warning, in
# Acre's code and in patched Lua, an error.
LUA_WARN := -Wall -Wextra
WERROR  ?=
ifeq ($(WERROR),1)
WERR    := -Werror
else
WERR    :=
endif
PKGS    := ncursesw sqlite3 libgit2 jansson libxxhash

# Variant: the normal build lives in build/, the sanitizer build in build/san.
SANITIZE ?=
ifeq ($(SANITIZE),1)
B       := build/san
XFLAGS  := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
else
B       := build
XFLAGS  :=
endif

# pkg-config is asked lazily so that `make deps` works before it exists.
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null)

# --- Lua -------------------------------------------------------------------
ifeq ($(LUA_SRC),)
LUA_ORIG := build/lua-src
else
LUA_ORIG := $(LUA_SRC)
endif
LUA_PATCHED := build/lua-patched
LUA_PATCHES := $(sort $(wildcard vm/lua-patches/*.patch))
LUA_CORE := lacre lapi lcode lctype ldebug ldo ldump lfunc lgc llex lmem lobject \
            lopcodes lparser lstate lstring ltable ltm lundump lvm lzio
LUA_LIB  := lauxlib lbaselib lcorolib lmathlib lstrlib ltablib lutf8lib
LUA_OBJS := $(patsubst %,$(B)/lua/%.o,$(LUA_CORE) $(LUA_LIB))
LUA_A    := $(B)/lua/liblua.a
LUA_STOCK := build/lua-stock/lua
# LUA_COMPAT_5_3 as Lua's own makefile and the distribution build it (math.pow,
# math.log10 …, __le from __lt), for the sandbox and the stock interpreter alike.
LUA_CFLAGS := -std=gnu99 -O2 -g -DLUA_USE_POSIX -DLUA_COMPAT_5_3 \
              $(sort $(LUA_WARN) $(WARN)) $(WERR) $(XFLAGS)

# --- Acre ------------------------------------------------------------------
LIB_DIRS := worldfmt vm stdlib store check editor
LIB_SRCS := $(sort $(foreach d,$(LIB_DIRS),$(wildcard $(d)/*.c)))
CLI_SRCS := $(sort $(wildcard cli/*.c))
LIB_OBJS := $(patsubst %.c,$(B)/obj/%.o,$(LIB_SRCS))
CLI_OBJS := $(patsubst %.c,$(B)/obj/%.o,$(CLI_SRCS))
GEN_OBJS :=
ACRE_A   := $(B)/libacre.a
ACRE     := $(B)/acre

ALL_CFLAGS = -std=gnu11 $(WARN) $(WERR) $(CFLAGS) $(XFLAGS) -I. -I$(LUA_PATCHED)/src \
             $(PKG_CFLAGS) -MMD -MP -D_GNU_SOURCE -DACRE_VERSION='"$(VERSION)"'
ALL_LDFLAGS = $(XFLAGS) $(LDFLAGS)
ALL_LIBS = $(PKG_LIBS) -lm -lpthread

.PHONY: all run test test-sanitize bench fuzz deps install uninstall clean \
        lua-stock check-layers

all: acre

acre: $(ACRE)
	@ln -sf $(ACRE) acre

# Module fragments add sources (GEN_OBJS), tests and benchmarks.
include $(sort $(wildcard */module.mk))

$(ACRE): $(CLI_OBJS) $(ACRE_A) $(LUA_A)
	$(CC) $(ALL_LDFLAGS) -o $@ $(CLI_OBJS) $(ACRE_A) $(LUA_A) $(ALL_LIBS)

$(ACRE_A): $(LIB_OBJS) $(GEN_OBJS)
	@rm -f $@
	ar rcs $@ $^

$(B)/obj/%.o: %.c $(LUA_PATCHED)/.stamp | pkgconfig
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c $< -o $@

# Debian's luaconf.h includes a header its packaging generates at build time;
# provide it (the value only names module search paths, unused by Acre).
lua_multiarch = grep -q lua5.4-deb-multiarch.h $(1)/luaconf.h && \
	echo '\#define DEB_HOST_MULTIARCH "'"$$(gcc -print-multiarch 2>/dev/null)"'"' \
	> $(1)/lua5.4-deb-multiarch.h || true

# Lua: fetch (unless LUA_SRC), copy, patch, compile.
build/lua-src/src/lua.h:
	@sh mk/deps.sh lua build/lua-src

$(LUA_PATCHED)/.stamp: $(LUA_ORIG)/src/lua.h $(LUA_PATCHES) Makefile
	@rm -rf $(LUA_PATCHED)
	@mkdir -p $(LUA_PATCHED)
	@cp -R $(LUA_ORIG)/src $(LUA_PATCHED)/src
	@$(call lua_multiarch,$(LUA_PATCHED)/src)
	@echo "lua: source $(LUA_ORIG) ($$(cat $(LUA_ORIG)/ACRE-SOURCE 2>/dev/null || echo 'LUA_SRC tree'))"
	@set -e; for p in $(LUA_PATCHES); do \
		echo "lua: applying $$p"; \
		patch -s -d $(LUA_PATCHED) -p1 --no-backup-if-mismatch < $$p; \
	done
	@touch $@

$(B)/lua/%.o: $(LUA_PATCHED)/.stamp
	@mkdir -p $(@D)
	$(CC) $(LUA_CFLAGS) -c $(LUA_PATCHED)/src/$*.c -o $@

$(LUA_A): $(LUA_OBJS)
	@rm -f $@
	ar rcs $@ $^

# The same Lua source without Acre's patches, as a stand-alone interpreter, so
# tests can show that the patches change only what they mean to.
lua-stock: $(LUA_STOCK)
$(LUA_STOCK): $(LUA_ORIG)/src/lua.h
	@rm -rf build/lua-stock && mkdir -p build/lua-stock
	@cp -R $(LUA_ORIG)/src build/lua-stock/src
	@$(call lua_multiarch,build/lua-stock/src)
	$(CC) -std=gnu99 -O2 -g -DLUA_USE_LINUX -DLUA_COMPAT_5_3 -o $@ \
		$$(ls build/lua-stock/src/*.c | grep -v '/luac\.c$$') -lm -ldl

.PHONY: pkgconfig
pkgconfig:
	@pkg-config --exists $(PKGS) || { echo "acre: missing libraries ($(PKGS)); run 'make deps' (as root)" >&2; exit 2; }

deps:
	@sh mk/deps.sh packages
	@$(MAKE) --no-print-directory $(LUA_ORIG)/src/lua.h

# --- Quick start -----------------------------------------------------------
SAMPLE ?= samples/starter

run:
	@sh mk/deps.sh packages
	@$(MAKE) --no-print-directory acre
	@if [ -t 0 ] && [ -t 1 ] && ./acre help edit >/dev/null 2>&1; then \
		./acre edit $(SAMPLE); \
	else \
		ev=; [ -f $(SAMPLE)/events ] && ev="--events $(SAMPLE)/events"; \
		./acre check $(SAMPLE) && ./acre run --ticks 200 $$ev $(SAMPLE); \
	fi

test:
	@sh mk/deps.sh packages
	@sh mk/check-layers.sh
	@$(MAKE) --no-print-directory acre test-bins
	@ACRE_BUILD=$(B) sh tests/run.sh

# Includes must point down the layers (each module's README says which).
check-layers:
	@sh mk/check-layers.sh

test-sanitize:
	@sh mk/deps.sh packages
	@$(MAKE) --no-print-directory SANITIZE=1 acre test-bins
	@ACRE_BUILD=build/san ACRE_SANITIZE=1 \
		ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 \
		UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		sh tests/run.sh

bench:
	@sh mk/deps.sh packages
	@$(MAKE) --no-print-directory acre bench-bins
	@ACRE_BUILD=$(B) sh tests/bench/run.sh

# --- Install ---------------------------------------------------------------
MANPAGES := $(wildcard man/*.[157])

install: acre
	install -d $(DESTDIR)$(BINDIR)
	install -m 755 $(ACRE) $(DESTDIR)$(BINDIR)/acre
	@for m in $(MANPAGES); do \
		s=$${m##*.}; install -d $(DESTDIR)$(MANDIR)/man$$s; \
		echo "install $$m"; install -m 644 $$m $(DESTDIR)$(MANDIR)/man$$s/; \
	done

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/acre
	@for m in $(MANPAGES); do \
		s=$${m##*.}; rm -f $(DESTDIR)$(MANDIR)/man$$s/$${m##*/}; \
	done

clean:
	rm -rf build/obj build/san build/lua build/lua-patched build/lua-stock \
		build/tests build/fuzz build/libacre.a build/acre build/gen acre

-include $(wildcard $(B)/obj/*/*.d $(B)/tests/*.d)

# acre(1): the COMMANDS section is generated from the command table.
.PHONY: man
man: acre
	@sh mk/man.sh $(ACRE) man/acre.1.in > man/acre.1.tmp && mv man/acre.1.tmp man/acre.1
