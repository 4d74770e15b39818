#!/bin/sh
# check-layers.sh — fail when an #include points against the layering.
#
# Usage: mk/check-layers.sh [ROOT]
#
# Each module may include its own headers and those of the modules listed
# for it below, and nothing else of Acre's; Lua's headers belong to vm/ and
# stdlib/ (the sandbox and the API written on it). One line per violation,
# "FILE:LINE: DIR may not include HEADER", and exit 1 when there is any.
# The same table is in each module's README (what it may use).
set -u
root=${1:-.}
cd "$root" || exit 2

allowed() {
	case $1 in
	worldfmt) echo "worldfmt" ;;
	vm) echo "vm" ;;
	stdlib) echo "stdlib vm worldfmt" ;;
	store) echo "store worldfmt" ;;
	check) echo "check store stdlib vm worldfmt" ;;
	editor) echo "editor check store stdlib vm worldfmt" ;;
	cli) echo "cli editor check store stdlib vm worldfmt" ;;
	esac
}

lua_ok() {
	case $1 in vm | stdlib) return 0 ;; esac
	return 1
}

bad=0
for dir in worldfmt vm stdlib store check editor cli; do
	[ -d "$dir" ] || continue
	ok=$(allowed "$dir")
	for f in "$dir"/*.c "$dir"/*.h; do
		[ -f "$f" ] || continue
		out=$(grep -n '^[[:space:]]*#[[:space:]]*include' "$f" | while IFS= read -r line; do
			n=${line%%:*}
			inc=$(printf '%s\n' "$line" | sed -n 's/.*#[[:space:]]*include[[:space:]]*[<"]\([^>"]*\)[>"].*/\1/p')
			case $inc in
			*/*)
				mod=${inc%%/*}
				case " $(allowed "$mod" | cut -d' ' -f1) " in
				"  ") continue ;; # not one of Acre's modules
				esac
				case " $ok " in
				*" $mod "*) ;;
				*) echo "$f:$n: $dir may not include $inc" ;;
				esac
				;;
			lua.h | lauxlib.h | lualib.h | luaconf.h)
				lua_ok "$dir" || echo "$f:$n: $dir may not include $inc (Lua belongs to vm/ and stdlib/)"
				;;
			esac
		done)
		if [ -n "$out" ]; then
			printf '%s\n' "$out"
			bad=1
		fi
	done
done
[ "$bad" -eq 0 ] || { echo "check-layers: includes point against the layering" >&2; exit 1; }
echo "check-layers: ok"
