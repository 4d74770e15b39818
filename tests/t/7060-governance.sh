#!/bin/sh
# 7060-governance.sh — land governance on a shared world, as a platform runs
# it: a bare repository with the sample hooks and the recipe's settings
# (receive.denyDeletes, receive.denyNonFastForwards), several users pushing
# with real `git push` and named by login (GL_USERNAME, as GitLab passes
# it), and `acre who`/`acre ls` on the server agreeing with each outcome.
# The model is acre-history(7), GOVERNANCE.
. "$(dirname "$0")/../lib.sh"
export XDG_DATA_HOME=$_scratch/xdg ACRE_REGISTRY= ACRE_PUSHER=
# ASan reserves terabytes of address space: lift the hook's limit there.
if [ -n "${ACRE_SANITIZE:-}" ]; then export ACRE_CHECK_MEMORY=0; fi
unset GL_USERNAME REMOTE_USER GITEA_PUSHER_NAME USER_LOGIN

# The platform imports the starter world (square: ada, cottage: bo; the
# owners in the file are logins) into server.git, installs the hooks and
# sets the recipe's settings. ada, bo and eve each have a clone.
setup() {
	cp -R "$SAMPLES/starter" w &&
	git -C w init -q -b main && git -C w add -A && git -C w commit -qm base &&
	git clone -q --bare w server.git &&
	git -C server.git config receive.denyDeletes true &&
	git -C server.git config receive.denyNonFastForwards true &&
	cp "$REPO_ROOT/samples/ci/pre-receive" "$REPO_ROOT/samples/ci/post-receive" \
		server.git/hooks/ &&
	export ACRE="$ACRE_BIN" ACRE_REGISTRY="$T/reg.db" ACRE_CHECK_TICKS=2 &&
	acre index server.git >/dev/null &&
	for u in ada bo eve; do git clone -q server.git $u || return 1; done
}
# push USER ARGS… — git push from USER's clone, as USER.
push() { u=$1; shift; GL_USERNAME=$u git -C "$u" push -q origin "$@"; }
tip() { git -C server.git rev-parse "$1"; }
# owner X Y — the owner line of `acre who` on the server.
owner() { acre who "$1" "$2" server.git | sed -n "s/^owner: \([^ ]*\).*/\1/p"; }
# add_parcel USER NAME X Y — append a parcel to USER's world and commit it.
add_parcel() {
	printf "\nparcel %s %s %s\nend\n" "$2" "$3" "$4" >>"$1/world.acre" &&
	git -C "$1" commit -qam "$2"
}
# bo claims shed at (3, 1): tiles 24..31, 6..11.
claim_shed() { add_parcel bo shed 3 1 && push bo main 2>err; }

test_expect 'a push that adds a parcel claims it for the pusher' '
	setup && claim_shed &&
	test "$(tip main)" = "$(git -C bo rev-parse HEAD)" &&
	acre who 24 6 server.git >out &&
	grep -qx "24 6: parcel shed of starter (tiles 24..31, 6..11)" out &&
	grep -q "^owner: bo (claimed by a push by bo, " out &&
	grep -q "^  .* UTC  claim shed: bo (by bo)$" out
'

test_expect 'taking a claimed parcel over is refused, by moving it or rewriting its owner' '
	setup && claim_shed && git -C eve pull -q && before=$(tip main) &&
	sed -i "s/^parcel shed 3 1$/parcel shed 2 1\n  owner \"eve\"/" eve/world.acre &&
	git -C eve commit -qam "mine now" &&
	! push eve main 2>err &&
	grep -q "parcel .shed. changed, but it belongs to bo; .eve. may not change it \[ownership\]" err &&
	test "$(tip main)" = "$before" && test "$(owner 24 6)" = bo &&
	git -C eve checkout -q -b grab HEAD~1 && git -C eve reset -q --hard origin/main~1 &&
	add_parcel eve shed 0 1 &&
	! push eve grab 2>err &&
	grep -q "parcel .shed. changed, but it belongs to bo" err &&
	! git -C server.git rev-parse -q --verify grab >/dev/null
'

test_expect 'only the owner grants: a grant by anyone else is refused and changes nothing' '
	setup && claim_shed &&
	expect_exit 1 acre grant --as eve --world server.git shed eve 2>err &&
	grep -q "^acre: .eve. may not grant or revoke rights on parcel .shed.: it belongs to bo" err &&
	expect_exit 1 acre grant --as eve --world server.git --operator shed eve 2>err &&
	test "$(owner 24 6)" = bo && ! acre who 24 6 server.git | grep -q "^operators:"
'

