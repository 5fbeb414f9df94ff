#!/usr/bin/env bash
# Ends the workbench 50 times at a random moment, and checks that nothing
# is lost. In a new workspace (ladder init), each round starts the
# workbench in tmux (recovering the last round's journaled edit when it is
# offered, r), types comment lines at the end of a draft's file in bursts
# with random pauses, sometimes saves (ctrl+s), then sends one of kill -9,
# SIGTERM, SIGHUP, SIGINT at a random moment. Then it checks:
#
#   - every revision file on disk is exactly one of the texts it may hold:
#     untouched files as ladder init wrote them, the edited file as saved
#     before the round or as one of the round's saves sent it, never a
#     truncated or mixed file;
#   - for kill -9, nothing journaled before the kill is lost: what the
#     journal (or the disk) holds after it has at least all the typing the
#     journal held just before it;
#   - for SIGTERM, SIGHUP and SIGINT, everything typed is kept (in the
#     journal, or on disk if the last keystroke was a save), the exit status
#     is 128 + the signal's number, and stderr says so;
#   - the next start offers the journaled edit back (the dialog), and what
#     it recovers is what the next saves write.
#
# It prints a table of rounds per signal and exits 1 on any loss. Needs
# tmux, jq and pgrep; takes a few minutes. Run from the repository:
# bash tui/scripts/killrounds.sh   (ROUNDS=n and SEED=s to change them)
set -euo pipefail
cd "$(dirname "$0")/../.."
for tool in tmux jq pgrep; do
	command -v "$tool" >/dev/null || { echo "killrounds: needs $tool" >&2; exit 2; }
done
rounds=${ROUNDS:-50}
seed=${SEED:-$$}
RANDOM=$seed
tmp=$(mktemp -d)
trap 'tmux -S "$sock" kill-server 2>/dev/null || true' EXIT
go build -o "$tmp/ladder" .
ws="$tmp/ws"
"$tmp/ladder" init "$ws" >/dev/null
key=cue/revisions/gbz177-l4-draft/mobile_terminal.cue
file="$ws/$key"
entry="$ws/.ladder/recover/$(printf %s "$key" | sha256sum | cut -c1-64).json"
sock="$tmp/tmux.sock"
T() { tmux -S "$sock" "$@"; }

# Copies of what the files may hold: init/ (as ladder init wrote them),
# saved (the edited file as on disk at a round's start), and each save's.
cp -r "$ws/cue/revisions" "$tmp/init"
cp "$file" "$tmp/saved"

losses=0
loss() {
	losses=$((losses + 1))
	n_loss[$sig]=$((n_loss[$sig] + 1))
	# What it was about, to look at: $tmp/loss.<round>/.
	mkdir -p "$tmp/loss.$round"
	cp "$file" "$tmp/loss.$round/disk"
	cp "$tmp"/buffer* "$tmp"/stream "$tmp"/save.* "$tmp"/stderr "$tmp/loss.$round/" 2>/dev/null || true
	cp "$entry" "$tmp/loss.$round/entry.json" 2>/dev/null || true
	echo "LOSS in round $round ($sig): $* (see $tmp/loss.$round)" >&2
}

# screen_has waits up to 20 s until the workbench's screen holds a text.
screen_has() {
	local i
	for ((i = 0; i < 2000; i++)); do
		screen=$(T capture-pane -p -t kr 2>/dev/null || true)
		grep -qF -- "$1" <<<"$screen" && return 0
		sleep 0.01
	done
	return 1
}

# compiled waits up to 20 s until the screen no longer says that the
# working revision does not compile.
compiled() {
	local i
	for ((i = 0; i < 2000; i++)); do
		screen=$(T capture-pane -p -t kr 2>/dev/null || true)
		grep -qF -- "does not compile" <<<"$screen" || return 0
		sleep 0.01
	done
	return 1
}

# text_of prints the text that an entry file holds.
text_of() { jq -j '.text // empty' "$1"; }

# prefix_len prints how much of the round's typing ($tmp/stream) a text
# (file $1) holds after the round's starting buffer ($tmp/buffer0), or -1
# if it is not the starting buffer followed by a prefix of the typing.
prefix_len() {
	local b n rest
	b=$(stat -c %s "$tmp/buffer0")
	n=$(stat -c %s "$1")
	if ((n < b)) || ! cmp -s -n "$b" "$tmp/buffer0" "$1"; then
		echo -1
		return
	fi
	tail -c +$((b + 1)) "$1" >"$tmp/rest"
	rest=$((n - b))
	if ((rest > $(stat -c %s "$tmp/stream"))) || ! cmp -s -n "$rest" "$tmp/rest" "$tmp/stream"; then
		echo -1
		return
	fi
	echo "$rest"
}

