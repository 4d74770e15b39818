#!/bin/sh
# 0001-options.sh — one option parser for every command: --opt value,
# --opt=value, --, combined short flags, options around operands, help and
# usage lines made from the command table, and mistakes named as typed
# with the closest option or command suggested.
. "$(dirname "$0")/../lib.sh"

test_expect 'an unknown option is named as typed, with the usage' '
	expect_exit 2 acre init --frob 2>err &&
	head -n 1 err >got && echo "acre init: unknown option '"'"'--frob'"'"'" >want &&
	expect_same want got && grep -qx "usage: acre init \[--owner LOGIN\] \[DIR\]" err
'

test_expect 'a mistyped option suggests the closest one' '
	expect_exit 2 acre log --parcle x 2>err &&
	grep -qx "acre log: unknown option .--parcle.; did you mean .--parcel.?" err &&
	expect_exit 2 acre run --tick 5 2>err &&
	grep -qx "acre run: unknown option .--tick.; did you mean .--ticks.?" err
'

test_expect '--version after a command points at acre --version' '
	expect_exit 2 acre init --version 2>err &&
	grep -q "unknown option .--version.; .acre --version. prints the version" err
'

test_expect 'a mistyped command suggests the closest one' '
	expect_exit 2 acre chek 2>err &&
	echo "acre: '"'"'chek'"'"' is not an acre command; did you mean '"'"'acre check'"'"'?" >want &&
	expect_same want err
'

test_expect '--opt=value and --opt value mean the same for every command' '
	cp -R "$SAMPLES/starter" w &&
	acre run -q --ticks=5 w >a && acre run -q --ticks 5 w >b && expect_same a b &&
	acre check --ticks=2 w >/dev/null && acre check --ticks 2 w >/dev/null &&
	echo "print(1)" >s.lua && acre lua --memory=1MiB s.lua >out && grep -qx 1 out &&
	acre gen street --parcels=4 --seed=3 g >/dev/null && test -f g/world.acre
'

test_expect 'options may follow the operand, and -- ends them' '
	cp -R "$SAMPLES/starter" w &&
	acre run w --ticks 3 -q >a && acre run -q --ticks 3 -- w >b && expect_same a b &&
	mkdir -- -d && cp w/world.acre -- -d/ && acre fmt --check -- -d
'

test_expect 'a value-less flag given a value, and a missing value, are usage errors' '
	expect_exit 2 acre fmt --check=yes 2>err && grep -q "^acre fmt: --check takes no value$" err &&
	expect_exit 2 acre run --ticks 2>err && grep -q "^acre run: --ticks needs a value$" err &&
	expect_exit 2 acre check --as= 2>err && grep -q "^acre check: --as needs a value$" err
'

test_expect 'short options combine, and take their value attached or apart' '
	cp -R "$SAMPLES/starter" w &&
	acre run -q --ticks 2 w >a && acre run --ticks 2 -q w >b && expect_same a b &&
	git init -q r && cp -R w/. r/ && acre commit -m one r >/dev/null &&
	echo "# c" >>r/world.acre && acre commit -mtwo r >/dev/null &&
	acre log -n1 r >one && test "$(wc -l <one)" = 1 && grep -q " two$" one &&
	acre log -n 2 r >two && test "$(wc -l <two)" = 2
'

test_expect 'options after a lua script belong to the script' '
	echo "print(arg[1], arg[2])" >s.lua &&
	acre lua s.lua --memory x >out && printf "%s\t%s\n" --memory x >want &&
	expect_same want out
'

test_expect 'acre lua - reads the script from standard input' '
	printf "print(6 * 7)\n" | acre lua - >out && echo 42 >want && expect_same want out &&
	printf "local x = = 1\n" | expect_exit 1 acre lua - 2>err &&
	head -n 1 err | grep -qx "stdin:1:11: error: unexpected symbol near .=. \[lua-syntax\]" &&
	sed -n 2p err | grep -q "| local x = = 1"
'

test_expect '--help anywhere prints the help, made from the option table' '
	acre run --ticks 3 --help >out &&
	head -n 1 out | grep -q "^usage: acre run \[--ticks N\] .*\[-q\] \[WORLD\]$" &&
	grep -q "^  -q, --quiet  *print only failures" out &&
	for c in init gen fmt check run lua edit commit log diff blame checkout index ls who stats grant help; do
		acre $c --help >h && head -n 1 h | grep -q "^usage: acre $c" || exit 1
		acre help $c >h2 && expect_same h h2 || exit 1
	done
'

test_expect 'the usage line shows every option of the table' '
	for c in check run lua edit log grant gen fmt; do
		acre $c --help >h &&
		opts=$(sed -n "/^Options:/,\$p" h | grep -c "^  -") &&
		syn=$(head -n 1 h | grep -o "\[-" | wc -l) &&
		test "$opts" = "$syn" || { echo "$c: $opts options, $syn in the usage"; exit 1; }
	done
'

test_expect 'bash completion is made from the command table' '
	acre help --completion=bash >c.bash && bash -n c.bash &&
	bash -c ". ./c.bash; COMP_WORDS=(acre ch); COMP_CWORD=1; _acre; echo \${COMPREPLY[*]}" >out &&
	grep -qx "check checkout" out &&
	bash -c ". ./c.bash; COMP_WORDS=(acre run --ti); COMP_CWORD=2; _acre; echo \${COMPREPLY[*]}" >out &&
	grep -qx -- "--ticks=" out &&
	bash -c ". ./c.bash; COMP_WORDS=(acre log -); COMP_CWORD=2; _acre; echo \${COMPREPLY[*]}" >out &&
	grep -q -- "--parcel=" out && grep -q -- "-n" out
'

test_expect 'zsh completion names every command and option' '
	acre help --completion=zsh >_acre && head -n 1 _acre | grep -qx "#compdef acre" &&
	for c in init gen fmt check run lua edit commit log diff blame checkout index ls who stats grant help; do
		grep -q "^		.$c:" _acre || exit 1
	done &&
	grep -q -e "--ticks=\[ticks to run" _acre &&
	expect_exit 2 acre help --completion=fish 2>err && grep -q "wants bash or zsh" err
'

test_expect 'make install puts both completions where the shells look' '
	make -s -C "$REPO_ROOT" install DESTDIR="$T/root" PREFIX=/usr ACRE="$ACRE_BIN" >/dev/null &&
	test -s root/usr/share/bash-completion/completions/acre &&
	test -s root/usr/share/zsh/site-functions/_acre &&
	test -x root/usr/bin/acre
'

test_done
