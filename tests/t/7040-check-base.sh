#!/bin/sh
# 7040-check-base.sh — acre check --base: the changed parcels found against
# a base revision are exactly those a change touched (randomised edits of a
# generated street), and incremental results equal full results.
. "$(dirname "$0")/../lib.sh"
export XDG_DATA_HOME=$_scratch/xdg ACRE_REGISTRY=

# A committed street of 256 parcels, 20% scripted (made once, copied).
acre gen street --parcels 256 --scripted 20 --seed 7 "$_scratch/street" >/dev/null &&
git -C "$_scratch/street" init -q && git -C "$_scratch/street" add -A &&
git -C "$_scratch/street" commit -qm base
setup() {
	cp -R "$_scratch/street" w
}

# edit.py SEED — apply random edits to w/world.acre; print the names of the
# parcels that really changed, one a line, sorted (removed ones too).
cat >"$_scratch/edit.py" <<'EOF'
import random, re, sys
rnd = random.Random(int(sys.argv[1]))
text = open("w/world.acre").read().split("\n")
starts = [i for i, l in enumerate(text) if l.startswith("parcel ")]
blocks = []
for k, s in enumerate(starts):
    e = s
    while text[e] != "end":
        e += 1
    blocks.append((text[s].split()[1], s, e))
changed, edits = set(), {}
for name, s, e in rnd.sample(blocks, rnd.randint(1, 6)):
    kind = rnd.choice(["tile", "owner", "comment", "blank", "entity", "remove",
                       "attr", "tile-same"])
    edits[s] = (kind, name, e)
out = []
i = 0
while i < len(text):
    if i not in edits:
        out.append(text[i]); i += 1; continue
    kind, name, e = edits[i]
    block = text[i:e + 1]
    if kind == "remove":
        changed.add(name); i = e + 1; continue
    rows = [j for j, l in enumerate(block) if re.match(r"^    [^ ]", l)]
    if kind == "tile":
        j = rnd.choice(rows[1:-1]); row = block[j]; x = rnd.randrange(5, 15)
        block[j] = row[:x] + ("*" if row[x] != "*" else ".") + row[x + 1:]
        changed.add(name)
    elif kind == "tile-same":
        j = rows[0]; block[j] = block[j]       # rewritten, not changed
    elif kind == "owner":
        block = [l if not l.startswith("  owner ") else '  owner "mallory"' for l in block]
        if '  owner "mallory"' not in block:
            block.insert(1, '  owner "mallory"')
        changed.add(name)
    elif kind == "comment":
        block.insert(1, "  # a note that changes nothing")
    elif kind == "blank":
        block.insert(len(block) - 1, "")
    elif kind == "entity":
        block.insert(len(block) - 1, "  entity visitor 3 3")
        changed.add(name)
    elif kind == "attr":
        block.insert(len(block) - 1, "  mood=calm")
        changed.add(name)
    out.extend(block); i = e + 1
open("w/world.acre", "w").write("\n".join(out))
print("\n".join(sorted(changed)))
EOF

# changed_in FILE — the changed (and removed) parcels of a JSON report.
changed_in() {
	python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
print("\n".join(sorted(p["name"] for p in d["parcels"] if p["changed"])))
' "$1"
}

test_expect 'without changes nothing counts as changed' '
	setup &&
	acre check --ticks 0 --base HEAD --format json w >out.json &&
	test -z "$(changed_in out.json)"
'

for seed in 1 2 3 4 5 6; do
test_expect "randomised edits (seed $seed): exactly the edited parcels changed" '
	setup &&
	python3 "$_scratch/edit.py" '"$seed"' >want &&
	git -C w commit -qam edit &&
	acre check --ticks 0 --base HEAD~1 --format json w >out.json;
	test $? -le 1 && changed_in out.json >got && expect_same want got
'
done

test_expect 'edits far apart in the file are told apart' '
	setup &&
	sed -i "0,/#\*............\*#/s//#*...........**#/" w/world.acre &&
	last=$(grep -n "^parcel" w/world.acre | tail -n 1 | cut -d: -f1) &&
	sed -i "${last}s/\$/\n  mood=calm/" w/world.acre &&
	acre check --ticks 0 --base HEAD --format json w >out.json &&
	changed_in out.json >got &&
	test "$(wc -l <got)" = 2
'

