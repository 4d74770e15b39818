#!/bin/sh
# 0001-layers.sh — the layering check passes on the tree and fails, naming
# the file and line, when an include points upward or sideways.
. "$(dirname "$0")/../lib.sh"

test_expect 'the tree keeps its layers' '
	sh "$REPO_ROOT/mk/check-layers.sh" "$REPO_ROOT" >out &&
	grep -qx "check-layers: ok" out
'

# A small tree of the same shape with one wrong include.
layered_tree() {
	mkdir -p t/worldfmt t/vm t/stdlib t/store t/editor t/cli &&
	echo "#include \"worldfmt/worldfmt.h\"" >t/worldfmt/model.c &&
	echo "#include \"worldfmt/worldfmt.h\"" >t/store/repo.c &&
	printf "#include <stdio.h>\n#include \"vm/vm.h\"\n" >t/stdlib/lib.c
}

test_expect 'an upward include fails with file and line' '
	layered_tree &&
	printf "#include <string.h>\n#include \"store/store.h\"\n" >t/worldfmt/parse.c &&
	expect_exit 1 sh "$REPO_ROOT/mk/check-layers.sh" t >out 2>err &&
	grep -qx "worldfmt/parse.c:2: worldfmt may not include store/store.h" out
'

test_expect 'a sideways include fails' '
	layered_tree &&
	echo "#include \"stdlib/api.h\"" >t/store/index.c &&
	expect_exit 1 sh "$REPO_ROOT/mk/check-layers.sh" t >out &&
	grep -qx "store/index.c:1: store may not include stdlib/api.h" out
'

test_expect 'Lua headers outside vm and stdlib fail' '
	layered_tree &&
	echo "#include \"lua.h\"" >t/editor/play.c &&
	expect_exit 1 sh "$REPO_ROOT/mk/check-layers.sh" t >out &&
	grep -q "^editor/play.c:1: editor may not include lua.h" out
'

test_done
