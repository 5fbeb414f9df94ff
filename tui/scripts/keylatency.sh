#!/usr/bin/env bash
# Measures, from outside, how long a keystroke in the workbench's editor
# takes to show its results: the wall time from `tmux send-keys` to the
# first capture of the pane that shows the new results, at the reference
# corpus and with 100,000 generated devices added (--corpus).
#
# What is done: a workspace made by `ladder init` (so the compile guard
# runs, as it does for any workspace; journals stay in the temp dir), the
# workbench in a 120×40 tmux pane, `:MT-L3-LLM` enter enter to open the
# criterion in the editor, the cursor put at the end of its threshold
# (`on_device_llm_params_b: >=7`), which is first set to >=10 (not
# measured). Then 20 edits, each a single key: backspace (>=1) and a digit
# (>=11, >=12, … >=19, >=10), alternately. Every one moves devices (the
# reference corpus's devices hold 0.5 to 13.8B parameters, the generated
# ones 0.2 to 14), so the Effect pane's "N of M devices moved" and MT-L3-LLM's
# pass count change at each edit: the screen is polled until they differ
# from what they were before the key. Nine of the ten digits make a text
# new to the compile guard; the backspaces go back to >=1, new only the
# first time. Edits are 0.5 s apart (each its own burst, its journal entry
# written between them).
#
# Two figures per edit: "outside", send-keys to the screen with the
# results, and "own", the workbench's "keystroke → results" of that same
# screen (tui/edit.go: from the key's handling in Update to the compiled
# results taken in Update, so without reading the key from the terminal
# and without drawing the frame).
#
# Overhead: each poll is one `tmux capture-pane` (a tmux client process,
# about 3 ms on the 2-core machine) then `sleep 0.002`, so a poll every
# ~5 ms. Two rows measure what the outside figure costs beyond the work:
# "tmux alone", a key echoed by `cat` in the pane (send-keys, tmux, the
# polling), and the "tmux floor" of each run, a key that moves the cursor
# (left, then right) and changes only the cursor's line:column under the
# editor, timed the same way: that adds Bubble Tea reading the key and
# drawing a frame, which it flushes at most 60 times a second (up to 17 ms
# of waiting). The floor is what to subtract from the outside figure.
#
# Needs tmux. Run from the repository: bash tui/scripts/keylatency.sh
# (LADDER_N=20 edits, LADDER_DEVICES=100000).
set -euo pipefail
cd "$(dirname "$0")/../.."
n=${LADDER_N:-20}
devices=${LADDER_DEVICES:-100000}
tmp=$(mktemp -d)
go build -o "$tmp/ladder" .
"$tmp/ladder" init "$tmp/ws" >/dev/null
"$tmp/ladder" gen --n "$devices" --workspace "$tmp/ws" >"$tmp/big.jsonl"
rm -r "$tmp/ws"
s=keylatency
trap 'tmux kill-session -t $s 2>/dev/null || true; sleep 1; rm -rf "$tmp"' EXIT

cap() { tmux capture-pane -p -t "$s"; }
# The results of an edit: how many devices moved, and MT-L3-LLM's pass
# count, in the Effect pane; while it says "compiling…", nothing (the
# last results, still shown, are not the edit's).
sig() {
	if grep -q "compiling…" <<<"$1"; then
		echo compiling
		return
	fi
	grep -E 'devices moved|MT-L3-LLM ' <<<"$1" || true
}
# The cursor's line:column under the editor.
pos() { grep -oE '^│[0-9]+:[0-9]+ ' <<<"$1" || true; }
# The workbench's own figure, in the Effect pane (the status line's is cut
# at 120 columns).
own() { grep -oE 'keystroke → results in [0-9.]+ (ms|µs|s)' <<<"$1" | head -1 | sed 's/keystroke → results in //' || true; }
ms() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", (b - a) * 1000 }'; }
# Waits (every ~2 ms plus capture-pane's own time) until $1 of the screen
# differs from $2; sets screen and the elapsed ms since start.
wait_change() {
	local what=$1 before=$2 start=$3 deadline=$((SECONDS + 30))
	while :; do
		screen=$(cap)
		if [ "$("$what" "$screen")" != "$before" ]; then
			elapsed=$(ms "$start" "$EPOCHREALTIME")
			return
		fi
		[ $SECONDS -lt $deadline ] || { echo "no change after 30 s" >&2; cap >&2; exit 1; }
		sleep 0.002
	done
}

# wait_for RE: waits (two minutes at most) until the screen shows RE.
wait_for() {
	local deadline=$((SECONDS + 120))
	until cap | grep -q -- "$1"; do
		[ $SECONDS -lt $deadline ] || { echo "the screen never showed $1" >&2; cap >&2; exit 1; }
		sleep 0.05
	done
}

# settle waits until the results and their figure stay the same for a
# second: the last compilation is done.
settle() {
	local a="" b
	b=$(cap)
	b="$(sig "$b") $(own "$b")"
	until [ "$a" = "$b" ]; do
		a=$b
		sleep 1
		b=$(cap)
		b="$(sig "$b") $(own "$b")"
	done
}

