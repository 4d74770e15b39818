#!/bin/sh
# 7030-check-run.sh — acre check runs the scripts: compile errors, handler
# failures with parcel, file:line, limit and usage, two runs compared, the
# events file, the reports of a run, and the registry record.
. "$(dirname "$0")/../lib.sh"
export XDG_DATA_HOME=$_scratch/xdg ACRE_REGISTRY=

# A world of five parcels: one good script, one that raises at tick 3, one
# that never ends, one that does not compile and one that eats memory.
trouble() {
	mkdir -p w/scripts &&
	cat >w/world.acre <<-EOF &&
	world "trouble"
	  format 1
	  seed 5
	  size 5 1
	  parcel-size 4 4
	  budget entities=8 instructions=200000 memory=128KiB

	palette
	  "." floor
	end

	parcel good 0 0
	  owner "ann"
	  script "scripts/good.lua"
	end

	parcel boom 1 0
	  owner "ann"
	  script "scripts/boom.lua"
	end

	parcel spin 2 0
	  owner "bo"
	  script "scripts/spin.lua"
	end

	parcel broken 3 0
	  script "scripts/broken.lua"
	end

	parcel hog 4 0
	  script "scripts/hog.lua"
	end
	EOF
	printf "local n = 0\nfunction on_tick() n = n + 1 end\n" >w/scripts/good.lua &&
	printf "local n = 0\nfunction on_tick()\n\tn = n + 1\n\tif n == 3 then\n\t\terror(\"the boiler burst\")\n\tend\nend\n" >w/scripts/boom.lua &&
	printf "function on_tick()\n\twhile true do end\nend\n" >w/scripts/spin.lua &&
	printf "function on_tick(\n" >w/scripts/broken.lua &&
	printf "local t = {}\nfunction on_tick()\n\tt[#t + 1] = string.rep(\"x\", 20000) .. #t\nend\n" >w/scripts/hog.lua
}

test_expect 'every handler failure is reported with parcel, file:line, limit and usage' '
	trouble &&
	expect_exit 1 acre check --ticks 8 w >out &&
	cat >want <<-EOF &&
	parcel boom (owner ann)
	w/scripts/boom.lua:5:3: error: on_tick at tick 3: the boiler burst [runtime]
	    5 |         error("the boiler burst")
	      |         ^^^^^^^^^^^^^^^^^^^^^^^^^
	parcel spin (owner bo)
	w/scripts/spin.lua:2: error: on_tick at tick 1: instruction budget exhausted (call limit 200000); 8 times, the last at tick 8 (used 200000 of 200000) [instructions]
	parcel broken
	w/scripts/broken.lua:2: error: load: <name> or '"'"'...'"'"' expected near <eof> [script]
	parcel hog
	EOF
	head -n 9 out >got && expect_same want got &&
	grep -q "^w/scripts/hog.lua:3: error: on_tick at tick 5: not enough memory (limit 131072 bytes); 4 times, the last at tick 8 (used [0-9]* of 131072) \[memory\]$" out &&
	grep -q "^invalid: 4 errors, 4 parcels failing of 5 parcels, 5 scripted; 8 ticks run twice (5 parcels ran, 0 from the registry), state [0-9a-f]\{16\}$" out
'

# The samples are checked as copies: a check writes its budget shares into
# the git directory of the world's repository (check/shares.c), and the
# samples' repository is the developer's own.
test_expect 'the state hash is the one acre run prints for the same ticks' '
	cp -R "$SAMPLES/relay" relay &&
	acre check --ticks 50 relay >out &&
	acre run -q --ticks 50 relay >run &&
	test "$(sed -n "s/.*, state //p" out)" = "$(sed -n "s/^state //p" run)"
'

test_expect '--ticks 0 still compiles every script and runs on_load' '
	trouble &&
	expect_exit 1 acre check --ticks 0 w >out &&
	grep -q "broken.lua:2: error: load: " out &&
	! grep -q "boiler" out &&
	grep -q "; 0 ticks run twice" out
'

test_expect 'the JSON report holds the run, both hashes and per-parcel figures' '
	trouble &&
	expect_exit 1 acre check --ticks 8 --format json w >out.json &&
	python3 -c "
