#!/bin/sh
# 40-history.sh — init, commit, checkout and the bad paths around them, on
# real repositories checked with the git command line.
. "$(dirname "$0")/../lib.sh"

test_expect 'init makes a canonical world with a sample parcel and one commit' '
	acre init w >out &&
	grep -q "^made world '"'"'w'"'"' in w (commit [0-9a-f]\{10\})$" out &&
	acre fmt --check w &&
	grep -q "^parcel hello 1 1$" w/world.acre &&
	grep -q "^  owner \"tester\"$" w/world.acre &&
	grep -q "^function on_tick()" w/scripts/hello.lua &&
	test "$(git -C w rev-list --count HEAD)" = 1 &&
	test "$(git -C w log -1 --format=%an)" = tester &&
	test -z "$(git -C w status --porcelain)" &&
	git -C w fsck --strict 2>&1
'

test_expect 'init warns when git cannot find acre on PATH to run the merge driver' '
	acre init w >/dev/null 2>err &&
	echo "acre: warning: '"'"'acre'"'"' is not on PATH, so git cannot run its merge driver: a merge that changes world.acre on both sides conflicts until it is ('"'"'make install'"'"', or add acre'"'"'s directory to PATH)" >want &&
	expect_same want err &&
	mkdir bin && ln -s "$ACRE_BIN" bin/acre &&
	PATH="$PWD/bin:$PATH" acre init v >/dev/null 2>err && test ! -s err
'

test_expect 'init in the current directory names the world after it' '
	mkdir town && cd town && acre init >/dev/null &&
	grep -q "^world \"town\"$" world.acre
'

test_expect 'init refuses a directory that is not empty' '
	mkdir w && echo keep >w/notes &&
	expect_exit 2 acre init w 2>err &&
	echo "acre: w: not empty and no world.acre in it; '"'"'acre init'"'"' makes a world in a new or empty directory, or a repository of an existing world" >want &&
	expect_same want err && test ! -e w/.git && test "$(cat w/notes)" = keep
'

test_expect 'commit records changes, removals and new scripts with a message naming parcels' '
	acre init w >/dev/null &&
	sed -i "s/^  entity greeter 7 3/  entity greeter 6 3/" w/world.acre &&
	echo "function on_enter() end" >w/scripts/door.lua &&
	rm w/scripts/hello.lua &&
	acre commit w >out &&
	grep -q "^\[[0-9a-f]\{10\}\] Change parcel hello$" out &&
	git -C w show --name-status --format= HEAD >files &&
	printf "D\tscripts/hello.lua\nA\tscripts/door.lua\nM\tworld.acre\n" | sort >want &&
	sort files >got && expect_same want got &&
	test -z "$(git -C w status --porcelain)"
'

test_expect 'commit records new nested directories, a file turned link, and skips ignored files' '
	acre init w >/dev/null &&
	mkdir -p w/scripts/lib/deep w/assets && echo "return 1" >w/scripts/lib/deep/m.lua &&
	echo tile >w/assets/a.txt && echo "*.tmp" >w/.gitignore && git -C w add .gitignore &&
	git -C w commit -qm ignore && echo junk >w/scripts/x.tmp &&
	acre commit -m nested w >/dev/null &&
	git -C w show --name-status --format= HEAD | sort >got &&
	printf "A\tassets/a.txt\nA\tscripts/lib/deep/m.lua\n" >want && expect_same want got &&
	rm w/assets/a.txt && ln -s ../world.acre w/assets/a.txt && rm -r w/scripts/lib &&
	acre commit -m link w >/dev/null &&
	git -C w show --name-status --format= HEAD | sort >got &&
	printf "D\tscripts/lib/deep/m.lua\nT\tassets/a.txt\n" >want && expect_same want got &&
	test "$(git -C w status --porcelain)" = "!! scripts/x.tmp" ||
	test -z "$(git -C w status --porcelain)"
'

test_expect 'commit -m uses the message; nothing to commit is not an error' '
	acre init w >/dev/null &&
	echo "-- note" >>w/scripts/hello.lua &&
	acre commit -m "Louder greeter" w >/dev/null &&
	test "$(git -C w log -1 --format=%s)" = "Louder greeter" &&
	acre commit w >out && grep -qx "nothing to commit: the world is as in HEAD" out &&
	test "$(git -C w rev-list --count HEAD)" = 2
'

test_expect 'commit leaves files outside the world alone' '
	acre init w >/dev/null &&
	echo scratch >w/notes.txt && echo "-- x" >>w/scripts/hello.lua &&
	acre commit -m x w >/dev/null &&
	git -C w status --porcelain >st && grep -qx "?? notes.txt" st
'

test_expect 'commit without an author identity says how to set one' '
	acre init w >/dev/null && echo "-- x" >>w/scripts/hello.lua &&
	mkdir home &&
	expect_exit 2 env -u GIT_AUTHOR_NAME -u GIT_AUTHOR_EMAIL HOME="$T/home" \
		XDG_CONFIG_HOME="$T/home" "$ACRE_BIN" commit w 2>err &&
	grep -qx "acre: no author identity: tell git who you are with" err &&
	grep -q "git config --global user.email" err &&
	test "$(git -C w rev-list --count HEAD)" = 1
