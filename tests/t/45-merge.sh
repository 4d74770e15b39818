#!/bin/sh
# 45-merge.sh — the merge driver through real `git merge`: a matrix of two
# branches changing one world, each case checked for a clean merge that
# passes `acre check` or for conflicts named per parcel.
. "$(dirname "$0")/../lib.sh"

# git finds the driver by name on PATH, as a user's installation would.
mkdir -p "$_scratch/bin" && ln -sf "$ACRE_BIN" "$_scratch/bin/acre"
export PATH="$_scratch/bin:$PATH"

# The base world: four small parcels, one entity, a zone; every tile row
# is reachable by parcel name and row number (see tile below).
base_world() {
	cat <<'EOF'
# The merge matrix.
world "matrix"
  format 1
  seed 1
  size 4 4
  parcel-size 4 2

palette
  "." floor
  "#" wall solid
  "+" door
end

zone shop
  allow scripts tiles entities
  max-entities-per-parcel 8
end

parcel a 0 0
  owner "ann"
  zone shop
  layout
    ....
    ....
  end
  entity lamp 1 1 glyph="*"
end

parcel b 1 0
  owner "bob"
  layout
    ....
    ....
  end
end

parcel c 2 0
  layout
    ####
    ####
  end
end

parcel d 3 0
  layout
    ....
    ....
  end
end
EOF
}

# A repository with the base world committed on the default branch and the
# driver set up as acre-world(5) says.
setup_repo() {
	git init -q w && cd w &&
	base_world >world.acre && acre fmt . &&
	echo "world.acre merge=acre" >.gitattributes &&
	git config merge.acre.driver "acre merge %O %A %B %P" &&
	git add -A && git commit -qm base &&
	MAIN=$(git symbolic-ref --short HEAD)
}

# tile PARCEL X Y GLYPH: set one tile of world.acre.
tile() {
	awk -v p="$1" -v x="$2" -v y="$3" -v g="$4" '
		$1 == "parcel" && $2 == p { inp = 1 }
		inp && $1 == "layout" { inl = 1; row = 0; print; next }
		inl && $1 == "end" { inl = 0; inp = 0 }
		inl { if (row == y) $0 = substr($0, 1, 4 + x) g substr($0, 6 + x); row++ }
		{ print }' world.acre >world.tmp && mv world.tmp world.acre
}

# add_parcel NAME X Y [ROW]: append a 1x1 parcel.
add_parcel() {
	printf "\nparcel %s %s %s\n  layout\n    %s\n    %s\n  end\nend\n" \
		"$1" "$2" "$3" "${4:-....}" "${4:-....}" >>world.acre
}

# del_parcel NAME: remove a parcel block.
del_parcel() {
	awk -v p="$1" '
		$1 == "parcel" && $2 == p { skip = 1 }
		!skip { print }
		skip && $0 == "end" { skip = 0 }' world.acre >world.tmp && mv world.tmp world.acre
}

# Each side saves canonically, as the editor does (a world that does not
# parse stays as it is).
canon() {
	acre fmt . >/dev/null 2>&1 || true
}

# branches 'OURS EDITS' 'THEIRS EDITS': commit theirs on branch "theirs",
# ours on the default branch, then merge theirs into ours.
branches() {
	setup_repo &&
	git checkout -q -b theirs && eval "$2" && canon && git add -A && git commit -qm theirs &&
	git checkout -q "$MAIN" && eval "$1" && canon && git add -A && git commit -qm ours
}

# merge_clean 'OURS' 'THEIRS': the merge is clean, the world valid and
# canonical.
merge_clean() {
	branches "$1" "$2" &&
	git merge -q --no-edit theirs >../merge.out 2>&1 &&
	acre check --ticks 1 . >../check.out 2>&1 &&
	acre fmt --check .
}