import json
d = json.load(open(\"out.json\"))
r = d[\"run\"]
assert r[\"ticks\"] == 8 and r[\"deterministic\"] is True
assert r[\"state_hashes\"][0] == r[\"state_hashes\"][1]
p = {x[\"name\"]: x for x in d[\"parcels\"]}
assert p[\"good\"][\"status\"] == \"valid\" and p[\"good\"][\"source\"] == \"ran\"
assert p[\"good\"][\"peak_instructions\"] > 0 and p[\"good\"][\"peak_memory\"] > 0
assert p[\"spin\"][\"status\"] == \"invalid\"
f = [x for x in d[\"findings\"] if x[\"rule\"] == \"instructions\"][0]
assert f[\"parcel\"] == \"spin\" and f[\"used\"] == 200000 and f[\"limit\"] == 200000
assert f[\"file\"] == \"w/scripts/spin.lua\" and f[\"line\"] == 2
"
'

test_expect 'JUnit has a failing test case per failing parcel' '
	trouble &&
	expect_exit 1 acre check --ticks 8 --format junit w >out.xml &&
	python3 -c "
import xml.etree.ElementTree as E
t = E.parse(\"out.xml\").getroot()
c = {x.get(\"name\"): x for x in t.iter(\"testcase\")}
assert set(c) == {\"world\", \"parcel good\", \"parcel boom\", \"parcel spin\", \"parcel broken\", \"parcel hog\"}
assert c[\"parcel good\"].find(\"failure\") is None
assert \"the boiler burst\" in c[\"parcel boom\"].find(\"failure\").text
assert t.get(\"failures\") == \"4\" and t.get(\"tests\") == \"6\"
"
'

test_expect 'SARIF points at the failing script lines' '
	trouble &&
	expect_exit 1 acre check --ticks 8 --format sarif w >out.sarif &&
	python3 -c "
import json
d = json.load(open(\"out.sarif\"))
res = d[\"runs\"][0][\"results\"]
locs = sorted((r[\"ruleId\"], r[\"locations\"][0][\"physicalLocation\"][\"artifactLocation\"][\"uri\"],
               r[\"locations\"][0][\"physicalLocation\"][\"region\"][\"startLine\"]) for r in res)
assert locs == [(\"instructions\", \"w/scripts/spin.lua\", 2), (\"memory\", \"w/scripts/hog.lua\", 3),
                (\"runtime\", \"w/scripts/boom.lua\", 5), (\"script\", \"w/scripts/broken.lua\", 2)], locs
"
'

test_expect 'GitHub annotations carry the script file and line' '
	trouble &&
	expect_exit 1 acre check --ticks 8 --format github w >out &&
	grep -qx "::error file=w/scripts/boom.lua,line=5,col=3,endColumn=28,title=acre check runtime%3A parcel boom::on_tick at tick 3: the boiler burst" out
'

test_expect 'a bad events file is reported as file:line:col and nothing runs' '
	cp -R "$SAMPLES/relay" w &&
	ev=$(sed -n "s/^  events \"\(.*\)\"/\1/p" w/world.acre) && test -n "$ev" &&
	printf "999 enter ada nowhere\n" >>"w/$ev" &&
	expect_exit 1 acre check --ticks 5 w >out &&
	n=$(grep -c "" "w/$ev") &&
	grep -q "^w/$ev:$n:[0-9]*: error: .*nowhere.* \[events\]$" out &&
	! grep -q "ticks run twice" out
'

test_expect 'scripts do not run when the world file has errors' '
	trouble && printf "parcel x 9 9\nend\n" >>w/world.acre &&
	expect_exit 1 acre check --ticks 8 --format json w >out.json &&
	python3 -c "
import json
d = json.load(open(\"out.json\"))
assert d[\"run\"] is None
assert {p[\"source\"] for p in d[\"parcels\"] if p[\"scripted\"]} == {\"skipped\"}
assert [f[\"rule\"] for f in d[\"findings\"]] == [\"rules\"]
"
'

test_expect 'the result is recorded in the registry with the commit' '
	trouble && git -C w init -q && git -C w add -A && git -C w commit -qm t &&
	expect_exit 1 acre check --ticks 8 --record --registry reg.db w >/dev/null &&
	acre stats --registry reg.db >stats &&
	grep -q "^validation runs  1 (0 valid, 1 invalid)" stats &&
	grep -q "^recorded errors  4" stats &&
	grep -q "^peak memory .*(trouble:hog)" stats
'

test_expect 'valid samples pass the full check' '
	for s in starter neon-street maze relay; do
		cp -R "$SAMPLES/$s" "$s" &&
		acre check --ticks 20 "$s" >out || { cat out; exit 1; }
	done
'

test_done
