#!/bin/sh
# 32-samples.sh — every scripted sample runs 200 ticks with its events file
# to its recorded state hash, without failures, with 1 and 2 threads, in
# the normal and the sanitizer build alike.
# A change to the API, the sandbox's environment or a sample that moves a
# hash must say why and record the new one here; `acre run -q WORLD` (with
# `--events samples/starter/events` for the starter) prints it.
. "$(dirname "$0")/../lib.sh"

# sample_at NAME HASH — the world's own events file, or NAME/events when
# the world does not name one (the starter's file stays as the format's
# tests know it).
sample_at() {
	echo "state $2" >want &&
	ev= &&
	grep -q "^  events " "$SAMPLES/$1/world.acre" || ev="--events $SAMPLES/$1/events" &&
	acre run -q --threads 1 $ev "$SAMPLES/$1" >one &&
	acre run -q --threads 2 $ev "$SAMPLES/$1" >two &&
	expect_same want one &&
	expect_same want two
}

# Moved by the complete sandbox: the environment is Lua's own again (load
# unwrapped, the LUA_COMPAT_5_3 math functions), host memory counts in the
# memory figures, and work inside the table code is charged.
test_expect 'sample starter at its recorded state' 'sample_at starter 29852750878cdc72'
test_expect 'sample neon-street at its recorded state' 'sample_at neon-street 783642cf2684ad99'
test_expect 'sample maze at its recorded state' 'sample_at maze 363e24d84720be16'
test_expect 'sample relay at its recorded state' 'sample_at relay 0bad83dd5a88a711'

test_expect 'the maze depends on the seed' '
	acre run -q --seed 1 "$SAMPLES/maze" >a &&
	acre run -q --seed 2 "$SAMPLES/maze" >b &&
	! cmp -s a b
'

test_expect 'neon-street trades through the ledger: sales, rent, refunds' '
	acre run --trace tr "$SAMPLES/neon-street" >/dev/null &&
	grep -q " transfer @yt 1 loyalty$" tr &&
	grep -q "^50 noodle-bar transfer plaza 5 rent$" tr &&
	grep -q "refund soundtrack" tr
'

test_expect 'relay: the baton goes round in four ticks' '
	acre run --ticks 20 --trace tr "$SAMPLES/relay" >/dev/null &&
	grep -qx "14 clock-tower log info baton of hour 1 back after 4 ticks via clock-tower > relay-1 > relay-2 > relay-3" tr
'
test_done
