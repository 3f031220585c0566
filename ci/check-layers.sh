#!/usr/bin/env bash
# ci/check-layers.sh — the layering rules of harness/README.md, checked over
# every #include "..." line of harness/, drivers/ and reports/.
#
#   1. Each folder has a rank; a file may include its own folder or a folder
#      of lower rank, never one of equal or higher rank (so the folder graph
#      has no cycle; tsort double-checks that).
#   2. Outside drivers/, only the driver contracts may be included:
#      drivers/driver.h, drivers/registry.h and drivers/<role>/<role>.h.
#      A backend's own header (drivers/<role>/<other>.h, drivers/sim/*.h)
#      stays inside drivers/.
#   3. A private header (*_internal.h) is included only from its own folder,
#      and outside harness/engine/ only the engine's public headers
#      (runner.h, interlock.h, preflight.h) are: the rest share the run's state.
#   4. No source file is over 800 lines.
#   5. Every layer folder opens with a README.md (what it is for, what it may use).
#
# Prints each violation as file:line: message and exits 1 when there is one.
set -euo pipefail
cd "$(dirname "$0")/.."

rank_of() { # folder -> rank, or empty when the folder is not a layer
	case $1 in
	harness/util) echo 0 ;;
	harness/yaml) echo 1 ;;
	harness/sfi | harness/transcript) echo 2 ;;
	harness/config) echo 3 ;;
	drivers | drivers/*) echo 4 ;;
	harness/journal) echo 5 ;;
	harness/engine) echo 6 ;;
	reports) echo 7 ;;
	harness/history) echo 8 ;;
	harness/cli) echo 9 ;;
	*) echo "" ;;
	esac
}

layer_of() { # drivers/* counts as one layer for ranking
	case $1 in
	drivers/*) echo drivers ;;
	*) echo "$1" ;;
	esac
}

bad=0
edges=$(mktemp)
trap 'rm -f "$edges"' EXIT

while IFS= read -r file; do
	from_dir=$(dirname "$file")
	from_rank=$(rank_of "$from_dir")
	if [ -z "$from_rank" ]; then
		echo "$file:1: folder $from_dir is not a layer of harness/README.md"
		bad=1
		continue
	fi
	lines=$(wc -l <"$file")
	if [ "$lines" -gt 800 ]; then
		echo "$file:1: $lines lines (at most 800: split it by job)"
		bad=1
	fi
	while IFS=: read -r num inc; do
		to_dir=$(dirname "$inc")
		to_rank=$(rank_of "$to_dir")
		[ -n "$to_rank" ] || continue # a system or test header
		from_layer=$(layer_of "$from_dir")
		to_layer=$(layer_of "$to_dir")
		if [ "$from_layer" != "$to_layer" ]; then
			echo "$from_layer $to_layer" >>"$edges"
			if [ "$to_rank" -ge "$from_rank" ]; then
				echo "$file:$num: includes $inc: $to_layer (rank $to_rank) is not below $from_layer (rank $from_rank)"
				bad=1
			fi
		fi
		case $inc in
		*_internal.h)
			if [ "$to_dir" != "$from_dir" ]; then
				echo "$file:$num: includes $inc, private to $to_dir"
				bad=1
			fi
			;;
		esac
		if [ "$to_dir" = harness/engine ] && [ "$from_dir" != harness/engine ]; then
			case $inc in
			harness/engine/runner.h | harness/engine/interlock.h | harness/engine/preflight.h) ;;
			*)
				echo "$file:$num: includes $inc, private to harness/engine (use runner.h)"
				bad=1
				;;
			esac
		fi
		if [ "$to_layer" = drivers ] && [ "$from_layer" != drivers ]; then
			role=${to_dir#drivers/}
			case $inc in
			drivers/driver.h | drivers/registry.h | "drivers/$role/$role.h") ;;
			*)
				echo "$file:$num: includes $inc, a backend's own header (only drivers/ may)"
				bad=1
				;;
			esac
		fi
	done < <(grep -n '^#include "' "$file" | sed 's/^\([0-9]*\):#include "\([^"]*\)".*/\1:\2/')
done < <(git ls-files 'harness/*.[ch]' 'drivers/*.[ch]' 'reports/*.[ch]')

for dir in harness harness/util harness/yaml harness/sfi harness/transcript harness/config \
	harness/journal harness/engine harness/cli drivers reports; do
	if [ ! -f "$dir/README.md" ]; then
		echo "$dir/README.md:1: missing (each layer says what it is for and what it may use)"
		bad=1
	fi
done

if ! sort -u "$edges" | tsort >/dev/null 2>&1; then
	echo "folder graph: tsort found a cycle:"
	sort -u "$edges" | tsort 2>&1 >/dev/null | sed 's/^/  /'
	bad=1
fi

if [ "$bad" -ne 0 ]; then
	echo "ci/check-layers.sh: layering broken (rules at the top of this script and in harness/README.md)" >&2
	exit 1
fi
echo "ci/check-layers.sh: $(sort -u "$edges" | wc -l) folder edges, all downward; no cycle"
