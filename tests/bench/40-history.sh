#!/bin/sh
# 40-history.sh — history commands on the Street with 1,000 commits, each
# beside its git command-line equivalent: commit of a one-parcel change
# (git add + git commit), log --parcel (git log -- world.acre), blame of a
# parcel (git blame world.acre) and index (git log of the same history).
#
# The history is built with `git fast-import` from one awk program that
# changes one tile of one parcel per commit. The Street here has
# BENCH_PARCELS unit parcels (default 2048, a 0.9 MB world.acre), not the
# full 65,536 (28 MB), for two reasons: building 1,000 revisions of the full
# Street takes several minutes; and libgit2 1.5 keeps no delta base larger
# than 1 MiB in its cache, so reading many revisions of a file over 1 MiB
# from a pack re-applies whole delta chains (about 5x slower than git at
# 1.8 MB). Best of three runs each; ratios are acre / git.
set -u
ACRE_BIN=${ACRE_BIN:-build/acre}
BENCH_DIR=${BENCH_DIR:-build/bench}
PARCELS=${BENCH_PARCELS:-2048}
COMMITS=${BENCH_COMMITS:-1000}
export GIT_AUTHOR_NAME=bench GIT_AUTHOR_EMAIL=bench@example.org
export GIT_COMMITTER_NAME=bench GIT_COMMITTER_EMAIL=bench@example.org
export LC_ALL=C
mkdir -p "$BENCH_DIR"
hist=$BENCH_DIR/history-$PARCELS-$COMMITS
ACRE_REGISTRY=$BENCH_DIR/history-registry.db
export ACRE_REGISTRY

# The fast-import stream: the Street as commit 1, then COMMITS-1 commits
# each turning one floor tile of one parcel into water (a defined glyph, so
# every revision is a valid world). Parcel k's layout rows are found once.
stream() {
	awk -v n="$COMMITS" -v dir="$1" '
	function emit(i, msg,   f) {
		printf "commit refs/heads/main\nmark :%d\n", i
		printf "committer bench <bench@example.org> %d +0000\n", 1700000000 + i
		printf "data %d\n%s\n", length(msg), msg
		if (i > 1) printf "from :%d\n", i - 1
		printf "M 100644 inline world.acre\ndata %d\n%s\n", length(s), s
	}
	{ s = s $0 "\n"; if ($0 == "  layout") rows[++np] = length(s) + 1 }
	END {
		emit(1, "The Street")
		for (i = 2; i <= n; i++) {
			k = (i * 7919) % np + 1
			off = rows[k] + (i % 14 + 1) * 21 + 5 + i % 10
			c = substr(s, off, 1)
			if (c != ".") c = "."; else c = "~"
			s = substr(s, 1, off - 1) c substr(s, off + 1)
			emit(i, "change parcel " k)
		}
	}' "$1/world.acre"
}

build() {
	rm -rf "$hist" "$hist.gen"
	"$ACRE_BIN" gen street --parcels "$PARCELS" --scripted 10 --seed 1 "$hist.gen" || exit 1
	git init -q -b main "$hist" &&
	stream "$hist.gen" | git -C "$hist" fast-import --quiet &&
	git -C "$hist" checkout -q main &&
	cp -r "$hist.gen/scripts" "$hist/" && git -C "$hist" add scripts &&
	git -C "$hist" commit -qm scripts && git -C "$hist" tag base || exit 1
	rm -rf "$hist.gen"
}

t0=$(date +%s.%N)
[ -d "$hist/.git" ] && git -C "$hist" rev-parse -q --verify base >/dev/null || build
# Every run starts from the same 1,000 commits (the commit timings add some).
git -C "$hist" reset -q --hard base
t1=$(date +%s.%N)
echo "history: $(git -C "$hist" rev-list --count HEAD) commits of a Street of $PARCELS parcels ($(wc -c <"$hist/world.acre") bytes); built in $(echo "$t0 $t1" | awk '{ printf "%.1f", $2 - $1 }') s"

