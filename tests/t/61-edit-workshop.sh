#!/bin/sh
# 61-edit-workshop.sh — acre edit as a creator's workshop, in a real
# terminal (tmux): quitting and cancelling, undo groups, one recovery file per
# editor, leaving when the terminal is gone, search, play with a free cursor.
# Every wait polls the screen for the text it expects; none sleeps blindly.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../tmux.sh"

starter() { cp -R "$SAMPLES/starter" w; }
rec() { ls w/.world.acre.*.acre-recover 2>/dev/null; }
STATUS=' starter  0,0 (0,0)  square owner ada zone market  NORMAL'

test_expect 'q quits at once when everything is saved' '
	starter && ed_start w && wait_for "$STATUS" &&
	screen | grep -q "^? help  i paint  u undo  / search  :w save  q quit" &&
	keys q && wait_for "EDIT-EXIT 0" && ed_stop
'

test_expect 'q asks when there are unsaved changes: Esc stays, n drops, y saves' '
	starter && cp w/world.acre orig && ed_start w && wait_for "$STATUS" &&
	keys j i "~" Escape && wait_for "[+]" &&
	keys q && wait_for "unsaved changes: save them before quitting? (y saves, n drops, Esc stays)" &&
	keys Escape && wait_gone "save them before quitting" &&
	! screen | grep -q EDIT-EXIT && screen | grep -qF "[+]" &&
	keys q n Enter && wait_for "EDIT-EXIT 0" && ed_stop &&
	cmp orig w/world.acre && test -z "$(rec)" &&
	ed_start w && wait_for "$STATUS" &&
	keys j i "~" Escape q y Enter && wait_for "EDIT-EXIT 0" && ed_stop &&
	grep -q "^    ~\.\.\." w/world.acre
'

test_expect 'Ctrl-C cancels the line, a mode and a count, and never quits' '
	starter && ed_start w && wait_for "$STATUS" &&
	keys : g o t o && wait_for ":goto" && keys C-c && wait_for "cancelled" &&
	wait_gone ":goto" &&
	keys i && wait_for "PAINT" && keys C-c && wait_for "NORMAL" &&
	keys 5 && keys C-c && wait_for "cancelled" && keys l && wait_for " starter  1,0 (0,0)" &&
	keys C-c && wait_for "nothing to cancel (q quits)" &&
	keys e && wait_for "name: square" && keys C-c && wait_for "cancelled" &&
	! screen | grep -q EDIT-EXIT && ed_stop
'

test_expect 'one insert is one undo step, and one form is one more' '
	starter && ed_start w && wait_for "$STATUS" &&
	keys j l i "~~~~" Escape && wait_for "[+]" &&
	screen | grep -q "^#~~~~\.\.\.\.\.\.\.\.\.\.##" &&
	keys e Enter && wait_for "owner: ada" && keys C-u "cy" Enter &&
	wait_for "zone: market" && keys Enter && wait_for "script: " && keys Enter &&
	wait_for "square owner cy zone market" &&
	keys u && wait_for "undid properties" && wait_for "square owner ada zone market" &&
	screen | grep -q "^#~~~~\.\.\." &&
	keys u && wait_for "undid insert" && screen | grep -q "^#\.\.\.\.\.\.\.\.\.\.\.\.\.\.##" &&
	wait_gone "[+]" &&
	keys C-r && wait_for "redid insert" && screen | grep -q "^#~~~~\.\.\." &&
	ed_stop
'

# A pane whose tmux server dies takes no hangup signal with it when the
# editor runs in a session of its own (setsid): the editor must notice the
# terminal is gone by itself, keep its edits and leave, not spin.
test_expect 'the terminal gone while playing: the editor leaves and keeps its edits' '
	starter && ED_PRE=setsid ed_start w && wait_for "$STATUS" &&
	keys j i "~" Escape && wait_for "[+]" && poll "test -n \"\$(rec)\"" &&
	keys P && wait_for " tick 0  paused" && keys r && wait_for "  running  " &&
	pid=$(ed_pid) && test -n "$pid" && kill -0 "$pid" &&
	ed_stop &&
	if ! poll "! kill -0 $pid 2>/dev/null"; then kill -9 "$pid"; false; fi &&
	grep -q "^    ~\.\.\." $(rec)
