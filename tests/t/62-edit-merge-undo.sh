#!/bin/sh
# 62-edit-merge-undo.sh — the merge view's picks as a creator meets them,
# in a real terminal (tmux): every pick (header keys too) undone and redone
# alike, < after > on the header, what q does with conflicts left, and the
# help and hints that name the merge keys.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../tmux.sh"
. "$TESTS_ROOT/merge.sh"

test_expect 'a pick on a header key is undone and redone like any other' '
	three && ed_start w && wait_for "3 CONFLICTS" &&
	keys ] c && wait_for "3 left: merge conflict in the world header, seed: ours 3, theirs 2" &&
	keys ">" && wait_for "2 CONFLICTS" && screen | grep -qF "> header seed 3|2" &&
	keys u && wait_for "undid take theirs (3 merge conflicts left)" &&
	wait_for "3 CONFLICTS" && screen | grep -qF "  header seed 3|2" &&
	keys C-r && wait_for "redid take theirs (2 merge conflicts left)" &&
	screen | grep -qF "> header seed 3|2" &&
	keys : t h e i r s Space a l l Enter && wait_for "took theirs for 2 conflicts; none left" &&
	keys : w q Enter && wait_for "EDIT-EXIT 0" && ed_stop &&
	grep -q "^  seed 2$" w/world.acre && acre check --ticks 1 w >/dev/null
'

test_expect '< after > puts ours back in the header, and u takes it back again' '
	three && ed_start w && wait_for "3 CONFLICTS" &&
	keys ] c ">" && wait_for "2 CONFLICTS" &&
	keys "<" && wait_for "kept ours for the world header, seed: ours 3, theirs 2; 2 left" &&
	screen | grep -qF "< header seed 3|2" &&
	keys u && wait_for "undid keep ours (2 merge conflicts left)" &&
	screen | grep -qF "> header seed 3|2" &&
	keys C-r && wait_for "redid keep ours" &&
	keys : t h e i r s Space a l l Enter && wait_for "none left" &&
	keys : w q Enter && wait_for "EDIT-EXIT 0" && ed_stop &&
	grep -q "^  seed 3$" w/world.acre && grep -q "^  owner \"ann\"$" w/world.acre
'

test_expect 'keeping ours where the world is ours already is one undo step, undone' '
	three && ed_start w && wait_for "3 CONFLICTS" &&
	keys ] c ] c && wait_for "merge conflict in parcel hello, owner" &&
	keys "<" && wait_for "2 CONFLICTS" && screen | grep -qF "< hello owner \"bob\"|\"ann\"" &&
	keys u && wait_for "undid keep ours (3 merge conflicts left)" &&
	wait_for "3 CONFLICTS" && keys u && wait_for "nothing to undo" && ed_stop
'

test_expect 'q with conflicts left asks, and can keep the picks for the next acre edit' '
	three && cp w/world.acre marked && ed_start w && wait_for "3 CONFLICTS" &&
	keys q && wait_for "EDIT-EXIT 0" && ed_stop && test -z "$(rec)" &&
	ed_start w && wait_for "3 CONFLICTS" && keys ] c ">" && wait_for "2 CONFLICTS" &&
	keys q &&
	wait_for "2 conflicts left: keep the picks for the next acre edit? (y keeps, n drops, Esc stays)" &&
	keys Escape && wait_gone "keep the picks for the next" && keys : q Enter &&
	wait_for "2 merge conflicts left: settle them and :w; q keeps the picks for later, :q! drops them" &&
	keys q y Enter && wait_for "EDIT-EXIT 0" && ed_stop &&
	cmp marked w/world.acre && test -n "$(rec)" &&
	ed_start w && wait_for "A recovery file from an unsaved session exists" &&
	screen | grep -qF ", a merge being resolved)" &&
	screen | grep -qF "r  recover it (the merge view comes back with the picks made so far)" &&
	keys r && wait_for "recovered the merge: 2 of 3 conflicts left" &&
	screen | grep -qF "> header seed 3|2" &&
	keys q n Enter && wait_for "EDIT-EXIT 0" && ed_stop && test -z "$(rec)" &&
	cmp marked w/world.acre
'

test_expect 'in the merge view ? opens at the merge keys, and the hint line names them' '
	conflict && ed_start w && wait_for "1 CONFLICT" && keys l &&
	wait_for "]c next conflict  < ours  > theirs  u undo  ? help  :w once none is left" &&
	keys "?" && wait_for "acre edit: keys and commands, the merge'"'"'s first" &&
	screen | sed -n 2p | grep -qx "Merge" && screen | sed -n 3p | grep -qF "]c [c" &&
	screen | grep -qF ":theirs [parcel|all]" &&
	screen | grep -qF "merge conflicts: a pick is undone and redone like any edit" &&
	keys k && wait_for "history of the parcel under the cursor" && ed_stop
'

test_done
