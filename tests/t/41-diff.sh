#!/bin/sh
# 41-diff.sh — `acre diff`: the semantic diff on crafted changes, --stat,
# and the line-diff fallback when a side does not parse.
. "$(dirname "$0")/../lib.sh"

# A repository holding the starter sample, committed; leaves the cwd in it.
starter() {
	acre init w >/dev/null && cd w && rm -r world.acre scripts &&
	cp -r "$SAMPLES/starter/world.acre" "$SAMPLES/starter/scripts" . &&
	acre commit -m starter >/dev/null
}

# The crafted change: palette, zone, entity, move, owner, tiles, a new
# parcel, a changed script and a new module.
craft() {
	sed -i -e "s/^parcel cottage 2 0/parcel cottage 3 0/" -e "s/owner \"bo\"/owner \"cy\"/" \
		-e "s/^  max-entities-per-parcel 8/  max-entities-per-parcel 9/" \
		-e "s/#..T...#/#..TT..#/" -e "s/crier 3 2/crier 4 2/" \
		-e "s/\"T\" tree solid/\"T\" tree solid\n  \"=\" bench/" world.acre &&
	printf "\nparcel kiosk 2 1\n  zone market\nend\n" >>world.acre &&
	echo "-- louder" >>scripts/square.lua && echo "return {}" >scripts/lib.lua
}

test_expect 'diff names every kind of change in the world'"'"'s terms' '
	starter && craft &&
	acre diff >out &&
	cat >want <<-\EOT &&
	palette: added "=" bench
	zone market: changed (max-entities-per-parcel 8 -> 9)
	parcel square: entity crier moved 3,2 -> 4,2
	parcel cottage: moved 2,0 -> 3,0
	parcel cottage: owner bo -> cy
	parcel cottage: 1 tile changed (row 2, column 4)
	    row 2   - #..T...#
	            + #..TT..#
	parcel kiosk: added at 2,1 size 1x1, owner (none), zone market
	script scripts/lib.lua: added (+1 -0), named by no parcel (a module?)
	script scripts/square.lua: changed (+1 -0), parcel square
	EOT
	head -n1 out | grep -q "^diff HEAD ([0-9a-f]\{10\}) -> working tree$" &&
	tail -n +2 out >got && expect_same want got
'

test_expect 'diff --stat gives one line per parcel and script and a total' '
	starter && craft &&
	acre diff --stat | tail -n +2 >got &&
	cat >want <<-\EOT &&
	 square                   | 1 entity
	 cottage                  | moved, owner, 1 tile
	 kiosk                    | added
	script scripts/lib.lua: added (+1 -0)
	script scripts/square.lua: changed (+1 -0)
	 3 parcels changed (1 added, 0 removed), 1 palette entry, 1 zone, 2 scripts
	EOT
	expect_same want got
'

test_expect 'diff between two revisions, removals and resizes' '
	starter &&
	sed -i "/^parcel cottage/,/^end/d" world.acre &&
	sed -i "s/^  size 2 1$/  size 1 1/" world.acre &&
	sed -i "s/^    \(........\)........$/    \1/" world.acre &&
	acre commit -m shrink >/dev/null &&
	acre diff HEAD~1 HEAD >out &&
	head -n1 out | grep -q "^diff HEAD~1 ([0-9a-f]*) -> HEAD ([0-9a-f]*)$" &&
	grep -qx "parcel square: resized 2x1 -> 1x1" out &&
	grep -qx "parcel square: 48 tiles changed (rows 0-5, columns 8-15)" out &&
	grep -qx "parcel cottage: removed (was at 2,0 size 1x1)" out
'

test_expect 'comments and formatting are not changes' '
	starter &&
	sed -i "s/^parcel cottage 2 0$/parcel   cottage 2 0   # moved? no/" world.acre &&
	echo "# a closing remark" >>world.acre &&
	acre diff >out && test "$(wc -l <out)" = 1 &&
	acre diff --stat | tail -n 1 >got &&
	echo " 0 parcels changed (0 added, 0 removed), 0 palette entries, 0 zones, 0 scripts" >want &&
	expect_same want got
'

test_expect 'reordering the palette changes no tile' '
	starter &&
	sed -i "/^  \"\\.\" floor$/d" world.acre &&
	sed -i "s/^  \"T\" tree solid$/  \"T\" tree solid\n  \".\" floor/" world.acre &&
	acre diff >out && test "$(wc -l <out)" = 1
'

test_expect 'a world that does not parse falls back to a line diff' '
	starter && echo "parcel broken" >>world.acre &&
	acre diff >out 2>err &&
	grep -q "^acre: warning: world.acre in working tree does not parse ([0-9]*:14: expected the parcel" err &&
	grep -qx "+parcel broken" out && grep -qx "diff --git a/world.acre b/world.acre" out
'

test_expect 'a script change names the parcels that run it' '
	starter && echo "-- x" >>scripts/square.lua && acre commit -m s >/dev/null &&
	acre diff HEAD~1 HEAD >out &&
	grep -qx "script scripts/square.lua: changed (+1 -0), parcel square" out
'

test_expect 'diff of an unknown revision exits 2' '
	starter && expect_exit 2 acre diff nosuch 2>err &&
	echo "acre: unknown revision '"'"'nosuch'"'"'" >want && expect_same want err
'

test_expect 'diff with three revisions is a usage error' '
	starter && expect_exit 2 acre diff a b c 2>err &&
	grep -qx "acre diff: at most two revisions" err
'

test_expect 'a zone'"'"'s capabilities are listed before and after' '
	starter && sed -i "s/^  allow tiles entities$/  allow tiles/" world.acre &&
	acre diff | tail -n +2 >got &&
	echo "zone homes: changed (allow tiles entities -> tiles)" >want &&
	expect_same want got
'

test_done
