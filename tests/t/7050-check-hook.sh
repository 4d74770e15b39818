#!/bin/sh
# 7050-check-hook.sh — samples/ci: the pre-receive hook against a real bare
# repository (accepting and refusing real pushes), and the GitHub workflow's
# check command on a real pull-request-shaped history.
. "$(dirname "$0")/../lib.sh"
export XDG_DATA_HOME=$_scratch/xdg ACRE_REGISTRY=
HOOK=$REPO_ROOT/samples/ci/pre-receive
# The hook limits the check's address space; a sanitizer build reserves
# terabytes of it.
if [ -n "${ACRE_SANITIZE:-}" ]; then export ACRE_CHECK_MEMORY=0; fi

# server.git holds the starter world (square: ada, cottage: bo) with the
# hook installed; reg.db has its claims; c is a clone to push from.
setup() {
	cp -R "$SAMPLES/starter" w &&
	git -C w init -q -b main && git -C w add -A && git -C w commit -qm base &&
	acre index --registry "$T/reg.db" w >/dev/null &&
	git clone -q --bare w server.git &&
	cp "$HOOK" server.git/hooks/pre-receive &&
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

test_expect 'a new branch is compared with the default branch' '
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

test_expect 'the first push to an empty repository checks every parcel' '
	setup &&
	git init -q --bare empty.git && cp "$HOOK" empty.git/hooks/pre-receive &&
	! ACRE_PUSHER=bo git -C c push -q "$T/empty.git" main 2>err &&
	grep -q "parcel .square. changed, but it belongs to ada" err &&
	acre grant --world starter --registry reg.db square bo >/dev/null &&
	ACRE_PUSHER=bo git -C c push -q "$T/empty.git" main 2>err
'

test_expect 'deleting a branch and pushing tags are not checked' '
	setup &&
	git -C c tag v1 && ACRE_PUSHER=nobody git -C c push -q origin v1 2>err &&
	ACRE_PUSHER=nobody git -C c push -q origin main:old 2>err &&
	ACRE_PUSHER=nobody git -C c push -q origin :old 2>err &&
	! git -C server.git rev-parse -q --verify old
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
	grep -q "^::error file=world.acre,line=[0-9]*,col=1,title=acre check rules%3A parcel x::parcel .x. overlaps parcel .square." ../out &&
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
	acre index --registry "$T/reg.db" repo/town >/dev/null &&
	git clone -q --bare repo server.git && cp "$HOOK" server.git/hooks/pre-receive &&
	git clone -q server.git c &&
	sed -i "s/#.....~~.......#/#......~~......#/" c/town/world.acre &&
	git -C c commit -qam "widen the pond" &&
	export ACRE="$ACRE_BIN" ACRE_REGISTRY="$T/reg.db" ACRE_CHECK_TICKS=2 ACRE_WORLD=town &&
	! ACRE_PUSHER=bo git -C c push -q origin main 2>err &&
	grep -q "parcel .square. changed, but it belongs to ada" err &&
	ACRE_PUSHER=ada git -C c push -q origin main 2>err
'

test_done