test_expect 'a grant by the owner lets the grantee push, and who shows who granted' '
	setup && claim_shed && git -C eve pull -q &&
	sed -i "s/#..T...#/#...T..#/" eve/world.acre && git -C eve commit -qam "move the tree" &&
	! push eve main 2>err &&
	acre grant --as bo --world server.git --operator cottage eve >out &&
	grep -qx "eve now operates cottage (by bo)" out &&
	push eve main 2>err &&
	test "$(tip main)" = "$(git -C eve rev-parse HEAD)" &&
	acre who 16 0 server.git >out &&
	grep -q "^owner: bo (claimed at import by (platform), " out &&
	grep -qx "operators: eve" out &&
	grep -q "^  .* UTC  operator cottage: eve (by bo)$" out
'

test_expect 'moving a parcel onto land another claim holds is refused' '
	setup && claim_shed &&
	git -C eve checkout -q -b hut && add_parcel eve hut 0 1 && push eve hut 2>err &&
	git -C bo pull -q &&
	sed -i "s/^parcel shed 3 1$/parcel shed 0 1/" bo/world.acre && git -C bo commit -qam "move shed" &&
	before=$(tip main) && ! push bo main 2>err &&
	grep -q "parcel .shed. lies on land claimed by parcel .hut. of eve; .bo. may not build there \[ownership\]" err &&
	test "$(tip main)" = "$before" &&
	expect_exit 1 acre who 0 6 server.git >out &&
	grep -qx "claimed by parcel hut of eve, which is not in the indexed revision" out &&
	acre ls server.git >out &&
	sed -n "/^claimed, not in the indexed revision:$/,\$p" out | grep -q "^hut  *0  *1 1x1  *-  *eve (push by eve)$" &&
	git -C bo reset -q --hard origin/main &&
	sed -i "s/^parcel shed 3 1$/parcel shed 2 1/" bo/world.acre && git -C bo commit -qam "move shed" &&
	push bo main 2>err && test "$(owner 16 6)" = bo &&
	test "$(acre who 24 6 server.git 2>&1)" = "24 6: no parcel of $T/server.git covers this tile"
'

test_expect 'a parcel moved on a branch keeps its land on main: nobody may build under it there' '
	setup && claim_shed &&
	git -C bo checkout -q -b side &&
	sed -i "s/^parcel shed 3 1$/parcel shed 2 1/" bo/world.acre && git -C bo commit -qam "move shed" &&
	push bo side 2>err &&
	test "$(sqlite3 reg.db "SELECT px || \" \" || py FROM claims WHERE parcel = \"shed\"")" = "3 1" &&
	git -C eve fetch -q && git -C eve checkout -q -b grab origin/side &&
	add_parcel eve hut 3 1 && ! push eve grab 2>err &&
	grep -q "parcel .hut. lies on land claimed by parcel .shed. of bo; .eve. may not build there \[ownership\]" err &&
	! git -C server.git rev-parse -q --verify grab >/dev/null &&
	git -C bo checkout -q main &&
	sed -i "s/^parcel shed 3 1$/parcel shed 3 1\n  zone homes/" bo/world.acre &&
	git -C bo commit -qam "shed is a home" && push bo main 2>err &&
	test "$(owner 24 6)" = bo
'

test_expect 'a claim moved on a side branch frees nothing: land follows the default branch' '
	setup && git -C bo checkout -q -b a && add_parcel bo shed 3 1 && push bo a 2>err &&
	git -C bo checkout -q -b b &&
	sed -i "s/^parcel shed 3 1$/parcel shed 2 1/" bo/world.acre && git -C bo commit -qam "move shed" &&
	push bo b 2>err &&
	test "$(sqlite3 reg.db "SELECT px || \" \" || py FROM claims WHERE parcel = \"shed\"")" = "3 1" &&
	before=$(tip main) && add_parcel eve hut 3 1 && ! push eve main 2>err &&
	grep -q "parcel .hut. lies on land claimed by parcel .shed. of bo; .eve. may not build there \[ownership\]" err &&
	test "$(tip main)" = "$before" &&
	git -C bo checkout -q main && git -C bo merge -q --no-edit b && push bo main 2>err &&
	test "$(sqlite3 reg.db "SELECT px || \" \" || py FROM claims WHERE parcel = \"shed\"")" = "2 1" &&
	test "$(owner 16 6)" = bo &&
	git -C eve reset -q --hard HEAD~1 && git -C eve pull -q --no-rebase &&
	add_parcel eve hut 3 1 && push eve main 2>err && test "$(owner 24 6)" = eve
'

