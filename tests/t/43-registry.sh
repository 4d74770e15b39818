#!/bin/sh
# 43-registry.sh — the SQLite registry: index, claims, grants, who, ls,
# stats, worlds keyed by repository, concurrent writers, bad and read-only
# registries.
. "$(dirname "$0")/../lib.sh"
export ACRE_REGISTRY

# A world "w" with parcel hello owned by tester, indexed into $T/reg.db.
indexed() {
	ACRE_REGISTRY=$T/reg.db
	acre init w >/dev/null && acre index w >out
}

test_expect 'index records revisions, parcels and first claims' '
	indexed &&
	echo "indexed w: 1 revision, 1 parcel, 1 new claim" >want && expect_same want out &&
	test "$(sqlite3 reg.db "PRAGMA journal_mode")" = wal &&
	test "$(sqlite3 reg.db "SELECT owner || \":\" || source FROM claims")" = tester:file
'

test_expect 'index warns when an owner it claims for is a display name, not a login' '
	ACRE_REGISTRY=$T/reg.db &&
	acre init w >/dev/null &&
	sed -i "s/owner \"tester\"/owner \"Ada Creator\"/" w/world.acre &&
	(cd w && acre commit -m "a display name as owner" >/dev/null) &&
	acre index w >out 2>err &&
	grep -q "1 new claim names an owner that is not a login" err &&
	acre grant --platform --world w hello ada >/dev/null &&
	acre who 16 8 w | grep -q "^owner: ada (granted by (platform), "
'

test_expect 'who answers from the registry by tile coordinates' '
	indexed && acre who 16 8 w >out &&
	sed -i "s/[0-9-]* [0-9:]* UTC/DATE/" out &&
	cat >want <<-\EOT &&
	16 8: parcel hello of w (tiles 16..31, 8..15)
	owner: tester (claimed at import by (platform), DATE)
	zone: commercial
	script: scripts/hello.lua
	grants:
	  DATE  claim hello: tester (by (platform))
	EOT
	expect_same want out &&
	expect_exit 1 acre who 15 8 w >out && grep -qx "15 8: no parcel of $T/w covers this tile" out &&
	expect_exit 2 acre who x 8 w 2>err &&
	grep -qx "acre who: X wants a whole number from 0 to 2147483647, not '"'"'x'"'"'" err
'

test_expect 'an owner edited in world.acre never transfers the land' '
	indexed && cd w &&
	sed -i "s/owner \"tester\"/owner \"mallory\"/" world.acre &&
	acre commit -m steal >/dev/null && acre index >out 2>err &&
	grep -q "1 parcel names an owner in world.acre that the registry does not record" err &&
	acre who 16 8 | grep -q "^owner: tester ("
'

test_expect 'grant changes the owner; operators are added and revoked' '
	indexed &&
	acre grant --platform --world w hello ann >out &&
	grep -qx "ann now owns hello (by (platform))" out &&
	acre grant --as ann --world w --operator hello bo >/dev/null &&
	acre grant --as ann --world w --operator hello cy >/dev/null &&
	acre who 16 8 w >out && grep -q "^owner: ann (granted by (platform), " out &&
	grep -qx "operators: bo cy" out &&
	acre grant --as ann --world w --operator --revoke hello bo >/dev/null &&
	acre who 16 8 w >out && grep -qx "operators: cy" out &&
	grep -q "^  .* UTC  revoke-operator hello: bo (by ann)$" out &&
	acre index w >/dev/null && acre who 16 8 w | grep -q "^owner: ann "
'

test_expect 'only the owner or an operator of the world grants, and a refusal exits 1' '
	indexed &&
	expect_exit 1 acre grant --as mallory --world w hello mallory 2>err &&
	echo "acre: '"'"'mallory'"'"' may not grant or revoke rights on parcel '"'"'hello'"'"': it belongs to tester, and only its owner or an operator of the world may" >want &&
	expect_same want err &&
	acre grant --as tester --world w --operator hello bo >/dev/null &&
	expect_exit 1 acre grant --as bo --world w --operator hello cy 2>err &&
	expect_exit 1 acre grant --as bo --world w --world-operator bo 2>err &&
	grep -q "may not name or remove operators of world" err &&
	acre grant --platform --world w --world-operator ops >out &&
	grep -qx "ops now operates the world (by (platform))" out &&
	acre grant --as ops --world w hello ann >/dev/null &&
	acre ls w >out && grep -qx "world operators: ops" out &&
	grep -q "^hello  *1  *1 1x1  *commercial  *ann operators bo (grant by ops)$" out &&
	expect_exit 2 acre grant --world w hello ann 2>err &&
	grep -q "^acre grant: say who grants: --as IDENTITY" err
