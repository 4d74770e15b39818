#!/bin/sh
# 7050-check-hook.sh — samples/ci: the pre-receive and post-receive hooks
# against a real bare repository (accepting and refusing real pushes), and
# the GitHub workflow's check command on a real pull-request-shaped history.
# The whole governance story, several users at once, is 7060-governance.sh.
. "$(dirname "$0")/../lib.sh"
export XDG_DATA_HOME=$_scratch/xdg ACRE_REGISTRY=
HOOK=$REPO_ROOT/samples/ci/pre-receive
POST=$REPO_ROOT/samples/ci/post-receive
# The hook limits the check's address space; a sanitizer build reserves
# terabytes of it.
if [ -n "${ACRE_SANITIZE:-}" ]; then export ACRE_CHECK_MEMORY=0; fi

# server.git holds the starter world (square: ada, cottage: bo) with the
# hooks installed; reg.db has its claims (imported with acre index); c is a
# clone to push from.
setup() {
	cp -R "$SAMPLES/starter" w &&
	git -C w init -q -b main && git -C w add -A && git -C w commit -qm base &&
	git clone -q --bare w server.git &&
	acre index --registry "$T/reg.db" server.git >/dev/null &&
	cp "$HOOK" server.git/hooks/pre-receive && cp "$POST" server.git/hooks/post-receive &&
	git clone -q server.git c &&
	export ACRE="$ACRE_BIN" ACRE_REGISTRY="$T/reg.db" ACRE_CHECK_TICKS=2
}
tip() { git -C server.git rev-parse "$1"; }

test_expect 'the hook accepts a push that changes only the pusher.s parcel' '
	setup &&
	sed -i "s/#..T...#/#...T..#/" c/world.acre &&
	git -C c commit -qam "move the tree" &&
	ACRE_PUSHER=bo git -C c push -q origin main 2>err &&
	test "$(tip main)" = "$(git -C c rev-parse HEAD)"
'

test_expect 'the hook refuses a change to another owner.s parcel' '
	setup && before=$(tip main) &&
	sed -i "s/#.....~~.......#/#......~~......#/" c/world.acre &&
	git -C c commit -qam "widen the pond" &&
	! ACRE_PUSHER=bo git -C c push -q origin main 2>err &&
	grep -q "parcel .square. changed, but it belongs to ada; .bo. may not change it \[ownership\]" err &&
	grep -q "acre: refusing refs/heads/main: acre check failed" err &&
	test "$(tip main)" = "$before"
'

test_expect 'the hook accepts the same change from its owner' '
	setup &&
	sed -i "s/#.....~~.......#/#......~~......#/" c/world.acre &&
	git -C c commit -qam "widen the pond" &&
	GL_USERNAME=ada git -C c push -q origin main 2>err &&
	test "$(tip main)" = "$(git -C c rev-parse HEAD)"
'

test_expect 'the hook refuses an invalid world even from the owner' '
	setup && before=$(tip main) &&
	printf "parcel x 1 0\nend\n" >>c/world.acre &&
	git -C c commit -qam "overlap" &&
	! ACRE_PUSHER=ada git -C c push -q origin main 2>err &&
	grep -q "error: parcel .x. overlaps parcel .square." err &&
	test "$(tip main)" = "$before"
'

test_expect 'the hook refuses a push when it cannot tell who pushes' '
	setup && before=$(tip main) &&
	sed -i "s/#..T...#/#...T..#/" c/world.acre &&
	git -C c commit -qam "move the tree" &&
	! env -u ACRE_PUSHER -u GL_USERNAME -u REMOTE_USER -u GITEA_PUSHER_NAME \
		-u USER_LOGIN git -C c push -q origin main 2>err &&
	grep -q "acre: cannot tell who is pushing; set ACRE_PUSHER" err &&
	test "$(tip main)" = "$before"
'

