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
	acre grant --as ada --operator --world w --registry reg.db square bo >/dev/null &&
	sed -i "s/#.....~~.......#/#......~~......#/" w/world.acre &&
	acre check --ticks 1 --as bo --registry reg.db w >out &&
	grep -q "^valid:" out &&
	expect_exit 1 acre check --ticks 1 --as cy --registry reg.db w >out &&
	grep -q "belongs to ada (operators bo); .cy. may not change it" out
'

test_expect 'a parcel given away is no longer yours' '
	setup &&
	acre grant --as bo --world w --registry reg.db cottage ada >/dev/null &&
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

test_expect 'renaming the world is for operators of the world' '
	setup &&
	sed -i "s/^world \"starter\"/world \"mine\"/" w/world.acre &&
	expect_exit 1 acre check --ticks 1 --as bo --registry reg.db w >out &&
	grep -qx "w/world.acre: error: the world is renamed from .starter. to .mine.; only an operator of the world may, and .bo. is not one \[ownership\]" out &&
	acre grant --platform --world-operator --world w --registry reg.db ops >/dev/null &&
	acre check --ticks 1 --as ops --registry reg.db w >out &&
	grep -q "^valid:" out
'

test_expect 'an operator of the world may change any parcel' '
	setup &&
	acre grant --platform --world-operator --world w --registry reg.db ops >/dev/null &&
	sed -i "s/#.....~~.......#/#......~~......#/" w/world.acre &&
	acre check --ticks 1 --as ops --registry reg.db w >out &&
	grep -q "^valid:" out
'

test_expect 'an events file not in the base is a change to the world, not to a parcel' '
	cp -R "$SAMPLES/relay" w && rm -f w/events &&
	git -C w init -q && git -C w add -A && git -C w commit -qm base &&
	acre index --registry reg.db w >/dev/null &&
	cp "$SAMPLES/relay/events" w/events &&
	owner=$(sed -n "s/^  owner \"\(.*\)\"/\1/p" w/world.acre | head -n 1) &&
	expect_exit 1 acre check --ticks 1 --as "$owner" --registry reg.db w >out &&
	! grep -q "parcel .* changed, but it belongs" out &&
	grep -qx "w/world.acre: error: the events file events differs from the base; only an operator of the world may, and .$owner. is not one \[ownership\]" out
'

test_expect 'land another claim holds is refused, even when its parcel is not in the file' '
	setup &&
	printf "\nparcel hut 0 1\nend\n" >>w/world.acre &&
	acre check --ticks 1 --record --as eve --registry reg.db w >/dev/null &&
	git -C w checkout -q world.acre &&
	printf "\nparcel shed 0 1\nend\n" >>w/world.acre &&
	expect_exit 1 acre check --ticks 1 --as bo --registry reg.db w >out &&
	grep -qx "w/world.acre:$(grep -n "^parcel shed" w/world.acre | cut -d: -f1):1: error: parcel .shed. lies on land claimed by parcel .hut. of eve; .bo. may not build there \[ownership\]" out &&
	git -C w checkout -q world.acre &&
	sed -i "s/^parcel cottage 2 0$/parcel cottage 0 1/" w/world.acre &&
	expect_exit 1 acre check --ticks 1 --as bo --registry reg.db w >out &&
	grep -q "error: parcel .cottage. lies on land claimed by parcel .hut. of eve; .bo. may not build there" out &&
	sed -i "s/^parcel cottage 0 1$/parcel cottage 3 1/" w/world.acre &&
	acre check --ticks 1 --record --as bo --registry reg.db w >out &&
	grep -q "^valid:" out &&
	test "$(sqlite3 reg.db "SELECT px || \",\" || py FROM claims WHERE parcel = '"'"'cottage'"'"'")" = 3,1
'

test_expect 'check --record claims new parcels for the submitter, first come first served' '
	setup &&
	printf "\nparcel shed 3 1\nend\n" >>w/world.acre &&
	acre check --ticks 1 --as eve --registry reg.db w >out &&
	test "$(sqlite3 reg.db "SELECT count(*) FROM claims WHERE parcel = '"'"'shed'"'"'")" = 0 &&
	acre check --ticks 1 --record --as bo --registry reg.db w >out &&
	test "$(sqlite3 reg.db "SELECT owner, source, by FROM claims WHERE parcel = '"'"'shed'"'"'")" = "bo|push|bo" &&
	expect_exit 1 acre check --ticks 1 --record --as eve --registry reg.db w >out &&
	grep -q "parcel .shed. changed, but it belongs to bo; .eve. may not change it" out &&
	expect_exit 1 acre check --ticks 1 --base HEAD --as eve --registry reg.db w >out &&
	grep -q "parcel .shed. changed, but it belongs to bo" out
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