'

test_expect 'grant of an unknown parcel or world exits 2 and changes nothing' '
	indexed &&
	expect_exit 2 acre grant --platform --world w nosuch ann 2>err &&
	echo "acre: world $T/w has no parcel '"'"'nosuch'"'"' in the registry" >want &&
	expect_same want err &&
	expect_exit 2 acre grant --platform --world elsewhere hello ann 2>err &&
	grep -q "^acre: '"'"'elsewhere'"'"' is neither an indexed repository nor a world name" err &&
	expect_exit 2 acre grant --platform --world w --revoke hello ann 2>err &&
	grep -q "^acre grant: --revoke removes an operator" err &&
	acre who 16 8 w | grep -q "^owner: tester ("
'

test_expect 'each repository is its own land: a copy never touches the original' '
	indexed && git clone -q w clone &&
	sed -i "s/^parcel hello 1 1$/parcel squat 1 1/; s/owner \"tester\"/owner \"mallory\"/" \
		clone/world.acre &&
	acre commit -m squat clone >/dev/null &&
	acre index clone >/dev/null &&
	acre who 16 8 w >out && grep -qx "16 8: parcel hello of w (tiles 16..31, 8..15)" out &&
	grep -q "^owner: tester (" out &&
	acre who 16 8 clone >out && grep -qx "16 8: parcel squat of w (tiles 16..31, 8..15)" out &&
	grep -q "^owner: mallory (" out &&
	test "$(sqlite3 reg.db "SELECT count(*) FROM worlds WHERE name = '"'"'w'"'"'")" = 2
'

test_expect 'a world name finds its world only when one world has it' '
	indexed && mkdir elsewhere && cd elsewhere &&
	acre ls w >out && grep -q "^hello " out &&
	cp -R ../w ../copy && acre index ../copy >/dev/null &&
	expect_exit 2 acre ls w 2>err &&
	grep -q "^acre: more than one world in the registry .* is named '"'"'w'"'"'; name the repository instead" err &&
	acre ls ../copy >out && grep -q "^hello " out
'

test_expect 'ls lists worlds, and the parcels of one' '
	indexed && acre ls >out &&
	grep -q "^w  *1 revision  *1 parcel  *1 claim  *0 runs  *-  *$T/w$" out &&
	acre ls w >out &&
	grep -q "^hello  *1  *1 1x1  *commercial  *tester (file by (platform))$" out
'

test_expect 'stats counts what the registry holds' '
	indexed && acre stats >out &&
	grep -qx "worlds           1" out && grep -qx "revisions        1" out &&
	grep -qx "claims           1" out && grep -qx "schema           4" out
'

test_expect 'two processes indexing and granting at once both succeed' '
	ACRE_REGISTRY=$T/reg.db &&
	acre init a >/dev/null && acre init b >/dev/null && acre index a >/dev/null &&
	for i in 1 2 3 4 5 6; do
		( acre index a >/dev/null && acre grant --as tester --world a --operator hello op$i >/dev/null ) &
		( acre index b >/dev/null ) &
	done; wait &&
	acre ls >out && test "$(wc -l <out)" = 2 &&
	test "$(sqlite3 reg.db "SELECT count(*) FROM operators")" = 6 &&
	test "$(sqlite3 reg.db "PRAGMA integrity_check")" = ok
'

test_expect 'a registry that is not a database is refused with exit 2' '
	indexed && echo "not a database at all, not even close, really not" >bad.db &&
	expect_exit 2 acre ls --registry bad.db 2>err &&
	echo "acre: registry bad.db: file is not a database" >want && expect_same want err
'

test_expect 'a registry that cannot be created is refused with exit 2' '
	indexed && echo x >file &&
	expect_exit 2 acre index --registry file/reg.db w 2>err &&
	echo "acre: registry file/reg.db: cannot create directory file: Not a directory" >want &&
	expect_same want err
'

test_expect 'a registry from a newer acre is refused and left alone' '
	indexed && sqlite3 reg.db "PRAGMA user_version = 40" &&
	expect_exit 2 acre ls 2>err &&
	grep -q "schema version 40 is newer than this acre knows (4); use a newer acre" err &&
	test "$(sqlite3 reg.db "PRAGMA user_version")" = 40
'