# merge_conflict 'OURS' 'THEIRS' 'MESSAGE': git stops with a conflict and
# acre check names it (exit 1, the message on a line of its own).
merge_conflict() {
	branches "$1" "$2" &&
	expect_exit 1 git merge -q --no-edit theirs >../merge.out 2>&1 &&
	git ls-files -u | grep -q "world.acre" &&
	expect_exit 1 acre check . >../check.out 2>&1 &&
	cat ../check.out &&
	grep -F -- "$3" ../check.out &&
	grep -F -- "$3" ../merge.out
}

test_expect 'edits to different parcels merge' '
	merge_clean "tile a 0 0 \"#\"" "tile b 1 1 \"+\"" &&
	grep -A6 "^parcel a" world.acre | grep -q "^    #\.\.\.$" &&
	grep -A4 "^parcel b" world.acre | grep -q "^    \.+\.\.$"
'

test_expect 'both sides adding parcels at different places merge (the reported case)' '
	merge_clean "add_parcel e 0 1" "add_parcel f 1 1" &&
	grep -q "^parcel e 0 1$" world.acre && grep -q "^parcel f 1 1$" world.acre
'

test_expect 'two additions at the end come out ours first, then theirs' '
	merge_clean "add_parcel e 0 1" "add_parcel f 1 1" &&
	grep "^parcel" world.acre | tail -n 2 >got &&
	printf "parcel e 0 1\nparcel f 1 1\n" >want && expect_same want got
'

test_expect 'two parcels added on the same land conflict' '
	merge_conflict "add_parcel e 0 1" "add_parcel f 0 1" \
		"merge conflict in parcel f: theirs places it on land where ours has parcel e"
'

test_expect 'the same parcel added the same way on both sides merges' '
	merge_clean "add_parcel e 0 1" "add_parcel e 0 1" &&
	test "$(grep -c "^parcel e " world.acre)" = 1
'

test_expect 'one parcel name added two ways conflicts' '
	merge_conflict "add_parcel e 0 1 \"####\"" "add_parcel e 0 1 \"++++\"" \
		"merge conflict in parcel e, tile (0, 0): ours '\''#'\'', theirs '\''+'\''"
'

test_expect 'disjoint tiles of one parcel merge' '
	merge_clean "tile a 0 0 \"#\"" "tile a 3 1 \"+\"" &&
	grep -A6 "^parcel a" world.acre >got &&
	grep -q "^    #\.\.\.$" got && grep -q "^    \.\.\.+$" got
'

test_expect 'the same tile set to the same glyph on both sides merges' '
	merge_clean "tile a 2 0 \"#\"" "tile a 2 0 \"#\""
'

test_expect 'one tile set to two glyphs is a conflict named by parcel and tile' '
	merge_conflict "tile a 1 0 \"#\"" "tile a 1 0 \"+\"" \
		"merge conflict in parcel a, tile (1, 0): ours '\''#'\'', theirs '\''+'\''"
'

test_expect 'a tile conflict points at its line and column' '
	merge_conflict "tile a 1 0 \"#\"" "tile a 1 0 \"+\"" "tile (1, 0)" &&
	line=$(grep -n "^    \.#\.\.$" world.acre | cut -d: -f1) &&
	grep -F "world.acre:$line:6: error: merge conflict in parcel a" ../check.out &&
	grep -F "world.acre:$line:6: error: merge conflict in parcel a" ../merge.out &&
	# The driver quotes the marked result it wrote, not the file of that
	# name in the working directory (the old ours).
	grep -A1 -F "world.acre:$line:6: error: merge conflict" ../merge.out | tail -n 1 >quoted &&
	printf "%5d |     .#..\n" "$line" >want && expect_same want quoted
'

test_expect 'different header fields merge by key' '
	merge_clean "sed -i \"s/^  seed 1$/  seed 2/\" world.acre" \
		"sed -i \"s/^world \\\"matrix\\\"/world \\\"renamed\\\"/\" world.acre" &&
	grep -q "^  seed 2$" world.acre && grep -q "^world \"renamed\"$" world.acre
'

test_expect 'one header field changed two ways conflicts' '
	merge_conflict "sed -i \"s/^  seed 1$/  seed 2/\" world.acre" \
		"sed -i \"s/^  seed 1$/  seed 3/\" world.acre" \
		"merge conflict in the world header, seed: ours 2, theirs 3"
