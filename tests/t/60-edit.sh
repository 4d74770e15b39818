#!/bin/sh
# 60-edit.sh — acre edit in a real terminal: tmux runs the editor, send-keys
# types, capture-pane reads the screen. Every wait polls the screen for the
# text it expects (with a time limit) rather than sleeping a fixed time.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../tmux.sh"

starter() { cp -R "$SAMPLES/starter" w; }
# rec — the recovery files in w (one per editor that left edits unsaved).
rec() { ls w/.world.acre.*.acre-recover 2>/dev/null; }
wait_rec() { poll 'test -n "$(rec)"'; }
STATUS=' starter  0,0 (0,0)  square owner ada zone market  NORMAL'

test_expect 'the man page lists exactly the keys of the key table' '
	acre edit --keys=roff >want &&
	sed -n "/keys: begin/,/keys: end/p" "$REPO_ROOT/man/acre-edit.1" | sed "1d;\$d" >got &&
	expect_same want got
'

test_expect 'acre-edit(1) renders without warnings' '
	MANWIDTH=80 man -l "$REPO_ROOT/man/acre-edit.1" 2>err >/dev/null &&
	! test -s err
'

test_expect 'bad invocations say what is wrong' '
	starter &&
	expect_exit 2 acre edit --bogus 2>err &&
	grep -q "acre edit: unknown option '"'"'--bogus'"'"'" err &&
	expect_exit 2 acre edit w w 2>err && grep -q "one world at a time" err &&
	expect_exit 2 acre edit nowhere 2>err && grep -q "nowhere" err &&
	expect_exit 2 acre edit w </dev/null >out 2>err &&
	echo "acre: edit: standard input and output must be a terminal" >want &&
	expect_same want err
'

test_expect 'a world that does not parse is not opened' '
	mkdir bad && printf "world \"x\"\n  format 1\nparcel\n" >bad/world.acre &&
	cp bad/world.acre before &&
	expect_exit 2 acre edit bad </dev/null 2>err &&
	grep -q "^acre: edit: bad/world.acre:3:7: expected a parcel name" err &&
	cmp before bad/world.acre
'

test_expect 'opens on the first parcel with its status line' '
	starter && ed_start w &&
	wait_for "$STATUS" &&
	screen | grep -q "#..@......\*....##..T...#" &&
	screen | grep -q " owner  ada" &&
	ed_stop
'

test_expect 'moves: hjkl, parcel jumps, :goto, g and G' '
	starter && ed_start w && wait_for "$STATUS" &&
	keys l l j && wait_for " starter  2,1 (0,0)" &&
	keys L L && wait_for " starter  18,1 (2,0)  cottage owner bo zone homes" &&
	keys : g o t o Space s q u a r e Enter && wait_for " starter  0,0 (0,0)  square" &&
	keys : g o t o Space 5 Space 4 Enter && wait_for " starter  5,4 (0,0)" &&
	keys G && wait_for " starter  31,11 (3,1)  NORMAL" &&
	keys g && wait_for "$STATUS" &&
	keys 1 2 l 2 j && wait_for " starter  12,2 (1,0)" && keys 0 && wait_for " starter  0,2" &&
	keys : g o t o Space n o p e Enter && wait_for "no parcel named '"'"'nope'"'"'" &&
	ed_stop
'

test_expect 'paint, undo, redo, save: only the painted row changes' '
	starter && cp w/world.acre orig && ed_start w && wait_for "$STATUS" &&
	keys l j i "~~" Escape && wait_for "NORMAL  [+]" &&
	screen | grep -q "^#~~\.\.\.\.\.\.\.\.\.\.\.\.##" &&
	keys u && wait_for "undid insert" && screen | grep -q "^#\.\.\.\.\.\.\.\.\.\.\.\.\.\.##" &&
	keys C-r && wait_for "redid insert" && screen | grep -q "^#~~\.\.\." &&
	keys Space && wait_for "[+]" && keys u && wait_for "undid paint" &&
	keys : w Enter && wait_for "wrote world.acre" && wait_gone "[+]" &&
	keys : q Enter && wait_for "EDIT-EXIT 0" &&
	diff orig w/world.acre >d || true &&
	grep -c "^[<>]" d >n && echo 2 >want && expect_same want n &&
	grep -q "^>     #~~............#" d &&
	ed_stop
