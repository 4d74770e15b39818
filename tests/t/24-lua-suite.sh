#!/bin/sh
# 24-lua-suite.sh — Lua 5.4.4's own test suite under the sandbox: every file
# that the stock interpreter passes without debug, io, os, package, dofile,
# loadfile and collectgarbage and with the string metatable hidden (what
# the sandbox takes away) must pass under `acre lua` too.
# The suite is not part of Acre: set LUA_TESTSUITE_DIR to its testes/
# directory (from Lua's sources) to run this; without it, it skips.
. "$(dirname "$0")/../lib.sh"

STOCK=$REPO_ROOT/build/lua-stock/lua
SUITE=${LUA_TESTSUITE_DIR:-}

# The sandbox's removals, on the first line of each file (a comment in
# every file of the suite), so that line numbers do not move.
PRELUDE='_soft = true _port = true if package then for _, m in ipairs{"debug", "io", "os", "package"} do package.loaded[m] = nil end end debug = nil io = nil os = nil package = nil dofile = nil loadfile = nil collectgarbage = nil do local mt = getmetatable("") if type(mt) == "table" then mt.__metatable = false end end'

if [ -z "$SUITE" ] || [ ! -f "$SUITE/all.lua" ]; then
	test_skip 'Lua test suite' 'LUA_TESTSUITE_DIR is not set'
	test_done
	exit 0
fi

for f in "$SUITE"/*.lua; do
	name=${f##*/}
	# all, main: drivers and the stand-alone interpreter; heavy:
	# not part of a normal run. pm asserts that two equal strings made
	# apart print different %p: the sandbox prints a string's hash, a
	# documented difference (acre-lua(7)).
	case $name in all.lua | main.lua | heavy.lua | pm.lua) continue ;; esac
	test_expect "lua suite: ${name%.lua}" '
		{ printf "%s " "$PRELUDE"; cat "'"$f"'"; } >'"$name"' &&
		if timeout 120 "'"$STOCK"'" '"$name"' >stock.out 2>&1; then
			timeout 300 "$ACRE_BIN" lua --instructions 1000000000000000 \
				--memory 1GiB '"$name"' >acre.out 2>&1 ||
			{ tail -n 5 acre.out; false; }
		else
			echo "stock fails it too: $(tail -n 1 stock.out)" >&2
		fi
	'
done

test_done
