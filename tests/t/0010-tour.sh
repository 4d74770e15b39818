#!/bin/sh
# 0010-tour.sh — the README's tour, followed literally: every command of its
# first code block runs, in order, in one shell, and succeeds. Only
# `acre edit` is left out (it needs a person at a terminal; the tour works
# whether or not they change anything there).
. "$(dirname "$0")/../lib.sh"
export XDG_DATA_HOME=$_scratch/xdg ACRE_REGISTRY=

test_expect 'the README tour works when followed literally' '
	sed -n "/^## A tour/,/^[^ ]/{/^    /p}" "$REPO_ROOT/README.md" |
		sed "s/^    //" | grep -v "^acre edit" >tour.sh &&
	test "$(grep -c "^acre\|^echo\|^printf" tour.sh)" -ge 10 &&
	PATH=$(dirname "$ACRE_BIN"):$PATH &&
	{ sh -e tour.sh >out 2>err || { cat tour.sh out err; false; }; } &&
	grep -q "^state [0-9a-f]\{16\}$" out &&
	git -C my-world log --format=%s | head -n 1 | grep -qx "A fountain" &&
	grep -q "fountain" out &&
	grep -qx "hello from the sandbox" out
'

test_expect 'the mistake the README shows is the one acre prints' '
	acre init w >/dev/null &&
	printf "parcel fountain 2 1\n  zone comercial\nend\n" >>w/world.acre &&
	expect_exit 1 acre check w >out &&
	sed -n "/^A mistake is reported/,/^$/d; /^    world.acre:/,/help:/p" "$REPO_ROOT/README.md" |
		sed "s/^    //" >want &&
	test -s want &&
	sed "s|^w/world.acre|world.acre|" out | grep -A3 "^world.acre:.*unknown-zone" >got &&
	expect_same want got
'

test_done