test_expect 'a palette change counts for every parcel drawn with it' '
	setup &&
	sed -i "s/^  \"=\" counter solid/  \"=\" counter/" w/world.acre &&
	acre check --ticks 0 --base HEAD --format json w >out.json &&
	changed_in out.json >got &&
	want=$(grep -c "^parcel" w/world.acre) &&
	uses=$(awk "/^parcel/{n=\$2} /^    .*=/{print n}" w/world.acre | sort -u | wc -l) &&
	test "$(wc -l <got)" = "$uses" && test "$uses" -lt "$want"
'

test_expect 'a changed script counts for the parcels running it' '
	setup &&
	s=$(ls w/scripts | head -n 1) && echo "-- changed" >>"w/scripts/$s" &&
	acre check --ticks 0 --base HEAD --format json w >out.json &&
	changed_in out.json >got &&
	grep -B3 "script \"scripts/$s\"" w/world.acre | sed -n "s/^parcel \([^ ]*\) .*/\1/p" | sort >want &&
	test -s want && expect_same want got
'

test_expect 'a new script file (a module) counts for every scripted parcel' '
	setup && echo "return {}" >w/scripts/util.lua &&
	acre check --ticks 0 --base HEAD --format json w >out.json &&
	test "$(changed_in out.json | wc -l)" = "$(grep -c "^  script " w/world.acre)"
'

# fail.py SEED — random edits that break and mend scripts: parcels switch to
# a script that raises at tick 2 or to one that loops, others go back to
# the shop script, some layouts change.
cat >"$_scratch/fail.py" <<'EOF'
import random, sys
rnd = random.Random(int(sys.argv[1]))
text = open("w/world.acre").read().split("\n")
scripted = [i for i, l in enumerate(text) if l.startswith("  script ")]
for i in rnd.sample(scripted, 4):
    text[i] = '  script "scripts/%s.lua"' % rnd.choice(["boom", "spin", "shop"])
rows = [i for i, l in enumerate(text) if l == "    #..............#"]
for i in rnd.sample(rows, 3):
    text[i] = "    #......*.......#"
open("w/world.acre", "w").write("\n".join(text))
EOF

# verdicts FILE — "parcel valid|invalid" for every parcel of a JSON report.
verdicts() {
	python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
for p in sorted(d["parcels"], key=lambda p: p["name"]):
    if not p["removed"]:
        print(p["name"], p["status"])
' "$1"
}

for seed in 1 2; do
test_expect "incremental results equal full results (seed $seed)" '
	setup &&
	printf "local n = 0\nfunction on_tick()\n\tn = n + 1\n\tif n == 2 then error(\"down\") end\nend\n" >w/scripts/boom.lua &&
	printf "function on_tick()\n\twhile true do end\nend\n" >w/scripts/spin.lua &&
	python3 "$_scratch/fail.py" 100'"$seed"' && git -C w add -A && git -C w commit -qm base2 &&
	{ acre check --ticks 3 --record --registry reg.db w >/dev/null; test $? -le 1; } &&
	python3 "$_scratch/fail.py" '"$seed"' && git -C w commit -qam change &&
	{ acre check --ticks 3 --format json w >full.json; full=$?; } &&
	{ acre check --ticks 3 --base HEAD~1 --registry reg.db --format json w >inc.json; inc=$?; } &&
	test $full = $inc &&
	verdicts full.json >want && verdicts inc.json >got && expect_same want got &&
	python3 -c "
import json
s = json.load(open(\"inc.json\"))[\"summary\"]
assert s[\"cached\"] > 0 and s[\"ran\"] < s[\"scripted\"], s
"
'
done

test_expect 'without results for the base every parcel runs, and a note says so' '
	setup && sed -i "s/#..............#/#.....*........#/" w/world.acre &&
	acre check --ticks 1 --base HEAD --record --registry reg.db w >out &&
	grep -q "^acre check: note: no results for [0-9a-f]\{12\} in the registry: every parcel ran \[registry\]$" out &&
	grep -q "($(grep -c "^  script " w/world.acre) parcels ran, 0 from the registry)" out
'

test_expect 'a changed events file counts for every scripted parcel' '
	cp -R "$SAMPLES/relay" r && git -C r init -q && git -C r add -A &&
	git -C r commit -qm base &&
	acre check --ticks 0 --base HEAD --format json r >same.json &&
	test -z "$(changed_in same.json)" &&
	echo "199 message clock-tower ring" >>r/events &&
	acre check --ticks 0 --base HEAD --format json r >out.json &&
	test "$(changed_in out.json | wc -l)" = "$(grep -c "^  script " r/world.acre)"
'

test_done