# stats CORPUS WHAT FILE: the count, median, p90 and max of the numbers in FILE.
stats() {
	sort -n "$3" | awk -v corpus="$1" -v what="$2" '{ v[NR] = $1 }
		END { p90 = int(NR * 0.9 + 0.999); if (p90 > NR) p90 = NR
			m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
			printf "%-18s %-34s %5d %8.1f %8.1f %8.1f\n", corpus, what, NR, m, v[p90], v[NR] }'
}

run() {
	local label=$1 corpus=$2
	tmux kill-session -t $s 2>/dev/null || true
	# A new workspace for each run: the last one's journal (its session
	# ended with the edits unsaved) would be offered back at the start.
	local ws
	ws=$(mktemp -d -p "$tmp")/ws
	"$tmp/ladder" init "$ws" >/dev/null
	tmux new -d -s $s -x 120 -y 40 "cd $ws && $tmp/ladder $corpus; sleep 600"
	wait_for "checks in"
	sleep 2 # vet's findings come after the first frame
	tmux send-keys -t $s :
	wait_for "Go to"
	tmux send-keys -t $s -l MT-L3-LLM
	wait_for "▸MT-L3-LLM  "
	tmux send-keys -t $s Enter
	wait_for "CUE · cue/revisions/gbz177-l4-draft/mobile_terminal.cue:242:2"
	tmux send-keys -t $s Enter
	wait_for "Edit · cue/revisions/gbz177-l4-draft/mobile_terminal.cue"
	tmux send-keys -t $s Down Down Down Down Down Down End
	wait_for 'on_device_llm_params_b: >=7 *│'
	wait_for '^│248:53 '
	# >=10, not measured; the screen settles.
	tmux send-keys -t $s BSpace 1 0
	wait_for 'on_device_llm_params_b: >=10 *│'
	wait_for 'keystroke → results in'
	settle
	local screen elapsed before
	screen=$(cap)

	# The floor: keys that only move the cursor.
	: >"$tmp/floor"
	local i key
	for i in $(seq "$n"); do
		key=Left
		[ $((i % 2)) = 0 ] && key=Right
		before=$(pos "$screen")
		local start=$EPOCHREALTIME
		tmux send-keys -t $s $key
		wait_change pos "$before" "$start"
		echo "$elapsed" >>"$tmp/floor"
		sleep 0.2
	done
	# Back at the line's end.
	if [ $((n % 2)) = 1 ]; then
		tmux send-keys -t $s Right
		sleep 0.2
		screen=$(cap)
	fi

	# The edits.
	: >"$tmp/outside"
	: >"$tmp/own"
	local digits=(1 2 3 4 5 6 7 8 9 0)
	for i in $(seq "$n"); do
		key=BSpace
		[ $((i % 2)) = 0 ] && key=${digits[$(((i / 2 - 1) % 10))]}
		before=$(sig "$screen")
		local start=$EPOCHREALTIME
		tmux send-keys -t $s "$key"
		# Until the results differ from those before the key and are
		# not "compiling".
		wait_change sig "$before" "$start"
		while [ "$(sig "$screen")" = compiling ]; do
			wait_change sig compiling "$start"
		done
		echo "$elapsed" >>"$tmp/outside"
		local o
		o=$(own "$screen")
		case $o in
		*µs) awk -v v="${o% µs}" 'BEGIN { print v / 1000 }' ;;
		*ms) echo "${o% ms}" ;;
		*s) awk -v v="${o% s}" 'BEGIN { print v * 1000 }' ;;
		*) echo "no keystroke → results on the screen" >&2; echo "$screen" >&2; exit 1 ;;
		esac >>"$tmp/own"
		sleep 0.5
	done
	stats "$label" "tmux floor (cursor moved)" "$tmp/floor"
	stats "$label" "key → results, outside" "$tmp/outside"
	stats "$label" "key → results, workbench's own" "$tmp/own"
	tmux kill-session -t $s
}

# tmux alone: `cat` in the pane echoes a key at once (the terminal's own
# echo); the time from send-keys to the capture that shows it.
tmux_alone() {
	tmux kill-session -t $s 2>/dev/null || true
	tmux new -d -s $s -x 120 -y 40 "cat"
	sleep 0.5
	: >"$tmp/alone"
	local i screen elapsed
	xs() { tr -cd x <<<"$1"; }
	screen=$(cap)
	for i in $(seq "$n"); do
		local before start=$EPOCHREALTIME
		before=$(xs "$screen")
		tmux send-keys -t $s x
		wait_change xs "$before" "$start"
		echo "$elapsed" >>"$tmp/alone"
		sleep 0.1
	done
	stats "-" "tmux alone (cat echoes a key)" "$tmp/alone"
	tmux kill-session -t $s
}

echo "$(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) at the start"
printf "%-18s %-34s %5s %8s %8s %8s\n" corpus "what (ms)" keys median p90 max
tmux_alone
run "reference" ""
run "+$devices" "--corpus $tmp/big.jsonl"
echo "load average $(cut -d' ' -f1-3 /proc/loadavg) at the end"
