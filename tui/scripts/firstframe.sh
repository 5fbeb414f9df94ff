#!/usr/bin/env bash
# Measures the workbench from its start to its first frame with results, as
# a whole process: the time from starting it in a 120×40 tmux pane to the
# first screen that shows "checks in", polled every 5 ms. It prints tmux's
# own time to show a program that prints at once first, to subtract.
#
# Two starts, five runs of each, taken in turn: "kept", with the first
# frame that the start before kept in the user's cache directory, which the
# workbench shows while it evaluates the files again; and "evaluated", with
# an empty cache directory, whose first frame waits for the evaluation (the
# standard loaded, the corpus read and graded under both revisions). Given
# another ladder binary (an older build, say), it measures that one in turn
# too. It prints each run, then the best and the median of each.
#
# Needs tmux, and a system where XDG_CACHE_HOME sets the user's cache
# directory (Linux, BSD). Run from the repository:
#   bash tui/scripts/firstframe.sh [OTHER_LADDER_BINARY]
set -euo pipefail
cd "$(dirname "$0")/../.."
other=${1:-}
bin=$(mktemp -d)/ladder
go build -o "$bin" .
# The built-in standard: run where there is no workspace.
here=$(mktemp -d)
kept=$(mktemp -d)

measure() {
	tmux kill-session -t firstframe 2>/dev/null || true
	local start end
	start=$(date +%s%N)
	tmux new -d -s firstframe -x 120 -y 40 "cd $here && $1; sleep 5"
	until tmux capture-pane -p -t firstframe 2>/dev/null | grep -q "checks in"; do sleep 0.005; done
	end=$(date +%s%N)
	tmux kill-session -t firstframe
	echo $(((end - start) / 1000000))
}

# summary prints the best and the median of its arguments, in ms.
summary() {
	sort -n <<<"$(printf '%s\n' "$@")" | awk '{v[NR]=$1} END {printf "best %d ms, median %d ms\n", v[1], v[int((NR+1)/2)]}'
}

echo "tmux showing a program that prints at once: $(measure 'echo checks in') ms"
# The first start on these inputs keeps the frame that the kept runs show.
measure "XDG_CACHE_HOME=$kept $bin" >/dev/null
k=() e=() o=()
for i in 1 2 3 4 5; do
	k+=("$(measure "XDG_CACHE_HOME=$kept $bin")")
	e+=("$(measure "XDG_CACHE_HOME=$(mktemp -d) $bin")")
	line="run $i: kept ${k[-1]} ms, evaluated ${e[-1]} ms"
	if [ -n "$other" ]; then
		o+=("$(measure "XDG_CACHE_HOME=$(mktemp -d) $other")")
		line="$line, $other ${o[-1]} ms"
	fi
	echo "$line"
done
echo "ladder to its first frame with results, kept:      $(summary "${k[@]}")"
echo "ladder to its first frame with results, evaluated: $(summary "${e[@]}")"
if [ -n "$other" ]; then
	echo "$other to its first frame with results:  $(summary "${o[@]}")"
fi
