#!/bin/sh
# 60-edit.sh — time from start to the first full frame of `acre edit` on the
# Street (65,536 parcels), beside vim opening the same world.acre; both run
# in tmux and are timed until their first screen shows. Then the
# keystroke-to-frame times while scrolling the Street (acre edit --stats).
set -u
ACRE_BIN=${ACRE_BIN:-build/acre}
BENCH_DIR=${BENCH_DIR:-build/bench}
RUNS=${RUNS:-3}
command -v tmux >/dev/null 2>&1 || { echo "edit: tmux is not installed; skipped"; exit 0; }
export LC_ALL=C.UTF-8 NO_COLOR=1
street=$BENCH_DIR/edit-street
if [ ! -f "$street/world.acre" ]; then
	rm -rf "$street"
	mkdir -p "$BENCH_DIR"
	"$ACRE_BIN" gen street "$street" >/dev/null || exit 1
fi
sock=acre-bench-$$
trap 'tmux -L $sock kill-server 2>/dev/null' EXIT

now_ms() { date +%s%3N; }

# first_screen TEXT CMD — ms from starting CMD in tmux until the screen
# shows TEXT (polled every 2 ms).
first_screen() {
	_text=$1; shift
	tmux -L $sock kill-server 2>/dev/null
	_t0=$(now_ms)
	tmux -L $sock -f /dev/null new-session -d -s b -x 120 -y 40 "$*; sleep 30"
	while ! tmux -L $sock capture-pane -p -t b 2>/dev/null | grep -qF -- "$_text"; do
		[ $(($(now_ms) - _t0)) -gt 20000 ] && { echo 99999; return; }
		sleep 0.002
	done
	echo $(($(now_ms) - _t0))
	tmux -L $sock kill-server 2>/dev/null
}

median() { tr ' ' '\n' | grep . | sort -n | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }

size=$(wc -c <"$street/world.acre")
a= v=
for i in $(seq "$RUNS"); do
	a="$a $(first_screen ' street-65536  0,0 (0,0)' "$ACRE_BIN" edit "$street")"
	command -v vim >/dev/null 2>&1 &&
		v="$v $(first_screen '# The Street, generated' vim -n -u NONE -i NONE "$street/world.acre")"
done
am=$(echo "$a" | median)
echo "edit: first frame of the Street ($size bytes), median of $RUNS runs in tmux"
printf '  acre edit  %6d ms   (runs:%s)\n' "$am" "$a"
if [ -n "$v" ]; then
	vm=$(echo "$v" | median)
	printf '  vim        %6d ms   (runs:%s; vim -u NONE, no swap file)\n' "$vm" "$v"
	awk -v a="$am" -v v="$vm" \
		'BEGIN { printf "  ratio      %6.2fx vim (target: below 1.00)\n", a / v }'
else
	echo "  vim        not installed: no peer figure"
fi

# Keystroke to frame while scrolling: pages, parcel jumps, tile moves.
out=$BENCH_DIR/edit-stats.txt
tmux -L $sock kill-server 2>/dev/null
tmux -L $sock -f /dev/null new-session -d -s b -x 120 -y 40 \
	"$ACRE_BIN edit --stats $street >$out; sleep 30"
until tmux -L $sock capture-pane -p -t b | grep -qF ' street-65536  0,0'; do sleep 0.01; done
for k in C-f C-f C-f L L L J J l l l j j C-d C-u G g; do
	for i in 1 2 3 4 5 6 7 8 9 10; do tmux -L $sock send-keys -t b "$k"; done
	sleep 0.05
done
tmux -L $sock send-keys -t b : q Enter
i=0
while [ ! -s "$out" ] && [ $i -lt 500 ]; do sleep 0.01; i=$((i + 1)); done
sleep 0.1
echo "edit: keystroke to frame while scrolling the Street (target: p99 <= 16 ms)"
sed 's/^/  /' "$out"
