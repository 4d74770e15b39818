#!/bin/sh
# 60-edit.sh — time from start to the first full frame of `acre edit` on the
# Street (65,536 parcels) and on the largest world acre gen makes
# (1,048,576 parcels; BENCH_HUGE=0 skips it), beside vim opening the same
# world.acre; both run in tmux and are timed until their first screen shows.
# Then the keystroke-to-frame times while scrolling (acre edit --stats), and
# the longest a key waits for the screen to answer while :w saves. On the
# largest world also: the slowest key when the rest of the world has been
# read, how long P keeps the keys waiting while a validation runs, and
# deleting a parcel and undoing it, with and without a save's child alive.
set -u
ACRE_BIN=${ACRE_BIN:-build/acre}
BENCH_DIR=${BENCH_DIR:-build/bench}
RUNS=${RUNS:-3}
command -v tmux >/dev/null 2>&1 || { echo "edit: tmux is not installed; skipped"; exit 0; }
export LC_ALL=C.UTF-8 NO_COLOR=1
street=${BENCH_STREET:-$BENCH_DIR/edit-street}
if [ ! -f "$street/world.acre" ]; then
	rm -rf "$street"
	mkdir -p "$BENCH_DIR"
	"$ACRE_BIN" gen street "$street" >/dev/null || exit 1
fi
sock=acre-bench-$$
trap 'tmux -L $sock kill-server 2>/dev/null' EXIT

now_ms() { date +%s%3N; }

# session CMD — a tmux session running CMD, on a server of its own: a new
# session started at once on the socket of a server being killed can find
# that server gone ("server exited unexpectedly") and leave none.
session() {
	tmux -L $sock kill-server 2>/dev/null
	sock=acre-bench-$$-$(date +%s%N)
	tmux -L $sock -f /dev/null new-session -d -s b -x 120 -y 40 "$1"
}

# wait_screen TEXT — until the screen shows TEXT; false after 60 s.
wait_screen() {
	_w0=$(now_ms)
	until tmux -L $sock capture-pane -p -t b 2>/dev/null | grep -qF -- "$1"; do
		[ $(($(now_ms) - _w0)) -gt 60000 ] && { echo "  (the screen never showed '$1')"; return 1; }
		sleep 0.01
	done
}

# first_screen TEXT CMD — ms from starting CMD in tmux until the screen
# shows TEXT (polled every 2 ms).
first_screen() {
	_text=$1; shift
	_t0=$(now_ms)
	session "$*; sleep 30"
	while ! tmux -L $sock capture-pane -p -t b 2>/dev/null | grep -qF -- "$_text"; do
		[ $(($(now_ms) - _t0)) -gt 20000 ] && { echo 99999; return; }
		sleep 0.002
	done
	echo $(($(now_ms) - _t0))
	tmux -L $sock kill-server 2>/dev/null
}

median() { tr ' ' '\n' | grep . | sort -n | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }

# first_frames DIR NAME — acre edit and vim on DIR/world.acre, RUNS each.
first_frames() {
	_dir=$1 _name=$2
	size=$(wc -c <"$_dir/world.acre")
	a= v=
	for i in $(seq "$RUNS"); do
		a="$a $(first_screen " $_name  0,0 (0,0)" "$ACRE_BIN" edit "$_dir")"
		command -v vim >/dev/null 2>&1 &&
			v="$v $(first_screen '# The Street, generated' vim -n -u NONE -i NONE "$_dir/world.acre")"
	done
	am=$(echo "$a" | median)
	echo "edit: first frame of $_name ($size bytes), median of $RUNS runs in tmux"
	printf '  acre edit  %6d ms   (runs:%s)\n' "$am" "$a"
	if [ -n "$v" ]; then
		vm=$(echo "$v" | median)
		printf '  vim        %6d ms   (runs:%s; vim -u NONE, no swap file)\n' "$vm" "$v"
		awk -v a="$am" -v v="$vm" -v t="$3" \
			'BEGIN { printf "  ratio      %6.2fx vim (target: below %s)\n", a / v, t }'
	else
		echo "  vim        not installed: no peer figure"
	fi
}

# quit_for_stats N KEYS… — send KEYS (which quit the editor) and wait up to
# N centiseconds for its --stats file $out to be written.
quit_for_stats() {
	_n=$1; shift
	tmux -L $sock send-keys -t b "$@"
	i=0
	while [ ! -s "$out" ] && [ $i -lt "$_n" ]; do sleep 0.01; i=$((i + 1)); done
	sleep 0.1
}

