#!/bin/sh
# 62-edit-merge.sh — resolving a merge in the editor, in a real terminal
# (tmux): a conflict made by a real `git merge` through the driver that
# `acre init` installs, opened side by side, settled with the keys, saved
# without markers, checked and committed with both parents.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../tmux.sh"

. "$TESTS_ROOT/merge.sh"
STATUS=' w  0,0 (0,0)  NORMAL'

test_expect 'a world with conflict markers opens side by side, naming the conflict' '
	conflict && ed_start w && wait_for "1 CONFLICT  merged|theirs" &&
	wait_for "merge: 1 conflict (]c next, < keeps ours, > takes theirs" &&
	screen | grep -q "#\*\.\.\.\.\.\.\.\.\.\.\.\.\.#.*│.*#+\.\.\.\.\.\.\.\.\.\.\.\.\.#" &&
	screen | grep -qF "Conflicts: 1 left" && screen | grep -qF "  hello (1,1) *|+" &&
	keys ] c &&
	wait_for "1 left: merge conflict in parcel hello, tile (1, 1): ours '"'"'*'"'"', theirs '"'"'+'"'"'" &&
	screen | grep -qF " w  17,9 (1,1)  1 CONFLICT  merged|theirs  hello owner" &&
	ed_stop
'

test_expect ':w is refused while a conflict is left, and writes no markers once settled' '
	conflict && cp w/world.acre marked && ed_start w && wait_for "1 CONFLICT" &&
	keys : w Enter && wait_for "1 merge conflict left: ]c goes to the next" &&
	cmp marked w/world.acre &&
	keys ] c && wait_for "1 left" && keys ">" && wait_for "0 CONFLICTS" &&
	wait_for "took theirs for parcel hello, tile (1, 1)" &&
	screen | grep -qF "> hello (1,1) *|+" &&
	keys u && wait_for "1 CONFLICT" && keys "<" && wait_for "kept ours for parcel hello" &&
	wait_for "0 CONFLICTS" && screen | grep -qF "< hello (1,1) *|+" &&
	keys : w Enter && wait_for "wrote world.acre: the merge is resolved; c commits it" &&
	wait_for "MERGING" && ! screen | grep -qF "CONFLICT" &&
	keys : q Enter && wait_for "EDIT-EXIT 0" && ed_stop &&
	! grep -q "^[<=>]\{7\}" w/world.acre && grep -q "^    #\*\.\.\.\.\.\.\.\.\.\.\.\.\.#$" w/world.acre
'

test_expect 'resolved in the editor, the world checks and acre commit records both parents' '
	conflict && ed_start w && wait_for "1 CONFLICT" &&
	keys ] c ">" && wait_for "0 CONFLICTS" && keys : w q Enter && wait_for "EDIT-EXIT 0" &&
	ed_stop && cd w && acre check --ticks 1 . >../out && acre fmt --check . &&
	grep -q "^    #+\.\.\.\.\.\.\.\.\.\.\.\.\.#$" world.acre &&
	acre commit >../out &&
	test "$(git rev-list --parents -n 1 HEAD | wc -w)" = 3 &&
	test "$(git rev-parse HEAD^2)" = "$(git rev-parse theirs)" &&
	test ! -f .git/MERGE_HEAD && test -z "$(git status --porcelain)"
'

test_expect 'c in the editor commits the resolved merge with git'"'"'s message' '
	conflict && ed_start w && wait_for "1 CONFLICT" &&
	keys c && wait_for "1 merge conflict left: settle them and :w, then c commits the merge" &&
	keys : c o m m i t Space m Enter && wait_for "1 merge conflict left: settle them" &&
	keys ] c && wait_for "1 left" && keys i "#" Escape && wait_for "0 CONFLICTS" &&
	keys c && wait_for "the merge is settled: :w writes it, then c commits it" &&
	screen | grep -qF "* hello (1,1) *|+" &&
	keys : w Enter && wait_for "MERGING" && keys c && wait_for "commit message:" && keys Enter &&
	wait_for "committed the merge" && wait_gone "MERGING" && ed_stop && cd w &&
	test "$(git rev-list --parents -n 1 HEAD | wc -w)" = 3 &&
	git log -1 --format=%s | grep -q "^Merge branch .theirs." &&
	grep -q "^    ##\.\.\.\.\.\.\.\.\.\.\.\.\.#$" world.acre && acre check --ticks 1 . >/dev/null
'

test_expect ':theirs parcel takes the parcel under the cursor whole; u brings its conflicts back' '
	conflict && ed_start w && wait_for "1 CONFLICT" &&
	keys : g o t o Space h e l l o Enter && wait_for " w  16,8 (1,1)  1 CONFLICT  merged|theirs  hello" &&
	keys : t h e i r s Space p a r c e l Enter && wait_for "took theirs for 1 conflict; none left: :w writes the merged world" &&
	keys u && wait_for "1 CONFLICT" && keys C-r && wait_for "0 CONFLICTS" &&
	keys : w q Enter && wait_for "EDIT-EXIT 0" && ed_stop &&
	grep -q "^    #+\.\.\.\.\.\.\.\.\.\.\.\.\.#$" w/world.acre
'

