# lib.sh — helpers for end-to-end tests of the real acre binary.
#
# A test file tests/t/NNNN-area.sh sources this file, then runs scenarios:
#
#   test_expect 'fmt keeps comments' '
#       acre fmt w && grep -q "# hello" w/world.acre
#   '
#
# Each scenario runs in a fresh subshell inside a scratch directory ($T, also
# the cwd), with `acre` on PATH. Output is TAP: "ok N - name" / "not ok N -
# name", and the file ends with test_done.

set -u
TESTS_ROOT=$(cd "$(dirname "$0")/.." && pwd)
REPO_ROOT=$(cd "$TESTS_ROOT/.." && pwd)
ACRE_BUILD=${ACRE_BUILD:-build}
case $ACRE_BUILD in /*) ;; *) ACRE_BUILD=$REPO_ROOT/$ACRE_BUILD ;; esac
export ACRE_BIN=$ACRE_BUILD/acre
export SAMPLES=$REPO_ROOT/samples
export NO_COLOR=1
export GIT_AUTHOR_NAME=tester GIT_AUTHOR_EMAIL=tester@example.org
export GIT_COMMITTER_NAME=tester GIT_COMMITTER_EMAIL=tester@example.org
_n=0
_failed=0
_scratch=$(mktemp -d "${TMPDIR:-/tmp}/acre-test.XXXXXX")
trap 'rm -rf "$_scratch"' EXIT

acre() { "$ACRE_BIN" "$@"; }

# expect_exit CODE CMD... — run CMD, fail unless it exits with CODE.
expect_exit() {
	_want=$1; shift
	"$@"; _got=$?
	[ "$_got" -eq "$_want" ] || { echo "# expected exit $_want, got $_got: $*" >&2; return 1; }
}

# expect_output FILE-OR-STRING — compare stdin with expected text, show a diff.
expect_same() {
	if diff -u "$1" "$2" >&2; then return 0; fi
	return 1
}

test_expect() {
	_n=$((_n + 1))
	_name=$1
	_dir=$_scratch/$_n
	mkdir -p "$_dir"
	# The body runs as a command of its own, not as an `if` condition: a
	# shell ignores `set -e` in a tested context, and a failing line in the
	# middle of a body must fail the test.
	(cd "$_dir" && T=$_dir && set -e && eval "$2") >"$_dir.log" 2>&1
	if [ $? -eq 0 ]; then
		echo "ok $_n - $_name"
	else
		_failed=$((_failed + 1))
		echo "not ok $_n - $_name"
		sed 's/^/#   /' "$_dir.log" | tail -n 30
	fi
}

test_skip() {
	_n=$((_n + 1))
	echo "ok $_n - $1 # SKIP $2"
}

test_done() {
	echo "1..$_n"
	[ "$_failed" -eq 0 ]
}
