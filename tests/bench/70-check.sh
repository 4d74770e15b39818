#!/bin/sh
# 70-check.sh — `acre check` on the Street (65,536 parcels, 10% scripted):
# a full check (static rules, 100 ticks run twice) beside `acre run` of the
# same ticks, and a `--base` check with one parcel changed, beside `cat` of
# the world file. Targets (README, Performance; acre-check(1)): full check within
# 3x of acre run; --base with one parcel changed <= 0.25 s and <= 0.1 of
# the full check. Wall-clock
# seconds; the full check and the run once each, the others best of three.
set -u
ACRE_BIN=${ACRE_BIN:-build/acre}
BENCH_DIR=${BENCH_DIR:-build/bench}
mkdir -p "$BENCH_DIR"
street=$BENCH_DIR/check-street
reg=$BENCH_DIR/check-registry.db
export GIT_AUTHOR_NAME=bench GIT_AUTHOR_EMAIL=bench@example.org
export GIT_COMMITTER_NAME=bench GIT_COMMITTER_EMAIL=bench@example.org
export ACRE_NO_PROGRESS=1

rm -rf "$street" "$reg" "$reg-wal" "$reg-shm"
"$ACRE_BIN" gen street --parcels 65536 --scripted 10 --seed 1 "$street" >/dev/null || exit 1
git -C "$street" init -q && git -C "$street" add -A && git -C "$street" commit -qm base || exit 1
file=$street/world.acre

# secs N CMD... — the fastest of N wall-clock runs, in seconds; "fail" when
# the command exits with more than 1 (1 is an invalid world, not a failure).
secs() {
	n=$1; shift
	best=
	for _ in $(seq "$n"); do
		t0=$(date +%s.%N)
		"$@" >/dev/null 2>&1
		rc=$?
		t1=$(date +%s.%N)
		[ "$rc" -le 1 ] || { echo fail; return; }
		best=$(echo "$t0 $t1 ${best:-999}" | awk '{ d = $2 - $1; print (d < $3 ? d : $3) }')
	done
	echo "$best"
}

# The full check records its results (--record), which --base then reuses.
full=$(secs 1 "$ACRE_BIN" check --ticks 100 --record --registry "$reg" "$street")
run=$(secs 1 "$ACRE_BIN" run -q --ticks 100 "$street")

# One parcel changed: a lamp put in the floor of the first scripted parcel
# (so that its script runs again), committed.
line=$(awk '/^  script / { s = 1 } s && /^    #\.\.\.\.\.\.\.\.\.\.\.\.\.\.#$/ { print NR; exit }' "$file")
sed -i "${line}s/#\.\.\.\.\.\.\.\.\.\.\.\.\.\.#/#......*.......#/" "$file"
git -C "$street" commit -qam "one parcel" || exit 1
base=$(secs 3 "$ACRE_BIN" check --ticks 100 --base HEAD~1 --registry "$reg" "$street")
cat_s=$(secs 3 cat "$file")
ran=$("$ACRE_BIN" check --ticks 100 --base HEAD~1 --registry "$reg" "$street" |
	sed -n 's/.*(\([0-9]*\) parcels\{0,1\} ran, \([0-9]*\) from the registry).*/\1 ran, \2 cached/p')

for v in "$full" "$run" "$base"; do
	[ "$v" != fail ] || { echo "70-check: a check or run failed"; exit 1; }
done
awk -v f="$full" -v r="$run" -v b="$base" -v c="$cat_s" -v ran="$ran" \
    -v mb="$(wc -c <"$file")" 'BEGIN {
	printf "the Street: %.1f MB, 65536 parcels, 10%% scripted, 100 ticks\n", mb / 1e6
	printf "  acre run                     %7.3f s\n", r
	printf "  acre check (full, twice)     %7.3f s   check/run  %.2f   (target <= 3)\n", f, f / r
	printf "  cat world.acre               %7.3f s\n", c
	printf "  acre check --base, 1 parcel  %7.3f s   base/cat   %.1f   base/full %.3f   (%s)\n", b, b / c, b / f, ran
	printf "  full check within 3x of run: %s\n", (f <= 3 * r) ? "met" : "NOT MET"
	printf "  --base <= 0.25 s and <= 0.1 of the full check: %s\n",
	    (b <= 0.25 && b <= 0.1 * f) ? "met" : "NOT MET"
}'
