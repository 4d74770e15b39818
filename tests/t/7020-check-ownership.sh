#!/bin/sh
# 7020-check-ownership.sh — acre check --as: changed parcels must be owned
# or operated by the submitter in the registry; the file's owner field
# grants nothing.
. "$(dirname "$0")/../lib.sh"
export XDG_DATA_HOME=$_scratch/xdg ACRE_REGISTRY=

# A committed copy of the starter world (square: ada, cottage: bo), indexed
# in reg.db so that the registry holds the first claims.
setup() {
	cp -R "$SAMPLES/starter" w &&
	git -C w init -q && git -C w add -A && git -C w commit -qm base &&
	acre index --registry reg.db w >/dev/null
}
square_line() { grep -n "^parcel square" w/world.acre | cut -d: -f1; }

test_expect 'changing your own parcel passes' '
	setup &&
	sed -i "s/#..T...#/#...T..#/" w/world.acre &&
	acre check --ticks 1 --as bo --registry reg.db w >out &&
	grep -q "^valid:" out
'

test_expect 'changing a parcel of someone else is refused, naming it and its owner' '
	setup &&
	sed -i "s/#.....~~.......#/#......~~......#/" w/world.acre &&
	expect_exit 1 acre check --ticks 1 --as bo --registry reg.db w >out &&
	grep -qx "w/world.acre:$(square_line):1: error: parcel .square. changed, but it belongs to ada; .bo. may not change it \[ownership\]" out &&
	grep -qx "parcel square (owner ada)" out &&
	grep -q "^invalid: 1 error, 1 parcel failing of 2 parcels" out
'

test_expect 'writing your name into the owner field grants nothing' '
	setup &&
	sed -i "s/owner \"ada\"/owner \"bo\"/" w/world.acre &&
	expect_exit 1 acre check --ticks 1 --as bo --registry reg.db w >out &&
	grep -q "parcel .square. changed, but it belongs to ada; .bo. may not change it" out
'

test_expect 'an operator may change the parcel' '
	setup &&
	acre grant --operator --world w --registry reg.db square bo >/dev/null &&
	sed -i "s/#.....~~.......#/#......~~......#/" w/world.acre &&
	acre check --ticks 1 --as bo --registry reg.db w >out &&
	grep -q "^valid:" out &&
	expect_exit 1 acre check --ticks 1 --as cy --registry reg.db w >out &&
	grep -q "belongs to ada (operators bo); .cy. may not change it" out
'

test_expect 'a parcel given away is no longer yours' '
	setup &&
	acre grant --world w --registry reg.db cottage ada >/dev/null &&
	sed -i "s/#..T...#/#...T..#/" w/world.acre &&
	expect_exit 1 acre check --ticks 1 --as bo --registry reg.db w >out &&
	grep -q "parcel .cottage. changed, but it belongs to ada; .bo. may not change it" out
'

test_expect 'removing a parcel of someone else is refused' '
	setup &&
	awk "/^parcel square/{skip=1} skip&&/^end\$/{skip=0; next} !skip" w/world.acre >x &&
	mv x w/world.acre &&
	expect_exit 1 acre check --ticks 1 --as bo --registry reg.db w >out &&
	grep -qx "w/world.acre: error: parcel .square. removed, but it belongs to ada; .bo. may not remove it \[ownership\]" out
'

test_expect 'a new parcel on unclaimed land passes' '
	setup &&
	printf "\nparcel shed 3 1\n  owner \"bo\"\nend\n" >>w/world.acre &&
	acre check --ticks 1 --as bo --registry reg.db w >out &&
	grep -q "^valid:" out
'

test_expect 'a changed script counts as a change to the parcels running it' '
	setup &&
	echo "-- bo was here" >>w/scripts/square.lua &&
	expect_exit 1 acre check --ticks 1 --as bo --registry reg.db w >out &&
	grep -q "parcel .square. changed, but it belongs to ada" out &&
	acre check --ticks 1 --as ada --registry reg.db w >out
'

test_expect 'renaming the world is refused' '
	setup &&
	sed -i "s/^world \"starter\"/world \"mine\"/" w/world.acre &&
	expect_exit 1 acre check --ticks 1 --as bo --registry reg.db w >out &&
	grep -qx "w/world.acre: error: the world is renamed from .starter. to .mine.; .bo. may not rename it \[ownership\]" out
'

test_expect '--base compares with a revision: committed changes count' '
	setup &&
	sed -i "s/#.....~~.......#/#......~~......#/" w/world.acre &&
	git -C w commit -qam "change the square" &&
	acre check --ticks 1 --as bo --registry reg.db w >out &&
	expect_exit 1 acre check --ticks 1 --base HEAD~1 --as bo --registry reg.db w >out &&
	grep -q "parcel .square. changed, but it belongs to ada" out &&
	acre check --ticks 1 --base HEAD~1 --as ada --registry reg.db w >out
'

test_expect 'comments and layout of the text are not changes' '
	setup &&
	sed -i "s/^parcel square 0 0/# a comment on the square\nparcel square 0 0/" w/world.acre &&
	acre check --ticks 1 --as bo --registry reg.db w >out &&
	grep -q "^valid:" out
'

test_expect 'outside git every parcel counts as changed' '
	setup && rm -rf w/.git &&
	expect_exit 1 acre check --ticks 1 --as bo --registry reg.db w >out &&
	grep -q "parcel .square. changed, but it belongs to ada" out &&
	! grep -q "parcel .cottage. changed" out
'

test_expect 'the JSON report names the submitter and the refusal' '
	setup &&
	sed -i "s/#.....~~.......#/#......~~......#/" w/world.acre &&
	expect_exit 1 acre check --ticks 1 --format json --as bo --registry reg.db w >out.json &&
	python3 -c "
import json,sys
d=json.load(open(\"out.json\"))
assert d[\"as\"]==\"bo\" and d[\"valid\"] is False
f=[x for x in d[\"findings\"] if x[\"rule\"]==\"ownership\"]
assert len(f)==1 and f[0][\"parcel\"]==\"square\", f
p={x[\"name\"]:x for x in d[\"parcels\"]}
assert p[\"square\"][\"changed\"] and not p[\"cottage\"][\"changed\"]
assert p[\"square\"][\"owner\"]==\"ada\"
"
'

test_expect 'a base that does not exist exits 2' '
	setup &&
	expect_exit 2 acre check --base nosuch --as bo --registry reg.db w 2>err &&
	grep -q "^acre: check: --base nosuch: " err
'

test_done