test_expect 'a registry of schema 1 is migrated and keeps its claims' '
	indexed &&
	sqlite3 reg.db "DROP TABLE run_parcels; DROP INDEX runs_commit; DROP INDEX claims_land;
		DROP TABLE grants; DROP TABLE world_operators; DROP INDEX worlds_name;
		ALTER TABLE claims DROP COLUMN by; ALTER TABLE operators DROP COLUMN by;
		PRAGMA user_version = 1" &&
	acre stats >/dev/null &&
	test "$(sqlite3 reg.db "PRAGMA user_version")" = 4 &&
	acre who 16 8 w | grep -q "^owner: tester ("
'

test_expect 'index refuses a world whose HEAD does not parse' '
	indexed && echo "parcel broken" >>w/world.acre && acre commit -m broken w >/dev/null &&
	expect_exit 2 acre index w 2>err &&
	grep -q "^acre: world.acre at HEAD does not parse (" err
'

test_expect 'validation runs recorded by check --record show in ls and stats' '
	indexed && acre check w >/dev/null &&
	test "$(sqlite3 reg.db "SELECT count(*) FROM runs")" = 0 &&
	acre check --record w >/dev/null &&
	acre ls | grep -q "^w  *1 revision  *1 parcel  *1 claim  *1 run  *valid " &&
	acre stats w >out && grep -qx "validation runs  1 (1 valid, 0 invalid)" out &&
	grep -q "^peak instructions [0-9]* (w:hello)$" out &&
	test "$(sqlite3 reg.db "SELECT count(*) FROM run_parcels")" = 1
'