'

test_expect 'the terminal gone while a revalidation is pending: the editor leaves' '
	starter && ED_PRE=setsid ed_start w && wait_for "$STATUS" &&
	pid=$(ed_pid) && keys j i "~" Escape && wait_for "[+]" && ed_stop &&
	if ! poll "! kill -0 $pid 2>/dev/null"; then kill -9 "$pid"; false; fi &&
	grep -q "^    ~\.\.\." $(rec)
'

test_expect 'two editors keep two recovery files, and the choice lists both' '
	starter && ed_start w && wait_for "$STATUS" && S1=$SOCK && p1=$(ed_pid) &&
	keys j i "~" Escape && wait_for "[+]" && poll "test -n \"\$(rec)\"" &&
	ed_start w && wait_for "another editor (process $p1) has this world open" &&
	S2=$SOCK && p2=$(ed_pid) &&
	keys j j i "+" Escape && wait_for "[+]" &&
	poll "test \$(rec | wc -l) -eq 2" &&
	tmux -L "$S1" kill-server && tmux -L "$S2" kill-server &&
	poll "! kill -0 $p1 2>/dev/null && ! kill -0 $p2 2>/dev/null" &&
	test $(rec | wc -l) -eq 2 &&
	ed_start w && wait_for "2 recovery files from unsaved sessions exist (newest first):" &&
	screen | grep -q "^  1  w/.world.acre.[0-9]*.acre-recover (written " &&
	screen | grep -q "^  2  w/.world.acre.[0-9]*.acre-recover (written " &&
	screen | grep -q "1-2  recover that one (the others stay for later)" &&
	keys 2 && wait_for "recovered unsaved edits: :w saves them (1 more recovery file kept for later)" &&
	keys : w q Enter && wait_for "EDIT-EXIT 0" && ed_stop &&
	test $(rec | wc -l) -eq 1 &&
	ed_start w && wait_for "A recovery file from an unsaved session exists:" &&
	keys d && wait_for "$STATUS" && test -z "$(rec)" && ed_stop
'

test_expect 'a recovery file of an older editor is still offered' '
	starter && cp w/world.acre w/.world.acre.acre-recover &&
	ed_start w && wait_for "A recovery file from an unsaved session exists:" &&
	keys q && wait_for "EDIT-EXIT 0" && test -e w/.world.acre.acre-recover && ed_stop
'

test_expect 'a recovery file that is a link is not offered (it may point out of the world)' '
	starter && cp w/world.acre outside.acre && printf "~" >>outside.acre &&
	ln -s "$T/outside.acre" w/.world.acre.999999998.acre-recover &&
	ed_start w && wait_for "$STATUS" &&
	! screen | grep -q "recovery file" &&
	keys q && wait_for "EDIT-EXIT 0" && ed_stop
'

test_expect '/ searches names, owners, entities and glyphs; n and N go on' '
	starter && ed_start w && wait_for "$STATUS" &&
	keys / c o t Enter && wait_for "/cot: parcel cottage" &&
	wait_for " starter  16,0 (2,0)  cottage" &&
	keys / B O Enter && wait_for "/BO: (wrapped) parcel cottage, owner bo" &&
	keys / c r i e r Enter && wait_for "/crier: entity crier in parcel square" &&
	wait_for " starter  3,2 (0,0)" &&
	keys / "~" Enter && wait_for "/~: water in parcel square" && wait_for " starter  6,3 (0,0)" &&
	keys n && wait_for " starter  7,3 (0,0)" && keys n && wait_for " starter  6,3 (0,0)" &&
	wait_for "(wrapped) water" && keys N && wait_for " starter  7,3 (0,0)" &&
	keys / t r e e Enter && wait_for "/tree: (wrapped) tree in parcel cottage" &&
	wait_for " starter  19,2 (2,0)" &&
	keys / n o p e Enter && wait_for "no match for '"'"'nope'"'"'" &&
	ed_stop