test_expect 'parcels on the same land: :theirs all swaps them, :ours all keeps ours' '
	conflict land && cp -R w w2 && ed_start w && wait_for "3 CONFLICTS" &&
	screen | grep -qF "parcel b: only ours has it" &&
	screen | grep -qF "parcel c: only theirs has it" &&
	keys : t h e i r s Space a l l Enter && wait_for "took theirs for 3 conflicts; none left" &&
	keys : w q Enter && wait_for "EDIT-EXIT 0" && ed_stop &&
	grep -q "^parcel c 3 3$" w/world.acre && ! grep -q "^parcel b " w/world.acre &&
	acre check --ticks 1 w >/dev/null &&
	ed_start w2 && wait_for "3 CONFLICTS" &&
	keys : o u r s Space a l l Enter && wait_for "kept ours for 3 conflicts; none left" &&
	keys : w q Enter && wait_for "EDIT-EXIT 0" && ed_stop &&
	grep -q "^parcel b 3 3$" w2/world.acre && ! grep -q "^parcel c " w2/world.acre &&
	grep -q "^    #\*\.\.\.\.\.\.\.\.\.\.\.\.\.#$" w2/world.acre
'

test_expect 'header, parcel and entity conflicts: each jumped to, kept or taken' '
	three && ed_start w && wait_for "3 CONFLICTS" &&
	keys ] c && wait_for "3 left: merge conflict in the world header, seed: ours 3, theirs 2" &&
	keys ">" && wait_for "took theirs for the world header, seed: ours 3, theirs 2; 2 left" &&
	keys ] c && wait_for "2 left: merge conflict in parcel hello, owner: ours \"bob\", theirs \"ann\"" &&
	keys ">" && wait_for "took theirs for parcel hello, owner: ours \"bob\", theirs \"ann\"; 1 left" &&
	screen | grep -qF " owner  ann" &&
	keys ] c && wait_for "1 left: merge conflict in parcel hello, entity greeter: ours at (6, 3), theirs at (8, 3)" &&
	screen | grep -qF " w  22,11 (1,1)  1 CONFLICT  merged|theirs  hello" &&
	keys "<" && wait_for "kept ours for parcel hello, entity greeter: ours at (6, 3), theirs at (8, 3); none left" &&
	keys : w q Enter && wait_for "EDIT-EXIT 0" && ed_stop && cd w &&
	grep -q "^  seed 2$" world.acre && grep -q "^  owner \"ann\"$" world.acre &&
	grep -q "^  entity greeter 6 3 " world.acre && acre check --ticks 1 . >/dev/null &&
	acre commit >/dev/null && test "$(git rev-list --parents -n 1 HEAD | wc -w)" = 3
'

test_expect '= shows ours on the right; the help lists the merge keys' '
	conflict && ed_start w && wait_for "merged|theirs" &&
	keys = && wait_for "merged|ours" &&
	screen | grep -q "#\*\.\.\.\.\.\.\.\.\.\.\.\.\.#.*│.*#\*\.\.\.\.\.\.\.\.\.\.\.\.\.#" &&
	keys "?" && wait_for "acre edit: keys and commands" &&
	poll '"'"'screen | grep -qF "]c [c" || { keys Space; false; }'"'"' &&
	screen | grep -qF "merge conflicts: the next, previous conflict left" &&
	ed_stop
'

test_expect 'a merge in progress without conflicts opens as MERGING; c commits it' '
	acre init w >/dev/null && cd w && MAIN=$(git symbolic-ref --short HEAD) &&
	git checkout -q -b theirs && sed -i "s/^  seed 1$/  seed 2/" world.acre &&
	acre commit -m theirs >/dev/null && git checkout -q "$MAIN" &&
	printf "\nparcel b 3 3\nend\n" >>world.acre && acre commit -m ours >/dev/null &&
	git merge -q --no-commit --no-ff theirs && test -f .git/MERGE_HEAD && cd .. &&
	ed_start w && wait_for "NORMAL  MERGING" &&
	wait_for "a merge is in progress: :w, then c commits it with both parents" &&
	! screen | grep -qF CONFLICT &&
	keys c && wait_for "commit message:" && keys Enter &&
	wait_for "committed the merge" && wait_gone "MERGING" && ed_stop && cd w &&
	test "$(git rev-list --parents -n 1 HEAD | wc -w)" = 3 && test ! -f .git/MERGE_HEAD
'

test_expect 'markers of git'"'"'s own line merge (no driver) open the same way' '
	acre init w >/dev/null && cd w && echo "world.acre merge=text" >.git/info/attributes &&
	MAIN=$(git symbolic-ref --short HEAD) && git checkout -q -b theirs &&
	sed -i "0,/$ROW/s//    #+.............#/" world.acre &&
	acre commit -m theirs >/dev/null && git checkout -q "$MAIN" &&
	sed -i "0,/$ROW/s//    #*.............#/" world.acre && acre commit -m ours >/dev/null &&
	expect_exit 1 git merge -q --no-edit theirs >/dev/null 2>&1 &&
	grep -q "^<<<<<<< HEAD$" world.acre && cd .. &&
	ed_start w && wait_for "1 CONFLICT" && screen | grep -qF "  hello (1,1) *|+" &&
	keys : t h e i r s Space a l l Enter && wait_for "0 CONFLICTS" &&
	keys : w q Enter && wait_for "EDIT-EXIT 0" && ed_stop &&
	acre check --ticks 1 w >/dev/null
'

test_expect 'a world without conflicts opens as ever, and says no conflicts' '
	cp -R "$SAMPLES/starter" w && ed_start w && wait_for " starter  0,0 (0,0)" &&
	! screen | grep -q "CONFLICT" && keys ">" && wait_for "no merge conflicts here" &&
	keys : t h e i r s Space a l l Enter && wait_for "no merge conflicts here" && ed_stop
'

test_done