# recovered_len is the most of the round's typing that is kept: in the
# journal's entry (file $1, if it exists) or on disk.
recovered_len() {
	local j=-1 d
	if [ -f "$1" ]; then
		text_of "$1" >"$tmp/jtext"
		j=$(prefix_len "$tmp/jtext")
	fi
	d=$(prefix_len "$file")
	echo $((j > d ? j : d))
}

signals=(KILL TERM HUP INT)
declare -A n_rounds n_saves n_files n_journal n_loss n_recovered
for s in "${signals[@]}"; do
	n_rounds[$s]=0 n_saves[$s]=0 n_files[$s]=0 n_journal[$s]=0 n_loss[$s]=0 n_recovered[$s]=0
done
# Each signal as often as the others, in a random order.
order=()
for ((i = 0; i < rounds; i++)); do order+=("${signals[i % 4]}"); done
for ((i = rounds - 1; i > 0; i--)); do
	j=$((RANDOM % (i + 1)))
	t=${order[i]} order[i]=${order[j]} order[j]=$t
done

for ((round = 1; round <= rounds; round++)); do
	sig=${order[round - 1]}
	T kill-server 2>/dev/null || true
	# A server of the round's own: the last one may still be ending.
	sock="$tmp/tmux.$round.sock"
	rm -f "$tmp/stderr" "$tmp/stderr.status" "$tmp"/save.*
	# sh waits for ladder and writes its exit status (tmux may not reap
	# it at once).
	T new-session -d -s kr -x 120 -y 40 -c "$ws" env TERM=xterm-256color NO_COLOR=1 \
		sh -c '"$1" 2>"$0"; echo $? >"$0.status"; sleep 600' "$tmp/stderr" "$tmp/ladder"
	shpid=$(T display-message -p -t kr '#{pane_pid}')
	pid=
	for ((i = 0; i < 500 && ${#pid} == 0; i++)); do
		pid=$(pgrep -P "$shpid" || true)
		[ -n "$pid" ] || sleep 0.01
	done

	# The buffer the round starts from: the journaled edit if there is one
	# that differs from the disk (the start offers it), else the disk. An
	# edit that a save after it holds (kill -9 came between the save and
	# the removal of the entry) is offered too, and discarded here.
	cp "$file" "$tmp/buffer0"
	if [ -f "$entry" ] && text_of "$entry" >"$tmp/jtext" && ! cmp -s "$tmp/jtext" "$file"; then
		if ! screen_has "Recover an unsaved edit?"; then
			loss "the journaled edit is not offered back"
			T capture-pane -p -t kr >&2
			continue
		fi
		n=$(stat -c %s "$tmp/jtext")
		if ((n <= $(stat -c %s "$file"))) && cmp -s -n "$n" "$tmp/jtext" "$file"; then
			T send-keys -t kr d
			screen_has "checks in" || { loss "the workbench did not start"; continue; }
			T send-keys -t kr 1 l Enter
		else
			cp "$tmp/jtext" "$tmp/buffer0"
			n_recovered[$sig]=$((n_recovered[$sig] + 1))
			T send-keys -t kr r
		fi
	else
		screen_has "checks in" || { loss "the workbench did not start"; T capture-pane -p -t kr >&2; continue; }
		T send-keys -t kr 1 l Enter
	fi
	if ! screen_has "Edit · $key"; then
		loss "the file did not open"
		T capture-pane -p -t kr >&2
		continue
	fi
	if T capture-pane -p -t kr | grep -qF "Journal entries not recovered"; then
		loss "the journal holds damaged entries"
	fi
	T send-keys -t kr C-End
	: >"$tmp/stream"
	cp "$tmp/buffer0" "$tmp/buffer"
	saves=0

	# Bursts of typing, pauses, saves.
	edits=$((1 + RANDOM % 6))
	for ((e = 1; e <= edits; e++)); do
		line="// kr $round.$e $RANDOM$RANDOM"
		T send-keys -t kr Enter
		T send-keys -t kr -l "$line"
		printf '\n%s' "$line" >>"$tmp/stream"
		printf '\n%s' "$line" >>"$tmp/buffer"
		last=$line
		if ((RANDOM % 3 == 0)); then
			# Typed, and compiled: a save while the last compilation
			# (of "/", the comment half typed) failed would ask first.
			screen_has "$line" || loss "typing did not show"
			compiled || loss "the typing did not compile"
			saves=$((saves + 1))
			cp "$tmp/buffer" "$tmp/save.$saves"
			T send-keys -t kr C-s
			if ((RANDOM % 2 == 0)); then
				screen_has "saved $key" || loss "the save did not say so"
			fi
		fi
		if ((e < edits)); then
			sleep "0.$((RANDOM % 8))"
		fi
	done

	# The kill, at a random moment. For kill -9, what the journal (and the
	# disk) held just before is what must come back; for the others, all
	# that was typed, once the screen shows it taken.
	if [ "$sig" = KILL ]; then
		sleep "0.$((RANDOM % 10))"
		snap=-1
		if [ -f "$entry" ]; then
			cp "$entry" "$tmp/snap.json" 2>/dev/null && text_of "$tmp/snap.json" >"$tmp/snaptext" && snap=$(prefix_len "$tmp/snaptext")
		fi
		disk=$(prefix_len "$file")
		snap=$((snap > disk ? snap : disk))
		kill -KILL "$pid"
	else
		screen_has "$last" || loss "typing did not show"
		sleep "0.$((RANDOM % 7))"
		kill -"$sig" "$pid"
	fi
	for ((i = 0; i < 2000; i++)); do
		[ -s "$tmp/stderr.status" ] && break
		sleep 0.01
	done
	status=$(cat "$tmp/stderr.status" 2>/dev/null || echo none)

	# No revision file truncated or mixed.
	for f in "$tmp"/init/*/*.cue; do
		rel=${f#"$tmp"/init/}
		disk="$ws/cue/revisions/$rel"
		n_files[$sig]=$((n_files[$sig] + 1))
		if [ "cue/revisions/$rel" != "$key" ]; then
			cmp -s "$f" "$disk" || loss "$rel changed"
			continue
		fi
		ok=0
		for c in "$tmp/saved" "$tmp"/save.*; do
			[ -f "$c" ] && cmp -s "$c" "$disk" && ok=1
		done
		((ok)) || loss "$rel is neither as saved before nor as a save wrote it ($(stat -c %s "$disk") bytes)"
	done

	# Nothing journaled (kill -9) or typed (the others) is lost.
	n_journal[$sig]=$((n_journal[$sig] + 1))
	got=$(recovered_len "$entry")
	if [ "$sig" = KILL ]; then
		((got >= snap)) || loss "the journal held $snap bytes of typing before kill -9, $got after"
	else
		want=$(stat -c %s "$tmp/stream")
		((got == want)) || loss "$want bytes typed, $got kept after SIG$sig"
		code=$((128 + $(kill -l "$sig")))
		[ "$status" = "$code" ] || loss "exit status $status after SIG$sig, want $code"
		# Ended by the workbench, not by the signal's default action
		# (which a shell also reports as 128 + n).
		grep -qF "ladder: ended by SIG$sig" "$tmp/stderr" || loss "stderr does not say the workbench ended: $(cat "$tmp/stderr")"
		if [ -f "$entry" ] && ! cmp -s "$file" "$tmp/buffer"; then
			grep -qF "ended by SIG$sig: the unsaved edits of $key are kept in the journal" "$tmp/stderr" ||
				loss "stderr does not say the edits were kept: $(cat "$tmp/stderr")"
		fi
	fi
	cp "$file" "$tmp/saved"
	n_rounds[$sig]=$((n_rounds[$sig] + 1))
	n_saves[$sig]=$((n_saves[$sig] + saves))
	# A crash while saving may leave a hidden temporary file; it is never
	# loaded, and the next round does not need it.
	rm -f "$ws/cue/revisions/gbz177-l4-draft"/.*.tmp
done
T kill-server 2>/dev/null || true

printf '\nkillrounds: %d rounds, seed %d\n\n' "$rounds" "$seed"
printf '%-8s %6s %6s %14s %16s %10s %6s\n' signal rounds saves "files checked" "journal checked" recovered losses
tot=(0 0 0 0 0 0)
for s in "${signals[@]}"; do
	name=SIG$s
	[ "$s" = KILL ] && name="kill -9"
	printf '%-8s %6d %6d %14d %16d %10d %6d\n' "$name" "${n_rounds[$s]}" "${n_saves[$s]}" "${n_files[$s]}" "${n_journal[$s]}" "${n_recovered[$s]}" "${n_loss[$s]}"
	tot=($((tot[0] + n_rounds[$s])) $((tot[1] + n_saves[$s])) $((tot[2] + n_files[$s])) $((tot[3] + n_journal[$s])) $((tot[4] + n_recovered[$s])) $((tot[5] + n_loss[$s])))
done
printf '%-8s %6d %6d %14d %16d %10d %6d\n' total "${tot[@]}"
printf '\nlosses=%d\n' "$losses"
((losses == 0))
