# vm/module.mk — the sandbox's benchmark helper (idle memory per state).

VM_IDLE := $(B)/bench/vm-idle
bench-bins: $(VM_IDLE)

$(VM_IDLE): tests/bench/lua/idle.c $(ACRE_A) $(LUA_A)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(ACRE_A) $(LUA_A) $(ALL_LIBS)
