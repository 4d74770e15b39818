/* vm-lua.h — the sandbox's Lua side, for code that writes Lua C functions.
 *
 * vm.h names only Acre's types. The creator API (stdlib/) registers C
 * functions in a state and pushes handler arguments, and `acre lua` builds
 * the script's `arg` table: they need the lua_State, and only they include
 * this header (mk/check-layers.sh keeps Lua's own headers inside vm/ and
 * stdlib/). */
#ifndef ACRE_VM_LUA_H
#define ACRE_VM_LUA_H

#include "vm/vm.h"

#include "lua.h"

/* The Lua state, so that higher layers can add their API. Values a script
 * hands back must be type-checked by the caller: never trust them. */
lua_State *vm_lua(vm *v);
/* The vm that owns L (for C functions registered by higher layers). */
vm *vm_of(lua_State *L);

/* Charge `cost` units of fuel from C code (API functions). Raises the budget
 * error in L when the budget runs out; does not return in that case. */
void vm_charge(lua_State *L, int64_t cost);

/* Raise a clean Lua error "file:line: message" at the calling script line. */
int vm_raise(lua_State *L, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