'

test_expect ':q refuses to drop unsaved work; :q! drops it' '
	starter && cp w/world.acre orig && ed_start w && wait_for "$STATUS" &&
	keys j i "~" Escape && wait_for "[+]" &&
	keys : q Enter &&
	wait_for "unsaved changes: :w to save them, :q! to drop them" &&
	! screen | grep -q EDIT-EXIT &&
	keys : q ! Enter && wait_for "EDIT-EXIT 0" &&
	cmp orig w/world.acre && test -z "$(rec)" &&
	ed_stop
'

test_expect 'refused edits say why' '
	starter && ed_start w && wait_for "$STATUS" &&
	keys i "Q" && wait_for "'"'"'Q'"'"' is not in the palette" &&
	keys Escape : z o n e Space n o w h e r e Enter &&
	wait_for "no zone named '"'"'nowhere'"'"'" &&
	keys : g o t o Space 1 6 Space 0 Enter : m o v e Space 0 Space 0 Enter &&
	wait_for "parcel would overlap parcel '"'"'square'"'"' at 0 0" &&
	ed_stop
'

test_expect 'parcels: create, properties form, entity; saved to the file' '
	starter && ed_start w && wait_for "$STATUS" &&
	keys : g o t o Space 0 Space 6 Enter && wait_for " starter  0,6 (0,1)  NORMAL" &&
	keys A "shop 2 1" Enter && wait_for "parcel created" &&
	wait_for " starter  0,6 (0,1)  shop owner - zone -" &&
	keys e Enter && wait_for "owner: " && keys "hiro" Enter &&
	wait_for "zone: " && keys market Enter && wait_for "script: " && keys Enter &&
	wait_for "shop owner hiro zone market" &&
	keys l E "bell b" Enter && wait_for "entity created" &&
	keys : w q Enter && wait_for "EDIT-EXIT 0" &&
	grep -q "^parcel shop 0 1" w/world.acre &&
	grep -q "^  owner \"hiro\"" w/world.acre &&
	grep -q "^  entity bell 1 0 glyph=\"b\"" w/world.acre &&
	acre check w >/dev/null 2>&1 || acre fmt --check w &&
	ed_stop
'

test_expect 'help screen lists the keys; any key closes it' '
	starter && ed_start w && wait_for "$STATUS" &&
	keys "?" && wait_for "acre edit: keys and commands" &&
	screen | grep -q "Ctrl-R                redo" &&
	keys x && wait_for "$STATUS" &&
	ed_stop
'

test_expect 'resize: too small says so, growing again redraws' '
	starter && ed_start w && wait_for "$STATUS" &&
	tmux -L "$SOCK" resize-window -t ed -x 40 -y 8 &&
	wait_for "Terminal too small: 40x8." &&
	tmux -L "$SOCK" resize-window -t ed -x 90 -y 20 &&
	wait_for "$STATUS" &&
	ed_stop
'

test_expect 'validation panel lists problems and jumps to them' '
	starter && rm w/scripts/square.lua && ed_start w && wait_for "$STATUS" &&
	keys : g o t o Space c o t t a g e Enter && wait_for "cottage owner bo" &&
	keys "]" && wait_for "1/1: " && wait_for " starter  0,0 (0,0)  square" &&
	screen | grep -q "Problems" &&
	ed_stop
'

test_expect 'recovers the edits after a kill' '
	starter && ed_start w && wait_for "$STATUS" &&
	keys j i "~~~" Escape && wait_for "[+]" &&
	wait_rec &&
	sh=$(tmux -L "$SOCK" display -p -t ed "#{pane_pid}") &&
	pid=$(ps -o pid= --ppid "$sh" | tr -d " ") && kill -9 "$pid" &&
	wait_for "EDIT-EXIT 137" && ed_stop &&
	ed_start w && wait_for "A recovery file from an unsaved session exists" &&
	keys r && wait_for "recovered unsaved edits" && wait_for "[+]" &&
	keys : w q Enter && wait_for "EDIT-EXIT 0" &&
	grep -q "^    ~~~............#" w/world.acre &&
	test -z "$(rec)" &&
	ed_stop
