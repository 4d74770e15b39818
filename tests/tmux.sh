# tmux.sh — the editor in a real terminal, for end-to-end tests: tmux runs
# `acre edit`, send-keys types, capture-pane reads the screen. A test file
# sources it after lib.sh. Every wait polls the screen for the text it
# expects (with a time limit) rather than sleeping a fixed time. Without
# tmux the whole file is skipped.

if ! command -v tmux >/dev/null 2>&1; then
	test_skip 'editor in tmux' 'tmux is not installed'
	test_done
	exit
fi

export LC_ALL=C.UTF-8
# Each test runs in a subshell: the servers it starts are listed in a file,
# so that a test failing half-way leaves no editor behind.
trap 'for s in $(cat "$_scratch/socks" 2>/dev/null); do
	tmux -L "$s" kill-server 2>/dev/null; done; rm -rf "$_scratch"' EXIT

# ed_start DIR [ARGS…] — the editor in a tmux server of its own, COLS×ROWS
# (100×30); ED_ENV is passed to env, ED_PRE runs before acre (setsid: no
# hangup signal reaches it when tmux goes). When the editor exits, the
# screen shows "EDIT-EXIT STATUS".
ed_start() {
	_k=$((${_k:-0} + 1))
	SOCK=acre-ed-$$-$_n-$_k
	echo "$SOCK" >>"$_scratch/socks"
	tmux -L "$SOCK" -f /dev/null new-session -d -s ed -x "${COLS:-100}" -y "${ROWS:-30}" \
		"env ${ED_ENV:-} ${ED_PRE:-} $ACRE_BIN edit $*; rc=\$?; stty sane; printf '\\r\\nEDIT-EXIT %s\\n' \$rc; sleep 30"
}
screen() { tmux -L "$SOCK" capture-pane -p -t ed; }
keys() { tmux -L "$SOCK" send-keys -t ed "$@"; }
ed_stop() { tmux -L "$SOCK" kill-server 2>/dev/null || true; }
# ed_pid — the process id of the editor.
ed_pid() {
	sh=$(tmux -L "$SOCK" display -p -t ed "#{pane_pid}") &&
	ps -o pid= --ppid "$sh" | tr -d " "
}
# poll CMD — until CMD succeeds (10 s at most; 20 s sanitized).
poll() {
	_i=0 _max=${ACRE_SANITIZE:+200}
	while [ $_i -lt "${_max:-100}" ]; do
		eval "$1" && return 0
		sleep 0.1
		_i=$((_i + 1))
	done
	echo "# timed out waiting for: $1"
	return 1
}
# wait_for TEXT — until the screen shows TEXT; wait_gone TEXT — until it
# no longer does. On a time-out the screen is printed.
wait_for() { _want=$1; poll 'screen | grep -qF -- "$_want"' || { screen; return 1; }; }
wait_gone() { _want=$1; poll '! screen | grep -qF -- "$_want"' || { screen; return 1; }; }
