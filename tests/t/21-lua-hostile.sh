#!/bin/sh
# 21-lua-hostile.sh — every script in tests/lua/hostile/ must end with exit 1
# and exactly the error line its "-- expect:" header names, in bounded time.
# The "-- limits:" header gives the `acre lua` options it runs with. The
# header names "FILE:LINE: message"; acre prints "FILE:LINE:COL: error:
# message [rule]", compared without the column and the rule.
. "$(dirname "$0")/../lib.sh"

for f in "$TESTS_ROOT"/lua/hostile/*.lua; do
	name=${f##*/}
	test_expect "hostile: ${name%.lua}" '
		cp "'"$f"'" . &&
		want=$(sed -n "s/^-- expect: //p" '"$name"') &&
		limits=$(sed -n "s/^-- limits://p" '"$name"') &&
		expect_exit 1 timeout 20 "$ACRE_BIN" lua $limits '"$name"' >out 2>err &&
		head -n 1 err | sed -E "s/^([^ :]+:[0-9]+):[0-9]+: error: (.*) \[[a-z-]+\]\$/\1: \2/" >first &&
		echo "$want" >want && expect_same want first
	'
done

test_done