'

test_expect 'select, fill, copy and paste; line mode' '
	starter && ed_start w && wait_for "$STATUS" &&
	keys : b r u s h Space "~" Enter j l v l l j && wait_for "  3x2  SELECT" &&
	keys f && wait_for "filled" &&
	screen | grep -q "^#~~~\.\.\.\.\.\.\.\.\.\.\.##" &&
	keys v l y && wait_for "copied 2 by 1 tiles" &&
	keys j j p && wait_for "pasted" &&
	screen | grep -q "^#\.\.\.~\.\.\.\.\.\.\.\.\.\.##" &&
	keys g j j j j - l l l Enter && wait_for "line drawn" &&
	screen | grep -q "^~~~~~\.\.\.\.\.\.\.\.\.\.##" &&
	ed_stop
'

test_expect 'colour terminals and double-width glyphs draw' '
	starter &&
	sed -i "s/T/木/g" w/world.acre &&
	grep -q 木 w/world.acre &&
	ED_ENV="NO_COLOR= TERM=xterm-256color" ed_start w && wait_for " starter  0,0 (0,0)" &&
	screen | grep -q "木" &&
	keys j l i "木" Escape && wait_for "[+]" && screen | grep -q "^# 木\. \. " &&
	keys : w q Enter && wait_for "EDIT-EXIT 0" && ed_stop &&
	grep -q "^    #木\.\.\." w/world.acre &&
	ED_ENV="NO_COLOR= TERM=xterm" ed_start w && wait_for " starter  0,0 (0,0)" && ed_stop
'

test_expect 'commit from the editor and the history of a parcel' '
	starter && git init -q w && git -C w add -A && git -C w commit -qm "the square" &&
	ROWS=40 ed_start w && wait_for "$STATUS" &&
	keys j i "~" Escape c && wait_for "unsaved changes: :w first, then commit" &&
	keys : w Enter && wait_for "wrote world.acre" &&
	keys c "a pond corner" Enter && wait_for "committed " &&
	keys C && wait_for "History (C closes)" &&
	screen | grep -q "a pond corner" && screen | grep -q "the square" &&
	screen | grep -q " unchanged since HEAD" &&
	keys C i "+" Escape C && wait_for " 1 tiles in 1,1-1,1" &&
	keys : g o t o Space c o t t a g e Enter C C && wait_for " unchanged since HEAD" &&
	git -C w log --format=%s >log && head -n 1 log | grep -q "a pond corner" &&
	ed_stop
'

