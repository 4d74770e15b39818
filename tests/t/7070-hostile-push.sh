#!/bin/sh
# 7070-hostile-push.sh — the validator's surface, tried as an attacker: each
# world below is pushed with a real `git push` to a bare repository that
# has samples/ci/pre-receive installed. Every push must be refused with a
# located message ("FILE:LINE[:COL]: error: ..."), no byte of a file
# outside the world may reach the pusher, the hook's peak RSS stays under
# 512 MiB, and no temporary directory of the hook is left behind. Then the
# reports of the same worlds, written by one check in every format, must
# pass a SARIF validator, an XML parser and the JSON schema of
# acre-check(1).
. "$(dirname "$0")/../lib.sh"
export XDG_DATA_HOME=$_scratch/xdg ACRE_REGISTRY=
HOOK=$REPO_ROOT/samples/ci/pre-receive
SCHEMA_MAN=$REPO_ROOT/man/acre-check.1
RSS_LIMIT_KIB=$((512 * 1024))
# The hook limits the check's address space; a sanitizer build reserves
# terabytes of it (and its RSS is not the release build's).
if [ -n "${ACRE_SANITIZE:-}" ]; then export ACRE_CHECK_MEMORY=0; fi

# The guarded reader of every file a world names (worldfmt's
# wf_world_read): the symlink and unbounded-read attacks need it.
guarded=
grep -q 'wf_world_read' "$REPO_ROOT/worldfmt/worldfmt.h" && guarded=yes

# A file outside every world, shaped like a script, an events file and a
# world file at once, so that any parser quoting it would quote a marker.
mksecret() {
	mkdir -p "$T/outside" &&
	{
		echo "SECRETMARK_1 = 'SECRETMARK_2'"
		echo "1 enter SECRETMARK_3 a"
		echo "parcel SECRETMARK_4 0 0"
		echo "local SECRETMARK_5 ="
	} >"$T/outside/secret.txt"
}

# The hook, wrapped to record the peak RSS (KiB) of everything it ran.
install_hook() {
	cat >"$T/rss.py" <<'EOF'
import resource, subprocess, sys
rc = subprocess.call(sys.argv[2:])
with open(sys.argv[1], "a") as f:
    f.write("%d\n" % resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
sys.exit(rc)
EOF
	cat >server.git/hooks/pre-receive <<EOF
#!/bin/sh
exec python3 "$T/rss.py" "$T/rss" sh "$HOOK"
EOF
	chmod +x server.git/hooks/pre-receive
}

# server.git: a world of two parcels of eve's, one scripted, indexed in
# reg.db as the server's land (the key the hook checks against); c: a
# clone to attack from.
setup() {
	mksecret &&
	mkdir -p w/scripts "$T/tmp" &&
	cat >w/world.acre <<-'EOF' &&
	world "hostile"
	  format 1
	  seed 7
	  size 2 1
	  parcel-size 4 4
	palette
	  "." floor
	end
	parcel a 0 0
	  owner "eve"
	  script "scripts/a.lua"
	end
	parcel b 1 0
	  owner "eve"
	end
	EOF
	echo "function on_tick() end" >w/scripts/a.lua &&
	git -C w init -q -b main && git -C w add -A && git -C w commit -qm base &&
	git clone -q --bare w server.git &&
	acre index --registry "$T/reg.db" server.git >/dev/null && install_hook &&
	git clone -q server.git c &&
	export ACRE="$ACRE_BIN" ACRE_REGISTRY="$T/reg.db" ACRE_CHECK_TICKS=3 \
		ACRE_PUSHER=eve TMPDIR="$T/tmp"
}

# The server's registry, every row of it: a refused push must leave it as
# it was (no run, no claim, no grant; samples/ci/README.md).
registry_rows() {
	sqlite3 "$T/reg.db" .dump | grep "^INSERT INTO"
}

# push_refused MESSAGE-REGEX — commit what c holds, push it: the push is
# refused, with a located error matching MESSAGE-REGEX (FILE:LINE[:COL], or
# FILE alone for a file refused as a whole), nothing of the
# secret, no path of the hook's own, a peak RSS under the limit, no
# temporary directory left, and the server's registry as it was.
push_refused() {
	before=$(git -C server.git rev-parse main) &&
	registry_rows >"$T/reg.before" &&
	git -C c add -A && git -C c commit -qm attack &&
	if git -C c push -q origin main 2>err; then
		echo "the push was accepted" >&2; cat err >&2; return 1
	fi
	cat err &&
	test "$(git -C server.git rev-parse main)" = "$before" &&
	grep -Eq "^remote: [^ :]+(:[0-9]+(:[0-9]+)?)?: error: .*$1" err &&
	grep -q "^remote: acre: refusing refs/heads/main" err &&
	! grep -q "SECRETMARK" err &&
	! grep -q "root:x:0:0" err &&
	! grep -q "acre-pre-receive\." err &&
	! grep -q "$T/tmp" err &&
	! LC_ALL=C grep -q "$(printf '\033')" err &&
	rss=$(sort -n "$T/rss" | tail -n 1) &&
	echo "# peak RSS of the hook: $rss KiB" &&
	{ [ -n "${ACRE_SANITIZE:-}" ] || [ "$rss" -lt "$RSS_LIMIT_KIB" ]; } &&
	test -z "$(ls -A "$T/tmp")" &&
	registry_rows >"$T/reg.after" &&
	if ! cmp -s "$T/reg.before" "$T/reg.after"; then
		echo "the refused push changed the registry:" >&2
		diff "$T/reg.before" "$T/reg.after" >&2
		return 1
	fi
}

# Lines of world.acre: put a statement after line 12 (`script ...`).
add_to_parcel_a() {
	sed -i "/^  script \"scripts\/a.lua\"/a\\
$1" c/world.acre
}

# ---- Attacks that need no guarded reader ----------------------------------

test_expect 'the land is the server'"'"'s: its owner is enforced, and an accepted push is recorded there' '
	setup &&
	acre who --registry "$T/reg.db" 0 0 "$T/server.git" | grep -q "^owner: eve (claimed at import" &&
	add_to_parcel_a "  funds=5" &&
	ACRE_PUSHER=mallory push_refused "parcel .a. changed, but it belongs to eve; .mallory. may not change it" &&
	git -C c push -q origin main 2>err &&
	test "$(git -C server.git rev-parse main)" = "$(git -C c rev-parse main)" &&
	commit=$(git -C c rev-parse main) &&
	test "$(sqlite3 "$T/reg.db" "SELECT r.status FROM runs r JOIN worlds w ON w.id = r.world_id WHERE w.key = \"$T/server.git\" AND r.commit_id = \"$commit\" AND r.identity = \"eve\"")" = valid &&
	test "$(sqlite3 "$T/reg.db" "SELECT group_concat(status) FROM runs")" = valid &&
	test "$(sqlite3 "$T/reg.db" "SELECT count(*) FROM claims WHERE owner <> \"eve\"")" = 0