test_expect 'a branch behind main is judged by what it changes, whoever pushed since' '
	setup &&
	git -C bo checkout -q -b porch &&
	sed -i "s/#..T...#/#...T..#/" bo/world.acre && git -C bo commit -qam "move the tree" &&
	sed -i "s/#.....~~.......#/#......~~......#/" ada/world.acre &&
	git -C ada commit -qam "widen the pond" && push ada main 2>err &&
	push bo porch 2>err &&
	test "$(tip porch)" = "$(git -C bo rev-parse HEAD)"
'

test_expect 'five users pushing branches at once are all judged by their own changes' '
	setup &&
	for u in u1 u2 u3 u4 u5; do git clone -q server.git $u || exit 1; done &&
	for spot in "u1 0 1" "u2 1 1" "u3 2 1" "u4 3 1" "u5 3 0"; do
		set -- $spot && git -C $1 checkout -q -b $1 && add_parcel $1 "p$1" $2 $3 || exit 1
	done &&
	sed -i "s/#.....~~.......#/#......~~......#/" ada/world.acre && git -C ada commit -qam pond &&
	{ for u in u1 u2 u3 u4 u5; do ( if push $u $u 2>$u.err; then echo 0; else echo 1; fi >$u.rc ) & done
	  push ada main 2>ada.err; wait; } &&
	test "$(cat u1.rc u2.rc u3.rc u4.rc u5.rc)" = "$(printf "0\n0\n0\n0\n0")"
'

test_expect 'two pushes racing for the same land: exactly one claims it' '
	setup && git clone -q server.git cy &&
	git -C bo checkout -q -b b1 && add_parcel bo barn 3 1 &&
	git -C cy checkout -q -b c1 && add_parcel cy stable 3 1 &&
	{ ( if push bo b1 2>bo.err; then echo 0; else echo 1; fi >bo.rc ) & ( if push cy c1 2>cy.err; then echo 0; else echo 1; fi >cy.rc ) & wait; } &&
	test "$(cat bo.rc cy.rc | sort | tr -d "\n")" = 01 &&
	test "$(sqlite3 reg.db "SELECT count(*) FROM claims WHERE px = 3 AND py = 1")" = 1 &&
	cat bo.err cy.err | grep -q "lies on land \(claimed by parcel\|of parcel\) "
'

test_expect 'a push of several branches claims nothing when one of them is refused' '
	setup &&
	git -C bo checkout -q -b a && add_parcel bo shed 3 1 &&
	git -C bo checkout -q -b b main &&
	sed -i "s/#.....~~.......#/#......~~......#/" bo/world.acre && git -C bo commit -qam pond &&
	! push bo a b 2>err &&
	grep -q "acre: refusing refs/heads/b: acre check failed" err &&
	test "$(sqlite3 reg.db "SELECT count(*) FROM claims WHERE parcel = '"'"'shed'"'"'")" = 0 &&
	git -C bo checkout -q -b c a && add_parcel bo barn 3 0 &&
	push bo a c 2>err &&
	test "$(sqlite3 reg.db "SELECT parcel, owner FROM claims WHERE source = '"'"'push'"'"' ORDER BY parcel" | tr "\n" " ")" = "barn|bo shed|bo "
'

test_expect 'a push refused for one of its refs records nothing for the others' '
	setup && git -C bo checkout -q -b porch && push bo porch 2>err &&
	git -C bo checkout -q main && add_parcel bo shed 3 1 &&
	sqlite3 reg.db .dump | grep "^INSERT INTO" >before &&
	! push bo main :porch 2>err &&
	grep -q "acre: refusing to delete refs/heads/porch" err &&
	sqlite3 reg.db .dump | grep "^INSERT INTO" >after && cmp before after &&
	sed -i "s/#.....~~.......#/#......~~......#/" bo/world.acre && git -C bo commit -qam pond &&
	! push bo main 2>err && grep -q "acre: refusing refs/heads/main: acre check failed" err &&
	sqlite3 reg.db .dump | grep "^INSERT INTO" >after && cmp before after
'

test_expect 'a bad middle commit is refused even when the tip undoes it' '
	setup && before=$(tip main) &&
	sed -i "s/#.....~~.......#/#......~~......#/" bo/world.acre && git -C bo commit -qam "into the pond" &&
	sed -i "s/#......~~......#/#.....~~.......#/" bo/world.acre &&
	sed -i "s/#..T...#/#...T..#/" bo/world.acre && git -C bo commit -qam "back out, move the tree" &&
	! push bo main 2>err &&
	grep -q "acre: checking commit $(git -C bo rev-parse HEAD~1 | cut -c1-12) of refs/heads/main against" err &&
	grep -q "parcel .square. changed, but it belongs to ada; .bo. may not change it" err &&
	test "$(tip main)" = "$before" &&
	git -C bo reset -q --hard origin/main &&
	sed -i "s/#..T...#/#...T..#/" bo/world.acre && git -C bo commit -qam "move the tree" &&
	push bo main 2>err
