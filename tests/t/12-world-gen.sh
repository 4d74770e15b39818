#!/bin/sh
# 12-world-gen.sh — `acre gen street`: deterministic, valid, canonical worlds.
. "$(dirname "$0")/../lib.sh"

test_expect 'gen street makes a valid, canonical world with scripts' '
	acre gen street --parcels 300 --scripted 50 --seed 7 s &&
	acre fmt --check s && acre fmt --stats s >out &&
	grep -q "^  size 18 17$" s/world.acre &&
	test "$(grep -c "^parcel " s/world.acre)" = 300 &&
	test -f s/scripts/shop.lua && grep -q "function on_tick" s/scripts/shop.lua
'

test_expect 'gen street is deterministic for a seed and differs across seeds' '
	acre gen street --parcels 200 --seed 3 a &&
	acre gen street --parcels 200 --seed 3 b &&
	acre gen street --parcels 200 --seed 4 c &&
	cmp a/world.acre b/world.acre && ! cmp -s a/world.acre c/world.acre
'

test_expect 'gen street --scripted 0 writes no scripts' '
	acre gen street --parcels 50 --scripted 0 s &&
	! grep -q "^  script" s/world.acre && test -z "$(ls s/scripts)"
'

test_expect 'the full Street (65,536 parcels) is valid and canonical' '
	acre gen street s && grep -q "^  size 256 256$" s/world.acre &&
	test "$(grep -c "^parcel " s/world.acre)" = 65536 &&
	acre fmt --stats s >out && acre fmt --check s
'

test_expect 'gen refuses to overwrite a world and checks its options' '
	acre gen street --parcels 4 s &&
	expect_exit 2 acre gen street --parcels 4 s 2>err &&
	grep -q "already holds a world" err &&
	expect_exit 2 acre gen street --parcels 0 t 2>err && grep -q "from 1 to" err &&
	expect_exit 2 acre gen street --scripted 101 t 2>err &&
	expect_exit 2 acre gen street --seed x t 2>err &&
	expect_exit 2 acre gen town t 2>err && grep -q "only .street." err &&
	expect_exit 2 acre gen street 2>err && grep -q "give a DIR" err &&
	expect_exit 2 acre gen street --parcels 2>err && grep -q "needs a value" err &&
	test ! -e t
'

test_done