'

test_expect 'palette entries added on both sides merge' '
	merge_clean "sed -i \"/^  \\\"+\\\" door$/a\\  \\\"~\\\" water\" world.acre && tile a 0 0 \"~\"" \
		"sed -i \"/^  \\\"+\\\" door$/a\\  \\\"*\\\" lamp light=3\" world.acre && tile b 0 0 \"*\"" &&
	grep -q "\"~\" water" world.acre && grep -q "\"\\*\" lamp light=3" world.acre
'

test_expect 'one palette entry changed two ways conflicts' '
	merge_conflict "sed -i \"s/^  \\\"#\\\" wall solid$/  \\\"#\\\" brick solid/\" world.acre" \
		"sed -i \"s/^  \\\"#\\\" wall solid$/  \\\"#\\\" stone solid/\" world.acre" \
		"merge conflict in the palette, glyph '\''#'\'': ours and theirs differ"
'

test_expect 'a zone added on one side and another changed on the other merge' '
	merge_clean "sed -i \"s/max-entities-per-parcel 8/max-entities-per-parcel 4/\" world.acre" \
		"printf \"\\nzone park\\n  allow tiles\\nend\\n\" >>world.acre" &&
	grep -q "max-entities-per-parcel 4" world.acre && grep -q "^zone park$" world.acre
'

test_expect 'one zone changed two ways conflicts' '
	merge_conflict "sed -i \"s/max-entities-per-parcel 8/max-entities-per-parcel 4/\" world.acre" \
		"sed -i \"s/max-entities-per-parcel 8/max-entities-per-parcel 6/\" world.acre" \
		"merge conflict in zone shop: ours and theirs differ"
'

test_expect 'a parcel removed on one side and another edited on the other merge' '
	merge_clean "del_parcel d" "tile a 0 0 \"#\"" &&
	! grep -q "^parcel d" world.acre && grep -A4 "^parcel a" world.acre | grep -q "^    #"
'

test_expect 'a parcel removed on one side and edited on the other conflicts' '
	merge_conflict "del_parcel d" "tile d 0 0 \"#\"" \
		"merge conflict in parcel d: only theirs has it"
'

test_expect 'an edit against a removal from the other side conflicts too' '
	merge_conflict "tile d 0 0 \"#\"" "del_parcel d" \
		"merge conflict in parcel d: only ours has it"
'

test_expect 'a parcel removed on both sides merges' '
	merge_clean "del_parcel d" "del_parcel d" && ! grep -q "^parcel d" world.acre
'

test_expect 'a parcel moved on one side and edited on the other merges' '
	merge_clean "sed -i \"s/^parcel d 3 0$/parcel d 3 3/\" world.acre" \
		"tile d 0 0 \"#\"" &&
	grep -A3 "^parcel d 3 3$" world.acre | grep -q "^    #\.\.\.$"
'

test_expect 'a parcel moved two ways conflicts' '
	merge_conflict "sed -i \"s/^parcel d 3 0$/parcel d 3 3/\" world.acre" \
		"sed -i \"s/^parcel d 3 0$/parcel d 3 2/\" world.acre" \
		"merge conflict in parcel d: ours places it at 3 3, theirs at 3 2"
'

test_expect 'a parcel moved onto land the other side built on conflicts' '
	merge_conflict "add_parcel e 3 3" "sed -i \"s/^parcel d 3 0$/parcel d 3 3/\" world.acre" \
		"merge conflict in parcel d: ours places it at 3 0, theirs at 3 3"
'

test_expect 'an entity moved on one side and re-glyphed on the other merges' '
	merge_clean "sed -i \"s/entity lamp 1 1 /entity lamp 2 1 /\" world.acre" \
		"sed -i \"s/glyph=\\\"\\*\\\"/glyph=\\\"o\\\"/\" world.acre" &&
	grep -q "entity lamp 2 1 glyph=\"o\"" world.acre
'

