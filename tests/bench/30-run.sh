#!/bin/sh
# 30-run.sh — ticks per second of `acre run` on the generated Street with
# 10% of its parcels scripted (`acre gen street --scripted 10`), with 1 and
# 2 threads, and the speed-up between them. Loading (one sandbox per
# scripted parcel, on_load) is reported apart from the ticks. Best of three
# runs each; both runs must end in the same state line.
set -u
ACRE_BIN=${ACRE_BIN:-build/acre}
BENCH_DIR=${BENCH_DIR:-build/bench}
TICKS=${TICKS:-50}
mkdir -p "$BENCH_DIR"
street=$BENCH_DIR/street-run
if [ ! -f "$street/world.acre" ] || [ "$ACRE_BIN" -nt "$street/world.acre" ]; then
	rm -rf "$street"
	"$ACRE_BIN" gen street --scripted 10 --seed 1 "$street" >/dev/null || exit 1
fi

# best THREADS — "ticks/s load-seconds state" of the best of three runs.
best() {
	b=0 l=0 st=
	for _ in 1 2 3; do
		out=$("$ACRE_BIN" run --ticks "$TICKS" --stats --threads "$1" "$street") || {
			echo "acre run failed on the Street" >&2
			return 1
		}
		r=$(echo "$out" | sed -n 's/.*, \([0-9.]*\) ticks\/s.*/\1/p')
		ld=$(echo "$out" | sed -n 's/^load \([0-9.]*\) s.*/\1/p')
		st=$(echo "$out" | tail -n 1)
		if awk -v r="$r" -v b="$b" 'BEGIN { exit !(r > b) }'; then b=$r l=$ld; fi
	done
	echo "$b $l $st"
}

one=$(best 1) || exit 1
two=$(best 2) || exit 1
scripted=$("$ACRE_BIN" run --ticks 0 "$street" | sed -n 's/.*, \([0-9]*\) scripted.*/\1/p')
echo "$one" "$two" | awk -v n="$scripted" -v t="$TICKS" '{
	printf "the Street, %d scripted parcels, %d ticks\n", n, t
	printf "  1 thread    %8.1f ticks/s   load %.2f s\n", $1, $2
	printf "  2 threads   %8.1f ticks/s   load %.2f s   2/1 %.2fx\n", $5, $6, $5 / $1
	printf "  handler calls/s with 1 thread: %.0f\n", $1 * n
	if ($4 != $8) { print "  state differs between thread counts!"; exit 1 }
	printf "  same %s %s with 1 and 2 threads\n", $3, $4
}'
