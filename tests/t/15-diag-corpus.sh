#!/bin/sh
# 15-diag-corpus.sh — the diagnostics corpus (tests/diag/): broken worlds and
# scripts, one mistake each. Every case must give exactly one error, at the
# line and column its header names, with exactly the output recorded next to
# it (the message, the source line with its caret, the help line).
#
# A case is a directory tests/diag/NAME/ holding either a world (world.acre,
# checked with `acre check`) or main.lua (run with `acre lua`); its first line
# is a comment "diag: [FILE:]LINE[:COL]" naming where the error must point
# (FILE defaults to world.acre or main.lua). The output is tests/diag/NAME.out.
# To record a new case's output, run this file with DIAG_RECORD=1 and review
# the diff before committing it.
. "$(dirname "$0")/../lib.sh"
D=$TESTS_ROOT/diag

for c in "$D"/*/; do
	c=${c%/}
	n=${c##*/}
	test_expect "diag: $n" '
		cp -R "'"$c"'" w &&
		if test -f w/main.lua; then
			at=$(sed -n "1s/^-- diag: //p" w/main.lua) &&
			case $at in *.lua:*) ;; *) at=main.lua:$at ;; esac &&
			(cd w && expect_exit 1 acre lua main.lua >/dev/null 2>../out) &&
			prefix=$at
		else
			at=$(sed -n "1s/^# diag: //p" w/world.acre) &&
			case $at in *.*:*) ;; *) at=world.acre:$at ;; esac &&
			expect_exit 1 acre check --ticks 3 w >out 2>&1 &&
			prefix=w/$at
		fi &&
		test -n "$at" &&
		errors=$(grep -c "^[^ ][^ ]*:[0-9][0-9]*[:0-9]*: error: " out || true) &&
		{ test "$errors" = 1 || { echo "# $errors errors, want 1" >&2; cat out >&2; false; }; } &&
		{ grep -q "^$prefix: error: " out || { echo "# not at $prefix:" >&2; cat out >&2; false; }; } &&
		if test -n "${DIAG_RECORD:-}"; then cp out "'"$D/$n.out"'"; fi &&
		expect_same "'"$D/$n.out"'" out
	'
done

test_expect 'the corpus has at least 40 cases, and 10 suggest the fix' '
	test "$(ls -d "$D"/*/ | wc -l)" -ge 40 &&
	test "$(grep -l "did you mean" "$D"/*.out | wc -l)" -ge 10
'

test_done