test_expect 'a new branch is compared with its merge base with the default branch' '
	setup &&
	git -C c checkout -q -b feature &&
	sed -i "s/#..T...#/#...T..#/" c/world.acre &&
	git -C c commit -qam "move the tree" &&
	ACRE_PUSHER=bo git -C c push -q origin feature 2>err &&
	sed -i "s/#.....~~.......#/#......~~......#/" c/world.acre &&
	git -C c commit -qam "widen the pond" &&
	! ACRE_PUSHER=bo git -C c push -q origin feature:other 2>err &&
	grep -q "parcel .square. changed, but it belongs to ada" err
'

test_expect 'the first push to an empty repository claims every parcel for the pusher' '
	setup &&
	git init -q --bare empty.git && cp "$HOOK" empty.git/hooks/pre-receive &&
	cp "$POST" empty.git/hooks/post-receive &&
	ACRE_PUSHER=bo git -C c push -q "$T/empty.git" main 2>err &&
	acre ls --registry reg.db empty.git >out &&
	grep -q "^square .* bo (push by bo)$" out && grep -q "^cottage .* bo (push by bo)$" out &&
	acre ls --registry reg.db server.git | grep -q "^square .* ada (file by (platform))$"
'

test_expect 'deleting a branch or rewriting its history is refused; tags are not judged' '
	setup &&
	git -C c tag v1 && ACRE_PUSHER=nobody git -C c push -q origin v1 2>err &&
	ACRE_PUSHER=bo git -C c push -q origin main:old 2>err &&
	! ACRE_PUSHER=bo git -C c push -q origin :old 2>err &&
	grep -q "acre: refusing to delete refs/heads/old: branches of a shared world are never deleted by a push" err &&
	git -C server.git rev-parse -q --verify old >/dev/null &&
	sed -i "s/#..T...#/#...T..#/" c/world.acre && git -C c commit -qam "move the tree" &&
	ACRE_PUSHER=bo git -C c push -q origin main 2>err &&
	git -C c reset -q --hard HEAD~1 && before=$(tip main) &&
	! ACRE_PUSHER=bo git -C c push -q -f origin main 2>err &&
	grep -q "acre: refusing refs/heads/main: not a fast-forward; the history of a shared world is never rewritten" err &&
	test "$(tip main)" = "$before"
'

test_expect 'post-receive indexes the accepted tip, so who on the server sees it' '
	setup &&
	printf "\nparcel shed 3 1\nend\n" >>c/world.acre && git -C c commit -qam shed &&
	ACRE_PUSHER=cy git -C c push -q origin main 2>err &&
	acre who --registry reg.db 24 6 server.git >out &&
	grep -qx "24 6: parcel shed of starter (tiles 24..31, 6..11)" out &&
	grep -q "^owner: cy (claimed by a push by cy, " out
'

test_expect 'check --rev reads a bare repository at a revision and leaves nothing behind' '
	setup && mkdir tmp &&
	sed -i "s/#.....~~.......#/#......~~......#/" c/world.acre && git -C c commit -qam pond &&
	ACRE_PUSHER=ada git -C c push -q origin main 2>err &&
	TMPDIR=$T/tmp acre check --ticks 1 --rev main~1 server.git >out &&
	grep -q "^valid: 2 parcels" out &&
	TMPDIR=$T/tmp expect_exit 1 acre check --ticks 1 --rev main --base main~1 --as bo server.git >out &&
	grep -qx "world.acre:$(grep -n "^parcel square" c/world.acre | cut -d: -f1):1: error: parcel .square. changed, but it belongs to ada; .bo. may not change it \[ownership\]" out &&
	test -z "$(ls tmp)" &&
	expect_exit 2 acre check --rev nosuch server.git 2>err &&
	grep -q "^acre: check: --rev nosuch: unknown revision .nosuch." err &&
	expect_exit 2 acre check --ref refs/heads/main server.git 2>err &&
	grep -qx "acre check: --ref names the branch that --rev REV is pushed to; give --rev too" err
'

test_expect 'a symbolic link in a checked revision is never followed' '
	setup && rm c/scripts/square.lua && ln -s /etc/passwd c/scripts/square.lua &&
	git -C c add -A && git -C c commit -qm link &&
	expect_exit 1 acre check --ticks 1 --rev HEAD c >out &&
	grep -q "scripts/square.lua" out && ! grep -q "root:" out
