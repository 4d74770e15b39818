#!/bin/sh
# 45-merge-commit.sh — the history commands around a merge, as a git user
# expects them: init sets up the driver, commit finishes a merge with both
# parents and refuses an unfinished one, and the world's own files (and no
# others) are what a commit records.
. "$(dirname "$0")/../lib.sh"

mkdir -p "$_scratch/bin" && ln -sf "$ACRE_BIN" "$_scratch/bin/acre"
export PATH="$_scratch/bin:$PATH"

# A world from acre init with a branch "theirs" that set one tile of parcel
# hello, and the default branch setting the same tile (or, with "clean",
# another parcel's) on its side.
diverge() {
	acre init w >/dev/null && cd w && MAIN=$(git symbolic-ref --short HEAD) &&
	git checkout -q -b theirs &&
	sed -i "0,/^    #\.\.\.\.\.\.\.\.\.\.\.\.\.\.#$/s//    #+.............#/" world.acre &&
	acre commit -m theirs >/dev/null && git checkout -q "$MAIN" &&
	if [ "${1:-}" = clean ]; then
		printf "\nparcel b 3 3\n  zone commercial\nend\n" >>world.acre
	else
		sed -i "0,/^    #\.\.\.\.\.\.\.\.\.\.\.\.\.\.#$/s//    #*.............#/" world.acre
	fi &&
	acre commit -m ours >/dev/null
}

test_expect 'init routes world.acre to the merge driver' '
	acre init w >/dev/null && cd w &&
	test "$(cat .gitattributes)" = "world.acre merge=acre" &&
	test "$(git config merge.acre.driver)" = "acre merge %O %A %B %P" &&
	test "$(git check-attr merge world.acre)" = "world.acre: merge: acre" &&
	git ls-files --error-unmatch .gitattributes
'

test_expect 'a clean merge through the driver installed by init is valid' '
	diverge clean && git merge -q --no-edit theirs &&
	acre check --ticks 1 . >/dev/null && grep -q "^parcel b 3 3$" world.acre &&
	grep -q "^    #+\.\.\.\.\.\.\.\.\.\.\.\.\.#$" world.acre
'

test_expect 'commit refuses an unfinished merge, naming each conflict, and changes nothing' '
	diverge && expect_exit 1 git merge -q --no-edit theirs >/dev/null 2>&1 &&
	head=$(git rev-parse HEAD) &&
	expect_exit 1 acre commit >out 2>err &&
	grep -F "merge conflict in parcel hello, tile (1, 1): ours '\''*'\'', theirs '\''+'\''" err &&
	grep -F "world.acre has unresolved merge conflicts" err &&
	test "$(git rev-parse HEAD)" = "$head" && test -f .git/MERGE_HEAD
'

test_expect 'commit of a resolved merge keeps both parents and ends the merge' '
	diverge && expect_exit 1 git merge -q --no-edit theirs >/dev/null 2>&1 &&
	git checkout --theirs world.acre && acre commit >../out &&
	test "$(git rev-list --parents -n 1 HEAD | wc -w)" = 3 &&
	test "$(git rev-parse HEAD^2)" = "$(git rev-parse theirs)" &&
	test ! -f .git/MERGE_HEAD && git log -1 --format=%s | grep -q "^Merge branch .theirs." &&
	test -z "$(git status --porcelain)"
'

test_expect 'commit refuses a merge while another path is unmerged' '
	acre init w >/dev/null && cd w && MAIN=$(git symbolic-ref --short HEAD) &&
	echo one >notes && git add notes && git commit -qm notes &&
	git checkout -q -b theirs && echo two >notes && git commit -qam two &&
	git checkout -q "$MAIN" && echo three >notes && git commit -qam three &&
	expect_exit 1 git merge -q --no-edit theirs >/dev/null 2>&1 &&
	head=$(git rev-parse HEAD) &&
	expect_exit 2 acre commit 2>err &&
	grep -F "notes is not merged yet" err && test "$(git rev-parse HEAD)" = "$head"
