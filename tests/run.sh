#!/bin/sh
# run.sh — run every unit-test program and end-to-end script, then print one
# summary line "N passed, N failed" (TAP lines from each are counted).
#
# TESTS=PATTERN limits the run to files whose name matches the shell pattern.
set -u
cd "$(dirname "$0")/.." || exit 2
ACRE_BUILD=${ACRE_BUILD:-build}
export ACRE_BUILD
pass=0 fail=0 skip=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT

run_one() {
	name=$1; shift
	case $name in ${TESTS:-*}) ;; *) return ;; esac
	start=$(date +%s)
	"$@" >"$log" 2>&1
	rc=$?
	p=$(grep -c '^ok ' "$log")
	s=$(grep -c '^ok .*# SKIP' "$log")
	f=$(grep -c '^not ok ' "$log")
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1
		echo "not ok - $name exited $rc without reporting a failure" >>"$log"
	fi
	pass=$((pass + p - s)); skip=$((skip + s)); fail=$((fail + f))
	printf '%-40s %4d ok %3d failed %3d skipped  (%ss)\n' "$name" $((p - s)) "$f" "$s" \
		$(($(date +%s) - start))
	if [ "$f" -gt 0 ]; then
		grep -A 40 '^not ok' "$log" | head -n 80 | sed 's/^/    /'
	fi
}

for t in "$ACRE_BUILD"/tests/*; do
	[ -x "$t" ] || continue
	run_one "unit/${t##*/}" "$t"
done
for t in tests/t/*.sh; do
	[ -f "$t" ] || continue
	run_one "${t##*/}" sh "$t"
done

echo
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
