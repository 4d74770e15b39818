#!/bin/sh
# 11-world-errors.sh — exact error messages (FILE:LINE:COL) for bad world files,
# and no crash or hang on hostile bytes.
. "$(dirname "$0")/../lib.sh"
G=$REPO_ROOT/tests/golden/world

for f in "$G"/*.bad.acre; do
	n=${f##*/}; n=${n%.bad.acre}
	test_expect "golden errors: $n" '
		cp "'"$f"'" world.acre &&
		expect_exit 1 acre fmt 2>err &&
		expect_same "'"$G/$n.bad.err"'" err
	'
done

# bad_bytes NAME PRINTF-FORMAT EXPECTED-STDERR
bad_bytes() {
	bb_fmt=$2 bb_err=$3
	test_expect "bytes: $1" '
		printf "$bb_fmt" >world.acre &&
		expect_exit 1 acre fmt 2>err &&
		printf "%s\n" "$bb_err" >want && head -n 1 err >got &&
		expect_same want got && test "$(grep -c ": error: " err)" = 1
	'
}

bad_bytes 'empty file' '' "world.acre:1:1: error: expected 'world NAME', found the end of the file [syntax]"
bad_bytes 'only a comment' '# nothing here\n' "world.acre:2:1: error: expected 'world NAME', found the end of the file [syntax]"
bad_bytes 'NUL byte' 'world "a"\n  seed 1\000\n' 'world.acre:2:9: error: not a text file (byte 0x00 is not text) [not-text]'
bad_bytes 'invalid UTF-8' 'world "a\377"\n' 'world.acre:1:9: error: invalid UTF-8 byte 0xff in string [syntax]'
bad_bytes 'overlong UTF-8 in a comment' 'world "a" # \300\257\n' 'world.acre:1:13: error: invalid UTF-8 byte 0xc0 in comment [syntax]'
bad_bytes 'truncated block' 'world "a"\nzone z\n  allow tiles' "world.acre:3:14: error: expected 'end' to close zone 'z' (opened at line 2) before the end of the file [syntax]"
bad_bytes 'stray CR' 'world "a"\n  seed 1\r2\n' 'world.acre:2:9: error: unexpected control character 0x0d [syntax]'

test_expect 'CRLF line ends and a BOM are read, and written as plain LF' '
	printf "\357\273\277world \"a\"\r\n# c\r\npalette\r\n  \".\" floor\r\nend\r\n" >world.acre &&
	acre fmt && ! grep -q "$(printf "\r")" world.acre &&
	head -n 1 world.acre | grep -q "^world \"a\"$" &&
	grep -A1 "^# c$" world.acre | tail -n 1 | grep -q "^palette$"
'

test_expect 'a 5 MB line is rejected quickly with one error' '
	{ printf "world \"a\"\n  "; head -c 5000000 /dev/zero | tr "\0" x; printf "\n"; } >world.acre &&
	expect_exit 1 acre fmt 2>err && test "$(grep -c ": error: " err)" = 1 &&
	grep -q "^world.acre:2:3: error: unknown keyword .xxxxxxxx" err
'

test_expect 'a 5 MB layout row is rejected with one error' '
	{ printf "world \"a\"\npalette\n  \".\" f\nend\nparcel p 0 0\n  layout\n    ";
	  head -c 5000000 /dev/zero | tr "\0" .; printf "\n  end\nend\n"; } >world.acre &&
	expect_exit 1 acre fmt 2>err && grep -q "^world.acre:7:21: error: layout row has more than 16 glyphs" err
'

test_expect 'errors stop at the cap with a count of the rest' '
	{ echo "world \"a\""; i=0; while [ $i -lt 150 ]; do echo "  bogus"; i=$((i+1)); done; } >world.acre &&
	expect_exit 1 acre fmt 2>err && test "$(grep -c ": error: unknown keyword" err)" = 100 &&
	tail -n 1 err | grep -q "^\.\.\. and 50 more$"
'

test_expect 'random bytes never crash the parser' '
	i=0; while [ $i -lt 20 ]; do
		head -c 4096 /dev/urandom >world.acre
		rc=0; acre fmt >/dev/null 2>&1 || rc=$?
		[ $rc -eq 1 ] || [ $rc -eq 0 ] || { echo "exit $rc"; exit 1; }
		i=$((i+1))
	done
'

test_done