'

test_expect 'parcel names show on the cursor row too: on the bottom edge' '
	starter && ed_start w && wait_for "$STATUS" &&
	screen | grep -q "^square#++#######cottage#" &&
	keys j && wait_for " starter  0,1 (0,0)" &&
	screen | grep -q "^square##########cottage#" &&
	ed_stop
'

test_expect 'play: the cursor moves freely, follows an entity, steps back' '
	starter && ROWS=40 ed_start w && wait_for "$STATUS" &&
	keys P && wait_for " tick 0  paused" && keys s s s && wait_for " tick 3  paused" &&
	screen | grep -q "^#\.\.\.@\.\.\.\.\.\.\.\.\.\.##" &&
	keys L L && wait_for " starter  16,0 (2,0)  cottage owner bo zone homes  PLAY" &&
	screen | grep -q "^ *│cottage$" &&
	keys g j j l l l l && wait_for " starter  4,2 (0,0)" &&
	screen | grep -q "│ > crier at 4,2" &&
	keys f && wait_for "follow: the cursor stays on crier" &&
	keys s s && wait_for " tick 5  paused" && wait_for " starter  5,2 (0,0)" &&
	screen | grep -q " following crier" &&
	keys S S && wait_for " tick 3  paused" && wait_for " starter  4,2 (0,0)" &&
	screen | grep -q "^#\.\.\.@\.\.\.\.\.\.\.\.\.\.##" &&
	keys S S S && wait_for " tick 0  paused" && wait_for " starter  3,2 (0,0)" &&
	keys S && wait_for "at tick 0: nothing to step back to" &&
	keys l && wait_for " starter  4,2 (0,0)" && ! screen | grep -q " following" &&
	keys s && wait_for " tick 1  paused" && screen | grep -q " starter  4,2 (0,0)" &&
	keys r && wait_for "  running  " && keys C-c && wait_for "play paused" &&
	wait_for "  paused  " &&
	keys i && wait_for "play mode: the world cannot be edited (P leaves)" &&
	keys P && wait_for "the edited world is back" &&
	wait_for " used   0% instr 3% mem" &&
	ed_stop
'

test_expect 'palette, zones and entity names are edited with the file'"'"'s rules' '
	starter && ed_start w && wait_for "$STATUS" &&
	keys : p a l e t t e Space "ab" Space x Enter &&
	wait_for "a glyph is one character (one UTF-8 code point, not a space, a control or" &&
	keys : p a l e t t e Space "~" Space x Enter && wait_for "glyph" &&
	keys : p a l e t t e Space "%" Space -x Enter &&
	wait_for "palette name '"'"'-x'"'"' may not start with '"'"'-'"'"' or '"'"'.'"'"'" &&
	keys : p a l e t t e Space "%" Space floor Enter &&
	wait_for "palette name '"'"'floor'"'"' used twice" &&
	keys : p a l e t t e Space "%" Space rubble Space solid Enter &&
	wait_for "palette: added % rubble (the brush now)" &&
	keys : g n a m e Space stones Enter && wait_for "palette entry renamed" &&
	keys : s o l i d Enter && wait_for "the brush'"'"'s entry is not solid" &&
	keys : n e w z o n e Space park Space tiles Space bogus Enter &&
	wait_for "unknown capability '"'"'bogus'"'"'" &&
	keys : n e w z o n e Space market Enter && wait_for "zone '"'"'market'"'"'" &&
	keys : n e w z o n e Space park Space tiles Space entities Enter && wait_for "zone added" &&
	keys : m a x e n t Space park Space 3 Enter && wait_for "zone cap set" &&
	keys : a l l o w Space homes Space tiles Enter && wait_for "zone allowances set" &&
	keys j j l l l e && wait_for "entity crier name: crier" &&
	keys C-u "bad name" Enter && wait_for "entity name '"'"'bad name'"'"' may hold only" &&
	keys e C-u "herald" Enter && wait_for "entity herald script:" && keys Enter &&
	keys u && wait_for "undid entity properties" && keys C-r && wait_for "redid" &&
	keys : w q Enter && wait_for "EDIT-EXIT 0" &&
	grep -q "^  \"%\" stones$" w/world.acre &&
	grep -q "^zone park$" w/world.acre &&
	grep -A3 "^zone park$" w/world.acre | grep -q "^  allow tiles entities$" &&
	grep -A3 "^zone park$" w/world.acre | grep -q "^  max-entities-per-parcel 3$" &&
	grep -A2 "^zone homes$" w/world.acre | grep -q "^  allow tiles$" &&
	grep -q "^  entity herald 3 2" w/world.acre &&
	acre fmt --check w &&
	{ acre check w >out 2>&1 || true; } && grep -q "no entity named '"'"'crier'"'"'" out &&
	! grep -q "\[rules\]\|\[format\]" out &&
	ed_stop