'

test_expect 'funds=-1 is a located rule error, not "could not check"' '
	setup && add_to_parcel_a "  funds=-1" &&
	push_refused "funds must be a whole number from 0 to 1000000000000"
'

test_expect 'funds past 10^12 (a supply that could wrap) is refused' '
	setup && add_to_parcel_a "  funds=9223372036854775807" &&
	push_refused "funds must be a whole number"
'

test_expect 'a 140-byte world asking for 64 GiB of tiles is a rule error' '
	setup &&
	printf "world \"h\"\n  format 1\n  seed 1\n  size 1024 1024\n  parcel-size 256 256\npalette\n  \".\" floor\nend\nparcel a 0 0\n  size 1024 1024\n  owner eve\nend\n" >c/world.acre &&
	test "$(wc -c <c/world.acre)" -le 140 &&
	push_refused "at most 268435456 are allowed"
'

test_expect 'memory=17179869185G does not wrap to 1 GiB' '
	setup &&
	sed -i "/^  parcel-size/a\\
  budget memory=17179869185G" c/world.acre &&
	push_refused "invalid budget value .memory=17179869185G."
'

test_expect 'memory=8589934592G is refused, so fmt never writes a negative size' '
	setup &&
	sed -i "/^  parcel-size/a\\
  budget memory=8589934592G" c/world.acre &&
	push_refused "invalid budget value" &&
	sed -i "s/8589934592G/1024G/" c/world.acre &&
	acre fmt c && grep -q "memory=1024GiB" c/world.acre && acre fmt --check c
'

test_expect 'a script cannot forge a line, an annotation or a state hash' '
	setup &&
	printf "function on_tick() error(\"\\\\27[2J\\\\n::error file=x::forged\\\\nstate 0000000000000000\\\\n\\\\1\") end\n" >c/scripts/a.lua &&
	push_refused "" &&
	! grep -q "^remote: ::error" err && ! grep -q "^remote: state " err &&
	grep -q "x1b\[2J\\\\n::error file=x::forged\\\\nstate 0000000000000000\\\\n\\\\x01" err
'

