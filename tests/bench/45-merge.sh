#!/bin/sh
# 45-merge.sh — the merge driver on the Street (65,536 parcels): base, ours
# with one tile changed in a parcel near the top of the file, theirs with
# one tile changed in a parcel near the bottom. `acre merge` (parse three
# files, merge the models, write the canonical result) beside
# `git merge-file` (a line merge) on the same three files. Best of three
# runs, wall and CPU time; the ratio is acre / git on wall time.
set -u
ACRE_BIN=${ACRE_BIN:-build/acre}
BENCH_DIR=${BENCH_DIR:-build/bench}
export LC_ALL=C
dir=$BENCH_DIR/merge
street=$BENCH_DIR/street
mkdir -p "$dir"
if [ ! -f "$street/world.acre" ] || [ "$ACRE_BIN" -nt "$street/world.acre" ]; then
	rm -rf "$street"
	"$ACRE_BIN" gen street --parcels 65536 --scripted 10 --seed 1 "$street" || exit 1
fi
# The canonical Street is the base; each side changes the first floor tile
# of one layout row (the 3rd layout row of the file, and one near the end).
"$ACRE_BIN" fmt "$street" >/dev/null || exit 1
cp "$street/world.acre" "$dir/base"
n=$(wc -l <"$dir/base")
first=$(grep -n "^  layout$" "$dir/base" | sed -n 3p | cut -d: -f1)
last=$(grep -n "^  layout$" "$dir/base" | tail -n 3 | head -n 1 | cut -d: -f1)
sed "$((first + 2))s/\./~/" "$dir/base" >"$dir/ours"
sed "$((last + 2))s/\./~/" "$dir/base" >"$dir/theirs"
cmp -s "$dir/base" "$dir/ours" && { echo "bench: ours did not change"; exit 1; }

# best CMD... — the fastest of three runs: "wall cpu" in seconds (the
# driver writes into its OURS argument, so each run starts from a copy).
best() {
	bw=999 bc=999
	for _ in 1 2 3; do
		cp "$dir/ours" "$dir/result"
		/usr/bin/time -f "%e %U %S" -o "$dir/time" "$@" >/dev/null 2>&1 ||
			[ "$1" = git ] || echo "failed: $*" >&2
		r=$(awk -v bw="$bw" -v bc="$bc" '{ w = $1; c = $2 + $3
			printf "%.3f %.3f", (w < bw ? w : bw), (c < bc ? c : bc) }' "$dir/time")
		bw=${r% *} bc=${r#* }
	done
	echo "$bw $bc"
}

acre_t=$(best "$ACRE_BIN" merge "$dir/base" "$dir/result" "$dir/theirs" world.acre)
git_t=$(best git merge-file -L ours -L base -L theirs "$dir/result" "$dir/base" "$dir/theirs")

# The driver's result must be the clean merge of both changes.
cp "$dir/ours" "$dir/result"
"$ACRE_BIN" merge "$dir/base" "$dir/result" "$dir/theirs" world.acre || { echo "bench: the merge conflicted"; exit 1; }
cp "$dir/ours" "$dir/gitresult"
git merge-file -q "$dir/gitresult" "$dir/base" "$dir/theirs" &&
	cmp -s "$dir/result" "$dir/gitresult" || echo "bench: acre's result differs from git's"

echo "three-way merge of the Street ($(wc -c <"$dir/base") bytes, $n lines), one parcel changed on each side"
echo "$acre_t $git_t" | awk '{
	printf "%-26s %8.3f s (cpu %.3f s)   %-16s %8.3f s (cpu %.3f s)   %7.2fx\n",
		"acre merge", $1, $2, "git merge-file", $3, $4, ($3 > 0 ? $1 / $3 : 0) }'
