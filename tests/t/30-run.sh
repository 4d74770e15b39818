#!/bin/sh
# 30-run.sh — `acre run` from outside: options, bad input with exact
# messages and exit codes, the trace, the state line, thread independence.
. "$(dirname "$0")/../lib.sh"
LUA_API=$REPO_ROOT/tests/lua-api

# A copy of the API test world with a script for parcel a.
world_with() {
	cp -R "$LUA_API/world" w &&
	printf '%s\n' "$1" >w/scripts/main.lua
}

test_expect 'run --help lists every option' '
	acre run --help >out &&
	for o in --ticks --seed --events --trace --threads --instructions --memory --stats --quiet; do
		grep -q -- "$o" out || exit 1
	done
'

test_expect 'run: bad option values are usage errors' '
	expect_exit 2 acre run --ticks x 2>err &&
	grep -qx "acre run: --ticks wants a whole number from 0 to 1000000000, not '"'x'"'" err &&
	expect_exit 2 acre run --threads 0 2>err &&
	grep -qx "acre run: --threads wants a whole number from 1 to 64, not '"'0'"'" err &&
	expect_exit 2 acre run --bogus 2>err &&
	grep -qx "acre run: unknown option '"'--bogus'"'" err &&
	expect_exit 2 acre run --trace 2>err &&
	grep -qx "acre run: --trace needs a value" err
'

test_expect 'run: not a world is an environment error' '
	expect_exit 2 acre run nowhere 2>err &&
	grep -qx "acre: nowhere: No such file or directory" err
'

test_expect 'run: an invalid world runs nothing and exits 1' '
	world_with "function on_load() end" &&
	sed -i "s/size 4 2/size 1 1/" w/world.acre &&
	expect_exit 1 acre run w >out 2>err &&
	grep -q "is outside the world" err &&
	grep -qx "acre: run: w is not a valid world; nothing was run" err &&
	! grep -q state out
'

test_expect 'run: events file errors name file:line:col' '
	world_with "" &&
	printf "1 enter ana a\n2 jump\n3 enter ana\n" >ev &&
	expect_exit 1 acre run --events ev w 2>err &&
	cat >want <<-\EOF &&
	ev:2:3: unknown event '"'jump'"' (expected enter, leave, interact or message)
	ev:3:12: expected parcel name
	acre: run: ev has 2 errors; nothing was run
	EOF
	expect_same want err
'

test_expect 'run: events naming an unknown parcel' '
	world_with "" &&
	printf "1 enter ana zz\n" >ev &&
	expect_exit 1 acre run --events ev w 2>err &&
	grep -qx "ev:1:13: no parcel named '"'zz'"' in the world" err
'

# Each event's parcel was looked up by a scan of every parcel when it was
# missing: 20,000 such events on 65,536 parcels took ~9 s, so 60,000 take
# ~27 s. A table of the names makes it linear (~0.5 s; ~2 s under ASan).
test_expect 'run: 60,000 events naming missing parcels on 65,536 parcels are refused quickly' '
	acre gen street --parcels 65536 --seed 1 big >/dev/null &&
	awk "BEGIN { for (i = 0; i < 60000; i++) printf \"%d message nosuch-%d ring\\n\", 1 + int(i / 1200), i }" >ev &&
	expect_exit 1 timeout 15 "$ACRE_BIN" run --events ev --ticks 1 big 2>err &&
	grep -qx "ev:1:11: no parcel named '"'nosuch-0'"' in the world" err &&
	grep -q "^acre: run: ev has 60000 errors; nothing was run" err
'

test_expect 'run: a missing events file' '
	world_with "" &&
	expect_exit 2 acre run --events nofile w 2>err &&
	grep -qx "acre: run: nofile: cannot read the events file: no such file" err
'

test_expect 'run: a script that does not compile fails its parcel' '
	world_with "function on_tick( end" &&
	expect_exit 1 acre run --ticks 2 w >out 2>err &&
	grep -qx "parcel a: load at tick 0: scripts/main.lua:1: <name> or '"'...'"' expected near '"'end'"'" err &&
	grep -qx "2 ticks, 3 scripted parcels, 1 failure" out &&
	tail -n 1 out | grep -qx "state [0-9a-f]\{16\}"
'

test_expect 'run: a runtime error names parcel, handler, tick and line' '
	world_with "function on_tick(t)
  if t == 2 then local x = nil; return x.y end