'

test_expect 'palette and zone edits undo one step each' '
	starter && cp w/world.acre orig && ed_start w && wait_for "$STATUS" &&
	keys : p a l e t t e Space "%" Space rubble Enter && wait_for "palette: added" &&
	keys : n e w z o n e Space park Enter && wait_for "zone added" &&
	keys : a l l o w Space market Space none Enter && wait_for "zone allowances set" &&
	keys u && wait_for "undid edit zone" && keys u && wait_for "undid add zone" &&
	keys u && wait_for "undid add palette entry" && wait_gone "[+]" &&
	keys : w q Enter && wait_for "EDIT-EXIT 0" && cmp orig w/world.acre &&
	ed_stop
'

# fake_editor — an $EDITOR that appends a line to the file it is given.
fake_editor() {
	printf '#!/bin/sh\necho "-- touched by the editor" >>"$1"\n' >"$T/ed.sh" &&
	chmod +x "$T/ed.sh"
}

test_expect 'O opens the parcel script in $EDITOR and the screen comes back' '
	starter && fake_editor && ED_ENV="VISUAL= EDITOR=$T/ed.sh" ed_start w &&
	wait_for "$STATUS" && keys O && wait_for "edited scripts/square.lua" &&
	wait_for "$STATUS" && screen | grep -q "^#\.\.@\.\.\.\.\.\.\*\.\.\.\.##" &&
	tail -n 1 w/scripts/square.lua | grep -qx -- "-- touched by the editor" &&
	ed_stop
'

test_expect 'O on a parcel without a script creates one from the template' '
	starter && fake_editor && ED_ENV="VISUAL= EDITOR=$T/ed.sh" ed_start w &&
	wait_for "$STATUS" &&
	keys L L O && wait_for "new script from the template (Enter creates, Esc cancels): scripts/cottage.lua" &&
	keys Enter && wait_for "zone '"'"'homes'"'"' does not allow scripts" &&
	! test -e w/scripts/cottage.lua &&
	keys : g o t o Space 0 Space 6 Enter A "shop" Enter && wait_for "parcel created" &&
	keys O && wait_for "scripts/shop.lua" && keys Enter && wait_for "edited scripts/shop.lua" &&
	wait_for "[+]" && grep -q "^-- scripts/shop.lua — the script of parcel shop." w/scripts/shop.lua &&
	grep -q "^function on_tick(t)" w/scripts/shop.lua &&
	tail -n 1 w/scripts/shop.lua | grep -qx -- "-- touched by the editor" &&
	keys : w q Enter && wait_for "EDIT-EXIT 0" && grep -q "^  script \"scripts/shop.lua\"" w/world.acre &&
	acre check w >/dev/null &&
	ed_stop
'

test_expect 'problems follow the files without a key; the reason is never cut' '
	starter && COLS=90 ed_start w && wait_for "$STATUS" && keys "!" && wait_for "Problems" &&
	wait_for " none" &&
	mv w/scripts/square.lua sq.lua && wait_for " square: script" &&
	wait_for "   found in the world" &&
	mv sq.lua w/scripts/square.lua && wait_for " none" &&
	ed_stop
'

