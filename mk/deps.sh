#!/bin/sh
# deps.sh — install Acre's build dependencies and obtain Lua 5.4's source.
#
# Usage: mk/deps.sh packages      install the Debian packages that are missing
#        mk/deps.sh lua DIR       put the distribution's Lua 5.4 source in DIR
#
# The Lua source is what the distribution publishes (`apt-get source lua5.4`,
# its security patches applied). The system's apt configuration is never
# changed: a private sources list is derived from the system's own entries
# (deb -> deb-src) and passed to apt-get with -o Dir::… options, with state
# and cache under build/apt.
set -eu

PACKAGES="build-essential pkg-config libncurses-dev libsqlite3-dev libgit2-dev libjansson-dev libxxhash-dev \
dpkg-dev patch tmux lua5.4 clang libclang-rt-14-dev git man-db python3 vim"

die() { echo "deps: $*" >&2; exit 2; }

missing_packages() {
	for p in $PACKAGES; do
		dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null |
			grep -q 'install ok installed' || echo "$p"
	done
}

packages() {
	command -v dpkg-query >/dev/null 2>&1 || {
		echo "deps: not a Debian system; install ncursesw, sqlite3, libgit2," \
			"pkg-config, tmux and a C compiler yourself, and pass LUA_SRC=DIR" >&2
		return 0
	}
	need=$(missing_packages | tr '\n' ' ')
	[ -z "$need" ] && return 0
	if [ "$(id -u)" != 0 ]; then
		die "missing packages: $need— run 'sudo make deps' or install them"
	fi
	echo "deps: installing $need"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq || die "apt-get update failed"
	# shellcheck disable=SC2086
	apt-get install -y -qq $need >/dev/null || die "apt-get install $need failed"
}

# Derive deb-src entries from the system's own sources, in both formats.
private_sources() {
	out=$1
	mkdir -p "$out/parts"
	: >"$out/none.list"
	rm -f "$out/parts/"*
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		sed -e 's/^Types:.*$/Types: deb-src/' "$f" >"$out/parts/$(basename "$f")"
	done
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		[ -f "$f" ] || continue
		sed -n -e 's/^deb \(.*\)$/deb-src \1/p' "$f" >>"$out/parts/from-lists.list"
	done
}

lua() {
	dest=$1
	[ -f "$dest/src/lua.h" ] && return 0
	command -v apt-get >/dev/null 2>&1 ||
		die "no apt-get: get Lua 5.4 source yourself and run 'make LUA_SRC=DIR'"
	command -v dpkg-source >/dev/null 2>&1 ||
		die "dpkg-source missing: run 'make deps' as root (package dpkg-dev)"
	top=$(pwd)
	apt="$top/build/apt"
	mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial" "$apt/src"
	private_sources "$apt"
	set -- -o Dir::Etc::SourceList="$apt/none.list" \
		-o Dir::Etc::SourceParts="$apt/parts" \
		-o Dir::State::Lists="$apt/lists" \
		-o Dir::Cache="$apt/cache" \
		-o APT::Sandbox::User=root -q
	echo "deps: fetching the lua5.4 source package (private apt lists in build/apt)"
	apt-get "$@" update >/dev/null 2>&1 ||
		die "apt-get update with deb-src entries failed; pass LUA_SRC=DIR instead"
	rm -rf "$apt/src"/*
	(cd "$apt/src" && apt-get "$@" source lua5.4 >/dev/null 2>&1) ||
		die "'apt-get source lua5.4' failed; pass LUA_SRC=DIR instead"
	tree=$(find "$apt/src" -maxdepth 1 -type d -name 'lua5.4-*' | head -n 1)
	[ -n "$tree" ] && [ -f "$tree/src/lua.h" ] || die "unexpected source layout in $apt/src"
	rm -rf "$dest"
	mkdir -p "$(dirname "$dest")"
	cp -R "$tree" "$dest"
	basename "$(ls "$apt/src"/*.dsc)" .dsc >"$dest/ACRE-SOURCE"
	echo "deps: Lua source: $(cat "$dest/ACRE-SOURCE")"
}

case "${1:-}" in
packages) packages ;;
lua) [ $# -eq 2 ] || die "usage: deps.sh lua DIR"; lua "$2" ;;
*) die "usage: deps.sh packages | lua DIR" ;;
esac