end" &&
	expect_exit 1 acre run --ticks 3 w 2>err &&
	grep -qx "parcel a: on_tick at tick 2: scripts/main.lua:2: attempt to index a nil value (local '"'x'"')" err
'

test_expect 'run: the last line is the state hash, the same on every run' '
	world_with "function on_tick(t) tiles.set(t % 8, 0, \"#\") end" &&
	acre run --ticks 20 w >one &&
	acre run --ticks 20 w >two &&
	expect_same one two &&
	tail -n 1 one | grep -qx "state [0-9a-f]\{16\}" &&
	acre run --ticks 20 --seed 8 w >three &&
	! cmp -s one three
'

test_expect 'run: --threads does not change trace or state' '
	world_with "function on_tick(t)
  tiles.set(rng.int(0, 7), rng.int(0, 7), \"~\")
  messages.send(\"b\", {t = t})
  if t % 3 == 0 then economy.transfer(\"b\", 1) end
end" &&
	acre run --ticks 30 --events w/events --trace t1 --threads 1 w >s1 &&
	acre run --ticks 30 --events w/events --trace t2 --threads 2 w >s2 &&
	acre run --ticks 30 --events w/events --trace t4 --threads 4 w >s4 &&
	expect_same s1 s2 &&
	expect_same s1 s4 &&
	expect_same t1 t2 &&
	expect_same t1 t4 &&
	grep -q "^30 a transfer b 1$" t1
'

test_expect 'run: the trace holds effects, messages, logs and transfers' '
	world_with "function on_load()
  tiles.set(1, 2, \"#\")
  entities.spawn(\"cat\", 3, 3, \"c\", {lives = 9})
  messages.send(\"b\", \"hi\")
  economy.transfer(\"@ann\", 5, \"tip\")
  log.info(\"loaded\")
  print(\"printed\")
end" &&
	acre run --ticks 1 --trace tr w >/dev/null &&
	cat >want <<-\EOF &&
	0 a tile 1 2 #
	0 a spawn cat 3 3 c
	0 a send b "hi"
	0 a transfer @ann 5 tip
	0 a log info loaded
	0 a print printed
	0 q log info quiet quiet
	1 b send a {["tick"]=1, ["echo"]="hi"}
	EOF
	expect_same want tr
'

test_expect 'run: an error message with newlines stays one trace line' '
	world_with "function on_tick() error(\"two\\nlines\") end" &&
	expect_exit 1 acre run --ticks 1 --trace tr w &&
	grep -qFx "1 a fail on_tick runtime scripts/main.lua:1: two\\nlines" tr
'

test_expect 'run: --stats prints figures per scripted parcel' '
	world_with "function on_tick() local s = 0 for i = 1, 1000 do s = s + i end end" &&
	acre run --ticks 2 --stats w >out &&
	grep -q "^parcel  *calls  *failed  *peak-instr  *peak-mem  *entities$" out &&
	grep -q "^a  *2  *0  *[0-9][0-9][0-9][0-9]* " out
'

test_expect 'run: --instructions caps every parcel' '
	world_with "function on_tick() for i = 1, 1e9 do end end" &&
	expect_exit 1 acre run --ticks 1 --instructions 5000 w 2>err &&
	grep -q "^parcel a: on_tick at tick 1: .*(instructions: used [0-9]* of 5000)$" err
'

test_expect 'run: --ticks 0 runs on_load only' '
	world_with "function on_load() log.info(\"up\") end function on_tick() error(\"no\") end" &&
	acre run --ticks 0 --trace tr w >out &&
	grep -qx "0 a log info up" tr &&
	grep -qx "0 ticks, 3 scripted parcels, 0 failures" out
'
test_expect 'a long run shows its progress on a terminal, and never in a pipe' '
	command -v script >/dev/null || exit 0
	acre init w >/dev/null &&
	printf "function on_tick() local x = 0 for i = 1, 200000 do x = x + i end end\n" >w/scripts/hello.lua &&
	script -qc "$ACRE_BIN run -q --ticks 1200 w" /dev/null | tr "\r" "\n" >tty &&
	grep -q "^acre run: tick [0-9]* of 1200 ([0-9]*%)" tty && grep -q "state [0-9a-f]\{16\}" tty &&
	acre run -q --ticks 400 w >out 2>err && test ! -s err &&
	ACRE_NO_PROGRESS=1 script -qc "$ACRE_BIN run -q --ticks 1200 w" /dev/null >tty2 &&
	! grep -q "acre run: tick" tty2
'

test_done