'

test_expect 'a merge is judged by what it adds to one of its parents' '
	setup &&
	git -C bo checkout -q -b porch &&
	sed -i "s/#..T...#/#...T..#/" bo/world.acre && git -C bo commit -qam "move the tree" &&
	sed -i "s/#.....~~.......#/#......~~......#/" ada/world.acre &&
	git -C ada commit -qam "widen the pond" && push ada main 2>err &&
	git -C bo pull -q --no-rebase --no-edit origin main && push bo porch:main 2>err &&
	test "$(tip main)" = "$(git -C bo rev-parse HEAD)"
'

test_expect 'a branch that merges main in is judged by what it adds, not by what it merged' '
	setup &&
	git -C bo checkout -q -b porch &&
	sed -i "s/#..T...#/#...T..#/" bo/world.acre && git -C bo commit -qam "move the tree" &&
	push bo porch 2>err &&
	sed -i "s/#.....~~.......#/#......~~......#/" ada/world.acre &&
	git -C ada commit -qam "widen the pond" && push ada main 2>err &&
	git -C bo pull -q --no-rebase --no-edit origin main &&
	add_parcel bo shed 3 1 && push bo porch 2>err &&
	test "$(tip porch)" = "$(git -C bo rev-parse HEAD)" &&
	grep -q "acre: checking refs/heads/porch again, against its merge base with the default branch" err &&
	test "$(sqlite3 reg.db "SELECT owner FROM claims WHERE parcel = '"'"'shed'"'"'")" = bo
'

test_expect 'a force-push that would rewrite others. history is refused' '
	setup && claim_shed &&
	git -C ada pull -q --no-rebase --no-edit &&
	sed -i "s/#.....~~.......#/#......~~......#/" ada/world.acre && git -C ada commit -qam "widen the pond" &&
	push ada main 2>err && before=$(tip main) &&
	git -C bo reset -q --hard HEAD~1 && add_parcel bo shed2 3 1 &&
	! push bo -f main 2>err &&
	grep -q "acre: refusing refs/heads/main: not a fast-forward; the history of a shared world is never rewritten" err &&
	test "$(tip main)" = "$before" && test "$(owner 24 6)" = bo
'

test_expect 'the recipe.s settings refuse force-pushes and deletions even without the hook' '
	setup && claim_shed && rm server.git/hooks/pre-receive &&
	git -C bo checkout -q -b porch && push bo porch 2>err && git -C bo checkout -q main &&
	before=$(tip main) && git -C bo reset -q --hard HEAD~1 &&
	! push bo -f main 2>err && grep -q "non-fast-forward" err &&
	test "$(tip main)" = "$before" &&
	! push bo :porch 2>err && grep -q "deletion prohibited" err &&
	git -C server.git rev-parse -q --verify porch >/dev/null
'

test_expect 'deleting a branch is refused, someone else.s or one.s own' '
	setup && git -C bo checkout -q -b porch && push bo porch 2>err &&
	! push eve :porch 2>err && ! push bo :porch 2>err &&
	git -C server.git config receive.denyDeletes false &&
	! push eve :porch 2>err &&
	grep -q "acre: refusing to delete refs/heads/porch: branches of a shared world are never deleted by a push" err &&
	git -C server.git rev-parse -q --verify porch >/dev/null
'

test_expect 'after all of it, who and ls on the server agree with every outcome' '
	setup && claim_shed &&
	expect_exit 1 acre grant --as eve --world server.git shed eve 2>/dev/null &&
	acre grant --as bo --world server.git --operator shed eve >/dev/null &&
	git -C eve pull -q && sed -i "s/^parcel shed 3 1$/parcel shed 3 1\n  owner \"eve\"/" eve/world.acre &&
	git -C eve commit -qam "owner line" && push eve main 2>err &&
	acre ls server.git >out &&
	grep -q "^square  *0  *0 2x1  *market  *ada (file by (platform))$" out &&
	grep -q "^cottage  *2  *0 1x1  *homes  *bo (file by (platform))$" out &&
	grep -q "^shed  *3  *1 1x1  *- *bo operators eve (push by bo)$" out &&
	test "$(owner 24 6)" = bo && test "$(owner 0 0)" = ada &&
	acre who 24 6 server.git >out &&
	test "$(grep -c "^  .* UTC  " out)" = 2
'

test_done