test_expect 'an entity moved two ways conflicts' '
	merge_conflict "sed -i \"s/entity lamp 1 1 /entity lamp 2 1 /\" world.acre" \
		"sed -i \"s/entity lamp 1 1 /entity lamp 3 1 /\" world.acre" \
		"merge conflict in parcel a, entity lamp: ours at (2, 1), theirs at (3, 1)"
'

test_expect 'entities added on both sides merge' '
	merge_clean "sed -i \"/entity lamp/a\\  entity cat 0 0\" world.acre" \
		"sed -i \"/entity lamp/a\\  entity dog 3 1\" world.acre" &&
	grep -q "entity cat 0 0" world.acre && grep -q "entity dog 3 1" world.acre
'

test_expect 'an entity removed on one side and changed on the other conflicts' '
	merge_conflict "sed -i \"/entity lamp/d\" world.acre" \
		"sed -i \"s/entity lamp 1 1 /entity lamp 2 1 /\" world.acre" \
		"merge conflict in parcel a, entity lamp: only theirs has it"
'

test_expect 'an owner change and a tile edit of one parcel merge' '
	merge_clean "sed -i \"s/owner \\\"bob\\\"/owner \\\"cy\\\"/\" world.acre" \
		"tile b 0 0 \"#\"" &&
	grep -A5 "^parcel b" world.acre >got &&
	grep -q "owner \"cy\"" got && grep -q "^    #\.\.\.$" got
'

test_expect 'one owner changed two ways conflicts' '
	merge_conflict "sed -i \"s/owner \\\"bob\\\"/owner \\\"cy\\\"/\" world.acre" \
		"sed -i \"s/owner \\\"bob\\\"/owner \\\"di\\\"/\" world.acre" \
		"merge conflict in parcel b, owner: ours \"cy\", theirs \"di\""
'

test_expect 'a script attached on one side and tiles edited on the other merge' '
	merge_clean "tile a 0 0 \"#\"" \
		"mkdir -p scripts && echo \"function on_tick() end\" >scripts/a.lua &&
		 sed -i \"/^  zone shop$/a\\  script \\\"scripts/a.lua\\\"\" world.acre" &&
	grep -q "script \"scripts/a.lua\"" world.acre
'

test_expect 'one parcel script set two ways conflicts' '
	merge_conflict "sed -i \"/^  zone shop$/a\\  script \\\"scripts/x.lua\\\"\" world.acre" \
		"sed -i \"/^  zone shop$/a\\  script \\\"scripts/y.lua\\\"\" world.acre" \
		"merge conflict in parcel a, script: ours \"scripts/x.lua\", theirs \"scripts/y.lua\""
'

test_expect 'a comment added on one side survives a merge with a tile edit' '
	merge_clean "sed -i \"s/^parcel c 2 0$/# the rock\\nparcel c 2 0/\" world.acre" \
		"tile c 0 0 \".\"" &&
	grep -B1 "^parcel c 2 0$" world.acre | grep -q "^# the rock$"
'

test_expect 'a parcel resized on one side and another edited on the other merge' '
	merge_clean "del_parcel d && sed -i \"s/^parcel c 2 0$/parcel c 2 0\\n  size 2 1/; s/^    ####$/    ########/\" world.acre" \
		"tile a 0 0 \"#\"" &&
	grep -A1 "^parcel c 2 0$" world.acre | grep -q "size 2 1"
'

test_expect 'a parcel resized on one side and its tiles edited on the other conflicts' '
	merge_conflict "del_parcel d && sed -i \"s/^parcel c 2 0$/parcel c 2 0\\n  size 2 1/; s/^    ####$/    ########/\" world.acre" \
		"tile c 0 0 \".\"" \
		"merge conflict in parcel c, size: ours 2 1, theirs 1 1"
'

test_expect 'the same change on both sides merges once' '
	merge_clean "tile a 0 0 \"#\" && add_parcel e 0 1" "tile a 0 0 \"#\" && add_parcel e 0 1" &&
	test "$(grep -c "^parcel e" world.acre)" = 1
