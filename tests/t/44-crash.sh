#!/bin/sh
# 44-crash.sh — nothing lost: `acre commit` and `acre index` killed with
# SIGKILL at spread-out moments leave a repository that `git fsck` finds
# clean, a world file that is whole, and a registry whose integrity check
# passes and which holds the old index or the new one, never half of one.
. "$(dirname "$0")/../lib.sh"

# Rows of a registry table; 0 when the kill came before the schema.
rows() { sqlite3 -cmd ".timeout 5000" reg.db "SELECT count(*) FROM $1" 2>/dev/null || echo 0; }

DELAYS="0.002 0.005 0.010 0.020 0.030 0.045 0.060 0.080 0.100 0.130 0.170 0.250"

test_expect 'commit killed at any moment leaves git fsck clean and the world whole' '
	acre gen street --parcels 1024 --seed 3 w >/dev/null && acre init i >/dev/null &&
	mv i/.git w/ && git -C w add -A && git -C w commit -qm street &&
	n=0 &&
	for d in $DELAYS; do
		n=$((n + 1)) &&
		echo "# edit $n" >>w/world.acre && cp w/world.acre want &&
		before=$(git -C w rev-parse HEAD) &&
		{ timeout -s KILL "$d" "$ACRE_BIN" commit -m "edit $n" w >/dev/null 2>&1 || true; } &&
		git -C w fsck --no-dangling 2>&1 &&
		cmp want w/world.acre &&
		after=$(git -C w rev-parse HEAD) &&
		{ [ "$after" = "$before" ] || [ "$(git -C w log -1 --format=%s)" = "edit $n" ]; } &&
		# A kill inside a lock leaves the lock, as with git; remove it.
		find w/.git -name "*.lock" -delete || exit 1
	done &&
	acre commit -m final w >/dev/null && test -z "$(git -C w status --porcelain)" &&
	git -C w fsck --no-dangling 2>&1
'

test_expect 'index killed at any moment leaves a sound registry, old or new' '
	export ACRE_REGISTRY=$T/reg.db &&
	acre gen street --parcels 1024 --seed 4 w >/dev/null && acre init i >/dev/null &&
	mv i/.git w/ && git -C w add -A && git -C w commit -qm street &&
	for k in 1 2 3 4 5 6 7 8 9 10; do
		echo "# $k" >>w/world.acre && git -C w commit -qam "c$k"
	done &&
	for d in $DELAYS; do
		{ timeout -s KILL "$d" "$ACRE_BIN" index w >/dev/null 2>&1 || true; } &&
		{ [ ! -f reg.db ] || [ "$(sqlite3 -cmd ".timeout 5000" reg.db "PRAGMA integrity_check")" = ok ]; } &&
		revs=$(rows revisions) &&
		{ [ "$revs" = 0 ] || [ "$revs" = 12 ]; } &&
		parcels=$(rows parcels) &&
		{ [ "$parcels" = 0 ] || [ "$parcels" = 1024 ]; } || exit 1
	done &&
	acre index w >/dev/null &&
	test "$(sqlite3 -cmd ".timeout 5000" reg.db "SELECT count(*) FROM revisions")" = 12 &&
	test "$(sqlite3 -cmd ".timeout 5000" reg.db "PRAGMA integrity_check")" = ok
'

test_done
