# vm/module.mk — the sandbox's benchmark helpers (idle memory per state, CPU
# time of a command to the microsecond).

VM_IDLE := $(B)/bench/vm-idle
VM_CPUTIME := $(B)/bench/cputime
bench-bins: $(VM_IDLE) $(VM_CPUTIME)

# The interpreter's dispatch: Lua ends every instruction with a jump through
# its table of opcodes (computed goto), but gcc merges those copies into one
# shared jump (cross-jumping), so one indirect branch predicts every opcode.
# Keeping a copy per opcode costs ~10 KiB of code, saves a jump per VM
# instruction and gives each opcode's jump its own prediction. Global
# common-subexpression elimination is off too, as gcc's manual advises for
# computed gotos: with it, gcc moves work that some opcodes need (such as
# the address of ra's next slot) up into the dispatch that every opcode
# runs (~3% fewer instructions without it on loops and calls). (The distribution builds lua5.4 from the same source
# with neither.)
$(B)/lua/lvm.o: LUA_CFLAGS += -fno-crossjumping -fno-gcse -fno-gcse

$(VM_CPUTIME): tests/bench/lua/cputime.c
	@mkdir -p $(@D)
	$(CC) -std=gnu11 $(WARN) $(WERR) $(CFLAGS) -o $@ $<

$(VM_IDLE): tests/bench/lua/idle.c $(ACRE_A) $(LUA_A)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(ACRE_A) $(LUA_A) $(ALL_LIBS)

# The sandbox fuzzer (tests/fuzz/fuzz-sandbox.c): the vm and the patched Lua
# built together with clang, libFuzzer, ASan and UBSan. An explicit rule, so
# it wins over tests/module.mk's pattern for the worldfmt targets.
FUZZ_LUA_SRCS = $(patsubst %,$(LUA_PATCHED)/src/%.c,$(LUA_CORE) $(LUA_LIB))
build/fuzz/fuzz-sandbox: tests/fuzz/fuzz-sandbox.c vm/vm.c vm/vm.h $(LUA_PATCHED)/.stamp
	@mkdir -p $(@D)
	$(FUZZ_CC) -std=gnu11 -g -O1 -I. -I$(LUA_PATCHED)/src -D_GNU_SOURCE \
		-DLUA_USE_POSIX -DLUA_COMPAT_5_3 \
		-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
		-o $@ $< vm/vm.c $(FUZZ_LUA_SRCS) -lxxhash -lm -lpthread

# A short fixed-time run of every fuzzer, for CI on each change:
# `make fuzz-smoke` (20 s each) or `make fuzz-smoke FUZZ_SECONDS=N`.
.PHONY: fuzz-smoke
fuzz-smoke:
	@$(MAKE) --no-print-directory fuzz \
		FUZZ_SECONDS=$(if $(filter command line,$(origin FUZZ_SECONDS)),$(FUZZ_SECONDS),20)
