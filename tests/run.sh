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
mark=$(mktemp)
trap 'rm -f "$log" "$mark"' EXIT

# Tests work on copies and scratch directories, never in the developer's
# repository. The one thing acre writes into a git directory is a check's
# budget shares (check/shares.c: acre/ there), so that folder of this
# checkout's git directory must be as it was when the run ends.
gitdir=$(git rev-parse --absolute-git-dir 2>/dev/null) || gitdir=

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

if [ -n "$gitdir" ] && [ -d "$gitdir/acre" ] &&
    [ -n "$(find "$gitdir/acre" -newer "$mark" 2>/dev/null | head -n 1)" ]; then
	fail=$((fail + 1))
	echo "not ok - the tests wrote into the repository's git directory:"
	find "$gitdir/acre" -newer "$mark" | sed 's/^/    /'
fi

echo
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
