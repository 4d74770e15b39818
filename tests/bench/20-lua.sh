#!/bin/sh
# 20-lua.sh — CPU-bound Lua in the sandbox (budgets, fuel and determinism on,
# limits set high) beside the distribution's own lua5.4 on the same programs,
# interleaved, one run each; CPU time (user + system) from /usr/bin/time.
# Prints the ratio per program and the geometric mean (targets: <= 1.10
# geometric mean, <= 1.25 worst), then idle memory per sandboxed state.
set -u
ACRE_BIN=${ACRE_BIN:-build/acre}
ACRE_BUILD=${ACRE_BUILD:-build}
PEER=${LUA_PEER:-/usr/bin/lua5.4}
dir=$(dirname "$0")/lua
out=${BENCH_DIR:-/tmp}/20-lua.times

cpu() { # cpu FILE CMD... — seconds of CPU, or "fail"
	if /usr/bin/time -f '%U %S' -o "$out" "$@" >/dev/null 2>&1; then
		awk '{ printf "%.2f", $1 + $2 }' "$out"
	else
		echo fail
	fi
}

if [ ! -x "$PEER" ]; then
	echo "20-lua: no $PEER to compare with (install lua5.4); skipped"
	exit 0
fi
printf '%-10s %8s %8s %7s\n' program acre lua5.4 ratio
status=0
ratios=
for f in "$dir"/*.lua; do
	name=$(basename "$f" .lua)
	a=$(cpu "$ACRE_BIN" lua --instructions 1000000000000000 --memory 1GiB "$f")
	b=$(cpu "$PEER" "$f")
	if [ "$a" = fail ] || [ "$b" = fail ]; then
		echo "$name: failed (acre $a, lua5.4 $b)"; status=1; continue
	fi
	r=$(awk -v a="$a" -v b="$b" 'BEGIN { if (b < 0.01) b = 0.01; printf "%.3f", a / b }')
	ratios="$ratios $r"
	printf '%-10s %7ss %7ss %6sx\n' "$name" "$a" "$b" "$r"
done
echo "$ratios" | awk '{
	s = 0; w = 0
	for (i = 1; i <= NF; i++) { s += log($i); if ($i > w) w = $i }
	if (NF) printf "geometric mean %.3fx (target <= 1.10), worst %.3fx (target <= 1.25)\n", exp(s / NF), w
}'
"$ACRE_BUILD"/bench/vm-idle 10000 || status=1
exit $status
