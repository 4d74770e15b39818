#!/bin/sh
# 20-lua-cli.sh — `acre lua`: options, exit status, messages, modules, arg.
. "$(dirname "$0")/../lib.sh"

test_expect 'runs a script and prints to stdout' '
	echo "print(\"hello\", 1 + 1)" >a.lua &&
	acre lua a.lua >out &&
	printf "hello\t2\n" >want && expect_same want out
'

test_expect 'print of a long value then another grows its buffer safely' '
	printf "local s = (\"a\"):rep(1e4)\nprint(s:gsub(\"a\", \"a\"))\n" >long.lua &&
	acre lua long.lua >out &&
	test "$(wc -c <out)" = 10007 && test "$(cut -f2 out)" = 10000
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

test_expect 'a runtime error exits 1 with FILE:LINE:COL: error: message [rule]' '
	printf "local x = 1\nerror(\"boom\")\n" >a.lua &&
	expect_exit 1 acre lua a.lua 2>err &&
	head -n 1 err >first &&
	echo "a.lua:2:1: error: boom [lua-runtime]" >want && expect_same want first &&
	grep -q "a.lua:2: in main chunk" err
'

test_expect 'a syntax error exits 1' '
	printf "x = = 1\n" >a.lua &&
	expect_exit 1 acre lua a.lua 2>err &&
	cat >want <<-\EOF &&
	a.lua:1:5: error: unexpected symbol near '"'"'='"'"' [lua-syntax]
	    1 | x = = 1
	      |     ^
	EOF
	expect_same want err
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

test_expect 'too small a memory cap for the sandbox itself is the memory stop' '
	echo "" >a.lua &&
	expect_exit 1 acre lua --memory 1KiB a.lua 2>err &&
	echo "a.lua: error: not enough memory (limit 1024 bytes): the sandbox'"'"'s environment alone needs more [memory]" >want &&
	expect_same want err
'

test_expect 'every memory cap from 1 to 256 KiB ends a growing script with exit 1 and the memory message' '
	printf "local t, i = {}, 0\nwhile true do i = i + 1; t[i] = {i, s = \"v\" .. i} end\n" >grow.lua &&
	printf "local s = \"x\"\nwhile true do s = s .. s .. \"y\" end\n" >strings.lua &&
	for f in grow.lua strings.lua; do
		kib=1
		while [ $kib -le 256 ]; do
			rc=0; acre lua --memory ${kib}KiB $f >/dev/null 2>err || rc=$?
			if [ $rc -ne 1 ] || ! grep -q "not enough memory (limit $((kib * 1024)) bytes)" err; then
				echo "$f at $kib KiB: exit $rc: $(head -c 200 err)"; exit 1
			fi
			kib=$((kib + 1))
		done
	done
'

test_expect '--output caps what print writes, also under pcall' '
	echo "local l = (\"x\"):rep(1000) while true do pcall(print, l) end" >a.lua &&
	expect_exit 1 acre lua --output 64KiB a.lua >out 2>err &&
	test $(wc -c <out) -le 65536 &&
	head -n 1 err >first &&
	echo "a.lua:1:1: error: output limit exceeded (limit 65536 bytes) [output]" >want &&
	expect_same want first &&
	expect_exit 1 acre lua a.lua >out 2>err &&
	test $(wc -c <out) -le 67108864 &&
	grep -q "^a.lua:1:1: error: output limit exceeded (limit 67108864 bytes) \[output\]" err
'

test_expect '--instructions limits the run' '
	echo "for i = 1, 1e6 do end print(\"done\")" >a.lua &&
	acre lua --instructions 2000000 a.lua >out && grep -q done out &&
	expect_exit 1 acre lua --instructions 1000 a.lua 2>err &&
	echo "a.lua:1:1: error: instruction budget exhausted (call limit 1000) [instructions]" >want &&
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
	head -n 1 err >first && echo "a.lua:3:1: error: x [lua-runtime]" >want && expect_same want first
'

test_expect 'a directory is not a script' '
	mkdir d && expect_exit 2 acre lua d 2>err &&
	echo "acre: lua: d: not a regular file" >want && expect_same want err
'

test_expect 'a UTF-8 byte order mark is skipped, as in the world file' '
	printf "\357\273\277print(\"bom\")\nerror(\"x\")\n" >a.lua &&
	expect_exit 1 acre lua a.lua >out 2>err &&
	echo bom >want && expect_same want out &&
	head -n 1 err | grep -qx "a.lua:2:1: error: x \[lua-runtime\]"
'

test_expect '--world and --parcel run a script with that parcel'"'"'s API' '
	acre init w >/dev/null &&
	printf "print(\"hi\")\ntiles.set(2, 2, \"lamp\")\nfunction on_tick() log.info(\"t\") end\n" >ok.lua &&
	acre lua --world w --parcel hello --ticks 2 ok.lua >out &&
	printf "0 hello print hi\n0 hello tile 2 2 *\n1 hello log info t\n2 hello log info t\n" >want &&
	expect_same want out
'

test_expect 'a parcel or API name that is not there gets a suggestion' '
	acre init w >/dev/null &&
	echo "print(1)" >ok.lua &&
	expect_exit 2 acre lua --world w --parcel helo ok.lua 2>err &&
	grep -qx "acre: lua: no parcel .helo. in w/world.acre; did you mean .hello.?" err &&
	echo "messages.send(\"hllo\", 1)" | expect_exit 1 acre lua --world=w --parcel=hello - >out 2>err &&
	head -n 1 err | grep -qx "stdin:1:15: error: messages.send: no parcel named .hllo. (did you mean .hello.?) \[lua-runtime\]"
'

test_expect '--world without --parcel is a usage error' '
	echo "print(1)" >ok.lua &&
	expect_exit 2 acre lua --world . ok.lua 2>err &&
	grep -q "^acre lua: --world and --ticks need --parcel NAME$" err
'

test_done
