#!/bin/sh
# run.sh — `make bench`: run every tests/bench/*.sh in order. Each prints its
# figures beside the peer it is compared with, as a ratio from one run.
set -u
cd "$(dirname "$0")/../.." || exit 2
ACRE_BUILD=${ACRE_BUILD:-build}
export ACRE_BUILD
export ACRE_BIN=$PWD/$ACRE_BUILD/acre
export BENCH_DIR=${BENCH_DIR:-$PWD/build/bench}
mkdir -p "$BENCH_DIR"
status=0
for b in tests/bench/[0-9]*.sh; do
	[ -f "$b" ] || continue
	echo "== ${b##*/}"
	sh "$b" || status=1
	echo
done
exit $status
