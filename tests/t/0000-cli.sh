#!/bin/sh
# 0000-cli.sh — the command line itself: dispatch, help, exit codes, manual.
. "$(dirname "$0")/../lib.sh"

test_expect 'acre --version names the program and version' '
	acre --version >out &&
	grep -Eq "^acre [0-9]+\.[0-9]+\.[0-9]+$" out
'

test_expect 'acre with no arguments lists the commands' '
	acre >out &&
	grep -q "^  check " out && grep -q "^  edit " out && grep -q "^  grant " out
'

test_expect 'an unknown command exits 2 with a message on stderr' '
	expect_exit 2 acre frobnicate >out 2>err &&
	test ! -s out &&
	grep -qx "acre: '"'"'frobnicate'"'"' is not an acre command; see '"'"'acre help'"'"'" err
'

test_expect 'every command answers --help with its usage, exit 0' '
	for c in $(acre help | sed -n "s/^  \([a-z]*\) .*/\1/p"); do
		acre $c --help >out || { echo "$c --help failed"; exit 1; }
		grep -q "^usage: acre $c" out || { echo "$c: no usage line"; exit 1; }
		acre help $c >out2 && cmp out out2 || { echo "help $c differs"; exit 1; }
	done
'

test_expect 'acre help of an unknown command exits 2' '
	expect_exit 2 acre help nosuch 2>err &&
	grep -q "is not an acre command" err
'

test_expect 'acre(1) lists exactly what the command table says' '
	sh "$REPO_ROOT/mk/man.sh" "$ACRE_BIN" "$REPO_ROOT/man/acre.1.in" >acre.1 &&
	expect_same "$REPO_ROOT/man/acre.1" acre.1 ||
	{ echo "man/acre.1 is stale: run '"'"'make man'"'"' to regenerate it"; exit 1; }
'

test_expect 'every manual page renders without warnings' '
	for m in "$REPO_ROOT"/man/*.[157]; do
		MANWIDTH=80 man -l "$m" 2>err >/dev/null
		if [ -s err ]; then echo "$m:"; cat err; exit 1; fi
	done
'

test_done
