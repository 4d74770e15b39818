#!/bin/sh
# 23-lua-corpus.sh — ordinary Lua programs (tests/lua/corpus/) print the same
# bytes, and exit the same way, under `acre lua` and under the same Lua source
# built without Acre's patches (build/lua-stock/lua): the patches change only
# what they mean to.
. "$(dirname "$0")/../lib.sh"

STOCK=$REPO_ROOT/build/lua-stock/lua
# `make test` builds the unpatched interpreter; without it this file must fail,
# not pass quietly.
test_expect 'the unpatched interpreter is built' 'test -x "'"$STOCK"'"'
for f in "$TESTS_ROOT"/lua/corpus/*.lua; do
	name=${f##*/}
	test_expect "corpus: ${name%.lua}" '
		cp "'"$f"'" . &&
		{ "$ACRE_BIN" lua '"$name"' 2>&1; echo "exit $?"; } >acre.out &&
		{ "'"$STOCK"'" '"$name"' 2>&1; echo "exit $?"; } >stock.out &&
		expect_same stock.out acre.out
	'
done

test_done