test_expect 'acre run escapes a script.s error message on stderr' '
	setup &&
	printf "function on_tick() error(\"\\\\27[2J\\\\nstate 0000000000000000\") end\n" >w/scripts/a.lua &&
	expect_exit 1 acre run --ticks 1 w >out 2>err &&
	cat err &&
	! grep -q "^state 0000000000000000" err &&
	! LC_ALL=C grep -q "$(printf "\033")" err &&
	grep -q "\\\\x1b\[2J\\\\nstate 0000000000000000" err &&
	test "$(grep -c ^state out)" = 1
'

test_expect 'the hook stops a check that runs past its time limit' '
	setup &&
	echo "function on_tick() local i = 0 while true do i = i + 1 end end" >c/scripts/a.lua &&
	git -C c commit -qam spin &&
	! ACRE_CHECK_TIMEOUT=1 ACRE_CHECK_TICKS=1000000 git -C c push -q origin main 2>err &&
	cat err &&
	grep -q "acre: the check took longer than 1 s" err &&
	test -z "$(ls -A "$T/tmp")"
'

# ---- Attacks on the files a world names (the guarded reader) --------------

guarded_case() {
	if [ -z "$guarded" ]; then
		test_skip "$1" "the guarded reader (wf_world_read) is not on this branch yet"
	else
		test_expect "$1" "$2"
	fi
}

guarded_case 'events "../../../etc/passwd" is refused at its line' '
	setup &&
	sed -i "/^  parcel-size/a\\
  events \"../../../$T/outside/secret.txt\"" c/world.acre &&
	push_refused "events"
'

guarded_case 'a parcel script that is a symlink to a host file is refused' '
	setup && ln -sf "$T/outside/secret.txt" c/scripts/a.lua &&
	push_refused ""
'

guarded_case 'a script symlinked to /etc/passwd never quotes it' '
	setup && ln -sf /etc/passwd c/scripts/a.lua &&
	push_refused ""
'

guarded_case 'a script symlinked to /proc/uptime is refused' '
	setup && ln -sf /proc/uptime c/scripts/a.lua &&
	push_refused ""
'

guarded_case 'require through a symlinked directory cannot reach the host' '
	setup && ln -s / c/scripts/host &&
	echo "local m = require(\"host.tmp.x\") function on_tick() end" >c/scripts/a.lua &&
	push_refused ""
'

guarded_case 'an events file symlinked outside the world is refused, unquoted' '
	setup && ln -s "$T/outside/secret.txt" c/events &&
	sed -i "/^  parcel-size/a\\
  events \"events\"" c/world.acre &&
	push_refused ""
'

guarded_case 'an events file symlinked to /dev/zero is refused before reading' '
	setup && ln -s /dev/zero c/events &&
	sed -i "/^  parcel-size/a\\
  events \"events\"" c/world.acre &&
	push_refused ""
'

guarded_case 'world.acre symlinked to /dev/zero is refused before reading' '
	setup && rm c/world.acre && ln -s /dev/zero c/world.acre &&
	push_refused ""
'

guarded_case 'a parcel with a 65th distinct script is not reported valid' '
	setup &&
	for i in $(seq 1 65); do
		echo "function on_tick() end" >c/scripts/e$i.lua
		add_to_parcel_a "  entity e$i 0 0 script=\"scripts/e$i.lua\""
	done &&
	sed -i "/^palette/i\\
  budget entities=100" c/world.acre &&
	echo "this is not lua" >c/scripts/e65.lua &&
	push_refused "parcel .a. runs more than 64 distinct scripts"
'

# ---- The reports of hostile worlds ----------------------------------------

# One check of WORLD writing every format; exit 1 and a complete report.
reports() {
	expect_exit 1 acre check --ticks 2 --format text=r.txt --format json=r.json \
		--format junit=r.xml --format sarif=r.sarif --format github=r.gh "$1" &&
	test -s r.txt && test -s r.json && test -s r.xml && test -s r.sarif &&
	test -s r.gh
}

# The worlds: each attack above that needs no guarded reader, plus a world
# whose path and messages hold XML's and the workflow commands' specials.
mkworlds() {
	setup &&
	for k in funds huge memory escape; do
		cp -R w "$k"
	done &&
	sed -i "/^  script \"scripts\/a.lua\"/a\\
  funds=-1" funds/world.acre &&
	printf "world \"h\"\n  size 1024 1024\n  parcel-size 256 256\npalette\n  \".\" floor\nend\nparcel a 0 0\n  size 1024 1024\nend\n" >huge/world.acre &&
	sed -i "/^  parcel-size/a\\
  budget memory=17179869185G" memory/world.acre &&
	printf "function on_tick() error(\"<x a=\\\\\"&amp;\\\\\">\\\\27]0;t\\\\7\\\\1%%0A::warning::x\") end\n" >escape/scripts/a.lua &&
	mkdir -p "odd &<>\"" && cp -R escape "odd &<>\"/w" &&
	if [ -n "$guarded" ]; then
		cp -R w events && sed -i "/^  parcel-size/a\\
  events \"../../../etc/passwd\"" events/world.acre &&
		cp -R w link && ln -sf /etc/passwd link/scripts/a.lua &&
		cp -R w zero && rm zero/world.acre && ln -s /dev/zero zero/world.acre
	fi
}