# keys_to_frame DIR NAME — keystroke-to-frame times while scrolling.
keys_to_frame() {
	out=$BENCH_DIR/edit-stats.txt
	rm -f "$out"
	session "$ACRE_BIN edit --stats $1 >$out; sleep 30"
	wait_screen "world read: " || return
	for k in C-f C-f C-f L L L J J l l l j j C-d C-u G g; do
		for i in 1 2 3 4 5 6 7 8 9 10; do tmux -L $sock send-keys -t b "$k"; done
		sleep 0.05
	done
	quit_for_stats 500 q
	echo "edit: keystroke to frame while scrolling $2 (target: p99 <= 16 ms)"
	sed 's/^/  /' "$out"
}

# key_wait N — press l (N odd) or h (N even; the cursor is at 1,1 on row
# 1) and print the ms until the status line shows the cursor moved.
key_wait() {
	if [ $(($1 % 2)) = 1 ]; then timed_key " 2,1 (" l; else timed_key " 1,1 (" h; fi
}

# save_gaps DIR NAME — paint a tile, then press l and h in turn, timing each
# until the status line shows the cursor moved: first 20 keys a second
# after the edit (the floor of this measurement on this machine, with the
# edit's own background work under way on a big world), then as many as
# fit while :w saves. The longest wait during the save is the longest
# the screen went without answering a key.
save_gaps() {
	tmux -L $sock kill-server 2>/dev/null
	# A copy, so that the edit below is one (and the original stays).
	rm -rf "$BENCH_DIR/edit-save" && cp -R "$1" "$BENCH_DIR/edit-save" || return
	session "$ACRE_BIN edit $BENCH_DIR/edit-save; sleep 60"
	wait_screen "world read: " || return
	tmux -L $sock send-keys -t b j i '=' Escape # the cursor ends on 1,1
	wait_screen " 1,1 (" || return
	sleep 1 # the edit's own idle work (validation, recovery file) is done
	rest=0
	for i in $(seq 20); do
		d=$(key_wait $i)
		[ "$d" -gt $rest ] && rest=$d
	done
	tmux -L $sock send-keys -t b : w Enter
	t0=$(now_ms) max=0 n=0
	until tmux -L $sock capture-pane -p -t b | grep -qF "saving world.acre"; do
		[ $(($(now_ms) - t0)) -gt 10000 ] && { echo "  (no save under way)"; return; }
		sleep 0.002
	done
	while :; do
		# Saved: the unsaved-changes marker is gone (the message may be
		# replaced by a key's at once).
		tmux -L $sock capture-pane -p -t b | grep -qF "[+]" || break
		[ $(($(now_ms) - t0)) -gt 120000 ] && { echo "  (gave up after 120 s)"; break; }
		n=$((n + 1))
		d=$(key_wait $n)
		[ "$d" -gt $max ] && max=$d
	done
	total=$(($(now_ms) - t0))
	echo "edit: keys during :w of $2 (target: no key waits more than 50 ms)"
	printf '  save took  %6d ms; %d keys pressed meanwhile, the slowest answered in %d ms\n' \
		"$total" "$n" "$max"
	printf '  before     the slowest of 20 keys pressed before :w: %d ms\n' "$rest"
	echo "  (each wait includes a tmux capture, a few ms)"
	tmux -L $sock kill-server 2>/dev/null
	rm -rf "$BENCH_DIR/edit-save"
}

# timed_key TEXT KEYS… — send KEYS and print the ms until the screen shows
# TEXT.
timed_key() {
	_want=$1; shift
	k0=$(now_ms)
	tmux -L $sock send-keys -t b "$@"
	until tmux -L $sock capture-pane -p -t b | grep -qF -- "$_want"; do
		[ $(($(now_ms) - k0)) -gt 60000 ] && break
		sleep 0.002
	done
	echo $(($(now_ms) - k0))
}

# threads — how many threads the editor of the session runs (the world
# being read in the background is one of them).
threads() {
	_sh=$(tmux -L $sock display -p -t b '#{pane_pid}')
	_pid=$(ps -o pid= --ppid "$_sh" | tr -d ' ' | head -1)
	ls "/proc/$_pid/task" 2>/dev/null | wc -l
}

# load_gaps DIR NAME — press l and h in turn from the first frame (a
# preview) until 3 s after the thread reading the rest of the world ended:
# the slowest key meanwhile, and the slowest from the last key before the
# end of the read on (the hand-over of the whole world).
load_gaps() {
	out=$BENCH_DIR/edit-stats.txt
	rm -f "$out"
	session "$ACRE_BIN edit --stats $1 >$out; sleep 60"
	wait_screen " 0,0 (" || return
	tmux -L $sock send-keys -t b j l
	wait_screen " 1,1 (" || return
	n=0 max=0 prev=0 after=0 end=0
	while :; do
		n=$((n + 1))
		d=$(key_wait $n)
		[ "$d" -gt $max ] && max=$d
		if [ "$end" = 0 ] && [ "$(threads)" -le 1 ]; then
			end=$(now_ms) after=$prev
		fi
		[ "$end" != 0 ] && [ "$d" -gt $after ] && after=$d
		[ "$end" != 0 ] && [ $(($(now_ms) - end)) -gt 3000 ] && break
		[ $n -gt 20000 ] && break
		prev=$d
	done
	quit_for_stats 500 q
	echo "edit: keys while $2 is read (target: none waits more than 16 ms at the hand-over)"
	printf '  %d keys (tmux); the slowest answered in %d ms, the slowest from the end of the read on in %d ms\n' \
		"$n" "$max" "$after"
	sed -n 's/^work between keys/  in the editor: work between keys/p' "$out"
	tmux -L $sock kill-server 2>/dev/null
}