test_expect 'a script changed while playing: the run is replayed with it' '
	starter && ROWS=40 ed_start w && wait_for "$STATUS" &&
	keys P && wait_for " tick 0  paused" && keys s s && wait_for " tick 2  paused" &&
	sed -i "s/log.info(\"the square opens in\"/log.info(\"the square reopens in\"/" w/scripts/square.lua &&
	wait_for "scripts changed: the run was replayed to tick 2 with them" &&
	wait_for " tick 2  paused" && wait_for "0 square log info the square re" &&
	ed_stop
'

# A world above 4 MB is read progressively: the first parcels at once, the
# rest in the background.
test_expect 'a big world opens at once and is read whole in the background' '
	acre gen street --parcels 12000 big >/dev/null &&
	ed_start big && wait_for " street-12000  0,0 (0,0)" &&
	wait_for "world read: 12000 parcels" &&
	keys G && wait_for " street-12000  1759,1759 (109,109)" &&
	keys / s h o p - 1 0 9 - 1 0 8 Enter && wait_for "parcel shop-109-108" &&
	ed_stop
'

test_expect 'a big world whose end does not parse is closed with the reason' '
	acre gen street --parcels 12000 big >/dev/null && echo "parcel" >>big/world.acre &&
	cp big/world.acre before &&
	ed_start big && wait_for "EDIT-EXIT 2" &&
	screen | grep -q "acre: edit: big/world.acre:[0-9]*:7: expected a parcel name" &&
	cmp before big/world.acre && test -z "$(ls big/.world.acre.*.acre-recover 2>/dev/null)" &&
	ed_stop
'

test_expect 'a big world is saved in the background; :wq leaves when it is written' '
	acre gen street --parcels 12000 big >/dev/null &&
	ed_start big && wait_for "world read: 12000 parcels" &&
	keys j j l l i "~~" Escape && wait_for "[+]" &&
	keys : w Enter && wait_for "wrote world.acre in " && wait_gone "[+]" &&
	grep -q "^    #\.~~\.\.\.\." big/world.acre &&
	keys l l i "~" Escape : w q Enter && wait_for "EDIT-EXIT 0" &&
	acre fmt --check big && grep -q "^    #\.~~\.\.~\." big/world.acre &&
	test -z "$(ls big/.world.acre.*.acre-recover 2>/dev/null)" &&
	ed_stop
'

test_expect 'the history panel shows what each commit changed in the parcel' '
	starter && git init -q w && git -C w add -A && git -C w commit -qm "the square" &&
	ROWS=45 ed_start w && wait_for "$STATUS" &&
	keys j l i "~~" Escape : w Enter && wait_for "wrote world.acre" &&
	keys c "a pond corner" Enter && wait_for "committed " &&
	keys : o w n e r Space c y Enter : w Enter && wait_for "wrote world.acre" &&
	keys c "cy takes over" Enter && wait_for "committed " &&
	keys C && wait_for "History (C closes)" &&
	screen | grep -A3 " cy takes over$" | grep -q "│    owner changed$" &&
	screen | grep -A3 " a pond corner$" | grep -q "│    2 tiles in 1,1-2,1$" &&
	screen | grep -A2 " the square$" | grep -q "│    first commit$" &&
	keys C : g o t o Space c o t t a g e Enter C && wait_for " parcel cottage" &&
	screen | grep -A3 " the square$" | grep -q "│    first commit$" &&
	ed_stop
'

test_expect 'a big world recovered stays unsaved once it is read whole' '
	acre gen street --parcels 12000 big >/dev/null &&
	sed "0,/#\.\.\.\.\.\.\.\.\.\.\.\.\.\.#/s//#~~~~~~~~~~~~~~#/" big/world.acre \
		>big/.world.acre.999999999.acre-recover &&
	! cmp -s big/world.acre big/.world.acre.999999999.acre-recover &&
	ed_start --recover big && wait_for "world read: 12000 parcels" &&
	wait_for "[+]" && keys q && wait_for "unsaved changes: save them before quitting?" &&
	keys n Enter && wait_for "EDIT-EXIT 0" && ! grep -q "#~~~~~~~~~~~~~~#" big/world.acre &&
	ed_stop
'

test_done
