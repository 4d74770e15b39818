#!/bin/sh
# 10-world-fmt.sh — `acre fmt`: canonical form, comments kept, --check, exit codes.
. "$(dirname "$0")/../lib.sh"
G=$REPO_ROOT/tests/golden/world

test_expect 'fmt rewrites into the golden canonical form, comments kept' '
	mkdir w && cp "$G/comments.in.acre" w/world.acre &&
	acre fmt w && expect_same "$G/comments.out.acre" w/world.acre
'

test_expect 'fmt is idempotent' '
	mkdir w && cp "$G/comments.out.acre" w/world.acre &&
	acre fmt w && expect_same "$G/comments.out.acre" w/world.acre &&
	acre fmt --check w
'

test_expect 'fmt --check names a file that is not canonical and changes nothing' '
	mkdir w && cp "$G/comments.in.acre" w/world.acre &&
	expect_exit 1 acre fmt --check w 2>err &&
	echo "w/world.acre: not in canonical form (run '"'"'acre fmt'"'"')" >want &&
	expect_same want err &&
	cmp "$G/comments.in.acre" w/world.acre
'

test_expect 'the samples are canonical' '
	for s in "$SAMPLES"/*/; do [ -f "$s/world.acre" ] || continue; acre fmt --check "$s" || exit 1; done
'

test_expect 'fmt defaults to the current directory and accepts world.acre paths' '
	mkdir w && cp "$G/comments.in.acre" w/world.acre &&
	(cd w && acre fmt) && expect_same "$G/comments.out.acre" w/world.acre &&
	cp "$G/comments.in.acre" w/world.acre && acre fmt w/world.acre &&
	expect_same "$G/comments.out.acre" w/world.acre
'

test_expect 'fmt with several worlds reports each and exits with the worst' '
	mkdir a b && cp "$G/comments.out.acre" a/world.acre &&
	cp "$G/blocks.bad.acre" b/world.acre &&
	expect_exit 1 acre fmt a b 2>err && grep -q "^b/world.acre:8:1: " err &&
	expect_same "$G/comments.out.acre" a/world.acre
'

test_expect 'fmt leaves a file with parse errors untouched' '
	mkdir w && cp "$G/syntax.bad.acre" w/world.acre &&
	expect_exit 1 acre fmt w 2>/dev/null && cmp "$G/syntax.bad.acre" w/world.acre
'

test_expect 'fmt leaves no temporary files and keeps an unchanged file alone' '
	mkdir w && cp "$G/comments.out.acre" w/world.acre &&
	touch -d "2001-01-01" w/world.acre && acre fmt w &&
	test "$(ls w)" = world.acre &&
	test "$(stat -c %Y w/world.acre)" = "$(date -d 2001-01-01 +%s)" &&
	cp "$G/comments.in.acre" w/world.acre && acre fmt w && test "$(ls w)" = world.acre
'

test_expect 'in a layout, # is a glyph and indentation is not part of a row' '
	cat >world.acre <<-\EOF
	world "w"
	  parcel-size 2 2
	palette
	  "#" hash  # a comment here
	  "." floor
	end
	parcel a 0 0
	  layout
	          #.
	  .#
	  end  # the end may carry a comment
	end
	EOF
	acre fmt && sed -n "/layout/,/end/p" world.acre >got &&
	printf "  layout\n    #.\n    .#\n  end  # the end may carry a comment\n" >want &&
	expect_same want got
'

test_expect 'fmt keeps the file mode' '
	mkdir w && cp "$G/comments.in.acre" w/world.acre && chmod 640 w/world.acre &&
	acre fmt w && test "$(stat -c %a w/world.acre)" = 640
'

test_expect 'a kill at any moment leaves the old or the new file, never a torn one' '
	acre gen street --parcels 1500 --scripted 0 new &&
	mkdir w && sed "s/^  owner /  owner   /" new/world.acre >old.acre &&
	! cmp -s old.acre new/world.acre &&
	for delay in 0 0.002 0.005 0.01 0.02 0.04; do
		cp old.acre w/world.acre
		acre fmt w & pid=$!
		sleep $delay; kill -9 $pid 2>/dev/null || true; wait $pid || true
		cmp -s w/world.acre old.acre || cmp -s w/world.acre new/world.acre ||
			{ echo "torn after $delay s"; exit 1; }
	done
'

test_expect 'fmt usage errors exit 2' '
	expect_exit 2 acre fmt --bogus 2>err && grep -q "unknown option" err &&
	expect_exit 2 acre fmt no-such-dir 2>err && grep -q "no-such-dir" err &&
	mkdir empty && expect_exit 2 acre fmt empty 2>err && grep -q "no world.acre" err
'

test_expect 'fmt --help lists every option' '
	acre fmt --help >out && grep -q -- "--check" out && grep -q -- "--stats" out
'

test_expect 'fmt --stats prints throughput, writes nothing, reports rule errors' '
	cp -R "$SAMPLES/starter" s && acre fmt --stats s >out &&
	grep -q "^s/world.acre: [0-9]* bytes, parse .* MB/s, .* MB/s of CPU time$" out &&
	mkdir w && cp "$G/comments.in.acre" w/world.acre &&
	expect_exit 1 acre fmt --stats w >out 2>err && grep -q "MB/s" out &&
	grep -q "^w/world.acre:6:10: error: events file .ev.txt. not found in the world \[missing-events\]$" err &&
	cmp "$G/comments.in.acre" w/world.acre
'

test_done