# play_wait DIR NAME — on a copy: P pressed while the validation of an
# edit runs; how long the next key (a move) waits, and when play begins
# (loading every script of the largest world takes minutes).
play_wait() {
	rm -rf "$BENCH_DIR/edit-save" && cp -R "$1" "$BENCH_DIR/edit-save" || return
	session "$ACRE_BIN edit $BENCH_DIR/edit-save; sleep 60"
	wait_screen "world read: " || return
	tmux -L $sock send-keys -t b j i '=' Escape
	wait_screen " 1,1 (" || return
	sleep 0.6 # the keyboard idles: the edit's validation starts
	p0=$(now_ms)
	tmux -L $sock send-keys -t b P
	next=$(key_wait 1)
	play=-1
	until [ $(($(now_ms) - p0)) -gt 300000 ]; do
		tmux -L $sock capture-pane -p -t b | grep -qF "  PLAY" && { play=$(($(now_ms) - p0)); break; }
		sleep 0.1
	done
	echo "edit: P while a validation of $2 runs"
	printf '  the next key answered in %d ms; play began after %d ms (-1: not in 300 s)\n' \
		"$next" "$play"
	tmux -L $sock kill-server 2>/dev/null
	# The editor ends once the run it is making is made.
	while pgrep -f "edit $BENCH_DIR/edit-save" >/dev/null; do sleep 0.5; done
	rm -rf "$BENCH_DIR/edit-save"
}

# edit_stats DIR STEP… — acre edit --stats on a copy of DIR: once the world
# is read (and 2 s more), each STEP is run (shell code sending keys); then
# :q!. Prints the slowest keystroke to frame, as the editor measured it.
edit_stats() {
	_d=$1; shift
	rm -rf "$BENCH_DIR/edit-save" && cp -R "$_d" "$BENCH_DIR/edit-save" || return
	out=$BENCH_DIR/edit-stats.txt
	rm -f "$out"
	session "$ACRE_BIN edit --stats $BENCH_DIR/edit-save >$out; sleep 30"
	wait_screen "world read: " >/dev/null || { echo -1; return; }
	sleep 2
	for _s in "$@"; do eval "$_s"; done
	quit_for_stats 1000 : q ! Enter
	sed -n 's/.*max \([0-9.]*\) ms.*/\1/p' "$out"
	tmux -L $sock kill-server 2>/dev/null
	rm -rf "$BENCH_DIR/edit-save"
}

# deletes DIR NAME — the slowest key (acre edit --stats) of a session that
# deletes the first parcel; of one that also undoes it; and of one that
# does both while :w's child is alive.
deletes() {
	del="tmux -L \$sock send-keys -t b X y Enter; wait_screen 'parcel deleted' >/dev/null"
	undo="tmux -L \$sock send-keys -t b u; wait_screen 'undid delete parcel' >/dev/null"
	save="tmux -L \$sock send-keys -t b : w Enter; wait_screen 'saving world.acre' >/dev/null"
	a=$(edit_stats "$1" "$del")
	b=$(edit_stats "$1" "$del" "sleep 1" "$undo")
	c=$(edit_stats "$1" "$save" "$del" "$undo")
	echo "edit: delete the first parcel of $2 and undo it (slowest key in the editor, --stats)"
	printf '  delete %8s ms; delete, then undo %8s ms; both while :w saves %8s ms\n' \
		"$a" "$b" "$c"
}

first_frames "$street" street-65536 1.00
keys_to_frame "$street" "the Street"
save_gaps "$street" "the Street"

[ "${BENCH_HUGE:-1}" = 0 ] && exit 0
huge=$BENCH_DIR/edit-huge
if [ ! -f "$huge/world.acre" ]; then
	rm -rf "$huge"
	"$ACRE_BIN" gen street --parcels 1048576 "$huge" >/dev/null || exit 1
fi
first_frames "$huge" street-1048576 0.25
keys_to_frame "$huge" "the 1,048,576-parcel world"
save_gaps "$huge" "the 1,048,576-parcel world"
load_gaps "$huge" "the 1,048,576-parcel world"
deletes "$huge" "the 1,048,576-parcel world"
play_wait "$huge" "the 1,048,576-parcel world"