'

test_expect 'world.acre replaced by a directory is refused, not committed as a deletion' '
	acre init w >/dev/null && cd w && head=$(git rev-parse HEAD) &&
	rm world.acre && mkdir world.acre &&
	expect_exit 2 acre commit 2>err &&
	grep -F "world.acre is a directory, not a file; nothing committed" err &&
	test "$(git rev-parse HEAD)" = "$head" && git cat-file -e HEAD:world.acre
'

test_expect 'a symbolic link loop as world.acre is named as one' '
	mkdir w && ln -s world.acre w/world.acre &&
	expect_exit 1 acre check w >out 2>&1 &&
	grep -F "w/world.acre: error: cannot read: a symbolic link" out &&
	! grep -F "no world.acre here" out &&
	cd w && git init -q && expect_exit 2 acre commit 2>err &&
	grep -F "world.acre is a symbolic link, not a file; nothing committed" err
'

test_expect 'commit records the events file the world names' '
	acre init w >/dev/null && cd w &&
	sed -i "s/^  seed 1$/  seed 1\n  events \"play.events\"/" world.acre &&
	printf "1 enter hello\n" >play.events &&
	acre commit -m events >/dev/null &&
	git cat-file -e HEAD:play.events && test -z "$(git status --porcelain)"
'

test_expect 'files staged with git add stay staged and out of the commit' '
	acre init w >/dev/null && cd w &&
	echo draft >notes && git add notes &&
	sed -i "s/^  seed 1$/  seed 2/" world.acre && acre commit -m seed >/dev/null &&
	! git cat-file -e HEAD:notes 2>/dev/null &&
	git diff --cached --name-only >staged && test "$(cat staged)" = notes &&
	git diff --quiet HEAD -- world.acre
'

test_expect 'gen then init: a generated world becomes a repository as it is' '
	acre gen street --parcels 16 --scripted 0 g >/dev/null && cp g/world.acre before &&
	acre init g >out && grep -F "made a repository of the world in g" out &&
	cmp before g/world.acre && cd g && test -z "$(git status --porcelain)" &&
	git cat-file -e HEAD:world.acre && git cat-file -e HEAD:.gitattributes &&
	acre log >/dev/null
'

test_expect 'init in an existing clone sets up only the driver' '
	acre init w >/dev/null && git clone -q w c && cd c &&
	! git config merge.acre.driver && head=$(git rev-parse HEAD) &&
	acre init . >../out && grep -F "merge driver set up" ../out &&
	test "$(git config merge.acre.driver)" = "acre merge %O %A %B %P" &&
	test "$(git rev-parse HEAD)" = "$head" && test -z "$(git status --porcelain)"
'

test_expect 'from a subdirectory of a world, acre finds the world upward' '
	acre init w >/dev/null && mkdir -p w/scripts/deep && cd w/scripts/deep &&
	acre check --ticks 1 >/dev/null &&
	sed -i "s/^  seed 1$/  seed 3/" ../../world.acre &&
	acre commit -m up >/dev/null && git log -1 --format=%s | grep -qx up
'

test_expect 'a repository owned by another user is named as git names it' '
	if [ "$(id -u)" != 0 ]; then echo "# needs root to chown"; exit 0; fi
	acre init w >/dev/null && chown -R 12345 w &&
	expect_exit 2 acre log w 2>err &&
	grep -F "detected dubious ownership in repository at" err &&
	grep -F "safe.directory" err
'

