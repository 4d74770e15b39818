#!/bin/sh
# 62-edit-large.sh — acre edit on a big world (16,384 parcels, past the size
# from which the editor reads, saves, validates and writes its recovery
# file in the background), and the budget shares of the last check. tmux
# runs the editor; every wait polls the screen for the text it expects.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../tmux.sh"

rec() { ls w/.world.acre.*.acre-recover 2>/dev/null; }
# wait_rec PATTERN — until a recovery file has a line matching PATTERN.
wait_rec() {
	_i=0
	while [ $_i -lt 300 ]; do
		_f=$(rec) && [ -n "$_f" ] && grep -q "$1" $_f 2>/dev/null && return 0
		sleep 0.1
		_i=$((_i + 1))
	done
	echo "# no recovery file with a line matching $1: $(rec)"
	return 1
}

# One big world for every test (a copy each): generated once.
"$ACRE_BIN" gen street --parcels 16384 "$_scratch/big" >/dev/null || exit 1
big() { cp -R "$_scratch/big" w; }
READ="world read: 16384 parcels"
# The first parcel's second layout row as generated ("#*", dots, "*#"),
# and as painted at its first and third tiles.
ROW1='^    #\*\.\.\.\.\.\.\.\.\.\.\.\.\*#$'
ROW1A='^    =\*\.\.\.\.\.\.\.\.\.\.\.\.\*#$'
ROW1B='^    =\*=\.\.\.\.\.\.\.\.\.\.\.\*#$'

test_expect 'a big world saves in the background; edits made meanwhile stay unsaved' '
	big && grep -q "$ROW1" w/world.acre && ed_start w && wait_for "$READ" &&
	keys j i = Escape : w Enter l i = Escape &&
	wait_for "(edits made meanwhile are not saved)" && screen | grep -qF "[+]" &&
	grep -q "$ROW1A" w/world.acre &&
	keys : q Enter && wait_for "unsaved changes" &&
	keys : w q Enter && wait_for "EDIT-EXIT 0" &&
	grep -q "$ROW1B" w/world.acre && test -z "$(rec)" && ed_stop
'

test_expect 'a big world: keys move the cursor while it saves, :wq leaves once written' '
	big && ed_start w && wait_for "$READ" &&
	keys j i = Escape : w q Enter l l && wait_for "EDIT-EXIT 0" &&
	grep -q "$ROW1A" w/world.acre && ed_stop
'

test_expect 'a big world: the recovery file is written in the background and recovers' '
	big && ed_start w && wait_for "$READ" &&
	keys j i "~" Escape && wait_for "[+]" &&
	wait_rec "^    ~\*\.\.\." &&
	kill -9 "$(ed_pid)" && wait_for "EDIT-EXIT 137" && ed_stop &&
	ed_start --recover w && wait_for "recovered unsaved edits" && wait_for "$READ" &&
	keys : w q Enter && wait_for "EDIT-EXIT 0" &&
	grep -q "^    ~\*\.\.\.\.\.\.\.\.\.\.\.\.\*#$" w/world.acre &&
	test -z "$(rec)" && ed_stop
'

test_expect 'a big world: its problems are found in the background, and again when a file changes' '
	big && mv w/scripts/plaza.lua plaza.lua && ROWS=40 ed_start w && wait_for "$READ" &&
	keys "!" && wait_for "'\''scripts/plaza.lua'\'' not" &&
	screen | grep -q "NORMAL  !" &&
	keys j i = Escape && wait_for "[+]" &&
	mv plaza.lua w/scripts/plaza.lua && wait_for " none" &&
	! screen | grep -q "NORMAL.*  !" &&
	keys : q ! Enter && wait_for "EDIT-EXIT 0" && ed_stop
'

# The index is kept one parcel at a time on a big world: the cursor finds
# each parcel where the edits and their undos left it.
test_expect 'a big world: delete, move into the hole, undo both, redo: the parcels are found where they are' '
	big && ed_start w && wait_for "$READ" && wait_for "(0,0)  shop-0-0" &&
	keys X y Enter && wait_for "parcel deleted" && wait_for "(0,0)  NORMAL" &&
	keys L : "move 0 0" Enter && wait_for "parcel moved" && wait_for "(0,0)  shop-1-0" &&
	keys u && wait_for "undid move parcel" && wait_for "(0,0)  NORMAL" &&
	keys u && wait_for "undid delete parcel" && wait_for "(0,0)  shop-0-0" &&
	keys L && wait_for "(1,0)  shop-1-0" &&
	keys C-r C-r && wait_for "redid move parcel" && wait_for "(1,0)  NORMAL" &&
	keys : "goto shop-1-0" Enter && wait_for "(0,0)  shop-1-0" &&
	keys : "goto shop-2-0" Enter && wait_for "(2,0)  shop-2-0" &&
	keys : q ! Enter && wait_for "EDIT-EXIT 0" && ed_stop
'

# A world of two scripted parcels: "busy" spends 70% of its instructions a
# tick (2 per loop turn and a few more), "calm" almost none.
heat_world() {
	mkdir -p h/scripts && cat >h/world.acre <<-EOF
	world "heat"
	  format 1
	  seed 1
	  size 2 1
	  parcel-size 4 3
	  budget entities=4 instructions=20000 memory=256KiB

	palette
	  "." floor
	end

	zone z
	  allow scripts
	end

	parcel busy 0 0
	  zone z
	  script "scripts/busy.lua"
	end

	parcel calm 1 0
	  zone z
	  script "scripts/calm.lua"
	end
	EOF
	printf "function on_tick()\n  local s = 0\n  for i = 1, 7000 do s = s + i end\nend\n" \
		>h/scripts/busy.lua
	echo "function on_tick() end" >h/scripts/calm.lua
}