test_expect 'mouse: the wheel scrolls, a click places the cursor' '
	starter && ROWS=10 ed_start w && wait_for " starter  0,0 (0,0)" &&
	keys -l "$(printf "\033[Ma!!")" && wait_for " starter  0,3 (0,0)" &&
	keys -l "$(printf "\033[M &\"")" && keys -l "$(printf "\033[M#&\"")" &&
	wait_for " starter  5,4 (0,0)" &&
	ed_stop
'

test_expect 'overlays colour parcels by owner and zone' '
	starter && ed_start w && wait_for "$STATUS" &&
	keys o && wait_for "overlay: owner" && keys o && wait_for "overlay: zone" &&
	keys o && wait_for "overlay: budget use (no run yet: press P to play)" &&
	keys o && wait_for "overlay: none" &&
	ed_stop
'

test_expect 'a hangup or SIGTERM keeps the edits in the recovery file' '
	starter && ed_start w && wait_for "$STATUS" &&
	keys j i "~" Escape && wait_for "[+]" && wait_rec &&
	sh=$(tmux -L "$SOCK" display -p -t ed "#{pane_pid}") &&
	pid=$(ps -o pid= --ppid "$sh" | tr -d " ") &&
	tmux -L "$SOCK" kill-server && i=0 &&
	while kill -0 "$pid" 2>/dev/null && [ $i -lt 100 ]; do
		sleep 0.1; i=$((i + 1)); done &&
	grep -q "^    ~\.\.\." $(rec) &&
	ed_start w && wait_for "A recovery file from an unsaved session exists" &&
	keys d && wait_for "$STATUS" && test -z "$(rec)" &&
	keys j i "+" Escape && wait_for "[+]" &&
	sh=$(tmux -L "$SOCK" display -p -t ed "#{pane_pid}") &&
	pid=$(ps -o pid= --ppid "$sh" | tr -d " ") && kill -TERM "$pid" &&
	wait_for "EDIT-EXIT 143" &&
	grep -q "^    +\.\.\." $(rec) && ed_stop &&
	ed_start --recover w && wait_for "recovered unsaved edits: :w saves them" &&
	keys : q Enter && wait_for "unsaved changes" && keys : q ! Enter &&
	wait_for "EDIT-EXIT 0" && test -z "$(rec)" &&
	ed_stop
'

test_expect 'play a few ticks; leaving play restores the edited world' '
	starter && ROWS=40 ed_start w && wait_for "$STATUS" &&
	keys P && wait_for "square owner ada zone market  PLAY" &&
	wait_for " tick 0  paused" && screen | grep -q "^#\.\.@\.\.\.\.\.\.\.\.\.\.\.##" &&
	keys s s s && wait_for " tick 3  paused" &&
	screen | grep -q "^#\.\.\.@\.\.\.\.\.\.\.\.\.\.##" &&
	screen | grep -q "square move crier 4 2" &&
	keys i && wait_for "play mode: the world cannot be edited (P leaves)" &&
	keys r && wait_for "  running  " && keys r && wait_for "  paused  " &&
	keys o o o && wait_for "overlay: budget use" && keys o &&
	keys P && wait_for "the edited world is back" && wait_for "$STATUS" &&
	screen | grep -q "^#\.\.@\.\.\.\.\.\.\*\.\.\.\.##" &&
	! screen | grep -qF "[+]" &&
	ed_stop
'

test_expect 'play refuses a world with problems' '
	starter && rm w/scripts/square.lua && ed_start w && wait_for "$STATUS" &&
	keys P && wait_for "the world has 1 problem: fix it first (! lists it)" &&
	ed_stop
'

test_expect 'palette picker, entity script, and --stats figures' '
	starter && ed_start --stats w ">stats" && wait_for "$STATUS" &&
	keys b && wait_for "palette: type a glyph" && screen | grep -q " ~ water (solid)" &&
	keys "~" && wait_for "brush: ~ water" && keys j Space && wait_for "[+]" &&
	keys j l l l : e s c r i p t Space s c r i p t s/c.lua Enter &&
	wait_for "entity script set" &&
	keys e && wait_for "entity crier name: crier" && keys Enter &&
	wait_for "entity crier script: scripts/c.lua" && keys C-u "scripts/d.lua" Enter &&
	wait_for "entity script set" &&
	keys : w q Enter && wait_for "EDIT-EXIT 0" &&
	grep -q "^    ~\.\.\." w/world.acre &&
	grep -q "^  entity crier 3 2 .*script=\"scripts/d.lua\"" w/world.acre &&
	grep -q "^first frame: [0-9.]* ms" stats &&
	grep -q "^keystroke to frame: [0-9]* keys, p50 [0-9.]* ms, p99 [0-9.]* ms" stats &&
	grep -q "^work between keys once the world was read: longest turn [0-9.]* ms$" stats &&
	ed_stop
'

test_expect 'a world.acre changed by another program is not overwritten silently' '
	starter && ed_start w && wait_for "$STATUS" &&
	keys j i "~" Escape && wait_for "[+]" &&
	echo "# written elsewhere" >>w/world.acre && cp w/world.acre theirs &&
	keys : w Enter &&
	wait_for "world.acre changed on disk since it was read: :w! overwrites it, :q! leaves it" &&
	cmp theirs w/world.acre &&
	keys : w ! Enter && wait_for "wrote world.acre" &&
	keys : w Enter && wait_for "wrote world.acre" &&
	keys : q Enter && wait_for "EDIT-EXIT 0" &&
	grep -q "^    ~\.\.\." w/world.acre &&
	ed_stop
'

test_expect 'no editor outlives its terminal' '
	i=0 &&
	while pgrep -f "^$ACRE_BIN edit" >/dev/null && [ $i -lt 50 ]; do
		sleep 0.1; i=$((i + 1)); done &&
	! pgrep -fa "^$ACRE_BIN edit"
'

test_done
