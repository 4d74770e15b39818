#!/bin/sh
# 10-world.sh — parse + validate + write of the generated Street (65,536
# parcels) in MB/s, beside `cat` and `wc -l` of the same file. Target:
# at least 100 MB/s on one core (DESIGN.md §8). Best of three runs each.
set -u
ACRE_BIN=${ACRE_BIN:-build/acre}
BENCH_DIR=${BENCH_DIR:-build/bench}
mkdir -p "$BENCH_DIR"
street=$BENCH_DIR/street
if [ ! -f "$street/world.acre" ] || [ "$ACRE_BIN" -nt "$street/world.acre" ]; then
	rm -rf "$street"
	"$ACRE_BIN" gen street --parcels 65536 --scripted 10 --seed 1 "$street" || exit 1
fi
file=$street/world.acre
bytes=$(wc -c <"$file")

# best_secs CMD... — the fastest of three wall-clock runs, in seconds.
best_secs() {
	best=
	for _ in 1 2 3; do
		t0=$(date +%s.%N)
		"$@" >/dev/null 2>&1
		t1=$(date +%s.%N)
		best=$(echo "$t0 $t1 ${best:-999}" | awk '{ d = $2 - $1; print (d < $3 ? d : $3) }')
	done
	echo "$best"
}

acre_best=0
for _ in 1 2 3; do
	r=$("$ACRE_BIN" fmt --stats "$street" | sed -n 's/.* \([0-9.]*\) MB\/s$/\1/p')
	[ -n "$r" ] || { echo "acre fmt --stats failed on the Street"; exit 1; }
	acre_best=$(echo "$r $acre_best" | awk '{ print ($1 > $2 ? $1 : $2) }')
done
cat_s=$(best_secs cat "$file")
wc_s=$(best_secs wc -l "$file")

awk -v b="$bytes" -v a="$acre_best" -v c="$cat_s" -v w="$wc_s" 'BEGIN {
	cm = b / 1e6 / c; wm = b / 1e6 / w
	printf "the Street: %.1f MB, 65536 parcels\n", b / 1e6
	printf "  acre parse+validate+write  %8.1f MB/s\n", a
	printf "  cat                        %8.1f MB/s   acre/cat   %.3f\n", cm, a / cm
	printf "  wc -l                      %8.1f MB/s   acre/wc -l %.3f\n", wm, a / wm
	printf "  target >= 100 MB/s: %s\n", (a >= 100) ? "met" : "NOT MET"
	if (a < 100) exit 1
}'
