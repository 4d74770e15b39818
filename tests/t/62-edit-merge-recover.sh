#!/bin/sh
# 62-edit-merge-recover.sh — an editor that dies while resolving a merge,
# in a real terminal (tmux): its recovery file brings the merge view back
# with the picks made and the conflicts left; one that would lose a merge
# is not offered, and the editor says why.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../tmux.sh"
. "$TESTS_ROOT/merge.sh"
# picked — three conflicts, theirs taken for the seed and ours kept for
# the owner, the recovery file written with both: the editor still runs.
picked() {
	three && cp w/world.acre marked && ed_start w && wait_for "3 CONFLICTS" &&
	keys ] c ">" && wait_for "2 CONFLICTS" &&
	keys ] c && wait_for "merge conflict in parcel hello, owner" &&
	keys "<" && wait_for "1 CONFLICT " &&
	poll 'grep -qs "^# acre merge recovery 1 world.acre=[0-9a-f]*:[0-9]* kept=1$" $(rec)'
}

test_expect 'killed mid-merge, the recovery brings back the merge view, the picks and the conflict left' '
	picked && kill -KILL "$(ed_pid)" && wait_for "EDIT-EXIT" && ed_stop &&
	cmp marked w/world.acre && test -n "$(rec)" &&
	ed_start w && wait_for "A recovery file from an unsaved session exists" &&
	keys r && wait_for "recovered the merge: 1 of 3 conflicts left" &&
	wait_for "1 CONFLICT  merged|theirs" &&
	screen | grep -qF "> header seed 3|2" &&
	screen | grep -qF "< hello owner \"bob\"|\"ann\"" &&
	screen | grep -qF "  hello entity greeter (6, 3)" &&
	keys : w Enter && wait_for "1 merge conflict left" &&
	keys ] c && wait_for "1 left: merge conflict in parcel hello, entity greeter" &&
	keys ">" && wait_for "none left" && keys : w q Enter && wait_for "EDIT-EXIT 0" &&
	ed_stop && test -z "$(rec)" && cd w &&
	grep -q "^  seed 2$" world.acre && grep -q "^  owner \"bob\"$" world.acre &&
	grep -q "^  entity greeter 8 3 " world.acre && ! grep -q "acre merge recovery" world.acre &&
	acre check --ticks 1 . >/dev/null &&
	acre commit >/dev/null && test "$(git rev-list --parents -n 1 HEAD | wc -w)" = 3
'

test_expect 'the pane killed mid-merge (a hangup): recovered with --recover, picks and all' '
	picked && pid=$(ed_pid) && ed_stop && poll "! kill -0 $pid 2>/dev/null" &&
	test -n "$(rec)" &&
	cmp marked w/world.acre &&
	ed_start --recover w && wait_for "recovered the merge: 1 of 3 conflicts left" &&
	screen | grep -qF "< hello owner \"bob\"|\"ann\"" && keys u && wait_for "nothing to undo" &&
	ed_stop
'

test_expect 'a recovery file of a merge that is gone is not offered, and the editor says why' '
	picked && pid=$(ed_pid) && kill -KILL "$pid" && wait_for "EDIT-EXIT" && ed_stop &&
	(cd w && git merge --abort) && ! grep -q "^<<<<<<<" w/world.acre &&
	ed_start w && wait_for "not offering .world.acre.$pid.acre-recover: its merge is gone from world.acre" &&
	! screen | grep -qF "CONFLICT" && test -n "$(rec)" && ed_stop
'

test_expect 'a recovery file from before the merge is not offered while the merge is in progress' '
	three && cp w/world.acre w/.world.acre.999999999.acre-recover &&
	sed -i "s/^<<<<<<< ours$//; s/^=======$//; s/^>>>>>>> theirs$//" w/.world.acre.999999999.acre-recover &&
	ed_start w && wait_for "3 CONFLICTS" &&
	wait_for "not offering .world.acre.999999999.acre-recover: it predates the merge in world.acre" &&
	test -f w/.world.acre.999999999.acre-recover && ed_stop
'

test_expect 'a big world (recovery and save in the background) recovers its merge, and saving ends it' '
	acre gen street --parcels 8192 w >/dev/null && cd w && acre init . >/dev/null &&
	ROW1="^    #\*\.\.\.\.\.\.\.\.\.\.\.\.\*#$" && MAIN=$(git symbolic-ref --short HEAD) &&
	git checkout -q -b theirs && sed -i "0,/$ROW1/s//    #=............*#/" world.acre &&
	acre commit -m theirs >/dev/null && git checkout -q "$MAIN" &&
	sed -i "0,/$ROW1/s//    #~............*#/" world.acre && acre commit -m ours >/dev/null &&
	expect_exit 1 git merge -q --no-edit theirs >/dev/null 2>&1 && cd .. &&
	COLS=80 ed_start w && wait_for " street-8192  0,0 (0,0)  1 CONFLICT  merged|theirs  shop-0-0" &&
	keys ] c ">" && wait_for "0 CONFLICTS" &&
	poll "grep -qs \"^# acre merge recovery 1 world.acre=\" \$(rec)" &&
	poll "grep -qs \"^    #=\.\.\.\" \$(rec)" &&
	kill -KILL "$(ed_pid)" && wait_for "EDIT-EXIT" && ed_stop &&
	ed_start --recover w && wait_for "recovered the merge: 0 of 1 conflict left" &&
	keys : w Enter && wait_for "wrote world.acre: the merge is resolved" &&
	wait_gone "CONFLICT" && keys : q Enter && wait_for "EDIT-EXIT 0" && ed_stop &&
	grep -q "^    #=\.\.\.\.\.\.\.\.\.\.\.\.\*#$" w/world.acre && ! grep -q "^<<<<<<<" w/world.acre
'

test_done