# A read-only disk needs a mount; a private mount namespace keeps it from
# outliving the test. Skipped where that is not allowed.
if unshare -m true 2>/dev/null; then
test_expect 'a read-only disk gets clear errors and exit 2, for commit and registry' '
	acre init w >/dev/null && echo "-- x" >>w/scripts/hello.lua && mkdir ro &&
	unshare -m sh -c "mount --bind w w && mount -o remount,ro,bind w &&
		mount -t tmpfs -o ro none ro &&
		{ \"\$ACRE_BIN\" commit w 2>err1; echo \$? >rc1; } &&
		{ \"\$ACRE_BIN\" index --registry ro/reg.db w 2>err2; echo \$? >rc2; }" &&
	test "$(cat rc1)" = 2 && grep -q "Read-only file system" err1 &&
	test "$(cat rc2)" = 2 &&
	echo "acre: registry ro/reg.db: cannot open: unable to open database file (Read-only file system)" >want &&
	expect_same want err2 &&
	git -C w fsck --no-dangling 2>&1
'

test_expect 'on a read-only disk every command that only reads still answers' '
	indexed && acre check --record w >/dev/null && mkdir ro && cp reg.db ro/ &&
	unshare -m sh -c "mount --bind ro ro && mount -o remount,ro,bind ro ro &&
		export ACRE_REGISTRY=ro/reg.db &&
		{ \"\$ACRE_BIN\" ls >ls.out 2>ls.err; echo \$? >rc1; } &&
		{ \"\$ACRE_BIN\" ls w >lsw.out 2>&1; echo \$? >rc2; } &&
		{ \"\$ACRE_BIN\" who 16 8 w >who.out 2>&1; echo \$? >rc3; } &&
		{ \"\$ACRE_BIN\" stats >stats.out 2>&1; echo \$? >rc4; } &&
		{ \"\$ACRE_BIN\" check --as tester w >check.out 2>&1; echo \$? >rc5; } &&
		{ \"\$ACRE_BIN\" grant --as tester --world w --operator hello bo >grant.out 2>&1; echo \$? >rc6; }" &&
	test "$(cat rc1 rc2 rc3 rc4 rc5)" = "$(printf "0\n0\n0\n0\n0")" &&
	grep -q "^w  *1 revision .* 1 run  *valid " ls.out &&
	grep -q "^hello " lsw.out && grep -q "^owner: tester (" who.out &&
	grep -q "^valid:" check.out &&
	test "$(cat rc6)" = 2 && grep -q "^acre: registry ro/reg.db: " grant.out
'
else
test_skip 'a read-only disk gets clear errors and exit 2' 'no mount namespaces here'
test_skip 'on a read-only disk every command that only reads still answers' 'no mount namespaces here'
fi

test_expect 'a registry file nobody may write still reads, and check does not write it' '
	indexed && acre check --record w >/dev/null && chmod a-w reg.db && chmod a-w . &&
	acre ls >/dev/null 2>err && acre who 16 8 w >/dev/null &&
	acre check --as tester w >out; rc=$?; chmod u+w . reg.db &&
	test $rc = 0 && grep -q "^valid:" out &&
	test "$(sqlite3 reg.db "SELECT count(*) FROM runs")" = 1
'

test_expect 'check without --record never writes the registry' '
	indexed && before=$(cksum <reg.db) && : >empty.acre &&
	mkdir junk && : >junk/world.acre &&
	{ acre check junk >/dev/null 2>&1; true; } &&
	acre check w >/dev/null && acre check --as tester w >/dev/null &&
	test "$(sqlite3 reg.db "SELECT count(*) FROM runs")" = 0 &&
	test "$(sqlite3 reg.db "SELECT group_concat(name) FROM worlds")" = w
'


test_expect 'init names a login as the sample parcel'"'"'s owner, never a display name' '
	GIT_AUTHOR_NAME="Ada Creator" USER=ada acre init w >/dev/null &&
	grep -qx "  owner \"ada\"" w/world.acre &&
	acre init --owner bo w2 >/dev/null && grep -qx "  owner \"bo\"" w2/world.acre &&
	expect_exit 2 acre init --owner "Bo Smith" w3 2>err &&
	grep -qx "acre: owner .Bo Smith. is not a login (no blanks, quotes or control characters)" err &&
	test ! -e w3/world.acre
'

test_done

test_expect 'index claims only free land, and a claim follows its parcel only onto free land' '
	ACRE_REGISTRY=$T/reg.db && acre init --owner ann w >/dev/null &&
	acre index w >/dev/null && cd w &&
	land() { sqlite3 ../reg.db "SELECT owner || \" \" || px || \" \" || py FROM claims WHERE parcel = \"$1\""; } &&
	test "$(land hello)" = "ann 1 1" &&
	sed -i "s/^parcel hello 1 1/parcel squat 1 1/; s/owner \"ann\"/owner \"bob\"/" world.acre &&
	acre commit -m squat >/dev/null && acre index >out 2>err &&
	grep -qx "indexed w: 2 revisions, 1 parcel, 0 new claims" out &&
	grep -q "1 parcel was not claimed: its land overlaps a claim of another parcel" err &&
	test -z "$(land squat)" &&
	sed -i "s/^parcel squat 1 1/parcel hello 2 2/" world.acre &&
	printf "parcel third 1 1\n  owner \"cy\"\nend\n" >>world.acre &&
	acre commit -m move >/dev/null && acre index >out 2>err &&
	grep -qx "indexed w: 3 revisions, 2 parcels, 1 new claim" out &&
	test "$(land hello)" = "ann 2 2" && test "$(land third)" = "cy 1 1" &&
	sed -i "s/^parcel hello 2 2/parcel hello 1 1/; s/^parcel third 1 1/parcel third 2 1/" world.acre &&
	acre commit -m back >/dev/null && acre index >/dev/null 2>&1 &&
	test "$(land hello)" = "ann 2 2" && test "$(land third)" = "cy 2 1"
'

test_expect 'index writes only what changed: the same head keeps its rows, a new commit adds its own' '
	indexed && cd w &&
	revs() { sqlite3 ../reg.db "SELECT group_concat(seq || \":\" || summary, \" \") FROM (SELECT seq, summary FROM revisions ORDER BY seq)"; } &&
	parcel() { sqlite3 ../reg.db "SELECT px || \" \" || py || \" \" || coalesce(zone, \"-\") FROM parcels WHERE name = \"$1\""; } &&
	sqlite3 ../reg.db "UPDATE revisions SET summary = \"kept\"" &&
	acre index >out && grep -qx "indexed w: 1 revision, 1 parcel, 0 new claims" out &&
	test "$(revs)" = "0:kept" && test "$(parcel hello)" = "1 1 commercial" &&
	printf "parcel two 2 2\n  owner \"tester\"\nend\n" >>world.acre &&
	acre commit -m two >/dev/null && acre index >out &&
	grep -qx "indexed w: 2 revisions, 2 parcels, 1 new claim" out &&
	test "$(revs)" = "0:two 1:kept" && test "$(parcel two)" = "2 2 -" &&
	sed -i "s/^parcel two 2 2$/parcel three 3 3/" world.acre &&
	acre commit -m three >/dev/null && acre index >/dev/null &&
	test "$(revs)" = "0:three 1:two 2:kept" &&
	test "$(parcel three)" = "3 3 -" && test -z "$(parcel two)" &&
	test "$(sqlite3 ../reg.db "SELECT count(*) FROM parcels")" = 2 &&
	git checkout -q -b other HEAD~2 && git commit -q --allow-empty -m other &&
	acre index >out && grep -qx "indexed w: 2 revisions, 1 parcel, 0 new claims" out &&
	test "$(revs)" = "0:other 1:$(git log -1 --format=%s HEAD~1)" &&
	test "$(sqlite3 ../reg.db "SELECT count(*) FROM parcels")" = 1
'
