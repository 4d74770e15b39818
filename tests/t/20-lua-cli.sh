#!/bin/sh
# 20-lua-cli.sh — `acre lua`: options, exit status, messages, modules, arg.
. "$(dirname "$0")/../lib.sh"

test_expect 'runs a script and prints to stdout' '
	echo "print(\"hello\", 1 + 1)" >a.lua &&
	acre lua a.lua >out &&
	printf "hello\t2\n" >want && expect_same want out
'

test_expect 'arg holds the script and its arguments' '
	echo "print(arg[0], arg[1], arg[2], #arg)" >a.lua &&
	acre lua a.lua x "y z" >out &&
	printf "a.lua\tx\ty z\t2\n" >want && expect_same want out
'

test_expect 'require finds modules next to the script' '
	mkdir -p dir/lib &&
	echo "return {n = 7}" >dir/lib/m.lua &&
	echo "print(require(\"lib.m\").n)" >dir/main.lua &&
	acre lua dir/main.lua >out &&
	echo 7 >want && expect_same want out
'

test_expect 'a runtime error exits 1 with FILE:LINE: message' '
	printf "local x = 1\nerror(\"boom\")\n" >a.lua &&
	expect_exit 1 acre lua a.lua 2>err &&
	head -n 1 err >first &&
	echo "a.lua:2: boom" >want && expect_same want first &&
	grep -q "a.lua:2: in main chunk" err
'

test_expect 'a syntax error exits 1' '
	printf "x = = 1\n" >a.lua &&
	expect_exit 1 acre lua a.lua 2>err &&
	echo "a.lua:1: unexpected symbol near '"'"'='"'"'" >want && expect_same want err
'

test_expect 'a missing script is a usage error' '
	expect_exit 2 acre lua nope.lua 2>err &&
	echo "acre: lua: nope.lua: no such file" >want && expect_same want err
'

test_expect 'no script is a usage error' '
	expect_exit 2 acre lua 2>err &&
	head -n 1 err >first &&
	echo "acre lua: no script given" >want && expect_same want first
'

test_expect 'bad option values are usage errors' '
	echo "" >a.lua &&
	expect_exit 2 acre lua --instructions lots a.lua 2>err &&
	grep -q "^acre lua: --instructions wants a whole number" err &&
	expect_exit 2 acre lua --memory 12XB a.lua 2>err &&
	grep -q "^acre lua: --memory wants a size such as 65536, 64KiB or 2MiB, not '"'"'12XB'"'"'" err &&
	expect_exit 2 acre lua --frobnicate a.lua 2>err &&
	grep -q "^acre lua: unknown option '"'"'--frobnicate'"'"'" err
'

test_expect 'too small a memory cap is a usage error' '
	echo "" >a.lua &&
	expect_exit 2 acre lua --memory 1KiB a.lua 2>err &&
	echo "acre: lua: a memory limit of 1024 bytes is too small for the sandbox" >want &&
	expect_same want err
'

test_expect '--output caps what print writes, also under pcall' '
	echo "local l = (\"x\"):rep(1000) while true do pcall(print, l) end" >a.lua &&
	expect_exit 1 acre lua --output 64KiB a.lua >out 2>err &&
	test $(wc -c <out) -le 65536 &&
	head -n 1 err >first &&
	echo "a.lua:1: output limit exceeded (limit 65536 bytes)" >want &&
	expect_same want first &&
	expect_exit 1 acre lua a.lua >out 2>err &&
	test $(wc -c <out) -le 67108864 &&
	grep -q "^a.lua:1: output limit exceeded (limit 67108864 bytes)" err
'

test_expect '--instructions limits the run' '
	echo "for i = 1, 1e6 do end print(\"done\")" >a.lua &&
	acre lua --instructions 2000000 a.lua >out && grep -q done out &&
	expect_exit 1 acre lua --instructions 1000 a.lua 2>err &&
	echo "a.lua:1: instruction budget exhausted (call limit 1000)" >want &&
	head -n 1 err >first && expect_same want first
'

test_expect '--help lists every option' '
	acre lua --help >out &&
	grep -q -- "--instructions N" out && grep -q -- "--memory SIZE" out &&
	grep -q "Exit status" out
'

test_expect 'a #! first line is skipped and line numbers stay' '
	printf "#!/usr/bin/env acre lua\nprint(\"hi\")\nerror(\"x\")\n" >a.lua &&
	expect_exit 1 acre lua a.lua >out 2>err &&
	echo hi >want && expect_same want out &&
	head -n 1 err >first && echo "a.lua:3: x" >want && expect_same want first
'

test_expect 'a directory is not a script' '
	mkdir d && expect_exit 2 acre lua d 2>err &&
	echo "acre: lua: d: not a regular file" >want && expect_same want err
'

test_done
