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

# CPU time per budget unit of every hostile script that ends on the
# instruction budget, run with a larger budget so that its setup is a small
# part, against a plain loop's time per unit; any above 20x is named: the
# fuel it is charged does not bound its time (vm/README.md, cost model).
units=${BENCH_UNITS:-50000000}
hostile=$(dirname "$0")/../lua/hostile
plain=
echo
printf '%-28s %8s %10s %7s\n' hostile cpu ns/unit x-plain
for f in "$hostile"/loop-while.lua "$hostile"/*.lua; do
	grep -q "^-- expect: .*instruction budget exhausted" "$f" || continue
	name=$(basename "$f" .lua)
	[ -n "$plain" ] && [ "$name" = loop-while ] && continue
	lim=$(sed -n 's/^-- limits://p' "$f" | sed 's/--instructions [0-9]*//')
	if /usr/bin/time -f '%U %S' -o "$out" "$ACRE_BIN" lua $lim --instructions "$units" \
		"$f" >/dev/null 2>"$out.err" ||
		grep -q "instruction budget exhausted" "$out.err"; then :; fi
	if ! grep -q "instruction budget exhausted" "$out.err"; then
		printf '%-28s %s\n' "$name" "(did not end on the budget: $(head -n 1 "$out.err" | cut -c1-60))"
		continue
	fi
	t=$(tail -n 1 "$out" | awk '{ printf "%.3f", $1 + $2 }')
	ns=$(awk -v t="$t" -v u="$units" 'BEGIN { printf "%.2f", t * 1e9 / u }')
	[ -z "$plain" ] && plain=$ns
	x=$(awk -v a="$ns" -v b="$plain" 'BEGIN { if (b < 0.01) b = 0.01; printf "%.1f", a / b }')
	flag=$(awk -v x="$x" 'BEGIN { if (x > 20) print "  OVER 20x" }')
	printf '%-28s %7ss %10s %6sx%s\n' "$name" "$t" "$ns" "$x" "$flag"
done
rm -f "$out.err"
exit $status
