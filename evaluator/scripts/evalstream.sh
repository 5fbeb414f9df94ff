#!/usr/bin/env bash
# Measures `ladder eval --format json` as a whole process on generated
# corpora: 100k valid devices, the same 100k with one field wrong in each
# (fixtures/testdata/breakone.py), and 1M valid devices; wall time, CPU
# time (user and system: what a busy machine changes least) and peak RSS
# (GNU time's "Maximum resident set size"), the median of RUNS runs
# (default 3), the output thrown away. With OLD, a git revision, it builds
# that revision too and measures it in the same runs, alternating, for a
# ratio: the commit before eval streamed is 70b971d. SKIP_1M=1 leaves out
# the 1M corpus (900 MB, and the old eval needs some 4 GB for it). Needs
# GNU time (/usr/bin/time) and python3. Run from the repository:
#
#	bash evaluator/scripts/evalstream.sh [OLD]
set -euo pipefail
cd "$(dirname "$0")/../.."
old=${1:-}
runs=${RUNS:-3}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
go build -o "$work/new" .
bins=(new)
if [[ -n "$old" ]]; then
	git worktree add --detach -q "$work/src" "$old"
	(cd "$work/src" && go build -o "$work/old" .)
	git worktree remove --force "$work/src"
	bins=(old new)
fi

"$work/new" gen --n 100000 > "$work/valid100k.jsonl"
python3 fixtures/testdata/breakone.py cue/revisions/gbz177-2026/schema.cue "$work/valid100k.jsonl" > "$work/invalid100k.jsonl"
corpora=(valid100k invalid100k)
if [[ -z "${SKIP_1M:-}" ]]; then
	"$work/new" gen --n 1000000 > "$work/valid1m.jsonl"
	corpora+=(valid1m)
fi

# median prints the middle line of its input, sorted as numbers.
median() { sort -n | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }

for corpus in "${corpora[@]}"; do
	for bin in "${bins[@]}"; do : > "$work/$bin.times"; : > "$work/$bin.cpu"; : > "$work/$bin.rss"; done
	for _ in $(seq "$runs"); do
		for bin in "${bins[@]}"; do
			# eval exits 2 on invalid records: that is expected here.
			/usr/bin/time -f "%e %U %S %M" -o "$work/one" "$work/$bin" eval --format json --corpus "$work/$corpus.jsonl" > /dev/null 2>&1 || true
			read -r secs user sys kb < <(tail -1 "$work/one")
			echo "$secs" >> "$work/$bin.times"
			echo "$user $sys" | awk '{print $1 + $2}' >> "$work/$bin.cpu"
			echo "$kb" >> "$work/$bin.rss"
		done
	done
	for bin in "${bins[@]}"; do
		printf '%-12s %-4s wall %6.2f s (runs: %s)  CPU %6.2f s  peak RSS %5d MiB\n' "$corpus" "$bin" \
			"$(median < "$work/$bin.times")" "$(paste -sd' ' "$work/$bin.times")" "$(median < "$work/$bin.cpu")" \
			"$(( $(median < "$work/$bin.rss") / 1024 ))"
	done
done
