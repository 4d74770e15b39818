#!/bin/sh
# 42-log-blame.sh — `acre log --parcel` and `acre blame` on a crafted
# history, checked against the commits git records.
. "$(dirname "$0")/../lib.sh"

# Six commits; only 1, 2, 5 and 6 touch parcel hello (3 adds another
# parcel, 4 changes only a comment of hello).
history() {
	acre init w >/dev/null && cd w &&
	echo "-- two" >>scripts/hello.lua && acre commit -m "hello script" >/dev/null &&
	printf "\nparcel b 3 3\n  zone commercial\nend\n" >>world.acre &&
	acre commit -m "add b" >/dev/null &&
	sed -i "s/^parcel hello 1 1$/parcel hello 1 1  # the first shop/" world.acre &&
	acre commit -m "comment only" >/dev/null &&
	sed -i "0,/#..\*........\*..#/s//#..*...++...*..#/" world.acre &&
	acre commit -m "pond" >/dev/null &&
	sed -i "s/^parcel hello 1 1 /parcel hello 2 1 /" world.acre &&
	acre commit -m "move hello" >/dev/null
}

test_expect 'log lists every commit, newest first' '
	history && acre log >out &&
	test "$(wc -l <out)" = 6 &&
	sed "s/^[0-9a-f]\{10\} [0-9-]* [0-9:]* tester *//" out >got &&
	printf "%s\n" "move hello" pond "comment only" "add b" "hello script" \
		"New world with a sample parcel" >want &&
	expect_same want got
'

test_expect 'log --parcel lists only the commits that changed that parcel' '
	history && acre log --parcel hello >out &&
	sed "s/^[0-9a-f]\{10\} [0-9-]* [0-9:]* tester *//" out >got &&
	printf "%s\n" "move hello" pond "hello script" "New world with a sample parcel" >want &&
	expect_same want got &&
	acre log --parcel b | sed "s/^.* tester *//" >got &&
	echo "add b" >want && expect_same want got
'

test_expect 'log ids are the commits git has' '
	history && acre log -n 2 | cut -c1-10 >got &&
	git log -2 --format=%h --abbrev=10 >want && expect_same want got
'

test_expect 'log of a parcel that never existed exits 2 and prints no commit' '
	history && expect_exit 2 acre log --parcel nosuch >out 2>err && test ! -s out &&
	grep -q "no parcel .nosuch." err
'

test_expect 'blame attributes each layout row and script line' '
	history && acre blame hello >out &&
	init=$(git rev-list --max-parents=0 HEAD | cut -c1-10) &&
	pond=$(git log -1 --format=%H --grep=^pond | cut -c1-10) &&
	script=$(git log -1 --format=%H --grep="^hello script" | cut -c1-10) &&
	grep -qx "parcel hello: layout, 8 rows" out &&
	grep -q "^$pond tester .*   2  #..\*...++...\*..#$" out &&
	test "$(grep -c "^$init " out)" = 15 &&
	grep -qx "parcel hello: script scripts/hello.lua, 9 lines" out &&
	grep -q "^$script tester .*   9  -- two$" out
'

test_expect 'blame of an unknown parcel exits 2' '
	history && expect_exit 2 acre blame nosuch 2>err &&
	echo "acre: no parcel '"'"'nosuch'"'"' in world.acre at HEAD" >want &&
	expect_same want err
'

test_expect 'log and blame skip long runs of unrelated commits' '
	acre init w >/dev/null && cd w &&
	for i in $(seq 1 25); do
		echo "-- $i" >notes.lua && git add notes.lua && git commit -qm "n$i"
	done &&
	acre log --parcel hello >out && test "$(wc -l <out)" = 1 &&
	acre blame hello >out && grep -qx "parcel hello: layout, 8 rows" out
'

test_expect 'log --parcel of a parcel the history never had fails like blame' '
	acre init w >/dev/null &&
	expect_exit 2 acre log --parcel nope w 2>err &&
	grep -qx "acre: no parcel .nope. in world.acre at HEAD, nor in its history" err &&
	acre log --parcel hello w >out && test "$(wc -l <out)" = 1
'

test_expect 'log --parcel of a removed parcel still shows its history' '
	acre init w >/dev/null &&
	sed -i "/^parcel hello/,/^end/d" w/world.acre &&
	acre commit -m "remove hello" w >/dev/null &&
	acre log --parcel hello w >out && test "$(wc -l <out)" = 2 &&
	head -n 1 out | grep -q "remove hello$"
'

test_done
