# merge.sh — merge conflicts made by a real `git merge` through the driver
# that `acre init` installs, for the editor's merge tests (62-edit-merge*).
# A test file sources it after lib.sh; each helper makes the world w in
# the current directory and returns there. `acre` is on PATH for git's
# merge driver.

mkdir -p "$_scratch/bin" && ln -sf "$ACRE_BIN" "$_scratch/bin/acre"
export PATH="$_scratch/bin:$PATH"
# rec — the recovery files in w (one per editor that left edits unsaved).
rec() { ls w/.world.acre.*.acre-recover 2>/dev/null; }

ROW='^    #\.\.\.\.\.\.\.\.\.\.\.\.\.\.#$'
# conflict [clean] — a world from acre init, where branch "theirs" put a
# door on tile (1, 1) of parcel hello and the default branch a lamp, merged
# with git: the merge stops on that tile ("land": parcels b (ours) and c
# (theirs) on the same land besides).
conflict() {
	acre init w >/dev/null && cd w && MAIN=$(git symbolic-ref --short HEAD) &&
	git checkout -q -b theirs &&
	sed -i "0,/$ROW/s//    #+.............#/" world.acre &&
	if [ "${1:-}" = land ]; then printf "\nparcel c 3 3\nend\n" >>world.acre; fi &&
	acre commit -m theirs >/dev/null && git checkout -q "$MAIN" &&
	sed -i "0,/$ROW/s//    #*.............#/" world.acre &&
	if [ "${1:-}" = land ]; then printf "\nparcel b 3 3\nend\n" >>world.acre; fi &&
	acre commit -m ours >/dev/null &&
	expect_exit 1 git merge -q --no-edit theirs >/dev/null 2>&1 &&
	grep -q "^<<<<<<< ours$" world.acre && cd ..
}
# three — a world from acre init merged with three conflicts: the seed
# (ours 3, theirs 2), parcel hello's owner (ours "bob", theirs "ann") and
# its entity greeter (ours at (6, 3), theirs at (8, 3)).
three() {
	acre init w >/dev/null && cd w && MAIN=$(git symbolic-ref --short HEAD) &&
	git checkout -q -b theirs &&
	sed -i "s/^  seed 1$/  seed 2/; s/^  owner .*/  owner \"ann\"/; s/greeter 7 3/greeter 8 3/" world.acre &&
	acre commit -m theirs >/dev/null && git checkout -q "$MAIN" &&
	sed -i "s/^  seed 1$/  seed 3/; s/^  owner .*/  owner \"bob\"/; s/greeter 7 3/greeter 6 3/" world.acre &&
	acre commit -m ours >/dev/null &&
	expect_exit 1 git merge -q --no-edit theirs >/dev/null 2>&1 && cd ..
}