# Without colours the heat is drawn in reverse video from half the budget
# up, bold and underlined below: busy (70%) reversed, calm (0%) not.
test_expect 'the budget shares of the last acre check show in the heat map and the panel' '
	heat_world && ed_start h && wait_for "NORMAL" && keys o o o &&
	wait_for "overlay: budget use (no run yet: press P to play)" &&
	keys : q Enter && wait_for "EDIT-EXIT 0" && ed_stop &&
	acre check h >/dev/null &&
	grep -q "^parcel busy 14006 20000 " h/.world.acre.budget &&
	grep -q "^revision -$" h/.world.acre.budget &&
	COLS=120 ed_start h && wait_for "NORMAL" &&
	wait_for " used   70% instr" && wait_for " from   check, $(date +%Y-%m-%d)" &&
	wait_for "        of the working tree" &&
	keys o o o && wait_for "overlay: budget use (from check, " &&
	tmux -L "$SOCK" capture-pane -e -p -t ed >map &&
	sed -n 2p map | grep -q "^[^.]*7m[^.]*\.\.\.\.[^.]*1;4m[^.]*\.\.\.\.[^.]*$" &&
	keys l l l l && wait_for " used   0% instr" &&
	keys : q Enter && wait_for "EDIT-EXIT 0" && ed_stop
'

# P on a big world: the run is made on a thread while the world is
# checked; the keys answer and edits wait meanwhile. The shops' scripts
# spin a while as they load, so that the wait is seen.
test_expect 'a big world: P loads the scripts while moves answer and edits wait, then plays' '
	big && printf "for i = 1, 250000 do end\n" >>w/scripts/shop.lua &&
	ed_start w && wait_for "$READ" && wait_for " 0,0 (0,0)" &&
	keys P && wait_for "play: loading the scripts" &&
	keys i && wait_for "play: still loading the scripts: moves and search work, edits wait" &&
	keys l && wait_for " 1,0 (0,0)" && screen | grep -q "  NORMAL" &&
	wait_for "play: s step" && wait_for "  PLAY" &&
	keys P && wait_for "left play after 0 ticks" &&
	keys : q Enter && wait_for "EDIT-EXIT 0" && ed_stop
'

# Loading takes long here (each shop's script spins 30 M instructions as
# it loads, ~1 min in all): P again stops it within a parcel, and so does
# leaving the editor (which waited for the whole load).
test_expect 'a big world: P again while the scripts load cancels them, and q leaves at once' '
	big && sed -i "s/ instructions=1000000 / instructions=100000000 /" w/world.acre &&
	printf "for i = 1, 30000000 do end\n" >>w/scripts/shop.lua &&
	ed_start w && wait_for "$READ" && wait_for " 0,0 (0,0)" &&
	keys P && wait_for "play: loading the scripts" &&
	keys P && wait_for "play: cancelled" && screen | grep -q "  NORMAL" &&
	keys i = Escape && wait_for "[+]" &&
	keys P && wait_for "play: loading the scripts" && t0=$(date +%s) &&
	keys q && wait_for "unsaved changes" && keys n Enter && wait_for "EDIT-EXIT 0" &&
	test $(($(date +%s) - t0)) -le 5 && ed_stop
'

test_expect 'a big world with a problem: P loads, then says the problem and does not play' '
	big && mv w/scripts/plaza.lua plaza.lua && ed_start w && wait_for "$READ" &&
	keys P && wait_for "problems: fix them first (! lists them)" &&
	screen | grep -q "  NORMAL" &&
	keys j i = Escape && wait_for "[+]" &&
	keys : q ! Enter && wait_for "EDIT-EXIT 0" && ed_stop
'

test_expect 'a big world: a deleted parcel is not written, its undo writes it back in place' '
	big && ed_start w && wait_for "$READ" && wait_for "(0,0)  shop-0-0" &&
	keys L && wait_for "(1,0)  shop-1-0" &&
	keys X y Enter && wait_for "parcel deleted" && keys : w Enter &&
	wait_for "wrote world.acre" && ! grep -q "^parcel shop-1-0 " w/world.acre &&
	grep -q "^parcel shop-2-0 " w/world.acre && acre check w >/dev/null &&
	keys u && wait_for "undid delete parcel" && keys : w Enter &&
	wait_for "wrote world.acre" && cp -R "$_scratch/big" orig &&
	cmp w/world.acre orig/world.acre &&
	keys : q Enter && wait_for "EDIT-EXIT 0" && ed_stop
'

test_expect 'in a repository the shares live in its git directory, never in the world' '
	heat_world && cd h && git init -q && git add . && git commit -qm one && cd .. &&
	acre check --rev HEAD h >/dev/null && test ! -e h/.git/acre/budget &&
	acre check h >/dev/null && test ! -e h/.world.acre.budget &&
	grep -q "^parcel busy 14006 20000 " h/.git/acre/budget &&
	test -z "$(git -C h status --porcelain)" &&
	COLS=120 ed_start h && wait_for " used   70% instr" &&
	keys : q Enter && wait_for "EDIT-EXIT 0" && ed_stop
'

test_done