# Parcel hello changed on a branch by "sidey", parcel b added on the main
# line by "mainy", merged (cleanly, by the driver) by "merger".
merged_history() {
	acre init w >/dev/null && cd w && MAIN=$(git symbolic-ref --short HEAD) &&
	git checkout -q -b side &&
	sed -i "0,/^    #\.\.\.\.\.\.\.\.\.\.\.\.\.\.#$/s//    #+.............#/" world.acre &&
	GIT_AUTHOR_NAME=sidey acre commit -m "door in hello" >/dev/null &&
	git checkout -q "$MAIN" &&
	printf "\nparcel b 3 3\n  zone commercial\nend\n" >>world.acre &&
	GIT_AUTHOR_NAME=mainy acre commit -m "add b" >/dev/null &&
	GIT_AUTHOR_NAME=merger GIT_COMMITTER_NAME=merger git merge -q --no-edit side
}

test_expect 'log --parcel follows a merge to the commit that changed the parcel' '
	merged_history &&
	acre log --parcel hello | sed "s/^[0-9a-f]* [0-9-]* [0-9:]* //" >got &&
	printf "%s\n" "sidey            door in hello" \
		"tester           New world with a sample parcel" >want &&
	expect_same want got &&
	acre log --parcel b | sed "s/^[0-9a-f]* [0-9-]* [0-9:]* //" >got &&
	echo "mainy            add b" >want && expect_same want got
'

test_expect 'blame names the author of a row changed on a merged branch' '
	merged_history &&
	acre blame hello >out && cat out &&
	grep "#+\.\.\.\.\.\.\.\.\.\.\.\.\.#" out | grep -q " sidey " &&
	! grep -q " merger " out &&
	test "$(git log -1 --format=%an -- world.acre)" = merger
'

test_expect 'log --parcel answers the same with a cold, a warm and a torn cache' '
	merged_history &&
	for i in 1 2 3; do sed -i "s/^  seed .*/  seed 1$i/" world.acre &&
		acre commit -m "seed $i" >/dev/null; done &&
	rm -rf .git/acre && acre log --parcel hello >cold &&
	test -s .git/acre/parcel-changes && acre log --parcel hello >warm &&
	expect_same cold warm &&
	size=$(wc -c <.git/acre/parcel-changes) &&
	head -c $((size - 3)) .git/acre/parcel-changes >torn &&
	mv torn .git/acre/parcel-changes && acre log --parcel hello >torn &&
	expect_same cold torn &&
	head -c 8 .git/acre/parcel-changes | grep -q "^ACREPC1$" &&
	printf "garbage" >.git/acre/parcel-changes && acre log --parcel hello >junk &&
	expect_same cold junk && head -c 8 .git/acre/parcel-changes | grep -q "^ACREPC1$" &&
	acre blame hello | grep -q " sidey "
'

test_expect 'a shallow clone has a log, an index and a blame' '
	acre init w >/dev/null && cd w &&
	for s in 2 3 4; do sed -i "s/^  seed .*/  seed $s/" world.acre &&
		sed -i "0,/^    #\.\.\.\.\.\.\.\.\.\.\.\.\.\.#$/s//    #$s.............#/" world.acre &&
		sed -i "s/^  \"+\" door$/  \"+\" door\n  \"$s\" step/" world.acre &&
		acre commit -m "s$s" >/dev/null; done && cd .. &&
	git clone -q --depth 2 "file://$PWD/w" c && cd c &&
	acre log >log && test "$(wc -l <log)" = 2 &&
	acre log --parcel hello >/dev/null &&
	acre index --registry ../reg.db >/dev/null &&
	acre blame hello >/dev/null
'

test_expect 'checkout of a branch used by another worktree changes nothing' '
	acre init w >/dev/null && cd w && MAIN=$(git symbolic-ref --short HEAD) &&
	git branch other && sed -i "s/^  seed 1$/  seed 5/" world.acre &&
	acre commit -m s5 >/dev/null && git worktree add -q ../linked other &&
	cd ../linked && cp world.acre before &&
	expect_exit 2 acre checkout "$MAIN" 2>err &&
	grep -F "is already checked out in another worktree" err &&
	cmp before world.acre && test -z "$(git status --porcelain -- world.acre)" &&
	test "$(git symbolic-ref --short HEAD)" = other
'

test_done
