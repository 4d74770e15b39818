#!/bin/sh
# man.sh ACRE TEMPLATE — print acre(1): the template with its COMMANDS
# section filled in from `acre help --roff`.
set -eu
acre=$1 template=$2
gen=$(mktemp)
trap 'rm -f "$gen"' EXIT
"$acre" help --roff >"$gen"
sed -e "/^\.\\\\\" BEGIN COMMANDS/r $gen" "$template"
