#!/bin/sh
# 13-world-files.sh — every file a world names is read through one guarded
# reader: relative, inside the world, no symbolic link, a regular file, a
# size cap. A refused file is a located rule error that never quotes what
# is behind it.
. "$(dirname "$0")/../lib.sh"
export XDG_DATA_HOME=$_scratch/xdg ACRE_REGISTRY=

# A secret outside the world that no message may ever show.
secret() { printf 'TOPSECRET-LINE-1\nTOPSECRET-LINE-2\n' >"$T/secret.txt"; }
no_secret() { ! grep -q TOPSECRET "$@"; }

test_expect 'a script that is a symbolic link out of the world is refused' '
	secret && cp -R "$SAMPLES/starter" w &&
	rm w/scripts/square.lua && ln -s "$T/secret.txt" w/scripts/square.lua &&
	expect_exit 1 acre check w >out 2>err &&
	grep -q "^w/world.acre:[0-9]*:[0-9]*: error: script .scripts/square.lua. is a symbolic link; a world.s files must be regular files inside it \[rules\]$" out &&
	no_secret out err &&
	expect_exit 1 acre run --ticks 1 w >out 2>err && no_secret out err
'

test_expect 'a symbolic link to a file inside the world is refused too' '
	cp -R "$SAMPLES/starter" w &&
	mv w/scripts/square.lua w/scripts/real.lua &&
	ln -s real.lua w/scripts/square.lua &&
	expect_exit 1 acre check w >out &&
	grep -q "script .scripts/square.lua. is a symbolic link" out
'

test_expect 'a directory of scripts that links out of the world is refused' '
	secret && cp -R "$SAMPLES/starter" w &&
	mkdir "$T/outside" && mv w/scripts/square.lua "$T/outside/" &&
	rmdir w/scripts && ln -s "$T/outside" w/scripts &&
	expect_exit 1 acre check w >out &&
	grep -q "script .scripts/square.lua. is a symbolic link" out
'

test_expect 'require cannot reach a module through a linked directory' '
	secret && cp -R "$SAMPLES/starter" w &&
	mkdir "$T/host" && echo "return { pwned = true }" >"$T/host/mod.lua" &&
	ln -s "$T/host" w/scripts/host &&
	printf "local ok, m = pcall(require, \"host.mod\")\nlog.info(ok and \"REACHED\" or \"refused\")\n" >w/scripts/square.lua &&
	acre run --ticks 1 --trace - w >out 2>err &&
	! grep -q REACHED out && grep -q refused out
'

test_expect 'an events path that climbs out of the world is a rule error' '
	secret && cp -R "$SAMPLES/starter" w &&
	sed -i "s|^  budget |  events \"../../secret.txt\"\n  budget |" w/world.acre &&
	expect_exit 1 acre check w >out 2>err &&
	grep -q "error: events file path .\.\./\.\./secret\.txt. must be relative to the world and stay inside it \[rules\]$" out &&
	no_secret out err
'

test_expect 'an events file that is a link to a host file is refused without quoting it' '
	secret && cp -R "$SAMPLES/starter" w &&
	ln -sf "$T/secret.txt" w/events &&
	sed -i "s|^  budget |  events \"events\"\n  budget |" w/world.acre &&
	expect_exit 1 acre check w >out 2>err &&
	grep -q "events file .events. is a symbolic link" out &&
	no_secret out err &&
	expect_exit 1 acre run --ticks 1 w >out 2>err && no_secret out err
'

test_expect 'world.acre as a link to /dev/zero fails at once, reading nothing' '
	mkdir w && ln -s /dev/zero w/world.acre &&
	expect_exit 1 acre check w >out 2>err &&
	grep -qx "w/world.acre: error: cannot read: a symbolic link; a world.s files must be regular files inside it \[format\]" out &&
	expect_exit 2 acre fmt w 2>err &&
	grep -q "world.acre: cannot read: a symbolic link" err
'

test_expect 'a fifo as a script does not block the check' '
	cp -R "$SAMPLES/starter" w &&
	rm w/scripts/square.lua && mkfifo w/scripts/square.lua &&
	expect_exit 1 timeout 10 "$ACRE_BIN" check w >out &&
	grep -q "script .scripts/square.lua. is not a regular file" out
'

test_expect 'a script over the size cap is a rule error' '
	cp -R "$SAMPLES/starter" w &&
	head -c 1048577 /dev/zero | tr "\0" "-" >w/scripts/square.lua &&
	expect_exit 1 acre check w >out &&
	grep -q "script .scripts/square.lua. is larger than 1048576 bytes" out
'

test_expect 'a parcel running more than 64 distinct scripts is refused, not cut' '
	cp -R "$SAMPLES/starter" w &&
	i=0 && while [ $i -lt 65 ]; do
		echo "-- $i" >w/scripts/e$i.lua &&
		printf "  entity e%d 1 1 glyph=\"o\" script=\"scripts/e%d.lua\"\n" $i $i >>ents
		i=$((i + 1))
	done &&
	awk -v f=ents "/^  layout/ && !done { while ((getline l < f) > 0) print l; done=1 } { print }" \
		w/world.acre >w2 && mv w2 w/world.acre &&
	sed -i "s/budget entities=16/budget entities=100/; s/max-entities-per-parcel 8/max-entities-per-parcel 100/" w/world.acre &&
	expect_exit 1 acre check w >out &&
	grep -q "parcel .square. runs more than 64 distinct scripts \[rules\]$" out
'

test_expect 'acre lua reads no module through a link beside the script' '
	secret && mkdir d && ln -s "$T/secret.txt" d/leak.lua &&
	printf "print(pcall(require, \"leak\"))\n" >d/main.lua &&
	acre lua d/main.lua >out 2>err &&
	grep -q "^false" out && no_secret out err
'

test_expect 'a link committed in history is refused when a revision is read' '
	secret && cp -R "$SAMPLES/starter" w && (
		cd w && git init -q &&
		ln -sf "$T/secret.txt" scripts/square.lua &&
		git add -A && git commit -qm "a link" &&
		rm scripts/square.lua && cp "$SAMPLES/starter/scripts/square.lua" scripts/
	) &&
	expect_exit 2 acre diff --world w HEAD >out 2>err &&
	grep -qx "acre: scripts/square.lua: a symbolic link; a world.s files must be regular files inside it" err &&
	no_secret out err
'

test_done
