#!/bin/sh
# 30-run.sh — ticks per second of `acre run` on the generated Street with
# 10% of its parcels scripted (`acre gen street --scripted 10`), with 1 and
# 2 threads, and the speed-up between them. Loading (one sandbox per
# scripted parcel, on_load) is reported apart from the ticks. Best of three
# runs each; both runs must end in the same state line. On a busy machine
# wall-clock ticks/s says little, so ticks per CPU-second is printed too:
# its ratio between 2 threads and 1 is the parallel efficiency (1.00 when
# threads cost nothing extra), whatever else the machine is doing.
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

# best THREADS — "ticks/s load-seconds state ticks-per-cpu-second" of the
# best of three runs.
best() {
	b=0 l=0 st= cb=0
	for _ in 1 2 3; do
		out=$("$ACRE_BIN" run --ticks "$TICKS" --stats --threads "$1" "$street") || {
			echo "acre run failed on the Street" >&2
			return 1
		}
		r=$(echo "$out" | sed -n 's/.*, \([0-9.]*\) ticks\/s.*/\1/p')
		ld=$(echo "$out" | sed -n 's/^load \([0-9.]*\) s.*/\1/p')
		cpu=$(echo "$out" | sed -n 's/.*, cpu \([0-9.]*\) s.*/\1/p')
		c=$(awk -v t="$TICKS" -v c="$cpu" 'BEGIN { print (c > 0 ? t / c : 0) }')
		if awk -v r="$c" -v b="$cb" 'BEGIN { exit !(r > b) }'; then cb=$c; fi
		st=$(echo "$out" | tail -n 1)
		if awk -v r="$r" -v b="$b" 'BEGIN { exit !(r > b) }'; then b=$r l=$ld; fi
	done
	echo "$b $l $st $cb"
}

one=$(best 1) || exit 1
two=$(best 2) || exit 1
scripted=$("$ACRE_BIN" run --ticks 0 "$street" | sed -n 's/.*, \([0-9]*\) scripted.*/\1/p')
echo "$one" "$two" | awk -v n="$scripted" -v t="$TICKS" '{
	printf "the Street, %d scripted parcels, %d ticks\n", n, t
	printf "  1 thread    %8.1f ticks/s   %8.1f ticks/cpu-s   load %.2f s\n", $1, $5, $2
	printf "  2 threads   %8.1f ticks/s   %8.1f ticks/cpu-s   load %.2f s\n", $6, $10, $7
	printf "  2/1: wall %.2fx, parallel efficiency %.2f\n", $6 / $1, $10 / $5
	printf "  handler calls per cpu-second with 1 thread: %.0f\n", $5 * n
	if ($4 != $9) { print "  state differs between thread counts!"; exit 1 }
	printf "  same %s %s with 1 and 2 threads\n", $3, $4
}'
