#!/bin/sh
# How far the model tier can reach on the labelled sets, measured without a
# model: each project is copied with an exec grader (judge.py) that logs the
# pairs it is asked about, `specc check --deep --deep-pairs 100000 -j 1`
# runs on the copy, and reach.py compares the log with the labels.
#
# usage: bench/conflicts/reach/run.sh [SPECC] [SET...]
#   SET is project (the bank set) or heldoutN; all sets by default.
#   Prints one line of counts per set, nothing of the pairs' text.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
bench=$(dirname "$here")
specc=${1:-build/specc}
[ $# -gt 0 ] && shift
if [ ! -x "$specc" ]; then
	echo "run.sh: $specc is not an executable specc; build it with ninja -C build, or pass its path" >&2
	exit 2
fi
specc=$(cd "$(dirname "$specc")" && pwd)/$(basename "$specc")
sets=${*:-project $(cd "$bench" && ls -d heldout* | sort -V)}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for s in $sets; do
	if [ "$s" = project ]; then src=$bench/project pairs=$bench/pairs.tsv; else src=$bench/$s/project pairs=$bench/$s/pairs.tsv; fi
	if [ ! -f "$src/specc.yaml" ]; then
		echo "run.sh: no labelled set $s in $bench" >&2
		exit 2
	fi
	rm -rf "$tmp/p"
	cp -r "$src" "$tmp/p"
	rm -rf "$tmp/p/.specc"
	printf '\nproviders:\n  reach-logger:\n    kind: exec\n    command: [python3, %s/judge.py]\ngrader:\n  provider: reach-logger\n' \
		"$here" >>"$tmp/p/specc.yaml"
	: >"$tmp/log"
	rc=0
	REACH_LOG=$tmp/log "$specc" check --deep --deep-pairs 100000 -j 1 --no-progress --format json \
		--store "$tmp/store.db" "$tmp/p" >/dev/null 2>"$tmp/err" || rc=$?
	# 0 or 1: checked, with or without lexical errors.
	if [ "$rc" -gt 1 ]; then
		echo "run.sh: specc check --deep failed on $s (exit status $rc):" >&2
		tail -n 3 "$tmp/err" >&2
		exit 2
	fi
	rm -f "$tmp/store.db"
	printf '%-10s %s\n' "$s" "$(python3 "$here/reach.py" "$specc" "$tmp/p" "$pairs" "$tmp/log")"
done
