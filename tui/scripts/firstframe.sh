#!/usr/bin/env bash
# Measures the workbench from its start to its first frame with results, as
# a whole process: the time from starting it in a 120×40 tmux pane to the
# first screen that shows "checks in", polled every 5 ms, five runs. It
# prints tmux's own time to show a program that prints at once first, to
# subtract. Needs tmux. Run from the repository: bash tui/scripts/firstframe.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
bin=$(mktemp -d)/ladder
go build -o "$bin" .
# The built-in standard: run where there is no workspace.
here=$(mktemp -d)

measure() {
	tmux kill-session -t firstframe 2>/dev/null || true
	local start end
	start=$(date +%s%N)
	tmux new -d -s firstframe -x 120 -y 40 "cd $here && $1; sleep 5"
	until tmux capture-pane -p -t firstframe 2>/dev/null | grep -q "checks in"; do sleep 0.005; done
	end=$(date +%s%N)
	tmux kill-session -t firstframe
	echo "$(( (end - start) / 1000000 )) ms"
}

echo "tmux showing a program that prints at once: $(measure 'echo checks in')"
for _ in 1 2 3 4 5; do
	echo "ladder to its first frame with results: $(measure "$bin")"
done