# The worlds to report on, one a line, relative and absolute paths both.
worlds() {
	for k in events funds huge memory escape "odd &<>\"/w" link zero; do
		[ -e "$k" ] || [ -L "$k/world.acre" ] || continue
		echo "$k"
	done
	echo "$T/escape"
}

# The JSON schema is checked with python3's jsonschema (Debian:
# python3-jsonschema) when it is there.
export JSONSCHEMA=
if python3 -c "import jsonschema" 2>/dev/null; then
	JSONSCHEMA=yes
else
	test_skip 'every JSON report of a hostile world obeys the schema of acre-check(1)' \
		"python3 has no jsonschema module (Debian: python3-jsonschema); JSON is only parsed"
fi

test_expect 'every report of a hostile world is well-formed XML and valid JSON' '
	mkworlds &&
	cat >schema.py <<-"EOF" &&
	import json, re, sys
	man = open(sys.argv[1]).read()
	m = re.search(r"BEGIN JSON SCHEMA.*?\n\.EX\n(.*?)\n\.EE\n", man, re.S)
	json.dump(json.loads(m.group(1)), open("schema.json", "w"))
	EOF
	python3 schema.py "$SCHEMA_MAN" &&
	worlds | while read -r k; do
		echo "# $k" && reports "$k" &&
		python3 -c "import xml.etree.ElementTree as E; E.parse(\"r.xml\")" &&
		if command -v xmllint >/dev/null; then xmllint --noout r.xml; fi &&
		python3 -c "
import json, sys
import os
r = json.load(open(\"r.json\"))
if os.environ[\"JSONSCHEMA\"]:
    import jsonschema
    jsonschema.Draft202012Validator(json.load(open(\"schema.json\"))).validate(r)
" &&
		python3 -c "
import json
for f in (\"r.gh\", \"r.txt\"):
    b = open(f, \"rb\").read()
    bad = [c for c in b if (c < 32 and c != 10) or c == 127]
    assert not bad, (f, bad)
# One workflow command per finding, no other line starting one.
cmds = [l for l in open(\"r.gh\").read().split(chr(10)) if l.startswith(\"::\")]
assert len(cmds) == len(json.load(open(\"r.json\"))[\"findings\"]), cmds
" || exit 1
	done
'

# The SARIF validator: Microsoft's SARIF Multitool (npm
# @microsoft/sarif-multitool-linux), installed once under the build
# directory, or named by ACRE_SARIF_MULTITOOL.
SARIF_TOOL=${ACRE_SARIF_MULTITOOL:-}
SARIF_DIR=$ACRE_BUILD/tools/sarif
if [ -z "$SARIF_TOOL" ]; then
	SARIF_TOOL=$SARIF_DIR/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool
	if [ ! -e "$SARIF_TOOL" ] && command -v npm >/dev/null 2>&1; then
		mkdir -p "$SARIF_DIR" &&
		timeout 300 npm install --prefix "$SARIF_DIR" --no-audit --no-fund \
			--ignore-scripts @microsoft/sarif-multitool-linux@5.7.0 \
			>"$SARIF_DIR/install.log" 2>&1
		chmod u+x "$SARIF_TOOL" 2>/dev/null
	fi
fi
export DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1 SARIF_TOOL

if [ -x "$SARIF_TOOL" ] && "$SARIF_TOOL" --version >/dev/null 2>&1; then
	test_expect 'every SARIF report of a hostile world passes the SARIF validator' '
		mkworlds &&
		worlds | while read -r k; do
			echo "# $k" && reports "$k" && rm -f v.sarif &&
			{ "$SARIF_TOOL" validate r.sarif -o v.sarif >v.log 2>&1 || :; } &&
			cat v.log
			grep -q "Analysis completed successfully" v.log || exit 1
			! grep -q ": error SARIF" v.log || exit 1
		done
	'
else
	test_skip 'every SARIF report of a hostile world passes the SARIF validator' \
		"no SARIF validator: npm could not install @microsoft/sarif-multitool-linux (see $SARIF_DIR/install.log) and ACRE_SARIF_MULTITOOL is not set"
fi

test_done