'

test_expect 'the GitHub workflow parses and runs acre check against the base branch' '
	python3 -c "
import yaml,sys
d=yaml.safe_load(open(sys.argv[1]))
steps=d[\"jobs\"][\"check\"][\"steps\"]
runs=[s.get(\"run\",\"\") for s in steps]
assert any(\"acre check --base \\\"origin/\$BASE\\\" --format github\" in r for r in runs), runs
assert steps[0][\"with\"][\"fetch-depth\"]==0
# One check writes every report; the job needs no write permission, so
# it runs the same for pull requests from forks.
assert sum(r.count(\"acre check \") for r in runs)==1, runs
assert \"--format sarif=reports/acre.sarif\" in \"\".join(runs)
assert all(v in (\"read\",\"none\") for v in d[\"permissions\"].values()), d[\"permissions\"]
# The build is pinned to a commit id.
assert any(\"ACRE_COMMIT\" in r and \"rev-parse HEAD\" in r for r in runs)
u=yaml.safe_load(open(sys.argv[2]))
assert u[\"permissions\"][\"security-events\"]==\"write\"
assert list(u[True].keys())==[\"workflow_run\"], u[True]
usteps=u[\"jobs\"][\"upload\"][\"steps\"]
assert not any(\"checkout\" in s.get(\"uses\",\"\") for s in usteps)
assert any(\"upload-sarif\" in s.get(\"uses\",\"\") for s in usteps)
" "$REPO_ROOT/samples/ci/acre-check.yml" "$REPO_ROOT/samples/ci/acre-check-upload.yml" &&
	setup && git -C c checkout -q -b pr &&
	printf "parcel x 1 0\nend\n" >>c/world.acre && git -C c commit -qam "bad" &&
	BASE=main && WORLD=c && cd c &&
	mkdir -p reports &&
	expect_exit 1 acre check --base "origin/$BASE" --format github \
		--format sarif=reports/acre.sarif --format json=reports/acre.json . >../out &&
	grep -q "^::error file=world.acre,line=[0-9]*,col=10,endColumn=13,title=acre check rules%3A parcel x::parcel .x. overlaps parcel .square." ../out &&
	python3 -c "
import json
s=json.load(open(\"reports/acre.sarif\"))
loc=s[\"runs\"][0][\"results\"][0][\"locations\"][0][\"physicalLocation\"]
assert loc[\"artifactLocation\"]=={\"uri\":\"world.acre\",\"uriBaseId\":\"%SRCROOT%\"}, loc
j=json.load(open(\"reports/acre.json\"))
assert j[\"valid\"] is False and j[\"findings\"][0][\"rule\"]==\"rules\", j
"
'

test_expect 'the hook checks a world in a subdirectory named by ACRE_WORLD' '
	mkdir repo && cp -R "$SAMPLES/starter" repo/town &&
	git -C repo init -q -b main && git -C repo add -A && git -C repo commit -qm base &&
	git clone -q --bare repo server.git && cp "$HOOK" "$POST" server.git/hooks/ &&
	acre index --registry "$T/reg.db" server.git/town >/dev/null &&
	git clone -q server.git c &&
	sed -i "s/#.....~~.......#/#......~~......#/" c/town/world.acre &&
	git -C c commit -qam "widen the pond" &&
	export ACRE="$ACRE_BIN" ACRE_REGISTRY="$T/reg.db" ACRE_CHECK_TICKS=2 ACRE_WORLD=town &&
	! ACRE_PUSHER=bo git -C c push -q origin main 2>err &&
	grep -q "parcel .square. changed, but it belongs to ada" err &&
	ACRE_PUSHER=ada git -C c push -q origin main 2>err &&
	printf "\nparcel shed 3 1\nend\n" >>c/town/world.acre && git -C c commit -qam shed &&
	ACRE_PUSHER=cy git -C c push -q origin main 2>err &&
	acre who 24 6 server.git/town >out && grep -q "^owner: cy (claimed by a push by cy, " out
'

test_done