# run_once CMD... — "WALL CPU" of one run, in seconds (CPU: user + system of
# the command and its children), CMD's output discarded. The machine is
# shared: CPU time is the steadier figure, wall time what a user waits.
run_once() {
	python3 -c '
import resource, subprocess, sys, time
r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
t0 = time.monotonic()
rc = subprocess.call(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
t1 = time.monotonic()
r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
cpu = (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)
print("%.4f %.4f" % (t1 - t0, cpu))
sys.exit(rc)' "$@" || echo "failed: $*" >&2
}

# best_secs CMD... — the fastest wall time and the least CPU time of three
# runs ("WALL CPU").
best_secs() {
	for _ in 1 2 3; do run_once "$@"; done |
		awk 'NR == 1 || $1 < w { w = $1 } NR == 1 || $2 < c { c = $2 }
		     END { printf "%.4f %.4f\n", w, c }'
}

best_secs_once() { run_once "$@"; }

pair() { # name "acre-wall acre-cpu" peer-name "peer-wall peer-cpu"
	awk -v n="$1" -v a="$2" -v p="$3" -v b="$4" 'BEGIN {
		split(a, x, " "); split(b, y, " ")
		printf "%-26s %7.3f s (cpu %7.3f)   %-24s %7.3f s (cpu %7.3f)   %7.2fx (cpu %6.2fx)\n",
		    n, x[1], x[2], p, y[1], y[2], (y[1] > 0 ? x[1] / y[1] : 0), (y[2] > 0 ? x[2] / y[2] : 0) }'
}

# One-parcel change: flip one tile of the parcel at the top-left, then
# commit; the same with git. Each run commits a fresh change. (Commands
# of their own, not functions: run_once runs them as programs.)
flip='sed -i "42s/^    #\(.\)/    #\1/; 42y/.~/~./" "$0/world.acre"'
acre_commit="$flip"' && "$1" commit -m one "$0"'
git_commit="$flip"' && git -C "$0" add world.acre && git -C "$0" commit -qm one'
parcel=$(sed -n 's/^parcel \([^ ]*\) 1 1$/\1/p' "$hist/world.acre" | head -n1)
[ -n "$parcel" ] || parcel=$(sed -n 's/^parcel \([^ ]*\) .*/\1/p' "$hist/world.acre" | head -n1)

c_acre=$(best_secs sh -c "$acre_commit" "$hist" "$ACRE_BIN")
c_git=$(best_secs sh -c "$git_commit" "$hist")
# The first log --parcel fills the parcel-change cache (.git/acre); the
# best of three is the warm figure, the cold one is printed beside it.
rm -rf "$hist/.git/acre"
l_cold=$(best_secs_once "$ACRE_BIN" log --parcel "$parcel" "$hist")
l_acre=$(best_secs "$ACRE_BIN" log --parcel "$parcel" "$hist")
l_git=$(best_secs git -C "$hist" log --oneline -- world.acre)
b_acre=$(best_secs "$ACRE_BIN" blame --world "$hist" "$parcel")
b_git=$(best_secs git -C "$hist" blame world.acre)
# The first index of a new registry writes every revision and claims every
# parcel; the best of three is an index of a head indexed already.
rm -f "$ACRE_REGISTRY" "$ACRE_REGISTRY"-*
i_new=$(best_secs_once "$ACRE_BIN" index "$hist")
i_acre=$(best_secs "$ACRE_BIN" index "$hist")
i_git=$(best_secs git -C "$hist" log --first-parent --format="%H %P %an %ae %at %s")

echo "log --parcel and blame of parcel $parcel ($("$ACRE_BIN" log --parcel "$parcel" "$hist" | wc -l) of the commits change it)"
pair "acre commit (1 parcel)" "$c_acre" "git add + git commit" "$c_git"
pair "acre log --parcel" "$l_acre" "git log -- world.acre" "$l_git"
pair "  (cold cache, once)" "$l_cold" "git log -- world.acre" "$l_git"
pair "acre blame PARCEL" "$b_acre" "git blame world.acre" "$b_git"
pair "acre index" "$i_acre" "git log --first-parent" "$i_git"
pair "  (new registry, once)" "$i_new" "git log --first-parent" "$i_git"
