#!/bin/sh
# 7000-check-static.sh — acre check on the world file alone: exit codes,
# every error as file:line:col, usage and environment errors.
. "$(dirname "$0")/../lib.sh"
export XDG_DATA_HOME=$_scratch/xdg ACRE_REGISTRY=

# Checks that run scripts work on copies of the samples: a check writes its
# budget shares into the git directory of the world's repository
# (check/shares.c), and the samples' repository is the developer's own.
test_expect 'a valid sample world passes with exit 0 and a summary line' '
	cp -R "$SAMPLES/starter" s && acre check s >out &&
	grep -q "^valid: 2 parcels, 1 scripted" out && test -f s/.world.acre.budget
'

test_expect 'WORLD defaults to the current directory, and may name world.acre' '
	cp -R "$SAMPLES/starter" w && (cd w && acre check >../out1) &&
	acre check w/world.acre >out2 &&
	grep -q "^valid:" out1 && grep -q "^valid:" out2
'

test_expect 'a syntax error is reported as file:line:col and exits 1' '
	cp -R "$SAMPLES/starter" w &&
	printf "parcel x 3 1\n  owner \"bob\"\n  foo\nend\n" >>w/world.acre &&
	expect_exit 1 acre check w >out &&
	n=$(grep -c "" w/world.acre) &&
	grep -qx "w/world.acre:$((n - 1)):3: error: unknown keyword .foo. in parcel .x. \[unknown-keyword\]" out &&
	grep -qx "  *$((n - 1)) |   foo" out && grep -qx "  *|   ^^^" out &&
	grep -qx "parcel x (owner bob)" out &&
	grep -q "^invalid: 1 error, 1 parcel failing of 3 parcels" out
'

test_expect 'every error of a file is listed, grouped by parcel' '
	cp -R "$SAMPLES/starter" w &&
	printf "parcel x 1 0\nend\nparcel y 9 9\nend\n" >>w/world.acre &&
	expect_exit 1 acre check w >out &&
	grep -q "^w/world.acre:[0-9]*:10: error: parcel .x. overlaps parcel .square. (line 29) \[overlap\]$" out &&
	grep -q "^w/world.acre:[0-9]*:10: error: .*y.* \[parcel-outside\]$" out &&
	test "$(grep -c "^parcel [xy]$" out)" = 2 &&
	grep -q "^invalid: 2 errors, 2 parcels failing of 4 parcels" out
'

test_expect 'a missing script is a rules error naming the parcel' '
	cp -R "$SAMPLES/starter" w && rm w/scripts/square.lua &&
	expect_exit 1 acre check w >out &&
	grep -q "^parcel square (owner ada)$" out &&
	grep -q "square.lua.*\[missing-script\]$" out
'

test_expect 'an unknown option exits 2 with the usage' '
	expect_exit 2 acre check --frob "$SAMPLES/starter" >out 2>err &&
	test ! -s out &&
	grep -qx "acre check: unknown option .--frob." err &&
	grep -q "^usage: acre check " err
'

test_expect 'an option without its value exits 2' '
	expect_exit 2 acre check --base 2>err &&
	grep -qx "acre check: --base needs a value" err &&
	expect_exit 2 acre check --as= "$SAMPLES/starter" 2>err &&
	grep -qx "acre check: --as needs a value" err
'

test_expect 'a bad --format or --ticks value exits 2' '
	expect_exit 2 acre check --format xml "$SAMPLES/starter" 2>err &&
	grep -qx "acre check: --format wants text, json, junit, sarif or github, optionally =FILE, not .xml." err &&
	expect_exit 2 acre check --ticks -1 "$SAMPLES/starter" 2>err &&
	grep -qx "acre check: --ticks wants a whole number from 0 to 1000000, not .-1." err
'

test_expect 'two worlds at once exit 2' '
	expect_exit 2 acre check a b 2>err &&
	grep -qx "acre check: one world at a time: .a. and .b." err
'

test_expect 'a missing world or a directory without world.acre exits 2' '
	expect_exit 2 acre check nowhere 2>err &&
	grep -qx "acre: nowhere: No such file or directory" err &&
	mkdir empty && expect_exit 2 acre check empty 2>err &&
	grep -q "^acre: empty: not a world: no world.acre here" err
'

test_expect 'an unreadable world file exits 2' '
	cp -R "$SAMPLES/starter" w && chmod 000 w/world.acre &&
	if cat w/world.acre >/dev/null 2>&1; then exit 0; fi &&
	expect_exit 2 acre check w >out 2>err &&
	grep -q "^acre: check: .*world.acre" err
'

test_expect '--base outside a git repository exits 2' '
	cp -R "$SAMPLES/starter" w &&
	expect_exit 2 acre check --base HEAD w 2>err &&
	grep -q "^acre: check: --base needs the world.s git repository: .*not a git repository" err
'

test_expect '--as without any registry exits 2' '
	cp -R "$SAMPLES/starter" w &&
	expect_exit 2 acre check --as ada w 2>err &&
	grep -q "^acre: check: --as needs the registry that records who owns each parcel, and there is none at .*xdg/acre/registry.db (give --registry FILE)$" err
'

test_expect 'an unreadable registry exits 2' '
	cp -R "$SAMPLES/starter" w && echo "not a database" >reg.db &&
	expect_exit 2 acre check --registry reg.db w 2>err &&
	grep -q "^acre: check: .*reg.db" err
'

test_expect 'colour only on a terminal, never with NO_COLOR' '
	cp -R "$SAMPLES/starter" w && printf "parcel x 1 0\nend\n" >>w/world.acre &&
	expect_exit 1 acre check w >out &&
	! grep -q "$(printf "\033")" out
'

if command -v script >/dev/null 2>&1; then
test_expect 'colour on a terminal, none there with NO_COLOR' '
	cp -R "$SAMPLES/starter" w && printf "parcel x 1 0\nend\n" >>w/world.acre &&
	env -u NO_COLOR TERM=xterm script -qec "$ACRE_BIN check w" /dev/null >tty || true &&
	grep -q "$(printf "\033")\[1;31merror:" tty &&
	NO_COLOR=1 TERM=xterm script -qec "$ACRE_BIN check w" /dev/null >tty || true &&
	grep -q "error: parcel .x. overlaps" tty && ! grep -q "$(printf "\033")" tty
'
else
test_skip 'colour on a terminal, none there with NO_COLOR' 'no script(1)'
fi

test_expect 'check --help lists every option' '
	acre check --help >out &&
	for o in --format --ticks --base --as --registry; do grep -q -- "^  $o " out; done
'

test_done
