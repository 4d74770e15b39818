#!/bin/sh
# 21-lua-hostile.sh — every script in tests/lua/hostile/ must end with exit 1
# and exactly the error line its "-- expect:" header names, in bounded time.
# The "-- limits:" header gives the `acre lua` options it runs with.
. "$(dirname "$0")/../lib.sh"

for f in "$TESTS_ROOT"/lua/hostile/*.lua; do
	name=${f##*/}
	test_expect "hostile: ${name%.lua}" '
		cp "'"$f"'" . &&
		want=$(sed -n "s/^-- expect: //p" '"$name"') &&
		limits=$(sed -n "s/^-- limits://p" '"$name"') &&
		expect_exit 1 timeout 20 "$ACRE_BIN" lua $limits '"$name"' >out 2>err &&
		head -n 1 err >first &&
		echo "$want" >want && expect_same want first
	'
done

test_done
