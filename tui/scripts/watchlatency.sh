#!/usr/bin/env bash
# Measures how long a change that another program makes to a file of the
# standard takes to show, evaluated, in the workbench: it starts the
# workbench in tmux on a new workspace, then edits MT-L2-CONTEXT's bound
# with sed and times until the criteria pane shows the new pass count,
# polled every 10 ms. Needs tmux. Run from the repository:
# bash tui/scripts/watchlatency.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
tmp=$(mktemp -d)
go build -o "$tmp/ladder" .
"$tmp/ladder" init "$tmp/ws" >/dev/null
file="$tmp/ws/cue/revisions/gbz177-l4-draft/mobile_terminal.cue"
tmux kill-session -t watchlatency 2>/dev/null || true
tmux new -d -s watchlatency -x 120 -y 40 "cd $tmp/ws && $tmp/ladder; sleep 60"
until tmux capture-pane -p -t watchlatency | grep -q "checks in"; do sleep 0.01; done
# Select MT-L2-CONTEXT: the criteria pane, eleven rows down.
tmux send-keys -t watchlatency l
for _ in $(seq 10); do tmux send-keys -t watchlatency j; done
sleep 0.5
for bound in 30 3 30 3 30 3; do
	sed -i "s/context_turns_supported: >=[0-9]*$/context_turns_supported: >=$bound/" "$file"
	start=$(date +%s%N)
	want="30/33"
	[ "$bound" = 30 ] && want=" 0/33"
	until tmux capture-pane -p -t watchlatency | grep -q "MT-L2-CONTEXT  *$want"; do sleep 0.01; done
	end=$(date +%s%N)
	echo "bound >=$bound on screen after $(( (end - start) / 1000000 )) ms"
	sleep 0.3
done
tmux kill-session -t watchlatency