'

test_expect 'a world outside any repository is refused with exit 2' '
	mkdir w && acre init src >/dev/null && cp src/world.acre w/ &&
	expect_exit 2 acre log w 2>err &&
	echo "acre: w: not a git repository (make one with '"'"'acre init'"'"')" >want &&
	expect_same want err
'

test_expect 'a bare repository is refused with exit 2' '
	git init -q --bare b.git && touch b.git/world.acre &&
	expect_exit 2 acre log b.git 2>err &&
	echo "acre: b.git: a bare repository has no world to work on; clone it first" >want &&
	expect_same want err
'

test_expect 'a directory without world.acre is not a world' '
	mkdir e && expect_exit 2 acre commit e 2>err && grep -q "not a world" err
'

test_expect 'checkout travels back and returns; commit refuses a detached HEAD' '
	acre init w >/dev/null && cd w &&
	sed -i "s/^  entity greeter 7 3/  entity greeter 6 3/" world.acre &&
	acre commit -m move >/dev/null &&
	acre checkout HEAD~1 >out && grep -q "^now at " out &&
	grep -q "greeter 7 3" world.acre &&
	echo "-- x" >>scripts/hello.lua &&
	expect_exit 2 acre commit 2>err &&
	grep -q "^acre: HEAD is detached at [0-9a-f]*: a commit here would belong to no branch" err &&
	git checkout -q scripts/hello.lua &&
	acre checkout "$(git symbolic-ref --short -q HEAD || git branch --format="%(refname:short)" | grep -v detached | head -n1)" >/dev/null &&
	git symbolic-ref -q HEAD && grep -q "greeter 6 3" world.acre
'

test_expect 'checkout refuses to lose uncommitted work and changes nothing' '
	acre init w >/dev/null && cd w &&
	echo "-- x" >>scripts/hello.lua && acre commit -m two >/dev/null &&
	echo "-- precious" >>scripts/hello.lua &&
	cp scripts/hello.lua keep &&
	expect_exit 2 acre checkout HEAD~1 2>err &&
	echo "acre: uncommitted changes in scripts/hello.lua would be lost; commit them with '"'"'acre commit'"'"' first" >want &&
	expect_same want err && cmp keep scripts/hello.lua &&
	git symbolic-ref -q HEAD
'

test_expect 'checkout refuses to lose a change to a file the world names outside scripts/' '
	acre init w >/dev/null && cd w &&
	sed -i "/^  parcel-size/a\\
  events \"events.txt\"" world.acre && : >events.txt &&
	acre commit -m events >/dev/null && git ls-files --error-unmatch events.txt &&
	echo "1 enter x hello" >events.txt &&
	expect_exit 2 acre checkout HEAD~1 2>err &&
	grep -qx "acre: uncommitted changes in events.txt would be lost; commit them with .acre commit. first" err &&
	git checkout -q events.txt && echo "-- x" >>scripts/hello.lua && echo "2 enter x hello" >events.txt &&
	expect_exit 2 acre checkout HEAD~1 2>err &&
	grep -q "^acre: uncommitted changes in " err &&
	git checkout -q events.txt scripts/hello.lua && acre checkout HEAD~1 >/dev/null &&
	test ! -e events.txt
'

test_expect 'checkout of an unknown revision exits 2' '
	acre init w >/dev/null &&
	expect_exit 2 acre checkout --world w nosuch 2>err &&
	echo "acre: unknown revision '"'"'nosuch'"'"'" >want && expect_same want err
'

test_expect 'a world in a subdirectory of a repository works' '
	git init -q repo && acre init src >/dev/null &&
	mkdir repo/worlds && cp -r src/world.acre src/scripts repo/worlds/ &&
	acre commit -m first repo/worlds >/dev/null &&
	git -C repo ls-files >files && grep -qx worlds/world.acre files &&
	sed -i "s/greeter 7 3/greeter 5 3/" repo/worlds/world.acre &&
	acre diff --world repo/worlds >out && grep -q "entity greeter moved 7,3 -> 5,3" out
'

test_expect 'a lock left by a stopped process is named, and nothing is committed' '
	acre init w >/dev/null && echo "-- x" >>w/scripts/hello.lua &&
	b=$(git -C w symbolic-ref --short HEAD) && touch w/.git/refs/heads/$b.lock &&
	expect_exit 2 acre commit -m x w 2>err &&
	grep -q "^acre: commit: failed to lock file .*/refs/heads/$b.lock'"'"' for writing; another git or acre is at work here, or one was stopped: if none is running, remove the lock file$" err &&
	test "$(git -C w rev-list --count HEAD)" = 1 &&
	rm w/.git/refs/heads/$b.lock && acre commit -m x w >/dev/null &&
	test "$(git -C w rev-list --count HEAD)" = 2 && git -C w fsck --no-dangling 2>&1
'

test_expect 'a world that does not parse is committed with a warning' '
	acre init w >/dev/null && echo "parcel broken" >>w/world.acre &&
	acre commit w >out 2>err &&
	grep -q "^acre: warning: world.acre does not parse ([0-9]*:14: .*); committing it anyway$" err &&
	grep -q "^\[[0-9a-f]*\] Update the world$" out
'

test_done
