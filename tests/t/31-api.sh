#!/bin/sh
# 31-api.sh — the creator API, module by module: each tests/lua-api/NAME.lua
# runs as parcel a (or q) of the test world and asserts what it sees; the
# trace and the failures are checked from outside.
. "$(dirname "$0")/../lib.sh"
LUA_API=$REPO_ROOT/tests/lua-api

# api_run NAME [AS] — copy the test world, install NAME.lua as parcel AS's
# script (default main), run 3 ticks with the events file.
api_run() {
	cp -R "$LUA_API/world" w &&
	cp "$LUA_API/$1.lua" "w/scripts/${2:-main}.lua" &&
	acre run --ticks 3 --events w/events --trace trace w >out 2>err
}

# Only the handlers the test fails on purpose may fail.
only_planned_failures() {
	! grep -v "undo this handler" err | grep -q .
}

for m in world parcel tiles entities events rng economy isolation; do
	test_expect "api: $m module" "
		{ api_run $m || true; } &&
		only_planned_failures &&
		grep -q '^3 a log info ok $m\$' trace || grep -q ' a log info ok $m\$' trace
	"
done

test_expect 'api: messages, delivered next tick, capped per tick' '
	expect_exit 1 api_run messages &&
	grep -q " a log info ok messages$" trace &&
	grep -qx "3 a fail on_tick messages scripts/main.lua:39: messages.send: message budget of this tick exceeded" trace &&
	grep -qx "parcel a: on_tick at tick 3: scripts/main.lua:39: messages.send: message budget of this tick exceeded (messages: used 17 of 16)" err &&
	! grep -q "^3 a send" trace
'

test_expect 'api: memory the host keeps for a parcel counts against its cap' '
	expect_exit 1 api_run hostmem &&
	grep -q "^parcel a: on_tick at tick 1: scripts/main.lua:5: not enough memory (limit 1048576 bytes) (memory: used [0-9]* of 1048576)\$" err
'

test_expect 'api: zone capabilities enforced' '
	api_run zones quiet &&
	grep -qx "0 q log info ok zones" trace
'

test_expect 'api: log lines in the trace, escaped, no addresses' '
	api_run log &&
	cat >want <<-\EOF &&
	0 a log info plain 1 2.5 true nil table function
	0 a log warn two\nlines
	0 a log error tab\there
	EOF
	grep " a log " trace | head -n 3 >got &&
	expect_same want got
'

test_expect 'api: rng is the same in every run and differs by tick' '
	api_run rng &&
	grep " log info roll" trace >one &&
	rm -rf w trace && api_run rng &&
	grep " log info roll" trace >two &&
	expect_same one two &&
	test $(cut -d" " -f7- one | sort -u | wc -l) -eq 3
'

test_expect 'api: a handler over budget keeps none of its effects' '
	expect_exit 1 api_run budget &&
	grep -q "^1 a fail on_tick instructions " trace &&
	! grep -q "doomed\|never\|^1 a tile\|^1 a transfer" trace &&
	grep -q "2 a log info ok budget" trace &&
	grep -q "^parcel a: on_tick at tick 1: scripts/main.lua:10: .*(instructions: used [0-9]* of 1000000)$" err
'
test_expect 'api: hostile uses fail cleanly and swallowing a cap does not help' '
	expect_exit 1 api_run hostile &&
	grep -q " a log info ok hostile$" trace &&
	grep -qx "parcel a: on_tick at tick 1: scripts/main.lua:35: messages.send: message budget of this tick exceeded (messages: used 17 of 16)" err &&
	! grep -q "^1 a tile" trace &&
	grep -q "^2 a log info ok chain$" trace
'
test_done