'

test_expect 'a side that does not parse falls back to a line merge, named' '
	branches "tile a 0 0 \"#\"" "echo \"parcel broken\" >>world.acre" &&
	git merge -q --no-edit theirs >../merge.out 2>&1 || true
	grep -F "theirs does not parse" ../merge.out &&
	grep -F "merging it line by line instead" ../merge.out
'

# half_rows: parcel-size 4 2 becomes 4 1, every parcel keeping its first row.
half_rows() {
	sed -i "s/^  parcel-size 4 2$/  parcel-size 4 1/" world.acre &&
	awk '/^  layout$/ { inl = 1; r = 0; print; next }
		inl && /^  end$/ { inl = 0 }
		inl { if (r++ % 2 == 0) print; next }
		{ print }' world.acre >world.tmp && mv world.tmp world.acre
}

test_expect 'a change of parcel-size is merged by lines, and says so' '
	branches "half_rows" "tile a 0 0 \"#\"" &&
	git merge -q --no-edit theirs >../merge.out 2>&1 || true
	cat ../merge.out &&
	grep -F "the change cannot be merged parcel by parcel (parcel-size changed" ../merge.out
'

test_expect 'markers from git'\''s own line merge are named per parcel, not as glyphs' '
	branches "tile a 1 0 \"#\"" "tile a 1 0 \"+\"" &&
	git config --unset merge.acre.driver && rm .gitattributes && git add -A && git commit -qm plain &&
	expect_exit 1 git merge -q --no-edit theirs >/dev/null 2>&1 &&
	grep -q "^<<<<<<< " world.acre &&
	expect_exit 1 acre check . >err 2>&1 &&
	grep -F "merge conflict in parcel a, tile (1, 0): ours '\''#'\'', theirs '\''+'\''" err &&
	! grep -q "not in the palette" err
'

test_expect 'a conflicted merge result holds canonical sides: resolving by either side checks' '
	merge_conflict "tile a 1 0 \"#\"" "tile a 1 0 \"+\"" "tile (1, 0)" &&
	git checkout --ours world.acre && acre check --ticks 1 . && acre fmt --check . &&
	git checkout --theirs world.acre && acre check --ticks 1 .
'

test_expect 'conflicts elsewhere leave clean parts merged' '
	merge_conflict "tile a 1 0 \"#\" && tile b 0 0 \"#\"" "tile a 1 0 \"+\" && tile c 0 1 \".\"" \
		"tile (1, 0)" &&
	test "$(grep -c "^<<<<<<< ours" world.acre)" = 1 &&
	grep -A4 "^parcel b" world.acre | grep -q "^    #\.\.\.$" &&
	grep -A5 "^parcel c" world.acre | grep -q "^    \.###$"
'

test_expect 'the driver merges two files added on both sides (an empty base)' '
	base_world >w1 && cp w1 ours && cp w1 theirs && : >base &&
	sed -i "s/^  seed 1$/  seed 9/" theirs &&
	expect_exit 1 acre merge base ours theirs world.acre 2>err &&
	grep -F "merge conflict in the world header, seed: ours 1, theirs 9" err &&
	cp w1 ours && acre merge base ours w1 world.acre && mkdir w && mv ours w/world.acre &&
	acre check --ticks 1 w >/dev/null
'

test_expect 'a parcel of 20,000 entities added on both sides merges quickly' '
	base_world >base &&
	for side in ours theirs; do
		awk -v s=$side "{ print } /entity lamp/ { for (i = 0; i < 20000; i++)
			printf \"  entity %s%d %d %d\n\", s, i, i % 4, i % 2 }" base >$side; done &&
	timeout 60 acre merge base ours theirs world.acre &&
	test "$(grep -c "^  entity " ours)" = 40001
'

test_expect 'merge --help shows the one-line setup' '
	acre merge --help >out && grep -F "merge.acre.driver" out &&
	expect_exit 2 acre merge a b 2>err && grep -F "wants BASE OURS THEIRS" err
'

test_done
